# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Runs oci_patch_job_info and shows its progress while it waits (see plugin_utils/_progress_action.py)."""

from ansible_collections.dbops.patching.plugins.plugin_utils._progress_action import ProgressAction


class ActionModule(ProgressAction):
    pass
