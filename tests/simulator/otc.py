# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Open Telekom Cloud: IAM tokens and the RDS v3 task center, with the quirks of
the seed page (004) and DBS.200543 right after a job is created."""

import os
import re
import time
import uuid

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures')
PROJECT_ID = '0483b6b16e954cb88930a360d2c4e663'
PROJECT_NAME = 'eu-de'
DOMAIN_NAME = 'OTC-EU-DE-00000000001000000001'
USERNAME = 'otcuser'
PASSWORD = 'otcpassword'
NOT_FOUND = {'error_code': 'DBS.200543', 'error_msg': 'The job does not exist.'}
_JOBS_RE = re.compile(r'^/v3/(?P<project>[^/]+)/jobs$')
# The seed page's examples, served verbatim under these ids (the page reuses one id).
SEED_IDS = ['seed-004-%d' % n for n in range(1, 7)]


def iso(epoch):
    return time.strftime('%Y-%m-%dT%H:%M:%S+0000', time.gmtime(epoch))


class OtcCloud(object):
    def __init__(self, state):
        self.state = state
        self.tokens = {}
        self.jobs = {}

    def reset(self):
        self.tokens = {}
        self.jobs = {}
        for number, job_id in enumerate(SEED_IDS, 1):
            with open(os.path.join(FIXTURES, 'otc_004_example_%d.json' % number)) as handle:
                self.jobs[job_id] = dict(verbatim=handle.read())

    def dump(self):
        return dict((k, dict((n, v) for n, v in job.items() if n != 'verbatim')) for k, job in self.jobs.items())

    def seed_job(self, seed):
        job = dict(seed)
        job.setdefault('id', str(uuid.uuid4()))
        job.setdefault('name', 'UpgradeMysqlMinorVersion')
        job.setdefault('instance', {'id': 'inst-' + job['id'][:8], 'name': 'rds-' + job['id'][:8]})
        job.setdefault('duration', 60)
        job.setdefault('entities', {})
        job['created_at'] = self.state.now()
        job['created_wall'] = self.state.wall()
        self.jobs[job['id']] = job
        return {'id': job['id']}

    def _document(self, job):
        """The RDS job document at the simulated now."""
        elapsed = self.state.now() - job['created_at']
        duration = float(job['duration'])
        status = job.get('status', 'Running')
        process = ''
        if status == 'Running':
            if elapsed >= duration:
                status = 'Failed' if job.get('fail') else 'Completed'
            else:
                process = '%d%%' % int(100 * elapsed / duration) if duration > 0 else '0%'
        body = {'id': job['id'], 'name': job['name'], 'status': status, 'created': iso(job['created_wall']),
                'process': process, 'instance': job['instance'], 'entities': job['entities']}
        if status == 'Failed':
            body['fail_reason'] = job.get('fail_reason', 'upgradeMinorVersion failed.')
        if job.get('quirks'):
            body[' status'] = body.pop('status')
            body['name'] = ' ' + body['name']
            if process:
                body['process'] = process.replace('%', ' % ')
        return {'job': job.get('raw', body)}

    def handle(self, request):
        from .server import Reply
        if request.path == '/v3/auth/tokens' and request.method == 'POST':
            return self._login(request)
        match = _JOBS_RE.match(request.path)
        if not match:
            return None
        token = self.tokens.get(request.headers.get('X-Auth-Token') or '')
        if token is None or token['expires'] <= self.state.now():
            return Reply(401, {'error_code': 'APIGW.0301', 'error_msg': 'Incorrect IAM authentication information: token expired or invalid'})
        if match.group('project') != PROJECT_ID:
            return Reply(403, {'error_code': 'DBS.200001', 'error_msg': 'The project does not match the token.'})
        if request.method != 'GET':
            return Reply(405, {'error_code': 'DBS.200002', 'error_msg': 'Method not allowed.'})
        job_id = request.arg('id')
        if not job_id:
            return Reply(400, {'error_code': 'DBS.200053', 'error_msg': 'The parameter id is missing.'})
        job = self.jobs.get(job_id)
        if job is None:
            return Reply(400, NOT_FOUND)
        if 'verbatim' in job:
            return Reply(200, text=job['verbatim'])
        visible_after = float(job.get('visible_after', self.state.config['otc_job_grace_seconds'] if job.get('fresh') else 0))
        if self.state.now() - job['created_at'] < visible_after:
            return Reply(400, NOT_FOUND)
        return Reply(200, self._document(job))

    def _login(self, request):
        from .server import Reply
        body = request.json() or {}
        try:
            identity = body['auth']['identity']
            user = identity['password']['user']
            project = body['auth']['scope']['project']
        except (KeyError, TypeError):
            return Reply(400, {'error': {'code': 400, 'title': 'Bad Request', 'message': 'The request body is malformed.'}})
        domain = (user.get('domain') or {}).get('name')
        if identity.get('methods') != ['password'] or user.get('name') != USERNAME or user.get('password') != PASSWORD \
                or domain != DOMAIN_NAME or (project.get('id') or PROJECT_ID) != PROJECT_ID \
                or (project.get('name') or PROJECT_NAME) != PROJECT_NAME:
            return Reply(401, {'error': {'code': 401, 'title': 'Unauthorized', 'message': 'The username or password is wrong.'}})
        token = uuid.uuid4().hex * 4
        ttl = float(self.state.config['otc_token_ttl'])
        self.tokens[token] = dict(expires=self.state.now() + ttl)
        expires = iso(self.state.wall() + ttl)
        answer = {'token': {'methods': ['password'], 'expires_at': expires, 'issued_at': iso(self.state.wall()),
                            'project': {'id': PROJECT_ID, 'name': PROJECT_NAME, 'domain': {'name': DOMAIN_NAME}},
                            'user': {'name': USERNAME, 'domain': {'name': DOMAIN_NAME}}}}
        return Reply(201, answer, headers={'X-Subject-Token': token})
