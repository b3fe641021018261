# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import re
import os
import threading

import pytest

from ansible_collections.dbops.patching.plugins.module_utils import _otc
from ansible_collections.dbops.patching.plugins.modules import rds_job_info
from ansible_collections.dbops.patching.tests.unit.utils import harness
from ansible_collections.dbops.patching.tests.unit.utils.harness import Call

PROJECT = '0483b6b16e954cb88930a360d2c4e663'
IAM = 'https://iam.eu-de.otc.t-systems.com/v3/auth/tokens'
RDS = 'https://rds.eu-de.otc.t-systems.com/v3/%s/jobs' % PROJECT
PASSWORD = 'otc-pa55word'
ARGS = dict(username='otcuser', password=PASSWORD, domain_name='OTC-EU-DE-1', project_id=PROJECT)
USER = {'name': 'otcuser', 'password': PASSWORD, 'domain': {'name': 'OTC-EU-DE-1'}}
LOGIN = {'auth': {'identity': {'methods': ['password'], 'password': {'user': USER}}, 'scope': {'project': {'id': PROJECT}}}}
SEED_004 = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'simulator', 'fixtures', 'otc_004_example_%d.json')
NOT_FOUND = {'error_code': 'DBS.200543', 'error_msg': 'The job does not exist.'}
TASKLIST = 'https://rds.eu-de.otc.t-systems.com/v3/%s/tasklist' % PROJECT


def unlisted(job_id):
    """The instant-task list asked after a DBS.200543, not showing the job either."""
    return Call('GET', TASKLIST, json_body={'tasks': [], 'actions': [], 'total_count': 0}, expect_params={'id': job_id})


def listed_task(job_id, status='Running', process='40%', **extra):
    """The job as the instant-task list shows it (Querying Instant Tasks)."""
    body = dict(id=job_id, name='UpgradeMysqlMinorVersion', instance_id='i-1', instance_name='rds-1', instance_status='ACTIVE',
                order_id='', process=process, create_time='2026-11-24T10:00:00+0000', end_time='2026-11-24T10:20:00+0000',
                status=status)
    body.update(extra)
    return Call('GET', TASKLIST, json_body={'tasks': [body], 'actions': [body['name']], 'total_count': 1},
                expect_params={'id': job_id})


class JobMatchingSession(harness.FakeSession):
    """Every RDS job shares one URL (the id is in the query): in any order, answer a
    request with the first expected call of the same URL and query."""

    lock = threading.Lock()

    def request(self, method, url, params=None, data=None, headers=None, auth=None, timeout=None, allow_redirects=None, verify=None):
        with self.lock:
            if self.any_order and self.calls:
                index = next((i for i, c in enumerate(self.calls)
                              if (c.method, c.url) == (method, url) and c.expect_params in (None, params)), 0)
                self.calls.insert(0, self.calls.pop(index))
            return super(JobMatchingSession, self).request(method, url, params=params, data=data, headers=headers, auth=auth,
                                                           timeout=timeout, allow_redirects=allow_redirects, verify=verify)


@pytest.fixture
def runner(runner, monkeypatch):
    monkeypatch.setattr(harness, 'FakeSession', JobMatchingSession)
    return runner


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
        unlisted('nope'),
    ])
    assert result['exists'] is False and result['job'] is None


def test_fresh_job_is_tolerated_while_waiting(runner):
    result = runner.success(rds_job_info.main, dict(ARGS, job_id='j1', wait=True, poll_interval=2), [
        login(),
        Call('GET', RDS, status=400, json_body={'error_code': 'DBS.200543', 'error_msg': 'The job does not exist.'}),
        unlisted('j1'),
        Call('GET', RDS, status=429, headers={'Retry-After': '3'}, json_body={'error_code': 'DBS.280001', 'error_msg': 'Too many'}),
        Call('GET', RDS, json_body=job('j1')),
        Call('GET', RDS, json_body=job('j1', 'Failed', '', fail_reason='upgrade failed')),
    ])
    assert result['job']['state'] == 'failed' and result['job']['fail_reason'] == 'upgrade failed'
    assert 3.0 in runner.clock.sleeps, 'the 429 Retry-After was honoured'


