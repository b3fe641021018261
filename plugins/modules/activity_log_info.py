#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: activity_log_info
short_description: Oracle PaaS activity-log jobs, by id or by search
version_added: 1.0.0
description:
  - Reads jobs of the Oracle PaaS activity log by id (one or many, optionally waiting until they end), or
    searches the activity log with filters and returns the matching activities.
  - One search returns many jobs at once (all of a service, or all C(RUNNING) ones) where reads by id
    would need one request each.
  - Activity-log job ids are integers in the API; they are returned as strings. The status C(WARN) maps to
    state V(succeeded) with C(with_warnings=true).
author:
  - dbops.patching maintainers (@dbops)
extends_documentation_fragment:
  - dbops.patching.oracle
  - dbops.patching.connection
  - dbops.patching.wait
  - dbops.patching.wait.schedule
  - dbops.patching.attributes
  - dbops.patching.attributes.info_module
  - dbops.patching.oracle.action_group
options:
  job_id:
    description:
      - Id of one job. Mutually exclusive with O(job_ids).
    type: str
  job_ids:
    description:
      - Ids of several jobs to report (and follow) in one task. The result has RV(jobs) in the same order.
    type: list
    elements: str
  service_name:
    description:
      - Search filter, the service instance name (C(serviceName)).
    type: str
  service_type:
    description:
      - Search filter, the service type (C(serviceType)), for example V(dbaas) or V(MySQLCS).
    type: str
  operation_type:
    description:
      - Search filter, operation types (C(operationType), repeated), for example V(PATCH_SERVICE).
    type: list
    elements: str
  status:
    description:
      - Search filter, statuses (C(status), repeated), for example V(RUNNING) or V(FAILED).
    type: list
    elements: str
  from_start_date:
    description:
      - Search filter, activities that started at or after this ISO 8601 time (C(fromStartDate)).
    type: str
  to_start_date:
    description:
      - Search filter, activities that started at or before this ISO 8601 time (C(toStartDate)).
    type: str
  order_by:
    description:
      - Sort order of the search (C(orderBy)), for example V(startDate:desc).
    type: str
notes:
  - Without O(job_id) or O(job_ids) the module searches; with no filter at all it returns every activity the API lists.
  - With O(job_id) or O(job_ids) the search filters are not used (so C(module_defaults) may set them for the group).
  - O(wait) works only with O(job_id) or O(job_ids).
'''

EXAMPLES = r'''
- name: Read one activity-log job
  dbops.patching.activity_log_info:
    api_url: https://psm.us.oraclecloud.com
    identity_domain: ExampleIdentityDomain
    username: "{{ oracle_user }}"
    password: "{{ oracle_password }}"
    job_id: "5150771"
  register: activity

- name: Find what is still running on an instance (credentials from module_defaults)
  dbops.patching.activity_log_info:
    service_name: MyTestInstance
    service_type: MySQLCS
    status: [RUNNING, NEW]
  register: running

- name: Wait for all of them
  dbops.patching.activity_log_info:
    job_ids: "{{ running.activities | map(attribute='id') | list }}"
    wait: true
  when: running.activities | length > 0
'''

RETURN = r'''
exists:
  description: Whether every requested job was found.
  returned: when O(job_id) or O(job_ids) is given
  type: bool
