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

PARTS = ('schedule', 'wait', 'task', 'fleet', 'simulator', 'clouds', 'mixed')


def load(name):
    path = os.path.join(HERE, 'results', name + '.json')
    if not os.path.exists(path):
        return None
    with open(path) as handle:
        return json.load(handle)


def seeds_of(schedule):
    """{seed: rows of that seed}: every seed bench_schedule.py ran (--seeds), else the one seed."""
    if schedule.get('seeds'):
        return dict((int(seed), part) for seed, part in schedule['seeds'].items())
    return {schedule['seed']: dict(single=schedule['single'], fleet_results=schedule['fleet_results'])}


def on_seeds(seeds, met):
    """'all 10 seeds (7-16)' / '3 of 10 seeds (NO on 8, 11)' and whether ``met(part)`` holds on every seed."""
    failed = [seed for seed in sorted(seeds) if not met(seeds[seed])]
    if len(seeds) == 1:
        return 'seed %d only' % min(seeds), not failed
    span = '%d-%d' % (min(seeds), max(seeds))
    if not failed:
        return 'all %d seeds (%s)' % (len(seeds), span), True
    if len(failed) == len(seeds):
        return 'no seed of %s' % span, False
    return '%d of %d seeds (%s; NO on %s)' % (len(seeds) - len(failed), len(seeds), span, ', '.join(map(str, failed))), False


def spread(seeds, figure, form='%.1f'):
    """'5.9-21.9': the smallest and largest of ``figure(part)`` over the seeds."""
    values = [figure(part) for part in seeds.values()]
    return (form + '-' + form) % (min(values), max(values))


def schedule_targets(schedule):
    """The targets bench_schedule.py measures. A row the bench marks as a model (a read no module makes)
    shows its figure but meets no target: a target is met only through the code users run."""
    rows = []
    single, fleets = schedule['single'], schedule['fleet_results']
    seeds = seeds_of(schedule)
    models = set(schedule.get('models', ())) | set(name for name, row in fleets.items() if row.get('model'))
    for name in ('collection, progress percent', 'collection, expected_duration'):
        row = single[name]
        rows.append(('ETA known (%s): median late <= 3 s, <= 60 reads per job' % name.split(', ')[1],
                     '%.1f s, %.1f reads' % (row['median_latency_s'], row['requests_per_job']),
                     row['median_latency_s'] <= 3 and row['requests_per_job'] <= 60))

    def no_eta(part):
        none, uri = part['single']['collection, no estimate'], part['single']['uri until delay 30']
        return all(none[key] <= uri[key] for key in ('median_latency_s', 'p95_latency_s', 'requests_per_job'))
    none, uri = single['collection, no estimate'], single['uri until delay 30']
    where, met = on_seeds(seeds, no_eta)
    rows.append(('no ETA, single job: median and p95 late, reads <= uri delay 30\'s (%.1f s / %.1f s / %.1f)'
                 % (uri['median_latency_s'], uri['p95_latency_s'], uri['requests_per_job']),
                 '%.1f s / %.1f s / %.1f; %s' % (none['median_latency_s'], none['p95_latency_s'], none['requests_per_job'], where), met))
    oracle = 'job_ids batched, no estimate'
    if 'straggler' in fleets[oracle]:
        def straggler(part):
            alone = part['fleet_results'][oracle]['straggler']
            return alone['requests'] <= 1.2 * alone['loop_requests'] and alone['late_s'] <= 30
        alone = fleets[oracle]['straggler']
        where, met = on_seeds(seeds, straggler)
        measured = '%.0f s alone: %d vs %d, %.1f s' % (alone['alone_s'], alone['requests'], alone['loop_requests'], alone['late_s'])
        rows.append(('no ETA, the last job of a fleet alone: <= 1.2x a delay-30 loop\'s requests, seen <= 30 s after its end',
                     '%s; %s' % (measured, where), met))

    def fleet_27(part):
        row, loop = part['fleet_results'][oracle], part['fleet_results']['loop of uri until delay 30']
        return row['late_after_last_end_s'] <= 3 and row['requests'] <= min(2 * schedule['fleet'], loop['requests'])
    row = fleets[oracle]
    where, met = on_seeds(seeds, fleet_27)
    rows.append(('Oracle fleet of %d, no ETA: <= 3 s late after the last end, <= 2 requests a job and <= a loop of uri'
                 % schedule['fleet'], '%.1f s, %d requests (seeds: %s s, %s a job); %s' % (
                     row['late_after_last_end_s'], row['requests'],
                     spread(seeds, lambda part: part['fleet_results'][oracle]['late_after_last_end_s']),
                     spread(seeds, lambda part: part['fleet_results'][oracle]['requests_per_job'], '%.2f'), where), met))
    rows.append(('Oracle fleet of %d, no ETA (issue 20): <= 5 s late after the last end, <= 400 requests' % schedule['fleet'],
                 '%.1f s, %d requests' % (row['late_after_last_end_s'], row['requests']),
                 row['late_after_last_end_s'] <= 5 and row['requests'] <= 400))
    otc = 'job_ids, OTC task list'  # the real Poller over the real _otc.TaskListJobs, its client answering from the fake clock
    if otc in fleets and otc not in models:
        def eta_known(part):
            row = part['fleet_results'][otc]
            return row['late_after_last_end_s'] <= 3 and row['requests'] <= 500
        where, met = on_seeds(seeds, eta_known)
        rows.append(('fleet of %d, ETA known (OTC task list, progress percent): <= 3 s late after the last end, <= 500 requests'
                     % schedule['fleet'], '%.1f s, %d requests (seeds: %s s, %s requests); %s' % (
                         fleets[otc]['late_after_last_end_s'], fleets[otc]['requests'],
                         spread(seeds, lambda part: part['fleet_results'][otc]['late_after_last_end_s']),
                         spread(seeds, lambda part: part['fleet_results'][otc]['requests'], '%d'), where), met))
    batched, alone = fleets[oracle], fleets['job_ids, no estimate']
    ratio = batched['requests'] / float(alone['requests'])
    rows.append(('Oracle batched activity-log rounds: <= 1/10 of the reads of per-job polling',
                 '%d vs %d reads (%.3f)' % (batched['requests'], alone['requests'], ratio), ratio <= 0.1))
    return rows


