# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import pytest
import requests

from ansible_collections.dbops.patching.plugins.module_utils import _workflow
from ansible_collections.dbops.patching.plugins.modules import patch_rollback
from ansible_collections.dbops.patching.tests.unit.plugins.modules.oracle_payloads import (
    API, APPLIED, ARGS, BASE, PATCH_ID, ROLLBACK_ID, applied_record, write_answer,
)
from ansible_collections.dbops.patching.tests.unit.utils.harness import Call

# the looks at the state while a write without an answer may still be processed (see _workflow.GATEWAY_TIMEOUT)
SETTLE_LOOKS = int(_workflow.GATEWAY_TIMEOUT // _workflow.SETTLE_POLL) + 1

ROLLBACK_URL = BASE + '/patches/%s/rollback' % ROLLBACK_ID
JOB_URL = BASE + '/patches/applied/job/4208393'


def rolling(status='IN_PROGRESS', in_progress=True):
    return [applied_record(operation='Rollback', status=status, in_progress=in_progress)]


def test_patch_id_resolves_to_the_rollback_id_of_seed_001(runner):
    result = runner.success(patch_rollback.main, dict(ARGS, patch_id=PATCH_ID), [
        Call('GET', APPLIED, json_body=[applied_record()]),
        Call('PUT', ROLLBACK_URL, status=202, json_body=write_answer('4208393'), expect_json={},
             headers={'Location': JOB_URL, 'Retry-After': '60'}),
        Call('GET', JOB_URL, status=202, json_body=rolling()),
        Call('GET', API + '/paas/api/v1.1/activitylog/ExampleIdentityDomain/filter', json_body={'activityLogs': []}),
        Call('GET', JOB_URL, status=202, json_body=rolling('COMPLETED_ROLLBACK', False)),
    ])
    assert result['changed'] is True
    assert result['rollback_id'] == '234688'
    assert result['job_id'] == '4208393'
    assert result['job']['state'] == 'succeeded'
    assert result['job']['operation'] == 'Rollback'


def test_rollback_id_with_note_and_switch_over(runner):
    result = runner.success(patch_rollback.main, dict(ARGS, rollback_id=ROLLBACK_ID, note='n', switch_over=False, wait=False), [
        Call('GET', APPLIED, json_body=[applied_record()]),
        Call('PUT', ROLLBACK_URL, status=202, json_body=write_answer('4208393', wrapped=False),
             expect_json={'additionalNote': 'n', 'switchOver': False}),
        Call('GET', JOB_URL, status=202, json_body=rolling()),
    ])
    assert result['job']['state'] == 'running'


def test_already_rolled_back_is_not_changed(runner):
    result = runner.success(patch_rollback.main, dict(ARGS, patch_id=PATCH_ID), [
        Call('GET', APPLIED, json_body=rolling('COMPLETED_ROLLBACK', False)),
    ])
    assert result['changed'] is False
    assert runner.session.writes() == []


def test_not_applied_is_not_changed(runner):
    result = runner.success(patch_rollback.main, dict(ARGS, patch_id='9.9.9'), [
        Call('GET', APPLIED, json_body=[applied_record()]),
    ])
    assert result['changed'] is False
    assert result['rollback_id'] is None
    assert 'not applied' in result['msg']


def test_running_rollback_is_followed_never_resent(runner):
    result = runner.success(patch_rollback.main, dict(ARGS, patch_id=PATCH_ID), [
        Call('GET', APPLIED, json_body=rolling()),
        Call('GET', JOB_URL, status=202, json_body=rolling('COMPLETED_ROLLBACK', False)),
    ])
    assert result['changed'] is False
    assert result['job']['state'] == 'succeeded'
    assert runner.session.writes() == []


def test_failed_rollback_is_reported_not_retried(runner):
    result = runner.failure(patch_rollback.main, dict(ARGS, patch_id=PATCH_ID), [
        Call('GET', APPLIED, json_body=rolling('FAILED', False)),
    ])
    assert 'already ran and ended FAILED' in result['msg']
    assert runner.session.writes() == []


def test_an_apply_still_running_blocks_the_rollback(runner):
    result = runner.failure(patch_rollback.main, dict(ARGS, patch_id=PATCH_ID), [
        Call('GET', APPLIED, json_body=[applied_record(status='IN_PROGRESS', in_progress=True)]),
    ])
    assert 'yet: Patch of patch 5.7.16-EE (job 4207169, IN_PROGRESS)' in result['msg']
    assert runner.session.writes() == []


def test_check_mode_and_diff(runner):
    result = runner.success(patch_rollback.main, dict(ARGS, patch_id=PATCH_ID), [
        Call('GET', APPLIED, json_body=[applied_record()]),
    ], check_mode=True, diff=True)
    assert result['changed'] is True
    assert result['diff'] == {'before': {'patch_level': 'mysql 5.7.16'}, 'after': {'patch_level': 'mysql 5.7.15'}}
    assert runner.session.writes() == []


def test_a_failed_patch_can_be_rolled_back(runner):
    result = runner.success(patch_rollback.main, dict(ARGS, patch_id=PATCH_ID, wait=False), [
        Call('GET', APPLIED, json_body=[applied_record(status='FAILED')]),
        Call('PUT', ROLLBACK_URL, status=202, json_body=write_answer('4208393')),
        Call('GET', JOB_URL, status=202, json_body=rolling()),
    ])
    assert result['changed'] is True


def test_lost_answer_never_leads_to_a_second_rollback(runner):
    result = runner.success(patch_rollback.main, dict(ARGS, patch_id=PATCH_ID), [
        Call('GET', APPLIED, json_body=[applied_record()]),
        Call('PUT', ROLLBACK_URL, raises=requests.exceptions.ConnectionError('Connection aborted: RemoteDisconnected')),
        Call('GET', APPLIED, json_body=rolling()),
        Call('GET', JOB_URL, status=202, json_body=rolling('COMPLETED_ROLLBACK', False)),
    ])
    assert result['changed'] is True
    assert result['job_id'] == '4208393'
    assert len(runner.session.writes()) == 1


def test_lost_answer_without_trace_is_sent_again_after_the_state_proves_nothing_started(runner):
    result = runner.success(patch_rollback.main, dict(ARGS, patch_id=PATCH_ID), [
        Call('GET', APPLIED, json_body=[applied_record()]),
        Call('PUT', ROLLBACK_URL, raises=requests.exceptions.ReadTimeout('read timed out')),
    ] + [Call('GET', APPLIED, json_body=[applied_record()])] * SETTLE_LOOKS + [  # it may still be processed until then
        Call('PUT', ROLLBACK_URL, status=202, json_body=write_answer('4208393')),
        Call('GET', JOB_URL, status=202, json_body=rolling('COMPLETED_ROLLBACK', False)),
    ])
    assert result['changed'] is True and result['job_id'] == '4208393'
    assert len(runner.session.writes()) == 2


@pytest.mark.parametrize('answer', [
    dict(status=502, text='<html>Bad Gateway</html>'),
    dict(status=504, text='<html>Gateway Timeout</html>'),
    dict(status=500, json_body={'message': 'internal'}),
    dict(status=202, text='<html>accepted</html>'),
    dict(raises=requests.exceptions.ChunkedEncodingError('Connection broken: IncompleteRead(12 bytes read)')),
    dict(raises=requests.exceptions.ContentDecodingError('Received response with content-encoding: gzip, but failed to decode it.')),
], ids=['502', '504', '500', 'html-202', 'cut-body', 'bad-gzip'])
def test_a_rollback_the_cloud_took_despite_a_lost_answer_is_followed_never_resent(runner, answer):
    result = runner.success(patch_rollback.main, dict(ARGS, patch_id=PATCH_ID), [
        Call('GET', APPLIED, json_body=[applied_record()]),
        Call('PUT', ROLLBACK_URL, **answer),
        Call('GET', APPLIED, json_body=rolling()),
        Call('GET', JOB_URL, status=202, json_body=rolling('COMPLETED_ROLLBACK', False)),
    ])
    assert result['changed'] is True and result['job_id'] == '4208393'
    assert result['job']['state'] == 'succeeded'
    assert len(runner.session.writes()) == 1
    assert any('was not sent again' in w for w in result['warnings'])


def test_a_failed_read_after_the_accepted_rollback_keeps_changed_and_the_job_id(runner):
    result = runner.failure(patch_rollback.main, dict(ARGS, patch_id=PATCH_ID, wait_timeout=60, poll_interval=10), [
        Call('GET', APPLIED, json_body=[applied_record()]),
        Call('PUT', ROLLBACK_URL, status=202, json_body=write_answer('4208393')),
        Call('GET', JOB_URL, status=403, text='<html>Forbidden</html>'),
    ])
    assert result['changed'] is True and result['job_id'] == '4208393' and result['rollback_id'] == ROLLBACK_ID
    assert 'HTTP 403' in result['msg']


def test_rollback_job_failure_fails_the_module(runner):
    result = runner.failure(patch_rollback.main, dict(ARGS, patch_id=PATCH_ID), [
        Call('GET', APPLIED, json_body=[applied_record()]),
        Call('PUT', ROLLBACK_URL, status=202, json_body=write_answer('4208393')),
        Call('GET', JOB_URL, status=202, json_body=rolling('FAILED', False)),
    ])
    assert result['job']['state'] == 'failed'
    assert result['changed'] is True


def test_503_on_the_rollback_put_is_sent_again_after_its_retry_after_when_nothing_started(runner):
    result = runner.success(patch_rollback.main, dict(ARGS, patch_id=PATCH_ID), [
        Call('GET', APPLIED, json_body=[applied_record()]),
        Call('PUT', ROLLBACK_URL, status=503, headers={'Retry-After': '3'}, text='busy'),
        Call('GET', APPLIED, json_body=[applied_record()]),
        Call('PUT', ROLLBACK_URL, status=202, json_body=write_answer('4208393')),
        Call('GET', JOB_URL, status=202, json_body=rolling('COMPLETED_ROLLBACK', False)),
    ])
    assert result['changed'] is True and len(runner.session.writes()) == 2
    assert runner.clock.sleeps[0] == 3
