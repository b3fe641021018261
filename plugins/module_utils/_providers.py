# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to the dbops.patching collection. It is not a
# public API: it may change or go away in any release without notice.

"""The registry of clouds. Each cloud declares one ``Provider`` in its own module_utils
file (``PROVIDER = Provider(...)``); the rest of the collection discovers them here
and derives what it needs from them: the inventory plugin's options and hosts, the
AWX credential types, the checklist of files a cloud must have. Where Ansible needs
static text (meta/runtime.yml, DOCUMENTATION, credential-type files), a test holds
that text against the registry (tests/unit/test_providers.py).

Nothing here sends a request; importing a provider's file needs no library beyond
ansible-core (its client imports requests lazily through _http)."""

import importlib
import os

COMMON_OPTIONS = ('validate_certs', 'ca_path', 'request_timeout')
_PACKAGE = 'ansible_collections.dbops.patching.plugins.module_utils'
_EXTRA = []


class Inventory(object):
    """How the inventory plugin lists a cloud.

    ``list_hosts(params, options, warn)`` returns [(host name, variables)], where ``params``
    are the connection options (as a module gets them) and ``options`` the cloud's own
    inventory options (``options``: {name: option spec}, documented in the cloud's doc
    fragment as ``<cloud>_<name>``). The cloud counts as configured when one of
    ``configured_by`` (connection or own options) is set. ``groups(variables)`` names the
    groups of a host beyond ``dbops_<cloud>``."""

    def __init__(self, list_hosts, configured_by, options=None, groups=None):
        self.list_hosts = list_hosts
        self.configured_by = tuple(configured_by)
        self.options = dict(options or {})
        self._groups = groups

    def groups(self, variables):
        return list(self._groups(variables)) if self._groups else []


class SafePatch(object):
    """How the safe_patch role handles a cloud: its tasks file (``roles/safe_patch/tasks/<tasks>``)
    prechecks, applies, waits and verifies; ``can_roll_back`` says whether it rolls a failed
    patch back, or stops the fleet and reports what to do by hand."""

    def __init__(self, tasks, can_roll_back):
        self.tasks = tasks
        self.can_roll_back = can_roll_back


class Provider(object):
    """One cloud: its name (the action group, the inventory's and the role's ``<cloud>``),
    a title, its connection options (``argument_spec()``, every option with its environment
    variable), its modules (``modules``: the members of its action group; ``waiting``: those
    that follow jobs and so have an action plugin for progress; ``writing``: those that start work), its AWX credential type
    (a file of docs/awx/credential_types), its inventory lister, its safe_patch support (or
    None), its simulator module (``simulator``, e.g. tests/simulator/oracle.py) and its guide page
    (``guide``, e.g. docs/docsite/rst/guide_oracle.rst)."""

    def __init__(self, name, title, argument_spec, modules, waiting, writing, credential_type, inventory, safe_patch,
                 simulator, guide, root='', fault_matrix='tests/faults/test_fault_matrix.py'):
        self.name = name
        self.title = title
        self.argument_spec = argument_spec
        self.modules = tuple(modules)
        self.waiting = tuple(waiting)
        self.writing = tuple(writing)  # the modules that start work: each has rows in the fault matrix
        self.credential_type = credential_type
        self.inventory = inventory
        self.safe_patch = safe_patch
        self.simulator = simulator
        self.guide = guide
        # Where its files live, relative to the collection root: '' for the collection's own clouds (a test-only
        # cloud keeps its own copies of the shared files there), and the file of its fault-matrix rows.
        self.root = root
        self.fault_matrix = fault_matrix

    @property
    def shipped(self):
        """Whether it is one of the collection's own clouds (not a test-only one registered from outside)."""
        return not self.root

    def connection_options(self):
        """{option: spec} of its own connection options (the ones every provider shares left out)."""
        return dict((name, spec) for name, spec in self.argument_spec().items() if name not in COMMON_OPTIONS)

    def environment(self):
        """{option: environment variable} of every option that falls back to one."""
        return dict((name, spec['fallback'][1][0]) for name, spec in self.argument_spec().items() if spec.get('fallback'))


def register(provider):
    """Add a cloud that lives outside plugins/module_utils (a test-only cloud)."""
    if provider.name not in [p.name for p in _EXTRA]:
        _EXTRA.append(provider)
    return provider


def providers():
    """Every cloud: the PROVIDER of each module_utils file that declares one, by name, then the registered ones."""
    package = importlib.import_module(_PACKAGE)
    names = sorted(set(entry[:-3] for path in package.__path__ for entry in os.listdir(path)
                       if entry.startswith('_') and entry.endswith('.py') and not entry.startswith('__')))
    found = []
    for name in names:
        if name == '_providers':
            continue
        declared = getattr(importlib.import_module('%s.%s' % (_PACKAGE, name)), 'PROVIDER', None)
        if isinstance(declared, Provider):
            found.append(declared)
    return found + [p for p in _EXTRA if p.name not in [f.name for f in found]]
