# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from ansible_collections.dbops.patching.plugins.modules import patch_precheck
from ansible_collections.dbops.patching.tests.unit.plugins.modules.oracle_payloads import (
    API, APPLIED, ARGS, AVAILABLE, BASE, PATCH_ID, applied_record, available,
)
from ansible_collections.dbops.patching.tests.unit.utils.harness import Call

CHECK_URL = BASE + '/patches/checks/' + PATCH_ID
CHECK_JOB = BASE + '/patches/checks/job/77'
HISTORY = Call('GET', API + '/paas/api/v1.1/activitylog/ExampleIdentityDomain/filter', json_body=[],
               expect_params={'serviceName': 'MyTestInstance', 'serviceType': 'MySQLCS', 'orderBy': 'startDate:asc', 'limit': 100, 'offset': 0})


def reads():
    return [Call('GET', APPLIED, json_body=[]), Call('GET', AVAILABLE, json_body=available(PATCH_ID))]


def test_runs_the_precheck_only_and_waits(runner):
    result = runner.success(patch_precheck.main, dict(ARGS, patch_id=PATCH_ID), reads() + [
        Call('GET', BASE + '/patches/checks', json_body=[]),
        Call('PUT', CHECK_URL, status=202, json_body={'message': 'submitted', 'jobId': '77'}, headers={'Location': CHECK_JOB}),
        Call('GET', CHECK_JOB, status=202, json_body={'jobId': '77', 'status': 'IN_PROGRESS', 'inProgress': True}),
        HISTORY,
        Call('GET', CHECK_JOB, status=202, json_body={'jobId': '77', 'status': 'PASSED_PRECHECK', 'inProgress': False}),
    ])
    assert result['changed'] is False and result['job_id'] == '77' and result['job']['state'] == 'succeeded'
    assert [w['url'] for w in runner.session.writes()] == [CHECK_URL]


def test_a_precheck_that_does_not_pass_fails(runner):
    result = runner.failure(patch_precheck.main, dict(ARGS, patch_id=PATCH_ID, wait_timeout=600), reads() + [
        Call('GET', BASE + '/patches/checks', json_body=[]),
        Call('PUT', CHECK_URL, status=202, json_body={'message': 'submitted', 'jobId': '77'}),
        Call('GET', CHECK_JOB, status=202, json_body={'jobId': '77', 'status': 'DIDNT_PASS_PRECHECK', 'inProgress': False,
                                                      'preCheckMessages': ['Disk space shortage']}),
    ])
    assert result['job_id'] == '77' and result['job']['state'] == 'failed' and 'Disk space shortage' in result['msg']


def test_an_applied_patch_needs_no_precheck_and_check_mode_sends_none(runner):
    result = runner.success(patch_precheck.main, dict(ARGS, patch_id=PATCH_ID), [Call('GET', APPLIED, json_body=[applied_record()])])
    assert result['job_id'] is None and 'already applied' in result['msg']
    result = runner.success(patch_precheck.main, dict(ARGS, patch_id=PATCH_ID), reads(), check_mode=True)
    assert result['job_id'] is None and result['patch']['patch_id'] == PATCH_ID and not runner.session.writes()
