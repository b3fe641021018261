# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os

import pytest

from ansible_collections.dbops.patching.plugins.module_utils import _clc, _jobs, _oracle, _otc

FIXTURES = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'simulator', 'fixtures')


def fixture(name):
    with open(os.path.join(FIXTURES, name)) as handle:
        return json.load(handle)


@pytest.mark.parametrize('table, status, state, warn', [
    (_oracle.PATCH_STATUS, 'IN_PROGRESS', 'running', False),
    (_oracle.PATCH_STATUS, 'IN PROGRESS', 'running', False),
    (_oracle.PATCH_STATUS, ' in progress ', 'running', False),
    (_oracle.PATCH_STATUS, 'COMPLETED', 'succeeded', False),
    (_oracle.PATCH_STATUS, 'FAILED', 'failed', False),
    (_oracle.PATCH_STATUS, 'COMPLETED_ROLLBACK', 'succeeded', False),
    (_oracle.PRECHECK_STATUS, 'PASSED_PRECHECK', 'succeeded', False),
    (_oracle.PRECHECK_STATUS, 'DIDNT_PASS_PRECHECK', 'failed', False),
    (_oracle.PRECHECK_STATUS, 'DIDNT_FINISHED_PRECHECK', 'failed', False),
    (_oracle.PRECHECK_STATUS, 'IN_PROGRESS', 'running', False),
    (_oracle.ACTIVITY_STATUS, 'NEW', 'pending', False),
    (_oracle.ACTIVITY_STATUS, 'RUNNING', 'running', False),
    (_oracle.ACTIVITY_STATUS, 'SUCCEED', 'succeeded', False),
    (_oracle.ACTIVITY_STATUS, 'FAILED', 'failed', False),
    (_oracle.ACTIVITY_STATUS, 'WARN', 'succeeded', True),
    (_oracle.ACTIVITY_STATUS, 'In Progress', 'running', False),
    (_oracle.ACTIVITY_STATUS, 'Succeeded', 'succeeded', False),
    (_oracle.ACTIVITY_STATUS, 'Failed', 'failed', False),
    (_otc.JOB_STATUS, 'Running', 'running', False),
    (_otc.JOB_STATUS, 'Completed', 'succeeded', False),
    (_otc.JOB_STATUS, 'Failed', 'failed', False),
    (_clc.EXECUTION_STATUS, 'RUNNING', 'running', False),
    (_clc.EXECUTION_STATUS, 'COMPLETED', 'succeeded', False),
    (_clc.EXECUTION_STATUS, 'pending', 'pending', False),
    (_clc.EXECUTION_STATUS, 'completed', 'succeeded', False),
    (_clc.EXECUTION_STATUS, 'failed', 'failed', False),
    (_clc.QUEUE_STATUS, 'notStarted', 'pending', False),
    (_clc.QUEUE_STATUS, 'executing', 'running', False),
    (_clc.QUEUE_STATUS, 'succeeded', 'succeeded', False),
    (_clc.QUEUE_STATUS, 'failed', 'failed', False),
    (_clc.QUEUE_STATUS, 'resumed', 'running', False),
    (_clc.QUEUE_STATUS, 'unknown', 'unknown', False),
])
def test_every_documented_status(table, status, state, warn):
    warnings = []
    assert _jobs.map_status(status, table, 'job', '1', warnings.append) == (state, warn)
    assert warnings == []


def test_unknown_status_maps_to_unknown_and_warns():
    warnings = []
    assert _jobs.map_status('PAUSED', _otc.JOB_STATUS, 'OTC RDS job', 'j1', warnings.append) == ('unknown', False)
    assert warnings == ['OTC RDS job j1 has a status this collection does not know: \'PAUSED\'; reported as state "unknown".']
    assert _jobs.map_status(None, _otc.JOB_STATUS, 'x', 'y') == ('unknown', False)


@pytest.mark.parametrize('code, state, warn', [(0, 'pending', False), (1, 'running', False), (2, 'succeeded', False),
                                               (3, 'succeeded', True), (4, 'failed', False), (5, 'canceled', False)])
def test_clc_result_codes(code, state, warn):
    patch = _clc.normalize_patch({'patch_begin_message': 'KB1', 'patch_end_message': 'Result Code: %d' % code, 'status': 'x'})
    assert (patch['state'], patch['with_warnings'], patch['result_code']) == (state, warn, code)


