# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to the dbops.patching collection. It is not a
# public API: it may change or go away in any release without notice.

"""CenturyLink Cloud (Lumen): v2 login, executePackage and its queue, the
Patching-as-a-Service executions, their status maps and normalizers, and the
server patching action."""

import calendar
import re
import time

from ansible.module_utils.basic import env_fallback

from ansible_collections.dbops.patching.plugins.module_utils import _http
from ansible_collections.dbops.patching.plugins.module_utils._errors import (
    ApiError,
    AuthError,
    BadResponseError,
    ConfigurationError,
    HttpStatusError,
    ModuleFailure,
    NotFoundError,
    WriteOutcomeUnknown,
)
from ansible_collections.dbops.patching.plugins.module_utils._providers import Inventory, Provider
from ansible_collections.dbops.patching.plugins.module_utils._jobs import (
    TERMINAL_STATES,
    as_list,
    clean,
    last,
    make_job,
    map_status,
    one_object,
    status_table,
    text_or_none,
)
from ansible_collections.dbops.patching.plugins.module_utils._wait import FunctionSource, Poller, WaitTimeout, describe_jobs, wait_for
from ansible_collections.dbops.patching.plugins.module_utils._workflow import DONE, FOLLOW, SEND, WriteAction, watch

PACKAGES = {
    'windows': ('b229535c-a313-4a31-baf8-6aa71ff4b9ed', {}),
    'linux': ('c3c6642e-24e1-4c37-b56a-1cf1476ee360', {'patch.debug.mode': 'false'}),
}
RESUME = ('run this task again to follow the executions that run (none is started twice), '
          'or follow one with dbops.patching.server_patch_info and its execution_id')
# Seconds between two reads of the executions while a lost executePackage answer is recovered.
RECOVERY_POLL = 2.0
# Seconds after executePackage before the first read of the servers started: CTL lists an execution only
# once its queued item has started, usually seconds after the request; a read before finds nothing.
QUEUE_DELAY = 2.0
# A fleet of servers is followed server by server: CTL has no read of many servers' executions. The
# Patching-as-a-Service pages read one server each: "Get a Summary of All Patches Deployed to a Server"
# (GET {patching_url}/rest/servers/{accountAlias}/server/{serverID}/patch) and "Get Details of Patches Applied
# to a Server During a Single Execution" (GET .../patch/{execution_id}; /work/shared/api-docs seed 003;
# APIDocs Patching/get-summary-of-patches-applied-to-a-server.md and get-detail-of-patches-deployed-during-
# a-single-execution.md); the v2 queue's "Get Status" reads one queue item (GET /v2/operations/{alias}/
# status/{id}). The only list of an account's queue items is API v1's ListQueueRequests (REST/Queue/
# ListQueueRequests, Queue/list-queue-requests.md), another API with its own logon, which tells the
# package run, not the execution. So each server costs its own reads, on the cadence of a `uri` loop
# with delay 30 (see for_the_wait): bench/bench_clouds.py measures it against one.

EXECUTION_STATUS = status_table(
    pending='PENDING NOT_STARTED', running='RUNNING IN_PROGRESS EXECUTING', succeeded='COMPLETED SUCCEEDED',
    failed='FAILED', canceled='ABORTED')
QUEUE_STATUS = status_table(
    pending='NOTSTARTED NOT_STARTED', running='EXECUTING RESUMED', succeeded='SUCCEEDED', failed='FAILED', unknown='UNKNOWN')

# Windows Update result codes, which CTL uses for every OS: "Result Code: N".
RESULT_CODES = {
    0: ('pending', False),
    1: ('running', False),
    2: ('succeeded', False),
    3: ('succeeded', True),
    4: ('failed', False),
    5: ('canceled', False),
}

_RESULT_CODE_RE = re.compile(r'result\s*code\s*:?\s*(\d+)', re.IGNORECASE)


