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
import re

import pytest

from ansible_collections.dbops.patching.plugins.module_utils import _oci, _workflow
from ansible_collections.dbops.patching.plugins.modules import (
    activity_log_info,
    job_info,
    oci_patch_apply,
    oci_patch_job_info,
    oci_patch_precheck,
    patch_apply,
    patch_precheck,
    patch_rollback,
    rds_job_info,
    rds_upgrade,
    server_patch,
    server_patch_info,
)
from ansible_collections.dbops.patching.tests.simulator import oci as oci_sim
from ansible_collections.dbops.patching.tests.simulator import oci_signing
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


# -- OCI Base Database ------------------------------------------------------------------------------
#
# The two write paths are UpdateDbSystem (PUT /dbSystems/{id}, {"version": {patchId, action}}) and UpdateDbHome
# (PUT /dbHomes/{id}, {"dbVersion": ...}), for action APPLY (oci_patch_apply) and PRECHECK (oci_patch_precheck, and
# oci_patch_apply with precheck=true). Neither takes an opc-retry-token: the only guard against a second patch is the
# if-match the module sends with the etag it read, and its reading of the target before it sends again.

# A line from inside the PEM of Oracle's test key (the key_file): the key never shows in a result.
OCI_KEY_MARK = [line for line in open(oci_signing.KEY_FILE).read().splitlines()
                if line and not line.startswith(('#', '-'))][3]
OCI_FROM = '19.20.0.0.0'
OCI_TO = '19.21.0.0.0'


def oci_args(**extra):
    """The oci options of the simulator (OciCloud.environment: Oracle's documented test user and key)."""
    env = oci_sim.OciCloud.environment(API_URL[0])
    return dict(dict(user=env['OCI_USER_ID'], tenancy=env['OCI_TENANCY'], fingerprint=env['OCI_USER_FINGERPRINT'],
                     key_file=env['OCI_USER_KEY_FILE'], region=env['OCI_REGION'], database_url=env['OCI_DATABASE_ENDPOINT'],
                     work_requests_url=env['OCI_WORK_REQUESTS_ENDPOINT'], poll_interval=1, wait_timeout=60), **extra)


class OciTarget(object):
    """A seeded DB system or DB home and its one patch."""

    def __init__(self, api, kind, ocid, patch_id, system_id):
        self.api, self.kind, self.id, self.patch_id, self.system_id = api, kind, ocid, patch_id, system_id
        self.path = '%s/%s/%s' % (oci_sim.API, 'dbSystems' if kind == 'db_system' else 'dbHomes', ocid)
        self.put = '^%s$' % re.escape(self.path)  # the write's path in the request log and in fault rules

    def args(self, **extra):
        return oci_args(**dict({self.kind + '_id': self.id, 'patch_id': self.patch_id}, **extra))

    def state(self):
        """The simulator's own view (never delayed, never faulted): lifecycle_state, version, history."""
        return self.api.admin('state', method='GET')['oci'][self.kind + 's'][self.id]

    def entries(self, action=None):
        return [e for e in self.state()['history'] if action is None or e['action'] == action]

    def start(self, action='APPLY', etag=None):
        """Start an operation as someone else would (a signed PUT); the answer."""
        field = 'version' if self.kind == 'db_system' else 'dbVersion'
        answer = self.api.oci('PUT', self.path, json={field: {'patchId': self.patch_id, 'action': action}},
                              headers={'if-match': etag} if etag else None)
        assert answer.status_code == 200, answer.text
        return answer.json()


def seed_oci(api, name, kind='db_system', **patch):
    """A DB system on OCI_FROM with one DB home; the patch to OCI_TO is the system's (GI) or the home's (DB)."""
    patch = dict(dict(version=OCI_TO, duration=30, precheck_duration=10), **patch)
    ids = api.seed_db_system(display_name=name, version=OCI_FROM, patches=[patch] if kind == 'db_system' else [],
                             db_home=dict(db_version=OCI_FROM, patches=[patch] if kind == 'db_home' else []))
    if kind == 'db_system':
        return OciTarget(api, kind, ids['db_system_id'], ids['db_system_patch_ids'][0], ids['db_system_id'])
    return OciTarget(api, kind, ids['db_home_id'], ids['db_home_patch_ids'][0], ids['db_system_id'])


