# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Progress lines while a task waits: ansible-playbook runs an OTC job of 12 real
seconds, and this test reads its output as it comes. A progress line must show while
the task still runs, and the wait must make no request for it."""

import os
import subprocess
import sys
import threading
import time

from ansible_collections.dbops.patching.tests.simulator.client import PROJECT

COLLECTION = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
COLLECTIONS_PATH = os.path.dirname(os.path.dirname(os.path.dirname(COLLECTION)))
PLAYBOOK = """
- hosts: localhost
  connection: local
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  tasks:
    - name: Follow the upgrade
      dbops.patching.rds_job_info:
        job_id: progress-job
        wait: true
        poll_interval: 3
        progress_interval: 2
        auth_url: "%(url)s/v3"
        rds_url: "%(url)s"
        project_id: %(project)s
        domain_name: OTC-EU-DE-00000000001000000001
        username: otcuser
        password: otcpassword
    - name: After the wait
      ansible.builtin.debug:
        msg: the wait ended
"""


def test_progress_lines_show_while_the_task_runs(api, tmp_path):
    api.admin('reset', {'time_scale': 1})
    api.admin('otc/jobs', {'id': 'progress-job', 'name': 'UpgradeMysqlMinorVersion', 'duration': 12})
    playbook = tmp_path / 'progress.yml'
    playbook.write_text(PLAYBOOK % dict(url=api.url, project=PROJECT))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_PATH, ANSIBLE_NOCOLOR='1', PYTHONUNBUFFERED='1')
    ansible_playbook = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
    process = subprocess.Popen([ansible_playbook, '-i', 'localhost,', str(playbook)], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    seen = []  # (line, whether the wait's task result had been printed yet)
    timer = threading.Timer(120, process.kill)
    timer.start()
    try:
        for line in process.stdout:
            seen.append((line.rstrip('\n'), time.monotonic()))
        process.wait()
    finally:
        timer.cancel()
    lines = [line for line, unused_at in seen]
    output = '\n'.join(lines)
    assert process.returncode == 0, output
    result_at = next(at for line, at in seen if line.startswith('ok: [localhost]') and 'msg' not in line)
    progress = [(line, at) for line, at in seen if line.startswith('dbops.patching.rds_job_info [localhost]: job progress-job')]
    assert progress, output
    assert progress[0][1] < result_at - 1, 'the first progress line came while the task still ran'
    assert 'running' in progress[0][0] and '%' in progress[0][0] and 's elapsed' in progress[0][0]
    assert 'otcpassword' not in output
    reads = api.admin('requests', method='GET', params={'method': 'GET', 'path': '/jobs$'})['count']
    assert reads <= 12 / 3 + 3, 'no read beyond the poll interval\'s'
