# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import threading
import time

import pytest

from ansible_collections.dbops.patching.plugins.module_utils import _errors, _http, _otc, _wait
from ansible_collections.dbops.patching.plugins.module_utils._errors import ConfigurationError
from ansible_collections.dbops.patching.tests.unit.utils.harness import Call, FakeSession, sign_as_requests_would

PASSWORD = 'otc-s3cr3t'
TOKEN = 'MIIToken-abc'
IAM = 'https://iam.eu-de.otc.t-systems.com/v3/auth/tokens'
RDS = 'https://rds.eu-de.otc.t-systems.com'
PROJECT = '0123456789abcdef'
SEED_JOB_ID = '31b8ae23-c687-4d80-b7b4-42a66c9bb886'
FIXTURES = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'simulator', 'fixtures')


def params(**given):
    """Module params as AnsibleModule gives them: every option present, None when unset."""
    values = dict((name, None) for name in _otc.otc_argument_spec())
    values.update(validate_certs=True, request_timeout=30)
    values.update(given)
    return values


def write(directory, name, data):
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_text(json.dumps(data))  # JSON is YAML


def login_call(expect_json=None, token=TOKEN, project=PROJECT, status=201, **kwargs):
    headers = {'X-Subject-Token': token} if token else {}
    return Call('POST', IAM, status=status, headers=headers, json_body={'token': {'project': {'id': project}}},
                expect_json=expect_json, **kwargs)


def password_body(scope, user=None):
    user = user or {'name': 'alice', 'password': PASSWORD}
    return {'auth': {'identity': {'methods': ['password'], 'password': {'user': user}}, 'scope': {'project': scope}}}


def otc(calls, search_dirs=(), **given):
    session = FakeSession(calls)
    client = _otc.OtcClient(params(**given), session=session, search_dirs=search_dirs)
    client.http.sleep = lambda seconds: None
    return client, session


def test_argument_spec_uses_the_openstack_environment():
    spec = _otc.otc_argument_spec()
    assert spec['password']['no_log'] and spec['auth_token']['no_log']
    assert spec['cloud']['fallback'][1] == ['OS_CLOUD'] and spec['auth_token']['fallback'][1] == ['OS_AUTH_TOKEN']
    assert spec['rds_url']['fallback'][1] == ['OTC_RDS_URL'] and 'request_timeout' in spec


@pytest.mark.parametrize('auth_url, expected', [
    ('https://iam.example.com/v3', 'https://iam.example.com/v3/auth/tokens'),
    ('https://iam.example.com/v3/', 'https://iam.example.com/v3/auth/tokens'),
    ('https://iam.example.com', 'https://iam.example.com/v3/auth/tokens'),
    ('https://iam.example.com/v3/auth/tokens', 'https://iam.example.com/v3/auth/tokens'),
])
def test_token_url(auth_url, expected):
    assert _otc.token_url(auth_url) == expected


def test_defaults_follow_the_region():
    settings = _otc.resolve_settings(params(region='eu-nl'), search_dirs=())
    assert settings['auth_url'] == 'https://iam.eu-nl.otc.t-systems.com/v3'
    assert settings['rds_url'] == 'https://rds.eu-nl.otc.t-systems.com'
    assert _otc.resolve_settings(params(), search_dirs=())['region'] == 'eu-de'
    swiss = _otc.resolve_settings(params(region='eu-ch2', rds_url='https://rds.eu-ch2.sc.otc.t-systems.com'), search_dirs=())
    assert swiss['rds_url'] == 'https://rds.eu-ch2.sc.otc.t-systems.com', 'the endpoint can be overridden'


