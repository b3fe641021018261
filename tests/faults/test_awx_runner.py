# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The collection as AWX runs it: ansible-runner with a private data dir, the built
tarball installed into project/collections, credentials only as the environment a
credential type injects (rendered from docs/awx/credential_types/ as AWX renders them:
an input not given is an empty string), a Limit, and the set_stats artefact. AWX's
built-in OpenStack credential is a clouds.yaml named by OS_CLIENT_CONFIG_FILE alone.
No secret may show in stdout or in any job event."""

import base64
import glob
import json
import os
import re
import subprocess
import sys

import ansible_runner  # pinned in tests/requirements-dev.txt: a missing one fails, never skips
import jinja2
import pytest
import yaml

from ansible_collections.dbops.patching.plugins.filter.report_key import report_key
from ansible_collections.dbops.patching.tests.simulator.client import DOMAIN, PROJECT

COLLECTION = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
CREDENTIAL_TYPES = os.path.join(COLLECTION, 'docs', 'awx', 'credential_types')
BIN = os.path.dirname(sys.executable)
SECRETS = ('otcpassword', 'ctlpassword', base64.b64encode(b'username:password').decode())
ORACLE_PASSWORD_VALUE = re.compile(r'''(["'=:]\s*)password\b(?!["']?\s*:)''')
CTL_PLAYBOOK = """
- name: Read the executions of a server with the injected CTL credential
  hosts: servers
  connection: local
  gather_facts: false
  vars:
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
  tasks:
    - name: Read
      dbops.patching.server_patch_info:
        server_id: "{{ inventory_hostname }}"
      register: executions
    - name: Keep it
      ansible.builtin.set_stats:
        data: {ctl_executions: "{{ executions.executions | length }}"}
"""


@pytest.fixture(scope='module')
def installed(tmp_path_factory):
    """The collection built into a tarball and installed as a project's collections are."""
    where = tmp_path_factory.mktemp('galaxy')
    galaxy = os.path.join(BIN, 'ansible-galaxy')
    subprocess.run([galaxy, 'collection', 'build', '--output-path', str(where)], cwd=COLLECTION, check=True, capture_output=True)
    tarball = glob.glob(str(where / 'dbops-patching-*.tar.gz'))[0]
    return tarball


def injected(credential_type, inputs):
    """The environment AWX injects for a credential of this type."""
    with open(os.path.join(CREDENTIAL_TYPES, credential_type + '.yml')) as handle:
        definition = yaml.safe_load(handle)
    defaults = dict((f['id'], f['default']) for f in definition['inputs']['fields'] if 'default' in f)
    values = dict(defaults, **inputs)
    return dict((name, jinja2.Template(template).render(**values)) for name, template in definition['injectors']['env'].items())


def private_data_dir(path, tarball, inventory, envvars, playbook=None):
    for sub in ('project', 'inventory', 'env'):
        (path / sub).mkdir(parents=True)
    subprocess.run([os.path.join(BIN, 'ansible-galaxy'), 'collection', 'install', '--offline', '-p',
                    str(path / 'project' / 'collections'), tarball], check=True, capture_output=True)
    (path / 'inventory' / 'hosts.yml').write_text(yaml.safe_dump(inventory))
    envvars = dict(envvars, ANSIBLE_COLLECTIONS_PATH=str(path / 'project' / 'collections'), ANSIBLE_NOCOLOR='1',
                   PATH=BIN + os.pathsep + os.environ.get('PATH', ''))
    (path / 'env' / 'envvars').write_text(yaml.safe_dump(envvars))
    if playbook:
        (path / 'project' / 'ctl.yml').write_text(playbook)
    return str(path)


def run(path, playbook, limit=None, extravars=None):
    runner = ansible_runner.run(private_data_dir=path, playbook=playbook, limit=limit, extravars=extravars or {},
                                quiet=True, timeout=600)
    stdout = runner.stdout.read()
    events = list(runner.events)
    everything = stdout + json.dumps(events, default=str)
    for secret in SECRETS:
        assert secret not in everything, 'a secret in the job output or events'
    assert not ORACLE_PASSWORD_VALUE.search(everything), ORACLE_PASSWORD_VALUE.search(everything).group(0)
    assert 'PLAY RECAP' in stdout, stdout[-3000:]
    stats = next(e for e in events if e['event'] == 'playbook_on_stats')
    return runner, stdout, stats['event_data'].get('artifact_data') or {}


