# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Seeds from a file (``--seed``): either the sections of ``--fixtures`` (``oracle``, ``otc``,
``otc_instances``, ``clc``, ``clc_groups``, ``activities``, ``oci``, ``oci_keys``) in YAML or JSON, or an Ansible YAML
inventory whose hosts become the simulated instances the safe_patch role would patch. A host is of the cloud
its ``dbops_cloud`` names (the inventory plugin's), a CTL server when it has a ``dbops_server_id``, else of its
``safe_patch_cloud`` (the role's, default oracle); that cloud's class makes its seed (``host_seed``):

- ``safe_patch_cloud: oracle`` (the default): an Oracle PaaS instance named
  ``safe_patch_service_name`` of ``safe_patch_service_type``, offering the patches Oracle publishes for its
  version (``oracle.CATALOGUE``: every one newer than its current version), ``safe_patch_patch_id`` among them;
- ``safe_patch_cloud: otc``: an RDS instance named ``safe_patch_service_name`` (engine ``dbops_engine``, else
  MySQL), on an older minor version than the newest one of its major unless the inventory names one;
- ``safe_patch_cloud: oci``: an OCI DB system (``safe_patch_db_system_id``) with one DB home
  (``safe_patch_db_home_id``) and the patch ``safe_patch_patch_id`` (oci.py ``inventory_seed``);
- a host with ``dbops_server_id`` (as the ``dbops.patching.instances`` inventory plugin sets for
  CenturyLink Cloud): a CTL server of that id (``dbops_os``, ``dbops_group_id``).

A CTL server gets a few operating-system patches for its ``dbops_os`` to run (clc.py ``DEFAULT_PATCHES``).

Optional host variables shape the simulated instance: ``simulator_current_version`` (else ``dbops_version``, as
the inventory plugin sets it, else 19.20.0.0 for dbaas, mysql 5.7.20 for MySQLCS), ``simulator_engine`` (OTC),
``simulator_patch_seconds`` (how long every patch runs, simulated seconds), ``simulator_patch_fails``
(every patch job fails) and ``simulator_seed`` (a dict merged into the seed as given: its ``available``
replaces the catalogue)."""

import json

from .clouds import CLOUDS

FIXTURE_SECTIONS = ('oracle', 'activities', 'otc', 'otc_instances', 'clc', 'clc_groups', 'oci', 'oci_keys')


def load(path):
    """The seeds of a YAML or JSON file, as ``{section: [seed, ...]}``."""
    with open(path, encoding='utf-8') as handle:
        text = handle.read()
    try:
        document = json.loads(text)
    except ValueError:
        try:
            import yaml  # pylint: disable=import-outside-toplevel
        except ImportError:
            raise ValueError('%s is not JSON, and reading YAML needs PyYAML (pip install PyYAML)' % path)
        document = yaml.safe_load(text)
    if not isinstance(document, dict):
        raise ValueError('%s: seeds are a mapping (fixture sections, or an Ansible YAML inventory)' % path)
    if set(document) <= set(FIXTURE_SECTIONS):
        return document
    return from_inventory(document)


def _hosts(group, inherited, found):
    """Walk an Ansible YAML inventory group: every host with its merged variables (group < host)."""
    group = group or {}
    if not isinstance(group, dict):
        raise ValueError('an inventory group is a mapping with hosts, vars and children, got %r' % (group,))
    merged = dict(inherited, **(group.get('vars') or {}))
    for name, host_vars in (group.get('hosts') or {}).items():
        found[name] = {**found.get(name, {}), **merged, **(host_vars or {})}  # the host's own variables win
    for child in (group.get('children') or {}).values():
        _hosts(child, merged, found)
    return found


def from_inventory(inventory):
    """The seeds for the hosts of an Ansible YAML inventory (top-level keys are groups)."""
    hosts = {}
    for group in inventory.values():
        _hosts(group, {}, hosts)
    seeds = dict((section, []) for section in FIXTURE_SECTIONS)
    for name, host_vars in sorted(hosts.items()):
        section, seed = host_seed(name, host_vars)
        seeds[section].append(dict(seed, **(host_vars.get('simulator_seed') or {})))
    return dict((section, items) for section, items in seeds.items() if items)


def cloud_of(host_vars):
    """The simulated cloud an inventory host is of: ``dbops_cloud`` (the inventory plugin's), a CTL
    server by its ``dbops_server_id``, else ``safe_patch_cloud`` (the role's, default oracle)."""
    if host_vars.get('dbops_cloud'):
        return host_vars['dbops_cloud']
    if host_vars.get('dbops_server_id'):
        return 'clc'
    return host_vars.get('safe_patch_cloud', 'oracle')


def host_seed(name, host_vars, clouds=CLOUDS):
    """(section, seed) of one inventory host, from its cloud's ``host_seed``."""
    cloud = cloud_of(host_vars)
    seeders = dict((c.name, c) for c in clouds if hasattr(c, 'host_seed'))
    if cloud not in seeders:
        raise ValueError('host %s: its cloud (dbops_cloud, else safe_patch_cloud) is one of %s, got %r'
                         % (name, ', '.join(sorted(seeders)), cloud))
    return seeders[cloud].host_seed(name, host_vars)
