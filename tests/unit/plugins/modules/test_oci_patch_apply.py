# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""oci_patch_apply at the HTTP boundary, and the OCI payloads the other oci_* module tests share."""

import base64
import hashlib

import pytest
import requests

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from ansible_collections.dbops.patching.plugins.module_utils import _oci, _oci_auth
from ansible_collections.dbops.patching.plugins.modules import oci_patch_apply
from ansible_collections.dbops.patching.tests.unit.plugins.module_utils.test__oci_auth import (
    FINGERPRINT, PRIVATE_KEY, TENANCY, USER,
)
from ansible_collections.dbops.patching.tests.unit.utils.harness import Call

pytestmark = pytest.mark.usefixtures('no_oci_config')

DB = 'https://database.us-ashburn-1.oraclecloud.com/20160918'
WR = 'https://iaas.us-ashburn-1.oraclecloud.com/20160918/workRequests/'
SYSTEM_ID = 'ocid1.dbsystem.oc1.iad.abuwcljsystem'
HOME_ID = 'ocid1.dbhome.oc1.iad.abuwcljhome'
PATCH_ID = 'ocid1.dbpatch.oc1.iad.abuwcljpatch'
OLD_ENTRY = 'ocid1.dbpatchhistoryentry.oc1.iad.old'
ENTRY = 'ocid1.dbpatchhistoryentry.oc1.iad.new'
WORK_REQUEST = 'ocid1.coreservicesworkrequest.oc1.iad.abuwcljwr'
SYSTEM = DB + '/dbSystems/' + SYSTEM_ID
HOME = DB + '/dbHomes/' + HOME_ID
ARGS = dict(user=USER, tenancy=TENANCY, fingerprint=FINGERPRINT, key_content=PRIVATE_KEY, region='us-ashburn-1',
            db_system_id=SYSTEM_ID, patch_id=PATCH_ID)
KEY_ID = '%s/%s/%s' % (TENANCY, USER, FINGERPRINT)
T0 = '2026-12-07T10:00:00.000Z'


def db_system(state='AVAILABLE', version='19.20.0.0.0', last=OLD_ENTRY, **extra):
    doc = dict(id=SYSTEM_ID, displayName='db01', lifecycleState=state, version=version, **extra)
    if last:
        doc['lastPatchHistoryEntryId'] = last
    return doc


def patch(version='19.21.0.0.0', state=None, last_action=None):
    return dict(id=PATCH_ID, version=version, description='Oct 2026 19c Db System patch', timeReleased='2026-10-15T00:00:00.000Z',
                lastAction=last_action, lifecycleState=state, availableActions=['APPLY', 'PRECHECK'])


def entry(entry_id=ENTRY, action='APPLY', state='IN_PROGRESS', details=None, started=T0, ended=None, patch_id=PATCH_ID):
    doc = dict(id=entry_id, patchId=patch_id, action=action, lifecycleState=state, timeStarted=started, patchType='GI')
    if details:
        doc['lifecycleDetails'] = details
    if ended:
        doc['timeEnded'] = ended
    return doc


OLD = entry(OLD_ENTRY, action='APPLY', state='SUCCEEDED', started='2026-07-01T10:00:00.000Z', ended='2026-07-01T11:00:00.000Z',
            patch_id='ocid1.dbpatch.oc1.iad.older')


def get_system(etag='etag-1', **fields):
    return Call('GET', SYSTEM, json_body=db_system(**fields), headers={'etag': etag, 'opc-request-id': 'req'})


def get_patch(**fields):
    return Call('GET', SYSTEM + '/patches/' + PATCH_ID, json_body=patch(**fields))


def get_entry(doc, target=SYSTEM):
    return Call('GET', target + '/patchHistoryEntries/' + doc['id'], json_body=doc)


def list_history(*docs, **kwargs):
    return Call('GET', kwargs.get('target', SYSTEM) + '/patchHistoryEntries', json_body=list(docs),
                expect_params={'limit': 100}, headers=kwargs.get('headers'))


def put(action='APPLY', etag='etag-1', status=200, answer=None, headers=None, raises=None, target=SYSTEM, field='version'):
    return Call('PUT', target, status=status, json_body=answer, raises=raises, headers=headers,
                expect_json={field: {'patchId': PATCH_ID, 'action': action}}, expect_headers={'if-match': etag})


