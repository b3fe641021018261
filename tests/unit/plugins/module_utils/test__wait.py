# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import threading

import pytest

from ansible_collections.dbops.patching.plugins.module_utils import _wait
from ansible_collections.dbops.patching.plugins.module_utils._errors import AuthError, BadResponseError, HttpStatusError
from ansible_collections.dbops.patching.plugins.module_utils._jobs import make_job
from ansible_collections.dbops.patching.tests.unit.utils.harness import FakeClock


class Cloud(object):
    """Jobs that end at given fake-clock times; counts the fetches."""

    def __init__(self, clock, ends, retry_after=None, progress=None):
        self.clock = clock
        self.ends = ends
        self.retry_after = retry_after
        self.progress = progress
        self.fetches = {}
        self.lock = threading.Lock()

    def fetch(self, key):
        with self.lock:
            self.fetches[key] = self.fetches.get(key, 0) + 1
        done = self.clock.now >= self.ends[key]
        job = make_job(key, 'DONE' if done else 'RUNNING', 'succeeded' if done else 'running', progress=self.progress)
        return job, self.retry_after


class Source(_wait.JobSource):
    """A test cloud's reads as a JobSource: ``fetch_many`` answers RunningJobs, ``fetch_ended`` {key: job}."""

    def __init__(self, fetch, estimate=None, fetch_many=None, fetch_ended=None):
        self.fetch, self.expected, self.fetch_many, self.fetch_ended = fetch, estimate, fetch_many, fetch_ended
        self.reads_running = fetch_many is not None
        self.reads_ended = fetch_ended is not None

    def read(self, key, deadline=None):
        return self.fetch(key)

    def read_running(self, keys, deadline=None):
        return self.fetch_many(keys)

    def read_ended(self, last_jobs, deadline=None):
        return self.fetch_ended(last_jobs)

    def estimate(self, key, job, deadline=None):
        return self.expected(key, job) if self.expected else None


def make_poller(fetch, timeout, interval=None, clock=None, sleep=None, rand=None, max_workers=_wait.DEFAULT_WORKERS, what='job',
                estimate=None, max_poll_interval=_wait.MAX_POLL_INTERVAL, wall=None, fetch_many=None, fetch_ended=None):
    """A Poller built from the keywords the tests use."""
    options = _wait.WaitOptions(interval=interval, max_poll_interval=max_poll_interval, what=what, max_workers=max_workers)
    return _wait.Poller(Source(fetch, estimate, fetch_many, fetch_ended), timeout, options=options,
                        clock=_wait.WaitClock(monotonic=clock, sleep=sleep, wall=wall, rand=rand))


def poller(cloud, clock, **kwargs):
    return make_poller(cloud.fetch, clock=clock.monotonic, sleep=clock.sleep, rand=lambda low, high: 1.0, **kwargs)


def test_adaptive_interval_starts_short_then_reads_on_the_grid_of_a_30_s_loop():
    clock = FakeClock(0)
    cloud = Cloud(clock, {'a': 200})
    result = poller(cloud, clock, timeout=1000).run(['a'])
    assert not result.timed_out
    assert clock.sleeps == [2.0, 6.0, 18.0, 60.0, 60.0, 34.0, 30.0], 'the short start, paid back at most max_poll_interval apart'
    assert cloud.fetches['a'] == 8 and clock.now == 210.0, 'the reads and the moment of a uri loop with delay 30 (0, 30, ... 210 s)'
    assert result.jobs['a']['state'] == 'succeeded'


def test_timeout_returns_the_last_state():
    clock = FakeClock(0)
    cloud = Cloud(clock, {'a': 10000})
    p = poller(cloud, clock, timeout=60, interval=20, what='patch job')
    result = p.run(['a'])
    assert result.timed_out and result.pending() == ['a']
    assert result.jobs['a']['status'] == 'RUNNING'
    assert result.elapsed == 60
    with pytest.raises(_wait.WaitTimeout) as info:
        _wait.wait_for(p, ['a'], resume='run job_info')
    assert str(info.value).startswith('Timed out after 60 seconds (wait_timeout=60) waiting for patch job a (running: RUNNING).')
    assert str(info.value).endswith('run job_info.')
    assert info.value.jobs['a']['status'] == 'RUNNING'


def test_never_seen_jobs_are_named():
    assert _wait.describe_jobs({'a': None}) == 'a (never seen)'


