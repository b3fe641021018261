# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import pytest

from ansible_collections.dbops.patching.plugins.module_utils import _http, _runner, _wait
from ansible_collections.dbops.patching.plugins.module_utils._errors import (
    ConflictError,
    HttpStatusError,
    ModuleFailure,
    NotFoundError,
)
from ansible_collections.dbops.patching.plugins.module_utils._jobs import make_job
from ansible_collections.dbops.patching.tests.unit.utils.harness import FakeClock


class Exit(Exception):
    def __init__(self, failed, result):
        super(Exit, self).__init__(result.get('msg'))
        self.failed = failed
        self.result = result


class FakeModule(object):
    """Just what the runner uses of AnsibleModule."""

    def __init__(self, check_mode=False, argument_spec=None, **params):
        self.params = dict(wait=False, wait_timeout=3600, poll_interval=None, request_timeout=30)
        self.params.update(params)
        self.argument_spec = argument_spec or {}
        self.check_mode = check_mode
        self._diff = False
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


def run(module, work):
    with pytest.raises(Exit) as info:
        _runner.run_module(module, work)
    return info.value


def job(job_id, state='succeeded'):
    return make_job(job_id, state.upper(), state)


def test_argument_specs():
    spec = _http.connection_argument_spec('ACME')
    assert spec['validate_certs'] == dict(type='bool', default=True, fallback=(_http.env_fallback, ['ACME_VALIDATE_CERTS']))
    assert spec['ca_path'] == dict(type='path', fallback=(_http.env_fallback, ['ACME_CA_PATH']))
    assert spec['request_timeout'] == dict(type='float', default=30)
    assert _runner.wait_argument_spec(False)['wait'] == dict(type='bool', default=False)
    assert _runner.wait_argument_spec(True)['wait_timeout'] == dict(type='int', default=3600)
    assert _runner.job_ids_argument_spec()['job_ids'] == dict(type='list', elements='str')


@pytest.mark.parametrize('params, message', [
    (dict(request_timeout=0), 'request_timeout must be between 1 and 3600 seconds, got 0.'),
    (dict(request_timeout=float('nan')), 'request_timeout must be a finite number of seconds, got nan.'),
    (dict(poll_interval=float('inf')), 'poll_interval must be a finite number of seconds, got inf.'),
    (dict(poll_interval=0.5), 'poll_interval must be between 1 and 3600 seconds, got 0.5.'),
    (dict(wait_timeout=-1), 'wait_timeout must be between 0 and 604800 seconds, got -1.'),
    (dict(job_ids=[]), 'job_ids must name at least one id.'),
    (dict(job_ids=['1', ' ']), 'job_ids must not contain empty ids.'),
    (dict(job_id=''), 'job_id must not be empty.'),
])
def test_bad_input_names_the_option_and_nothing_runs(params, message):
    worked = []
    exit_ = run(FakeModule(**params), worked.append)
    assert exit_.failed and exit_.result['msg'] == message and worked == []


def test_a_missing_requests_is_reported(monkeypatch):
    monkeypatch.setattr(_http, 'HAS_REQUESTS', False)
    monkeypatch.setattr(_http, 'REQUESTS_IMPORT_ERROR', ImportError('No module named requests'))
    exit_ = run(FakeModule(), lambda r: None)
    assert 'requests' in exit_.result['msg'] and exit_.result['exception'] == 'No module named requests'


@pytest.mark.parametrize('params, expected', [
    (dict(job_id=' 5 '), (['5'], False)),
    (dict(job_ids=['2', '1', '2']), (['2', '1'], True)),
    (dict(), ([], False)),
])
def test_requested_job_ids(params, expected):
    assert _runner.requested_job_ids(params) == expected


def test_the_run_poller_takes_the_wait_options():
    poller = _runner.Run(FakeModule(wait_timeout=60, poll_interval=5.0)).poller(_wait.FunctionSource(lambda key, deadline=None: None), 'job', grace=3)
    assert (poller.timeout, poller.options.interval, poller.options.grace, poller.options.what) == (60, 5.0, 3, 'job')


def test_run_module_exits_with_the_result_and_deduplicated_warnings():
    module = FakeModule()

    def work(r):
        r.warn('odd status')
        r.warn('odd status')
        r.result.update(changed=True, job={'id': '1'})

    exit_ = run(module, work)
    assert not exit_.failed and exit_.result == dict(changed=True, job={'id': '1'})
    assert module.warnings == ['odd status']


def test_a_failure_after_an_accepted_write_still_returns_what_was_sent():
    def work(r):
        r.result.update(changed=True, job_id='5000', job=None)
        raise HttpStatusError('GET /job/5000: HTTP 403: forbidden', method='GET', path='/job/5000', status=403)

    exit_ = run(FakeModule(), work)
    assert exit_.failed and exit_.result['changed'] is True and exit_.result['job_id'] == '5000'
    assert exit_.result['error']['status'] == 403 and exit_.result['msg'] == 'GET /job/5000: HTTP 403: forbidden'


