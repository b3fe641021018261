# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from ansible_collections.dbops.patching.plugins.module_utils import _otc
from ansible_collections.dbops.patching.plugins.modules import rds_job_info
from ansible_collections.dbops.patching.tests.unit.utils.harness import Call

PROJECT = '0483b6b16e954cb88930a360d2c4e663'
IAM = 'https://iam.eu-de.otc.t-systems.com/v3/auth/tokens'
RDS = 'https://rds.eu-de.otc.t-systems.com/v3/%s/jobs' % PROJECT
PASSWORD = 'otc-pa55word'
ARGS = dict(username='otcuser', password=PASSWORD, domain_name='OTC-EU-DE-1', project_id=PROJECT)
USER = {'name': 'otcuser', 'password': PASSWORD, 'domain': {'name': 'OTC-EU-DE-1'}}
LOGIN = {'auth': {'identity': {'methods': ['password'], 'password': {'user': USER}}, 'scope': {'project': {'id': PROJECT}}}}


def login(token='tok-1', **kwargs):
    return Call('POST', IAM, status=201, headers={'X-Subject-Token': token},
                json_body={'token': {'project': {'id': PROJECT, 'name': 'eu-de'}}}, **kwargs)


def job(job_id, status='Running', process='40%', **extra):
    body = dict(id=job_id, name='UpgradeMysqlMinorVersion', status=status, created='2026-11-24T10:00:00+0000', process=process,
                instance={'id': 'i-1', 'name': 'rds-1'}, entities={})
    body.update(extra)
    return {'job': body}


def test_login_then_job_with_the_token(runner):
    result = runner.success(rds_job_info.main, dict(ARGS, job_id='j1'), [
        login(expect_json=LOGIN),
        Call('GET', RDS, json_body=job('j1'), expect_params={'id': 'j1'}, expect_headers={'X-Auth-Token': 'tok-1'}),
    ])
    assert result['job']['state'] == 'running' and result['job']['progress'] == 40
    assert result['job']['instance'] == {'id': 'i-1', 'name': 'rds-1'}
    assert PASSWORD not in repr(result) and 'tok-1' not in repr(result)


def test_project_name_scope_and_project_id_from_the_login(runner):
    args = dict(ARGS, project_id=None, project_name='eu-de', job_id='j1', region='eu-de')
    expected = {'auth': dict(LOGIN['auth'], scope={'project': {'name': 'eu-de'}})}
    result = runner.success(rds_job_info.main, args, [login(expect_json=expected), Call('GET', RDS, json_body=job('j1'))])
    assert result['exists']


def test_auth_token_skips_the_login_and_endpoint_override(runner):
    args = dict(auth_token='given-token', project_id=PROJECT, rds_url='https://rds.eu-ch2.sc.otc.t-systems.com', job_id='j1')
    result = runner.success(rds_job_info.main, args, [
        Call('GET', 'https://rds.eu-ch2.sc.otc.t-systems.com/v3/%s/jobs' % PROJECT, json_body=job('j1', 'Completed', ''),
             expect_headers={'X-Auth-Token': 'given-token'}),
    ])
    assert result['job']['state'] == 'succeeded' and 'given-token' not in repr(result)


def test_expired_token_logs_in_again_once(runner):
    result = runner.success(rds_job_info.main, dict(ARGS, job_id='j1'), [
        login('tok-1'),
        Call('GET', RDS, status=401, json_body={'error_code': 'APIGW.0301', 'error_msg': 'token expired'}),
        login('tok-2'),
        Call('GET', RDS, json_body=job('j1'), expect_headers={'X-Auth-Token': 'tok-2'}),
    ])
    assert result['job']['id'] == 'j1'


def test_refused_login_is_an_auth_error_without_the_password(runner):
    result = runner.failure(rds_job_info.main, dict(ARGS, job_id='j1'), [
        Call('POST', IAM, status=401, json_body={'error': {'code': 401, 'message': 'The username or password is wrong.'}}),
    ])
    assert result['msg'].startswith('OTC IAM login failed: POST /v3/auth/tokens: HTTP 401')
    assert PASSWORD not in repr(result)


def test_missing_credentials_fail_clearly(runner):
    result = runner.failure(rds_job_info.main, dict(job_id='j1', project_id=PROJECT), [])
    assert 'auth_token, or username and password' in result['msg']


def test_job_not_found_is_data_without_wait(runner):
    result = runner.success(rds_job_info.main, dict(ARGS, job_id='nope'), [
        login(), Call('GET', RDS, status=400, json_body={'error_code': 'DBS.200543', 'error_msg': 'The job does not exist.'}),
    ])
    assert result['exists'] is False and result['job'] is None


