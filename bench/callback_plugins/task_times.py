# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark helper: writes each task's wall time (name -> list of seconds) to the file
named by BENCH_TASK_TIMES when the play ends."""

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = '''
name: task_times
type: aggregate
short_description: Each task's wall time, for bench/bench_task.py
description: Writes each task's wall time to the file named by BENCH_TASK_TIMES.
'''


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'task_times'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super(CallbackModule, self).__init__()
        self.started = {}
        self.times = {}

    def v2_playbook_on_task_start(self, task, is_conditional):
        self.started[task._uuid] = (task.get_name(), time.monotonic())

    def _ended(self, result):
        task = getattr(result, 'task', None) or result._task
        name, began = self.started.get(task._uuid, (None, None))
        if name is not None:
            self.times.setdefault(name.split(' #')[0], []).append(time.monotonic() - began)

    v2_runner_on_ok = _ended
    v2_runner_on_failed = _ended

    def v2_playbook_on_stats(self, stats):
        with open(os.environ['BENCH_TASK_TIMES'], 'w') as handle:
            json.dump(self.times, handle)
