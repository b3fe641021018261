#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""playbooks/safe_patch.yml end to end: the batch waits together (one task follows every
job of the batch) against one wait per instance, on the same fleet, in one run.

Seeds N instances in a time-scaled simulator (patches of 5 to 20 simulated minutes, two of
them failing and rolled back), runs the playbook with -f 10 twice and counts the requests
the simulator saw; then once more over a smaller fleet (20) waiting together, for its
activity-log reads. Prints a table and writes bench/results/fleet.json.

Usage: python bench/bench_fleet.py [--instances 50] [--forks 10] [--time-scale 60]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import requests
import yaml

from bench_wait import admin, collection_dir, start_simulator, write_results

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DOMAIN = 'ExampleIdentityDomain'


def seed(base, count):
    for index in range(count):
        patch = dict(patchId='19.21.0.0', toVersion='19.21.0.0', duration=300 + 900 * index / max(1, count - 1),
                     precheck_duration=60, rollback_duration=240, fail=index in (3, count // 2))
        admin(requests, base, 'POST', 'oracle/instances',
              dict(service_type='dbaas', name='bench-%03d' % index, current_version='19.20.0.0', available=[patch]))


def run(base, count, forks, together, workdir):
    admin(requests, base, 'POST', 'reset', {})
    seed(base, count)
    inventory = os.path.join(workdir, 'inventory.yml')
    hosts = dict(('bench-%03d' % n, {'safe_patch_service_name': 'bench-%03d' % n}) for n in range(count))
    with open(inventory, 'w') as handle:
        yaml.safe_dump({'databases': {'hosts': hosts, 'vars': {'safe_patch_patch_id': '19.21.0.0'}}}, handle)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collection_dir(), ORACLE_PAAS_API_URL=base, ORACLE_PAAS_IDENTITY_DOMAIN=DOMAIN,
               ORACLE_PAAS_USERNAME='username', ORACLE_PAAS_PASSWORD='password', ANSIBLE_FORKS=str(forks), ANSIBLE_NOCOLOR='1')
    began = time.monotonic()
    subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', inventory,
                    os.path.join(ROOT, 'playbooks', 'safe_patch.yml'), '-e', 'safe_patch_serial=%d' % count,
                    '-e', 'safe_patch_report_dir=%s' % workdir, '-e', 'safe_patch_wait_together=%s' % together],
                   env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall = time.monotonic() - began
    log = admin(requests, base, 'GET', 'requests')
    with open(os.path.join(workdir, 'safe_patch.json')) as handle:
        outcomes = json.load(handle)['outcomes']
    reads = sum(n for key, n in log['counts'].items() if key.startswith('GET '))
    activity = sum(n for key, n in log['counts'].items() if key.startswith('GET ') and '/activitylog/' in key)
    return dict(wall_s=round(wall, 1), requests=log['count'], reads=reads, activity_log_reads=activity, outcomes=outcomes)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--instances', type=int, default=50)
    parser.add_argument('--forks', type=int, default=10)
    parser.add_argument('--time-scale', type=float, default=60)
    parser.add_argument('--small-fleet', type=int, default=20, help='a second, smaller fleet: its activity-log reads')
    args = parser.parse_args()
    proc, base = start_simulator(args.time_scale)
    try:
        results = {}
        for name, together in (('per-instance waits', 'false'), ('batch waits together', 'true')):
            results[name] = run(base, args.instances, args.forks, together, tempfile.mkdtemp(prefix='bench-fleet-'))
        small = '%d together' % args.small_fleet
        results[small] = run(base, args.small_fleet, args.forks, 'true', tempfile.mkdtemp(prefix='bench-fleet-'))
    finally:
        proc.terminate()
        proc.wait()
    print('playbooks/safe_patch.yml: %d instances, forks %d, time scale %g' % (args.instances, args.forks, args.time_scale))
    print('%-24s %8s %10s %8s %14s  %s' % ('mode', 'wall', 'requests', 'reads', 'activity log', 'outcomes'))
    for name, row in results.items():
        print('%-24s %7.1fs %10d %8d %14d  %s' % (
            name, row['wall_s'], row['requests'], row['reads'], row['activity_log_reads'], row['outcomes']))
    per, together = results['per-instance waits'], results['batch waits together']
    ratios = dict(requests=round(together['requests'] / float(per['requests']), 3), wall=round(together['wall_s'] / per['wall_s'], 3))
    print('together / per instance: requests %.3f, wall time %.3f' % (ratios['requests'], ratios['wall']))
    write_results('fleet.json', dict(instances=args.instances, forks=args.forks, time_scale=args.time_scale,
                                     small_fleet=args.small_fleet, results=results, ratios=ratios))
    print('wrote bench/results/fleet.json')


if __name__ == '__main__':
    main()
