# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os

import pytest
import requests
from requests.structures import CaseInsensitiveDict
from urllib3.exceptions import ProtocolError

from ansible_collections.dbops.patching.plugins.module_utils import _http, _jobs, _oracle
from ansible_collections.dbops.patching.plugins.module_utils._errors import ConfigurationError
from ansible_collections.dbops.patching.tests.unit.utils.harness import Call, FakeSession

API = 'https://psm.example.com'
DOMAIN = 'ExampleIdentityDomain'
INSTANCE = API + '/paas/api/v1.1/instancemgmt/ExampleIdentityDomain/services/MySQLCS/instances/MyTestInstance'
ACTIVITY = API + '/paas/api/v1.1/activitylog/ExampleIdentityDomain'
PASSWORD = 's3cr3t-pw'
PARAMS = dict(api_url=API, identity_domain=DOMAIN, username='username', password=PASSWORD,
              validate_certs=True, ca_path=None, request_timeout=30)
HEADERS = {'X-ID-TENANT-NAME': DOMAIN, 'Accept': 'application/json'}
FIXTURES = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'simulator', 'fixtures')


def fixture(name):
    with open(os.path.join(FIXTURES, name)) as handle:
        return json.load(handle)


def oracle(calls, **params):
    session = FakeSession(calls)
    client = _oracle.OracleClient(dict(PARAMS, **params), session=session)
    client.http.sleep = lambda seconds: None
    return client, session


def instance(calls, **params):
    client, session = oracle(calls, **params)
    return client.instance('MySQLCS', 'MyTestInstance'), session


def record(job_id='4208393', status='COMPLETED', operation='Patch', patch_id='5.7.16-EE', rollback_id='234688', **extra):
    result_key = 'rollbackResult' if operation == 'Rollback' else 'patchingResult'
    value = {'patchId': patch_id, 'id': 234688, 'rollbackId': rollback_id, 'jobId': job_id, 'operationType': operation,
             'lastStatus': status, 'inProgress': status == 'IN_PROGRESS',
             result_key: {'jobId': job_id, 'startDate': 'start', 'endDate': 'end', 'patchingStatus': status}}
    value.update(extra)
    return value


def test_argument_specs():
    spec = _oracle.oracle_argument_spec()
    assert spec['password']['no_log'] is True
    assert spec['api_url']['fallback'][1] == ['ORACLE_PAAS_API_URL']
    assert set(spec) >= {'api_url', 'identity_domain', 'username', 'password', 'validate_certs', 'ca_path', 'request_timeout'}
    assert _oracle.service_argument_spec()['service_type'] == dict(type='str', default='dbaas', choices=['dbaas', 'MySQLCS'])


def test_auth_sends_basic_and_the_tenant_header():
    auth = _oracle.OracleAuth('user', PASSWORD, DOMAIN)
    assert auth.headers() == {'X-ID-TENANT-NAME': DOMAIN}
    assert auth.basic() == ('user', PASSWORD) and auth.secret_values() == (PASSWORD, 'user:' + PASSWORD)
    assert _oracle.OracleAuth(None, None, DOMAIN).basic() is None
    assert _oracle.OracleAuth(None, 'pw', DOMAIN).basic() == ('', 'pw')


def write_answer(text, headers):
    return _http.Response(202, CaseInsensitiveDict(headers), text)


@pytest.mark.parametrize('text, headers, job_id', [
    ('{"details": {"jobId": " 4208393 "}}', {}, '4208393'),
    ('{"jobId": 42}', {}, '42'),
    ('{"job_id": "7"}', {}, '7'),
    ('{"details": {"jobId": ""}, "jobId": "8"}', {}, '8'),
    ('{"message": "accepted"}', {'Location': INSTANCE + '/patches/applied/job/9/'}, '9'),
    ('not json', {'Content-Location': '/job/10'}, '10'),
    ('', {}, None),
    ('[1]', {}, None),
])
def test_job_id_from_every_write_answer(text, headers, job_id):
    assert _oracle.job_id_from_write(write_answer(text, headers)) == job_id