def clc_argument_spec():
    """The connection options of the ``clc`` action group."""
    spec = dict(
        api_url=dict(type='str', default='https://api.ctl.io', fallback=(env_fallback, ['CLC_V2_API_URL'])),
        patching_url=dict(type='str', default='https://patching.useast.appfog.ctl.io', fallback=(env_fallback, ['CLC_PATCHING_URL'])),
        username=dict(type='str', fallback=(env_fallback, ['CLC_V2_API_USERNAME'])),
        password=dict(type='str', no_log=True, fallback=(env_fallback, ['CLC_V2_API_PASSWD'])),
        token=dict(type='str', no_log=True, fallback=(env_fallback, ['CLC_V2_API_TOKEN'])),
        account_alias=dict(type='str', fallback=(env_fallback, ['CLC_ACCT_ALIAS'])),
    )
    spec.update(_http.connection_argument_spec('CLC'))
    return spec


# -- normalizers -------------------------------------------------------------------------

def result_code(message):
    """N from 'Result Code: N', or None."""
    if message is None:
        return None
    match = _RESULT_CODE_RE.search(str(message))
    return int(match.group(1)) if match else None


def normalize_patch(record, warn=None):
    """One per-patch record of a CTL execution."""
    record = clean(record)
    code = result_code(record.get('patch_end_message'))
    status = record.get('status')
    if code in RESULT_CODES:
        state, with_warnings = RESULT_CODES[code]
    else:
        state, with_warnings = map_status(status, EXECUTION_STATUS, 'CTL patch', record.get('patch_begin_message'), warn)
    return dict(
        name=text_or_none(record.get('patch_begin_message') or record.get('name')),
        state=state,
        status=status,
        with_warnings=with_warnings,
        result_code=code,
        started_at=text_or_none(record.get('start_time')),
        ended_at=text_or_none(record.get('end_time')),
        message=text_or_none(record.get('patch_end_message')),
    )


def _record(payload):
    """The one record of an answer that may be an object, a one-item array or anything else."""
    record = clean(one_object(payload))
    return record if isinstance(record, dict) else {}


def normalize_execution(payload, warn=None):
    """A CTL execution (summary item or detail, seed 003): a normalized job plus
    ``patches``; ``patches`` is an array in practice though documented as a number."""
    record = _record(payload)
    job_id = record.get('execution_id')
    status = record.get('status')
    state, with_warnings = map_status(status, EXECUTION_STATUS, 'CTL execution', job_id, warn)
    patches = [normalize_patch(p, warn) for p in as_list(record.get('patches')) if isinstance(p, dict)]
    if any(p['with_warnings'] or p['state'] == 'failed' for p in patches) and state == 'succeeded':
        with_warnings = True
    progress = None
    if patches and state == 'running':
        progress = int(100 * sum(1 for p in patches if p['state'] in TERMINAL_STATES) / len(patches))
    messages = [record.get('begin_message')]
    for patch in patches:
        messages.extend((patch['name'], patch['message']))
    messages.append(record.get('end_message') if state in TERMINAL_STATES else None)
    messages = [m for m in messages if m]
    job = make_job(job_id, status, state, with_warnings=with_warnings, progress=progress, operation='Patch',
                   started_at=record.get('start_time'), ended_at=record.get('end_time'),
                   message=last(messages), messages=messages, raw=payload)
    job['patches'] = patches
    job['patch_count'] = len(patches) if patches else (record.get('patches') if isinstance(record.get('patches'), int) else 0)
    return job


def normalize_server(doc, server_id, group_id, alias):
    """A server from Get Server: id, account alias, group (the one it was listed in when the document has
    none), ``os`` as server_patch takes it (windows or linux), status and first internal address."""
    doc = doc if isinstance(doc, dict) else {}
    details = doc.get('details') if isinstance(doc.get('details'), dict) else {}
    addresses = [a.get('internal') for a in as_list(details.get('ipAddresses')) if isinstance(a, dict) and a.get('internal')]
    os_name = str(doc.get('os') or doc.get('osType') or '').lower()
    return dict(id=str(server_id), account_alias=alias, group_id=text_or_none(doc.get('groupId')) or group_id,
                os='windows' if os_name.startswith('win') else 'linux', status=text_or_none(doc.get('status')),
                address=text_or_none(addresses[0]) if addresses else None)


