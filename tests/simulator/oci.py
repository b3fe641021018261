# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Oracle Cloud Infrastructure, Base Database Service (VM/BM DB systems): the patch surface of the
Database API 20160918 and the Work Requests API, on one simulator host (real OCI serves them from
``database.{region}.oraclecloud.com`` and ``iaas.{region}.oraclecloud.com``; the paths do not overlap).

Sources (the research note /work/shared/research/oci-database-patching.md, "the note", has the facts
and their labels). The REST reference pages are JavaScript; the shapes come from the SDKs Oracle
generates from the same spec:

- operations: https://docs.oracle.com/iaas/api/#/en/database/20160918/DbSystem/GetDbSystem,
  .../DbSystem/ListDbSystems, .../DbSystem/UpdateDbSystem, .../DbHome/GetDbHome, .../DbHome/ListDbHomes,
  .../DbHome/UpdateDbHome, .../Patch/ListDbSystemPatches, .../Patch/GetDbSystemPatch,
  .../Patch/ListDbHomePatches, .../Patch/GetDbHomePatch,
  .../PatchHistoryEntry/ListDbSystemPatchHistoryEntries, .../PatchHistoryEntry/GetDbSystemPatchHistoryEntry,
  .../PatchHistoryEntry/ListDbHomePatchHistoryEntries, .../PatchHistoryEntry/GetDbHomePatchHistoryEntry,
  https://docs.oracle.com/iaas/api/#/en/workrequests/20160918/WorkRequest/GetWorkRequest and
  .../WorkRequestSummary/ListWorkRequests;
- oracle/oci-go-sdk database/{db_system,db_system_summary,db_home,db_home_summary,patch,patch_summary,
  patch_history_entry,patch_history_entry_summary,patch_details}.go (fields, which are mandatory, enums),
  database/{list_db_systems,list_db_homes,update_db_system,update_db_home,get_db_system_patch,
  get_db_home_patch_history_entry,list_db_home_patch_history_entries}_request_response.go (query and
  header parameters, response headers), workrequests/{work_request,work_request_summary,
  work_request_resource,list_work_requests_request_response}.go;
- API Errors, https://docs.oracle.com/iaas/Content/API/References/apierrors.htm (codes);
- oracle/oci-python-sdk src/oci/base_client.py (error bodies are read as ``code`` and ``message``).

Simulated time as in the other clouds: an operation runs ``duration`` simulated seconds from its
acceptance; everything a client reads is brought up to the simulated now when it is read.

