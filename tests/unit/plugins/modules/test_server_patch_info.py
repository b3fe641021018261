# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import copy

from ansible_collections.dbops.patching.plugins.modules import server_patch_info
from ansible_collections.dbops.patching.tests.unit.utils.harness import Call

API = 'https://api.ctl.io'
PATCHING = 'https://patching.useast.appfog.ctl.io'
PASSWORD = 'ctl-pa55w0rd'
TOKEN = 'bearer-tok-1'
ARGS = dict(username='ctluser', password=PASSWORD, server_id='VA1OSDPATCH33')
LIST = PATCHING + '/rest/servers/OSD/server/VA1OSDPATCH33/patch'
ONE = LIST + '/VA1-132457'

# Seed 003 as the API really sends it: upper-case status, patches as an array, "Result Code: N".
SEED_003 = {
    'execution_id': 'VA1-132457', 'status': 'COMPLETED', 'start_time': '2016-03-14T16:20:01Z',
    'end_time': '2016-03-14T16:41:17Z', 'duration': '21 minutes 16 seconds', 'begin_message': 'Update Process BEGIN',
    'end_message': 'Updating Complete',
    'patches': [
        {'patch_begin_message': 'Security Update for Windows Server 2012 R2 (KB3135174)', 'patch_end_message': 'Result Code: 2',
         'status': 'completed', 'start_time': '2016-03-14T16:20:05Z', 'end_time': '2016-03-14T16:29:44Z'},
        {'patch_begin_message': 'Cumulative Security Update for Internet Explorer 11 (KB3134220)',
         'patch_end_message': 'Result Code: 3', 'status': 'completed', 'start_time': '2016-03-14T16:29:45Z',
         'end_time': '2016-03-14T16:41:10Z'},
    ],
}


def running(done_codes=(2,), current_code=1):
    """The seed execution while it runs: empty end_time, the last patch still in progress."""
    body = copy.deepcopy(SEED_003)
    body.update(status='RUNNING', end_time='', duration='', end_message='')
    patches = []
    for index, code in enumerate(tuple(done_codes) + (current_code,)):
        patch = dict(SEED_003['patches'][index % 2], patch_end_message='Result Code: %d' % code)
        if code in (0, 1):
            patch.update(status='pending', end_time='')
        patches.append(patch)
    body['patches'] = patches
    return body


def login(token=TOKEN):
    return Call('POST', API + '/v2/authentication/login', expect_json={'username': 'ctluser', 'password': PASSWORD},
                json_body={'userName': 'ctluser', 'accountAlias': 'OSD', 'locationAlias': 'VA1', 'roles': [], 'bearerToken': token})


def get(url, body=None, token=TOKEN, **kwargs):
    return Call('GET', url, json_body=body, expect_headers={'Authorization': 'Bearer %s' % token, 'Accept': 'application/json'},
                **kwargs)


def test_lists_the_executions_of_a_server(runner):
    items = [dict(execution_id='VA1-132457', status='COMPLETED', start_time='2016-03-14T16:20:01Z',
                  end_time='2016-03-14T16:41:17Z', patches=2),
             dict(execution_id='VA1-132458', status='RUNNING', start_time='2016-03-15T16:20:01Z', end_time='', patches=1)]
    result = runner.success(server_patch_info.main, ARGS, [login(), get(LIST, items, expect_params=None)])
    assert result['changed'] is False
    assert [(e['id'], e['state'], e['status'], e['ended_at']) for e in result['executions']] == [
        ('VA1-132457', 'succeeded', 'COMPLETED', '2016-03-14T16:41:17Z'), ('VA1-132458', 'running', 'RUNNING', None)]
    assert [e['patch_count'] for e in result['executions']] == [2, 1], 'the documented number of patches is kept'
    assert result['summary'] == dict(pending=0, running=1, succeeded=1, failed=0, canceled=0, unknown=0, total=2)
    assert 'execution' not in result and 'exists' not in result
    assert runner.session.seen[1]['params'] is None


def test_lists_executions_wrapped_in_an_object_and_an_empty_server(runner):
    result = runner.success(server_patch_info.main, ARGS, [login(), get(LIST, {'executions': [SEED_003]})])
    assert result['executions'][0]['patches'][1]['result_code'] == 3
    result = runner.success(server_patch_info.main, ARGS, [login(), get(LIST, [])])
    assert result['executions'] == [] and result['summary']['total'] == 0


