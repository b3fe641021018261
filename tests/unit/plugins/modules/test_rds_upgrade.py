# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""rds_upgrade and rds_instance_info against expected RDS calls."""

import pytest

from ansible_collections.dbops.patching.plugins.module_utils import _otc
from ansible_collections.dbops.patching.plugins.modules import rds_instance_info, rds_upgrade
from ansible_collections.dbops.patching.tests.unit.utils.harness import Call

PROJECT = '0483b6b16e954cb88930a360d2c4e663'
BASE = 'https://rds.eu-de.otc.t-systems.com/v3/%s/' % PROJECT
ARGS = dict(auth_token='given-token', project_id=PROJECT, instance_name='orders')
INSTANCE_ID = 'a48e43ff268f4c0e879652d65e63d0fbin01'
VERSIONS = {'dataStores': [{'id': 'v%d' % n, 'name': name} for n, name in enumerate(['5.7', '5.7.41', '8.0', '8.0.21', '8.0.28'])]}


def instance(version='8.0.21', node_status='ACTIVE', name='orders', instance_id=INSTANCE_ID, roles=('master', 'slave')):
    return {'id': instance_id, 'name': name, 'status': 'ACTIVE', 'type': 'Ha',
            'datastore': {'type': 'MySQL', 'version': '8.0', 'complete_version': version},
            'nodes': [{'id': 'n%d' % n, 'name': 'orders_node%d' % n, 'role': role, 'status': node_status if n else 'ACTIVE'}
                      for n, role in enumerate(roles)], 'maintenance_window': '22:00-02:00'}


def instances(*docs):
    return Call('GET', BASE + 'instances', json_body={'instances': list(docs), 'total_count': len(docs)})


def versions(body=None):
    return Call('GET', BASE + 'datastores/mysql', json_body=body or VERSIONS)


def tasks(*docs):
    return Call('GET', BASE + 'tasklist', json_body={'tasks': list(docs), 'total_count': len(docs)},
                expect_params={'instance_id': INSTANCE_ID, 'limit': 50})


def task(job_id='job-1', status='Running', name='UpgradeMysqlMinorVersion'):
    return {'id': job_id, 'name': name, 'status': status, 'process': '10%', 'created': '2026-11-28T04:00:00+0000',
            'instance_id': INSTANCE_ID, 'instance_name': 'orders'}


def job(status='Completed', job_id='job-1', **extra):
    body = dict(id=job_id, name='UpgradeMysqlMinorVersion', status=status, created='2026-11-28T04:00:00+0000', process='',
                instance={'id': INSTANCE_ID, 'name': 'orders'}, entities={})
    body.update(extra)
    return Call('GET', BASE + 'jobs', json_body={'job': body}, expect_params={'id': job_id})


def post(status=202, body=None, **kwargs):
    return Call('POST', BASE + 'instances/%s/db-upgrade' % INSTANCE_ID, status=status,
                json_body={'job_id': 'job-1'} if body is None else body, expect_json={'is_delayed': False}, **kwargs)


def after(version='8.0.28'):
    return [instances(instance(version, roles=('slave', 'master'))), versions()]


def test_fresh_upgrade_is_sent_once_and_followed_to_the_new_version(runner):
    result = runner.success(rds_upgrade.main, dict(ARGS, poll_interval=5), [
        instances(instance()), versions(), tasks(), post(), job('Running', process='50%'), job('Completed')] + after())
    assert result['changed'] and result['job_id'] == 'job-1' and result['job']['state'] == 'succeeded'
    assert (result['version_before'], result['version_after']) == ('8.0.21', '8.0.28')
    assert result['instance']['upgrade_available'] is False
    assert [n['role'] for n in result['instance']['nodes']] == ['slave', 'master']
    assert len(runner.session.writes()) == 1


def test_already_on_the_newest_minor_version_sends_nothing(runner):
    result = runner.success(rds_upgrade.main, ARGS, [instances(instance('8.0.28')), versions(), tasks()])
    assert not result['changed'] and result['job_id'] is None and result['version_after'] == '8.0.28'
    assert 'newest minor version' in result['msg'] and not runner.session.writes()


def test_a_running_upgrade_read_once_says_the_version_it_will_reach(runner):
    result = runner.success(rds_upgrade.main, dict(ARGS, wait=False), [
        instances(instance()), versions(), tasks(task()), job('Running', process='50%')])
    assert not result['changed'] and result['job_id'] == 'job-1' and result['job']['state'] == 'running'
    assert (result['version_before'], result['version_after']) == ('8.0.21', '8.0.28')


def test_a_running_upgrade_is_followed_never_started_again(runner):
    result = runner.success(rds_upgrade.main, dict(ARGS, poll_interval=5), [
        instances(instance()), versions(), tasks(task()), job('Completed')] + after())
    assert not result['changed'] and result['job_id'] == 'job-1' and result['version_after'] == '8.0.28'
    assert not runner.session.writes()


@pytest.mark.parametrize('lost', [dict(status=502, body={'message': 'Bad Gateway'}), dict(status=200, body={})])
def test_a_lost_answer_is_recovered_from_the_task_list(runner, lost):
    result = runner.success(rds_upgrade.main, dict(ARGS, poll_interval=5), [
        instances(instance()), versions(), tasks(task('old', 'Completed', 'RestartInstance')), post(**lost),
        tasks(task('old', 'Completed', 'RestartInstance')), tasks(task(), task('old', 'Completed', 'RestartInstance')),
        job('Completed')] + after())
    assert result['changed'] and result['job_id'] == 'job-1' and len(runner.session.writes()) == 1


