# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""playbooks/safe_patch.yml over 40 simulated instances with forks 25, while the
simulator answers 5 % of all requests with a throttling 503 and loses 1 % of the
answers after acting. Every instance must end applied or rolled back, no write may
be accepted twice, and the report must equal the cloud's own state."""

import json
import os
import subprocess
import sys

import yaml

from ansible_collections.dbops.patching.tests.simulator import oci
from ansible_collections.dbops.patching.tests.simulator.client import DOMAIN

INSTANCES = 40
FAILING = {'fleet-07', 'fleet-13', 'fleet-21', 'fleet-30', 'fleet-38'}
COLLECTION = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
COLLECTIONS_PATH = os.path.dirname(os.path.dirname(os.path.dirname(COLLECTION)))


def names():
    return ['fleet-%02d' % n for n in range(1, INSTANCES + 1)]


def seed(api):
    for name in names():
        patch = dict(patchId='19.21.0.0', toVersion='19.21.0.0', duration=120, precheck_duration=30, rollback_duration=60,
                     fail=name in FAILING)
        api.admin('oracle/instances', dict(service_type='dbaas', name=name, current_version='19.20.0.0', available=[patch]))


def inventory(path):
    hosts = dict((name, {'safe_patch_service_name': name}) for name in names())
    fleet_vars = {'safe_patch_patch_id': '19.21.0.0', 'safe_patch_wait_timeout': 600, 'safe_patch_poll_interval': 1}
    data = {'databases': {'hosts': hosts, 'vars': fleet_vars}}
    with open(path, 'w') as handle:
        yaml.safe_dump(data, handle)


def test_a_fleet_under_throttling_and_lost_answers_ends_applied_or_rolled_back(api, tmp_path):
    api.admin('reset', {'time_scale': 60})
    seed(api)
    api.admin('config', {'fault_seed': 20261128})
    api.fault(path='^/paas/', kind='drop', after_processing=True, probability=0.01, times=100000)
    api.fault(path='^/paas/', kind='status', status=503, retry_after='1', probability=0.05, times=100000)
    inventory(str(tmp_path / 'inventory.yml'))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_PATH, ORACLE_PAAS_API_URL=api.url,
               ORACLE_PAAS_IDENTITY_DOMAIN=DOMAIN, ORACLE_PAAS_USERNAME='username', ORACLE_PAAS_PASSWORD='password',
               ANSIBLE_FORKS='25', ANSIBLE_NOCOLOR='1', ANSIBLE_HOST_KEY_CHECKING='0')
    playbook = os.path.join(COLLECTION, 'playbooks', 'safe_patch.yml')
    run = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', str(tmp_path / 'inventory.yml'),
                          playbook, '-e', 'safe_patch_serial=%d' % INSTANCES, '-e', 'safe_patch_report_dir=%s' % tmp_path],
                         env=env, capture_output=True, text=True, timeout=1200, check=False)
    assert run.returncode == 2, run.stdout[-4000:] + run.stderr[-2000:]  # 2: the rolled-back hosts fail, as they should
    assert 'password' not in run.stdout.replace('ORACLE_PAAS_PASSWORD', '')
    faults = api.admin('faults', method='GET')['faults']
    injected = dict((rule['kind'], rule['hits']) for rule in faults)
    assert injected['status'] > 0 and injected['drop'] > 0, injected

    with open(str(tmp_path / 'safe_patch.json')) as handle:
        report = dict((row['service_name'], row) for row in json.load(handle)['results'])
    state = api.admin('state', method='GET')['oracle']
    log = api.admin('requests', method='GET', params={'method': 'PUT'})
    mismatches = []
    for name in names():
        expected = 'rolled_back' if name in FAILING else 'applied'
        path = '/instances/%s/patches/' % name
        accepted = dict((kind, sum(n for key, n in log['accepted'].items() if key.startswith('PUT') and path in key and match(key)))
                        for kind, match in (('precheck', lambda k: '/checks/' in k), ('rollback', lambda k: k.endswith('/rollback')),
                                            ('apply', lambda k: k.endswith('/19.21.0.0') and '/checks/' not in k)))
        assert accepted == {'precheck': 1, 'apply': 1, 'rollback': int(name in FAILING)}, (name, accepted)
        records = instance_records(state, name)
        cloud = 'rolled_back' if [r['lastStatus'] for r in records] == ['COMPLETED_ROLLBACK'] else (
            'applied' if [r['lastStatus'] for r in records] == ['COMPLETED'] else 'other')
        if not (report[name]['outcome'] == cloud == expected):
            mismatches.append((name, report[name]['outcome'], cloud, expected))
    assert mismatches == []
    print('fleet: %d instances, forks 25, faults injected %s, double writes 0, mismatches 0' % (INSTANCES, injected))


