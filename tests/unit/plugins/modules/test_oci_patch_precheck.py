# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import pytest

from ansible_collections.dbops.patching.plugins.modules import oci_patch_precheck
from ansible_collections.dbops.patching.tests.unit.plugins.modules.test_oci_patch_apply import (
    ARGS, ENTRY, OLD, PATCH_ID, SYSTEM_ID, WORK_REQUEST, db_system, decide, entry, get_entry, get_patch, get_system, put,
)

pytestmark = pytest.mark.usefixtures('no_oci_config')

PRECHECK = entry(action='PRECHECK')


def test_runs_the_precheck_and_reports_no_change(runner):
    result = runner.success(oci_patch_precheck.main, ARGS, decide() + [
        put(action='PRECHECK', answer=db_system(last=ENTRY), headers={'opc-work-request-id': WORK_REQUEST}),
        get_entry(dict(PRECHECK, lifecycleState='SUCCEEDED', timeEnded='2026-12-07T10:04:00.000Z')),
    ])
    assert result['changed'] is False, 'a precheck changes nothing'
    assert result['job_id'] == ENTRY and result['job']['state'] == 'succeeded' and result['job']['operation'] == 'PRECHECK'
    assert result['work_request_id'] == WORK_REQUEST and len(runner.session.writes()) == 1


def test_a_failed_precheck_fails_with_its_details(runner):
    result = runner.failure(oci_patch_precheck.main, ARGS, decide() + [
        put(action='PRECHECK', answer=db_system(last=ENTRY)),
        get_entry(dict(PRECHECK, lifecycleState='FAILED', lifecycleDetails='Object Storage is not reachable')),
    ])
    assert result['changed'] is False and result['job']['state'] == 'failed'
    assert result['msg'].endswith('ended failed (entry %s, FAILED): Object Storage is not reachable' % ENTRY)


def test_a_running_precheck_is_followed_not_sent_again(runner):
    result = runner.success(oci_patch_precheck.main, dict(ARGS, wait=False), [
        get_system(last=ENTRY), get_patch(state='IN_PROGRESS', last_action='PRECHECK'), get_entry(PRECHECK), get_entry(PRECHECK),
    ])
    assert result['job_id'] == ENTRY and result['job']['state'] == 'running' and runner.session.writes() == []


def test_nothing_to_precheck_when_the_patch_is_being_applied(runner):
    result = runner.success(oci_patch_precheck.main, ARGS, [get_system(state='UPDATING', last=ENTRY), get_patch(), get_entry(entry())])
    assert result['msg'] == 'Patch %s is being applied to DB system %s (entry %s); there is nothing to precheck.' % (
        PATCH_ID, SYSTEM_ID, ENTRY)
    assert runner.session.writes() == [] and result['job_id'] is None


def test_nothing_to_precheck_on_the_patch_version(runner):
    result = runner.success(oci_patch_precheck.main, ARGS, [get_system(version='19.21.0.0.0'), get_patch(), get_entry(OLD)])
    assert result['msg'].endswith('is not newer: there is nothing to precheck.') and runner.session.writes() == []


def test_check_mode_sends_nothing(runner):
    result = runner.success(oci_patch_precheck.main, ARGS, decide(), check_mode=True)
    assert result['changed'] is False and result['job_id'] is None and runner.session.writes() == []
    assert result['patch']['patch_id'] == PATCH_ID