def test_retry_after_is_the_next_interval_and_first_delay_is_honoured():
    clock = FakeClock(0)
    cloud = Cloud(clock, {'a': 30}, retry_after=7.0)
    poller(cloud, clock, timeout=100).run(['a'], first_delay=12)
    assert clock.sleeps == [12.0, 7.0, 7.0, 7.0]


def test_an_explicit_interval_caps_the_first_delay():
    clock = FakeClock(0)
    cloud = Cloud(clock, {'a': 5})
    poller(cloud, clock, timeout=100, interval=2).run(['a'], first_delay=60)
    assert clock.sleeps == [2.0, 2.0, 2.0]


class Progressing(Cloud):
    """Jobs that report a progress percent growing linearly to their end, and their start."""

    def fetch(self, key):
        job, retry_after = super(Progressing, self).fetch(key)
        if not job['terminal']:
            job['progress'] = int(100 * self.clock.now / self.ends[key])
            job['started_at'] = '1970-01-01T00:00:00Z'
        return job, retry_after


def test_progress_gives_an_estimated_end_read_sparsely_while_far_and_often_near_it():
    clock = FakeClock(0)
    cloud = Progressing(clock, {'a': 1800})
    p = poller(cloud, clock, timeout=7200, wall=clock.monotonic, max_poll_interval=60.0)
    result = p.run(['a'])
    assert not result.timed_out and clock.now - 1800 <= 2.0, 'seen within 2 s of its end'
    assert cloud.fetches['a'] <= 60, 'a 30-minute job costs at most 60 reads'
    assert max(clock.sleeps) == 60.0, 'never more than max_poll_interval between two reads'
    clock = FakeClock(0)
    cloud = Progressing(clock, {'a': 1800})
    poller(cloud, clock, timeout=7200, wall=clock.monotonic, max_poll_interval=30.0).run(['a'])
    assert max(clock.sleeps) == 30.0 and clock.now - 1800 <= 2.0, 'a lower max_poll_interval is honoured'


def test_an_expected_duration_without_progress_gives_the_same_schedule():
    clock = FakeClock(0)
    cloud = Cloud(clock, {'a': 1800})
    p = poller(cloud, clock, timeout=7200, estimate=lambda key, job: 1800.0, max_poll_interval=60.0)
    p.run(['a'])
    assert clock.now - 1800 <= 2.0 and cloud.fetches['a'] <= 60


def test_a_job_that_runs_late_is_read_more_sparsely_again():
    clock = FakeClock(0)
    cloud = Cloud(clock, {'a': 1000})
    poller(cloud, clock, timeout=7200, estimate=lambda key, job: 300.0).run(['a'])
    late = [s for s in clock.sleeps if s > 2.0][-3:]
    assert late == sorted(late) and max(clock.sleeps) <= 60.0 and cloud.fetches['a'] < 60


def test_many_jobs_cost_no_more_requests_than_one_at_a_time():
    ends = dict(('job-%02d' % n, 5 * n) for n in range(20))
    clock = FakeClock(0)
    together = Cloud(clock, ends)
    result = poller(together, clock, timeout=1000, max_workers=4).run(list(ends))
    assert not result.timed_out
    assert list(result.jobs) == list(ends), 'results keep the order of the keys'
    alone_total = 0
    for key in ends:
        alone_clock = FakeClock(0)
        alone = Cloud(alone_clock, ends)
        poller(alone, alone_clock, timeout=1000).run([key])
        alone_total += alone.fetches[key]
    assert sum(together.fetches.values()) <= alone_total
    assert result.polls == sum(together.fetches.values())


def test_duplicate_keys_are_polled_once():
    clock = FakeClock(0)
    cloud = Cloud(clock, {'a': 0})
    assert list(poller(cloud, clock, timeout=10).run(['a', 'a']).jobs) == ['a']
    assert cloud.fetches == {'a': 1}


def test_zero_timeout_reads_once():
    clock = FakeClock(0)
    cloud = Cloud(clock, {'a': 50, 'b': 50})
    result = poller(cloud, clock, timeout=0).run(['a', 'b'])
    assert result.timed_out and cloud.fetches == {'a': 1, 'b': 1} and clock.sleeps == []


def test_missing_jobs_keep_being_polled():
    clock = FakeClock(0)
    calls = []

    def fetch(key):
        calls.append(clock.now)
        return (None, None) if len(calls) < 3 else (make_job(key, 'DONE', 'succeeded'), None)

    result = make_poller(fetch, timeout=100, interval=1, clock=clock.monotonic, sleep=clock.sleep).run(['a'])
    assert result.jobs['a']['state'] == 'succeeded' and len(calls) == 3