def test_a_job_that_never_appears_fails_after_the_grace(runner):
    calls = [login()]
    for dummy in range(4):
        calls += [Call('GET', RDS, status=400, json_body={'error_code': 'DBS.200543', 'error_msg': 'gone'}), unlisted('j1')]
    result = runner.failure(rds_job_info.main, dict(ARGS, job_id='j1', wait=True, poll_interval=10), calls)
    assert result['msg'] == ('RDS job j1 does not exist (still not found 30 seconds after the wait started): '
                             'GET /v3/%s/jobs: HTTP 400: DBS.200543: gone' % PROJECT)


def test_other_errors_are_not_swallowed(runner):
    result = runner.failure(rds_job_info.main, dict(ARGS, job_id='j1'), [
        login(), Call('GET', RDS, status=400, json_body={'error_code': 'DBS.200053', 'error_msg': 'bad id'}),
    ])
    assert 'DBS.200053: bad id' in result['msg']


def running_tasks(*tasks, **page):
    """A page of the project's running instant tasks (GET tasklist?status=Running), as a wait of many jobs reads it."""
    query = dict(offset=page.get('offset', 0), limit=50, status='Running')
    return Call('GET', TASKLIST, json_body={'tasks': list(tasks), 'actions': sorted(set(t['name'] for t in tasks)),
                                            'total_count': page.get('total', len(tasks))}, expect_params=query)


def test_twenty_jobs_at_once(runner):
    ids = ['job-%02d' % n for n in range(20)]
    # the running tasks do not show them (RDS jobs /jobs reports): each is read on its own from then on
    calls = [login(), running_tasks()] + [Call('GET', RDS, json_body=job(i, 'Completed', ''), expect_params={'id': i}) for i in ids]
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


SEED_JOB_ID = '31b8ae23-c687-4d80-b7b4-42a66c9bb886'


def seed_page_example(number, job_id=None):
    """The page's example, byte for byte; with ``job_id``, that id in place of the page's own."""
    with open(SEED_004 % number, encoding='utf-8') as handle:
        text = handle.read()
    return re.sub(r'("id":\s*")[^"]*', lambda m: m.group(1) + job_id, text, count=1) if job_id else text


# The six examples of the seed page, served byte for byte: leading spaces in names, a key
# " status", "60 % ", "replica" in lower case, resource_id beside resource_ids, fail_reason.
SEED_EXPECTED = {
    1: dict(state='succeeded', status='Completed', progress=None, operation='CreateMysqlSingleHAInstance', fail_reason=None,
            instance={'id': 'a48e43ff268f4c0e879652d65e63d0fbin01', 'name': 'DO-NOT-TOUCH-mgr2-mysql-single'}),
    2: dict(state='succeeded', status='Completed', progress=None, operation='CreateMysqlReplicaInstance', fail_reason=None,
            instance={'id': '288caaa9d05f4ec1a1f58de2e0945685in01', 'name': 'mysql-replica'}),
    3: dict(state='succeeded', status='Completed', progress=None, operation='MysqlBindEIP', fail_reason=None,
            instance={'id': 'a48e43ff268f4c0e879652d65e63d0fbin01', 'name': 'DO-NOT-TOUCH-mgr2-mysql-single'}),
    4: dict(state='succeeded', status='Completed', progress=None, operation='RestartMysqlInstance', fail_reason=None,
            instance={'id': 'a48e43ff268f4c0e879652d65e63d0fbin01', 'name': 'DO-NOT-TOUCH-mgr2-mysql-single'}),
    5: dict(state='running', status='Running', progress=60, operation='CreateMysqlSingleHAInstance', fail_reason=None,
            instance={'id': 'a48e43ff268f4c0e879652d65e63d0fbin01', 'name': 'DO-NOT-TOUCH-mgr2-mysql-single'}),
    6: dict(state='failed', status='Failed', progress=None, operation='CreateMysqlSingleHAInstance', fail_reason='createVM failed.',
            instance={'id': 'a48e43ff268f4c0e879652d65e63d0fbin01', 'name': 'DO-NOT-TOUCH-mgr2-mysql-single'}),
}


