# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to the dbops.patching collection. It is not a
# public API: it may change or go away in any release without notice.

"""Oracle PaaS Service Manager: the patch API of Database Classic (dbaas) and
MySQL Cloud Service (MySQLCS), the activity log, their status maps and
normalizers, and the apply, precheck and rollback actions."""

import math
import time

from ansible.module_utils.basic import env_fallback

from ansible_collections.dbops.patching.plugins.module_utils import _http
from ansible_collections.dbops.patching.plugins.module_utils._errors import (
    ApiError,
    BadResponseError,
    ModuleFailure,
    NotFoundError,
)
from ansible_collections.dbops.patching.plugins.module_utils._providers import Inventory, Provider, SafePatch
from ansible_collections.dbops.patching.plugins.module_utils._jobs import (
    as_list,
    canonical_status,
    last,
    make_job,
    map_status,
    parse_time,
    status_table,
    text_or_none,
)
from ansible_collections.dbops.patching.plugins.module_utils._wait import JobSource, RunningJobs
from ansible_collections.dbops.patching.plugins.module_utils._workflow import (
    DONE,
    FOLLOW,
    SEND,
    WriteAction,
    fail_unless_succeeded,
    follow_job,
    run_write,
    send_once,
)

SERVICE_TYPES = ('dbaas', 'MySQLCS')
PAGE_SIZE = 100  # activity-log records asked for per page
MAX_PAGES = 50
# "Sorts the results by a field name ... field_name:sort_order" (List All Activity,
# docs.oracle.com/cd/E60665_01/mysql-cloud/CSMCS/op-paas-api-v1.1-activitylog-identitydomainid-filter-get.html)
OLDEST_FIRST = 'startDate:asc'
RESUME_HINT = 'to resume waiting, run dbops.patching.job_info with service_name=%s, job_id=%s, wait=true'

# Canonical status spellings (see _jobs.canonical_status) -> (state, with_warnings).
PATCH_STATUS = status_table(
    pending='NEW SUBMITTED QUEUED NOT_STARTED', running='IN_PROGRESS RUNNING',
    succeeded='COMPLETED COMPLETED_ROLLBACK ROLLBACK_COMPLETED', succeeded_with_warnings='COMPLETED_WITH_WARNINGS',
    failed='FAILED ROLLBACK_FAILED', canceled='CANCELED CANCELLED ABORTED')
PRECHECK_STATUS = status_table(
    pending='NEW SUBMITTED', running='IN_PROGRESS RUNNING', succeeded='PASSED_PRECHECK PASSED',
    failed='DIDNT_PASS_PRECHECK DIDNT_FINISHED_PRECHECK DIDNT_FINISH_PRECHECK FAILED')
ACTIVITY_STATUS = status_table(
    pending='NEW SUBMITTED', running='RUNNING IN_PROGRESS', succeeded='SUCCEED SUCCEEDED', succeeded_with_warnings='WARN',
    failed='FAILED', canceled='CANCELED CANCELLED')


def oracle_argument_spec():
    """The connection options of the ``oracle`` action group (one spec for every member)."""
    spec = dict(
        api_url=dict(type='str', required=True, fallback=(env_fallback, ['ORACLE_PAAS_API_URL'])),
        identity_domain=dict(type='str', required=True, fallback=(env_fallback, ['ORACLE_PAAS_IDENTITY_DOMAIN'])),
        username=dict(type='str', fallback=(env_fallback, ['ORACLE_PAAS_USERNAME'])),
        password=dict(type='str', no_log=True, fallback=(env_fallback, ['ORACLE_PAAS_PASSWORD'])),
    )
    spec.update(_http.connection_argument_spec('ORACLE_PAAS'))
    return spec


def service_argument_spec():
    return dict(
        service_type=dict(type='str', default='dbaas', choices=list(SERVICE_TYPES)),
        service_name=dict(type='str', required=True),
    )


# -- normalizers ------------------------------------------------------------------------

def _record_for_job(records, job_id):
    """The applied-patch record that a patch/rollback job id belongs to, with the part
    of it (patchingResult or rollbackResult) that describes the job, or None there.
    A lone record that names no job at all is taken as the answer for ``job_id``."""
    job_id = str(job_id)
    for record in records:
        if str(record.get('jobId', '')).strip() == job_id:
            return record, None
    for record in records:
        for part_key, operation in (('rollbackResult', 'Rollback'), ('patchingResult', 'Patch')):
            part = record.get(part_key)
            if isinstance(part, dict) and str(part.get('jobId', '')).strip() == job_id:
                return record, (part, operation)
    if len(records) == 1 and not _named_jobs(records[0]):
        return records[0], None
    return None, None


