# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The test-only cloud's line of plugins/inventory/instances.py (shared edit 2 of 3): its inventory fragment."""

DOCUMENTATION = r'''
extends_documentation_fragment:
  - dbops.patching.acme.inventory
'''
