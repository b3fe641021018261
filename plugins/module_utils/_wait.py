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
to a cap on the grid a fixed 30 s loop would read on (see Schedule.steady_read), shorter again
when the job says it is nearly done (see Schedule: pure functions of what the wait knows).
Jobs are read through a JobSource, one per cloud: jobs that are due together are read concurrently
by a bounded worker pool over the caller's session, or answered together by one batch read of the
source (a list of the running jobs): a fleet is read in rounds whose cadence follows how many of its
jobs still run. Every read gets the wait's deadline, which bounds the HTTP client's retries.
A read that fails for a passing reason (a gateway error, a cut or unreadable
answer, a timeout) keeps the last state seen and is tried again on the same
schedule until the deadline; every job still running is read once more at the
deadline before a timeout is reported."""

import math
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
# Without any estimate, after its short start a job is read on the grid of a loop that reads it every
# steady_interval (30 s) from the wait's start, as a `uri` loop with delay 30 started with it would: the
# (n+1)-th read comes n * 30 s after the start (a first read put off by a first delay counts from it).
# The short start's reads (2, 8 and 26 s) are reads such a loop does not make; they are paid back by the
# next reads, each at most max_poll_interval apart (26, 86, 146, 180 s with the defaults), after which
# every read is one the loop makes at the same moment: never more reads, and every end is seen when the
# loop would see it. With max_poll_interval 30 nothing is paid back.
# A fleet followed by batch rounds waits for its last job. Once its first short reads are done, with
# k jobs still running a round comes every FLEET_STEP * k seconds, never less than steady_interval (30 s)
# apart nor more than max_poll_interval: while many jobs run a round reads them all sparsely, and once
# six or fewer run (the last of them, a straggler, often runs alone for minutes or an hour) the rounds
# are those of a `uri` loop with delay 30 following it: as many requests, its end seen within 30 s.
# Without an estimate that end cannot be foreseen: rounds dense enough to see it within a few seconds
# would cost that many times the loop's requests for as long as it runs alone.
FLEET_STEP = 5.0
BATCH_MISSES = 3  # rounds in which a batch read misses a running job before it is dropped for the wait
# How long a job the API does not show yet counts as pending (some APIs answer
# "no such job" for a few seconds after they created it).
NOT_FOUND_GRACE = 30.0


class WaitTimeout(ModuleFailure):
    """The deadline passed before every job ended. Carries the last state seen of
    each job, so the module can return it and the user can resume later."""

    def __init__(self, message, jobs, elapsed):
        super(WaitTimeout, self).__init__(message, elapsed=round(elapsed, 1), timed_out=True)
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


class RunningJobs(object):
    """What one read of the running jobs shows of the jobs asked about: ``jobs`` ({key: job}) the
    jobs it carries whole (a list that carries ended jobs too may give them), ``unchanged``
    the keys it shows still running without their state (the last state seen stands), and
    ``unlisted`` the keys the list cannot show (a kind of job it does not carry): they have not
    left it, and are read on their own, each on its own schedule; ``unseen`` ({key: why}) the keys
    neither the list nor a read on its own showed yet (a new job): within the wait's grace they
    are taken as not shown yet, as a read on its own that raised NotFoundError, and looked for in
    the list again next round; after it, each is read on its own, which tells whether it exists."""

    def __init__(self, jobs=None, unchanged=(), unlisted=(), unseen=None):
        self.jobs = dict(jobs or {})
        self.unchanged = frozenset(unchanged)
        self.unlisted = frozenset(unlisted)
        self.unseen = dict(unseen or {})


class JobSource(object):
    """How a wait reads the jobs of one cloud. ``read(key, deadline)`` returns ``(job,
    retry_after)``: a normalized job (see _jobs.make_job) and the seconds the server asked
    for (or None); it raises NotFoundError for a job the API does not show.

    A source that can answer for many jobs in one request says so, and defines the read:

    - ``reads_running``: ``read_running(keys, deadline)`` returns RunningJobs, from one read of
      the running jobs; the jobs of ``keys`` it does not show are no longer running (or were never
      listed), and are read on their own (those it names ``unlisted``, which the list cannot show,
      each on its own schedule), unless the source also
    - ``reads_ended``: ``read_ended(last_jobs, deadline)`` returns {key: job}, one read of how the
      jobs of ``last_jobs`` ({key: last job seen}) ended. A job that leaves the running list is then
      taken to have ended, and every such job is read in one ``read_ended`` once no followed job runs
      any more (or at the deadline); one found still running is followed again. With it, the running
      list carries whole jobs, so the first round asks it too.

    ``estimate(key, job, deadline)``: the expected total duration of a job in seconds, a
    (shortest, longest) pair, or None; a job's own progress percent takes precedence.
    ``deadline`` (a monotonic-clock value, or None) is the wait's: every read hands it to the
    HTTP client, so no retry inside a read outlives the wait."""

    reads_running = False
    reads_ended = False

    def read(self, key, deadline=None):
        raise NotImplementedError

    def read_running(self, keys, deadline=None):
        raise NotImplementedError

    def read_ended(self, last_jobs, deadline=None):
        raise NotImplementedError

    def estimate(self, key, job, deadline=None):  # pylint: disable=unused-argument
        return None


class FunctionSource(JobSource):
    """The source of a cloud read one job at a time: ``fetch(key, deadline=None)`` returns
    ``(job, retry_after)``; ``estimate(key, job)``, when given, answers without a request."""

    def __init__(self, fetch, estimate=None):
        self.fetch = fetch
        self.expected = estimate

    def read(self, key, deadline=None):
        return self.fetch(key, deadline=deadline)

    def estimate(self, key, job, deadline=None):
        return self.expected(key, job) if self.expected is not None else None


class WaitOptions(object):
    """How to wait. ``interval``: every job is polled at that fixed interval (None: the adaptive
    schedule). ``max_interval``: the cadence the adaptive schedule grows to without an estimate;
    ``max_poll_interval``: the longest a job goes unread. ``expected_duration``: the user's
    estimate of every job, which wins over the source's. ``grace``: seconds during which a job
    the API does not show counts as pending (None: a missing job is reported as missing at once).
    ``tolerate_errors``: keep the last state when a read fails for a passing reason and read
    again later (for waits); else such an error is raised. ``what`` names the jobs in messages."""

    def __init__(self, interval=None, max_interval=MAX_INTERVAL, max_poll_interval=MAX_POLL_INTERVAL, expected_duration=None,
                 grace=None, what='job', tolerate_errors=True, max_workers=DEFAULT_WORKERS):
        self.interval = interval
        self.max_interval = max_interval
        self.max_poll_interval = max_poll_interval
        self.expected_duration = expected_duration
        self.grace = grace
        self.what = what
        self.tolerate_errors = tolerate_errors
        self.max_workers = max(1, max_workers)


class WaitClock(object):
    """The time a wait runs on: ``monotonic`` (deadlines), ``sleep``, ``wall`` (epoch seconds:
    the jobs' start times are wall-clock times) and ``rand`` (the jitter, like random.uniform)."""

    def __init__(self, monotonic=None, sleep=None, wall=None, rand=None):
        self.monotonic = monotonic or time.monotonic
        self.sleep = sleep or time.sleep
        self.wall = wall or time.time
        self.rand = rand or random.uniform


class Schedule(object):
    """When to read a job next, from what the wait knows of it: no clock and no request
    (``rand`` draws the jitter)."""

    def __init__(self, interval=None, max_interval=MAX_INTERVAL, max_poll_interval=MAX_POLL_INTERVAL, rand=None):
        self.interval = interval
        self.max_interval = max_interval
        self.max_poll_interval = max_poll_interval
        self.rand = rand or random.uniform

    def next_interval(self, polls, job, retry_after, waited=0.0, window=None):
        """Seconds until the next poll of a job that has been polled ``polls`` times in a wait that
        started ``waited`` seconds ago, and may end within ``window`` (see end_window)."""
        asked = self.requested_interval(retry_after)
        return asked if asked is not None else self.adaptive_interval(polls, job, waited, window)

    def requested_interval(self, retry_after):
        """The interval the user (poll_interval) or the server (Retry-After) asked for, or None."""
        if self.interval is not None:
            return float(self.interval)
        if retry_after is not None:
            return min(self.max_poll_interval, retry_after)
        return None

    def adaptive_interval(self, polls, job, waited, window):
        """The interval when nobody asked for one: from the end window, else short at first, then
        on the steady grid (see steady_read)."""
        cap = self.steady_interval()
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
        return self.steady_read(polls, waited)

    def steady_interval(self):
        """The cadence a job's own schedule grows to without an estimate."""
        return min(self.max_interval, self.max_poll_interval)

    def steady_read(self, polls, waited):
        """Without an estimate, once the short start is over: the seconds until the next read of a job
        read ``polls`` times, the wait having started ``waited`` seconds ago. A loop that reads every
        steady_interval from the wait's start makes its (polls + 1)-th read at polls * steady_interval:
        the next read is then, or steady_interval from now if that is later (the wait read less often
        than the loop, after a Retry-After or a slow answer: no burst to catch up), and never more than
        max_poll_interval from now (the short start's extra reads are paid back over the next few). No
        jitter: once they are paid back (the 7th read, at 180 s, with the defaults) every read is one
        such a loop makes, so the wait makes no more reads than it and sees every later end when it would."""
        cap = self.steady_interval()
        return min(self.max_poll_interval, max(cap, cap * polls - waited))

    @staticmethod
    def short_start(polls):
        """The interval after a job's ``polls``-th read while its schedule starts short: 2, 6, 18 s...
        (the growth stops at 3 ** 64: a float power from 3 ** 647 on raises OverflowError, which a
        wait of a few hours at 30 s would otherwise reach)."""
        return INITIAL_INTERVAL * GROWTH ** min(64, max(0, polls - 1))

    def starts_short(self, polls):
        """Whether the schedule of a job read ``polls`` times has yet to reach its steady cadence."""
        return self.short_start(polls) < self.steady_interval()

    def fleet_cadence(self, running):
        """Seconds between the rounds of a fleet with ``running`` jobs still running (see FLEET_STEP)."""
        return min(self.max_poll_interval, max(self.steady_interval(), FLEET_STEP * running))

    def on_the_grid(self, since_start, cadence):
        """Seconds from a fleet wait's start to its next round, ``cadence`` after a round that ended
        ``since_start`` seconds after the start: the grid point of a loop that reads every steady_interval
        from the wait's start nearest to that moment, and never one already passed. The last end is then
        seen when such a loop sees it, not up to a read's time later (the rounds do not drift)."""
        step = self.steady_interval()
        return step * max(math.floor(since_start / step) + 1, round((since_start + cadence) / step))

    @staticmethod
    def age(job, wall_now, seen_for):
        """Seconds the job has run: from its start time when it tells one (at epoch ``wall_now``),
        else ``seen_for``, the time since the wait first saw it."""
        started = parse_time(job.get('started_at')) if job else None
        if started is not None:
            return max(0.0, wall_now - started)
        return max(0.0, seen_for)

    @staticmethod
    def end_window(job, age, estimate=None):
        """(earliest, latest): seconds from now until a job that has run ``age`` seconds may end
        at the earliest and at the latest (negative once passed; latest None when unknown), or
        None without an estimate. From the job's progress percent (a whole number: the true one
        lies in [p, p + 1)), else from ``estimate()``: a number of seconds, a (shortest, longest)
        pair, or None; asked only when the progress tells nothing (it may cost a read)."""
        if not job or job.get('terminal'):
            return None
        progress = job.get('progress')
        if progress and 0 < progress < 100 and age > 0:
            return age * 100.0 / (progress + 1) - age, age * 100.0 / progress - age
        total = estimate() if estimate is not None else None
        if total is None:
            return None
        shortest, longest = total if isinstance(total, tuple) else (total, total)
        return shortest - age, longest - age


# The batch reads a wait may use: a source's read_running and read_ended.
RUNNING = 'running'
ENDED = 'ended'


class WaitState(object):
    """What one run knows: the last state of each job (``jobs``), the reads made (``polls``),
    when each job still followed is read next (``due``), why the API did not show one
    (``unseen``) or the last read failed (``errors``), the jobs still running at the deadline
    (``late``), when a job left the running list (``left``: taken to have ended, read later),
    and the batch reads still in use. Every job's reads count from ``start``, as those of a loop
    started with the wait. ``read_deadline`` is what the reads get: None for a look without a wait."""

    def __init__(self, keys, start, timeout, first, batch_reads, bounded=True):
        self.keys = keys
        self.start = start
        self.deadline = start + timeout
        self.read_deadline = self.deadline if bounded else None
        self.jobs, self.unseen, self.errors, self.left = {}, {}, {}, {}
        self.polls = dict((key, 0) for key in keys)
        self.due = dict((key, first) for key in keys)
        self.late = []
        self.batch_reads = set(batch_reads)
        self.batch_misses = 0

    def uses(self, read):
        return read in self.batch_reads

    def stop_using(self, *reads):
        """The one place a batch read is dropped for the rest of the wait: it failed for good
        (the API lacks it), or keeps missing jobs that still run."""
        self.batch_reads.difference_update(reads)

    def count_miss(self):
        """A batch read said jobs had left the list while they still run (a log that lags, or
        lacks them): after BATCH_MISSES such rounds, every job is read on its own."""
        self.batch_misses += 1
        if self.batch_misses >= BATCH_MISSES:
            self.stop_using(RUNNING, ENDED)

    def followed(self):
        return bool(self.due or self.left)

    def ready(self, now):
        return [key for key in self.keys if key in self.due and self.due[key] <= now]

    def take(self, key, job, after):
        """Keep a job's answer (``after``: when its round ended); whether it is still followed."""
        self.polls[key] += 1
        self.jobs[key] = job
        if job is not None and job['terminal'] and key not in self.unseen:
            del self.due[key]
        elif after >= self.deadline:  # that was the last look
            del self.due[key]
            self.late.append(key)
        else:
            return True
        return False


class Poller(object):
    """Polls jobs through one JobSource until they end or ``timeout`` seconds pass (None: one
    look at each job, with no deadline on its reads). ``progress(jobs, elapsed, final)``: called
    after every poll round with the last state of each job, ``final`` for the last round (see
    _progress; it makes no request). ``state`` is the WaitState of the current or last run."""

    def __init__(self, source, timeout, options=None, clock=None, progress=None):
        self.source = source
        self.timeout = timeout
        self.options = options or WaitOptions()
        self.clock = clock or WaitClock()
        self.progress = progress
        self.schedule = Schedule(self.options.interval, self.options.max_interval, self.options.max_poll_interval, self.clock.rand)
        self.state = None

    def run(self, keys, first_delay=None):
        """Poll every key until all are terminal or the deadline passes.

        ``first_delay`` (e.g. a write's Retry-After) postpones the first poll.
        Returns a WaitResult; never raises on timeout (see wait_for)."""
        keys = list(dict.fromkeys(keys))
        state = self.state = self._start(keys, first_delay)
        workers = self.options.max_workers
        executor = ThreadPoolExecutor(max_workers=min(workers, len(keys))) if len(keys) > 1 and workers > 1 else None
        try:
            while state.followed():
                self._step(state, executor)
        finally:
            if executor is not None:
                executor.shutdown(wait=True)
        return WaitResult(jobs=dict((key, state.jobs.get(key)) for key in keys), elapsed=self.clock.monotonic() - state.start,
                          timed_out=bool(state.late), polls=sum(state.polls.values()), unseen=state.unseen, errors=state.errors)

    def _start(self, keys, first_delay):
        start = self.clock.monotonic()
        timeout = self.timeout or 0
        if first_delay and self.options.interval is not None:
            first_delay = min(first_delay, self.options.interval)  # an explicit poll_interval wins over the hint
        first = start + (min(first_delay, max(0.0, timeout)) if first_delay else 0.0)
        reads = [read for read, able in ((RUNNING, self.source.reads_running), (ENDED, self.source.reads_ended)) if able]
        return WaitState(keys, start, timeout, first, reads, bounded=self.timeout is not None)

    def _step(self, state, executor):
        """One round of reads, or a sleep until the next one is due."""
        # With a batch read, every round reads every job it carries: a fleet waits for its last job, so
        # the rounds follow the job estimated to end last, or without estimates how many jobs still run
        # (see _pace_the_fleet); an early failure is still seen within max_poll_interval.
        fleet = state.uses(RUNNING) and len(state.keys) > 1 and self.options.interval is None
        now = self.clock.monotonic()
        if not state.due:  # every job still followed left the running list: how did they end?
            answers = self._confirm(state, executor)
            state.due.update((key, now) for key in answers)
            after = self._take(state, answers)
        else:
            ready = state.ready(now)
            if not ready:
                self.clock.sleep(max(0.0, min(state.due.values()) - now))
                return
            others = [key for key in state.keys if key in state.due and key not in ready] if fleet else ()
            answers = self._round(state, ready, others, executor)
            for key in state.left:
                state.due.pop(key, None)
            after = self._take(state, answers)
            if fleet and state.due:
                self._pace_the_fleet(state, answers, after)
        if self.progress is not None:
            self.progress(dict((key, state.jobs.get(key)) for key in state.keys), after - state.start, final=not state.followed())

    def _read(self, state, key):
        """(job, retry_after) of one poll; a passing failure keeps the last state seen."""
        try:
            job, retry_after = self.source.read(key, state.read_deadline)
        except NotFoundError as exc:
            waited = self.clock.monotonic() - state.start
            if not self._within_grace(state):
                what = self.options.what
                raise ModuleFailure('%s %s does not exist (still not found %.0f seconds after the wait started): %s'
                                    % (what[:1].upper() + what[1:], key, waited, exc))
            state.unseen[key] = str(exc)
            return state.jobs.get(key) or pending_job(key, message='not shown by the API yet'), exc.retry_after
        except ApiError as exc:
            if not (exc.transient and self.options.tolerate_errors):
                raise
            state.errors[key] = str(exc)
            return state.jobs.get(key), exc.retry_after
        state.unseen.pop(key, None)
        state.errors.pop(key, None)
        return job, retry_after

    def _read_each(self, state, keys, executor):
        """{key: (job, retry_after)} of jobs read on their own, concurrently with an executor."""
        def read(key):
            return self._read(state, key)
        return dict(zip(keys, executor.map(read, keys) if executor else [read(key) for key in keys]))

    def _stop_unless_passing(self, state, exc, read):
        """After a failed batch read: one that failed for good is not used again in this wait
        (each job is then read on its own)."""
        if not (exc.transient and self.options.tolerate_errors):
            state.stop_using(read)

    def _read_running(self, state, keys):
        """({key: job} of the jobs of ``keys`` the source's read of the running jobs shows, the keys
        it cannot show); (None, ()) without that read, for fewer than two jobs, or when it failed."""
        if not state.uses(RUNNING) or len(keys) < 2:
            return None, ()
        try:
            running = self.source.read_running(keys, state.read_deadline)
        except ApiError as exc:
            self._stop_unless_passing(state, exc, RUNNING)
            return None, ()
        carried = dict((key, state.jobs[key]) for key in running.unchanged if key in keys and state.jobs.get(key) is not None)
        carried.update((key, job) for key, job in running.jobs.items() if key in keys and job is not None)
        for key in carried:
            state.unseen.pop(key, None)
        unseen = dict((key, why) for key, why in running.unseen.items() if key in keys and key not in carried)
        if unseen and self._within_grace(state):
            state.unseen.update(unseen)
            carried.update((key, state.jobs.get(key) or pending_job(key, message='not shown by the API yet')) for key in unseen)
            unseen = {}
        return carried, frozenset(key for key in running.unlisted if key not in carried) | frozenset(unseen)

    def _within_grace(self, state):
        """Whether a job the API does not show yet is still tolerated (the ``grace`` option)."""
        return self.options.grace is not None and self.clock.monotonic() - state.start < self.options.grace

    def _round(self, state, ready, others, executor):
        """{key: (job, retry_after)} of every key of ``ready``, and of the keys of ``others``
        the batch read answers for: the jobs it carries, and those it no longer carries
        (they ended, or changed), which are read on their own at once, or, with ``read_ended``,
        taken to have ended (they get no answer: see ``state.left``). The ready jobs it does not
        carry are read on their own; so are the jobs it says run whose state was never read."""
        batch = [key for key in list(ready) + list(others) if state.jobs.get(key) is not None or state.uses(ENDED)]
        carried, unlisted = self._read_running(state, batch)
        listed = carried is not None
        carried = carried or {}
        seen = [key for key in batch if state.jobs.get(key) is not None and not state.jobs[key]['terminal'] and key not in unlisted]
        gone = [key for key in seen if key not in carried] if listed else []
        if gone and state.uses(ENDED):
            after = self.clock.monotonic()
            state.left.update((key, after) for key in gone)
            gone = []
        alone = [key for key in ready if key not in carried and key not in state.left] + [key for key in gone if key not in ready]
        answers = self._read_each(state, alone, executor)
        self._count_misses(state, [key for key in alone if key in seen and listed], answers)
        answers.update((key, (job, None)) for key, job in carried.items())
        return answers

    @staticmethod
    def _count_misses(state, keys, answers):
        """Count a round in which the batch read left out jobs of ``keys`` that still run."""
        if any(answers[key][0] is not None and not answers[key][0]['terminal'] for key in keys if key in answers):
            state.count_miss()

    def _confirm(self, state, executor):
        """{key: (job, retry_after)} of every job that left the running list: one ``read_ended``
        for all of them; the jobs it does not answer for are read on their own."""
        keys = list(state.left)
        state.left.clear()
        found = {}
        if state.uses(ENDED):
            try:
                found = self.source.read_ended(dict((key, state.jobs.get(key)) for key in keys), state.read_deadline)
            except ApiError as exc:
                self._stop_unless_passing(state, exc, ENDED)
        answers = dict((key, (found[key], None)) for key in keys if found.get(key) is not None)
        answers.update(self._read_each(state, [key for key in keys if key not in answers], executor))
        self._count_misses(state, keys, answers)
        return answers

    def _take(self, state, answers):
        """Take a round's answers: keep each job's last state, stop following the ended ones
        (and at the deadline every one), and set when each other one is read next. Returns
        the time the round ended."""
        after = self.clock.monotonic()
        for key in [key for key in state.keys if key in answers]:
            job, retry_after = answers[key]
            if state.take(key, job, after):
                state.due[key] = min(state.deadline, after + self._next_interval(state, key, job, retry_after))
        return after

    def _next_interval(self, state, key, job, retry_after):
        asked = self.schedule.requested_interval(retry_after)
        if asked is not None:  # the job's age and end are not needed: the estimate may cost a read
            return asked
        waited = self.clock.monotonic() - state.start
        return self.schedule.adaptive_interval(state.polls[key], job, waited, self._end_window(state, key, job, self._age(state, job)))

    def _age(self, state, job):
        """Seconds the job has run: from its start time, else from the wait's start."""
        return self.schedule.age(job, self.clock.wall(), self.clock.monotonic() - state.start)

    def _end_window(self, state, key, job, age):
        def estimate():
            if self.options.expected_duration is not None:
                return self.options.expected_duration
            return self.source.estimate(key, job, state.read_deadline)
        return self.schedule.end_window(job, age, estimate)

    def _last_to_end(self, state, keys):
        """Of the jobs still followed, the one estimated to end last, or None when one of
        them has no estimate (then every job keeps its own schedule)."""
        ends = {}
        for key in keys:
            job = state.jobs.get(key)
            window = self._end_window(state, key, job, self._age(state, job))
            if window is None:
                return None
            ends[key] = window[1] if window[1] is not None else window[0]
        return max(ends, key=ends.get) if ends else None

    def _pace_the_fleet(self, state, answers, after):
        """In a fleet with a batch read, where every round reads every running job: put off
        every job just answered (without a Retry-After) but the one estimated to end last to
        max_poll_interval, as the rounds the last job needs read them anyway. Without an
        estimate for every job, the next round comes at the fleet's cadence (see FLEET_STEP),
        or earlier while the jobs' own schedules still start short."""
        due = state.due
        paced = [key for key in due if key in answers and answers[key][1] is None]
        last = self._last_to_end(state, list(due))
        if last is not None:
            for key in paced:
                if key != last:
                    due[key] = min(state.deadline, max(due[key], after + self.schedule.max_poll_interval))
            return
        cadence = self.schedule.fleet_cadence(len(due))
        if self.schedule.starts_short(min(state.polls[key] for key in due)):
            for key in paced:
                due[key] = min(due[key], after + cadence)
            return
        following = state.start + self.schedule.on_the_grid(after - state.start, cadence)
        for key in paced:
            due[key] = min(state.deadline, following)


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
    what = poller.options.what + ('s' if len(late) > 1 else '')
    message = ('Timed out after %.0f seconds (wait_timeout=%s) waiting for %s %s. It goes on in the cloud; %s.'
               % (result.elapsed, poller.timeout, what, describe_jobs(late, result.unseen), resume or 'wait again later with the same id to resume'))
    if result.unseen:
        message += ' Not shown by the API yet (unknown so far): %s.' % '; '.join(
            '%s (%s)' % (key, reason) for key, reason in result.unseen.items())
    if result.errors:
        message += ' Last failed read: %s.' % '; '.join(result.errors.values())
    jobs = dict((key, None if key in result.unseen else job) for key, job in result.jobs.items())
    raise WaitTimeout(message, jobs, result.elapsed)
