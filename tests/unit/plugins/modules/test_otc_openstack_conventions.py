# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The OTC modules take what openstack.cloud users write in module_defaults and clouds.yaml: the auth
dict, auth_type, region_name, interface, ca_cert/cacert (issue 28, item 2)."""

import json

import pytest

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dbops.patching.plugins.module_utils import _otc
from ansible_collections.dbops.patching.plugins.module_utils._errors import ConfigurationError
from ansible_collections.dbops.patching.plugins.modules import rds_job_info, rds_upgrade
from ansible_collections.dbops.patching.tests.unit.plugins.modules import test_rds_upgrade as upgrade
from ansible_collections.dbops.patching.tests.unit.plugins.modules.test_rds_job_info import IAM, PROJECT, RDS, job
from ansible_collections.dbops.patching.tests.unit.utils.harness import Call, module_args

PASSWORD = 'os-cl0ud-pa55'
TOKEN = 'gAAAA-os-token'
SECRET = 'app-cred-s3cret'
DOMAIN = 'OTC-EU-DE-00000000001000000001'
OS_VARS = ('OS_CLOUD', 'OS_AUTH_URL', 'OS_REGION_NAME', 'OS_PROJECT_ID', 'OS_PROJECT_NAME', 'OS_USER_DOMAIN_NAME',
           'OS_USERNAME', 'OS_PASSWORD', 'OS_AUTH_TOKEN', 'OTC_RDS_URL', 'OTC_CA_PATH', 'OTC_VALIDATE_CERTS',
           'OS_CLIENT_CONFIG_FILE', 'OS_CLIENT_SECURE_FILE')
PASSWORD_LOGIN = {'auth': {'identity': {'methods': ['password'], 'password': {'user': {
    'name': 'otcuser', 'password': PASSWORD, 'domain': {'name': DOMAIN}}}}, 'scope': {'project': {'name': 'eu-de'}}}}


@pytest.fixture(autouse=True)
def no_environment(monkeypatch, tmp_path):
    for name in OS_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no clouds.yaml of the machine
    monkeypatch.setattr(_otc, 'CLOUDS_YAML_DIRS', ())


@pytest.fixture
def ca_file(tmp_path):
    path = tmp_path / 'otc-ca.pem'
    path.write_text('-----BEGIN CERTIFICATE-----\n')
    return str(path)


def openstack_defaults(ca_file, **auth):
    """A module_defaults block as written for group/openstack.cloud.openstack."""
    return dict(auth=dict(dict(auth_url='https://iam.eu-de.otc.t-systems.com/v3', username='otcuser', password=PASSWORD,
                               project_name='eu-de', user_domain_name=DOMAIN), **auth),
                auth_type='password', region_name='eu-de', interface='public', cacert=ca_file, validate_certs=True)


def login(**kwargs):
    return Call('POST', IAM, status=201, headers={'X-Subject-Token': 'tok-1'},
                json_body={'token': {'project': {'id': PROJECT, 'name': 'eu-de'}}}, **kwargs)


def shown(result):
    text = json.dumps(result, default=str)
    for secret in (PASSWORD, TOKEN, SECRET, 'tok-1'):
        assert secret not in text, 'a secret in the result'
    return result


# -- the done-when: rds_job_info and rds_upgrade run from openstack.cloud's module_defaults ------------

def test_rds_job_info_runs_from_openstack_module_defaults(runner, ca_file):
    result = runner.success(rds_job_info.main, dict(openstack_defaults(ca_file), job_id='j1'), [
        login(expect_json=PASSWORD_LOGIN),
        Call('GET', RDS, json_body=job('j1'), expect_params={'id': 'j1'}, expect_headers={'X-Auth-Token': 'tok-1'}),
    ])
    assert result['job']['state'] == 'running' and not result['warnings']
    assert [call['verify'] for call in runner.session.seen] == [ca_file, ca_file], 'cacert is the CA bundle'
    shown(result)


def test_rds_upgrade_runs_from_openstack_module_defaults(runner, ca_file):
    args = dict(openstack_defaults(ca_file), instance_name='orders', poll_interval=5)
    result = runner.success(rds_upgrade.main, args, [login(expect_json=PASSWORD_LOGIN)] + upgrade.decide() + [
        upgrade.post(expect_headers={'X-Auth-Token': 'tok-1'}), upgrade.job('Completed')] + upgrade.after())
    assert result['changed'] and (result['version_before'], result['version_after']) == ('8.0.21', '8.0.28')
    assert set(call['verify'] for call in runner.session.seen) == set([ca_file])
    shown(result)


def test_the_same_calls_as_the_collections_own_options(runner, ca_file):
    own = dict(auth_url='https://iam.eu-de.otc.t-systems.com/v3', username='otcuser', password=PASSWORD, project_name='eu-de',
               domain_name=DOMAIN, region='eu-de', ca_path=ca_file, job_id='j1')
    calls = [login(expect_json=PASSWORD_LOGIN), Call('GET', RDS, json_body=job('j1'))]
    runner.success(rds_job_info.main, own, calls)
    seen_own = runner.session.seen
    runner.success(rds_job_info.main, dict(openstack_defaults(ca_file), job_id='j1'), calls)
    assert runner.session.seen == seen_own


def test_a_token_auth_type_uses_the_token_without_login(runner):
    args = dict(auth=dict(token=TOKEN, project_id=PROJECT), auth_type='token', region_name='eu-de', job_id='j1')
    result = runner.success(rds_job_info.main, args, [
        Call('GET', RDS, json_body=job('j1'), expect_headers={'X-Auth-Token': TOKEN})])
    shown(result)


def test_an_application_credential_logs_in_scoped_by_itself(runner):
    args = dict(auth=dict(application_credential_id='ac-1', application_credential_secret=SECRET, project_id=PROJECT),
                auth_type='v3applicationcredential', job_id='j1')
    body = {'auth': {'identity': {'methods': ['application_credential'],
                                  'application_credential': {'id': 'ac-1', 'secret': SECRET}}}}
    runner.success(rds_job_info.main, args, [login(expect_json=body), Call('GET', RDS, json_body=job('j1'))])
    refused = runner.failure(rds_job_info.main, args, [
        Call('POST', IAM, status=401, json_body={'error': {'code': 401, 'message': 'The request you have made requires authentication.'}})])
    assert refused['msg'].startswith('OTC IAM login failed with application credential ac-1 (check its id and secret; ')
    assert 'use auth_type password): POST /v3/auth/tokens: HTTP 401' in refused['msg']
    shown(refused)


def test_domain_ids_and_the_project_domain_go_where_keystone_puts_them(runner):
    args = dict(auth=dict(username='otcuser', password=PASSWORD, project_name='eu-de_prod', user_domain_id='d-1',
                          project_domain_name=DOMAIN), job_id='j1')
    body = {'auth': {'identity': {'methods': ['password'], 'password': {'user': {
        'name': 'otcuser', 'password': PASSWORD, 'domain': {'id': 'd-1'}}}},
        'scope': {'project': {'name': 'eu-de_prod', 'domain': {'name': DOMAIN}}}}}
    runner.success(rds_job_info.main, args, [login(expect_json=body), Call('GET', RDS, json_body=job('j1'))])


def test_another_interface_changes_nothing_and_says_so(runner, ca_file):
    args = dict(openstack_defaults(ca_file), interface='internal', job_id='j1')
    result = runner.success(rds_job_info.main, args, [login(expect_json=PASSWORD_LOGIN), Call('GET', RDS, json_body=job('j1'))])
    assert result['warnings'] == ['interface=internal changes nothing here: OTC publishes public endpoints only, and the '
                                  'modules use https://iam.eu-de.otc.t-systems.com/v3 and https://rds.eu-de.otc.t-systems.com '
                                  '(set auth_url and rds_url for others).']


# -- bad combinations: refused before any request, secrets never shown ---------------------------

@pytest.mark.parametrize('change, message', [
    (dict(auth=dict(token=TOKEN)), 'auth.token is given with auth_type password, which takes auth.username and auth.password: '
                                   'set auth_type to the type of the credentials, or leave auth.token out.'),
    (dict(auth_type='token'), 'auth.username is given with auth_type token, which takes auth.token'),
    (dict(auth_type='v3applicationcredential'), 'auth.password is given with auth_type v3applicationcredential'),
    (dict(auth=dict(user_id='u-1')), 'Unsupported parameters for (basic.py) module: auth.user_id.'),
    (dict(project_name='eu-nl'), 'project_name=eu-nl and auth.project_name=eu-de disagree: set one of them.'),
    (dict(password='another'), 'password=(hidden) and auth.password=(hidden) disagree: set one of them.'),
    (dict(domain_name='OTHER'), 'domain_name=OTHER and auth.user_domain_name=%s disagree' % DOMAIN),
    (dict(ca_path='/etc/ssl/other.pem'), 'ca_path=/etc/ssl/other.pem and ca_cert='),
    (dict(auth_type='v3oidcpassword'), 'auth_type'),
    (dict(interface='private'), 'interface'),
])
def test_bad_combinations_fail_clearly(runner, ca_file, change, message):
    args = openstack_defaults(ca_file)
    if 'auth' in change:
        args['auth'] = dict(args['auth'], **change.pop('auth'))
    args.update(change, job_id='j1')
    if args['auth_type'] == 'v3applicationcredential':
        args['auth'].pop('username')
    result = runner.failure(rds_job_info.main, args, [])
    assert message in result['msg'], result['msg']
    shown(result)


@pytest.mark.parametrize('args, message', [
    (dict(auth_type='token', username='u', password=PASSWORD),
     'auth_type token needs a token: auth.token, the auth_token option or OS_AUTH_TOKEN.'),
    (dict(auth_type='v3applicationcredential', auth=dict(application_credential_id='ac-1')),
     'auth_type v3applicationcredential needs auth.application_credential_id and auth.application_credential_secret.'),
])
def test_an_auth_type_without_its_credentials_fails_clearly(runner, args, message):
    result = runner.failure(rds_job_info.main, dict(args, project_id=PROJECT, job_id='j1'), [])
    assert result['msg'] == message
    shown(result)


def test_the_secrets_of_the_auth_dict_are_no_log(ca_file):
    auth = dict(openstack_defaults(ca_file)['auth'], token=TOKEN, application_credential_secret=SECRET)
    args = dict(openstack_defaults(ca_file), auth=auth)
    with module_args(args):
        module = AnsibleModule(argument_spec=_otc.otc_argument_spec())
    assert set([PASSWORD, TOKEN, SECRET]) <= module.no_log_values
    assert not set(['otcuser', 'eu-de', DOMAIN]) & module.no_log_values, 'names and scopes stay readable'
    assert module.params['region'] == 'eu-de' and module.params['ca_cert'] == ca_file


# -- precedence: explicit options > auth > clouds.yaml > OS_* ------------------------------------

def params(**given):
    values = dict((name, None) for name in _otc.otc_argument_spec())
    values.update(validate_certs=True, request_timeout=30)
    values.update(given)
    return values


def test_the_auth_dict_beats_the_environment_and_clouds_yaml(tmp_path):
    (tmp_path / 'clouds.yaml').write_text(json.dumps({'clouds': {'prod': {
        'region_name': 'eu-nl', 'interface': 'internal',
        'auth': {'username': 'from-cloud', 'password': 'p', 'project_name': 'eu-nl_prod', 'user_domain_name': 'D'}}}}))
    environ = {'OS_USERNAME': 'from-env', 'OS_PROJECT_NAME': 'env-project', 'OS_REGION_NAME': 'eu-ch2'}
    given = params(cloud='prod', username='from-env', project_name='env-project', region='eu-ch2',
                   auth=dict(username='from-auth', password=PASSWORD))
    settings = _otc.resolve_settings(given, search_dirs=[str(tmp_path)], environ=environ)
    assert settings['username'] == 'from-auth' and settings['password'] == PASSWORD, 'auth beats the entry and OS_USERNAME'
    assert settings['project_name'] == 'eu-nl_prod' and settings['region'] == 'eu-nl', 'the entry beats OS_*'
    assert settings['interface'] == 'internal' and settings['rds_url'] == 'https://rds.eu-nl.otc.t-systems.com'
    explicit = _otc.resolve_settings(dict(given, project_name='explicit', auth=None), search_dirs=[str(tmp_path)], environ=environ)
    assert explicit['project_name'] == 'explicit' and explicit['username'] == 'from-cloud'


def test_an_auth_type_given_reads_the_entry_by_it(tmp_path):
    (tmp_path / 'clouds.yaml').write_text(json.dumps({'clouds': {'x': {'auth': {'username': 'u', 'password': 'p', 'token': TOKEN}}}}))
    settings = _otc.resolve_settings(params(cloud='x', auth_type='token', project_id=PROJECT), search_dirs=[str(tmp_path)], environ={})
    assert settings['auth_token'] == TOKEN and 'username' not in settings


def test_the_inventory_gets_the_auth_dict_unchecked_and_refuses_what_the_module_would():
    assert 'auth' in _otc.PROVIDER.inventory.configured_by
    with pytest.raises(ConfigurationError) as info:
        _otc.resolve_settings(params(auth='user=me'), search_dirs=(), environ={})
    assert str(info.value).startswith('auth must be a dictionary')
    with pytest.raises(ConfigurationError) as info:
        _otc.resolve_settings(params(auth_type='v3oidcpassword'), search_dirs=(), environ={})
    assert str(info.value) == 'The auth_type v3oidcpassword is not supported; use password, token or v3applicationcredential.'
    with pytest.raises(ConfigurationError) as info:
        _otc.resolve_settings(params(auth={'username': 'u', 'application_credential_name': 'n'}), search_dirs=(), environ={})
    assert 'auth.application_credential_name: not a key' in str(info.value)