def test_twenty_jobs_together_cost_exactly_what_following_them_one_at_a_time_costs():
    ends = dict(('job-%02d' % n, 7 * n + 3) for n in range(20))
    clock = FakeClock(0)
    together = Cloud(clock, ends)
    result = poller(together, clock, timeout=1000, max_workers=8).run(list(ends))
    alone_counts = {}
    for key in ends:
        alone_clock = FakeClock(0)
        alone = Cloud(alone_clock, ends)
        poller(alone, alone_clock, timeout=1000).run([key])
        alone_counts[key] = alone.fetches[key]
    assert together.fetches == alone_counts, 'each job keeps its own schedule'
    assert result.polls == sum(alone_counts.values())
    assert all(job['state'] == 'succeeded' for job in result.jobs.values())


def test_fixed_poll_interval_ignores_growth_retry_after_and_progress():
    clock = FakeClock(0)
    cloud = Cloud(clock, {'a': 25}, retry_after=50.0, progress=95)
    poller(cloud, clock, timeout=100, interval=5).run(['a'])
    assert clock.sleeps == [5.0] * 5
    assert cloud.fetches == {'a': 6}


def test_retry_after_above_the_cap_is_capped():
    clock = FakeClock(0)
    cloud = Cloud(clock, {'a': 100}, retry_after=45.0)
    poller(cloud, clock, timeout=1000, max_poll_interval=60.0).run(['a'])
    assert clock.sleeps == [45.0] * 3, 'the server asked for 45 s: honoured'
    clock = FakeClock(0)
    cloud = Cloud(clock, {'a': 100}, retry_after=90.0)
    poller(cloud, clock, timeout=1000).run(['a'])
    assert clock.sleeps == [60.0] * 2, 'but never more than max_poll_interval (60 s by default)'


def test_adaptive_interval_without_an_estimate_has_no_jitter_on_the_grid():
    for rand in (lambda low, high: high, lambda low, high: low):
        p = _wait.Schedule(rand=rand)
        assert [round(p.next_interval(n, None, None), 4) for n in (1, 2, 3)] == [2.0, 6.0, 18.0]
        assert p.next_interval(50, None, None, waited=49 * 30.0) == 30.0, 'on the grid: the 51st read at 50 * 30 s, whatever is drawn'
        assert p.next_interval(50, make_job('a', 'R', 'running', progress=80), None) == 2.0, 'near the end (no start time)'


def test_timeout_with_several_jobs_names_every_late_one():
    clock = FakeClock(0)
    cloud = Cloud(clock, {'a': 10, 'b': 10000, 'c': 10000})
    p = poller(cloud, clock, timeout=30, interval=10)
    result = p.run(['a', 'b', 'c'])
    assert result.timed_out and result.pending() == ['b', 'c']
    assert result.jobs['a']['state'] == 'succeeded', 'jobs that ended are returned too'
    with pytest.raises(_wait.WaitTimeout) as info:
        _wait.wait_for(p, ['a', 'b', 'c'])
    assert str(info.value) == ('Timed out after 30 seconds (wait_timeout=30) waiting for jobs b (running: RUNNING), '
                               'c (running: RUNNING). It goes on in the cloud; wait again later with the same id to resume.')
    assert set(info.value.jobs) == {'a', 'b', 'c'} and info.value.elapsed == 30


def test_wait_for_returns_the_jobs_when_all_ended():
    clock = FakeClock(0)
    cloud = Cloud(clock, {'a': 3, 'b': 0})
    jobs = _wait.wait_for(poller(cloud, clock, timeout=100), ['a', 'b'])
    assert list(jobs) == ['a', 'b'] and all(job['terminal'] for job in jobs.values())


def test_first_delay_never_passes_the_deadline():
    clock = FakeClock(0)
    cloud = Cloud(clock, {'a': 1000})
    result = poller(cloud, clock, timeout=10).run(['a'], first_delay=60)
    assert clock.sleeps[0] == 10 and cloud.fetches == {'a': 1} and result.timed_out


def test_a_deadline_between_polls_is_not_overslept():
    clock = FakeClock(0)
    cloud = Cloud(clock, {'a': 1000})
    poller(cloud, clock, timeout=25, interval=10).run(['a'])
    assert clock.sleeps == [10.0, 10.0, 5.0] and cloud.fetches == {'a': 4}, 'one more read at the deadline itself'