def normalize_queue(payload, queue_id, warn=None):
    """A CTL queue item from GET /v2/operations/{alias}/status/{id}."""
    record = _record(payload)
    status = record.get('status')
    state, with_warnings = map_status(status, QUEUE_STATUS, 'CTL queue item', queue_id, warn)
    return make_job(queue_id, status, state, with_warnings=with_warnings, operation='executePackage',
                    message=status, raw=payload)


# -- the client ---------------------------------------------------------------------------

class ClcAuth(_http.TokenLoginAuth):
    """Bearer token: a given ``token``, or a login whose token is renewed once on 401."""

    secret_fields = ('bearerToken',)
    missing_credentials = 'CTL needs either token, or username and password (options or CLC_V2_API_* environment variables).'

    def __init__(self, params):
        super(ClcAuth, self).__init__(params.get('token'), can_login=bool(params.get('username') and params.get('password')))
        self.params = params
        self.account_alias = params.get('account_alias')

    def login_secrets(self):
        return (self.params.get('password'),)

    def check_ready(self):
        if not self.account_alias:
            raise ConfigurationError('CTL needs account_alias when a token is given without a login (option or CLC_ACCT_ALIAS).')

    def login(self, client, deadline=None):
        url = self.params['api_url'].rstrip('/') + '/v2/authentication/login'
        try:
            response = client.post(url, body={'username': self.params['username'], 'password': self.params['password']},
                                   authenticate=False, safe=True, deadline=deadline)
        except HttpStatusError as exc:
            raise AuthError('CTL login failed: %s' % exc, method=exc.method, path=exc.path, status=exc.status,
                            api_code=exc.api_code, api_message=exc.api_message)
        body = response.json()
        token = body.get('bearerToken') if isinstance(body, dict) else None
        if not token:
            raise BadResponseError('CTL login answered %s without a bearerToken.' % response.status)
        self.account_alias = self.account_alias or body.get('accountAlias')
        return token


