# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from ansible_collections.dbops.patching.plugins.plugin_utils._progress_action import describe, read_progress


def test_one_job():
    document = {'jobs': [{'id': '42', 'state': 'running', 'progress': 40, 'message': 'Phase patch started'}]}
    assert describe(document, 61.4) == 'job 42 running 40 %, "Phase patch started", 61 s elapsed'


def test_many_jobs_show_the_counts_and_a_running_one():
    document = {'jobs': [{'id': 'a', 'state': 'succeeded'}, {'id': 'b', 'state': 'running', 'progress': None, 'message': None},
                         {'id': 'c', 'state': 'succeeded'}]}
    assert describe(document, 5) == '3 jobs: 1 running, 2 succeeded, job b running, 5 s elapsed'


def test_nothing_to_show():
    assert describe({'jobs': []}, 1) is None
    assert describe({}, 1) is None


def test_read_progress(tmp_path):
    path = tmp_path / 'p.json'
    assert read_progress(str(path)) is None
    path.write_text('not json')
    assert read_progress(str(path)) is None
    path.write_text('[1]')
    assert read_progress(str(path)) is None
    path.write_text('{"jobs": []}')
    assert read_progress(str(path)) == {'jobs': []}
