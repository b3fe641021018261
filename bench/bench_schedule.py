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

Also a fleet of 200 jobs started together, followed in one task (``job_ids``), and for the fleets read
in rounds, the last job while it runs alone: how late it is seen and what its rounds cost against a
loop of uri with delay 30 over the same time. A row marked (model) reads through a source no module
has. Prints a table per seed, then one line a seed, and writes bench/results/schedule.json (the rows
of ``--seed`` at the top level, every seed's under "seeds").

Usage: python bench/bench_schedule.py [--jobs 300] [--fleet 200] [--seed 7] [--seeds 7-16]
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


def follow_with_poller(_wait, make_job, ends, progress=False, estimate=None, max_poll_interval=60.0, batched=False, page_size=100,
                       log=None):
    """(latency after the last end, requests) of one Poller over ``ends`` (key -> end); ``log``, when
    given, gets (time, requests, read) of every read (``read``: 'one', 'running' or 'ended'), to count
    the requests of a part of the wait.
    ``batched``: each round is one search of the running jobs, page after page (the Oracle
    activity log: whole records, as activity_log_info reads them), and the jobs that left it
    are read in one search of every record since their start once none runs (with
    ``progress``, the search carries every job's document, ended ones included, as the RDS
    task list does). Requests count pages."""
    clock = Clock()
    reads = {'n': 0}
    seen = {}

    def count(requests, read):
        reads['n'] += requests
        if log is not None:
            log.append((clock.now, requests, read))

    class Cloud(_wait.JobSource):
        reads_running = batched
        reads_ended = batched and not progress

        def read(self, key, deadline=None):
            count(1, 'one')
            job = job_state(make_job, key, clock.now, ends[key], progress)
            if job['terminal']:
                seen.setdefault(key, clock.now)
            return job, None

        def read_running(self, keys, deadline=None):
            running = [key for key in keys if clock.now < ends[key]]
            if progress:  # a task list: every job, ended ones included
                count(pages(len(keys), page_size), 'running')
                for key in keys:
                    if clock.now >= ends[key]:
                        seen.setdefault(key, clock.now)
                return _wait.RunningJobs(dict((key, job_state(make_job, key, clock.now, ends[key], progress)) for key in keys))
            count(pages(len(running), page_size), 'running')
            return _wait.RunningJobs(dict((key, dict(make_job(key, 'RUNNING', 'running'), started_at='1970-01-01T00:00:00Z'))
                                          for key in running))

        def read_ended(self, last_jobs, deadline=None):
            count(pages(len(ends), page_size), 'ended')
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


# Rows that run the real Poller over a source no module has: they show what such a read would give,
# and meet no target (see report.py).
MODELS = ('list read with progress (model)',)


def straggler(ends, late, log):
    """The last job while it runs alone: from the end of the one before it to its own end (``alone_s``),
    how late it is seen, the requests of the rounds of that time (the final read of how every job ended
    is not one of them: it is ``ended_requests``), and those of a loop of uri with delay 30 over the
    same time, started when it is left alone."""
    order = sorted(ends, key=ends.get)
    last, before = order[-1], ends[order[-2]]
    seen = ends[last] + late[last]
    rounds = sum(count for when, count, read in log if before < when <= seen and read != 'ended')
    loop = follow_fixed(ends[last] - before, constant(30.0))[1]
    return dict(alone_s=round(ends[last] - before, 1), late_s=round(late[last], 2), requests=rounds, loop_requests=loop,
                vs_loop=round(rounds / float(loop), 3), ended_requests=sum(count for when, count, read in log if read == 'ended'))


def follow_otc_task_list(_wait, make_job, ends, log=None):
    """(latency after each end, requests) of OTC's ``rds_job_info`` with ``job_ids`` and wait: the real
    Poller over the real _otc.TaskListJobs, whose client answers from the fake clock as RDS would. A page of
    GET tasklist holds up to 50 tasks, newest first (the fleet's are the project's only tasks): a round
    reads the running ones page after page, the ended read the newest ones; a job's first read on its own
    costs one request (GET jobs answers DBS.200543 for an upgrade: the next rounds' pages look for it), a later
    one two until the list has shown it (then GET tasklist?id= too), one after. Every task carries its progress percent and start, as OTC's do."""
    from ansible_collections.dbops.patching.plugins.module_utils import _otc  # pylint: disable=import-outside-toplevel
    from ansible_collections.dbops.patching.plugins.module_utils._errors import NotFoundError  # pylint: disable=import-outside-toplevel

    clock = Clock()
    reads = {'n': 0}
    seen = {}
    order = sorted(ends, reverse=True)  # all start at 0: the list's order among them is fixed

    def count(requests, read):
        reads['n'] += requests
        if log is not None:
            log.append((clock.now, requests, read))

    def state(key):
        job = job_state(make_job, key, clock.now, ends[key], True)
        if job['terminal']:
            seen.setdefault(key, clock.now)
        return job

    class Client(object):
        listed_jobs = set()
        tasklist_usable = True

        def task_page(self, offset=0, status=None, deadline=None):
            count(1, 'running' if status == 'Running' else 'ended')
            tasks = [key for key in order if status != 'Running' or clock.now < ends[key]]
            return [state(key) for key in tasks[offset:offset + _otc.TASKLIST_LIMIT]], len(tasks)

        def rds_job(self, key, deadline=None, ask_the_list=True):
            if key not in self.listed_jobs and not ask_the_list:  # GET jobs alone: DBS.200543 for an upgrade
                count(1, 'one')
                raise NotFoundError('DBS.200543: The job does not exist.')
            count(1 if key in self.listed_jobs else 2, 'one')
            return state(key), None

    def detected(jobs, elapsed, final):
        for key in ends:
            if key not in seen and key in poller.state.left:
                seen[key] = poller.state.left[key]

    poller = _wait.Poller(_otc.TaskListJobs(Client()), timeout=10 * 86400, options=_wait.WaitOptions(max_workers=1),
                          clock=_wait.WaitClock(clock.monotonic, clock.sleep, wall=clock.monotonic, rand=random.Random(1).uniform),
                          progress=detected)
    poller.run(list(ends))
    return dict((key, seen[key] - ends[key]) for key in ends), reads['n']


def otc_task_list_row(_wait, make_job, ends):
    """The fleet row of OTC's batch source (see follow_otc_task_list)."""
    log = []
    late, reads = follow_otc_task_list(_wait, make_job, ends, log=log)
    last = max(ends.values())
    return dict(late_after_last_end_s=round(max(late[k] + ends[k] for k in ends) - last, 2), requests=reads,
                requests_per_job=round(reads / float(len(ends)), 2), model=False, straggler=straggler(ends, late, log))


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
        log = []
        late, reads = follow_with_poller(_wait, make_job, ends, log=log, **kwargs)
        results[name] = dict(late_after_last_end_s=round(max(seen + end for seen, end in
                                                             ((late[k], ends[k]) for k in ends)) - last, 2),
                             requests=reads, requests_per_job=round(reads / float(len(ends)), 2), model=name in MODELS)
        if kwargs.get('batched'):
            results[name]['straggler'] = straggler(ends, late, log)
    results['job_ids, OTC task list'] = otc_task_list_row(_wait, make_job, ends)
    loop_reads, now = 0, 0.0
    for key in sorted(ends):  # a sequential loop of uri + until, delay 30
        latency, count = follow_fixed(max(0.0, ends[key] - now), constant(30.0))
        now += max(0.0, ends[key] - now) + latency
        loop_reads += count
    results['loop of uri until delay 30'] = dict(late_after_last_end_s=round(now - last, 2), requests=loop_reads,
                                                 requests_per_job=round(loop_reads / float(len(ends)), 2), model=False)
    return results


def one_seed(_wait, make_job, jobs, size, seed):
    """The single-job and fleet rows of one seed (the single durations are drawn first)."""
    draw = random.Random(seed)
    durations = [MEDIAN * math.exp(draw.gauss(0, SIGMA)) for dummy in range(jobs)]
    fleet_durations = [MEDIAN * math.exp(draw.gauss(0, SIGMA)) for dummy in range(size)]
    singles = single_jobs(_wait, make_job, durations)
    uri = singles['uri until delay 30']
    ratios = dict((name, dict(latency_vs_uri30=round(row['median_latency_s'] / uri['median_latency_s'], 3),
                              p95_vs_uri30=round(row['p95_latency_s'] / uri['p95_latency_s'], 3),
                              requests_vs_uri30=round(row['requests_per_job'] / uri['requests_per_job'], 3)))
                  for name, row in singles.items())
    return dict(single=singles, fleet_results=fleet(_wait, make_job, fleet_durations), ratios=ratios)


def seed_list(text):
    """'7-16' or '7,9,11' -> [7, ..., 16] / [7, 9, 11]."""
    seeds = []
    for part in text.split(','):
        first, dummy, last = part.partition('-')
        seeds.extend(range(int(first), int(last or first) + 1))
    return seeds


def print_seed(seed, jobs, size, part):
    print('seed %d. single jobs: %d, log-normal durations, median %.0f min' % (seed, jobs, MEDIAN / 60))
    print('%-32s %12s %12s %14s' % ('follower', 'median late', 'p95 late', 'reads per job'))
    for name, row in part['single'].items():
        print('%-32s %11.1fs %11.1fs %14.1f' % (name, row['median_latency_s'], row['p95_latency_s'], row['requests_per_job']))
    print('fleet: %d jobs started together' % size)
    print('%-32s %15s %9s %8s   %s' % ('follower', 'late after last', 'requests', 'per job', 'last job alone: s, late, requests vs loop'))
    for name, row in part['fleet_results'].items():
        alone = describe_straggler(row['straggler']) if 'straggler' in row else ''
        print('%-32s %14.1fs %9d %8.2f   %s' % (name, row['late_after_last_end_s'], row['requests'], row['requests_per_job'], alone))
    print()


def describe_straggler(alone):
    return '%.0f s, %.1f s, %d vs %d (%.2fx)' % (alone['alone_s'], alone['late_s'], alone['requests'], alone['loop_requests'], alone['vs_loop'])


def summary_table(seeds, parts):
    """The rows issue 27 asks about, one line a seed."""
    print('%-5s %-26s %-26s %-26s %s' % ('seed', 'no estimate: med/p95/reads', 'uri delay 30: med/p95/reads',
                                         'Oracle fleet: late, req', 'straggler: alone, late, req vs loop; loop of uri'))
    for seed in seeds:
        part = parts[seed]
        none, uri = part['single']['collection, no estimate'], part['single']['uri until delay 30']
        oracle, loop = part['fleet_results']['job_ids batched, no estimate'], part['fleet_results']['loop of uri until delay 30']
        alone = oracle['straggler']
        print('%-5d %-26s %-26s %-26s %s' % (
            seed, '%.1f / %.1f / %.1f' % (none['median_latency_s'], none['p95_latency_s'], none['requests_per_job']),
            '%.1f / %.1f / %.1f' % (uri['median_latency_s'], uri['p95_latency_s'], uri['requests_per_job']),
            '%.1f s, %d (%.2f/job)' % (oracle['late_after_last_end_s'], oracle['requests'], oracle['requests_per_job']),
            '%s; %.1f s, %d' % (describe_straggler(alone), loop['late_after_last_end_s'], loop['requests'])))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--jobs', type=int, default=300)
    parser.add_argument('--fleet', type=int, default=200)
    parser.add_argument('--seed', type=int, default=7, help='the seed of the top-level rows (default 7)')
    parser.add_argument('--seeds', type=seed_list, default=seed_list('7-16'),
                        help='every seed to run (default 7-16; e.g. 7,11, or 7 alone): each is printed and written under "seeds"')
    args = parser.parse_args()
    collection_on_path()
    from ansible_collections.dbops.patching.plugins.module_utils import _wait  # pylint: disable=import-outside-toplevel
    from ansible_collections.dbops.patching.plugins.module_utils._jobs import make_job  # pylint: disable=import-outside-toplevel

    seeds = list(dict.fromkeys([args.seed] + args.seeds))
    parts = dict((seed, one_seed(_wait, make_job, args.jobs, args.fleet, seed)) for seed in seeds)
    for seed in seeds:
        print_seed(seed, args.jobs, args.fleet, parts[seed])
    summary_table(sorted(seeds), parts)
    first = parts[args.seed]
    results = dict(jobs=args.jobs, fleet=args.fleet, seed=args.seed, median_duration_s=MEDIAN, sigma=SIGMA, single=first['single'],
                   fleet_results=first['fleet_results'], ratios=first['ratios'], models=list(MODELS))
    results['seeds'] = dict((str(seed), parts[seed]) for seed in sorted(seeds))
    write_results('schedule.json', results)
    print('\nwrote bench/results/schedule.json')


if __name__ == '__main__':
    main()
