# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The simulator replays the examples of the api-docs pages with the documented
answers (status, headers, bodies), and its quirks, faults and counters work."""

import json
import os
import sys
import time

import pytest
import requests

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from simulator.server import Simulator  # noqa: E402  pylint: disable=wrong-import-position

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures')
DOMAIN = 'ExampleIdentityDomain'
ORACLE = dict(auth=('username', 'password'), headers={'X-ID-TENANT-NAME': DOMAIN, 'Accept': 'application/json'})
MYSQL = '/paas/api/v1.1/instancemgmt/%s/services/MySQLCS/instances/MyTestInstance' % DOMAIN
PROJECT = '0483b6b16e954cb88930a360d2c4e663'


def fixture_text(name):
    with open(os.path.join(FIXTURES, name)) as handle:
        return handle.read()


@pytest.fixture(scope='module')
def sim():
    simulator = Simulator(time_scale=1.0).start()
    yield simulator
    simulator.stop()


@pytest.fixture
def url(sim):
    requests.post(sim.base_url + '/__admin__/reset', json={'time_scale': 1.0}, timeout=10).raise_for_status()
    return sim.base_url


def admin(url, path, body=None, method='POST'):
    response = requests.request(method, url + '/__admin__/' + path, json=body, timeout=10)
    response.raise_for_status()
    return response.json()


def test_seed_001_rollback_request_and_job_answer(url):
    answer = requests.put(url + MYSQL + '/patches/234688/rollback', data='{}', timeout=10,
                          **dict(ORACLE, headers=dict(ORACLE['headers'], **{'Content-Type': 'application/json'})))
    assert answer.status_code == 202
    assert answer.headers['Location'] == url + MYSQL + '/patches/applied/job/4208393'
    assert answer.headers['Retry-After'] == '60'
    assert answer.json() == json.loads(fixture_text('oracle_001_rollback_answer.json'))
    job = requests.get(url + MYSQL + '/patches/applied/job/4208393', timeout=10, **ORACLE)
    assert job.status_code == 202
    assert job.json() == json.loads(fixture_text('oracle_001_rollback_job_4208393.json'))


def test_seed_002_activity_job_byte_for_byte(url):
    answer = requests.get(url + '/paas/api/v1.1/activitylog/%s/job/5150771' % DOMAIN, timeout=10, **ORACLE)
    assert answer.status_code == 200
    assert answer.text == fixture_text('activity_002_job_5150771.json')


@pytest.mark.parametrize('number', range(1, 7))
def test_seed_004_otc_examples_byte_for_byte(url, number):
    token = otc_login(url)
    answer = requests.get(url + '/v3/%s/jobs' % PROJECT, params={'id': 'seed-004-%d' % number}, headers={'X-Auth-Token': token}, timeout=10)
    assert answer.status_code == 200
    assert answer.text == fixture_text('otc_004_example_%d.json' % number)


def test_seed_003_clc_execution(url):
    token = clc_login(url)
    answer = requests.get(url + '/rest/servers/OSD/server/VA1OSDPATCH33/patch/VA1-132457', headers={'Authorization': 'Bearer ' + token},
                          timeout=10)
    body = answer.json()
    assert answer.status_code == 200
    assert body['execution_id'] == 'VA1-132457' and body['status'] == 'COMPLETED'
    assert isinstance(body['patches'], list) and body['patches'][0]['patch_end_message'].startswith('Result Code: ')


def test_oracle_auth_is_enforced_with_an_html_401(url):
    for kwargs in (dict(auth=('username', 'wrong'), headers=ORACLE['headers']), dict(auth=ORACLE['auth'])):
        answer = requests.get(url + MYSQL + '/patches/applied', timeout=10, **kwargs)
        assert answer.status_code == 401 and answer.headers['Content-Type'].startswith('text/html')


def test_oracle_apply_flow_conflict_and_body_rules(url):
    admin(url, 'config', {'time_scale': 100})
    admin(url, 'oracle/instances', {'service_type': 'dbaas', 'name': 'db1', 'current_version': 'v1',
                                    'available': [{'patchId': 'p2', 'toVersion': 'v2', 'duration': 100}]})
    base = url + '/paas/api/v1.1/instancemgmt/%s/services/dbaas/instances/db1/patches' % DOMAIN
    assert requests.put(base + '/p2', data='[1]', timeout=10, **ORACLE).status_code == 400, 'a body is an object'
    started = requests.put(base + '/p2', json={}, timeout=10, **ORACLE)
    assert started.status_code == 202 and set(started.json()) == {'message', 'jobId'}, 'dbaas answers the flat shape'
    assert started.headers['Retry-After'] == '1'
    assert requests.put(base + '/p2', json={}, timeout=10, **ORACLE).status_code in (404, 409)
    applied = requests.get(base + '/applied', timeout=10, **ORACLE).json()[0]
    assert requests.put(base + '/%s/rollback' % applied['id'], json={}, timeout=10, **ORACLE).status_code == 409
    time.sleep(1.2)
    job = requests.get(base + '/applied/job/' + started.json()['jobId'], timeout=10, **ORACLE).json()[0]
    assert job['lastStatus'] == 'COMPLETED' and job['inProgress'] is False and job['rollbackId'] == str(job['id'])
    assert requests.get(base + '/available', timeout=10, **ORACLE).json() == []


def test_oracle_precheck_and_activity_filter(url):
    admin(url, 'config', {'time_scale': 100})
    admin(url, 'oracle/instances', {'service_type': 'dbaas', 'name': 'db2', 'available': [{'patchId': 'p', 'precheck_fail': True}]})
    base = url + '/paas/api/v1.1/instancemgmt/%s/services/dbaas/instances/db2/patches' % DOMAIN
    job_id = requests.put(base + '/checks/p', timeout=10, **ORACLE).json()['jobId']
    time.sleep(0.3)
    check = requests.get(base + '/checks/job/' + job_id, timeout=10, **ORACLE)
    assert check.status_code == 202 and check.json()['status'] == 'DIDNT_PASS_PRECHECK' and check.json()['preCheckMessages']
    found = requests.get(url + '/paas/api/v1.1/activitylog/%s/filter' % DOMAIN, params={'serviceName': 'db2', 'status': ['FAILED']},
                         timeout=10, **ORACLE).json()
    assert [a['jobId'] for a in found['activityLogs']] == [int(job_id)]


def otc_login(url, password='otcpassword'):
    body = {'auth': {'identity': {'methods': ['password'], 'password': {'user': {
        'name': 'otcuser', 'password': password, 'domain': {'name': 'OTC-EU-DE-00000000001000000001'}}}},
        'scope': {'project': {'id': PROJECT}}}}
    answer = requests.post(url + '/v3/auth/tokens', json=body, timeout=10)
    if password != 'otcpassword':
        return answer
    assert answer.status_code == 201 and answer.json()['token']['project']['id'] == PROJECT
    return answer.headers['X-Subject-Token']


def test_otc_tokens_expire_and_fresh_jobs_are_not_found_for_a_while(url):
    assert otc_login(url, 'bad').status_code == 401
    admin(url, 'config', {'otc_token_ttl': 0.5})
    token = otc_login(url)
    admin(url, 'otc/jobs', {'id': 'fresh', 'duration': 60, 'visible_after': 0.3})
    jobs = url + '/v3/%s/jobs' % PROJECT
    early = requests.get(jobs, params={'id': 'fresh'}, headers={'X-Auth-Token': token}, timeout=10)
    assert early.status_code == 400 and early.json()['error_code'] == 'DBS.200543'
    time.sleep(0.35)
    later = requests.get(jobs, params={'id': 'fresh'}, headers={'X-Auth-Token': token}, timeout=10)
    assert later.status_code == 200 and later.json()['job']['status'] == 'Running' and later.json()['job']['process'].endswith('%')
    time.sleep(0.2)
    assert requests.get(jobs, params={'id': 'fresh'}, headers={'X-Auth-Token': token}, timeout=10).status_code == 401
    unknown = requests.get(jobs, params={'id': 'nope'}, headers={'X-Auth-Token': otc_login(url)}, timeout=10)
    assert unknown.json() == {'error_code': 'DBS.200543', 'error_msg': 'The job does not exist.'}


def clc_login(url):
    answer = requests.post(url + '/v2/authentication/login', json={'username': 'ctluser', 'password': 'ctlpassword'}, timeout=10)
    assert answer.status_code == 200 and answer.json()['accountAlias'] == 'OSD'
    return answer.json()['bearerToken']


def test_clc_flow(url):
    assert requests.post(url + '/v2/authentication/login', json={'username': 'x', 'password': 'y'}, timeout=10).status_code == 400
    admin(url, 'config', {'time_scale': 100})
    admin(url, 'clc/servers', {'id': 'S1', 'patch_duration': 30})
    auth = {'Authorization': 'Bearer ' + clc_login(url)}
    queued = requests.post(url + '/v2/operations/OSD/servers/executePackage', headers=auth, timeout=10,
                           json={'servers': ['S1'], 'package': {'packageId': 'c3c6642e-24e1-4c37-b56a-1cf1476ee360', 'parameters': {}}}).json()
    assert queued[0]['isQueued'] and queued[0]['links'][0]['rel'] == 'status'
    status_url = url + '/v2/operations/OSD/status/' + queued[0]['links'][0]['id']
    assert requests.get(status_url, headers=auth, timeout=10).json() == {'status': 'notStarted'}
    time.sleep(0.5)
    assert requests.get(status_url, headers=auth, timeout=10).json() == {'status': 'succeeded'}
    runs = requests.get(url + '/rest/servers/OSD/server/S1/patch', headers=auth, timeout=10).json()
    assert runs[-1]['status'] == 'COMPLETED' and runs[-1]['patches'] == 3
    assert requests.get(url + '/rest/servers/OSD/server/S1/patch', timeout=10).status_code == 401


def test_faults_and_counters(url):
    admin(url, 'faults', {'path': '/patches/applied$', 'kind': 'status', 'status': 429, 'retry_after': '2', 'times': 1})
    admin(url, 'faults', {'path': '/patches/available$', 'kind': 'truncated'})
    admin(url, 'faults', {'path': '/patches/checks$', 'kind': 'html', 'status': 502})
    first = requests.get(url + MYSQL + '/patches/applied', timeout=10, **ORACLE)
    assert first.status_code == 429 and first.headers['Retry-After'] == '2'
    assert requests.get(url + MYSQL + '/patches/applied', timeout=10, **ORACLE).status_code == 200
    truncated = requests.get(url + MYSQL + '/patches/available', timeout=10, **ORACLE)
    with pytest.raises(ValueError):
        json.loads(truncated.text)
    assert requests.get(url + MYSQL + '/patches/checks', timeout=10, **ORACLE).text.startswith('<!DOCTYPE html>')
    admin(url, 'faults', {'path': '/rollback$', 'kind': 'drop', 'after_processing': True})
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.put(url + MYSQL + '/patches/234688/rollback', json={}, timeout=10, **ORACLE)
    applied = requests.get(url + MYSQL + '/patches/applied', timeout=10, **ORACLE).json()
    assert applied[0]['operationType'] == 'Rollback', 'the dropped request was processed'
    counted = requests.get(url + '/__admin__/requests', params={'method': 'PUT', 'path': '/rollback$'}, timeout=10).json()
    assert counted['count'] == 1
    assert counted['counts']['GET %s/patches/applied' % MYSQL] == 3
    admin(url, 'faults', method='DELETE')


def test_https_with_its_own_certificate():
    simulator = Simulator(time_scale=1.0, https=True).start()
    try:
        assert simulator.base_url.startswith('https://127.0.0.1:')
        answer = requests.get(simulator.base_url + '/paas/api/v1.1/activitylog/%s/job/5150771' % DOMAIN, verify=simulator.ca_path,
                              timeout=10, **ORACLE)
        assert answer.status_code == 200
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(simulator.base_url + '/__admin__/state', verify=True, timeout=10)
    finally:
        simulator.stop()
