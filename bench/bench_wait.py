#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Following many jobs in one task against following each on its own.

Seeds N OTC RDS jobs with spread-out durations in the simulator, then follows them
twice with the collection's own client and poller:

- together: one Poller over all N ids (what ``rds_job_info`` with ``job_ids`` does);
- one by one: N independent Pollers, one per job (what N tasks with ``job_id``
  would do; run side by side so the benchmark does not take N times as long).

Both use the same deterministic jitter, so their schedules are comparable. The
table shows the requests each made (from the simulator's counters) and how late
each noticed the last job's end, against the poll interval in force then.

With ``--batched``, also: batched: one Poller over all N ids through the OTC task list
(_otc.TaskListJobs: pages of the running tasks, the ended ones read together), which is what
``rds_job_info`` with ``job_ids`` and ``wait`` does now.

Usage: python bench/bench_wait.py [--jobs 200] [--time-scale 10] [--max-duration 200] [--batched]
Writes bench/results/wait.json.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PROJECT_ID = '0483b6b16e954cb88930a360d2c4e663'


def collection_dir():
    """A new directory holding ``ansible_collections/dbops/patching``, a link to this checkout (for
    ANSIBLE_COLLECTIONS_PATH or sys.path)."""
    parent = tempfile.mkdtemp(prefix='bench-coll-')
    os.makedirs(os.path.join(parent, 'ansible_collections', 'dbops'))
    os.symlink(ROOT, os.path.join(parent, 'ansible_collections', 'dbops', 'patching'))
    return parent


def collection_on_path():
    """Make ``ansible_collections.dbops.patching`` importable from this checkout; the directory that holds it."""
    parent = collection_dir()
    sys.path.insert(0, parent)
    return parent


def write_results(name, data):
    """Write bench/results/NAME (JSON, keys sorted) for the next run to compare with."""
    os.makedirs(os.path.join(HERE, 'results'), exist_ok=True)
    with open(os.path.join(HERE, 'results', name), 'w') as handle:
        json.dump(data, handle, indent=2, sort_keys=True)
        handle.write('\n')


def start_simulator(time_scale):
    port_file = os.path.join(tempfile.mkdtemp(prefix='bench-sim-'), 'url')
    proc = subprocess.Popen([sys.executable, os.path.join(ROOT, 'tests', 'simulator', 'run.py'), '--port', '0',
                             '--port-file', port_file, '--time-scale', str(time_scale)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if os.path.exists(port_file) and open(port_file).read().strip():
            return proc, open(port_file).read().strip()
        time.sleep(0.1)
    proc.terminate()
    raise SystemExit('the simulator did not start within 30 s')


def admin(requests, base, method, path, body=None):
    response = requests.request(method, base + '/__admin__/' + path, json=body, timeout=30)
    response.raise_for_status()
    return response.json() if response.text else None


def seed_jobs(requests, base, count, max_duration, prefix):
    """Jobs with durations spread evenly up to max_duration simulated seconds."""
    ids = []
    for index in range(count):
        job_id = '%s-%04d' % (prefix, index)
        duration = max_duration * (index + 1) / count
        seed = dict(id=job_id, name='UpgradeMysqlMinorVersion', duration=duration,
                    instance=dict(id='inst-%04d' % index, name='db-%04d' % index))
        admin(requests, base, 'POST', 'otc/jobs', seed)
        ids.append(job_id)
    return ids


def job_requests(requests, base, prefix):
    """The reads of the jobs: GET jobs of their ids, and every GET tasklist (by id, or a page of tasks)."""
    answer = admin(requests, base, 'GET', 'requests?method=GET&path=/jobs')
    tasks = admin(requests, base, 'GET', 'requests?method=GET&path=/tasklist')
    return sum(1 for r in answer['requests'] if prefix in (r.get('query') or '')) + tasks['count']


def simulated_time(time_scale, reset_wall):
    """Clock, sleep and wall clock of the simulator's scaled time: the poller must see the jobs'
    start times and progress in the time they run in, or its estimates of their ends are off
    by the time scale."""
    def clock():
        return time.monotonic() * time_scale

    def sleep(seconds):
        time.sleep(seconds / time_scale)

    def wall():
        return reset_wall + (time.time() - reset_wall) * time_scale
    return dict(monotonic=clock, sleep=sleep, wall=wall)


def follow(ids, base, mode, timing):
    from ansible_collections.dbops.patching.plugins.module_utils._otc import OtcClient
    from ansible_collections.dbops.patching.plugins.module_utils._wait import FunctionSource, Poller, WaitClock

    params = dict(auth_url=base + '/v3', rds_url=base, project_id=PROJECT_ID, username='otcuser', password='otcpassword',
                  domain_name='OTC-EU-DE-00000000001000000001', validate_certs=True, request_timeout=30)

    def midpoint(low, high):
        return (low + high) / 2.0

    ends = {}
    if mode in ('together', 'batched'):
        from ansible_collections.dbops.patching.plugins.module_utils._otc import TaskListJobs
        client = OtcClient(dict(params))
        source = TaskListJobs(client) if mode == 'batched' else FunctionSource(client.rds_job)
        poller = Poller(source, timeout=36000, clock=WaitClock(rand=midpoint, **timing))
        result = poller.run(ids)
        ends = dict((job_id, time.monotonic()) for job_id in ids)
        return result, ends
    lock = threading.Lock()
    results = {}

    def one(job_id):
        client = OtcClient(dict(params))
        single = Poller(FunctionSource(client.rds_job), timeout=36000, clock=WaitClock(rand=midpoint, **timing)).run([job_id])
        with lock:
            results[job_id] = single
            ends[job_id] = time.monotonic()

    threads = [threading.Thread(target=one, args=(job_id,)) for job_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, ends


def interval_in_force(elapsed):
    """The adaptive poll interval (without jitter) in force ``elapsed`` seconds after the first poll."""
    from ansible_collections.dbops.patching.plugins.module_utils._wait import GROWTH, INITIAL_INTERVAL, MAX_INTERVAL

    waited, polls = 0.0, 1
    while True:
        interval = min(MAX_INTERVAL, INITIAL_INTERVAL * GROWTH ** (polls - 1))
        if waited + interval >= elapsed:
            return interval
        waited += interval
        polls += 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--jobs', type=int, default=200)
    parser.add_argument('--time-scale', type=float, default=10.0)
    parser.add_argument('--max-duration', type=float, default=200.0, help='simulated seconds of the longest job')
    parser.add_argument('--batched', action='store_true', help='also follow them through the OTC task list (rds_job_info now)')
    args = parser.parse_args()

    collection_on_path()
    import requests

    proc, base = start_simulator(args.time_scale)
    rows = []
    try:
        for mode in ('together', 'batched', 'one-by-one') if args.batched else ('together', 'one-by-one'):
            admin(requests, base, 'POST', 'reset', {})
            timing = simulated_time(args.time_scale, time.time())
            prefix = 'bench-%s' % mode
            seeded_at = time.monotonic()
            ids = seed_jobs(requests, base, args.jobs, args.max_duration, prefix)
            last_end = seeded_at + args.max_duration / args.time_scale
            started = time.monotonic()
            follow(ids, base, mode, timing)
            finished = time.monotonic()
            rows.append(dict(mode=mode, jobs=args.jobs, requests=job_requests(requests, base, prefix),
                             seconds=round(finished - started, 2),
                             late_after_last_end=round(finished - last_end, 2)))
    finally:
        proc.terminate()
        proc.wait(timeout=10)

    together, alone = rows[0], rows[-1]
    interval = interval_in_force(args.max_duration / args.time_scale)
    summary = dict(
        requests_ratio=round(together['requests'] / float(alone['requests']), 3) if alone['requests'] else None,
        poll_interval_at_last_end_s=round(interval, 2),
        within_one_interval=together['late_after_last_end'] <= interval,
    )
    print('%-11s %6s %9s %9s %18s' % ('mode', 'jobs', 'requests', 'seconds', 'late after end (s)'))
    for row in rows:
        print('%-11s %6d %9d %9.2f %18.2f' % (row['mode'], row['jobs'], row['requests'], row['seconds'], row['late_after_last_end']))
    print('requests together / one by one = %s; together noticed the last end %.2f s after it, within one poll interval (%.2f s): %s'
          % (summary['requests_ratio'], together['late_after_last_end'], summary['poll_interval_at_last_end_s'], summary['within_one_interval']))
    write_results('wait.json', dict(benchmark='wait', time_scale=args.time_scale, max_duration=args.max_duration, rows=rows,
                                    summary=summary, python=sys.version.split()[0],
                                    when=time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())))


if __name__ == '__main__':
    main()
