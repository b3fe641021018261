# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This plugin_utils is PRIVATE to the dbops.patching collection. It is not a
# public API: it may change or go away in any release without notice.

"""The action plugin of every module that waits: it runs the module as the normal
action does and, while the module runs on the controller, shows a progress line every
``progress_interval`` seconds from the state the module's wait saw last. The module
replaces a small JSON file (named in DBOPS_PROGRESS_FILE) after its poll rounds; no
request is made for the progress line."""

import glob
import json
import math
import os
import tempfile
import threading
import time

from ansible.plugins.action import ActionBase
from ansible.utils.display import Display
from ansible.utils.vars import merge_hash

display = Display()

PROGRESS_ENV = 'DBOPS_PROGRESS_FILE'
DEFAULT_INTERVAL = 60.0


def describe(document, elapsed):
    """The progress line: the first job still running (or the first job), how many are
    in each state when there are several, and the seconds elapsed."""
    jobs = [job for job in document.get('jobs') or [] if isinstance(job, dict)]
    if not jobs:
        return None
    running = [job for job in jobs if job.get('state') in ('pending', 'running', 'unknown')]
    shown = (running or jobs)[0]
    parts = ['job %s %s' % (shown.get('id'), shown.get('state'))]
    if shown.get('progress') is not None:
        parts[0] += ' %s %%' % shown['progress']
    if shown.get('message'):
        parts.append('"%s"' % shown['message'])
    if len(jobs) > 1:
        counts = {}
        for job in jobs:
            counts[job.get('state')] = counts.get(job.get('state'), 0) + 1
        parts.insert(0, '%d jobs: %s' % (len(jobs), ', '.join('%d %s' % (n, s) for s, n in sorted(counts.items()))))
    parts.append('%d s elapsed' % round(elapsed))
    return ', '.join(parts)


def read_progress(path):
    try:
        with open(path) as handle:
            document = json.load(handle)
    except (IOError, OSError, ValueError):
        return None
    return document if isinstance(document, dict) else None


class ProgressAction(ActionBase):
    """The normal action, plus progress lines while the module waits."""

    _supports_check_mode = True
    _supports_async = True

    def _interval(self):
        value = self._task.args.get('progress_interval', DEFAULT_INTERVAL)
        try:
            value = float(self._templar.template(value)) if value is not None else DEFAULT_INTERVAL
        except (TypeError, ValueError):
            return 0.0  # the module itself reports the bad value
        return value if math.isfinite(value) and value > 0 else 0.0

    def _watch(self, path, interval, stop, started, host):
        next_at = started + interval
        while not stop.wait(max(0.05, next_at - time.time())):
            next_at += interval
            document = read_progress(path)
            line = describe(document, time.time() - started) if document else None
            if line:
                display.display('%s [%s]: %s' % (self._task.action, host, line))

    def run(self, tmp=None, task_vars=None):
        result = super(ProgressAction, self).run(tmp, task_vars)
        del tmp  # tmp no longer has any effect
        wrap_async = self._task.async_val and not self._connection.has_native_async
        interval = self._interval()
        if not interval or wrap_async or self._task.no_log or getattr(self._connection, 'transport', None) != 'local':
            return merge_hash(result, self._execute_module(task_vars=task_vars, wrap_async=wrap_async))
        handle, path = tempfile.mkstemp(prefix='dbops-progress-', suffix='.json')
        os.close(handle)
        os.unlink(path)  # the module creates it at its first poll round
        environment = self._task.environment
        self._task.environment = (list(environment) if isinstance(environment, list) else [environment] if environment
                                  else []) + [{PROGRESS_ENV: path}]
        stop = threading.Event()
        host = (task_vars or {}).get('inventory_hostname', '?')
        watcher = threading.Thread(target=self._watch, args=(path, interval, stop, time.time(), host))
        watcher.daemon = True
        watcher.start()
        try:
            return merge_hash(result, self._execute_module(task_vars=task_vars, wrap_async=wrap_async))
        finally:
            stop.set()
            watcher.join(5)
            self._task.environment = environment
            for leftover in [path] + glob.glob(path + '.*.tmp'):  # the file, and a write the module left half done
                if os.path.exists(leftover):
                    os.unlink(leftover)