def _named_jobs(record):
    parts = [record] + [record.get(k) for k in ('rollbackResult', 'patchingResult') if isinstance(record.get(k), dict)]
    return [str(p['jobId']).strip() for p in parts if p.get('jobId') not in (None, '')]


def normalize_patch_job(payload, job_id, warn=None):
    """A patch or rollback job from GET .../patches/applied/job/{id}: an array of
    applied-patch records (seed 001), or one record. None when the job is not there."""
    records = [r for r in as_list(payload) if isinstance(r, dict)]
    record, part = _record_for_job(records, job_id)
    if record is None:
        return None
    if part is not None:
        detail, operation = part
        status = detail.get('patchingStatus')
        messages = as_list(detail.get('progressMessages'))
        message = detail.get('resultMessage') or last(messages)
    else:
        operation = record.get('operationType')
        detail = record.get('rollbackResult') if canonical_status(operation) == 'ROLLBACK' else record.get('patchingResult')
        detail = detail if isinstance(detail, dict) else {}
        status = record.get('lastStatus')
        messages = as_list(record.get('progressMessages') or detail.get('progressMessages'))
        message = record.get('lastStatusMessage') or record.get('resultMessage') or last(messages)
    state, with_warnings = map_status(status, PATCH_STATUS, 'Oracle patch job', job_id, warn)
    return make_job(job_id, status, state, with_warnings=with_warnings, operation=operation,
                    started_at=detail.get('startDate'), ended_at=detail.get('endDate'),
                    message=message, messages=messages, raw=payload)


def normalize_precheck_job(payload, job_id, warn=None):
    """A precheck job from GET .../patches/checks/job/{id} (an object, or an array
    holding it). None when the job is not there."""
    records = [r for r in as_list(payload) if isinstance(r, dict)]
    record = next((r for r in records if str(r.get('jobId', '')).strip() == str(job_id)), None)
    if record is None and len(records) == 1 and records[0].get('jobId') in (None, ''):
        record = records[0]
    if record is None:
        return None
    status = record.get('status')
    if status is None and record.get('inProgress'):
        status = 'IN_PROGRESS'
    state, with_warnings = map_status(status, PRECHECK_STATUS, 'Oracle precheck job', job_id, warn)
    messages = [m if isinstance(m, str) else (m.get('message') if isinstance(m, dict) else str(m))
                for m in as_list(record.get('preCheckMessages'))]
    message = record.get('resultMessage') or last(messages)
    return make_job(record.get('jobId', job_id), status, state, with_warnings=with_warnings, operation='Precheck',
                    started_at=record.get('startDate'), ended_at=record.get('endDate'),
                    message=message, messages=messages, raw=payload)


def normalize_activity(record, warn=None):
    """One activity-log record (seed 002); its int jobId becomes a string."""
    job_id = record.get('jobId')
    status = record.get('status')
    state, with_warnings = map_status(status, ACTIVITY_STATUS, 'Activity log job', job_id, warn)
    messages = [item.get('message') if isinstance(item, dict) else item for item in as_list(record.get('messages'))]
    return make_job(job_id, status, state, with_warnings=with_warnings,
                    operation=record.get('operationType'), started_at=record.get('startDate'),
                    ended_at=record.get('endDate'), message=last(messages) or record.get('summaryMessage'),
                    messages=messages, raw=record)


def activity_records(payload):
    """The records of an activity-log filter answer: a list, or {"activityLogs": [...]}."""
    if isinstance(payload, dict):
        for key in ('activityLogs', 'items', 'activities'):
            if key in payload:
                return [r for r in as_list(payload[key]) if isinstance(r, dict)]
        return [payload] if 'jobId' in payload else []
    return [r for r in as_list(payload) if isinstance(r, dict)]