def test_clouds_yaml_secure_yaml_and_precedence(tmp_path):
    write(tmp_path, 'clouds.yaml', {'clouds': {'prod': {
        'region_name': 'eu-nl',
        'auth': {'auth_url': 'https://iam.example.com/v3', 'username': 'alice', 'project_name': 'eu-nl_prod',
                 'user_domain_name': 'OTC-EU-NL-000', 'project_id': 'from-cloud'}}}})
    write(tmp_path, 'secure.yaml', {'clouds': {'prod': {'auth': {'password': PASSWORD}}}})
    settings = _otc.resolve_settings(params(cloud='prod', project_id='explicit'), search_dirs=[str(tmp_path)])
    assert settings['password'] == PASSWORD, 'secure.yaml is merged into the entry'
    assert settings['username'] == 'alice' and settings['domain_name'] == 'OTC-EU-NL-000'
    assert settings['project_id'] == 'explicit', 'an explicit option beats clouds.yaml'
    assert settings['region'] == 'eu-nl' and settings['auth_url'] == 'https://iam.example.com/v3'
    assert settings['rds_url'] == 'https://rds.eu-nl.otc.t-systems.com'


def test_the_first_directory_holding_the_entry_wins(tmp_path):
    first, second = tmp_path / 'cwd', tmp_path / 'etc'
    write(first, 'clouds.yml', {'clouds': {'other': {'auth': {'username': 'bob'}}}})
    write(second, 'clouds.yaml', {'clouds': {'prod': {'auth': {'token': TOKEN, 'domain_name': 'D'}}}})
    write(second, 'secure.yml', {'clouds': {'someone_else': {'auth': {'password': 'x'}}}})
    entry = _otc.load_cloud('prod', search_dirs=[str(first), str(second)])
    assert entry == {'auth': {'token': TOKEN, 'domain_name': 'D'}}
    settings = _otc.resolve_settings(params(cloud='prod'), search_dirs=[str(first), str(second)])
    assert settings['auth_token'] == TOKEN and settings['domain_name'] == 'D'


def test_an_empty_clouds_yaml_and_a_missing_entry_fail_clearly(tmp_path):
    (tmp_path / 'clouds.yaml').write_text('')
    with pytest.raises(ConfigurationError) as info:
        _otc.load_cloud('prod', search_dirs=[str(tmp_path)])
    assert str(info.value) == 'cloud=prod: no such entry in clouds.yaml (searched %s).' % (tmp_path / 'clouds.yaml')
    with pytest.raises(ConfigurationError) as info:
        _otc.load_cloud('prod', search_dirs=['/nonexistent/a', '/nonexistent/b'])
    assert 'searched /nonexistent/a, /nonexistent/b' in str(info.value)


def test_secure_yaml_merges_nested_keys():
    assert _otc._merge({'auth': {'a': 1, 'b': 2}, 'r': 'x'}, {'auth': {'b': 3}, 'n': 1}) == {'auth': {'a': 1, 'b': 3}, 'r': 'x', 'n': 1}


@pytest.mark.parametrize('given, scope, user', [
    (dict(project_id=PROJECT), {'id': PROJECT}, None),
    (dict(project_name='eu-de_prod', domain_name='OTC-EU-DE-1'), {'name': 'eu-de_prod'},
     {'name': 'alice', 'password': PASSWORD, 'domain': {'name': 'OTC-EU-DE-1'}}),
    (dict(), {'name': 'eu-de'}, None),
])
def test_password_login_and_rds_job(given, scope, user):
    with open(os.path.join(FIXTURES, 'otc_004_example_5.json')) as handle:
        payload = json.load(handle)
    client, session = otc([
        login_call(expect_json=password_body(scope, user), expect_headers={'Content-Type': 'application/json'}),
        Call('GET', RDS + '/v3/%s/jobs' % PROJECT, json_body=payload, expect_params={'id': SEED_JOB_ID},
             expect_headers={'X-Auth-Token': TOKEN}, headers={'Retry-After': '5'}),
    ], username='alice', password=PASSWORD, **given)
    job, retry_after = client.rds_job(SEED_JOB_ID)
    assert (job['state'], job['progress'], retry_after) == ('running', 60, 5.0)
    assert 'X-Auth-Token' not in session.seen[0]['headers'], 'the login itself carries no token'
    session.assert_done()


