# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to the dbops.patching collection. It is not a
# public API: it may change or go away in any release without notice.

"""Oracle Cloud Infrastructure Base Database Service (VM/BM DB systems), REST API 20160918:
the patches of a DB system or DB home, their patch history (the job this collection follows),
work-request progress, and the precheck and apply actions.

The operations (Oracle API reference, docs.oracle.com/iaas/api/#/en/database/20160918/ and
/en/workrequests/20160918/; methods, paths, headers and models as oracle/oci-python-sdk generates
them from the same spec, src/oci/database/database_client.py and models/ at
474b72dcff874183874acc1b3a564ea9c71e8bfb, v2.182.1):

* GetDbSystem ``GET /dbSystems/{id}``, GetDbHome ``GET /dbHomes/{id}``: ``lifecycleState``,
  ``version`` (DB system) / ``dbVersion`` (DB home), ``lastPatchHistoryEntryId`` ("updated as soon
  as a patch operation starts"; absent on a target never patched), and the ``etag`` header.
* ListDbSystemPatches / ListDbHomePatches ``GET .../patches`` and GetDbSystemPatch / GetDbHomePatch
  ``GET .../patches/{patchId}``: ``id``, ``version``, ``description``, ``timeReleased``, ``lastAction``,
  ``availableActions``, ``lifecycleState`` in AVAILABLE, SUCCESS, IN_PROGRESS, FAILED ("the current
  state of the patch as a result of lastAction": SUCCESS here, SUCCEEDED on history entries).
* ListDbSystemPatchHistoryEntries / ListDbHomePatchHistoryEntries ``GET .../patchHistoryEntries``
  and the Get of one entry ``GET .../patchHistoryEntries/{id}``: ``id``, ``patchId``, ``action``
  (APPLY, PRECHECK), ``lifecycleState`` in IN_PROGRESS, SUCCEEDED, FAILED, ``lifecycleDetails``,
  ``timeStarted``, ``timeEnded``.
* Lists answer a bare JSON array; more pages exist while the answer carries ``opc-next-page``,
  whose value is the next ``page`` (oracle/oci-go-sdk database/list_db_system_patches_request_response.go).
* UpdateDbSystem ``PUT /dbSystems/{id}`` with ``{"version": PatchDetails}`` and UpdateDbHome
  ``PUT /dbHomes/{id}`` with ``{"dbVersion": PatchDetails}``, PatchDetails ``{patchId, action}``;
  headers ``if-match`` (updated "only if the etag you provide matches the resource's current etag
  value"); no ``opc-retry-token`` (so a copy of the PUT is a second patch, unless if-match stops it);
  answer ``opc-work-request-id``, "multiple OCID values are returned in a comma-separated list"
  (database/update_db_system_request_response.go).
* GetWorkRequest ``GET /workRequests/{id}`` on the Work Requests service (iaas host):
  ``status``, ``percentComplete`` (src/oci/work_requests/work_request_client.py).
* Errors are ``{"code", "message"}`` (src/oci/base_client.py).

Where this relies on something the research note (issue 26, oci-database-patching.md) marks as a
GUESS, the code says so where it does."""

import re
import time

from ansible_collections.dbops.patching.plugins.module_utils import _http
from ansible_collections.dbops.patching.plugins.module_utils._errors import (
    ApiError,
    BadResponseError,
    ConfigurationError,
    DbopsError,
    HttpStatusError,
    ModuleFailure,
    NotFoundError,
)
from ansible_collections.dbops.patching.plugins.module_utils._jobs import (
    TERMINAL_STATES,
    canonical_status,
    make_job,
    map_status,
    parse_percent,
    parse_time,
    status_table,
    text_or_none,
)
from ansible_collections.dbops.patching.plugins.module_utils._oci_auth import API_VERSION, OciSettings, oci_argument_spec, oci_auth
from ansible_collections.dbops.patching.plugins.module_utils._providers import Inventory, Provider, SafePatch
from ansible_collections.dbops.patching.plugins.module_utils._wait import JobSource
from ansible_collections.dbops.patching.plugins.module_utils._workflow import (
    DONE,
    FOLLOW,
    SEND,
    WriteAction,
    capitalized,
    fail_unless_succeeded,
    follow_job,
    run_write,
    send_once,
    watch,
)

PAGE_LIMIT = 100
MAX_PAGES = 100
APPLY = 'APPLY'
PRECHECK = 'PRECHECK'
AVAILABLE = 'AVAILABLE'
# Patch history entries: IN_PROGRESS, SUCCEEDED, FAILED (models/patch_history_entry.py).
HISTORY_STATUS = status_table(running='IN_PROGRESS', succeeded='SUCCEEDED', failed='FAILED')
# A patch's own state, the result of its lastAction (models/patch.py); a patch never acted on has none.
PATCH_STATES = {'AVAILABLE': 'available', 'SUCCESS': 'succeeded', 'SUCCEEDED': 'succeeded', 'IN_PROGRESS': 'running',
                'FAILED': 'failed'}
