# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The fault matrix runs the real modules, in process, over real HTTP against the
simulator with faults injected: one simulator for the session, reset per test."""

import pytest

from ansible.module_utils import basic

from ansible_collections.dbops.patching.tests.simulator.client import Api
from ansible_collections.dbops.patching.tests.simulator.server import Simulator
from ansible_collections.dbops.patching.tests.unit.utils.harness import ModuleExit, module_args

# Fast enough that a job of 30 simulated seconds ends in a tenth of a real one.
TIME_SCALE = 600


@pytest.fixture(scope='session')
def simulator():
    sim = Simulator(time_scale=TIME_SCALE).start()
    yield sim
    sim.stop()


@pytest.fixture
def api(simulator):
    client = Api(simulator.base_url)
    client.admin('reset', {'time_scale': TIME_SCALE})
    yield client
    client.session.close()


class Live(object):
    """Runs a module's main() against the simulator; returns (result, failed)."""

    def __init__(self, monkeypatch, api):
        self.api = api
        self.warnings = []

        def exit_json(module, **kwargs):
            raise ModuleExit(dict(kwargs, warnings=list(self.warnings)), failed=False)

        def fail_json(module, msg, **kwargs):
            raise ModuleExit(dict(kwargs, msg=msg, failed=True, warnings=list(self.warnings)), failed=True)

        monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
        monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)
        monkeypatch.setattr(basic.AnsibleModule, 'warn', lambda module, warning: self.warnings.append(warning))

    def run(self, main, args):
        del self.warnings[:]
        with module_args(args):
            with pytest.raises(ModuleExit) as info:
                main()
        return info.value.result, info.value.failed


@pytest.fixture
def live(monkeypatch, api):
    return Live(monkeypatch, api)
