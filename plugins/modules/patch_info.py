#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: patch_info
short_description: List the available and applied patches of an Oracle PaaS database service instance
version_added: 1.0.0
description:
  - Lists the patches that can be applied to an Oracle Database Classic (C(dbaas)) or MySQL Cloud Service
    (C(MySQLCS)) instance, and the patches applied to it with the state of their last operation.
  - Use it to verify a patch after M(dbops.patching.patch_apply), and to find the rollback id of an applied
    patch (the rollback id is not the patch id).
author:
  - dbops.patching maintainers (@dbops)
extends_documentation_fragment:
  - dbops.patching.oracle
  - dbops.patching.oracle.service
  - dbops.patching.connection
  - dbops.patching.attributes
  - dbops.patching.attributes.info_module
  - dbops.patching.oracle.action_group
options: {}
'''

EXAMPLES = r'''
- name: List the patches of an instance
  dbops.patching.patch_info:
    api_url: https://psm.us.oraclecloud.com
    identity_domain: ExampleIdentityDomain
    username: "{{ oracle_user }}"
    password: "{{ oracle_password }}"
    service_type: MySQLCS
    service_name: MyTestInstance
  register: patches

- name: Check that 5.7.16-EE is applied
  ansible.builtin.assert:
    that:
      - patches.applied | selectattr('patch_id', 'equalto', '5.7.16-EE') | selectattr('operation', 'equalto', 'Patch')
        | selectattr('state', 'equalto', 'succeeded') | list | length > 0
'''

RETURN = r'''
available:
  description: The patches that can be applied.
  returned: always
  type: list
  elements: dict
  contains:
    patch_id:
      description: Id of the patch, to give to M(dbops.patching.patch_apply).
      type: str
      sample: 5.7.17-EE
    rollback_id:
      description: Always V(null) for an available patch.
      type: str
    state:
      description: Always V(available).
      type: str
    status:
      description: The API's status of the patch, if it tells one.
      type: str
    operation:
      description: Always V(null) for an available patch.
      type: str
    job_id:
      description: Always V(null) for an available patch.
      type: str
    in_progress:
      description: Always V(false) for an available patch.
      type: bool
    current_patch_level:
      description: Always V(null) for an available patch.
      type: str
    rollback_version:
      description: Always V(null) for an available patch.
      type: str
    raw:
      description: The API's record of the patch.
      type: dict
applied:
  description: The applied-patch records, with the state of their last operation (apply or rollback).
  returned: always
  type: list
  elements: dict
  contains:
    patch_id:
      description: Id of the patch.
      type: str
      sample: 5.7.16-EE
    rollback_id:
      description: Id to give to M(dbops.patching.patch_rollback) as O(dbops.patching.patch_rollback#module:rollback_id).
      type: str
      sample: "234688"
    state:
      description: Normalized state of the last operation, V(pending), V(running), V(succeeded), V(failed), V(canceled) or V(unknown).
      type: str
      sample: succeeded
    status:
      description: The raw C(lastStatus), for example V(COMPLETED), V(IN_PROGRESS), V(FAILED) or V(COMPLETED_ROLLBACK).
      type: str
    operation:
      description: The last operation, V(Patch) or V(Rollback).
      type: str
    job_id:
      description: Job id of the last operation.
      type: str
    in_progress:
      description: Whether the last operation still runs.
      type: bool
    current_patch_level:
      description: C(currentPatchLevel) of the record.
      type: str
    rollback_version:
      description: C(rollbackVersion), the level a rollback returns to.
      type: str
    raw:
      description: The API's applied-patch record, untouched.
      type: dict
current_patch_level:
  description: The patch level of the newest successful operation, when the API tells it.
  returned: always
  type: str
  sample: mysql 5.7.16
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dbops.patching.plugins.module_utils._oracle import list_patches, oracle_argument_spec, service_argument_spec
from ansible_collections.dbops.patching.plugins.module_utils._runner import argument_spec_of, run_module


def main():
    argument_spec = argument_spec_of(
        oracle_argument_spec(), service_argument_spec(),
    )
    run_module(AnsibleModule(argument_spec=argument_spec, supports_check_mode=True), list_patches)


if __name__ == '__main__':
    main()