def test_a_job_that_ends_between_the_last_poll_and_the_deadline_is_not_a_timeout():
    clock = FakeClock(0)
    cloud = Cloud(clock, {'a': 23})
    result = poller(cloud, clock, timeout=25, interval=10).run(['a'])
    assert not result.timed_out and result.jobs['a']['state'] == 'succeeded' and clock.now == 25


class Flaky(Cloud):
    """A cloud whose reads fail for a passing reason (a gateway error, a cut body) every other time."""

    def __init__(self, clock, ends, errors):
        super(Flaky, self).__init__(clock, ends)
        self.errors = list(errors)

    def fetch(self, key):
        if self.errors:
            error = self.errors.pop(0)
            if error is not None:
                raise error
        return super(Flaky, self).fetch(key)


def test_passing_read_failures_keep_the_last_state_until_the_deadline():
    clock = FakeClock(0)
    errors = [None, HttpStatusError('GET /j: HTTP 503', status=503), BadResponseError('GET /j: not JSON'),
              HttpStatusError('GET /j: HTTP 502', status=502, retry_after=7.0), None]
    cloud = Flaky(clock, {'a': 35}, errors)
    result = poller(cloud, clock, timeout=100, interval=10).run(['a'])
    assert not result.timed_out and result.jobs['a']['state'] == 'succeeded'
    assert clock.sleeps == [10.0] * 4 and sum(cloud.fetches.values()) == 2, 'three failed reads cost no extra poll'


def test_a_read_failing_at_the_deadline_reports_the_timeout_with_the_last_state_and_the_error():
    clock = FakeClock(0)
    cloud = Flaky(clock, {'a': 1000}, [None] + [HttpStatusError('GET /j: HTTP 504', status=504)] * 10)
    p = poller(cloud, clock, timeout=30, interval=10)
    with pytest.raises(_wait.WaitTimeout) as info:
        _wait.wait_for(p, ['a'])
    assert info.value.jobs['a']['state'] == 'running'
    assert str(info.value).endswith('Last failed read: GET /j: HTTP 504.')


def test_a_lasting_read_failure_is_raised():
    clock = FakeClock(0)
    cloud = Flaky(clock, {'a': 1000}, [None, AuthError('GET /j: HTTP 403', status=403)])
    with pytest.raises(AuthError):
        poller(cloud, clock, timeout=30, interval=10).run(['a'])


def test_every_read_gets_the_deadline_of_the_wait():
    clock = FakeClock(0)
    seen = []

    def fetch(key, deadline=None):
        seen.append(deadline)
        return make_job(key, 'DONE', 'succeeded'), None

    _wait.Poller(_wait.FunctionSource(fetch), timeout=40, clock=_wait.WaitClock(clock.monotonic, clock.sleep)).run(['a'])
    assert seen == [40]


def test_defaults_use_the_real_clock_without_sleeping_for_terminal_jobs():
    p = _wait.Poller(_wait.FunctionSource(lambda key, deadline=None: (make_job(key, 'DONE', 'succeeded'), None)), timeout=5)
    result = p.run(['a'])
    assert not result.timed_out and result.polls == 1 and result.elapsed >= 0


class Listing(Cloud):
    """A cloud with a list read that answers for every job still running, in one request."""

    def __init__(self, clock, ends, fail_lists=0, **kwargs):
        super(Listing, self).__init__(clock, ends, **kwargs)
        self.lists = 0
        self.fail_lists = fail_lists

    def fetch_many(self, keys):
        self.lists += 1
        if self.lists <= self.fail_lists:
            raise HttpStatusError('GET /list: HTTP 503', status=503)
        return _wait.RunningJobs(unchanged=[key for key in keys if self.clock.now < self.ends[key]])


def test_a_batch_round_reads_every_running_job_and_only_the_last_one_densely():
    clock = FakeClock(0)
    ends = dict(('j%02d' % n, 600.0 + 60 * n) for n in range(10))
    cloud = Listing(clock, ends)
    result = poller(cloud, clock, timeout=7200, estimate=lambda key, job: (ends[key], ends[key]),
                    fetch_many=cloud.fetch_many).run(list(ends))
    assert all(job['state'] == 'succeeded' for job in result.jobs.values())
    assert [cloud.fetches[key] for key in sorted(ends)][:-1] == [2] * 9, 'on its own: a first read, and one at its end'
    assert cloud.lists <= 20, 'one list read a minute (max_poll_interval) while the last job is far from its end'
    assert clock.now - max(ends.values()) <= 2.0, 'the last job is read densely near its end'