job:
  description: The normalized job; V(null) when it does not exist.
  returned: when O(job_id) is given
  type: dict
  contains:
    id:
      description: Job id, as a string (the API's C(jobId) is an integer).
      type: str
      sample: "5150771"
    state:
      description: One of V(pending), V(running), V(succeeded), V(failed), V(canceled), V(unknown).
      type: str
      sample: succeeded
    terminal:
      description: Whether the state is V(succeeded), V(failed) or V(canceled).
      type: bool
    status:
      description: The raw status exactly as the API sent it, for example V(RUNNING), V(SUCCEED), V(WARN) or V(In Progress).
      type: str
      sample: SUCCEED
    with_warnings:
      description: Whether the job ended with status V(WARN) (state V(succeeded)).
      type: bool
    progress:
      description: Always V(null); the activity log does not report progress.
      type: int
    operation:
      description: The C(operationType), for example V(CREATE_SERVICE) or V(PATCH_SERVICE).
      type: str
      sample: CREATE_SERVICE
    started_at:
      description: C(startDate) (ISO 8601), or V(null).
      type: str
      sample: "2016-10-25T19:44:13.321+0000"
    ended_at:
      description: C(endDate) (ISO 8601), or V(null) while the job runs.
      type: str
      sample: "2016-10-25T19:51:29.812+0000"
    message:
      description: The last activity message (or the C(summaryMessage)).
      type: str
      sample: Activity Ended
    messages:
      description: The activity messages, oldest first.
      type: list
      elements: str
      sample: ["Activity Submitted", "Activity Started", "Activity Ended"]
    raw:
      description: The API's activity-log record, untouched.
      type: dict
jobs:
  description: The normalized jobs (see RV(job)), in the order of O(job_ids); V(null) items for jobs that do not exist.
  returned: when O(job_ids) is given
  type: list
  elements: dict
summary:
  description: Counts of RV(jobs) (or RV(activities)) by state, and C(total).
  returned: when O(job_ids) is given, or when searching
  type: dict
  sample: {"pending": 0, "running": 2, "succeeded": 5, "failed": 1, "canceled": 0, "unknown": 0, "total": 8}
missing:
  description: Ids of O(job_ids) that do not exist.
  returned: when O(job_ids) is given
  type: list
  elements: str
activities:
  description: The activities the search found, as normalized jobs (see RV(job)), in the order the API lists them.
  returned: when searching (no O(job_id) or O(job_ids))
  type: list
  elements: dict
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

from ansible_collections.dbops.patching.plugins.module_utils._errors import ConfigurationError
from ansible_collections.dbops.patching.plugins.module_utils._jobs import summarize
from ansible_collections.dbops.patching.plugins.module_utils._oracle import ActivityLogJobs, OracleClient, oracle_argument_spec
from ansible_collections.dbops.patching.plugins.module_utils._runner import argument_spec_of, job_ids_argument_spec, report_jobs, run_module
from ansible_collections.dbops.patching.plugins.module_utils._runner import wait_argument_spec

FILTERS = (
    ('service_name', 'serviceName'),
    ('service_type', 'serviceType'),
    ('operation_type', 'operationType'),
    ('status', 'status'),
    ('from_start_date', 'fromStartDate'),
    ('to_start_date', 'toStartDate'),
    ('order_by', 'orderBy'),
)


def report(run):
    client = OracleClient(run.params, warn=run.warn)
    if run.params['job_id'] is not None or run.params['job_ids'] is not None:
        report_jobs(run, ActivityLogJobs(client), 'activity-log job')
        return
    if run.params['wait']:
        raise ConfigurationError('wait=true needs job_id or job_ids; a search returns what the activity log holds now.')
    query = dict((api, run.params[option]) for option, api in FILTERS if run.params[option] not in (None, []))
    activities = client.activity_filter(query)
    run.result.update(activities=activities, summary=summarize(activities))


def main():
    argument_spec = argument_spec_of(
        oracle_argument_spec(), job_ids_argument_spec(), wait_argument_spec(wait_default=False),
        service_name=dict(type='str'),
        service_type=dict(type='str'),
        operation_type=dict(type='list', elements='str'),
        status=dict(type='list', elements='str'),
        from_start_date=dict(type='str'),
        to_start_date=dict(type='str'),
        order_by=dict(type='str'),
    )
    run_module(AnsibleModule(argument_spec=argument_spec, mutually_exclusive=[('job_id', 'job_ids')], supports_check_mode=True), report)


if __name__ == '__main__':
    main()
