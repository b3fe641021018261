#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Each cloud's fleet followed through the real modules against the simulator, side by side
with a loop of ``uri`` (delay 30) in the same run.

For every cloud, N jobs (default 200) are started in the simulator with durations drawn
log-normally (median 10 simulated minutes, sigma 0.5, seeded: runs compare), then followed:

- Oracle: ``activity_log_info`` with ``job_ids`` and ``wait`` (patches started by PUT apply);
- OTC: ``rds_job_info`` with ``job_ids`` and ``wait`` (jobs seeded through the admin API);
- CenturyLink: ``server_patch`` over N ``server_ids`` with ``wait``, which starts them itself
  (one executePackage) and follows every server's queue item, then its execution;

each module's ``main()`` runs in-process (exit_json/fail_json patched, as tests/faults does) in a
forked child; then the same jobs again, followed by a ``uri`` model: one GET per job every 30
simulated seconds from the first read until it shows the job ended (the CTL model first sends
the same executePackage, then reads each server's queue item, the cheapest read that tells its end).

Time: the simulator runs at time scale 1, and whenever a wait sleeps, the simulated clock jumps
ahead by that long (admin ``advance``) instead: the run takes as long as its reads do, and the time
the reads really take counts as simulated time, as on a controller. Figures per row:

- requests: every request the simulator logged while the row followed its jobs (logins included);
- late: simulated seconds from the last job's end (from its start and duration) to the row's end;
- cpu: user+system CPU seconds of the child process around the follow (all its threads);
- peak RSS: ``ru_maxrss`` of the child process (os.wait4), which imports Ansible and the module
  itself, as a module process does. The uri model is a Python loop on one session: its CPU and
  memory are far below those of the N tasks x reads module processes a real ``uri`` loop runs.

Usage: python bench/bench_clouds.py [--jobs 200] [--seeds 7-16] [--clouds oracle,otc,clc]
Prints a table a seed and a summary over the seeds; writes bench/results/clouds.json (the rows of
the first seed at the top level, every seed's under "seeds").
"""

import argparse
import heapq
import json
import math
import os
import random
import resource
import sys
import time
import traceback
import types
from concurrent.futures import ThreadPoolExecutor

from bench_wait import admin, collection_on_path, start_simulator, write_results

MEDIAN = 600.0
SIGMA = 0.5
SHORTEST, LONGEST = 60.0, 3000.0
URI_DELAY = 30.0
WAIT_TIMEOUT = 7200
CLOUDS = ('oracle', 'otc', 'clc')
OTC_PROJECT = '0483b6b16e954cb88930a360d2c4e663'
ORACLE_DOMAIN = 'ExampleIdentityDomain'
CLC_ALIAS = 'OSD'
CLC_LINUX = 'c3c6642e-24e1-4c37-b56a-1cf1476ee360'


def durations(seed, count):
    """Seeded log-normal durations (simulated seconds), clamped to [SHORTEST, LONGEST]."""
    rand = random.Random(seed)
    return [round(min(LONGEST, max(SHORTEST, rand.lognormvariate(math.log(MEDIAN), SIGMA))), 1) for dummy in range(count)]


class SimClock(object):
    """The simulator's clock as a wait sees it: at time scale 1 it runs with the real one, and a
    sleep jumps it ahead (admin advance) instead of sleeping. ``monotonic`` adds the real clock's
    value at the start, so that it never runs behind the real one (the HTTP client measures the
    wait's deadlines on the real clock)."""

    def __init__(self, session, base):
        self.session, self.base = session, base
        self.base_monotonic = time.monotonic()
        self.anchor = self.epoch = None
        self.sync(admin(session, base, 'POST', 'advance', {'seconds': 0})['now'])

    def sync(self, now):
        self.anchor = time.monotonic() - now
        if self.epoch is None:
            self.epoch = time.time() - now  # the simulator's wall clock at its reset

    def now(self):
        """Simulated seconds since the simulator's reset."""
        return time.monotonic() - self.anchor

    def monotonic(self):
        return self.base_monotonic + self.now()

    def sleep(self, seconds):
        if seconds > 0:
            self.sync(admin(self.session, self.base, 'POST', 'advance', {'seconds': seconds})['now'])

    def time(self):
        return self.epoch + self.now()


def in_child(work):
    """Run ``work()`` in a forked child; its JSON answer plus the child's CPU and peak RSS (os.wait4)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read_end)
        try:
            answer = json.dumps(work())
        except BaseException:  # pylint: disable=broad-except
            answer = json.dumps(dict(error=traceback.format_exc()))
        with os.fdopen(write_end, 'w') as handle:
            handle.write(answer)
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as handle:
        text = handle.read()
    dummy, dummy, usage = os.wait4(pid, 0)
    answer = json.loads(text) if text else dict(error='the child gave no answer')
    if answer.get('error'):
        raise SystemExit('bench child failed:\n%s' % answer['error'])
    answer.update(process_cpu_s=round(usage.ru_utime + usage.ru_stime, 2), peak_rss_mib=round(usage.ru_maxrss / 1024.0, 1))
    return answer


def cpu_now():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def logged(session, base):
    """Requests the simulator counted since its reset (admin calls are not counted)."""
    return sum(admin(session, base, 'GET', 'requests?path=^$')['counts'].values())


# -- starting the jobs -----------------------------------------------------------------

def start_oracle(session, base, clock, times):
    """Seed an instance per job and PUT its patch: {job id: (start, duration)}."""
    from ansible_collections.dbops.patching.tests.simulator.client import Api, instance_path  # pylint: disable=import-outside-toplevel
    api = Api(base)
    jobs = {}
    for index, duration in enumerate(times):
        name = 'fleet%03d' % index
        admin(session, base, 'POST', 'oracle/instances', dict(service_type='dbaas', name=name, current_version='19.20.0.0', available=[
            dict(patchId='19.21.0.0', toVersion='19.21.0.0', duration=duration)]))
        answer = api.oracle('PUT', instance_path(name) + '/patches/19.21.0.0', json={})
        answer.raise_for_status()
        jobs[str(answer.json()['jobId'])] = (clock.now(), duration)
    api.session.close()
    return jobs


def start_otc(session, base, clock, times):
    """Seed an RDS for MySQL instance per job and start its minor-version upgrade (POST db-upgrade, as
    rds_upgrade does): {job id: (start, duration)}."""
    from ansible_collections.dbops.patching.tests.simulator.client import Api  # pylint: disable=import-outside-toplevel
    api = Api(base)
    token = api.otc_login().headers['X-Subject-Token']
    jobs = {}
    for index, duration in enumerate(times):
        instance = admin(session, base, 'POST', 'otc/instances', dict(name='db-%04d' % index, upgrade_seconds=duration))['id']
        answer = api.session.post('%s/v3/%s/instances/%s/db-upgrade' % (base, OTC_PROJECT, instance), json={'is_delayed': False},
                                  headers={'X-Auth-Token': token}, timeout=30)
        answer.raise_for_status()
        jobs[answer.json()['job_id']] = (clock.now(), duration)
    api.session.close()
    return jobs


def seed_clc(session, base, times):
    """Seed a server per job: {server id: (None, duration)} (server_patch or the model starts them)."""
    servers = {}
    for index, duration in enumerate(times):
        server_id = 'VA1OSDFLEET%03d' % index
        admin(session, base, 'POST', 'clc/servers', dict(id=server_id, os='linux', patch_duration=duration))
        servers[server_id] = (None, duration)
    return servers


def clc_started(session, base, jobs):
    """The CTL jobs with their start: an execution starts clc_queue_delay after executePackage."""
    log = admin(session, base, 'GET', 'requests?method=POST&path=executePackage')
    delay = admin(session, base, 'GET', 'state')['config']['clc_queue_delay']
    sent = max(r['time'] for r in log['requests'])
    return dict((key, (sent + delay, duration)) for key, (dummy, duration) in jobs.items())


# -- following them: the modules ---------------------------------------------------------

def module_follower(cloud, base, keys):
    """A function that, in the child, runs the cloud's module over ``keys`` and returns its result."""
    def follow():
        collection_on_path()
        import requests  # pylint: disable=import-outside-toplevel
        from ansible.module_utils import basic  # pylint: disable=import-outside-toplevel
        from ansible_collections.dbops.patching.plugins.module_utils import _wait  # pylint: disable=import-outside-toplevel
        from ansible_collections.dbops.patching.tests.simulator import clc, oracle, otc  # pylint: disable=import-outside-toplevel
        from ansible_collections.dbops.patching.tests.unit.utils.harness import ModuleExit, module_args  # pylint: disable=import-outside-toplevel
        if cloud == 'oracle':
            from ansible_collections.dbops.patching.plugins.modules.activity_log_info import main  # pylint: disable=import-outside-toplevel
            env, args = oracle.OracleCloud.environment(base), dict(job_ids=keys)
        elif cloud == 'otc':
            from ansible_collections.dbops.patching.plugins.modules.rds_job_info import main  # pylint: disable=import-outside-toplevel
            env, args = otc.OtcCloud.environment(base), dict(job_ids=keys)
        else:
            from ansible_collections.dbops.patching.plugins.modules.server_patch import main  # pylint: disable=import-outside-toplevel
            env, args = clc.ClcCloud.environment(base), dict(server_ids=keys, os='linux')
        os.environ.update(env)
        args.update(wait=True, wait_timeout=WAIT_TIMEOUT)
        session = requests.Session()
        clock = SimClock(session, base)
        _wait.time = types.SimpleNamespace(monotonic=clock.monotonic, sleep=clock.sleep, time=clock.time)

        def exit_json(module, **kwargs):
            raise ModuleExit(kwargs, failed=False)

        def fail_json(module, msg, **kwargs):
            raise ModuleExit(dict(kwargs, msg=msg, failed=True), failed=True)
        basic.AnsibleModule.exit_json = exit_json
        basic.AnsibleModule.fail_json = fail_json
        basic.AnsibleModule.warn = lambda module, warning: None
        began, cpu = clock.now(), cpu_now()
        result, failed = None, True
        try:
            with module_args(args):
                main()
        except ModuleExit as exc:
            result, failed = exc.result, exc.failed
        if result is None:
            raise SystemExit('the module returned without exit_json')
        ended = clock.now()
        cpu = cpu_now() - cpu
        if failed:
            raise SystemExit('%s failed: %s' % (cloud, result.get('msg')))
        if cloud == 'clc':
            states = [e['job']['state'] for e in result['executions']]
        else:
            states = [j['state'] for j in result['jobs']]
        return dict(began=began, ended=ended, cpu_s=round(cpu, 2), ended_ok=sum(1 for s in states if s == 'succeeded'))
    return follow


# -- following them: the uri model ---------------------------------------------------------

def uri_follower(cloud, base, keys):
    """A function that, in the child, reads every job every URI_DELAY seconds until it ended."""
    def follow():
        collection_on_path()
        import requests  # pylint: disable=import-outside-toplevel
        from ansible_collections.dbops.patching.tests.simulator.client import Api  # pylint: disable=import-outside-toplevel
        session = requests.Session()
        clock = SimClock(session, base)
        api = Api(base)
        began, cpu = clock.now(), cpu_now()
        if cloud == 'oracle':
            def read(key):
                answer = api.oracle('GET', '/paas/api/v1.1/activitylog/%s/job/%s' % (ORACLE_DOMAIN, key))
                return answer.json().get('status') in ('SUCCEED', 'FAILED', 'WARN')
        elif cloud == 'otc':  # GET /jobs does not show upgrades (DBS.200543): the task list does, by id
            token = api.otc_login().headers['X-Subject-Token']

            def read(key):
                answer = api.session.get('%s/v3/%s/tasklist' % (base, OTC_PROJECT), params={'id': key},
                                         headers={'X-Auth-Token': token}, timeout=30)
                return any(task['status'] in ('Completed', 'Failed') for task in answer.json().get('tasks', []))
        else:
            answer = api.clc('POST', '/v2/operations/%s/servers/executePackage' % CLC_ALIAS,
                             json={'servers': keys, 'package': {'packageId': CLC_LINUX, 'parameters': {'patch.debug.mode': 'false'}}})
            queue = dict((item['server'], item['links'][0]['id']) for item in answer.json())

            def read(key):
                answer = api.clc('GET', '/v2/operations/%s/status/%s' % (CLC_ALIAS, queue[key]))
                return answer.json()['status'] in ('succeeded', 'failed')
        first = clock.now()
        due = [(first, key) for key in keys]
        heapq.heapify(due)
        with ThreadPoolExecutor(max_workers=8) as pool:
            while due:
                when = due[0][0]
                if when > clock.now():
                    clock.sleep(when - clock.now())
                ready = []
                while due and due[0][0] <= clock.now():
                    ready.append(heapq.heappop(due))
                for (when, key), ended in zip(ready, pool.map(lambda item: read(item[1]), ready)):
                    if not ended:
                        heapq.heappush(due, (when + URI_DELAY, key))
        ended = clock.now()
        return dict(began=began, ended=ended, cpu_s=round(cpu_now() - cpu, 2), ended_ok=len(keys))
    return follow


# -- one row ---------------------------------------------------------------------------------

def measure(session, base, cloud, times, follower):
    admin(session, base, 'POST', 'reset', {'time_scale': 1})
    clock = SimClock(session, base)
    if cloud == 'oracle':
        jobs = start_oracle(session, base, clock, times)
    elif cloud == 'otc':
        jobs = start_otc(session, base, clock, times)
    else:
        jobs = seed_clc(session, base, times)
    before = logged(session, base)
    answer = in_child(follower(cloud, base, list(jobs)))
    count = logged(session, base) - before
    follow_count = count
    if cloud == 'clc':
        jobs = clc_started(session, base, jobs)
        # the reads after executePackage: what the wait's cadence costs (before it, server_patch reads
        # each server's executions once, to start none twice; the uri model reads nothing then)
        log = admin(session, base, 'GET', 'requests')['requests']
        sent = min(r['time'] for r in log if r['path'].endswith('/executePackage'))
        follow_count = sum(1 for r in log if r['time'] > sent and r['method'] == 'GET')
    last_end = max(start + duration for start, duration in jobs.values())
    return dict(jobs=len(jobs), requests=count, requests_per_job=round(count / float(len(jobs)), 2),
                follow_requests=follow_count, follow_requests_per_job=round(follow_count / float(len(jobs)), 2),
                late_after_last_end_s=round(answer['ended'] - last_end, 2), followed_s=round(answer['ended'] - answer['began'], 1),
                last_end_s=round(last_end, 1), cpu_s=answer['cpu_s'], process_cpu_s=answer['process_cpu_s'],
                peak_rss_mib=answer['peak_rss_mib'], ended_ok=answer['ended_ok'])


MODULES = dict(oracle='activity_log_info job_ids wait', otc='rds_job_info job_ids wait', clc='server_patch server_ids wait')
TITLES = dict(oracle='Oracle', otc='OTC', clc='CenturyLink')


def parse_seeds(text):
    """'7-16' or '7,9,11': the seeds, in order."""
    if '-' in text:
        low, high = text.split('-', 1)
        return list(range(int(low), int(high) + 1))
    return [int(seed) for seed in text.split(',') if seed]


def run_seed(session, base, clouds, seed, jobs, began):
    """The rows of one seed: each cloud through its module, then through the uri model."""
    times = durations(seed, jobs)
    rows = []
    for cloud in clouds:
        for kind, follower in (('module', module_follower), ('uri model', uri_follower)):
            row = measure(session, base, cloud, times, follower)
            row.update(cloud=cloud, seed=seed, measured_through_module=kind == 'module',
                       contender=MODULES[cloud] if kind == 'module' else 'loop of uri, delay %d (model)' % URI_DELAY)
            rows.append(row)
            print('seed %-3d %-12s %-36s done in %.0f s' % (seed, TITLES[cloud], row['contender'], time.monotonic() - began),
                  file=sys.stderr)
    return times, rows


def print_seed(seed, jobs, times, rows):
    print('fleets of %d, seed %d (durations log-normal, median %.0f s, here %.0f-%.0f s); time scale 1, sleeps jumped'
          % (jobs, seed, MEDIAN, min(times), max(times)))
    print('%-12s %-36s %9s %7s %11s %7s %7s %8s %8s' % (
        'cloud', 'contender', 'requests', 'per job', 'follow/job', 'late s', 'cpu s', 'proc cpu', 'RSS MiB'))
    for row in rows:
        print('%-12s %-36s %9d %7.2f %11.2f %7.1f %7.2f %8.2f %8.1f' % (
            TITLES[row['cloud']], row['contender'], row['requests'], row['requests_per_job'], row['follow_requests_per_job'],
            row['late_after_last_end_s'], row['cpu_s'], row['process_cpu_s'], row['peak_rss_mib']))


def print_summary(clouds, by_seed):
    """One line a cloud over every seed: the module's and the loop's lateness and requests a job."""
    print('over seeds %s: late after the last end (s) and requests a job, module vs the uri model of the same run'
          % ', '.join(map(str, sorted(by_seed))))
    print('%-12s %16s %16s %14s %14s %s' % ('cloud', 'module late', 'uri late', 'module/job', 'uri/job', 'module later than uri on'))
    for cloud in clouds:
        pairs = [(seed, [r for r in rows if r['cloud'] == cloud]) for seed, rows in sorted(by_seed.items())]
        module = [next(r for r in rows if r['measured_through_module']) for dummy, rows in pairs]
        uri = [next(r for r in rows if not r['measured_through_module']) for dummy, rows in pairs]

        def span(rows, key, form='%.1f'):
            values = [r[key] for r in rows]
            return (form + '-' + form) % (min(values), max(values))
        later = [seed for (seed, dummy), m, u in zip(pairs, module, uri) if m['late_after_last_end_s'] > u['late_after_last_end_s']]
        print('%-12s %16s %16s %14s %14s %s' % (
            TITLES[cloud], span(module, 'late_after_last_end_s'), span(uri, 'late_after_last_end_s'),
            span(module, 'requests_per_job', '%.2f'), span(uri, 'requests_per_job', '%.2f'), ', '.join(map(str, later)) or '-'))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--jobs', type=int, default=200)
    parser.add_argument('--seeds', default='7-16', help="seeds to run, '7-16' or '7,9' (the first one's rows are the top level)")
    parser.add_argument('--clouds', default=','.join(CLOUDS))
    args = parser.parse_args()
    collection_on_path()
    import requests  # pylint: disable=import-outside-toplevel

    clouds = [c for c in args.clouds.split(',') if c]
    seeds = parse_seeds(args.seeds)
    proc, base = start_simulator(1.0)
    session = requests.Session()
    by_seed, times_of = {}, {}
    began = time.monotonic()
    try:
        for seed in seeds:
            times_of[seed], by_seed[seed] = run_seed(session, base, clouds, seed, args.jobs, began)
    finally:
        session.close()
        proc.terminate()
        proc.wait(timeout=10)
    for seed in seeds:
        print_seed(seed, args.jobs, times_of[seed], by_seed[seed])
    print_summary(clouds, by_seed)
    write_results('clouds.json', dict(benchmark='clouds', jobs=args.jobs, seed=seeds[0], rows=by_seed[seeds[0]],
                                      seeds=dict((str(seed), rows) for seed, rows in by_seed.items()),
                                      median_s=MEDIAN, sigma=SIGMA,
                                      time_scale=1, sleeps='jumped (admin advance)', uri_delay=URI_DELAY,
                                      rss='ru_maxrss of the forked child that ran the follow (os.wait4)',
                                      cpu='cpu_s: RUSAGE_SELF of the child around the follow; process_cpu_s: the whole child',
                                      run_s=round(time.monotonic() - began, 1), python=sys.version.split()[0],
                                      when=time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())))
    print('wrote bench/results/clouds.json')


if __name__ == '__main__':
    main()
