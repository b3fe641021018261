# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The dbops.patching.instances inventory plugin against the simulator (in process, real HTTP)."""

import importlib
import json

import pytest

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible import constants as C
from ansible.plugins.loader import fragment_loader
from ansible.utils.plugin_docs import get_docstring

from ansible_collections.dbops.patching.plugins.inventory import instances
from ansible_collections.dbops.patching.tests.simulator.oci import COMPARTMENT, OciCloud
from ansible_collections.dbops.patching.tests.simulator.server import Simulator

ENV_VARS = ('ORACLE_PAAS_API_URL', 'ORACLE_PAAS_IDENTITY_DOMAIN', 'ORACLE_PAAS_USERNAME', 'ORACLE_PAAS_PASSWORD', 'OS_CLOUD',
            'OS_AUTH_URL', 'OS_REGION_NAME', 'OS_PROJECT_ID', 'OS_PROJECT_NAME', 'OS_USER_DOMAIN_NAME', 'OS_USERNAME',
            'OS_PASSWORD', 'OS_AUTH_TOKEN', 'OTC_RDS_URL', 'CLC_V2_API_URL', 'CLC_V2_API_USERNAME', 'CLC_V2_API_PASSWD',
            'CLC_V2_API_TOKEN', 'CLC_ACCT_ALIAS', 'OS_CLIENT_CONFIG_FILE')


NAME = 'dbops.patching.instances'


class CollectionFragments(object):
    """ansible-core's fragment loader, which also finds this collection's fragments without a collection loader."""

    @staticmethod
    def get(name, *args, **kwargs):
        if not name.startswith('dbops.patching.'):
            return fragment_loader.get(name, *args, **kwargs)
        if name.count('.') != 2:
            return None  # dbops.patching.<file>.<VARIABLE>: asked again for the file
        fragment = importlib.import_module('ansible_collections.dbops.patching.plugins.doc_fragments.' + name.split('.')[2]).ModuleDocFragment()
        fragment.ansible_name = name
        return fragment


@pytest.fixture(scope='module', autouse=True)
def option_definitions():
    """Register the plugin's options from its own documentation (with the constructed and inventory_cache
    fragments, and each cloud's inventory fragment of this collection), as the plugin loader does."""
    doc = get_docstring(instances.__file__, CollectionFragments(), collection_name='dbops.patching', plugin_type='inventory')[0]
    C.config.initialize_plugin_configuration_definitions('inventory', NAME, doc['options'])


def new_plugin():
    plugin = instances.InventoryModule()
    plugin._load_name = NAME  # pylint: disable=protected-access
    plugin._redirected_names = [NAME]  # pylint: disable=protected-access  # ansible-core 2.16 reads options by it
    return plugin


@pytest.fixture(scope='module')
def sim():
    simulator = Simulator(time_scale=100).start()
    yield simulator
    simulator.stop()


@pytest.fixture
def clean(sim, monkeypatch, tmp_path):
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv('HOME', str(tmp_path))  # no clouds.yaml of the machine
    sim.state.reset()
    return sim


def settings(base_url, **extra):
    config = dict(plugin='dbops.patching.instances',
                  oracle_api_url=base_url, oracle_identity_domain='ExampleIdentityDomain', oracle_username='username',
                  oracle_password='password',
                  otc_auth_url=base_url + '/v3', otc_rds_url=base_url, otc_project_id='0483b6b16e954cb88930a360d2c4e663',
                  otc_domain_name='OTC-EU-DE-00000000001000000001', otc_username='otcuser', otc_password='otcpassword',
                  clc_api_url=base_url, clc_username='ctluser', clc_password='ctlpassword', clc_groups=['va1-osd-0001'])
    config.update(extra)
    return dict((k, v) for k, v in config.items() if v is not None)


def parse(tmp_path, config, name='fleet.dbops.yml', cache=True):
    path = tmp_path / name
    path.write_text(json.dumps(config), encoding='utf-8')  # JSON is YAML
    inventory = InventoryData()
    plugin = new_plugin()
    assert plugin.verify_file(str(path))
    plugin.parse(inventory, DataLoader(), str(path), cache=cache)
    try:
        plugin.update_cache_if_changed()  # as the InventoryManager does after parse()
    except AttributeError:  # no cache configured (the InventoryManager passes too)
        pass
    return inventory


