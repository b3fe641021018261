#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: patch_rollback
short_description: Roll back a patch applied to an Oracle PaaS database service instance, never twice
version_added: 0.1.0
description:
  - Rolls back a patch applied to an Oracle Database Classic (C(dbaas)) or MySQL Cloud Service (C(MySQLCS))
    instance and, by default, waits until the rollback job ends.
  - The rollback id is not the patch id. Give O(rollback_id), or give O(patch_id) and the module resolves
    the rollback id through the applied patches (for example patch V(5.7.16-EE) has rollback id V(234688)).
  - Idempotent from the cloud's own state, read before any write. When the patch is already rolled back or
    no longer applied, the module reports RV(changed=false). When its rollback already runs, the module
    follows that job and reports RV(changed=false).
  - A rollback is never sent twice. If the answer to the rollback request is lost, the module re-reads the
    applied patches and follows the rollback if it started; otherwise it fails without sending it again.
    A rollback that already ran and failed is reported, not retried.
author:
  - dbops.patching maintainers (@dbops)
extends_documentation_fragment:
  - dbops.patching.oracle
  - dbops.patching.wait.action
  - dbops.patching.attributes
  - dbops.patching.attributes.actiongroup_oracle
attributes:
  check_mode:
    support: full
    details:
      - Reads the applied patches and reports whether a rollback would be sent; sends no write.
  diff_mode:
    support: full
    details:
      - Shows the patch level before and after (C(currentPatchLevel) and C(rollbackVersion)), where the API tells it.
options:
  service_type:
    description:
      - The kind of service instance.
    type: str
    choices: [dbaas, MySQLCS]
    default: dbaas
  service_name:
    description:
      - Name of the service instance.
    type: str
    required: true
  rollback_id:
    description:
      - Rollback id of the applied patch (C(rollbackId) in the applied patches). Exactly one of O(rollback_id) and O(patch_id) is required.
    type: str
  patch_id:
    description:
      - Id of the applied patch; resolved to its rollback id through the applied patches.
    type: str
  switch_over:
    description:
      - For Data Guard configurations, switch over to the standby before rolling back (C(switchOver)). Not sent when unset.
    type: bool
  note:
    description:
      - A note recorded with the rollback (C(additionalNote)).
    type: str
'''

EXAMPLES = r'''
- name: Roll back a patch by its patch id
  dbops.patching.patch_rollback:
    api_url: https://psm.us.oraclecloud.com
    identity_domain: ExampleIdentityDomain
    username: "{{ oracle_user }}"
    password: "{{ oracle_password }}"
    service_type: MySQLCS
    service_name: MyTestInstance
    patch_id: 5.7.16-EE
    note: Rolled back after failed verification
  register: rollback

- name: Roll back by rollback id, without waiting
  dbops.patching.patch_rollback:
    api_url: https://psm.us.oraclecloud.com
    identity_domain: ExampleIdentityDomain
    username: "{{ oracle_user }}"
    password: "{{ oracle_password }}"
    service_type: MySQLCS
    service_name: MyTestInstance
    rollback_id: "234688"
    wait: false
'''

RETURN = r'''
changed:
  description: Whether this run sent the rollback (or would have, in check mode).
  returned: always
  type: bool
rollback_id:
  description: The rollback id used (resolved from O(patch_id) when that was given); V(null) when the patch is not applied.
  returned: always
  type: str
  sample: "234688"
job_id:
  description: Id of the rollback job this run started or followed.
  returned: always
  type: str
  sample: "4208393"