def job_id_from_write(response):
    """The job id of a write's answer, in either documented shape
    ({"details": {"jobId"}} or flat {"jobId"}), else the end of Location; None
    when neither names one (the body may even be no JSON at all)."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        for holder in (body.get('details'), body):
            if isinstance(holder, dict):
                for key in ('jobId', 'job_id'):
                    if holder.get(key) not in (None, ''):
                        return str(holder[key]).strip()
    location = response.headers.get('Location') or response.headers.get('Content-Location')
    if location:
        return location.rstrip('/').rsplit('/', 1)[-1] or None
    return None


# -- the client ---------------------------------------------------------------------------

class OracleAuth(_http.Auth):
    """HTTP Basic plus the tenant header Oracle requires on every call."""

    def __init__(self, username, password, identity_domain):
        self.username = username
        self.password = password
        self.identity_domain = identity_domain

    def secret_values(self):
        if not self.password:
            return ()
        return (self.password, '%s:%s' % (self.username or '', self.password))

    def headers(self):
        return {'X-ID-TENANT-NAME': self.identity_domain}

    def basic(self):
        if self.username is None and self.password is None:
            return None
        return (self.username or '', self.password or '')


class OracleClient(object):
    """The PSM API of one identity domain: the activity log, and ``instance()`` for
    the patch API of one service instance. Methods never exit the module."""

    def __init__(self, params, warn=None, session=None):
        self.warn = warn
        self.domain = _http.segment('identity_domain', params['identity_domain'])
        auth = OracleAuth(params.get('username'), params.get('password'), params['identity_domain'])
        self.http = _http.client_for(params, _http.check_url('api_url', params['api_url']), auth, warn=warn, session=session)

    def instance(self, service_type, service_name):
        return OracleInstance(self, service_type, service_name)

    def service_instances(self, service_type):
        """[{name, status, version}] of every instance of a service type, from its documented list:
        Database Classic's ``GET /paas/service/dbcs/api/v1.1/instances/{domain}`` (snake_case fields),
        MySQL Cloud Service's ``GET /paas/api/v1.1/instancemgmt/{domain}/services/MySQLCS/instances`` (camelCase)."""
        if service_type == 'dbaas':
            path = '/paas/service/dbcs/api/v1.1/instances/%s' % self.domain
        else:
            path = '/paas/api/v1.1/instancemgmt/%s/services/%s/instances' % (self.domain, _http.segment('service_type', service_type))
        body = self.http.get(path).json()
        services = body.get('services') if isinstance(body, dict) else None
        found = []
        for service in services if isinstance(services, list) else []:
            if not isinstance(service, dict):
                continue
            name = text_or_none(service.get('service_name') or service.get('serviceName'))
            if name:
                found.append(dict(name=name, status=text_or_none(service.get('status')),
                                  version=text_or_none(service.get('version') or service.get('serviceVersion'))))
        return found

    def activity_path(self, *parts):
        return '/'.join(['/paas/api/v1.1/activitylog/%s' % self.domain] + list(parts))

    def activity_job(self, job_id, deadline=None):
        """(normalized job, retry_after); NotFoundError when the log has no such job."""
        response = self.http.get(self.activity_path('job', _http.segment('job_id', job_id)), deadline=deadline)
        raw = response.json()
        if not isinstance(raw, dict) or not raw:
            raise NotFoundError('The activity log has no job %s (it answered %r).' % (job_id, raw))
        if str(raw.get('jobId', job_id)).strip() != str(job_id):
            raise BadResponseError('The activity log answered job %s for job %s.' % (raw.get('jobId'), job_id))
        return normalize_activity(raw, self.warn), response.retry_after()

    def activity_filter(self, query, deadline=None):
        """Every activity-log record a search finds, page after page (the log answers
        ``limit`` records from ``offset``), normalized, each job once (in the log's own
        order, newest first, a record that starts while the pages are read shifts the
        next page by one; the searches the collection makes for itself ask for OLDEST_FIRST,
        where new records only add to the end)."""
        records, ids = [], set()
        for page in range(MAX_PAGES):
            params = dict(query, limit=PAGE_SIZE, offset=page * PAGE_SIZE)
            found = activity_records(self.http.get(self.activity_path('filter'), params=params, deadline=deadline).json())
            new = [r for r in found if str(r.get('jobId')) not in ids]
            records.extend(new)
            ids.update(str(r.get('jobId')) for r in found)
            if len(found) < PAGE_SIZE or not new:  # a short page, or one that repeats (a log that ignores offset)
                break
        return [normalize_activity(r, self.warn) for r in records]

    def running_activities(self, service_name=None, service_type=None, deadline=None):
        """{job id: normalized activity} of every operation that has not ended, in one search
        (every PSM job shows in the activity log under its own id)."""
        query = dict(status=['NEW', 'RUNNING'], orderBy=OLDEST_FIRST)
        if service_name:
            query.update(serviceName=service_name, serviceType=service_type)
        return dict((job['id'], job) for job in self.activity_filter(query, deadline) if not job['terminal'])

    def activities_since(self, jobs, deadline=None):
        """For a wait's ``read_ended``: {job id: normalized activity} of the jobs of
        ``jobs`` ({id: last job seen}), in one search of every record that started since the
        earliest of them (a second earlier: the log's dates have whole seconds); {} when a
        start is unknown (the poller then reads each job on its own)."""
        starts = [parse_time(job.get('started_at')) if job else None for job in jobs.values()]
        if not starts or None in starts:
            return {}
        since = time.strftime('%Y-%m-%dT%H:%M:%S.000+0000', time.gmtime(math.floor(min(starts)) - 1))
        return dict((job['id'], job) for job in self.activity_filter({'fromStartDate': since, 'orderBy': OLDEST_FIRST}, deadline)
                    if job['id'] in jobs)


