# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The dbops.patching.instances inventory plugin as a user runs it: ansible-inventory through the
`auto` plugin, configured only by the environment the simulator hands out, then
playbooks/safe_patch.yml over the hosts it lists (the role's variables come from the plugin)."""

import json
import os
import subprocess
import sys

from ansible_collections.dbops.patching.tests.simulator.connection import environment

COLLECTION = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
COLLECTIONS_PATH = os.path.dirname(os.path.dirname(os.path.dirname(COLLECTION)))
BIN = os.path.dirname(sys.executable)
NAMES = ('inv-01', 'inv-02', 'inv-03')


def plain(value):
    """ansible-inventory 2.19+ marks the values an inventory plugin read from an API as not to be templated."""
    return value['__ansible_unsafe'] if isinstance(value, dict) and '__ansible_unsafe' in value else value


def test_the_fleet_the_plugin_lists_is_patched_by_safe_patch(api, tmp_path):
    api.admin('reset', {'time_scale': 60})
    for name in NAMES:
        patch = dict(patchId='19.21.0.0', toVersion='19.21.0.0', duration=60, precheck_duration=10, rollback_duration=30,
                     fail=name == 'inv-03')
        api.admin('oracle/instances', dict(service_type='dbaas', name=name, current_version='19.20.0.0', available=[patch]))
    api.admin('otc/instances', {'name': 'inv-rds'})
    source = tmp_path / 'fleet.dbops.yml'
    source.write_text('plugin: dbops.patching.instances\noracle_service_types: [dbaas]\n'
                      'compose:\n  safe_patch_patch_id: "\'19.21.0.0\'"\n  safe_patch_wait_timeout: 600\n'
                      '  safe_patch_poll_interval: 1\n', encoding='utf-8')
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_PATH, ANSIBLE_NOCOLOR='1', HOME=str(tmp_path),
               **environment(api.url))

    listed = subprocess.run([os.path.join(BIN, 'ansible-inventory'), '-i', str(source), '--list'], env=env,
                            capture_output=True, text=True, timeout=300, check=False)
    assert listed.returncode == 0, listed.stderr
    inventory = json.loads(listed.stdout)
    assert sorted(inventory['databases']['hosts']) == sorted(NAMES + ('inv-rds',))
    assert plain(inventory['_meta']['hostvars']['inv-rds']['safe_patch_cloud']) == 'otc'
    assert plain(inventory['_meta']['hostvars']['inv-01']['safe_patch_service_name']) == 'inv-01'
    assert 'password' not in listed.stdout + listed.stderr

    run = subprocess.run([os.path.join(BIN, 'ansible-playbook'), '-i', str(source), os.path.join(COLLECTION, 'playbooks', 'safe_patch.yml'),
                          '-e', 'safe_patch_hosts=dbops_oracle', '-e', 'safe_patch_report_dir=%s' % tmp_path],
                         env=env, capture_output=True, text=True, timeout=900, check=False)
    assert run.returncode == 2, run.stdout[-4000:] + run.stderr[-2000:]  # 2: inv-03 is rolled back, so it fails
    with open(str(tmp_path / 'safe_patch.json')) as handle:
        outcomes = dict((row['service_name'], row['outcome']) for row in json.load(handle)['results'])
    assert outcomes == {'inv-01': 'applied', 'inv-02': 'applied', 'inv-03': 'rolled_back'}