def cloud_targets(clouds):
    """Issue 27's per-cloud targets from bench_clouds.py, on every seed it ran: a fleet of N followed by the
    real module is at most 3 s late after the last end, at most 2 requests a job and never more than the loop
    of uri of the same run; and never later than that loop. Only a row measured through a module can meet
    them (the uri rows are models: they meet none)."""
    rows = []
    runs = clouds.get('seeds') or {str(clouds['seed']): clouds['rows']}
    pairs = {}  # cloud -> {seed: (module row, uri row)}
    for seed, seed_rows in runs.items():
        for cloud in sorted(set(row['cloud'] for row in seed_rows)):
            module = next((r for r in seed_rows if r['cloud'] == cloud and r['measured_through_module']), None)
            uri = next((r for r in seed_rows if r['cloud'] == cloud and not r['measured_through_module']), None)
            if module is not None and uri is not None:
                pairs.setdefault(cloud, {})[int(seed)] = (module, uri)
    for cloud, seeds in sorted(pairs.items()):
        module, uri = seeds[min(seeds)]

        def fleet_27(pair):
            module, uri = pair
            return module['late_after_last_end_s'] <= 3 and module['requests_per_job'] <= 2 and module['requests'] <= uri['requests']
        where, met = on_seeds(seeds, fleet_27)
        rows.append(('%s fleet of %d through %s (measured through the module): <= 3 s late, <= 2 requests a job, '
                     '<= the loop of uri' % (cloud, module['jobs'], module['contender']),
                     '%s s, %s a job (uri model: %s s, %s); %s' % (
                         spread(seeds, lambda pair: pair[0]['late_after_last_end_s']),
                         spread(seeds, lambda pair: pair[0]['requests_per_job'], '%.2f'),
                         spread(seeds, lambda pair: pair[1]['late_after_last_end_s']),
                         spread(seeds, lambda pair: pair[1]['requests_per_job'], '%.2f'), where), met))
        where, met = on_seeds(seeds, lambda pair: pair[0]['late_after_last_end_s'] <= pair[1]['late_after_last_end_s'] + 0.5)
        rows.append(('%s fleet: seen no later than the loop of uri of the same run (within 0.5 s: a round\'s own reads)' % cloud,
                     'late by %s s more than the loop; %s' % (spread(
                         seeds, lambda pair: pair[0]['late_after_last_end_s'] - pair[1]['late_after_last_end_s']), where), met))
        if cloud == 'clc':  # no batch read exists (see _clc.py): the cadence is held to the loop's reads per server
            where, met = on_seeds(seeds, lambda pair: pair[0]['follow_requests'] <= pair[1]['follow_requests'])
            rows.append(('clc fleet: reads after executePackage per server <= the loop of uri\'s (measured through the module)',
                         '%.2f vs %.2f; %s' % (module['follow_requests_per_job'], uri['follow_requests_per_job'], where), met))
    return rows


def mixed_targets(mixed):
    """The mixed fleet of bench_mixed.py through playbooks/safe_patch.yml, the waits together: per cloud, the batch
    wait's reads a job (at most 2, and at most the uri model's) and how late it saw the last end, against the model."""
    rows = []
    for cloud, row in sorted(mixed['clouds'].items()):
        rows.append(('mixed fleet of %d through safe_patch.yml, %s part (%d): the batch wait <= 2 reads a job and <= a uri loop\'s, '
                     'no later than it' % (mixed['instances'], cloud, row['instances']),
                     '%.2f reads a job, %.1f s late (uri model: %.2f, %.1f s)' % (
                         row['wait_reads_per_job'], row['late_after_last_end_s'], row['uri_model_requests_per_job'], row['uri_model_late_s']),
                     row['wait_reads_per_job'] <= min(2, row['uri_model_requests_per_job'])
                     and row['late_after_last_end_s'] <= row['uri_model_late_s'] + 0.5))
    rows.append(('mixed fleet of %d: every instance patched' % mixed['instances'], '%s, exit %d, %.0f s, controller CPU %.0f s, peak RSS '
                 '%.0f MiB' % (mixed['outcomes'], mixed['playbook_exit'], mixed['wall_s'], mixed['controller_cpu_s'], mixed['peak_rss_mib']),
                 mixed['outcomes'].get('applied', 0) == mixed['instances']))
    return rows


def targets(parts):
    """(target, measured, met) rows; a part that did not run gives no row."""
    rows = []
    schedule, task, fleet = parts.get('schedule'), parts.get('task'), parts.get('fleet')
    if schedule:
        rows.extend(schedule_targets(schedule))
    if task:
        ratio = task['ratios']['task_time_module_vs_uri']
        rows.append(('per-task overhead <= 1.3x uri (median of %d)' % task['tasks'], '%.3fx' % ratio, ratio <= 1.3))
        module_peak = max(row['peak_rss_mib'] for name, row in task['rows'].items() if name.startswith('rds_job_info'))
        rows.append(('module peak RSS <= 80 MiB, also following %d jobs' % task['fleet'], '%.1f MiB' % module_peak,
                     module_peak <= 80))
    if parts.get('clouds'):
        rows.extend(cloud_targets(parts['clouds']))
    if parts.get('mixed'):
        rows.extend(mixed_targets(parts['mixed']))
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
