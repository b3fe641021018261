# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""rds_upgrade and rds_job_info against the simulator with the options a module_defaults block written for
openstack.cloud holds: the auth dict, auth_type, region_name, interface (issue 28, item 2)."""

import json

from ansible_collections.dbops.patching.plugins.modules import rds_job_info, rds_upgrade
from ansible_collections.dbops.patching.tests.simulator.client import PROJECT

PASSWORD = 'otcpassword'


def openstack_args(api, **extra):
    """What group/openstack.cloud.openstack gets in module_defaults, plus the simulator's RDS endpoint."""
    return dict(dict(auth=dict(auth_url=api.url + '/v3', username='otcuser', password=PASSWORD, project_name='eu-de',
                               user_domain_name='OTC-EU-DE-00000000001000000001'),
                     auth_type='password', region_name='eu-de', interface='public', validate_certs=True,
                     rds_url=api.url, poll_interval=1, wait_timeout=60), **extra)


def test_rds_upgrade_and_rds_job_info_with_openstack_cloud_options(live, api):
    api.admin('otc/instances', dict(name='os-conv-rds', version='8.0.21', upgrade_seconds=30))
    result, failed = live.run(rds_upgrade.main, openstack_args(api, instance_name='os-conv-rds'))
    assert not failed, result['msg']
    assert result['changed'] is True and result['job']['state'] == 'succeeded' and result['version_after'] == '8.0.28'
    logins = api.admin('requests', method='GET', params={'method': 'POST', 'path': 'auth/tokens$'})
    assert logins['accepted_count'] >= 1, 'the auth dict logged in to IAM'

    info, failed = live.run(rds_job_info.main, openstack_args(api, job_id=result['job_id'], wait=True))
    assert not failed, info['msg']
    assert info['job']['state'] == 'succeeded' and info['job']['id'] == result['job_id']
    for shown in (result, info):
        text = json.dumps(shown, default=str)
        assert PASSWORD not in text and 'Traceback' not in text
    assert PROJECT in json.dumps(api.admin('requests', method='GET', params={'method': 'GET', 'path': 'tasklist'}))