def test_a_failed_batch_read_falls_back_to_reading_the_due_jobs():
    clock = FakeClock(0)
    cloud = Listing(clock, {'a': 30.0, 'b': 40.0}, fail_lists=100)
    result = poller(cloud, clock, timeout=600, fetch_many=cloud.fetch_many).run(['a', 'b'])
    assert result.jobs['a']['state'] == result.jobs['b']['state'] == 'succeeded'
    assert cloud.fetches['a'] >= 3 and cloud.fetches['b'] >= 3


def test_without_an_estimate_for_every_job_each_keeps_its_own_schedule():
    clock = FakeClock(0)
    cloud = Listing(clock, {'a': 100.0, 'b': 200.0})
    poller(cloud, clock, timeout=600, fetch_many=cloud.fetch_many).run(['a', 'b'])
    assert clock.now - 200.0 <= 30.0 and cloud.lists <= 15


class Blind(Listing):
    """A list read that never shows the jobs (an API whose activity log lacks them)."""

    def fetch_many(self, keys):
        self.lists += 1
        return _wait.RunningJobs()


def test_a_batch_read_that_keeps_missing_running_jobs_is_dropped():
    clock = FakeClock(0)
    ends = dict(('j%d' % n, 3000.0) for n in range(5))
    cloud = Blind(clock, ends)
    result = poller(cloud, clock, timeout=7200, fetch_many=cloud.fetch_many).run(list(ends))
    assert all(job['state'] == 'succeeded' for job in result.jobs.values())
    assert cloud.lists == _wait.BATCH_MISSES, 'dropped after it missed running jobs that many rounds'
    per_job = Cloud(clock, dict((key, clock.now + 3000.0) for key in ends))
    poller(per_job, clock, timeout=7200).run(list(ends))
    assert sum(cloud.fetches.values()) <= sum(per_job.fetches.values()) + _wait.BATCH_MISSES * len(ends)


def test_a_batch_read_the_api_does_not_have_is_dropped_at_once():
    clock = FakeClock(0)
    cloud = Listing(clock, {'a': 100.0, 'b': 200.0})

    def missing(keys):
        cloud.lists += 1
        raise HttpStatusError('GET /list: HTTP 404', status=404)

    result = poller(cloud, clock, timeout=600, fetch_many=missing).run(['a', 'b'])
    assert result.jobs['b']['state'] == 'succeeded' and cloud.lists == 1


def test_without_an_estimate_a_long_job_costs_a_uri_loops_reads_and_is_seen_when_it_would_see_it():
    clock = FakeClock(0)
    cloud = Cloud(clock, {'a': 3601.0})
    poller(cloud, clock, timeout=7200).run(['a'])
    assert cloud.fetches['a'] == 3630 / 30 + 1 and clock.now == 3630.0, 'a delay-30 loop: 0, 30, ... 3630 s'
    assert max(clock.sleeps) == 60.0 and set(clock.sleeps[6:]) == {30.0}, 'max_poll_interval while paying back, then 30 s'
    start = clock.now
    capped = Cloud(clock, {'a': start + 3601.0})
    poller(capped, clock, timeout=7200, max_poll_interval=30).run(['a'])
    assert max(clock.sleeps[-100:]) == 30.0, 'max_poll_interval 30: never more than 30 s apart'
    assert capped.fetches['a'] == cloud.fetches['a'] + 2 and clock.now - start == 3626.0, 'reads at 26 + 30k s: 2 more here'


class RunningList(Listing):
    """A list of the running jobs that carries whole jobs (the Oracle activity-log search),
    and one read of how jobs ended; counts both."""

    def __init__(self, clock, ends, **kwargs):
        super(RunningList, self).__init__(clock, ends, **kwargs)
        self.ended_reads = 0

    def fetch_many(self, keys):
        self.lists += 1
        return _wait.RunningJobs(dict((key, make_job(key, 'RUNNING', 'running', started_at='1970-01-01T00:00:00Z'))
                                      for key in keys if self.clock.now < self.ends[key]))

    def fetch_ended(self, jobs):
        self.ended_reads += 1
        return dict((key, make_job(key, 'DONE', 'succeeded')) for key in jobs if self.clock.now >= self.ends[key])