class ActivityLogJobs(JobSource):
    """The activity-log jobs of an identity domain, as a wait reads them: each on its own, the
    running ones in one search (whole records), and how those that left it ended in one search
    of every record since the earliest of their starts."""

    reads_running = True
    reads_ended = True

    def __init__(self, client):
        self.client = client

    def read(self, key, deadline=None):
        return self.client.activity_job(key, deadline=deadline)

    def read_running(self, keys, deadline=None):
        return RunningJobs(self.client.running_activities(deadline=deadline))

    def read_ended(self, last_jobs, deadline=None):
        return self.client.activities_since(last_jobs, deadline=deadline)


class OracleInstance(object):
    """The patch API of one service instance."""

    def __init__(self, client, service_type, service_name):
        self.client = client
        self.http = client.http
        self.warn = client.warn
        self.service_type = service_type
        self.name = service_name
        self.base = '/paas/api/v1.1/instancemgmt/%s/services/%s/instances/%s' % (
            client.domain, _http.segment('service_type', service_type), _http.segment('service_name', service_name))
        self._exists = False

    def path(self, *parts):
        return '/'.join([self.base] + list(parts))

    def _list(self, *parts, deadline=None):
        body = self.http.get(self.path(*parts), deadline=deadline).json()
        self._exists = True
        if isinstance(body, dict):
            for key in ('patches', 'items', 'availablePatches', 'appliedPatches', 'prechecks'):
                if isinstance(body.get(key), list):
                    return body[key]
            return [body] if body else []
        return [r for r in as_list(body) if isinstance(r, dict)]

    def available(self):
        return [available_entry(r) for r in self._list('patches', 'available')]

    def entries(self):
        """The applied-patch records of the instance, as patch entries."""
        return [patch_entry(r, self.warn) for r in self._list('patches', 'applied')]

    def prechecks(self):
        return self._list('patches', 'checks')

    def _job(self, kind, job_id, normalize, deadline=None):
        """(normalized job, retry_after) of a patch/rollback or precheck job. A 404 is
        'no such job' only when the instance itself exists."""
        try:
            response = self.http.get(self.path('patches', kind, 'job', _http.segment('job_id', job_id)), deadline=deadline)
        except NotFoundError:
            if not self._exists:
                try:
                    self._list('patches', 'applied', deadline=deadline)
                except NotFoundError as exc:
                    raise ModuleFailure('Service instance %s (%s) does not exist: %s' % (self.name, self.service_type, exc))
            raise
        raw = response.json()
        job = normalize(raw, job_id, self.warn) if raw not in (None, []) else None
        if job is None:
            raise NotFoundError('%s %s: the answer holds no job %s.' % (self.name, kind, job_id))
        return job, response.retry_after()

    def patch_job(self, job_id, deadline=None):
        return self._job('applied', job_id, normalize_patch_job, deadline)

    def precheck_job(self, job_id, deadline=None):
        return self._job('checks', job_id, normalize_precheck_job, deadline)

    def _write(self, body, *parts):
        """PUT once; (job id or None, retry_after). See _workflow for what a lost answer means."""
        response = self.http.put(self.path(*parts), body=body, expected_json=False)
        return job_id_from_write(response), response.retry_after()

    def precheck(self, patch_id):
        return self._write({}, 'patches', 'checks', _http.segment('patch_id', patch_id))

    def apply(self, patch_id, note=None, force_apply=None, switch_over=None):
        body = dict((k, v) for k, v in (('additionalNote', note), ('forceApply', force_apply), ('switchOver', switch_over))
                    if v is not None)
        return self._write(body, 'patches', _http.segment('patch_id', patch_id))

    def rollback(self, rollback_id, note=None, switch_over=None):
        # Oracle requires a JSON body on rollback, even an empty one.
        body = dict((k, v) for k, v in (('additionalNote', note), ('switchOver', switch_over)) if v is not None)
        return self._write(body, 'patches', _http.segment('rollback_id', rollback_id), 'rollback')

    def jobs(self, read_job):
        """The JobSource of this instance's patch (``patch_job``) or precheck (``precheck_job``) jobs."""
        return InstanceJobs(self, read_job)

    def resume_hint(self, job_id):
        return RESUME_HINT % (self.name, job_id)