def test_reads_the_seed_003_execution_with_its_patches(runner):
    result = runner.success(server_patch_info.main, dict(ARGS, execution_id='VA1-132457'), [login(), get(ONE, SEED_003)])
    execution = result['execution']
    assert result['exists'] is True and result['changed'] is False and 'executions' not in result
    assert (execution['id'], execution['state'], execution['status'], execution['terminal']) == ('VA1-132457', 'succeeded', 'COMPLETED', True)
    assert execution['with_warnings'] is True, 'result code 3 is "succeeded with errors"'
    assert (execution['started_at'], execution['ended_at']) == ('2016-03-14T16:20:01Z', '2016-03-14T16:41:17Z')
    assert execution['operation'] == 'Patch' and execution['progress'] is None and execution['patch_count'] == 2
    assert execution['message'] == 'Updating Complete'
    assert execution['messages'][0] == 'Update Process BEGIN' and execution['messages'][-1] == 'Updating Complete'
    assert execution['raw'] == SEED_003
    assert execution['patches'] == [
        dict(name='Security Update for Windows Server 2012 R2 (KB3135174)', state='succeeded', status='completed',
             with_warnings=False, result_code=2, started_at='2016-03-14T16:20:05Z', ended_at='2016-03-14T16:29:44Z',
             message='Result Code: 2'),
        dict(name='Cumulative Security Update for Internet Explorer 11 (KB3134220)', state='succeeded', status='completed',
             with_warnings=True, result_code=3, started_at='2016-03-14T16:29:45Z', ended_at='2016-03-14T16:41:10Z',
             message='Result Code: 3'),
    ]


def test_running_execution_has_empty_end_times_as_null(runner):
    result = runner.success(server_patch_info.main, dict(ARGS, execution_id='VA1-132457'), [login(), get(ONE, running())])
    execution = result['execution']
    assert (execution['state'], execution['terminal'], execution['ended_at'], execution['progress']) == ('running', False, None, 50)
    assert [(p['state'], p['result_code'], p['ended_at']) for p in execution['patches']] == [
        ('succeeded', 2, '2016-03-14T16:29:44Z'), ('running', 1, None)]


def test_result_codes_map_to_states(runner):
    body = running(done_codes=(0, 4, 5), current_code=1)
    result = runner.success(server_patch_info.main, dict(ARGS, execution_id='VA1-132457'), [login(), get(ONE, body)])
    assert [(p['result_code'], p['state']) for p in result['execution']['patches']] == [
        (0, 'pending'), (4, 'failed'), (5, 'canceled'), (1, 'running')]


def test_wait_follows_the_execution_until_it_ends(runner):
    result = runner.success(server_patch_info.main, dict(ARGS, execution_id='VA1-132457', wait=True, poll_interval=5), [
        login(), get(ONE, running(done_codes=(), current_code=1)), get(ONE, running()), get(ONE, SEED_003),
    ])
    assert result['execution']['state'] == 'succeeded' and len(result['execution']['patches']) == 2
    assert runner.clock.sleeps == [5.0, 5.0]


def test_wait_timeout_returns_the_last_execution(runner):
    result = runner.failure(server_patch_info.main, dict(ARGS, execution_id='VA1-132457', wait=True, wait_timeout=10, poll_interval=5), [
        login(), get(ONE, running()), get(ONE, running()), get(ONE, running()),
    ])
    assert result['msg'].startswith('Timed out after 10 seconds (wait_timeout=10) waiting for execution VA1-132457 (running: RUNNING).')
    assert result['execution']['state'] == 'running' and result['execution']['patches'][1]['result_code'] == 1
    assert result['elapsed'] == 10.0 and result['exists'] is True and result['changed'] is False


def test_missing_execution_is_data_without_wait(runner):
    result = runner.success(server_patch_info.main, dict(ARGS, execution_id='VA1-404'), [
        login(), get(LIST + '/VA1-404', {'message': 'Execution not found'}, status=404), get(LIST, []),
    ])
    assert result['exists'] is False and result['execution'] is None


def test_missing_execution_with_wait_fails_after_the_grace(runner):
    calls = [login()] + [get(LIST + '/VA1-404', {'message': 'not found'}, status=404) for dummy in range(4)]
    calls.insert(2, get(LIST, []))
    result = runner.failure(server_patch_info.main, dict(ARGS, execution_id='VA1-404', wait=True, poll_interval=10), calls)
    assert result['msg'].startswith('Execution VA1-404 does not exist (still not found 30 seconds after the wait started): ')