# After an accepted PUT whose answer names no history entry, how long (and how often) the target is
# read for the entry it started ("updated as soon as a patch operation starts": it should show at once).
ACCEPTED_WINDOW = 30.0
ACCEPTED_POLL = 5.0
# The signature allows a client clock 5 minutes off (Request Signatures); an entry that started more than
# that before the write was sent is not the write's.
CLOCK_SKEW = 300.0
RESUME_HINT = 'to resume waiting, run dbops.patching.oci_patch_job_info with %s=%s, job_id=%s, wait=true'


class Target(object):
    """A DB system or a DB home: what the patch APIs of each are called."""

    KINDS = {
        'db_system': ('dbSystems', 'version', 'DB system'),
        'db_home': ('dbHomes', 'dbVersion', 'DB home'),
    }

    def __init__(self, kind, ocid):
        self.kind = kind
        self.option = kind + '_id'
        self.id = str(ocid).strip()
        self.collection, self.version_field, self.noun = self.KINDS[kind]
        self.path = '/%s/%s' % (self.collection, _http.segment(self.option, self.id))
        self.label = '%s %s' % (self.noun, self.id)


def target_of(values, where='the options'):
    """The Target that ``values`` names with exactly one of db_system_id and db_home_id."""
    named = [(kind, values.get(kind + '_id')) for kind in ('db_system', 'db_home') if values.get(kind + '_id') is not None]
    if len(named) != 1:
        raise ConfigurationError('%s must name exactly one of db_system_id and db_home_id.' % where)
    kind, ocid = named[0]
    if not str(ocid).strip():
        raise ConfigurationError('%s_id must not be empty (%s).' % (kind, where))
    return Target(kind, ocid)


def target_argument_spec():
    """The options naming the target (doc fragment dbops.patching.oci.target)."""
    return dict(db_system_id=dict(type='str'), db_home_id=dict(type='str'))


# AnsibleModule constraints of the modules that act on one target.
ONE_TARGET = dict(mutually_exclusive=[('db_system_id', 'db_home_id')], required_one_of=[('db_system_id', 'db_home_id')])


def version_key(text):
    """'19.20.0.0.0' -> (19, 20, 0, 0, 0): versions compared as numbers."""
    return tuple(int(part) for part in re.findall(r'\d+', str(text or '')))


def is_newer(version, current):
    """Whether a patch of ``version`` would move a target on ``current`` forward; None when
    either is unknown."""
    if not version_key(version) or not version_key(current):
        return None
    return version_key(version) > version_key(current)


def first_work_request(header):
    """The first OCID of an ``opc-work-request-id`` header (a comma-separated list), or None."""
    ids = [part.strip() for part in str(header or '').split(',') if part.strip()]
    return ids[0] if ids else None


# -- normalizers ------------------------------------------------------------------------

def normalize_entry(entry, target=None, work_request=None, warn=None):
    """A patch history entry as the collection's job: ``id`` its OCID, ``operation`` its action,
    ``message`` its lifecycleDetails, ``progress`` the work request's percentComplete when there
    is one. Adds ``patch_id`` and ``target_id``."""
    entry = entry if isinstance(entry, dict) else {}
    status = entry.get('lifecycleState')
    state, with_warnings = map_status(status, HISTORY_STATUS, 'OCI patch history entry', entry.get('id'), warn)
    progress = None
    if isinstance(work_request, dict):
        progress = parse_percent(work_request.get('percentComplete'))
    details = text_or_none(entry.get('lifecycleDetails'))
    job = make_job(entry.get('id'), status, state, with_warnings=with_warnings, progress=progress,
                   operation=entry.get('action'), started_at=entry.get('timeStarted'), ended_at=entry.get('timeEnded'),
                   message=details, messages=[details] if details else [], raw=entry)
    job['patch_id'] = text_or_none(entry.get('patchId'))
    job['target_id'] = target.id if target is not None else None
    return job


