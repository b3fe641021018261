#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: otc_auth
short_description: Log in to Open Telekom Cloud IAM once and return the token for later tasks
version_added: 1.0.0
description:
  - Logs in to IAM with the connection options (options, E(OS_*) environment variables or a C(clouds.yaml) entry) and
    returns the token, the project id and the endpoints, like C(openstack.cloud.auth) does.
  - Pass RV(auth_token) to later tasks as O(auth_token) through C(module_defaults) (C(group/dbops.patching.otc)), so
    that a play logs in once instead of once per task. An IAM token is valid 24 hours.
  - B(Set C(no_log) on the task that registers the result), since the token is a credential.
  - With O(auth_token) already given, no login is made and the token is returned as it is.
author:
  - dbops.patching maintainers (@dbops)
extends_documentation_fragment:
  - dbops.patching.otc
  - dbops.patching.connection
  - dbops.patching.attributes
  - dbops.patching.attributes.login_module
  - dbops.patching.otc.action_group
options: {}
'''

EXAMPLES = r'''
- name: Log in once for the play
  dbops.patching.otc_auth:
    cloud: otc-prod
  register: otc_login
  no_log: true

- name: Follow the upgrade jobs with that token
  module_defaults:
    group/dbops.patching.otc:
      auth_token: "{{ otc_login.auth_token }}"
      project_id: "{{ otc_login.project_id }}"
      rds_url: "{{ otc_login.rds_url }}"
  dbops.patching.rds_job_info:
    job_ids: "{{ upgrade_jobs }}"
    wait: true
'''

RETURN = r'''
auth_token:
  description: The IAM token (C(X-Subject-Token)). A credential; keep the task C(no_log).
  returned: success
  type: str
project_id:
  description: The project the token is scoped to.
  returned: success
  type: str
  sample: 0483b6b16e954cb88930a360d2c4e663
region:
  description: The region the settings resolved to.
  returned: success
  type: str
  sample: eu-de
auth_url:
  description: The IAM endpoint used.
  returned: success
  type: str
rds_url:
  description: The RDS endpoint the later tasks use.
  returned: success
  type: str
  sample: https://rds.eu-de.otc.t-systems.com
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dbops.patching.plugins.module_utils._otc import OtcClient, otc_argument_spec
from ansible_collections.dbops.patching.plugins.module_utils._runner import run_module


def login(run):
    client = OtcClient(run.params, warn=run.warn)
    client.http.ensure_ready()
    settings = client.settings
    run.result.update(auth_token=client.auth.token, project_id=client.auth.project_id, region=settings['region'],
                      auth_url=settings['auth_url'], rds_url=settings['rds_url'])


def main():
    run_module(AnsibleModule(argument_spec=otc_argument_spec(), supports_check_mode=True), login)


if __name__ == '__main__':
    main()
