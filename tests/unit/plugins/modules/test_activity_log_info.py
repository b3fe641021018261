# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os

from ansible_collections.dbops.patching.plugins.modules import activity_log_info, patch_info
from ansible_collections.dbops.patching.tests.unit.plugins.modules.oracle_payloads import (
    API, APPLIED, ARGS, AVAILABLE, DOMAIN, PASSWORD, applied_record, available,
)
from ansible_collections.dbops.patching.tests.unit.utils.harness import Call

LOG = API + '/paas/api/v1.1/activitylog/%s' % DOMAIN
FILTER = LOG + '/filter'
CONNECTION = dict((k, v) for k, v in ARGS.items() if k not in ('service_type', 'service_name'))
HEADERS = {'X-ID-TENANT-NAME': DOMAIN, 'Accept': 'application/json'}
SEED_002 = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'simulator', 'fixtures', 'activity_002_job_5150771.json')


def record(job_id, status, operation='PATCH_SERVICE', start='2026-11-24T10:00:00.000+0000', end=None):
    return {'jobId': job_id, 'status': status, 'operationType': operation, 'startDate': start, 'endDate': end,
            'serviceName': 'db01', 'serviceType': 'dbaas', 'summaryMessage': operation,
            'messages': [{'activityDate': start, 'message': 'Activity Submitted'}, {'activityDate': start, 'message': 'Activity Started'}]}


def job_call(job_id, body=None, **kwargs):
    kwargs.setdefault('expect_headers', HEADERS)
    kwargs.setdefault('expect_basic', ('username', PASSWORD))
    return Call('GET', '%s/job/%s' % (LOG, job_id), json_body=body, **kwargs)


def test_reads_the_seed_002_job_verbatim(runner):
    with open(SEED_002, encoding='utf-8') as handle:
        text = handle.read()
    result = runner.success(activity_log_info.main, dict(CONNECTION, job_id='5150771'), [job_call('5150771', text=text)])
    job = result['job']
    assert result['changed'] is False and result['exists'] is True
    assert 'jobs' not in result and 'activities' not in result and 'summary' not in result
    assert (job['id'], job['state'], job['terminal'], job['status'], job['with_warnings']) == ('5150771', 'succeeded', True, 'SUCCEED', False)
    assert (job['operation'], job['started_at'], job['ended_at']) == (
        'CREATE_SERVICE', '2016-10-25T19:44:13.321+0000', '2016-10-25T19:51:29.812+0000')
    assert job['messages'][0] == 'Activity Submitted' and len(job['messages']) == 17 and job['message'] == 'Activity Ended'
    assert job['raw'] == json.loads(text) and job['raw']['jobId'] == 5150771, 'raw keeps the int id'


def test_warn_is_success_with_warnings_and_both_status_families(runner):
    statuses = ['WARN', 'In Progress', 'Succeeded', 'Failed', 'NEW', 'RUNNING']
    calls = [job_call(str(n), record(n, status)) for n, status in enumerate(statuses)]
    result = runner.success(activity_log_info.main, dict(CONNECTION, job_ids=[str(n) for n in range(len(statuses))]), calls, any_order=True)
    assert [(j['state'], j['with_warnings'], j['status']) for j in result['jobs']] == [
        ('succeeded', True, 'WARN'), ('running', False, 'In Progress'), ('succeeded', False, 'Succeeded'),
        ('failed', False, 'Failed'), ('pending', False, 'NEW'), ('running', False, 'RUNNING')]
    assert result['summary'] == dict(pending=1, running=2, succeeded=2, failed=1, canceled=0, unknown=0, total=6)
    assert result['missing'] == [] and result['exists'] is True


def test_search_sends_every_filter_with_repeated_values(runner):
    query = {'serviceName': 'db01', 'serviceType': 'dbaas', 'operationType': ['PATCH_SERVICE', 'ROLLBACK_PATCH'],
             'status': ['RUNNING', 'NEW'], 'fromStartDate': '2026-11-01T00:00:00Z', 'toStartDate': '2026-11-30T23:59:59Z',
             'orderBy': 'startDate:desc', 'limit': 100, 'offset': 0}
    args = dict(CONNECTION, service_name='db01', service_type='dbaas', operation_type=['PATCH_SERVICE', 'ROLLBACK_PATCH'],
                status=['RUNNING', 'NEW'], from_start_date='2026-11-01T00:00:00Z', to_start_date='2026-11-30T23:59:59Z',
                order_by='startDate:desc')
    result = runner.success(activity_log_info.main, args, [
        Call('GET', FILTER, json_body={'activityLogs': [record(2, 'RUNNING'), record(1, 'NEW', 'ROLLBACK_PATCH')]},
             expect_params=query, expect_headers=HEADERS, expect_basic=('username', PASSWORD)),
    ])
    assert [(a['id'], a['state'], a['operation']) for a in result['activities']] == [
        ('2', 'running', 'PATCH_SERVICE'), ('1', 'pending', 'ROLLBACK_PATCH')]
    assert result['summary']['running'] == 1 and result['summary']['pending'] == 1 and result['summary']['total'] == 2
    assert result['changed'] is False and 'job' not in result and 'exists' not in result