def patch_entry(doc, current_version=None, warn=None):
    """One patch as oci_patch_info returns it; ``state`` is the patch's own (available,
    running, succeeded, failed: the result of its last action), ``newer`` whether it would move
    the target forward."""
    status = doc.get('lifecycleState')
    key = canonical_status(status)
    state = PATCH_STATES.get(key, 'available' if not key else None)
    if state is None:
        state = 'unknown'
        if warn is not None:
            warn('OCI patch %s has a lifecycleState this collection does not know: %r; reported as state "unknown".'
                 % (doc.get('id'), status))
    return dict(patch_id=text_or_none(doc.get('id')), version=text_or_none(doc.get('version')),
                description=text_or_none(doc.get('description')), time_released=text_or_none(doc.get('timeReleased')),
                last_action=text_or_none(doc.get('lastAction')), state=state, status=text_or_none(status),
                available_actions=[a for a in (doc.get('availableActions') or []) if isinstance(a, str)],
                newer=is_newer(doc.get('version'), current_version), raw=doc)


def newest_first(jobs):
    """Jobs sorted by start, newest first (those without a start last)."""
    def order(job):
        started = parse_time(job['started_at'])
        return (started is None, -(started or 0))
    return sorted(jobs, key=order)


# -- the client ---------------------------------------------------------------------------

class OciClient(object):
    """The Database and Work Requests services of one region, signed with the run's OCI
    configuration. Methods never exit the module."""

    def __init__(self, params, warn=None, session=None, now=None):
        self.warn = warn
        self.settings = OciSettings(params)
        self.http = _http.client_for(params, '%s/%s' % (self.settings.database_url, API_VERSION),
                                     oci_auth(self.settings, now=now), warn=warn, session=session)
        self.work_requests_url = '%s/%s' % (self.settings.work_requests_url, API_VERSION)
        self.work_requests_readable = True

    def _get(self, path, params=None, deadline=None):
        return self.http.get(path, params=params, deadline=deadline)

    def _object(self, response, what, ocid=None):
        body = response.json()
        if not isinstance(body, dict):
            raise BadResponseError('%s: the answer is no JSON object: %r' % (what, body if body is None else type(body).__name__))
        if ocid is not None and body.get('id') not in (None, ocid):
            raise BadResponseError('%s: the answer is about %s.' % (what, body.get('id')))
        return body

    def target(self, target, deadline=None):
        """(document, etag) of a DB system or DB home (GetDbSystem, GetDbHome)."""
        response = self._get(target.path, deadline=deadline)
        return self._object(response, target.label, target.id), response.headers.get('etag')

    def _list(self, path, what, deadline=None, query=None):
        """Every item of a paged list (bare array, ``opc-next-page``)."""
        items, page, seen = [], None, set()
        for dummy in range(MAX_PAGES):
            params = dict(query or {}, limit=PAGE_LIMIT)
            if page:
                params['page'] = page
            response = self._get(path, params=params, deadline=deadline)
            body = response.json()
            if isinstance(body, dict) and isinstance(body.get('items'), list):
                body = body['items']  # the "...Collection" shape of the newer lists of the same service
            if not isinstance(body, list):
                raise BadResponseError('%s: the answer is no list: %r' % (what, type(body).__name__))
            items.extend(item for item in body if isinstance(item, dict))
            page = response.headers.get('opc-next-page')
            if not page or page in seen:
                break
            seen.add(page)
        return items

    def db_systems(self, compartment_id):
        """Every DB system of a compartment (ListDbSystems,
        https://docs.oracle.com/iaas/api/#/en/database/20160918/DbSystem/ListDbSystems: ``compartmentId`` required)."""
        return self._list('/dbSystems', 'ListDbSystems', query={'compartmentId': compartment_id})

    def patches(self, target):
        """The patches offered for a target (ListDbSystemPatches, ListDbHomePatches)."""
        return self._list(target.path + '/patches', 'the patches of %s' % target.label)

    def patch(self, target, patch_id):
        """One patch of a target (GetDbSystemPatch, GetDbHomePatch); NotFoundError when it is not offered."""
        response = self._get('%s/patches/%s' % (target.path, _http.segment('patch_id', patch_id)))
        return self._object(response, 'patch %s of %s' % (patch_id, target.label), patch_id)

    def history(self, target, deadline=None):
        """The patch history entries of a target (List...PatchHistoryEntries)."""
        return self._list(target.path + '/patchHistoryEntries', 'the patch history of %s' % target.label, deadline)

    def history_entry(self, target, entry_id, deadline=None):
        """(entry, retry_after) of one patch history entry (Get...PatchHistoryEntry)."""
        response = self._get('%s/patchHistoryEntries/%s' % (target.path, _http.segment('job_id', entry_id)), deadline=deadline)
        return self._object(response, 'patch history entry %s of %s' % (entry_id, target.label), entry_id), response.retry_after()

    def work_request(self, work_request_id, deadline=None):
        """The work request (GetWorkRequest), or None when it cannot be read: it only adds progress,
        so a failed read never fails a wait (one that will not pass stops further reads)."""
        if not self.work_requests_readable:
            return None
        url = '%s/workRequests/%s' % (self.work_requests_url, _http.segment('work_request_id', work_request_id))
        try:
            return self._object(self._get(url, deadline=deadline), 'work request %s' % work_request_id)
        except ApiError as exc:
            if not exc.transient:
                self.work_requests_readable = False
            return None

    def job(self, target, entry_id, work_request_id=None, deadline=None):
        """(normalized job, retry_after) of a patch history entry, with the progress of its work
        request while it runs. NotFoundError when the target has no such entry."""
        entry, retry_after = self.history_entry(target, entry_id, deadline)
        work_request = None
        if work_request_id and canonical_status(entry.get('lifecycleState')) == 'IN_PROGRESS':
            work_request = self.work_request(work_request_id, deadline)
        return normalize_entry(entry, target, work_request, self.warn), retry_after

    def update(self, target, details, etag):
        """PUT the patch details once (UpdateDbSystem, UpdateDbHome), with ``if-match: etag``.
        Returns the Response; see _workflow for what a lost answer means."""
        headers = {'if-match': etag} if etag else {}
        return self.http.put(target.path, body={target.version_field: details}, headers=headers, expected_json=False)

    def resume_hint(self, target, entry_id):
        return RESUME_HINT % (target.option, target.id, entry_id)


