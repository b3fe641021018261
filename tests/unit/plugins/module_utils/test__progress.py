# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import json

from ansible_collections.dbops.patching.plugins.module_utils import _progress
from ansible_collections.dbops.patching.plugins.module_utils._wait import FunctionSource, Poller, WaitClock, WaitOptions

RUNNING = dict(id='j1', state='running', terminal=False, progress=40, message='x' * 500)


def test_no_file_no_writer():
    assert _progress.writer({}) is None


def test_the_file_is_replaced_at_most_once_a_second_and_always_at_the_end(tmp_path):
    path = tmp_path / 'progress.json'
    now = [100.0]
    write = _progress.writer({_progress.PROGRESS_ENV: str(path)}, clock=lambda: now[0])
    write({'j1': RUNNING, 'j2': None}, 3.04)
    document = json.loads(path.read_text())
    assert document['elapsed'] == 3.0 and document['jobs'][1] == dict(id='j2', state='unknown', progress=None, message=None)
    assert len(document['jobs'][0]['message']) == _progress.MESSAGE_CHARS
    now[0] += 0.5
    write({'j1': dict(RUNNING, progress=50)}, 3.5)
    assert json.loads(path.read_text())['jobs'][0]['progress'] == 40, 'too soon: not written'
    write({'j1': dict(RUNNING, state='succeeded', progress=100)}, 3.6, final=True)
    assert json.loads(path.read_text())['jobs'][0]['state'] == 'succeeded'


def test_a_file_that_cannot_be_written_is_ignored(tmp_path):
    write = _progress.writer({_progress.PROGRESS_ENV: str(tmp_path / 'missing' / 'progress.json')})
    write({'j1': RUNNING}, 1.0)


def test_the_poller_reports_every_round(tmp_path):
    seen = []
    clock = [0.0]

    def sleep(seconds):
        clock[0] += seconds

    def fetch(key, deadline=None):
        done = clock[0] >= 4
        return dict(RUNNING, id=key, state='succeeded' if done else 'running', terminal=done), None

    poller = Poller(FunctionSource(fetch), timeout=60, options=WaitOptions(interval=2), clock=WaitClock(lambda: clock[0], sleep),
                    progress=lambda jobs, elapsed, final=False: seen.append((dict(jobs), elapsed, final)))
    poller.run(['a'])
    assert [final for unused_jobs, unused_elapsed, final in seen] == [False, False, True]
    assert seen[-1][0]['a']['state'] == 'succeeded'
