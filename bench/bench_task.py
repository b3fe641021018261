#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What one task costs, and how much memory a module takes, against the simulator.

- per-task overhead: one ansible-playbook run of 30 ``rds_job_info`` status reads and 30
  ``ansible.builtin.uri`` GETs of the same job, interleaved; each task's wall time is
  recorded (bench/callback_plugins/task_times.py); the medians are compared;
- peak RSS: the module process (``rds_job_info``) reading one job, and following 200 jobs
  with ``job_ids`` and ``wait``, against the ``uri`` module's process reading one job.

Usage: python bench/bench_task.py [--tasks 30] [--fleet 200]
Writes bench/results/task.json.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

from bench_wait import HERE, PROJECT_ID, ROOT, admin, start_simulator, write_results

BIN = os.path.dirname(sys.executable)
CREDENTIALS = dict(project_id=PROJECT_ID, domain_name='OTC-EU-DE-00000000001000000001', username='otcuser',
                   password='otcpassword')


def collections_dir():
    parent = tempfile.mkdtemp(prefix='bench-task-')
    os.makedirs(os.path.join(parent, 'ansible_collections', 'dbops'))
    os.symlink(ROOT, os.path.join(parent, 'ansible_collections', 'dbops', 'patching'))
    return parent


def token(requests, base):
    body = {'auth': {'identity': {'methods': ['password'], 'password': {'user': {
        'name': 'otcuser', 'password': 'otcpassword', 'domain': {'name': CREDENTIALS['domain_name']}}}},
        'scope': {'project': {'id': PROJECT_ID}}}}
    return requests.post(base + '/v3/auth/tokens', json=body, timeout=30).headers['X-Subject-Token']


def overhead(base, auth_token, tasks, collections):
    """Median seconds of a rds_job_info status read and of a uri GET, in one playbook run."""
    play = [{'hosts': 'localhost', 'connection': 'local', 'gather_facts': False,
             'vars': {'ansible_python_interpreter': sys.executable}, 'tasks': []}]
    for dummy in range(tasks):
        play[0]['tasks'].append({'name': 'module', 'dbops.patching.rds_job_info': dict(
            job_id='bench-job', auth_token=auth_token, project_id=PROJECT_ID, auth_url=base + '/v3', rds_url=base)})
        play[0]['tasks'].append({'name': 'uri', 'ansible.builtin.uri': dict(
            url='%s/v3/%s/jobs?id=bench-job' % (base, PROJECT_ID), headers={'X-Auth-Token': auth_token})})
    work = tempfile.mkdtemp(prefix='bench-play-')
    path = os.path.join(work, 'play.yml')
    with open(path, 'w') as handle:
        json.dump(play, handle)
    times = os.path.join(work, 'times.json')
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections, ANSIBLE_CALLBACK_PLUGINS=os.path.join(HERE, 'callback_plugins'),
               ANSIBLE_CALLBACKS_ENABLED='task_times', BENCH_TASK_TIMES=times, ANSIBLE_NOCOLOR='1')
    subprocess.run([os.path.join(BIN, 'ansible-playbook'), '-i', 'localhost,', path], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    with open(times) as handle:
        measured = json.load(handle)
    return dict((name, round(statistics.median(values), 3)) for name, values in measured.items())


def peak_rss(module_name, args, collections):
    """Peak resident memory (MiB) of one module process run with ``args``."""
    work = tempfile.mkdtemp(prefix='bench-rss-')
    path = os.path.join(work, 'args.json')
    with open(path, 'w') as handle:
        json.dump({'ANSIBLE_MODULE_ARGS': args}, handle)
    with open(os.path.join(work, 'out'), 'w+') as out, open(os.path.join(work, 'err'), 'w+') as err:
        child = subprocess.Popen([sys.executable, '-m', module_name, path], env=dict(os.environ, PYTHONPATH=collections),
                                 stdout=out, stderr=err)
        unused_pid, unused_status, usage = os.wait4(child.pid, 0)  # this child's own peak, not all children's
        child.returncode = 0
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    try:
        answer = json.loads(stdout)
    except ValueError:
        raise SystemExit('%s gave no JSON: %s %s' % (module_name, stdout[-500:], stderr[-2000:]))
    assert not answer.get('failed'), answer.get('msg')
    return round(usage.ru_maxrss / 1024.0, 1), answer


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--tasks', type=int, default=30)
    parser.add_argument('--fleet', type=int, default=200)
    args = parser.parse_args()
    import requests  # pylint: disable=import-outside-toplevel

    collections = collections_dir()
    proc, base = start_simulator(60.0)
    try:
        admin(requests, base, 'POST', 'reset', {})
        admin(requests, base, 'POST', 'otc/jobs', dict(id='bench-job', duration=10 ** 6))
        auth_token = token(requests, base)
        medians = overhead(base, auth_token, args.tasks, collections)
        module = 'ansible_collections.dbops.patching.plugins.modules.rds_job_info'
        connection = dict(auth_token=auth_token, project_id=PROJECT_ID, auth_url=base + '/v3', rds_url=base)
        uri_args = dict(url='%s/v3/%s/jobs?id=bench-job' % (base, PROJECT_ID), headers={'X-Auth-Token': auth_token})
        uri_rss, unused = peak_rss('ansible.modules.uri', uri_args, collections)
        one_rss, unused = peak_rss(module, dict(connection, job_id='bench-job'), collections)
        ids = []
        for index in range(args.fleet):
            ids.append(admin(requests, base, 'POST', 'otc/jobs', dict(id='rss-%03d' % index, duration=30 + index))['id'])
        fleet_rss, answer = peak_rss(module, dict(connection, job_ids=ids, wait=True, wait_timeout=600), collections)
        assert answer['summary']['succeeded'] == args.fleet, answer['summary']
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    rows = {
        'rds_job_info status read': dict(median_task_s=medians['module'], peak_rss_mib=one_rss),
        'ansible.builtin.uri GET': dict(median_task_s=medians['uri'], peak_rss_mib=uri_rss),
        'rds_job_info following %d jobs' % args.fleet: dict(median_task_s=None, peak_rss_mib=fleet_rss),
    }
    ratio = round(medians['module'] / medians['uri'], 3)
    print('%-34s %16s %14s' % ('task', 'median task (s)', 'peak RSS (MiB)'))
    for name, row in rows.items():
        print('%-34s %16s %14.1f' % (name, '-' if row['median_task_s'] is None else '%.3f' % row['median_task_s'],
                                     row['peak_rss_mib']))
    print('per-task overhead, module / uri (median of %d): %.3f' % (args.tasks, ratio))
    write_results('task.json', dict(benchmark='task', tasks=args.tasks, fleet=args.fleet, rows=rows,
                                    ratios=dict(task_time_module_vs_uri=ratio)))
    print('wrote bench/results/task.json')


if __name__ == '__main__':
    main()