GUESSES (not in any source read; each is marked where it is made): 412 ``NoEtagMatch`` on the
Database service (the code is Identity's, per oracle/oci-python-sdk tests/integ/test_identity.py);
409 ``IncorrectState`` for a write while an operation runs; that accepting an operation changes the
etag; that PRECHECK shows the target UPDATING (a knob); the work request's ``operationType``, its
percentages, its ACCEPTED phase and the order of lists; 400 for a patch that is not newer than the
target; what ``opc-dry-run`` does with a patch; the ``opc-request-id`` format.
"""

import base64
import binascii
import calendar
import hashlib
import json
import re
import time
import uuid

from . import oci_signing
from .common import Reply

API = '/20160918'
REGION = 'us-ashburn-1'
# OCIDs carry the region's key for the older regions and its name for the newer ones:
# ocid1.dbsystem.oc1.iad.…, ocid1.dbpatch.oc1.phx.…, ocid1.dbpatch.oc1.eu-frankfurt-1.… (OCIDs in public code).
REGION_KEYS = {'us-ashburn-1': 'iad', 'us-phoenix-1': 'phx'}
COMPARTMENT = oci_signing.COMPARTMENT
DEFAULT_VERSION = '19.20.0.0.0'
DEFAULT_DURATIONS = dict(duration=30.0, precheck_duration=10.0)
PATCH_OPTIONS = ('duration', 'precheck_duration', 'fail', 'precheck_fail', 'fail_details', 'precheck_fail_details')
MAX_LIMIT = 1000
WORK_REQUEST_ACCEPTED = 2.0  # simulated seconds a work request stays ACCEPTED before IN_PROGRESS (GUESS)
ACTIONS = ('APPLY', 'PRECHECK')
SYSTEM_STATES = ('PROVISIONING', 'AVAILABLE', 'UPDATING', 'TERMINATING', 'TERMINATED', 'FAILED', 'MIGRATED',
                 'MAINTENANCE_IN_PROGRESS', 'NEEDS_ATTENTION', 'UPGRADING')  # db_system.go DbSystemLifecycleStateEnum
HOME_STATES = ('PROVISIONING', 'AVAILABLE', 'UPDATING', 'TERMINATING', 'TERMINATED', 'FAILED')  # db_home.go
# Why a seeded patch fails, after the prerequisites "Update a DB System" names (D3: /u01 with at least
# 15 GB free, Clusterware running, all nodes running, Object Storage reachable); the wording is the simulator's.
FAIL_DETAILS = 'The patch could not be applied: the /u01 file system needs at least 15 GB of free space.'
PRECHECK_FAIL_DETAILS = 'Precheck failed: Oracle Clusterware is not running on all nodes of the DB system.'
# The "message" of a 401: the API Errors page's description of NotAuthenticated; the simulator adds its reason.
NOT_AUTHENTICATED = 'The required information to complete authentication was not provided or was incorrect.'
TOO_MANY_REQUESTS = {'code': 'TooManyRequests', 'message': 'Too many requests for the user'}  # a fault rule's "body"

_SYSTEMS_RE = re.compile(r'^/20160918/dbSystems(?:/(?P<id>[^/]+)(?:/(?P<sub>patches|patchHistoryEntries)(?:/(?P<item>[^/]+))?)?)?/?$')
_HOMES_RE = re.compile(r'^/20160918/dbHomes(?:/(?P<id>[^/]+)(?:/(?P<sub>patches|patchHistoryEntries)(?:/(?P<item>[^/]+))?)?)?/?$')
_WORK_RE = re.compile(r'^/20160918/workRequests(?:/(?P<id>[^/]+))?/?$')


def oci_time(epoch):
    """RFC 3339 with milliseconds, as the service answers: 2024-10-29T17:43:56.879Z."""
    return time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(epoch)) + '.%03dZ' % int((epoch % 1) * 1000)


def ocid(resource, region, key):
    """A realistic OCID, stable for a key: ocid1.<type>.oc1.<region>.a<59 base32 characters>."""
    digest = base64.b32encode(hashlib.sha512(key.encode('utf-8')).digest()).decode('ascii').lower()
    return 'ocid1.%s.oc1.%s.a%s' % (resource, REGION_KEYS.get(region, region), digest[:59])


def version_key(version):
    parts = []
    for part in str(version).split('.'):
        try:
            parts.append(int(part))
        except ValueError:
            parts.append(0)
    return tuple(parts)


def next_version(version):
    """The next release update: 19.20.0.0.0 -> 19.21.0.0.0."""
    parts = str(version).split('.')
    if len(parts) > 1 and parts[1].isdigit():
        parts[1] = str(int(parts[1]) + 1)
    return '.'.join(parts)


def _release(version):
    """(month label, epoch) of a 19c release update: 19.21 came out in October 2023, one every quarter;
    other versions get a fixed date."""
    parts = version_key(version)
    if len(parts) < 2 or parts[0] != 19:
        return None, 1696118400.0
    months = 2023 * 12 + 9 + 3 * (parts[1] - 21)  # 0-based month count, October 2023 for 19.21
    year, month = divmod(months, 12)
    epoch = float(calendar.timegm((year, month + 1, 17, 0, 0, 0, 0, 0, 0)))
    return '%s %d' % (time.strftime('%b', time.gmtime(epoch)), year), epoch


def _error(status, code, message):
    """OCI's error document: {"code", "message"} (the API Errors page; base_client.py reads both)."""
    return Reply(status, {'code': code, 'message': message})


class Patch(object):
    """One patch of a target's catalog ("Patch"/"PatchSummary": id, description, timeReleased and version
    required; lastAction, availableActions, lifecycleDetails, lifecycleState), with its seeded behaviour."""

    def __init__(self, seed, kind, region):
        if not isinstance(seed, dict) or not seed.get('version'):
            raise ValueError('an OCI patch seed needs a version (e.g. "19.21.0.0.0")')
        self.version = str(seed['version'])
        # Patches are region-wide catalog entries: the same release has one OCID (ocid1.dbpatch.oc1.<region>.…, I5).
        self.id = str(seed.get('id') or ocid('dbpatch', region, '%s/%s' % (kind, self.version)))
        label, released = _release(self.version)
        noun = 'Db System' if kind == 'dbSystem' else 'Database'
        # Descriptions like "Oct 2019 18c Db System patch" (I5) and "Oct 2017 12.2 Database patch" (oracle.oci samples).
        self.description = seed.get('description') or ('%s %s %s patch' % (label, self.version.split('.', 1)[0] + 'c', noun)
                                                       if label else '%s patch %s' % (noun, self.version))
        self.time_released = seed.get('time_released') or oci_time(released)
        self.available_actions = list(seed.get('available_actions') or ACTIONS)
        self.patch_type = seed.get('patch_type') or ('GI' if kind == 'dbSystem' else 'DB')
        self.options = dict((key, seed[key]) for key in PATCH_OPTIONS if key in seed)
        unknown = set(seed) - set(PATCH_OPTIONS) - {'id', 'version', 'description', 'time_released', 'available_actions',
                                                    'patch_type'}
        if unknown:
            raise ValueError('unknown OCI patch seed keys: %s' % ', '.join(sorted(unknown)))
        # "The current state of the patch as a result of lastAction": null until it is acted on (I5's raw answer)
        self.last_action = None
        self.state = None
        self.details = None

    def option(self, name):
        return self.options.get(name, DEFAULT_DURATIONS.get(name))

    def document(self):
        return {'id': self.id, 'description': self.description, 'timeReleased': self.time_released, 'version': self.version,
                'lastAction': self.last_action, 'availableActions': list(self.available_actions),
                'lifecycleDetails': self.details, 'lifecycleState': self.state}


class Target(object):
    """A DB system or a DB home: the fields it serves, its patches, its patch history, its etag and
    the operation running on it."""

    def __init__(self, kind, seed, region, compartment, created):
        self.kind = kind  # 'dbSystem' or 'dbHome' (the work request's entityType, as terraform-provider-oci waits on it)
        self.region = region
        self.compartment_id = compartment
        self.display_name = str(seed.get('display_name') or seed.get('name') or '')
        self.id = str(seed.get('id') or ocid(kind.lower(), region, '%s/%s' % (compartment, self.display_name)))
        states = SYSTEM_STATES if kind == 'dbSystem' else HOME_STATES
        self.lifecycle_state = seed.get('lifecycle_state', 'AVAILABLE')
        if self.lifecycle_state not in states:
            raise ValueError('lifecycle_state must be one of %s' % ', '.join(states))
        self.lifecycle_details = seed.get('lifecycle_details')
        self.time_created = created
        self.fields = dict(seed.get('fields') or {})
        self.patches = {}
        for patch_seed in seed.get('patches') or []:
            patch = Patch(patch_seed, kind, region)
            self.patches[patch.id] = patch
        self.history = []  # entries, oldest first
        self.last_entry_id = None
        self.revision = 0
        self.operation = None
        self.version = None
        self.system = None  # a home's DB system
        self.homes = []  # a system's homes

    def etag(self, revision=None):
        """A 64-hex etag like the service's; it changes with every state change of the resource."""
        revision = self.revision if revision is None else revision
        return hashlib.sha256(('%s:%d' % (self.id, revision)).encode('ascii')).hexdigest()

    def path(self):
        return '%s/%s/%s' % (API, 'dbSystems' if self.kind == 'dbSystem' else 'dbHomes', self.id)


class Operation(object):
    """One accepted PRECHECK or APPLY: its history entry and work requests, running ``duration``
    simulated seconds from ``started``."""

    def __init__(self, action, target, patch, entry, started, started_wall, duration, failed, details):
        self.action = action
        self.target = target
        self.patch = patch
        self.entry = entry
        self.started = started
        self.started_wall = started_wall
        self.duration = max(0.0, float(duration))
        self.failed = failed
        self.details = details
        self.work_requests = []
        self.visible_at = started  # oci_entry_delay: reads show it from then on
        self.before = None  # what reads show until then: the target's and the patch's fields before it

    def done(self, now):
        return now >= self.started + self.duration


class OciCloud(object):
    """OCI Base Database patching and the work requests that follow it, for signed requests."""

    name = 'oci'

    @staticmethod
    def environment(base_url, ca_path=None):
        """The environment variables of the collection's oci options that reach this simulator."""
        env = environment(base_url)
        return dict(env, OCI_CA_PATH=ca_path) if ca_path else env

    @staticmethod
    def variables(base_url):
        """The integration_config.yml variables of the collection's own targets."""
        return dict(oci_user=oci_signing.USER, oci_tenancy=oci_signing.TENANCY, oci_fingerprint=oci_signing.FINGERPRINT,
                    oci_key_file=oci_signing.KEY_FILE, oci_region=REGION, oci_database_url=base_url, oci_work_requests_url=base_url)

    @staticmethod
    def host_seed(name, host_vars):
        """(section, seed) of an inventory host of this cloud (seeding.py): see inventory_seed."""
        return 'oci', inventory_seed(name, host_vars)
    config = {
        # opc-work-request-id on the PUT answers: "one", "none" (oracle.oci's "known implementation issue"
        # of dbaas, fact 14) or "list" (two OCIDs, comma-separated: "Multiple OCID values are returned in a
        # comma-separated list", update_db_system_request_response.go)
        'oci_work_request_header': 'one',
        # 1: a PRECHECK shows its target UPDATING as an APPLY does; 0: it stays AVAILABLE (open question, GUESS)
        'oci_precheck_updating': 1.0,
        # the PUT's 200 body: the resource "after" acceptance (UPDATING, the new lastPatchHistoryEntryId)
        # or as it was "before" (open question of the note)
        'oci_put_answer': 'after',
        # 0: list summaries serve lastPatchHistoryEntryId null even when GET has it (T3: "maybe LIST summary vs GET")
        'oci_list_last_patch_history': 1.0,
        # page size when a list request gives no limit (GUESS; the SDKs document no default)
        'oci_default_limit': 100.0,
        # seconds a request's date may be off the real clock ("more than 5 minutes": 401)
        'oci_max_clock_skew': oci_signing.MAX_CLOCK_SKEW,
        # 1: accepting an operation changes the target's etag, so a copy of the PUT sent with the etag read
        # before it gets 412; 0: the etag moves only when the operation ends, so a copy gets 409 IncorrectState
        # (the note's open question 5.5, on which its write-once scheme 5.2 rests: a GUESS either way)
        'oci_accept_changes_etag': 1.0,
        # simulated seconds during which reads do not show an accepted operation yet: GetDbSystem/GetDbHome
        # answer the target as it was (AVAILABLE, the old lastPatchHistoryEntryId and etag), the history
        # hides the entry (its GET is 404) and the patch its new lastAction; the PUT itself sees the truth.
        # Oracle documents lastPatchHistoryEntryId as "updated as soon as a patch operation starts"
        # (db_system.go), so 0 is the default; a read lag is what a lost answer must survive all the same.
        'oci_entry_delay': 0.0,
    }
    seeds = {'oci': 'seed_db_system', 'oci_keys': 'seed_key'}  # --fixtures sections
    admin_seeds = {'oci/db_systems': 'seed_db_system', 'oci/keys': 'seed_key'}

    @staticmethod
    def check_config(key, value):
        if key == 'oci_work_request_header':
            if value not in ('one', 'none', 'list'):
                raise ValueError('oci_work_request_header is "one", "none" or "list"')
            return value
        if key == 'oci_put_answer':
            if value not in ('after', 'before'):
                raise ValueError('oci_put_answer is "after" or "before"')
            return value
        value = float(value)
        if key == 'oci_default_limit' and not 1 <= value <= MAX_LIMIT:
            raise ValueError('oci_default_limit is between 1 and %d' % MAX_LIMIT)
        if key == 'oci_entry_delay' and value < 0:
            raise ValueError('oci_entry_delay is a number of simulated seconds, at least 0')
        return value

    def __init__(self, state):
        self.state = state
        self.systems = {}
        self.homes = {}
        self.entries = {}  # history entry id -> (target, entry)
        self.work_requests = {}
        self.keys = {}  # keyId -> PEM (parsed on first use)
        self._parsed = {}
        self.next_entry = 1

    # -- seeding -----------------------------------------------------------------------

    def reset(self):
        self.systems = {}
        self.homes = {}
        self.entries = {}
        self.work_requests = {}
        self.keys = {}
        self._parsed = {}
        self.next_entry = 1
        # Oracle's documented test user (the Request Signatures page's "Test Values"), parsed lazily so
        # the other clouds run without the cryptography package
        self.keys[oci_signing.KEY_ID] = oci_signing.read_key_file()

    def seed_key(self, seed):
        """Register an API signing key: {"public_key": PEM, "tenancy", "user", "fingerprint"} or {"key_id", "public_key"}."""
        if not isinstance(seed, dict) or not seed.get('public_key'):
            raise ValueError('an OCI key seed needs public_key (PEM) and key_id, or tenancy and user')
        pem = seed['public_key'].encode('ascii') if isinstance(seed['public_key'], str) else seed['public_key']
        key_id = seed.get('key_id')
        if not key_id:
            if not (seed.get('tenancy') and seed.get('user')):
                raise ValueError('an OCI key seed needs key_id, or tenancy and user (and optionally fingerprint)')
            print_ = seed.get('fingerprint') or oci_signing.fingerprint(oci_signing.load_public_key(pem))
            key_id = '%s/%s/%s' % (seed['tenancy'], seed['user'], print_)
        oci_signing.load_public_key(pem)  # refuse what does not parse now, not at the first request
        self.keys[key_id] = pem
        self._parsed.pop(key_id, None)
        return {'key_id': key_id}

    def seed_db_system(self, seed):
        """A DB system with its DB home(s) and their patches (README.md: "OCI DB system seed")."""
        if not isinstance(seed, dict):
            raise ValueError('an OCI DB system seed is a JSON object')
        known = {'id', 'display_name', 'name', 'compartment_id', 'region', 'version', 'lifecycle_state', 'lifecycle_details',
                 'shape', 'node_count', 'patches', 'db_home', 'db_homes', 'fields'}
        unknown = set(seed) - known
        if unknown:
            raise ValueError('unknown OCI DB system seed keys: %s' % ', '.join(sorted(unknown)))
        region = seed.get('region') or REGION
        compartment = seed.get('compartment_id') or COMPARTMENT
        now = self.state.now()
        created = self.state.wall_at(now) - 86400 * 30
        seed = dict(seed, display_name=seed.get('display_name') or seed.get('name') or 'dbsystem%d' % (len(self.systems) + 1))
        system = Target('dbSystem', seed, region, compartment, created)
        system.version = str(seed.get('version') or DEFAULT_VERSION)
        system.shape = seed.get('shape', 'VM.Standard.E4.Flex')
        system.node_count = int(seed.get('node_count', 1))
        homes = seed.get('db_homes')
        if homes is None:
            homes = [seed.get('db_home') or {}]
        if not isinstance(homes, list) or not homes:
            raise ValueError('db_homes is a non-empty list of DB home seeds')
        for number, home_seed in enumerate(homes, 1):
            if not isinstance(home_seed, dict):
                raise ValueError('a DB home seed is a JSON object')
            unknown = set(home_seed) - {'id', 'display_name', 'db_version', 'lifecycle_state', 'lifecycle_details', 'patches', 'fields'}
            if unknown:
                raise ValueError('unknown OCI DB home seed keys: %s' % ', '.join(sorted(unknown)))
            home_seed = dict(home_seed, display_name=home_seed.get('display_name') or 'dbhome%s%d' % (system.display_name, number))
            home = Target('dbHome', home_seed, region, compartment, created + 600)
            home.version = str(home_seed.get('db_version') or system.version)
            home.system = system
            system.homes.append(home)
        old = self.systems.pop(system.id, None)  # a seed with the id of a seeded system replaces it
        for home in old.homes if old is not None else []:
            self.homes.pop(home.id, None)
        for home in system.homes:
            self.homes[home.id] = home
        self.systems[system.id] = system
        return {'id': system.id, 'db_system_id': system.id, 'db_system_patch_ids': list(system.patches),
                'db_home_id': system.homes[0].id, 'db_home_patch_ids': list(system.homes[0].patches),
                'db_homes': [{'id': home.id, 'patch_ids': list(home.patches)} for home in system.homes]}

    def dump(self):
        for target in self._targets():
            self._advance(target)

        def target_dump(target):
            return dict(display_name=target.display_name, lifecycle_state=target.lifecycle_state, version=target.version,
                        etag=target.etag(), last_patch_history_entry_id=target.last_entry_id,
                        patches=dict((p.id, dict(version=p.version, last_action=p.last_action, state=p.state)) for p in target.patches.values()),
                        history=[dict(e) for e in target.history])
        return dict(db_systems=dict((s.id, dict(target_dump(s), db_homes=[h.id for h in s.homes])) for s in self.systems.values()),
                    db_homes=dict((h.id, dict(target_dump(h), db_system_id=h.system.id)) for h in self.homes.values()),
                    work_requests=sorted(self.work_requests), keys=sorted(self.keys))

    def _targets(self):
        return list(self.systems.values()) + list(self.homes.values())

    # -- the state machine -------------------------------------------------------------

    def _advance(self, target):
        """End the target's operation if its time has come: the history entry ends SUCCEEDED or FAILED with
        timeEnded, the patch's state follows its lastAction (SUCCESS, not SUCCEEDED: patch.go), the target
        is AVAILABLE again -- also after a FAILED patch, which is what a waiter on the lifecycle state alone
        misses (the note, fact 14 and §3) -- and only a SUCCEEDED APPLY changes version/dbVersion."""
        operation = target.operation
        if operation is None or not operation.done(self.state.now()):
            return
        entry = operation.entry
        entry['lifecycleState'] = 'FAILED' if operation.failed else 'SUCCEEDED'
        entry['timeEnded'] = oci_time(operation.started_wall + operation.duration)
        entry['lifecycleDetails'] = operation.details
        patch = operation.patch
        patch.state = 'FAILED' if operation.failed else 'SUCCESS'
        patch.details = operation.details
        if operation.action == 'APPLY' and not operation.failed:
            target.version = patch.version
        target.lifecycle_state = 'AVAILABLE'
        target.revision += 1  # GUESS: the etag follows every state change
        target.operation = None

    def _busy(self, target):
        """The operation that keeps this target from another one: its own, or one on its DB system or a
        sibling/child home (GUESS: one patch operation per DB system at a time)."""
        system = target if target.kind == 'dbSystem' else target.system
        for candidate in [system] + system.homes:
            self._advance(candidate)
            if candidate.operation is not None:
                return candidate
        return None

    def _start(self, target, patch, action, patch_options):
        now = self.state.now()
        wall = self.state.wall_at(now)
        before = dict(lifecycle_state=target.lifecycle_state, last_entry_id=target.last_entry_id, revision=target.revision,
                      patch=(patch.last_action, patch.state, patch.details))
        failed = bool(patch.options.get('precheck_fail' if action == 'PRECHECK' else 'fail'))
        details = None
        if failed:
            details = patch.options.get('precheck_fail_details' if action == 'PRECHECK' else 'fail_details') or (
                PRECHECK_FAIL_DETAILS if action == 'PRECHECK' else FAIL_DETAILS)
        # History entry OCIDs look like ocid1.dbpatchhistory.oc1.iad.… (a ListDbHomes answer in an Oracle
        # observability blog; oracle.oci samples show ocid1.dbpatchhistory.oc1.ad.…)
        entry_id = ocid('dbpatchhistory', target.region, 'entry/%d/%s' % (self.next_entry, target.id))
        self.next_entry += 1
        entry = {'id': entry_id, 'patchId': patch.id, 'action': action, 'lifecycleState': 'IN_PROGRESS', 'lifecycleDetails': None,
                 'timeStarted': oci_time(wall), 'timeEnded': None, 'patchType': patch.patch_type, 'patchOptions': patch_options}
        target.history.append(entry)
        self.entries[entry_id] = (target, entry)
        # "lastPatchHistoryEntryId: The OCID of the last patch history. This value is updated as soon as a
        # patch operation starts." (db_system.go, db_home.go)
        target.last_entry_id = entry_id
        operation = Operation(action, target, patch, entry, now, wall, patch.option('precheck_duration' if action == 'PRECHECK' else 'duration'),
                              failed, details)
        target.operation = operation
        patch.last_action = action
        patch.state = 'IN_PROGRESS'
        patch.details = None
        if action == 'APPLY' or self.state.config['oci_precheck_updating']:
            target.lifecycle_state = 'UPDATING'
        if self.state.config['oci_accept_changes_etag']:
            target.revision += 1  # GUESS: accepting an operation changes the etag (the note's §5.2 depends on it)
        operation.before = before
        operation.visible_at = now + float(self.state.config['oci_entry_delay'])
        count = {'one': 1, 'list': 2}.get(self.state.config['oci_work_request_header'], 1)
        for number in range(count):
            work_id = ocid('coreservicesworkrequest', target.region, 'work/%s/%d' % (entry_id, number))
            self.work_requests[work_id] = dict(id=work_id, operation=operation, created=now)
            operation.work_requests.append(work_id)
        return operation

    def _work_request(self, record, summary=False):
        """WorkRequest (work_request.go): ACCEPTED, IN_PROGRESS with percentComplete, then SUCCEEDED or
        FAILED with timeFinished ("when the work request reached a terminal state"). The summary has no
        resources (work_request_summary.go). GUESSES: the operationType strings, ACCEPTED for the first
        WORK_REQUEST_ACCEPTED simulated seconds, percentComplete 100.0 at either end."""
        operation = record['operation']
        target = operation.target
        self._advance(target)
        elapsed = self.state.now() - operation.started
        accepted_for = min(WORK_REQUEST_ACCEPTED, operation.duration)
        time_started = time_finished = None
        if operation.done(self.state.now()):
            status, percent = ('FAILED' if operation.failed else 'SUCCEEDED'), 100.0
            time_started = oci_time(operation.started_wall + accepted_for)
            time_finished = oci_time(operation.started_wall + operation.duration)
        elif elapsed < accepted_for:
            status, percent = 'ACCEPTED', 0.0
        else:
            status, percent = 'IN_PROGRESS', round(min(99.0, 100.0 * elapsed / operation.duration), 1)
            time_started = oci_time(operation.started_wall + accepted_for)
        document = {'operationType': 'UpdateDbSystem' if target.kind == 'dbSystem' else 'UpdateDbHome', 'status': status,
                    'id': record['id'], 'compartmentId': target.compartment_id, 'percentComplete': percent,
                    'timeAccepted': oci_time(operation.started_wall), 'timeStarted': time_started, 'timeFinished': time_finished}
        if not summary:
            # entityType as terraform-provider-oci waits on it ("dbSystem"/"dbHome", action UPDATED)
            document['resources'] = [{'entityType': target.kind, 'actionType': 'UPDATED' if status == 'SUCCEEDED' else 'IN_PROGRESS',
                                      'identifier': target.id, 'entityUri': target.path()}]
        return document

    # -- documents ----------------------------------------------------------------------

    def _system_document(self, system, summary=False):
        """DbSystem / DbSystemSummary (db_system.go: id, compartmentId, displayName, availabilityDomain, subnetId,
        shape, sshPublicKeys, hostname, domain, databaseEdition and lifecycleState are required). Unset
        optional fields are served as null, as in the ListDbHomes answer of Oracle's observability blog."""
        region_key = REGION_KEYS.get(system.region, system.region)
        document = {
            'id': system.id, 'compartmentId': system.compartment_id, 'displayName': system.display_name,
            'availabilityDomain': 'Uocm:%s-AD-1' % system.region.upper().rsplit('-', 1)[0],
            'subnetId': ocid('subnet', system.region, 'subnet/%s' % system.compartment_id),
            'shape': system.shape, 'sshPublicKeys': ['ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC dbops-simulator'],
            'hostname': re.sub(r'[^a-z0-9]', '', system.display_name.lower())[:15] or 'dbsys',
            'domain': 'sub%s.vcn%s.oraclevcn.com' % (region_key.replace('-', '')[:8], region_key.replace('-', '')[:8]),
            'databaseEdition': 'ENTERPRISE_EDITION', 'lifecycleState': system.lifecycle_state, 'version': system.version,
            'cpuCoreCount': 2, 'nodeCount': system.node_count, 'dataStorageSizeInGBs': 256, 'licenseModel': 'LICENSE_INCLUDED',
            'lastPatchHistoryEntryId': system.last_entry_id, 'timeCreated': oci_time(system.time_created),
            'lifecycleDetails': system.lifecycle_details, 'freeformTags': {}, 'definedTags': {}}
        if summary and not self.state.config['oci_list_last_patch_history']:
            document['lastPatchHistoryEntryId'] = None
        document.update(system.fields)
        return document

    def _home_document(self, home, summary=False):
        """DbHome / DbHomeSummary with the fields of a real ListDbHomes answer (Oracle's observability blog
        "Collecting Oracle Cloud Database Backup metadata in OCI Log Analytics", part 2: dbHomeLocation,
        dbVersion, lastPatchHistoryEntryId null on a home never patched, null for what is unset)."""
        document = {
            'compartmentId': home.compartment_id, 'databaseSoftwareImageId': None,
            'dbHomeLocation': '/u01/app/oracle/product/%s.0.0.0/dbhome_1' % home.version.split('.', 1)[0],
            'dbSystemId': home.system.id, 'dbVersion': home.version, 'definedTags': None, 'displayName': home.display_name,
            'freeformTags': None, 'homeType': None, 'id': home.id, 'isUnifiedAuditingEnabled': False, 'kmsKeyId': None,
            'lastPatchHistoryEntryId': home.last_entry_id, 'lifecycleDetails': home.lifecycle_details,
            'lifecycleState': home.lifecycle_state, 'oneOffPatches': None, 'systemTags': None,
            'timeCreated': oci_time(home.time_created), 'vmClusterId': None}
        if summary and not self.state.config['oci_list_last_patch_history']:
            document['lastPatchHistoryEntryId'] = None
        document.update(home.fields)
        return document

    def _document(self, target, summary=False, as_read=True):
        """The target as a read shows it (``as_read``: an operation still out of sight, oci_entry_delay, is
        not in it), or as it is (the PUT's own answer)."""
        document = self._system_document(target, summary) if target.kind == 'dbSystem' else self._home_document(target, summary)
        unseen = self._unseen(target) if as_read else None
        if unseen is not None:
            document['lifecycleState'] = unseen.before['lifecycle_state']
            if document.get('lastPatchHistoryEntryId') is not None:
                document['lastPatchHistoryEntryId'] = unseen.before['last_entry_id']
        return document

    def _unseen(self, target):
        """The operation on ``target`` that reads do not show yet (oci_entry_delay), or None."""
        operation = target.operation
        if operation is None or operation.before is None or self.state.now() >= operation.visible_at:
            return None
        return operation

    def _patch_document(self, target, patch):
        document = patch.document()
        unseen = self._unseen(target)
        if unseen is not None and unseen.patch is patch:
            document['lastAction'], document['lifecycleState'], document['lifecycleDetails'] = unseen.before['patch']
        return document

    # -- HTTP ---------------------------------------------------------------------------

    def handle(self, request):
        """The Reply to a request under /20160918/, or None for another path."""
        if not request.path.startswith(API + '/'):
            return None
        reply = self._handle(request)
        # "opc-request-id: Unique Oracle-assigned identifier for the request" on every answer (G1-G3).
        # GUESS: three 32-hex segments (fact 25 shows '308D…/41EC…/9549…'); a client's own id comes first.
        given = request.headers.get('opc-request-id')
        generated = [uuid.uuid4().hex.upper() for dummy in range(3)]
        if given and '/' not in given and len(given) <= 98:
            generated = [given] + generated[:2]
        reply.headers['opc-request-id'] = '/'.join(generated)
        return reply

    def _handle(self, request):
        failure = self._authenticate(request)
        if failure is not None:
            return failure
        for pattern, call in ((_SYSTEMS_RE, self._db_systems), (_HOMES_RE, self._db_homes), (_WORK_RE, self._work_requests)):
            match = pattern.match(request.path)
            if match:
                return call(request, match)
        return _error(404, 'NotFound', 'There is no operation supported at the URI path and HTTP method you specified in the request.')

    def _authenticate(self, request):
        """Every OCI request is signed (Request Signatures page; oci_signing.py): 401 NotAuthenticated otherwise."""
        try:
            oci_signing.verify(request.method, request.target, request.headers, request.body_text.encode('utf-8'),
                               self._public_keys(), max_skew=float(self.state.config['oci_max_clock_skew']))
        except oci_signing.SignatureError as exc:
            return _error(401, 'NotAuthenticated', '%s (simulator: %s)' % (NOT_AUTHENTICATED, exc))
        except RuntimeError as exc:  # no cryptography package: a simulator problem, not the client's
            return _error(500, 'InternalServerError', 'simulator: %s' % exc)
        return None

    def _public_keys(self):
        for key_id, pem in self.keys.items():
            if key_id not in self._parsed:
                self._parsed[key_id] = oci_signing.load_public_key(pem)
        return self._parsed

    @staticmethod
    def _method_not_allowed(request):
        return _error(405, 'MethodNotAllowed', 'The target resource does not support the HTTP method %s.' % request.method)

    @staticmethod
    def _not_found(what, ident):
        return _error(404, 'NotAuthorizedOrNotFound', 'Authorization failed or requested resource not found: %s %s.' % (what, ident))

    def _db_systems(self, request, match):
        return self._targets_call(request, match, self.systems, 'dbSystem')

    def _db_homes(self, request, match):
        return self._targets_call(request, match, self.homes, 'dbHome')

    def _targets_call(self, request, match, targets, kind):
        if match.group('id') is None:
            if request.method != 'GET':
                return self._method_not_allowed(request)
            return self._list_targets(request, targets, kind)
        target = targets.get(match.group('id'))
        if target is None:
            return self._not_found('DbSystem' if kind == 'dbSystem' else 'DbHome', match.group('id'))
        self._advance(target)
        sub = match.group('sub')
        if sub is None:
            if request.method == 'GET':
                unseen = self._unseen(target)
                return Reply(200, self._document(target), headers={'etag': target.etag(unseen.before['revision'] if unseen else None)})
            if request.method == 'PUT':
                return self._update(request, target)
            return self._method_not_allowed(request)
        if request.method != 'GET':
            return self._method_not_allowed(request)
        item = match.group('item')
        if sub == 'patches':
            if item is None:
                # Only patches newer than what the target runs are offered (INFERENCE from I6: "the only way to
                # check if database is on latest patch [is] if no new patches exist in the list"); newest first
                # (INFERENCE from oracle.oci's db-patching solution: "0 - latest and -1 - oldest").
                current = version_key(target.version)
                patches = [p for p in target.patches.values() if version_key(p.version) > current]
                patches.sort(key=lambda p: (p.time_released, version_key(p.version)), reverse=True)
                return self._list(request, [self._patch_document(target, p) for p in patches])
            patch = target.patches.get(item)
            if patch is None:
                return self._not_found('Patch', item)
            return Reply(200, self._patch_document(target, patch))
        unseen = self._unseen(target)
        if item is None:
            # newest first (GUESS)
            return self._list(request, [dict(e) for e in reversed(target.history) if not (unseen and e is unseen.entry)])
        found = self.entries.get(item)
        if found is None or found[0] is not target or (unseen and found[1] is unseen.entry):
            return self._not_found('PatchHistoryEntry', item)
        entry = found[1]
        etag = hashlib.sha256(json.dumps(entry, sort_keys=True).encode('utf-8')).hexdigest()
        return Reply(200, dict(entry), headers={'etag': etag})  # GetDbHomePatchHistoryEntry answers an etag (G3)

    # -- lists -------------------------------------------------------------------------

    def _list(self, request, items, headers=None):
        """A bare JSON array, ``limit`` items from the ``page`` token; ``opc-next-page`` only when more remain
        ("if this header appears in the response, then there are additional items still to get", G2)."""
        limit = request.arg('limit')
        try:
            limit = int(limit) if limit is not None else int(self.state.config['oci_default_limit'])
        except ValueError:
            return _error(400, 'InvalidParameter', 'limit must be an integer, got %r.' % limit)
        if limit < 1:
            return _error(400, 'InvalidParameter', 'limit must be at least 1.')
        limit = min(limit, MAX_LIMIT)
        offset = 0
        page = request.arg('page')
        if page:
            try:
                offset = int(json.loads(base64.urlsafe_b64decode(page.encode('ascii')).decode('utf-8'))['o'])
            except (ValueError, KeyError, TypeError, binascii.Error, UnicodeError):
                return _error(400, 'InvalidParameter', 'The page token is not valid.')
        chunk = items[offset:offset + limit]
        answer = dict(headers or {})
        if offset + limit < len(items):
            token = {'o': offset + limit, 'n': uuid.uuid4().hex[:8]}
            answer['opc-next-page'] = base64.urlsafe_b64encode(json.dumps(token).encode('utf-8')).decode('ascii')
        return Reply(200, chunk, headers=answer)

    def _list_targets(self, request, targets, kind):
        """ListDbSystems (compartmentId required; lifecycleState, displayName, availabilityDomain, sortBy
        TIMECREATED|DISPLAYNAME, sortOrder) and ListDbHomes (compartmentId required; dbSystemId, lifecycleState,
        displayName, dbVersion), list_db_systems/list_db_homes_request_response.go."""
        compartment = request.arg('compartmentId')
        if not compartment:
            return _error(400, 'MissingParameter', 'The required query parameter compartmentId is missing.')
        states = SYSTEM_STATES if kind == 'dbSystem' else HOME_STATES
        state = request.arg('lifecycleState')
        if state and state not in states:
            return _error(400, 'InvalidParameter', 'lifecycleState must be one of %s.' % ', '.join(states))
        sort_by = request.arg('sortBy') or 'TIMECREATED'
        sort_order = request.arg('sortOrder')
        if sort_by not in ('TIMECREATED', 'DISPLAYNAME') or (sort_order and sort_order not in ('ASC', 'DESC')):
            return _error(400, 'InvalidParameter', 'sortBy is TIMECREATED or DISPLAYNAME, sortOrder ASC or DESC.')
        picked = []
        for target in targets.values():
            self._advance(target)
            if target.compartment_id != compartment or (state and target.lifecycle_state != state):
                continue
            if request.arg('displayName') and target.display_name != request.arg('displayName'):
                continue
            if kind == 'dbHome' and request.arg('dbSystemId') and target.system.id != request.arg('dbSystemId'):
                continue
            if kind == 'dbHome' and request.arg('dbVersion') and target.version != request.arg('dbVersion'):
                continue
            document = self._document(target, summary=True)
            if kind == 'dbSystem' and request.arg('availabilityDomain') and document['availabilityDomain'] != request.arg('availabilityDomain'):
                continue
            picked.append((target, document))
        # "Default order for TIMECREATED is descending. Default order for DISPLAYNAME is ascending."
        if sort_by == 'DISPLAYNAME':
            picked.sort(key=lambda pair: (pair[0].display_name, pair[0].id), reverse=sort_order == 'DESC')
        else:
            picked.sort(key=lambda pair: (pair[0].time_created, pair[0].id), reverse=sort_order != 'ASC')
        return self._list(request, [document for dummy, document in picked])

    def _work_requests(self, request, match):
        if request.method != 'GET':
            return self._method_not_allowed(request)
        if match.group('id') is not None:
            record = self.work_requests.get(match.group('id'))
            if record is None:
                return self._not_found('WorkRequest', match.group('id'))
            return Reply(200, self._work_request(record))  # GetWorkRequest: no etag (get_work_request_request_response.go)
        compartment = request.arg('compartmentId')
        if not compartment:
            return _error(400, 'MissingParameter', 'The required query parameter compartmentId is missing.')
        resource = request.arg('resourceId')
        records = [r for r in self.work_requests.values() if r['operation'].target.compartment_id == compartment
                   and (not resource or r['operation'].target.id == resource)]
        records.sort(key=lambda r: (r['created'], r['id']), reverse=True)  # newest first (GUESS)
        return self._list(request, [self._work_request(r, summary=True) for r in records])

    # -- writes ------------------------------------------------------------------------

    def _update(self, request, target):
        """UpdateDbSystem ``{"version": PatchDetails}`` / UpdateDbHome ``{"dbVersion": PatchDetails}``,
        PatchDetails = {patchId, databaseSoftwareImageId, action: APPLY|PRECHECK, patchOptions}
        (patch_details.go); headers if-match and (UpdateDbSystem only) opc-dry-run; no opc-retry-token
        (update_db_system/update_db_home_request_response.go). 200 with the resource, ``etag`` and
        ``opc-work-request-id`` (fact 13)."""
        field = 'version' if target.kind == 'dbSystem' else 'dbVersion'
        try:
            body = request.json()
        except ValueError:
            return _error(400, 'CannotParseRequest', 'The request body is not valid JSON.')
        if not isinstance(body, dict):
            return _error(400, 'CannotParseRequest', 'The request body must be a JSON object.')
        details = body.get(field)
        if details is None:
            return _error(400, 'InvalidParameter', 'The simulator models only the patch update of %s: the body needs "%s".'
                          % ('UpdateDbSystem' if target.kind == 'dbSystem' else 'UpdateDbHome', field))
        if not isinstance(details, dict):
            return _error(400, 'InvalidParameter', '%s must be an object (PatchDetails).' % field)
        action = details.get('action')
        patch_id = details.get('patchId')
        if not patch_id:
            if details.get('databaseSoftwareImageId'):
                return _error(400, 'InvalidParameter', 'The simulator does not model patching with a database software image.')
            return _error(400, 'MissingParameter', '%s.patchId is required.' % field)
        if action is None:
            return _error(400, 'MissingParameter', '%s.action is required.' % field)
        if action not in ACTIONS:
            return _error(400, 'InvalidParameter', '%s.action must be APPLY or PRECHECK, got %r.' % (field, action))
        patch_options = details.get('patchOptions')
        if patch_options is not None and not isinstance(patch_options, dict):
            return _error(400, 'InvalidParameter', '%s.patchOptions must be an object.' % field)
        # if-match: "The resource will be updated or deleted only if the etag you provide matches the
        # resource's current etag value" (update_db_system_request_response.go). The code is a GUESS
        # (NoEtagMatch is what Identity answers: oracle/oci-python-sdk tests/integ/test_identity.py).
        if_match = request.headers.get('if-match')
        if if_match is not None and if_match.strip() not in ('*', target.etag()):
            return _error(412, 'NoEtagMatch', 'The ETag specified in the request does not match the ETag for the resource.')
        busy = self._busy(target)
        if busy is not None or target.lifecycle_state != 'AVAILABLE':
            # 409 IncorrectState: "The requested state for the resource conflicts with its current state" (API
            # Errors; the code for this case is a GUESS)
            if busy is None:
                message = 'Resource %s is in the %s state; a patch needs AVAILABLE.' % (target.id, target.lifecycle_state)
            else:
                message = ('Resource %s cannot be updated: a %s operation is in progress on %s (%s).'
                           % (target.id, busy.operation.action, busy.id, busy.lifecycle_state))
            return _error(409, 'IncorrectState', message)
        patch = target.patches.get(patch_id)
        if patch is None:
            return _error(400, 'InvalidParameter', 'Patch %s is not a valid patch for %s %s.' % (patch_id, target.kind, target.id))
        if action not in patch.available_actions:
            return _error(400, 'InvalidParameter', 'Action %s is not available for patch %s.' % (action, patch_id))
        if version_key(patch.version) <= version_key(target.version):
            # GUESS: a patch that is not newer than the target is refused
            return _error(400, 'InvalidParameter', 'Patch %s (%s) is not newer than the current version %s.'
                          % (patch_id, patch.version, target.version))
        if target.kind == 'dbSystem' and (request.headers.get('opc-dry-run') or '').lower() == 'true':
            # "A dry run request does not actually creating or updating a resource and is used only to perform
            # validation on the submitted data" (update_db_system docstring); that it validates a patch is a GUESS.
            return Reply(200, self._document(target), headers={'etag': target.etag()})
        before = self._document(target, as_read=False)
        operation = self._start(target, patch, action, patch_options)
        document = before if self.state.config['oci_put_answer'] == 'before' else self._document(target, as_read=False)
        headers = {'etag': target.etag()}
        if self.state.config['oci_work_request_header'] != 'none':
            headers['opc-work-request-id'] = ','.join(operation.work_requests)
        return Reply(200, document, headers=headers)


def inventory_seed(name, host_vars):
    """The ``oci`` seed of an Ansible inventory host with ``safe_patch_cloud: oci`` (seeding.py): a DB system
    named ``safe_patch_service_name`` (default: the host name) with one DB home; the patch
    ``safe_patch_patch_id`` is the DB home's when ``safe_patch_db_home_id`` is set, else the DB system's."""
    current = str(host_vars.get('simulator_current_version', DEFAULT_VERSION))
    seed = dict(display_name=str(host_vars.get('safe_patch_service_name') or name), version=current, patches=[],
                db_home={'db_version': current, 'patches': []})
    if host_vars.get('safe_patch_db_system_id'):
        seed['id'] = str(host_vars['safe_patch_db_system_id'])
    if host_vars.get('safe_patch_db_home_id'):
        seed['db_home']['id'] = str(host_vars['safe_patch_db_home_id'])
    patch = dict(version=str(host_vars.get('simulator_patch_version') or next_version(current)),
                 duration=float(host_vars.get('simulator_patch_seconds', 300)), fail=bool(host_vars.get('simulator_patch_fails', False)))
    if host_vars.get('safe_patch_patch_id'):
        patch['id'] = str(host_vars['safe_patch_patch_id'])
    if host_vars.get('safe_patch_db_home_id'):
        seed['db_home']['patches'].append(patch)
    else:
        seed['patches'].append(patch)
    return seed


def environment(base_url):
    """The OCI settings a client of this simulator needs (the names of the collection's ``oci`` options'
    environment variables, SPEC.md), with Oracle's test user and its key file."""
    return dict(OCI_USER_ID=oci_signing.USER, OCI_TENANCY=oci_signing.TENANCY, OCI_USER_FINGERPRINT=oci_signing.FINGERPRINT,
                OCI_USER_KEY_FILE=oci_signing.KEY_FILE, OCI_REGION=REGION, OCI_DATABASE_ENDPOINT=base_url,
                OCI_WORK_REQUESTS_ENDPOINT=base_url)