def test_search_accepts_a_plain_list_and_sends_no_empty_filter(runner):
    result = runner.success(activity_log_info.main, dict(CONNECTION, service_name='db01', status=[], operation_type=[]), [
        Call('GET', FILTER, json_body=[record(7, 'SUCCEED', end='2026-11-24T10:30:00.000+0000')],
             expect_params={'serviceName': 'db01', 'limit': 100, 'offset': 0}),
    ])
    assert result['activities'][0]['ended_at'] == '2026-11-24T10:30:00.000+0000'


def test_search_without_filters_lists_everything(runner):
    result = runner.success(activity_log_info.main, CONNECTION, [
        Call('GET', FILTER, json_body={'activityLogs': []}, expect_params={'limit': 100, 'offset': 0})])
    assert result['activities'] == [] and result['summary']['total'] == 0


def test_ids_win_over_filters_set_for_the_group(runner):
    result = runner.success(activity_log_info.main, dict(CONNECTION, job_id='3', service_name='db01', status=['RUNNING']), [
        job_call('3', record(3, 'RUNNING'), expect_params=None),
    ])
    assert result['job']['id'] == '3' and runner.session.seen[0]['params'] is None


def test_missing_jobs_are_data_without_wait(runner):
    result = runner.success(activity_log_info.main, dict(CONNECTION, job_id='404'), [
        job_call('404', {'message': 'Job 404 not found'}, status=404),
    ])
    assert result['exists'] is False and result['job'] is None
    result = runner.success(activity_log_info.main, dict(CONNECTION, job_ids=['1', '404']), [
        job_call('1', record(1, 'SUCCEED')), job_call('404', text='<html>Not Found</html>', status=404),
    ], any_order=True)
    assert result['exists'] is False and result['missing'] == ['404'] and result['jobs'][1] is None
    assert result['summary']['total'] == 1


def test_missing_job_with_wait_fails_after_the_grace(runner):
    calls = [job_call('404', {'message': 'not found'}, status=404) for dummy in range(4)]
    result = runner.failure(activity_log_info.main, dict(CONNECTION, job_id='404', wait=True, poll_interval=10), calls)
    assert result['msg'].startswith('Activity-log job 404 does not exist (still not found 30 seconds after the wait started): ')
    assert result['msg'].endswith('HTTP 404: not found')


def RUNNING_SEARCH(records):  # pylint: disable=invalid-name
    """The one search that tells, for a whole poll round, which jobs have not ended."""
    return Call('GET', FILTER, json_body={'activityLogs': records},
                expect_params={'status': ['NEW', 'RUNNING'], 'orderBy': 'startDate:asc', 'limit': 100, 'offset': 0})


def SINCE_SEARCH(records):  # pylint: disable=invalid-name
    """The one search that tells how the jobs that left the running search ended: every record since their start."""
    return Call('GET', FILTER, json_body={'activityLogs': records},
                expect_params={'fromStartDate': '2026-11-24T09:59:59.000+0000', 'orderBy': 'startDate:asc', 'limit': 100, 'offset': 0})


def test_wait_follows_many_jobs(runner):
    result = runner.success(activity_log_info.main, dict(CONNECTION, job_ids=['1', '2'], wait=True), [
        RUNNING_SEARCH([record(2, 'RUNNING')]),
        job_call('1', record(1, 'SUCCEED')),
        job_call('2', record(2, 'FAILED', end='2026-11-24T10:05:00.000+0000')),
    ])
    assert result['summary']['succeeded'] == 1 and result['summary']['failed'] == 1
    assert [j['id'] for j in result['jobs']] == ['1', '2'] and result['jobs'][1]['ended_at'] == '2026-11-24T10:05:00.000+0000'


def test_jobs_that_leave_the_running_search_are_read_together_once_none_runs(runner):
    ids = [str(5150000 + n) for n in range(20)]
    since = SINCE_SEARCH([record(int(i), 'SUCCEED', end='2026-11-24T10:30:00.000+0000') for i in ids])
    calls = [RUNNING_SEARCH([record(int(i), 'RUNNING') for i in ids]), RUNNING_SEARCH([record(int(i), 'RUNNING') for i in ids[5:]]),
             RUNNING_SEARCH([]), since]
    result = runner.success(activity_log_info.main, dict(CONNECTION, job_ids=ids, wait=True, poll_interval=3), calls)
    assert result['summary']['succeeded'] == 20 and all(j['ended_at'] for j in result['jobs'])
    assert len(runner.session.seen) == 4, '20 jobs in 3 rounds and one read of how they ended, instead of 60 reads'