@pytest.mark.parametrize('number', sorted(SEED_EXPECTED))
def test_every_example_of_the_seed_page(runner, number):
    text = seed_page_example(number)
    result = runner.success(rds_job_info.main, dict(ARGS, job_id=SEED_JOB_ID), [
        login(), Call('GET', RDS, text=text, expect_params={'id': SEED_JOB_ID}, expect_headers={'X-Auth-Token': 'tok-1'}),
    ])
    job = result['job']
    assert dict((key, job[key]) for key in SEED_EXPECTED[number]) == SEED_EXPECTED[number]
    assert job['started_at'] == '2018-08-06T10:41:14+0000' and job['ended_at'] is None and job['with_warnings'] is False
    assert job['raw'] == json.loads(text), 'raw is the document untouched, quirks and all'
    assert result['warnings'] == [] and result['exists'] is True
    assert job['id'] == SEED_JOB_ID, 'the stray spaces of examples 5 and 6 do not make it another job'


def test_seed_page_entities_are_kept_with_stripped_keys(runner):
    calls = [login()] + [Call('GET', RDS, text=seed_page_example(n, 'seed-004-%d' % n), expect_params={'id': 'seed-004-%d' % n})
                         for n in (1, 2, 3, 4, 6)]
    ids = ['seed-004-%d' % n for n in (1, 2, 3, 4, 6)]
    result = runner.success(rds_job_info.main, dict(ARGS, job_ids=ids), calls, any_order=True)
    first, replica, eip, restart, failed = result['jobs']
    assert first['entities']['resource_id'] == ['a48e43ff268f4c0e879652d65e63d0fbin01.vm', 'a48e43ff268f4c0e879652d65e63d0fbin01.volume']
    assert replica['entities']['resource_ids'][0] == '288caaa9d05f4ec1a1f58de2e0945685in01.vm'
    assert replica['entities']['instance']['type'] == 'replica' and replica['entities']['instance']['replica_of']
    assert eip['entities'] == {'public_ip': '10.154 .218 .254'} and restart['entities'] == {}
    assert (failed['message'], failed['messages']) == ('createVM failed.', ['createVM failed.'])
    assert result['summary'] == dict(pending=0, running=0, succeeded=4, failed=1, canceled=0, unknown=0, total=5)


def test_fresh_job_appears_within_the_grace(runner):
    result = runner.success(rds_job_info.main, dict(ARGS, job_id='j1', wait=True, poll_interval=5), [
        login(),
        Call('GET', RDS, status=400, json_body=NOT_FOUND), unlisted('j1'),
        Call('GET', RDS, status=400, json_body=NOT_FOUND), unlisted('j1'),
        Call('GET', RDS, json_body=job('j1', 'Running', '60 % ')),
        Call('GET', RDS, json_body=job('j1', 'Completed', '')),
    ])
    assert result['exists'] is True and result['job']['state'] == 'succeeded' and result['job']['progress'] is None
    assert runner.clock.sleeps == [5.0, 5.0, 5.0]


def test_timeout_of_one_job_returns_it(runner):
    calls = [login()] + [Call('GET', RDS, json_body=job('j1', process='%d%%' % p)) for p in (10, 20, 30)]
    result = runner.failure(rds_job_info.main, dict(ARGS, job_id='j1', wait=True, wait_timeout=20, poll_interval=10), calls)
    assert result['msg'].startswith('Timed out after 20 seconds (wait_timeout=20) waiting for RDS job j1 (running: Running).')
    assert result['job']['progress'] == 30 and result['elapsed'] == 20.0 and result['changed'] is False
    assert PASSWORD not in repr(result) and 'tok-1' not in repr(result)


