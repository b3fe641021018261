# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The inventory plugin lists OTC with openstack.cloud's auth dict (otc_auth, otc_auth_type, ...)."""

from ansible_collections.dbops.patching.tests.unit.plugins.inventory.test_instances import (  # noqa: F401 pylint: disable=unused-import
    clean,
    group_hosts,
    option_definitions,
    parse,
    sim,
)


def test_otc_is_listed_with_the_auth_dict_of_openstack_cloud(clean, tmp_path):
    clean.state.seed('otc/instances', {'name': 'os-rds01', 'engine': 'MySQL', 'version': '8.0.21'})
    config = dict(plugin='dbops.patching.instances', clouds=['otc'], otc_rds_url=clean.base_url, otc_auth_type='password',
                  otc_interface='public',
                  otc_auth=dict(auth_url=clean.base_url + '/v3', username='otcuser', password='otcpassword', project_name='eu-de',
                                user_domain_name='OTC-EU-DE-00000000001000000001'))
    inventory = parse(tmp_path, config)
    assert group_hosts(inventory, 'dbops_otc') == ['os-rds01']