def decide():
    """The reads before a write: the target (with its etag), the patch, the last entry."""
    return [get_system(), get_patch(), get_entry(OLD)]


def verify_signature(seen):
    """The Authorization header of a request as the fake session saw it, checked with the public key."""
    headers = seen['headers']
    value = headers['Authorization']
    names = value.split('headers="')[1].split('"')[0].split(' ')
    assert value.startswith('Signature version="1",headers="') and 'keyId="%s"' % KEY_ID in value
    assert 'algorithm="rsa-sha256"' in value
    target = seen['url'].split('.com', 1)[1]
    values = dict((k.lower(), v) for k, v in headers.items())
    values['(request-target)'] = '%s %s' % (seen['method'].lower(), target)
    signing_string = '\n'.join('%s: %s' % (name, values[name]) for name in names)
    signature = base64.b64decode(value.split('signature="')[1].rstrip('"'))
    key = _oci_auth.load_private_key(PRIVATE_KEY, None, 'test key')
    key.public_key().verify(signature, signing_string.encode(), padding.PKCS1v15(), hashes.SHA256())
    return names


def test_applies_with_if_match_follows_the_history_entry_and_reads_the_version_after(runner):
    result = runner.success(oci_patch_apply.main, ARGS, decide() + [
        put(answer=db_system(state='UPDATING', last=ENTRY), headers={'opc-work-request-id': WORK_REQUEST + ',ocid1.other'}),
        get_entry(entry()),
        Call('GET', WR + WORK_REQUEST, json_body={'id': WORK_REQUEST, 'status': 'IN_PROGRESS', 'percentComplete': 42.5}),
        get_entry(entry(state='SUCCEEDED', ended='2026-12-07T11:10:00.000Z')),
        get_system(etag='etag-3', version='19.21.0.0.0', last=ENTRY),
    ])
    assert result['changed'] is True and result['timed_out'] is False
    assert result['job_id'] == ENTRY and result['work_request_id'] == WORK_REQUEST
    assert result['job']['state'] == 'succeeded' and result['job']['operation'] == 'APPLY'
    assert result['job']['ended_at'] == '2026-12-07T11:10:00.000Z' and result['job']['patch_id'] == PATCH_ID
    assert (result['version_before'], result['version_after']) == ('19.20.0.0.0', '19.21.0.0.0')
    assert result['patch']['newer'] is True and result['patch']['state'] == 'available'
    put_seen = runner.session.writes()[0]
    assert verify_signature(put_seen) == ['date', '(request-target)', 'host', 'content-length', 'content-type', 'x-content-sha256']
    assert put_seen['headers']['x-content-sha256'] == base64.b64encode(hashlib.sha256(put_seen['data'].encode()).digest()).decode()
    assert verify_signature(runner.session.seen[0]) == ['date', '(request-target)', 'host']


def test_the_work_requests_progress_is_the_jobs_progress(runner):
    result = runner.success(oci_patch_apply.main, dict(ARGS, wait=False), decide() + [
        put(answer=db_system(state='UPDATING', last=ENTRY), headers={'opc-work-request-id': WORK_REQUEST}),
        get_entry(entry()),
        Call('GET', WR + WORK_REQUEST, json_body={'id': WORK_REQUEST, 'status': 'IN_PROGRESS', 'percentComplete': 42.5}),
    ])
    assert result['job']['state'] == 'running' and result['job']['progress'] == 42
    assert result['version_after'] == '19.21.0.0.0', 'the patch\'s version while it runs'


def test_a_patch_not_newer_than_the_target_sends_nothing(runner):
    last = entry(state='SUCCEEDED', ended='2026-12-07T11:10:00.000Z')
    result = runner.success(oci_patch_apply.main, ARGS, [
        get_system(version='19.21.0.0.0', last=ENTRY), get_patch(state='SUCCESS', last_action='APPLY'), get_entry(last),
    ])
    assert result['changed'] is False and runner.session.writes() == []
    assert result['msg'] == ('DB system %s is on version 19.21.0.0.0; patch %s (version 19.21.0.0.0) is not newer.'
                             % (SYSTEM_ID, PATCH_ID))
    assert result['job_id'] == ENTRY and result['job']['state'] == 'succeeded', 'the apply that brought it there'
    assert result['version_before'] == result['version_after'] == '19.21.0.0.0'
    assert result['patch']['state'] == 'succeeded' and result['patch']['status'] == 'SUCCESS'


