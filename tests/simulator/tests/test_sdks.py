# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The clouds' own SDKs against the simulator, as a user's other tools would talk to it: Open Telekom Cloud's
(openstacksdk with otcextensions) and CenturyLink's (clc-sdk), installed from the package registry into a venv
of their own, each calling what it has that the simulator serves (sdks/otc_calls.py, sdks/clc_calls.py).

The venv is kept under build/ (``DBOPS_SDK_VENV`` names another directory) and reused while its pins do not
change, so only the first run pays for the install (about 15 s). When pip cannot install the pins (no registry),
the tests are skipped and the reason printed with pip's own words; ``DBOPS_REQUIRE_SDKS=1`` makes that a failure,
for a CI that reaches the registry. Once installed, an SDK that does not import is a failure, never a skip."""

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys

import pytest

from ..client import Api, PROJECT
from ..clc import ALIAS, LINUX, PASSWORD as CLC_PASSWORD, USERNAME as CLC_USERNAME
from ..otc import DOMAIN_ID, DOMAIN_NAME, PASSWORD as OTC_PASSWORD, PROJECT_NAME, USERNAME as OTC_USERNAME, USER_ID

# Versions that install and import on Python 3.10-3.13 (clc-sdk 2.51 is an sdist; it builds and imports there).
PINS = ['openstacksdk==4.22.0', 'keystoneauth1==5.18.1', 'otcextensions==0.34.8', 'clc-sdk==2.51']
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..', '..'))
INSTALL_TIMEOUT = 900
CALLS_TIMEOUT = 180
TIME_SCALE = 100.0  # simulated seconds per real second while the SDKs wait for jobs and queues
GROUP = 'va1-osd-0001'
SUBGROUP = 'va1-osd-sdk'
SERVER = 'VA1OSDSDK01'


def _venv_dir():
    key = hashlib.sha256(('%s|%s' % (sys.version_info[:2], ' '.join(PINS))).encode()).hexdigest()[:10]
    default = os.path.join(ROOT, 'build', 'sdk-venv-py%d%d-%s' % (sys.version_info[0], sys.version_info[1], key))
    return os.environ.get('DBOPS_SDK_VENV') or default


@contextlib.contextmanager
def _locked(path):
    """One installer at a time (several checkouts' test runs may share the directory)."""
    import fcntl  # pylint: disable=import-outside-toplevel
    with open(path + '.lock', 'w') as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _run(argv, timeout):
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, timeout=timeout,
                          check=False)


def _install(venv, reuse=True):
    """The venv's Python, or a pytest skip (a failure with DBOPS_REQUIRE_SDKS=1) when pip cannot install the pins."""
    python = os.path.join(venv, 'bin', 'python')
    marker = os.path.join(venv, 'installed.json')
    if reuse and os.path.exists(marker):
        with open(marker, encoding='utf-8') as handle:
            if json.load(handle).get('pins') == PINS and os.path.exists(python):
                return python
    shutil.rmtree(venv, ignore_errors=True)
    made = _run([sys.executable, '-m', 'venv', venv], 300)
    pip = made if made.returncode else _run([python, '-m', 'pip', 'install', '--disable-pip-version-check', '--quiet'] + PINS,
                                            INSTALL_TIMEOUT)
    if pip.returncode:
        reason = 'could not install %s from the package registry into %s (%s): %s' % (
            ' '.join(PINS), venv, 'python -m venv' if made.returncode else 'pip', pip.stdout.strip()[-1500:])
        shutil.rmtree(venv, ignore_errors=True)
        sys.stderr.write('test_sdks: %s\n' % reason)
        if os.environ.get('DBOPS_REQUIRE_SDKS') == '1':
            pytest.fail(reason)
        pytest.skip(reason)
    with open(marker, 'w', encoding='utf-8') as handle:
        json.dump({'pins': PINS}, handle)
    return python


@pytest.fixture(scope='module')
def sdk_python():
    venv = _venv_dir()
    os.makedirs(os.path.dirname(venv), exist_ok=True)
    check = ['-c', 'import openstack, otcextensions.sdk, keystoneauth1, clc.APIv2.server']
    with _locked(venv):
        python = _install(venv)
        imported = _run([python] + check, 120)
        if imported.returncode:  # a kept venv gone stale (its base Python moved, say): once more from scratch
            python = _install(venv, reuse=False)
            imported = _run([python] + check, 120)
    assert imported.returncode == 0, 'the SDKs installed in %s do not import:\n%s' % (venv, imported.stdout)
    return python


