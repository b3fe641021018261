# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to the dbops.patching collection. It is not a
# public API: it may change or go away in any release without notice.

"""Progress of a wait, for the collection's action plugins to show while the module
runs: after each poll round the module replaces a small JSON file (named by the
action plugin in DBOPS_PROGRESS_FILE) with the last state of every job. No request
is made for it; without the variable nothing is written."""

import json
import os
import time

PROGRESS_ENV = 'DBOPS_PROGRESS_FILE'
MIN_WRITE_INTERVAL = 1.0  # seconds between two writes; the reader looks far less often
MESSAGE_CHARS = 160


def job_line(key, job):
    """What the progress line needs of one job."""
    if job is None:
        return dict(id=str(key), state='unknown', progress=None, message=None)
    message = job.get('message')
    return dict(id=str(key), state=job.get('state'), progress=job.get('progress'),
                message=message[:MESSAGE_CHARS] if isinstance(message, str) else None)


def writer(environ=None, clock=time.monotonic):
    """A callable ``write(jobs, elapsed)`` that replaces the progress file, at most once
    a second (and always for the last round); None when no file is asked for."""
    path = (os.environ if environ is None else environ).get(PROGRESS_ENV)
    if not path:
        return None
    last = [None]

    def write(jobs, elapsed, final=False):
        now = clock()
        if not final and last[0] is not None and now - last[0] < MIN_WRITE_INTERVAL:
            return
        last[0] = now
        document = dict(elapsed=round(elapsed, 1), jobs=[job_line(key, job) for key, job in jobs.items()])
        temporary = '%s.%d.tmp' % (path, os.getpid())
        try:
            with open(temporary, 'w') as handle:
                json.dump(document, handle)
            os.rename(temporary, path)
        except (IOError, OSError):
            pass  # progress is a courtesy: never fail the module for it
    return write