def test_a_given_token_is_used_without_login():
    client, session = otc([Call('GET', RDS + '/v3/%s/jobs' % PROJECT, json_body={'job': {'id': 'j', 'status': 'Completed'}},
                                expect_headers={'X-Auth-Token': TOKEN})], auth_token=TOKEN, project_id=PROJECT)
    job, dummy = client.rds_job('j')
    assert job['state'] == 'succeeded'
    session.assert_done()


def test_an_expired_token_logs_in_again_once():
    client, session = otc([
        login_call(token='first'),
        Call('GET', RDS + '/v3/%s/jobs' % PROJECT, status=401, expect_headers={'X-Auth-Token': 'first'}),
        login_call(token='second'),
        Call('GET', RDS + '/v3/%s/jobs' % PROJECT, json_body={'job': {'status': 'Failed', 'fail_reason': 'x'}},
             expect_headers={'X-Auth-Token': 'second'}),
    ], username='alice', password=PASSWORD, project_id=PROJECT)
    job, dummy = client.rds_job('j')
    assert job['state'] == 'failed' and job['id'] == 'j'
    session.assert_done()


def test_a_given_token_that_expired_cannot_be_renewed():
    client, session = otc([Call('GET', RDS + '/v3/%s/jobs' % PROJECT, status=401, json_body={'error': {'code': 401, 'message': 'expired'}})],
                          auth_token=TOKEN, project_id=PROJECT)
    with pytest.raises(_http.AuthError) as info:
        client.rds_job('j')
    assert TOKEN not in str(info.value) and len(session.seen) == 1


def test_credentials_and_project_are_required():
    with pytest.raises(ConfigurationError) as info:
        otc([])[0].rds_job('j')
    assert str(info.value).startswith('OTC needs either auth_token, or username and password')
    with pytest.raises(ConfigurationError) as info:
        otc([], auth_token=TOKEN)[0].rds_job('j')
    assert str(info.value).startswith('OTC needs project_id')


def test_a_refused_login_is_an_auth_error_without_the_password():
    client, dummy = otc([Call('POST', IAM, status=401, text='{"error": {"code": 401, "message": "password %s is wrong"}}' % PASSWORD)],
                        username='alice', password=PASSWORD, project_id=PROJECT)
    with pytest.raises(_http.AuthError) as info:
        client.rds_job('j')
    assert str(info.value).startswith('OTC IAM login failed: POST /v3/auth/tokens: HTTP 401: 401: password ')
    assert PASSWORD not in str(info.value) and PASSWORD not in repr(info.value.to_result())


def test_a_login_without_a_subject_token_is_a_bad_response():
    client, dummy = otc([login_call(token=None)], username='alice', password=PASSWORD, project_id=PROJECT)
    with pytest.raises(_http.BadResponseError) as info:
        client.rds_job('j')
    assert str(info.value) == 'OTC IAM login answered 201 without an X-Subject-Token header.'


def test_the_login_token_is_redacted_from_later_errors():
    client, dummy = otc([login_call(token=TOKEN),
                         Call('GET', RDS + '/v3/%s/jobs' % PROJECT, status=400, text='bad X-Auth-Token %s' % TOKEN)],
                        username='alice', password=PASSWORD, project_id=PROJECT)
    with pytest.raises(_http.HttpStatusError) as info:
        client.rds_job('j')
    assert TOKEN not in str(info.value)


@pytest.mark.parametrize('calls', [
    [Call('GET', RDS + '/v3/%s/jobs' % PROJECT, status=400, json_body={'error_code': 'DBS.200543', 'error_msg': 'job does not exist'}),
     Call('GET', RDS + '/v3/%s/tasklist' % PROJECT, json_body={'tasks': [], 'total_count': 0}, expect_params={'id': 'j'})],
    [Call('GET', RDS + '/v3/%s/jobs' % PROJECT, status=404, text='')],
    [Call('GET', RDS + '/v3/%s/jobs' % PROJECT, json_body={})],
    [Call('GET', RDS + '/v3/%s/jobs' % PROJECT, json_body=[{'job': {}}])],
])
def test_a_job_not_there_yet_is_not_found(calls):
    client, dummy = otc(calls, auth_token=TOKEN, project_id=PROJECT)
    with pytest.raises(_http.NotFoundError):
        client.rds_job('j')


