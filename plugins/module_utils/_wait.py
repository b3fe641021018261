# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to the dbops.patching collection. It is not a
# public API: it may change or go away in any release without notice.

"""Follow one or many asynchronous jobs until they end or a deadline passes.

Deadlines use the monotonic clock. Each job has its own schedule: the server's
Retry-After first, else short intervals that grow with jitter up to a cap, and
shorter again when the job says it is nearly done. Jobs that are due together
are fetched concurrently by a bounded worker pool over the caller's session.
A read that fails for a passing reason (a gateway error, a cut or unreadable
answer, a timeout) keeps the last state seen and is tried again on the same
schedule until the deadline; every job still running is read once more at the
deadline before a timeout is reported."""

import random
import time
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.dbops.patching.plugins.module_utils._errors import ApiError, ModuleFailure, NotFoundError
from ansible_collections.dbops.patching.plugins.module_utils._jobs import pending_job

INITIAL_INTERVAL = 1.0
GROWTH = 1.5
MAX_INTERVAL = 30.0
NEAR_END_PROGRESS = 80
NEAR_END_INTERVAL = 2.0
DEFAULT_WORKERS = 8
# How long a job the API does not show yet counts as pending (some APIs answer
# "no such job" for a few seconds after they created it).
NOT_FOUND_GRACE = 30.0


class WaitTimeout(ModuleFailure):
    """The deadline passed before every job ended. Carries the last state seen of
    each job, so the module can return it and the user can resume later."""

    def __init__(self, message, jobs, elapsed):
        super(WaitTimeout, self).__init__(message, elapsed=round(elapsed, 1))
        self.jobs = jobs
        self.elapsed = elapsed


class WaitResult(object):
    """What a run saw: ``jobs`` (last state of each, in order), ``elapsed``, ``timed_out``,
    ``polls``, ``unseen`` and ``errors`` (key -> why the API did not show it / the last
    failed read)."""

    def __init__(self, **fields):
        self.__dict__.update(fields)

    def pending(self):
        return [key for key, job in self.jobs.items() if job is None or not job['terminal']]


