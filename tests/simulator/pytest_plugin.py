# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""pytest fixtures for your own tests (registered by ``pip install dbops-patching-simulator``):

``dbops_simulator``
    One simulator for the test session (loopback, a free port, simulated time 1:1 unless
    ``--dbops-simulator-time-scale`` says otherwise), reset to its seeds before each test that uses
    it. It has ``base_url``, ``environment`` (the modules' environment variables),
    ``integration_config`` (the ansible-test variables), ``seed(path_or_sections)``, ``admin(path,
    body)`` and ``requests(method, path_regex)`` (how many requests it answered).
``dbops_simulator_env``
    The same simulator, with the environment variables set for the test (``monkeypatch``): a
    playbook run with ``subprocess`` in the test talks to it without further settings.
"""

import json
import urllib.request

import pytest

from . import connection, seeding
from .server import Simulator


class RunningSimulator(object):
    """A started simulator and the ways a test talks to it."""

    def __init__(self, sim):
        self.sim = sim
        self.base_url = sim.base_url
        self.environment = connection.environment(sim.base_url, sim.ca_path)
        self.integration_config = connection.variables(sim.base_url, sim.ca_path)

    def admin(self, path, body=None, method='POST'):
        """Call the admin API (``/__admin__/<path>``); answers its JSON document."""
        data = None if body is None and method == 'GET' else json.dumps(body or {}).encode('utf-8')
        request = urllib.request.Request('%s/__admin__/%s' % (self.base_url, path), data=data, method=method,
                                         headers={'Content-Type': 'application/json'})
        with urllib.request.urlopen(request, timeout=30) as answer:  # nosec: the simulator on loopback
            return json.loads(answer.read().decode('utf-8'))

    def reset(self, **body):
        return self.admin('reset', body)

    def seed(self, seeds):
        """Add seeds (a file path, or ``{section: [...]}``) that also survive later resets."""
        self.sim.state.add_seeds(seeding.load(seeds) if isinstance(seeds, str) else seeds)

    def requests(self, method=None, path=None):
        """How many requests of that method whose path matches the regular expression it answered."""
        query = '&'.join('%s=%s' % (k, urllib.request.quote(v)) for k, v in (('method', method), ('path', path)) if v)
        return self.admin('requests' + ('?' + query if query else ''), method='GET')['count']


def pytest_addoption(parser):
    parser.addoption('--dbops-simulator-time-scale', type=float, default=1.0,
                     help='simulated seconds per real second of the dbops_simulator fixture (default 1)')


@pytest.fixture(scope='session')
def _dbops_simulator_session(request):
    sim = Simulator(time_scale=request.config.getoption('--dbops-simulator-time-scale')).start()
    yield RunningSimulator(sim)
    sim.stop()


@pytest.fixture
def dbops_simulator(_dbops_simulator_session):
    """The session's simulator, reset to its seeds (requests, faults and config cleared)."""
    _dbops_simulator_session.sim.state.extra_seeds = []
    _dbops_simulator_session.reset()
    return _dbops_simulator_session


@pytest.fixture
def dbops_simulator_env(dbops_simulator, monkeypatch):
    """The simulator, with the modules' environment variables pointing at it for this test."""
    for name, value in dbops_simulator.environment.items():
        monkeypatch.setenv(name, value)
    return dbops_simulator
