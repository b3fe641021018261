#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: server_patch
short_description: Patch the operating system of CenturyLink Cloud servers and follow the run
version_added: 0.1.0
description:
  - Starts OS patching on CenturyLink Cloud servers with Patching-as-a-Service (C(executePackage)) and, by
    default, follows each server's run until it ends.
  - It first reads each server's executions. A server whose patch execution is already running is followed, not started
    again; only the other servers are sent, all in one request.
  - Idempotency is about runs in progress only. Running the task twice while the first run still goes on starts nothing
    the second time (V(changed=false)); running it again after the run has ended starts a new patch run, because patching
    is a recurring action, not a state.
  - CTL lists an execution only once its queued item has started (usually seconds after the request). A second task in
    that short window cannot see the first run and starts another one.
  - The request is never sent twice. If its answer is lost, the module re-reads the servers' executions; the servers that
    now show a new execution are followed, and the module fails for the others, saying that the request may or may not
    have reached CTL and that nothing was re-sent.
  - With O(wait=true) it follows every server concurrently until its execution ends, and fails when one ends failed or
    canceled, returning RV(executions) with the last state of each.
author:
  - dbops.patching maintainers (@dbops)
extends_documentation_fragment:
  - dbops.patching.clc
  - dbops.patching.wait.action
  - dbops.patching.attributes
  - dbops.patching.attributes.actiongroup_clc
attributes:
  check_mode:
    support: full
    details:
      - Reads the servers' executions and reports which servers would be started (RV(executions[].started)); sends no write.
  diff_mode:
    support: none
options:
  server_ids:
    description:
      - Ids of the servers to patch.
    type: list
    elements: str
    required: true
  os:
    description:
      - Use the Patching-as-a-Service package for this operating system. Exactly one of O(os) and O(package_id) is required.
      - V(linux) patches with yum and sends C(patch.debug.mode=false) unless O(parameters) says otherwise.
    type: str
    choices: [windows, linux]
  package_id:
    description:
      - Id of the package to execute, for a package other than the two standard ones.
    type: str
  parameters:
    description:
      - Parameters of the package, merged over the defaults of O(os).
    type: dict
'''

EXAMPLES = r'''
- name: Patch two Linux servers and wait
  dbops.patching.server_patch:
    username: "{{ clc_user }}"
    password: "{{ clc_password }}"
    server_ids: [VA1OSDDB01, VA1OSDDB02]
    os: linux
    wait_timeout: 7200
  register: patched

- name: Start Windows patching without waiting (credentials from module_defaults)
  module_defaults:
    group/dbops.patching.clc:
      username: "{{ clc_user }}"
      password: "{{ clc_password }}"
  dbops.patching.server_patch:
    server_ids: [VA1OSDPATCH33]
    os: windows
    wait: false
  register: started

- name: Run a custom package with its own parameters
  dbops.patching.server_patch:
    username: "{{ clc_user }}"
    password: "{{ clc_password }}"
    server_ids: [VA1OSDDB01]
    package_id: 0a1b2c3d-0000-4000-8000-000000000001
    parameters:
      reboot: "false"

- name: See which servers would be started, sending nothing
  dbops.patching.server_patch:
    username: "{{ clc_user }}"
    password: "{{ clc_password }}"
    server_ids: [VA1OSDDB01, VA1OSDDB02]
    os: linux
  check_mode: true
  register: plan
'''

RETURN = r'''
changed:
  description: Whether a patch run was started (or would be, in check mode).
  returned: always
  type: bool
