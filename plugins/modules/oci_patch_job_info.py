#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: oci_patch_job_info
short_description: Status of OCI Base Database patch history entries (patch and precheck jobs)
version_added: 1.1.0
description:
  - Reads the patch history entries of Oracle Cloud Infrastructure Base Database targets, the jobs of the prechecks
    and applies that M(dbops.patching.oci_patch_precheck) and M(dbops.patching.oci_patch_apply) start, and optionally
    waits until they end.
  - Either entries of one target by id (O(db_system_id) or O(db_home_id) with O(job_id) or O(job_ids)), or the last
    entry of each of many targets in one task (O(targets)), for example to follow a fleet's patches.
  - The entry's own state decides; a target back to V(AVAILABLE) after a failed patch is not reported as a success.
    While an entry runs and its work request is known, RV(job.progress) is the work request's C(percentComplete).
  - An entry that does not exist (or a target without any) is reported with RV(exists=false) unless O(wait=true),
    which tolerates it for a short grace period and then fails. This module reports the state and does not fail on it.
author:
  - dbops.patching maintainers (@dbops)
extends_documentation_fragment:
  - dbops.patching.oci
  - dbops.patching.oci.target
  - dbops.patching.connection
  - dbops.patching.wait
  - dbops.patching.wait.schedule
  - dbops.patching.attributes
  - dbops.patching.attributes.info_module
  - dbops.patching.oci.action_group
options:
  job_id:
    description:
      - OCID of the patch history entry, with O(db_system_id) or O(db_home_id).
      - Exactly one of O(job_id), O(job_ids) and O(targets) is required.
    type: str
  job_ids:
    description:
      - OCIDs of several entries of the same target. The result has RV(jobs) in the same order.
    type: list
    elements: str
  targets:
    description:
      - Many targets, each a dictionary with C(db_system_id) or C(db_home_id); the last patch history entry of each
        (C(lastPatchHistoryEntryId)) is reported (and followed). RV(jobs) are in the same order, RV(missing) names
        the targets without any entry.
      - Mutually exclusive with O(db_system_id), O(db_home_id), O(job_id) and O(job_ids).
    type: list
    elements: dict
    suboptions:
      db_system_id:
        description: OCID of a DB system.
        type: str
      db_home_id:
        description: OCID of a DB home.
        type: str
seealso:
  - module: dbops.patching.oci_patch_apply
  - module: dbops.patching.oci_patch_info
'''

EXAMPLES = r'''
- name: Resume waiting on an apply that timed out
  dbops.patching.oci_patch_job_info:
    db_system_id: ocid1.dbsystem.oc1.iad.exampleuniqueid
    job_id: "{{ applied.job_id }}"
    wait: true
    wait_timeout: 7200

- name: The last patch of every DB system of the fleet, in one task
  dbops.patching.oci_patch_job_info:
    targets:
      - db_system_id: ocid1.dbsystem.oc1.iad.exampleuniqueid1
      - db_system_id: ocid1.dbsystem.oc1.iad.exampleuniqueid2
      - db_home_id: ocid1.dbhome.oc1.iad.exampleuniqueid3
  register: fleet

- name: Count them
  ansible.builtin.debug:
    msg: "{{ fleet.summary.succeeded }} of {{ fleet.summary.total }} patched, {{ fleet.missing | length }} never patched"
'''

RETURN = r'''
exists:
  description: Whether every requested entry was found.
  returned: always
  type: bool
  sample: true