def test_an_answer_for_another_job_is_a_bad_response():
    client, dummy = otc([Call('GET', RDS + '/v3/%s/jobs' % PROJECT, json_body={'job': {'id': 'other', 'status': 'Running'}})],
                        auth_token=TOKEN, project_id=PROJECT)
    with pytest.raises(_http.BadResponseError):
        client.rds_job('j')


def test_the_project_id_is_a_path_segment():
    client, dummy = otc([], auth_token=TOKEN, project_id='..')
    with pytest.raises(ConfigurationError) as info:
        client.rds_job('j')
    assert str(info.value) == "project_id must be a non-empty id, got '..'."
    client, session = otc([Call('GET', RDS + '/v3/a%2Fb/jobs', json_body={'job': {'id': 'j', 'status': 'Running'}})],
                          auth_token=TOKEN, project_id='a/b')
    assert client.rds_job('j')[0]['state'] == 'running'


def test_other_api_errors_are_raised():
    client, dummy = otc([Call('GET', RDS + '/v3/%s/jobs' % PROJECT, status=400, json_body={'error_code': 'DBS.280001', 'error_msg': 'bad'})],
                        auth_token=TOKEN, project_id=PROJECT)
    with pytest.raises(_http.HttpStatusError) as info:
        client.rds_job('j')
    assert info.value.api_code == 'DBS.280001'


class ExpiringSession(object):
    """IAM hands out tok-1, tok-2...; RDS refuses tok-1 as expired. Thread-safe, any order."""

    def __init__(self):
        self.headers = {}
        self.verify = True
        self.logins = 0
        self.lock = threading.Lock()

    def mount(self, prefix, adapter):
        pass

    def request(self, method, url, params=None, data=None, headers=None, auth=None, **kwargs):
        class Answer(object):
            pass

        if auth is not None:
            headers = sign_as_requests_would(auth, method, url, params, data, headers)

        answer = Answer()
        if url.endswith('/auth/tokens'):
            with self.lock:
                self.logins += 1
                token = 'tok-%d' % self.logins
            time.sleep(0.05)  # a slow IAM: the other polls hit their 401 meanwhile
            answer.status_code, answer.headers, answer.text = 201, {'X-Subject-Token': token}, '{"token": {}}'
        elif headers.get('X-Auth-Token') == 'tok-1':
            answer.status_code, answer.headers, answer.text = 401, {}, '{"error": {"message": "expired"}}'
        else:
            answer.status_code, answer.headers = 200, {}
            answer.text = json.dumps({'job': {'id': params['id'], 'status': 'Completed'}})
        return answer


def test_concurrent_polls_that_hit_an_expired_token_share_one_new_login():
    session = ExpiringSession()
    client = _otc.OtcClient(dict(auth_url=IAM, rds_url=RDS, project_id=PROJECT, username='alice', password=PASSWORD,
                                 validate_certs=True, ca_path=None, request_timeout=30), session=session)
    result = _wait.Poller(_wait.FunctionSource(client.rds_job), timeout=None, options=_wait.WaitOptions(max_workers=6)).run(['j%d' % n for n in range(6)])
    assert all(job['state'] == 'succeeded' for job in result.jobs.values())
    assert session.logins == 2, 'one login, then one renewal for all six polls'


AWX_CLOUDS = {'clouds': {'devstack': {'auth': {'auth_url': 'https://iam.eu-nl.otc.t-systems.com/v3', 'username': 'awxuser',
                                               'password': PASSWORD, 'project_name': 'eu-nl_prod', 'domain_name': 'OTC-EU-NL-1'},
                                      'verify': False, 'region_name': 'eu-nl'}}}


