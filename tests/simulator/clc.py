# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""CenturyLink Cloud: v2 login, executePackage and its queue, and the
Patching-as-a-Service executions of seed 003 (upper-case statuses, an array of
patches, "Result Code: N", empty end times)."""

import re
import time
import uuid

USERNAME = 'ctluser'
PASSWORD = 'ctlpassword'
ALIAS = 'OSD'
LOCATION = 'VA1'
WINDOWS = 'b229535c-a313-4a31-baf8-6aa71ff4b9ed'
LINUX = 'c3c6642e-24e1-4c37-b56a-1cf1476ee360'
QUEUE_DELAY = 2.0  # simulated seconds a queued item waits before it runs
_EXECUTE_RE = re.compile(r'^/v2/operations/(?P<alias>[^/]+)/servers/executePackage$')
_STATUS_RE = re.compile(r'^/v2/operations/(?P<alias>[^/]+)/status/(?P<id>[^/]+)$')
_PATCH_RE = re.compile(r'^/rest/servers/(?P<alias>[^/]+)/server/(?P<server>[^/]+)/patch(?:/(?P<execution>[^/]+))?$')


def stamp(epoch):
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(epoch))


def seed_003_execution():
    """Execution VA1-132457 of server VA1OSDPATCH33 (no body on the page; its fields)."""
    return {
        'execution_id': 'VA1-132457', 'status': 'COMPLETED', 'start_time': '2016-03-14T16:20:01Z',
        'end_time': '2016-03-14T16:41:17Z', 'duration': '21 minutes 16 seconds', 'begin_message': 'Update Process BEGIN',
        'end_message': 'Updating Complete',
        'patches': [
            {'patch_begin_message': 'Security Update for Windows Server 2012 R2 (KB3135174)', 'patch_end_message': 'Result Code: 2',
             'status': 'completed', 'start_time': '2016-03-14T16:20:05Z', 'end_time': '2016-03-14T16:29:44Z'},
            {'patch_begin_message': 'Cumulative Security Update for Internet Explorer 11 (KB3134220)',
             'patch_end_message': 'Result Code: 3', 'status': 'completed', 'start_time': '2016-03-14T16:29:45Z',
             'end_time': '2016-03-14T16:41:10Z'},
        ],
    }


class ClcCloud(object):
    def __init__(self, state):
        self.state = state
        self.tokens = {}
        self.servers = {}
        self.queue = {}
        self.next_execution = 132458

    def reset(self):
        self.tokens = {}
        self.servers = {}
        self.queue = {}
        self.next_execution = 132458
        self.seed_server({'id': 'VA1OSDPATCH33', 'os': 'windows', 'executions': [seed_003_execution()]})

    def dump(self):
        return {'servers': self.servers, 'queue': self.queue}

    def seed_server(self, seed):
        server = dict(seed)
        server.setdefault('alias', ALIAS)
        server.setdefault('os', 'linux')
        server.setdefault('patch_duration', 60)
        server.setdefault('patches', ['kernel-5.14.0-427.el9', 'openssl-3.0.7-27.el9', 'glibc-2.34-100.el9'])
        server['executions'] = [dict(e) for e in seed.get('executions', [])]
        self.servers[server['id']] = server
        return {'id': server['id']}

    def _authorized(self, request):
        header = request.headers.get('Authorization') or ''
        token = self.tokens.get(header[7:]) if header.startswith('Bearer ') else None
        return token is not None and token['expires'] > self.state.now()

    def advance(self):
        """Move queued items and their executions to the simulated now."""
        now = self.state.now()
        for item in self.queue.values():
            server = self.servers[item['server']]
            started = item['queued_at'] + QUEUE_DELAY
            if now < started:
                continue
            if item['execution'] is None:
                item['execution'] = 'VA1-%d' % self.next_execution
                self.next_execution += 1
                server['executions'].append({'execution_id': item['execution'], 'status': 'RUNNING',
                                             'start_time': stamp(item['queued_wall'] + QUEUE_DELAY / self.state.time_scale),
                                             'end_time': '', 'duration': '', 'begin_message': 'Update Process BEGIN',
                                             'end_message': '', 'patches': []})
            execution = next(e for e in server['executions'] if e['execution_id'] == item['execution'])
            names = server['patches']
            per_patch = float(server['patch_duration']) / max(1, len(names))
            done = int((now - started) / per_patch) if per_patch > 0 else len(names)
            patches = []
            for index, name in enumerate(names):
                if index > done:
                    break
                finished = index < done
                failed = finished and server.get('fail') and index == len(names) - 1
                code = 4 if failed else (2 if finished else 1)
                patches.append({'patch_begin_message': name, 'patch_end_message': 'Result Code: %d' % code,
                                'status': 'failed' if failed else ('completed' if finished else 'pending'),
                                'start_time': stamp(self.state.wall()), 'end_time': stamp(self.state.wall()) if finished else ''})
            execution['patches'] = patches
            if done >= len(names) and execution['status'] == 'RUNNING':
                execution.update(status='FAILED' if server.get('fail') else 'COMPLETED', end_time=stamp(self.state.wall()),
                                 end_message='Updating Complete', duration='%d seconds' % int(server['patch_duration']))
            if execution['status'] != 'RUNNING':
                item['status'] = 'failed' if execution['status'] == 'FAILED' else 'succeeded'
            else:
                item['status'] = 'executing'

    def handle(self, request):
        from .server import Reply
        if request.path == '/v2/authentication/login' and request.method == 'POST':
            body = request.json() or {}
            if body.get('username') != USERNAME or body.get('password') != PASSWORD:
                return Reply(400, {'message': "We didn't recognize the username or password you entered. Please try again."})
            token = uuid.uuid4().hex + uuid.uuid4().hex
            self.tokens[token] = {'expires': self.state.now() + float(self.state.config['clc_token_ttl'])}
            return Reply(200, {'userName': USERNAME, 'accountAlias': ALIAS, 'locationAlias': LOCATION,
                               'roles': ['ServerAdmin', 'AccountAdmin'], 'bearerToken': token})
        execute = _EXECUTE_RE.match(request.path)
        status = _STATUS_RE.match(request.path)
        patch = _PATCH_RE.match(request.path)
        if not (execute or status or patch):
            return None
        if not self._authorized(request):
            return Reply(401, {'message': 'Authorization has been denied for this request.'})
        alias = (execute or status or patch).group('alias')
        if alias != ALIAS:
            return Reply(403, {'message': 'Account alias %s is not accessible.' % alias})
        self.advance()
        if execute and request.method == 'POST':
            return self._execute(request)
        if status and request.method == 'GET':
            item = self.queue.get(status.group('id'))
            if item is None:
                return Reply(404, {'message': 'Status %s not found.' % status.group('id')})
            return Reply(200, {'status': item['status']})
        if patch and request.method == 'GET':
            server = self.servers.get(patch.group('server'))
            if server is None:
                return Reply(404, {'message': 'Server %s not found.' % patch.group('server')})
            if patch.group('execution'):
                execution = next((e for e in server['executions'] if e['execution_id'] == patch.group('execution')), None)
                if execution is None:
                    return Reply(404, {'message': 'Execution %s not found.' % patch.group('execution')})
                return Reply(200, execution)
            summary = [dict(e, patches=len(e['patches'])) for e in server['executions']]
            return Reply(200, summary)
        return Reply(405, {'message': 'Method not allowed.'})

    def _execute(self, request):
        from .server import Reply
        body = request.json() or {}
        servers = body.get('servers')
        package = body.get('package') or {}
        if not isinstance(servers, list) or not servers or not package.get('packageId'):
            return Reply(400, {'message': 'The request is invalid: servers and package.packageId are required.'})
        unknown = [s for s in servers if s not in self.servers]
        if unknown:
            return Reply(400, {'message': 'Unknown servers: %s' % ', '.join(unknown)})
        answer = []
        for server_id in servers:
            queue_id = '%s-%s' % (LOCATION, uuid.uuid4().hex[:12])
            self.queue[queue_id] = {'server': server_id, 'status': 'notStarted', 'queued_at': self.state.now(),
                                    'queued_wall': self.state.wall(), 'execution': None, 'package': package}
            answer.append({'server': server_id, 'isQueued': True,
                           'links': [{'rel': 'status', 'href': '/v2/operations/%s/status/%s' % (ALIAS, queue_id), 'id': queue_id}]})
        return Reply(200, answer)
