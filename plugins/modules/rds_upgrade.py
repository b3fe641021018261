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
    instant-task list (C(GET /v3/{project_id}/tasklist)). OTC's C(GET /v3/{project_id}/jobs) does not report
    minor-version upgrades.
  - Idempotent. An instance already on the newest minor version of its major version sends nothing and returns
    C(changed=false). An upgrade already running, or scheduled for the maintenance window, is followed, never started
    again.
  - How the module knows the newest minor version. Where C(GET /v3/{project_id}/datastores/{engine}) lists full minor
    versions (Huawei Cloud), the highest one of the instance's major version. OTC lists major versions only; there,
    the instance is on the newest minor version when the newest version change in its instant-task list is a
    completed minor-version upgrade (RDS upgrades to the latest minor version, and keeps tasks for a month).
    RV(instance.newest_version_source) says which.
  - When neither tells (no upgrade in the task list, or the last one failed), the module cannot know in advance and
    sends the upgrade, as the console's button would; RDS then upgrades to the newest minor version, or, when the
    instance is already on it, does whatever it does for such a request (OTC does not document it). A rerun after a
    completed upgrade sends nothing.
  - RDS refuses instances with abnormal nodes; the module names them before sending anything. It also refuses to
    start while another operation runs on the instance. A refusal is reported by its documented meaning (another
    operation runs or the instance is faulty, the instance's status does not allow it, no such instance, engine not
    supported) with C(changed=false).
  - A primary/standby pair is upgraded by rolling switchovers (standby first, then a switchover, then the old
    primary); the roles of the nodes in RV(instance) are swapped afterwards. There is no downgrade.
  - The write is sent at most once. When its answer is lost (a cut connection, a gateway error after the cloud
    acted, a throttle), the module reads the instance's task lists for O(recovery_window) seconds and follows the
    upgrade job it finds; it sends again only when none shows, at most four attempts in all. A request that got no
    answer (a timeout) may still be processed, so the task lists are read until the longer of 60 seconds and
    O(request_timeout) has passed, and then for O(recovery_window) seconds more. See the collection's guide "What
    happens when the network fails".
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
      - Upgrade in the instance's maintenance window instead of now (RDS for MySQL only). RDS keeps the upgrade as a
        scheduled task (C(GET /v3/{project_id}/schedule-tasks)) until the window, so the module does not wait for it;
        it returns the job as read once (state C(pending)). Run the task again to see it (a scheduled or running upgrade
        is followed, never sent again), or follow it with M(dbops.patching.rds_job_info) once the window has come.
    type: bool
    default: false
  recovery_window:
    description:
      - Seconds, between 0 and 600, to watch the instance's task lists after a C(db-upgrade) whose answer was lost,
        before the module concludes that RDS did not start the upgrade and sends it again. RDS hides a new job for a
        few seconds.
    type: float
    default: 15
notes:
  - Reads C(GET /v3/{project_id}/instances), C(GET /v3/{project_id}/datastores/{engine}),
    C(GET /v3/{project_id}/tasklist) and (RDS for MySQL) C(GET /v3/{project_id}/schedule-tasks), as OTC's RDS API
    reference documents them (U(https://docs.otc.t-systems.com/relational-database-service/api-ref/)).
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
      check mode and while the job still runs (V(null) when that is not known in advance, see RV(instance.newest_version_source)).
  returned: always
  type: str
  sample: 8.0.28
instance:
  description: The instance as M(dbops.patching.rds_instance_info) returns it, read again after the job ended.
  returned: always
  type: dict
  contains:
    newest_version_source:
      description:
        - How the newest minor version is known (V(datastores), V(task_list), or V(null) when unknown); see
          M(dbops.patching.rds_instance_info).
      type: str
      sample: task_list
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