def test_the_single_cloud_of_the_file_awx_writes_is_used_without_os_cloud(tmp_path):
    write(tmp_path, 'awx-clouds.yml', AWX_CLOUDS)
    environ = {'OS_CLIENT_CONFIG_FILE': str(tmp_path / 'awx-clouds.yml')}
    settings = _otc.resolve_settings(params(), search_dirs=[], environ=environ)
    assert (settings['username'], settings['password'], settings['project_name'], settings['domain_name']) == (
        'awxuser', PASSWORD, 'eu-nl_prod', 'OTC-EU-NL-1')
    assert settings['region'] == 'eu-nl' and settings['rds_url'] == 'https://rds.eu-nl.otc.t-systems.com'
    assert settings['validate_certs'] is False, 'verify: false of the cloud entry is honoured'
    named = _otc.resolve_settings(params(cloud='devstack'), search_dirs=[], environ=environ)
    assert named['username'] == 'awxuser'
    given = _otc.resolve_settings(params(username='me', password='pw'), search_dirs=[], environ=environ)
    assert given['username'] == 'me' and 'project_name' not in given, 'credentials in the options: no file is read'


def test_a_file_of_several_clouds_needs_a_name_and_a_secure_file_is_merged(tmp_path):
    two = {'clouds': {'a': {'auth': {'username': 'u'}}, 'b': {'auth': {'username': 'v'}}}}
    write(tmp_path, 'clouds.yaml', two)
    write(tmp_path, 'sec.yaml', {'clouds': {'b': {'auth': {'password': 'from-secure'}}, 'verify': '/etc/ca.pem'}})
    environ = {'OS_CLIENT_CONFIG_FILE': str(tmp_path / 'clouds.yaml'), 'OS_CLIENT_SECURE_FILE': str(tmp_path / 'sec.yaml')}
    with pytest.raises(ConfigurationError) as info:
        _otc.resolve_settings(params(), search_dirs=[], environ=environ)
    assert str(info.value).endswith('holds 2 clouds (a, b): name one with the cloud option or OS_CLOUD.')
    settings = _otc.resolve_settings(params(cloud='b'), search_dirs=[], environ=environ)
    assert (settings['username'], settings['password']) == ('v', 'from-secure')
    assert _otc.resolve_settings(params(), search_dirs=[], environ={})['auth_url'] == 'https://iam.eu-de.otc.t-systems.com/v3'


@pytest.mark.parametrize('entry, expected', [
    ({'auth_type': 'token', 'auth': {'token': 'tk', 'project_id': 'p'}}, dict(auth_token='tk', project_id='p')),
    ({'auth_type': 'v3applicationcredential', 'auth': {'application_credential_id': 'ac', 'application_credential_secret': 's'},
      'cacert': '/etc/otc-ca.pem'}, dict(application_credential_id='ac', application_credential_secret='s', ca_path='/etc/otc-ca.pem')),
    ({'auth': {'username': 'u', 'password': 'p'}, 'verify': '/etc/ca.pem'}, dict(username='u', password='p', ca_path='/etc/ca.pem')),
])
def test_auth_types_and_tls_settings_of_a_cloud_entry(tmp_path, entry, expected):
    write(tmp_path, 'clouds.yaml', {'clouds': {'x': entry}})
    settings = _otc.resolve_settings(params(cloud='x'), search_dirs=[str(tmp_path)], environ={})
    assert dict((k, settings.get(k)) for k in expected) == expected


def test_an_unknown_auth_type_is_refused(tmp_path):
    write(tmp_path, 'clouds.yaml', {'clouds': {'x': {'auth_type': 'v3oidcpassword', 'auth': {}}}})
    with pytest.raises(ConfigurationError) as info:
        _otc.resolve_settings(params(cloud='x'), search_dirs=[str(tmp_path)], environ={})
    assert 'auth_type v3oidcpassword is not supported' in str(info.value)


