# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""OTC RDS instances: versions, the db-upgrade job and its refusals, the task list."""

import calendar
import time

import pytest

from ..client import PROJECT


@pytest.fixture
def otc(api):
    token = api.otc_login().headers['X-Subject-Token']

    def call(method, path, **kwargs):
        return api.session.request(method, '%s/v3/%s/%s' % (api.url, PROJECT, path),
                                   headers={'X-Auth-Token': token}, timeout=10, **kwargs)
    return call


def instance(otc, **query):
    answer = otc('GET', 'instances', params=query).json()
    assert answer['total_count'] == len(answer['instances'])
    return answer['instances'][0] if answer['instances'] else None


def test_instances_by_id_and_name_show_versions_nodes_and_window(api, otc):
    made = api.admin('otc/instances', {'name': 'db1', 'type': 'Ha', 'version': '8.0.21'})
    doc = instance(otc, id=made['id'])
    assert doc == instance(otc, name='db1')
    assert doc['datastore'] == {'type': 'MySQL', 'version': '8.0', 'complete_version': '8.0.21'}
    assert [n['role'] for n in doc['nodes']] == ['master', 'slave'] and doc['maintenance_window'] == '22:00-02:00'
    assert instance(otc, name='nope') is None


def test_datastores_list_majors_only_as_otc_documents(api, otc):
    """"Only the major version number (two digits) is returned" (OTC, Querying Version Information About a DB Engine)."""
    assert [d['name'] for d in otc('GET', 'datastores/mysql').json()['dataStores']] == ['5.7', '8.0']
    api.config(otc_list_minor_versions=1)  # as Huawei Cloud lists them
    names = [d['name'] for d in otc('GET', 'datastores/mysql').json()['dataStores']]
    assert '8.0' in names and '8.0.28' in names
    unsupported = otc('GET', 'datastores/oracle')
    assert unsupported.status_code == 400 and unsupported.json()['error_code'] == 'DBS.200040'


def test_upgrade_runs_a_job_then_the_instance_shows_the_new_version_and_swapped_roles(api, otc):
    made = api.admin('otc/instances', {'name': 'db1', 'type': 'Ha', 'upgrade_seconds': 50})
    answer = otc('POST', 'instances/%s/db-upgrade' % made['id'], json={'is_delayed': False})
    assert answer.status_code == 202
    job_id = answer.json()['job_id']
    again = otc('POST', 'instances/%s/db-upgrade' % made['id'], json={'is_delayed': False})
    assert again.status_code == 409 and again.json()['error_code'] == 'DBS.200019'
    api.advance(10)
    tasks = otc('GET', 'tasklist', params={'instance_id': made['id'], 'status': 'Running'}).json()
    assert [t['id'] for t in tasks['tasks']] == [job_id] and tasks['actions'] == ['UpgradeMysqlMinorVersion']
    task = tasks['tasks'][0]
    assert set(task) == {'id', 'name', 'instance_id', 'instance_name', 'instance_status', 'order_id', 'process',
                         'create_time', 'end_time', 'status'}, 'the fields of Querying Instant Tasks'
    assert task['name'] == 'UpgradeMysqlMinorVersion' and task['process'] == '10%' and task['instance_name'] == 'db1'
    api.advance(100)  # a pair takes twice upgrade_seconds
    done = otc('GET', 'tasklist', params={'id': job_id}).json()['tasks']
    assert [(t['status'], t['process']) for t in done] == [('Completed', '')]
    doc = instance(otc, id=made['id'])
    assert doc['datastore']['complete_version'] == '8.0.28' and [n['role'] for n in doc['nodes']] == ['slave', 'master']


def test_jobs_does_not_report_an_upgrade_the_task_list_does(api, otc):
    """OTC's /jobs lists the tasks it reports, and a minor-version upgrade is not among them."""
    made = api.admin('otc/instances', {'name': 'db1', 'upgrade_seconds': 50})
    job_id = otc('POST', 'instances/%s/db-upgrade' % made['id'], json={}).json()['job_id']
    created = api.admin('otc/jobs', {'name': 'CreateMysqlSingleHAInstance', 'duration': 50})['id']
    for moment in (10, 100):
        api.advance(moment)
        answer = otc('GET', 'jobs', params={'id': job_id})
        assert answer.status_code == 400 and answer.json()['error_code'] == 'DBS.200543'
        assert otc('GET', 'tasklist', params={'id': job_id}).json()['total_count'] == 1
    assert otc('GET', 'jobs', params={'id': created}).json()['job']['status'] == 'Completed'
    api.config(otc_jobs_report_all=1)
    assert otc('GET', 'jobs', params={'id': job_id}).json()['job']['status'] == 'Completed'


