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


@pytest.fixture
def sleeps(monkeypatch):
    slept = []
    monkeypatch.setattr(_workflow.time, 'sleep', slept.append)
    monkeypatch.setattr(_workflow.random, 'uniform', lambda low, high: high)
    return slept


def run(**params):
    return _runner.Run(FakeModule(**params))


def lost(status=None, retry_after=None):
    return WriteOutcomeUnknown('PUT /p: answer lost', method='PUT', path='/p', status=status, retry_after=retry_after)


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
    r = _runner.Run(FakeModule(check_mode=True, wait=True))
    r.diff_mode = True
    action = Scripted(r, answers=['never'])
    _workflow.run_write(action)
    assert action.sent == 0 and r.result == dict(changed=True, diff={'before': 1, 'after': 2}) and r.wait is False


def test_a_lost_answer_the_state_explains_is_never_sent_again(sleeps):
    action = Scripted(run(), answers=[lost()], recoveries=['j7'])
    _workflow.run_write(action)
    assert action.sent == 1 and action.followed == ['j7'] and action.run.result['changed'] is True
    assert action.run.warnings == ['PUT /p: answer lost. The cloud shows that the scripted write started, so it was not sent again.']


def test_a_throttled_write_is_sent_again_after_its_retry_after_once_the_state_shows_nothing(sleeps):
    action = Scripted(run(), answers=[lost(503, 9.0), lost(), 'j2'], recoveries=[None, None])
    _workflow.run_write(action)
    assert action.sent == 3 and action.followed == ['j2']
    assert sleeps == [9.0, 8.0], 'Retry-After first, else full jitter (base 2 s)'


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
    action = Scripted(run(), answers=[lost(status=503), HttpStatusError('PUT /p: HTTP 400: bad', status=400)], recoveries=[None])
    with pytest.raises(HttpStatusError):
        _workflow.run_write(action)
    assert action.run.result['changed'] is False and action.sent == 2


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
