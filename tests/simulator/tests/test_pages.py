# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every example request of the api-docs pages, replayed against the seeds, with
the documented answer: status, headers, body (byte for byte where a page shows one)."""

import json
import os
import re

import pytest

from ..client import ACTIVITY, DOMAIN, MYSQL, PROJECT, instance_path

PAGES = os.environ.get('DBOPS_API_DOCS')  # a directory with the api-docs pages, to check the fixtures against
SEED_FIXTURES = ['oracle_001_rollback_answer.json', 'oracle_001_rollback_job_4208393.json', 'activity_002_job_5150771.json'] + [
    'otc_004_example_%d.json' % number for number in range(1, 7)]


@pytest.mark.skipif(not PAGES, reason='set DBOPS_API_DOCS to the api-docs directory to compare the fixtures with the pages')
@pytest.mark.parametrize('name', SEED_FIXTURES)
def test_fixtures_are_cut_from_the_pages(page_body, name):
    pages = ''
    for page in sorted(os.listdir(PAGES)):
        with open(os.path.join(PAGES, page), encoding='utf-8') as handle:
            pages += handle.read()
    assert page_body(name) in pages


def test_001_rollback_request_answers_the_documented_202(api, page_body):
    """curl -i -X PUT -u username:password -H 'X-ID-TENANT-NAME: ...' -H 'Accept: ...' -H 'Content-Type: ...' -d '{}' .../rollback"""
    answer = api.oracle('PUT', MYSQL + '/patches/234688/rollback', data='{}', headers={'Content-Type': 'application/json'})
    assert answer.status_code == 202
    assert answer.headers['Location'] == api.url + MYSQL + '/patches/applied/job/4208393'
    assert answer.headers['Retry-After'] == '60'
    assert answer.headers['Content-Type'] == 'application/json'
    assert answer.headers['Content-Language'] == 'en' and answer.headers['X-Frame-Options'] == 'DENY'
    assert answer.text == page_body('oracle_001_rollback_answer.json')
    assert answer.json()['details']['jobId'] == '4208393' and answer.json()['status'] == 'Completed'


def test_001_rollback_status_answers_the_documented_array(api, page_body):
    """curl -i -X GET ... .../patches/applied/job/4208393 (after the rollback)"""
    api.oracle('PUT', MYSQL + '/patches/234688/rollback', json={})
    answer = api.oracle('GET', MYSQL + '/patches/applied/job/4208393', headers={'Content-Type': 'application/json'})
    assert answer.status_code == 202
    assert answer.headers['Content-Location'] == api.url + MYSQL + '/patches/applied/234688'
    assert answer.text == page_body('oracle_001_rollback_job_4208393.json')
    record = answer.json()[0]
    assert (record['id'], record['rollbackId'], record['jobId']) == (234688, '234688', '4208393')
    assert record['rollbackResult']['jobId'] == '4208393' and record['patchingResult']['jobId'] == '4207169'


def test_001_the_documented_rollback_then_completes(api):
    api.oracle('PUT', MYSQL + '/patches/234688/rollback', json={})
    api.advance(121)
    record = api.oracle('GET', MYSQL + '/patches/applied/job/4208393').json()[0]
    assert (record['lastStatus'], record['inProgress'], record['operationType']) == ('COMPLETED_ROLLBACK', False, 'Rollback')
    assert record['rollbackResult']['patchingStatus'] == 'COMPLETED'
    assert record['progressMessages'][-1].endswith('Completed')
    available = api.oracle('GET', MYSQL + '/patches/available').json()
    assert [p['patchId'] for p in available] == ['5.7.16-EE']
    assert api.oracle('GET', MYSQL + '/patches/applied/job/4207169').json()[0]['currentPatchLevel'] == 'mysql 5.7.15'


def test_001_seed_before_the_rollback(api):
    applied = api.oracle('GET', MYSQL + '/patches/applied')
    assert applied.status_code == 200
    record = applied.json()[0]
    assert (record['patchId'], record['id'], record['rollbackId']) == ('5.7.16-EE', 234688, '234688')
    assert (record['lastStatus'], record['operationType'], record['inProgress']) == ('COMPLETED', 'Patch', False)
    assert record['jobId'] == '4207169' and 'rollbackResult' not in record
    assert api.oracle('GET', MYSQL + '/patches/available').json() == []


def test_000_dbaas_job_status_of_a_patch(api):
    """GET /paas/api/v1.1/instancemgmt/{identityDomainId}/services/dbaas/instances/{serviceId}/patches/applied/job/{jobId}"""
    patches = api.seed_instance('db000', duration=300)
    job_id = api.oracle('PUT', patches + '/p1', json={}).json()['jobId']
    answer = api.oracle('GET', patches + '/applied/job/' + job_id)
    assert answer.status_code == 202 and isinstance(answer.json(), list)
    record = answer.json()[0]
    for key in ('patchId', 'id', 'rollbackId', 'jobId', 'lastStatus', 'inProgress', 'operationType', 'patchingResult',
                'progressMessages', 'currentPatchLevel', 'rollbackVersion', 'patchType', 'appliedBy', 'appliedDate'):
        assert key in record, key
    for key in ('jobId', 'patchingStatus', 'progressMessages', 'startDate', 'endDate', 'versionBeforeThisPatch'):
        assert key in record['patchingResult'], key


def test_002_activity_job_by_id_byte_for_byte(api, page_body):
    """curl -i -X GET -u username:password -H 'X-ID-TENANT-NAME: ...' -H 'Accept: ...' .../activitylog/ExampleIdentityDomain/job/5150771"""
    answer = api.oracle('GET', ACTIVITY + '/job/5150771')
    assert answer.status_code == 200
    assert answer.headers['Content-Type'] == 'application/json'
    assert answer.text == page_body('activity_002_job_5150771.json')
    body = answer.json()
    assert body['jobId'] == 5150771 and body['status'] == 'SUCCEED' and len(body['messages']) == 17
    assert body['identityDomain'] == DOMAIN


def test_002_the_activity_is_found_by_the_filter(api):
    answer = api.oracle('GET', ACTIVITY + '/filter', params={'serviceName': 'MyTestInstance', 'status': 'SUCCEED'})
    assert answer.status_code == 200
    assert [r['jobId'] for r in answer.json()['activityLogs']] == [5150771]


@pytest.mark.parametrize('number', range(1, 7))
def test_004_each_example_byte_for_byte(api, page_body, number):
    """Byte for byte but for the job id, which is the id asked for (as the real API answers)."""
    answer = api.otc_job('seed-004-%d' % number)
    assert answer.status_code == 200
    page = page_body('otc_004_example_%d.json' % number)
    assert answer.text == re.sub(r'("id"\s*:\s*")[^"]*', lambda match: match.group(1) + 'seed-004-%d' % number, page, count=1)
    assert answer.json()['job']['id'] == 'seed-004-%d' % number


def test_004_the_page_ids(api, page_body):
    """The plain id answers example 1; the spaced one is examples 5 then 6 (one job, running, then failed)."""
    assert api.otc_job('31b8ae23-c687-4d80-b7b4-42a66c9bb886').text == page_body('otc_004_example_1.json')
    spaced = '31 b8ae23 - c687 - 4 d80 - b7b4 - 42 a66c9bb886'
    running = api.otc_job(spaced)
    assert running.status_code == 200 and running.text == page_body('otc_004_example_5.json')
    assert running.json()['job'][' status'] == 'Running' and running.json()['job']['process'] == '60 % '
    api.advance(601)
    failed = api.otc_job(spaced)
    assert failed.text == page_body('otc_004_example_6.json') and failed.json()['job']['fail_reason'] == 'createVM failed.'


def test_004_the_request_example(api):
    """GET https://rds.eu-de.otc.t-systems.com/v3/0483b6b16e954cb88930a360d2c4e663/jobs?id=a9767ede-fe0f-4888-9003-e843a4c90514"""
    answer = api.otc_job('a9767ede-fe0f-4888-9003-e843a4c90514')
    assert answer.status_code == 200
    job = answer.json()['job']
    assert set(job) == {'id', 'name', 'status', 'created', 'process', 'instance', 'entities'}
    assert job['status'] == 'Running' and job['process'].endswith('%') and job['instance']['id'].endswith('in01')
    token = api.otc_login().headers['X-Subject-Token']
    missing = api.session.get(api.url + '/v3/%s/jobs' % PROJECT, headers={'X-Auth-Token': token}, timeout=10)
    assert missing.status_code == 400 and missing.json()['error_code'] == 'DBS.200001'