def instance_records(state, name):
    return state['dbaas/' + name]['applied']


def test_a_host_the_run_did_not_reach_shows_not_run_whatever_the_fact_cache_remembers(api, tmp_path):
    """With fact caching on (AWX's fact storage, or a jsonfile cache), the cacheable safe_patch_result of an
    earlier run is there for every host. A host this run never reached (max_fail_percentage stopped the fleet
    before its batch) must show not_run, not the earlier run's outcome and job."""
    api.admin('reset', {'time_scale': 60})
    hosts = ['cache-1', 'cache-2', 'cache-3', 'cache-4']
    for name in hosts:
        patches = [dict(patchId='19.21.0.0', toVersion='19.21.0.0', duration=30, precheck_duration=10),
                   dict(patchId='19.22.0.0', toVersion='19.22.0.0', duration=30, precheck_duration=10, rollback_duration=30,
                        fail=name == 'cache-1')]
        api.admin('oracle/instances', dict(service_type='dbaas', name=name, current_version='19.20.0.0', available=patches))
    with open(str(tmp_path / 'inventory.yml'), 'w') as handle:
        yaml.safe_dump({'databases': {'hosts': dict((name, {'safe_patch_service_name': name}) for name in hosts),
                                      'vars': {'safe_patch_wait_timeout': 600, 'safe_patch_poll_interval': 1}}}, handle)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_PATH, ORACLE_PAAS_API_URL=api.url,
               ORACLE_PAAS_IDENTITY_DOMAIN=DOMAIN, ORACLE_PAAS_USERNAME='username', ORACLE_PAAS_PASSWORD='password',
               ANSIBLE_NOCOLOR='1', ANSIBLE_CACHE_PLUGIN='jsonfile', ANSIBLE_CACHE_PLUGIN_CONNECTION=str(tmp_path / 'facts'),
               ANSIBLE_CACHE_PLUGIN_TIMEOUT='86400')
    reports = {}
    for run_id, patch_id in (('1', '19.21.0.0'), ('2', '19.22.0.0')):
        report_dir = tmp_path / ('run%s' % run_id)
        run = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', str(tmp_path / 'inventory.yml'),
                              os.path.join(COLLECTION, 'playbooks', 'safe_patch.yml'), '-e', 'awx_job_id=%s' % run_id,
                              '-e', 'safe_patch_patch_id=%s' % patch_id, '-e', 'safe_patch_serial=2',
                              '-e', 'safe_patch_max_fail_percentage=0', '-e', 'safe_patch_report_dir=%s' % report_dir],
                             env=env, capture_output=True, text=True, timeout=600, check=False)
        assert run.returncode in (0, 2), run.stdout[-3000:]
        with open(str(report_dir / 'safe_patch.json')) as handle:
            reports[run_id] = dict((row['host'], row) for row in json.load(handle)['results'])
    assert [reports['1'][h]['outcome'] for h in hosts] == ['applied'] * 4
    assert os.listdir(str(tmp_path / 'facts')), 'the fact cache holds the first run\'s results'
    second = reports['2']
    assert [second[h]['outcome'] for h in hosts] == ['rolled_back', 'applied', 'not_run', 'not_run']
    for host in ('cache-3', 'cache-4'):
        assert second[host]['apply_job'] is None and second[host]['patch_id'] == '19.22.0.0', second[host]
    assert set(row['run_id'] for row in second.values()) == {'2'}


def test_a_host_pattern_that_matches_nothing_fails_the_run(api, tmp_path):
    """A mistyped group must not exit 0 having patched nothing."""
    inventory(str(tmp_path / 'inventory.yml'))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_PATH, ORACLE_PAAS_API_URL=api.url, ANSIBLE_NOCOLOR='1')
    run = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', str(tmp_path / 'inventory.yml'),
                          os.path.join(COLLECTION, 'playbooks', 'safe_patch.yml'), '-e', 'safe_patch_hosts=databses'],
                         env=env, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode != 0, run.stdout[-2000:]
    assert 'The host pattern databses matches no host of the inventory' in run.stdout
    assert api.admin('requests', method='GET')['count'] == 0, 'nothing was sent'


