# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""How a client reaches a simulator at a base URL: the environment variables the collection's
modules fall back to, and the variables of an ansible-test ``integration_config.yml``. Each
cloud declares its own (``environment`` and ``variables`` of its class); this file only joins them."""

import shlex

from .clouds import CLOUDS


def variables(base_url, ca_path=None, clouds=CLOUDS):
    """{name: value} of the integration_config.yml variables (the ones the collection's own targets use)."""
    values = dict(simulator_url=base_url)
    for cloud in clouds:
        values.update(cloud.variables(base_url))
    if ca_path:
        values['simulator_ca_path'] = ca_path
    return values


def environment(base_url, ca_path=None, clouds=CLOUDS):
    """{name: value} of the environment variables the modules and the inventory plugin fall back to."""
    env = {}
    for cloud in clouds:
        env.update(cloud.environment(base_url, ca_path))
    return env


def shell_exports(base_url, ca_path=None):
    """``export NAME=value`` lines for a POSIX shell (``eval "$(...)"`` or ``source FILE``)."""
    return ''.join('export %s=%s\n' % (name, shlex.quote(value)) for name, value in sorted(environment(base_url, ca_path).items()))


def integration_config(base_url, ca_path=None):
    """The text of an ansible-test ``tests/integration/integration_config.yml`` (YAML; every value a quoted string)."""
    return '---\n' + ''.join('%s: "%s"\n' % (name, value.replace('\\', '\\\\').replace('"', '\\"'))
                             for name, value in variables(base_url, ca_path).items())