def test_an_upgrade_on_the_newest_minor_version_runs_a_job_that_changes_nothing(api, otc):
    """Undocumented on OTC (the console offers no upgrade then): the simulator accepts it."""
    made = api.admin('otc/instances', {'name': 'db1', 'version': '8.0.28', 'type': 'Ha', 'upgrade_seconds': 5})
    assert otc('POST', 'instances/%s/db-upgrade' % made['id'], json={}).status_code == 202
    api.advance(20)
    doc = instance(otc, id=made['id'])
    assert doc['datastore']['complete_version'] == '8.0.28' and [n['role'] for n in doc['nodes']] == ['master', 'slave']


def test_a_failed_upgrade_leaves_the_version(api, otc):
    made = api.admin('otc/instances', {'name': 'db1', 'fail': True, 'upgrade_seconds': 5})
    job_id = otc('POST', 'instances/%s/db-upgrade' % made['id'], json={}).json()['job_id']
    api.advance(10)
    task, = otc('GET', 'tasklist', params={'id': job_id}).json()['tasks']
    assert task['status'] == 'Failed' and task['fail_reason']
    assert instance(otc, id=made['id'])['datastore']['complete_version'] == '8.0.21'


def test_a_delayed_upgrade_is_a_scheduled_task_until_the_window(api, otc):
    api.config(otc_window_delay=100)
    made = api.admin('otc/instances', {'name': 'db1', 'upgrade_seconds': 10})
    job_id = otc('POST', 'instances/%s/db-upgrade' % made['id'], json={'is_delayed': True}).json()['job_id']
    api.advance(50)
    assert otc('GET', 'tasklist', params={'id': job_id}).json()['total_count'] == 0
    scheduled = otc('GET', 'schedule-tasks', params={'instance_id': made['id']}).json()
    assert [(t['id'], t['status']) for t in scheduled['schedule_tasks']] == [(job_id, 'Pending')]
    assert otc('POST', 'instances/%s/db-upgrade' % made['id'], json={}).status_code == 409, 'one upgrade at a time'
    api.advance(100)
    assert [t['status'] for t in otc('GET', 'tasklist', params={'id': job_id}).json()['tasks']] == ['Completed']
    assert instance(otc, id=made['id'])['datastore']['complete_version'] == '8.0.28'


@pytest.mark.parametrize('seed, body, status, code', [
    ({'nodes': [{'id': 'n1', 'name': 'n1', 'role': 'master', 'status': 'ABNORMAL'}]}, {}, 400, 'DBS.201014'),
    ({'engine': 'PostgreSQL', 'version': '14.6'}, {'is_delayed': True}, 400, 'DBS.200001'),
    ({'engine': 'SQLServer', 'version': '2019_SE'}, {}, 400, 'DBS.200040'),
    ({}, {'is_delayed': 'yes'}, 400, 'DBS.200001'),
])
def test_refused_upgrades_carry_the_documented_codes(api, otc, seed, body, status, code):
    made = api.admin('otc/instances', dict(seed, name='db1'))
    answer = otc('POST', 'instances/%s/db-upgrade' % made['id'], json=body)
    assert (answer.status_code, answer.json()['error_code']) == (status, code)
    missing = otc('POST', 'instances/nope/db-upgrade', json={})
    assert (missing.status_code, missing.json()['error_code']) == (404, 'DBS.200002')


def test_tasklist_pages_filters_and_checks_limit(api, otc):
    for number in range(3):
        api.admin('otc/jobs', {'id': 'j%d' % number, 'instance': {'id': 'i1', 'name': 'db1'}})
        api.advance(1)
    page = otc('GET', 'tasklist', params={'instance_id': 'i1', 'limit': 2, 'offset': 1}).json()
    assert page['total_count'] == 3 and [t['id'] for t in page['tasks']] == ['j1', 'j0']
    assert otc('GET', 'tasklist', params={'limit': 51}).status_code == 400
    newest = otc('GET', 'tasklist', params={'instance_id': 'i1', 'limit': 50}).json()['tasks'][0]
    from_ms = calendar.timegm(time.strptime(newest['create_time'], '%Y-%m-%dT%H:%M:%S+0000')) * 1000
    assert [t['id'] for t in otc('GET', 'tasklist', params={'start_time': from_ms}).json()['tasks']] == ['j2']