def test_an_unknown_server_is_not_a_missing_execution(runner):
    result = runner.failure(server_patch_info.main, dict(ARGS, execution_id='VA1-404'), [
        login(), get(LIST + '/VA1-404', {'message': 'Server not found'}, status=404),
        get(LIST, {'message': 'Server VA1OSDPATCH33 was not found.'}, status=404),
    ])
    assert result['msg'].startswith('Server VA1OSDPATCH33 does not exist: ')


def test_execution_that_appears_during_the_grace_is_followed(runner):
    result = runner.success(server_patch_info.main, dict(ARGS, execution_id='VA1-132457', wait=True, poll_interval=5), [
        login(), get(ONE, {'message': 'not found'}, status=404), get(LIST, []), get(ONE, SEED_003),
    ])
    assert result['exists'] is True and result['execution']['state'] == 'succeeded'


def test_wait_needs_execution_id_and_sends_nothing(runner):
    result = runner.failure(server_patch_info.main, dict(ARGS, wait=True), [])
    assert result['msg'] == 'wait=true needs execution_id; the list shows the executions as they are now.'


def test_token_and_alias_skip_the_login_and_urls_are_overridable(runner):
    args = dict(server_id='VA1OSDPATCH33', token='given-token', account_alias='XYZ', api_url='https://api.example',
                patching_url='https://patching.example/')
    result = runner.success(server_patch_info.main, args, [
        get('https://patching.example/rest/servers/XYZ/server/VA1OSDPATCH33/patch', [], token='given-token'),
    ])
    assert result['executions'] == [] and 'given-token' not in repr(result)


def test_token_without_alias_fails_before_any_request(runner):
    result = runner.failure(server_patch_info.main, dict(server_id='S1', token='given-token'), [])
    assert 'account_alias' in result['msg'] and 'given-token' not in repr(result)


def test_credentials_from_the_environment(runner, monkeypatch):
    monkeypatch.setenv('CLC_V2_API_USERNAME', 'ctluser')
    monkeypatch.setenv('CLC_V2_API_PASSWD', PASSWORD)
    monkeypatch.setenv('CLC_ACCT_ALIAS', 'ENV')
    result = runner.success(server_patch_info.main, dict(server_id='S1'), [
        login(), get(PATCHING + '/rest/servers/ENV/server/S1/patch', []),
    ])
    assert result['executions'] == []


def test_expired_token_logs_in_once_more(runner):
    result = runner.success(server_patch_info.main, dict(ARGS, execution_id='VA1-132457'), [
        login('tok-1'), get(ONE, {'message': 'token expired'}, token='tok-1', status=401), login('tok-2'), get(ONE, SEED_003, token='tok-2'),
    ])
    assert result['exists'] and 'tok-2' not in repr(result)


def test_refused_login_never_shows_the_password(runner):
    result = runner.failure(server_patch_info.main, ARGS, [
        Call('POST', API + '/v2/authentication/login', status=400, json_body={'message': 'Invalid user name or password %s' % PASSWORD}),
    ])
    assert result['msg'].startswith('CTL login failed: POST /v2/authentication/login: HTTP 400')
    assert PASSWORD not in repr(result)


def test_rate_limit_is_honoured(runner):
    result = runner.success(server_patch_info.main, dict(ARGS, execution_id='VA1-132457'), [
        login(), get(ONE, {'message': 'slow down'}, status=429, headers={'Retry-After': '7'}), get(ONE, SEED_003),
    ])
    assert result['execution']['state'] == 'succeeded' and runner.clock.sleeps == [7.0]


def test_unknown_status_is_reported_with_a_warning(runner):
    result = runner.success(server_patch_info.main, dict(ARGS, execution_id='VA1-132457'), [
        login(), get(ONE, dict(SEED_003, status='QUARANTINED')),
    ])
    assert result['execution']['state'] == 'unknown'
    assert result['warnings'] == ["CTL execution VA1-132457 has a status this collection does not know: 'QUARANTINED'; "
                                  'reported as state "unknown".']


def test_check_mode_reads_as_usual(runner):
    result = runner.success(server_patch_info.main, ARGS, [login(), get(LIST, [SEED_003])], check_mode=True)
    assert result['executions'][0]['id'] == 'VA1-132457'
    assert [w['url'] for w in runner.session.writes()] == [API + '/v2/authentication/login'], 'only the login is a POST'