job:
  description:
    - The rollback job, normalized (same keys as RV(dbops.patching.job_info#module:job)); its last state seen when
      the wait failed or timed out. V(null) when there was no job.
  returned: always
  type: dict
  sample: {"id": "4208393", "state": "running", "terminal": false, "status": "IN_PROGRESS", "with_warnings": false,
           "progress": null, "operation": "Rollback", "started_at": "2016-12-14T00:36:22.831+0000", "ended_at": null,
           "message": "Rollback in progress", "messages": ["12:36:22.828 AM Phase initialize started"], "raw": []}
patch:
  description:
    - The applied-patch entry (as M(dbops.patching.patch_info) returns it) before the rollback; V(null) when the patch is not applied.
  returned: always
  type: dict
elapsed:
  description: Seconds waited before the timeout.
  returned: when the wait timed out
  type: float
diff:
  description: Patch level before and after.
  returned: in diff mode, when changed
  type: dict
  sample: {"before": {"patch_level": "mysql 5.7.16"}, "after": {"patch_level": "mysql 5.7.15"}}
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dbops.patching.plugins.module_utils import _http
from ansible_collections.dbops.patching.plugins.module_utils._module import (
    ModuleFailure,
    follow_job,
    run_module,
    send_once,
    wait_argument_spec,
)
from ansible_collections.dbops.patching.plugins.module_utils._oracle import (
    RESUME_HINT,
    OracleClient,
    describe_entry,
    entry_for_rollback_id,
    entry_job,
    is_rollback,
    latest_record_for_patch,
    oracle_argument_spec,
    patch_level_diff,
    read_entries,
    running_entry,
    service_argument_spec,
)


def find_entry(params, entries):
    if params['rollback_id'] is not None:
        return entry_for_rollback_id(entries, params['rollback_id'])
    return latest_record_for_patch(entries, params['patch_id'])


def rollback_patch(module, warnings):
    params = module.params
    client = OracleClient(params)
    service = (params['service_type'], params['service_name'])
    wanted = params['rollback_id'] or params['patch_id']
    result = dict(changed=False, rollback_id=None, job_id=None, job=None, patch=None)

    def read_patch_job(job_id):
        return client.patch_job(service[0], service[1], job_id, warnings)

    def follow(job_id, first_delay=None):
        result['job_id'] = job_id
        if not params['wait']:
            result['job'] = read_patch_job(job_id)[0]
            return
        job = follow_job(module, read_patch_job, job_id, result, first_delay=first_delay,
                         what='rollback job', resume=RESUME_HINT % (params['service_name'], job_id))
        if job['state'] in ('failed', 'canceled'):
            raise ModuleFailure('Rolling back patch %s on %s ended %s (job %s, status %s): %s'
                                % (result['patch']['patch_id'], service[1], job['state'], job_id, job['status'], job['message']),
                                **result)

    entries = read_entries(client, service[0], service[1], warnings)
    entry = find_entry(params, entries)
    if entry is None:
        result['msg'] = 'Nothing to roll back: %s is not applied to %s.' % (wanted, service[1])
        return result
    result.update(patch=entry, rollback_id=entry['rollback_id'])

    if is_rollback(entry):
        if entry['in_progress']:
            follow(entry['job_id'])  # its rollback already runs: follow it, never send another
            return result
        if entry['state'] == 'succeeded':
            result.update(job_id=entry['job_id'], job=entry_job(entry, warnings))
            return result
        result['job'] = entry_job(entry, warnings)
        raise ModuleFailure('A rollback of patch %s on %s already ran and ended %s (job %s): %s. It is not sent again; '
                            'check the instance before you retry by hand.'
                            % (entry['patch_id'], service[1], entry['status'], entry['job_id'], result['job']['message']),
                            **result)

    if entry['in_progress'] or entry['state'] not in ('succeeded', 'failed'):
        raise ModuleFailure('Cannot roll back patch %s on %s yet: %s. Wait for it to end, then run again.'
                            % (entry['patch_id'], service[1], describe_entry(entry)), **result)
    running = running_entry(entries)
    if running is not None:
        raise ModuleFailure('Cannot roll back patch %s on %s: another operation runs on it: %s.'
                            % (entry['patch_id'], service[1], describe_entry(running)), **result)

    result['changed'] = True
    if module._diff:
        result['diff'] = patch_level_diff(entry['current_patch_level'], entry['rollback_version'])
    if module.check_mode:
        return result

    def recover():
        after = entry_for_rollback_id(read_entries(client, service[0], service[1], warnings), entry['rollback_id'])
        if after is not None and is_rollback(after) and after['job_id'] != entry['job_id']:
            return after['job_id'], None
        return None

    try:
        job_id, retry_after = send_once(
            lambda: client.rollback(service[0], service[1], entry['rollback_id'], note=params['note'], switch_over=params['switch_over']),
            recover, 'The rollback of patch %s on %s' % (entry['patch_id'], service[1]), result)
    except _http.ConflictError as exc:
        running = running_entry(read_entries(client, service[0], service[1], warnings))
        result['changed'] = False
        raise ModuleFailure('%s. Another operation runs on %s: %s.'
                            % (exc, service[1], describe_entry(running) if running else 'it no longer shows; run again'),
                            **result)
    if not job_id:
        raise ModuleFailure('The rollback of patch %s on %s was accepted without a job id; follow it with dbops.patching.patch_info.'
                            % (entry['patch_id'], service[1]), **result)
    follow(job_id, first_delay=retry_after)
    return result


def main():
    argument_spec = oracle_argument_spec()
    argument_spec.update(service_argument_spec())
    argument_spec.update(wait_argument_spec(wait_default=True))
    argument_spec.update(
        rollback_id=dict(type='str'),
        patch_id=dict(type='str'),
        switch_over=dict(type='bool'),
        note=dict(type='str'),
    )
    module = AnsibleModule(
        argument_spec=argument_spec,
        mutually_exclusive=[('rollback_id', 'patch_id')],
        required_one_of=[('rollback_id', 'patch_id')],
        supports_check_mode=True,
    )
    run_module(module, rollback_patch)


if __name__ == '__main__':
    main()
