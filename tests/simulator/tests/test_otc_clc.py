# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""OTC (IAM tokens, RDS jobs, DBS.200543, quirks) and CTL (login, executePackage,
queue status, executions)."""

import re

import pytest

from ..client import PROJECT

NOT_FOUND = {'error_code': 'DBS.200543', 'error_msg': 'The job does not exist.'}


# -- OTC --------------------------------------------------------------------------------


def test_otc_token_issue(api):
    answer = api.otc_login()
    assert answer.status_code == 201 and answer.headers['X-Subject-Token']
    token = answer.json()['token']
    domain = {'id': '3c885c4d14385473bcb10f49cb2e30eb', 'name': 'OTC-EU-DE-00000000001000000001'}
    assert token['project'] == {'id': PROJECT, 'name': 'eu-de', 'domain': domain}
    assert token['user'] == {'id': '29f5308d44765d91a9837c2ed167d7b3', 'name': 'otcuser', 'password_expires_at': None, 'domain': domain}
    assert token['roles'] and all(set(role) == {'id', 'name'} for role in token['roles'])
    assert {entry['type'] for entry in token['catalog']} == {'identity', 'rdsv3'}
    assert all(set(endpoint) == {'id', 'interface', 'region', 'region_id', 'url'} for entry in token['catalog'] for endpoint in entry['endpoints'])
    assert re.match(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$', token['expires_at']) and token['expires_at'] > token['issued_at']
    assert api.otc_login(project={'name': 'eu-de'}).status_code == 201


def test_otc_identity_version_discovery(api):
    """GET /v3 and GET / as OTC's IAM reference documents them (Version Information Management)."""
    version = api.session.get(api.url + '/v3', timeout=10)
    assert version.status_code == 200 and version.json()['version']['id'] == 'v3.6'
    assert version.json()['version']['links'] == [{'rel': 'self', 'href': api.url + '/v3/'}]
    assert version.json()['version']['media-types'][0]['type'] == 'application/vnd.openstack.identity-v3+json'
    versions = api.session.get(api.url + '/', timeout=10)
    assert versions.status_code == 300 and versions.json()['versions']['values'] == [version.json()['version']]


@pytest.mark.parametrize('password, project, status', [('wrong', None, 401), ('otcpassword', {'id': 'other'}, 401)])
def test_otc_bad_logins(api, password, project, status):
    assert api.otc_login(password, project).status_code == status


def test_otc_malformed_login(api):
    assert api.session.post(api.url + '/v3/auth/tokens', json={'auth': {}}, timeout=10).status_code == 400


def test_otc_token_required_and_expires(api):
    assert api.otc_job('seed-004-1', token='').status_code == 401
    assert api.otc_job('seed-004-1', token='forged').status_code == 401
    api.config(otc_token_ttl=100)
    token = api.otc_login().headers['X-Subject-Token']
    assert api.otc_job('seed-004-1', token=token).status_code == 200
    api.advance(101)
    expired = api.otc_job('seed-004-1', token=token)
    assert expired.status_code == 401 and 'error_code' in expired.json()


def test_otc_project_must_match(api):
    token = api.otc_login().headers['X-Subject-Token']
    answer = api.session.get(api.url + '/v3/other/jobs', params={'id': 'seed-004-1'}, headers={'X-Auth-Token': token}, timeout=10)
    assert answer.status_code == 403


