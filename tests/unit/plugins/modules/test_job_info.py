# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import time

import pytest

from ansible_collections.dbops.patching.plugins.modules import job_info
from ansible_collections.dbops.patching.tests.unit.utils.harness import Call

API = 'https://psm.example.com'
BASE = API + '/paas/api/v1.1/instancemgmt/ExampleIdentityDomain/services/MySQLCS/instances/MyTestInstance'
ARGS = dict(api_url=API, identity_domain='ExampleIdentityDomain', username='username', password='s3cr3t-pw',
            service_type='MySQLCS', service_name='MyTestInstance')


def record(job_id, status, in_progress):
    return [{'patchId': '5.7.16-EE', 'id': 234688, 'rollbackId': '234688', 'jobId': job_id, 'operationType': 'Rollback',
             'lastStatus': status, 'lastStatusMessage': 'Rollback %s' % status, 'inProgress': in_progress,
             'rollbackResult': {'jobId': job_id, 'startDate': '2016-12-14T00:36:22.831+0000',
                                'endDate': '2016-12-14T00:36:23.033+0000', 'patchingStatus': status,
                                'progressMessages': ['12:36:22.828 AM Phase initialize started']}}]


def test_reads_one_patch_job_answered_202_with_an_array(runner):
    result = runner.success(job_info.main, dict(ARGS, job_id='4208393'), [
        Call('GET', BASE + '/patches/applied/job/4208393', status=202, json_body=record('4208393', 'IN_PROGRESS', True),
             expect_headers={'X-ID-TENANT-NAME': 'ExampleIdentityDomain', 'Accept': 'application/json'},
             expect_basic=('username', 's3cr3t-pw')),
    ])
    assert result['changed'] is False
    assert result['exists'] is True
    job = result['job']
    assert (job['id'], job['state'], job['status'], job['operation'], job['terminal']) == ('4208393', 'running', 'IN_PROGRESS', 'Rollback', False)
    assert job['ended_at'] is None
    assert job['started_at'] == '2016-12-14T00:36:22.831+0000'


def test_missing_job_is_data_without_wait(runner):
    result = runner.success(job_info.main, dict(ARGS, job_id='1'), [
        Call('GET', BASE + '/patches/applied/job/1', status=404, text='<html>Not Found</html>'),
        Call('GET', BASE + '/patches/applied', json_body=[]),
    ])
    assert result['exists'] is False
    assert result['job'] is None


def test_precheck_kind_reads_the_checks_endpoint(runner):
    result = runner.success(job_info.main, dict(ARGS, job_id='77', kind='precheck'), [
        Call('GET', BASE + '/patches/checks/job/77', status=202,
             json_body={'id': 5, 'jobId': '77', 'patchId': '5.7.16-EE', 'inProgress': False, 'status': 'DIDNT_PASS_PRECHECK',
                        'preCheckMessages': ['Disk space shortage on /u01']}),
    ])
    assert result['job']['state'] == 'failed'
    assert result['job']['message'] == 'Disk space shortage on /u01'


def history_call(records=()):
    """The one activity-log read that tells how long this service's past runs took."""
    return Call('GET', API + '/paas/api/v1.1/activitylog/ExampleIdentityDomain/filter', json_body={'activityLogs': list(records)},
                expect_params={'serviceName': 'MyTestInstance', 'serviceType': 'MySQLCS', 'orderBy': 'startDate:asc', 'limit': 100, 'offset': 0})


def activity(job_id, operation, status, start, end=None):
    return {'jobId': int(job_id), 'operationType': operation, 'status': status, 'startDate': start, 'endDate': end}


def test_the_durations_of_past_runs_schedule_the_reads(runner, monkeypatch):
    monkeypatch.setattr(time, 'time', lambda: 1200.0)  # 100 s after the job's start
    past = [activity('1', 'ROLLBACK_PATCH', 'SUCCEED', '1970-01-01T00:00:00Z', '1970-01-01T00:10:00Z'),
            activity('2', 'ROLLBACK_PATCH', 'SUCCEED', '1970-01-01T01:00:00Z', '1970-01-01T01:12:00Z'),
            activity('3', 'PATCH_SERVICE', 'SUCCEED', '1970-01-01T02:00:00Z', '1970-01-01T04:00:00Z'),
            activity('4208393', 'ROLLBACK_PATCH', 'RUNNING', '1970-01-01T00:18:20Z')]
    started = dict(record('4208393', 'IN_PROGRESS', True)[0])
    started['rollbackResult'] = dict(started['rollbackResult'], startDate='1970-01-01T00:18:20Z')
    result = runner.success(job_info.main, dict(ARGS, job_id='4208393', wait=True, max_poll_interval=300), [
        Call('GET', BASE + '/patches/applied/job/4208393', status=202, json_body=[started]),
        history_call(past),
        Call('GET', BASE + '/patches/applied/job/4208393', status=202, json_body=record('4208393', 'COMPLETED_ROLLBACK', False)),
    ])
    assert result['job']['state'] == 'succeeded'
    assert runner.clock.sleeps == [250.0], 'a 10- to 12-minute rollback, 100 s old: half the 500 s left until its earliest end'