def test_paths_quote_every_part():
    client, dummy = oracle([], identity_domain='a/b')
    assert client.instance('dbaas', 'my db').path('patches', _http.segment('patch_id', 'x/y')) == (
        '/paas/api/v1.1/instancemgmt/a%2Fb/services/dbaas/instances/my%20db/patches/x%2Fy')
    assert client.activity_path('job', '5') == '/paas/api/v1.1/activitylog/a%2Fb/job/5'
    for bad in ('', ' ', '.', '..'):
        with pytest.raises(ConfigurationError) as info:
            client.instance('dbaas', bad)
        assert str(info.value) == 'service_name must be a non-empty id, got %r.' % bad


@pytest.mark.parametrize('body, listed', [
    ([{'patchId': '1'}], [{'patchId': '1'}]),
    ({'patches': [{'patchId': '2'}]}, [{'patchId': '2'}]),
    ({'availablePatches': [{'patchId': '3'}], 'total': 1}, [{'patchId': '3'}]),
    ({'patchId': '4'}, [{'patchId': '4'}]),
    ({}, []),
    (None, []),
])
def test_patch_lists_in_every_shape(body, listed):
    inst, session = instance([Call('GET', INSTANCE + '/patches/available', json_body=body, expect_headers=HEADERS,
                                   expect_basic=('username', PASSWORD)),
                              Call('GET', INSTANCE + '/patches/applied', json_body=body)])
    assert [e['raw'] for e in inst.available()] == listed
    assert [e['raw'] for e in inst.entries()] == listed
    session.assert_done()


def test_seed_001_patch_job_answered_202_with_an_array():
    payload = fixture('oracle_001_rollback_job_4208393.json')
    inst, session = instance([Call('GET', INSTANCE + '/patches/applied/job/4208393', status=202, json_body=payload,
                                   headers={'Retry-After': '15'}, expect_headers=HEADERS)])
    job, retry_after = inst.patch_job('4208393')
    assert (job['id'], job['state'], job['operation'], job['terminal'], job['ended_at']) == ('4208393', 'running', 'Rollback', False, None)
    assert retry_after == 15.0
    session.assert_done()


@pytest.mark.parametrize('call', [
    Call('GET', INSTANCE + '/patches/applied/job/1', status=404, text='<html>Not Found</html>'),
    Call('GET', INSTANCE + '/patches/applied/job/1', json_body=[]),
    Call('GET', INSTANCE + '/patches/applied/job/1', status=204),
])
def test_a_missing_patch_job_is_not_found(call):
    calls = [call] + ([Call('GET', INSTANCE + '/patches/applied', json_body=[])] if call.status == 404 else [])
    inst, session = instance(calls)
    with pytest.raises(_http.NotFoundError):
        inst.patch_job('1')
    session.assert_done()


def test_precheck_job_and_missing_precheck():
    client, session = oracle([
        Call('GET', INSTANCE + '/patches/checks/job/7', json_body={'jobId': '7', 'status': 'DIDNT_PASS_PRECHECK',
                                                                   'preCheckMessages': [{'message': 'disk full'}]}),
        Call('GET', INSTANCE + '/patches/checks/job/8', status=404, text=''),
        Call('GET', INSTANCE + '/patches/applied', json_body=[]),
        Call('GET', INSTANCE + '/patches/checks/job/9', json_body=[]),
    ])
    inst = client.instance('MySQLCS', 'MyTestInstance')
    job, retry_after = inst.precheck_job('7')
    assert (job['state'], job['message'], retry_after) == ('failed', 'disk full', None)
    for job_id in ('8', '9'):
        with pytest.raises(_http.NotFoundError):
            inst.precheck_job(job_id)
    session.assert_done()


