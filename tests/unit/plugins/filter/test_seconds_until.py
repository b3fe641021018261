# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.dbops.patching.plugins.filter.seconds_until import FilterModule, seconds_until

NOW = 1795824000.0  # 2026-11-28T00:00:00Z


@pytest.mark.parametrize('value, seconds', [
    ('2026-11-28T06:00:00Z', 21600), ('2026-11-28T07:00:00+01:00', 21600), ('2026-11-28 06:00', 21600),
    ('2026-11-27T23:00:00z', -3600), ('2026-11-28T00:00:30.5-0000', 30),
])
def test_seconds_until(value, seconds):
    assert seconds_until(value, now=NOW) == seconds
    assert FilterModule().filters()['seconds_until'] is seconds_until


@pytest.mark.parametrize('value', ['tomorrow', '2026-13-01T00:00:00Z', '', None])
def test_bad_times_are_named(value):
    with pytest.raises(AnsibleFilterError, match='seconds_until'):
        seconds_until(value, now=NOW)
