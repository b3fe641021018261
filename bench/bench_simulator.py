#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Load on the simulator: 1,000 live OTC jobs, then C concurrent clients (threads,
one keep-alive session each) polling them for D seconds on loopback.

Prints requests/s, p50/p99 latency and errors; writes bench/results/simulator.json.
Usage: python bench/bench_simulator.py [--clients 200] [--jobs 1000] [--seconds 10]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PROJECT = '0483b6b16e954cb88930a360d2c4e663'


def start(time_scale):
    port_file = os.path.join(tempfile.mkdtemp(prefix='bench-sim-'), 'url')
    proc = subprocess.Popen([sys.executable, os.path.join(ROOT, 'tests', 'simulator', 'run.py'), '--port', '0',
                             '--port-file', port_file, '--time-scale', str(time_scale)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if os.path.exists(port_file):
            with open(port_file) as handle:
                return proc, handle.read().strip()
        time.sleep(0.1)
    proc.terminate()
    raise SystemExit('the simulator did not start within 30 s')


def token(base):
    body = {'auth': {'identity': {'methods': ['password'], 'password': {'user': {
        'name': 'otcuser', 'password': 'otcpassword', 'domain': {'name': 'OTC-EU-DE-00000000001000000001'}}}},
        'scope': {'project': {'id': PROJECT}}}}
    return requests.post(base + '/v3/auth/tokens', json=body, timeout=30).headers['X-Subject-Token']


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else None


def main():
    parser = argparse.ArgumentParser(description='Load on the cloud API simulator.')
    parser.add_argument('--clients', type=int, default=200)
    parser.add_argument('--jobs', type=int, default=1000)
    parser.add_argument('--seconds', type=float, default=10.0)
    args = parser.parse_args()

    proc, base = start(time_scale=10.0)
    try:
        for index in range(args.jobs):
            requests.post(base + '/__admin__/otc/jobs', json={'id': 'load-%04d' % index, 'duration': 60 + index % 600}, timeout=30)
        auth = {'X-Auth-Token': token(base)}
        latencies, errors, lock = [], [], threading.Lock()
        stop_at = time.monotonic() + args.seconds
        start_line = threading.Barrier(args.clients + 1)

        def client(number):
            session = requests.Session()
            mine, bad = [], 0
            start_line.wait()
            index = number
            while time.monotonic() < stop_at:
                began = time.monotonic()
                try:
                    answer = session.get(base + '/v3/%s/jobs' % PROJECT, params={'id': 'load-%04d' % (index % args.jobs)},
                                         headers=auth, timeout=30)
                    if answer.status_code != 200 or 'job' not in answer.json():
                        bad += 1
                except (requests.exceptions.RequestException, ValueError):
                    bad += 1
                mine.append(time.monotonic() - began)
                index += args.clients
            with lock:
                latencies.extend(mine)
                errors.append(bad)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
        for thread in threads:
            thread.start()
        began = time.monotonic()
        start_line.wait()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - began
    finally:
        proc.terminate()
        proc.wait(timeout=10)

    row = dict(clients=args.clients, live_jobs=args.jobs, seconds=round(elapsed, 2), requests=len(latencies),
               requests_per_s=round(len(latencies) / elapsed, 1), p50_ms=round(percentile(latencies, 0.50) * 1000, 1),
               p99_ms=round(percentile(latencies, 0.99) * 1000, 1), errors=sum(errors))
    print('%8s %9s %9s %10s %8s %8s %7s' % ('clients', 'live jobs', 'requests', 'requests/s', 'p50 ms', 'p99 ms', 'errors'))
    values = (row['clients'], row['live_jobs'], row['requests'], row['requests_per_s'], row['p50_ms'], row['p99_ms'], row['errors'])
    print('%8d %9d %9d %10.1f %8.1f %8.1f %7d' % values)
    os.makedirs(os.path.join(HERE, 'results'), exist_ok=True)
    with open(os.path.join(HERE, 'results', 'simulator.json'), 'w') as handle:
        json.dump(dict(benchmark='simulator', row=row, python=sys.version.split()[0],
                       when=time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())), handle, indent=2, sort_keys=True)
        handle.write('\n')


if __name__ == '__main__':
    main()
