# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The README's example, as written: its inventory and its playbook, taken from README.md, run
against the simulator seeded from that inventory, the way a venv or pipx user runs them. Ansible's interpreter discovery
would pick the system Python, which lacks requests; the example pins the controller's Python.
A control run of the same playbook without that line fails on such a Python, so the test can."""

import os
import re
import subprocess
import sys

import yaml

from ansible_collections.dbops.patching.tests.simulator import seeding
from ansible_collections.dbops.patching.tests.simulator.client import DOMAIN

COLLECTION = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
COLLECTIONS_PATH = os.path.dirname(os.path.dirname(os.path.dirname(COLLECTION)))
PIN = 'ansible_python_interpreter: "{{ ansible_playbook_python }}"'


def readme_example():
    """(inventory, playbook): the first two YAML blocks of the README's Example section, verbatim."""
    with open(os.path.join(COLLECTION, 'README.md')) as handle:
        section = handle.read().split('## Example', 1)[1].split('\n## ', 1)[0]
    inventory, playbook = re.findall(r'```yaml\n(.*?)```', section, re.S)[:2]
    return inventory, playbook


def python_without_requests(where):
    """A Python like a system one, without requests: a bare venv."""
    subprocess.run([sys.executable, '-m', 'venv', '--without-pip', str(where)], check=True)
    python = os.path.join(str(where), 'bin', 'python')
    assert subprocess.run([python, '-c', 'import requests'], capture_output=True, check=False).returncode != 0
    return python


def run_example(api, tmp_path, playbook, interpreter):
    (tmp_path / 'patch.yml').write_text(playbook)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_PATH, ANSIBLE_NOCOLOR='1',
               ANSIBLE_PYTHON_INTERPRETER=interpreter)  # what discovery would find: a Python without requests
    return subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', str(tmp_path / 'inventory.yml'),
                           str(tmp_path / 'patch.yml'), '-e', 'oracle_api_url=%s' % api.url, '-e', 'oracle_identity_domain=%s' % DOMAIN,
                           '-e', 'oracle_user=username', '-e', 'oracle_password=password', '-e', 'safe_patch_poll_interval=1'],
                          env=env, capture_output=True, text=True, timeout=600, check=False)


def test_the_readme_example_runs_as_written(api, tmp_path):
    api.admin('reset', {'time_scale': 60})
    inventory, playbook = readme_example()
    hosts = sorted(yaml.safe_load(inventory)['databases']['hosts'])
    assert PIN in playbook, 'the example runs the modules with the controller\'s Python'
    for seed in seeding.from_inventory(yaml.safe_load(inventory))['oracle']:  # as --seed inventory.yml seeds them
        api.admin('oracle/instances', seed)
    (tmp_path / 'inventory.yml').write_text(inventory)
    bare = python_without_requests(tmp_path / 'bare')

    control = run_example(api, tmp_path, playbook.replace(PIN, ''), bare)
    assert control.returncode != 0 and 'requests' in control.stdout, control.stdout[-3000:]

    run = run_example(api, tmp_path, playbook, bare)
    assert run.returncode == 0, run.stdout[-3000:]
    state = api.admin('state', method='GET')['oracle']
    assert [[r['patchId'] for r in state['dbaas/' + name]['applied']] for name in hosts] == [['19.21.0.0']] * len(hosts)
