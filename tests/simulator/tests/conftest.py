# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures of the simulator's own tests: one in-process simulator for the session,
reset before every test, and a client of it."""

import pytest

from ..client import Api
from ..common import fixture
from ..server import Simulator


@pytest.fixture(scope='session')
def simulator():
    sim = Simulator(time_scale=1.0).start()
    yield sim
    sim.stop()


@pytest.fixture
def api(simulator):
    client = Api(simulator.base_url)
    client.admin('reset', {'time_scale': 1.0})
    yield client
    client.session.close()


@pytest.fixture
def page_body():
    """The text of a fixture file (a body from an api-docs page)."""
    return fixture