class EntryJobs(JobSource):
    """The patch history entries of one target, as a wait reads them (each on its own; with the
    progress of ``work_request_id`` while the entry it started runs)."""

    def __init__(self, client, target, work_request_id=None):
        self.client = client
        self.target = target
        self.work_request_id = work_request_id

    def read(self, key, deadline=None):
        return self.client.job(self.target, key, self.work_request_id, deadline)


class LastEntryJobs(JobSource):
    """The last patch history entry of each of many targets, keyed by the target's OCID: the
    target is read once for its ``lastPatchHistoryEntryId``, then that entry is followed."""

    def __init__(self, client, targets):
        self.client = client
        self.targets = dict((t.id, t) for t in targets)
        self.entries = {}

    def read(self, key, deadline=None):
        target = self.targets[key]
        if key not in self.entries:
            doc, dummy = self.client.target(target, deadline)
            entry_id = text_or_none(doc.get('lastPatchHistoryEntryId'))
            if entry_id is None:
                raise NotFoundError('%s has no patch history entry (it was never patched or prechecked).' % target.label)
            self.entries[key] = entry_id
        return self.client.job(target, self.entries[key], deadline=deadline)


# -- the actions ------------------------------------------------------------------------------

class _Settled(DbopsError):
    """Read again after a 412, the target needs nothing any more (someone patched it meanwhile)."""


def describe_entry(entry):
    """'APPLY of patch ocid1.dbpatch... (entry ocid1..., IN_PROGRESS)' for messages."""
    return '%s of patch %s (entry %s, %s)' % (
        entry.get('action') or 'operation', entry.get('patchId'), entry.get('id'), entry.get('lifecycleState'))


def is_running(entry):
    return entry is not None and canonical_status(entry.get('lifecycleState')) == 'IN_PROGRESS'


