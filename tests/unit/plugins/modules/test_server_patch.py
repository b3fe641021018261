# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import time

import pytest
import requests

from ansible_collections.dbops.patching.plugins.module_utils import _clc, _workflow
from ansible_collections.dbops.patching.plugins.modules import server_patch, server_patch_info
from ansible_collections.dbops.patching.tests.unit.utils.harness import Call

API = 'https://api.ctl.io'
PATCHING = 'https://patching.useast.appfog.ctl.io'
PASSWORD = 'ctl-pa55'
ARGS = dict(username='ctluser', password=PASSWORD)
LINUX = 'c3c6642e-24e1-4c37-b56a-1cf1476ee360'
WINDOWS = 'b229535c-a313-4a31-baf8-6aa71ff4b9ed'
BEARER = {'Authorization': 'Bearer tok'}


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
    return [{'server': s, 'isQueued': True, 'links': [{'rel': 'status', 'href': '/v2/operations/OSD/status/VA1-q-%s' % s,
                                                       'id': 'VA1-q-%s' % s}]} for s in servers]


def queue(server, status):
    return Call('GET', API + '/v2/operations/OSD/status/VA1-q-%s' % server, json_body={'status': status}, expect_headers=BEARER)


def post(servers, package_id=LINUX, parameters=None, alias='OSD', **kwargs):
    """The one executePackage request, with its exact body."""
    body = {'servers': list(servers), 'package': {'packageId': package_id,
                                                  'parameters': {'patch.debug.mode': 'false'} if parameters is None else parameters}}
    kwargs.setdefault('json_body', queued(*servers))
    kwargs.setdefault('expect_headers', BEARER)
    return Call('POST', API + '/v2/operations/%s/servers/executePackage' % alias, expect_json=body, **kwargs)


def posts(runner):
    return [w for w in runner.session.writes() if w['url'].endswith('/executePackage')]


def test_starts_linux_patching_and_follows_it(runner):
    result = runner.success(server_patch.main, dict(ARGS, server_ids=['S1'], os='linux'), [
        login(),
        executions('S1', [summary('VA1-1', 'COMPLETED')]),
        post(['S1']),
        # until the new execution shows, the executions are read, and the queue item while they show none
        executions('S1', [summary('VA1-1', 'COMPLETED')]),
        queue('S1', 'notStarted'),
        executions('S1', [summary('VA1-1', 'COMPLETED'), summary('VA1-2', 'RUNNING')]),  # its summary tells the state
        execution('S1', 'VA1-2', 'RUNNING', codes=(1,)),
        execution('S1', 'VA1-2'),
    ])
    assert runner.clock.sleeps[0] == _clc.QUEUE_DELAY, 'the first read waits for the queued item to start'
    entry = result['executions'][0]
    assert result['changed'] is True
    assert (entry['server_id'], entry['queue_id'], entry['execution_id'], entry['started']) == ('S1', 'VA1-q-S1', 'VA1-2', True)
    assert entry['job']['state'] == 'succeeded' and entry['job']['patches'][0]['result_code'] == 2
    assert PASSWORD not in repr(result) and 'tok' not in repr(result['executions'][0]['job']['raw'])


def test_windows_without_wait_returns_the_queue_item(runner):
    result = runner.success(server_patch.main, dict(ARGS, server_ids=['S1', 'S2'], os='windows', wait=False), [
        login(),
        executions('S1', []),
        executions('S2', [summary('VA1-1', 'FAILED')]),
        post(['S1', 'S2'], package_id=WINDOWS, parameters={}),
        queue('S1', 'notStarted'),
        queue('S2', 'executing'),
    ], any_order=True)
    assert result['changed'] is True
    assert [(e['server_id'], e['queue_id'], e['execution_id'], e['started']) for e in result['executions']] == [
        ('S1', 'VA1-q-S1', None, True), ('S2', 'VA1-q-S2', None, True)]
    assert [(e['job']['id'], e['job']['state'], e['job']['status']) for e in result['executions']] == [
        ('VA1-q-S1', 'pending', 'notStarted'), ('VA1-q-S2', 'running', 'executing')]


