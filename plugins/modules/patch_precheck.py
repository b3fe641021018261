#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: patch_precheck
short_description: Run the patching precheck of a patch on an Oracle PaaS instance, without applying it
version_added: 1.0.0
description:
  - Runs the patching precheck (C(PUT patches/checks/{patchId})) of an available patch on an Oracle Database Classic
    (C(dbaas)) or MySQL Cloud Service (C(MySQLCS)) instance and, by default, waits for it and fails when it does not
    pass. The patch is never applied; use it for a precheck-only wave a change board approves before the real run.
  - A precheck changes nothing on the instance, so RV(changed) is always false; RV(job_id) says whether one was sent.
  - Sends nothing when the patch is already applied or being applied (the message says so), and nothing in check mode.
  - The precheck request is sent at most once while the cloud's state might show it; a lost answer is recovered
    from the instance's prechecks, as M(dbops.patching.patch_apply) does.
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
      - Reads the patches and reports the patch; sends no precheck.
  diff_mode:
    support: none
options:
  patch_id:
    description:
      - Id of the patch to precheck, as listed by M(dbops.patching.patch_info) in
        RV(dbops.patching.patch_info#module:available).
    type: str
    required: true
seealso:
  - module: dbops.patching.patch_apply
  - module: dbops.patching.job_info
'''

EXAMPLES = r'''
- name: Precheck a patch across the fleet, apply nothing
  dbops.patching.patch_precheck:
    service_type: dbaas
    service_name: "{{ inventory_hostname }}"
    patch_id: "29834717"
  register: precheck
'''

RETURN = r'''
changed:
  description: Always false; a precheck changes nothing.
  returned: always
  type: bool
job_id:
  description: Id of the precheck job this run sent; V(null) when none was sent.
  returned: always
  type: str
job:
  description:
    - The precheck job, normalized (same keys as RV(dbops.patching.job_info#module:job)); its last state seen when the
      wait failed or timed out.
  returned: always
  type: dict
patch:
  description: The patch, as M(dbops.patching.patch_info) returns its entries.
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
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dbops.patching.plugins.module_utils._oracle import oracle_argument_spec, precheck_patch, service_argument_spec
from ansible_collections.dbops.patching.plugins.module_utils._runner import argument_spec_of, run_module, wait_argument_spec


def main():
    argument_spec = argument_spec_of(
        oracle_argument_spec(), service_argument_spec(), wait_argument_spec(wait_default=True),
        patch_id=dict(type='str', required=True),
    )
    run_module(AnsibleModule(argument_spec=argument_spec, supports_check_mode=True), precheck_patch)


if __name__ == '__main__':
    main()