def test_a_running_apply_of_the_patch_is_followed_not_sent_again(runner):
    running = entry()
    result = runner.success(oci_patch_apply.main, ARGS, [
        get_system(state='UPDATING', last=ENTRY), get_patch(state='IN_PROGRESS', last_action='APPLY'), get_entry(running),
        get_entry(running),
        get_entry(entry(state='SUCCEEDED', ended='2026-12-07T11:10:00.000Z')),
        get_system(version='19.21.0.0.0', last=ENTRY),
    ])
    assert result['changed'] is False and runner.session.writes() == []
    assert result['job_id'] == ENTRY and result['job']['state'] == 'succeeded'
    assert result['version_after'] == '19.21.0.0.0'


def test_a_running_entry_missing_from_the_target_is_found_in_the_history(runner):
    """lastPatchHistoryEntryId may be missing: an UPDATING target has its history read."""
    result = runner.success(oci_patch_apply.main, dict(ARGS, wait=False), [
        get_system(state='UPDATING', last=None), get_patch(state='IN_PROGRESS', last_action='APPLY'),
        list_history(OLD, entry()),
        get_entry(entry()),
    ])
    assert result['changed'] is False and result['job_id'] == ENTRY and runner.session.writes() == []


def test_a_failed_entry_fails_the_task_though_the_db_system_is_available(runner):
    details = 'Patch apply failed: /u01 has less than 15 GB free'
    result = runner.failure(oci_patch_apply.main, ARGS, decide() + [
        put(answer=db_system(state='UPDATING', last=ENTRY)),
        get_entry(entry(state='FAILED', details=details, ended='2026-12-07T10:20:00.000Z')),
        get_system(etag='etag-3', state='AVAILABLE', last=ENTRY),
    ])
    assert result['changed'] is True and result['job_id'] == ENTRY
    assert result['job']['state'] == 'failed' and result['job']['message'] == details
    assert result['msg'] == ('The apply of patch %s on DB system %s ended failed (entry %s, FAILED): %s'
                             % (PATCH_ID, SYSTEM_ID, ENTRY, details))
    assert result['version_after'] == '19.20.0.0.0'


def test_a_lost_answer_is_recovered_from_the_target_and_followed_with_one_put(runner):
    result = runner.success(oci_patch_apply.main, ARGS, decide() + [
        put(raises=requests.exceptions.ReadTimeout('read timed out')),
        get_system(etag='etag-2', state='UPDATING', last=ENTRY),
        get_entry(entry()),
        get_entry(entry(state='SUCCEEDED', ended='2026-12-07T11:10:00.000Z')),
        get_system(version='19.21.0.0.0', last=ENTRY),
    ])
    assert result['changed'] is True and result['job_id'] == ENTRY and result['job']['state'] == 'succeeded'
    assert result['work_request_id'] is None
    assert len(runner.session.writes()) == 1
    assert any('The cloud shows that the apply of patch %s' % PATCH_ID in w for w in result['warnings'])


def test_a_lost_answer_found_in_the_history_when_the_last_entry_did_not_move(runner):
    """The history holds an entry of this patch that started after the last one read before."""
    mine = entry(started='2026-12-07T10:00:05.000Z')
    result = runner.success(oci_patch_apply.main, dict(ARGS, wait=False), decide() + [
        put(raises=requests.exceptions.ConnectionError('Connection aborted: RemoteDisconnected')),
        get_system(etag='etag-2', state='UPDATING'),
        list_history(OLD, entry('ocid1.dbpatchhistoryentry.oc1.iad.older-precheck', action='PRECHECK', state='SUCCEEDED'), mine),
        get_entry(mine),
    ])
    assert result['job_id'] == ENTRY and len(runner.session.writes()) == 1


def test_a_copy_sent_with_the_old_etag_gets_412_and_the_first_apply_is_followed(runner):
    """After a 503 the state shows nothing started; the copy carries the etag read first, so an
    apply that did land after all is not started twice: 412, read again, follow it."""
    result = runner.success(oci_patch_apply.main, dict(ARGS, wait=False), decide() + [
        put(status=503, answer={'code': 'ServiceUnavailable', 'message': 'try later'}),
        get_system(), list_history(OLD),  # nothing shows
        put(status=412, answer={'code': 'NoEtagMatch', 'message': 'The resource has changed'}),  # same etag-1
        get_system(etag='etag-2', state='UPDATING', last=ENTRY), get_entry(entry()),
        get_entry(entry()),
    ])
    assert result['changed'] is True and result['job_id'] == ENTRY and result['job']['state'] == 'running'
    assert [w['headers']['if-match'] for w in runner.session.writes()] == ['etag-1', 'etag-1']
    assert any('HTTP 412: NoEtagMatch' in w and 'the first one started (entry %s)' % ENTRY in w for w in result['warnings'])