def test_parameters_merge_over_the_linux_defaults(runner):
    runner.success(server_patch.main, dict(ARGS, server_ids=['S1'], os='linux', wait=False,
                                           parameters={'patch.debug.mode': 'true', 'reboot': 'no'}), [
        login(), executions('S1', []),
        post(['S1'], parameters={'patch.debug.mode': 'true', 'reboot': 'no'}),
        queue('S1', 'notStarted'),
    ])


def test_package_id_sends_only_the_given_parameters(runner):
    runner.success(server_patch.main, dict(ARGS, server_ids=['S1'], package_id='pkg-1', parameters={'a': 'b'}, wait=False), [
        login(), executions('S1', []),
        post(['S1'], package_id='pkg-1', parameters={'a': 'b'}),
        queue('S1', 'notStarted'),
    ])
    runner.success(server_patch.main, dict(ARGS, server_ids=['S1'], package_id='pkg-1', wait=False), [
        login(), executions('S1', []),
        post(['S1'], package_id='pkg-1', parameters={}),
        queue('S1', 'notStarted'),
    ])


def test_os_and_package_id_exclude_each_other(runner):
    failed = runner.failure(server_patch.main, dict(ARGS, server_ids=['S1'], os='linux', package_id='pkg-1'), [])
    assert 'mutually exclusive' in failed['msg']
    failed = runner.failure(server_patch.main, dict(ARGS, server_ids=['S1']), [])
    assert 'one of the following is required' in failed['msg']
    failed = runner.failure(server_patch.main, dict(ARGS, server_ids=[], os='linux'), [])
    assert failed['msg'] == 'server_ids must name at least one server, and no empty id.'
    for bad in (dict(queue_window=float('nan')), dict(queue_window=-1), dict(skip_patched_within=float('inf'))):
        failed = runner.failure(server_patch.main, dict(ARGS, server_ids=['S1'], os='linux', **bad), [])
        assert failed['msg'].startswith('%s must be between 0 and ' % list(bad)[0])
    failed = runner.failure(server_patch.main, dict(ARGS, server_ids=['S1'], package_id='  '), [])
    assert failed['msg'] == 'package_id must not be empty.'


def test_the_alias_comes_from_the_login_unless_given(runner):
    login_other = Call('POST', API + '/v2/authentication/login', expect_json={'username': 'ctluser', 'password': PASSWORD},
                       json_body={'userName': 'ctluser', 'accountAlias': 'XYZ', 'bearerToken': 'tok'})
    runner.success(server_patch.main, dict(ARGS, server_ids=['S1'], os='linux', wait=False), [
        login_other,
        Call('GET', PATCHING + '/rest/servers/XYZ/server/S1/patch', json_body=[summary('VA1-7', 'RUNNING')], expect_headers=BEARER),
    ])
    runner.success(server_patch.main, dict(ARGS, account_alias='OSD', server_ids=['S1'], os='linux', wait=False), [
        login_other, executions('S1', [summary('VA1-7', 'RUNNING')]),
    ])


def test_a_running_execution_is_followed_not_started_again(runner):
    result = runner.success(server_patch.main, dict(ARGS, server_ids=['S1'], os='windows'), [
        login(),
        executions('S1', [summary('VA1-6', 'COMPLETED'), summary('VA1-7', 'RUNNING')]),
        execution('S1', 'VA1-7', 'RUNNING', codes=(2, 1)),
        execution('S1', 'VA1-7'),
    ])
    entry = result['executions'][0]
    assert result['changed'] is False
    assert (entry['execution_id'], entry['queue_id'], entry['started'], entry['job']['state']) == ('VA1-7', None, False, 'succeeded')
    assert posts(runner) == []


def test_only_the_servers_without_a_running_execution_are_sent(runner):
    result = runner.success(server_patch.main, dict(ARGS, server_ids=['S1', 'S2', 'S1'], os='linux', poll_interval=5), [
        login(),
        executions('S1', [summary('VA1-7', 'RUNNING')]),
        executions('S2', []),
        post(['S2']),
        execution('S1', 'VA1-7'),
        executions('S2', [summary('VA1-8', 'RUNNING')]),
        execution('S2', 'VA1-8'),
    ], any_order=True)
    assert result['changed'] is True
    assert [(e['server_id'], e['queue_id'], e['execution_id'], e['started']) for e in result['executions']] == [
        ('S1', None, 'VA1-7', False), ('S2', 'VA1-q-S2', 'VA1-8', True)]
    assert len(posts(runner)) == 1


