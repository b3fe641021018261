#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: oci_patch_precheck
short_description: Run the precheck of a patch on an OCI Base Database DB system or DB home, without applying it
version_added: 1.1.0
description:
  - Runs the precheck of a patch (C(PUT /dbSystems/{id}) whose C(version) names the patch with action C(PRECHECK),
    or C(PUT /dbHomes/{id}) with C(dbVersion)) on an Oracle Cloud Infrastructure Base Database Service target
    and, by default, waits for its patch history entry to end; the module fails when the precheck fails, with the
    entry's C(lifecycleDetails) in the message. The patch is never applied.
  - A precheck changes nothing on the target, so RV(changed) is always false; RV(job_id) says whether one was sent.
  - Sends nothing when the target is already on the patch's version (or newer) or the patch is being applied (the
    message says so). A precheck of this patch already running is followed, not sent again. Another operation
    running on the target, or a target that is not V(AVAILABLE), fails the task before anything is sent.
  - The request carries C(if-match) with the etag just read. It is sent at most once while the target's state
    might show it; a lost answer is recovered from the target's C(lastPatchHistoryEntryId) and patch history, as
    M(dbops.patching.oci_patch_apply) does.
author:
  - dbops.patching maintainers (@dbops)
extends_documentation_fragment:
  - dbops.patching.oci
  - dbops.patching.oci.target
  - dbops.patching.connection
  - dbops.patching.wait.action
  - dbops.patching.wait.schedule
  - dbops.patching.attributes
  - dbops.patching.oci.action_group
attributes:
  check_mode:
    support: full
    details:
      - Reads the target and the patch and reports the patch; sends no precheck.
  diff_mode:
    support: none
options:
  patch_id:
    description:
      - OCID of the patch, as listed by M(dbops.patching.oci_patch_info) in
        RV(dbops.patching.oci_patch_info#module:available).
    type: str
    required: true
seealso:
  - module: dbops.patching.oci_patch_apply
  - module: dbops.patching.oci_patch_job_info
'''

EXAMPLES = r'''
- name: Precheck the Grid Infrastructure patch of a DB system, apply nothing
  dbops.patching.oci_patch_precheck:
    profile: PROD
    db_system_id: ocid1.dbsystem.oc1.iad.exampleuniqueid
    patch_id: ocid1.dbpatch.oc1.iad.exampleuniqueid
    wait_timeout: 3600
  register: precheck

- name: Start the precheck of a DB home patch and look later
  dbops.patching.oci_patch_precheck:
    db_home_id: ocid1.dbhome.oc1.iad.exampleuniqueid
    patch_id: ocid1.dbpatch.oc1.iad.exampleuniqueid2
    wait: false
  register: started
'''

RETURN = r'''
changed:
  description: Always false; a precheck changes nothing.
  returned: always
  type: bool
job_id:
  description: OCID of the precheck's patch history entry that this run sent or followed; V(null) when none.
  returned: always
  type: str
job:
  description:
    - The precheck's patch history entry, normalized (same keys as RV(dbops.patching.oci_patch_job_info#module:job));
      its last state seen when the wait failed or timed out.
  returned: always
  type: dict
work_request_id:
  description: OCID of the work request OCI answered the precheck with (the first, when it named several); V(null) when none.
  returned: always
  type: str
patch:
  description: The patch, as M(dbops.patching.oci_patch_info) returns the items of RV(dbops.patching.oci_patch_info#module:available).
  returned: always
  type: dict
elapsed:
  description: Seconds waited before the timeout.
  returned: when the wait timed out
  type: float
timed_out:
  description: Whether the wait ran out before the precheck ended (the last state seen is returned all the same).
  returned: always
  type: bool
  sample: false
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dbops.patching.plugins.module_utils._oci import ONE_TARGET, precheck_patch, target_argument_spec
from ansible_collections.dbops.patching.plugins.module_utils._oci_auth import oci_argument_spec
from ansible_collections.dbops.patching.plugins.module_utils._runner import argument_spec_of, run_module, wait_argument_spec


def main():
    argument_spec = argument_spec_of(
        oci_argument_spec(), target_argument_spec(), wait_argument_spec(wait_default=True),
        patch_id=dict(type='str', required=True),
    )
    run_module(AnsibleModule(argument_spec=argument_spec, supports_check_mode=True, **ONE_TARGET), precheck_patch)


if __name__ == '__main__':
    main()