def test_seed_001_rollback_job_answered_with_an_array():
    payload = fixture('oracle_001_rollback_job_4208393.json')
    job = _oracle.normalize_patch_job(payload, '4208393')
    assert (job['id'], job['state'], job['status'], job['operation'], job['terminal']) == ('4208393', 'running', 'IN_PROGRESS', 'Rollback', False)
    assert job['started_at'] == '2016-12-14T00:36:22.831+0000'
    assert job['ended_at'] is None, 'a running job has no end even if the API shows one'
    assert job['message'] == 'Rollback in progress'
    assert job['messages'][-1] == '12:36:23.025 AM Phase rollback-rex started'
    assert job['raw'] is payload
    patching = _oracle.normalize_patch_job(payload, '4207169')
    assert (patching['operation'], patching['state'], patching['ended_at']) == ('Patch', 'succeeded', '2016-12-13T21:15:04.030+0000')
    assert _oracle.normalize_patch_job(payload[0], '4208393')['state'] == 'running', 'a single object works too'
    assert _oracle.normalize_patch_job(payload + payload, 'nope') is None
    assert _oracle.normalize_patch_job([], '1') is None


def test_seed_002_activity_job():
    record = fixture('activity_002_job_5150771.json')
    job = _oracle.normalize_activity(record)
    assert (job['id'], job['state'], job['operation'], job['terminal']) == ('5150771', 'succeeded', 'CREATE_SERVICE', True)
    assert len(job['messages']) == 17
    assert job['message'] == 'Activity Ended'
    assert job['ended_at'] == '2016-10-25T19:51:29.812+0000'
    assert _oracle.activity_records({'activityLogs': [record]}) == [record]
    assert _oracle.activity_records([record, 'junk']) == [record]
    assert _oracle.activity_records(record) == [record]
    assert _oracle.activity_records({'nothing': 1}) == []


def test_seed_004_otc_examples():
    docs = [fixture('otc_004_example_%d.json' % n) for n in range(1, 7)]
    jobs = [_otc.normalize_job(doc, 'x') for doc in docs]
    assert [j['state'] for j in jobs] == ['succeeded'] * 4 + ['running', 'failed']
    assert jobs[1]['operation'] == 'CreateMysqlReplicaInstance'
    assert jobs[3]['operation'] == 'RestartMysqlInstance'
    assert jobs[4]['status'] == 'Running' and jobs[4]['progress'] == 60
    assert jobs[4]['message'] == 'CreateMysqlSingleHAInstance Running (60%)'
    assert jobs[5]['fail_reason'] == 'createVM failed.' and jobs[5]['message'] == 'createVM failed.'
    assert jobs[0]['instance'] == {'id': 'a48e43ff268f4c0e879652d65e63d0fbin01', 'name': 'DO-NOT-TOUCH-mgr2-mysql-single'}
    assert jobs[0]['entities']['resource_id'] == ['a48e43ff268f4c0e879652d65e63d0fbin01.vm', 'a48e43ff268f4c0e879652d65e63d0fbin01.volume']
    assert jobs[3]['entities'] == {}
    assert jobs[0]['raw'] is docs[0]
    empty = _otc.normalize_job({'job': {}}, 'given')
    assert (empty['id'], empty['state'], empty['instance']) == ('given', 'unknown', {'id': None, 'name': None})


@pytest.mark.parametrize('value, percent', [('60%', 60), ('60 % ', 60), (' 7,5 %', 7), (60, 60), (42.9, 42), ('', None),
                                            (None, None), ('soon', None), (True, None)])
def test_parse_percent(value, percent):
    assert _jobs.parse_percent(value) == percent


def test_seed_003_clc_execution():
    running = {'execution_id': 'VA1-132457', 'status': 'RUNNING', 'start_time': '2016-03-14T16:20:01Z', 'end_time': '',
               'begin_message': 'Update Process BEGIN', 'end_message': '',
               'patches': [{'patch_begin_message': 'KB3135174', 'patch_end_message': 'Result Code: 2', 'status': 'completed',
                            'start_time': 't1', 'end_time': 't2'},
                           {'patch_begin_message': 'KB3134220', 'patch_end_message': 'Result Code: 1', 'status': 'pending',
                            'start_time': 't3', 'end_time': ''}]}
    job = _clc.normalize_execution(running)
    assert (job['id'], job['state'], job['ended_at'], job['progress'], job['patch_count']) == ('VA1-132457', 'running', None, 50, 2)
    assert [p['state'] for p in job['patches']] == ['succeeded', 'running']
    assert job['patches'][1]['ended_at'] is None
    done = dict(running, status='COMPLETED', end_time='2016-03-14T16:41:17Z', end_message='Updating Complete',
                patches=[dict(running['patches'][0], patch_end_message='Result Code: 3')])
    job = _clc.normalize_execution([done])
    assert (job['state'], job['with_warnings'], job['ended_at'], job['message']) == ('succeeded', True, '2016-03-14T16:41:17Z', 'Updating Complete')
    summary = _clc.normalize_execution({'execution_id': 'VA1-1', 'status': 'completed', 'patches': 4})
    assert (summary['patch_count'], summary['patches']) == (4, [])
    no_code = _clc.normalize_patch({'patch_begin_message': 'x', 'patch_end_message': 'done', 'status': 'completed'})
    assert no_code['state'] == 'succeeded' and no_code['result_code'] is None
    assert _clc.result_code(None) is None


