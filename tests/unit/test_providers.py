# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The checklist of a cloud, held against the provider registry (module_utils/_providers.py):
every cloud, the test-only fourth one included, has each piece below, and the static texts
Ansible and AWX need (meta/runtime.yml, doc fragments, credential types, the inventory's
fragments, the docsite's table of contents) say what the registry says.

docs/ADDING-A-CLOUD.md is written from CHECKLIST: a new cloud is its own files plus the
shared edits marked here."""

import ast
import importlib
import os

import pytest
import yaml

from ansible_collections.dbops.patching.plugins.module_utils import _http, _providers
from ansible_collections.dbops.patching.tests.simulator.clouds import CLOUDS
from ansible_collections.dbops.patching.tests.unit.fourth_cloud import _acme

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))


def path(provider, relative):
    return os.path.join(ROOT, provider.root, relative)


def read(provider, relative):
    with open(path(provider, relative), encoding='utf-8') as handle:
        return handle.read()


def fragment(provider, variable):
    """The YAML of a doc fragment variable of the cloud's doc fragment file, or None."""
    tree = ast.parse(read(provider, 'plugins/doc_fragments/%s.py' % provider.name))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and [getattr(t, 'id', None) for t in node.targets] == [variable]:
            return yaml.safe_load(node.value.value)
    return None


def module_doc(provider, module):
    tree = ast.parse(read(provider, 'plugins/modules/%s.py' % module))
    for node in tree.body:
        if isinstance(node, ast.Assign) and [getattr(t, 'id', None) for t in node.targets] == ['DOCUMENTATION']:
            return yaml.safe_load(node.value.value)
    return None


# -- the checks: each returns what is missing or wrong (an empty list when the piece is there) --

def group_entry(provider):
    groups = yaml.safe_load(read(provider, 'meta/runtime.yml')).get('action_groups', {})
    if sorted(groups.get(provider.name, [])) != sorted(provider.modules):
        return ['meta/runtime.yml action group %s lists %s, the registry %s'
                % (provider.name, sorted(groups.get(provider.name, [])), sorted(provider.modules))]
    return []


def doc_fragment(provider):
    documented = (fragment(provider, 'DOCUMENTATION') or {}).get('options', {})
    action_group = fragment(provider, 'ACTION_GROUP') or {}
    problems = []
    if set(documented) != set(provider.connection_options()):
        problems.append('its DOCUMENTATION fragment documents %s, the argument spec has %s'
                        % (sorted(documented), sorted(provider.connection_options())))
    membership = action_group.get('attributes', {}).get('action_group', {}).get('membership', [])
    if membership != ['dbops.patching.%s' % provider.name]:
        problems.append('its ACTION_GROUP fragment names %s' % membership)
    return problems


def modules_use_the_fragments(provider):
    problems = []
    for module in provider.modules:
        if not os.path.exists(path(provider, 'plugins/modules/%s.py' % module)):
            continue  # a test-only cloud's modules live in its test
        fragments = module_doc(provider, module).get('extends_documentation_fragment', [])
        for needed in ('dbops.patching.%s' % provider.name, 'dbops.patching.%s.action_group' % provider.name):
            if needed not in fragments:
                problems.append('%s does not extend %s' % (module, needed))
    return problems


def action_plugins(provider):
    return ['no plugins/action/%s.py for the waiting module %s' % (module, module)
            for module in provider.waiting if not os.path.exists(path(provider, 'plugins/action/%s.py' % module))]


def credential_type(provider):
    credential = yaml.safe_load(read(provider, 'docs/awx/credential_types/%s' % provider.credential_type))
    injected = credential['injectors']['env']
    environment = provider.environment()
    fields = dict((field['id'], field) for field in credential['inputs']['fields'])
    problems = []
    if set(injected) != set(environment.values()):
        problems.append('the credential type injects %s, the modules read %s' % (sorted(injected), sorted(environment.values())))
    spec = provider.argument_spec()
    for option, env in environment.items():
        if injected.get(env) != '{{ %s }}' % option or option not in fields:
            problems.append('the credential type does not inject %s from the field %s' % (env, option))
        elif bool(fields[option].get('secret')) != bool(spec[option].get('no_log')):
            problems.append('the credential type field %s is secret=%s, the option no_log=%s'
                            % (option, fields[option].get('secret'), spec[option].get('no_log')))
    return problems


def inventory_lister(provider):
    """The inventory plugin lists the cloud: a lister, and the cloud's INVENTORY fragment documents its
    options as <cloud>_<option>, with the modules' environment variables."""
    if provider.inventory is None:
        return ['no inventory lister']
    documented = (fragment(provider, 'INVENTORY') or {}).get('options', {})
    expected = {}
    for option, spec in provider.connection_options().items():
        env = provider.environment().get(option)
        expected['%s_%s' % (provider.name, option)] = (spec.get('type', 'str'), [{'name': env}] if env else None, spec.get('default'))
    for option, spec in provider.inventory.options.items():
        expected['%s_%s' % (provider.name, option)] = (spec.get('type', 'str'), None, spec.get('default'))
    found = dict((name, (doc.get('type', 'str'), doc.get('env'), doc.get('default'))) for name, doc in documented.items())
    return [] if found == expected else ['its INVENTORY fragment documents %s, the registry derives %s' % (found, expected)]


def inventory_entry(provider):
    tree = ast.parse(read(provider, 'plugins/inventory/instances.py'))
    doc = next(yaml.safe_load(node.value.value) for node in tree.body
               if isinstance(node, ast.Assign) and [getattr(t, 'id', None) for t in node.targets] == ['DOCUMENTATION'])
    needed = 'dbops.patching.%s.inventory' % provider.name
    return [] if needed in doc.get('extends_documentation_fragment', []) else ['the inventory plugin does not extend %s' % needed]


def simulator_module(provider):
    if not os.path.exists(path(provider, provider.simulator)):
        return ['no simulator module %s' % provider.simulator]
    text = read(provider, provider.simulator)
    if "name = '%s'" % provider.name not in text:
        return ['%s declares no cloud named %s' % (provider.simulator, provider.name)]
    if provider.shipped and provider.name not in [cloud.name for cloud in CLOUDS]:
        return ['the simulator does not find the cloud of %s' % provider.simulator]
    return []


def fault_rows(provider):
    text = read(provider, provider.fault_matrix)
    return ['%s has no rows for %s' % (provider.fault_matrix, module) for module in provider.writing if module not in text]


def guide_page(provider):
    return [] if os.path.exists(path(provider, provider.guide)) else ['no guide page %s' % provider.guide]


def guide_entry(provider):
    stem = os.path.splitext(os.path.basename(provider.guide))[0]
    extra = yaml.safe_load(read(provider, 'docs/docsite/extra-docs.yml'))
    listed = [entry for section in extra.get('sections', []) for entry in section.get('toctree', [])]
    return [] if stem in listed else ['docs/docsite/extra-docs.yml does not list %s' % stem]


def safe_patch_tasks(provider):
    if provider.safe_patch is None:
        return []
    tasks = 'roles/safe_patch/tasks/%s' % provider.safe_patch.tasks
    if not os.path.exists(path(provider, tasks)):
        return ['no %s' % tasks]
    rolls_back = '.patch_rollback:' in read(provider, tasks)
    if rolls_back != provider.safe_patch.can_roll_back:
        return ['%s %s, the registry says can_roll_back=%s' % (tasks, 'rolls back' if rolls_back else 'rolls nothing back',
                                                               provider.safe_patch.can_roll_back)]
    return []


# (piece, the file a new cloud edits or adds, shared: whether that file is edited by every cloud, check)
CHECKLIST = (
    ('module group entry', 'meta/runtime.yml', True, group_entry),
    ('doc fragment', 'plugins/doc_fragments/<cloud>.py', False, doc_fragment),
    ('modules extend it', 'plugins/modules/<module>.py', False, modules_use_the_fragments),
    ('action plugin of each waiting module', 'plugins/action/<module>.py', False, action_plugins),
    ('AWX credential type', 'docs/awx/credential_types/<credential_type>', False, credential_type),
    ('inventory lister', 'plugins/module_utils/_<cloud>.py, plugins/doc_fragments/<cloud>.py', False, inventory_lister),
    ('inventory fragment entry', 'plugins/inventory/instances.py', True, inventory_entry),
    ('simulator module', 'tests/simulator/<cloud>.py', False, simulator_module),
    ('fault-matrix rows', 'tests/faults/test_fault_matrix.py', False, fault_rows),
    ('guide page', 'docs/docsite/rst/guide_<cloud>.rst', False, guide_page),
    ('guide in the docsite', 'docs/docsite/extra-docs.yml', True, guide_entry),
    ('safe_patch tasks (when it joins the role)', 'roles/safe_patch/tasks/<cloud>.yml', False, safe_patch_tasks),
)

ALL = _providers.providers()


def test_the_registry_finds_every_cloud_and_the_test_only_one():
    names = [p.name for p in ALL]
    assert set(names) >= {'clc', 'oci', 'oracle', 'otc', 'acme'} and names[-1] == 'acme'
    assert _acme.PROVIDER.root == 'tests/unit/fourth_cloud'


@pytest.mark.parametrize('provider', ALL, ids=[p.name for p in ALL])
@pytest.mark.parametrize('piece, where, shared, check', CHECKLIST, ids=[c[0] for c in CHECKLIST])
def test_every_cloud_has_every_piece(provider, piece, where, shared, check):
    assert check(provider) == [], '%s: %s (%s)' % (provider.name, piece, where)


def test_a_new_cloud_edits_at_most_three_shared_files():
    """Counted on the test-only cloud: every piece is its own file, but for these."""
    shared = [where for piece, where, is_shared, check in CHECKLIST if is_shared]
    assert len(shared) <= 3, shared


def test_action_groups_are_the_registry_and_nothing_else():
    with open(os.path.join(ROOT, 'meta', 'runtime.yml')) as handle:
        groups = yaml.safe_load(handle)['action_groups']
    assert sorted(groups) == sorted(p.name for p in ALL if p.shipped)


def test_every_module_belongs_to_one_cloud():
    modules = sorted(name[:-3] for name in os.listdir(os.path.join(ROOT, 'plugins', 'modules')) if name.endswith('.py'))
    owned = sorted(module for p in ALL if p.shipped for module in p.modules)
    assert modules == owned


def test_the_neutral_files_name_no_provider_module():
    """Nothing but the registry's discovery reaches a cloud's module_utils from the neutral parts."""
    for name in ('_http', '_jobs', '_wait', '_runner', '_workflow', '_errors', '_providers'):
        text = importlib.import_module('ansible_collections.dbops.patching.plugins.module_utils.' + name).__file__
        with open(text) as handle:
            source = handle.read()
        for cloud in ALL:
            assert 'module_utils._%s ' % cloud.name not in source and 'import _%s' % cloud.name not in source, (name, cloud.name)


def test_the_user_agent_carries_the_galaxy_version():
    with open(os.path.join(ROOT, 'galaxy.yml')) as handle:
        version = yaml.safe_load(handle)['version']
    assert _http.USER_AGENT == 'dbops.patching/%s' % version
