# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import pytest

from ansible_collections.dbops.patching.plugins.modules import oci_patch_info
from ansible_collections.dbops.patching.tests.unit.plugins.modules.test_oci_patch_apply import (
    ARGS, ENTRY, OLD, OLD_ENTRY, PATCH_ID, SYSTEM, entry, get_system, list_history, patch,
)
from ansible_collections.dbops.patching.tests.unit.utils.harness import Call

pytestmark = pytest.mark.usefixtures('no_oci_config')

INFO_ARGS = dict((k, v) for k, v in ARGS.items() if k != 'patch_id')


def test_version_patches_and_history_newest_first(runner):
    failed = entry(state='FAILED', details='Patch failed', started='2026-12-07T10:00:00.000Z', ended='2026-12-07T10:30:00.000Z')
    result = runner.success(oci_patch_info.main, INFO_ARGS, [
        get_system(last=ENTRY),
        Call('GET', SYSTEM + '/patches', json_body=[patch(), dict(patch(version='19.19.0.0.0', state='SUCCESS', last_action='APPLY'),
                                                                  id='ocid1.dbpatch.oc1.iad.older')],
             expect_params={'limit': 100}, headers={'opc-next-page': 'AAAAtoken'}),
        Call('GET', SYSTEM + '/patches', json_body=[dict(patch(state='WEIRD'), id='ocid1.dbpatch.oc1.iad.odd')],
             expect_params={'limit': 100, 'page': 'AAAAtoken'}),
        list_history(OLD, failed),
    ])
    assert result['changed'] is False
    assert (result['version'], result['lifecycle_state'], result['last_job_id']) == ('19.20.0.0.0', 'AVAILABLE', ENTRY)
    assert [(p['patch_id'], p['state'], p['newer']) for p in result['available']] == [
        (PATCH_ID, 'available', True), ('ocid1.dbpatch.oc1.iad.older', 'succeeded', False), ('ocid1.dbpatch.oc1.iad.odd', 'unknown', True)]
    assert [j['id'] for j in result['history']] == [ENTRY, OLD_ENTRY]
    assert result['history'][0]['state'] == 'failed' and result['history'][0]['message'] == 'Patch failed'
    assert any("lifecycleState this collection does not know: 'WEIRD'" in w for w in result['warnings'])


def test_a_target_that_does_not_exist(runner):
    result = runner.failure(oci_patch_info.main, INFO_ARGS, [
        Call('GET', SYSTEM, status=404, json_body={'code': 'NotAuthorizedOrNotFound', 'message': 'Authorization failed or requested resource not found.'}),
    ])
    assert result['msg'].startswith('GET /dbSystems/%s: HTTP 404: NotAuthorizedOrNotFound' % ARGS['db_system_id'])
    assert result['error']['api_code'] == 'NotAuthorizedOrNotFound'


def test_missing_region_and_endpoints_fail_before_any_request(runner):
    args = dict((k, v) for k, v in INFO_ARGS.items() if k != 'region')
    result = runner.failure(oci_patch_info.main, args, [])
    assert result['msg'].startswith('OCI needs a region (or database_url) to know where to send requests')
