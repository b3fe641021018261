# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: instances
short_description: Oracle PaaS database instances, OTC RDS instances and CenturyLink Cloud servers as hosts
version_added: 1.1.0
author:
  - dbops.patching maintainers (@dbops)
description:
  - Lists the service instances of an Oracle PaaS identity domain (Database Classic V(dbaas) and MySQL Cloud Service
    V(MySQLCS)), the RDS instances of an Open Telekom Cloud project and the servers of CenturyLink Cloud groups, one
    host each, with the variables the P(dbops.patching.safe_patch#role) role and M(dbops.patching.server_patch) need.
  - "Oracle PaaS: host name the service name; variables C(safe_patch_cloud=oracle), C(safe_patch_service_type),
    C(safe_patch_service_name), C(dbops_cloud), C(dbops_status), C(dbops_version). Listed with Database Classic's
    C(GET /paas/service/dbcs/api/v1.1/instances/{identityDomainId}) and MySQL Cloud Service's
    C(GET /paas/api/v1.1/instancemgmt/{identityDomainId}/services/MySQLCS/instances)."
  - "OTC RDS: host name the instance name; variables C(safe_patch_cloud=otc), C(safe_patch_service_name),
    C(dbops_cloud), C(dbops_instance_id), C(dbops_engine), C(dbops_version), C(dbops_status), C(dbops_type),
    C(dbops_maintenance_window). Listed with C(GET /v3/{project_id}/instances), 100 a page."
  - "CenturyLink Cloud: host name the server id; variables C(dbops_cloud=clc), C(dbops_server_id),
    C(dbops_account_alias), C(dbops_os) (V(linux) or V(windows), as M(dbops.patching.server_patch) takes it),
    C(dbops_group_id), C(dbops_status) and C(ansible_host) (its first internal address). The servers of each group
    of O(clc_groups) and of its sub-groups, read with C(GET /v2/groups/{alias}/{groupId}) and
    C(GET /v2/servers/{alias}/{serverId})."
  - Groups C(dbops_oracle), C(dbops_oracle_dbaas), C(dbops_oracle_mysqlcs), C(dbops_otc), C(dbops_otc_mysql) (one per
    engine) and C(dbops_clc); Oracle and OTC hosts also go to O(patch_group), the group C(playbooks/safe_patch.yml)
    patches by default. O(compose), O(groups) and O(keyed_groups) add your own.
  - When two clouds have a host of the same name, the later one is named C(<cloud>_<name>) and a warning says so.
  - The inventory file's name must end with C(dbops.yml), C(dbops.yaml), C(dbops_instances.yml) or
    C(dbops_instances.yaml).
  - Credentials come from the options or the same environment variables as the modules'. They are never shown in
    messages.
extends_documentation_fragment:
  - constructed
  - inventory_cache
requirements:
  - requests (on the controller)
options:
  plugin:
    description: The name of this plugin.
    type: str
    required: true
    choices: [dbops.patching.instances]
  clouds:
    description:
      - The clouds to list. By default, every cloud that is configured here or through the environment
        (V(oracle) with O(oracle_identity_domain), V(otc) with O(otc_project_id), O(otc_project_name),
        O(otc_cloud) or O(otc_auth_token), V(clc) with O(clc_groups)).
      - A cloud named here whose settings are missing is an error that names the missing option.
    type: list
    elements: str
    choices: [oracle, otc, clc]
  patch_group:
    description: Group of every Oracle PaaS and OTC RDS host, the hosts C(playbooks/safe_patch.yml) patches by default.
    type: str
    default: databases
  oracle_api_url:
    description: Base URL of the Oracle PaaS REST API.
    type: str
    default: https://psm.us.oraclecloud.com
    env:
      - name: ORACLE_PAAS_API_URL
  oracle_identity_domain:
    description: Identity domain (or IDCS service id) of the Oracle Cloud account.
    type: str
    env:
      - name: ORACLE_PAAS_IDENTITY_DOMAIN
  oracle_username:
    description: Oracle Cloud user name.
    type: str
    env:
      - name: ORACLE_PAAS_USERNAME
  oracle_password:
    description: Password of O(oracle_username).
    type: str
    env:
      - name: ORACLE_PAAS_PASSWORD
  oracle_service_types:
    description: The service types to list.
    type: list
    elements: str
    choices: [dbaas, MySQLCS]
    default: [dbaas, MySQLCS]
  otc_cloud:
    description: Name of an entry in C(clouds.yaml) with the OTC settings, as the modules' O(dbops.patching.rds_upgrade#module:cloud).
    type: str
    env:
      - name: OS_CLOUD
  otc_auth_url:
    description: IAM endpoint; by default the one of O(otc_region).
    type: str
    env:
      - name: OS_AUTH_URL
  otc_region:
    description: OTC region (default V(eu-de) unless C(clouds.yaml) says otherwise).
    type: str
    env:
      - name: OS_REGION_NAME
  otc_project_id:
    description: Project id.
    type: str
    env:
      - name: OS_PROJECT_ID
  otc_project_name:
    description: Project name (for example V(eu-de)).
    type: str
    env:
      - name: OS_PROJECT_NAME
  otc_domain_name:
    description: Domain (tenant) name of the IAM user.
    type: str
    env:
      - name: OS_USER_DOMAIN_NAME
  otc_username:
    description: IAM user name.
    type: str
    env:
      - name: OS_USERNAME
  otc_password:
    description: Password of O(otc_username).
    type: str
    env:
      - name: OS_PASSWORD
  otc_auth_token:
    description: An IAM token to use instead of a login.
    type: str
    env:
      - name: OS_AUTH_TOKEN
  otc_rds_url:
    description: RDS endpoint; by default the one of the region.
    type: str
    env:
      - name: OTC_RDS_URL
  clc_api_url:
    description: Base URL of the CenturyLink Cloud v2 API.
    type: str
    default: https://api.ctl.io
    env:
      - name: CLC_V2_API_URL
  clc_username:
    description: CenturyLink Cloud user name.
    type: str
    env:
      - name: CLC_V2_API_USERNAME
  clc_password:
    description: Password of O(clc_username).
    type: str
    env:
      - name: CLC_V2_API_PASSWD
  clc_token:
    description: A bearer token to use instead of a login.
    type: str
    env:
      - name: CLC_V2_API_TOKEN
  clc_account_alias:
    description: Account alias; by default the one the login returns.
    type: str
    env:
      - name: CLC_ACCT_ALIAS
  clc_groups:
    description: Ids of the CenturyLink Cloud groups whose servers (sub-groups included) become hosts.
    type: list
    elements: str
    default: []
  validate_certs:
    description: Verify the TLS certificates of every API.
    type: bool
    default: true
  ca_path:
    description: A PEM file of CA certificates to verify the APIs' certificates with.
    type: path
  request_timeout:
    description: Seconds to wait for each HTTP answer.
    type: float
    default: 30
notes:
  - Hosts are cloud resources, not machines to log in to; C(playbooks/safe_patch.yml) runs its modules on the
    controller (C(connection=local)).
seealso:
  - module: dbops.patching.patch_info
  - module: dbops.patching.rds_instance_info
  - module: dbops.patching.server_patch
  - ref: ansible_collections.dbops.patching.docsite.guide_simulator
    description: Testing your playbooks, and this inventory, against the cloud simulator.
'''

EXAMPLES = r'''
# fleet.dbops.yml: the Oracle PaaS instances of the identity domain in $ORACLE_PAAS_IDENTITY_DOMAIN
plugin: dbops.patching.instances
clouds: [oracle]
oracle_service_types: [dbaas]
compose:
  safe_patch_patch_id: "'19.21.0.0'"
keyed_groups:
  - key: dbops_version
    prefix: version

# Another file, all.dbops.yml: every cloud; OTC from clouds.yaml, CenturyLink Cloud groups by id; cached for an hour
# (commented out: one examples block is one YAML document)
#
# plugin: dbops.patching.instances
# otc_cloud: otc-prod
# clc_groups: [va1-osd-0001]
# cache: true
# cache_plugin: ansible.builtin.jsonfile
# cache_connection: ~/.cache/dbops_inventory
# cache_timeout: 3600
# groups:
#   stopped: dbops_status not in ['Running', 'ACTIVE', 'active']
'''

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.module_utils.common.text.converters import to_native
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable
from ansible.utils.display import Display

from ansible_collections.dbops.patching.plugins.module_utils._errors import DbopsError

display = Display()

FILE_SUFFIXES = ('dbops.yml', 'dbops.yaml', 'dbops_instances.yml', 'dbops_instances.yaml')


def oracle_hosts(client, service_types):
    """(name, variables) of every listed Oracle PaaS service instance."""
    return [(service['name'], dict(safe_patch_cloud='oracle', safe_patch_service_type=service_type,
                                   safe_patch_service_name=service['name'], dbops_cloud='oracle',
                                   dbops_status=service['status'], dbops_version=service['version']))
            for service_type in service_types for service in client.service_instances(service_type)]


def otc_hosts(client):
    """(name, variables) of every RDS instance of the project."""
    return [(instance['name'], dict(safe_patch_cloud='otc', safe_patch_service_name=instance['name'], dbops_cloud='otc',
                                    dbops_instance_id=instance['id'], dbops_engine=instance['engine'],
                                    dbops_version=instance['version'], dbops_status=instance['status'],
                                    dbops_type=instance['type'], dbops_maintenance_window=instance['maintenance_window']))
            for instance in client.all_instances() if instance['name']]


def clc_hosts(client, group_ids):
    """(name, variables) of every server of the groups and their sub-groups."""
    hosts = []
    for server in client.group_servers(group_ids):
        variables = dict(dbops_cloud='clc', dbops_server_id=server['id'], dbops_account_alias=server['account_alias'],
                         dbops_os=server['os'], dbops_group_id=server['group_id'], dbops_status=server['status'])
        if server['address']:
            variables['ansible_host'] = server['address']
        hosts.append((server['id'], variables))
    return hosts


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):

    NAME = 'dbops.patching.instances'

    def verify_file(self, path):
        return super(InventoryModule, self).verify_file(path) and path.endswith(FILE_SUFFIXES)

    def _clouds(self):
        clouds = self.get_option('clouds')
        configured = dict(
            oracle=bool(self.get_option('oracle_identity_domain')),
            otc=any(self.get_option(o) for o in ('otc_project_id', 'otc_project_name', 'otc_cloud', 'otc_auth_token')),
            clc=bool(self.get_option('clc_groups')))
        if clouds is None:
            clouds = [cloud for cloud in ('oracle', 'otc', 'clc') if configured[cloud]]
            if not clouds:
                raise AnsibleParserError('dbops.patching.instances: no cloud is configured: set clouds, and oracle_identity_domain '
                                         '(ORACLE_PAAS_IDENTITY_DOMAIN), otc_project_name (OS_PROJECT_NAME) or otc_cloud '
                                         '(OS_CLOUD), or clc_groups.')
        missing = dict(oracle='oracle_identity_domain (or ORACLE_PAAS_IDENTITY_DOMAIN)',
                       otc='otc_project_id, otc_project_name, otc_cloud or otc_auth_token (or OS_PROJECT_ID, OS_PROJECT_NAME, OS_CLOUD)',
                       clc='clc_groups')
        for cloud in clouds:
            if not configured[cloud]:
                raise AnsibleParserError('dbops.patching.instances: clouds includes %s, but %s is not set.' % (cloud, missing[cloud]))
        return clouds

    def _connection(self):
        return dict(validate_certs=self.get_option('validate_certs'), ca_path=self.get_option('ca_path'),
                    request_timeout=self.get_option('request_timeout'))

    def _list(self, cloud):
        # Imported here: the clients need requests, which only listing needs.
        from ansible_collections.dbops.patching.plugins.module_utils import _clc, _oracle, _otc

        warn = display.warning
        if cloud == 'oracle':
            params = dict(self._connection(), api_url=self.get_option('oracle_api_url'),
                          identity_domain=self.get_option('oracle_identity_domain'),
                          username=self.get_option('oracle_username'), password=self.get_option('oracle_password'))
            return oracle_hosts(_oracle.OracleClient(params, warn=warn), self.get_option('oracle_service_types'))
        if cloud == 'otc':
            params = dict(self._connection(), cloud=self.get_option('otc_cloud'), auth_url=self.get_option('otc_auth_url'),
                          region=self.get_option('otc_region'), project_id=self.get_option('otc_project_id'),
                          project_name=self.get_option('otc_project_name'), domain_name=self.get_option('otc_domain_name'),
                          username=self.get_option('otc_username'), password=self.get_option('otc_password'),
                          auth_token=self.get_option('otc_auth_token'), rds_url=self.get_option('otc_rds_url'))
            return otc_hosts(_otc.OtcClient(params, warn=warn))
        params = dict(self._connection(), api_url=self.get_option('clc_api_url'), patching_url=self.get_option('clc_api_url'),
                      username=self.get_option('clc_username'), password=self.get_option('clc_password'),
                      token=self.get_option('clc_token'), account_alias=self.get_option('clc_account_alias'))
        return clc_hosts(_clc.ClcClient(params, warn=warn), self.get_option('clc_groups'))

    def _fetch(self):
        """{cloud: [[name, variables], ...]} of every configured cloud."""
        found = {}
        for cloud in self._clouds():
            try:
                found[cloud] = [[name, variables] for name, variables in self._list(cloud)]
            except ImportError as exc:
                raise AnsibleError('dbops.patching.instances needs the Python library requests on the controller: %s'
                                   % to_native(exc))
            except DbopsError as exc:  # messages are free of credentials when they are built
                raise AnsibleError('dbops.patching.instances: listing %s failed: %s' % (cloud, to_native(exc)))
        return found

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache)
        self._read_config_data(path)
        cache_key = self.get_cache_key(path)
        use_cache = self.get_option('cache') and cache
        update_cache = self.get_option('cache') and not cache
        found = None
        if use_cache:
            try:
                found = self._cache[cache_key]
            except KeyError:
                update_cache = True
        if found is None:
            found = self._fetch()
        if update_cache:
            self._cache[cache_key] = found
        self._populate(found)

    def _populate(self, found):
        patch_group = self.get_option('patch_group')
        strict = self.get_option('strict')
        seen = {}
        for cloud in ('oracle', 'otc', 'clc'):
            for name, variables in found.get(cloud, []):
                host = name
                if host in seen:
                    host = '%s_%s' % (cloud, name)
                    display.warning('dbops.patching.instances: %s is both a %s and a %s host; the %s one is named %s.'
                                    % (name, seen[name], cloud, cloud, host))
                seen[host] = cloud
                groups = ['dbops_%s' % cloud]
                if cloud == 'oracle':
                    groups.append('dbops_oracle_%s' % variables['safe_patch_service_type'].lower())
                if cloud == 'otc' and variables.get('dbops_engine'):
                    groups.append(self._sanitize_group_name('dbops_otc_%s' % variables['dbops_engine'].lower()))
                if cloud in ('oracle', 'otc') and patch_group:
                    groups.append(patch_group)
                for group in groups:
                    self.inventory.add_group(group)
                self.inventory.add_host(host, group=groups[0])
                for group in groups[1:]:
                    self.inventory.add_child(group, host)
                for key, value in variables.items():
                    self.inventory.set_variable(host, key, value)
                self._set_composite_vars(self.get_option('compose'), variables, host, strict=strict)
                self._add_host_to_composed_groups(self.get_option('groups'), variables, host, strict=strict)
                self._add_host_to_keyed_groups(self.get_option('keyed_groups'), variables, host, strict=strict)
