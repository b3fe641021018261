# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The AWX credential types in docs/awx/credential_types inject exactly the environment
variables the modules of their provider read (env_fallback), no more and no fewer, and
mark every secret input secret."""

import os

import pytest
import yaml

from ansible_collections.dbops.patching.plugins.module_utils import _clc, _oracle, _otc

TYPES = os.path.join(os.path.dirname(__file__), '..', '..', 'docs', 'awx', 'credential_types')
PROVIDERS = [('oracle_paas.yml', _oracle.oracle_argument_spec), ('otc.yml', _otc.otc_argument_spec), ('clc.yml', _clc.clc_argument_spec)]


def env_names(spec):
    return dict((name, option['fallback'][1][0]) for name, option in spec.items() if option.get('fallback'))


@pytest.mark.parametrize('filename, argument_spec', PROVIDERS, ids=[p[0] for p in PROVIDERS])
def test_injectors_match_the_env_fallbacks_both_ways(filename, argument_spec):
    with open(os.path.join(TYPES, filename)) as handle:
        credential_type = yaml.safe_load(handle)
    injected = credential_type['injectors']['env']
    spec = argument_spec()
    assert set(injected) == set(env_names(spec).values()), 'every env var the modules read, and only those'
    fields = dict((field['id'], field) for field in credential_type['inputs']['fields'])
    for option, env in env_names(spec).items():
        assert injected[env] == '{{ %s }}' % option and option in fields, (filename, option)
        assert bool(fields[option].get('secret')) == bool(spec[option].get('no_log')), (filename, option, 'secret')
