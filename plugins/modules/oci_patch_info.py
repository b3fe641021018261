#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: oci_patch_info
short_description: Patches and patch history of an OCI Base Database DB system or DB home
version_added: 1.1.0
description:
  - Reads an Oracle Cloud Infrastructure Base Database Service target (a VM or bare metal DB system, or a Database
    Home), with its version and state, the patches OCI offers for it (C(GET .../patches), every page), and its patch
    history (C(GET .../patchHistoryEntries)), the prechecks and applies that ran on it.
  - A DB system's patches are Grid Infrastructure and OS bundles; a DB home's are database release updates.
  - OCI keeps offering a patch after it was applied; RV(available[].newer) tells whether a patch's version is newer
    than the target's, the way to see that the target is on the latest patch.
author:
  - dbops.patching maintainers (@dbops)
extends_documentation_fragment:
  - dbops.patching.oci
  - dbops.patching.oci.target
  - dbops.patching.connection
  - dbops.patching.attributes
  - dbops.patching.attributes.info_module
  - dbops.patching.oci.action_group
seealso:
  - module: dbops.patching.oci_patch_apply
  - module: dbops.patching.oci_patch_job_info
'''

EXAMPLES = r'''
- name: Patches of a DB system, from the DEFAULT profile of ~/.oci/config
  dbops.patching.oci_patch_info:
    db_system_id: ocid1.dbsystem.oc1.iad.exampleuniqueid
  register: gi

- name: The newest patch the DB home can take (credentials from module_defaults)
  module_defaults:
    group/dbops.patching.oci:
      profile: PROD
      region: eu-frankfurt-1
  block:
    - name: Read the DB home
      dbops.patching.oci_patch_info:
        db_home_id: ocid1.dbhome.oc1.eu-frankfurt-1.exampleuniqueid
      register: home

    - name: Show it
      ansible.builtin.debug:
        msg: "{{ home.available | selectattr('newer') | sort(attribute='version') | map(attribute='patch_id') | last | default('up to date') }}"
'''

RETURN = r'''
version:
  description: The target's current version (C(version) of the DB system, C(dbVersion) of the DB home).
  returned: always
  type: str
  sample: 19.20.0.0.0
lifecycle_state:
  description: The target's C(lifecycleState), for example V(AVAILABLE) or V(UPDATING).
  returned: always
  type: str
  sample: AVAILABLE
last_job_id:
  description: OCID of the target's last patch history entry (C(lastPatchHistoryEntryId)); V(null) when it has none.
  returned: always
  type: str
available:
  description: The patches OCI offers for the target, as it lists them.
  returned: always
  type: list
  elements: dict
  contains:
    patch_id:
      description: OCID of the patch.
      type: str
      sample: ocid1.dbpatch.oc1.iad.exampleuniqueid
    version:
      description: Version the patch brings.
      type: str
      sample: 19.21.0.0.0
    description:
      description: OCI's description of the patch.
      type: str
      sample: Oct 2023 19c Db System patch
    time_released:
      description: When the patch was released (RFC 3339).
      type: str
    last_action:
      description: The last action run with this patch on the target (V(APPLY), V(PRECHECK)), or V(null).
      type: str
    state:
      description:
        - The result of the last action, V(available) (none yet), V(running), V(succeeded), V(failed), or
          V(unknown) for a state this collection does not know.
      type: str
      sample: available
    status:
      description: The patch's C(lifecycleState) as OCI sent it (V(SUCCESS), not V(SUCCEEDED)), or V(null).
      type: str
    available_actions:
      description: The actions OCI offers for the patch.
      type: list
      elements: str
      sample: [APPLY, PRECHECK]
    newer:
      description: Whether the patch's version is newer than the target's; V(null) when either is unknown.
      type: bool
    raw:
      description: The patch as OCI returned it.
      type: dict
history:
  description:
    - The target's patch history entries, newest first, each a normalized job (same keys as
      RV(dbops.patching.oci_patch_job_info#module:job)).
  returned: always
  type: list
  elements: dict
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dbops.patching.plugins.module_utils._oci import ONE_TARGET, patch_info, target_argument_spec
from ansible_collections.dbops.patching.plugins.module_utils._oci_auth import oci_argument_spec
from ansible_collections.dbops.patching.plugins.module_utils._runner import argument_spec_of, run_module


def main():
    argument_spec = argument_spec_of(oci_argument_spec(), target_argument_spec())
    run_module(AnsibleModule(argument_spec=argument_spec, supports_check_mode=True, **ONE_TARGET), patch_info)


if __name__ == '__main__':
    main()
