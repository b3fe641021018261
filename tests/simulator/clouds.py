# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The registry of simulated clouds: a new cloud is one module plus one entry here.

Each cloud class is built with the shared State and declares ``name``, ``config``
(its admin config keys and defaults), ``check_config(key, value)``, ``seeds``
(--fixtures section -> method), ``admin_seeds`` (admin path -> method), and the
methods ``reset()``, ``dump()`` and ``handle(request)`` (a Reply, or None when the
path is not the cloud's)."""

from . import clc, oci, oracle, otc

CLOUDS = (oracle.OracleCloud, otc.OtcCloud, clc.ClcCloud, oci.OciCloud)