def test_an_application_credential_logs_in_scoped_by_itself():
    body = {'auth': {'identity': {'methods': ['application_credential'], 'application_credential': {'id': 'ac', 'secret': 's3'}}}}
    job = Call('GET', RDS + '/v3/%s/jobs' % PROJECT, json_body={'job': {'id': 'j', 'status': 'Running'}})
    client, session = otc([login_call(expect_json=body), job])
    client.auth.settings.update(application_credential_id='ac', application_credential_secret='s3')
    client.auth.can_login = True
    assert client.rds_job('j')[0]['state'] == 'running'
    assert 's3' in client.auth.secret_values()


def test_a_task_plans_its_own_length():
    task = _otc.normalize_job({'id': 't', 'status': 'Running', 'create_time': '2026-11-28T04:00:00+0000',
                               'end_time': '2026-11-28T04:20:00+0000'}, 't')
    assert _otc.planned_duration('t', task) == 1200.0
    assert _otc.planned_duration('t', dict(task, raw={'create_time': 'soon'})) is None


def test_a_passing_error_of_the_task_list_is_raised_so_a_wait_reads_again():
    jobs = RDS + '/v3/%s/jobs' % PROJECT
    not_found = {'error_code': 'DBS.200543', 'error_msg': 'The job does not exist.'}
    client, dummy = otc([Call('GET', jobs, status=400, json_body=not_found)]
                        + [Call('GET', RDS + '/v3/%s/tasklist' % PROJECT, status=503, text='busy') for dummy in range(6)],
                        auth_token=TOKEN, project_id=PROJECT)
    client.http.sleep = lambda seconds: None
    with pytest.raises(_http.HttpStatusError) as info:
        client.rds_job('j')
    assert info.value.transient and client.tasklist_usable, 'the task list is asked again next time'


def test_a_refusal_of_no_documented_meaning_is_raised_as_it_came():
    refused = _http.HttpStatusError('POST /x: HTTP 400: DBS.280001: Parameter error.', status=400, api_code='DBS.280001')
    assert _otc.refusal(refused, 'i-1') is refused


# -- a fleet read together: TaskListJobs ------------------------------------------------------

TASKLIST = RDS + '/v3/%s/tasklist' % PROJECT
JOBS = RDS + '/v3/%s/jobs' % PROJECT


def task(job_id, status='Running', process='40%', created='2026-11-24T10:00:00+0000'):
    """An instant task as GET tasklist shows it (Querying Instant Tasks)."""
    return dict(id=job_id, name='UpgradeMysqlMinorVersion', instance_id='i-%s' % job_id, instance_name='rds-%s' % job_id,
                instance_status='MODIFYING', order_id='', process=process if status == 'Running' else '', create_time=created,
                end_time='2026-11-24T10:20:00+0000', status=status)


def task_page(tasks, total=None, offset=0, status='Running'):
    query = dict(offset=offset, limit=50, status=status) if status else dict(offset=offset, limit=50)
    return Call('GET', TASKLIST, json_body={'tasks': tasks, 'actions': ['UpgradeMysqlMinorVersion'],
                                            'total_count': len(tasks) if total is None else total}, expect_params=query)


def follow_together(calls, keys, **options):
    """Run a Poller over TaskListJobs against ``calls``, on a fake clock: (jobs, session, source)."""
    client, session = otc(calls, auth_token=TOKEN, project_id=PROJECT)
    clock = {'now': 0.0}
    source = _otc.TaskListJobs(client)

    def sleep(seconds):
        clock['now'] += seconds
    poller = _wait.Poller(source, timeout=3600, options=_wait.WaitOptions(max_workers=1, **options),
                          clock=_wait.WaitClock(lambda: clock['now'], sleep, wall=lambda: 1795946400.0 + clock['now'],
                                                rand=lambda low, high: high))
    result = poller.run(keys)
    session.assert_done()
    return result, session, source


