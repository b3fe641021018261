#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: oci_patch_apply
short_description: Apply a patch to an OCI Base Database DB system or DB home, safely
version_added: 1.1.0
description:
  - Applies a patch (C(PUT /dbSystems/{id}) whose C(version) names the patch with action C(APPLY), or
    C(PUT /dbHomes/{id}) with C(dbVersion)) to an Oracle Cloud Infrastructure Base Database Service target
    and, by default, waits until its patch history entry ends.
  - The entry's state decides, never the target's. A DB system back to V(AVAILABLE) after a failed patch is not
    taken as a success; the module fails with the entry's C(lifecycleDetails) in the message.
  - Idempotent from the cloud's own state, read before any write. When the patch's version is not newer than the
    target's, the module reports RV(changed=false). When an apply of this patch already runs, no request is sent;
    the module follows it and reports RV(changed=false). Another operation running on the target, or a target that
    is not V(AVAILABLE), fails the task before anything is sent.
  - The request carries C(if-match) with the etag just read. If the target changed in between (HTTP 412), the module
    reads it again and decides again, once. If OCI answers HTTP 409 because an operation runs, the module reads the
    target again; an apply of this patch (started by someone else since the read) is followed with RV(changed=false);
    any other operation, on the target, its DB system or another of its DB homes, is named in the failure.
  - The apply request is never sent again while the target's state might hold its effect. If its answer is lost
    (timeout, connection reset, gateway error), the module re-reads the target; its C(lastPatchHistoryEntryId) moved
    to an entry of this patch, or its history holds one that started since, and that entry is followed. A request
    that got no answer may still be processed, so the target is re-read for the longer of 60 seconds and
    O(request_timeout) before the module concludes that nothing started and sends it again, with the etag read
    before the first request (at most four attempts in all). Should that copy be refused (HTTP 412 or 409), the first
    request most likely started after all, so the module watches the target for its entry (up to 30 seconds) and follows
    it; it never sends a third copy on a refusal.
  - OCI Base Database patches cannot be rolled back by API.
  - With O(precheck=true) the patch's precheck runs first and must pass; the patch is not applied otherwise.
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
      - Reads the target, the patch and the last patch history entry and reports whether the patch would be applied;
        sends no write.
  diff_mode:
    support: full
    details:
      - Shows the target's version before and the patch's version after.
options:
  patch_id:
    description:
      - OCID of the patch, as listed by M(dbops.patching.oci_patch_info) in
        RV(dbops.patching.oci_patch_info#module:available).
    type: str
    required: true
  precheck:
    description:
      - Run the patch's precheck first, wait for it (always, whatever O(wait) says), and apply only if it succeeded.
    type: bool
    default: false
seealso:
  - module: dbops.patching.oci_patch_info
  - module: dbops.patching.oci_patch_precheck
  - module: dbops.patching.oci_patch_job_info
'''

EXAMPLES = r'''
- name: Precheck and apply a Grid Infrastructure patch, waiting up to two hours
  dbops.patching.oci_patch_apply:
    config_file: ~/.oci/config
    profile: PROD
    db_system_id: ocid1.dbsystem.oc1.iad.exampleuniqueid
    patch_id: ocid1.dbpatch.oc1.iad.exampleuniqueid
    precheck: true
    wait_timeout: 7200
  register: applied

- name: Apply a database patch with credentials from AWX (environment variables) and look later
  module_defaults:
    group/dbops.patching.oci:
      region: us-ashburn-1
  block:
    - name: Start the apply
      dbops.patching.oci_patch_apply:
        db_home_id: ocid1.dbhome.oc1.iad.exampleuniqueid
        patch_id: ocid1.dbpatch.oc1.iad.exampleuniqueid2
        wait: false
      register: started

    - name: Wait for it later
      dbops.patching.oci_patch_job_info:
        db_home_id: ocid1.dbhome.oc1.iad.exampleuniqueid
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
  description:
    - OCID of the patch history entry of the apply this run started or followed (or, when nothing was to do, of the
      apply of this patch that was the target's last entry); V(null) in check mode or when unknown.
  returned: always
  type: str
  sample: ocid1.dbpatchhistoryentry.oc1.iad.exampleuniqueid
job:
  description:
    - The apply's patch history entry, normalized (same keys as RV(dbops.patching.oci_patch_job_info#module:job)); its
      last state seen when the wait failed or timed out. V(null) when there was none.
  returned: always
  type: dict
  sample: {"id": "ocid1.dbpatchhistoryentry.oc1.iad.example", "state": "succeeded", "terminal": true, "status": "SUCCEEDED",
           "with_warnings": false, "progress": null, "operation": "APPLY", "started_at": "2026-12-07T10:00:00.000Z",
           "ended_at": "2026-12-07T11:12:00.000Z", "message": null, "messages": [],
           "patch_id": "ocid1.dbpatch.oc1.iad.example", "target_id": "ocid1.dbsystem.oc1.iad.example", "raw": {}}
precheck_job:
  description: The precheck's patch history entry, normalized, when O(precheck=true) and a precheck ran.
  returned: always
  type: dict
work_request_id:
  description: OCID of the work request OCI answered the apply with (the first, when it named several); V(null) when none.
  returned: always
  type: str
version_before:
  description: The target's version when the module read it (C(version) of a DB system, C(dbVersion) of a DB home).
  returned: always
  type: str
  sample: 19.20.0.0.0
version_after:
  description:
    - The target's version read again once the apply ended (failed ones included); while it runs (no wait, a timeout)
      and in check mode, the patch's version; when nothing was to do, the current version.
  returned: always
  type: str
  sample: 19.21.0.0.0
patch:
  description: The patch, as M(dbops.patching.oci_patch_info) returns the items of RV(dbops.patching.oci_patch_info#module:available).
  returned: always
  type: dict
elapsed:
  description: Seconds waited before the timeout.
  returned: when the wait timed out
  type: float
timed_out:
  description: Whether the wait ran out before the apply ended (the last state seen is returned all the same).
  returned: always
  type: bool
  sample: false
diff:
  description: The target's version before and after.
  returned: in diff mode, when changed
  type: dict
  sample: {"before": {"version": "19.20.0.0.0"}, "after": {"version": "19.21.0.0.0"}}
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dbops.patching.plugins.module_utils._oci import ONE_TARGET, apply_patch, target_argument_spec
from ansible_collections.dbops.patching.plugins.module_utils._oci_auth import oci_argument_spec
from ansible_collections.dbops.patching.plugins.module_utils._runner import argument_spec_of, run_module, wait_argument_spec


def main():
    argument_spec = argument_spec_of(
        oci_argument_spec(), target_argument_spec(), wait_argument_spec(wait_default=True),
        patch_id=dict(type='str', required=True),
        precheck=dict(type='bool', default=False),
    )
    run_module(AnsibleModule(argument_spec=argument_spec, supports_check_mode=True, **ONE_TARGET), apply_patch)


if __name__ == '__main__':
    main()
