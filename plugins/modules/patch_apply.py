#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: patch_apply
short_description: Apply a patch to an Oracle PaaS database service instance, safely
version_added: 1.0.0
description:
  - Applies a patch to an Oracle Database Classic (C(dbaas)) or MySQL Cloud Service (C(MySQLCS)) instance
    and, by default, waits until the patching job ends.
  - Idempotent from the cloud's own state, read before any write. When the patch is already applied the
    module reports RV(changed=false). When an apply of this patch already runs, no new request is sent;
    the module follows the running job and reports RV(changed=false).
  - When another operation runs on the instance, the module fails and names it instead of sending a request
    the cloud would refuse with HTTP 409.
  - The apply request is never sent twice while the instance might hold its effect. If its answer is lost (timeout,
    connection reset), the module re-reads the applied patches to learn whether it took effect and follows the job
    if so. A request that got no answer may still be processed, so the applied patches are re-read for the longer of
    60 seconds and O(request_timeout) before the module concludes that nothing started and sends it again (at most
    four attempts in all). A 409 answered to such a second request is recovered the same way, and the job of the
    first is followed with RV(changed=true). See the collection's guide "What happens when the network fails".
  - With O(precheck=true) a patching precheck runs first and must pass; the patch is not applied otherwise.
author:
  - dbops.patching maintainers (@dbops)
extends_documentation_fragment:
  - dbops.patching.oracle
  - dbops.patching.oracle.service
  - dbops.patching.connection
  - dbops.patching.wait.action
  - dbops.patching.wait.schedule
  - dbops.patching.attributes
  - dbops.patching.oracle.action_group
attributes:
  check_mode:
    support: full
    details:
      - Reads the patches and reports whether the patch would be applied; sends no write.
  diff_mode:
    support: full
    details:
      - Shows the patch level before and after, where the API tells it.
options:
  patch_id:
    description:
      - Id of the patch to apply, as listed by M(dbops.patching.patch_info) in RV(dbops.patching.patch_info#module:available).
    type: str
    required: true
  precheck:
    description:
      - Run a patching precheck first, wait for it (always, whatever O(wait) says), and apply only if it passed.
    type: bool
    default: false
  force_apply:
    description:
      - Apply even if the precheck conditions are not met (C(forceApply)). Not sent when unset.
    type: bool
  switch_over:
    description:
      - For Data Guard configurations, switch over to the standby before patching (C(switchOver)). Not sent when unset.
    type: bool
  note:
    description:
      - A note recorded with the patching operation (C(additionalNote)).
    type: str
'''

EXAMPLES = r'''
- name: Apply a patch after a passing precheck, and wait for it
  dbops.patching.patch_apply:
    api_url: https://psm.us.oraclecloud.com
    identity_domain: ExampleIdentityDomain
    username: "{{ oracle_user }}"
    password: "{{ oracle_password }}"
    service_type: MySQLCS
    service_name: MyTestInstance
    patch_id: 5.7.16-EE
    precheck: true
    note: Quarterly patching, change CHG-1234
    wait_timeout: 7200
  register: applied

- name: Start a long patch without waiting (credentials from module_defaults)
  module_defaults:
    group/dbops.patching.oracle:
      api_url: https://psm.us.oraclecloud.com
      identity_domain: ExampleIdentityDomain
      username: "{{ oracle_user }}"
      password: "{{ oracle_password }}"
  block:
    - name: Start the patch
      dbops.patching.patch_apply:
        service_name: exadata01
        patch_id: "28440725"
        wait: false
      register: started

    - name: Wait for it later
      dbops.patching.job_info:
        service_name: exadata01
        job_id: "{{ started.job_id }}"
        wait: true
        wait_timeout: 10800
'''

RETURN = r'''
changed:
  description: Whether this run started the apply (or would have, in check mode).
  returned: always
  type: bool
job_id:
  description: Id of the patching job this run started or followed; V(null) in check mode or when nothing was to do.
  returned: always
  type: str
  sample: "4207169"
job:
  description:
    - The patching job, normalized (same keys as RV(dbops.patching.job_info#module:job)); its last state seen
      when the wait failed or timed out. V(null) when there was no job.
  returned: always
  type: dict
  sample: {"id": "4207169", "state": "succeeded", "terminal": true, "status": "COMPLETED", "with_warnings": false,
           "progress": null, "operation": "Patch", "started_at": "2016-12-13T21:13:16.038+0000",
           "ended_at": "2016-12-13T21:15:04.030+0000", "message": "MySQL patching succeeded", "messages": [], "raw": []}
precheck_job:
  description: The precheck job, normalized, when O(precheck=true) and a precheck ran.
  returned: always
  type: dict
patch:
  description:
    - The patch, as M(dbops.patching.patch_info) returns its entries (C(patch_id), C(rollback_id), C(state), C(status),
      C(operation), C(job_id), C(raw), and more). This is the applied record when it is known, else the available patch.
  returned: always
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
diff:
  description: Patch level before and after.
  returned: in diff mode, when changed
  type: dict
  sample: {"before": {"patch_level": "mysql 5.7.15"}, "after": {"patch_level": "5.7.16"}}
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dbops.patching.plugins.module_utils._oracle import apply_patch, oracle_argument_spec, service_argument_spec
from ansible_collections.dbops.patching.plugins.module_utils._runner import argument_spec_of, run_module, wait_argument_spec


def main():
    argument_spec = argument_spec_of(
        oracle_argument_spec(), service_argument_spec(), wait_argument_spec(wait_default=True),
        patch_id=dict(type='str', required=True),
        precheck=dict(type='bool', default=False),
        force_apply=dict(type='bool'),
        switch_over=dict(type='bool'),
        note=dict(type='str'),
    )
    run_module(AnsibleModule(argument_spec=argument_spec, supports_check_mode=True), apply_patch)


if __name__ == '__main__':
    main()
