#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Merges the results `make bench` just wrote (schedule, wait, task, fleet, simulator) into
bench/results/latest.json: every metric per contender, the ratios, and each target of the
waits issue with the figure measured and whether it is met. Prints the targets table.

Usage: python bench/report.py
"""

import json
import os
import time

from bench_wait import HERE, write_results

PARTS = ('schedule', 'wait', 'task', 'fleet', 'simulator')


def load(name):
    path = os.path.join(HERE, 'results', name + '.json')
    if not os.path.exists(path):
        return None
    with open(path) as handle:
        return json.load(handle)


def targets(parts):
    """(target, measured, met) rows; a part that did not run gives no row."""
    rows = []
    schedule, task, fleet = parts.get('schedule'), parts.get('task'), parts.get('fleet')
    if schedule:
        single, fleets = schedule['single'], schedule['fleet_results']
        uri = single['uri until delay 30']
        for name in ('collection, progress percent', 'collection, expected_duration'):
            row = single[name]
            rows.append(('ETA known (%s): median late <= 3 s, <= 60 reads per job' % name.split(', ')[1],
                         '%.1f s, %.1f reads' % (row['median_latency_s'], row['requests_per_job']),
                         row['median_latency_s'] <= 3 and row['requests_per_job'] <= 60))
        none = single['collection, no estimate']
        # Without an estimate, a job that has run for more than 25 minutes is read every 1/50 of its age (at most
        # max_poll_interval): fewer reads than uri's flat 30 s, its end seen a little later (the latency is shown).
        rows.append(('no ETA: no more reads than uri delay 30 (%.1f a job; median late %.1f s)'
                     % (uri['requests_per_job'], uri['median_latency_s']),
                     '%.1f reads, %.1f s late' % (none['requests_per_job'], none['median_latency_s']),
                     none['requests_per_job'] <= uri['requests_per_job']))
        oracle = fleets['job_ids batched, no estimate']
        rows.append(('Oracle fleet of %d, no ETA: <= 5 s late after the last end, <= 400 requests' % schedule['fleet'],
                     '%.1f s, %d requests' % (oracle['late_after_last_end_s'], oracle['requests']),
                     oracle['late_after_last_end_s'] <= 5 and oracle['requests'] <= 400))
        best = fleets['list read with progress (model)']
        rows.append(('fleet of %d, ETA known: <= 3 s late after the last end, <= 500 requests' % schedule['fleet'],
                     '%.1f s, %d requests' % (best['late_after_last_end_s'], best['requests']),
                     best['late_after_last_end_s'] <= 3 and best['requests'] <= 500))
        batched, alone = fleets['job_ids batched, no estimate'], fleets['job_ids, no estimate']
        ratio = batched['requests'] / float(alone['requests'])
        rows.append(('Oracle batched activity-log rounds: <= 1/10 of the reads of per-job polling',
                     '%d vs %d reads (%.3f)' % (batched['requests'], alone['requests'], ratio), ratio <= 0.1))
    if task:
        ratio = task['ratios']['task_time_module_vs_uri']
        rows.append(('per-task overhead <= 1.3x uri (median of %d)' % task['tasks'], '%.3fx' % ratio, ratio <= 1.3))
        module_peak = max(row['peak_rss_mib'] for name, row in task['rows'].items() if name.startswith('rds_job_info'))
        rows.append(('module peak RSS <= 80 MiB, also following %d jobs' % task['fleet'], '%.1f MiB' % module_peak,
                     module_peak <= 80))
    if fleet:
        together, alone = fleet['results']['batch waits together'], fleet['results']['per-instance waits']
        rows.append(('safe_patch.yml over %d instances, forks %d: waiting together is faster' % (fleet['instances'], fleet['forks']),
                     '%.1f s vs %.1f s, %d vs %d requests' % (
                         together['wall_s'], alone['wall_s'], together['requests'], alone['requests']),
                     together['wall_s'] < alone['wall_s'] and together['requests'] <= alone['requests']))
        small = next((row for name, row in fleet['results'].items() if name.endswith(' together') and name[0].isdigit()), None)
        if small is not None:
            rows.append(('safe_patch.yml over a fleet of %s: <= 30 activity-log reads' % fleet.get('small_fleet', 20),
                         '%d reads' % small['activity_log_reads'], small['activity_log_reads'] <= 30))
    return rows


def main():
    parts = dict((name, load(name)) for name in PARTS)
    parts = dict((name, part) for name, part in parts.items() if part is not None)
    rows = targets(parts)
    print('%-86s %-34s %s' % ('target', 'measured', 'met'))
    for target, measured, met in rows:
        print('%-86s %-34s %s' % (target, measured, 'yes' if met else 'NO'))
    write_results('latest.json', dict(when=time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()), parts=parts,
                                      targets=[dict(target=t, measured=m, met=bool(ok)) for t, m, ok in rows]))
    print('wrote bench/results/latest.json')


if __name__ == '__main__':
    main()