def rows(artifacts):
    """The report rows of a run's artifacts, by host: one set_stats key per host (safe_patch_row_...)."""
    found = dict((row['host'], row) for key, row in artifacts.items() if key.startswith('safe_patch_row_'))
    assert all(key == report_key(row['host']) for key, row in artifacts.items() if key.startswith('safe_patch_row_'))
    return found


def fleet(hosts, **common):
    return {'all': {'children': {'databases': {'hosts': hosts, 'vars': common}}}}


def seed_oracle(api, *names):
    for name in names:
        api.admin('oracle/instances', dict(service_type='dbaas', name=name, current_version='19.20.0.0',
                                           available=[dict(patchId='19.21.0.0', toVersion='19.21.0.0', duration=60,
                                                           precheck_duration=20)]))


def test_oracle_credential_type_with_a_limit(api, installed, tmp_path):
    api.admin('reset', {'time_scale': 60})
    seed_oracle(api, 'awx-a', 'awx-b', 'awx-c')
    env = injected('oracle_paas', dict(api_url=api.url, identity_domain=DOMAIN, username='username', password='password'))
    hosts = dict((host, {'safe_patch_service_name': 'awx-' + host[-1]}) for host in ('db-a', 'db-b', 'db-c'))
    path = private_data_dir(tmp_path, installed, fleet(hosts, safe_patch_patch_id='19.21.0.0', safe_patch_poll_interval=1), env)
    runner, stdout, artifacts = run(path, 'dbops.patching.safe_patch', limit='db-a,db-b')
    assert runner.rc == 0, stdout[-3000:]
    assert sorted(rows(artifacts)) == ['db-a', 'db-b'], 'the Limit: only the limited hosts report'
    assert all(row['outcome'] == 'applied' for row in rows(artifacts).values())
    assert sorted(artifacts['safe_patch_results']) == ['db-a', 'db-b'], 'the deprecated key, still there for 1.0.0 readers'
    run_id, = artifacts['safe_patch_runs']
    assert artifacts['safe_patch_runs'][run_id]['outcomes'] == {'applied': 2}
    state = api.admin('state', method='GET')['oracle']
    assert [r['patchId'] for r in state['dbaas/awx-c']['applied']] == [], 'the host outside the Limit was not touched'


def test_a_sliced_job_reports_every_host_once_through_awx_s_shallow_merge(api, installed, tmp_path):
    """AWX job slicing: each slice is a job of its own (its own awx_job_id) over its part of the inventory (the
    hosts by name, every third one from the slice's offset). AWX combines the slices' artifacts with a shallow
    dict.update in order (WorkflowJob._combined_artifacts) and hands the result to the next workflow node as
    extra variables: playbooks/fleet_report.yml must find every host exactly once in it."""
    api.admin('reset', {'time_scale': 60})
    names = sorted('slice-%02d' % number for number in range(1, 8))
    seed_oracle(api, *names)
    env = injected('oracle_paas', dict(api_url=api.url, identity_domain=DOMAIN, username='username', password='password'))
    combined = {}
    for number in (1, 2, 3):
        part = names[number - 1::3]
        hosts = dict((host, {'safe_patch_service_name': host}) for host in part)
        path = private_data_dir(tmp_path / ('slice%d' % number), installed,
                                fleet(hosts, safe_patch_patch_id='19.21.0.0', safe_patch_poll_interval=1), env)
        runner, stdout, artifacts = run(path, 'dbops.patching.safe_patch', extravars={'awx_job_id': 700 + number})
        assert runner.rc == 0, stdout[-3000:]
        assert sorted(rows(artifacts)) == part
        combined.update(artifacts)
    assert sorted(combined['safe_patch_results']) == names[2::3], 'one key for all rows keeps the last slice only'
    report_dir = tmp_path / 'merged'
    path = private_data_dir(tmp_path / 'report', installed, {'all': {'hosts': {}}}, env)
    runner, stdout, dummy = run(path, 'dbops.patching.fleet_report', extravars=dict(combined, safe_patch_report_dir=str(report_dir)))
    assert runner.rc == 0, stdout[-3000:]
    with open(str(report_dir / 'safe_patch.json')) as handle:
        merged = json.load(handle)['results']
    assert sorted(row['host'] for row in merged) == names, 'every host exactly once'
    assert all(row['outcome'] == 'applied' for row in merged)
    assert sorted(set(row['run_id'] for row in merged)) == ['701', '702', '703'], 'each row names its slice\'s job'
    assert 'DEPRECATED' not in stdout, 'the per-host rows were read, not the deprecated key'


