# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import pytest

from ansible_collections.dbops.patching.tests.unit.utils.harness import ModuleRunner


@pytest.fixture
def runner(monkeypatch):
    """Runs a module against expected HTTP calls with a fake clock."""
    return ModuleRunner(monkeypatch)