def test_check_mode_sends_nothing_and_says_which_would_start(runner):
    result = runner.success(server_patch.main, dict(ARGS, server_ids=['S1', 'S2'], package_id='pkg', parameters={'a': 'b'}), [
        login(), executions('S1', []), executions('S2', [summary('VA1-7', 'RUNNING')]),
    ], check_mode=True)
    assert result['changed'] is True
    assert [(e['server_id'], e['started'], e['execution_id'], e['queue_id']) for e in result['executions']] == [
        ('S1', True, None, None), ('S2', False, 'VA1-7', None)]
    assert result['executions'][0]['job'] is None and result['executions'][1]['job']['state'] == 'running'
    assert posts(runner) == []


def test_check_mode_with_everything_running_is_not_changed(runner):
    result = runner.success(server_patch.main, dict(ARGS, server_ids=['S1'], os='linux'), [
        login(), executions('S1', [summary('VA1-7', 'RUNNING')]),
    ], check_mode=True)
    assert result['changed'] is False and runner.session.writes() == [runner.session.seen[0]]


def test_token_needs_an_alias_and_skips_the_login(runner):
    token = 'given-t0ken'
    failed = runner.failure(server_patch.main, dict(token=token, server_ids=['S1'], os='linux'), [])
    assert failed['msg'] == 'CTL needs account_alias when a token is given without a login (option or CLC_ACCT_ALIAS).'
    bearer = {'Authorization': 'Bearer ' + token}
    result = runner.success(server_patch.main, dict(token=token, account_alias='OSD', server_ids=['S1'], os='linux', wait=False), [
        Call('GET', PATCHING + '/rest/servers/OSD/server/S1/patch', json_body=[], expect_headers=bearer),
        post(['S1'], expect_headers=bearer),
        Call('GET', API + '/v2/operations/OSD/status/VA1-q-S1', json_body={'status': 'notStarted'}, expect_headers=bearer),
    ])
    assert result['changed'] is True
    assert token not in repr(result)


def test_relogin_once_on_401(runner):
    result = runner.success(server_patch.main, dict(ARGS, server_ids=['S1'], os='linux', wait=False), [
        login(), Call('GET', PATCHING + '/rest/servers/OSD/server/S1/patch', status=401, json_body={'message': 'expired'}),
        login('tok2'), Call('GET', PATCHING + '/rest/servers/OSD/server/S1/patch', json_body=[summary('VA1-7', 'RUNNING')],
                            expect_headers={'Authorization': 'Bearer tok2'}),
    ])
    assert result['changed'] is False
    failed = runner.failure(server_patch.main, dict(ARGS, server_ids=['S1'], os='linux'), [
        login(), Call('GET', PATCHING + '/rest/servers/OSD/server/S1/patch', status=401, json_body={'message': 'expired'}),
        login(), Call('GET', PATCHING + '/rest/servers/OSD/server/S1/patch', status=401, json_body={'message': 'denied'}),
    ])
    assert failed['msg'] == 'GET /rest/servers/OSD/server/S1/patch: HTTP 401: denied'
    assert failed['error']['status'] == 401


def test_lost_answer_is_recovered_and_never_resent(runner):
    result = runner.success(server_patch.main, dict(ARGS, server_ids=['S1'], os='linux', wait=False), [
        login(), executions('S1', [summary('VA1-1', 'COMPLETED')]),
        post(['S1'], raises=requests.exceptions.ConnectionError('Connection aborted: RemoteDisconnected')),
        executions('S1', [summary('VA1-1', 'COMPLETED'), summary('VA1-9', 'RUNNING')]),
    ])
    entry = result['executions'][0]
    assert result['changed'] is True
    assert (entry['queue_id'], entry['execution_id'], entry['started'], entry['job']['state']) == (None, 'VA1-9', True, 'running')
    assert len(posts(runner)) == 1


