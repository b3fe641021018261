# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Instances seeded from an Ansible inventory look like real ones: an Oracle instance lists the patches
published for its version, an OTC instance has a newer minor version, a CTL server has patches to run."""

from ..client import PROJECT, instance_path
from .. import seeding


def seeded(api, inventory):
    """Seed the hosts of ``inventory`` through the admin API; answers the seeds."""
    seeds = seeding.from_inventory(inventory)
    for section, path in (('oracle', 'oracle/instances'), ('otc_instances', 'otc/instances'), ('clc', 'clc/servers')):
        for seed in seeds.get(section, []):
            api.admin(path, seed)
    return seeds


def available(api, name, service_type='dbaas'):
    answer = api.oracle('GET', instance_path(name, service_type) + '/patches/available')
    assert answer.status_code == 200
    return answer.json()


def test_an_oracle_host_without_patch_variables_lists_the_release_updates_of_its_version(api):
    seeded(api, {'databases': {'hosts': {'orders-db': {}, 'old-db': {'simulator_current_version': '19.22.0.0'}}}})
    patches = available(api, 'orders-db')
    assert [p['patchId'] for p in patches] == ['19.21.0.0', '19.22.0.0', '19.23.0.0', '19.24.0.0']
    assert patches[0]['toVersion'] == '19.21.0.0' and patches[0]['releaseDate'].startswith('2023-10-17T')
    assert patches[0]['patchDescription'] == 'Database Release Update 19.21.0.0.231017'
    assert 'duration' not in patches[0] and 'fail' not in patches[0], 'the simulator\'s knobs are not served'
    assert [p['patchId'] for p in available(api, 'old-db')] == ['19.23.0.0', '19.24.0.0']


def test_applying_a_catalogue_patch_moves_the_version_and_takes_it_off_the_list(api):
    seeded(api, {'databases': {'hosts': {'orders-db': {'simulator_patch_seconds': 10}}}})
    answer = api.oracle('PUT', instance_path('orders-db') + '/patches/19.22.0.0', json={})
    assert answer.status_code == 202
    api.advance(11)
    state = api.admin('state', method='GET')['oracle']['dbaas/orders-db']
    assert state['current_version'] == '19.22.0.0'
    assert state['available'] == ['19.21.0.0', '19.23.0.0', '19.24.0.0']


def test_the_inventory_patch_id_is_offered_in_version_order_and_every_patch_follows_the_host_variables(api):
    seeds = seeded(api, {'fleet': {'vars': {'safe_patch_patch_id': '19.19.5.0'}, 'hosts': {
        'db01': {'simulator_patch_fails': True, 'simulator_patch_seconds': 42},
        'db02': {'safe_patch_patch_id': '19.23.0.0'}}}})
    db01, db02 = seeds['oracle']
    assert [p['patchId'] for p in db01['available']] == ['19.19.5.0', '19.21.0.0', '19.22.0.0', '19.23.0.0', '19.24.0.0']
    assert all(p['fail'] and p['duration'] == 42 for p in db01['available'])
    assert [p['patchId'] for p in db02['available']] == ['19.21.0.0', '19.22.0.0', '19.23.0.0', '19.24.0.0'], \
        'a catalogue patch is listed once'
    assert not any(p['fail'] for p in db02['available'])


def test_other_major_versions_and_mysql_cloud_service(api):
    seeded(api, {'databases': {'hosts': {
        'db12': {'dbops_version': '12.2.0.1'},
        'db18': {'simulator_current_version': '18.12.0.0'},
        'db21': {'simulator_current_version': '21.3.0.0', 'safe_patch_patch_id': '21.4.0.0'},
        'my57': {'safe_patch_service_type': 'MySQLCS'},
        'my80': {'safe_patch_service_type': 'MySQLCS', 'dbops_version': 'mysql 8.0.14'}}}})
    assert [p['patchId'] for p in available(api, 'db12')] == ['12.2.0.1.220118', '12.2.0.1.220419', '12.2.0.1.220719', '12.2.0.1.221018']
    assert [p['patchId'] for p in available(api, 'db18')] == ['18.13.0.0', '18.14.0.0']
    assert [p['patchId'] for p in available(api, 'db21')] == ['21.4.0.0'], 'a version without a catalogue: the inventory\'s patch'
    my57 = available(api, 'my57', 'MySQLCS')
    assert [p['patchId'] for p in my57] == ['5.7.21-EE', '5.7.22-EE', '5.7.23-EE', '5.7.24-EE']
    assert my57[0]['displayName'] == '5.7.21' and my57[0]['patchDescription'] == 'MySQL Server version 5.7.21'
    assert my57[0]['patchReleaseUrl'] == 'https://dev.mysql.com/doc/relnotes/mysql/5.7/en/news-5-7-21.html'
    assert [p['patchId'] for p in available(api, 'my80', 'MySQLCS')] == ['8.0.15-EE', '8.0.16-EE']
    state = api.admin('state', method='GET')['oracle']
    assert state['MySQLCS/my57']['current_version'] == 'mysql 5.7.20'


def test_an_explicit_patch_list_wins_over_the_catalogue(api):
    seeded(api, {'databases': {'hosts': {'db01': {'simulator_seed': {'available': [{'patchId': 'p1', 'toVersion': '19.21.0.0'}]}}}}})
    assert [p['patchId'] for p in available(api, 'db01')] == ['p1']


def test_an_otc_host_has_a_newer_minor_version_to_upgrade_to(api):
    seeded(api, {'rds': {'vars': {'safe_patch_cloud': 'otc'}, 'hosts': {
        'my-rds': {}, 'pg-rds': {'dbops_engine': 'PostgreSQL'}, 'pinned-rds': {'dbops_version': '8.0.25'}}}})
    token = api.otc_login().headers['X-Subject-Token']
    listed = api.session.get('%s/v3/%s/instances' % (api.url, PROJECT), headers={'X-Auth-Token': token}, timeout=10).json()
    versions = dict((i['name'], (i['datastore']['type'], i['datastore']['complete_version'])) for i in listed['instances'])
    assert versions == {'my-rds': ('MySQL', '8.0.21'), 'pg-rds': ('PostgreSQL', '14.6'), 'pinned-rds': ('MySQL', '8.0.25')}
    made = dict((i['name'], i['id']) for i in listed['instances'])
    answer = api.session.post('%s/v3/%s/instances/%s/db-upgrade' % (api.url, PROJECT, made['pg-rds']), json={},
                              headers={'X-Auth-Token': token}, timeout=10)
    assert answer.status_code == 202
    api.advance(3600)
    state = api.admin('state', method='GET')
    assert [i['version'] for i in state['otc']['instances'].values() if i['name'] == 'pg-rds'] == ['14.9']


def test_a_ctl_host_has_patches_to_run(api):
    seeded(api, {'ctl': {'hosts': {'VA1OSDWEB01': {'dbops_server_id': 'VA1OSDWEB01', 'dbops_os': 'windows'},
                                   'VA1OSDDB01': {'dbops_server_id': 'VA1OSDDB01'}}}})
    servers = api.admin('state', method='GET')['clc']['servers']
    assert servers['VA1OSDWEB01']['os'] == 'windows' and any('KB' in p for p in servers['VA1OSDWEB01']['patches'])
    assert servers['VA1OSDDB01']['os'] == 'linux' and any(p.startswith('kernel-') for p in servers['VA1OSDDB01']['patches'])
    queued = api.clc('POST', '/v2/operations/OSD/servers/executePackage',
                     json={'servers': ['VA1OSDDB01'], 'package': {'packageId': 'c3c6642e-24e1-4c37-b56a-1cf1476ee360'}})
    assert queued.status_code == 200
    api.advance(120)
    executions = api.clc('GET', '/rest/servers/OSD/server/VA1OSDDB01/patch').json()
    assert [(e['status'], e['patches']) for e in executions] == [('COMPLETED', 3)]


def test_a_host_is_seeded_by_its_clouds_own_host_seed():
    """seeding.py knows which cloud a host is of; the cloud's class makes the seed (a new cloud adds none here)."""
    class Acme(object):
        name = 'acme'

        @staticmethod
        def host_seed(name, host_vars):
            return 'acme', dict(name=name, size=host_vars.get('size'))
    assert seeding.host_seed('db1', {'safe_patch_cloud': 'acme', 'size': 3}, clouds=(Acme,)) == ('acme', {'name': 'db1', 'size': 3})
    assert seeding.cloud_of({'dbops_cloud': 'otc', 'safe_patch_cloud': 'oracle'}) == 'otc', 'the inventory plugin\'s own variable wins'
    assert seeding.cloud_of({'dbops_server_id': 'VA1OSDWEB01'}) == 'clc' and seeding.cloud_of({}) == 'oracle'
    try:
        seeding.host_seed('db2', {'safe_patch_cloud': 'nimbus'})
    except ValueError as exc:
        assert str(exc) == "host db2: its cloud (dbops_cloud, else safe_patch_cloud) is one of clc, oci, oracle, otc, got 'nimbus'"
    else:
        raise AssertionError('an unknown cloud is refused')