def test_wait_follows_until_the_job_ends(runner):
    result = runner.success(job_info.main, dict(ARGS, job_id='4208393', wait=True), [
        Call('GET', BASE + '/patches/applied/job/4208393', status=202, json_body=record('4208393', 'IN_PROGRESS', True)),
        history_call(),
        Call('GET', BASE + '/patches/applied/job/4208393', status=202, json_body=record('4208393', 'IN PROGRESS', True)),
        Call('GET', BASE + '/patches/applied/job/4208393', status=202, json_body=record('4208393', 'COMPLETED_ROLLBACK', False)),
    ])
    assert result['job']['state'] == 'succeeded'
    assert result['job']['ended_at'] == '2016-12-14T00:36:23.033+0000'
    assert runner.clock.sleeps, 'the poller must have waited between polls'


def test_wait_timeout_fails_with_the_last_state(runner):
    calls = [Call('GET', BASE + '/patches/applied/job/4208393', status=202, json_body=record('4208393', 'IN_PROGRESS', True))
             for dummy in range(4)]
    result = runner.failure(job_info.main, dict(ARGS, job_id='4208393', wait=True, wait_timeout=30, poll_interval=10), calls)
    assert 'Timed out after 30 seconds' in result['msg']
    assert '4208393 (running: IN_PROGRESS)' in result['msg']
    assert result['job']['status'] == 'IN_PROGRESS'
    assert result['elapsed'] == 30


def test_many_jobs_in_the_given_order_with_a_summary(runner):
    result = runner.success(job_info.main, dict(ARGS, job_ids=['2', '1']), [
        Call('GET', BASE + '/patches/applied/job/2', status=202, json_body=record('2', 'FAILED', False)),
        Call('GET', BASE + '/patches/applied/job/1', status=404),
        Call('GET', BASE + '/patches/applied', json_body=[]),
    ], any_order=True)
    assert [j and j['id'] for j in result['jobs']] == ['2', None]
    assert result['missing'] == ['1']
    assert result['summary']['failed'] == 1 and result['summary']['total'] == 1


def test_unknown_status_warns(runner):
    result = runner.success(job_info.main, dict(ARGS, job_id='9'), [
        Call('GET', BASE + '/patches/applied/job/9', status=202, json_body=record('9', 'HALF_DONE', True)),
    ])
    assert result['job']['state'] == 'unknown'
    assert any('HALF_DONE' in w for w in result.get('warnings', []))


def test_bad_poll_interval_names_the_option(runner):
    result = runner.failure(job_info.main, dict(ARGS, job_id='9', poll_interval=0), [])
    assert result['msg'] == 'poll_interval must be between 1 and 3600 seconds, got 0.0.'


@pytest.mark.parametrize('args, message', [
    (dict(poll_interval=float('nan')), 'poll_interval must be a finite number of seconds, got nan.'),
    (dict(poll_interval=1e-6), 'poll_interval must be between 1 and 3600 seconds, got 1e-06.'),
    (dict(request_timeout=float('inf')), 'request_timeout must be a finite number of seconds, got inf.'),
    (dict(request_timeout=float('nan')), 'request_timeout must be a finite number of seconds, got nan.'),
    (dict(wait_timeout=-1), 'wait_timeout must be between 0 and 604800 seconds, got -1.'),
    (dict(job_id='..'), "job_id must be a non-empty id, got '..'."),
    (dict(job_id='.'), "job_id must be a non-empty id, got '.'."),
    (dict(service_name='..'), "service_name must be a non-empty id, got '..'."),
    (dict(api_url='ftp://psm.example.com'), "api_url must be an absolute http:// or https:// URL, got 'ftp://psm.example.com'."),
    (dict(api_url='psm.example.com'), "api_url must be an absolute http:// or https:// URL, got 'psm.example.com'."),
    (dict(ca_path='/nonexistent/ca.pem'), 'ca_path /nonexistent/ca.pem: no such file or directory.'),
])
def test_bad_input_is_refused_before_any_request_naming_the_option(runner, args, message):
    result = runner.failure(job_info.main, dict(dict(ARGS, job_id='9'), **args), [])
    assert result['msg'] == message
    assert 'Traceback' not in repr(result)


def test_a_missing_service_instance_is_not_a_missing_job(runner):
    result = runner.failure(job_info.main, dict(ARGS, job_id='1'), [
        Call('GET', BASE + '/patches/applied/job/1', status=404, json_body={'message': 'Service instance [MyTestInstance] was not found.'}),
        Call('GET', BASE + '/patches/applied', status=404, json_body={'message': 'Service instance [MyTestInstance] was not found.'}),
    ])
    assert result['msg'].startswith('Service instance MyTestInstance (MySQLCS) does not exist: ')


def test_an_answer_for_another_job_is_not_taken_for_the_job_asked(runner):
    result = runner.success(job_info.main, dict(ARGS, job_id='7'), [
        Call('GET', BASE + '/patches/applied/job/7', status=202, json_body=record('8', 'COMPLETED', False)),
    ])
    assert result['exists'] is False and result['job'] is None


def test_auth_error_never_shows_the_password(runner):
    result = runner.failure(job_info.main, dict(ARGS, job_id='9'), [
        Call('GET', BASE + '/patches/applied/job/9', status=401, text='<html>bad password s3cr3t-pw</html>'),
    ])
    assert 's3cr3t-pw' not in repr(result)
    path = '/paas/api/v1.1/instancemgmt/ExampleIdentityDomain/services/MySQLCS/instances/MyTestInstance/patches/applied/job/9'
    assert result['msg'].startswith('GET %s: HTTP 401' % path)
    assert result['error']['kind'] == 'auth'