def _calls(python, script, base_url, context):
    """Run one SDK script with a clean environment (no OS_*/CLC_* variables, no clouds.yaml) and read its results."""
    env = dict((key, value) for key, value in os.environ.items() if not key.startswith(('OS_', 'CLC_', 'OTC_')))
    env['HOME'] = os.path.dirname(python)  # no ~/.config/openstack/clouds.yaml of the user
    done = subprocess.run([python, os.path.join(HERE, 'sdks', script), base_url, json.dumps(context)], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, timeout=CALLS_TIMEOUT, env=env, cwd=HERE, check=False)
    assert done.returncode == 0, '%s failed:\n%s\n%s' % (script, done.stdout, done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope='module')
def otc_results(sdk_python, simulator):
    api = Api(simulator.base_url)
    api.admin('reset', {'time_scale': TIME_SCALE})
    single = api.admin('otc/instances', {'name': 'sdk-mysql-1'})['id']
    api.admin('otc/instances', {'name': 'sdk-mysql-2', 'type': 'Ha'})
    api.admin('otc/jobs', {'id': 'sdk-job-1', 'name': 'CreateMysqlSingleHAInstance', 'duration': 60})
    context = dict(username=OTC_USERNAME, password=OTC_PASSWORD, domain_name=DOMAIN_NAME, project_id=PROJECT, region=PROJECT_NAME,
                   instance_id=single, instance_name='sdk-mysql-2', job_id='sdk-job-1')
    try:
        results = _calls(sdk_python, 'otc_calls.py', simulator.base_url, context)
        results['requests'] = api.admin('requests', method='GET')
        yield results
    finally:
        api.admin('reset', {'time_scale': 1.0})
        api.session.close()


@pytest.fixture(scope='module')
def clc_results(sdk_python, simulator):
    api = Api(simulator.base_url)
    api.admin('reset', {'time_scale': TIME_SCALE})
    api.admin('clc/groups', {'id': SUBGROUP, 'name': 'SDK servers', 'parent': GROUP})
    api.admin('clc/servers', {'id': SERVER, 'os': 'linux', 'group': SUBGROUP, 'patch_duration': 30})
    context = dict(username=CLC_USERNAME, password=CLC_PASSWORD, group_id=GROUP, server_id=SERVER, other_server_id='VA1OSDPATCH33',
                   package_id=LINUX, parameters={'patch.debug.mode': 'false'})
    try:
        results = _calls(sdk_python, 'clc_calls.py', simulator.base_url, context)
        results['executions'] = api.clc('GET', '/rest/servers/%s/server/%s/patch' % (ALIAS, SERVER)).json()
        yield results
    finally:
        api.admin('reset', {'time_scale': 1.0})
        api.session.close()


def _value(results, name):
    outcome = results['calls'].get(name)
    assert outcome is not None, 'the script made no call %s' % name
    assert outcome['ok'], '%s failed: %s\n%s' % (name, outcome['error'], outcome.get('trace', ''))
    return outcome['value']


# -- Open Telekom Cloud: openstacksdk + otcextensions ------------------------------------------------------------


def test_otc_connect_discovers_the_identity_api_without_a_warning(otc_results):
    assert _value(otc_results, 'connect') is True
    assert otc_results['warnings'] == [], 'keystoneauth/openstacksdk warned: %s' % otc_results['warnings']
    counts = otc_results['requests']['counts']
    assert counts.get('GET /v3') and counts.get('POST /v3/auth/tokens') == 1
    assert not [r for r in otc_results['requests']['requests'] if r['status'] >= 400 and r['path'].startswith('/v3/auth')]
    v3 = _value(otc_results, 'identity_version_v3')
    assert [v['id'] for v in v3] == ['v3.6'] and v3 == _value(otc_results, 'identity_versions_root')