def oci_rule(rule):
    """A fault rule as it would come from OCI: its throttle answers OCI's error document (API Errors:
    429 TooManyRequests)."""
    if rule['kind'] == 'status' and int(rule['status']) == 429:
        return dict(rule, body=oci_sim.TOO_MANY_REQUESTS)
    return rule


def oci_clean(result):
    clean(result)
    assert OCI_KEY_MARK not in json.dumps(result, default=str), 'the private key in the result'
    return result


def put_log(api, target):
    """(statuses of the PUTs to the target, how many the cloud accepted)."""
    log = api.admin('requests', method='GET', params={'method': 'PUT', 'path': target.put})
    return [r['status'] for r in log['requests']], log['accepted_count']


def assert_one_accepted(api, target, sends, accepted=1):
    """``accepted`` PUTs took effect, in ``sends`` sends -- plus any copy refused with 412. A copy can be in the
    log beyond what the fault alone explains: when a lost answer leaves the state showing nothing yet, the module
    may send again, always with the etag it read before the first send; if the first one was processed after all,
    its acceptance moved the etag and the copy is refused with 412 (what OCI's if-match promises), which starts
    nothing -- the module then follows the first one."""
    statuses, took = put_log(api, target)
    assert took == accepted, 'accepted PUTs: %s (%r)' % (took, statuses)
    assert len(statuses) - statuses.count(412) == sends, 'sends: %r' % statuses


# -- OCI write faults --------------------------------------------------------------------------------

@pytest.mark.parametrize('fault', sorted(WRITE_FAULTS))
@pytest.mark.parametrize('kind', ['db_system', 'db_home'])
def test_oci_patch_apply_write_fault(live, api, short_gateway, kind, fault):
    rule, sends = WRITE_FAULTS[fault]
    target = seed_oci(api, 'fm-oci-apply', kind)
    api.fault(path=target.put, method='PUT', **oci_rule(rule))
    result, failed = live.run(oci_patch_apply.main, target.args(**short_gateway))
    oci_clean(result)
    assert not failed, result['msg']
    assert_one_accepted(api, target, sends)
    assert result['changed'] is True and result['job_id'] and result['job']['state'] == 'succeeded'
    assert result['job']['id'] == result['job_id'] and result['job']['operation'] == 'APPLY'
    assert (result['version_before'], result['version_after']) == (OCI_FROM, OCI_TO)
    state = target.state()
    assert (state['lifecycle_state'], state['version']) == ('AVAILABLE', OCI_TO)
    assert [(e['id'], e['lifecycleState']) for e in target.entries('APPLY')] == [(result['job_id'], 'SUCCEEDED')], 'one patch'


@pytest.mark.parametrize('fault', sorted(WRITE_FAULTS))
def test_oci_patch_precheck_write_fault(live, api, short_gateway, fault):
    rule, sends = WRITE_FAULTS[fault]
    target = seed_oci(api, 'fm-oci-check')
    api.fault(path=target.put, method='PUT', **oci_rule(rule))
    result, failed = live.run(oci_patch_precheck.main, target.args(**short_gateway))
    oci_clean(result)
    assert not failed, result['msg']
    assert_one_accepted(api, target, sends)
    # changed stays false: a precheck changes nothing on the target (the module's contract, as patch_precheck's)
    assert result['changed'] is False and result['job_id'] and result['job']['state'] == 'succeeded'
    assert result['job']['operation'] == 'PRECHECK'
    assert [e['id'] for e in target.entries('PRECHECK')] == [result['job_id']] and not target.entries('APPLY')
    assert target.state()['version'] == OCI_FROM