def test_otc_job_runs_to_completed(api):
    api.admin('otc/jobs', {'id': 'j1', 'name': 'EnlargeVolume', 'duration': 100,
                           'instance': {'id': 'i1in01', 'name': 'rds-1'}})
    job = api.otc_job('j1').json()['job']
    assert set(job) == {'id', 'name', 'status', 'created', 'process', 'instance', 'entities'}
    assert job['status'] == 'Running' and job['process'] == '0%' and job['instance'] == {'id': 'i1in01', 'name': 'rds-1'}
    assert re.match(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$', job['created'])
    api.advance(60)
    assert api.otc_job('j1').json()['job']['process'] == '60%'
    api.advance(41)
    job = api.otc_job('j1').json()['job']
    assert (job['status'], job['process']) == ('Completed', '')


def test_otc_job_fails(api):
    api.admin('otc/jobs', {'id': 'j2', 'duration': 10, 'fail': True, 'fail_reason': 'upgrade failed: disk full'})
    api.advance(11)
    job = api.otc_job('j2').json()['job']
    assert (job['status'], job['fail_reason'], job['process']) == ('Failed', 'upgrade failed: disk full', '')


def test_otc_initial_status_and_raw(api):
    api.admin('otc/jobs', {'id': 'j3', 'status': 'Completed'})
    assert api.otc_job('j3').json()['job']['status'] == 'Completed'
    api.admin('otc/jobs', {'id': 'j4', 'raw': {'id': 'j4', 'status': 'Weird'}})
    assert api.otc_job('j4').json() == {'job': {'id': 'j4', 'status': 'Weird'}}


def test_otc_fresh_job_is_not_found_during_the_grace_window(api):
    api.config(otc_job_grace_seconds=8)
    api.admin('otc/jobs', {'id': 'fresh', 'fresh': True, 'duration': 60})
    early = api.otc_job('fresh')
    assert early.status_code == 400 and early.json() == NOT_FOUND
    api.advance(9)
    assert api.otc_job('fresh').status_code == 200
    api.admin('otc/jobs', {'id': 'late', 'visible_after': 3})
    assert api.otc_job('late').status_code == 400
    api.advance(4)
    assert api.otc_job('late').status_code == 200


def test_otc_unknown_job(api):
    answer = api.otc_job('no-such-job')
    assert answer.status_code == 400 and answer.json() == NOT_FOUND


def test_otc_quirks(api):
    api.admin('otc/jobs', {'id': 'q1', 'name': 'CreateMysqlReplicaInstance', 'duration': 100, 'quirks': True,
                           'instance': {'id': 'r1in01', 'name': 'replica'}})
    api.advance(60)
    job = api.otc_job('q1').json()['job']
    assert 'status' not in job and job[' status'] == 'Running'
    assert job['process'] == '60 % ' and job['name'] == ' CreateMysqlReplicaInstance'
    assert job['entities']['resource_id'] == ['r1in01.vm', 'r1in01.volume']


def test_otc_429_with_retry_after_through_a_fault(api):
    api.fault(path='/jobs$', kind='status', status=429, retry_after='3', times=2)
    for dummy in range(2):
        answer = api.otc_job('seed-004-1')
        assert answer.status_code == 429 and answer.headers['Retry-After'] == '3'
    assert api.otc_job('seed-004-1').status_code == 200


# -- CTL --------------------------------------------------------------------------------


def test_clc_login(api):
    answer = api.clc_login()
    assert answer.status_code == 200
    body = answer.json()
    assert (body['userName'], body['accountAlias'], body['locationAlias']) == ('ctluser', 'OSD', 'VA1') and body['bearerToken']
    bad = api.clc_login(password='wrong')
    assert bad.status_code == 400 and set(bad.json()) == {'message'}


def test_clc_bearer_token_enforced_and_expires(api):
    path = '/rest/servers/OSD/server/VA1OSDPATCH33/patch'
    assert api.session.get(api.url + path, timeout=10).status_code == 401
    assert api.clc('GET', path, token='forged').status_code == 401
    api.config(clc_token_ttl=50)
    token = api.clc_login().json()['bearerToken']
    assert api.clc('GET', path, token=token).status_code == 200
    api.advance(51)
    assert api.clc('GET', path, token=token).status_code == 401
    assert api.clc('GET', '/rest/servers/OTHER/server/VA1OSDPATCH33/patch').status_code == 403


def execute(api, *servers):
    package = {'packageId': 'c3c6642e-24e1-4c37-b56a-1cf1476ee360', 'parameters': {'patch.debug.mode': 'false'}}
    return api.clc('POST', '/v2/operations/OSD/servers/executePackage', json={'servers': list(servers), 'package': package})


def test_clc_execute_package_runs_an_execution(api):
    api.admin('clc/servers', {'id': 'S1', 'patch_duration': 30, 'patches': ['a', 'b', 'c']})
    answer = execute(api, 'S1')
    assert answer.status_code == 200
    queued = answer.json()
    assert len(queued) == 1 and queued[0]['server'] == 'S1' and queued[0]['isQueued'] is True
    link = queued[0]['links'][0]
    assert link['rel'] == 'status' and link['id']
    status = '/v2/operations/OSD/status/' + link['id']
    assert api.clc('GET', status).json() == {'status': 'notStarted'}
    assert api.clc('GET', '/rest/servers/OSD/server/S1/patch').json() == []

    api.advance(3)
    assert api.clc('GET', status).json() == {'status': 'executing'}
    runs = api.clc('GET', '/rest/servers/OSD/server/S1/patch').json()
    assert len(runs) == 1 and re.match(r'^VA1-\d{6}$', runs[0]['execution_id']) and runs[0]['status'] == 'RUNNING'
    detail_path = '/rest/servers/OSD/server/S1/patch/' + runs[0]['execution_id']
    detail = api.clc('GET', detail_path).json()
    assert detail['end_time'] == '' and detail['patches'][0]['patch_end_message'] == 'Result Code: 1'
    assert detail['patches'][0]['status'] == 'pending' and detail['patches'][0]['end_time'] == ''

    api.advance(10)
    middle = api.clc('GET', detail_path).json()
    assert middle['patches'][0]['patch_end_message'] == 'Result Code: 2' and middle['patches'][0]['end_time']
    assert middle['patches'][0]['start_time'] == detail['patches'][0]['start_time'], 'times do not move'

    api.advance(30)
    assert api.clc('GET', status).json() == {'status': 'succeeded'}
    done = api.clc('GET', detail_path).json()
    assert done['status'] == 'COMPLETED' and done['end_time'] and done['end_message'] == 'Updating Complete'
    assert [p['patch_end_message'] for p in done['patches']] == ['Result Code: 2'] * 3
    assert [p['patch_begin_message'] for p in done['patches']] == ['a', 'b', 'c']


@pytest.mark.parametrize('seed, status, codes, queue', [
    (dict(fail=True), 'FAILED', ['Result Code: 2', 'Result Code: 4'], 'failed'),
    (dict(warn=True), 'COMPLETED', ['Result Code: 3', 'Result Code: 2'], 'succeeded'),
])
def test_clc_failing_and_warning_servers(api, seed, status, codes, queue):
    api.admin('clc/servers', dict(seed, id='S2', patch_duration=10, patches=['x', 'y']))
    queue_id = execute(api, 'S2').json()[0]['links'][0]['id']
    api.advance(13)
    assert api.clc('GET', '/v2/operations/OSD/status/' + queue_id).json() == {'status': queue}
    run = api.clc('GET', '/rest/servers/OSD/server/S2/patch').json()[0]
    detail = api.clc('GET', '/rest/servers/OSD/server/S2/patch/' + run['execution_id']).json()
    assert detail['status'] == status and [p['patch_end_message'] for p in detail['patches']] == codes


def test_clc_unknown_servers_get_an_entry_of_their_own(api):
    """Execute Package: one entity per server; an unknown one is not queued and says why (the pages' errorMessage)."""
    answer = execute(api, 'NO-SUCH-SERVER', 'va1osdpatch33')
    assert answer.status_code == 200
    unknown, known = answer.json()
    assert unknown == {'server': 'NO-SUCH-SERVER', 'isQueued': False, 'errorMessage': (
        'The operation cannot be queued because the server cannot be found or it is not in a valid state.')}
    assert known['server'] == 'va1osdpatch33' and known['isQueued'] is True and known['links'][0]['rel'] == 'status'
    assert execute(api, 'NOPE').json()[0]['isQueued'] is False


def test_clc_server_ids_match_without_case(api):
    queue_id = execute(api, 'va1osdpatch33').json()[0]['links'][0]['id']
    api.advance(3)
    assert api.clc('GET', '/v2/operations/OSD/status/' + queue_id).json() == {'status': 'executing'}
    runs = api.clc('GET', '/rest/servers/OSD/server/va1osdpatch33/patch').json()
    assert runs == api.clc('GET', '/rest/servers/OSD/server/VA1OSDPATCH33/patch').json() and len(runs) == 2
    assert api.clc('GET', '/v2/servers/osd/va1osdpatch33').json()['id'] == 'VA1OSDPATCH33'


def test_clc_login_takes_a_form_body(api):
    form = api.session.post(api.url + '/v2/authentication/login', data={'username': 'ctluser', 'password': 'ctlpassword'}, timeout=10)
    assert form.status_code == 200 and form.json()['bearerToken']


def test_clc_bad_requests(api):
    assert api.clc('POST', '/v2/operations/OSD/servers/executePackage', json={'servers': []}).status_code == 400
    assert api.clc('GET', '/v2/operations/OSD/status/nope').status_code == 404
    assert api.clc('GET', '/rest/servers/OSD/server/NOPE/patch').status_code == 404
    assert api.clc('GET', '/rest/servers/OSD/server/VA1OSDPATCH33/patch/VA1-000000').status_code == 404


def test_clc_two_servers_in_one_call(api):
    for server in ('A', 'B'):
        api.admin('clc/servers', {'id': server, 'patch_duration': 5})
    queued = execute(api, 'A', 'B').json()
    assert [q['server'] for q in queued] == ['A', 'B'] and queued[0]['links'][0]['id'] != queued[1]['links'][0]['id']
    api.advance(3)
    first = api.clc('GET', '/rest/servers/OSD/server/A/patch').json()[0]['execution_id']
    second = api.clc('GET', '/rest/servers/OSD/server/B/patch').json()[0]['execution_id']
    assert first != second


def test_clc_groups_list_their_servers_and_subgroups(api):
    """Get Group / Get Server as CenturyLink's API docs show them."""
    api.admin('clc/groups', {'id': 'va1-osd-web', 'name': 'Web', 'parent': 'va1-osd-0001'})
    api.admin('clc/servers', {'id': 'VA1OSDWEB01', 'group': 'va1-osd-web'})
    root = api.clc('GET', '/v2/groups/OSD/va1-osd-0001').json()
    assert [link['id'] for link in root['links'] if link['rel'] == 'server'] == ['VA1OSDPATCH33']
    assert [group['id'] for group in root['groups']] == ['va1-osd-web']
    assert [link['id'] for link in root['groups'][0]['links'] if link['rel'] == 'server'] == ['VA1OSDWEB01']
    server = api.clc('GET', '/v2/servers/osd/va1osdweb01').json()
    assert server['groupId'] == 'va1-osd-web' and server['details']['ipAddresses'][0]['internal']
    assert api.clc('GET', '/v2/groups/OSD/nope').status_code == 404
    assert api.clc('GET', '/v2/servers/OTHER/VA1OSDWEB01').status_code == 403
    assert api.clc('GET', '/v2/groups/OSD/va1-osd-0001', token='forged').status_code == 401
    # the pages' "changeInfo" (clc-sdk reads it without a default) and Get Server's details
    change = root['changeInfo']
    assert set(change) == {'createdDate', 'createdBy', 'modifiedDate', 'modifiedBy'} and root['groups'][0]['changeInfo']
    assert re.match(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$', change['createdDate']) and root['customFields'] == []
    assert set(server['changeInfo']) == set(change)
    details = server['details']
    assert details['storageGB'] == sum(disk['sizeGB'] for disk in details['disks']) and details['inMaintenanceMode'] is False
    assert details['snapshots'] == [] and details['memoryMB'] == 4096 and details['diskCount'] == len(details['disks'])
