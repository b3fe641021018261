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


MAJORS = {'dataStores': [{'id': 'v1', 'name': '5.7'}, {'id': 'v2', 'name': '8.0'}]}  # what OTC lists


def instances(*docs):
    return Call('GET', BASE + 'instances', json_body={'instances': list(docs), 'total_count': len(docs)})


def versions(body=None):
    return Call('GET', BASE + 'datastores/mysql', json_body=body or VERSIONS)


def task(job_id='job-1', status='Running', name='UpgradeMysqlMinorVersion', process='10%', created='2026-11-28T04:00:00+0000'):
    """An instant task as Querying Instant Tasks shows it."""
    return {'id': job_id, 'name': name, 'instance_id': INSTANCE_ID, 'instance_name': 'orders', 'instance_status': 'ACTIVE',
            'order_id': '', 'process': '' if status in ('Completed', 'Failed') else process, 'create_time': created,
            'end_time': '2026-11-28T04:20:00+0000', 'status': status}


def tasks(*docs):
    return Call('GET', BASE + 'tasklist', json_body={'tasks': list(docs), 'actions': [d['name'] for d in docs],
                                                     'total_count': len(docs)},
                expect_params={'instance_id': INSTANCE_ID, 'limit': 50})


def scheduled(*docs):
    return Call('GET', BASE + 'schedule-tasks', json_body={'schedule_tasks': list(docs), 'total_count': len(docs)},
                expect_params={'instance_id': INSTANCE_ID, 'limit': 50})


def decide(*listed, **kwargs):
    """What rds_upgrade reads first: the instance, its instant and scheduled tasks, the versions."""
    return [instances(kwargs.get('doc') or instance(kwargs.get('version', '8.0.21'))), tasks(*listed),
            scheduled(*kwargs.get('planned', ())), versions(kwargs.get('listed'))]


def job(status='Completed', job_id='job-1', **extra):
    """The upgrade job, read where OTC shows it: the instant-task list, by id."""
    body = dict(task(job_id, status), **extra)
    return Call('GET', BASE + 'tasklist', json_body={'tasks': [body], 'actions': [body['name']], 'total_count': 1},
                expect_params={'id': job_id})


def post(status=202, body=None, delayed=False, **kwargs):
    return Call('POST', BASE + 'instances/%s/db-upgrade' % INSTANCE_ID, status=status,
                json_body={'job_id': 'job-1'} if body is None else body, expect_json={'is_delayed': delayed}, **kwargs)


def after(version='8.0.28', *more):
    return [instances(instance(version, roles=('slave', 'master'))), versions()] + list(more)


def test_fresh_upgrade_is_sent_once_and_followed_to_the_new_version(runner):
    result = runner.success(rds_upgrade.main, dict(ARGS, poll_interval=5), decide() + [
        post(), job('Running', process='50%'), job('Completed')] + after())
    assert result['changed'] and result['job_id'] == 'job-1' and result['job']['state'] == 'succeeded'
    assert (result['version_before'], result['version_after']) == ('8.0.21', '8.0.28')
    assert result['instance']['upgrade_available'] is False and result['instance']['newest_version_source'] == 'datastores'
    assert [n['role'] for n in result['instance']['nodes']] == ['slave', 'master']
    assert len(runner.session.writes()) == 1
    assert not [c for c in runner.session.seen if c['url'].endswith('/jobs')], '/jobs does not report upgrades'


def test_on_otc_majors_only_an_upgrade_is_sent_then_its_task_shows_the_newest_version(runner):
    result = runner.success(rds_upgrade.main, dict(ARGS, poll_interval=5), decide(listed=MAJORS) + [
        post(), job('Running', process='50%'), job('Completed'),
        instances(instance('8.0.28', roles=('slave', 'master'))), versions(MAJORS), tasks(task(status='Completed'))])
    assert result['changed'] and result['job']['state'] == 'succeeded' and result['version_before'] == '8.0.21'
    assert result['version_after'] == '8.0.28' and len(runner.session.writes()) == 1
    assert result['instance']['newest_version_source'] == 'task_list' and result['instance']['newest_version_job'] == 'job-1'
    assert result['instance']['upgrade_available'] is False


