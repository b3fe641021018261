# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A user's test against the installed simulator's pytest plugin (run by simulator_package.sh in a
fresh venv where only dbops-patching-simulator and pytest are installed)."""

import json
import os
import urllib.request


def test_fixture_serves_the_clouds(dbops_simulator, tmp_path):
    inventory = tmp_path / 'inventory.yml'
    inventory.write_text('fleet:\n  vars: {safe_patch_patch_id: "19.21.0.0"}\n  hosts:\n'
                         '    db01: {safe_patch_service_name: fx-db01}\n', encoding='utf-8')
    dbops_simulator.seed(str(inventory))
    dbops_simulator.reset()  # seeds survive a reset
    env = dbops_simulator.environment
    request = urllib.request.Request(
        '%s/paas/api/v1.1/instancemgmt/%s/services/dbaas/instances/fx-db01/patches/available'
        % (env['ORACLE_PAAS_API_URL'], env['ORACLE_PAAS_IDENTITY_DOMAIN']),
        headers={'X-ID-TENANT-NAME': env['ORACLE_PAAS_IDENTITY_DOMAIN'],
                 'Authorization': 'Basic dXNlcm5hbWU6cGFzc3dvcmQ='})  # username:password
    with urllib.request.urlopen(request, timeout=30) as answer:
        # the Release Updates published after the instance's 19.20.0.0, the inventory's patch among them
        assert [p['patchId'] for p in json.loads(answer.read().decode('utf-8'))] == ['19.21.0.0', '19.22.0.0', '19.23.0.0', '19.24.0.0']
    assert dbops_simulator.requests('GET', 'patches/available') == 1
    assert dbops_simulator.integration_config['oracle_api_url'] == dbops_simulator.base_url


def test_fixture_resets_between_tests(dbops_simulator):
    assert dbops_simulator.requests() == 0


def test_env_fixture_sets_the_modules_variables(dbops_simulator_env):
    assert os.environ['ORACLE_PAAS_API_URL'] == dbops_simulator_env.base_url
    assert os.environ['OS_AUTH_URL'] == dbops_simulator_env.base_url + '/v3'
    assert os.environ['CLC_V2_API_URL'] == dbops_simulator_env.base_url
