# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The simulator's side of the test-only Acme cloud: what tests/simulator/acme.py
would be, registered by one entry in tests/simulator/clouds.py (here: the clouds=
argument of Simulator)."""

import re
import uuid

from ansible_collections.dbops.patching.tests.simulator.common import Reply

USER, PASSWORD = 'acme', 'acme-pässword'
_JOB_RE = re.compile(r'^/v1/jobs/(?P<id>[^/]+)$')
_DB_RE = re.compile(r'^/v1/databases/(?P<db>[^/]+)/(?P<what>restart|jobs)$')


class AcmeCloud(object):
    name = 'acme'
    config = {'acme_job_seconds': 20.0}
    seeds = {'acme': 'seed_database'}
    admin_seeds = {'acme/databases': 'seed_database'}

    @staticmethod
    def check_config(key, value):
        return float(value)

    def __init__(self, state):
        self.state = state
        self.reset()

    def reset(self):
        self.tokens, self.databases, self.jobs = set(), {}, {}

    def dump(self):
        return {'databases': self.databases}

    def seed_database(self, seed):
        self.databases[seed['name']] = []
        return {'name': seed['name']}

    def _job(self, job_id):
        job = self.jobs[job_id]
        elapsed = self.state.now() - job['started']
        done = elapsed >= float(self.state.config['acme_job_seconds'])
        percent = min(100, int(100 * elapsed / float(self.state.config['acme_job_seconds'])))
        return {'id': job_id, 'kind': 'restart', 'state': 'DONE' if done else 'WORKING', 'percent': percent}

    def handle(self, request):
        if request.path == '/v1/login' and request.method == 'POST':
            body = request.json() or {}
            if (body.get('user'), body.get('password')) != (USER, PASSWORD):
                return Reply(401, {'message': 'bad credentials'})
            token = uuid.uuid4().hex
            self.tokens.add(token)
            return Reply(200, {'token': token})
        job, db = _JOB_RE.match(request.path), _DB_RE.match(request.path)
        if not (job or db or request.path == '/v1/databases'):
            return None
        if request.headers.get('X-Acme-Token') not in self.tokens:
            return Reply(401, {'message': 'no token'})
        if request.path == '/v1/databases':
            return Reply(200, [{'name': name} for name in sorted(self.databases)])
        if job:
            return Reply(200, self._job(job.group('id'))) if job.group('id') in self.jobs else Reply(404, {'message': 'no job'})
        if db.group('db') not in self.databases:
            return Reply(404, {'message': 'no database'})
        if db.group('what') == 'jobs':
            return Reply(200, [self._job(j) for j in self.databases[db.group('db')]])
        job_id = uuid.uuid4().hex[:8]
        self.jobs[job_id] = {'started': self.state.now()}
        self.databases[db.group('db')].append(job_id)
        return Reply(202, {'job': job_id})