def test_003_execution_details(api, page_body):
    """GET https://patching.useast.appfog.ctl.io/rest/servers/OSD/server/VA1OSDPATCH33/patch/VA1-132457"""
    answer = api.clc('GET', '/rest/servers/OSD/server/VA1OSDPATCH33/patch/VA1-132457')
    assert answer.status_code == 200
    body = answer.json()
    assert body == json.loads(page_body('clc_003_execution_VA1-132457.json'))
    assert body['execution_id'] == 'VA1-132457' and body['status'] == 'COMPLETED'
    assert body['begin_message'] == 'Update Process BEGIN' and body['end_message'] == 'Updating Complete'
    assert [p['patch_end_message'] for p in body['patches']] == ['Result Code: 2', 'Result Code: 3']
    for patch in body['patches']:
        assert set(patch) == {'patch_begin_message', 'patch_end_message', 'status', 'start_time', 'end_time'}


def test_003_execution_summary(api):
    answer = api.clc('GET', '/rest/servers/OSD/server/VA1OSDPATCH33/patch')
    assert answer.status_code == 200
    assert [(e['execution_id'], e['status'], e['patches']) for e in answer.json()] == [('VA1-132457', 'COMPLETED', 2)]


def test_instance_path_helper_matches_the_page_paths():
    assert instance_path('MyTestInstance', 'MySQLCS') == MYSQL