def test_writes_send_the_documented_bodies():
    client, session = oracle([
        Call('PUT', INSTANCE + '/patches/checks/5.7.16-EE', status=202, json_body={'details': {'jobId': '11'}},
             expect_json={}, headers={'Retry-After': '60'}),
        Call('PUT', INSTANCE + '/patches/5.7.16-EE', status=202, json_body={'jobId': '12'},
             expect_json={'additionalNote': 'n', 'forceApply': True, 'switchOver': False}),
        Call('PUT', INSTANCE + '/patches/5.7.16-EE', status=202, json_body={'jobId': '13'}, expect_json={}),
        Call('PUT', INSTANCE + '/patches/234688/rollback', status=202, text='',
             headers={'Location': INSTANCE + '/patches/applied/job/14', 'Retry-After': '60'}, expect_json={}),
        Call('PUT', INSTANCE + '/patches/234688/rollback', status=202, json_body={'jobId': '15'},
             expect_json={'additionalNote': 'back', 'switchOver': True}),
    ])
    inst = client.instance('MySQLCS', 'MyTestInstance')
    assert inst.precheck('5.7.16-EE') == ('11', 60.0)
    assert inst.apply('5.7.16-EE', note='n', force_apply=True, switch_over=False) == ('12', None)
    assert inst.apply('5.7.16-EE') == ('13', None)
    assert inst.rollback('234688') == ('14', 60.0)
    assert session.seen[3]['data'] == '{}', 'Oracle requires a JSON body on rollback, even an empty one'
    assert inst.rollback('234688', note='back', switch_over=True) == ('15', None)
    session.assert_done()


def test_an_apply_whose_answer_is_lost_is_sent_once():
    reset = requests.exceptions.ConnectionError(ProtocolError('Connection aborted.', ConnectionResetError(104, 'reset')))
    inst, session = instance([Call('PUT', INSTANCE + '/patches/5.7.16-EE', raises=reset)])
    with pytest.raises(_http.WriteOutcomeUnknown) as info:
        inst.apply('5.7.16-EE')
    assert len(session.writes()) == 1
    assert PASSWORD not in str(info.value)


def test_an_error_echoing_the_password_is_redacted():
    inst, dummy = instance([Call('GET', INSTANCE + '/patches/applied', status=401,
                                 text='<html><body>Bad credentials username/%s</body></html>' % PASSWORD)])
    with pytest.raises(_http.AuthError) as info:
        inst.entries()
    assert PASSWORD not in str(info.value) and 'HTTP 401' in str(info.value)


def test_seed_002_activity_job_and_filter():
    payload = fixture('activity_002_job_5150771.json')
    client, session = oracle([
        Call('GET', ACTIVITY + '/job/5150771', json_body=payload, expect_headers=HEADERS),
        Call('GET', ACTIVITY + '/job/1', status=404, text=''),
        Call('GET', ACTIVITY + '/job/2', json_body=[]),
        Call('GET', ACTIVITY + '/filter', json_body={'activityLogs': [payload]}, expect_params={'serviceName': 'x', 'limit': 100, 'offset': 0}),
    ])
    job, retry_after = client.activity_job('5150771')
    assert (job['id'], job['state'], len(job['messages']), retry_after) == ('5150771', 'succeeded', 17, None)
    for job_id in ('1', '2'):
        with pytest.raises(_http.NotFoundError):
            client.activity_job(job_id)
    assert [j['id'] for j in client.activity_filter({'serviceName': 'x'})] == ['5150771']
    session.assert_done()


def activity(job_id, status, start, end=None):
    return {'jobId': job_id, 'status': status, 'operationType': 'PATCH_SERVICE', 'startDate': start, 'endDate': end}


def test_a_search_over_pages_counts_each_job_once():
    page = [activity(n, 'RUNNING', '2026-11-24T10:00:%02d.000+0000' % (n % 60)) for n in range(100)]
    client, session = oracle([
        Call('GET', ACTIVITY + '/filter', json_body={'activityLogs': page}, expect_params={'limit': 100, 'offset': 0}),
        Call('GET', ACTIVITY + '/filter', json_body=[page[-1], activity(100, 'NEW', '2026-11-24T10:02:00.000+0000')],
             expect_params={'limit': 100, 'offset': 100}),
    ])
    assert [j['id'] for j in client.activity_filter({})] == [str(n) for n in range(101)], 'a record shifted onto the next page'
    session.assert_done()


