# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Oracle PaaS: auth, the apply / rollback / precheck state machines, 409 and 400
rules, both write shapes, and the activity log following the operations."""

import pytest

from ..client import ACTIVITY, DOMAIN, MYSQL


@pytest.mark.parametrize('kwargs', [
    dict(auth=None),
    dict(auth=('username', 'wrong')),
    dict(headers={'X-ID-TENANT-NAME': 'OtherDomain'}),
])
def test_auth_is_enforced_with_an_html_401(api, kwargs):
    answer = api.oracle('GET', MYSQL + '/patches/applied', **kwargs)
    assert answer.status_code == 401
    assert answer.headers['Content-Type'].startswith('text/html') and '<html>' in answer.text


def test_the_tenant_header_is_required(api):
    answer = api.session.get(api.url + MYSQL + '/patches/applied', auth=('username', 'password'), timeout=10)
    assert answer.status_code == 401


def test_unknown_instance_patch_and_job(api):
    assert api.oracle('GET', '/paas/api/v1.1/instancemgmt/%s/services/dbaas/instances/nope/patches/applied' % DOMAIN).status_code == 404
    patches = api.seed_instance('db1')
    assert api.oracle('PUT', patches + '/no-such-patch', json={}).status_code == 404
    assert api.oracle('GET', patches + '/applied/job/999').status_code == 404
    assert api.oracle('GET', patches + '/checks/job/999').status_code == 404


def test_apply_runs_pending_to_completed(api):
    patches = api.seed_instance('db1', duration=100, patchDescription='DB RU 19.21')
    assert [p['patchId'] for p in api.oracle('GET', patches + '/available').json()] == ['p1']
    answer = api.oracle('PUT', patches + '/p1', json={'additionalNote': 'change 42'})
    assert answer.status_code == 202
    body = answer.json()
    assert set(body) == {'message', 'jobId'}, 'dbaas answers the flat shape'
    job_id = body['jobId']
    assert answer.headers['Location'] == api.url + patches + '/applied/job/' + job_id
    assert answer.headers['Retry-After'] == '60'

    record = api.oracle('GET', patches + '/applied').json()[0]
    assert (record['operationType'], record['inProgress'], record['lastStatus']) == ('Patch', True, 'IN_PROGRESS')
    assert isinstance(record['id'], int) and record['rollbackId'] == str(record['id']) and record['rollbackId'] != job_id
    assert record['patchingResult']['jobId'] == job_id and record['jobId'] == job_id
    assert record['additionalNote'] == 'change 42'
    assert record['currentPatchLevel'] == record['rollbackVersion'] == '19.20.0.0'
    first = record['progressMessages']
    assert len(first) == 1 and first[0].endswith('Phase initialize started')

    api.advance(50)
    job = api.oracle('GET', patches + '/applied/job/' + job_id)
    assert job.status_code == 202
    middle = job.json()[0]['progressMessages']
    assert len(middle) > len(first) and middle[0] == first[0], 'messages grow and keep their timestamps'
    assert api.oracle('GET', patches + '/applied/job/' + job_id).json()[0]['progressMessages'] == middle

    api.advance(51)
    done = api.oracle('GET', patches + '/applied/job/' + job_id).json()[0]
    assert (done['lastStatus'], done['inProgress'], done['patchingResult']['patchingStatus']) == ('COMPLETED', False, 'COMPLETED')
    assert done['currentPatchLevel'] == '19.21.0.0' and done['rollbackVersion'] == '19.20.0.0'
    assert done['progressMessages'][-1].endswith('Completed') and done['patchingResult']['endDate']
    assert api.oracle('GET', patches + '/available').json() == [], 'an applied patch is no longer available'
    assert api.oracle('PUT', patches + '/p1', json={}).status_code == 404


def test_a_failing_patch_ends_failed_and_stays_available(api):
    patches = api.seed_instance('db1', duration=10, fail=True)
    job_id = api.oracle('PUT', patches + '/p1', json={}).json()['jobId']
    api.advance(11)
    record = api.oracle('GET', patches + '/applied/job/' + job_id).json()[0]
    assert (record['lastStatus'], record['inProgress'], record['patchingResult']['patchingStatus']) == ('FAILED', False, 'FAILED')
    assert record['progressMessages'][-1].endswith('Failed')
    assert [p['patchId'] for p in api.oracle('GET', patches + '/available').json()] == ['p1']


def test_one_operation_at_a_time_409(api):
    patches = api.seed_instance('db1', duration=100)
    api.oracle('PUT', patches + '/p1', json={})
    rollback_id = api.oracle('GET', patches + '/applied').json()[0]['id']
    assert api.oracle('PUT', patches + '/p1', json={}).status_code == 409
    assert api.oracle('PUT', patches + '/%s/rollback' % rollback_id, json={}).status_code == 409
    assert api.oracle('PUT', patches + '/checks/p1').status_code == 409
    assert 'message' in api.oracle('PUT', patches + '/p1', json={}).json()


def test_rollback_needs_a_json_body(api):
    for kwargs in (dict(), dict(data='not json', headers={'Content-Type': 'application/json'}), dict(data='[]')):
        answer = api.oracle('PUT', MYSQL + '/patches/234688/rollback', **kwargs)
        assert answer.status_code == 400 and 'message' in answer.json()
    assert api.oracle('GET', MYSQL + '/patches/applied').json()[0]['operationType'] == 'Patch', 'nothing started'


def test_rollback_of_an_applied_patch(api):
    patches = api.seed_instance('db1', duration=10, rollback_duration=20)
    patch_job = api.oracle('PUT', patches + '/p1', json={}).json()['jobId']
    api.advance(11)
    rollback_id = api.oracle('GET', patches + '/applied').json()[0]['rollbackId']
    assert rollback_id != 'p1'
    answer = api.oracle('PUT', patches + '/%s/rollback' % rollback_id, json={'additionalNote': 'undo'})
    assert answer.status_code == 202 and answer.headers['Retry-After'] == '60'
    rollback_job = answer.json()['jobId']
    assert rollback_job not in (patch_job, rollback_id)
    assert answer.headers['Location'].endswith('/patches/applied/job/' + rollback_job)

    record = api.oracle('GET', patches + '/applied/job/' + rollback_job).json()[0]
    assert (record['operationType'], record['lastStatus'], record['inProgress']) == ('Rollback', 'IN_PROGRESS', True)
    assert record['rollbackResult']['jobId'] == rollback_job and record['patchingResult']['jobId'] == patch_job
    assert record['rollbackResult']['additionalNote'] == 'undo'
    assert api.oracle('GET', patches + '/applied/job/' + patch_job).json() == [record], 'the patch job id finds it too'

    api.advance(21)
    record = api.oracle('GET', patches + '/applied/job/' + rollback_job).json()[0]
    assert (record['lastStatus'], record['inProgress'], record['rollbackResult']['patchingStatus']) == ('COMPLETED_ROLLBACK', False, 'COMPLETED')
    assert record['currentPatchLevel'] == '19.20.0.0'
    assert [p['patchId'] for p in api.oracle('GET', patches + '/available').json()] == ['p1'], 'back in available'
    again = api.oracle('PUT', patches + '/%s/rollback' % rollback_id, json={})
    assert again.status_code == 400, 'a second rollback is refused'


def test_a_failing_rollback(api):
    patches = api.seed_instance('db1', duration=1, rollback_duration=5, rollback_fail=True)
    api.oracle('PUT', patches + '/p1', json={})
    api.advance(2)
    rollback_id = api.oracle('GET', patches + '/applied').json()[0]['id']
    job_id = api.oracle('PUT', patches + '/%s/rollback' % rollback_id, json={}).json()['jobId']
    api.advance(6)
    record = api.oracle('GET', patches + '/applied/job/' + job_id).json()[0]
    assert (record['lastStatus'], record['operationType'], record['rollbackResult']['patchingStatus']) == ('FAILED', 'Rollback', 'FAILED')
    assert api.oracle('GET', patches + '/available').json() == []


def test_mysqlcs_writes_answer_the_nested_shape(api):
    patches = api.seed_instance('my1', service_type='MySQLCS', current_version='mysql 5.7.15', patchId='5.7.17-EE', toVersion='5.7.17')
    answer = api.oracle('PUT', patches + '/5.7.17-EE', json={})
    body = answer.json()
    assert answer.status_code == 202 and set(body) == {'status', 'details'} and set(body['details']) == {'message', 'jobId'}
    api.advance(31)
    record = api.oracle('GET', patches + '/applied/job/' + body['details']['jobId']).json()[0]
    assert record['currentPatchLevel'] == 'mysql 5.7.17'


@pytest.mark.parametrize('time_scale, retry_after', [(1, '60'), (2, '30'), (60, '1'), (1000, '1')])
def test_retry_after_follows_the_time_scale(api, time_scale, retry_after):
    api.config(time_scale=time_scale)
    patches = api.seed_instance('db1', duration=1000)
    assert api.oracle('PUT', patches + '/p1', json={}).headers['Retry-After'] == retry_after


def test_precheck_passes(api):
    patches = api.seed_instance('db1', precheck_duration=20)
    answer = api.oracle('PUT', patches + '/checks/p1')
    assert answer.status_code == 202 and set(answer.json()) == {'message', 'jobId'}
    job_id = answer.json()['jobId']
    assert answer.headers['Location'] == api.url + patches + '/checks/job/' + job_id and answer.headers['Retry-After'] == '60'
    check = api.oracle('GET', patches + '/checks/job/' + job_id)
    assert check.status_code == 202 and isinstance(check.json(), dict)
    body = check.json()
    assert set(body) == {'id', 'jobId', 'patchId', 'inProgress', 'status', 'startDate', 'endDate', 'performedBy', 'resultMessage',
                         'preCheckMessages'}
    assert isinstance(body['id'], int) and (body['status'], body['inProgress'], body['jobId']) == ('IN_PROGRESS', True, job_id)
    api.advance(21)
    body = api.oracle('GET', patches + '/checks/job/' + job_id).json()
    assert (body['status'], body['inProgress']) == ('PASSED_PRECHECK', False) and body['endDate'] and body['preCheckMessages']
    assert api.oracle('GET', patches + '/checks').json() == [body]
    assert [p['patchId'] for p in api.oracle('GET', patches + '/available').json()] == ['p1'], 'a precheck applies nothing'


def test_precheck_fails(api):
    patches = api.seed_instance('db1', precheck_fail=True, precheck_duration=5)
    job_id = api.oracle('PUT', patches + '/checks/p1', json={}).json()['jobId']
    api.advance(6)
    body = api.oracle('GET', patches + '/checks/job/' + job_id).json()
    assert body['status'] == 'DIDNT_PASS_PRECHECK' and any('failed' in m for m in body['preCheckMessages'])


def test_operations_appear_in_the_activity_log(api):
    patches = api.seed_instance('db1', duration=60)
    job_id = api.oracle('PUT', patches + '/p1', json={}).json()['jobId']
    record = api.oracle('GET', ACTIVITY + '/job/' + job_id)
    assert record.status_code == 200
    body = record.json()
    assert body['jobId'] == int(job_id) and body['status'] == 'NEW' and body['operationType'] == 'PATCH_SERVICE'
    assert body['serviceName'] == 'db1' and body['serviceType'] == 'dbaas' and body['endDate'] is None
    api.advance(10)
    body = api.oracle('GET', ACTIVITY + '/job/' + job_id).json()
    assert body['status'] == 'RUNNING' and [m['message'] for m in body['messages']][:2] == ['Activity Submitted', 'Activity Started']
    api.advance(60)
    body = api.oracle('GET', ACTIVITY + '/job/' + job_id).json()
    assert body['status'] == 'SUCCEED' and body['endDate'] and body['messages'][-1]['message'] == 'Activity Ended'


@pytest.mark.parametrize('patch, status', [(dict(warn=True), 'WARN'), (dict(fail=True), 'FAILED')])
def test_activity_log_warn_and_failed(api, patch, status):
    patches = api.seed_instance('db1', duration=5, **patch)
    job_id = api.oracle('PUT', patches + '/p1', json={}).json()['jobId']
    api.advance(6)
    assert api.oracle('GET', ACTIVITY + '/job/' + job_id).json()['status'] == status
    expected = 'FAILED' if status == 'FAILED' else 'COMPLETED'
    assert api.oracle('GET', patches + '/applied/job/' + job_id).json()[0]['lastStatus'] == expected


def test_activity_filter(api):
    patches = api.seed_instance('db1', duration=5, rollback_duration=5)
    apply_job = api.oracle('PUT', patches + '/p1', json={}).json()['jobId']
    api.advance(6)
    rollback_id = api.oracle('GET', patches + '/applied').json()[0]['id']
    rollback_job = api.oracle('PUT', patches + '/%s/rollback' % rollback_id, json={}).json()['jobId']
    api.admin('oracle/activities', {'jobId': 77, 'serviceName': 'db1', 'serviceType': 'dbaas', 'status': 'WARN',
                                    'operationType': 'PATCH_SERVICE', 'startDate': '2020-01-01T00:00:00.000+0000', 'messages': []})
    wrapped = api.oracle('GET', ACTIVITY + '/filter', params={'serviceName': 'db1', 'orderBy': 'startDate:asc'}).json()
    assert [r['jobId'] for r in wrapped['activityLogs']] == [77, int(apply_job), int(rollback_job)]
    newest_first = api.oracle('GET', ACTIVITY + '/filter', params={'serviceName': 'db1'}).json()
    assert [r['jobId'] for r in newest_first['activityLogs']] == [int(rollback_job), int(apply_job), 77], 'the documented default order'
    by_name = api.oracle('GET', ACTIVITY + '/filter', params={'status': 'WARN', 'orderBy': 'serviceName:asc'}).json()
    assert [r['jobId'] for r in by_name['activityLogs']] == [77]
    running = api.oracle('GET', ACTIVITY + '/filter', params={'serviceName': 'db1', 'status': ['NEW', 'RUNNING']}).json()
    assert [r['jobId'] for r in running['activityLogs']] == [int(rollback_job)]
    by_type = api.oracle('GET', ACTIVITY + '/filter', params={'operationType': ['ROLLBACK_PATCH', 'CREATE_SERVICE']}).json()
    assert sorted(r['jobId'] for r in by_type['activityLogs']) == sorted([int(rollback_job), 5150771])
    since = api.oracle('GET', ACTIVITY + '/filter', params={'serviceName': 'db1', 'fromStartDate': '2021-01-01T00:00:00Z'}).json()
    assert 77 not in [r['jobId'] for r in since['activityLogs']]
    assert api.oracle('GET', ACTIVITY + '/job/77').json()['status'] == 'WARN'
    api.config(activity_filter_shape='list')
    plain = api.oracle('GET', ACTIVITY + '/filter', params={'serviceName': 'db1', 'orderBy': 'startDate:desc'}).json()
    assert isinstance(plain, list) and [r['jobId'] for r in plain] == [int(rollback_job), int(apply_job), 77]


def test_activity_filter_pages(api):
    for job_id in range(1, 26):
        api.admin('oracle/activities', {'jobId': job_id, 'serviceName': 'paged', 'serviceType': 'dbaas', 'status': 'SUCCEED',
                                        'operationType': 'PATCH_SERVICE', 'startDate': '2020-01-01T00:00:%02d.000+0000' % job_id})

    def page(**params):
        answer = api.oracle('GET', ACTIVITY + '/filter', params=dict(serviceName='paged', orderBy='startDate:asc', **params)).json()
        return [r['jobId'] for r in answer['activityLogs']]

    assert page() == list(range(1, 11)), 'without a limit, one page of 10'
    assert page(limit=100) == list(range(1, 26))
    assert page(limit=10, offset=20) == list(range(21, 26))


def test_precheck_and_rollback_in_the_activity_log(api):
    patches = api.seed_instance('db1', duration=1, precheck_duration=1)
    check_job = api.oracle('PUT', patches + '/checks/p1').json()['jobId']
    assert api.oracle('GET', ACTIVITY + '/job/' + check_job).json()['operationType'] == 'PRECHECK_PATCH'
    rollback_job = api.oracle('PUT', MYSQL + '/patches/234688/rollback', json={}).json()['details']['jobId']
    assert api.oracle('GET', ACTIVITY + '/job/' + rollback_job).json()['operationType'] == 'ROLLBACK_PATCH'


def test_instance_lists_of_each_service_type(api):
    """Database Classic lists under /paas/service/dbcs (snake_case), MySQL Cloud Service under
    instancemgmt (camelCase), as their "View All Service Instances" pages show."""
    api.seed_instance('list-db01')
    dbaas = api.oracle('GET', '/paas/service/dbcs/api/v1.1/instances/%s' % DOMAIN)
    assert dbaas.status_code == 202 and dbaas.json()['service_type'] == 'dbaas'
    assert 'list-db01' in [s['service_name'] for s in dbaas.json()['services']]
    mysql = api.oracle('GET', '/paas/api/v1.1/instancemgmt/%s/services/MySQLCS/instances' % DOMAIN)
    assert mysql.status_code == 200 and [s['serviceName'] for s in mysql.json()['services']] == ['MyTestInstance']
    assert api.oracle('GET', '/paas/service/dbcs/api/v1.1/instances/%s' % DOMAIN, auth=('username', 'wrong')).status_code == 401