def test_clc_queue_and_precheck():
    assert _clc.normalize_queue({'status': 'executing'}, 'q1')['state'] == 'running'
    assert _clc.normalize_queue([{'status': 'succeeded'}], 'q1')['terminal'] is True
    precheck = _oracle.normalize_precheck_job([{'jobId': '7', 'inProgress': True}], '7')
    assert precheck['state'] == 'running' and precheck['status'] == 'IN_PROGRESS'
    failed = _oracle.normalize_precheck_job({'jobId': '8', 'status': 'DIDNT_PASS_PRECHECK',
                                             'preCheckMessages': [{'message': 'disk'}, 'cpu', 3]}, '8')
    assert failed['messages'] == ['disk', 'cpu', '3'] and failed['message'] == '3'
    assert _oracle.normalize_precheck_job([{'jobId': '1'}, {'jobId': '2'}], '9') is None


def test_helpers():
    assert _jobs.clean({' a ': [' b ', {' c': ' d '}], 'n': 1}) == {'a': ['b', {'c': 'd'}], 'n': 1}
    assert _jobs.text_or_none('  ') is None and _jobs.text_or_none(5) == '5'
    assert _jobs.one_object([]) is None and _jobs.one_object({'a': 1}) == {'a': 1}
    assert _jobs.as_list(None) == [] and _jobs.as_list({'a': 1}) == [{'a': 1}]
    assert _jobs.canonical_status(None) == ''
    jobs = [_jobs.make_job('1', 'x', 'running'), _jobs.make_job('2', 'y', 'failed')]
    assert _jobs.summarize(jobs) == dict(pending=0, running=1, succeeded=0, failed=1, canceled=0, unknown=0, total=2)
    assert _jobs.pending_job('5')['state'] == 'pending'
    assert set(_jobs.make_job('1', 's', 'succeeded')) == {'id', 'state', 'terminal', 'status', 'with_warnings', 'progress', 'operation',
                                                          'started_at', 'ended_at', 'message', 'messages', 'raw'}


def test_seed_003_clc_execution_detail_fixture():
    payload = fixture('clc_003_execution_VA1-132457.json')
    job = _clc.normalize_execution(payload)
    assert (job['id'], job['state'], job['status'], job['terminal']) == ('VA1-132457', 'succeeded', 'COMPLETED', True)
    assert job['with_warnings'] is True, 'a patch ended with Result Code 3 (succeeded with errors)'
    assert (job['started_at'], job['ended_at']) == ('2016-03-14T16:20:01Z', '2016-03-14T16:41:17Z')
    assert job['patch_count'] == 2 and job['progress'] is None
    assert [(p['name'][-10:-1], p['result_code'], p['state'], p['with_warnings']) for p in job['patches']] == [
        ('KB3135174', 2, 'succeeded', False), ('KB3134220', 3, 'succeeded', True)]
    assert job['messages'][0] == 'Update Process BEGIN' and job['message'] == 'Updating Complete'
    assert job['raw'] is payload
    assert _clc.normalize_execution([payload])['id'] == 'VA1-132457', 'a one-item array works too'


