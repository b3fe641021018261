# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import pytest

from ansible_collections.dbops.patching.plugins.modules import oci_patch_job_info
from ansible_collections.dbops.patching.tests.unit.plugins.modules.test_oci_patch_apply import (
    ARGS, DB, ENTRY, HOME, HOME_ID, OLD, OLD_ENTRY, SYSTEM, SYSTEM_ID, entry, get_entry, get_system,
)
from ansible_collections.dbops.patching.tests.unit.utils.harness import Call

pytestmark = pytest.mark.usefixtures('no_oci_config')

CONNECTION = dict((k, v) for k, v in ARGS.items() if k not in ('patch_id', 'db_system_id'))


def test_one_entry_by_id(runner):
    result = runner.success(oci_patch_job_info.main, dict(CONNECTION, db_system_id=SYSTEM_ID, job_id=ENTRY), [get_entry(entry())])
    assert result['exists'] is True and result['job']['state'] == 'running' and result['timed_out'] is False


def test_an_entry_that_does_not_exist_is_data(runner):
    result = runner.success(oci_patch_job_info.main, dict(CONNECTION, db_system_id=SYSTEM_ID, job_id='ocid1.nope'), [
        Call('GET', SYSTEM + '/patchHistoryEntries/ocid1.nope', status=404, json_body={'code': 'NotAuthorizedOrNotFound', 'message': 'no'}),
    ])
    assert result['exists'] is False and result['job'] is None


def test_waits_for_the_entry_and_never_takes_available_for_success(runner):
    done = entry(state='FAILED', details='datapatch failed', ended='2026-12-07T11:00:00.000Z')
    result = runner.success(oci_patch_job_info.main, dict(CONNECTION, db_system_id=SYSTEM_ID, job_id=ENTRY, wait=True), [
        get_entry(entry()), get_entry(done),
    ])
    assert result['job']['state'] == 'failed' and result['job']['message'] == 'datapatch failed', 'info modules report, not fail'


def test_the_last_entry_of_many_targets(runner):
    home_entry = entry('ocid1.dbpatchhistoryentry.oc1.iad.home', action='PRECHECK', state='SUCCEEDED')
    other = DB + '/dbSystems/ocid1.dbsystem.oc1.iad.never'
    result = runner.success(oci_patch_job_info.main, dict(CONNECTION, targets=[
        {'db_system_id': SYSTEM_ID}, {'db_home_id': HOME_ID}, {'db_system_id': 'ocid1.dbsystem.oc1.iad.never'}]), [
        get_system(last=OLD_ENTRY), get_entry(OLD),
        Call('GET', HOME, json_body={'id': HOME_ID, 'lifecycleState': 'AVAILABLE', 'dbVersion': '19.20.0.0.0',
                                     'lastPatchHistoryEntryId': home_entry['id']}),
        get_entry(home_entry, target=HOME),
        Call('GET', other, json_body={'id': 'ocid1.dbsystem.oc1.iad.never', 'lifecycleState': 'AVAILABLE'}),
    ], any_order=True)
    assert [j and j['id'] for j in result['jobs']] == [OLD_ENTRY, home_entry['id'], None]
    assert [j['target_id'] for j in result['jobs'][:2]] == [SYSTEM_ID, HOME_ID]
    assert result['missing'] == ['ocid1.dbsystem.oc1.iad.never'] and result['exists'] is False
    assert result['summary']['succeeded'] == 2 and result['summary']['total'] == 2


def test_targets_exclude_a_target_and_job_ids(runner):
    result = runner.failure(oci_patch_job_info.main, dict(CONNECTION, db_system_id=SYSTEM_ID, targets=[{'db_home_id': HOME_ID}]), [])
    assert 'mutually exclusive' in result['msg']
    result = runner.failure(oci_patch_job_info.main, dict(CONNECTION, job_id=ENTRY), [])
    assert 'one of the following is required: db_system_id, db_home_id, targets' in result['msg']
