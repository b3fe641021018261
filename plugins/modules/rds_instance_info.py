#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: rds_instance_info
short_description: Versions and state of an Open Telekom Cloud RDS instance
version_added: 1.0.0
description:
  - Reads an RDS v3 instance (C(GET /v3/{project_id}/instances)) and the versions of its engine
    (C(GET /v3/{project_id}/datastores/{engine})), and tells whether a minor-version upgrade is available.
  - Open Telekom Cloud lists major versions only ("only the major version number (two digits) is returned"). There,
    the module reads the instance's instant-task list (C(GET /v3/{project_id}/tasklist)). When the newest version
    change in it is a completed minor-version upgrade, the instance runs the newest minor version RDS offered then
    (RDS upgrades to the latest one), and RV(instance.upgrade_available) is V(false). Otherwise the module cannot know
    (RV(instance.newest_version) and RV(instance.upgrade_available) are V(null)).
  - RDS keeps tasks for a month. A minor version released after the last upgrade is not seen this way until that
    upgrade has left the task list.
  - Use it before M(dbops.patching.rds_upgrade) to plan, and after it to verify the new version.
author:
  - dbops.patching maintainers (@dbops)
extends_documentation_fragment:
  - dbops.patching.otc
  - dbops.patching.otc.instance
  - dbops.patching.connection
  - dbops.patching.attributes
  - dbops.patching.attributes.info_module
  - dbops.patching.otc.action_group
seealso:
  - module: dbops.patching.rds_upgrade
'''

EXAMPLES = r'''
- name: Is a minor-version upgrade available?
  dbops.patching.rds_instance_info:
    cloud: otc-prod
    instance_name: orders-mysql
  register: rds

- name: Report it
  ansible.builtin.debug:
    msg: "{{ rds.instance.version }} -> {{ rds.instance.newest_version }}"
  when: rds.instance.upgrade_available
'''

RETURN = r'''
instance:
  description: The instance, normalized.
  returned: always
  type: dict
  contains:
    id:
      description: Instance id.
      type: str
    name:
      description: Instance name.
      type: str
    status:
      description: The instance's status as RDS reports it (C(ACTIVE) when it is usable).
      type: str
      sample: ACTIVE
    type:
      description: C(Single), C(Ha) (primary/standby) or C(Replica).
      type: str
    engine:
      description: The database engine.
      type: str
      sample: MySQL
    engine_version:
      description: The major version.
      type: str
      sample: "8.0"
    version:
      description: The full version the instance runs (C(datastore.complete_version)).
      type: str
      sample: 8.0.21
    newest_version:
      description:
        - The newest full minor version of its major version; V(null) when unknown.
      type: str
      sample: 8.0.28
    upgrade_available:
      description: Whether RV(instance.newest_version) is newer than RV(instance.version); V(null) when unknown.
      type: bool
    newest_version_source:
      description:
        - How RV(instance.newest_version) is known. V(datastores) when the region lists full minor versions (Huawei
          Cloud). V(task_list) when the newest version change in the instance's task list is a completed minor-version
          upgrade (Open Telekom Cloud, which lists major versions only). V(null) when unknown.
      type: str
      sample: task_list
    newest_version_job:
      description: Id of that completed upgrade job when RV(instance.newest_version_source) is V(task_list), else V(null).
      type: str
    nodes:
      description: The nodes, each with C(id), C(name), C(role) (C(master) or C(slave)) and C(status).
      type: list
      elements: dict
    maintenance_window:
      description: The maintenance window, in UTC.
      type: str
      sample: 22:00-02:00
    raw:
      description: The API's document, untouched.
      type: dict
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dbops.patching.plugins.module_utils._otc import (
    ONE_INSTANCE,
    OtcClient,
    add_versions,
    instance_argument_spec,
    instance_ref,
    otc_argument_spec,
)
from ansible_collections.dbops.patching.plugins.module_utils._runner import argument_spec_of, run_module


def report(run):
    client = OtcClient(run.params, warn=run.warn)
    run.result['instance'] = add_versions(client, client.instance(*instance_ref(run.params)))


def main():
    argument_spec = argument_spec_of(otc_argument_spec(), instance_argument_spec())
    run_module(AnsibleModule(argument_spec=argument_spec, supports_check_mode=True, **ONE_INSTANCE), report)


if __name__ == '__main__':
    main()