def test_seed_004_quirks_one_by_one():
    running = _otc.normalize_job(fixture('otc_004_example_5.json'), 'x')
    assert running['status'] == 'Running', 'the key " status" is read as "status"'
    assert running['ended_at'] is None and running['fail_reason'] is None and running['messages'] == []
    renamed = _otc.normalize_job(fixture('otc_004_example_2.json'), 'x')
    assert renamed['operation'] == 'CreateMysqlReplicaInstance', 'a leading space in a name is stripped'
    assert renamed['entities']['resource_ids'] == ['288caaa9d05f4ec1a1f58de2e0945685in01.vm', '288caaa9d05f4ec1a1f58de2e0945685in01.volume']
    assert renamed['progress'] is None, 'process "" means no progress'
    ended = _otc.normalize_job({'job': {'id': 'j', 'status': 'Completed', 'ended': ''}}, 'j')
    assert ended['ended_at'] is None, 'an empty end time becomes null'
    flat = _otc.normalize_job({'id': 'j', 'status': 'Failed', 'fail_reason': ' disk full '}, 'j')
    assert (flat['state'], flat['message'], flat['messages']) == ('failed', 'disk full', ['disk full'])
    assert _otc.normalize_job([{'job': {}}], 'k')['state'] == 'unknown', 'never crash on a wrong shape'


@pytest.mark.parametrize('normalize, label', [
    (lambda w: _oracle.normalize_patch_job({'jobId': '1', 'lastStatus': 'PAUSED'}, '1', w), 'Oracle patch job 1'),
    (lambda w: _oracle.normalize_precheck_job({'jobId': '1', 'status': 'PAUSED'}, '1', w), 'Oracle precheck job 1'),
    (lambda w: _oracle.normalize_activity({'jobId': 1, 'status': 'PAUSED'}, w), 'Activity log job 1'),
    (lambda w: _otc.normalize_job({'job': {'id': '1', 'status': 'PAUSED'}}, '1', w), 'OTC RDS job 1'),
    (lambda w: _clc.normalize_execution({'execution_id': '1', 'status': 'PAUSED'}, w), 'CTL execution 1'),
    (lambda w: _clc.normalize_queue({'status': 'PAUSED'}, '1', w), 'CTL queue item 1'),
    (lambda w: _clc.normalize_execution({'execution_id': '2', 'status': 'COMPLETED', 'patches': [
        {'patch_begin_message': 'KB1', 'patch_end_message': 'done', 'status': 'PAUSED'}]}, w), 'CTL patch KB1'),
])
def test_every_normalizer_reports_an_unknown_status_as_unknown_with_a_warning(normalize, label):
    warnings = []
    job = normalize(warnings.append)
    if label.startswith('CTL patch'):
        job = job['patches'][0]
    assert job['state'] == 'unknown'
    assert warnings == ["%s has a status this collection does not know: 'PAUSED'; reported as state \"unknown\"." % label]


def test_oracle_job_ids_and_parts():
    record = {'jobId': 'other', 'operationType': 'Patch', 'lastStatus': 'COMPLETED',
              'patchingResult': {'jobId': '11', 'patchingStatus': 'FAILED', 'startDate': 's', 'endDate': 'e',
                                 'progressMessages': ['one', 'two']}}
    by_part = _oracle.normalize_patch_job([record], '11')
    assert (by_part['state'], by_part['operation'], by_part['message'], by_part['ended_at']) == ('failed', 'Patch', 'two', 'e')
    assert _oracle.normalize_patch_job([record], '99') is None, 'a record that names other jobs is not the job asked for'
    anonymous = _oracle.normalize_patch_job([{'operationType': 'Patch', 'lastStatus': 'COMPLETED'}], '99')
    assert anonymous['state'] == 'succeeded', 'a lone record that names no job describes the job asked for'
    patch = _oracle.normalize_patch_job({'jobId': 5, 'operationType': 'Patch', 'lastStatus': 'IN PROGRESS',
                                         'patchingResult': {'progressMessages': 'only one'}}, '5')
    assert (patch['state'], patch['messages'], patch['message']) == ('running', ['only one'], 'only one')


def test_seed_002_int_id_becomes_a_string():
    record = fixture('activity_002_job_5150771.json')
    assert isinstance(record['jobId'], int)
    job = _oracle.normalize_activity(record)
    assert job['id'] == '5150771' and job['status'] == 'SUCCEED' and job['terminal'] is True
    assert all(isinstance(m, str) for m in job['messages'])


@pytest.mark.parametrize('text, epoch', [
    ('1970-01-01T00:00:10Z', 10.0),
    ('1970-01-01T01:00:00+0100', 0.0),
    ('1970-01-01T00:00:01.500+0000', 1.5),
    ('1970-01-01 00:01:00', 60.0),
    ('1970-01-01T00:00:00-00:30', 1800.0),
    ('', None), (None, None), ('yesterday', None), ('2026-13-45T99:00:00Z', None),
])
def test_parse_time(text, epoch):
    assert _jobs.parse_time(text) == epoch
