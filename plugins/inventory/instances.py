# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: instances
short_description: The database instances and servers of every cloud of the collection as hosts
version_added: 1.1.0
author:
  - dbops.patching maintainers (@dbops)
description:
  - Lists the databases (and servers) of each configured cloud, one host each, with the variables the
    P(dbops.patching.safe_patch#role) role and the modules need. The notes below say, cloud by cloud, what is listed
    and which variables a host gets.
  - Every host is in the group C(dbops_<cloud>); hosts of a cloud that P(dbops.patching.safe_patch#role) patches also
    go to O(patch_group), the group C(playbooks/safe_patch.yml) patches by default. O(compose), O(groups) and
    O(keyed_groups) add your own.
  - When two clouds have a host of the same name, the later one is named C(<cloud>_<name>) and a warning says so.
  - The inventory file's name must end with C(dbops.yml), C(dbops.yaml), C(dbops_instances.yml) or
    C(dbops_instances.yaml).
  - "Each cloud's options are its modules' connection options prefixed with the cloud's name (O(oracle_api_url) for
    the modules' C(api_url)), with the same environment variables. They are never shown in messages."
extends_documentation_fragment:
  - constructed
  - inventory_cache
  - dbops.patching.oracle.inventory
  - dbops.patching.otc.inventory
  - dbops.patching.clc.inventory
  - dbops.patching.oci.inventory
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
      - The clouds to list, by name (V(oracle), V(otc), V(clc), V(oci)). By default, every cloud that is configured here or
        through the environment (see each cloud's note).
      - A cloud named here whose settings are missing is an error that names the missing option.
    type: list
    elements: str
  patch_group:
    description: Group of every host that P(dbops.patching.safe_patch#role) patches, the hosts C(playbooks/safe_patch.yml) patches by default.
    type: str
    default: databases
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

from ansible_collections.dbops.patching.plugins.module_utils import _providers
from ansible_collections.dbops.patching.plugins.module_utils._errors import DbopsError

display = Display()

FILE_SUFFIXES = ('dbops.yml', 'dbops.yaml', 'dbops_instances.yml', 'dbops_instances.yaml')


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    """Every cloud of the provider registry (module_utils/_providers) lists its own hosts; this plugin
    only reads each cloud's ``<cloud>_<option>`` options and adds the hosts and their groups."""

    NAME = 'dbops.patching.instances'

    def verify_file(self, path):
        return super(InventoryModule, self).verify_file(path) and path.endswith(FILE_SUFFIXES)

    def _listed(self):
        """The providers that list hosts, by name."""
        return dict((p.name, p) for p in _providers.providers() if p.inventory is not None and p.shipped)

    def _cloud_option(self, provider, option):
        return self.get_option('%s_%s' % (provider.name, option))

    def _clouds(self):
        listed = self._listed()
        clouds = self.get_option('clouds')

        def configured(name):
            return any(self._cloud_option(listed[name], option) for option in listed[name].inventory.configured_by)

        def settings(name):
            """'oracle_identity_domain (or ORACLE_PAAS_IDENTITY_DOMAIN)': the options that configure a cloud."""
            options = listed[name].inventory.configured_by
            named = ['%s_%s' % (name, option) for option in options]
            text = ' or '.join([', '.join(named[:-1]), named[-1]]) if len(named) > 1 else named[0]
            env = [listed[name].environment()[option] for option in options if option in listed[name].environment()]
            return text + (' (or %s)' % ', '.join(env) if env else '')

        if clouds is None:
            clouds = [name for name in listed if configured(name)]
            if not clouds:
                raise AnsibleParserError('dbops.patching.instances: no cloud is configured: set clouds, and %s.'
                                         % '; or '.join(settings(name) for name in listed))
        for cloud in clouds:
            if cloud not in listed:
                raise AnsibleParserError('dbops.patching.instances: clouds includes %s, which is none of %s.' % (cloud, ', '.join(listed)))
            if not configured(cloud):
                raise AnsibleParserError('dbops.patching.instances: clouds includes %s, but %s is not set.' % (cloud, settings(cloud)))
        return clouds

    def _list(self, provider):
        params = dict((option, self._cloud_option(provider, option)) for option in provider.connection_options())
        params.update((option, self.get_option(option)) for option in _providers.COMMON_OPTIONS)
        missing = [option for option, spec in provider.connection_options().items() if spec.get('required') and not params[option]]
        if missing:
            raise AnsibleParserError('dbops.patching.instances: listing %s needs %s.'
                                     % (provider.name, ', '.join('%s_%s' % (provider.name, option) for option in missing)))
        options = dict((option, self._cloud_option(provider, option)) for option in provider.inventory.options)
        return provider.inventory.list_hosts(params, options, display.warning)

    def _fetch(self):
        """{cloud: [[name, variables], ...]} of every configured cloud."""
        found = {}
        listed = self._listed()
        for cloud in self._clouds():
            try:
                found[cloud] = [[name, variables] for name, variables in self._list(listed[cloud])]
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
        for provider in self._listed().values():
            cloud = provider.name
            for name, variables in found.get(cloud, []):
                host = name
                if host in seen:
                    host = '%s_%s' % (cloud, name)
                    display.warning('dbops.patching.instances: %s is both a %s and a %s host; the %s one is named %s.'
                                    % (name, seen[name], cloud, cloud, host))
                seen[host] = cloud
                groups = ['dbops_%s' % cloud] + [self._sanitize_group_name(group) for group in provider.inventory.groups(variables)]
                if provider.safe_patch is not None and patch_group:
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