class PatchAction(WriteAction):
    """One patch action (PRECHECK or APPLY) on a target: decide from the target, the patch and the
    last history entry; PUT once with if-match; recover a lost answer from the target's history;
    follow the history entry (never the target's lifecycle: a target back to AVAILABLE after a
    FAILED patch is no success)."""

    what = 'patch history entry'
    job_key, id_key, work_request_key = 'job', 'job_id', 'work_request_id'

    def __init__(self, run, client, target, patch_id, action):
        super(PatchAction, self).__init__(run)
        self.client = client
        self.target = target
        self.patch_id = str(patch_id).strip()
        self.action = action
        self.subject = 'the %s of patch %s on %s' % ('apply' if action == APPLY else 'precheck', self.patch_id, target.label)
        self.doc = self.etag = self.patch = self.last_entry = None
        self.work_request_id = None
        self.sent_at = None
        self.reconsidered = False
        self.resent = False  # a copy was sent after a lost answer
        self.refused_by = None  # (entry or None,): what ran when a PUT was refused with 409, as read then
        self.wrote = False  # a write of this run was accepted before this one (oci_patch_apply's precheck)

    # what the target says

    def current_version(self):
        return text_or_none((self.doc or {}).get(self.target.version_field))

    def patch_version(self):
        return text_or_none((self.patch or {}).get('version'))

    def last_entry_id(self):
        return (self.last_entry or {}).get('id')

    def is_ours(self, entry):
        return (entry is not None and str(entry.get('patchId')) == self.patch_id
                and canonical_status(entry.get('action')) == self.action)

    def read_state(self):
        """Read the target (its etag for the PUT), the patch, and the last history entry."""
        self.doc, self.etag = self.client.target(self.target)
        if self.patch is None:
            self.patch = self.find_patch()
        last_id = text_or_none(self.doc.get('lastPatchHistoryEntryId'))
        self.last_entry = self.client.history_entry(self.target, last_id)[0] if last_id else None

    def find_patch(self):
        try:
            return self.client.patch(self.target, self.patch_id)
        except NotFoundError as exc:
            offered = self.client.patches(self.target)
            raise ModuleFailure('Patch %s is not offered for %s (%s). Offered: %s.'
                                % (self.patch_id, self.target.label, exc.api_code or exc.status,
                                   ', '.join('%s (%s)' % (p.get('id'), p.get('version')) for p in offered) or 'none'))

    def running_entry(self):
        """The entry of an operation running on the target, or None. The last entry says it; a
        target that is not AVAILABLE (or a patch in progress) without a running last entry has its
        history read (lastPatchHistoryEntryId may be missing: research note fact 8). That a DB
        system is UPDATING while it is patched is a GUESS (research note fact 9): nothing here
        depends on it, a running entry decides."""
        if is_running(self.last_entry):
            return self.last_entry
        patch_busy = canonical_status((self.patch or {}).get('lifecycleState')) == 'IN_PROGRESS'
        if canonical_status(self.doc.get('lifecycleState')) != AVAILABLE or patch_busy:
            return next((e for e in self.client.history(self.target) if is_running(e)), None)
        return None

    # the workflow

    def decide(self):
        result = self.run.result
        self.read_state()
        result['patch'] = patch_entry(self.patch, self.current_version(), self.client.warn)
        running = self.running_entry()
        if self.is_ours(running):
            return FOLLOW, running['id']  # this action already runs: follow it, send nothing
        if is_newer(self.patch_version(), self.current_version()) is False:
            return self.nothing_to_do()
        if running is not None:
            return self.another_running(running)
        state = self.doc.get('lifecycleState')
        if canonical_status(state) != AVAILABLE:
            raise ModuleFailure('Cannot start %s: the %s is %s, not AVAILABLE. Run again once it is AVAILABLE.'
                                % (self.subject, self.target.noun, state))
        return SEND, None

    def another_running(self, running):
        raise ModuleFailure('Cannot start %s: another operation runs on the %s: %s. Wait for it to end (dbops.patching.'
                            'oci_patch_job_info with wait=true), then run again.' % (self.subject, self.target.noun, describe_entry(running)))

    def nothing_to_do(self):
        result = self.run.result
        result['msg'] = ('%s is on version %s; patch %s (version %s) is not newer.'
                         % (self.target.label, self.current_version(), self.patch_id, self.patch_version()))
        if self.is_ours(self.last_entry):  # the entry that brought it there
            result[self.job_key] = normalize_entry(self.last_entry, self.target, warn=self.client.warn)
            if self.id_key:
                result[self.id_key] = self.last_entry_id()
        return DONE, None

    def send(self):
        """PUT once with if-match = the etag just read. A 412 (the target changed since it was
        read) is answered by reading again and deciding again, once; a 409 (an operation runs) by
        reading again: this very action, started by someone else, is followed. A copy sent after a
        lost answer that is refused either way was most likely refused because of the first one:
        the target is watched for its entry instead. Only the status counts: 412 follows from
        RFC 7232, its code (NoEtagMatch) is a GUESS of the research note (fact 24); so is the code of
        a PUT during an update (409 IncorrectState), which ConflictError covers."""
        if self.sent_at is None:
            self.sent_at = time.time()
        try:
            response = self.client.update(self.target, {'patchId': self.patch_id, 'action': self.action}, self.etag)
        except HttpStatusError as exc:
            if exc.status not in (409, 412):
                raise
            if self.resent:
                return self.copy_refused(exc)
            if exc.status == 409:
                return self.follow_if_ours(exc)
            if self.reconsidered:
                raise
            return self.reconsider(exc)
        self.remember_work_request(first_work_request(response.headers.get('opc-work-request-id')))
        try:
            body = response.json()
        except ValueError:
            body = None
        # GUESS (research note 5.5: whether the PUT's own answer already carries the new
        # lastPatchHistoryEntryId is an open question): used when it does, else the target is read.
        moved = text_or_none(body.get('lastPatchHistoryEntryId')) if isinstance(body, dict) else None
        if moved and moved != self.last_entry_id():
            return moved, None
        return watch(self.recover, ACCEPTED_WINDOW, ACCEPTED_POLL), None

    def reconsider(self, exc):
        self.reconsidered = True
        self.run.warn('%s: the %s changed since it was read (if-match); read again and decided again.' % (exc, self.target.noun))
        decision, ref = self.decide()
        if decision == FOLLOW:
            self.run.result['changed'] = self.wrote  # someone else's, followed: nothing of this run started
            return ref, None
        if decision == DONE:
            raise _Settled(self.run.result.get('msg') or 'nothing to do')
        return self.send()

    def follow_if_ours(self, exc):
        """A 409 to the first send: the operation running now is read; when it is this very action
        (someone started it between the read and the PUT) it is followed, changed false, as if it had
        been running at the read; otherwise the 409 stands (see conflict)."""
        try:
            self.read_state()
            running = self.running_entry()
        except ApiError:
            running = None
        self.refused_by = (running,)
        if not self.is_ours(running):
            raise exc
        self.run.warn('%s. %s is already running (entry %s, started by someone else since the %s was read); it is '
                      'followed.' % (exc, capitalized(self.subject), running['id'], self.target.noun))
        self.run.result['changed'] = self.wrote
        return running['id'], None

    def copy_refused(self, exc):
        """A copy sent after a lost answer, with the etag read before the first send, is refused:
        412 (the etag moved) or 409 (an operation runs). The first copy, processed after all, is the
        likeliest cause, and the target may show its entry only a little later (lastPatchHistoryEntryId
        "is updated as soon as a patch operation starts", but nothing promises a read sees it at
        once): it is watched for, never sent a third time. An entry that does not show leaves the
        refusal standing, with what to check."""
        ref = watch(self.recover, ACCEPTED_WINDOW, ACCEPTED_POLL)
        if ref:
            self.run.warn('%s. %s was sent again after its answer was lost; the %s shows that the first one started '
                          '(entry %s), so that one is followed.' % (exc, capitalized(self.subject), self.target.noun, ref))
            return ref, None
        raise ModuleFailure('%s. %s was sent again after its answer was lost, and the copy was refused: most likely the '
                            'first one started, but no patch history entry of it showed within %d seconds. Do not run '
                            'the task again before dbops.patching.oci_patch_info shows the %s\'s last patch history '
                            'entry.' % (exc, capitalized(self.subject), ACCEPTED_WINDOW, self.target.noun))

    def remember_work_request(self, work_request_id):
        self.work_request_id = work_request_id
        if self.work_request_key:
            self.run.result[self.work_request_key] = work_request_id

    def recover(self):
        """The entry this write started, from the target's state: lastPatchHistoryEntryId moved
        from the one read before to an entry of this patch and action, or the history holds such an
        entry that started after the one read before (or, with none before, at most CLOCK_SKEW
        before the write was sent). None when the state shows nothing: the workflow may then send
        again, with the etag read before the first send (see resending)."""
        doc, dummy = self.client.target(self.target)
        last_id = text_or_none(doc.get('lastPatchHistoryEntryId'))
        if last_id and last_id != self.last_entry_id():
            try:
                entry = self.client.history_entry(self.target, last_id)[0]
            except NotFoundError:
                entry = None  # named by the target, not readable yet: nothing proven either way; looked at again
            if self.is_ours(entry):
                return last_id
        for entry in self.client.history(self.target):
            if self.is_ours(entry) and entry.get('id') != self.last_entry_id() and self.started_since_read(entry):
                return entry.get('id')
        return None

    def started_since_read(self, entry):
        started = parse_time(entry.get('timeStarted'))
        if started is None:
            return True  # a new entry of this patch and action, with no start to tell: safer to follow it
        before = parse_time((self.last_entry or {}).get('timeStarted'))
        if before is not None:
            return started >= before
        return started >= (self.sent_at or time.time()) - CLOCK_SKEW

    def resending(self):
        # A copy goes with the etag read before the first send, never a fresh one: if the first
        # copy was accepted after all, the etag moved and this copy gets 412 instead of starting a
        # second patch. GUESS (research note fact 19 and 5.2): that accepting a patch changes the
        # target's etag; it is the one fact a real tenancy must confirm. (If it does not, the copy
        # meets the running first one and gets 409 IncorrectState: copy_refused covers both.)
        self.resent = True
        self.run.warn('%s showed no sign of starting; it is sent again with if-match %s.' % (self.subject.capitalize(), self.etag))

    def conflict(self, exc):
        """The message of a 409: the operation that runs, on the target or, as the cloud lets one
        operation run per DB system at a time, on its DB system or another of its DB homes."""
        try:
            if self.refused_by is None:
                self.read_state()
                self.refused_by = (self.running_entry(),)
            running, where = self.refused_by[0], self.target
            if running is None:
                running, where = self.running_nearby()
        except ApiError:
            running = None
        if running is None:
            return '%s. Another operation runs on %s or its DB system; it no longer shows: run again.' % (exc, self.target.label)
        return '%s. Another operation runs on %s: %s. Wait for it to end (dbops.patching.oci_patch_job_info with %s=%s, ' \
               'wait=true), then run again.' % (exc, where.label, describe_entry(running), where.option, where.id)

    def running_nearby(self):
        """(entry, Target) of an operation running on the target's DB system (for a DB home) or on
        one of the DB system's homes (ListDbHomes, compartmentId and dbSystemId), or (None, None)."""
        if self.target.kind == 'db_home':
            system_id = text_or_none(self.doc.get('dbSystemId'))
            nearby = [Target('db_system', system_id)] if system_id else []
        else:
            homes = self.client._list('/dbHomes', 'the DB homes of %s' % self.target.label,  # pylint: disable=protected-access
                                      query={'compartmentId': self.doc.get('compartmentId'), 'dbSystemId': self.target.id})
            nearby = [Target('db_home', home['id']) for home in homes if home.get('id')]
        for other in nearby:
            doc, dummy = self.client.target(other)
            last_id = text_or_none(doc.get('lastPatchHistoryEntryId'))
            entry = self.client.history_entry(other, last_id)[0] if last_id else None
            if is_running(entry):
                return entry, other
        return None, None

    def follow(self, ref, first_delay=None):
        if self.id_key:
            self.run.result[self.id_key] = ref
        job = follow_job(self.run, EntryJobs(self.client, self.target, self.work_request_id), ref, self.what,
                         key=self.job_key, first_delay=first_delay, resume=self.client.resume_hint(self.target, ref),
                         wait=self.wait_override())
        self.ended(job)
        self.check_outcome(job, ref)
        return job

    def check_outcome(self, job, ref):
        fail_unless_succeeded(job, '%s ended %s (entry %s, %s): %s' % (
            self.subject[:1].upper() + self.subject[1:], job and job['state'], ref, job and job['status'],
            (job and job['message']) or 'no lifecycleDetails'))

    def wait_override(self):
        return None

    def ended(self, job):
        """Called with the last state of the followed entry."""