def test_lost_answer_follows_the_servers_that_started_and_sends_again_to_the_others_after_the_queue_window(runner, monkeypatch):
    # the timed-out POST may still be processed for 1 s (request_timeout, the gateway's timeout made 0), then
    # one more look of queue_window seconds begins: 2 looks of 3 reads each
    monkeypatch.setattr(_workflow, 'GATEWAY_TIMEOUT', 0.0)
    s2_before = [summary('VA1-1', 'COMPLETED')]
    result = runner.success(server_patch.main, dict(ARGS, server_ids=['S1', 'S2'], os='linux', queue_window=4, request_timeout=1), [
        login(), executions('S1', []), executions('S2', s2_before),
        post(['S1', 'S2'], raises=requests.exceptions.ReadTimeout('slow')),
        executions('S1', [summary('VA1-9', 'RUNNING')]),
    ] + [executions('S2', s2_before)] * 6 + [
        post(['S2']),
        execution('S1', 'VA1-9'),
        executions('S2', s2_before + [summary('VA1-10', 'RUNNING')]), execution('S2', 'VA1-10'),
    ], any_order=True)
    assert [(e['execution_id'], e['queue_id'], e['started'], e['job']['state']) for e in result['executions']] == [
        ('VA1-9', None, True, 'succeeded'), ('VA1-10', 'VA1-q-S2', True, 'succeeded')]
    assert result['changed'] is True
    assert [json.loads(w['data'])['servers'] for w in posts(runner)] == [['S1', 'S2'], ['S2']], 'S1 was never sent twice'
    assert runner.clock.sleeps[:2] == [2.0, 2.0], 'the queue window is watched, not slept through blind'
    assert any('S2 show no new execution 4.0s after a lost executePackage answer' in w for w in result['warnings'])


def test_lost_answer_without_trace_is_sent_again_after_the_queue_window(runner, monkeypatch):
    monkeypatch.setattr(_workflow, 'GATEWAY_TIMEOUT', 0.0)  # the POST may still be processed for request_timeout=1 s
    result = runner.success(server_patch.main, dict(ARGS, server_ids=['S1'], os='linux', queue_window=2, wait=False, request_timeout=1), [
        login(), executions('S1', []),
        post(['S1'], raises=requests.exceptions.ReadTimeout('slow')),
        executions('S1', []), executions('S1', []),  # a look of queue_window seconds
        executions('S1', []), executions('S1', []),  # one more, begun once the POST can no longer be processed
        post(['S1']),
        queue('S1', 'notStarted'),
    ])
    assert result['changed'] is True and result['executions'][0]['queue_id'] == 'VA1-q-S1'
    assert len(posts(runner)) == 2


@pytest.mark.parametrize('answer', [
    dict(status=502, text='<html>Bad Gateway</html>'),
    dict(status=504, text='<html>Gateway Timeout</html>'),
    dict(status=503, json_body={'message': 'throttled'}, headers={'Retry-After': '5'}),
    dict(status=429, json_body={'message': 'slow down'}, headers={'Retry-After': '5'}),
    dict(status=200, text='<html>OK</html>'),
    dict(status=200, json_body={'server': 'S1', 'isQueued': True}),
    dict(raises=requests.exceptions.ChunkedEncodingError('Connection broken: IncompleteRead(3 bytes read)')),
    dict(raises=requests.exceptions.ContentDecodingError('bad gzip')),
    dict(raises=requests.exceptions.ConnectionError('Connection aborted: RemoteDisconnected')),
], ids=['502', '504', '503', '429', 'html-200', 'object-not-list', 'cut-body', 'bad-gzip', 'reset'])
def test_an_execute_package_the_cloud_took_despite_a_lost_answer_is_followed_never_resent(runner, answer):
    result = runner.success(server_patch.main, dict(ARGS, server_ids=['S1'], os='linux'), [
        login(), executions('S1', []),
        post(['S1'], **answer),
        executions('S1', [summary('VA1-9', 'RUNNING')]),
        execution('S1', 'VA1-9'),
    ])
    assert result['changed'] is True and result['executions'][0]['execution_id'] == 'VA1-9'
    assert len(posts(runner)) == 1
    assert 'Traceback' not in repr(result)


