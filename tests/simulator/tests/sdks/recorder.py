# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the SDK scripts share (they run in the SDKs' venv, beside this file): a record of each call."""

import traceback


class Calls(dict):
    """{name: {'ok', 'value'} or {'ok': False, 'error', 'trace'}} of the calls made through ``call``."""

    def call(self, name, function):
        try:
            self[name] = {'ok': True, 'value': function()}
        except Exception as exc:  # pylint: disable=broad-except
            self[name] = {'ok': False, 'error': '%s: %s' % (type(exc).__name__, exc), 'trace': traceback.format_exc()}
