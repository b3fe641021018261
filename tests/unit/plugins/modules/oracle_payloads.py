# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Canned Oracle PSM payloads shaped like the api-docs seed pages, for module tests."""

API = 'https://psm.example.com'
DOMAIN = 'ExampleIdentityDomain'
PASSWORD = 's3cr3t-pw'
ARGS = dict(api_url=API, identity_domain=DOMAIN, username='username', password=PASSWORD,
            service_type='MySQLCS', service_name='MyTestInstance')
BASE = API + '/paas/api/v1.1/instancemgmt/%s/services/MySQLCS/instances/MyTestInstance' % DOMAIN
APPLIED = BASE + '/patches/applied'
AVAILABLE = BASE + '/patches/available'
PATCH_ID = '5.7.16-EE'
ROLLBACK_ID = '234688'


def available(*patch_ids):
    return [{'patchId': pid, 'displayName': pid.split('-')[0], 'toVersion': pid.split('-')[0],
             'patchDescription': 'MySQL Server version %s' % pid} for pid in patch_ids]


def applied_record(operation='Patch', status='COMPLETED', job_id='4207169', in_progress=False, rollback_job_id='4208393'):
    """An applied-patch record as GET patches/applied and the job GET return it (seed 001)."""
    record = {
        'patchId': PATCH_ID, 'id': int(ROLLBACK_ID), 'rollbackId': ROLLBACK_ID, 'jobId': job_id,
        'operationType': operation, 'lastStatus': status, 'inProgress': in_progress,
        'lastStatusMessage': '%s %s' % (operation, status), 'currentPatchLevel': 'mysql 5.7.16',
        'rollbackVersion': 'mysql 5.7.15',
        'patchingResult': {'jobId': '4207169', 'patchingStatus': status if operation == 'Patch' else 'COMPLETED',
                           'startDate': '2016-12-13T21:13:16.038+0000', 'endDate': '2016-12-13T21:15:04.030+0000',
                           'resultMessage': 'MySQL patching succeeded', 'progressMessages': ['9:15:03.911 PM Completed']},
    }
    if operation == 'Rollback':
        record['rollbackResult'] = {'jobId': rollback_job_id, 'patchingStatus': status,
                                    'startDate': '2016-12-14T00:36:22.831+0000', 'endDate': '2016-12-14T00:36:23.033+0000',
                                    'progressMessages': ['12:36:22.828 AM Phase initialize started']}
        record['jobId'] = rollback_job_id
    return record


def write_answer(job_id, wrapped=True):
    """Both documented shapes of a write's 202 answer."""
    message = 'PATCHING-5038: submitted as an asynchronous job.'
    if wrapped:
        return {'status': 'Completed', 'details': {'message': message, 'jobId': job_id}}
    return {'message': message, 'jobId': job_id}
