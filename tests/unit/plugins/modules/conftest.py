# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import pytest


@pytest.fixture
def no_oci_config(tmp_path, monkeypatch):
    """No ~/.oci/config of the machine running the tests: every value comes from the options."""
    monkeypatch.setenv('HOME', str(tmp_path))
    for name in ('OCI_CONFIG_FILE', 'OCI_CONFIG_PROFILE', 'OCI_REGION', 'OCI_DATABASE_ENDPOINT', 'OCI_WORK_REQUESTS_ENDPOINT'):
        monkeypatch.delenv(name, raising=False)
