# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from ansible_collections.dbops.patching.plugins.modules import patch_info
from ansible_collections.dbops.patching.tests.unit.plugins.modules.oracle_payloads import (
    API, APPLIED, ARGS, AVAILABLE, DOMAIN, PASSWORD, applied_record, available,
)
from ansible_collections.dbops.patching.tests.unit.utils.harness import Call

HEADERS = {'X-ID-TENANT-NAME': DOMAIN, 'Accept': 'application/json'}
DBAAS = API + '/paas/api/v1.1/instancemgmt/%s/services/dbaas/instances/db%%2F01' % DOMAIN


def test_reads_both_lists_with_basic_auth_and_the_tenant_header(runner):
    result = runner.success(patch_info.main, ARGS, [
        Call('GET', APPLIED, json_body=[applied_record()], expect_headers=HEADERS, expect_basic=('username', PASSWORD)),
        Call('GET', AVAILABLE, json_body=available('5.7.17-EE'), expect_headers=HEADERS, expect_basic=('username', PASSWORD)),
    ])
    assert result['changed'] is False
    assert result['applied'] == [dict(
        patch_id='5.7.16-EE', rollback_id='234688', state='succeeded', status='COMPLETED', operation='Patch', job_id='4207169',
        in_progress=False, current_patch_level='mysql 5.7.16', rollback_version='mysql 5.7.15', raw=applied_record())]
    assert result['available'] == [dict(
        patch_id='5.7.17-EE', rollback_id=None, state='available', status=None, operation=None, job_id=None, in_progress=False,
        current_patch_level=None, rollback_version=None, raw=available('5.7.17-EE')[0])]
    assert result['current_patch_level'] == 'mysql 5.7.16'
    assert runner.session.writes() == []


def test_dbaas_is_the_default_and_the_name_is_quoted(runner):
    args = dict(ARGS, service_name='db/01')
    del args['service_type']
    result = runner.success(patch_info.main, args, [
        Call('GET', DBAAS + '/patches/applied', json_body=[]),
        Call('GET', DBAAS + '/patches/available', json_body={'patches': []}),
    ])
    assert (result['applied'], result['available'], result['current_patch_level']) == ([], [], None)


def test_wrapped_lists_and_a_running_operation(runner):
    running = applied_record(operation='Rollback', status='IN PROGRESS', in_progress=True, rollback_job_id='4208393')
    result = runner.success(patch_info.main, ARGS, [
        Call('GET', APPLIED, json_body={'appliedPatches': [running]}),
        Call('GET', AVAILABLE, json_body={'availablePatches': available('5.7.17-EE', '5.7.18-EE')}),
    ])
    entry = result['applied'][0]
    assert (entry['operation'], entry['state'], entry['status'], entry['job_id'], entry['in_progress']) == (
        'Rollback', 'running', 'IN PROGRESS', '4208393', True)
    assert [a['patch_id'] for a in result['available']] == ['5.7.17-EE', '5.7.18-EE']
    assert result['current_patch_level'] is None, 'a rollback still running does not tell the level'


def test_the_level_follows_the_newest_successful_operation(runner):
    failed_apply = applied_record(status='FAILED', job_id='5000')
    failed_apply.update(patchId='5.7.17-EE', id=234689, rollbackId='234689', currentPatchLevel='mysql 5.7.17')
    result = runner.success(patch_info.main, ARGS, [
        Call('GET', APPLIED, json_body=[applied_record(operation='Rollback', status='COMPLETED_ROLLBACK'), failed_apply]),
        Call('GET', AVAILABLE, json_body=[]),
    ])
    assert [(a['patch_id'], a['operation'], a['state']) for a in result['applied']] == [
        ('5.7.16-EE', 'Rollback', 'succeeded'), ('5.7.17-EE', 'Patch', 'failed')]
    assert result['current_patch_level'] == 'mysql 5.7.15'


def test_check_mode_reads_normally(runner):
    result = runner.success(patch_info.main, ARGS, [
        Call('GET', APPLIED, json_body=[applied_record()]),
        Call('GET', AVAILABLE, json_body=[]),
    ], check_mode=True)
    assert result['changed'] is False and len(result['applied']) == 1


def test_an_unknown_status_is_reported_with_a_warning(runner):
    result = runner.success(patch_info.main, ARGS, [
        Call('GET', APPLIED, json_body=[applied_record(status='PAUSED')]),
        Call('GET', AVAILABLE, json_body=[]),
    ])
    assert result['applied'][0]['state'] == 'unknown'
    assert result['warnings'] == ['Oracle patch job 4207169 has a status this collection does not know: '
                                  "'PAUSED'; reported as state \"unknown\"."]


def test_errors_name_the_call_and_hide_the_password(runner):
    result = runner.failure(patch_info.main, ARGS, [
        Call('GET', APPLIED, status=401, text='<html><body>Unauthorized %s</body></html>' % PASSWORD),
    ])
    path = APPLIED[len(API):]
    assert result['msg'].startswith('GET %s: HTTP 401' % path)
    assert result['error']['status'] == 401
    assert PASSWORD not in repr(result)
    result = runner.failure(patch_info.main, ARGS, [
        Call('GET', APPLIED, status=404, json_body={'message': 'Service instance MyTestInstance not found'}),
    ])
    assert result['msg'] == 'GET %s: HTTP 404: Service instance MyTestInstance not found' % path


def test_an_empty_service_name_is_refused_before_any_request(runner):
    result = runner.failure(patch_info.main, dict(ARGS, service_name='  '), [])
    assert result['msg'] == "service_name must be a non-empty id, got '  '."
