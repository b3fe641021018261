# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The simulated clouds, found in this package: a new cloud is one module and nothing else.

A cloud is a class of a module here with ``name``, ``handle`` and ``seeds``. It is built with the
shared State and declares ``name``, ``config`` (its admin config keys and defaults),
``check_config(key, value)``, ``seeds`` (--fixtures section -> method), ``admin_seeds`` (admin
path -> method), ``environment(base_url, ca_path)`` and ``variables(base_url)`` (how the
collection's modules and integration targets reach it), ``host_seed(name, host_vars)`` (the
``(section, seed)`` of an inventory host of the cloud, for ``--seed inventory.yml``), and the methods
``reset()``, ``dump()`` and ``handle(request)`` (a Reply, or None when the path is not the cloud's)."""

import importlib
import os

# Modules of the simulator itself, not clouds (importing them here would be circular).
_NOT_CLOUDS = ('__init__', 'admin', 'cli', 'client', 'clouds', 'common', 'connection', 'faults', 'pytest_plugin', 'run',
               'seeding', 'server', 'tls')


def _is_cloud(value):
    return isinstance(value, type) and all(hasattr(value, attribute) for attribute in ('name', 'handle', 'seeds', 'environment'))


def discover():
    """Every cloud class of this package's modules, by module name."""
    here = os.path.dirname(os.path.abspath(__file__))
    found = []
    for name in sorted(entry[:-3] for entry in os.listdir(here) if entry.endswith('.py')):
        if name in _NOT_CLOUDS:
            continue
        module = importlib.import_module('.' + name, __package__)
        found.extend(value for value in vars(module).values() if _is_cloud(value) and value.__module__ == module.__name__)
    return tuple(found)


CLOUDS = discover()
