# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import requests

from ansible_collections.dbops.patching.plugins.module_utils import _workflow
from ansible_collections.dbops.patching.plugins.modules import patch_apply
from ansible_collections.dbops.patching.tests.unit.plugins.modules.oracle_payloads import (
    API, APPLIED, ARGS, AVAILABLE, BASE, PASSWORD, PATCH_ID, applied_record, available, write_answer,
)
from ansible_collections.dbops.patching.tests.unit.utils.harness import Call, dns_failure

# the looks at the state while a write without an answer may still be processed (see _workflow.GATEWAY_TIMEOUT)
SETTLE_LOOKS = int(_workflow.GATEWAY_TIMEOUT // _workflow.SETTLE_POLL) + 1

APPLY_ARGS = dict(ARGS, patch_id=PATCH_ID)
APPLY_URL = BASE + '/patches/' + PATCH_ID
JOB_URL = BASE + '/patches/applied/job/5000'
HISTORY = Call('GET', API + '/paas/api/v1.1/activitylog/ExampleIdentityDomain/filter', json_body=[],
               expect_params={'serviceName': 'MyTestInstance', 'serviceType': 'MySQLCS', 'orderBy': 'startDate:asc', 'limit': 100, 'offset': 0})


def job(status, in_progress):
    return [applied_record(status=status, job_id='5000', in_progress=in_progress)]


def test_applies_waits_and_reports_changed(runner):
    result = runner.success(patch_apply.main, dict(APPLY_ARGS, note='KB-43123'), [
        Call('GET', APPLIED, json_body=[]),
        Call('GET', AVAILABLE, json_body=available(PATCH_ID)),
        Call('PUT', APPLY_URL, status=202, json_body=write_answer('5000', wrapped=False),
             headers={'Location': JOB_URL, 'Retry-After': '60'}, expect_json={'additionalNote': 'KB-43123'}),
        Call('GET', JOB_URL, status=202, json_body=job('IN_PROGRESS', True)),
        HISTORY,
        Call('GET', JOB_URL, status=202, json_body=job('COMPLETED', False)),
    ])
    assert result['changed'] is True
    assert result['job_id'] == '5000'
    assert result['job']['state'] == 'succeeded'
    assert result['patch']['patch_id'] == PATCH_ID
    assert runner.clock.sleeps[0] == 60, 'the first poll honours the Retry-After of the write'


def test_already_applied_sends_no_write(runner):
    result = runner.success(patch_apply.main, APPLY_ARGS, [
        Call('GET', APPLIED, json_body=[applied_record()]),
    ])
    assert result['changed'] is False
    assert result['job']['state'] == 'succeeded'
    assert runner.session.writes() == []


def test_a_running_apply_is_followed_not_resent(runner):
    result = runner.success(patch_apply.main, APPLY_ARGS, [
        Call('GET', APPLIED, json_body=[applied_record(status='IN PROGRESS', job_id='5000', in_progress=True)]),
        Call('GET', JOB_URL, status=202, json_body=job('COMPLETED', False)),
    ])
    assert result['changed'] is False
    assert result['job_id'] == '5000'
    assert runner.session.writes() == []


def test_check_mode_predicts_changed_without_writing(runner):
    result = runner.success(patch_apply.main, APPLY_ARGS, [
        Call('GET', APPLIED, json_body=[]),
        Call('GET', AVAILABLE, json_body=available(PATCH_ID)),
    ], check_mode=True, diff=True)
    assert result['changed'] is True
    assert result['job_id'] is None
    assert result['diff'] == {'before': {'patch_level': None}, 'after': {'patch_level': '5.7.16'}}
    assert runner.session.writes() == []


def test_diff_shows_the_current_level_from_a_rolled_back_history(runner):
    result = runner.success(patch_apply.main, dict(APPLY_ARGS, patch_id='5.7.17-EE'), [
        Call('GET', APPLIED, json_body=[applied_record()]),
        Call('GET', AVAILABLE, json_body=available('5.7.17-EE')),
    ], check_mode=True, diff=True)
    assert result['diff']['before'] == {'patch_level': 'mysql 5.7.16'}


def test_unavailable_patch_fails_naming_the_available_ones(runner):
    result = runner.failure(patch_apply.main, APPLY_ARGS, [
        Call('GET', APPLIED, json_body=[]),
        Call('GET', AVAILABLE, json_body=available('5.7.17-EE', '5.7.18-EE')),
    ])
    assert result['msg'] == 'Patch 5.7.16-EE is not available for MySQLCS instance MyTestInstance. Available: 5.7.17-EE, 5.7.18-EE.'
    assert result['changed'] is False


def test_another_operation_running_is_named_and_nothing_is_sent(runner):
    other = applied_record(operation='Rollback', status='IN_PROGRESS', in_progress=True)
    other['patchId'] = '5.7.15-EE'
    result = runner.failure(patch_apply.main, APPLY_ARGS, [
        Call('GET', APPLIED, json_body=[other]),
    ])
    assert 'another operation runs on it: Rollback of patch 5.7.15-EE (job 4208393, IN_PROGRESS)' in result['msg']
    assert runner.session.writes() == []


def test_precheck_must_pass_before_the_apply(runner):
    check_url = BASE + '/patches/checks/' + PATCH_ID
    check_job = BASE + '/patches/checks/job/77'
    result = runner.failure(patch_apply.main, dict(APPLY_ARGS, precheck=True), [
        Call('GET', APPLIED, json_body=[]),
        Call('GET', AVAILABLE, json_body=available(PATCH_ID)),
        Call('GET', BASE + '/patches/checks', json_body=[]),
        Call('PUT', check_url, status=202, json_body={'message': 'submitted', 'jobId': '77'}, headers={'Location': check_job}),
        Call('GET', check_job, status=202, json_body={'jobId': '77', 'status': 'IN_PROGRESS', 'inProgress': True}),
        HISTORY,
        Call('GET', check_job, status=202, json_body={'jobId': '77', 'status': 'DIDNT_PASS_PRECHECK', 'inProgress': False,
                                                      'preCheckMessages': ['Disk space shortage']}),
    ])
    assert result['changed'] is False
    assert result['precheck_job']['state'] == 'failed'
    assert 'did not pass' in result['msg'] and 'Disk space shortage' in result['msg']
    assert [w['url'] for w in runner.session.writes()] == [check_url]


def test_precheck_passes_then_apply_with_flags(runner):
    check_url = BASE + '/patches/checks/' + PATCH_ID
    check_job = BASE + '/patches/checks/job/77'
    result = runner.success(patch_apply.main, dict(APPLY_ARGS, precheck=True, force_apply=False, switch_over=True, wait=False), [
        Call('GET', APPLIED, json_body=[]),
        Call('GET', AVAILABLE, json_body=available(PATCH_ID)),
        Call('GET', BASE + '/patches/checks', json_body=[]),
        Call('PUT', check_url, status=202, json_body={'message': 'submitted', 'jobId': '77'}),
        Call('GET', check_job, status=202, json_body={'jobId': '77', 'status': 'PASSED_PRECHECK', 'inProgress': False}),
        Call('PUT', APPLY_URL, status=202, json_body=write_answer('5000'), expect_json={'forceApply': False, 'switchOver': True}),
        Call('GET', JOB_URL, status=202, json_body=job('IN_PROGRESS', True)),
    ])
    assert result['changed'] is True
    assert result['precheck_job']['state'] == 'succeeded'
    assert result['job']['state'] == 'running'


def test_job_id_from_location_when_the_body_has_none(runner):
    result = runner.success(patch_apply.main, dict(APPLY_ARGS, wait=False), [
        Call('GET', APPLIED, json_body=[]),
        Call('GET', AVAILABLE, json_body=available(PATCH_ID)),
        Call('PUT', APPLY_URL, status=202, text='', headers={'Location': JOB_URL}),
        Call('GET', JOB_URL, status=202, json_body=job('IN_PROGRESS', True)),
    ])
    assert result['job_id'] == '5000'


def test_failed_job_fails_the_module_with_the_job(runner):
    result = runner.failure(patch_apply.main, APPLY_ARGS, [
        Call('GET', APPLIED, json_body=[]),
        Call('GET', AVAILABLE, json_body=available(PATCH_ID)),
        Call('PUT', APPLY_URL, status=202, json_body=write_answer('5000')),
        Call('GET', JOB_URL, status=202, json_body=job('FAILED', False)),
    ])
    assert result['changed'] is True
    assert result['job']['state'] == 'failed'
    assert result['msg'].startswith('Applying patch 5.7.16-EE to MyTestInstance ended failed (job 5000, status FAILED)')


def test_timeout_returns_the_last_job_and_how_to_resume(runner):
    calls = [Call('GET', APPLIED, json_body=[]), Call('GET', AVAILABLE, json_body=available(PATCH_ID)),
             Call('PUT', APPLY_URL, status=202, json_body=write_answer('5000'))]
    calls += [Call('GET', JOB_URL, status=202, json_body=job('IN_PROGRESS', True)) for dummy in range(3)]
    result = runner.failure(patch_apply.main, dict(APPLY_ARGS, wait_timeout=20, poll_interval=10), calls)
    assert result['job']['state'] == 'running'
    assert result['job_id'] == '5000'
    assert result['changed'] is True
    assert 'Timed out after 20 seconds' in result['msg'] and 'dbops.patching.job_info' in result['msg']


def test_lost_answer_is_recovered_from_the_applied_list_and_never_resent(runner):
    result = runner.success(patch_apply.main, APPLY_ARGS, [
        Call('GET', APPLIED, json_body=[]),
        Call('GET', AVAILABLE, json_body=available(PATCH_ID)),
        Call('PUT', APPLY_URL, raises=requests.exceptions.ConnectionError('Connection aborted: RemoteDisconnected')),
        Call('GET', APPLIED, json_body=job('IN_PROGRESS', True)),
        Call('GET', JOB_URL, status=202, json_body=job('COMPLETED', False)),
    ])
    assert result['changed'] is True
    assert result['job_id'] == '5000'
    assert len(runner.session.writes()) == 1


def test_lost_answer_without_effect_is_sent_again_once_the_state_proves_nothing_started(runner):
    # a timed-out PUT may still be processed: the state is re-read until that can no longer happen
    result = runner.success(patch_apply.main, APPLY_ARGS, [
        Call('GET', APPLIED, json_body=[]),
        Call('GET', AVAILABLE, json_body=available(PATCH_ID)),
        Call('PUT', APPLY_URL, raises=requests.exceptions.ReadTimeout('read timed out')),
    ] + [Call('GET', APPLIED, json_body=[])] * SETTLE_LOOKS + [
        Call('PUT', APPLY_URL, status=202, json_body=write_answer('5000')),
        Call('GET', JOB_URL, status=202, json_body=job('COMPLETED', False)),
    ])
    assert result['changed'] is True and result['job_id'] == '5000'
    assert len(runner.session.writes()) == 2
    assert runner.clock.sleeps[:SETTLE_LOOKS - 1] == [_workflow.SETTLE_POLL] * (SETTLE_LOOKS - 1)


def test_an_apply_processed_after_its_answer_timed_out_is_followed_never_sent_again(runner):
    """The slow answer (issue 25): PSM shows the apply only seconds after the module stopped waiting."""
    result = runner.success(patch_apply.main, APPLY_ARGS, [
        Call('GET', APPLIED, json_body=[]),
        Call('GET', AVAILABLE, json_body=available(PATCH_ID)),
        Call('PUT', APPLY_URL, raises=requests.exceptions.ReadTimeout('read timed out')),
        Call('GET', APPLIED, json_body=[]),
        Call('GET', APPLIED, json_body=[]),
        Call('GET', APPLIED, json_body=job('IN_PROGRESS', True)),
        Call('GET', JOB_URL, status=202, json_body=job('COMPLETED', False)),
    ])
    assert result['changed'] is True and result['job_id'] == '5000'
    assert len(runner.session.writes()) == 1


def test_a_write_that_never_shows_in_the_state_gives_up_after_the_bound(runner):
    calls = [Call('GET', APPLIED, json_body=[]), Call('GET', AVAILABLE, json_body=available(PATCH_ID))]
    for dummy in range(4):
        calls += [Call('PUT', APPLY_URL, status=503, json_body={'message': 'busy'}, headers={'Retry-After': '7'}),
                  Call('GET', APPLIED, json_body=[])]
    result = runner.failure(patch_apply.main, APPLY_ARGS, calls)
    assert result['changed'] is False and result['job_id'] is None
    assert 'After 4 attempts the cloud still shows that the apply of patch 5.7.16-EE to MyTestInstance did not start' in result['msg']
    assert result['msg'].startswith('PUT /paas/api/v1.1/instancemgmt/ExampleIdentityDomain/services/MySQLCS/instances/MyTestInstance/patches/5.7.16-EE:')
    assert runner.clock.sleeps == [7, 7, 7], 'each re-send waits for the Retry-After of the throttled answer'


def test_conflict_names_the_running_operation(runner):
    running = applied_record(operation='Rollback', status='IN_PROGRESS', in_progress=True)
    running['patchId'] = '5.7.15-EE'
    result = runner.failure(patch_apply.main, APPLY_ARGS, [
        Call('GET', APPLIED, json_body=[]),
        Call('GET', AVAILABLE, json_body=available(PATCH_ID)),
        Call('PUT', APPLY_URL, status=409, json_body={'message': 'Another operation is in progress'}),
        Call('GET', APPLIED, json_body=[running]),
    ])
    assert 'HTTP 409: Another operation is in progress' in result['msg']
    assert 'Rollback of patch 5.7.15-EE (job 4208393, IN_PROGRESS)' in result['msg']
    assert result['changed'] is False


def test_password_never_appears(runner):
    result = runner.failure(patch_apply.main, APPLY_ARGS, [
        Call('GET', APPLIED, status=500, text='<html>internal error for username:%s</html>' % PASSWORD),
    ])
    assert PASSWORD not in repr(result)


def test_precheck_timeout_says_how_to_resume_it(runner):
    check_url = BASE + '/patches/checks/' + PATCH_ID
    check_job = BASE + '/patches/checks/job/77'
    calls = [Call('GET', APPLIED, json_body=[]), Call('GET', AVAILABLE, json_body=available(PATCH_ID)),
             Call('GET', BASE + '/patches/checks', json_body=[]),
             Call('PUT', check_url, status=202, json_body={'message': 'submitted', 'jobId': '77'})]
    calls += [Call('GET', check_job, status=202, json_body={'jobId': '77', 'status': 'IN_PROGRESS'}) for dummy in range(2)]
    result = runner.failure(patch_apply.main, dict(APPLY_ARGS, precheck=True, wait_timeout=10, poll_interval=10), calls)
    assert result['msg'].endswith('run dbops.patching.job_info with service_name=MyTestInstance, job_id=77, wait=true and kind=precheck.')
    assert result['precheck_job']['state'] == 'running' and result['changed'] is False
    assert [w['url'] for w in runner.session.writes()] == [check_url]


def test_without_wait_the_precheck_is_still_waited_for_before_the_apply(runner):
    check_url = BASE + '/patches/checks/' + PATCH_ID
    check_job = BASE + '/patches/checks/job/77'
    result = runner.success(patch_apply.main, dict(APPLY_ARGS, precheck=True, wait=False, poll_interval=5), [
        Call('GET', APPLIED, json_body=[]),
        Call('GET', AVAILABLE, json_body=available(PATCH_ID)),
        Call('GET', BASE + '/patches/checks', json_body=[]),
        Call('PUT', check_url, status=202, json_body={'message': 'submitted', 'jobId': '77'}),
        Call('GET', check_job, status=202, json_body={'jobId': '77', 'status': 'IN_PROGRESS', 'inProgress': True}),
        Call('GET', check_job, status=202, json_body={'jobId': '77', 'status': 'PASSED_PRECHECK', 'inProgress': False}),
        Call('PUT', APPLY_URL, status=202, json_body=write_answer('5000')),
        Call('GET', JOB_URL, status=202, json_body=job('IN_PROGRESS', True)),
    ])
    assert result['changed'] is True and result['precheck_job']['state'] == 'succeeded' and result['job']['state'] == 'running'


def test_a_write_whose_name_never_resolved_changed_nothing(runner):
    """DNS answered EAI_AGAIN ("Temporary failure in name resolution") for every attempt of the PUT: no
    connection was made, nothing reached the cloud, so the result says changed: false (not outcome unknown)."""
    dns = dns_failure()
    result = runner.failure(patch_apply.main, APPLY_ARGS, [
        Call('GET', APPLIED, json_body=[]),
        Call('GET', AVAILABLE, json_body=available(PATCH_ID)),
    ] + [Call('PUT', APPLY_URL, raises=dns) for dummy in range(6)])
    assert result['changed'] is False and result['job_id'] is None
    assert 'nothing reached the server' in result['msg'] and 'may have acted' not in result['msg']
    assert result['error']['kind'] == 'transport'


def test_a_write_sent_once_dns_answered_again_is_followed(runner):
    result = runner.success(patch_apply.main, APPLY_ARGS, [
        Call('GET', APPLIED, json_body=[]),
        Call('GET', AVAILABLE, json_body=available(PATCH_ID)),
        Call('PUT', APPLY_URL, raises=dns_failure()),
        Call('PUT', APPLY_URL, status=202, json_body=write_answer('5000', wrapped=False), headers={'Location': JOB_URL}),
        Call('GET', JOB_URL, status=202, json_body=job('COMPLETED', False)),
    ])
    assert result['changed'] is True and result['job_id'] == '5000' and len(runner.session.writes()) == 2
    assert not result.get('warnings'), 'nothing to recover: the first attempt never left the machine'