class InstanceJobs(JobSource):
    """The patch or precheck jobs of one service instance, as a wait reads them: each on its own
    with ``read_job`` (the instance's ``patch_job`` or ``precheck_job``), those still running
    answered together by the activity log's search of the instance's running operations, and as
    the estimate how long the instance's past runs of the same operation took."""

    reads_running = True

    def __init__(self, instance, read_job):
        self.instance = instance
        self.read_job = read_job
        self.history = None

    def read(self, key, deadline=None):
        return self.read_job(key, deadline=deadline)

    def read_running(self, keys, deadline=None):
        running = self.instance.client.running_activities(self.instance.name, self.instance.service_type, deadline=deadline)
        return RunningJobs(unchanged=[key for key in keys if key in running])

    def estimate(self, key, job, deadline=None):
        """(shortest, longest) of the past runs, from one activity-log read made on first need
        (every PSM job shows in the activity log under its own id, which tells its operation)."""
        if self.history is None:
            try:
                self.history = self.instance.client.activity_filter(
                    {'serviceName': self.instance.name, 'serviceType': self.instance.service_type, 'orderBy': OLDEST_FIRST}, deadline)
            except ApiError:
                self.history = []
        return typical_duration(self.history, key)


def typical_duration(records, job_id):
    """(shortest, longest) duration in seconds of the finished runs among ``records``
    (normalized activity-log jobs) of the operation that job ``job_id`` is, or None."""
    own = next((r for r in records if r['id'] == str(job_id)), None)
    if own is None:
        return None
    durations = sorted(parse_time(r['ended_at']) - parse_time(r['started_at']) for r in records
                       if r['id'] != own['id'] and r['operation'] == own['operation'] and r['state'] == 'succeeded'
                       and parse_time(r['started_at']) is not None and parse_time(r['ended_at']) is not None)
    return (durations[0], durations[-1]) if durations else None


# -- patch entries -------------------------------------------------------------------------

def patch_entry(record, warn=None):
    """One applied-patch record as patch_info returns it."""
    job_id = text_or_none(record.get('jobId'))
    job = normalize_patch_job([record], job_id or '', warn)
    rollback_id = record.get('rollbackId')
    if rollback_id in (None, ''):
        rollback_id = record.get('id')
    return dict(
        patch_id=text_or_none(record.get('patchId')),
        rollback_id=text_or_none(rollback_id),
        state=job['state'],
        status=job['status'],
        operation=job['operation'],
        job_id=job_id,
        in_progress=bool(record.get('inProgress')) or job['state'] in ('pending', 'running'),
        current_patch_level=text_or_none(record.get('currentPatchLevel')),
        rollback_version=text_or_none(record.get('rollbackVersion')),
        raw=record,
    )


def available_entry(record):
    """One available patch as patch_info returns it."""
    return dict(patch_id=text_or_none(record.get('patchId') or record.get('id')), rollback_id=None, state='available',
                status=text_or_none(record.get('status')), operation=None, job_id=None, in_progress=False,
                current_patch_level=None, rollback_version=None, raw=record)


def latest_record_for_patch(entries, patch_id):
    """The newest applied-patch entry of a patch (highest rollback id, else the last
    listed), or None."""
    matches = [e for e in entries if e['patch_id'] == str(patch_id)]
    if not matches:
        return None

    def order(item):
        index, entry = item
        rid = entry['rollback_id']
        return (int(rid) if rid and rid.isdigit() else -1, index)

    return max(enumerate(matches), key=order)[1]