def test_a_fleet_is_read_in_rounds_and_how_its_jobs_ended_in_one_read():
    clock = FakeClock(0)
    ends = dict(('j%03d' % n, 600.0 + 17.0 * n) for n in range(100))
    cloud = RunningList(clock, ends)
    result = poller(cloud, clock, timeout=7200, fetch_many=cloud.fetch_many, fetch_ended=cloud.fetch_ended).run(list(ends))
    assert all(job['state'] == 'succeeded' and job['terminal'] for job in result.jobs.values())
    assert cloud.ended_reads == 1 and list(cloud.fetches) == ['j099'], 'no job read on its own but the last, once it runs alone'
    assert clock.now - max(ends.values()) <= 30.0, 'the last jobs are read every 30 s'
    assert cloud.lists < 100, 'rounds at the contract\'s cadence while many jobs run'


def test_a_straggler_costs_a_uri_loop_and_is_seen_within_30_s():
    clock = FakeClock(0)
    cloud = RunningList(clock, {'a': 100.0, 'b': 4000.0})
    poller(cloud, clock, timeout=7200, fetch_many=cloud.fetch_many, fetch_ended=cloud.fetch_ended).run(['a', 'b'])
    loop = 3900 // 30 + 1 + 1  # a delay-30 loop over its 3,900 s alone: 0, 30, ... 3,930 s
    assert cloud.fetches.get('b', 0) + cloud.lists <= 1.2 * loop, 'no more than 1.2 times a delay-30 loop (lists from the start)'
    assert clock.now - 4000.0 <= 30.0, 'seen within 30 s of its end'


def test_a_failed_read_of_how_jobs_ended_reads_them_on_their_own():
    clock = FakeClock(0)
    ends = dict(('j%d' % n, 100.0 + n) for n in range(5))
    cloud = RunningList(clock, ends)

    def broken(jobs):
        cloud.ended_reads += 1
        raise HttpStatusError('GET /filter: HTTP 500', status=500)

    result = poller(cloud, clock, timeout=7200, fetch_many=cloud.fetch_many, fetch_ended=broken).run(list(ends))
    assert all(job['state'] == 'succeeded' for job in result.jobs.values()) and cloud.ended_reads == 1
    assert all(cloud.fetches[key] == 1 for key in ends)


def test_the_schedule_starts_short_and_honours_what_was_asked_for():
    schedule = _wait.Schedule(rand=lambda low, high: high)
    assert [schedule.short_start(n) for n in (1, 2, 3, 4)] == [2.0, 6.0, 18.0, 54.0]
    assert schedule.starts_short(3) and not schedule.starts_short(4), '54 s is past the steady 30 s'
    assert schedule.next_interval(1, None, 90.0) == 60.0, 'a Retry-After, never above max_poll_interval'
    assert _wait.Schedule(interval=5).next_interval(1, None, 90.0) == 5.0, 'poll_interval wins over Retry-After'
    assert schedule.next_interval(50, None, None, waited=3000.0) == 30.0, 'a job read for 50 minutes: still every 30 s'


def test_the_end_window_comes_from_the_progress_else_from_the_estimate_asked_only_then():
    asked = []

    def estimate():
        asked.append(1)
        return (600.0, 900.0)

    running = make_job('a', 'RUNNING', 'running', progress=50)
    assert _wait.Schedule.end_window(running, 100.0, estimate) == (100.0 * 100 / 51 - 100.0, 100.0)
    assert asked == [], 'the progress percent decides: no estimate (it may cost a read)'
    assert _wait.Schedule.end_window(make_job('a', 'RUNNING', 'running'), 700.0, estimate) == (-100.0, 200.0) and asked == [1]
    assert _wait.Schedule.end_window(make_job('a', 'DONE', 'succeeded'), 700.0, estimate) is None


def test_the_interval_follows_the_end_window():
    schedule = _wait.Schedule(rand=lambda low, high: high)
    assert schedule.next_interval(5, None, None, window=(300.0, 400.0)) == 60.0, 'far from its end: at most max_poll_interval'
    assert schedule.next_interval(5, None, None, window=(40.0, 400.0)) == 20.0, 'half the time to its earliest end'
    assert schedule.next_interval(5, None, None, window=(-10.0, 190.0)) == 10.0, 'inside the window: about 20 reads across it'
    assert schedule.next_interval(5, None, None, window=(-200.0, -100.0)) == 25.0, 'late: a quarter of the delay'
    assert schedule.next_interval(5, None, None, window=(-10.0, None)) == 30.0, 'no latest end: the steady cadence'