def test_a_refused_copy_whose_first_apply_never_shows_fails_without_a_third_send(runner, monkeypatch):
    """After a lost answer the copy is refused (409: the first one runs, or 412); the entry is watched for, and
    when it does not show the refusal stands with what to check -- never a third PUT, never a fresh etag."""
    monkeypatch.setattr(_oci, 'ACCEPTED_WINDOW', 0.0)
    result = runner.failure(oci_patch_apply.main, dict(ARGS, wait=False), decide() + [
        put(status=503, answer={'code': 'ServiceUnavailable', 'message': 'try later'}),
        get_system(), list_history(OLD),  # nothing shows
        put(status=409, answer={'code': 'IncorrectState', 'message': 'being updated'}),
        get_system(), list_history(OLD),  # still nothing
    ])
    assert 'HTTP 409: IncorrectState' in result['msg'] and 'the copy was refused' in result['msg']
    assert [w['headers']['if-match'] for w in runner.session.writes()] == ['etag-1', 'etag-1']


def test_409_because_this_apply_just_started_follows_it_unchanged(runner):
    """Someone started this very apply between the read and the PUT: it is followed, changed false."""
    result = runner.success(oci_patch_apply.main, dict(ARGS, wait=False), decide() + [
        put(status=409, answer={'code': 'IncorrectState', 'message': 'The DB system is being updated'}),
        get_system(etag='etag-2', state='UPDATING', last=ENTRY), get_entry(entry()),
        get_entry(entry()),
    ])
    assert result['changed'] is False and result['job_id'] == ENTRY and len(runner.session.writes()) == 1
    assert any('already running (entry %s' % ENTRY in w for w in result['warnings'])


def test_409_names_an_operation_on_the_db_system_of_a_home(runner):
    """One operation per DB system: a GI patch on the system refuses the home's PUT; the message names it."""
    system_entry = entry(patch_id='ocid1.dbpatch.oc1.iad.gi')
    home = dict(id=HOME_ID, dbSystemId=SYSTEM_ID, lifecycleState='AVAILABLE', dbVersion='19.20.0.0.0')
    home_args = dict(ARGS, db_home_id=HOME_ID)
    del home_args['db_system_id']
    result = runner.failure(oci_patch_apply.main, home_args, [
        Call('GET', HOME, json_body=home, headers={'etag': 'etag-1'}),
        Call('GET', HOME + '/patches/' + PATCH_ID, json_body=patch()),
        put(status=409, answer={'code': 'IncorrectState', 'message': 'busy'}, target=HOME, field='dbVersion'),
        Call('GET', HOME, json_body=home, headers={'etag': 'etag-1'}),
        Call('GET', SYSTEM, json_body=db_system(state='UPDATING', last=ENTRY)), get_entry(system_entry),
    ])
    assert 'on DB system %s: APPLY of patch ocid1.dbpatch.oc1.iad.gi (entry %s, IN_PROGRESS)' % (SYSTEM_ID, ENTRY) in result['msg']
    assert result['changed'] is False and len(runner.session.writes()) == 1


def test_412_reads_again_and_sends_once_more_with_the_new_etag(runner):
    result = runner.success(oci_patch_apply.main, dict(ARGS, wait=False), decide() + [
        put(status=412, answer={'code': 'NoEtagMatch', 'message': 'etag mismatch'}),
        get_system(etag='etag-2'), get_entry(OLD),  # the patch is not read again
        put(etag='etag-2', answer=db_system(state='UPDATING', last=ENTRY)),
        get_entry(entry()),
    ])
    assert result['changed'] is True and result['job_id'] == ENTRY
    assert [w['headers']['if-match'] for w in runner.session.writes()] == ['etag-1', 'etag-2']


