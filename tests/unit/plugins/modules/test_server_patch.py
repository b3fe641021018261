# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import requests

from ansible_collections.dbops.patching.plugins.modules import server_patch, server_patch_info
from ansible_collections.dbops.patching.tests.unit.utils.harness import Call

API = 'https://api.ctl.io'
PATCHING = 'https://patching.useast.appfog.ctl.io'
PASSWORD = 'ctl-pa55'
ARGS = dict(username='ctluser', password=PASSWORD)
EXECUTE = API + '/v2/operations/OSD/servers/executePackage'
LINUX = 'c3c6642e-24e1-4c37-b56a-1cf1476ee360'


def login(token='tok'):
    return Call('POST', API + '/v2/authentication/login', expect_json={'username': 'ctluser', 'password': PASSWORD},
                json_body={'userName': 'ctluser', 'accountAlias': 'OSD', 'locationAlias': 'VA1', 'bearerToken': token})


def executions(server, items):
    return Call('GET', '%s/rest/servers/OSD/server/%s/patch' % (PATCHING, server), json_body=items,
                expect_headers={'Authorization': 'Bearer tok'})


def execution(server, execution_id, status='COMPLETED', codes=(2,)):
    patches = [{'patch_begin_message': 'pkg-%d' % n, 'patch_end_message': 'Result Code: %d' % c, 'status': 'completed',
                'start_time': 't', 'end_time': 't'} for n, c in enumerate(codes)]
    body = {'execution_id': execution_id, 'status': status, 'start_time': '2026-11-24T10:00:00Z',
            'end_time': '' if status == 'RUNNING' else '2026-11-24T10:05:00Z', 'begin_message': 'Update Process BEGIN',
            'end_message': 'Updating Complete', 'patches': patches}
    return Call('GET', '%s/rest/servers/OSD/server/%s/patch/%s' % (PATCHING, server, execution_id), json_body=body)


def summary(execution_id, status):
    return {'execution_id': execution_id, 'status': status, 'start_time': '2026-11-24T09:00:00Z', 'end_time': '', 'patches': 2}


def queued(*servers):
    return [{'server': s, 'isQueued': True, 'links': [{'rel': 'status', 'id': 'VA1-q-%s' % s}]} for s in servers]


def test_starts_linux_patching_and_follows_it(runner):
    result = runner.success(server_patch.main, dict(ARGS, server_ids=['S1'], os='linux'), [
        login(),
        executions('S1', [summary('VA1-1', 'COMPLETED')]),
        Call('POST', EXECUTE, json_body=queued('S1'),
             expect_json={'servers': ['S1'], 'package': {'packageId': LINUX, 'parameters': {'patch.debug.mode': 'false'}}}),
        Call('GET', API + '/v2/operations/OSD/status/VA1-q-S1', json_body={'status': 'notStarted'}),
        Call('GET', API + '/v2/operations/OSD/status/VA1-q-S1', json_body={'status': 'executing'}),
        executions('S1', [summary('VA1-1', 'COMPLETED'), summary('VA1-2', 'RUNNING')]),
        execution('S1', 'VA1-2', 'RUNNING', codes=(1,)),
        execution('S1', 'VA1-2'),
    ])
    entry = result['executions'][0]
    assert result['changed'] is True
    assert (entry['server_id'], entry['queue_id'], entry['execution_id'], entry['started']) == ('S1', 'VA1-q-S1', 'VA1-2', True)
    assert entry['job']['state'] == 'succeeded' and entry['job']['patches'][0]['result_code'] == 2
    assert PASSWORD not in repr(result)


def test_a_running_execution_is_followed_not_started_again(runner):
    result = runner.success(server_patch.main, dict(ARGS, server_ids=['S1'], os='windows'), [
        login(),
        executions('S1', [summary('VA1-7', 'RUNNING')]),
        execution('S1', 'VA1-7'),
    ])
    assert result['changed'] is False
    assert result['executions'][0]['execution_id'] == 'VA1-7' and result['executions'][0]['queue_id'] is None
    assert runner.session.writes() == [runner.session.seen[0]], 'only the login was a POST'


def test_check_mode_sends_nothing(runner):
    result = runner.success(server_patch.main, dict(ARGS, server_ids=['S1', 'S2'], package_id='pkg', parameters={'a': 'b'}), [
        login(), executions('S1', []), executions('S2', [summary('VA1-7', 'RUNNING')]),
    ], check_mode=True)
    assert result['changed'] is True
    assert [e['execution_id'] for e in result['executions']] == [None, 'VA1-7']


