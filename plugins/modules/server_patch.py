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
  - A server whose patch execution is already running is followed, not started again; only the other servers
    are sent, in one request. Once a run has ended, running the module again starts a new patch run, because patching
    is a recurring action, not a state.
  - The request is never sent twice. If its answer is lost, the module re-reads the servers' executions to learn
    whether the runs started, and follows them if so; otherwise it fails without sending it again.
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
      - Reads the servers' executions and reports which servers would be started; sends no write.
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
      description: Id of the queued C(executePackage) item this run started; V(null) for a server whose running execution was followed.
      type: str
    execution_id:
      description: Id of the patch execution, once known.
      type: str
      sample: VA1-132458
    started:
      description: Whether this run started the server's patching.
      type: bool
    job:
      description:
        - The execution as M(dbops.patching.server_patch_info) returns it (a normalized job plus C(patches)) once
          it is known, else the queue item as a normalized job. Its last state seen when the wait failed or timed out.
      type: dict
elapsed:
  description: Seconds waited before the timeout.
  returned: when the wait timed out
  type: float
'''

from ansible.module_utils.basic import AnsibleModule

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
    send_once,
    wait_argument_spec,
)
from ansible_collections.dbops.patching.plugins.module_utils._wait import WaitTimeout, describe_jobs, wait_for


def patch_servers(module, warnings):
    params = module.params
    client = ClcClient(params)
    server_ids = list(dict.fromkeys(str(s).strip() for s in params['server_ids']))
    if params['os']:
        package_id, parameters = PACKAGES[params['os']]
    else:
        package_id, parameters = params['package_id'], {}
    parameters = dict(parameters, **(params['parameters'] or {}))

    known = dict((sid, client.executions(sid, warnings)) for sid in server_ids)
    entries = dict((sid, dict(server_id=sid, queue_id=None, execution_id=None, started=False, job=None)) for sid in server_ids)
    to_start = []
    for sid in server_ids:
        running = running_execution(known[sid])
        if running is None:
            to_start.append(sid)
        else:
            entries[sid].update(execution_id=running['id'], job=running)
    result = dict(changed=bool(to_start), executions=[entries[sid] for sid in server_ids])
    if module.check_mode or not to_start and not params['wait']:
        return result

    def new_execution(sid):
        return newest_execution(client.executions(sid, warnings), exclude=[e['id'] for e in known[sid]])

    def recover():
        found = dict((sid, new_execution(sid)) for sid in to_start)
        if all(found.values()):
            for sid, execution in found.items():
                entries[sid].update(execution_id=execution['id'], job=execution)
            return {}
        return None

    if to_start:
        queued = send_once(lambda: client.execute_package(to_start, package_id, parameters), recover,
                           'Patching of %s' % ', '.join(to_start), result)
        for sid in to_start:
            entries[sid].update(started=True, queue_id=queued.get(sid))

    def read(sid):
        entry = entries[sid]
        if entry['execution_id'] is None and entry['queue_id'] is not None:
            job, retry_after = client.queue_status(entry['queue_id'], warnings)
            entry['job'] = job
            if job['state'] in ('pending', 'unknown'):
                return job, retry_after
            execution = new_execution(sid)
            if execution is None:
                # a queue item that succeeded before its execution shows is not done for us yet
                return (dict(job, terminal=False) if job['state'] == 'succeeded' else job), retry_after
            entry['execution_id'] = execution['id']
        job, retry_after = client.execution(sid, entry['execution_id'], warnings)
        entry['job'] = job or entry['job']
        return entry['job'], retry_after

    if not params['wait']:
        for sid in server_ids:
            read(sid)
        return result
    try:
        wait_for(make_poller(module, read), server_ids, what='server',
                 resume='follow it with dbops.patching.server_patch_info and the execution_id')
    except WaitTimeout as exc:
        raise ModuleFailure(str(exc), elapsed=round(exc.elapsed, 1), **result)
    failed = dict((sid, entries[sid]['job']) for sid in server_ids if entries[sid]['job']['state'] in ('failed', 'canceled'))
    if failed:
        raise ModuleFailure('Patching ended failed on %s.' % describe_jobs(failed), **result)
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
