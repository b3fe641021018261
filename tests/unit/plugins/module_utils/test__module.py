# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import pytest

from ansible_collections.dbops.patching.plugins.module_utils import _http, _module, _wait
from ansible_collections.dbops.patching.plugins.module_utils._jobs import make_job
from ansible_collections.dbops.patching.tests.unit.utils.harness import FakeClock


class Exit(Exception):
    def __init__(self, failed, result):
        super(Exit, self).__init__(result.get('msg'))
        self.failed = failed
        self.result = result


class FakeModule(object):
    """Just what module_utils uses of AnsibleModule."""

    def __init__(self, **params):
        self.params = dict(wait_timeout=3600, poll_interval=None, request_timeout=30)
        self.params.update(params)
        self.warnings = []

    def fail_json(self, msg, **kwargs):
        kwargs['msg'] = msg
        raise Exit(True, kwargs)

    def exit_json(self, **kwargs):
        raise Exit(False, kwargs)

    def warn(self, warning):
        self.warnings.append(warning)


@pytest.fixture
def clock(monkeypatch):
    """Pollers built with their defaults run on this fake clock: no real sleep."""
    fake = FakeClock(0)
    monkeypatch.setattr(_wait.time, 'monotonic', fake.monotonic)
    monkeypatch.setattr(_wait.time, 'sleep', fake.sleep)
    monkeypatch.setattr(_wait.random, 'uniform', lambda low, high: 1.0)
    return fake


def failure(function, *args):
    with pytest.raises(Exit) as info:
        function(*args)
    assert info.value.failed
    return info.value.result['msg']


def test_argument_specs():
    assert _module.connection_argument_spec() == dict(validate_certs=dict(type='bool', default=True), ca_path=dict(type='path'),
                                                      request_timeout=dict(type='float', default=30))
    assert _module.wait_argument_spec(False)['wait'] == dict(type='bool', default=False)
    assert _module.wait_argument_spec(True)['wait_timeout'] == dict(type='int', default=3600)
    assert _module.job_ids_argument_spec()['job_ids'] == dict(type='list', elements='str')


@pytest.mark.parametrize('params, message', [
    (dict(request_timeout=0), 'request_timeout must be greater than 0, got 0.'),
    (dict(poll_interval=-1.5), 'poll_interval must be greater than 0, got -1.5.'),
    (dict(wait_timeout=-1), 'wait_timeout must be 0 or more seconds, got -1.'),
    (dict(job_ids=[]), 'job_ids must name at least one id.'),
    (dict(server_ids=['a', ' ']), 'server_ids must not contain empty ids.'),
    (dict(job_id='  '), 'job_id must not be empty.'),
    (dict(patch_id=''), 'patch_id must not be empty.'),
    (dict(execution_id=' '), 'execution_id must not be empty.'),
])
def test_check_common_names_the_bad_option(params, message):
    assert failure(_module.check_common, FakeModule(**params)) == message


def test_check_common_accepts_good_input():
    module = FakeModule(wait_timeout=0, job_ids=['1', '2'], server_ids=['S1'], job_id='1', poll_interval=0.5)
    assert _module.check_common(module) is None


def test_check_common_reports_a_missing_requests(monkeypatch):
    monkeypatch.setattr(_http, 'HAS_REQUESTS', False)
    monkeypatch.setattr(_http, 'REQUESTS_IMPORT_ERROR', ImportError('No module named requests'))
    with pytest.raises(Exit) as info:
        _module.check_common(FakeModule())
    assert 'requests' in info.value.result['msg'] and info.value.result['exception'] == 'No module named requests'


@pytest.mark.parametrize('params, expected', [
    (dict(job_ids=[' 1', 2]), (['1', '2'], True)),
    (dict(job_id=' 7 '), (['7'], False)),
    (dict(job_id=5, job_ids=None), (['5'], False)),
    (dict(), ([], False)),
])
def test_requested_job_ids(params, expected):
    assert _module.requested_job_ids(FakeModule(**params)) == expected


def test_make_poller_takes_the_wait_options():
    poller = _module.make_poller(FakeModule(wait_timeout=60, poll_interval=5.0), lambda key: (None, None), max_workers=2)
    assert (poller.timeout, poller.interval, poller.max_workers) == (60, 5.0, 2)


