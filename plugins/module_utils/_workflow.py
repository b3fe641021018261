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
      \\--answer lost/cut/unreadable/429/5xx--> unknown --> re-read state (again and again
             while the request may still be processed: see in_flight_window)
             state shows the work started ---------------> recovered --> follow
             state shows nothing started (bounded) -------> sent again after a pause
             the copy is refused (409, 4xx) --------------> re-read: the first one started --> follow

A write is never sent again while the cloud's state might hold its effect; once it
was accepted, ``changed`` is true and the job id is in the result before anything
else can fail."""

import random
import time

from ansible_collections.dbops.patching.plugins.module_utils._errors import (
    ApiError,
    ConflictError,
    DbopsError,
    HttpStatusError,
    ModuleFailure,
    NotFoundError,
    WriteOutcomeUnknown,
)
from ansible_collections.dbops.patching.plugins.module_utils._http import full_jitter
from ansible_collections.dbops.patching.plugins.module_utils._wait import NOT_FOUND_GRACE, WaitTimeout, wait_for

MAX_SENDS = 4
RESEND_BACKOFF_BASE = 2.0
RESEND_BACKOFF_CAP = 60.0
# How long a write that got no answer of its own may still be processed, in seconds from the moment the
# module gave up on it. A request whose answer timed out (or whose connection closed or was cut without a
# status the module could read, or that a gateway answered 502 or 504 for its upstream) is not dead: the
# gateway or load balancer in front of the API has handed it
# to a backend and waits up to its upstream timeout (60 s by default for nginx proxy_read_timeout, Apache
# ProxyTimeout, AWS ALB/ELB and OCI load balancers), and the backend goes on with it even when that
# gateway, or this module, stops waiting: closing the connection cancels nothing. So the state proves
# nothing until the longer of that timeout and the module's own request_timeout (an API allowed to answer
# that slowly may process that slowly) has passed; the cloud's own delay to show a job it started
# (a provider's recover() watches it) comes on top. An answer with a status from where the request was
# handled (HTML or garbled JSON, a 500, a throttle's 429/503) ends it there: one re-read decides.
GATEWAY_TIMEOUT = 60.0
# Seconds between two re-reads of the state while that window lasts.
SETTLE_POLL = 3.0

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

    def resending(self):
        """Called once the state has shown nothing started for as long as the lost write
        could still be processed, right before it is sent again."""

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
    unknown = None  # the last lost answer: a refusal of a later copy is most likely caused by that write
    for attempt in range(1, MAX_SENDS + 1):
        try:
            ref, first_delay = action.send()
        except WriteOutcomeUnknown as exc:
            unknown = exc
            window = in_flight_window(run, exc)
            ref = recover_unknown(action, window)
            if ref:
                run.warn('%s. The cloud shows that %s started, so it was not sent again.' % (exc, action.subject))
                return ref, None
            if attempt == MAX_SENDS:
                run.result['changed'] = action.started()
                raise ModuleFailure('%s. After %d attempts the cloud still shows that %s did not start; nothing was '
                                    'left running. Run the task again later.' % (exc, attempt, action.subject))
            if not window:  # the window was a pause already
                time.sleep(exc.retry_after or full_jitter(attempt, RESEND_BACKOFF_BASE, RESEND_BACKOFF_CAP, random.uniform))
            action.resending()
            continue
        except HttpStatusError as exc:
            # the cloud refused it (409: another operation runs). After a lost answer, that operation is most
            # likely the first copy, processed late: the state shows it, and it is followed, not hidden.
            ref = action.recover() if unknown is not None else None
            if ref:
                run.warn('%s. %s was sent again after "%s"; the cloud shows that the first one started, so that one '
                         'is followed.' % (exc, capitalized(action.subject), unknown))
                return ref, None
            run.result['changed'] = action.started()
            if isinstance(exc, ConflictError):
                raise ModuleFailure(action.conflict(exc))
            raise
        except DbopsError:
            # it never left this machine (no connection, DNS): nothing was accepted
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


def in_flight_window(run, exc):
    """Seconds from now during which the server may still process a write whose outcome
    is unknown (see GATEWAY_TIMEOUT): none once an answer came back from where it was
    processed, else the longer of a gateway's timeout and the module's request_timeout."""
    if exc.status is not None and exc.status not in (502, 504):
        return 0.0
    return max(GATEWAY_TIMEOUT, float(run.params.get('request_timeout') or 0))


def recover_unknown(action, window):
    """Re-read the state after a lost answer until it shows what the write started, or until
    a look (with the cloud's own delay to show a job) began after ``window`` seconds: the ref,
    or None when the write can no longer have started."""
    return watch(action.recover, window, SETTLE_POLL)


def watch(look, window, every):
    """Call ``look()`` until it returns something true or a call of it began after ``window``
    seconds, pausing ``every`` seconds (less at the end) in between; its last answer. For the
    recoveries that must give a cloud time to show what a lost write started: a look that was
    still under way when the window ended proves nothing, so one more follows it."""
    window_end = time.monotonic() + window
    while True:
        look_began = time.monotonic()
        found = look()
        if found or look_began >= window_end:
            return found
        time.sleep(min(every, max(0.0, window_end - time.monotonic())))


def capitalized(text):
    return text[:1].upper() + text[1:]


def read_once(run, source, job_id):
    """Without wait: one read of a job through its JobSource. A read that fails for a passing
    reason leaves the job unknown (None) with a warning; the write it follows is reported anyway."""
    try:
        return source.read(job_id)[0]
    except NotFoundError:
        return None
    except ApiError as exc:
        if not exc.transient:
            raise
        run.warn('Could not read job %s: %s' % (job_id, exc))
        return None


def follow_job(run, source, job_id, what, key='job', first_delay=None, resume=None, grace=NOT_FOUND_GRACE, wait=None):
    """Wait for one job, read through its JobSource, with the run's wait options (or read it once
    without wait; ``wait`` overrides the run's choice); the last state seen is in ``run.result[key]``
    on every exit."""
    if not (run.wait if wait is None else wait):
        run.result[key] = read_once(run, source, job_id)
        return run.result[key]
    try:
        poller = run.poller(source, what, grace=grace)
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