class PatchPrecheck(PatchAction):
    """oci_patch_precheck: run the precheck of a patch unless the target is on its version or an
    operation of it runs (a precheck of it is followed). A precheck changes nothing on the target:
    ``changed`` stays false (as for Oracle PaaS prechecks); ``job_id`` says whether one was sent."""

    def __init__(self, run, client, target, patch_id):
        super(PatchPrecheck, self).__init__(run, client, target, patch_id, PRECHECK)

    def another_running(self, running):
        if str(running.get('patchId')) == self.patch_id and canonical_status(running.get('action')) == APPLY:
            self.run.result['msg'] = 'Patch %s is being applied to %s (entry %s); there is nothing to precheck.' % (
                self.patch_id, self.target.label, running.get('id'))
            return DONE, None
        return super(PatchPrecheck, self).another_running(running)

    def nothing_to_do(self):
        self.run.result['msg'] = ('%s is on version %s; patch %s (version %s) is not newer: there is nothing to precheck.'
                                  % (self.target.label, self.current_version(), self.patch_id, self.patch_version()))
        return DONE, None


class PrecheckBeforeApply(PatchPrecheck):
    """The precheck oci_patch_apply runs first with precheck=true: always waited for, its entry in
    ``precheck_job``."""

    job_key, id_key, work_request_key = 'precheck_job', None, None

    def wait_override(self):
        return True

    def run_and_follow(self):
        decision, ref = self.decide()
        if decision == SEND:
            ref, first_delay = send_once(self)
        else:
            first_delay = None
        self.check_outcome(self.follow(ref, first_delay) if ref else None, ref)

    def check_outcome(self, job, ref):
        if job is None or job['state'] != 'succeeded':
            raise ModuleFailure('The precheck of patch %s on %s did not pass (entry %s, %s): %s. The patch was not applied.'
                                % (self.patch_id, self.target.label, ref, job and job['status'],
                                   (job and job['message']) or 'no lifecycleDetails'))


