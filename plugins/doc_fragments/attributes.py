# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


class ModuleDocFragment(object):

    # Attributes of every module.
    DOCUMENTATION = r'''
options: {}
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
'''

    # Attributes of read-only modules.
    INFO_MODULE = r'''
options: {}
attributes:
  check_mode:
    support: full
    details:
      - This module never changes anything; it runs normally in check mode.
  diff_mode:
    support: N/A
    details:
      - This module never changes anything.
'''

    # Attributes of the login modules (otc_auth, clc_auth).
    LOGIN_MODULE = r'''
options: {}
attributes:
  check_mode:
    support: full
    details:
      - A login changes nothing; it runs in check mode too.
  diff_mode:
    support: N/A
    details:
      - This module changes nothing.
'''