def test_a_job_the_running_search_lost_is_followed_again(runner):
    ids = ['1', '2']
    since = SINCE_SEARCH([record(1, 'SUCCEED'), record(2, 'RUNNING')])
    calls = [RUNNING_SEARCH([record(1, 'RUNNING'), record(2, 'RUNNING')]), RUNNING_SEARCH([]), since,
             job_call('2', record(2, 'SUCCEED'))]
    result = runner.success(activity_log_info.main, dict(CONNECTION, job_ids=ids, wait=True, poll_interval=3), calls)
    assert result['summary']['succeeded'] == 2


def test_twenty_jobs_at_once(runner):
    ids = [str(5150000 + n) for n in range(20)]
    calls = [RUNNING_SEARCH([])] + [job_call(i, record(int(i), 'WARN' if n % 4 else 'SUCCEED')) for n, i in enumerate(ids)]
    result = runner.success(activity_log_info.main, dict(CONNECTION, job_ids=ids, wait=True, poll_interval=3), calls, any_order=True)
    assert [j['id'] for j in result['jobs']] == ids
    assert result['summary']['succeeded'] == 20 and sum(j['with_warnings'] for j in result['jobs']) == 15


def test_timeout_returns_the_last_state(runner):
    calls = [job_call('9', record(9, 'RUNNING')) for dummy in range(3)]
    result = runner.failure(activity_log_info.main, dict(CONNECTION, job_id='9', wait=True, wait_timeout=20, poll_interval=10), calls)
    assert result['msg'].startswith('Timed out after 20 seconds (wait_timeout=20) waiting for activity-log job 9 (running: RUNNING).')
    assert result['job']['state'] == 'running' and result['elapsed'] == 20.0 and result['changed'] is False


def test_wait_needs_job_ids_and_sends_nothing(runner):
    failed = runner.failure(activity_log_info.main, dict(CONNECTION, status=['RUNNING'], wait=True), [])
    assert failed['msg'] == 'wait=true needs job_id or job_ids; a search returns what the activity log holds now.'
    failed = runner.failure(activity_log_info.main, dict(CONNECTION, wait=True), [])
    assert failed['msg'].startswith('wait=true needs job_id or job_ids')


def test_job_id_and_job_ids_are_exclusive(runner):
    failed = runner.failure(activity_log_info.main, dict(CONNECTION, job_id='1', job_ids=['2']), [])
    assert 'mutually exclusive' in failed['msg']


def test_unknown_status_is_reported_with_a_warning(runner):
    result = runner.success(activity_log_info.main, dict(CONNECTION, job_id='5'), [job_call('5', record(5, 'PAUSED'))])
    assert result['job']['state'] == 'unknown' and result['job']['terminal'] is False
    assert result['warnings'] == ["Activity log job 5 has a status this collection does not know: 'PAUSED'; reported as state \"unknown\"."]


def test_refused_credentials_never_show_the_password(runner):
    result = runner.failure(activity_log_info.main, dict(CONNECTION, job_id='5'), [
        job_call('5', text='<html>401 Unauthorized for username:%s</html>' % PASSWORD, status=401),
    ])
    assert 'GET /paas/api/v1.1/activitylog/%s/job/5: HTTP 401' % DOMAIN in result['msg']
    assert PASSWORD not in repr(result) and result['error']['status'] == 401


def test_rate_limit_is_honoured_in_a_search(runner):
    result = runner.success(activity_log_info.main, dict(CONNECTION, service_name='db01'), [
        Call('GET', FILTER, status=429, headers={'Retry-After': '4'}, json_body={'message': 'Too many requests'}),
        Call('GET', FILTER, json_body=[]),
    ])
    assert result['activities'] == [] and runner.clock.sleeps == [4.0]


def test_patch_info_lists_both_sides(runner):
    result = runner.success(patch_info.main, ARGS, [
        Call('GET', APPLIED, json_body=[applied_record(), applied_record(operation='Rollback', status='COMPLETED_ROLLBACK')]),
        Call('GET', AVAILABLE, json_body={'patches': available('5.7.17-EE')}),
    ])
    assert [a['patch_id'] for a in result['available']] == ['5.7.17-EE']
    expected = [('Patch', 'succeeded', '234688'), ('Rollback', 'succeeded', '234688')]
    assert [(a['operation'], a['state'], a['rollback_id']) for a in result['applied']] == expected
    assert result['current_patch_level'] == 'mysql 5.7.15'
    assert result['changed'] is False
