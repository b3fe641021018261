# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to the dbops.patching collection. It is not a
# public API: it may change or go away in any release without notice.

"""The one write workflow of every action module: decide, diff, check mode, send
at most once per proof that nothing started, follow.

The write path is one state machine::

    sent --answer usable--------------------------------> accepted --> follow
      \\--answer lost/cut/unreadable/429/5xx--> unknown --> re-read state
             state shows the work started ---------------> recovered --> follow
             state shows nothing started (bounded) -------> sent again after a pause

A write is never sent again while the cloud's state might hold its effect; once it
was accepted, ``changed`` is true and the job id is in the result before anything
else can fail."""

import random
import time

from ansible_collections.dbops.patching.plugins.module_utils._errors import (
    ApiError,
    ConflictError,
    DbopsError,
    ModuleFailure,
    NotFoundError,
    WriteOutcomeUnknown,
)
from ansible_collections.dbops.patching.plugins.module_utils._http import full_jitter
from ansible_collections.dbops.patching.plugins.module_utils._wait import NOT_FOUND_GRACE, WaitTimeout, wait_for

MAX_SENDS = 4
RESEND_BACKOFF_BASE = 2.0
RESEND_BACKOFF_CAP = 60.0

SEND = 'send'
FOLLOW = 'follow'
DONE = 'done'


class WriteAction(object):
    """What one action tells the workflow. A provider subclasses it and answers:

    ``subject``: what the write does, for messages ('the apply of patch X to db01').
    ``decide()``: read the cloud's state and return (SEND, None), (FOLLOW, ref) for
    work already running that is followed instead, or (DONE, None).
    ``diff()``: the ``--diff`` of the change. ``send()``: send the write once and
    return (ref or None, first_delay) from its answer. ``recover()``: re-read state
    and return the ref of what the write started, or None. ``follow(ref,
    first_delay)``: store the ref in the result, then wait for (or read) the work.
    ``conflict(exc)``: the message for a 409."""

    subject = 'the write'

    def __init__(self, run):
        self.run = run

    def decide(self):  # pragma: no cover - every action defines it
        raise NotImplementedError

    def diff(self):
        return None

    def send(self):  # pragma: no cover
        raise NotImplementedError

    def recover(self):  # pragma: no cover
        raise NotImplementedError

    def follow(self, ref, first_delay=None):  # pragma: no cover
        raise NotImplementedError

    def started(self):
        """Whether part of the work is known to have started (a write for several
        targets that only some of them took)."""
        return False

    def conflict(self, exc):
        return '%s. Another operation runs; wait for it to end, then run again.' % exc


def run_write(action):
    """Decide, diff, check mode, send once (with recovery), follow."""
    run = action.run
    if run.check_mode:
        run.wait = False  # check mode reads what runs, but never waits for it
    decision, ref = action.decide()
    if decision == FOLLOW:
        action.follow(ref)
        return
    if decision == DONE:
        return
    run.result['changed'] = True
    if run.diff_mode:
        diff = action.diff()
        if diff is not None:
            run.result['diff'] = diff
    if run.check_mode:
        return
    ref, first_delay = send_once(action)
    if ref is not None:
        action.follow(ref, first_delay)


def send_once(action):
    """Send the write; re-send only while state proves nothing started, at most
    MAX_SENDS times. Returns (ref, first_delay)."""
    run = action.run
    for attempt in range(1, MAX_SENDS + 1):
        try:
            ref, first_delay = action.send()
        except ConflictError as exc:
            run.result['changed'] = action.started()
            raise ModuleFailure(action.conflict(exc))
        except WriteOutcomeUnknown as exc:
            ref = action.recover()
            if ref:
                run.warn('%s. The cloud shows that %s started, so it was not sent again.' % (exc, action.subject))
                return ref, None
            if attempt == MAX_SENDS:
                run.result['changed'] = action.started()
                raise ModuleFailure('%s. After %d attempts the cloud still shows that %s did not start; nothing was '
                                    'left running. Run the task again later.' % (exc, attempt, action.subject))
            time.sleep(exc.retry_after or full_jitter(attempt, RESEND_BACKOFF_BASE, RESEND_BACKOFF_CAP, random.uniform))
            continue
        except DbopsError:
            # the cloud refused it, or it never left this machine (no connection, DNS): nothing was accepted
            run.result['changed'] = action.started()
            raise
        if not ref:
            ref = action.recover()  # accepted, but the answer names no job: the state does
            if ref:
                run.warn('%s was accepted with an answer that names no job; the cloud shows it started, so it was '
                         'not sent again.' % capitalized(action.subject))
        if not ref:
            raise ModuleFailure('%s was accepted, but neither its answer nor the cloud names its job yet; '
                                'check the instance before running the task again.' % capitalized(action.subject))
        return ref, first_delay


def watch(look, window, every):
    """Call ``look()`` until it returns something true or ``window`` seconds have passed,
    pausing ``every`` seconds (less at the end) in between; its last answer. For the
    recoveries that must give a cloud time to show what a lost write started."""
    window_end = time.monotonic() + window
    while True:
        found = look()
        if found or time.monotonic() >= window_end:
            return found
        time.sleep(min(every, max(0.0, window_end - time.monotonic())))


def capitalized(text):
    return text[:1].upper() + text[1:]


def read_once(run, fetch, job_id):
    """Without wait: one read of a job. A read that fails for a passing reason leaves
    the job unknown (None) with a warning; the write it follows is reported anyway."""
    try:
        return fetch(job_id)[0]
    except NotFoundError:
        return None
    except ApiError as exc:
        if not exc.transient:
            raise
        run.warn('Could not read job %s: %s' % (job_id, exc))
        return None


def follow_job(run, fetch, job_id, what, key='job', first_delay=None, resume=None, bound=(), grace=NOT_FOUND_GRACE,
               estimate=None, wait=None):
    """Wait for one job with the run's wait options (or read it once without wait; ``wait``
    overrides the run's choice); the last state seen is in ``run.result[key]`` on every exit."""
    if not (run.wait if wait is None else wait):
        run.result[key] = read_once(run, fetch, job_id)
        return run.result[key]
    try:
        poller = run.poller(fetch, what, grace=grace, bound=bound, estimate=estimate)
        job = wait_for(poller, [job_id], first_delay=first_delay, resume=resume)[job_id]
    except WaitTimeout as exc:
        run.result[key] = exc.jobs.get(job_id)
        raise
    run.result[key] = job
    return job


def fail_unless_succeeded(job, message):
    """Raise ModuleFailure(message) when a followed job ended failed or canceled."""
    if job is not None and job['state'] in ('failed', 'canceled'):
        raise ModuleFailure(message)