def test_a_fleet_is_read_from_the_running_tasks_and_the_ended_ones_together():
    result, session, dummy = follow_together([
        # round 1: j1 and j2 run; j3 is not a running task: it is read on its own (it has ended)
        task_page([task('j2', process='50%'), task('j1')]),
        Call('GET', JOBS, json_body={'job': {'id': 'j3', 'name': 'EnlargeVolume', 'status': 'Completed'}}, expect_params={'id': 'j3'}),
        # round 2: j1 left the running tasks: taken to have ended, read at the end
        task_page([task('j2', process='90%')]),
        # round 3: j2 alone is read where the list showed it, in one request
        Call('GET', TASKLIST, json_body={'tasks': [task('j2', 'Completed')], 'total_count': 1}, expect_params={'id': 'j2'}),
        # how j1 ended: the newest tasks, one page
        task_page([task('j2', 'Completed'), task('j1', 'Failed')], status=None),
    ], ['j1', 'j2', 'j3'], interval=10)
    assert [result.jobs[key]['state'] for key in ('j1', 'j2', 'j3')] == ['failed', 'succeeded', 'succeeded']
    assert result.jobs['j1']['id'] == 'j1' and result.jobs['j1']['instance'] == {'id': 'i-j1', 'name': 'rds-j1'}
    assert len(session.seen) == 5 and not result.timed_out


def test_a_job_the_task_list_does_not_show_is_read_on_its_own_schedule():
    running = {'job': {'id': 'seed', 'name': 'CreateMysqlSingleHAInstance', 'status': 'Running', 'process': '20%'}}
    result, session, source = follow_together([
        task_page([task('j1'), task('j9')]),  # j9: another task of the project
        Call('GET', JOBS, json_body=running, expect_params={'id': 'seed'}),
        # round 2: the running tasks show j1; 'seed' is unlisted (not left: no miss), read on its own
        task_page([task('j1', process='60%')]),
        Call('GET', JOBS, json_body=dict(running, job=dict(running['job'], status='Completed')), expect_params={'id': 'seed'}),
        Call('GET', TASKLIST, json_body={'tasks': [task('j1', 'Completed')], 'total_count': 1}, expect_params={'id': 'j1'}),
    ], ['j1', 'seed'], interval=10)
    assert [result.jobs[key]['state'] for key in ('j1', 'seed')] == ['succeeded', 'succeeded']
    assert source.unlisted == set(), 'an ended job is no longer unlisted'


NOT_SHOWN = {'error_code': 'DBS.200543', 'error_msg': 'The job does not exist.'}


def test_new_upgrades_cost_one_read_each_then_the_pages_show_them():
    """A job /jobs does not show at its first read (an upgrade; a new task) is looked for in the pages from
    then on, not by id every round: while the list hides the new tasks, a round costs two pages."""
    keys = ['u%d' % n for n in range(3)]
    first = [Call('GET', JOBS, status=400, json_body=NOT_SHOWN, expect_params={'id': key}) for key in keys]
    hidden = [task_page([]), task_page([], status=None)]
    result, session, source = follow_together(
        [task_page([])] + first + hidden + hidden
        + [task_page([task(key) for key in keys]), task_page([]), task_page([task(key, 'Completed') for key in keys], status=None)],
        keys, interval=5, grace=30)
    assert [result.jobs[key]['state'] for key in keys] == ['succeeded'] * 3
    assert len(session.seen) == 1 + 3 + 4 + 3 and not source.unshown and not result.unseen
    assert sorted(source.client.listed_jobs) == keys


def test_a_job_that_had_ended_is_found_in_the_newest_tasks():
    result, session, dummy = follow_together([
        task_page([task('r1')]), Call('GET', JOBS, status=400, json_body=NOT_SHOWN, expect_params={'id': 'old'}),
        task_page([task('r1', process='90%')]), task_page([task('x'), task('old', 'Failed')], status=None),
        Call('GET', TASKLIST, json_body={'tasks': [task('r1', 'Completed')], 'total_count': 1}, expect_params={'id': 'r1'}),
    ], ['r1', 'old'], interval=5, grace=30)
    assert (result.jobs['old']['state'], result.jobs['r1']['state']) == ('failed', 'succeeded')
    assert len(session.seen) == 5