def test_a_search_stops_at_a_page_that_repeats_the_last():
    page = [activity(n, 'RUNNING', '2026-11-24T10:00:00.000+0000') for n in range(150)]
    client, session = oracle([Call('GET', ACTIVITY + '/filter', json_body=page) for dummy in range(2)])
    assert len(client.activity_filter({})) == 150, 'a log that ignores limit and offset: two reads, not MAX_PAGES'
    session.assert_done()


def test_how_jobs_ended_is_one_search_since_the_earliest_start():
    since = {'fromStartDate': '2026-11-24T09:59:59.000+0000', 'orderBy': 'startDate:asc', 'limit': 100, 'offset': 0}
    client, session = oracle([Call('GET', ACTIVITY + '/filter', expect_params=since, json_body={'activityLogs': [
        activity(7, 'SUCCEED', '2026-11-24T10:00:00.000+0000', '2026-11-24T10:30:00.000+0000'),
        activity(8, 'FAILED', '2026-11-24T10:05:00.000+0000', '2026-11-24T10:06:00.000+0000'),
        activity(9, 'SUCCEED', '2026-11-24T10:01:00.000+0000', '2026-11-24T10:02:00.000+0000')]})])
    last = dict((job_id, _jobs.make_job(job_id, 'RUNNING', 'running', started_at=start))
                for job_id, start in (('7', '2026-11-24T10:00:00.000+0000'), ('8', '2026-11-24T11:05:00+0100')))
    ended = client.activities_since(last)
    assert sorted(ended) == ['7', '8'] and ended['8']['state'] == 'failed', 'only the jobs asked for'
    session.assert_done()
    assert client.activities_since(dict(last, x=_jobs.make_job('x', 'NEW', 'pending'))) == {}, 'no start: no search'
    assert client.activities_since({}) == {}


def test_patch_entries():
    warnings = []
    entry = _oracle.patch_entry(record(status='IN PROGRESS', currentPatchLevel='5.7.16', inProgress=False), warnings.append)
    assert entry['state'] == 'running' and entry['in_progress'] is True, 'a running status counts even without inProgress'
    assert (entry['patch_id'], entry['rollback_id'], entry['job_id'], entry['current_patch_level']) == (
        '5.7.16-EE', '234688', '4208393', '5.7.16')
    no_rollback_id = _oracle.patch_entry(record(rollback_id=''))
    assert no_rollback_id['rollback_id'] == '234688', 'falls back to the record id'
    odd = _oracle.patch_entry({'patchId': 'p', 'lastStatus': 'PAUSED'}, warnings.append)
    assert (odd['state'], odd['job_id']) == ('unknown', None)
    assert warnings and 'PAUSED' in warnings[0]
    available = _oracle.available_entry({'id': 'p9', 'status': 'Available'})
    assert (available['patch_id'], available['state'], available['status'], available['in_progress']) == ('p9', 'available', 'Available', False)


def test_latest_record_level_running_and_applied():
    first = _oracle.patch_entry(record(job_id='1', rollback_id='10', status='COMPLETED', currentPatchLevel='L1'))
    second = _oracle.patch_entry(record(job_id='2', rollback_id='20', status='COMPLETED', currentPatchLevel='L2'))
    rolled = _oracle.patch_entry(record(job_id='3', operation='Rollback', rollback_id='x', status='COMPLETED_ROLLBACK',
                                        rollbackVersion='L1'))
    entries = [second, first, rolled]
    assert _oracle.latest_record_for_patch(entries, '5.7.16-EE') is second, 'highest numeric rollback id'
    twins = [rolled, dict(rolled)]
    assert _oracle.latest_record_for_patch(twins, '5.7.16-EE') is twins[1], 'no numeric rollback id: the last listed'
    assert _oracle.latest_record_for_patch(entries, 'other') is None
    assert _oracle.current_patch_level([first, second]) == 'L2'
    assert _oracle.current_patch_level([first, rolled]) == 'L1', 'after a rollback, its rollback version'
    assert _oracle.current_patch_level([_oracle.patch_entry(record(status='FAILED'))]) is None
    running = _oracle.patch_entry(record(status='IN_PROGRESS'))
    assert _oracle.running_entry([first, running]) is running and _oracle.running_entry([first]) is None
    assert _oracle.is_applied(first) and not _oracle.is_applied(None)
    assert not _oracle.is_applied(_oracle.patch_entry(record(status='FAILED')))
    assert not _oracle.is_applied(rolled), 'a completed rollback removed the patch'
    assert _oracle.is_applied(_oracle.patch_entry(record(operation='Rollback', status='FAILED')))