def host_vars(inventory, name):
    return inventory.get_host(name).get_vars()


def group_hosts(inventory, group):
    return sorted(h.name for h in inventory.groups[group].get_hosts())


def requests_to(sim, pattern):
    return sum(1 for r in sim.state.log if pattern in r['path'])


def test_every_cloud_with_the_variables_the_role_needs(clean, tmp_path):
    sim = clean
    sim.state.seed('oracle/instances', {'service_type': 'dbaas', 'name': 'inv-db01', 'current_version': '19.20.0.0'})
    sim.state.seed('otc/instances', {'name': 'inv-rds01', 'engine': 'PostgreSQL', 'version': '14.6'})
    sim.state.seed('clc/groups', {'id': 'va1-osd-web', 'parent': 'va1-osd-0001'})
    sim.state.seed('clc/servers', {'id': 'VA1OSDWEB01', 'group': 'va1-osd-web', 'os': 'windows'})
    inventory = parse(tmp_path, settings(sim.base_url))

    assert host_vars(inventory, 'inv-db01')['safe_patch_service_type'] == 'dbaas'
    assert dict((k, host_vars(inventory, 'MyTestInstance')[k]) for k in ('safe_patch_cloud', 'safe_patch_service_type',
                                                                         'safe_patch_service_name', 'dbops_status')) == \
        dict(safe_patch_cloud='oracle', safe_patch_service_type='MySQLCS', safe_patch_service_name='MyTestInstance',
             dbops_status='Running')
    rds = host_vars(inventory, 'inv-rds01')
    assert (rds['safe_patch_cloud'], rds['safe_patch_service_name'], rds['dbops_engine'], rds['dbops_version']) == \
        ('otc', 'inv-rds01', 'PostgreSQL', '14.6')
    web = host_vars(inventory, 'VA1OSDWEB01')
    assert (web['dbops_cloud'], web['dbops_server_id'], web['dbops_os'], web['dbops_group_id'], web['dbops_account_alias']) == \
        ('clc', 'VA1OSDWEB01', 'windows', 'va1-osd-web', 'OSD')
    assert web['ansible_host'].startswith('10.')
    assert group_hosts(inventory, 'databases') == ['MyTestInstance', 'inv-db01', 'inv-rds01']
    assert group_hosts(inventory, 'dbops_oracle_mysqlcs') == ['MyTestInstance']
    assert group_hosts(inventory, 'dbops_otc_postgresql') == ['inv-rds01']
    assert group_hosts(inventory, 'dbops_clc') == ['VA1OSDPATCH33', 'VA1OSDWEB01'], 'sub-groups are walked'


def test_compose_and_keyed_groups(clean, tmp_path):
    inventory = parse(tmp_path, settings(clean.base_url, clouds=['oracle'], compose={'safe_patch_patch_id': "'5.7.17'"},
                                         keyed_groups=[{'key': 'dbops_status', 'prefix': 'status'}]))
    assert host_vars(inventory, 'MyTestInstance')['safe_patch_patch_id'] == '5.7.17'
    assert group_hosts(inventory, 'status_Running') == ['MyTestInstance']
    assert 'dbops_otc' not in inventory.groups


def test_otc_lists_page_after_page(clean, tmp_path):
    for n in range(130):
        clean.state.seed('otc/instances', {'name': 'page-%03d' % n})
    inventory = parse(tmp_path, settings(clean.base_url, clouds=['otc']))
    assert len(group_hosts(inventory, 'dbops_otc')) == 130
    assert requests_to(clean, '/instances') == 2


def test_clouds_default_to_the_configured_ones(clean, tmp_path):
    config = settings(clean.base_url, otc_project_id=None, clc_groups=None)
    inventory = parse(tmp_path, config)
    assert 'dbops_oracle' in inventory.groups and 'dbops_otc' not in inventory.groups and 'dbops_clc' not in inventory.groups