def test_fleet_report_reads_a_1_0_0_run_s_artifacts_and_says_that_is_deprecated(installed, tmp_path):
    """docs/DEPRECATION.md: a 1.0.0 run left safe_patch_results only; fleet_report.yml reads it until 2.0.0, and says so."""
    rows = dict((host, dict(host=host, service_name=host, patch_id='19.21.0.0', outcome='applied', run_id='2026-11-28T10:00:00Z',
                            apply_job={'id': job}, rollback_job=None, message=''))
                for host, job in (('old-a', '4208400'), ('old-b', '4208401')))
    report_dir = tmp_path / 'merged'
    path = private_data_dir(tmp_path / 'report', installed, {'all': {'hosts': {}}}, {})
    runner, stdout, dummy = run(path, 'dbops.patching.fleet_report',
                                extravars=dict(safe_patch_results=rows, safe_patch_report_dir=str(report_dir)))
    assert runner.rc == 0, stdout[-3000:]
    assert 'DEPRECATED: the report was read from safe_patch_results' in stdout and 'removed in 2.0.0' in stdout
    with open(str(report_dir / 'safe_patch.json')) as handle:
        assert sorted(row['host'] for row in json.load(handle)['results']) == ['old-a', 'old-b']


@pytest.mark.parametrize('how', ['credential_type', 'openstack_clouds_yaml'])
def test_otc_credentials_as_awx_injects_them(api, installed, tmp_path, how):
    api.admin('reset', {'time_scale': 60})
    api.admin('otc/instances', {'name': 'awx-rds', 'version': '8.0.21', 'upgrade_seconds': 60})
    if how == 'credential_type':
        env = injected('otc', dict(auth_url=api.url + '/v3', project_id=PROJECT, domain_name='OTC-EU-DE-00000000001000000001',
                                   username='otcuser', password='otcpassword', rds_url=api.url))
    else:
        # What AWX's OpenStack credential writes: one cloud, "devstack", and OS_CLIENT_CONFIG_FILE only.
        clouds = {'clouds': {'devstack': {'auth': {'auth_url': api.url + '/v3', 'username': 'otcuser', 'password': 'otcpassword',
                                                   'project_name': 'eu-de', 'domain_name': 'OTC-EU-DE-00000000001000000001'},
                                          'region_name': 'eu-de', 'verify': True}}}
        (tmp_path / 'clouds.yaml').write_text(yaml.safe_dump(clouds))
        env = {'OS_CLIENT_CONFIG_FILE': str(tmp_path / 'clouds.yaml'), 'OTC_RDS_URL': api.url}
    hosts = {'rds-a': {'safe_patch_service_name': 'awx-rds'}, 'rds-b': {'safe_patch_service_name': 'awx-missing'}}
    path = private_data_dir(tmp_path / 'pdd', installed, fleet(hosts, safe_patch_cloud='otc', safe_patch_poll_interval=1), env)
    runner, stdout, artifacts = run(path, 'dbops.patching.safe_patch', limit='rds-a')
    assert runner.rc == 0, stdout[-3000:]
    assert list(rows(artifacts)) == ['rds-a']
    row = rows(artifacts)['rds-a']
    assert row['outcome'] == 'applied' and row['patch_id'] == '8.0.28' and row['apply_job']['state'] == 'succeeded'


def test_ctl_credential_type(api, installed, tmp_path):
    api.admin('reset', {'time_scale': 60})
    api.admin('clc/servers', {'id': 'AWX-SRV', 'os': 'linux'})
    env = injected('clc', dict(api_url=api.url, patching_url=api.url, username='ctluser', password='ctlpassword'))
    inventory = {'all': {'children': {'servers': {'hosts': {'AWX-SRV': {}, 'OTHER-SRV': {}}}}}}
    path = private_data_dir(tmp_path, installed, inventory, env, playbook=CTL_PLAYBOOK)
    runner, stdout, artifacts = run(path, 'ctl.yml', limit='AWX-SRV')
    assert runner.rc == 0, stdout[-3000:]
    assert int(artifacts['ctl_executions']) == 0