class PatchApply(PatchAction):
    """oci_patch_apply: apply a patch unless the target is on its version (changed false) or its
    apply runs already (followed, changed false); with precheck=true its precheck runs first and must
    pass."""

    def __init__(self, run, client, target, patch_id, precheck=False):
        super(PatchApply, self).__init__(run, client, target, patch_id, APPLY)
        self.prechecked = not precheck

    def decide(self):
        decision, ref = super(PatchApply, self).decide()
        result = self.run.result
        result['version_before'] = self.current_version()
        result['version_after'] = self.current_version() if decision == DONE else self.patch_version()
        return decision, ref

    def diff(self):
        return dict(before=dict(version=self.current_version()), after=dict(version=self.patch_version()))

    def send(self):
        if not self.prechecked:
            self.run.result['changed'] = False  # a precheck that fails changed nothing
            try:
                precheck = PrecheckBeforeApply(self.run, self.client, self.target, self.patch_id)
                precheck.patch = self.patch
                precheck.run_and_follow()
            except DbopsError:
                self.run.result['version_after'] = self.current_version()
                raise
            self.prechecked = True
            self.run.result['changed'] = self.wrote = True
            decision, ref = self.decide()  # the precheck moved the etag and the last entry
            if decision == FOLLOW:
                return ref, None
            if decision == DONE:
                raise _Settled(self.run.result.get('msg') or 'nothing to do')
        return super(PatchApply, self).send()

    def ended(self, job):
        if job is not None and job['state'] in TERMINAL_STATES:
            doc, dummy = self.client.target(self.target)
            self.run.result['version_after'] = text_or_none(doc.get(self.target.version_field))


