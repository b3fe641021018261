# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os

import pytest
import requests
from urllib3.exceptions import ProtocolError

from ansible_collections.dbops.patching.plugins.module_utils import _clc, _http
from ansible_collections.dbops.patching.plugins.module_utils._jobs import make_job
from ansible_collections.dbops.patching.plugins.module_utils._errors import ConfigurationError, ModuleFailure
from ansible_collections.dbops.patching.tests.unit.utils.harness import Call, FakeSession

API = 'https://api.ctl.io'
PATCHING = 'https://patching.useast.appfog.ctl.io'
PASSWORD = 'clc-s3cr3t'
TOKEN = 'bearer-abc123'
LOGIN = API + '/v2/authentication/login'
SERVER = PATCHING + '/rest/servers/OSD/server/VA1OSDPATCH33/patch'
FIXTURES = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'simulator', 'fixtures')


def fixture(name):
    with open(os.path.join(FIXTURES, name)) as handle:
        return json.load(handle)


def clc(calls, **given):
    values = dict(api_url=API, patching_url=PATCHING + '/', username=None, password=None, token=None, account_alias=None,
                  validate_certs=True, ca_path=None, request_timeout=30)
    values.update(given)
    session = FakeSession(calls)
    client = _clc.ClcClient(values, session=session)
    client.http.sleep = lambda seconds: None
    return client, session


def login(token=TOKEN, alias='OSD', status=200):
    return Call('POST', LOGIN, status=status, json_body={'userName': 'bob', 'accountAlias': alias, 'bearerToken': token},
                expect_json={'username': 'bob', 'password': PASSWORD})


def test_argument_spec():
    spec = _clc.clc_argument_spec()
    assert spec['password']['no_log'] and spec['token']['no_log']
    assert spec['password']['fallback'][1] == ['CLC_V2_API_PASSWD'] and spec['account_alias']['fallback'][1] == ['CLC_ACCT_ALIAS']
    assert spec['api_url']['default'] == API and spec['patching_url']['default'] == PATCHING


def test_login_gives_the_token_and_the_alias():
    client, session = clc([login(), Call('GET', SERVER + '/VA1-132457', json_body={}, expect_headers={'Authorization': 'Bearer ' + TOKEN})],
                          username='bob', password=PASSWORD)
    with pytest.raises(_http.NotFoundError):
        client.execution('VA1OSDPATCH33', 'VA1-132457')
    assert 'Authorization' not in session.seen[0]['headers']
    session.assert_done()


def test_a_given_token_and_alias_need_no_login():
    client, session = clc([Call('GET', API + '/v2/operations/ACME/status/q-1', json_body={'status': 'executing'},
                                expect_headers={'Authorization': 'Bearer ' + TOKEN}, headers={'Retry-After': '9'})],
                          token=TOKEN, account_alias='ACME')
    job, retry_after = client.queue_status('q-1')
    assert (job['id'], job['state'], job['operation'], retry_after) == ('q-1', 'running', 'executePackage', 9.0)
    session.assert_done()


def test_missing_credentials_or_alias_fail_clearly():
    with pytest.raises(ConfigurationError) as info:
        clc([])[0].alias
    assert str(info.value).startswith('CTL needs either token, or username and password')
    with pytest.raises(ConfigurationError) as info:
        clc([], token=TOKEN)[0].alias
    assert str(info.value).startswith('CTL needs account_alias')


def test_a_refused_login_never_shows_the_password():
    client, dummy = clc([Call('POST', LOGIN, status=400, json_body={'message': 'bad password %s' % PASSWORD})],
                        username='bob', password=PASSWORD)
    with pytest.raises(_http.AuthError) as info:
        client.alias
    assert str(info.value).startswith('CTL login failed: POST /v2/authentication/login: HTTP 400: bad password ')
    assert PASSWORD not in str(info.value) and PASSWORD not in repr(info.value.to_result())


def test_a_login_without_a_token_is_a_bad_response():
    client, dummy = clc([login(token=None)], username='bob', password=PASSWORD)
    with pytest.raises(_http.BadResponseError) as info:
        client.alias
    assert str(info.value) == 'CTL login answered 200 without a bearerToken.'


def test_an_expired_token_logs_in_again_once_and_is_redacted():
    client, session = clc([
        login(token='t1'),
        Call('GET', SERVER, status=401, expect_headers={'Authorization': 'Bearer t1'}),
        login(token='t2'),
        Call('GET', SERVER, status=500, text='Authorization: Bearer t2 broke', expect_headers={'Authorization': 'Bearer t2'}),
    ], username='bob', password=PASSWORD, account_alias='OSD')
    client.http.max_retries = 0
    with pytest.raises(_http.HttpStatusError) as info:
        client.executions('VA1OSDPATCH33')
    assert 't2' not in str(info.value)
    session.assert_done()


def test_a_given_token_is_not_renewed():
    client, session = clc([Call('GET', SERVER, status=401, text='expired')], token=TOKEN, account_alias='OSD')
    with pytest.raises(_http.AuthError):
        client.executions('VA1OSDPATCH33')
    assert len(session.seen) == 1


