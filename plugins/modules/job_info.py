#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: job_info
short_description: Status of Oracle PaaS patch, rollback and precheck jobs
version_added: 1.0.0
description:
  - Reads the status of patch and rollback jobs (C(patches/applied/job/{id})) or of patching precheck jobs
    (C(patches/checks/job/{id})) of one Oracle Database Classic (C(dbaas)) or MySQL Cloud Service (C(MySQLCS))
    instance, and optionally waits until they end.
  - One task can follow many jobs at once with O(job_ids); they are polled concurrently.
  - Use it to resume waiting on a job after M(dbops.patching.patch_apply) or M(dbops.patching.patch_rollback)
    timed out.
  - A job that does not exist is reported with RV(exists=false) unless O(wait=true), which tolerates it for a
    short grace period and then fails.
author:
  - dbops.patching maintainers (@dbops)
extends_documentation_fragment:
  - dbops.patching.oracle
  - dbops.patching.oracle.service
  - dbops.patching.connection
  - dbops.patching.wait
  - dbops.patching.wait.schedule
  - dbops.patching.attributes
  - dbops.patching.attributes.info_module
  - dbops.patching.oracle.action_group
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
  kind:
    description:
      - V(patch) for patch and rollback jobs, V(precheck) for patching precheck jobs.
    type: str
    choices: [patch, precheck]
    default: patch
'''

EXAMPLES = r'''
- name: Read one patch job
  dbops.patching.job_info:
    api_url: https://psm.us.oraclecloud.com
    identity_domain: ExampleIdentityDomain
    username: "{{ oracle_user }}"
    password: "{{ oracle_password }}"
    service_type: MySQLCS
    service_name: MyTestInstance
    job_id: "4208393"
  register: patch_job

- name: Resume waiting on a patch that timed out earlier (credentials from module_defaults)
  module_defaults:
    group/dbops.patching.oracle:
      api_url: https://psm.us.oraclecloud.com
      identity_domain: ExampleIdentityDomain
      username: "{{ oracle_user }}"
      password: "{{ oracle_password }}"
  dbops.patching.job_info:
    service_name: db01
    job_id: "{{ apply_result.job_id }}"
    wait: true
    wait_timeout: 7200

- name: Follow the prechecks of a whole batch at once
  dbops.patching.job_info:
    service_name: db01
    kind: precheck
    job_ids: "{{ precheck_ids }}"
    wait: true
  register: prechecks

- name: Show how many passed
  ansible.builtin.debug:
    msg: "{{ prechecks.summary.succeeded }} of {{ prechecks.summary.total }} prechecks passed"
'''

RETURN = r'''
exists:
  description: Whether every requested job was found.
  returned: always
  type: bool
  sample: true
job:
  description:
    - The normalized job, when O(job_id) was given; V(null) when it does not exist.
  returned: when O(job_id) is given
  type: dict
  contains:
    id:
      description: Job id, as a string.
      type: str
      sample: "4208393"
    state:
      description: One of V(pending), V(running), V(succeeded), V(failed), V(canceled), V(unknown).
      type: str
      sample: running
    terminal:
      description: Whether the state is V(succeeded), V(failed) or V(canceled).
      type: bool
    status:
      description: The raw status string exactly as the API sent it (C(lastStatus), C(patchingStatus) or C(status)).
      type: str
      sample: IN_PROGRESS
    with_warnings:
      description: Whether the API says the job finished with warnings.
      type: bool
    progress:
      description: Percent done, when the API tells it; else V(null).
      type: int
    operation:
      description: What the job does, V(Patch), V(Rollback) or V(Precheck).
      type: str
      sample: Rollback
    started_at:
      description: When the job started (ISO 8601), or V(null).
      type: str
    ended_at:
      description: When the job ended (ISO 8601), or V(null) while it runs.
      type: str
    message:
      description: One human line about the job.
      type: str
      sample: Rollback in progress
    messages:
      description: Progress or precheck messages, oldest first.
      type: list
      elements: str
    raw:
      description: The API's own document for the job, untouched (for patch jobs the array of applied-patch records).
      type: raw
jobs:
  description: The normalized jobs (see RV(job)), in the order of O(job_ids); V(null) items for jobs that do not exist.
  returned: when O(job_ids) is given
  type: list
  elements: dict
summary:
  description: Counts of RV(jobs) by state, and C(total).
  returned: when O(job_ids) is given
  type: dict
  sample: {"pending": 0, "running": 1, "succeeded": 3, "failed": 0, "canceled": 0, "unknown": 0, "total": 4}
missing:
  description: Ids of O(job_ids) that do not exist.
  returned: when O(job_ids) is given
  type: list
  elements: str
  sample: []
elapsed:
  description: Seconds waited before the timeout.
  returned: when the wait timed out
  type: float
  sample: 3600.2
timed_out:
  description: Whether the wait ran out before the job(s) ended (the last state seen is returned all the same).
  returned: always
  type: bool
  sample: false
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dbops.patching.plugins.module_utils._oracle import OracleClient, oracle_argument_spec, service_argument_spec
from ansible_collections.dbops.patching.plugins.module_utils._runner import ONE_JOB_ID_OR_MANY, argument_spec_of, job_ids_argument_spec, report_jobs
from ansible_collections.dbops.patching.plugins.module_utils._runner import run_module, wait_argument_spec


def report(run):
    instance = OracleClient(run.params, warn=run.warn).instance(run.params['service_type'], run.params['service_name'])
    kind = run.params['kind']
    report_jobs(run, instance.jobs(instance.precheck_job if kind == 'precheck' else instance.patch_job), '%s job' % kind)


def main():
    argument_spec = argument_spec_of(
        oracle_argument_spec(), service_argument_spec(), job_ids_argument_spec(), wait_argument_spec(wait_default=False),
        kind=dict(type='str', default='patch', choices=['patch', 'precheck']),
    )
    run_module(AnsibleModule(argument_spec=argument_spec, supports_check_mode=True, **ONE_JOB_ID_OR_MANY), report)


if __name__ == '__main__':
    main()
