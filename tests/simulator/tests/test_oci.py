# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""OCI Base Database: request signatures, lists and paging, etag/if-match, the patch state machine
(history entries, patches, work requests), the knobs, seeding, and every fault kind on OCI paths."""

import json
import time

import pytest
import requests

from .. import oci, oci_signing, seeding
from ..common import Request

SYSTEMS = '/20160918/dbSystems'
HOMES = '/20160918/dbHomes'
WORK = '/20160918/workRequests'
COMPARTMENT = oci_signing.COMPARTMENT


def seed(api, fail=False, precheck_fail=False, duration=100, precheck_duration=20, **extra):
    """A DB system on 19.20 with a GI patch 19.21 (and 19.22), its home with a DB patch 19.21."""
    body = dict(display_name='dbsys1', version='19.20.0.0.0',
                patches=[dict(version='19.21.0.0.0', duration=duration, precheck_duration=precheck_duration, fail=fail,
                              precheck_fail=precheck_fail),
                         dict(version='19.22.0.0.0')],
                db_home=dict(patches=[dict(version='19.21.0.0.0', duration=duration)]))
    body.update(extra)
    return api.seed_db_system(**body)


def apply(api, ids, action='APPLY', patch=0, etag=None, **kwargs):
    headers = {'if-match': etag} if etag else {}
    return api.oci('PUT', '%s/%s' % (SYSTEMS, ids['id']), json={'version': {'patchId': ids['db_system_patch_ids'][patch], 'action': action}},
                   headers=headers, **kwargs)


def system(api, ids):
    return api.oci('GET', '%s/%s' % (SYSTEMS, ids['id']))


# -- signatures --------------------------------------------------------------------------------


def test_a_signed_get_is_answered_with_request_id_and_etag(api):
    ids = seed(api)
    answer = system(api, ids)
    assert answer.status_code == 200
    body = answer.json()
    assert body['id'] == ids['id'] and body['id'].startswith('ocid1.dbsystem.oc1.iad.a')
    assert (body['lifecycleState'], body['version'], body['lastPatchHistoryEntryId']) == ('AVAILABLE', '19.20.0.0.0', None)
    assert body['compartmentId'] == COMPARTMENT and body['timeCreated'].endswith('Z')
    assert len(answer.headers['etag']) == 64 and len(answer.headers['opc-request-id'].split('/')) == 3


@pytest.mark.parametrize('case', ['unsigned', 'other key', 'tampered', 'stale date', 'future date', 'no host signed',
                                  'unknown key id', 'not rsa-sha256'])
def test_bad_signatures_on_a_get_are_401_not_authenticated(api, case):
    ids = seed(api)
    path = '%s/%s' % (SYSTEMS, ids['id'])
    kwargs = {}
    if case == 'unsigned':
        kwargs['sign'] = False
    elif case == 'other key':
        kwargs['private_key'] = _new_key()
    elif case == 'stale date':
        kwargs['date'] = time.time() - 400
    elif case == 'future date':
        kwargs['date'] = time.time() + 400
    elif case == 'no host signed':
        kwargs['names'] = ['date', '(request-target)']
    elif case == 'unknown key id':
        kwargs['key_id'] = 'ocid1.tenancy.oc1..x/ocid1.user.oc1..y/00:11'
    if case in ('tampered', 'not rsa-sha256'):
        headers = oci_signing.sign('GET', api.url + path)
        if case == 'tampered':
            headers['authorization'] = headers['authorization'].replace('signature="', 'signature="AAAA')
        else:
            headers['authorization'] = headers['authorization'].replace('rsa-sha256', 'hmac-sha256')
        answer = api.session.get(api.url + path, headers=headers, timeout=10)
    else:
        answer = api.oci('GET', path, **kwargs)
    assert answer.status_code == 401
    assert answer.json()['code'] == 'NotAuthenticated' and answer.headers['opc-request-id']
    assert not api.admin('requests', method='GET', params={'method': 'GET', 'path': 'dbSystems'})['accepted_count']


def test_x_date_may_stand_for_date(api):
    ids = seed(api)
    url = '%s%s/%s' % (api.url, SYSTEMS, ids['id'])
    headers = oci_signing.sign('GET', url, headers={'x-date': oci_signing.http_date(), 'date': 'not a date'},
                               names=['x-date', '(request-target)', 'host'])
    assert api.session.get(url, headers=headers, timeout=10).status_code == 200


def test_a_signature_is_bound_to_the_query(api):
    seed(api)
    headers = oci_signing.sign('GET', api.url + SYSTEMS + '?compartmentId=' + COMPARTMENT)
    answer = api.session.get(api.url + SYSTEMS + '?compartmentId=' + COMPARTMENT + '&limit=1', headers=headers, timeout=10)
    assert answer.status_code == 401


@pytest.mark.parametrize('case', ['no body headers signed', 'body changed after signing', 'no x-content-sha256 sent'])
def test_a_put_must_sign_its_body(api, case):
    ids = seed(api)
    url = '%s%s/%s' % (api.url, SYSTEMS, ids['id'])
    body = json.dumps({'version': {'patchId': ids['db_system_patch_ids'][0], 'action': 'PRECHECK'}}).encode('utf-8')
    if case == 'no body headers signed':
        headers = oci_signing.sign('PUT', url, body, names=['date', '(request-target)', 'host'])
        headers.update({'content-type': 'application/json'})
    else:
        headers = oci_signing.sign('PUT', url, body)
    if case == 'body changed after signing':
        body = body.replace(b'PRECHECK', b'APPLY\x20\x20\x20')
    if case == 'no x-content-sha256 sent':
        del headers['x-content-sha256']
    answer = api.session.put(url, data=body, headers=headers, timeout=10)
    assert answer.status_code == 401 and answer.json()['code'] == 'NotAuthenticated'
    assert system(api, ids).json()['lastPatchHistoryEntryId'] is None, 'nothing started'


def test_oracles_documented_signing_vectors_verify():
    """The Request Signatures page's test values (oracle/oci-go-sdk common/http_signer_test.go): the GET and
    POST signing strings and signatures, checked by the simulator's verifier at the vectors' own date."""
    key = oci_signing.load_private_key().public_key()
    keys = {oci_signing.KEY_ID: key}
    then = 1388957500.0  # Thu, 05 Jan 2014 21:31:40 GMT
    get_target = ('/20160918/instances?availabilityDomain=Pjwf%3A%20PHX-AD-1&compartmentId=ocid1.compartment.oc1..'
                  'aaaaaaaam3we6vgnherjq5q2idnccdflvjsnog7mlr6rtdb25gilchfeyjxa&displayName=TeamXInstances&volumeId=ocid1.volume.oc1.phx.'
                  'abyhqljrgvttnlx73nmrwfaux7kcvzfs3s66izvxf2h4lgvyndsdsnoiwr5q')
    signature = ('GBas7grhyrhSKHP6AVIj/h5/Vp8bd/peM79H9Wv8kjoaCivujVXlpbKLjMPeDUhxkFIWtTtLBj3sUzaFj34XE6YZAHc9r2DmE4pMwOAy/kiITcZxa1oHP'
                 'OeRheC0jP2dqbTll8fmTZVwKZOKHYPtrLJIJQHJjNvxFWeHQjMaR7M=')
    headers = {'date': 'Thu, 05 Jan 2014 21:31:40 GMT', 'host': 'iaas.us-phoenix-1.oraclecloud.com',
               'authorization': 'Signature version="1",headers="date (request-target) host",keyId="%s",algorithm="rsa-sha256",'
                                'signature="%s"' % (oci_signing.KEY_ID, signature)}
    assert oci_signing.verify('GET', get_target, headers, b'', keys, now=then + 10) == oci_signing.KEY_ID
    with pytest.raises(oci_signing.SignatureError, match='off the clock'):
        oci_signing.verify('GET', get_target, headers, b'', keys)
    body = ('{\n    "compartmentId": "ocid1.compartment.oc1..aaaaaaaam3we6vgnherjq5q2idnccdflvjsnog7mlr6rtdb25gilchfeyjxa",\n'
            '    "instanceId": "ocid1.instance.oc1.phx.abuw4ljrlsfiqw6vzzxb43vyypt4pkodawglp3wqxjqofakrwvou52gb6s5a",\n'
            '    "volumeId": "ocid1.volume.oc1.phx.abyhqljrgvttnlx73nmrwfaux7kcvzfs3s66izvxf2h4lgvyndsdsnoiwr5q"\n}').encode('utf-8')
    assert len(body) == 316 and oci_signing.body_hash(body) == 'V9Z20UJTvkvpJ50flBzKE32+6m2zJjweHpDMX/U4Uy0='
    signature = ('Mje8vIDPlwIHmD/cTDwRxE7HaAvBg16JnVcsuqaNRim23fFPgQfLoOOxae6WqKb1uPjYEl0qIdazWaBy/Ml8DRhqlocMwoSXv0fbukP8J5N80LCmzT/FFB'
                 'vIvTB91XuXI3hYfP9Zt1l7S6ieVadHUfqBedWH0itrtPJBgKmrWso=')
    headers = {'date': 'Thu, 05 Jan 2014 21:31:40 GMT', 'host': 'iaas.us-phoenix-1.oraclecloud.com', 'content-length': '316',
               'content-type': 'application/json', 'x-content-sha256': 'V9Z20UJTvkvpJ50flBzKE32+6m2zJjweHpDMX/U4Uy0=',
               'authorization': 'Signature version="1",headers="date (request-target) host content-length content-type x-content-sha256",'
                                'keyId="%s",algorithm="rsa-sha256",signature="%s"' % (oci_signing.KEY_ID, signature)}
    assert oci_signing.verify('POST', '/20160918/volumeAttachments', headers, body, keys, now=then) == oci_signing.KEY_ID
    with pytest.raises(oci_signing.SignatureError, match='SHA-256'):
        oci_signing.verify('POST', '/20160918/volumeAttachments', headers, body + b' ', keys, now=then)


def _new_key():
    from cryptography.hazmat.primitives.asymmetric import rsa  # pylint: disable=import-outside-toplevel
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def test_an_admin_seed_registers_another_api_key(api):
    ids = seed(api)
    key = _new_key()
    registered = api.admin('oci/keys', {'tenancy': oci_signing.TENANCY, 'user': 'ocid1.user.oc1..other',
                                        'public_key': oci_signing.public_pem(key.public_key())})
    fingerprint = oci_signing.fingerprint(key.public_key())
    assert registered == {'key_id': '%s/ocid1.user.oc1..other/%s' % (oci_signing.TENANCY, fingerprint)}
    assert api.oci('GET', '%s/%s' % (SYSTEMS, ids['id']), key_id=registered['key_id'], private_key=key).status_code == 200
    assert api.oci('GET', '%s/%s' % (SYSTEMS, ids['id']), private_key=key).status_code == 401, 'the test user keeps its own key'
    api.admin('reset')
    assert api.oci('GET', SYSTEMS + '?compartmentId=' + COMPARTMENT, key_id=registered['key_id'], private_key=key).status_code == 401


def test_the_requests_signer_signs_each_request(api):
    ids = seed(api)
    answer = requests.put('%s%s/%s' % (api.url, SYSTEMS, ids['id']), auth=oci_signing.RequestsSigner(), timeout=10,
                          json={'version': {'patchId': ids['db_system_patch_ids'][0], 'action': 'PRECHECK'}})
    assert answer.status_code == 200 and answer.json()['lifecycleState'] == 'UPDATING'


# -- lists ------------------------------------------------------------------------------------


def test_list_db_systems_pages_with_an_opaque_next_page_token(api):
    created = [api.seed_db_system(display_name='sys%d' % number)['id'] for number in range(5)]
    api.seed_db_system(display_name='elsewhere', compartment_id='ocid1.compartment.oc1..other')
    seen, page, answers = [], None, 0
    while True:
        query = '?compartmentId=%s&limit=2&sortBy=DISPLAYNAME' % COMPARTMENT + ('&page=' + page if page else '')
        answer = api.oci('GET', SYSTEMS + query)
        answers += 1
        assert answer.status_code == 200 and isinstance(answer.json(), list) and answer.headers['opc-request-id']
        seen += [item['displayName'] for item in answer.json()]
        page = answer.headers.get('opc-next-page')
        if not page:
            break
    assert answers == 3 and seen == ['sys0', 'sys1', 'sys2', 'sys3', 'sys4']
    everything = api.oci('GET', SYSTEMS + '?compartmentId=' + COMPARTMENT)
    assert 'opc-next-page' not in everything.headers and len(everything.json()) == 5
    assert set(item['id'] for item in everything.json()) == set(created)
    assert [i['displayName'] for i in everything.json()] == ['sys4', 'sys3', 'sys2', 'sys1', 'sys0'], 'TIMECREATED descending by default'


def test_list_refusals_and_filters(api):
    ids = seed(api)
    assert api.oci('GET', SYSTEMS).json()['code'] == 'MissingParameter'
    assert api.oci('GET', SYSTEMS + '?compartmentId=%s&limit=0' % COMPARTMENT).json()['code'] == 'InvalidParameter'
    assert api.oci('GET', SYSTEMS + '?compartmentId=%s&page=garbage' % COMPARTMENT).status_code == 400
    assert api.oci('GET', SYSTEMS + '?compartmentId=%s&lifecycleState=RUNNING' % COMPARTMENT).status_code == 400
    assert api.oci('GET', SYSTEMS + '?compartmentId=%s&lifecycleState=UPDATING' % COMPARTMENT).json() == []
    homes = api.oci('GET', HOMES + '?compartmentId=%s&dbSystemId=%s' % (COMPARTMENT, ids['id'])).json()
    assert [h['id'] for h in homes] == [ids['db_home_id']] and homes[0]['dbVersion'] == '19.20.0.0.0'
    assert homes[0]['lastPatchHistoryEntryId'] is None and homes[0]['dbSystemId'] == ids['id']


def test_patches_newest_first_and_only_newer_than_the_target(api):
    ids = seed(api, duration=10)
    patches = api.oci('GET', '%s/%s/patches' % (SYSTEMS, ids['id'])).json()
    assert [p['version'] for p in patches] == ['19.22.0.0.0', '19.21.0.0.0']
    first = patches[1]
    assert (first['lastAction'], first['lifecycleState'], first['availableActions']) == (None, None, ['APPLY', 'PRECHECK'])
    assert first['id'].startswith('ocid1.dbpatch.oc1.iad.') and first['description'] == 'Oct 2023 19c Db System patch'
    page = api.oci('GET', '%s/%s/patches?limit=1' % (SYSTEMS, ids['id']))
    assert len(page.json()) == 1 and page.headers['opc-next-page']
    apply(api, ids)
    api.advance(11)
    assert [p['version'] for p in api.oci('GET', '%s/%s/patches' % (SYSTEMS, ids['id'])).json()] == ['19.22.0.0.0']
    applied = api.oci('GET', '%s/%s/patches/%s' % (SYSTEMS, ids['id'], first['id'])).json()
    assert (applied['lastAction'], applied['lifecycleState']) == ('APPLY', 'SUCCESS'), 'SUCCESS, not SUCCEEDED'
    assert api.oci('GET', '%s/%s/patches/ocid1.dbpatch.oc1.iad.nope' % (SYSTEMS, ids['id'])).status_code == 404


# -- the state machine ------------------------------------------------------------------------


def test_apply_runs_updating_then_available_with_the_new_version(api):
    ids = seed(api)
    before = system(api, ids)
    answer = apply(api, ids, etag=before.headers['etag'])
    assert answer.status_code == 200
    body = answer.json()
    assert body['lifecycleState'] == 'UPDATING' and body['version'] == '19.20.0.0.0'
    entry_id = body['lastPatchHistoryEntryId']
    assert entry_id.startswith('ocid1.dbpatchhistory.oc1.iad.')
    assert answer.headers['etag'] != before.headers['etag'], 'accepting the operation changes the etag'
    entry = api.oci('GET', '%s/%s/patchHistoryEntries/%s' % (SYSTEMS, ids['id'], entry_id))
    assert entry.status_code == 200 and entry.headers['etag']
    assert entry.json()['lifecycleState'] == 'IN_PROGRESS' and entry.json()['timeEnded'] is None
    assert (entry.json()['action'], entry.json()['patchId'], entry.json()['patchType']) == ('APPLY', ids['db_system_patch_ids'][0], 'GI')
    patch = api.oci('GET', '%s/%s/patches/%s' % (SYSTEMS, ids['id'], ids['db_system_patch_ids'][0])).json()
    assert (patch['lastAction'], patch['lifecycleState']) == ('APPLY', 'IN_PROGRESS')
    api.advance(50)
    assert system(api, ids).json()['version'] == '19.20.0.0.0', 'not before the end'
    api.advance(51)
    after = system(api, ids)
    assert (after.json()['lifecycleState'], after.json()['version']) == ('AVAILABLE', '19.21.0.0.0')
    assert after.headers['etag'] != answer.headers['etag']
    entry = api.oci('GET', '%s/%s/patchHistoryEntries/%s' % (SYSTEMS, ids['id'], entry_id)).json()
    assert entry['lifecycleState'] == 'SUCCEEDED' and entry['timeEnded'] > entry['timeStarted']
    assert api.oci('GET', '%s/%s/patchHistoryEntries' % (SYSTEMS, ids['id'])).json() == [entry]


def test_a_failed_patch_leaves_the_system_available_and_the_entry_failed(api):
    ids = seed(api, fail=True, duration=30)
    answer = apply(api, ids)
    entry_id = answer.json()['lastPatchHistoryEntryId']
    work_id = answer.headers['opc-work-request-id']
    api.advance(31)
    body = system(api, ids).json()
    assert (body['lifecycleState'], body['version'], body['lastPatchHistoryEntryId']) == ('AVAILABLE', '19.20.0.0.0', entry_id), \
        'AVAILABLE again: a waiter on the lifecycle alone takes this for success'
    entry = api.oci('GET', '%s/%s/patchHistoryEntries/%s' % (SYSTEMS, ids['id'], entry_id)).json()
    assert entry['lifecycleState'] == 'FAILED' and '/u01' in entry['lifecycleDetails'] and entry['timeEnded']
    patch = api.oci('GET', '%s/%s/patches/%s' % (SYSTEMS, ids['id'], ids['db_system_patch_ids'][0])).json()
    assert (patch['lastAction'], patch['lifecycleState']) == ('APPLY', 'FAILED') and patch['lifecycleDetails']
    assert api.oci('GET', WORK + '/' + work_id).json()['status'] == 'FAILED'
    assert [p['id'] for p in api.oci('GET', '%s/%s/patches' % (SYSTEMS, ids['id'])).json()][-1] == ids['db_system_patch_ids'][0], \
        'still offered'


@pytest.mark.parametrize('fails', [False, True])
def test_a_precheck_never_changes_the_version(api, fails):
    ids = seed(api, precheck_fail=fails, precheck_duration=20)
    answer = apply(api, ids, action='PRECHECK')
    assert answer.status_code == 200 and answer.json()['lifecycleState'] == 'UPDATING'
    api.advance(21)
    body = system(api, ids).json()
    assert (body['lifecycleState'], body['version']) == ('AVAILABLE', '19.20.0.0.0')
    entry = api.oci('GET', '%s/%s/patchHistoryEntries/%s' % (SYSTEMS, ids['id'], body['lastPatchHistoryEntryId'])).json()
    assert (entry['action'], entry['lifecycleState']) == ('PRECHECK', 'FAILED' if fails else 'SUCCEEDED')
    patch = api.oci('GET', '%s/%s/patches/%s' % (SYSTEMS, ids['id'], ids['db_system_patch_ids'][0])).json()
    assert (patch['lastAction'], patch['lifecycleState']) == ('PRECHECK', 'FAILED' if fails else 'SUCCESS')


def test_precheck_knob_keeps_the_target_available_but_one_operation_at_a_time(api):
    api.config(oci_precheck_updating=0)
    ids = seed(api)
    assert apply(api, ids, action='PRECHECK').json()['lifecycleState'] == 'AVAILABLE'
    second = apply(api, ids)
    assert second.status_code == 409 and second.json()['code'] == 'IncorrectState'


def test_a_write_while_updating_is_409_incorrect_state(api):
    ids = seed(api)
    first = apply(api, ids)
    again = apply(api, ids)
    assert again.status_code == 409 and again.json()['code'] == 'IncorrectState' and again.headers['opc-request-id']
    home = api.oci('PUT', '%s/%s' % (HOMES, ids['db_home_id']), json={'dbVersion': {'patchId': ids['db_home_patch_ids'][0], 'action': 'APPLY'}})
    assert home.status_code == 409, 'one operation per DB system'
    entries = api.oci('GET', '%s/%s/patchHistoryEntries' % (SYSTEMS, ids['id'])).json()
    assert [e['id'] for e in entries] == [first.json()['lastPatchHistoryEntryId']]


def test_a_stale_if_match_is_412_and_a_fresh_one_or_star_passes(api):
    ids = seed(api, duration=5)
    etag = system(api, ids).headers['etag']
    stale = apply(api, ids, etag='0' * 64)
    assert stale.status_code == 412 and stale.json()['code'] == 'NoEtagMatch'
    assert apply(api, ids, action='PRECHECK', etag=etag).status_code == 200
    api.advance(25)
    assert apply(api, ids, etag=etag).status_code == 412, 'the etag moved with the operation'
    assert apply(api, ids, etag='*').status_code == 200


def test_bad_patch_requests_are_400(api):
    ids = seed(api)
    path = '%s/%s' % (SYSTEMS, ids['id'])
    cases = [({'version': {'patchId': 'ocid1.dbpatch.oc1.iad.nope', 'action': 'APPLY'}}, 'InvalidParameter'),
             ({'version': {'patchId': ids['db_system_patch_ids'][0], 'action': 'ROLLBACK'}}, 'InvalidParameter'),
             ({'version': {'action': 'APPLY'}}, 'MissingParameter'),
             ({'version': {'patchId': ids['db_system_patch_ids'][0]}}, 'MissingParameter'),
             ({'version': {'patchId': ids['db_home_patch_ids'][0], 'action': 'APPLY'}}, 'InvalidParameter'),
             ({'cpuCoreCount': 4}, 'InvalidParameter')]
    for body, code in cases:
        answer = api.oci('PUT', path, json=body)
        assert (answer.status_code, answer.json()['code']) == (400, code), body
    url = api.url + path
    answer = api.session.put(url, data=b'{not json', headers=oci_signing.sign('PUT', url, b'{not json'), timeout=10)
    assert (answer.status_code, answer.json()['code']) == (400, 'CannotParseRequest')
    assert system(api, ids).json()['lastPatchHistoryEntryId'] is None


def test_not_found_and_method_not_allowed(api):
    ids = seed(api)
    assert api.oci('GET', SYSTEMS + '/ocid1.dbsystem.oc1.iad.nope').json()['code'] == 'NotAuthorizedOrNotFound'
    assert api.oci('GET', HOMES + '/ocid1.dbhome.oc1.iad.nope/patches').status_code == 404
    assert api.oci('GET', '%s/%s/patchHistoryEntries/ocid1.dbpatchhistory.oc1.iad.nope' % (SYSTEMS, ids['id'])).status_code == 404
    assert api.oci('GET', WORK + '/ocid1.coreservicesworkrequest.oc1.iad.nope').status_code == 404
    assert api.oci('GET', '/20160918/autonomousDatabases').json()['code'] == 'NotFound'
    assert api.oci('DELETE', '%s/%s' % (SYSTEMS, ids['id'])).status_code == 405


def test_a_db_home_patch_changes_db_version_only(api):
    ids = seed(api, duration=10)
    answer = api.oci('PUT', '%s/%s' % (HOMES, ids['db_home_id']), json={'dbVersion': {'patchId': ids['db_home_patch_ids'][0], 'action': 'APPLY'}})
    assert answer.status_code == 200 and answer.json()['lifecycleState'] == 'UPDATING' and answer.headers['etag']
    assert set(answer.json()) >= {'dbVersion', 'dbHomeLocation', 'lastPatchHistoryEntryId', 'dbSystemId'}
    api.advance(11)
    home = api.oci('GET', '%s/%s' % (HOMES, ids['db_home_id'])).json()
    assert (home['dbVersion'], home['lifecycleState']) == ('19.21.0.0.0', 'AVAILABLE')
    assert system(api, ids).json()['version'] == '19.20.0.0.0'
    entry = api.oci('GET', '%s/%s/patchHistoryEntries/%s' % (HOMES, ids['db_home_id'], home['lastPatchHistoryEntryId'])).json()
    assert (entry['patchType'], entry['lifecycleState']) == ('DB', 'SUCCEEDED')
    assert api.oci('GET', '%s/%s/patchHistoryEntries/%s' % (SYSTEMS, ids['id'], home['lastPatchHistoryEntryId'])).status_code == 404


# -- work requests and knobs -----------------------------------------------------------------


def test_the_work_request_runs_accepted_in_progress_succeeded(api):
    ids = seed(api, duration=100)
    work_id = apply(api, ids).headers['opc-work-request-id']
    assert work_id.startswith('ocid1.coreservicesworkrequest.oc1.iad.')
    accepted = api.oci('GET', WORK + '/' + work_id).json()
    assert (accepted['status'], accepted['percentComplete'], accepted['timeStarted']) == ('ACCEPTED', 0.0, None)
    assert accepted['resources'] == [{'entityType': 'dbSystem', 'actionType': 'IN_PROGRESS', 'identifier': ids['id'],
                                      'entityUri': '%s/%s' % (SYSTEMS, ids['id'])}]
    api.advance(50)
    running = api.oci('GET', WORK + '/' + work_id).json()
    assert running['status'] == 'IN_PROGRESS' and 40 < running['percentComplete'] < 60 and running['timeStarted']
    api.advance(51)
    done = api.oci('GET', WORK + '/' + work_id).json()
    assert (done['status'], done['percentComplete'], done['resources'][0]['actionType']) == ('SUCCEEDED', 100.0, 'UPDATED')
    assert done['timeAccepted'] < done['timeStarted'] < done['timeFinished']
    listed = api.oci('GET', WORK + '?compartmentId=%s&resourceId=%s' % (COMPARTMENT, ids['id'])).json()
    assert [w['id'] for w in listed] == [work_id] and 'resources' not in listed[0]
    assert api.oci('GET', WORK + '?compartmentId=%s&resourceId=ocid1.dbsystem.oc1.iad.other' % COMPARTMENT).json() == []
    assert api.oci('GET', WORK).json()['code'] == 'MissingParameter'


@pytest.mark.parametrize('knob, count', [('none', 0), ('one', 1), ('list', 2)])
def test_the_work_request_header_knob(api, knob, count):
    api.config(oci_work_request_header=knob)
    ids = seed(api)
    answer = apply(api, ids)
    assert answer.status_code == 200 and answer.json()['lifecycleState'] == 'UPDATING'
    header = answer.headers.get('opc-work-request-id')
    if not count:
        assert header is None
        return
    work_ids = header.split(',')
    assert len(work_ids) == count
    for work_id in work_ids:
        assert api.oci('GET', WORK + '/' + work_id).json()['resources'][0]['identifier'] == ids['id']


def test_the_put_answer_and_list_summary_knobs(api):
    api.config(oci_put_answer='before', oci_list_last_patch_history=0)
    ids = seed(api)
    answer = apply(api, ids)
    assert (answer.json()['lifecycleState'], answer.json()['lastPatchHistoryEntryId']) == ('AVAILABLE', None)
    assert system(api, ids).json()['lastPatchHistoryEntryId'], 'a GET has it'
    listed = api.oci('GET', SYSTEMS + '?compartmentId=' + COMPARTMENT).json()
    assert listed[0]['lifecycleState'] == 'UPDATING' and listed[0]['lastPatchHistoryEntryId'] is None
    with pytest.raises(requests.HTTPError):
        api.config(oci_put_answer='sometimes')


def test_the_accept_changes_etag_knob_makes_a_copy_409_instead_of_412(api):
    api.config(oci_accept_changes_etag=0)
    ids = seed(api, duration=30)
    etag = system(api, ids).headers['etag']
    first = apply(api, ids, etag=etag)
    assert first.status_code == 200 and first.headers['etag'] == etag, 'accepting did not move the etag'
    copy = apply(api, ids, etag=etag)
    assert copy.status_code == 409 and copy.json()['code'] == 'IncorrectState', 'one operation at a time all the same'
    api.advance(31)
    assert system(api, ids).headers['etag'] != etag, 'the end of the operation moves it'


def test_the_entry_delay_knob_hides_an_accepted_operation_from_reads_only(api):
    api.config(oci_entry_delay=40)
    ids = seed(api, duration=100)
    path = '%s/%s' % (SYSTEMS, ids['id'])
    before = system(api, ids)
    answer = apply(api, ids, etag=before.headers['etag'])
    entry_id = answer.json()['lastPatchHistoryEntryId']
    assert answer.status_code == 200 and answer.json()['lifecycleState'] == 'UPDATING' and entry_id, 'the PUT sees the truth'
    seen = system(api, ids)
    assert (seen.json()['lifecycleState'], seen.json()['lastPatchHistoryEntryId']) == ('AVAILABLE', None)
    assert seen.headers['etag'] == before.headers['etag'], 'a read shows the old etag'
    assert api.oci('GET', path + '/patchHistoryEntries').json() == []
    assert api.oci('GET', '%s/patchHistoryEntries/%s' % (path, entry_id)).status_code == 404
    patch = api.oci('GET', '%s/patches/%s' % (path, ids['db_system_patch_ids'][0])).json()
    assert (patch['lastAction'], patch['lifecycleState']) == (None, None)
    listed = api.oci('GET', SYSTEMS + '?compartmentId=' + COMPARTMENT).json()
    assert listed[0]['lifecycleState'] == 'AVAILABLE'
    copy = apply(api, ids, etag=before.headers['etag'])
    assert copy.status_code == 412, 'the write path sees the moved etag'
    api.advance(41)
    seen = system(api, ids).json()
    assert (seen['lifecycleState'], seen['lastPatchHistoryEntryId']) == ('UPDATING', entry_id)
    assert [e['id'] for e in api.oci('GET', path + '/patchHistoryEntries').json()] == [entry_id]
    with pytest.raises(requests.HTTPError):
        api.config(oci_entry_delay=-1)


def test_dry_run_validates_without_starting(api):
    ids = seed(api)
    answer = api.oci(
        'PUT', '%s/%s' % (SYSTEMS, ids['id']), json={'version': {'patchId': ids['db_system_patch_ids'][0], 'action': 'APPLY'}},
        headers={'opc-dry-run': 'true'})
    assert answer.status_code == 200 and answer.json()['lifecycleState'] == 'AVAILABLE' and 'opc-work-request-id' not in answer.headers
    assert system(api, ids).json()['lastPatchHistoryEntryId'] is None


# -- faults ----------------------------------------------------------------------------------


def test_a_lost_answer_after_processing_leaves_the_patch_running(api):
    ids = seed(api)
    etag = system(api, ids).headers['etag']
    api.fault(path='^/20160918/dbSystems/[^/]+$', method='PUT', kind='drop', after_processing=True)
    with pytest.raises(requests.exceptions.ConnectionError):
        apply(api, ids, etag=etag)
    body = system(api, ids).json()
    assert body['lifecycleState'] == 'UPDATING' and body['lastPatchHistoryEntryId']
    entry = api.oci('GET', '%s/%s/patchHistoryEntries/%s' % (SYSTEMS, ids['id'], body['lastPatchHistoryEntryId'])).json()
    assert entry['lifecycleState'] == 'IN_PROGRESS'
    again = apply(api, ids, etag=etag)
    assert again.status_code == 412, 'the same write re-sent with the old etag cannot start a second patch'
    logged = api.admin('requests', method='GET', params={'method': 'PUT'})
    assert [r['status'] for r in logged['requests']] == [0, 412] and logged['accepted_count'] == 1


def test_429_too_many_requests_through_a_fault_rule(api):
    ids = seed(api)
    api.fault(path='^/20160918/', kind='status', status=429, retry_after='3', body=oci.TOO_MANY_REQUESTS, times=2)
    answers = [system(api, ids) for dummy in range(3)]
    assert [a.status_code for a in answers] == [429, 429, 200]
    assert answers[0].json() == oci.TOO_MANY_REQUESTS and answers[0].headers['Retry-After'] == '3'
    with pytest.raises(requests.HTTPError):
        api.fault(path='x', kind='drop', body={'code': 'X'})


@pytest.mark.parametrize('kind', ['status', 'html', 'echo', 'drop', 'slow', 'truncated', 'cut', 'bad_gzip'])
def test_every_fault_kind_works_on_oci_paths(api, kind):
    ids = seed(api)
    api.fault(path='^/20160918/dbSystems/[^/]+$', method='PUT', kind=kind, after_processing=True, delay=0.2)
    began = time.monotonic()
    try:
        answer = apply(api, ids)
    except requests.exceptions.RequestException:
        answer = None
    if kind in ('drop', 'cut', 'bad_gzip'):
        assert answer is None
    elif kind == 'truncated':
        with pytest.raises(ValueError):
            answer.json()
    elif kind == 'slow':
        assert answer.status_code == 200 and time.monotonic() - began >= 0.2
    else:
        assert answer.status_code >= 500
    assert system(api, ids).json()['lifecycleState'] == 'UPDATING', 'processed: the write took effect'
    assert api.admin('requests', method='GET', params={'method': 'PUT'})['accepted_count'] == 1


def test_a_throttle_before_processing_changes_nothing(api):
    ids = seed(api)
    api.fault(path='^/20160918/dbSystems/[^/]+$', method='PUT', kind='status', status=429, body=oci.TOO_MANY_REQUESTS)
    assert apply(api, ids).status_code == 429
    assert system(api, ids).json()['lastPatchHistoryEntryId'] is None


# -- seeding and the rest ----------------------------------------------------------------------


def test_seed_from_an_ansible_inventory_host():
    inventory = {'oci_fleet': {'vars': {'safe_patch_cloud': 'oci'}, 'hosts': {
        'db01': {'safe_patch_db_system_id': 'ocid1.dbsystem.oc1.iad.db01', 'safe_patch_patch_id': 'ocid1.dbpatch.oc1.iad.p1'},
        'db02': {'safe_patch_db_home_id': 'ocid1.dbhome.oc1.iad.h02', 'safe_patch_patch_id': 'ocid1.dbpatch.oc1.iad.p2',
                 'simulator_current_version': '19.22.0.0.0', 'simulator_patch_fails': True}}}}
    seeds = seeding.from_inventory(inventory)
    db01, db02 = seeds['oci']
    assert db01['id'] == 'ocid1.dbsystem.oc1.iad.db01'
    assert db01['patches'][0] == dict(id='ocid1.dbpatch.oc1.iad.p1', version='19.21.0.0.0', duration=300.0, fail=False)
    assert db02['db_home']['id'] == 'ocid1.dbhome.oc1.iad.h02' and db02['patches'] == []
    assert db02['db_home']['patches'][0]['version'] == '19.23.0.0.0' and db02['db_home']['patches'][0]['fail'] is True


def test_fixture_sections_survive_a_reset(simulator, api):
    simulator.state.add_seeds({'oci': [{'id': 'ocid1.dbsystem.oc1.iad.fixture', 'display_name': 'fixed', 'patches': [{'version': '19.21.0.0.0'}]}]})
    try:
        api.admin('reset')
        assert api.oci('GET', SYSTEMS + '/ocid1.dbsystem.oc1.iad.fixture').json()['displayName'] == 'fixed'
        dump = api.admin('state', method='GET')['oci']
        assert 'ocid1.dbsystem.oc1.iad.fixture' in dump['db_systems'] and oci_signing.KEY_ID in dump['keys']
    finally:
        simulator.state.extra_seeds = []
        api.admin('reset')
    assert api.oci('GET', SYSTEMS + '/ocid1.dbsystem.oc1.iad.fixture').status_code == 404


def test_bad_seeds_and_config_are_400(api):
    for body in ({'patches': [{}]}, {'colour': 'red'}, {'db_homes': []}, {'lifecycle_state': 'ASLEEP'},
                 {'patches': [{'version': '19.21.0.0.0', 'speed': 1}]}):
        with pytest.raises(requests.HTTPError):
            api.admin('oci/db_systems', body)
    with pytest.raises(requests.HTTPError):
        api.admin('oci/keys', {'key_id': 'a/b/c', 'public_key': 'not a key'})
    with pytest.raises(requests.HTTPError):
        api.config(oci_work_request_header='two')


def test_the_other_clouds_run_without_cryptography(api, monkeypatch):
    def missing():
        raise RuntimeError('OCI request signatures need the cryptography package (pip install cryptography)')
    monkeypatch.setattr(oci_signing, '_crypto', missing)
    api.admin('reset')
    api.admin('oci/db_systems', {'display_name': 'x'})
    assert api.oracle('GET', '/paas/api/v1.1/instancemgmt/ExampleIdentityDomain/services/MySQLCS/instances/MyTestInstance/patches/applied') \
        .status_code == 200
    answer = api.session.get(api.url + SYSTEMS + '?compartmentId=x', headers={'authorization': 'Signature a="b"'}, timeout=10)
    assert answer.status_code == 500 and 'cryptography' in answer.json()['message']


def test_request_ids_keep_a_client_id_first(api):
    answer = api.oci('GET', SYSTEMS + '?compartmentId=' + COMPARTMENT, headers={'opc-request-id': 'MYCLIENTID'})
    assert answer.headers['opc-request-id'].startswith('MYCLIENTID/')


def test_handle_ignores_other_paths():
    assert oci.OciCloud.handle(object.__new__(oci.OciCloud), Request('GET', '/v3/auth/tokens', {}, {}, '')) is None