def test_execute_package_posts_once_and_maps_servers_to_queue_ids():
    answer = [
        {'server': 'S1', 'isQueued': True, 'links': [{'rel': 'self', 'id': 'x'}, {'rel': 'status', 'id': 'q-1'}]},
        {'server': 'S2', 'isQueued': True, 'links': [{'rel': 'other', 'id': 'q-2'}]},
        {'server': 'S3', 'isQueued': False, 'links': []},
    ]
    client, session = clc([Call('POST', API + '/v2/operations/OSD/servers/executePackage', json_body=answer,
                                expect_json={'servers': ['S1', 'S2', 'S3'],
                                             'package': {'packageId': 'pkg', 'parameters': {'patch.debug.mode': 'false'}}})],
                          token=TOKEN, account_alias='OSD')
    assert client.execute_package(('S1', 'S2', 'S3'), 'pkg', {'patch.debug.mode': 'false'}) == {'S1': 'q-1', 'S2': 'q-2', 'S3': None}
    session.assert_done()


def test_execute_package_whose_answer_is_lost_is_not_resent():
    reset = requests.exceptions.ConnectionError(ProtocolError('Connection aborted.', ConnectionResetError(104, 'reset')))
    client, session = clc([Call('POST', API + '/v2/operations/OSD/servers/executePackage', raises=reset,
                                expect_json={'servers': ['S1'], 'package': {'packageId': 'pkg', 'parameters': {}}})],
                          token=TOKEN, account_alias='OSD')
    with pytest.raises(_http.WriteOutcomeUnknown):
        client.execute_package(['S1'], 'pkg', None)
    assert len(session.writes()) == 1


def test_the_packages_are_known():
    assert _clc.PACKAGES['linux'] == ('c3c6642e-24e1-4c37-b56a-1cf1476ee360', {'patch.debug.mode': 'false'})
    assert _clc.PACKAGES['windows'][0] == 'b229535c-a313-4a31-baf8-6aa71ff4b9ed'


@pytest.mark.parametrize('call, ids', [
    (Call('GET', SERVER, json_body=[{'execution_id': 'A', 'status': 'completed', 'patches': 3}, 'junk']), ['A']),
    (Call('GET', SERVER, json_body={'executions': [{'execution_id': 'B', 'status': 'RUNNING'}]}), ['B']),
    (Call('GET', SERVER, json_body={'items': [{'execution_id': 'C', 'status': 'RUNNING'}]}), ['C']),
    (Call('GET', SERVER, json_body={'execution_id': 'D', 'status': 'pending'}), ['D']),
    (Call('GET', SERVER, json_body={'nothing': 1}), []),
    (Call('GET', SERVER, json_body=None), []),
])
def test_executions_in_every_shape(call, ids):
    client, session = clc([call], token=TOKEN, account_alias='OSD')
    assert [e['id'] for e in client.executions('VA1OSDPATCH33')] == ids
    session.assert_done()


def test_a_404_for_the_executions_means_no_such_server():
    client, session = clc([Call('GET', SERVER, status=404, text='<html>no such server</html>')], token=TOKEN, account_alias='OSD')
    with pytest.raises(ModuleFailure) as info:
        client.executions('VA1OSDPATCH33')
    assert str(info.value).startswith('Server VA1OSDPATCH33 does not exist: ')


def test_seed_003_execution_detail():
    payload = fixture('clc_003_execution_VA1-132457.json')
    client, session = clc([Call('GET', SERVER + '/VA1-132457', json_body=payload),
                           Call('GET', SERVER + '/VA1-404', status=404, text=''),
                           Call('GET', SERVER, json_body=[])], token=TOKEN, account_alias='OSD')
    job, retry_after = client.execution('VA1OSDPATCH33', 'VA1-132457')
    assert (job['id'], job['state'], job['with_warnings'], job['patch_count'], retry_after) == ('VA1-132457', 'succeeded', True, 2, None)
    with pytest.raises(_http.NotFoundError):
        client.execution('VA1OSDPATCH33', 'VA1-404')
    session.assert_done()


def test_running_and_newest_execution():
    def execution(execution_id, state, started):
        return make_job(execution_id, state.upper(), state, started_at=started)

    old = execution('A', 'succeeded', '2016-03-14T10:00:00Z')
    running = execution('B', 'running', '2016-03-14T11:00:00Z')
    pending = execution('C', 'pending', None)
    assert _clc.running_execution([old, running, pending]) is pending, 'the newest listed still running'
    assert _clc.running_execution([old]) is None
    assert _clc.newest_execution([running, old]) is running
    assert _clc.newest_execution([old, running], exclude=('B',)) is old
    assert _clc.newest_execution([old], exclude=('A',)) is None
    twin = execution('D', 'succeeded', '2016-03-14T10:00:00Z')
    assert _clc.newest_execution([old, twin]) is twin, 'same start: the last listed'


def test_the_wait_schedules_an_execution_without_its_patch_count_progress():
    """CTL lists a patch only once it is attempted: the percent of the patches done is no share of the
    time, and an end estimated from it runs away (the server would be read once a minute)."""
    job = make_job('VA1-2', 'RUNNING', 'running', progress=50)
    scheduled = _clc.for_the_wait(job)
    assert scheduled['progress'] is None and job['progress'] == 50, 'the job returned keeps its progress'
    assert dict(scheduled, progress=50) == job
    done = make_job('VA1-2', 'COMPLETED', 'succeeded')
    assert _clc.for_the_wait(done) is done and _clc.for_the_wait(None) is None