@pytest.mark.parametrize('fault', sorted(WRITE_FAULTS))
def test_oci_patch_apply_precheck_write_fault(live, api, short_gateway, fault):
    """precheck=true: the fault hits the precheck's PUT (the first one to the target); the apply's PUT follows."""
    rule, sends = WRITE_FAULTS[fault]
    target = seed_oci(api, 'fm-oci-both')
    api.fault(path=target.put, method='PUT', **oci_rule(rule))
    result, failed = live.run(oci_patch_apply.main, target.args(precheck=True, **short_gateway))
    oci_clean(result)
    assert not failed, result['msg']
    assert_one_accepted(api, target, sends + 1, accepted=2)
    assert result['precheck_job']['state'] == 'succeeded' and result['job']['state'] == 'succeeded'
    assert result['changed'] is True and result['version_after'] == OCI_TO
    assert [e['action'] for e in target.entries()] == ['PRECHECK', 'APPLY'], 'one precheck, one apply'


# -- OCI read faults in a wait -----------------------------------------------------------------------

@pytest.mark.parametrize('fault', sorted(READ_FAULTS))
def test_oci_patch_apply_read_fault(live, api, fault):
    target = seed_oci(api, 'fm-oci-read', duration=1800)
    job_read_fault(api, re.escape(target.path) + '/patchHistoryEntries/', oci_rule(READ_FAULTS[fault]))
    result, failed = live.run(oci_patch_apply.main, target.args())
    oci_clean(result)
    assert not failed, result['msg']
    assert result['changed'] is True and result['job']['state'] == 'succeeded' and result['version_after'] == OCI_TO
    assert put_log(api, target) == ([200], 1)
    assert faults_spent(api), 'every injected read fault hit a read of the wait'


@pytest.mark.parametrize('fault', sorted(READ_FAULTS))
def test_oci_patch_job_info_read_fault(live, api, fault):
    """By job_id, then over targets (the target read for its lastPatchHistoryEntryId, then the entry)."""
    by_id, by_target = seed_oci(api, 'fm-oci-jobs', duration=1200), seed_oci(api, 'fm-oci-jobs2', duration=1200)
    started = by_id.start()['lastPatchHistoryEntryId']
    job_read_fault(api, re.escape(by_id.path) + '/patchHistoryEntries/', oci_rule(READ_FAULTS[fault]))
    result, failed = live.run(oci_patch_job_info.main, oci_args(db_system_id=by_id.id, job_id=started, wait=True))
    assert not failed and oci_clean(result)['job']['state'] == 'succeeded', result.get('msg')
    assert result['job']['id'] == started and faults_spent(api)
    api.admin('faults', method='DELETE')
    started = by_target.start()['lastPatchHistoryEntryId']
    job_read_fault(api, re.escape(by_target.path), oci_rule(READ_FAULTS[fault]))
    result, failed = live.run(oci_patch_job_info.main, oci_args(targets=[{'db_system_id': by_target.id}], wait=True))
    assert not failed and oci_clean(result)['jobs'][0]['state'] == 'succeeded', result.get('msg')
    assert result['jobs'][0]['id'] == started and result['summary']['succeeded'] == 1 and faults_spent(api)


def faults_spent(api):
    """Whether every fault rule hit as many requests as it was set to."""
    return all(rule['times'] == 0 for rule in api.admin('faults', method='GET')['faults'])


def test_oci_a_work_request_that_cannot_be_read_never_fails_the_wait(live, api):
    """The work request only adds progress: refused reads of it leave the history entry to decide."""
    target = seed_oci(api, 'fm-oci-wr', duration=1200)
    api.fault(path='/workRequests/', method='GET', kind='status', status=404, times=100)
    result, failed = live.run(oci_patch_apply.main, target.args())
    assert not failed, oci_clean(result)['msg']
    assert result['job']['state'] == 'succeeded' and result['work_request_id']


