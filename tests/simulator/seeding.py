# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Seeds from a file (``--seed``): either the sections of ``--fixtures`` (``oracle``, ``otc``,
``otc_instances``, ``clc``, ``clc_groups``, ``activities``, ``oci``, ``oci_keys``) in YAML or JSON, or an Ansible YAML
inventory whose hosts become the simulated instances the safe_patch role would patch:

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

from . import oci, oracle

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


def host_seed(name, host_vars):
    """(section, seed) of one inventory host."""
    if host_vars.get('dbops_server_id'):
        return 'clc', dict(id=host_vars['dbops_server_id'], os=host_vars.get('dbops_os', 'linux'),
                           group=host_vars.get('dbops_group_id') or 'va1-osd-0001',
                           patch_duration=float(host_vars.get('simulator_patch_seconds', 60)))
    service_name = host_vars.get('safe_patch_service_name') or name
    cloud = host_vars.get('safe_patch_cloud', 'oracle')
    if cloud == 'otc':
        seed = dict(name=service_name, engine=host_vars.get('simulator_engine') or host_vars.get('dbops_engine') or 'MySQL')
        version = host_vars.get('simulator_current_version') or host_vars.get('dbops_version')
        if version:  # else an older minor version of the engine's newest major (otc_instances.upgradable_version)
            seed['version'] = str(version)
        if 'simulator_patch_seconds' in host_vars:
            seed['upgrade_seconds'] = float(host_vars['simulator_patch_seconds'])
        return 'otc_instances', seed
    if cloud == 'oci':
        return 'oci', oci.inventory_seed(name, host_vars)
    if cloud != 'oracle':
        raise ValueError('host %s: safe_patch_cloud is oracle, otc or oci, got %r' % (name, cloud))
    service_type = host_vars.get('safe_patch_service_type', 'dbaas')
    current = str(host_vars.get('simulator_current_version') or host_vars.get('dbops_version')
                  or oracle.CATALOGUE_DEFAULT_VERSIONS.get(service_type, '19.20.0.0'))
    available = oracle.catalogue_patches(service_type, current)
    patch_id = host_vars.get('safe_patch_patch_id')
    if patch_id and str(patch_id) not in [patch['patchId'] for patch in available]:
        available.append(dict(patchId=str(patch_id), toVersion=str(patch_id), displayName=str(patch_id),
                              patchDescription='Patch %s' % patch_id))
    for patch in available:
        patch.update(duration=float(host_vars.get('simulator_patch_seconds', 300)),
                     fail=bool(host_vars.get('simulator_patch_fails', False)))
    available.sort(key=lambda patch: oracle.version_key(patch['toVersion']))
    return 'oracle', dict(service_type=service_type, name=service_name, current_version=current, available=available, applied=[])
