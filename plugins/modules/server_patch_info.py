#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: server_patch_info
short_description: CenturyLink Cloud patch executions of a server
version_added: 1.0.0
description:
  - Lists the Patching-as-a-Service executions of a CenturyLink Cloud server, or reads one execution with
    the patches it installed, and optionally waits until it ends.
  - Tolerates what the API really sends beside its documentation (upper-case statuses, C(patches) as an array,
    C(end_time) empty while running). Each patch's C(Result Code) becomes its state (V(3), succeeded with errors,
    sets C(with_warnings)).
author:
  - dbops.patching maintainers (@dbops)
extends_documentation_fragment:
  - dbops.patching.clc
  - dbops.patching.connection
  - dbops.patching.wait
  - dbops.patching.wait.schedule
  - dbops.patching.attributes
  - dbops.patching.attributes.info_module
  - dbops.patching.clc.action_group
options:
  server_id:
    description:
      - Id of the server, for example V(VA1OSDPATCH33).
    type: str
    required: true
  execution_id:
    description:
      - Id of one execution, for example V(VA1-132457). Without it, every execution of the server is listed.
      - O(wait) works only with O(execution_id).
    type: str
'''

EXAMPLES = r'''
- name: List the patch runs of a server
  dbops.patching.server_patch_info:
    username: "{{ clc_user }}"
    password: "{{ clc_password }}"
    server_id: VA1OSDPATCH33
  register: runs

- name: Wait for one run and show its patches (credentials from CLC_V2_API_* environment variables)
  dbops.patching.server_patch_info:
    server_id: VA1OSDPATCH33
    execution_id: VA1-132457
    wait: true
  register: run

- name: Show the patches that did not succeed cleanly
  ansible.builtin.debug:
    msg: "{{ run.execution.patches | rejectattr('state', 'equalto', 'succeeded') | map(attribute='name') | list }}"
'''

RETURN = r'''
executions:
  description: Every execution of the server, as normalized jobs (see RV(execution)), in the order the API lists them.
  returned: when O(execution_id) is not given
  type: list
  elements: dict
exists:
  description: Whether the execution was found.
  returned: when O(execution_id) is given
  type: bool
execution:
  description: The execution as a normalized job plus its patches; V(null) when it does not exist.
  returned: when O(execution_id) is given
  type: dict
  contains:
    id:
      description: Execution id.
      type: str
      sample: VA1-132457
    state:
      description: One of V(pending), V(running), V(succeeded), V(failed), V(canceled), V(unknown).
      type: str
    terminal:
      description: Whether the state is V(succeeded), V(failed) or V(canceled).
      type: bool
    status:
      description: The raw status, for example V(RUNNING) or V(COMPLETED).
      type: str
    with_warnings:
      description: Whether a patch ended with result code 3 (succeeded with errors) or failed in an execution that completed.
      type: bool
    progress:
      description: Percent of the patches done while running, else V(null).
      type: int
    operation:
      description: Always V(Patch).
      type: str
    started_at:
      description: C(start_time).
      type: str
    ended_at:
      description: C(end_time), V(null) while running.
      type: str
    message:
      description: The last message of the run.
      type: str
    messages:
      description: Begin message, each patch's begin and end message, end message.
      type: list
      elements: str
    raw:
      description: The API's document, untouched.
      type: dict
    patch_count:
      description: Number of patches in the run.
      type: int
    patches:
      description: The patches of the run.
      type: list
      elements: dict
      contains:
        name:
          description: C(patch_begin_message), for example the KB article.
          type: str
        state:
          description: State from the result code.
          type: str
        status:
          description: The raw per-patch status.
          type: str
        with_warnings:
          description: Whether the result code is 3.
          type: bool
        result_code:
          description: The N of C(Result Code - N), 0 not started, 1 in progress, 2 succeeded, 3 succeeded with errors, 4 failed, 5 aborted.
          type: int
        started_at:
          description: C(start_time) of the patch.
          type: str
        ended_at:
          description: C(end_time) of the patch, V(null) when empty.
          type: str
        message:
          description: C(patch_end_message).
          type: str
summary:
  description: Counts of RV(executions) by state, and C(total).
  returned: when O(execution_id) is not given
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

from ansible_collections.dbops.patching.plugins.module_utils._clc import ClcClient, clc_argument_spec
from ansible_collections.dbops.patching.plugins.module_utils._errors import ConfigurationError
from ansible_collections.dbops.patching.plugins.module_utils._jobs import summarize
from ansible_collections.dbops.patching.plugins.module_utils._runner import argument_spec_of, report_jobs, run_module, wait_argument_spec
from ansible_collections.dbops.patching.plugins.module_utils._wait import FunctionSource


def report(run):
    client = ClcClient(run.params, warn=run.warn)
    server_id = run.params['server_id']
    if run.params['execution_id'] is not None:
        def execution(key, deadline=None):
            return client.execution(server_id, key, deadline)
        report_jobs(run, FunctionSource(execution), 'execution', key='execution', ids=[run.params['execution_id']])
        return
    if run.params['wait']:
        raise ConfigurationError('wait=true needs execution_id; the list shows the executions as they are now.')
    executions = client.executions(server_id)
    run.result.update(executions=executions, summary=summarize(executions))


def main():
    argument_spec = argument_spec_of(
        clc_argument_spec(), wait_argument_spec(wait_default=False),
        server_id=dict(type='str', required=True), execution_id=dict(type='str'),
    )
    run_module(AnsibleModule(argument_spec=argument_spec, supports_check_mode=True), report)


if __name__ == '__main__':
    main()