def test_on_otc_a_rerun_after_a_completed_upgrade_sends_nothing(runner):
    restarted = task('r-1', 'Completed', 'RestartInstance', created='2026-11-29T04:00:00+0000')
    result = runner.success(rds_upgrade.main, ARGS, decide(restarted, task(status='Completed'), version='8.0.28', listed=MAJORS))
    assert not result['changed'] and result['job_id'] is None and not runner.session.writes()
    assert result['version_after'] == '8.0.28' and 'completed upgrade job job-1' in result['msg']


@pytest.mark.parametrize('history', [
    [task(status='Failed')],
    [task('major', 'Completed', 'UpgradePostgresqlMajorVersion', created='2026-11-29T04:00:00+0000'), task(status='Completed')],
    [task('r-1', 'Completed', 'RestartInstance')],
    [],
], ids=['failed-upgrade', 'major-upgrade-since', 'no-upgrade', 'no-task'])
def test_on_otc_without_a_completed_upgrade_as_the_last_version_change_the_module_cannot_know(runner, history):
    result = runner.success(rds_upgrade.main, dict(ARGS, wait=False), decide(*history, listed=MAJORS) + [post(), job('Running')])
    assert result['changed'] and result['job_id'] == 'job-1' and result['version_after'] is None
    assert result['instance']['upgrade_available'] is None and result['instance']['newest_version_source'] is None


def test_already_on_the_newest_minor_version_sends_nothing(runner):
    result = runner.success(rds_upgrade.main, ARGS, decide(version='8.0.28'))
    assert not result['changed'] and result['job_id'] is None and result['version_after'] == '8.0.28'
    assert 'newest minor version' in result['msg'] and not runner.session.writes()


def test_a_running_upgrade_read_once_says_the_version_it_will_reach(runner):
    result = runner.success(rds_upgrade.main, dict(ARGS, wait=False), decide(task()) + [job('Running', process='50%')])
    assert not result['changed'] and result['job_id'] == 'job-1' and result['job']['state'] == 'running'
    assert (result['version_before'], result['version_after']) == ('8.0.21', '8.0.28')


def test_a_running_upgrade_is_followed_never_started_again(runner):
    result = runner.success(rds_upgrade.main, dict(ARGS, poll_interval=5), decide(task()) + [job('Completed')] + after())
    assert not result['changed'] and result['job_id'] == 'job-1' and result['version_after'] == '8.0.28'
    assert not runner.session.writes()


@pytest.mark.parametrize('lost', [dict(status=502, body={'message': 'Bad Gateway'}), dict(status=200, body={})])
def test_a_lost_answer_is_recovered_from_the_task_list(runner, lost):
    old = task('old', 'Completed', 'RestartInstance')
    result = runner.success(rds_upgrade.main, dict(ARGS, poll_interval=5), decide(old) + [
        post(**lost), tasks(old), scheduled(), tasks(task(), old), scheduled(), job('Completed')] + after())
    assert result['changed'] and result['job_id'] == 'job-1' and len(runner.session.writes()) == 1


def test_check_mode_with_diff_reads_only(runner):
    result = runner.success(rds_upgrade.main, ARGS, decide(), check_mode=True, diff=True)
    assert result['changed'] and result['job_id'] is None and result['version_after'] == '8.0.28'
    assert result['diff'] == {'before': {'version': '8.0.21'}, 'after': {'version': '8.0.28'}}
    assert not runner.session.writes()


def test_abnormal_nodes_are_named_before_anything_is_sent(runner):
    result = runner.failure(rds_upgrade.main, ARGS, decide(doc=instance(node_status='ABNORMAL')))
    assert 'orders_node1 (slave) is ABNORMAL' in result['msg'] and not result['changed'] and not runner.session.writes()


def test_another_operation_blocks_the_upgrade(runner):
    result = runner.failure(rds_upgrade.main, ARGS, decide(task('r1', name='RestartInstance')))
    assert 'RestartInstance (job r1)' in result['msg'] and not runner.session.writes()


@pytest.mark.parametrize('status, code, says', [
    (409, 'DBS.200011', 'another operation runs on the instance or that it is faulty'),
    (409, 'DBS.200019', 'another operation runs on the instance or that it is faulty'),
    (409, 'DBS.200047', 'another operation runs on the instance or that it is faulty'),
    (403, 'DBS.201015', 'another operation runs on the instance or that it is faulty'),
    (400, 'DBS.201014', "the instance's status (or a node's) does not allow the upgrade"),
    (404, 'DBS.200002', 'instance %s does not exist' % INSTANCE_ID),
    (400, 'DBS.200040', 'does not upgrade the minor version of this engine'),
])
def test_a_refusal_is_reported_by_its_documented_meaning_and_changes_nothing(runner, status, code, says):
    refused = {'error_code': code, 'error_msg': 'as documented'}
    result = runner.failure(rds_upgrade.main, ARGS, decide() + [post(status, refused)])
    assert not result['changed'] and says in result['msg'] and '%s: as documented' % code in result['msg']
    assert result['job_id'] is None