def test_check_mode_with_diff_reads_only(runner):
    result = runner.success(rds_upgrade.main, ARGS, [instances(instance()), versions(), tasks()], check_mode=True, diff=True)
    assert result['changed'] and result['job_id'] is None and result['version_after'] == '8.0.28'
    assert result['diff'] == {'before': {'version': '8.0.21'}, 'after': {'version': '8.0.28'}}
    assert not runner.session.writes()


def test_abnormal_nodes_are_named_before_anything_is_sent(runner):
    result = runner.failure(rds_upgrade.main, ARGS, [instances(instance(node_status='ABNORMAL')), versions(), tasks()])
    assert 'orders_node1 (slave) is ABNORMAL' in result['msg'] and not result['changed'] and not runner.session.writes()


def test_another_operation_blocks_the_upgrade(runner):
    result = runner.failure(rds_upgrade.main, ARGS, [instances(instance()), versions(), tasks(task('r1', name='RestartInstance'))])
    assert 'RestartInstance (job r1)' in result['msg'] and not runner.session.writes()


def test_a_busy_answer_is_a_conflict_and_changes_nothing(runner):
    busy = {'error_code': 'DBS.200019', 'error_msg': 'Another operation is being performed on the DB instance.'}
    result = runner.failure(rds_upgrade.main, ARGS, [instances(instance()), versions(), tasks(), post(400, busy)])
    assert not result['changed'] and 'Another operation' in result['msg']


def test_a_region_without_minor_versions_lets_the_cloud_decide(runner):
    majors = {'dataStores': [{'id': 'v1', 'name': '8.0'}]}
    newest = {'error_code': 'DBS.201015', 'error_msg': 'The DB instance is already of the latest minor version.'}
    result = runner.success(rds_upgrade.main, ARGS, [instances(instance('8.0.28')), versions(majors), tasks(), post(400, newest)])
    assert not result['changed'] and 'already on the newest minor version' in result['msg'] and result['job_id'] is None


def test_delayed_upgrade_reads_its_job_once(runner):
    delayed = post()
    delayed.expect_json = {'is_delayed': True}
    result = runner.success(rds_upgrade.main, dict(ARGS, delayed=True), [
        instances(instance()), versions(), tasks(), delayed, job('Pending')])
    assert result['changed'] and result['job']['state'] == 'pending' and result['version_after'] == '8.0.28'


def test_a_failed_upgrade_fails_with_changed_and_the_unchanged_version(runner):
    result = runner.failure(rds_upgrade.main, dict(ARGS, poll_interval=5), [
        instances(instance()), versions(), tasks(), post(), job('Failed', fail_reason='upgradeMinorVersion failed.'),
        instances(instance()), versions()])
    assert result['changed'] and result['job_id'] == 'job-1' and result['version_after'] == '8.0.21'
    assert 'ended failed' in result['msg'] and 'upgradeMinorVersion failed.' in result['msg']


def test_postgresql_cannot_be_delayed(runner):
    pg = instance('14.6')
    pg['datastore'] = {'type': 'PostgreSQL', 'version': '14', 'complete_version': '14.6'}
    pg_versions = Call('GET', BASE + 'datastores/postgresql', json_body={'dataStores': [{'id': 'a', 'name': '14.9'}]})
    result = runner.failure(rds_upgrade.main, dict(ARGS, delayed=True), [instances(pg), pg_versions, tasks()])
    assert 'delayed=true' in result['msg'] and not runner.session.writes()


def test_blank_names_are_refused(runner):
    assert 'instance_name must not be empty' in runner.failure(rds_upgrade.main, dict(ARGS, instance_name=' '), [])['msg']


def test_an_unknown_instance_is_named(runner):
    args = dict(auth_token='given-token', project_id=PROJECT, instance_id='x')
    result = runner.failure(rds_upgrade.main, args, [
        Call('GET', BASE + 'instances', json_body={'instances': [], 'total_count': 0}, expect_params={'id': 'x'})])
    assert 'No RDS instance with instance_id=x in project %s' % PROJECT in result['msg']


def test_instance_info_reports_versions(runner):
    result = runner.success(rds_instance_info.main, ARGS, [instances(instance(), instance(name='orders-2', instance_id='other')),
                                                           versions()])
    assert result['instance']['newest_version'] == '8.0.28' and result['instance']['upgrade_available'] is True
    assert result['instance']['engine_version'] == '8.0' and not result['changed']


def test_instance_info_refuses_an_ambiguous_name(runner):
    result = runner.failure(rds_instance_info.main, ARGS, [instances(instance(), instance(instance_id='other'))])
    assert 'names 2 RDS instances' in result['msg']


@pytest.mark.parametrize('listed, newest', [(['8.0', '8.0.9', '8.0.10'], '8.0.10'), (['8.0'], None), (['5.7.44'], None)])
def test_newest_version_compares_numbers(listed, newest):
    assert _otc.newest_version(listed, dict(engine_version='8.0')) == newest
