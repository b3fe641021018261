# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The report_key filter: the set_stats key of one host's report row."""

import hashlib
import re

PREFIX = 'safe_patch_row_'


def report_key(host):
    """``safe_patch_row_<host with every other character than a letter, digit or _ as _>_<8 hex of its SHA-1>``:
    a valid variable name (set_stats refuses others), readable, and distinct for distinct hosts (db-1 and
    db_1 differ in the hash)."""
    name = str(host)
    digest = hashlib.sha1(name.encode('utf-8')).hexdigest()[:8]
    return '%s%s_%s' % (PREFIX, re.sub(r'[^A-Za-z0-9_]', '_', name), digest)


class FilterModule(object):
    def filters(self):
        return {'report_key': report_key}