def test_otc_current_user_and_project(otc_results):
    assert _value(otc_results, 'current_user_id') == USER_ID
    assert _value(otc_results, 'current_project_id') == PROJECT
    assert _value(otc_results, 'current_project')['id'] == PROJECT
    access = _value(otc_results, 'access_info')
    assert (access['user_domain_id'], access['project_domain_id'], access['project_name']) == (DOMAIN_ID, DOMAIN_ID, PROJECT_NAME)
    assert access['user_domain_name'] == access['project_domain_name'] == DOMAIN_NAME and access['role_names']
    assert access['services'] == ['identity', 'rdsv3']


def test_otc_rds_instances(otc_results):
    assert _value(otc_results, 'rds_endpoint').endswith('/v3/' + PROJECT)
    listed = _value(otc_results, 'rds_instances')
    assert sorted(i['name'] for i in listed) == ['sdk-mysql-1', 'sdk-mysql-2']
    assert all(i['status'] == 'ACTIVE' and i['datastore']['type'] == 'MySQL' for i in listed)
    ids = sorted(i['id'] for i in listed)
    assert sorted(_value(otc_results, 'rds_instances_paged')) == ids, 'limit=1 pages through total_count'
    assert sorted(_value(otc_results, 'rds_instances_by_datastore')) == ids
    assert _value(otc_results, 'rds_get_instance')['name'] == 'sdk-mysql-1'
    assert _value(otc_results, 'rds_find_instance')['type'] == 'Ha'
    assert _value(otc_results, 'rds_get_unknown_instance').startswith('ResourceNotFound')


def test_otc_rds_datastores(otc_results):
    assert _value(otc_results, 'rds_datastores') == ['5.7', '8.0']
    refusal = _value(otc_results, 'rds_datastores_unknown_engine')
    assert refusal['status'] == 400 and 'DBS.200040' in refusal['message']


def test_otc_rds_wait_for_job(otc_results):
    job = _value(otc_results, 'rds_wait_for_job')
    assert (job['id'], job['status']) == ('sdk-job-1', 'Completed')


# -- CenturyLink Cloud: clc-sdk (v2) --------------------------------------------------------------------------------


def test_clc_login(clc_results):
    assert _value(clc_results, 'login') == ['OSD', 'VA1']
    assert _value(clc_results, 'get_session') == ['OSD', 'VA1', 'Default Group']


def test_clc_groups(clc_results):
    group = _value(clc_results, 'get_group')
    assert (group['id'], group['name'], group['servers_count'], group['created_by']) == (GROUP, 'Default Group', 1, CLC_USERNAME)
    assert isinstance(group['created_date'], int) and group['modified_date'] >= group['created_date']
    assert _value(clc_results, 'group_subgroups') == [SUBGROUP]
    assert _value(clc_results, 'group_get_all') == ['SDK servers']
    assert _value(clc_results, 'group_servers') == ['VA1OSDPATCH33']


def test_clc_servers(clc_results):
    server = _value(clc_results, 'get_server')
    assert (server['name'], server['group_id'], server['group'], server['status']) == (SERVER, SUBGROUP, 'SDK servers', 'active')
    assert (server['cpu'], server['memory'], server['storage'], server['in_maintenance_mode']) == (2, 4, 60, False)
    assert server['snapshots'] == [] and server['disks'] == [['0:0', 60]] and server['ip_addresses'][0]['internal']
    assert isinstance(server['created_date'], int) and server['created_by'] == CLC_USERNAME
    lower = _value(clc_results, 'get_server_lower_case')
    assert lower['name'] == SERVER and dict(lower, id=SERVER) == server
    assert _value(clc_results, 'servers') == [SERVER, 'VA1OSDPATCH33']
    assert _value(clc_results, 'get_unknown_server') == 'Server does not exist'


def test_clc_execute_package(clc_results):
    run = _value(clc_results, 'execute_package')
    assert (run['failed'], run['succeeded'], len(run['queue_ids'])) == (0, 1, 1)
    assert [e['status'] for e in clc_results['executions']] == ['COMPLETED']
    # the SDK's own branch for the entry the pages document for a server that cannot be found
    assert _value(clc_results, 'execute_package_unknown_server') == (
        'Exception: do we pass on this or take action? '
        'The operation cannot be queued because the server cannot be found or it is not in a valid state.')