def current_patch_level(entries):
    """The patch level after the newest successful operation, if the API tells it."""
    levels = [e['rollback_version'] if is_rollback(e) else e['current_patch_level'] for e in entries if e['state'] == 'succeeded']
    levels = [level for level in levels if level]
    return levels[-1] if levels else None


def running_entry(entries):
    """An entry whose operation is still running on the instance, or None."""
    return next((e for e in entries if e['in_progress']), None)


def is_rollback(entry):
    return canonical_status(entry['operation']) == 'ROLLBACK'


def is_applied(entry):
    """Whether the patch of this entry is in place now."""
    if entry is None:
        return False
    if is_rollback(entry):
        return entry['state'] in ('failed', 'canceled', 'running', 'pending')
    return entry['state'] == 'succeeded'


def entry_for_rollback_id(entries, rollback_id):
    rollback_id = str(rollback_id).strip()
    return next((e for e in entries if rollback_id in (e['rollback_id'], text_or_none(e['raw'].get('id')))), None)


def describe_entry(entry):
    """'Rollback of patch 5.7.16-EE (job 4208393, IN_PROGRESS)' for messages."""
    return '%s of patch %s (job %s, %s)' % (entry['operation'] or 'operation', entry['patch_id'], entry['job_id'], entry['status'])


def entry_job(entry, warn=None):
    """The normalized job an applied-patch record describes."""
    return normalize_patch_job([entry['raw']], entry['job_id'] or '', warn)


def patch_level_diff(before, after):
    return dict(before=dict(patch_level=before), after=dict(patch_level=after))


# -- the actions ------------------------------------------------------------------------------

class _PatchJobAction(WriteAction):
    """What apply and rollback share: the instance, a conflict message that names the
    running operation, and following the patch job they start."""

    what = 'patch job'

    def __init__(self, run, instance):
        super(_PatchJobAction, self).__init__(run)
        self.instance = instance
        self.params = run.params

    def conflict(self, exc):
        running = running_entry(self.instance.entries())
        return '%s. Another operation runs on %s: %s.' % (
            exc, self.instance.name, describe_entry(running) if running else 'it no longer shows; run again')

    def refuse_while_running(self, entries, doing):
        running = running_entry(entries)
        if running is not None:
            raise ModuleFailure('Cannot %s on %s: another operation runs on it: %s. Wait for it to end '
                                '(dbops.patching.job_info with wait=true), then run again.'
                                % (doing, self.instance.name, describe_entry(running)))

    def follow(self, ref, first_delay=None):
        self.run.result['job_id'] = ref
        job = follow_job(self.run, self.instance.jobs(self.instance.patch_job), ref, self.what, first_delay=first_delay,
                         resume=self.instance.resume_hint(ref))
        fail_unless_succeeded(job, '%s ended %s (job %s, status %s): %s'
                              % (self.ended_subject(), job and job['state'], ref, job and job['status'], job and job['message']))


class Precheck(WriteAction):
    """The precheck PUT that runs before an apply when asked for."""

    def __init__(self, run, instance, patch_id):
        super(Precheck, self).__init__(run)
        self.instance = instance
        self.patch_id = patch_id
        self.subject = 'the precheck of patch %s on %s' % (patch_id, instance.name)
        self.before = set(str(c.get('jobId')) for c in instance.prechecks())

    def send(self):
        return self.instance.precheck(self.patch_id)

    def recover(self):
        new = [c for c in self.instance.prechecks()
               if str(c.get('patchId')) == self.patch_id and str(c.get('jobId')) not in self.before and c.get('jobId')]
        return str(new[-1]['jobId']) if new else None

    def send_and_follow(self, key, wait=None, id_key=None):
        """Send the precheck (at most once) and follow its job into ``run.result[key]``
        (its id first into ``run.result[id_key]``, when given); (job id, job)."""
        job_id, first_delay = send_once(self)
        if id_key:
            self.run.result[id_key] = job_id
        job = follow_job(self.run, self.instance.jobs(self.instance.precheck_job), job_id, 'precheck job', key=key, wait=wait,
                         first_delay=first_delay, resume=self.instance.resume_hint(job_id) + ' and kind=precheck')
        return job_id, job

    def run_and_follow(self):
        # the apply waits for its precheck to pass, also when the apply itself is not waited for
        job_id, job = self.send_and_follow('precheck_job', wait=True)
        if job is None or job['state'] != 'succeeded':
            raise ModuleFailure('The precheck of patch %s on %s did not pass (job %s, status %s): %s. The patch was not applied.'
                                % (self.patch_id, self.instance.name, job_id, job and job['status'], job and job['message']))


