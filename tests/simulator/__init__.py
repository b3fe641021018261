# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A simulator of the cloud APIs dbops.patching works with: Oracle PaaS, Open Telekom Cloud RDS,
CenturyLink Cloud and OCI Base Database (one module each, found by clouds.py)."""