def test_a_jobs_age_is_from_its_start_time_else_from_when_it_was_first_seen():
    started = make_job('a', 'RUNNING', 'running', started_at='1970-01-01T00:01:40Z')
    assert _wait.Schedule.age(started, 400.0, 5.0) == 300.0
    assert _wait.Schedule.age(make_job('a', 'RUNNING', 'running'), 400.0, 5.0) == 5.0
    assert _wait.Schedule.age(None, 400.0, -1.0) == 0.0


def test_a_fleets_rounds_follow_how_many_jobs_still_run():
    schedule = _wait.Schedule()
    assert schedule.fleet_cadence(1) == schedule.fleet_cadence(6) == 30.0, 'the last few jobs: a delay-30 loop\'s cadence'
    assert schedule.fleet_cadence(8) == 40.0, '5 s a job still running'
    assert schedule.fleet_cadence(100) == 60.0, 'never sparser than max_poll_interval'
    assert _wait.Schedule(max_poll_interval=20.0).fleet_cadence(1) == 20.0, 'nor than a smaller max_poll_interval'


def test_a_fleets_rounds_stay_on_the_grid_of_a_loop_started_with_the_wait():
    schedule = _wait.Schedule()
    assert schedule.on_the_grid(30.4, 30.0) == 60.0, 'the time a round takes does not push the next one off the grid'
    assert schedule.on_the_grid(60.4, 60.0) == 120.0
    assert schedule.on_the_grid(30.4, 40.0) == 60.0, 'a cadence between two grid points: the nearest'
    assert schedule.on_the_grid(95.0, 30.0) == 120.0, 'a round that ended late: the next grid point, never a passed one'
    assert schedule.on_the_grid(26.0, 30.0) == 60.0, 'after the short start'
    assert _wait.Schedule(max_poll_interval=20.0).on_the_grid(20.2, 20.0) == 40.0, 'the grid of a smaller max_poll_interval'


def test_a_fleets_last_end_is_seen_when_a_delay_30_loop_sees_it():
    """Batch rounds without an estimate: the rounds do not drift by the time each takes (here 2 s)."""
    class Slow(_wait.JobSource):
        reads_running = True

        def __init__(self, clock, ends):
            self.clock, self.ends = clock, ends

        def state(self, key):
            self.clock.now += 0.1
            done = self.clock.now >= self.ends[key]
            return make_job(key, 'DONE' if done else 'RUNNING', 'succeeded' if done else 'running')

        def read(self, key, deadline=None):
            return self.state(key), None

        def read_running(self, keys, deadline=None):
            self.clock.now += 2.0
            return _wait.RunningJobs(dict((key, make_job(key, 'RUNNING', 'running')) for key in keys if self.clock.now < self.ends[key]))
    clock = FakeClock(0)
    ends = {'a': 300.0, 'b': 1000.0, 'c': 1180.0}
    poller = _wait.Poller(Slow(clock, ends), timeout=7200, options=_wait.WaitOptions(max_workers=1),
                          clock=_wait.WaitClock(clock.monotonic, clock.sleep))
    result = poller.run(list(ends))
    assert all(job['state'] == 'succeeded' for job in result.jobs.values())
    assert 1200.0 < clock.now <= 1202.5, 'seen by the round at the loop\'s first read after the end (1200 s): %s' % clock.now


def test_a_first_delay_does_not_shift_the_grid_of_a_loop_started_with_the_wait():
    clock = FakeClock(0)
    reads = []

    def fetch(key, deadline=None):
        reads.append(clock.now)
        done = clock.now >= 1000.0
        return make_job(key, 'DONE' if done else 'RUNNING', 'succeeded' if done else 'running'), None
    _wait.Poller(_wait.FunctionSource(fetch), timeout=3600, clock=_wait.WaitClock(clock.monotonic, clock.sleep)).run(['a'], first_delay=2.0)
    assert reads[0] == 2.0, 'the first read waits the first delay'
    assert [t % 30.0 for t in reads if t >= 180.0] == [0.0] * len([t for t in reads if t >= 180.0]), reads
    assert reads[-1] == 1020.0, 'the end is seen by the loop\'s read at 1020 s'


def reads_until(schedule, end, first=0.0):
    """(reads, moment the end is seen) of a wait that follows, with ``schedule`` alone, a job ending at ``end``."""
    now, polls = first, 0
    while True:
        polls += 1
        if now >= end:
            return polls, now
        now += schedule.next_interval(polls, None, None, waited=now - first)