def test_a_module_failure_adds_its_own_keys_to_the_run_result():
    def work(r):
        r.result.update(msg='a note of the work', job={'state': 'failed'})
        raise ModuleFailure('The patch job failed.', elapsed=3.0)

    exit_ = run(FakeModule(), work)
    assert exit_.result == dict(msg='The patch job failed.', changed=False, job={'state': 'failed'}, elapsed=3.0)


def test_api_errors_come_with_structured_details():
    def work(r):
        raise ConflictError('PUT /p: HTTP 409: busy', method='PUT', path='/p', status=409, api_message='busy')

    exit_ = run(FakeModule(), work)
    assert exit_.result['error'] == dict(kind='conflict', method='PUT', path='/p', status=409, api_code=None, api_message='busy',
                                         attempts=1)


def test_report_jobs_without_wait_reads_each_once_and_a_missing_job_is_data():
    answers = {'1': job('1'), '2': job('2', 'running')}

    def fetch(job_id, deadline=None):
        if job_id not in answers:
            raise NotFoundError('no job %s' % job_id)
        return answers[job_id], None

    r = _runner.Run(FakeModule(job_ids=['1', '2', '3']))
    _runner.report_jobs(r, _wait.FunctionSource(fetch), 'job')
    assert r.result['exists'] is False and r.result['missing'] == ['3']
    assert [j and j['id'] for j in r.result['jobs']] == ['1', '2', None]
    assert r.result['summary'] == dict(pending=0, running=1, succeeded=1, failed=0, canceled=0, unknown=0, total=2)
    single = _runner.Run(FakeModule())
    _runner.report_jobs(single, _wait.FunctionSource(fetch), 'execution', key='execution', ids=['1'])
    assert single.result['exists'] is True and single.result['execution']['state'] == 'succeeded' and 'jobs' not in single.result


def test_report_jobs_without_wait_raises_a_failed_read():
    def fetch(job_id, deadline=None):
        raise HttpStatusError('GET /j: HTTP 503', status=503)

    with pytest.raises(HttpStatusError):
        _runner.report_jobs(_runner.Run(FakeModule(job_id='1')), _wait.FunctionSource(fetch), 'job')


def test_report_jobs_timeout_returns_every_job(clock):
    states = {'1': 'running', '2': 'failed'}
    r = _runner.Run(FakeModule(job_ids=['1', '2'], wait=True, wait_timeout=10, poll_interval=5))
    with pytest.raises(_wait.WaitTimeout) as info:
        _runner.report_jobs(r, _wait.FunctionSource(lambda job_id, deadline=None: (job(job_id, states[job_id]), None)), 'RDS job')
    assert str(info.value).startswith('Timed out after 10 seconds (wait_timeout=10) waiting for RDS job 1 (running: RUNNING).')
    assert [j['state'] for j in r.result['jobs']] == ['running', 'failed']
    assert info.value.result['elapsed'] == 10


def test_report_jobs_timeout_before_the_api_shows_a_job_reports_it_missing(clock):
    def fetch(job_id, deadline=None):
        if job_id == 'fresh':
            raise NotFoundError('GET /jobs: HTTP 400: DBS.200543: The job does not exist.')
        return job(job_id, 'running'), None

    r = _runner.Run(FakeModule(job_ids=['j1', 'fresh'], wait=True, wait_timeout=10, poll_interval=5))
    with pytest.raises(_wait.WaitTimeout) as info:
        _runner.report_jobs(r, _wait.FunctionSource(fetch), 'RDS job')
    assert 'Not shown by the API yet (unknown so far): fresh (GET /jobs: HTTP 400: DBS.200543' in str(info.value)
    assert r.result['exists'] is False and r.result['missing'] == ['fresh'] and r.result['jobs'][1] is None


def test_a_module_with_wait_options_says_whether_its_wait_timed_out(clock):
    def wait(r):
        _runner.report_jobs(r, _wait.FunctionSource(lambda job_id, deadline=None: (job(job_id, 'running'), None)), 'job')

    spec = _runner.wait_argument_spec(False)
    assert run(FakeModule(argument_spec=spec, job_id='1'), wait).result['timed_out'] is False
    timed_out = run(FakeModule(argument_spec=spec, job_id='1', wait=True, wait_timeout=10, poll_interval=5), wait)
    assert timed_out.failed and timed_out.result['timed_out'] is True and timed_out.result['job']['state'] == 'running'
    assert 'timed_out' not in run(FakeModule(), lambda r: None).result, 'a module without wait options has no wait to time out'


def test_a_look_without_a_wait_puts_no_deadline_on_its_reads():
    seen = []

    def fetch(job_id, deadline=None):
        seen.append(deadline)
        return job(job_id), None

    _runner.report_jobs(_runner.Run(FakeModule(job_ids=['1', '2'])), _wait.FunctionSource(fetch), 'job')
    assert seen == [None, None], 'each read keeps the client\'s own request timeout and retries'