def test_environment_variables_configure_it(clean, tmp_path, monkeypatch):
    monkeypatch.setenv('ORACLE_PAAS_API_URL', clean.base_url)
    monkeypatch.setenv('ORACLE_PAAS_IDENTITY_DOMAIN', 'ExampleIdentityDomain')
    monkeypatch.setenv('ORACLE_PAAS_USERNAME', 'username')
    monkeypatch.setenv('ORACLE_PAAS_PASSWORD', 'password')
    inventory = parse(tmp_path, {'plugin': 'dbops.patching.instances'})
    assert group_hosts(inventory, 'dbops_oracle') == ['MyTestInstance']


def test_a_named_cloud_without_settings_names_the_option(clean, tmp_path):
    with pytest.raises(AnsibleParserError, match='clouds includes clc, but clc_groups is not set'):
        parse(tmp_path, settings(clean.base_url, clouds=['oracle', 'clc'], clc_groups=None))
    with pytest.raises(AnsibleParserError, match='no cloud is configured'):
        parse(tmp_path, {'plugin': 'dbops.patching.instances'})


def test_a_refused_login_fails_without_the_password(clean, tmp_path):
    with pytest.raises(AnsibleError) as info:
        parse(tmp_path, settings(clean.base_url, clouds=['oracle'], oracle_password='s3cret-Wrong'))
    assert 'listing oracle failed' in str(info.value) and '401' in str(info.value)
    assert 's3cret-Wrong' not in str(info.value)


def test_a_name_in_two_clouds_gets_the_cloud_as_prefix(clean, tmp_path):
    clean.state.seed('otc/instances', {'name': 'MyTestInstance'})
    inventory = parse(tmp_path, settings(clean.base_url, clouds=['oracle', 'otc']))
    assert host_vars(inventory, 'MyTestInstance')['safe_patch_cloud'] == 'oracle'
    assert host_vars(inventory, 'otc_MyTestInstance')['safe_patch_service_name'] == 'MyTestInstance'


def test_the_cache_spares_the_api(clean, tmp_path):
    config = settings(clean.base_url, clouds=['oracle'], cache=True, cache_plugin='jsonfile',
                      cache_connection=str(tmp_path / 'cache'))
    parse(tmp_path, config, cache=False)  # a refresh: reads the API, fills the cache
    reads = requests_to(clean, '/paas/')
    inventory = parse(tmp_path, config, cache=True)
    assert requests_to(clean, '/paas/') == reads
    assert group_hosts(inventory, 'dbops_oracle') == ['MyTestInstance']


def test_other_file_names_are_not_its_own(tmp_path):
    path = tmp_path / 'hosts.yml'
    path.write_text('plugin: dbops.patching.instances\n', encoding='utf-8')
    assert not new_plugin().verify_file(str(path))


def test_oci_lists_the_db_systems_of_a_compartment(clean, tmp_path):
    sim = clean
    seeded = [sim.state.seed('oci/db_systems', {'display_name': 'inv-dbsys%d' % n, 'version': '19.20.0.0.0'}) for n in (1, 2)]
    # the simulator's integration variables are named as the inventory's options: oci_user, oci_key_file...
    inventory = parse(tmp_path, dict(plugin='dbops.patching.instances', clouds=['oci'], oci_compartment_id=COMPARTMENT,
                                     **OciCloud.variables(sim.base_url)))
    system = host_vars(inventory, 'inv-dbsys1')
    assert (system['safe_patch_cloud'], system['safe_patch_db_system_id'], system['dbops_version'], system['dbops_status']) == \
        ('oci', seeded[0]['db_system_id'], '19.20.0.0.0', 'AVAILABLE')
    assert group_hosts(inventory, 'dbops_oci') == ['inv-dbsys1', 'inv-dbsys2']
    assert group_hosts(inventory, 'databases') == ['inv-dbsys1', 'inv-dbsys2'], 'the safe_patch role patches them'
    with pytest.raises(AnsibleParserError, match='clouds includes oci, but oci_compartment_id is not set'):
        parse(tmp_path, dict(plugin='dbops.patching.instances', clouds=['oci']))