def test_missing_jobs_in_a_list_without_wait(runner):
    result = runner.success(rds_job_info.main, dict(ARGS, job_ids=['j1', 'gone']), [
        login(), Call('GET', RDS, json_body=job('j1'), expect_params={'id': 'j1'}),
        Call('GET', RDS, status=400, json_body=NOT_FOUND, expect_params={'id': 'gone'}), unlisted('gone'),
    ])
    assert result['exists'] is False and result['missing'] == ['gone'] and result['jobs'][1] is None
    assert result['summary']['total'] == 1


def test_twenty_jobs_of_different_lengths_at_once(runner):
    ids = ['job-%02d' % n for n in range(20)]
    calls = [login(), running_tasks()]  # not running instant tasks: each is read on its own from then on
    for n, job_id in enumerate(ids):
        query = {'id': job_id}
        calls += [Call('GET', RDS, json_body=job(job_id, 'Running', '%d%%' % (10 * k)), expect_params=query) for k in range(n % 4)]
        calls.append(Call('GET', RDS, json_body=job(job_id, 'Failed' if n in (7, 13) else 'Completed', '',
                                                    fail_reason='boom' if n in (7, 13) else None), expect_params=query))
    result = runner.success(rds_job_info.main, dict(ARGS, job_ids=ids, wait=True, poll_interval=2), calls, any_order=True)
    assert [j['id'] for j in result['jobs']] == ids
    assert result['summary'] == dict(pending=0, running=0, succeeded=18, failed=2, canceled=0, unknown=0, total=20)
    assert [j['fail_reason'] for j in result['jobs'] if j['state'] == 'failed'] == ['boom', 'boom']
    assert runner.clock.now - 1000.0 == 6.0, 'followed together: three rounds of 2 s, not one job after another'


def test_given_token_that_expired_is_not_renewed(runner):
    args = dict(auth_token='given-token', project_id=PROJECT, job_id='j1')
    result = runner.failure(rds_job_info.main, args, [
        Call('GET', RDS, status=401, json_body={'error_code': 'APIGW.0301', 'error_msg': 'Incorrect IAM authentication information'}),
    ])
    assert 'HTTP 401' in result['msg'] and 'APIGW.0301' in result['msg'] and 'given-token' not in repr(result)


def test_options_from_the_os_environment(runner, monkeypatch):
    for name, value in (('OS_USERNAME', 'otcuser'), ('OS_PASSWORD', PASSWORD), ('OS_USER_DOMAIN_NAME', 'OTC-EU-DE-1'),
                        ('OS_PROJECT_ID', PROJECT), ('OS_REGION_NAME', 'eu-nl')):
        monkeypatch.setenv(name, value)
    result = runner.success(rds_job_info.main, dict(job_id='j1'), [
        Call('POST', 'https://iam.eu-nl.otc.t-systems.com/v3/auth/tokens', status=201, headers={'X-Subject-Token': 'tok-1'},
             json_body={'token': {}}, expect_json=LOGIN),
        Call('GET', 'https://rds.eu-nl.otc.t-systems.com/v3/%s/jobs' % PROJECT, json_body=job('j1'), expect_headers={'X-Auth-Token': 'tok-1'}),
    ])
    assert result['exists'] and PASSWORD not in repr(result)


def newest_tasks(*tasks, **page):
    """A page of the project's newest instant tasks, of any status (GET tasklist without a status)."""
    query = dict(offset=page.get('offset', 0), limit=50)
    return Call('GET', TASKLIST, json_body={'tasks': list(tasks), 'actions': sorted(set(t['name'] for t in tasks)),
                                            'total_count': page.get('total', len(tasks))}, expect_params=query)


