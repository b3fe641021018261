#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
module: clc_auth
short_description: Log in to CenturyLink Cloud once and return the bearer token for later tasks
version_added: 1.0.0
description:
  - Logs in to the CenturyLink Cloud v2 API with O(username) and O(password) and returns the bearer token and the
    account alias.
  - Pass RV(token) and RV(account_alias) to later tasks through C(module_defaults) (C(group/dbops.patching.clc)), so
    that a play logs in once instead of once per task. A token is valid about two weeks.
  - B(Set C(no_log) on the task that registers the result), since the token is a credential.
  - With O(token) already given, no login is made and the token is returned as it is.
author:
  - dbops.patching maintainers (@dbops)
extends_documentation_fragment:
  - dbops.patching.clc
  - dbops.patching.connection
  - dbops.patching.attributes
  - dbops.patching.attributes.login_module
  - dbops.patching.clc.action_group
options: {}
'''

EXAMPLES = r'''
- name: Log in once for the play
  dbops.patching.clc_auth:
    username: "{{ clc_user }}"
    password: "{{ clc_password }}"
  register: clc_login
  no_log: true

- name: Patch with that token
  module_defaults:
    group/dbops.patching.clc:
      token: "{{ clc_login.token }}"
      account_alias: "{{ clc_login.account_alias }}"
  dbops.patching.server_patch:
    server_ids: [VA1OSDDB01]
    os: linux
'''

RETURN = r'''
token:
  description: The bearer token. A credential; keep the task C(no_log).
  returned: success
  type: str
account_alias:
  description: The account alias the login returned (or the one given).
  returned: success
  type: str
  sample: OSD
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dbops.patching.plugins.module_utils._clc import ClcClient, clc_argument_spec
from ansible_collections.dbops.patching.plugins.module_utils._runner import run_module


def login(run):
    client = ClcClient(run.params, warn=run.warn)
    run.result.update(account_alias=client.alias, token=client.auth.token)


def main():
    run_module(AnsibleModule(argument_spec=clc_argument_spec(), supports_check_mode=True), login)


if __name__ == '__main__':
    main()