def available_patch(instance, patch_id):
    """The available patch ``patch_id`` of the instance; ModuleFailure naming the available ones."""
    available = instance.available()
    patch = next((p for p in available if p['patch_id'] == patch_id), None)
    if patch is None:
        raise ModuleFailure('Patch %s is not available for %s instance %s. Available: %s.'
                            % (patch_id, instance.service_type, instance.name,
                               ', '.join(p['patch_id'] or '?' for p in available) or 'none'))
    return patch


class PatchApply(_PatchJobAction):
    """patch_apply: send the apply unless the patch is applied or being applied."""

    def __init__(self, run, instance):
        super(PatchApply, self).__init__(run, instance)
        self.patch_id = self.params['patch_id']
        self.subject = 'the apply of patch %s to %s' % (self.patch_id, instance.name)
        self.current = None
        self.levels = None
        self.prechecked = not self.params['precheck']

    def ended_subject(self):
        return 'Applying patch %s to %s' % (self.patch_id, self.instance.name)

    def decide(self):
        result = self.run.result
        entries = self.instance.entries()
        self.current = latest_record_for_patch(entries, self.patch_id)
        if self.current is not None and not is_rollback(self.current):
            result['patch'] = self.current
            if self.current['in_progress']:
                return FOLLOW, self.current['job_id']  # our apply already runs: follow it, send nothing
            if is_applied(self.current):
                result.update(job_id=self.current['job_id'], job=entry_job(self.current, self.instance.warn))
                return DONE, None
        self.refuse_while_running(entries, 'apply patch %s' % self.patch_id)
        patch = result['patch'] = available_patch(self.instance, self.patch_id)
        self.levels = (current_patch_level(entries), patch['raw'].get('toVersion') or patch['raw'].get('displayName') or self.patch_id)
        return SEND, None

    def diff(self):
        return patch_level_diff(*self.levels)

    def send(self):
        if not self.prechecked:
            self.run.result['changed'] = False  # a precheck that fails changed nothing
            Precheck(self.run, self.instance, self.patch_id).run_and_follow()
            self.prechecked = True
            self.run.result['changed'] = True
        return self.instance.apply(self.patch_id, note=self.params['note'], force_apply=self.params['force_apply'],
                                   switch_over=self.params['switch_over'])

    def recover(self):
        after = latest_record_for_patch(self.instance.entries(), self.patch_id)
        if after is not None and not is_rollback(after) and after['job_id'] != (self.current or {}).get('job_id'):
            self.run.result['patch'] = after
            return after['job_id']
        return None


class PatchRollback(_PatchJobAction):
    """patch_rollback: send the rollback unless it ran, runs, or nothing is applied."""

    what = 'rollback job'

    def __init__(self, run, instance):
        super(PatchRollback, self).__init__(run, instance)
        self.wanted = self.params['rollback_id'] or self.params['patch_id']
        self.subject = 'the rollback of %s on %s' % (self.wanted, instance.name)
        self.entry = None

    def ended_subject(self):
        return 'Rolling back patch %s on %s' % (self.entry['patch_id'], self.instance.name)

    def decide(self):
        result = self.run.result
        entries = self.instance.entries()
        if self.params['rollback_id'] is not None:
            entry = entry_for_rollback_id(entries, self.params['rollback_id'])
        else:
            entry = latest_record_for_patch(entries, self.params['patch_id'])
        if entry is None:
            result['msg'] = 'Nothing to roll back: %s is not applied to %s.' % (self.wanted, self.instance.name)
            return DONE, None
        self.entry = entry
        result.update(patch=entry, rollback_id=entry['rollback_id'])
        if is_rollback(entry):
            return self._decide_on_earlier_rollback(entry)
        if entry['in_progress'] or entry['state'] not in ('succeeded', 'failed'):
            raise ModuleFailure('Cannot roll back patch %s on %s yet: %s. Wait for it to end, then run again.'
                                % (entry['patch_id'], self.instance.name, describe_entry(entry)))
        self.refuse_while_running(entries, 'roll back patch %s' % entry['patch_id'])
        return SEND, None

    def _decide_on_earlier_rollback(self, entry):
        result = self.run.result
        if entry['in_progress']:
            return FOLLOW, entry['job_id']  # its rollback already runs: follow it, never send another
        result['job'] = entry_job(entry, self.instance.warn)
        if entry['state'] == 'succeeded':
            result['job_id'] = entry['job_id']
            return DONE, None
        raise ModuleFailure('A rollback of patch %s on %s already ran and ended %s (job %s): %s. It is not sent again; '
                            'check the instance before you retry by hand.'
                            % (entry['patch_id'], self.instance.name, entry['status'], entry['job_id'], result['job']['message']))

    def diff(self):
        return patch_level_diff(self.entry['current_patch_level'], self.entry['rollback_version'])

    def send(self):
        return self.instance.rollback(self.entry['rollback_id'], note=self.params['note'], switch_over=self.params['switch_over'])

    def recover(self):
        after = entry_for_rollback_id(self.instance.entries(), self.entry['rollback_id'])
        if after is not None and is_rollback(after) and after['job_id'] != self.entry['job_id']:
            return after['job_id']
        return None


