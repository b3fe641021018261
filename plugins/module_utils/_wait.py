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
are fetched concurrently by a bounded worker pool over the caller's session."""

import random
import time
from concurrent.futures import ThreadPoolExecutor

INITIAL_INTERVAL = 1.0
GROWTH = 1.5
MAX_INTERVAL = 30.0
NEAR_END_PROGRESS = 80
NEAR_END_INTERVAL = 2.0
DEFAULT_WORKERS = 8


class WaitTimeout(Exception):
    """The deadline passed before every job ended. Carries the last state seen of
    each job, so the module can return it and the user can resume later."""

    def __init__(self, message, jobs, elapsed):
        super(WaitTimeout, self).__init__(message)
        self.jobs = jobs
        self.elapsed = elapsed


class WaitResult(object):
    def __init__(self, jobs, elapsed, timed_out, polls):
        self.jobs = jobs
        self.elapsed = elapsed
        self.timed_out = timed_out
        self.polls = polls

    def pending(self):
        return [key for key, job in self.jobs.items() if job is None or not job['terminal']]


class Poller(object):
    """Schedules polls. ``fetch(key)`` returns ``(job, retry_after)`` where job is a
    normalized job (see _jobs.make_job) and retry_after the seconds the server asked
    for (or None).

    With ``interval`` set, every job is polled at that fixed interval; otherwise
    the interval adapts as described in the module docstring."""

    def __init__(self, fetch, timeout, interval=None, clock=None, sleep=None,
                 rand=None, max_workers=DEFAULT_WORKERS, max_interval=MAX_INTERVAL):
        self.fetch = fetch
        self.timeout = timeout
        self.interval = interval
        self.clock = clock or time.monotonic
        self.sleep = sleep or time.sleep
        self.rand = rand or random.uniform
        self.max_workers = max(1, max_workers)
        self.max_interval = max_interval

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
        jobs = {}
        executor = ThreadPoolExecutor(max_workers=min(self.max_workers, len(keys))) if len(keys) > 1 and self.max_workers > 1 else None
        try:
            while due:
                now = self.clock()
                ready = [key for key in keys if key in due and due[key] <= now]
                if ready:
                    if executor is None:
                        answers = [self.fetch(key) for key in ready]
                    else:
                        answers = list(executor.map(self.fetch, ready))
                    after = self.clock()
                    for key, (job, retry_after) in zip(ready, answers):
                        polls[key] += 1
                        jobs[key] = job
                        if job is not None and job['terminal']:
                            del due[key]
                        else:
                            due[key] = after + self.next_interval(polls[key], job, retry_after)
                    continue
                if now >= deadline:
                    break
                self.sleep(max(0.0, min(*due.values(), deadline) - now))
        finally:
            if executor is not None:
                executor.shutdown(wait=True)
        elapsed = self.clock() - start
        ordered = dict((key, jobs.get(key)) for key in keys)
        return WaitResult(ordered, elapsed, bool(due), sum(polls.values()))


def describe_jobs(jobs):
    """'4208393 (running: IN_PROGRESS), 4208394 (never seen)' for a timeout message."""
    parts = []
    for key, job in jobs.items():
        if job is None:
            parts.append('%s (never seen)' % key)
        else:
            parts.append('%s (%s: %s)' % (key, job['state'], job['status']))
    return ', '.join(parts)


def wait_for(poller, keys, first_delay=None, what='job', resume=None):
    """Run the poller and raise WaitTimeout (with the last states) when the deadline
    passed. Returns the dict of final jobs in the order of ``keys``. ``resume`` tells
    the user how to wait again later."""
    result = poller.run(keys, first_delay=first_delay)
    if result.timed_out:
        late = dict((key, result.jobs[key]) for key in result.pending())
        message = ('Timed out after %.0f seconds (wait_timeout=%s) waiting for %s %s. It goes on in the cloud; %s.'
                   % (result.elapsed, poller.timeout, what + ('s' if len(late) > 1 else ''), describe_jobs(late),
                      resume or 'wait again later with the same id to resume'))
        raise WaitTimeout(message, result.jobs, result.elapsed)
    return result.jobs
