# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from ansible_collections.dbops.patching.plugins.modules import activity_log_info, patch_info
from ansible_collections.dbops.patching.tests.unit.plugins.modules.oracle_payloads import (
    API, APPLIED, ARGS, AVAILABLE, DOMAIN, applied_record, available,
)
from ansible_collections.dbops.patching.tests.unit.utils.harness import Call

LOG = API + '/paas/api/v1.1/activitylog/%s' % DOMAIN
CONNECTION = dict((k, v) for k, v in ARGS.items() if k not in ('service_type', 'service_name'))


def record(job_id, status):
    return {'jobId': job_id, 'status': status, 'operationType': 'PATCH_SERVICE', 'startDate': '2026-11-24T10:00:00.000+0000',
            'endDate': None, 'serviceName': 'db01', 'messages': [{'activityDate': 'x', 'message': 'Activity Started'}]}


def test_one_job_by_id(runner):
    result = runner.success(activity_log_info.main, dict(CONNECTION, job_id='5150771'), [
        Call('GET', LOG + '/job/5150771', json_body=record(5150771, 'WARN')),
    ])
    assert result['job']['id'] == '5150771' and result['job']['state'] == 'succeeded' and result['job']['with_warnings']


def test_search_with_repeated_filters(runner):
    query = {'serviceName': 'db01', 'serviceType': 'dbaas', 'operationType': ['PATCH_SERVICE', 'ROLLBACK_PATCH'],
             'status': ['RUNNING'], 'fromStartDate': '2026-11-01T00:00:00Z', 'orderBy': 'startDate:desc'}
    result = runner.success(activity_log_info.main, dict(CONNECTION, service_name='db01', service_type='dbaas',
                                                         operation_type=['PATCH_SERVICE', 'ROLLBACK_PATCH'], status=['RUNNING'],
                                                         from_start_date='2026-11-01T00:00:00Z', order_by='startDate:desc'), [
        Call('GET', LOG + '/filter', json_body={'activityLogs': [record(1, 'RUNNING'), record(2, 'RUNNING')]}, expect_params=query),
    ])
    assert [a['id'] for a in result['activities']] == ['1', '2'] and result['summary']['running'] == 2


def test_wait_on_many_and_wait_without_ids(runner):
    result = runner.success(activity_log_info.main, dict(CONNECTION, job_ids=['1', '2'], wait=True), [
        Call('GET', LOG + '/job/1', json_body=record(1, 'SUCCEED')),
        Call('GET', LOG + '/job/2', json_body=record(2, 'RUNNING')),
        Call('GET', LOG + '/job/2', json_body=record(2, 'FAILED')),
    ], any_order=True)
    assert result['summary']['succeeded'] == 1 and result['summary']['failed'] == 1
    failed = runner.failure(activity_log_info.main, dict(CONNECTION, status=['RUNNING'], wait=True), [])
    assert failed['msg'].startswith('wait=true needs job_id or job_ids')


def test_patch_info_lists_both_sides(runner):
    result = runner.success(patch_info.main, ARGS, [
        Call('GET', APPLIED, json_body=[applied_record(), applied_record(operation='Rollback', status='COMPLETED_ROLLBACK')]),
        Call('GET', AVAILABLE, json_body={'patches': available('5.7.17-EE')}),
    ])
    assert [a['patch_id'] for a in result['available']] == ['5.7.17-EE']
    expected = [('Patch', 'succeeded', '234688'), ('Rollback', 'succeeded', '234688')]
    assert [(a['operation'], a['state'], a['rollback_id']) for a in result['applied']] == expected
    assert result['current_patch_level'] == 'mysql 5.7.15'
    assert result['changed'] is False