def test_an_unknown_server_is_refused_before_any_write(runner):
    result = runner.failure(server_patch.main, dict(ARGS, server_ids=['NOPE'], os='linux'), [
        login(), Call('GET', PATCHING + '/rest/servers/OSD/server/NOPE/patch', status=404, json_body={'message': 'Server NOPE was not found.'}),
    ])
    assert result['msg'].startswith('Server NOPE does not exist: ') and posts(runner) == []
    assert result['changed'] is False


def test_a_recently_patched_server_is_skipped_when_asked(runner):
    recent = dict(summary('VA1-5', 'COMPLETED'), end_time=time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()))
    result = runner.success(server_patch.main, dict(ARGS, server_ids=['S1'], os='linux', skip_patched_within=12), [
        login(), executions('S1', [recent]),
    ])
    assert result['changed'] is False and posts(runner) == []
    assert result['executions'][0]['skipped'] is True and result['executions'][0]['execution_id'] == 'VA1-5'


def test_a_server_ctl_did_not_queue_fails(runner):
    answer = queued('S1') + [{'server': 'S2', 'isQueued': False, 'errorMessage': 'Server is not active', 'links': []}]
    result = runner.failure(server_patch.main, dict(ARGS, server_ids=['S1', 'S2'], os='linux', wait=False), [
        login(), executions('S1', []), executions('S2', []),
        post(['S1', 'S2'], json_body=answer),
        queue('S1', 'notStarted'),
    ])
    assert result['msg'] == 'CTL did not queue patching for S2 (no status link in the executePackage answer).'
    assert [e['started'] for e in result['executions']] == [True, False]


def test_a_failed_run_fails_the_module_with_the_executions(runner):
    result = runner.failure(server_patch.main, dict(ARGS, server_ids=['S1'], os='linux', poll_interval=5), [
        login(), executions('S1', []),
        post(['S1']),
        executions('S1', [summary('VA1-3', 'FAILED')]),  # ended when it first shows: its patches are read
        execution('S1', 'VA1-3', 'FAILED', codes=(2, 4)),
    ])
    assert result['msg'] == 'Patching ended failed on S1 (failed: FAILED).'
    assert result['changed'] is True
    job = result['executions'][0]['job']
    assert (job['id'], job['state'], job['patches'][1]['state'], job['patches'][1]['result_code']) == ('VA1-3', 'failed', 'failed', 4)


def test_a_queue_item_that_succeeded_before_its_execution_shows_is_followed(runner):
    result = runner.success(server_patch.main, dict(ARGS, server_ids=['S1'], os='linux', poll_interval=5), [
        login(), executions('S1', []),
        post(['S1']),
        executions('S1', []),
        queue('S1', 'succeeded'),
        executions('S1', [summary('VA1-4', 'COMPLETED')]),
        execution('S1', 'VA1-4'),
    ])
    assert result['executions'][0]['execution_id'] == 'VA1-4' and result['executions'][0]['job']['state'] == 'succeeded'


def test_timeout_names_the_servers_and_queue_items_and_returns_the_last_state(runner):
    calls = [login(), executions('S1', []), post(['S1'])]
    calls += [executions('S1', []), queue('S1', 'notStarted')] * 3
    result = runner.failure(server_patch.main, dict(ARGS, server_ids=['S1'], os='linux', wait_timeout=10, poll_interval=5), calls)
    assert result['msg'].startswith('Timed out after 10 seconds (wait_timeout=10) waiting for server S1 (pending: notStarted).')
    assert result['msg'].endswith('Not running yet: S1 (queue item VA1-q-S1).')
    assert result['elapsed'] == 10
    assert result['changed'] is True
    entry = result['executions'][0]
    assert (entry['queue_id'], entry['job']['state'], entry['job']['status']) == ('VA1-q-S1', 'pending', 'notStarted')


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
        executions('S1', []),
    ])
    assert result['exists'] is False and result['execution'] is None
    failed = runner.failure(server_patch_info.main, dict(ARGS, server_id='S1', wait=True), [])
    assert failed['msg'].startswith('wait=true needs execution_id')


def test_info_relogins_once_on_401(runner):
    result = runner.success(server_patch_info.main, dict(ARGS, server_id='S1'), [
        login(), Call('GET', PATCHING + '/rest/servers/OSD/server/S1/patch', status=401, json_body={'message': 'expired'}),
        login(), executions('S1', []),
    ])
    assert result['executions'] == []
