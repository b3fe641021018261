# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The write state machine on a scripted action: what is sent, what is recovered,
and what the result says on every exit."""

import pytest

from ansible_collections.dbops.patching.plugins.module_utils import _runner, _workflow
from ansible_collections.dbops.patching.plugins.module_utils._errors import (
    ConflictError,
    HttpStatusError,
    ModuleFailure,
    NotFoundError,
    TransportError,
    WriteOutcomeUnknown,
)
from ansible_collections.dbops.patching.tests.unit.plugins.module_utils.test__runner import FakeModule


class Scripted(_workflow.WriteAction):
    """An action whose decision, send answers and recoveries are given in order."""

    subject = 'the scripted write'

    def __init__(self, run, decision=(_workflow.SEND, None), answers=(), recoveries=()):
        super(Scripted, self).__init__(run)
        self.decision = decision
        self.answers = list(answers)
        self.recoveries = list(recoveries)
        self.sent = 0
        self.followed = []

    def decide(self):
        return self.decision

    def diff(self):
        return {'before': 1, 'after': 2}

    def send(self):
        self.sent += 1
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer, None

    def recover(self):
        return self.recoveries.pop(0)

    def follow(self, ref, first_delay=None):
        self.run.result['job_id'] = ref
        self.followed.append(ref)


class Clock(object):
    """time.monotonic and time.sleep that only move when the workflow sleeps."""

    def __init__(self):
        self.now = 1000.0
        self.slept = []

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(_workflow.time, 'sleep', fake.sleep)
    monkeypatch.setattr(_workflow.time, 'monotonic', fake.monotonic)
    monkeypatch.setattr(_workflow.random, 'uniform', lambda low, high: high)
    return fake


@pytest.fixture
def sleeps(clock):
    return clock.slept


def run(**params):
    module = FakeModule(**params)
    if not hasattr(module, 'argument_spec'):
        module.argument_spec = {}  # no wait options: no timed_out in the result
    return _runner.Run(module)


def lost(status=None, retry_after=None):
    return WriteOutcomeUnknown('PUT /p: answer lost', method='PUT', path='/p', status=status, retry_after=retry_after)


def timed_out():
    return WriteOutcomeUnknown('PUT /p: no answer within 1.0s after the request was sent (ReadTimeout)', method='PUT', path='/p')


# the looks at the state while a write that got no answer may still be processed: one at once, then one every
# SETTLE_POLL seconds, the last one when the window has passed
SETTLE_LOOKS = int(_workflow.GATEWAY_TIMEOUT // _workflow.SETTLE_POLL) + 1


def test_an_accepted_write_is_followed_and_changed(sleeps):
    action = Scripted(run(), answers=['j1'])
    _workflow.run_write(action)
    assert action.sent == 1 and action.followed == ['j1'] and action.run.result['changed'] is True


def test_running_work_is_followed_and_finished_work_left_alone(sleeps):
    following = Scripted(run(), decision=(_workflow.FOLLOW, 'j0'))
    _workflow.run_write(following)
    assert (following.sent, following.followed, following.run.result['changed']) == (0, ['j0'], False)
    done = Scripted(run(), decision=(_workflow.DONE, None))
    _workflow.run_write(done)
    assert (done.sent, done.followed, done.run.result['changed']) == (0, [], False)


def test_check_mode_predicts_the_change_with_its_diff_and_sends_nothing(sleeps):
    r = run(wait=True)
    r.check_mode = r.diff_mode = True
    action = Scripted(r, answers=['never'])
    _workflow.run_write(action)
    assert action.sent == 0 and r.result == dict(changed=True, diff={'before': 1, 'after': 2}) and r.wait is False


def test_a_lost_answer_the_state_explains_is_never_sent_again(sleeps):
    action = Scripted(run(), answers=[lost()], recoveries=['j7'])
    _workflow.run_write(action)
    assert action.sent == 1 and action.followed == ['j7'] and action.run.result['changed'] is True
    assert action.run.warnings == ['PUT /p: answer lost. The cloud shows that the scripted write started, so it was not sent again.']


def test_a_throttled_write_is_sent_again_after_its_retry_after_once_the_state_shows_nothing(sleeps):
    action = Scripted(run(), answers=[lost(503, 9.0), lost(500), 'j2'], recoveries=[None, None])
    _workflow.run_write(action)
    assert action.sent == 3 and action.followed == ['j2']
    assert sleeps == [9.0, 8.0], 'Retry-After first, else full jitter (base 2 s)'


@pytest.mark.parametrize('exc', [timed_out(), lost(), lost(502), lost(504)], ids=['read-timeout', 'closed-without-answer', '502', '504'])
def test_a_write_without_an_answer_is_not_sent_again_while_it_may_still_be_processed(clock, exc):
    """The slow answer: the state shows nothing at first, and the write lands later, inside the window."""
    late = SETTLE_LOOKS - 1
    action = Scripted(run(request_timeout=1), answers=[exc, 'never'], recoveries=[None] * (late - 1) + ['j9'])
    _workflow.run_write(action)
    assert action.sent == 1 and action.followed == ['j9'] and action.run.result['changed'] is True
    assert clock.slept == [_workflow.SETTLE_POLL] * (late - 1), 'the state is re-read, not slept through blind'
    assert 'the scripted write started, so it was not sent again' in action.run.warnings[0]


def test_a_write_without_an_answer_is_sent_again_only_once_the_window_has_passed(clock):
    start = clock.now
    sent_at = []

    class Timed(Scripted):
        def send(self):
            sent_at.append(clock.now - start)
            return super(Timed, self).send()

    action = Timed(run(request_timeout=1), answers=[timed_out(), 'j2'], recoveries=[None] * SETTLE_LOOKS)
    _workflow.run_write(action)
    assert action.sent == 2 and action.followed == ['j2'] and not action.recoveries, 'every look was made'
    assert sent_at == [0, _workflow.GATEWAY_TIMEOUT], 'sent again once the window passed, without another pause'


def test_the_window_is_the_longer_of_a_gateway_timeout_and_request_timeout(clock):
    assert _workflow.GATEWAY_TIMEOUT == 60
    assert _workflow.in_flight_window(run(request_timeout=1), timed_out()) == 60
    assert _workflow.in_flight_window(run(request_timeout=300), timed_out()) == 300
    assert _workflow.in_flight_window(run(request_timeout=300), lost(504)) == 300
    for answered in (lost(503, 1.0), lost(429), lost(500), lost(200)):
        assert _workflow.in_flight_window(run(request_timeout=300), answered) == 0, 'an answer ends the request'


def test_the_last_look_begins_after_the_window_so_a_cloud_delay_to_show_a_job_comes_on_top(clock):
    """recover() of a cloud that shows a job late watches for that delay itself: the last one begins
    once the window has passed."""
    began = []

    class Watching(Scripted):
        def recover(self):
            began.append(clock.now)
            clock.now += 10.0  # a watch of the cloud's own delay
            return super(Watching, self).recover()

    action = Watching(run(), answers=[timed_out(), 'j3'], recoveries=[None] * 20)
    window_end = clock.now + _workflow.GATEWAY_TIMEOUT
    _workflow.run_write(action)
    assert began[-1] >= window_end and all(b < window_end for b in began[:-1])
    assert action.sent == 2


def test_the_copy_refused_after_a_lost_answer_is_the_first_write_followed_with_changed_true(sleeps):
    """PSM refuses a second apply with 409 while the first, processed late, runs: that job is ours."""
    busy = ConflictError('PUT /p: HTTP 409: Another patching operation (job [4208393]) is in progress', status=409)
    action = Scripted(run(), answers=[lost(500), busy], recoveries=[None, '4208393'])
    _workflow.run_write(action)
    assert action.sent == 2 and action.followed == ['4208393']
    assert action.run.result['changed'] is True and action.run.result['job_id'] == '4208393'
    assert 'HTTP 409' in action.run.warnings[0] and 'the first one started, so that one is followed' in action.run.warnings[0]


def test_a_copy_refused_after_a_lost_answer_with_nothing_of_ours_in_the_state_fails_unchanged(sleeps):
    busy = ConflictError('PUT /p: HTTP 409: busy', status=409)
    action = Scripted(run(), answers=[lost(503), busy], recoveries=[None, None])
    with pytest.raises(ModuleFailure) as info:
        _workflow.run_write(action)
    assert action.run.result['changed'] is False and 'HTTP 409: busy' in str(info.value) and not action.recoveries


def test_a_first_conflict_is_not_taken_for_our_own_write(sleeps):
    action = Scripted(run(), answers=[ConflictError('PUT /p: HTTP 409: busy', status=409)], recoveries=['other'])
    with pytest.raises(ModuleFailure):
        _workflow.run_write(action)
    assert action.recoveries == ['other'], 'no re-read: nothing of ours can run'


def test_a_write_sent_again_tells_the_action_once(sleeps):
    told = []

    class Telling(Scripted):
        def resending(self):
            told.append(self.sent)

    action = Telling(run(), answers=[lost(503), lost(503), 'j4'], recoveries=[None, None])
    _workflow.run_write(action)
    assert told == [1, 2]


def test_a_write_that_never_takes_gives_up_after_the_bound_with_changed_false(sleeps):
    action = Scripted(run(), answers=[lost(503)] * 4, recoveries=[None] * 4)
    with pytest.raises(ModuleFailure) as info:
        _workflow.run_write(action)
    assert action.sent == _workflow.MAX_SENDS == 4 and action.run.result['changed'] is False
    assert 'After 4 attempts the cloud still shows that the scripted write did not start' in str(info.value)
    assert len(sleeps) == 3


def test_a_conflict_changes_nothing(sleeps):
    action = Scripted(run(), answers=[ConflictError('PUT /p: HTTP 409: busy', status=409)])
    with pytest.raises(ModuleFailure) as info:
        _workflow.run_write(action)
    assert action.run.result['changed'] is False and 'HTTP 409: busy' in str(info.value)


@pytest.mark.parametrize('refusal', [
    HttpStatusError('PUT /p: HTTP 400: DBS.201014: not allowed by the status', status=400),
    NotFoundError('PUT /p: HTTP 404: no such patch', status=404),
    TransportError('PUT /p: gave up after 6 attempts: no connection was made, so nothing reached the server'),
], ids=['400', '404', 'never-connected'])
def test_a_refused_or_never_sent_write_changes_nothing(sleeps, refusal):
    action = Scripted(run(), answers=[refusal])
    with pytest.raises(type(refusal)):
        _workflow.run_write(action)
    assert action.run.result['changed'] is False and action.sent == 1 and not action.followed


def test_a_refusal_after_a_lost_answer_the_state_explained_as_nothing_changes_nothing(sleeps):
    action = Scripted(run(), answers=[lost(status=503), HttpStatusError('PUT /p: HTTP 400: bad', status=400)], recoveries=[None, None])
    with pytest.raises(HttpStatusError):
        _workflow.run_write(action)
    assert action.run.result['changed'] is False and action.sent == 2 and not action.recoveries, 'the state was read again'


def test_a_refusal_after_a_lost_answer_the_state_explains_follows_the_first_write(sleeps):
    action = Scripted(run(), answers=[lost(status=503), HttpStatusError('PUT /p: HTTP 400: already running', status=400)],
                      recoveries=[None, 'j5'])
    _workflow.run_write(action)
    assert action.followed == ['j5'] and action.run.result['changed'] is True


def test_an_answer_without_a_job_id_is_completed_from_the_state(sleeps):
    action = Scripted(run(), answers=[None], recoveries=['j3'])
    _workflow.run_write(action)
    assert action.sent == 1 and action.followed == ['j3']
    assert 'names no job' in action.run.warnings[0]
    blind = Scripted(run(), answers=[None], recoveries=[None])
    with pytest.raises(ModuleFailure) as info:
        _workflow.run_write(blind)
    assert blind.sent == 1 and blind.run.result['changed'] is True
    assert str(info.value).startswith('The scripted write was accepted, but neither its answer nor the cloud names its job yet')