class Poller(object):
    """Schedules polls. ``fetch(key)`` returns ``(job, retry_after)`` where job is a
    normalized job (see _jobs.make_job) and retry_after the seconds the server asked
    for (or None); it raises NotFoundError for a job the API does not show.

    ``grace``: seconds during which such a job counts as pending (None: a missing job
    is reported as missing at once). ``bound``: HTTP clients whose ``deadline`` is set
    for the length of a run, so no retry inside a read outlives the wait.
    ``tolerate_errors``: keep the last state when a read fails for a passing reason
    and read again later (for waits); else such an error is raised.
    With ``interval`` set, every job is polled at that fixed interval."""

    def __init__(self, fetch, timeout, interval=None, clock=None, sleep=None, rand=None,
                 max_workers=DEFAULT_WORKERS, max_interval=MAX_INTERVAL, grace=None, what='job', bound=(),
                 tolerate_errors=True):
        self.fetch = fetch
        self.timeout = timeout
        self.interval = interval
        self.clock = clock or time.monotonic
        self.sleep = sleep or time.sleep
        self.rand = rand or random.uniform
        self.max_workers = max(1, max_workers)
        self.max_interval = max_interval
        self.grace = grace
        self.what = what
        self.bound = tuple(bound)
        self.tolerate_errors = tolerate_errors

    def next_interval(self, polls, job, retry_after):
        """Seconds until the next poll of a job that has been polled ``polls`` times."""
        if self.interval is not None:
            return float(self.interval)
        if retry_after is not None:
            return min(self.max_interval, retry_after)
        base = min(self.max_interval, INITIAL_INTERVAL * GROWTH ** max(0, polls - 1))
        progress = job.get('progress') if job else None
        if progress is not None and progress >= NEAR_END_PROGRESS:
            base = min(base, NEAR_END_INTERVAL)
        return min(self.max_interval, base * self.rand(0.8, 1.2))

    def _read(self, key, started, last, unseen, errors):
        """(job, retry_after) of one poll; a passing failure keeps ``last``."""
        try:
            job, retry_after = self.fetch(key)
        except NotFoundError as exc:
            if self.grace is None or self.clock() - started >= self.grace:
                raise ModuleFailure('%s %s does not exist (still not found %.0f seconds after the wait started): %s'
                                    % (self.what[:1].upper() + self.what[1:], key, self.clock() - started, exc))
            unseen[key] = str(exc)
            return last or pending_job(key, message='not shown by the API yet'), exc.retry_after
        except ApiError as exc:
            if not (exc.transient and self.tolerate_errors):
                raise
            errors[key] = str(exc)
            return last, exc.retry_after
        unseen.pop(key, None)
        errors.pop(key, None)
        return job, retry_after

    def run(self, keys, first_delay=None):
        """Poll every key until all are terminal or the deadline passes.

        ``first_delay`` (e.g. a write's Retry-After) postpones the first poll.
        Returns a WaitResult; never raises on timeout (see wait_for)."""
        keys = list(dict.fromkeys(keys))
        start = self.clock()
        deadline = start + self.timeout
        if first_delay and self.interval is not None:
            first_delay = min(first_delay, self.interval)  # an explicit poll_interval wins over the hint
        first = start + (min(first_delay, max(0.0, self.timeout)) if first_delay else 0.0)
        due = dict((key, first) for key in keys)
        polls = dict((key, 0) for key in keys)
        jobs, unseen, errors, late = {}, {}, {}, []
        for client in self.bound:
            client.deadline = deadline
        executor = ThreadPoolExecutor(max_workers=min(self.max_workers, len(keys))) if len(keys) > 1 and self.max_workers > 1 else None

        def read(key):
            return self._read(key, start, jobs.get(key), unseen, errors)

        try:
            while due:
                now = self.clock()
                ready = [key for key in keys if key in due and due[key] <= now]
                if not ready:
                    self.sleep(max(0.0, min(due.values()) - now))
                    continue
                answers = list(executor.map(read, ready)) if executor else [read(key) for key in ready]
                after = self.clock()
                for key, (job, retry_after) in zip(ready, answers):
                    polls[key] += 1
                    jobs[key] = job
                    if job is not None and job['terminal'] and key not in unseen:
                        del due[key]
                    elif after >= deadline:
                        del due[key]  # that was the last look, at the deadline
                        late.append(key)
                    else:
                        due[key] = min(deadline, after + self.next_interval(polls[key], job, retry_after))
        finally:
            if executor is not None:
                executor.shutdown(wait=True)
            for client in self.bound:
                client.deadline = None
        elapsed = self.clock() - start
        ordered = dict((key, jobs.get(key)) for key in keys)
        return WaitResult(jobs=ordered, elapsed=elapsed, timed_out=bool(late), polls=sum(polls.values()), unseen=unseen,
                          errors=errors)


def describe_jobs(jobs, unseen=()):
    """'4208393 (running: IN_PROGRESS), 4208394 (never seen)' for a timeout message."""
    parts = []
    for key, job in jobs.items():
        if key in unseen:
            parts.append('%s (not shown by the API)' % key)
        elif job is None:
            parts.append('%s (never seen)' % key)
        else:
            parts.append('%s (%s: %s)' % (key, job['state'], job['status']))
    return ', '.join(parts)


def wait_for(poller, keys, first_delay=None, resume=None):
    """Run the poller and raise WaitTimeout (with the last states) when the deadline
    passed. Returns the dict of final jobs in the order of ``keys``. ``resume`` tells
    the user how to wait again later."""
    result = poller.run(keys, first_delay=first_delay)
    if not result.timed_out:
        return result.jobs
    late = dict((key, result.jobs[key]) for key in result.pending())
    what = poller.what + ('s' if len(late) > 1 else '')
    message = ('Timed out after %.0f seconds (wait_timeout=%s) waiting for %s %s. It goes on in the cloud; %s.'
               % (result.elapsed, poller.timeout, what, describe_jobs(late, result.unseen), resume or 'wait again later with the same id to resume'))
    if result.unseen:
        message += ' Not shown by the API yet (unknown so far): %s.' % '; '.join(
            '%s (%s)' % (key, reason) for key, reason in result.unseen.items())
    if result.errors:
        message += ' Last failed read: %s.' % '; '.join(result.errors.values())
    jobs = dict((key, None if key in result.unseen else job) for key, job in result.jobs.items())
    raise WaitTimeout(message, jobs, result.elapsed)
