#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: rds_job_info
short_description: Status of Open Telekom Cloud RDS task-center jobs
version_added: 1.0.0
description:
  - Reads Open Telekom Cloud RDS v3 jobs (C(GET /v3/{project_id}/jobs?id=...)), for example the creation,
    switchover, storage scaling or minor-version upgrade of a database instance, and optionally waits until they end.
  - OTC's C(/jobs) reports only some kinds of task (creating instances and read replicas, single to primary/standby,
    switchovers, scaling up storage, binding or unbinding EIPs). A job it answers C(DBS.200543) for is read from the
    instant-task list (C(GET /v3/{project_id}/tasklist?id=...)), which shows every instant task, minor-version
    upgrades among them; the module keeps reading it there. An endpoint without that list leaves the job to C(/jobs).
  - One task can follow many jobs at once with O(job_ids). With O(wait=true) they are followed together, and each round
    reads the pages of the project's running instant tasks (C(GET /v3/{project_id}/tasklist?status=Running), 50 a
    page), and the jobs that left it are read together once none runs, from the pages of the newest tasks. A job
    C(/jobs) does not show at its first read (an upgrade, or a job created seconds ago, which the task list does not
    show yet either) is looked for in the next rounds' pages, not by id every round, for the grace period. A job the
    task list does not show while it runs (a kind of task it does not list, a delayed upgrade before its maintenance
    window) is read on its own, concurrently with the others over one session. A job read from the task list is
    reported from it (the C(raw) of such a job is then the task, without C(entities)).
  - Logs in to IAM with a password (the token is renewed once if it expires), or uses O(auth_token) as it is.
  - RDS answers C(DBS.200543) (job does not exist) for a few seconds right after a job is created. Without
    O(wait) such a job is reported with RV(exists=false); with O(wait=true) it is tolerated for a grace period,
    then the module fails.
  - Tolerates the quirks real answers have (a key C(" status"), C("60 % "), names with leading spaces).
author:
  - dbops.patching maintainers (@dbops)
extends_documentation_fragment:
  - dbops.patching.otc
  - dbops.patching.connection
  - dbops.patching.wait
  - dbops.patching.wait.schedule
  - dbops.patching.attributes
  - dbops.patching.attributes.info_module
  - dbops.patching.otc.action_group
options:
  job_id:
    description:
      - Id of the job. Exactly one of O(job_id) and O(job_ids) is required.
    type: str
  job_ids:
    description:
      - Ids of several jobs to report (and follow) in one task. The result has RV(jobs) in the same order.
    type: list
    elements: str
'''

EXAMPLES = r'''
- name: Follow a minor-version upgrade until it ends
  dbops.patching.rds_job_info:
    cloud: otc-prod
    job_id: "{{ upgrade.job_id }}"
    wait: true
    wait_timeout: 3600
  register: upgrade_job

- name: Follow the jobs of a whole fleet at once, credentials from the environment (OS_*)
  dbops.patching.rds_job_info:
    job_ids: "{{ upgrades | map(attribute='job_id') | list }}"
    wait: true
  register: fleet

- name: Report the failures
  ansible.builtin.debug:
    msg: "{{ item.instance.name }}: {{ item.fail_reason }}"
  loop: "{{ fleet.jobs | selectattr('state', 'equalto', 'failed') | list }}"
  loop_control:
    label: "{{ item.id }}"
'''

RETURN = r'''
exists:
  description: Whether every requested job was found.
  returned: always
  type: bool
job:
  description:
    - The normalized job, when O(job_id) was given; V(null) when it does not exist.
  returned: when O(job_id) is given
  type: dict
  contains:
    id:
      description: Job id.
      type: str
      sample: a9767ede-fe0f-4888-9003-e843a4c90514
    state:
      description: One of V(pending), V(running), V(succeeded), V(failed), V(canceled), V(unknown).
      type: str
    terminal:
      description: Whether the state is V(succeeded), V(failed) or V(canceled).
      type: bool
    status:
      description: The raw status, V(Running), V(Completed) or V(Failed).
      type: str
    with_warnings:
      description: Always V(false); RDS does not report warnings.
      type: bool
    progress:
      description: Percent done while running (from C(process)), else V(null).
      type: int
      sample: 60
    operation:
      description: The job name, for example V(CreateMysqlSingleHAInstance).
      type: str
    started_at:
      description: When the job was created (C(created), or the task's C(create_time)).
      type: str
    ended_at:
      description:
        - When the job ended (C(ended), or a finished task's C(end_time)); V(null) while it runs or when RDS does not
          report it.
      type: str
    message:
      description: C(fail_reason), or a line with the name, status and progress.
      type: str
    messages:
      description: C(fail_reason) when the job failed.
      type: list
      elements: str
    raw:
      description: The API's document, untouched.
      type: dict
    instance:
      description: The instance the job runs on, C(id) and C(name).
      type: dict
      sample: {"id": "a48e43ff268f4c0e879652d65e63d0fbin01", "name": "DO-NOT-TOUCH-mgr2-mysql-single"}
    entities:
      description: What the job is about; varies by job (C({}) when nothing).
      type: dict
    fail_reason:
      description: Why the job failed, or V(null).
      type: str
jobs:
  description: The normalized jobs (see RV(job)), in the order of O(job_ids); V(null) items for jobs that do not exist.
  returned: when O(job_ids) is given
  type: list
  elements: dict
summary:
  description: Counts of RV(jobs) by state, and C(total).
  returned: when O(job_ids) is given
  type: dict
  sample: {"pending": 0, "running": 0, "succeeded": 19, "failed": 1, "canceled": 0, "unknown": 0, "total": 20}
missing:
  description: Ids of O(job_ids) that do not exist.
  returned: when O(job_ids) is given
  type: list
  elements: str
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

from ansible_collections.dbops.patching.plugins.module_utils._otc import OtcClient, TaskListJobs, otc_argument_spec
from ansible_collections.dbops.patching.plugins.module_utils._runner import ONE_JOB_ID_OR_MANY, argument_spec_of, job_ids_argument_spec, report_jobs
from ansible_collections.dbops.patching.plugins.module_utils._runner import requested_job_ids, run_module, wait_argument_spec
from ansible_collections.dbops.patching.plugins.module_utils._wait import FunctionSource


def report(run):
    client = OtcClient(run.params, warn=run.warn)
    many = len(requested_job_ids(run.params)[0]) > 1
    report_jobs(run, TaskListJobs(client, following=run.wait) if many else FunctionSource(client.rds_job), 'RDS job')


def main():
    argument_spec = argument_spec_of(
        otc_argument_spec(), job_ids_argument_spec(), wait_argument_spec(wait_default=False),
    )
    run_module(AnsibleModule(argument_spec=argument_spec, supports_check_mode=True, **ONE_JOB_ID_OR_MANY), report)


if __name__ == '__main__':
    main()
