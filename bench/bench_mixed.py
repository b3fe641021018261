#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A mixed fleet through playbooks/safe_patch.yml, the waits together: Oracle PaaS patches and OTC
minor-version upgrades in one run, one serial batch, against the simulator.

Seeds N instances, half Oracle Database Classic (a 10 s precheck, then a patch) and half RDS for MySQL
(an upgrade), each job lasting 4 minutes plus a log-normal draw (median 90 s, sigma 0.5, seeded: the
4 minutes cover the start of the batch, so every job still runs when the wait begins), and runs the
playbook once with ``-e safe_patch_wait_together=true`` (one task a cloud follows every
job of the batch: an activity-log search, or the pages of OTC's running tasks, a round).

The simulator runs at time scale 1: the modules wait in real seconds in their own processes, so a
faster simulated clock would make every read come that many times later in the jobs' lives. Figures,
from the simulator's request log (seconds):

- late: from the cloud's last job end (the accepted apply PUT or db-upgrade POST, plus its
  duration), or from the batch wait's first read when that came later, to the wait's last read
  (the activity log; the task list's pages);
- requests: everything the cloud's API took during the run (logins, prechecks, applies, reads);
  wait reads: the batch wait's reads alone;
- controller CPU and peak RSS: RUSAGE_CHILDREN around ansible-playbook (it and every module
  process it ran; the RSS is that of the largest one).

Side by side, in the same run, a loop of ``uri`` with delay 30 per job (a model: one read when the
job is accepted, then one every 30 simulated seconds until one shows its end, with a fork for
every instance, which a real loop over N hosts would not have).

Usage: python bench/bench_mixed.py [--instances 600] [--forks 50] [--seed 7]
Writes bench/results/mixed.json.
"""

import argparse
import json
import math
import os
import random
import resource
import subprocess
import sys
import tempfile
import time

import yaml

from bench_wait import admin, collection_on_path, start_simulator, write_results

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BASE = 240.0
MEDIAN = 90.0
SIGMA = 0.5
LONGEST = 900.0
PRECHECK = 10.0
URI_DELAY = 30.0


def durations(seed, count):
    rand = random.Random(seed)
    return [round(BASE + min(LONGEST, rand.lognormvariate(math.log(MEDIAN), SIGMA)), 1) for dummy in range(count)]


def seed_fleet(session, base, count, seed):
    """{host: (cloud, duration)}: half Oracle, half OTC, every instance in one inventory group."""
    times = durations(seed, count)
    fleet = {}
    for index, duration in enumerate(times):
        if index % 2 == 0:
            name = 'mx-ora-%03d' % index
            admin(session, base, 'POST', 'oracle/instances', dict(service_type='dbaas', name=name, current_version='19.20.0.0', available=[
                dict(patchId='19.21.0.0', toVersion='19.21.0.0', duration=duration, precheck_duration=PRECHECK)]))
            fleet[name] = ('oracle', duration)
        else:
            name = 'mx-rds-%03d' % index
            admin(session, base, 'POST', 'otc/instances', dict(name=name, version='8.0.21', upgrade_seconds=duration))
            fleet[name] = ('otc', duration)
    return fleet


def inventory(fleet, path):
    hosts = {}
    for name, (cloud, dummy) in fleet.items():
        hosts[name] = dict(safe_patch_service_name=name, safe_patch_cloud=cloud)
        if cloud == 'oracle':
            hosts[name]['safe_patch_patch_id'] = '19.21.0.0'
    with open(path, 'w') as handle:
        yaml.safe_dump({'databases': {'hosts': hosts}}, handle)


def job_starts(log, fleet, otc_names):
    """{host: simulated second its job was accepted}: an Oracle host's patch PUT (not its precheck's), an
    OTC host's db-upgrade POST (``otc_names``: the simulator's instance id -> name)."""
    starts = {}
    for entry in log:
        path = entry['path']
        if not entry.get('accepted'):
            continue
        if entry['method'] == 'PUT' and path.endswith('/patches/19.21.0.0'):  # a precheck's is .../patches/checks/19.21.0.0
            name = path.split('/instances/')[-1].split('/')[0]
        elif entry['method'] == 'POST' and path.endswith('/db-upgrade'):
            name = otc_names.get(path.split('/')[-2])
        else:
            continue
        if name in fleet:
            starts.setdefault(name, entry['time'])
    return starts


def uri_model(starts_and_durations):
    """(requests, moment the last end is seen) of a delay-30 loop a job from its acceptance."""
    requests, seen = 0, 0.0
    for start, duration in starts_and_durations:
        reads = int(math.ceil(duration / URI_DELAY)) + 1  # at start, then every 30 s up to the first one at or after the end
        requests += reads
        seen = max(seen, start + (reads - 1) * URI_DELAY)
    return requests, seen


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--instances', type=int, default=600)
    parser.add_argument('--forks', type=int, default=50)
    parser.add_argument('--seed', type=int, default=7)
    args = parser.parse_args()
    collections = collection_on_path()
    import requests  # pylint: disable=import-outside-toplevel
    from ansible_collections.dbops.patching.tests.simulator import oracle, otc  # pylint: disable=import-outside-toplevel

    proc, base = start_simulator(1.0)
    session = requests.Session()
    workdir = tempfile.mkdtemp(prefix='bench-mixed-')
    try:
        admin(session, base, 'POST', 'reset', {})
        fleet = seed_fleet(session, base, args.instances, args.seed)
        inventory(fleet, os.path.join(workdir, 'inventory.yml'))
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections, ANSIBLE_FORKS=str(args.forks), ANSIBLE_NOCOLOR='1')
        env.update(oracle.OracleCloud.environment(base))
        env.update(otc.OtcCloud.environment(base))
        before = len(admin(session, base, 'GET', 'requests')['requests'])
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        began = time.monotonic()
        run = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', os.path.join(workdir, 'inventory.yml'),
                              os.path.join(ROOT, 'playbooks', 'safe_patch.yml'), '-e', 'safe_patch_serial=%d' % args.instances,
                              '-e', 'safe_patch_report_dir=%s' % workdir, '-e', 'safe_patch_wait_together=true',
                              '-e', 'safe_patch_wait_timeout=%d' % (4 * (BASE + LONGEST))],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False, universal_newlines=True)
        wall = time.monotonic() - began
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        log = admin(session, base, 'GET', 'requests')['requests'][before:]
        otc_names = dict((key, value['name']) for key, value in admin(session, base, 'GET', 'state')['otc']['instances'].items())
    finally:
        session.close()
        proc.terminate()
        proc.wait(timeout=10)
    with open(os.path.join(workdir, 'playbook.log'), 'w') as handle:
        handle.write(run.stdout)
    report = os.path.join(workdir, 'safe_patch.json')
    if not os.path.exists(report):
        raise SystemExit('the playbook wrote no report (exit %d); its output: %s' % (run.returncode, os.path.join(workdir, 'playbook.log')))
    with open(report) as handle:
        outcomes = json.load(handle)['outcomes']

    starts = job_starts(log, fleet, otc_names)
    rows = {}
    for cloud in ('oracle', 'otc'):
        names = [n for n, (c, dummy) in fleet.items() if c == cloud]
        pairs = [(starts[n], fleet[n][1]) for n in names if n in starts]
        if cloud == 'oracle':
            wait_reads = [e for e in log if e['method'] == 'GET' and '/activitylog/' in e['path']]
            own = [e for e in log if '/paas/' in e['path']]
        else:  # the batch wait's reads: the running tasks' pages, and each job's first read in /jobs
            wait_reads = [e for e in log if e['method'] == 'GET' and e['path'].endswith('/tasklist') and 'offset=' in e['query']]
            pages_end = max([e['time'] for e in wait_reads] or [0])
            wait_reads += [e for e in log if e['method'] == 'GET' and e['path'].endswith('/jobs') and e['time'] <= pages_end]
            own = [e for e in log if '/v3/' in e['path']]
        last_end = max(start + duration for start, duration in pairs)
        seen = max(e['time'] for e in wait_reads)
        # the batch wait begins once every host sent its apply: the reads before (a precheck's) are not its own
        wait_reads = [e for e in wait_reads if e['time'] >= max(start for start, dummy in pairs)]
        wait_began = min(e['time'] for e in wait_reads)
        loop_requests, loop_seen = uri_model(pairs)
        rows[cloud] = dict(instances=len(names), jobs=len(pairs), requests=len(own), requests_per_instance=round(len(own) / float(len(names)), 2),
                           wait_reads=len(wait_reads), wait_reads_per_job=round(len(wait_reads) / float(len(pairs)), 2),
                           late_after_last_end_s=round(seen - max(last_end, wait_began), 1), last_end_s=round(last_end, 1),
                           wait_began_s=round(wait_began, 1), ended_before_the_wait=sum(1 for a, b in pairs if a + b < wait_began),
                           uri_model_requests=loop_requests, uri_model_requests_per_job=round(loop_requests / float(len(pairs)), 2),
                           uri_model_late_s=round(loop_seen - last_end, 1))
    cpu = (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)
    result = dict(benchmark='mixed', instances=args.instances, forks=args.forks, time_scale=1, seed=args.seed,
                  base_s=BASE, median_s=MEDIAN, sigma=SIGMA, playbook_exit=run.returncode, wall_s=round(wall, 1), outcomes=outcomes,
                  controller_cpu_s=round(cpu, 1), peak_rss_mib=round(after.ru_maxrss / 1024.0, 1), clouds=rows,
                  cpu='RUSAGE_CHILDREN around ansible-playbook: it and every module process it ran',
                  rss='ru_maxrss of RUSAGE_CHILDREN: the largest process among them',
                  when=time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()), python=sys.version.split()[0])
    print('playbooks/safe_patch.yml over %d instances (%s), waits together, forks %d, time scale 1, seed %d'
          % (args.instances, ', '.join('%d %s' % (r['instances'], c) for c, r in rows.items()), args.forks, args.seed))
    print('wall %.0f s, controller CPU %.0f s, peak RSS %.0f MiB, exit %d, outcomes %s'
          % (wall, cpu, result['peak_rss_mib'], run.returncode, outcomes))
    print('%-8s %8s %9s %11s %11s %8s %16s %12s %s' % (
        'cloud', 'requests', 'per inst', 'wait reads', 'reads/job', 'late s', 'uri model/job', 'uri late s', 'ended before the wait began'))
    for cloud, row in rows.items():
        print('%-8s %8d %9.2f %11d %11.2f %8.1f %16.2f %12.1f %d of %d' % (
            cloud, row['requests'], row['requests_per_instance'], row['wait_reads'], row['wait_reads_per_job'],
            row['late_after_last_end_s'], row['uri_model_requests_per_job'], row['uri_model_late_s'],
            row['ended_before_the_wait'], row['jobs']))
    write_results('mixed.json', result)
    print('wrote bench/results/mixed.json')


if __name__ == '__main__':
    main()