# -- OCI: a failed patch leaves the DB system AVAILABLE ------------------------------------------------
# The peers' blind spot (research note fact 14 and §3): oracle.oci waits on the work request, and without
# opc-work-request-id on the lifecycle state, which is AVAILABLE again after a FAILED patch.

@pytest.mark.parametrize('header, answer', [('one', 'after'), ('none', 'after'), ('none', 'before'), ('list', 'before')],
                         ids=['work-request', 'no-work-request', 'no-work-request-old-answer', 'two-work-requests-old-answer'])
def test_oci_a_failed_patch_that_leaves_the_db_system_available_fails_the_task(live, api, header, answer):
    api.config(oci_work_request_header=header, oci_put_answer=answer)
    target = seed_oci(api, 'fm-oci-fail', fail=True)
    result, failed = live.run(oci_patch_apply.main, target.args())
    oci_clean(result)
    assert failed, 'a FAILED entry fails the task though the DB system is AVAILABLE'
    assert oci_sim.FAIL_DETAILS in result['msg'] and result['job_id'] in result['msg']
    assert result['changed'] is True and result['job_id'] and result['job']['state'] == 'failed'
    assert result['job']['message'] == oci_sim.FAIL_DETAILS
    assert (result['version_before'], result['version_after']) == (OCI_FROM, OCI_FROM)
    assert (result['work_request_id'] is None) == (header == 'none')
    state = target.state()
    assert (state['lifecycle_state'], state['version']) == ('AVAILABLE', OCI_FROM)
    assert put_log(api, target) == ([200], 1)
    # an info module reports the failure and does not fail on it
    result, failed = live.run(oci_patch_job_info.main, oci_args(targets=[{'db_system_id': target.id}]))
    assert not failed and result['jobs'][0]['state'] == 'failed' and result['summary']['failed'] == 1


@pytest.mark.parametrize('header', ['one', 'none'])
def test_oci_a_failed_precheck_fails_and_applies_nothing(live, api, header):
    api.config(oci_work_request_header=header)
    target = seed_oci(api, 'fm-oci-pcfail', precheck_fail=True)
    result, failed = live.run(oci_patch_apply.main, target.args(precheck=True))
    oci_clean(result)
    assert failed and oci_sim.PRECHECK_FAIL_DETAILS in result['msg'] and 'not applied' in result['msg']
    assert result['precheck_job']['state'] == 'failed' and result['job_id'] is None and result['changed'] is False
    assert [e['action'] for e in target.entries()] == ['PRECHECK'] and put_log(api, target) == ([200], 1)
    result, failed = live.run(oci_patch_precheck.main, target.args())
    assert failed and oci_sim.PRECHECK_FAIL_DETAILS in oci_clean(result)['msg']
    assert result['changed'] is False and result['job_id'] and result['job']['state'] == 'failed'


# -- OCI: what the simulator stages that the unit tests only fake --------------------------------------

# 502-after: the in-flight window (WRITE_GATEWAY_TIMEOUT) runs out before the entry shows; html-200-after: the
# write's answer is unreadable, the target is read for the entry it started; drop-after: the connection closed
# with no answer at all.
@pytest.mark.parametrize('fault', ['502-after', 'html-200-after', 'drop-after', 'slow-answer'])
@pytest.mark.parametrize('etag_moves', [True, False], ids=['412-copy', '409-copy'])
def test_oci_a_lost_answer_whose_entry_shows_late_is_followed_not_doubled(live, api, short_gateway, monkeypatch, fault, etag_moves):
    """The write took effect, but reads show it only later (oci_entry_delay: the target still AVAILABLE with
    its old etag and last entry, the history without the entry). Whatever the module sends meanwhile is
    refused -- 412 when acceptance moved the etag, 409 IncorrectState when it did not (the research note's
    open question) -- and the first apply is followed once it shows."""
    monkeypatch.setattr(_oci, 'ACCEPTED_WINDOW', 15.0)
    monkeypatch.setattr(_oci, 'ACCEPTED_POLL', 0.5)
    delay = (WRITE_GATEWAY_TIMEOUT + 3) * 600  # real seconds past the in-flight window, in simulated ones (TIME_SCALE)
    api.config(oci_entry_delay=delay, oci_accept_changes_etag=int(etag_moves))
    target = seed_oci(api, 'fm-oci-late', duration=delay + 600)
    api.fault(path=target.put, method='PUT', **WRITE_FAULTS[fault][0])
    result, failed = live.run(oci_patch_apply.main, target.args(**short_gateway))
    oci_clean(result)
    assert not failed, result['msg']
    statuses, took = put_log(api, target)
    assert took == 1 and set(statuses[1:]) <= {409, 412}, statuses
    assert result['changed'] is True and result['job']['state'] == 'succeeded' and result['version_after'] == OCI_TO
    assert [e['id'] for e in target.entries('APPLY')] == [result['job_id']], 'one patch'