def test_a_mixed_fleet_stops_after_an_oci_patch_that_cannot_be_rolled_back(api, tmp_path):
    """Oracle PaaS and OCI hosts in one batch (safe_patch_cloud a host variable, which max_fail_percentage cannot
    see): the Oracle instances wait together and end applied or rolled back, the failed OCI patch ends
    failed_no_rollback with its lifecycleDetails, and the next batch starts nothing (not_run, no request)."""
    api.admin('reset', {'time_scale': 60})
    for name, fail in (('mix-ora1', False), ('mix-ora2', True), ('mix-ora3', False)):
        patch = dict(patchId='19.21.0.0', toVersion='19.21.0.0', duration=120, precheck_duration=30, rollback_duration=60, fail=fail)
        api.admin('oracle/instances', dict(service_type='dbaas', name=name, current_version='19.20.0.0', available=[patch]))
    hosts = {'mix-ora1': {}, 'mix-ora2': {}}
    for name, fail in (('mixoci1', False), ('mixoci2', True)):
        api.admin('oci/db_systems', dict(display_name=name, id='ocid1.dbsystem.oc1.iad.aaaa' + name, version='19.20.0.0.0', patches=[
            dict(id='ocid1.dbpatch.oc1.iad.aaaa' + name, version='19.21.0.0.0', duration=120, fail=fail,
                 fail_details='ORA-01034: ORACLE not available (%s)' % name)]))
        hosts[name] = {'safe_patch_cloud': 'oci', 'safe_patch_db_system_id': 'ocid1.dbsystem.oc1.iad.aaaa' + name,
                       'safe_patch_patch_id': 'ocid1.dbpatch.oc1.iad.aaaa' + name}
    hosts['mix-ora3'] = {}
    for name in ('mix-ora1', 'mix-ora2', 'mix-ora3'):
        hosts[name]['safe_patch_service_name'] = name
    with open(str(tmp_path / 'inventory.yml'), 'w') as handle:
        yaml.safe_dump({'databases': {'hosts': hosts, 'vars': {'safe_patch_patch_id': '19.21.0.0', 'safe_patch_wait_timeout': 600,
                                                               'safe_patch_poll_interval': 1}}}, handle, sort_keys=False)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_PATH, ORACLE_PAAS_API_URL=api.url,
               ORACLE_PAAS_IDENTITY_DOMAIN=DOMAIN, ORACLE_PAAS_USERNAME='username', ORACLE_PAAS_PASSWORD='password',
               ANSIBLE_NOCOLOR='1', ANSIBLE_FORCE_HANDLERS='true', **oci.environment(api.url))
    run = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', str(tmp_path / 'inventory.yml'),
                          os.path.join(COLLECTION, 'playbooks', 'safe_patch.yml'), '-e', 'safe_patch_serial=4',
                          '-e', 'safe_patch_report_dir=%s' % tmp_path],
                         env=env, capture_output=True, text=True, timeout=600, check=False)
    assert run.returncode == 2, run.stdout[-4000:] + run.stderr[-2000:]
    with open(str(tmp_path / 'safe_patch.json')) as handle:
        report = json.load(handle)
    rows = dict((row['host'], row) for row in report['results'])
    assert dict((host, row['outcome']) for host, row in rows.items()) == {
        'mix-ora1': 'applied', 'mix-ora2': 'rolled_back', 'mixoci1': 'applied', 'mixoci2': 'failed_no_rollback', 'mix-ora3': 'not_run'}
    assert report['stopped_by'] == ['mixoci2']
    assert 'ORA-01034: ORACLE not available (mixoci2)' in rows['mixoci2']['message']
    assert 'cannot be rolled back' in rows['mixoci2']['message']
    assert api.admin('requests', method='GET', params={'path': '/instances/mix-ora3/'})['count'] == 0
    state = api.admin('state', method='GET')['oci']['db_systems']['ocid1.dbsystem.oc1.iad.aaaamixoci2']
    assert (state['lifecycle_state'], state['version']) == ('AVAILABLE', '19.20.0.0.0')