def test_412_then_the_target_is_on_the_version_is_no_change(runner):
    result = runner.success(oci_patch_apply.main, ARGS, decide() + [
        put(status=412, answer={'code': 'NoEtagMatch', 'message': 'etag mismatch'}),
        get_system(etag='etag-2', version='19.21.0.0.0'), get_entry(OLD),
    ])
    assert result['changed'] is False and 'is not newer' in result['msg'] and len(runner.session.writes()) == 1


def test_an_accepted_answer_without_the_entry_is_completed_from_the_target(runner):
    result = runner.success(oci_patch_apply.main, dict(ARGS, wait=False), decide() + [
        put(answer=db_system()),  # the answer still shows the entry read before
        get_system(etag='etag-2', state='UPDATING', last=ENTRY), get_entry(entry()),
        get_entry(entry()),
    ])
    assert result['job_id'] == ENTRY and len(runner.session.writes()) == 1


def test_check_mode_sends_nothing_and_shows_the_versions(runner):
    result = runner.success(oci_patch_apply.main, ARGS, decide(), check_mode=True, diff=True)
    assert result['changed'] is True and result['job_id'] is None and runner.session.writes() == []
    assert result['diff'] == {'before': {'version': '19.20.0.0.0'}, 'after': {'version': '19.21.0.0.0'}}


def test_check_mode_with_an_apply_running_reads_it_once(runner):
    result = runner.success(oci_patch_apply.main, ARGS, [
        get_system(state='UPDATING', last=ENTRY), get_patch(), get_entry(entry()), get_entry(entry()),
    ], check_mode=True)
    assert result['changed'] is False and result['job']['state'] == 'running' and runner.session.writes() == []


def test_another_operation_running_is_named_and_nothing_is_sent(runner):
    other = entry(action='PRECHECK', patch_id='ocid1.dbpatch.oc1.iad.other')
    result = runner.failure(oci_patch_apply.main, ARGS, [get_system(state='UPDATING', last=ENTRY), get_patch(), get_entry(other)])
    assert result['msg'] == ('Cannot start the apply of patch %s on DB system %s: another operation runs on the DB system: '
                             'PRECHECK of patch ocid1.dbpatch.oc1.iad.other (entry %s, IN_PROGRESS). Wait for it to end '
                             '(dbops.patching.oci_patch_job_info with wait=true), then run again.' % (PATCH_ID, SYSTEM_ID, ENTRY))
    assert result['changed'] is False and runner.session.writes() == []


def test_a_target_that_is_not_available_is_refused(runner):
    result = runner.failure(oci_patch_apply.main, ARGS, [
        get_system(state='NEEDS_ATTENTION'), get_patch(), get_entry(OLD), list_history(OLD),
    ])
    assert result['msg'] == ('Cannot start the apply of patch %s on DB system %s: the DB system is NEEDS_ATTENTION, not '
                             'AVAILABLE. Run again once it is AVAILABLE.' % (PATCH_ID, SYSTEM_ID))


def test_409_names_the_running_operation(runner):
    other = entry(action='APPLY', patch_id='ocid1.dbpatch.oc1.iad.other')
    result = runner.failure(oci_patch_apply.main, ARGS, decide() + [
        put(status=409, answer={'code': 'IncorrectState', 'message': 'The DB system is being updated'}),
        get_system(state='UPDATING', last=ENTRY), get_entry(other),
    ])
    assert 'HTTP 409: IncorrectState: The DB system is being updated' in result['msg']
    assert 'APPLY of patch ocid1.dbpatch.oc1.iad.other (entry %s, IN_PROGRESS)' % ENTRY in result['msg']
    assert result['changed'] is False


def test_a_patch_not_offered_names_the_offered_ones(runner):
    result = runner.failure(oci_patch_apply.main, ARGS, [
        get_system(),
        Call('GET', SYSTEM + '/patches/' + PATCH_ID, status=404, json_body={'code': 'NotAuthorizedOrNotFound', 'message': 'nope'}),
        Call('GET', SYSTEM + '/patches', json_body=[dict(patch(), id='ocid1.dbpatch.a')], headers={'opc-next-page': 'p2'},
             expect_params={'limit': 100}),
        Call('GET', SYSTEM + '/patches', json_body=[dict(patch(version='19.22.0.0.0'), id='ocid1.dbpatch.b')],
             expect_params={'limit': 100, 'page': 'p2'}),
    ])
    assert result['msg'] == ('Patch %s is not offered for DB system %s (NotAuthorizedOrNotFound). Offered: ocid1.dbpatch.a '
                             '(19.21.0.0.0), ocid1.dbpatch.b (19.22.0.0.0).' % (PATCH_ID, SYSTEM_ID))