def test_a_job_no_page_shows_within_the_grace_is_read_by_id_and_fails_as_missing():
    calls = [task_page([task('r1')]), Call('GET', JOBS, status=400, json_body=NOT_SHOWN, expect_params={'id': 'ghost'})]
    calls += [task_page([task('r1')]), task_page([task('r1')], status=None)] * 2  # at 10 and 20 s: not shown yet
    # at 30 s the grace is over: ghost is read on its own again, /jobs then the list by id, and does not exist
    calls += [task_page([task('r1')]), task_page([task('r1')], status=None),
              Call('GET', JOBS, status=400, json_body=NOT_SHOWN, expect_params={'id': 'ghost'}),
              Call('GET', TASKLIST, json_body={'tasks': [], 'total_count': 0}, expect_params={'id': 'ghost'})]
    with pytest.raises(_errors.ModuleFailure) as info:
        follow_together(calls, ['r1', 'ghost'], interval=10, grace=30)
    assert 'ghost does not exist (still not found 30 seconds after the wait started)' in str(info.value)


def test_only_the_pages_needed_are_read_and_a_task_that_ended_between_pages_moves_the_next_one_back():
    page1 = [task('t%03d' % n) for n in range(50)]
    page2 = [task('t%03d' % n) for n in range(52, 102)]  # t050 and t051 ended after page 1: t052.. moved up by two
    again = [task('t%03d' % n) for n in range(50, 100)]
    client, session = otc([task_page(page1, total=120), task_page(page2, total=118, offset=50),
                           task_page(again, total=118, offset=48)], auth_token=TOKEN, project_id=PROJECT)
    source = _otc.TaskListJobs(client)
    running = source.read_running(['t010', 't050', 't099'])
    session.assert_done()
    assert sorted(running.jobs) == ['t010', 't050', 't099'] and not running.unlisted
    assert client.listed_jobs == set(['t010', 't050', 't099']), 'then read where the list shows them'


def test_the_ended_read_stops_at_tasks_older_than_the_jobs():
    newer = [task('n%02d' % n, 'Completed', created='2026-11-24T11:00:00+0000') for n in range(49)]
    older = [task('j1', 'Completed')] + [task('o%02d' % n, 'Completed', created='2026-11-24T09:00:00+0000') for n in range(49)]
    client, session = otc([task_page(newer + [task('j2', 'Failed')], total=500, status=None),
                           task_page(older, total=500, offset=50, status=None)], auth_token=TOKEN, project_id=PROJECT)
    source = _otc.TaskListJobs(client)
    last = dict((key, dict(_otc.normalize_job(task(key), key), id=key)) for key in ('j1', 'j2', 'gone'))
    ended = source.read_ended(last)
    session.assert_done()
    assert sorted(ended) == ['j1', 'j2'], 'a job no page showed is left to its own read'
    assert (ended['j1']['state'], ended['j2']['state']) == ('succeeded', 'failed')
    assert source.read_ended({}) == {}


def test_without_a_listed_job_the_running_tasks_are_not_read():
    client, session = otc([], auth_token=TOKEN, project_id=PROJECT)
    source = _otc.TaskListJobs(client)
    source.unlisted.update(['a', 'b'])
    assert source.read_running(['a', 'b']).unlisted == frozenset(['a', 'b'])
    assert session.seen == []


def test_a_fleet_falls_back_to_reading_each_job_where_the_task_list_is_missing():
    jobs = [Call('GET', JOBS, json_body={'job': {'id': key, 'name': 'EnlargeVolume', 'status': 'Completed'}}, expect_params={'id': key})
            for key in ('a', 'b')]
    result, session, dummy = follow_together([Call('GET', TASKLIST, status=404, json_body={'error_code': 'APIGW.0101',
                                                                                           'error_msg': 'not found'})] + jobs,
                                             ['a', 'b'], interval=10)
    assert [result.jobs[key]['state'] for key in ('a', 'b')] == ['succeeded', 'succeeded']
