# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs acme_restart and shows its progress while it waits."""

from ansible_collections.dbops.patching.plugins.plugin_utils._progress_action import ProgressAction as ActionModule  # noqa: F401 pylint: disable=unused-import