def apply_patch(run):
    """The work of patch_apply."""
    run.result.update(job_id=None, job=None, precheck_job=None, patch=None)
    client = OracleClient(run.params, warn=run.warn)
    run_write(PatchApply(run, client.instance(run.params['service_type'], run.params['service_name'])))


def precheck_patch(run):
    """The work of patch_precheck: run the precheck of a patch, never its apply."""
    run.result.update(job_id=None, job=None, patch=None)
    client = OracleClient(run.params, warn=run.warn)
    instance = client.instance(run.params['service_type'], run.params['service_name'])
    patch_id = run.params['patch_id']
    current = latest_record_for_patch(instance.entries(), patch_id)
    if current is not None and not is_rollback(current) and (current['in_progress'] or is_applied(current)):
        run.result.update(patch=current, msg='Patch %s is already %s on %s; there is nothing to precheck.'
                          % (patch_id, 'being applied' if current['in_progress'] else 'applied', instance.name))
        return
    run.result['patch'] = available_patch(instance, patch_id)
    if run.check_mode:
        return
    job_id, job = Precheck(run, instance, patch_id).send_and_follow('job', id_key='job_id')
    fail_unless_succeeded(job, 'The precheck of patch %s on %s ended %s (job %s, status %s): %s'
                          % (patch_id, instance.name, job and job['state'], job_id, job and job['status'], job and job['message']))


def rollback_patch(run):
    """The work of patch_rollback."""
    run.result.update(rollback_id=None, job_id=None, job=None, patch=None)
    client = OracleClient(run.params, warn=run.warn)
    run_write(PatchRollback(run, client.instance(run.params['service_type'], run.params['service_name'])))


def list_patches(run):
    """The work of patch_info."""
    instance = OracleClient(run.params, warn=run.warn).instance(run.params['service_type'], run.params['service_name'])
    applied = instance.entries()
    run.result.update(available=instance.available(), applied=applied, current_patch_level=current_patch_level(applied))


# -- the provider ---------------------------------------------------------------------------

def inventory_hosts(params, options, warn):
    """(name, variables) of every listed Oracle PaaS service instance."""
    client = OracleClient(params, warn=warn)
    return [(service['name'], dict(safe_patch_cloud='oracle', safe_patch_service_type=service_type,
                                   safe_patch_service_name=service['name'], dbops_cloud='oracle',
                                   dbops_status=service['status'], dbops_version=service['version']))
            for service_type in options['service_types'] for service in client.service_instances(service_type)]


PROVIDER = Provider(
    name='oracle', title='Oracle PaaS Service Manager (Database Classic, MySQL Cloud Service)',
    argument_spec=oracle_argument_spec,
    modules=('patch_info', 'patch_apply', 'patch_precheck', 'patch_rollback', 'job_info', 'activity_log_info'),
    waiting=('patch_apply', 'patch_precheck', 'patch_rollback', 'job_info', 'activity_log_info'),
    writing=('patch_apply', 'patch_precheck', 'patch_rollback'),
    credential_type='oracle_paas.yml',
    inventory=Inventory(inventory_hosts, configured_by=('identity_domain',),
                        options=dict(service_types=dict(type='list', elements='str', choices=list(SERVICE_TYPES),
                                                        default=list(SERVICE_TYPES))),
                        groups=lambda variables: ['dbops_oracle_%s' % variables['safe_patch_service_type'].lower()]),
    safe_patch=SafePatch('oracle.yml', can_roll_back=True),
    simulator='tests/simulator/oracle.py', guide='docs/docsite/rst/guide_oracle.rst')