@pytest.mark.parametrize('etag_moves', [True, False], ids=['412', '409'])
def test_oci_the_same_apply_started_between_read_and_put_is_followed(live, api, monkeypatch, etag_moves):
    """Someone starts this very apply between the module's read and its PUT: the PUT is refused (412 for the
    moved etag, or 409 IncorrectState), the module reads again and follows that apply, changed false (SPEC:
    an apply of it already running is followed, changed: false)."""
    api.config(oci_accept_changes_etag=int(etag_moves))
    target = seed_oci(api, 'fm-oci-race', duration=600)
    race_ahead(monkeypatch, target.start)
    result, failed = live.run(oci_patch_apply.main, target.args())
    oci_clean(result)
    assert not failed, result['msg']
    assert result['changed'] is False and result['job']['state'] == 'succeeded'
    assert [e['id'] for e in target.entries('APPLY')] == [result['job_id']], 'the other apply, followed'
    statuses, took = put_log(api, target)
    assert statuses == [200, 412 if etag_moves else 409] and took == 1


def test_oci_a_stale_etag_412_reads_again_and_applies_once(live, api, monkeypatch):
    """Someone runs a precheck to its end between the module's read and its PUT: the etag moved, the PUT is
    412, the module reads again and sends once more with the new etag."""
    target = seed_oci(api, 'fm-oci-stale')

    def precheck_to_the_end():
        target.start('PRECHECK')
        api.advance(60)
    race_ahead(monkeypatch, precheck_to_the_end)
    result, failed = live.run(oci_patch_apply.main, target.args())
    oci_clean(result)
    assert not failed, result['msg']
    assert result['changed'] is True and result['job']['state'] == 'succeeded' and result['version_after'] == OCI_TO
    assert any('if-match' in w for w in result['warnings'])
    assert [e['action'] for e in target.entries()] == ['PRECHECK', 'APPLY']
    assert put_log(api, target) == ([200, 412, 200], 2), 'the other precheck, the refused PUT, the apply'


def test_oci_a_stale_etag_412_then_already_applied_is_no_change(live, api, monkeypatch):
    target = seed_oci(api, 'fm-oci-stale2')

    def apply_to_the_end():
        target.start('APPLY')
        api.advance(60)
    race_ahead(monkeypatch, apply_to_the_end)
    result, failed = live.run(oci_patch_apply.main, target.args())
    oci_clean(result)
    assert not failed and result['changed'] is False, result
    assert len(target.entries('APPLY')) == 1 and target.state()['version'] == OCI_TO


def race_ahead(monkeypatch, other):
    """Run ``other`` (someone else's write) once, right before the module's first PUT."""
    original = _oci.OciClient.update
    done = []

    def update(self, *args, **kwargs):
        if not done:
            done.append(other())
        return original(self, *args, **kwargs)
    monkeypatch.setattr(_oci.OciClient, 'update', update)


