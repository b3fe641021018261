# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""CenturyLink Cloud: v2 login, executePackage and its queue, and the
Patching-as-a-Service executions of seed 003 (upper-case statuses, an array of
patches, "Result Code: N", empty end times while running)."""

import json
import re
import uuid
from urllib.parse import parse_qs

from .common import Reply, clc_time, fixture

USERNAME = 'ctluser'
PASSWORD = 'ctlpassword'
ALIAS = 'OSD'
LOCATION = 'VA1'
WINDOWS = 'b229535c-a313-4a31-baf8-6aa71ff4b9ed'
LINUX = 'c3c6642e-24e1-4c37-b56a-1cf1476ee360'
FIRST_EXECUTION = 132458  # seed 003's execution is VA1-132457
SEED_003 = 'clc_003_execution_VA1-132457.json'
DEFAULT_PATCHES = {
    'linux': ['kernel-5.14.0-427.el9', 'openssl-3.0.7-27.el9', 'glibc-2.34-100.el9'],
    'windows': ['Security Update for Windows Server 2019 (KB5034129)', 'Servicing Stack Update (KB5034863)',
                'Cumulative Update for .NET Framework (KB5034439)'],
}
_EXECUTE_RE = re.compile(r'^/v2/operations/(?P<alias>[^/]+)/servers/executePackage$')
_STATUS_RE = re.compile(r'^/v2/operations/(?P<alias>[^/]+)/status/(?P<id>[^/]+)$')
# "Get Group" (https://github.com/CenturyLinkCloud/APIDocs/blob/master/Groups/get-group.md): the group, its
# sub-groups in "groups" and one link {"rel": "server", "href": "/v2/servers/ALIAS/id", "id": "ID"} per server
# directly in it; "Get Server" (Servers/get-server.md): the server with "groupId", "os", "status" and "details".
_GROUP_RE = re.compile(r'^/v2/groups/(?P<alias>[^/]+)/(?P<group>[^/]+)/?$')
_SERVER_RE = re.compile(r'^/v2/servers/(?P<alias>[^/]+)/(?P<server>[^/]+)/?$')
DEFAULT_GROUP = 'va1-osd-0001'  # every seeded server without a "group" is in it
# Both pages' entities carry "changeInfo" {createdDate, createdBy, modifiedDate, modifiedBy} (clc-sdk's Group reads it
# without a default) and "customFields"; Get Server's "details" also have "alertPolicies", "diskCount", "hostName",
# "inMaintenanceMode", "storageGB", "disks", "partitions" and "snapshots" (clc-sdk's GetSnapshots reads them).
STORAGE_GB = 60
# "Execute Package" (https://github.com/CenturyLinkCloud/APIDocs/blob/master/Server%20Actions/execute-package.md):
# "an array containing one entity for each server", {server, isQueued, links} or, "if something goes wrong or the
# request is not queued", {server, isQueued: false, errorMessage}; the server power operation pages (Server
# Actions/archive-server.md ...) show that entry for a server that does not exist, in a 200 answer beside a queued
# one. The page's request names the server in lower case (wa1aliaswb01) and Get Group links to lower-case hrefs
# of upper-case ids: server ids are matched without case everywhere (the answer echoes the id as sent).
NOT_QUEUED = 'The operation cannot be queued because the server cannot be found or it is not in a valid state.'
_PATCH_RE = re.compile(r'^/rest/servers/(?P<alias>[^/]+)/server/(?P<server>[^/]+)/patch(?:/(?P<execution>[^/]+))?/?$')


class ClcCloud(object):
    """The v2 API (login, queue) and the patching service of one account."""

    name = 'clc'

    @staticmethod
    def environment(base_url, ca_path=None):
        """The environment variables of the collection's clc options that reach this simulator."""
        env = dict(CLC_V2_API_URL=base_url, CLC_PATCHING_URL=base_url, CLC_V2_API_USERNAME=USERNAME, CLC_V2_API_PASSWD=PASSWORD,
                   CLC_ACCT_ALIAS=ALIAS)
        return dict(env, CLC_CA_PATH=ca_path) if ca_path else env

    @staticmethod
    def variables(base_url):
        """The integration_config.yml variables of the collection's own targets."""
        return dict(clc_api_url=base_url, clc_patching_url=base_url, clc_username=USERNAME, clc_password=PASSWORD, clc_account_alias=ALIAS)

    @staticmethod
    def host_seed(name, host_vars):
        """(section, seed) of an inventory host of this cloud (seeding.py): the server ``dbops_server_id``
        of ``dbops_os``, in ``dbops_group_id``, whose patches run ``simulator_patch_seconds``."""
        return 'clc', dict(id=host_vars.get('dbops_server_id') or name, os=host_vars.get('dbops_os', 'linux'),
                           group=host_vars.get('dbops_group_id') or 'va1-osd-0001',
                           patch_duration=float(host_vars.get('simulator_patch_seconds', 60)))
    config = {'clc_token_ttl': 14 * 86400.0, 'clc_queue_delay': 2.0}  # simulated seconds
    seeds = {'clc': 'seed_server', 'clc_groups': 'seed_group'}
    admin_seeds = {'clc/servers': 'seed_server', 'clc/groups': 'seed_group'}

    @staticmethod
    def check_config(key, value):
        return float(value)

    def __init__(self, state):
        self.state = state
        self.tokens = {}
        self.servers = {}
        self.groups = {}
        self.queue = {}
        self.live = set()  # queue ids not finished yet
        self.next_execution = FIRST_EXECUTION

    def reset(self):
        self.tokens = {}
        self.servers = {}
        self.groups = {DEFAULT_GROUP: dict(id=DEFAULT_GROUP, name='Default Group', parent=None, created=clc_time(self.state.wall_at(0)))}
        self.queue = {}
        self.live = set()
        self.next_execution = FIRST_EXECUTION
        self.seed_server({'id': 'VA1OSDPATCH33', 'os': 'windows', 'executions': [json.loads(fixture(SEED_003))]})

    def dump(self):
        self.advance()
        return {'servers': self.servers, 'groups': self.groups, 'queue': self.queue}

    def seed_server(self, seed):
        if not isinstance(seed, dict) or not seed.get('id'):
            raise ValueError('a CTL server seed needs an id')
        server = dict(seed)
        server.setdefault('alias', ALIAS)
        server.setdefault('os', 'linux')
        server.setdefault('patch_duration', 60)
        server.setdefault('group', DEFAULT_GROUP)
        server.setdefault('ip', '10.0.%d.%d' % divmod(len(self.servers) + 10, 250))
        server.setdefault('created', clc_time(self.state.wall_at(self.state.now())))
        self.groups.setdefault(server['group'], dict(id=server['group'], name=server['group'], parent=None,
                                                     created=clc_time(self.state.wall_at(self.state.now()))))
        server.setdefault('patches', list(DEFAULT_PATCHES.get(server['os'], DEFAULT_PATCHES['linux'])))
        server['executions'] = [dict(e) for e in seed.get('executions', [])]
        self.servers[server['id']] = server
        return {'id': server['id']}

    def seed_group(self, seed):
        if not isinstance(seed, dict) or not seed.get('id'):
            raise ValueError('a CTL group seed needs an id')
        self.groups[seed['id']] = dict(id=seed['id'], name=seed.get('name', seed['id']), parent=seed.get('parent'),
                                       created=clc_time(self.state.wall_at(self.state.now())))
        return {'id': seed['id']}

    def _group(self, group):
        links = [dict(rel='self', href='/v2/groups/%s/%s' % (ALIAS.lower(), group['id']), verbs=['GET', 'PATCH', 'DELETE'])]
        if group['parent']:
            links.append(dict(rel='parentGroup', href='/v2/groups/%s/%s' % (ALIAS.lower(), group['parent']), id=group['parent']))
        servers = sorted(s for s, server in self.servers.items() if server['group'] == group['id'])
        links += [dict(rel='server', href='/v2/servers/%s/%s' % (ALIAS.lower(), s.lower()), id=s) for s in servers]
        return dict(id=group['id'], name=group['name'], description='', locationId=LOCATION, type='default', status='active',
                    serversCount=len(servers), links=links, changeInfo=self._change_info(group), customFields=[],
                    groups=[self._group(g) for dummy, g in sorted(self.groups.items()) if g['parent'] == group['id']])

    @staticmethod
    def _change_info(thing):
        created = thing.get('created') or '2016-03-14T16:20:01Z'
        return dict(createdDate=created, createdBy=USERNAME, modifiedDate=created, modifiedBy=USERNAME)

    def _find(self, server_id):
        """The key of a server, its id matched without case (see NOT_QUEUED), or None."""
        wanted = str(server_id).lower()
        return next((key for key in self.servers if key.lower() == wanted), None)

    def _server(self, server):
        return dict(id=server['id'], name=server['id'], description='', groupId=server['group'], isTemplate=False,
                    locationId=LOCATION, os='ubuntu22_64Bit' if server['os'] == 'linux' else 'windows2019DataCenter64',
                    osType='Ubuntu 22 64-bit' if server['os'] == 'linux' else 'Windows 2019 Datacenter 64-bit',
                    status='active', type='standard', storageType='standard', changeInfo=self._change_info(server),
                    details=dict(ipAddresses=[dict(internal=server['ip'])], alertPolicies=[], powerState='started', cpu=2,
                                 memoryMB=4096, diskCount=1, hostName=server['id'].lower(), inMaintenanceMode=False,
                                 storageGB=STORAGE_GB, disks=[dict(id='0:0', sizeGB=STORAGE_GB, partitionPaths=[])],
                                 partitions=[], snapshots=[], customFields=[]),
                    links=[dict(rel='self', href='/v2/servers/%s/%s' % (ALIAS.lower(), server['id'].lower()), id=server['id'],
                                verbs=['GET', 'PATCH', 'DELETE']),
                           dict(rel='group', href='/v2/groups/%s/%s' % (ALIAS.lower(), server['group']), id=server['group']),
                           dict(rel='account', href='/v2/accounts/%s' % ALIAS.lower(), id=ALIAS.lower())])

    def _v2_read(self, request, group, server):
        if request.method != 'GET':
            return Reply(405, {'message': 'The requested resource does not support http method \'%s\'.' % request.method})
        if group:
            found = self.groups.get(group.group('group'))
            return Reply(200, self._group(found)) if found else Reply(404, {'message': 'Group %s was not found.' % group.group('group')})
        found = self._find(server.group('server'))
        return Reply(200, self._server(self.servers[found])) if found else Reply(404, {'message': 'Server %s was not found.' % server.group('server')})

    # -- the state machine ---------------------------------------------------------

    def advance(self, server_id=None, queue_id=None):
        """Start queued items whose time has come and bring running executions up to now:
        all of them, or those of one server, or one queue item."""
        now = self.state.now()
        for queue_id in [queue_id] if queue_id else sorted(self.live, key=lambda q: self.queue[q]['queued_at']):
            item = self.queue.get(queue_id)
            if item is None or queue_id not in self.live or (server_id and item['server'] != server_id):
                continue
            started = item['queued_at'] + float(self.state.config['clc_queue_delay'])
            if now < started:
                continue
            server = self.servers[item['server']]
            if item['execution'] is None:
                item['execution'] = {'execution_id': '%s-%d' % (LOCATION, self.next_execution), 'status': 'RUNNING',
                                     'start_time': clc_time(self.state.wall_at(started)), 'end_time': '', 'duration': '',
                                     'begin_message': 'Update Process BEGIN', 'end_message': '', 'patches': []}
                self.next_execution += 1
                server['executions'].append(item['execution'])
            self._progress(server, item['execution'], started, now)
            if item['execution']['status'] == 'RUNNING':
                item['status'] = 'executing'
            else:
                item['status'] = 'failed' if item['execution']['status'] == 'FAILED' else 'succeeded'
                self.live.remove(queue_id)

    def _progress(self, server, execution, started, now):
        names = server['patches']
        total = float(server['patch_duration'])
        each = total / max(1, len(names))
        patches = []
        for index, name in enumerate(names):
            begin = started + each * index
            if begin > now and index:
                break
            end = begin + each
            finished = now >= end
            code = 1
            if finished:
                code = 2
                if server.get('fail') and index == len(names) - 1:
                    code = 4
                elif server.get('warn') and index == 0:
                    code = 3
            patches.append({'patch_begin_message': name, 'patch_end_message': 'Result Code: %d' % code,
                            'status': {1: 'pending', 4: 'failed'}.get(code, 'completed'),
                            'start_time': clc_time(self.state.wall_at(begin)),
                            'end_time': clc_time(self.state.wall_at(end)) if finished else ''})
        execution['patches'] = patches
        if now >= started + total:
            minutes, seconds = divmod(int(total), 60)
            execution.update(status='FAILED' if server.get('fail') else 'COMPLETED', end_time=clc_time(self.state.wall_at(started + total)),
                             end_message='Updating Complete', duration='%d minutes %d seconds' % (minutes, seconds))

    # -- HTTP ------------------------------------------------------------------------

    def handle(self, request):
        """The Reply to a request on a CTL path, or None when the path is not CTL's."""
        if request.path == '/v2/authentication/login':
            return self._login(request)
        execute = _EXECUTE_RE.match(request.path)
        status = _STATUS_RE.match(request.path)
        patch = _PATCH_RE.match(request.path)
        group = _GROUP_RE.match(request.path)
        server = _SERVER_RE.match(request.path)
        if not (execute or status or patch or group or server):
            return None
        if not self._authorized(request):
            return Reply(401, {'message': 'Authorization has been denied for this request.'})
        alias = (execute or status or patch or group or server).group('alias')
        if alias.upper() != ALIAS:
            return Reply(403, {'message': 'You do not have access to account %s.' % alias})
        if group or server:
            return self._v2_read(request, group, server)
        if execute and request.method == 'POST':
            self.advance()
            return self._execute(request)
        if status and request.method == 'GET':
            self.advance(queue_id=status.group('id'))
            item = self.queue.get(status.group('id'))
            if item is None:
                return Reply(404, {'message': 'Status %s was not found.' % status.group('id')})
            return Reply(200, {'status': item['status']})
        if patch and request.method == 'GET':
            server_id = self._find(patch.group('server'))
            if server_id is None:
                return Reply(404, {'message': 'Server %s was not found.' % patch.group('server')})
            self.advance(server_id=server_id)
            return self._executions(server_id, patch.group('execution'))
        return Reply(405, {'message': 'The requested resource does not support http method \'%s\'.' % request.method})

    def _login(self, request):
        if request.method != 'POST':
            return Reply(405, {'message': 'Use POST.'})
        try:
            body = request.json() or {}
        except ValueError:
            # a form body: clc-sdk's get_session() posts one (its SetCredentials login posts JSON, as the Login page does)
            body = dict((key, values[0]) for key, values in parse_qs(request.body_text).items())
        if not isinstance(body, dict) or (body.get('username'), body.get('password')) != (USERNAME, PASSWORD):
            return Reply(400, {'message': "We didn't recognize the username or password you entered. Please try again."})
        token = uuid.uuid4().hex + uuid.uuid4().hex
        self.tokens[token] = self.state.now() + float(self.state.config['clc_token_ttl'])
        return Reply(200, {'userName': USERNAME, 'accountAlias': ALIAS, 'locationAlias': LOCATION,
                           'roles': ['ServerAdmin', 'AccountAdmin'], 'bearerToken': token})

    def _authorized(self, request):
        header = request.headers.get('Authorization') or ''
        expires = self.tokens.get(header[7:]) if header.startswith('Bearer ') else None
        return expires is not None and expires > self.state.now()

    def _executions(self, server_id, execution_id):
        server = self.servers.get(server_id)
        if server is None:
            return Reply(404, {'message': 'Server %s was not found.' % server_id})
        if execution_id:
            execution = next((e for e in server['executions'] if e['execution_id'] == execution_id), None)
            if execution is None:
                return Reply(404, {'message': 'Execution %s was not found.' % execution_id})
            return Reply(200, execution)
        return Reply(200, [dict(e, patches=len(e['patches'])) for e in server['executions']])

    def _execute(self, request):
        body = request.json() or {}
        servers = body.get('servers') if isinstance(body, dict) else None
        package = (body.get('package') if isinstance(body, dict) else None) or {}
        if not isinstance(servers, list) or not servers or not package.get('packageId'):
            return Reply(400, {'message': 'The request is invalid: servers and package.packageId are required.'})
        answer = []
        for asked in servers:
            server_id = self._find(asked) if isinstance(asked, str) else None
            if server_id is None:
                answer.append({'server': asked, 'isQueued': False, 'errorMessage': NOT_QUEUED})
                continue
            queue_id = '%s-%s' % (LOCATION.lower(), uuid.uuid4().hex)
            self.queue[queue_id] = {'server': server_id, 'status': 'notStarted', 'queued_at': self.state.now(),
                                    'execution': None, 'package': package}
            self.live.add(queue_id)
            answer.append({'server': asked, 'isQueued': True,
                           'links': [{'rel': 'status', 'href': '/v2/operations/%s/status/%s' % (ALIAS, queue_id), 'id': queue_id}]})
        return Reply(200, answer)