def test_precheck_first_then_apply(runner):
    precheck_entry = entry('ocid1.dbpatchhistoryentry.oc1.iad.pre', action='PRECHECK')
    passed = dict(precheck_entry, lifecycleState='SUCCEEDED', timeEnded='2026-12-07T10:05:00.000Z')
    result = runner.success(oci_patch_apply.main, dict(ARGS, precheck=True, wait=False), decide() + [
        get_system(), get_entry(OLD),  # the precheck decides on its own (the patch is known)
        put(action='PRECHECK', answer=db_system(last=precheck_entry['id'])),
        get_entry(precheck_entry), get_entry(passed),
        get_system(etag='etag-2', last=precheck_entry['id']), get_entry(passed),  # the apply decides again
        put(etag='etag-2', answer=db_system(state='UPDATING', last=ENTRY)),
        get_entry(entry()),
    ])
    assert result['changed'] is True and result['precheck_job']['state'] == 'succeeded'
    assert result['job_id'] == ENTRY and result['job']['state'] == 'running'
    assert [w['headers']['if-match'] for w in runner.session.writes()] == ['etag-1', 'etag-2']


def test_a_failed_precheck_applies_nothing(runner):
    precheck_entry = entry('ocid1.dbpatchhistoryentry.oc1.iad.pre', action='PRECHECK')
    failed = dict(precheck_entry, lifecycleState='FAILED', lifecycleDetails='Clusterware is not running on node 2')
    result = runner.failure(oci_patch_apply.main, dict(ARGS, precheck=True), decide() + [
        get_system(), get_entry(OLD),
        put(action='PRECHECK', answer=db_system(last=precheck_entry['id'])),
        get_entry(failed),
    ])
    assert result['changed'] is False and result['job_id'] is None
    assert result['precheck_job']['state'] == 'failed'
    assert 'Clusterware is not running on node 2' in result['msg'] and 'The patch was not applied' in result['msg']
    assert len(runner.session.writes()) == 1 and result['version_after'] == '19.20.0.0.0'


def test_a_db_home_is_patched_through_db_version(runner):
    home = dict(id=HOME_ID, lifecycleState='AVAILABLE', dbVersion='19.20.0.0.0')
    args = dict((k, v) for k, v in ARGS.items() if k != 'db_system_id')
    result = runner.success(oci_patch_apply.main, dict(args, db_home_id=HOME_ID, wait=False), [
        Call('GET', HOME, json_body=home, headers={'etag': 'etag-1'}),
        Call('GET', HOME + '/patches/' + PATCH_ID, json_body=patch()),
        put(target=HOME, field='dbVersion', answer=dict(home, lifecycleState='UPDATING', lastPatchHistoryEntryId=ENTRY)),
        get_entry(entry(), target=HOME),
    ])
    assert result['job_id'] == ENTRY and result['version_before'] == '19.20.0.0.0'


def test_a_timeout_returns_the_entry_and_how_to_resume(runner):
    calls = decide() + [put(answer=db_system(state='UPDATING', last=ENTRY))] + [get_entry(entry()) for dummy in range(3)]
    result = runner.failure(oci_patch_apply.main, dict(ARGS, wait_timeout=20, poll_interval=10), calls)
    assert result['timed_out'] is True and result['changed'] is True and result['job_id'] == ENTRY
    assert result['job']['state'] == 'running'
    assert ('run dbops.patching.oci_patch_job_info with db_system_id=%s, job_id=%s, wait=true' % (SYSTEM_ID, ENTRY)) in result['msg']


def test_the_key_and_pass_phrase_never_appear(runner):
    result = runner.failure(oci_patch_apply.main, dict(ARGS, pass_phrase='pp-s3cr3t-value'), [
        Call('GET', SYSTEM, status=401, json_body={'code': 'NotAuthenticated', 'message': 'key %s pp-s3cr3t-value' % PRIVATE_KEY}),
    ])
    assert 'HTTP 401: NotAuthenticated' in result['msg']
    assert 'pp-s3cr3t-value' not in repr(result) and 'MIICXgIBAAKBgQDCFENGw33yGihy92pDjZQhl0C36rPJj' not in repr(result)
