# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Faults x modules. Each cell injects one fault into the simulator, runs one module
as a task would, and checks what the simulator counted (never two accepted writes),
what the result says (changed, job ids), the cloud's final state, and that no
traceback or secret shows.

Write faults hit the request that starts work; read faults hit the job reads of a wait."""

import json

import pytest

from ansible_collections.dbops.patching.plugins.module_utils import _workflow
from ansible_collections.dbops.patching.plugins.modules import (
    activity_log_info,
    job_info,
    patch_apply,
    patch_precheck,
    patch_rollback,
    rds_job_info,
    rds_upgrade,
    server_patch,
    server_patch_info,
)
from ansible_collections.dbops.patching.tests.simulator.client import DOMAIN, PROJECT, instance_path

ORACLE_PASSWORD = 'password'
SECRETS = (ORACLE_PASSWORD, 'otcpassword', 'ctlpassword', 'dXNlcm5hbWU6cGFzc3dvcmQ=')  # the last: base64 of username:password

# The write-fault cells run with a short request_timeout and gateway timeout (the time a write that got no
# answer may still be processed, _workflow.GATEWAY_TIMEOUT, 60 s in use), as they shorten queue_window and
# recovery_window: a slow answer is one the server gives SLOW_DELAY seconds after the module stopped waiting.
WRITE_REQUEST_TIMEOUT = 1
WRITE_GATEWAY_TIMEOUT = 5.0
SLOW_DELAY = 4

# name -> (fault rule, how many sends the write takes)
WRITE_FAULTS = {
    # processed only after request_timeout: the state shows nothing at first, and must not be taken for proof
    'slow-answer': (dict(kind='slow', delay=SLOW_DELAY), 1),
    'drop-before': (dict(kind='drop'), 2),
    'drop-after': (dict(kind='drop', after_processing=True), 1),
    'cut-body': (dict(kind='cut'), 1),
    'bad-gzip': (dict(kind='bad_gzip'), 1),
    'truncated-json': (dict(kind='truncated'), 1),
    'html-200-after': (dict(kind='html', status=200, after_processing=True), 1),
    '502-after': (dict(kind='status', status=502, after_processing=True), 1),
    '504-after': (dict(kind='status', status=504, after_processing=True), 1),
    'echo-502-after': (dict(kind='echo', status=502, after_processing=True), 1),
    '503-throttled': (dict(kind='status', status=503, retry_after='1'), 2),
    '429-throttled': (dict(kind='status', status=429, retry_after='1'), 2),
}

READ_FAULTS = {
    '503-burst': dict(kind='status', status=503, times=3),
    '429-retry-after': dict(kind='status', status=429, retry_after='1', times=2),
    'html-500': dict(kind='html', status=500, times=2),
    'truncated-json': dict(kind='truncated', times=2),
    'drop': dict(kind='drop', times=2),
    'cut-body': dict(kind='cut', times=2),
    'bad-gzip': dict(kind='bad_gzip', times=2),
    'echo-502': dict(kind='echo', status=502, times=2),
}


def oracle_args(**extra):
    return dict(dict(api_url=API_URL[0], identity_domain=DOMAIN, username='username', password=ORACLE_PASSWORD,
                     service_type='dbaas', poll_interval=1, wait_timeout=60), **extra)


def otc_args(**extra):
    return dict(dict(auth_url=API_URL[0] + '/v3', rds_url=API_URL[0], project_id=PROJECT, domain_name='OTC-EU-DE-00000000001000000001',
                     username='otcuser', password='otcpassword', poll_interval=1, wait_timeout=60), **extra)


def clc_args(**extra):
    return dict(dict(api_url=API_URL[0], patching_url=API_URL[0], username='ctluser', password='ctlpassword',
                     poll_interval=1, wait_timeout=60, queue_window=3), **extra)


API_URL = [None]


@pytest.fixture(autouse=True)
def base_url(api):
    API_URL[0] = api.url


@pytest.fixture
def short_gateway(monkeypatch):
    monkeypatch.setattr(_workflow, 'GATEWAY_TIMEOUT', WRITE_GATEWAY_TIMEOUT)
    return dict(request_timeout=WRITE_REQUEST_TIMEOUT)


def seed_instance(api, name, applied=False, **patch):
    catalog = dict(dict(patchId='19.21.0.0', toVersion='19.21.0.0', duration=30, precheck_duration=10, rollback_duration=30), **patch)
    api.admin('oracle/instances', dict(service_type='dbaas', name=name, current_version='19.20.0.0', available=[catalog], applied=[]))
    if applied:
        api.admin('faults', method='DELETE')
        assert api.oracle('PUT', instance_path(name) + '/patches/19.21.0.0', json={}).status_code == 202
        api.advance(120)
    return instance_path(name)


def writes(api, method, path):
    log = api.admin('requests', method='GET', params={'method': method, 'path': path})
    return log['count'], log['accepted_count']


def clean(result):
    text = json.dumps(result, default=str)
    assert 'Traceback' not in text
    for secret in SECRETS:
        assert secret not in text, 'a secret in the result'
    return result


# -- write faults -------------------------------------------------------------------------------

@pytest.mark.parametrize('fault', sorted(WRITE_FAULTS))
def test_patch_apply_write_fault(live, api, short_gateway, fault):
    rule, sends = WRITE_FAULTS[fault]
    path = seed_instance(api, 'fm-apply')
    api.fault(path=path + '/patches/19\\.21\\.0\\.0$', method='PUT', **rule)
    result, failed = live.run(patch_apply.main, oracle_args(service_name='fm-apply', patch_id='19.21.0.0', **short_gateway))
    clean(result)
    assert not failed, result['msg']
    assert writes(api, 'PUT', path + '/patches/19\\.21\\.0\\.0$') == (sends, 1), 'one accepted apply'
    assert result['changed'] is True and result['job_id'] and result['job']['state'] == 'succeeded'
    applied = api.oracle('GET', path + '/patches/applied').json()
    assert [(r['patchId'], r['lastStatus']) for r in applied] == [('19.21.0.0', 'COMPLETED')]


@pytest.mark.parametrize('fault', sorted(WRITE_FAULTS))
def test_patch_apply_precheck_write_fault(live, api, short_gateway, fault):
    rule, sends = WRITE_FAULTS[fault]
    path = seed_instance(api, 'fm-check')
    api.fault(path=path + '/patches/checks/19\\.21\\.0\\.0$', method='PUT', **rule)
    result, failed = live.run(patch_apply.main, oracle_args(service_name='fm-check', patch_id='19.21.0.0', precheck=True, **short_gateway))
    clean(result)
    assert not failed, result['msg']
    assert writes(api, 'PUT', path + '/patches/checks/') == (sends, 1), 'one accepted precheck'
    assert writes(api, 'PUT', path + '/patches/19\\.21\\.0\\.0$') == (1, 1)
    assert result['precheck_job']['state'] == 'succeeded' and result['changed'] is True


@pytest.mark.parametrize('fault', sorted(WRITE_FAULTS))
def test_patch_precheck_only_write_fault(live, api, short_gateway, fault):
    rule, sends = WRITE_FAULTS[fault]
    path = seed_instance(api, 'fm-wave')
    api.fault(path=path + '/patches/checks/19\\.21\\.0\\.0$', method='PUT', **rule)
    result, failed = live.run(patch_precheck.main, oracle_args(service_name='fm-wave', patch_id='19.21.0.0', **short_gateway))
    clean(result)
    assert not failed, result['msg']
    assert writes(api, 'PUT', path + '/patches/checks/') == (sends, 1), 'one accepted precheck'
    assert writes(api, 'PUT', path + '/patches/19\\.21\\.0\\.0$') == (0, 0), 'never an apply'
    assert result['job_id'] and result['job']['state'] == 'succeeded' and result['changed'] is False


@pytest.mark.parametrize('fault', sorted(WRITE_FAULTS))
def test_patch_rollback_write_fault(live, api, short_gateway, fault):
    rule, sends = WRITE_FAULTS[fault]
    path = seed_instance(api, 'fm-rollback', applied=True)
    api.fault(path=path + '/patches/[^/]+/rollback$', method='PUT', **rule)
    result, failed = live.run(patch_rollback.main, oracle_args(service_name='fm-rollback', patch_id='19.21.0.0', **short_gateway))
    clean(result)
    assert not failed, result['msg']
    assert writes(api, 'PUT', '/rollback$') == (sends, 1), 'one accepted rollback'
    assert result['changed'] is True and result['job_id'] and result['job']['state'] == 'succeeded'
    applied = api.oracle('GET', path + '/patches/applied').json()
    assert [(r['operationType'], r['lastStatus']) for r in applied] == [('Rollback', 'COMPLETED_ROLLBACK')]


@pytest.mark.parametrize('fault', sorted(WRITE_FAULTS))
def test_server_patch_write_fault(live, api, short_gateway, fault):
    rule, sends = WRITE_FAULTS[fault]
    api.admin('clc/servers', dict(id='FM-SRV', os='linux', patch_duration=30))
    api.fault(path='executePackage$', method='POST', **rule)
    result, failed = live.run(server_patch.main, clc_args(server_ids=['FM-SRV'], os='linux', **short_gateway))
    clean(result)
    assert not failed, result['msg']
    assert writes(api, 'POST', 'executePackage$') == (sends, 1), 'one accepted executePackage'
    entry = result['executions'][0]
    assert result['changed'] is True and entry['started'] and entry['execution_id'] and entry['job']['state'] == 'succeeded'
    executions = api.clc('GET', '/rest/servers/OSD/server/FM-SRV/patch').json()
    assert [e['status'] for e in executions] == ['COMPLETED'], 'the server was patched once'


@pytest.mark.parametrize('fault', sorted(WRITE_FAULTS))
def test_rds_upgrade_write_fault(live, api, short_gateway, fault):
    rule, sends = WRITE_FAULTS[fault]
    api.admin('otc/instances', dict(name='fm-rds', version='8.0.21', upgrade_seconds=30))
    api.fault(path='db-upgrade$', method='POST', **rule)
    result, failed = live.run(rds_upgrade.main, otc_args(instance_name='fm-rds', recovery_window=2, **short_gateway))
    clean(result)
    assert not failed, result['msg']
    assert writes(api, 'POST', 'db-upgrade$') == (sends, 1), 'one accepted db-upgrade'
    assert result['changed'] is True and result['job_id'] and result['job']['state'] == 'succeeded'
    assert result['version_after'] == '8.0.28'


# -- read faults in a wait ------------------------------------------------------------------------

def job_read_fault(api, path, rule):
    api.fault(path=path, method='GET', skip=1, **rule)


@pytest.mark.parametrize('fault', sorted(READ_FAULTS))
def test_patch_apply_read_fault(live, api, fault):
    path = seed_instance(api, 'fm-read', duration=120)
    job_read_fault(api, path + '/patches/applied/job/', READ_FAULTS[fault])
    result, failed = live.run(patch_apply.main, oracle_args(service_name='fm-read', patch_id='19.21.0.0'))
    clean(result)
    assert not failed, result['msg']
    assert result['changed'] is True and result['job']['state'] == 'succeeded'
    assert writes(api, 'PUT', path + '/patches/19') == (1, 1)


@pytest.mark.parametrize('fault', sorted(READ_FAULTS))
def test_patch_rollback_read_fault(live, api, fault):
    path = seed_instance(api, 'fm-rbread', applied=True, rollback_duration=120)
    job_read_fault(api, path + '/patches/applied/job/', READ_FAULTS[fault])
    result, failed = live.run(patch_rollback.main, oracle_args(service_name='fm-rbread', patch_id='19.21.0.0'))
    clean(result)
    assert not failed, result['msg']
    assert result['changed'] is True and result['job']['state'] == 'succeeded'
    assert writes(api, 'PUT', '/rollback$') == (1, 1)


@pytest.mark.parametrize('fault', sorted(READ_FAULTS))
def test_job_info_and_activity_log_read_fault(live, api, fault):
    path = seed_instance(api, 'fm-jobs', duration=120)
    started = api.oracle('PUT', path + '/patches/19.21.0.0', json={}).json()['jobId']
    job_read_fault(api, path + '/patches/applied/job/', READ_FAULTS[fault])
    result, failed = live.run(job_info.main, oracle_args(service_name='fm-jobs', job_id=started, wait=True))
    assert not failed and clean(result)['job']['state'] == 'succeeded', result.get('msg')
    api.admin('faults', method='DELETE')
    job_read_fault(api, '/activitylog/%s/job/' % DOMAIN, READ_FAULTS[fault])
    result, failed = live.run(activity_log_info.main, oracle_args(job_id=started, wait=True))
    assert not failed and clean(result)['job']['state'] == 'succeeded', result.get('msg')


@pytest.mark.parametrize('fault', sorted(READ_FAULTS))
@pytest.mark.parametrize('name, read_at', [('CreateMysqlSingleHAInstance', '/jobs'), ('UpgradeMysqlMinorVersion', '/tasklist')],
                         ids=['jobs', 'tasklist'])
def test_rds_job_info_read_fault(live, api, fault, name, read_at):
    """A job /jobs reports, and an upgrade it does not (read from the instant-task list)."""
    api.admin('otc/jobs', dict(id='fm-rds', name=name, duration=120))
    job_read_fault(api, '/v3/%s%s' % (PROJECT, read_at), READ_FAULTS[fault])
    result, failed = live.run(rds_job_info.main, otc_args(job_id='fm-rds', wait=True))
    assert not failed and clean(result)['job']['state'] == 'succeeded', result.get('msg')
    assert result['job']['operation'] == name


@pytest.mark.parametrize('fault', sorted(READ_FAULTS))
def test_server_patch_and_info_read_fault(live, api, fault):
    api.admin('clc/servers', dict(id='FM-READ', os='windows', patch_duration=120))
    job_read_fault(api, '/server/FM-READ/patch/VA1-', READ_FAULTS[fault])
    result, failed = live.run(server_patch.main, clc_args(server_ids=['FM-READ'], os='windows'))
    assert not failed, clean(result)['msg']
    entry = clean(result)['executions'][0]
    assert entry['job']['state'] == 'succeeded' and writes(api, 'POST', 'executePackage$') == (1, 1)
    api.admin('faults', method='DELETE')
    job_read_fault(api, '/server/FM-READ/patch/VA1-', READ_FAULTS[fault])
    info_args = dict(clc_args(server_id='FM-READ', execution_id=entry['execution_id'], wait=True))
    del info_args['queue_window']
    result, failed = live.run(server_patch_info.main, info_args)
    assert not failed and clean(result)['execution']['state'] == 'succeeded', result.get('msg')


# -- a lasting read failure after an accepted write -----------------------------------------------

@pytest.mark.parametrize('module, name, applied, fault_path', [
    (patch_apply, 'fm-lost-read', False, '/patches/applied/job/'),
    (patch_rollback, 'fm-lost-rbread', True, '/patches/applied/job/'),
])
def test_a_refused_read_after_the_accepted_write_still_says_what_was_sent(live, api, module, name, applied, fault_path):
    path = seed_instance(api, name, applied=applied)
    api.fault(path=path + fault_path, method='GET', kind='html', status=403, times=100)
    result, failed = live.run(module.main, oracle_args(service_name=name, patch_id='19.21.0.0'))
    clean(result)
    assert failed and 'HTTP 403' in result['msg']
    assert result['changed'] is True and result['job_id'], 'the accepted write is never hidden'


def test_a_refused_job_read_after_the_accepted_upgrade_still_says_what_was_sent(live, api):
    api.admin('otc/instances', dict(name='fm-rds-read', version='8.0.21', upgrade_seconds=30))
    # the upgrade job is read from the instant-task list; the first read of it (before the POST) is let through
    api.fault(path='/tasklist$', method='GET', kind='html', status=403, times=100, skip=1)
    result, failed = live.run(rds_upgrade.main, otc_args(instance_name='fm-rds-read'))
    clean(result)
    assert failed and 'HTTP 403' in result['msg']
    assert result['changed'] is True and result['job_id'], 'the accepted write is never hidden'
    assert writes(api, 'POST', 'db-upgrade$') == (1, 1)


def test_a_refused_job_read_after_the_accepted_precheck_still_says_what_was_sent(live, api):
    path = seed_instance(api, 'fm-wave-read')
    api.fault(path=path + '/patches/checks/job/', method='GET', kind='html', status=403, times=100)
    result, failed = live.run(patch_precheck.main, oracle_args(service_name='fm-wave-read', patch_id='19.21.0.0'))
    clean(result)
    assert failed and 'HTTP 403' in result['msg']
    assert result['job_id'], 'the precheck that was sent is named'
    assert writes(api, 'PUT', path + '/patches/checks/') == (1, 1)