def test_timeout_before_the_job_ever_appears_reports_it_missing(runner):
    # neither is a running instant task: j1 is read on its own from then on; fresh, which /jobs does not
    # show, is looked for in the pages of the running and the newest tasks each round, not by id (within the grace)
    calls = [login(), running_tasks(), Call('GET', RDS, json_body=job('j1', 'Running'), expect_params={'id': 'j1'}),
             Call('GET', RDS, status=400, json_body=NOT_FOUND, expect_params={'id': 'fresh'})]
    for dummy in range(2):
        calls += [running_tasks(), newest_tasks(), Call('GET', RDS, json_body=job('j1', 'Running'), expect_params={'id': 'j1'})]
    result = runner.failure(rds_job_info.main, dict(ARGS, job_ids=['j1', 'fresh'], wait=True, wait_timeout=10, poll_interval=5), calls,
                            any_order=True)
    assert result['msg'].startswith('Timed out after 10 seconds (wait_timeout=10) waiting for RDS jobs j1 (running: Running), fresh ')
    assert result['msg'].endswith(' Not shown by the API yet (unknown so far): fresh (GET /v3/%s/jobs: HTTP 400: '
                                  'DBS.200543: The job does not exist.).' % PROJECT)
    assert result['exists'] is False and result['missing'] == ['fresh'] and result['jobs'][1] is None
    assert result['jobs'][0]['state'] == 'running' and result['summary']['total'] == 1


def test_wait_timeout_bounds_every_retry_pause(runner):
    throttled = [Call('GET', RDS, status=429, headers={'Retry-After': '8'}, json_body={'error_code': 'DBS.280001', 'error_msg': 'Too many'})
                 for dummy in range(2)]
    result = runner.failure(rds_job_info.main, dict(ARGS, job_id='j1', wait=True, wait_timeout=3), [login()] + throttled)
    assert sum(runner.clock.sleeps) == 3, '429s asking for 8 s each cost no more than wait_timeout'
    assert result['msg'].startswith('Timed out after 3 seconds (wait_timeout=3)') and 'Last failed read' in result['msg']


def test_a_job_jobs_does_not_report_is_followed_through_the_task_list(runner):
    """OTC's /jobs does not report minor-version upgrades: the instant-task list does, and is read from then on."""
    result = runner.success(rds_job_info.main, dict(ARGS, job_id='up-1', wait=True, poll_interval=5), [
        login(), Call('GET', RDS, status=400, json_body=NOT_FOUND, expect_params={'id': 'up-1'}),
        listed_task('up-1', process='30%'), listed_task('up-1', process='90%'),
        listed_task('up-1', 'Completed', '', end_time='2026-11-24T10:12:00+0000'),
    ])
    job = result['job']
    assert (job['state'], job['operation'], job['instance']) == ('succeeded', 'UpgradeMysqlMinorVersion', {'id': 'i-1', 'name': 'rds-1'})
    assert (job['started_at'], job['ended_at']) == ('2026-11-24T10:00:00+0000', '2026-11-24T10:12:00+0000')
    assert [c['url'] for c in runner.session.seen].count(RDS) == 1, '/jobs is asked once'


def test_a_failed_task_reports_its_reason(runner):
    result = runner.success(rds_job_info.main, dict(ARGS, job_id='up-1'), [
        login(), Call('GET', RDS, status=400, json_body=NOT_FOUND),
        listed_task('up-1', 'Failed', '', fail_reason='upgradeMinorVersion failed.')])
    assert result['job']['state'] == 'failed' and result['job']['message'] == 'upgradeMinorVersion failed.'


def test_an_endpoint_without_the_task_list_leaves_the_job_to_jobs(runner):
    """A 404 for the task list (an endpoint that lacks it) is not the job's error: /jobs alone is read from then on."""
    result = runner.success(rds_job_info.main, dict(ARGS, job_id='j1', wait=True, poll_interval=5), [
        login(), Call('GET', RDS, status=400, json_body=NOT_FOUND), Call('GET', TASKLIST, status=404, text='Not Found'),
        Call('GET', RDS, status=400, json_body=NOT_FOUND), Call('GET', RDS, json_body=job('j1', 'Completed', '')),
    ])
    assert result['job']['state'] == 'succeeded'