executions:
  description: One item per server, in the order of O(server_ids).
  returned: always
  type: list
  elements: dict
  contains:
    server_id:
      description: The server.
      type: str
    queue_id:
      description:
        - Id of the queued C(executePackage) item this task started.
        - V(null) for a server whose running execution was followed, in check mode, and when the answer of the request
          was lost.
      type: str
      sample: VA1-4a2b9c3d1e0f
    execution_id:
      description:
        - Id of the patch execution, once known; for a followed server, the execution that was running.
        - Without O(wait), V(null) for a server this task started (its execution shows only once the queued item runs).
      type: str
      sample: VA1-132458
    started:
      description: Whether this task started the server's patching (in check mode, whether it would).
      type: bool
    job:
      description:
        - With O(wait), the execution as M(dbops.patching.server_patch_info) returns it with O(dbops.patching.server_patch_info#module:execution_id)
          (a normalized job plus C(patches)); its last state seen when the wait failed or timed out.
        - Without O(wait), the queued item as a normalized job for a server this task started, and the execution summary
          for a followed server.
        - In check mode, the execution summary for a followed server and V(null) for a server that would be started.
      type: dict
elapsed:
  description: Seconds waited before the timeout.
  returned: when the wait timed out
  type: float
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dbops.patching.plugins.module_utils import _http
from ansible_collections.dbops.patching.plugins.module_utils._clc import (
    PACKAGES,
    ClcClient,
    clc_argument_spec,
    newest_execution,
    running_execution,
)
from ansible_collections.dbops.patching.plugins.module_utils._module import (
    ModuleFailure,
    make_poller,
    run_module,
    wait_argument_spec,
)
from ansible_collections.dbops.patching.plugins.module_utils._wait import Poller, WaitTimeout, describe_jobs, wait_for

RESUME = ('run this task again to follow the executions that run (none is started twice), '
          'or follow one with dbops.patching.server_patch_info and its execution_id')


def package_of(params):
    """(package id, parameters): the package's defaults with O(parameters) merged over them."""
    if params['os']:
        package_id, defaults = PACKAGES[params['os']]
    else:
        package_id, defaults = params['package_id'], {}
    return package_id, dict(defaults, **(params['parameters'] or {}))


class ServerPatching(object):
    """The servers of one task: which to start, the one executePackage request, and following them."""

    def __init__(self, client, server_ids, warnings):
        self.client = client
        self.server_ids = server_ids
        self.warnings = warnings
        self.before = {}
        self.entries = dict((sid, dict(server_id=sid, queue_id=None, execution_id=None, started=False, job=None))
                            for sid in server_ids)
        self.problems = []

    def executions(self):
        return [self.entries[sid] for sid in self.server_ids]

    def read_servers(self):
        """Read each server's executions; return the servers with none running (to start)."""
        to_start = []
        for sid in self.server_ids:
            self.before[sid] = self.client.executions(sid, self.warnings)
            running = running_execution(self.before[sid])
            if running is None:
                to_start.append(sid)
            else:
                self.entries[sid].update(execution_id=running['id'], job=running)
        return to_start

    def new_execution(self, sid):
        """The execution that appeared since the task began, or None."""
        return newest_execution(self.client.executions(sid, self.warnings), exclude=[e['id'] for e in self.before[sid]])

    def start(self, to_start, package_id, parameters):
        """Send executePackage once. A lost answer is never re-sent: the servers that show
        a new execution are followed, the others are reported as problems."""
        try:
            queued = self.client.execute_package(to_start, package_id, parameters)
        except _http.WriteOutcomeUnknown as exc:
            self.recover(to_start, exc)
            return
        for sid in to_start:
            if queued.get(sid) is None:
                self.problems.append('CTL did not queue patching for %s (no status link in the executePackage answer).' % sid)
            else:
                self.entries[sid].update(started=True, queue_id=queued[sid])

    def recover(self, to_start, exc):
        unknown = []
        for sid in to_start:
            execution = self.new_execution(sid)
            if execution is None:
                unknown.append(sid)
            else:
                self.entries[sid].update(started=True, execution_id=execution['id'], job=execution)
        if unknown:
            self.problems.append(
                '%s. The request may or may not have reached CTL: %s show%s no new execution, and nothing was re-sent. '
                'Check with dbops.patching.server_patch_info before running the task again.'
                % (exc, ', '.join(unknown), '' if len(unknown) > 1 else 's'))

    def followed(self):
        return [sid for sid in self.server_ids if self.entries[sid]['execution_id'] or self.entries[sid]['queue_id']]

    def read_queue(self, sid):
        entry = self.entries[sid]
        entry['job'], retry_after = self.client.queue_status(entry['queue_id'], self.warnings)
        return entry['job'], retry_after

    def read(self, sid):
        """Poll one server: its queue item until the execution shows, then the execution."""
        entry = self.entries[sid]
        if entry['execution_id'] is None:
            job, retry_after = self.read_queue(sid)
            if job['state'] in ('pending', 'unknown'):
                return job, retry_after
            execution = self.new_execution(sid)
            if execution is None:
                # a queue item that succeeded before its execution shows is not done for us yet
                return (dict(job, terminal=False) if job['state'] == 'succeeded' else job), retry_after
            entry['execution_id'] = execution['id']
        job, retry_after = self.client.execution(sid, entry['execution_id'], self.warnings)
        entry['job'] = job or entry['job']
        return entry['job'], retry_after

    def read_queues_once(self):
        """Without wait: the state of each queued item, read concurrently."""
        queued = [sid for sid in self.server_ids if self.entries[sid]['queue_id'] and self.entries[sid]['execution_id'] is None]
        if queued:
            Poller(self.read_queue, timeout=0).run(queued)

    def follow(self, module, result):
        try:
            wait_for(make_poller(module, self.read), self.followed(), what='server', resume=RESUME)
        except WaitTimeout as exc:
            queued = ['%s (queue item %s)' % (sid, e['queue_id']) for sid, e in self.entries.items()
                      if e['queue_id'] and e['execution_id'] is None]
            message = str(exc) + (' Not running yet: %s.' % ', '.join(queued) if queued else '')
            raise ModuleFailure(' '.join([message] + self.problems), elapsed=round(exc.elapsed, 1), **result)
        failed = dict((sid, self.entries[sid]['job']) for sid in self.followed()
                      if self.entries[sid]['job']['state'] in ('failed', 'canceled'))
        if failed:
            self.problems.insert(0, 'Patching ended failed on %s.' % describe_jobs(failed))


def patch_servers(module, warnings):
    params = module.params
    servers = ServerPatching(ClcClient(params), list(dict.fromkeys(str(s).strip() for s in params['server_ids'])), warnings)
    to_start = servers.read_servers()
    result = dict(changed=bool(to_start), executions=servers.executions())
    if module.check_mode:
        for sid in to_start:
            servers.entries[sid]['started'] = True
        return result
    if to_start:
        servers.start(to_start, *package_of(params))
    if params['wait']:
        servers.follow(module, result)
    else:
        servers.read_queues_once()
    if servers.problems:
        raise ModuleFailure(' '.join(servers.problems), **result)
    return result


def main():
    argument_spec = clc_argument_spec()
    argument_spec.update(wait_argument_spec(wait_default=True))
    argument_spec.update(
        server_ids=dict(type='list', elements='str', required=True),
        os=dict(type='str', choices=['windows', 'linux']),
        package_id=dict(type='str'),
        parameters=dict(type='dict'),
    )
    module = AnsibleModule(
        argument_spec=argument_spec,
        mutually_exclusive=[('os', 'package_id')],
        required_one_of=[('os', 'package_id')],
        supports_check_mode=True,
    )
    run_module(module, patch_servers)


if __name__ == '__main__':
    main()
