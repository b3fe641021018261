# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to the dbops.patching collection. It is not a
# public API: it may change or go away in any release without notice.

"""Follow one or many asynchronous jobs until they end or a deadline passes.

Deadlines use the monotonic clock. Each job has its own schedule: the server's
Retry-After first; else, when the end of the job can be estimated (from its
progress percent and start, or from an expected duration), half the time left
until that end, never more than max_poll_interval and never less than a couple of
seconds, and widening again when the job runs late; else short intervals that grow
with jitter up to a cap (a job that has run long is read more sparsely, see AGE_SHARE), shorter
again when the job says it is nearly done. Jobs that are due together are fetched concurrently by a
bounded worker pool over the caller's session, or answered together by one batch read (a list of
the running jobs): a fleet is read in rounds whose cadence follows how many of its jobs still run.
A read that fails for a passing reason (a gateway error, a cut or unreadable
answer, a timeout) keeps the last state seen and is tried again on the same
schedule until the deadline; every job still running is read once more at the
deadline before a timeout is reported."""

import random
import time
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.dbops.patching.plugins.module_utils._errors import ApiError, ModuleFailure, NotFoundError
from ansible_collections.dbops.patching.plugins.module_utils._jobs import parse_time, pending_job

INITIAL_INTERVAL = 2.0
GROWTH = 3.0
MAX_INTERVAL = 30.0  # without an estimated end, backing off "to at most 30 s" (the contract)
MAX_POLL_INTERVAL = 60.0  # with one: the longest a job goes unread (max_poll_interval's default)
NEAR_END_PROGRESS = 80
WINDOW_READS = 20.0  # reads spread across a job's estimated end window
NEAR_END_INTERVAL = 2.0
DEFAULT_WORKERS = 8
# Without any estimate, a job that has run for t seconds is read every t / AGE_SHARE seconds once that
# is longer than the 30 s cadence (after 25 minutes), never sparser than max_poll_interval: a long job
# then costs fewer reads than a `uri` loop with delay 30, at the price of a later look at its end.
AGE_SHARE = 50.0
# A fleet followed by batch rounds waits for its last job. Once its first short reads are done, with
# k jobs still running a round comes every FLEET_STEP * k seconds, at most every max_poll_interval,
# and widens again with the time the fleet has stayed at k jobs (that time / FLEET_WIDEN), so that a
# straggler is read every few seconds at first but not for hours.
FLEET_STEP = 5.0
FLEET_WIDEN = 60.0
BATCH_MISSES = 3  # rounds in which a batch read misses a running job before it is dropped for the wait
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
    ``estimate(key, job)``: the expected total duration of a job in seconds, or None;
    a job's own progress percent takes precedence. ``wall``: epoch seconds (the jobs'
    start times are wall-clock times).
    ``fetch_many(keys)``: one request that answers for many jobs at once (a list of the
    running jobs), returning {key: job, or True for "still running, nothing new"}; the jobs
    it does not carry (ended, or never seen yet) are read on their own, unless
    ``fetch_ended(jobs)`` is given: one read of how many jobs ended ({key: job} from
    {key: last job seen}). A job that leaves the list is then taken to have ended, and
    every such job is read in one ``fetch_ended`` once no followed job runs any more (or
    at the deadline); one found still running is followed again. With ``fetch_ended``,
    the list carries whole jobs, so the first round asks it too.
    ``progress(jobs, elapsed, final)``: called after every poll round with the last state
    of each job, ``final`` for the last round (see _progress; it makes no request).
    With ``interval`` set, every job is polled at that fixed interval."""

    def __init__(self, fetch, timeout, interval=None, clock=None, sleep=None, rand=None,
                 max_workers=DEFAULT_WORKERS, max_interval=MAX_INTERVAL, grace=None, what='job', bound=(),
                 tolerate_errors=True, estimate=None, max_poll_interval=MAX_POLL_INTERVAL, wall=None, fetch_many=None,
                 progress=None, fetch_ended=None):
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
        self.estimate = estimate
        self.max_poll_interval = max_poll_interval
        self.wall = wall or time.time
        self.fetch_many = fetch_many
        self.fetch_ended = fetch_ended
        self.progress = progress
        self.batch_misses = 0
        self.first_seen = {}
        self.left = {}  # key -> when a job left the running list (taken to have ended, read later)
        self.fleet_since = (None, None)  # (jobs still running, since when)

    def next_interval(self, polls, job, retry_after, key=None):
        """Seconds until the next poll of a job that has been polled ``polls`` times."""
        if self.interval is not None:
            return float(self.interval)
        if retry_after is not None:
            return min(self.max_poll_interval, retry_after)
        cap = self.steady_interval()
        window = self.end_window(key, job)
        if window is not None:
            earliest, latest = window
            if earliest > 0:  # the end is still ahead: half the time left until its earliest moment
                return min(self.max_poll_interval, max(NEAR_END_INTERVAL, earliest / 2.0))
            if latest is not None and latest <= 0:  # running late: widen again, a quarter of the delay,
                return min(cap, max(NEAR_END_INTERVAL, -latest / 4.0))  # never sparser than without an estimate
            if latest is None:
                return cap * self.rand(0.9, 1.0)  # no upper bound: the steady cadence
            # inside the end window: about WINDOW_READS reads across it, every 2 s when it is narrow
            return min(cap, max(NEAR_END_INTERVAL, (latest - earliest) / WINDOW_READS))
        base = min(cap, self.short_start(polls))
        progress = job.get('progress') if job else None
        if progress is not None and progress >= NEAR_END_PROGRESS:
            base = min(base, NEAR_END_INTERVAL)
        if base < cap:
            return base
        return max(cap, min(self.max_poll_interval, self.age(key, job) / AGE_SHARE)) * self.rand(0.9, 1.0)

    def age(self, key, job):
        """Seconds the job has run: from its start time when it tells one, else since it was first seen."""
        started = parse_time(job.get('started_at')) if job else None
        if started is not None:
            return max(0.0, self.wall() - started)
        return max(0.0, self.clock() - self.first_seen.get(key, self.clock()))

    def end_window(self, key, job):
        """(earliest, latest): seconds from now until the job may end at the earliest and at
        the latest (negative once passed; latest None when unknown), or None without an
        estimate. From the job's progress percent (a whole number: the true one lies in
        [p, p + 1)), else from ``estimate``: a number of seconds, or a (shortest, longest) pair."""
        if not job or job.get('terminal'):
            return None
        elapsed = self.age(key, job)
        progress = job.get('progress')
        if progress and 0 < progress < 100 and elapsed > 0:
            return elapsed * 100.0 / (progress + 1) - elapsed, elapsed * 100.0 / progress - elapsed
        total = self.estimate(key, job) if self.estimate else None
        if total is None:
            return None
        shortest, longest = total if isinstance(total, tuple) else (total, total)
        return shortest - elapsed, longest - elapsed

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

    def _read_many(self, keys, errors):
        """What one batch read says of ``keys``: {key: job or True}; None without a batch
        read, for fewer than two jobs, or when it failed (each job is then read on its own
        when it is due; after a failure that is not passing, for the rest of the wait)."""
        if self.fetch_many is None or len(keys) < 2:
            return None
        try:
            carried = self.fetch_many(keys)
        except ApiError as exc:
            if not (exc.transient and self.tolerate_errors):
                self.fetch_many = None  # an API without that list read: read each job on its own from now on
            return None
        return dict((key, job) for key, job in carried.items() if key in keys and job is not None)

    def _round(self, ready, jobs, read, executor, errors, others=()):
        """{key: (job, retry_after)} of every key of ``ready``, and of the keys of ``others``
        the batch read answers for: the jobs it carries, and those it no longer carries
        (they ended, or changed), which are read on their own at once, or, with
        ``fetch_ended``, taken to have ended (they get no answer: see ``self.left``). The
        ready jobs it does not carry are read on their own (concurrently with an executor);
        so are the jobs it says run whose state was never read."""
        batch = [key for key in list(ready) + list(others) if jobs.get(key) is not None or self.fetch_ended is not None]
        carried = self._read_many(batch, errors)
        listed = carried is not None
        carried = dict((key, job) for key, job in (carried or {}).items() if not (job is True and jobs.get(key) is None))
        seen = [key for key in batch if jobs.get(key) is not None and not jobs[key]['terminal']]
        gone = [key for key in seen if key not in carried] if listed else []
        if gone and self.fetch_ended is not None:
            after = self.clock()
            self.left.update((key, after) for key in gone)
            gone = []
        alone = [key for key in ready if key not in carried and key not in self.left] + [key for key in gone if key not in ready]
        answers = self._read_each(alone, read, executor)
        self._count_misses([key for key in alone if key in seen and listed], answers)
        answers.update((key, (jobs[key] if job is True else job, None)) for key, job in carried.items())
        return answers

    @staticmethod
    def _read_each(keys, read, executor):
        """{key: read(key)} of jobs read on their own, concurrently with an executor."""
        return dict(zip(keys, executor.map(read, keys) if executor else [read(key) for key in keys]))

    def _count_misses(self, keys, answers):
        """A batch read that said these jobs had left the list while they still run (a log
        that lags, or lacks them) is not to be trusted for this wait after BATCH_MISSES rounds:
        every job is read on its own from then on."""
        if any(answers[key][0] is not None and not answers[key][0]['terminal'] for key in keys if key in answers):
            self.batch_misses += 1
            if self.batch_misses >= BATCH_MISSES:
                self.fetch_many = self.fetch_ended = None

    def _confirm(self, jobs, read, executor, errors):
        """{key: (job, retry_after)} of every job that left the running list: one
        ``fetch_ended`` read for all of them; the jobs it does not answer for are read on their own."""
        keys = list(self.left)
        self.left.clear()
        try:
            found = self.fetch_ended(dict((key, jobs.get(key)) for key in keys)) if self.fetch_ended else {}
        except ApiError as exc:
            if not (exc.transient and self.tolerate_errors):
                self.fetch_ended = None
            found = {}
        answers = dict((key, (found[key], None)) for key in keys if found.get(key) is not None)
        answers.update(self._read_each([key for key in keys if key not in answers], read, executor))
        self._count_misses(keys, answers)
        return answers

    def last_to_end(self, keys, jobs):
        """Of the jobs still followed, the one estimated to end last, or None when one of
        them has no estimate (then every job keeps its own schedule)."""
        ends = {}
        for key in keys:
            window = self.end_window(key, jobs.get(key))
            if window is None:
                return None
            ends[key] = window[1] if window[1] is not None else window[0]
        return max(ends, key=ends.get) if ends else None

    def _schedule(self, keys, answers, due, polls, jobs, unseen, late, deadline):
        """Take a round's answers: keep each job's last state, stop following the ended
        ones (and at the deadline every one: that was the last look), and set when each
        other one is read next. Returns the time the round ended."""
        after = self.clock()
        for key in [key for key in keys if key in answers]:
            job, retry_after = answers[key]
            polls[key] += 1
            jobs[key] = job
            self.first_seen.setdefault(key, after)
            if job is not None and job['terminal'] and key not in unseen:
                del due[key]
            elif after >= deadline:
                del due[key]
                late.append(key)
            else:
                due[key] = min(deadline, after + self.next_interval(polls[key], job, retry_after, key))
        return after

    def _pace_the_fleet(self, due, jobs, answers, polls, after, deadline):
        """In a fleet with a batch read, where every round reads every running job: put off
        every job just answered (without a Retry-After) but the one estimated to end last to
        max_poll_interval, as the rounds the last job needs read them anyway. Without an
        estimate for every job, the next round comes at the fleet's cadence (see FLEET_STEP),
        or earlier while the jobs' own schedules still start short."""
        last = self.last_to_end(list(due), jobs)
        if last is not None:
            for key in due:
                if key != last and key in answers and answers[key][1] is None:
                    due[key] = min(deadline, max(due[key], after + self.max_poll_interval))
            return
        running, since = self.fleet_since
        if running != len(due):
            running, since = self.fleet_since = (len(due), after)
        cadence = min(self.max_poll_interval, max(NEAR_END_INTERVAL, FLEET_STEP * running, (after - since) / FLEET_WIDEN))
        growing = self.short_start(min(polls[key] for key in due)) < self.steady_interval()
        for key in due:
            if key in answers and answers[key][1] is None:
                due[key] = min(due[key], after + cadence) if growing else min(deadline, after + cadence)

    def steady_interval(self):
        """The cadence a job's own schedule grows to without an estimate (before its age widens it)."""
        return min(self.max_interval, self.max_poll_interval)

    @staticmethod
    def short_start(polls):
        """The interval after a job's ``polls``-th read while its schedule starts short: 2, 6, 18 s..."""
        return INITIAL_INTERVAL * GROWTH ** max(0, polls - 1)

    def _report(self, keys, jobs, elapsed, due):
        if self.progress is not None:
            self.progress(dict((key, jobs.get(key)) for key in keys), elapsed, final=not (due or self.left))

    def run(self, keys, first_delay=None):
        """Poll every key until all are terminal or the deadline passes.

        ``first_delay`` (e.g. a write's Retry-After) postpones the first poll.
        Returns a WaitResult; never raises on timeout (see wait_for)."""
        keys = list(dict.fromkeys(keys))
        self.left, self.fleet_since = {}, (None, None)
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
            while due or self.left:
                # With a batch read, every round reads every job it carries: a fleet waits for its last job, so
                # the rounds follow the job estimated to end last, or without estimates how many jobs still run
                # (see _pace_the_fleet); an early failure is still seen within max_poll_interval. A batch read
                # that fails for good, or keeps missing jobs that still run, is dropped for the rest of the wait.
                fleet = self.fetch_many is not None and len(keys) > 1 and self.interval is None
                now = self.clock()
                if not due:  # every job still followed left the running list: how did they end?
                    answers = self._confirm(jobs, read, executor, errors)
                    due.update((key, now) for key in answers)
                    after = self._schedule(keys, answers, due, polls, jobs, unseen, late, deadline)
                    self._report(keys, jobs, after - start, due)
                    continue
                ready = [key for key in keys if key in due and due[key] <= now]
                if not ready:
                    self.sleep(max(0.0, min(due.values()) - now))
                    continue
                others = [key for key in keys if key in due and key not in ready] if fleet else ()
                answers = self._round(ready, jobs, read, executor, errors, others)
                for key in self.left:
                    due.pop(key, None)
                after = self._schedule(keys, answers, due, polls, jobs, unseen, late, deadline)
                if fleet and due:
                    self._pace_the_fleet(due, jobs, answers, polls, after, deadline)
                self._report(keys, jobs, after - start, due)
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