def test_token_needs_an_alias_and_skips_the_login(runner):
    failed = runner.failure(server_patch.main, dict(token='tok', server_ids=['S1'], os='linux'), [])
    assert 'account_alias' in failed['msg']
    result = runner.success(server_patch.main, dict(token='tok', account_alias='OSD', server_ids=['S1'], os='linux', wait=False), [
        executions('S1', [summary('VA1-7', 'RUNNING')]),
    ])
    assert result['changed'] is False
    assert result['executions'][0]['job']['state'] == 'running' and 'tok' not in repr(result['executions'])


def test_lost_answer_is_recovered_and_never_resent(runner):
    result = runner.success(server_patch.main, dict(ARGS, server_ids=['S1'], os='linux', wait=False), [
        login(), executions('S1', []),
        Call('POST', EXECUTE, raises=requests.exceptions.ConnectionError('Connection aborted: RemoteDisconnected')),
        executions('S1', [summary('VA1-9', 'RUNNING')]),
        execution('S1', 'VA1-9', 'RUNNING'),
    ])
    assert result['executions'][0]['execution_id'] == 'VA1-9'
    assert len([w for w in runner.session.writes() if w['url'] == EXECUTE]) == 1


def test_lost_answer_without_trace_fails(runner):
    result = runner.failure(server_patch.main, dict(ARGS, server_ids=['S1'], os='linux'), [
        login(), executions('S1', []),
        Call('POST', EXECUTE, raises=requests.exceptions.ReadTimeout('slow')),
        executions('S1', []),
    ])
    assert 'was not sent again' in result['msg']


def test_a_failed_run_fails_the_module_with_the_executions(runner):
    result = runner.failure(server_patch.main, dict(ARGS, server_ids=['S1'], os='linux', poll_interval=5), [
        login(), executions('S1', []),
        Call('POST', EXECUTE, json_body=queued('S1')),
        Call('GET', API + '/v2/operations/OSD/status/VA1-q-S1', json_body={'status': 'failed'}),
        executions('S1', [summary('VA1-3', 'FAILED')]),
        execution('S1', 'VA1-3', 'FAILED', codes=(2, 4)),
    ])
    assert result['msg'].startswith('Patching ended failed on S1 (failed: FAILED)')
    assert result['executions'][0]['job']['patches'][1]['state'] == 'failed'


def test_timeout_returns_the_executions(runner):
    calls = [login(), executions('S1', []), Call('POST', EXECUTE, json_body=queued('S1'))]
    calls += [Call('GET', API + '/v2/operations/OSD/status/VA1-q-S1', json_body={'status': 'notStarted'}) for dummy in range(3)]
    result = runner.failure(server_patch.main, dict(ARGS, server_ids=['S1'], os='linux', wait_timeout=10, poll_interval=5), calls)
    assert 'Timed out after 10 seconds' in result['msg'] and result['executions'][0]['job']['state'] == 'pending'


def test_bad_login(runner):
    result = runner.failure(server_patch.main, dict(ARGS, server_ids=['S1'], os='linux'), [
        Call('POST', API + '/v2/authentication/login', status=400, json_body={'message': "We didn't recognize the username or password"}),
    ])
    assert result['msg'].startswith('CTL login failed: POST /v2/authentication/login: HTTP 400')
    assert PASSWORD not in repr(result)


def test_info_lists_executions(runner):
    result = runner.success(server_patch_info.main, dict(ARGS, server_id='S1'), [
        login(), executions('S1', [summary('VA1-1', 'COMPLETED'), summary('VA1-2', 'RUNNING')]),
    ])
    assert [e['state'] for e in result['executions']] == ['succeeded', 'running']
    assert result['summary']['total'] == 2 and result['executions'][0]['patch_count'] == 2


def test_info_reads_and_waits_for_one_execution(runner):
    result = runner.success(server_patch_info.main, dict(ARGS, server_id='S1', execution_id='VA1-2', wait=True), [
        login(), execution('S1', 'VA1-2', 'RUNNING', codes=(1,)), execution('S1', 'VA1-2', codes=(2, 3)),
    ])
    assert result['execution']['state'] == 'succeeded' and result['execution']['with_warnings'] is True


def test_info_missing_execution_and_wait_without_id(runner):
    result = runner.success(server_patch_info.main, dict(ARGS, server_id='S1', execution_id='VA1-404'), [
        login(), Call('GET', PATCHING + '/rest/servers/OSD/server/S1/patch/VA1-404', status=404, json_body={'message': 'nope'}),
    ])
    assert result['exists'] is False and result['execution'] is None
    failed = runner.failure(server_patch_info.main, dict(ARGS, server_id='S1', wait=True), [])
    assert failed['msg'].startswith('wait=true needs execution_id')


def test_relogin_once_on_401(runner):
    result = runner.success(server_patch_info.main, dict(ARGS, server_id='S1'), [
        login(), Call('GET', PATCHING + '/rest/servers/OSD/server/S1/patch', status=401, json_body={'message': 'expired'}),
        login(), executions('S1', []),
    ])
    assert result['executions'] == []