@pytest.mark.parametrize('running_on', ['db_system', 'db_home'])
def test_oci_409_for_another_operation_names_it_and_sends_nothing_more(live, api, running_on):
    """A GI patch runs on the DB system while the DB home is to be patched (or the other way round): the
    cloud refuses the PUT with 409 IncorrectState; the module names the running operation and fails,
    changed false (nothing of its own started)."""
    ids = api.seed_db_system(display_name='fm-oci-busy', version=OCI_FROM, patches=[dict(version=OCI_TO, duration=600)],
                             db_home=dict(db_version=OCI_FROM, patches=[dict(version=OCI_TO, duration=600)]))
    system = OciTarget(api, 'db_system', ids['db_system_id'], ids['db_system_patch_ids'][0], ids['db_system_id'])
    home = OciTarget(api, 'db_home', ids['db_home_id'], ids['db_home_patch_ids'][0], ids['db_system_id'])
    busy, target = (system, home) if running_on == 'db_system' else (home, system)
    running = busy.start()['lastPatchHistoryEntryId']
    result, failed = live.run(oci_patch_apply.main, target.args())
    oci_clean(result)
    assert failed and result['changed'] is False and result['job_id'] is None
    assert '409' in result['msg'] and running in result['msg'] and 'APPLY' in result['msg'], result['msg']
    assert put_log(api, target) == ([409], 0)


def test_oci_another_operation_on_the_target_is_refused_before_any_put(live, api):
    target = seed_oci(api, 'fm-oci-other', precheck_duration=600)
    running = target.start('PRECHECK')['lastPatchHistoryEntryId']
    result, failed = live.run(oci_patch_apply.main, target.args())
    oci_clean(result)
    assert failed and running in result['msg'] and 'PRECHECK' in result['msg'] and result['changed'] is False
    assert put_log(api, target) == ([200], 1), 'only the running precheck'


def test_oci_check_mode_and_an_idempotent_rerun_send_nothing(live, api):
    target = seed_oci(api, 'fm-oci-idem')
    result, failed = live.run(oci_patch_apply.main, dict(target.args(), _ansible_check_mode=True))
    assert not failed and result['changed'] is True and result['job_id'] is None and put_log(api, target) == ([], 0)
    result, failed = live.run(oci_patch_apply.main, target.args())
    assert not failed and result['changed'] is True
    result, failed = live.run(oci_patch_apply.main, target.args())
    assert not failed and result['changed'] is False and result['version_after'] == OCI_TO
    assert put_log(api, target) == ([200], 1)


def test_oci_a_precheck_that_leaves_the_target_available_is_recovered_all_the_same(live, api, short_gateway):
    """oci_precheck_updating 0 (the open question whether PRECHECK shows UPDATING): a lost precheck answer is
    recovered from lastPatchHistoryEntryId, not from the lifecycle state."""
    api.config(oci_precheck_updating=0)
    target = seed_oci(api, 'fm-oci-quiet')
    api.fault(path=target.put, method='PUT', **WRITE_FAULTS['drop-after'][0])
    result, failed = live.run(oci_patch_apply.main, target.args(precheck=True, **short_gateway))
    assert not failed, oci_clean(result)['msg']
    assert result['precheck_job']['state'] == 'succeeded' and result['job']['state'] == 'succeeded'
    assert [e['action'] for e in target.entries()] == ['PRECHECK', 'APPLY'] and put_log(api, target) == ([0, 200], 2)


def test_oci_a_timed_out_wait_still_names_the_apply_and_job_info_resumes_it(live, api):
    target = seed_oci(api, 'fm-oci-late-wait', duration=3000)
    result, failed = live.run(oci_patch_apply.main, target.args(wait_timeout=1))
    oci_clean(result)
    assert failed and result['timed_out'] is True and result['changed'] is True and result['job_id']
    assert result['job']['state'] == 'running' and 'oci_patch_job_info' in result['msg']
    result, failed = live.run(oci_patch_job_info.main, oci_args(db_system_id=target.id, job_id=result['job_id'], wait=True))
    assert not failed and result['job']['state'] == 'succeeded' and put_log(api, target) == ([200], 1)