job:
  description: The normalized entry, when O(job_id) was given; V(null) when it does not exist.
  returned: when O(job_id) is given
  type: dict
  contains:
    id:
      description: OCID of the patch history entry.
      type: str
      sample: ocid1.dbpatchhistoryentry.oc1.iad.exampleuniqueid
    state:
      description: One of V(pending), V(running), V(succeeded), V(failed), V(canceled), V(unknown).
      type: str
      sample: running
    terminal:
      description: Whether the state is V(succeeded), V(failed) or V(canceled).
      type: bool
    status:
      description: The entry's C(lifecycleState) exactly as OCI sent it (V(IN_PROGRESS), V(SUCCEEDED), V(FAILED)).
      type: str
      sample: IN_PROGRESS
    with_warnings:
      description: Always false; OCI reports no warnings on patch history entries.
      type: bool
    progress:
      description: The work request's C(percentComplete) while the entry runs, when its work request is known; else V(null).
      type: int
    operation:
      description: The entry's C(action), V(APPLY) or V(PRECHECK).
      type: str
      sample: APPLY
    started_at:
      description: C(timeStarted) of the entry.
      type: str
    ended_at:
      description: C(timeEnded) of the entry, or V(null) while it runs.
      type: str
    message:
      description: The entry's C(lifecycleDetails), for example why a patch failed.
      type: str
    messages:
      description: The C(lifecycleDetails), as a list (empty without any).
      type: list
      elements: str
    patch_id:
      description: OCID of the patch the entry is about.
      type: str
    target_id:
      description: OCID of the DB system or DB home.
      type: str
    raw:
      description: The patch history entry as OCI returned it.
      type: dict
jobs:
  description:
    - The normalized entries (see RV(job)), in the order of O(job_ids) or O(targets); V(null) items for entries that
      do not exist (or targets without any).
  returned: when O(job_ids) or O(targets) is given
  type: list
  elements: dict
summary:
  description: Counts of RV(jobs) by state, and C(total).
  returned: when O(job_ids) or O(targets) is given
  type: dict
  sample: {"pending": 0, "running": 1, "succeeded": 3, "failed": 0, "canceled": 0, "unknown": 0, "total": 4}
missing:
  description: The ids of O(job_ids) that do not exist, or the OCIDs of the O(targets) without a patch history entry.
  returned: when O(job_ids) or O(targets) is given
  type: list
  elements: str
  sample: []
elapsed:
  description: Seconds waited before the timeout.
  returned: when the wait timed out
  type: float
timed_out:
  description: Whether the wait ran out before the entries ended (the last state seen is returned all the same).
  returned: always
  type: bool
  sample: false
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dbops.patching.plugins.module_utils._oci import (
    EntryJobs, LastEntryJobs, OciClient, target_argument_spec, target_of, targets_of,
)
from ansible_collections.dbops.patching.plugins.module_utils._oci_auth import oci_argument_spec
from ansible_collections.dbops.patching.plugins.module_utils._runner import argument_spec_of, job_ids_argument_spec, report_jobs
from ansible_collections.dbops.patching.plugins.module_utils._runner import run_module, wait_argument_spec

WHAT = 'patch history entry'


def report(run):
    client = OciClient(run.params, warn=run.warn)
    if run.params['targets'] is None:
        report_jobs(run, EntryJobs(client, target_of(run.params)), WHAT)
        return
    targets = targets_of(run.params['targets'])
    run.params = dict(run.params, job_ids=[t.id for t in targets])  # reported like job_ids: jobs, summary, missing
    report_jobs(run, LastEntryJobs(client, targets), WHAT)


def main():
    argument_spec = argument_spec_of(
        oci_argument_spec(), target_argument_spec(), job_ids_argument_spec(), wait_argument_spec(wait_default=False),
        targets=dict(type='list', elements='dict', options=dict(db_system_id=dict(type='str'), db_home_id=dict(type='str')),
                     mutually_exclusive=[('db_system_id', 'db_home_id')], required_one_of=[('db_system_id', 'db_home_id')]),
    )
    module = AnsibleModule(
        argument_spec=argument_spec, supports_check_mode=True,
        mutually_exclusive=[('job_id', 'job_ids', 'targets'), ('db_system_id', 'db_home_id', 'targets')],
        required_one_of=[('job_id', 'job_ids', 'targets'), ('db_system_id', 'db_home_id', 'targets')],
    )
    run_module(module, report)


if __name__ == '__main__':
    main()