def test_fresh_job_is_tolerated_while_waiting(runner):
    result = runner.success(rds_job_info.main, dict(ARGS, job_id='j1', wait=True, poll_interval=2), [
        login(),
        Call('GET', RDS, status=400, json_body={'error_code': 'DBS.200543', 'error_msg': 'The job does not exist.'}),
        Call('GET', RDS, status=429, headers={'Retry-After': '3'}, json_body={'error_code': 'DBS.280001', 'error_msg': 'Too many'}),
        Call('GET', RDS, json_body=job('j1')),
        Call('GET', RDS, json_body=job('j1', 'Failed', '', fail_reason='upgrade failed')),
    ])
    assert result['job']['state'] == 'failed' and result['job']['fail_reason'] == 'upgrade failed'
    assert 3.0 in runner.clock.sleeps, 'the 429 Retry-After was honoured'


def test_a_job_that_never_appears_fails_after_the_grace(runner):
    calls = [login()] + [Call('GET', RDS, status=400, json_body={'error_code': 'DBS.200543', 'error_msg': 'gone'}) for dummy in range(4)]
    result = runner.failure(rds_job_info.main, dict(ARGS, job_id='j1', wait=True, poll_interval=10), calls)
    assert result['msg'] == 'Job j1 does not exist (still not found 30 seconds after the wait started).'


def test_other_errors_are_not_swallowed(runner):
    result = runner.failure(rds_job_info.main, dict(ARGS, job_id='j1'), [
        login(), Call('GET', RDS, status=400, json_body={'error_code': 'DBS.200053', 'error_msg': 'bad id'}),
    ])
    assert 'DBS.200053: bad id' in result['msg']


def test_twenty_jobs_at_once(runner):
    ids = ['job-%02d' % n for n in range(20)]
    calls = [login()] + [Call('GET', RDS, json_body=job(i, 'Completed', '')) for i in ids]
    result = runner.success(rds_job_info.main, dict(ARGS, job_ids=ids, wait=True), calls, any_order=True)
    assert result['summary']['succeeded'] == 20 and [j['id'] for j in result['jobs']] == ids


def test_timeout_returns_the_last_jobs(runner):
    calls = [login()] + [Call('GET', RDS, json_body=job('j1')) for dummy in range(3)]
    result = runner.failure(rds_job_info.main, dict(ARGS, job_ids=['j1'], wait=True, wait_timeout=20, poll_interval=10), calls)
    assert 'Timed out after 20 seconds' in result['msg'] and result['jobs'][0]['state'] == 'running'


def test_clouds_yaml_and_secure_yaml(runner, tmp_path, monkeypatch):
    (tmp_path / 'clouds.yaml').write_text(
        'clouds:\n  otc:\n    region_name: eu-nl\n    auth:\n      auth_url: https://iam.eu-nl.otc.t-systems.com/v3\n'
        '      username: otcuser\n      user_domain_name: OTC-EU-DE-1\n      project_id: %s\n' % PROJECT)
    (tmp_path / 'secure.yaml').write_text('clouds:\n  otc:\n    auth:\n      password: %s\n' % PASSWORD)
    monkeypatch.chdir(tmp_path)
    expected = {'auth': {'identity': LOGIN['auth']['identity'], 'scope': {'project': {'id': PROJECT}}}}
    result = runner.success(rds_job_info.main, dict(cloud='otc', job_id='j1'), [
        Call('POST', 'https://iam.eu-nl.otc.t-systems.com/v3/auth/tokens', status=201, headers={'X-Subject-Token': 't'},
             json_body={'token': {}}, expect_json=expected),
        Call('GET', 'https://rds.eu-nl.otc.t-systems.com/v3/%s/jobs' % PROJECT, json_body=job('j1')),
    ])
    assert result['exists']


def test_unknown_cloud_entry(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv('HOME', str(tmp_path))
    result = runner.failure(rds_job_info.main, dict(cloud='nowhere', job_id='j1'), [])
    assert result['msg'].startswith('cloud=nowhere: no such entry in clouds.yaml')


def test_token_url_forms():
    assert _otc.token_url('https://iam.example/v3') == 'https://iam.example/v3/auth/tokens'
    assert _otc.token_url('https://iam.example/') == 'https://iam.example/v3/auth/tokens'
    assert _otc.token_url('https://iam.example/v3/auth/tokens') == 'https://iam.example/v3/auth/tokens'


def test_login_without_token_header(runner):
    result = runner.failure(rds_job_info.main, dict(ARGS, job_id='j1'), [Call('POST', IAM, status=201, json_body={})])
    assert 'without an X-Subject-Token header' in result['msg']