def test_without_an_estimate_every_end_after_150_s_costs_and_is_seen_as_in_a_delay_30_loop():
    schedule = _wait.Schedule(rand=lambda low, high: low)
    for end in [150.5 + 7.3 * n for n in range(3000)]:
        loop = int(-(-end // 30)) + 1  # a uri loop with delay 30: reads at 0, 30, ..., the first at or after the end
        assert reads_until(schedule, end) == (loop, 30.0 * (loop - 1)), end
    assert reads_until(schedule, 1.0) == (2, 2.0) and reads_until(schedule, 20.0) == (4, 26.0), 'an early end is seen sooner'
    assert reads_until(schedule, 27.0) == (5, 86.0), 'one in the payback: later than the loop (30 s), at as many reads'


def test_the_steady_grid_pays_back_the_short_start_and_never_catches_up_on_reads_it_did_not_make():
    schedule = _wait.Schedule()
    assert [schedule.steady_read(polls, waited) for polls, waited in ((4, 26.0), (5, 86.0), (6, 146.0), (7, 180.0))] == \
        [60.0, 60.0, 34.0, 30.0], 'the 5th read is due at 120 s, the 6th at 150 s: at most max_poll_interval apart'
    assert schedule.steady_read(10, 400.0) == 30.0, 'behind the loop (after a Retry-After): 30 s, no burst to catch up'
    assert schedule.steady_read(7, 180.4) == 30.0, 'a slow answer: 30 s after it, as a uri loop\'s delay'
    strict = _wait.Schedule(max_poll_interval=30.0)
    assert strict.steady_read(4, 26.0) == 30.0, 'max_poll_interval 30: never more than 30 s apart, nothing paid back'
    assert schedule.next_interval(5000, None, None, waited=4999 * 30.0) == 30.0, 'a wait of 40 hours: no OverflowError'
    slower = _wait.Schedule(max_interval=45.0)
    assert slower.steady_read(4, 26.0) == 60.0 and slower.steady_read(20, 19 * 45.0) == 45.0, 'the grid of a 45 s loop'


def test_the_wait_state_keeps_each_answer_and_drops_a_batch_read_in_one_place():
    state = _wait.WaitState(['a', 'b', 'c'], start=0.0, timeout=100.0, first=0.0, batch_reads=[_wait.RUNNING, _wait.ENDED])
    assert state.read_deadline == 100.0 and state.ready(0.0) == ['a', 'b', 'c']
    assert state.take('a', make_job('a', 'DONE', 'succeeded'), 10.0) is False and 'a' not in state.due
    assert state.take('b', make_job('b', 'RUNNING', 'running'), 10.0) is True
    assert state.take('c', make_job('c', 'RUNNING', 'running'), 100.0) is False and state.late == ['c'], 'the last look'
    for dummy in range(_wait.BATCH_MISSES - 1):
        state.count_miss()
    assert state.uses(_wait.RUNNING) and state.uses(_wait.ENDED)
    state.count_miss()
    assert not state.uses(_wait.RUNNING) and not state.uses(_wait.ENDED)
    look = _wait.WaitState(['a'], start=5.0, timeout=0, first=5.0, batch_reads=[], bounded=False)
    assert look.deadline == 5.0 and look.read_deadline is None


def test_a_function_source_reads_one_job_with_the_deadline_and_has_no_batch_read():
    seen = []

    def fetch(key, deadline=None):
        seen.append((key, deadline))
        return make_job(key, 'DONE', 'succeeded'), 3.0

    source = _wait.FunctionSource(fetch, estimate=lambda key, job: 600.0)
    assert source.read('a', 42.0)[1] == 3.0 and seen == [('a', 42.0)]
    assert source.estimate('a', None, 42.0) == 600.0 and _wait.FunctionSource(fetch).estimate('a', None) is None
    assert not source.reads_running and not source.reads_ended


def test_the_users_expected_duration_wins_over_the_sources_estimate():
    clock = FakeClock(0)
    cloud = Cloud(clock, {'a': 1800})
    options = _wait.WaitOptions(expected_duration=1800.0)
    source = _wait.FunctionSource(lambda key, deadline=None: cloud.fetch(key), estimate=lambda key, job: 60.0)
    _wait.Poller(source, 7200, options=options, clock=_wait.WaitClock(clock.monotonic, clock.sleep, rand=lambda low, high: 1.0)).run(['a'])
    assert clock.now - 1800 <= 2.0 and cloud.fetches['a'] <= 60, 'the schedule of test_an_expected_duration_without_progress_gives_the_same_schedule'
