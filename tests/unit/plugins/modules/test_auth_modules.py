# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from ansible_collections.dbops.patching.plugins.modules import clc_auth, otc_auth
from ansible_collections.dbops.patching.tests.unit.utils.harness import Call

PROJECT = '0483b6b16e954cb88930a360d2c4e663'
IAM = 'https://iam.eu-de.otc.t-systems.com/v3/auth/tokens'


def test_otc_auth_logs_in_once_and_returns_the_token_and_the_endpoints(runner):
    result = runner.success(otc_auth.main, dict(username='otcuser', password='pw', domain_name='D', project_name='eu-de_x'), [
        Call('POST', IAM, status=201, headers={'X-Subject-Token': 'tok-1'}, json_body={'token': {'project': {'id': PROJECT}}},
             expect_json={'auth': {'identity': {'methods': ['password'], 'password': {'user': {
                 'name': 'otcuser', 'password': 'pw', 'domain': {'name': 'D'}}}}, 'scope': {'project': {'name': 'eu-de_x'}}}}),
    ])
    assert result == dict(changed=False, auth_token='tok-1', project_id=PROJECT, region='eu-de', warnings=[],
                          auth_url='https://iam.eu-de.otc.t-systems.com/v3', rds_url='https://rds.eu-de.otc.t-systems.com')


def test_otc_auth_with_a_token_given_makes_no_request(runner):
    result = runner.success(otc_auth.main, dict(auth_token='given', project_id=PROJECT), [], check_mode=True)
    assert result['auth_token'] == 'given' and result['project_id'] == PROJECT


def test_otc_auth_refused_login_fails_without_the_password(runner):
    result = runner.failure(otc_auth.main, dict(username='otcuser', password='s3cret-pw', project_id=PROJECT), [
        Call('POST', IAM, status=401, json_body={'error': {'code': 401, 'message': 'The password s3cret-pw is wrong'}}),
    ])
    assert result['msg'].startswith('OTC IAM login failed') and 's3cret-pw' not in repr(result)


def test_clc_auth_returns_the_token_and_the_alias(runner):
    result = runner.success(clc_auth.main, dict(username='ctluser', password='pw'), [
        Call('POST', 'https://api.ctl.io/v2/authentication/login', expect_json={'username': 'ctluser', 'password': 'pw'},
             json_body={'userName': 'ctluser', 'accountAlias': 'OSD', 'bearerToken': 'bt-1'}),
    ])
    assert (result['token'], result['account_alias'], result['changed']) == ('bt-1', 'OSD', False)


def test_clc_auth_needs_credentials(runner):
    result = runner.failure(clc_auth.main, dict(), [])
    assert result['msg'].startswith('CTL needs either token, or username and password')