def test_tolerant_fetch_is_pending_during_the_grace_then_fails():
    clock = FakeClock(0)
    fetch = _module.tolerant_fetch(lambda key: (None, 4.0), clock.monotonic, grace=30)
    job, retry_after = fetch('j1')
    assert (job['id'], job['state'], job['message'], retry_after) == ('j1', 'pending', 'not visible yet', 4.0)
    clock.now = 30
    with pytest.raises(_module.ModuleFailure) as info:
        fetch('j1')
    assert 'j1 does not exist (still not found 30 seconds after the wait started).' in str(info.value)
    found = _module.tolerant_fetch(lambda key: (make_job(key, 'DONE', 'succeeded'), None), clock.monotonic)
    assert found('j2')[0]['state'] == 'succeeded'


def test_follow_job_returns_the_end_state(clock):
    states = iter(['RUNNING', 'RUNNING', 'DONE'])

    def read(key):
        status = next(states)
        return make_job(key, status, 'succeeded' if status == 'DONE' else 'running'), None

    result = {'changed': True}
    job = _module.follow_job(FakeModule(poll_interval=10.0), read, 'j1', result, key='job', first_delay=60)
    assert job['state'] == 'succeeded' and result['job'] is job
    assert clock.sleeps == [10.0, 10.0, 10.0], 'an explicit poll_interval caps the first delay'


def test_follow_job_timeout_fails_with_the_last_state(clock):
    result = {'changed': True}
    with pytest.raises(_module.ModuleFailure) as info:
        _module.follow_job(FakeModule(wait_timeout=20, poll_interval=10.0), lambda key: (make_job(key, 'IN_PROGRESS', 'running'), None),
                           '42', result, key='patch_job', what='patch job', resume='run job_info')
    message = str(info.value)
    assert message.startswith('Timed out after 20 seconds (wait_timeout=20) waiting for patch job 42 (running: IN_PROGRESS).')
    assert message.endswith('run job_info.')
    assert info.value.result['patch_job']['status'] == 'IN_PROGRESS'
    assert (info.value.result['changed'], info.value.result['elapsed']) == (True, 20)


def test_follow_job_fails_for_a_job_that_never_appears(clock):
    with pytest.raises(_module.ModuleFailure) as info:
        _module.follow_job(FakeModule(poll_interval=10.0), lambda key: (None, None), 'j9', {})
    assert 'j9 does not exist (still not found 30 seconds after the wait started).' in str(info.value)


def test_send_once():
    assert _module.send_once(lambda: ('job-1', None), lambda: 'never', 'The patch', {}) == ('job-1', None)
    sent = []

    def lost():
        sent.append(1)
        raise _http.WriteOutcomeUnknown('PUT /p: the connection failed after the request was sent')

    assert _module.send_once(lost, lambda: ('job-2', None), 'The patch', {}) == ('job-2', None)
    with pytest.raises(_module.ModuleFailure) as info:
        _module.send_once(lost, lambda: None, 'The patch', {'changed': False})
    assert str(info.value) == ('PUT /p: the connection failed after the request was sent. The patch does not show as started, '
                               'and the request was not sent again: check the service, then run the task again.')
    assert info.value.result == {'changed': False}
    assert len(sent) == 2, 'each write sent exactly once'


def jobs_by_key(states):
    return lambda key: ((make_job(key, states[key].upper(), states[key]) if states.get(key) else None), None)


def test_report_jobs_without_wait_reads_each_once():
    module = FakeModule()
    fetch = jobs_by_key({'1': 'running', '2': 'succeeded'})
    result = _module.report_jobs(module, ['1', '2', '3'], True, fetch, wait=False, result={'changed': False})
    assert result['exists'] is False and result['missing'] == ['3']
    assert [job and job['id'] for job in result['jobs']] == ['1', '2', None]
    assert result['summary'] == dict(pending=0, running=1, succeeded=1, failed=0, canceled=0, unknown=0, total=2)
    single = _module.report_jobs(module, ['2'], False, fetch, wait=False, key='execution')
    assert single['exists'] is True and single['execution']['state'] == 'succeeded' and 'jobs' not in single