def test_read_entries_lookup_and_description():
    inst, dummy = instance([Call('GET', INSTANCE + '/patches/applied', json_body=[record(), 'junk'])])
    entries = inst.entries()
    assert len(entries) == 1
    assert _oracle.entry_for_rollback_id(entries, ' 234688 ') is entries[0]
    assert _oracle.entry_for_rollback_id(entries, '1') is None
    assert _oracle.describe_entry(entries[0]) == 'Patch of patch 5.7.16-EE (job 4208393, COMPLETED)'
    assert _oracle.describe_entry(dict(entries[0], operation=None)).startswith('operation of patch')
    job = _oracle.entry_job(entries[0])
    assert (job['id'], job['state'], job['ended_at']) == ('4208393', 'succeeded', 'end')
    assert _oracle.patch_level_diff('a', 'b') == {'before': {'patch_level': 'a'}, 'after': {'patch_level': 'b'}}


def test_a_utf8_password_is_sent_as_utf8_basic_credentials():
    password = 'pässwörd-✓'
    client, session = oracle([Call('GET', ACTIVITY + '/job/1', json_body={'jobId': 1, 'status': 'SUCCEED'},
                                   expect_basic=('username', password))], password=password)
    client.activity_job('1')
    assert session.seen[0]['auth'] == ('username', password), 'sent as UTF-8 bytes (the harness decodes them)'
    header = requests.auth._basic_auth_str(*(part.encode('utf-8') for part in ('username', password)))
    assert header.startswith('Basic ')


def test_plain_http_and_unchecked_certificates_warn():
    warnings = []
    _oracle.OracleClient(dict(PARAMS, api_url='http://psm.example.com'), warn=warnings.append, session=FakeSession([]))
    _oracle.OracleClient(dict(PARAMS, validate_certs=False), warn=warnings.append, session=FakeSession([]))
    _oracle.OracleClient(dict(PARAMS), warn=warnings.append, session=FakeSession([]))
    assert warnings == ['http://psm.example.com is plain http://: credentials and tokens cross the network unencrypted.',
                        'validate_certs is false for https://psm.example.com: credentials go to a server whose certificate '
                        'is not checked.']


def test_typical_duration_takes_the_same_operation_of_the_same_service():
    def run(job_id, operation, state, start, end):
        return _jobs.make_job(job_id, state.upper(), state, operation=operation, started_at=start, ended_at=end)

    records = [run('1', 'PATCH_SERVICE', 'succeeded', '2026-01-01T00:00:00Z', '2026-01-01T00:20:00Z'),
               run('2', 'PATCH_SERVICE', 'succeeded', '2026-02-01T00:00:00.000+0000', '2026-02-01T00:40:00.000+0000'),
               run('3', 'PATCH_SERVICE', 'failed', '2026-03-01T00:00:00Z', '2026-03-01T00:01:00Z'),
               run('4', 'BACKUP', 'succeeded', '2026-03-01T00:00:00Z', '2026-03-01T05:00:00Z'),
               run('9', 'PATCH_SERVICE', 'running', '2026-04-01T00:00:00Z', None)]
    assert _oracle.typical_duration(records, '9') == (1200.0, 2400.0)
    assert _oracle.typical_duration(records, '404') is None, 'a job the log does not show yet has no history'
    assert _oracle.typical_duration(records[3:], '9') is None
