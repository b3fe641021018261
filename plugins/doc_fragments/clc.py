# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


class ModuleDocFragment(object):

    # Connection options of the clc action group (CenturyLink Cloud v2 API + Patching-as-a-Service).
    DOCUMENTATION = r'''
options:
  api_url:
    description:
      - Base URL of the CenturyLink Cloud v2 API.
      - If not set, the value of the E(CLC_V2_API_URL) environment variable is used.
    type: str
    default: https://api.ctl.io
  patching_url:
    description:
      - Base URL of the Patching-as-a-Service API that reports executions.
      - If not set, the value of the E(CLC_PATCHING_URL) environment variable is used.
    type: str
    default: https://patching.useast.appfog.ctl.io
  username:
    description:
      - Control portal user name for the login.
      - If not set, the value of the E(CLC_V2_API_USERNAME) environment variable is used.
    type: str
  password:
    description:
      - Control portal password for the login.
      - If not set, the value of the E(CLC_V2_API_PASSWD) environment variable is used.
    type: str
  token:
    description:
      - A bearer token to use as it is; no login is made (then O(account_alias) is required).
      - If not set, the value of the E(CLC_V2_API_TOKEN) environment variable is used.
    type: str
  account_alias:
    description:
      - Account alias, for example V(OSD).
      - If not set, the value of the E(CLC_ACCT_ALIAS) environment variable is used, else the alias the login returns.
    type: str
'''

    # Membership of the clc action group: C(group/dbops.patching.clc) in C(module_defaults).
    ACTION_GROUP = r'''
options: {}
attributes:
  action_group:
    description: Use C(group/dbops.patching.clc) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - dbops.patching.clc
'''

    # The inventory plugin's options for this cloud (dbops.patching.instances): each connection option
    # as <cloud>_<option> with the modules' environment variable, and the cloud's own listing options.
    INVENTORY = r'''
options:
  clc_api_url:
    description: Base URL of the CenturyLink Cloud v2 API.
    type: str
    default: https://api.ctl.io
    env:
      - name: CLC_V2_API_URL
  clc_patching_url:
    description: Base URL of the CenturyLink Cloud Patching-as-a-Service API (not used for listing).
    type: str
    default: https://patching.useast.appfog.ctl.io
    env:
      - name: CLC_PATCHING_URL
  clc_username:
    description: CenturyLink Cloud user name.
    type: str
    env:
      - name: CLC_V2_API_USERNAME
  clc_password:
    description: Password of O(clc_username).
    type: str
    env:
      - name: CLC_V2_API_PASSWD
  clc_token:
    description: A bearer token to use instead of a login.
    type: str
    env:
      - name: CLC_V2_API_TOKEN
  clc_account_alias:
    description: Account alias; by default the one the login returns.
    type: str
    env:
      - name: CLC_ACCT_ALIAS
  clc_groups:
    description: Ids of the CenturyLink Cloud groups whose servers (sub-groups included) become hosts.
    type: list
    elements: str
    default: []
notes:
  - "CenturyLink Cloud: host name the server id; variables C(dbops_cloud=clc), C(dbops_server_id),
    C(dbops_account_alias), C(dbops_os) (V(linux) or V(windows), as M(dbops.patching.server_patch) takes it),
    C(dbops_group_id), C(dbops_status) and C(ansible_host) (its first internal address). The servers of each group
    of O(clc_groups) and of its sub-groups, read with C(GET /v2/groups/{alias}/{groupId}) and
    C(GET /v2/servers/{alias}/{serverId}). They are not in O(patch_group): the safe_patch role does not patch servers."
'''