class ClcClient(object):
    def __init__(self, params, warn=None, session=None):
        self.params = params
        self.warn = warn
        self.auth = ClcAuth(params)
        self.http = _http.client_for(params, _http.check_url('api_url', params['api_url']), self.auth, warn=warn, session=session)
        self.patching_url = _http.check_url('patching_url', params['patching_url']).rstrip('/')
        self.known_servers = set()

    @property
    def alias(self):
        self.http.ensure_ready()  # a login may tell the alias
        return _http.segment('account_alias', self.auth.account_alias)

    def execute_package(self, server_ids, package_id, parameters):
        """POST executePackage once; returns {server_id: queue_id or None}. An answer of
        another shape means its outcome is unknown (WriteOutcomeUnknown)."""
        body = {'servers': list(server_ids), 'package': {'packageId': package_id, 'parameters': parameters or {}}}
        response = self.http.post('/v2/operations/%s/servers/executePackage' % self.alias, body=body)
        items = response.json()
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise WriteOutcomeUnknown('POST executePackage: answered %s with %s where a list of queued servers was due'
                                      % (response.status, type(items).__name__), status=response.status)
        queued = {}
        for item in items:
            links = [link for link in as_list(item.get('links')) if isinstance(link, dict)]
            status = next((link for link in links if link.get('rel') == 'status'), links[0] if links else {})
            queued[str(item.get('server'))] = str(status.get('id')) if status.get('id') is not None else None
        return queued

    def group_servers(self, group_ids, max_groups=1000):
        """Every server of the groups and of their sub-groups, normalized (Get Group: sub-groups in ``groups``,
        servers as links ``rel: server``; Get Server for each)."""
        seen, pending, links = set(), list(group_ids), []
        while pending:
            group_id = pending.pop(0)
            if group_id in seen:
                continue
            seen.add(group_id)
            if len(seen) > max_groups:
                raise ModuleFailure('More than %d groups below %s.' % (max_groups, ', '.join(group_ids)))
            group = self.http.get('/v2/groups/%s/%s' % (self.alias, _http.segment('group_id', group_id))).json()
            group = group if isinstance(group, dict) else {}
            links.extend((str(link['id']), group_id) for link in as_list(group.get('links'))
                         if isinstance(link, dict) and link.get('rel') == 'server' and link.get('id'))
            pending.extend(str(sub['id']) for sub in as_list(group.get('groups')) if isinstance(sub, dict) and sub.get('id'))
        alias = self.alias
        return [normalize_server(self.http.get('/v2/servers/%s/%s' % (alias, _http.segment('server_id', server_id))).json(),
                                 server_id, group_id, alias)
                for server_id, group_id in links]

    def queue_status(self, queue_id, deadline=None):
        response = self.http.get('/v2/operations/%s/status/%s' % (self.alias, _http.segment('queue_id', queue_id)), deadline=deadline)
        return normalize_queue(response.json(), queue_id, self.warn), response.retry_after()

    def _server_path(self, server_id, *parts):
        path = '%s/rest/servers/%s/server/%s/patch' % (self.patching_url, self.alias, _http.segment('server_id', server_id))
        return '/'.join([path] + list(parts))

    def executions(self, server_id, deadline=None):
        """Every execution of a server, normalized, in the order the API lists them.
        A 404 means the server does not exist."""
        try:
            body = self.http.get(self._server_path(server_id), deadline=deadline).json()
        except NotFoundError as exc:
            raise ModuleFailure('Server %s does not exist: %s' % (server_id, exc))
        self.known_servers.add(server_id)
        if isinstance(body, dict):
            body = body.get('executions') or body.get('items') or ([body] if body.get('execution_id') else [])
        return [normalize_execution(item, self.warn) for item in as_list(body) if isinstance(item, dict)]

    def execution(self, server_id, execution_id, deadline=None):
        """(normalized execution with patches, retry_after); NotFoundError when the
        server has no such execution (ModuleFailure when there is no such server)."""
        try:
            response = self.http.get(self._server_path(server_id, _http.segment('execution_id', execution_id)), deadline=deadline)
        except NotFoundError:
            if server_id not in self.known_servers:
                self.executions(server_id, deadline)  # fails clearly when the server itself is unknown
            raise
        body = response.json()
        if not body:
            raise NotFoundError('Execution %s of server %s: the answer is empty.' % (execution_id, server_id))
        job = normalize_execution(body, self.warn)
        if job['id'] != str(execution_id):
            raise BadResponseError('Execution %s of server %s: the answer is for %s.' % (execution_id, server_id, job['id']))
        return job, response.retry_after()


def for_the_wait(job):
    """The job as the wait schedules it: without ``progress``. CTL lists a patch of an execution only
    once it is attempted ("details on all attempted patches", seed 003), so the percent of the patches
    done counts the patches listed so far, not the share of the time gone: an end estimated from it
    runs away while a patch runs, and the wait would read the server once a minute. Without it the
    server is read on the grid of a `uri` loop with delay 30 (see _wait.Schedule.steady_read): no more
    reads than that loop, and every end seen when it would see it. The job returned keeps its progress."""
    return dict(job, progress=None) if job and job.get('progress') is not None else job


def running_execution(executions):
    """The execution still running on a server (the newest one), or None."""
    running = [e for e in executions if e['state'] in ('pending', 'running')]
    return running[-1] if running else None


def newest_execution(executions, exclude=()):
    """The most recently started execution not in ``exclude`` (execution ids)."""
    candidates = [e for e in executions if e['id'] not in exclude]
    if not candidates:
        return None
    return max(enumerate(candidates), key=lambda item: (item[1]['started_at'] or '', item[0]))[1]


def package_of(params):
    """(package id, parameters): the package's defaults with O(parameters) merged over them."""
    if params['os']:
        package_id, defaults = PACKAGES[params['os']]
    else:
        package_id, defaults = params['package_id'].strip(), {}
        if not package_id:
            raise ConfigurationError('package_id must not be empty.')
    return package_id, dict(defaults, **(params['parameters'] or {}))


