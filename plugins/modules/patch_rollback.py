#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: patch_rollback
short_description: Roll back a patch applied to an Oracle PaaS database service instance, never twice
version_added: 1.0.0
description:
  - Rolls back a patch applied to an Oracle Database Classic (C(dbaas)) or MySQL Cloud Service (C(MySQLCS))
    instance and, by default, waits until the rollback job ends.
  - The rollback id is not the patch id. Give O(rollback_id), or give O(patch_id) and the module resolves
    the rollback id through the applied patches (for example patch V(5.7.16-EE) has rollback id V(234688)).
  - Idempotent from the cloud's own state, read before any write. When the patch is already rolled back or
    no longer applied, the module reports RV(changed=false). When its rollback already runs, the module
    follows that job and reports RV(changed=false).
  - A rollback is never sent twice while the instance might hold its effect. If the answer to the rollback request
    is lost, the module re-reads the applied patches and follows the rollback if it started. A request that got no
    answer may still be processed, so the module re-reads them for the longer of 60 seconds and O(request_timeout)
    before it concludes that nothing started and sends it again (at most four attempts in all); a 409 answered to
    that second request is recovered the same way, with RV(changed=true).
    A rollback that already ran and failed is reported, not retried.
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
      - Reads the applied patches and reports whether a rollback would be sent; sends no write.
  diff_mode:
    support: full
    details:
      - Shows the patch level before and after (C(currentPatchLevel) and C(rollbackVersion)), where the API tells it.
options:
  rollback_id:
    description:
      - Rollback id of the applied patch (C(rollbackId) in the applied patches). Exactly one of O(rollback_id) and O(patch_id) is required.
    type: str
  patch_id:
    description:
      - Id of the applied patch; resolved to its rollback id through the applied patches.
    type: str
  switch_over:
    description:
      - For Data Guard configurations, switch over to the standby before rolling back (C(switchOver)). Not sent when unset.
    type: bool
  note:
    description:
      - A note recorded with the rollback (C(additionalNote)).
    type: str
'''

EXAMPLES = r'''
- name: Roll back a patch by its patch id
  dbops.patching.patch_rollback:
    api_url: https://psm.us.oraclecloud.com
    identity_domain: ExampleIdentityDomain
    username: "{{ oracle_user }}"
    password: "{{ oracle_password }}"
    service_type: MySQLCS
    service_name: MyTestInstance
    patch_id: 5.7.16-EE
    note: Rolled back after failed verification
  register: rollback

- name: Roll back by rollback id, without waiting
  dbops.patching.patch_rollback:
    api_url: https://psm.us.oraclecloud.com
    identity_domain: ExampleIdentityDomain
    username: "{{ oracle_user }}"
    password: "{{ oracle_password }}"
    service_type: MySQLCS
    service_name: MyTestInstance
    rollback_id: "234688"
    wait: false
'''

RETURN = r'''
changed:
  description: Whether this run sent the rollback (or would have, in check mode).
  returned: always
  type: bool
rollback_id:
  description: The rollback id used (resolved from O(patch_id) when that was given); V(null) when the patch is not applied.
  returned: always
  type: str
  sample: "234688"
job_id:
  description: Id of the rollback job this run started or followed.
  returned: always
  type: str
  sample: "4208393"
job:
  description:
    - The rollback job, normalized (same keys as RV(dbops.patching.job_info#module:job)); its last state seen when
      the wait failed or timed out. V(null) when there was no job.
  returned: always
  type: dict
  sample: {"id": "4208393", "state": "running", "terminal": false, "status": "IN_PROGRESS", "with_warnings": false,
           "progress": null, "operation": "Rollback", "started_at": "2016-12-14T00:36:22.831+0000", "ended_at": null,
           "message": "Rollback in progress", "messages": ["12:36:22.828 AM Phase initialize started"], "raw": []}
patch:
  description:
    - The applied-patch entry (as M(dbops.patching.patch_info) returns it) before the rollback; V(null) when the patch is not applied.
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
  sample: {"before": {"patch_level": "mysql 5.7.16"}, "after": {"patch_level": "mysql 5.7.15"}}
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dbops.patching.plugins.module_utils._oracle import oracle_argument_spec, rollback_patch, service_argument_spec
from ansible_collections.dbops.patching.plugins.module_utils._runner import argument_spec_of, run_module, wait_argument_spec


def main():
    argument_spec = argument_spec_of(
        oracle_argument_spec(), service_argument_spec(), wait_argument_spec(wait_default=True),
        rollback_id=dict(type='str'),
        patch_id=dict(type='str'),
        switch_over=dict(type='bool'),
        note=dict(type='str'),
    )
    one_id = [('rollback_id', 'patch_id')]
    run_module(AnsibleModule(argument_spec=argument_spec, mutually_exclusive=one_id, required_one_of=one_id, supports_check_mode=True),
               rollback_patch)


if __name__ == '__main__':
    main()
