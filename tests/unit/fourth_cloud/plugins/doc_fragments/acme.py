# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The test-only cloud's doc fragment, as plugins/doc_fragments/acme.py would be."""


class ModuleDocFragment(object):

    DOCUMENTATION = r'''
options:
  acme_url:
    description: Base URL of the Acme API (E(ACME_URL)).
    type: str
    required: true
  user:
    description: Acme user (E(ACME_USER)).
    type: str
  password:
    description: Password of O(user) (E(ACME_PASSWORD)).
    type: str
'''

    ACTION_GROUP = r'''
options: {}
attributes:
  action_group:
    description: Use C(group/dbops.patching.acme) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - dbops.patching.acme
'''

    INVENTORY = r'''
options:
  acme_acme_url:
    description: Base URL of the Acme API.
    type: str
    env:
      - name: ACME_URL
  acme_user:
    description: Acme user.
    type: str
    env:
      - name: ACME_USER
  acme_password:
    description: Password of O(acme_user).
    type: str
    env:
      - name: ACME_PASSWORD
'''
