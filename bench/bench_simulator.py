#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Load on the cloud API simulator, on loopback only.

Starts tests/simulator/run.py as a subprocess (its own interpreter, so the clients'
threads do not share its GIL), seeds 1,000 live jobs across the three clouds
(Oracle patch applies, OTC RDS jobs, CTL patch executions), then runs C client
threads, each on its own keep-alive connection (http.client), reading those jobs
for D seconds, twice: flat out (no pause between requests: the most the server
answers, and its latency when saturated) and polling (each client pauses
--poll-interval seconds between requests, like the modules' wait loops). Prints a
table (requests/s, p50/p99 latency, errors) and writes bench/results/simulator.json.

Usage: python bench/bench_simulator.py [--clients 200] [--jobs 1000] [--seconds 10] [--poll-interval 0.5]
"""

import argparse
import base64
import http.client
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from urllib.parse import quote, urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RUN = os.path.join(ROOT, 'tests', 'simulator', 'run.py')
RESULT = os.path.join(HERE, 'results', 'simulator.json')
DOMAIN = 'ExampleIdentityDomain'
PROJECT = '0483b6b16e954cb88930a360d2c4e663'
ORACLE_AUTH = {'Authorization': 'Basic ' + base64.b64encode(b'username:password').decode(), 'X-ID-TENANT-NAME': DOMAIN,
               'Accept': 'application/json'}
MAX_CLIENTS = 1000
MAX_SECONDS = 300.0


def start_simulator(time_scale):
    """(process, base URL) of a simulator on a free loopback port."""
    work = tempfile.mkdtemp(prefix='bench-sim-')
    port_file = os.path.join(work, 'url')
    process = subprocess.Popen([sys.executable, RUN, '--host', '127.0.0.1', '--port', '0', '--port-file', port_file,
                                '--time-scale', str(time_scale)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if os.path.exists(port_file):
            with open(port_file, encoding='utf-8') as handle:
                return process, handle.read().strip()
        if process.poll() is not None:
            break
        time.sleep(0.05)
    process.kill()
    process.wait(timeout=10)
    raise SystemExit('the simulator did not start within 30 s')


class Connection(object):
    """One keep-alive HTTP/1.1 connection to the simulator."""

    def __init__(self, base):
        split = urlsplit(base)
        if split.hostname != '127.0.0.1':
            raise SystemExit('loopback only')
        self.host, self.port = split.hostname, split.port
        self.http = http.client.HTTPConnection(self.host, self.port, timeout=30)

    def call(self, method, path, body=None, headers=None):
        """(status, headers, parsed JSON body); reconnects once if the server closed the connection."""
        data = None if body is None else json.dumps(body).encode()
        headers = dict(headers or {})
        if data is not None:
            headers['Content-Type'] = 'application/json'
        self.http.request(method, path, body=data, headers=headers)
        answer = self.http.getresponse()
        text = answer.read()
        return answer.status, answer.headers, json.loads(text) if text else None

    def close(self):
        self.http.close()


def seed(base, jobs):
    """Seed ``jobs`` live jobs: 40 % Oracle patch applies, 40 % OTC jobs, 20 % CTL executions.
    Returns the list of read targets: (label, method, path, headers, expected statuses)."""
    admin = Connection(base)
    oracle_count, otc_count = jobs * 2 // 5, jobs * 2 // 5
    clc_count = jobs - oracle_count - otc_count
    targets = []
    for index in range(oracle_count):
        name = 'bench-db-%04d' % index
        admin.call('POST', '/__admin__/oracle/instances', {
            'service_type': 'dbaas', 'name': name, 'current_version': '19.20.0.0',
            'available': [{'patchId': 'p-19.21', 'toVersion': '19.21.0.0', 'duration': 600 + index % 3000}]})
        path = '/paas/api/v1.1/instancemgmt/%s/services/dbaas/instances/%s/patches' % (DOMAIN, name)
        status, dummy, body = admin.call('PUT', path + '/p-19.21', {}, ORACLE_AUTH)
        if status != 202:
            raise SystemExit('seeding Oracle job %d failed: %s %s' % (index, status, body))
        targets.append(('oracle job', 'GET', path + '/applied/job/' + body['jobId'], ORACLE_AUTH, (202,)))
        targets.append(('activity job', 'GET', '/paas/api/v1.1/activitylog/%s/job/%s' % (DOMAIN, body['jobId']), ORACLE_AUTH, (200,)))
    status, headers, dummy = admin.call('POST', '/v3/auth/tokens', {'auth': {
        'identity': {'methods': ['password'], 'password': {'user': {
            'name': 'otcuser', 'password': 'otcpassword', 'domain': {'name': 'OTC-EU-DE-00000000001000000001'}}}},
        'scope': {'project': {'id': PROJECT}}}})
    otc_auth = {'X-Auth-Token': headers['X-Subject-Token']}
    for index in range(otc_count):
        job_id = 'bench-otc-%04d' % index
        admin.call('POST', '/__admin__/otc/jobs', {'id': job_id, 'duration': 600 + index % 3000, 'quirks': index % 10 == 0})
        targets.append(('otc job', 'GET', '/v3/%s/jobs?id=%s' % (PROJECT, quote(job_id)), otc_auth, (200,)))
    status, dummy, body = admin.call('POST', '/v2/authentication/login', {'username': 'ctluser', 'password': 'ctlpassword'})
    clc_auth = {'Authorization': 'Bearer ' + body['bearerToken']}
    for index in range(clc_count):
        server = 'BENCH-SRV-%04d' % index
        admin.call('POST', '/__admin__/clc/servers', {'id': server, 'patch_duration': 600 + index % 3000})
        status, dummy, body = admin.call('POST', '/v2/operations/OSD/servers/executePackage', {
            'servers': [server], 'package': {'packageId': 'c3c6642e-24e1-4c37-b56a-1cf1476ee360'}}, clc_auth)
        targets.append(('ctl queue', 'GET', '/v2/operations/OSD/status/' + body[0]['links'][0]['id'], clc_auth, (200,)))
        targets.append(('ctl executions', 'GET', '/rest/servers/OSD/server/%s/patch' % server, clc_auth, (200,)))
    admin.close()
    return targets


def live_jobs(base):
    """How many seeded jobs are still running (from the admin state dump)."""
    connection = Connection(base)
    dummy, dummy, state = connection.call('GET', '/__admin__/state')
    connection.close()
    oracle = sum(len(instance['running']) for instance in state['oracle'].values())
    otc_running = 0
    for job in state['otc'].values():
        if str(job.get('id', '')).startswith('bench-otc-') and state['now'] - job['created_at'] < float(job['duration']):
            otc_running += 1
    clc = sum(1 for item in state['clc']['queue'].values() if item['status'] in ('notStarted', 'executing'))
    return oracle + otc_running + clc


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def run_clients(base, targets, clients, seconds, pause=0.0):
    """C threads, each on its own connection, cycling through the targets until the deadline,
    pausing ``pause`` seconds after each request."""
    latencies, errors, kinds = [], [], {}
    lock = threading.Lock()
    start_line = threading.Barrier(clients + 1)
    stop_at = []

    def client(number):
        connection = Connection(base)
        mine, failed, seen = [], [], {}
        start_line.wait()
        index = number
        while time.monotonic() < stop_at[0]:
            label, method, path, headers, expected = targets[index % len(targets)]
            index += clients
            began = time.monotonic()
            try:
                status, dummy, dummy = connection.call(method, path, headers=headers)
                if status not in expected:
                    failed.append('%s: HTTP %d' % (label, status))
            except (OSError, http.client.HTTPException, ValueError) as exc:
                failed.append('%s: %s' % (label, type(exc).__name__))
                connection.close()
                connection = Connection(base)
            mine.append(time.monotonic() - began)
            seen[label] = seen.get(label, 0) + 1
            if pause:
                time.sleep(min(pause, max(0.0, stop_at[0] - time.monotonic())))
        connection.close()
        with lock:
            latencies.extend(mine)
            errors.extend(failed)
            for label, count in seen.items():
                kinds[label] = kinds.get(label, 0) + count

    threads = [threading.Thread(target=client, args=(number,), daemon=True) for number in range(clients)]
    for thread in threads:
        thread.start()
    stop_at.append(time.monotonic() + seconds)
    began = time.monotonic()
    start_line.wait()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    return time.monotonic() - began, latencies, errors, kinds


def main():
    parser = argparse.ArgumentParser(description='Load on the cloud API simulator (loopback only).')
    parser.add_argument('--clients', type=int, default=200, help='concurrent client threads (default 200)')
    parser.add_argument('--jobs', type=int, default=1000, help='live jobs seeded before the run (default 1000)')
    parser.add_argument('--seconds', type=float, default=10.0, help='length of the run (default 10)')
    parser.add_argument('--time-scale', type=float, default=10.0, help="the simulator's time scale (default 10)")
    parser.add_argument('--poll-interval', type=float, default=0.5, help='pause between requests in the polling run (default 0.5)')
    parser.add_argument('--no-write', action='store_true', help='print only, do not write bench/results/simulator.json')
    args = parser.parse_args()
    if not 1 <= args.clients <= MAX_CLIENTS or not 0 < args.seconds <= MAX_SECONDS or args.jobs < 5 or not 0 < args.poll_interval <= 60:
        parser.error('clients 1..%d, seconds up to %d, jobs at least 5, poll interval up to 60 s' % (MAX_CLIENTS, MAX_SECONDS))

    rows, kinds, errors = [], {}, []
    process, base = start_simulator(args.time_scale)
    try:
        began = time.monotonic()
        targets = seed(base, args.jobs)
        seeding = time.monotonic() - began
        for scenario, pause in (('flat out', 0.0), ('polling every %g s' % args.poll_interval, args.poll_interval)):
            live_before = live_jobs(base)
            elapsed, latencies, failed, seen = run_clients(base, targets, args.clients, args.seconds, pause)
            rows.append(dict(scenario=scenario, clients=args.clients, live_jobs_before=live_before, live_jobs_after=live_jobs(base),
                             seconds=round(elapsed, 2), requests=len(latencies), requests_per_s=round(len(latencies) / elapsed, 1),
                             p50_ms=round(percentile(latencies, 0.50) * 1000, 1), p99_ms=round(percentile(latencies, 0.99) * 1000, 1),
                             max_ms=round(max(latencies or [0]) * 1000, 1), errors=len(failed)))
            errors.extend(failed)
            for label, count in seen.items():
                kinds[label] = kinds.get(label, 0) + count
    finally:
        process.terminate()
        process.wait(timeout=15)

    header = ('scenario', 'clients', 'live jobs', 'requests', 'requests/s', 'p50 ms', 'p99 ms', 'max ms', 'errors')
    print('%-20s %7s %9s %8s %10s %8s %8s %8s %6s' % header)
    for row in rows:
        print('%-20s %7d %9d %8d %10.1f %8.1f %8.1f %8.1f %6d' % (
            row['scenario'], row['clients'], row['live_jobs_before'], row['requests'], row['requests_per_s'], row['p50_ms'],
            row['p99_ms'], row['max_ms'], row['errors']))
    print('seeding %d jobs took %.1f s; requests by kind: %s' % (args.jobs, seeding, ', '.join('%s %d' % i for i in sorted(kinds.items()))))
    if errors:
        print('first errors: %s' % '; '.join(errors[:5]))
    if not args.no_write:
        os.makedirs(os.path.dirname(RESULT), exist_ok=True)
        result = dict(benchmark='simulator', rows=rows, jobs=args.jobs, requests_by_kind=kinds, time_scale=args.time_scale,
                      seeding_s=round(seeding, 2), python=platform.python_version(), cpus=os.cpu_count(),
                      client='threads in one process, http.client, one keep-alive connection each',
                      server='tests/simulator/run.py in its own process', when=time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()))
        with open(RESULT, 'w', encoding='utf-8') as handle:
            json.dump(result, handle, indent=2, sort_keys=True)
            handle.write('\n')
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