def test_report_jobs_with_wait(clock):
    ends = {'1': 5, '2': 12}

    def fetch(key):
        done = clock.now >= ends[key]
        return make_job(key, 'X', 'succeeded' if done else 'running'), None

    result = _module.report_jobs(FakeModule(poll_interval=5.0), ['1', '2'], True, fetch, wait=True)
    assert result['exists'] and result['summary']['succeeded'] == 2 and result['missing'] == []


def test_report_jobs_timeout_returns_every_job(clock):
    fetch = jobs_by_key({'1': 'running', '2': 'failed'})
    with pytest.raises(_module.ModuleFailure) as info:
        _module.report_jobs(FakeModule(wait_timeout=10, poll_interval=5.0), ['1', '2'], True, fetch, wait=True, what='RDS job')
    assert str(info.value).startswith('Timed out after 10 seconds (wait_timeout=10) waiting for RDS job 1 (running: RUNNING).')
    assert [job['state'] for job in info.value.result['jobs']] == ['running', 'failed']
    assert info.value.result['elapsed'] == 10


def test_shape_jobs_of_no_ids():
    assert _module.shape_jobs([], False, {}, {}) == {'exists': True, 'job': None}


def test_run_module_exits_with_the_result_and_deduplicated_warnings():
    module = FakeModule()

    def work(module, warnings):
        warnings.extend(['odd status', 'odd status'])
        return dict(changed=True, job={'id': '1'})

    with pytest.raises(Exit) as info:
        _module.run_module(module, work)
    assert not info.value.failed and info.value.result == dict(changed=True, job={'id': '1'})
    assert module.warnings == ['odd status']


def test_run_module_turns_a_module_failure_into_fail_json_with_the_partial_result():
    module = FakeModule()

    def work(module, warnings):
        warnings.append('unknown status')
        raise _module.ModuleFailure('The patch job failed.', job={'state': 'failed'})

    with pytest.raises(Exit) as info:
        _module.run_module(module, work)
    assert info.value.failed
    assert info.value.result == dict(msg='The patch job failed.', changed=False, job={'state': 'failed'})
    assert module.warnings == ['unknown status']


def test_run_module_keeps_changed_true_when_a_failure_follows_a_write():
    def work(module, warnings):
        raise _module.ModuleFailure('The patch job failed.', changed=True)

    with pytest.raises(Exit) as info:
        _module.run_module(FakeModule(), work)
    assert info.value.failed and info.value.result['changed'] is True


def test_run_module_turns_api_errors_into_fail_json_with_structured_details():
    module = FakeModule()

    def work(module, warnings):
        warnings.append('w')
        raise _http.ConflictError('PUT /p: HTTP 409: busy', method='PUT', path='/p', status=409, api_message='busy')

    with pytest.raises(Exit) as info:
        _module.run_module(module, work)
    assert info.value.failed and info.value.result['msg'] == 'PUT /p: HTTP 409: busy'
    assert info.value.result['changed'] is False
    assert info.value.result['error'] == dict(kind='conflict', method='PUT', path='/p', status=409, api_code=None, api_message='busy',
                                              attempts=1)
    assert module.warnings == ['w']


def test_run_module_checks_input_before_any_work():
    called = []
    msg = failure(_module.run_module, FakeModule(request_timeout=-1), lambda module, warnings: called.append(1))
    assert msg == 'request_timeout must be greater than 0, got -1.' and called == []


def test_report_jobs_timeout_before_the_api_shows_a_job_reports_it_missing(clock):
    fetch = jobs_by_key({'1': 'running'})
    with pytest.raises(_module.ModuleFailure) as info:
        _module.report_jobs(FakeModule(wait_timeout=10, poll_interval=5.0), ['1', '2'], True, fetch, wait=True, what='RDS job')
    assert str(info.value).endswith(' Not shown by the API yet: 2.')
    result = info.value.result
    assert result['exists'] is False and result['missing'] == ['2'] and result['jobs'][1] is None
    assert result['summary']['running'] == 1 and result['summary']['total'] == 1
