#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: rds_upgrade
short_description: Upgrade an Open Telekom Cloud RDS instance to the newest minor version
version_added: 1.0.0
description:
  - Patches an RDS for MySQL or RDS for PostgreSQL instance the way Open Telekom Cloud does it, by a minor-version
    upgrade (C(POST /v3/{project_id}/instances/{instance_id}/db-upgrade)), and follows the job it starts through the
    task center, as M(dbops.patching.rds_job_info) does.
  - Idempotent. An instance already on the newest minor version of its major version sends nothing and returns
    C(changed=false). An upgrade job already running on the instance is followed, never started again.
  - The newest minor version is the highest full version of the instance's major version that
    C(GET /v3/{project_id}/datastores/{engine}) lists. Where the region lists major versions only, the module
    cannot tell in advance; it sends the upgrade and reports C(changed=false) when RDS answers that the instance
    is already on the newest minor version (C(DBS.201015)).
  - RDS refuses instances with abnormal nodes; the module names them before sending anything. It also refuses to
    start while another operation runs on the instance.
  - A primary/standby pair is upgraded by rolling switchovers (standby first, then a switchover, then the old
    primary); the roles of the nodes in RV(instance) are swapped afterwards. There is no downgrade.
  - The write is sent at most once. When its answer is lost (a cut connection, a gateway error after the cloud
    acted, a throttle), the module reads the instance's task list (C(GET /v3/{project_id}/tasklist)) for
    O(recovery_window) seconds and follows the upgrade job it finds; it sends again only when none shows, at most four
    attempts in all. See the collection's guide "What happens when the network fails".
author:
  - dbops.patching maintainers (@dbops)
extends_documentation_fragment:
  - dbops.patching.otc
  - dbops.patching.otc.instance
  - dbops.patching.connection
  - dbops.patching.wait.action
  - dbops.patching.wait.schedule
  - dbops.patching.attributes
  - dbops.patching.otc.action_group
attributes:
  check_mode:
    support: full
    details:
      - Reads the instance, its versions and its tasks, and reports whether the upgrade would start; sends no write.
  diff_mode:
    support: full
    details:
      - Shows the version before and after.
options:
  delayed:
    description:
      - Upgrade in the instance's maintenance window instead of now (RDS for MySQL only). The job then waits for the
        window, so the module does not wait for it; it returns the job as read once. Follow it later with
        M(dbops.patching.rds_job_info).
    type: bool
    default: false
  recovery_window:
    description:
      - Seconds, between 0 and 600, to watch the instance's task list after a C(db-upgrade) whose answer was lost,
        before the module concludes that RDS did not start the upgrade and sends it again. RDS hides a new job for a
        few seconds.
    type: float
    default: 15
notes:
  - Reads C(GET /v3/{project_id}/instances), C(GET /v3/{project_id}/datastores/{engine}) and
    C(GET /v3/{project_id}/tasklist), the RDS v3 API Open Telekom Cloud shares with Huawei Cloud.
seealso:
  - module: dbops.patching.rds_instance_info
  - module: dbops.patching.rds_job_info
'''

EXAMPLES = r'''
- name: Upgrade an RDS instance to the newest minor version and wait for it
  dbops.patching.rds_upgrade:
    cloud: otc-prod
    instance_name: orders-mysql
  register: upgrade

- name: Show what changed
  ansible.builtin.debug:
    msg: "{{ upgrade.version_before }} -> {{ upgrade.version_after }}"

- name: Upgrade in the maintenance window; check later with rds_job_info
  dbops.patching.rds_upgrade:
    instance_id: 7b0a7d1e6b254b8da5d5c9e4a3f6d1c2in01
    delayed: true
'''

RETURN = r'''
changed:
  description: Whether this run started the upgrade (or would have, in check mode).
  returned: always
  type: bool
job_id:
  description: Id of the upgrade job this run started or followed; V(null) when nothing was to do, and in check mode.
  returned: always
  type: str
  sample: e7a7535b-eb9b-45ac-a83a-020dc5016d94
job:
  description:
    - The upgrade job, normalized as RV(dbops.patching.rds_job_info#module:job) is; its last state seen when the wait
      failed or timed out. V(null) when there was no job.
  returned: always
  type: dict
version_before:
  description: The instance's full version before the upgrade.
  returned: always
  type: str
  sample: 8.0.21
version_after:
  description:
    - The full version after the upgrade as the instance shows it once the job ended; the version it would reach in
      check mode and while the job still runs (V(null) when the region does not list minor versions).
  returned: always
  type: str
  sample: 8.0.28
instance:
  description: The instance as M(dbops.patching.rds_instance_info) returns it, read again after the job ended.
  returned: always
  type: dict
elapsed:
  description: Seconds waited before the timeout.
  returned: when the wait timed out
  type: float
diff:
  description: Version before and after.
  returned: in diff mode, when changed
  type: dict
  sample: {"before": {"version": "8.0.21"}, "after": {"version": "8.0.28"}}
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dbops.patching.plugins.module_utils._otc import (
    ONE_INSTANCE,
    OtcClient,
    RdsUpgrade,
    instance_argument_spec,
    otc_argument_spec,
)
from ansible_collections.dbops.patching.plugins.module_utils._runner import argument_spec_of, run_module, wait_argument_spec
from ansible_collections.dbops.patching.plugins.module_utils._workflow import run_write


def upgrade(run):
    run.result.update(job_id=None, job=None)
    run_write(RdsUpgrade(run, OtcClient(run.params, warn=run.warn)))


def main():
    argument_spec = argument_spec_of(
        otc_argument_spec(), instance_argument_spec(), wait_argument_spec(wait_default=True),
        delayed=dict(type='bool', default=False),
        recovery_window=dict(type='float', default=15),
    )
    run_module(AnsibleModule(argument_spec=argument_spec, supports_check_mode=True, **ONE_INSTANCE), upgrade)


if __name__ == '__main__':
    main()