class ServerPatching(WriteAction):
    """server_patch: start patching on the servers that run none (one executePackage
    for all of them) and follow every server's queue item, then its execution.

    A lost executePackage answer is recovered by watching the servers' executions for
    ``queue_window`` seconds (a queued item shows no execution until it starts); only
    the servers that still show nothing new are sent again."""

    def __init__(self, run, client):
        super(ServerPatching, self).__init__(run)
        self.client = client
        self.server_ids = list(dict.fromkeys(str(s).strip() for s in run.params['server_ids']))
        if not self.server_ids or '' in self.server_ids:
            raise ConfigurationError('server_ids must name at least one server, and no empty id.')
        for name, highest in (('queue_window', 3600), ('skip_patched_within', 24 * 365)):
            value = run.params.get(name)
            if value is not None and not 0 <= value <= highest:  # also refuses nan
                raise ConfigurationError('%s must be between 0 and %s, got %s.' % (name, highest, value))
        package_of(run.params)
        self.entries = dict((sid, dict(server_id=sid, queue_id=None, execution_id=None, started=False, job=None))
                            for sid in self.server_ids)
        self.before = {}
        self.to_start = []
        self.problems = []
        self.subject = 'patching'
        run.result['executions'] = [self.entries[sid] for sid in self.server_ids]

    def decide(self):
        for sid in self.server_ids:
            self.before[sid] = self.client.executions(sid)
            running = running_execution(self.before[sid])
            if running is not None:
                self.entries[sid].update(execution_id=running['id'], job=running)
            elif not self._recently_patched(sid):
                self.to_start.append(sid)
        if not self.to_start:
            return (FOLLOW, self.followed()) if self.followed() else (DONE, None)
        self.subject = 'patching of %s' % ', '.join(self.to_start)
        if self.run.check_mode:
            for sid in self.to_start:
                self.entries[sid]['started'] = True
        return SEND, None

    def _recently_patched(self, sid):
        hours = self.run.params.get('skip_patched_within')
        newest = newest_execution(self.before[sid])
        if not hours or newest is None or newest['state'] != 'succeeded' or not newest['ended_at']:
            return False
        try:
            ended = calendar.timegm(time.strptime(newest['ended_at'][:19], '%Y-%m-%dT%H:%M:%S'))
        except ValueError:
            return False
        if time.time() - ended < hours * 3600:
            self.entries[sid].update(execution_id=newest['id'], job=newest, skipped=True)
            return True
        return False

    def send(self):
        queued = self.client.execute_package(self.to_start, *package_of(self.run.params))
        for sid in self.to_start:
            if queued.get(sid) is None:
                self.problems.append('CTL did not queue patching for %s (no status link in the executePackage answer).' % sid)
            else:
                self.entries[sid].update(started=True, queue_id=queued[sid])
        return self.followed() or None, None

    def recover(self):
        """Watch the executions of the servers just sent until each shows a new one or
        the queue window passes; the servers followed when every one of them started."""
        watch(self._look_for_new_executions, self.run.params['queue_window'], RECOVERY_POLL)
        return self.followed() if not self.to_start else None

    def resending(self):
        if any(e['started'] for e in self.entries.values()):
            self.run.warn('%s show no new execution %ss after a lost executePackage answer; sending it again for them.'
                          % (', '.join(self.to_start), self.run.params['queue_window']))

    def _look_for_new_executions(self):
        """One look at the servers still to start: those with a new execution are started. True when none is left."""
        for sid in list(self.to_start):
            execution = newest_execution(self.client.executions(sid), exclude=[e['id'] for e in self.before[sid]])
            if execution is not None:
                self.entries[sid].update(started=True, execution_id=execution['id'], job=execution)
                self.to_start.remove(sid)
        return not self.to_start

    def started(self):
        return any(e['started'] for e in self.entries.values())

    def followed(self):
        return [sid for sid in self.server_ids if (self.entries[sid]['execution_id'] or self.entries[sid]['queue_id'])
                and not self.entries[sid].get('skipped')]

    def read_queue(self, sid, deadline=None):
        entry = self.entries[sid]
        entry['job'], retry_after = self.client.queue_status(entry['queue_id'], deadline)
        return entry['job'], retry_after

    def read(self, sid, deadline=None):
        """Poll one server: until its execution shows, its executions (one request once it shows: the
        summary tells the state), and its queue item while they show none (a queue item that failed
        starts none); then the execution."""
        entry = self.entries[sid]
        if entry['execution_id'] is None:
            execution = newest_execution(self.client.executions(sid, deadline), exclude=[e['id'] for e in self.before.get(sid, [])])
            if execution is None:
                job, retry_after = self.read_queue(sid, deadline)
                # a queue item that succeeded before its execution shows is not done for us yet
                return (dict(job, terminal=False) if job['state'] == 'succeeded' else job), retry_after
            entry['execution_id'] = execution['id']
            if not execution['terminal']:  # the details (patches) come with the next reads
                entry['job'] = execution
                return for_the_wait(execution), None
        job, retry_after = self.client.execution(sid, entry['execution_id'], deadline)
        entry['job'] = job
        return for_the_wait(job), retry_after

    def follow(self, ref, first_delay=None):
        if self.run.wait:
            self._wait(ref)
        else:
            self._read_queues_once()
        if self.problems:
            raise ModuleFailure(' '.join(self.problems))

    def _read_queues_once(self):
        queued = [sid for sid in self.server_ids if self.entries[sid]['queue_id'] and self.entries[sid]['execution_id'] is None]
        if queued:
            try:
                Poller(FunctionSource(self.read_queue), timeout=None).run(queued)
            except ApiError as exc:
                self.run.warn('Could not read the queue items: %s' % exc)

    def _wait(self, followed):
        try:
            wait_for(self.run.poller(FunctionSource(self.read), 'server'), followed, resume=RESUME,
                     first_delay=QUEUE_DELAY if any(e['queue_id'] and e['execution_id'] is None for e in self.entries.values()) else None)
        except WaitTimeout as exc:
            queued = ['%s (queue item %s)' % (sid, e['queue_id']) for sid, e in self.entries.items()
                      if e['queue_id'] and e['execution_id'] is None]
            raise ModuleFailure(' '.join([str(exc) + (' Not running yet: %s.' % ', '.join(queued) if queued else '')]
                                         + self.problems), elapsed=round(exc.elapsed, 1), timed_out=True)
        failed = dict((sid, self.entries[sid]['job']) for sid in followed
                      if self.entries[sid]['job'] and self.entries[sid]['job']['state'] in ('failed', 'canceled'))
        if failed:
            self.problems.insert(0, 'Patching ended failed on %s.' % describe_jobs(failed))


# -- the provider ---------------------------------------------------------------------------

def inventory_hosts(params, options, warn):
    """(name, variables) of every server of the groups and their sub-groups."""
    hosts = []
    for server in ClcClient(params, warn=warn).group_servers(options['groups']):
        variables = dict(dbops_cloud='clc', dbops_server_id=server['id'], dbops_account_alias=server['account_alias'],
                         dbops_os=server['os'], dbops_group_id=server['group_id'], dbops_status=server['status'])
        if server['address']:
            variables['ansible_host'] = server['address']
        hosts.append((server['id'], variables))
    return hosts


PROVIDER = Provider(
    name='clc', title='CenturyLink Cloud Patching-as-a-Service',
    argument_spec=clc_argument_spec,
    modules=('server_patch', 'server_patch_info', 'clc_auth'),
    waiting=('server_patch', 'server_patch_info'),
    writing=('server_patch',),
    credential_type='clc.yml',
    inventory=Inventory(inventory_hosts, configured_by=('groups',),
                        options=dict(groups=dict(type='list', elements='str', default=[]))),
    safe_patch=None,
    simulator='tests/simulator/clc.py', guide='docs/docsite/rst/guide_ctl.rst')
