# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""OTC RDS instances: versions, the db-upgrade job and its refusals, the task list."""

import pytest

from .client import PROJECT


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


def test_datastores_list_majors_and_minors(otc):
    names = [d['name'] for d in otc('GET', 'datastores/mysql').json()['dataStores']]
    assert '8.0' in names and '8.0.28' in names
    assert otc('GET', 'datastores/oracle').status_code == 400


def test_upgrade_runs_a_job_then_the_instance_shows_the_new_version_and_swapped_roles(api, otc):
    made = api.admin('otc/instances', {'name': 'db1', 'type': 'Ha', 'upgrade_seconds': 50})
    answer = otc('POST', 'instances/%s/db-upgrade' % made['id'], json={'is_delayed': False})
    assert answer.status_code == 202
    job_id = answer.json()['job_id']
    again = otc('POST', 'instances/%s/db-upgrade' % made['id'], json={'is_delayed': False})
    assert again.status_code == 400 and again.json()['error_code'] == 'DBS.200019'
    api.advance(10)
    tasks = otc('GET', 'tasklist', params={'instance_id': made['id'], 'status': 'Running'}).json()
    assert [t['id'] for t in tasks['tasks']] == [job_id] and tasks['tasks'][0]['name'] == 'UpgradeMysqlMinorVersion'
    api.advance(100)  # a pair takes twice upgrade_seconds
    assert otc('GET', 'jobs', params={'id': job_id}).json()['job']['status'] == 'Completed'
    doc = instance(otc, id=made['id'])
    assert doc['datastore']['complete_version'] == '8.0.28' and [n['role'] for n in doc['nodes']] == ['slave', 'master']
    newest = otc('POST', 'instances/%s/db-upgrade' % made['id'], json={})
    assert newest.status_code == 400 and newest.json()['error_code'] == 'DBS.201015'


def test_a_failed_upgrade_leaves_the_version(api, otc):
    made = api.admin('otc/instances', {'name': 'db1', 'fail': True, 'upgrade_seconds': 5})
    job_id = otc('POST', 'instances/%s/db-upgrade' % made['id'], json={}).json()['job_id']
    api.advance(10)
    assert otc('GET', 'jobs', params={'id': job_id}).json()['job']['status'] == 'Failed'
    assert instance(otc, id=made['id'])['datastore']['complete_version'] == '8.0.21'


def test_a_delayed_upgrade_waits_for_the_window(api, otc):
    api.config(otc_window_delay=100)
    made = api.admin('otc/instances', {'name': 'db1', 'upgrade_seconds': 10})
    job_id = otc('POST', 'instances/%s/db-upgrade' % made['id'], json={'is_delayed': True}).json()['job_id']
    api.advance(50)
    assert otc('GET', 'jobs', params={'id': job_id}).json()['job']['status'] == 'Pending'
    api.advance(100)
    assert otc('GET', 'jobs', params={'id': job_id}).json()['job']['status'] == 'Completed'


@pytest.mark.parametrize('seed, body, code', [
    ({'nodes': [{'id': 'n1', 'name': 'n1', 'role': 'master', 'status': 'ABNORMAL'}]}, {}, 'DBS.201014'),
    ({'version': '8.0.28'}, {}, 'DBS.201015'),
    ({'engine': 'PostgreSQL', 'version': '14.6'}, {'is_delayed': True}, 'DBS.201016'),
    ({}, {'is_delayed': 'yes'}, 'DBS.200040'),
])
def test_refused_upgrades(api, otc, seed, body, code):
    made = api.admin('otc/instances', dict(seed, name='db1'))
    answer = otc('POST', 'instances/%s/db-upgrade' % made['id'], json=body)
    assert answer.status_code == 400 and answer.json()['error_code'] == code
    assert otc('POST', 'instances/nope/db-upgrade', json={}).status_code == 404


def test_tasklist_pages_and_checks_limit(api, otc):
    for number in range(3):
        api.admin('otc/jobs', {'id': 'j%d' % number, 'instance': {'id': 'i1', 'name': 'db1'}})
        api.advance(1)
    page = otc('GET', 'tasklist', params={'instance_id': 'i1', 'limit': 2, 'offset': 1}).json()
    assert page['total_count'] == 3 and [t['id'] for t in page['tasks']] == ['j1', 'j0']
    assert otc('GET', 'tasklist', params={'limit': 51}).status_code == 400