def test_delayed_upgrade_reads_its_scheduled_task_once(runner):
    pending = dict(task(status='Pending'), start_time='2026-11-28T22:00:00+0000', project_id=PROJECT)
    result = runner.success(rds_upgrade.main, dict(ARGS, delayed=True), decide() + [
        post(delayed=True), job_listing_nothing(), scheduled(pending)])
    assert result['changed'] and result['job']['state'] == 'pending' and result['version_after'] == '8.0.28'


def test_a_scheduled_upgrade_is_found_and_never_sent_again(runner):
    pending = dict(task(status='Pending'), start_time='2026-11-28T22:00:00+0000', project_id=PROJECT)
    result = runner.success(rds_upgrade.main, ARGS, decide(planned=[pending]) + [job_listing_nothing()])
    assert not result['changed'] and result['job_id'] == 'job-1' and result['job']['state'] == 'pending'
    assert not runner.session.writes(), 'the upgrade waits for the window; it is not sent again, nor waited for'


def test_a_lost_answer_of_a_delayed_upgrade_is_recovered_from_the_scheduled_tasks(runner):
    pending = dict(task(status='Pending'), start_time='2026-11-28T22:00:00+0000', project_id=PROJECT)
    result = runner.success(rds_upgrade.main, dict(ARGS, delayed=True), decide() + [
        post(504, {'message': 'Gateway Time-out'}, delayed=True), tasks(), scheduled(pending), job_listing_nothing()])
    assert result['changed'] and result['job_id'] == 'job-1' and len(runner.session.writes()) == 1


def job_listing_nothing(job_id='job-1'):
    return Call('GET', BASE + 'tasklist', json_body={'tasks': [], 'actions': [], 'total_count': 0}, expect_params={'id': job_id})


def test_a_failed_upgrade_fails_with_changed_and_the_unchanged_version(runner):
    result = runner.failure(rds_upgrade.main, dict(ARGS, poll_interval=5), decide() + [
        post(), job('Failed', fail_reason='upgradeMinorVersion failed.'), instances(instance()), versions()])
    assert result['changed'] and result['job_id'] == 'job-1' and result['version_after'] == '8.0.21'
    assert 'ended failed' in result['msg'] and 'upgradeMinorVersion failed.' in result['msg']


def test_postgresql_cannot_be_delayed(runner):
    pg = instance('14.6')
    pg['datastore'] = {'type': 'PostgreSQL', 'version': '14', 'complete_version': '14.6'}
    pg_versions = Call('GET', BASE + 'datastores/postgresql', json_body={'dataStores': [{'id': 'a', 'name': '14.9'}]})
    result = runner.failure(rds_upgrade.main, dict(ARGS, delayed=True), [instances(pg), tasks(), pg_versions])
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
    assert result['instance']['newest_version_source'] == 'datastores'


@pytest.mark.parametrize('history, available, source', [
    ([task(status='Completed')], False, 'task_list'),
    ([task(status='Failed')], None, None),
    ([], None, None),
])
def test_instance_info_on_otc_reads_the_task_list_for_the_newest_version(runner, history, available, source):
    result = runner.success(rds_instance_info.main, ARGS, [instances(instance('8.0.28')), versions(MAJORS), tasks(*history)])
    assert result['instance']['upgrade_available'] is available and result['instance']['newest_version_source'] == source
    assert result['instance']['newest_version'] == ('8.0.28' if source else None)


def test_instance_info_refuses_an_ambiguous_name(runner):
    result = runner.failure(rds_instance_info.main, ARGS, [instances(instance(), instance(instance_id='other'))])
    assert 'names 2 RDS instances' in result['msg']


@pytest.mark.parametrize('listed, newest', [(['8.0', '8.0.9', '8.0.10'], '8.0.10'), (['8.0'], None), (['5.7.44'], None)])
def test_newest_version_compares_numbers(listed, newest):
    assert _otc.newest_version(listed, dict(engine_version='8.0')) == newest
