#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""How soon a wait sees a job end, and how many reads that costs, side by side.

Every contender follows the same jobs, whose durations are drawn from a log-normal
distribution with a median of 30 minutes (seeded, so runs compare). Time is a fake
clock: the real _wait.Poller runs unchanged, without sleeping. Contenders:

- what users write: ``uri`` + ``until`` with ``delay: 30`` and ``delay: 5``; a fixed 10 s loop;
  a waiter that starts at 1 s and doubles up to 30 s;
- this collection without any estimate of the end;
- with the job's own progress percent and start time (OTC reports them);
- with ``expected_duration`` (the user knows how long the patch takes);
- with the shortest and longest of 10 past runs as the estimate (the Oracle activity-log
  history), while each job's real duration varies as theirs did.

Also a fleet of 200 jobs started together, followed in one task (``job_ids``).
Prints a table and writes bench/results/schedule.json.

Usage: python bench/bench_schedule.py [--jobs 300] [--fleet 200] [--seed 7]
"""

import argparse
import math
import random
import statistics

from bench_wait import collection_on_path, write_results


MEDIAN = 1800.0
SIGMA = 0.5


class Clock(object):
    def __init__(self):
        self.now = 0.0

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def job_state(make_job, key, now, end, progress):
    """The job as a cloud would show it at ``now``."""
    if now >= end:
        return make_job(key, 'DONE', 'succeeded')
    job = make_job(key, 'RUNNING', 'running', progress=int(100 * now / end) if progress else None)
    if progress:
        job['started_at'] = '1970-01-01T00:00:00Z'
    return job


def pages(records, page_size):
    """Requests of one activity-log search of ``records`` records: pages until a short one."""
    return records // page_size + 1


def follow_with_poller(_wait, make_job, ends, progress=False, estimate=None, max_poll_interval=60.0, batched=False, page_size=100):
    """(latency after the last end, requests) of one Poller over ``ends`` (key -> end).
    ``batched``: each round is one search of the running jobs, page after page (the Oracle
    activity log: whole records, as activity_log_info reads them), and the jobs that left it
    are read in one search of every record since their start once none runs (with
    ``progress``, the search carries every job's document, ended ones included, as the RDS
    task list does). Requests count pages."""
    clock = Clock()
    reads = {'n': 0}
    seen = {}

    class Cloud(_wait.JobSource):
        reads_running = batched
        reads_ended = batched and not progress

        def read(self, key, deadline=None):
            reads['n'] += 1
            job = job_state(make_job, key, clock.now, ends[key], progress)
            if job['terminal']:
                seen.setdefault(key, clock.now)
            return job, None

        def read_running(self, keys, deadline=None):
            running = [key for key in keys if clock.now < ends[key]]
            if progress:  # a task list: every job, ended ones included
                reads['n'] += pages(len(keys), page_size)
                for key in keys:
                    if clock.now >= ends[key]:
                        seen.setdefault(key, clock.now)
                return _wait.RunningJobs(dict((key, job_state(make_job, key, clock.now, ends[key], progress)) for key in keys))
            reads['n'] += pages(len(running), page_size)
            return _wait.RunningJobs(dict((key, dict(make_job(key, 'RUNNING', 'running'), started_at='1970-01-01T00:00:00Z'))
                                          for key in running))

        def read_ended(self, last_jobs, deadline=None):
            reads['n'] += pages(len(ends), page_size)
            for key in last_jobs:
                if clock.now >= ends[key]:
                    seen.setdefault(key, clock.now)
            return dict((key, job_state(make_job, key, clock.now, ends[key], progress)) for key in last_jobs)

        def estimate(self, key, job, deadline=None):
            return estimate(key, job) if estimate else None

    def detected(jobs, elapsed, final):
        """What the wait knows: a job that left the running search has ended (its record is read later)."""
        for key in ends:
            if key not in seen and key in poller.state.left:
                seen[key] = poller.state.left[key]

    poller = _wait.Poller(Cloud(), timeout=10 * 86400, options=_wait.WaitOptions(max_workers=1, max_poll_interval=max_poll_interval),
                          clock=_wait.WaitClock(clock.monotonic, clock.sleep, wall=clock.monotonic, rand=random.Random(1).uniform),
                          progress=detected)
    poller.run(list(ends))
    return dict((key, seen[key] - ends[key]) for key in ends), reads['n']


def follow_fixed(end, schedule):
    """(latency, reads) of a user loop: read at t=0, then after each delay of ``schedule``."""
    now, reads = 0.0, 0
    for delay in schedule:
        reads += 1
        if now >= end:
            return now - end, reads
        now += delay
    raise AssertionError('schedule too short')


def constant(delay):
    while True:
        yield delay


def doubling():
    delay = 1.0
    while True:
        yield delay
        delay = min(30.0, delay * 2)


def summary(latencies, reads, jobs):
    ordered = sorted(latencies)
    return dict(median_latency_s=round(statistics.median(ordered), 2), p95_latency_s=round(ordered[int(0.95 * (len(ordered) - 1))], 2),
                requests_per_job=round(reads / float(jobs), 1))


def single_jobs(_wait, make_job, durations):
    results = {}
    for name, schedule in (('uri until delay 30', lambda: constant(30.0)), ('uri until delay 5', lambda: constant(5.0)),
                           ('fixed 10 s loop', lambda: constant(10.0)), ('1 s doubling to 30 s', doubling)):
        runs = [follow_fixed(end, schedule()) for end in durations]
        results[name] = summary([r[0] for r in runs], sum(r[1] for r in runs), len(runs))
    earlier = random.Random(11)
    past = [MEDIAN * math.exp(earlier.gauss(0, SIGMA)) for dummy in range(10)]
    history = (min(past), max(past))
    contenders = (
        ('collection, no estimate', {}),
        ('collection, progress percent', dict(progress=True)),
        ('collection, expected_duration', dict(exact=True)),
        ('collection, history of 10 runs', dict(estimate=lambda key, job: history)),
        ('progress, max_poll_interval 30', dict(progress=True, max_poll_interval=30.0)),
    )
    for name, options in contenders:
        latencies, reads = [], 0
        for index, end in enumerate(durations):
            kwargs = dict(options)
            if kwargs.pop('exact', False):
                kwargs['estimate'] = lambda key, job, end=end: end
            late, count = follow_with_poller(_wait, make_job, {'j%d' % index: end}, **kwargs)
            latencies.extend(late.values())
            reads += count
        results[name] = summary(latencies, reads, len(durations))
    return results


def fleet(_wait, make_job, durations):
    ends = dict(('f%03d' % index, end) for index, end in enumerate(durations))
    last = max(ends.values())
    results = {}
    earlier = random.Random(13)
    past = [MEDIAN * math.exp(earlier.gauss(0, SIGMA)) for dummy in range(10)]
    history = (min(past), max(past))
    for name, kwargs in (('job_ids, no estimate', {}), ('job_ids, progress percent', dict(progress=True)),
                         ('job_ids batched, no estimate', dict(batched=True)),
                         ('job_ids batched, history', dict(batched=True, estimate=lambda key, job: history)),
                         ('list read with progress (model)', dict(batched=True, progress=True))):
        late, reads = follow_with_poller(_wait, make_job, ends, **kwargs)
        results[name] = dict(late_after_last_end_s=round(max(seen + end for seen, end in
                                                             ((late[k], ends[k]) for k in ends)) - last, 2),
                             requests=reads)
    loop_reads, now = 0, 0.0
    for key in sorted(ends):  # a sequential loop of uri + until, delay 30
        latency, count = follow_fixed(max(0.0, ends[key] - now), constant(30.0))
        now += max(0.0, ends[key] - now) + latency
        loop_reads += count
    results['loop of uri until delay 30'] = dict(late_after_last_end_s=round(now - last, 2), requests=loop_reads)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--jobs', type=int, default=300)
    parser.add_argument('--fleet', type=int, default=200)
    parser.add_argument('--seed', type=int, default=7)
    args = parser.parse_args()
    collection_on_path()
    from ansible_collections.dbops.patching.plugins.module_utils import _wait  # pylint: disable=import-outside-toplevel
    from ansible_collections.dbops.patching.plugins.module_utils._jobs import make_job  # pylint: disable=import-outside-toplevel

    draw = random.Random(args.seed)
    durations = [MEDIAN * math.exp(draw.gauss(0, SIGMA)) for dummy in range(args.jobs)]
    fleet_durations = [MEDIAN * math.exp(draw.gauss(0, SIGMA)) for dummy in range(args.fleet)]
    singles = single_jobs(_wait, make_job, durations)
    fleets = fleet(_wait, make_job, fleet_durations)

    print('single jobs: %d, log-normal durations, median %.0f min' % (args.jobs, MEDIAN / 60))
    print('%-32s %12s %12s %14s' % ('follower', 'median late', 'p95 late', 'reads per job'))
    for name, row in singles.items():
        print('%-32s %11.1fs %11.1fs %14.1f' % (name, row['median_latency_s'], row['p95_latency_s'], row['requests_per_job']))
    print()
    print('fleet: %d jobs started together' % args.fleet)
    print('%-32s %18s %10s' % ('follower', 'late after last', 'requests'))
    for name, row in fleets.items():
        print('%-32s %17.1fs %10d' % (name, row['late_after_last_end_s'], row['requests']))
    uri = singles['uri until delay 30']
    ratios = dict((name, dict(latency_vs_uri30=round(row['median_latency_s'] / uri['median_latency_s'], 3),
                              requests_vs_uri30=round(row['requests_per_job'] / uri['requests_per_job'], 3)))
                  for name, row in singles.items())
    write_results('schedule.json', dict(jobs=args.jobs, fleet=args.fleet, seed=args.seed, median_duration_s=MEDIAN, sigma=SIGMA,
                                        single=singles, fleet_results=fleets, ratios=ratios))
    print('\nwrote bench/results/schedule.json')


if __name__ == '__main__':
    main()
