#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: server_patch
short_description: Patch the operating system of CenturyLink Cloud servers and follow the run
version_added: 1.0.0
description:
  - Starts OS patching on CenturyLink Cloud servers with Patching-as-a-Service (C(executePackage)) and, by
    default, follows each server's run until it ends.
  - It first reads each server's executions. A server whose patch execution is already running is followed, not started
    again; only the other servers are sent, all in one request.
  - Idempotency is about runs in progress only. Running the task twice while the first run still goes on starts nothing
    the second time (V(changed=false)); running it again after the run has ended starts a new patch run, because patching
    is a recurring action, not a state.
  - B(A completed run is not idempotent.) Every task run after the previous patch run ended patches the servers again.
    Set O(skip_patched_within) to skip a server whose newest execution succeeded less than that many hours ago.
  - CTL lists an execution only once its queued item has started (usually seconds after the request). A second task in
    that short window cannot see the first run and starts another one; do not run two tasks for the same servers at
    once.
  - The request is sent at most once per server while CTL might hold its effect. When its answer is lost, cut, unreadable
    or a throttle/gateway status (429, 5xx), the module watches the servers' executions for O(queue_window) seconds;
    the servers that show a new execution are followed (with a warning), and only the servers that still show nothing
    are sent again, at most four attempts in all. A request that got no answer (a timeout) may still be processed,
    so the executions are watched until the longer of 60 seconds and O(request_timeout) has passed, and then for
    O(queue_window) seconds more. See the collection's guide "What happens when the network fails".
  - With O(wait=true) it follows every server concurrently until its execution ends, and fails when one ends failed or
    canceled, returning RV(executions) with the last state of each.
author:
  - dbops.patching maintainers (@dbops)
extends_documentation_fragment:
  - dbops.patching.clc
  - dbops.patching.connection
  - dbops.patching.wait.action
  - dbops.patching.wait.schedule
  - dbops.patching.attributes
  - dbops.patching.clc.action_group
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
  queue_window:
    description:
      - Seconds to watch the servers' executions after an C(executePackage) whose answer was lost, before the module
        concludes that CTL did not queue it and sends it again for the servers that show nothing new.
      - CTL shows a queued item as an execution only once it starts; set this above the queue delays you see.
      - Between 0 and 3600.
    type: float
    default: 60
  skip_patched_within:
    description:
      - Hours. A server whose newest execution succeeded less than this long ago is not patched again; it is reported
        with RV(executions[].skipped=true) and that execution.
      - Unset (the default), every server without a running execution is patched.
    type: float
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

- name: Patch again only servers not patched in the last 12 hours
  dbops.patching.server_patch:
    username: "{{ clc_user }}"
    password: "{{ clc_password }}"
    server_ids: [VA1OSDDB01, VA1OSDDB02]
    os: linux
    skip_patched_within: 12

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
          was lost (its execution is then found in the executions and followed).
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
    skipped:
      description: Present and V(true) for a server skipped by O(skip_patched_within).
      type: bool
      returned: when a server was skipped
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
timed_out:
  description: Whether the wait ran out before the job(s) ended (the last state seen is returned all the same).
  returned: always
  type: bool
  sample: false
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dbops.patching.plugins.module_utils._clc import ClcClient, ServerPatching, clc_argument_spec
from ansible_collections.dbops.patching.plugins.module_utils._runner import argument_spec_of, run_module, wait_argument_spec
from ansible_collections.dbops.patching.plugins.module_utils._workflow import run_write


def patch_servers(run):
    run_write(ServerPatching(run, ClcClient(run.params, warn=run.warn)))


def main():
    argument_spec = argument_spec_of(
        clc_argument_spec(), wait_argument_spec(wait_default=True),
        server_ids=dict(type='list', elements='str', required=True),
        os=dict(type='str', choices=['windows', 'linux']),
        package_id=dict(type='str'),
        parameters=dict(type='dict'),
        queue_window=dict(type='float', default=60),
        skip_patched_within=dict(type='float'),
    )
    one_package = [('os', 'package_id')]
    run_module(AnsibleModule(argument_spec=argument_spec, mutually_exclusive=one_package, required_one_of=one_package,
                             supports_check_mode=True), patch_servers)


if __name__ == '__main__':
    main()
