# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import pytest

from ansible.utils.vars import isidentifier

from ansible_collections.dbops.patching.plugins.filter.report_key import FilterModule, report_key


@pytest.mark.parametrize('host', ['db01', 'db-01.example.com', '10.0.0.7', 'db_01', 'db 01', 'bäckerei-db', '1st'])
def test_every_host_name_gives_a_variable_name_set_stats_takes(host):
    key = report_key(host)
    assert isidentifier(key) and key.startswith('safe_patch_row_')


def test_names_that_sanitize_alike_stay_apart():
    keys = [report_key(host) for host in ('db-1', 'db_1', 'db.1', 'db 1')]
    assert len(set(keys)) == 4
    assert report_key('db-1') == report_key('db-1'), 'the same host always gets the same key'


def test_the_filter_is_registered():
    assert FilterModule().filters()['report_key'] is report_key