# -- the work of the modules --------------------------------------------------------------------

def _write(run, action):
    try:
        run_write(action)
    except _Settled as settled:
        run.result['changed'] = False
        run.result['msg'] = str(settled)


def apply_patch(run):
    """The work of oci_patch_apply."""
    run.result.update(job_id=None, job=None, precheck_job=None, work_request_id=None, version_before=None,
                      version_after=None, patch=None)
    client = OciClient(run.params, warn=run.warn)
    _write(run, PatchApply(run, client, target_of(run.params), run.params['patch_id'], precheck=run.params['precheck']))


def precheck_patch(run):
    """The work of oci_patch_precheck."""
    run.result.update(job_id=None, job=None, work_request_id=None, patch=None)
    client = OciClient(run.params, warn=run.warn)
    try:
        _write(run, PatchPrecheck(run, client, target_of(run.params), run.params['patch_id']))
    finally:
        run.result['changed'] = False


def patch_info(run):
    """The work of oci_patch_info."""
    client = OciClient(run.params, warn=run.warn)
    target = target_of(run.params)
    doc, dummy = client.target(target)
    current = text_or_none(doc.get(target.version_field))
    available = [patch_entry(p, current, client.warn) for p in client.patches(target)]
    history = newest_first([normalize_entry(e, target, warn=client.warn) for e in client.history(target)])
    run.result.update(version=current, lifecycle_state=text_or_none(doc.get('lifecycleState')), available=available,
                      history=history, last_job_id=text_or_none(doc.get('lastPatchHistoryEntryId')))


def targets_of(items):
    """The Targets of oci_patch_job_info's ``targets`` (each one {db_system_id} or {db_home_id})."""
    targets = [target_of(item or {}, 'targets[%d]' % index) for index, item in enumerate(items)]
    if not targets:
        raise ConfigurationError('targets must name at least one DB system or DB home.')
    return targets


# -- the provider ---------------------------------------------------------------------------

def inventory_hosts(params, options, warn):
    """(name, variables) of every DB system of the compartment that is not being created or deleted."""
    systems = OciClient(params, warn=warn).db_systems(options['compartment_id'])
    return [(system.get('displayName') or system['id'],
             dict(safe_patch_cloud='oci', safe_patch_db_system_id=system['id'],
                  safe_patch_service_name=system.get('displayName') or system['id'], dbops_cloud='oci',
                  dbops_status=system.get('lifecycleState'), dbops_version=system.get('version'),
                  dbops_shape=system.get('shape'), dbops_availability_domain=system.get('availabilityDomain')))
            for system in systems if system.get('id') and system.get('lifecycleState') not in LISTED_AWAY]


# DB systems that are no patch targets: on their way in or out (DbSystem lifecycleState values).
LISTED_AWAY = ('PROVISIONING', 'TERMINATING', 'TERMINATED', 'FAILED')

PROVIDER = Provider(
    name='oci', title='Oracle Cloud Infrastructure Base Database Service (DB systems and DB homes)',
    argument_spec=oci_argument_spec,
    modules=('oci_patch_info', 'oci_patch_precheck', 'oci_patch_apply', 'oci_patch_job_info'),
    waiting=('oci_patch_precheck', 'oci_patch_apply', 'oci_patch_job_info'),
    writing=('oci_patch_precheck', 'oci_patch_apply'),
    credential_type='oci.yml',
    inventory=Inventory(inventory_hosts, configured_by=('compartment_id',),
                        options=dict(compartment_id=dict(type='str'))),
    safe_patch=SafePatch('oci.yml', can_roll_back=False),
    simulator='tests/simulator/oci.py', guide='docs/docsite/rst/guide_oci.rst')
