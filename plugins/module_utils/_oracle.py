# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to the dbops.patching collection. It is not a
# public API: it may change or go away in any release without notice.

"""Oracle PaaS Service Manager: the patch API of Database Classic (dbaas) and
MySQL Cloud Service (MySQLCS), and the activity log."""

from ansible.module_utils.basic import env_fallback
from urllib.parse import quote

from ansible_collections.dbops.patching.plugins.module_utils import _http
from ansible_collections.dbops.patching.plugins.module_utils._jobs import (
    activity_records,
    canonical_status,
    normalize_activity,
    normalize_oracle_patch_job,
    normalize_oracle_precheck_job,
    text_or_none,
)
from ansible_collections.dbops.patching.plugins.module_utils._module import connection_argument_spec

SERVICE_TYPES = ('dbaas', 'MySQLCS')
RESUME_HINT = 'to resume waiting, run dbops.patching.job_info with service_name=%s, job_id=%s, wait=true'


def oracle_argument_spec():
    """The connection options of the ``oracle`` action group (one spec for every member)."""
    spec = dict(
        api_url=dict(type='str', required=True, fallback=(env_fallback, ['ORACLE_PAAS_API_URL'])),
        identity_domain=dict(type='str', required=True, fallback=(env_fallback, ['ORACLE_PAAS_IDENTITY_DOMAIN'])),
        username=dict(type='str', fallback=(env_fallback, ['ORACLE_PAAS_USERNAME'])),
        password=dict(type='str', no_log=True, fallback=(env_fallback, ['ORACLE_PAAS_PASSWORD'])),
    )
    spec.update(connection_argument_spec())
    return spec


def service_argument_spec():
    return dict(
        service_type=dict(type='str', default='dbaas', choices=list(SERVICE_TYPES)),
        service_name=dict(type='str', required=True),
    )


class OracleAuth(_http.Auth):
    """HTTP Basic plus the tenant header Oracle requires on every call."""

    def __init__(self, username, password, identity_domain):
        self.username = username
        self.password = password
        self.identity_domain = identity_domain
        self.secrets = (password,)

    def headers(self):
        return {'X-ID-TENANT-NAME': self.identity_domain}

    def basic(self):
        if self.username is None and self.password is None:
            return None
        return (self.username or '', self.password or '')


def _q(value):
    return quote(str(value), safe='')


def job_id_from_write(response):
    """The job id of a write's answer, in either documented shape
    ({"details": {"jobId"}} or flat {"jobId"}), else the end of Location."""
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
        return location.rstrip('/').rsplit('/', 1)[-1]
    return None


class OracleClient(object):
    """Calls of the PSM patch API and activity log. Methods return raw documents or
    normalized jobs; they never exit the module."""

    def __init__(self, params, session=None):
        self.identity_domain = params['identity_domain']
        auth = OracleAuth(params.get('username'), params.get('password'), self.identity_domain)
        self.http = _http.HttpClient(
            params['api_url'], auth=auth, timeout=params.get('request_timeout', 30),
            validate_certs=params.get('validate_certs', True), ca_path=params.get('ca_path'), session=session)

    def instance_path(self, service_type, service_name, *parts):
        path = '/paas/api/v1.1/instancemgmt/%s/services/%s/instances/%s' % (
            _q(self.identity_domain), _q(service_type), _q(service_name))
        return '/'.join([path] + [_q(p) for p in parts])

    def activity_path(self, *parts):
        return '/'.join(['/paas/api/v1.1/activitylog/%s' % _q(self.identity_domain)] + [_q(p) for p in parts])

    def _list(self, path):
        body = self.http.get(path).json()
        if isinstance(body, dict):
            for key in ('patches', 'items', 'availablePatches', 'appliedPatches'):
                if isinstance(body.get(key), list):
                    return body[key]
            return [body] if body else []
        return body or []

    def available_patches(self, service_type, service_name):
        return self._list(self.instance_path(service_type, service_name, 'patches', 'available'))

    def applied_patches(self, service_type, service_name):
        return self._list(self.instance_path(service_type, service_name, 'patches', 'applied'))

    def _get_or_none(self, path):
        try:
            response = self.http.get(path)
        except _http.NotFoundError:
            return None, None
        return response.json(), _http.parse_retry_after(response.headers.get('Retry-After'))

    def patch_job(self, service_type, service_name, job_id, warnings=None):
        """(normalized job or None, retry_after) of a patch/rollback job."""
        raw, retry_after = self._get_or_none(self.instance_path(service_type, service_name, 'patches', 'applied', 'job', job_id))
        if raw is None or raw == []:
            return None, retry_after
        return normalize_oracle_patch_job(raw, job_id, warnings), retry_after

    def precheck_job(self, service_type, service_name, job_id, warnings=None):
        raw, retry_after = self._get_or_none(self.instance_path(service_type, service_name, 'patches', 'checks', 'job', job_id))
        if raw is None or raw == []:
            return None, retry_after
        return normalize_oracle_precheck_job(raw, job_id, warnings), retry_after

    def _write(self, path, body):
        """PUT and return (job_id, retry_after). Not retried once it may have
        reached the server (see _http.HttpClient)."""
        response = self.http.put(path, body=body, expected_json=False)
        return job_id_from_write(response), _http.parse_retry_after(response.headers.get('Retry-After'))

    def precheck(self, service_type, service_name, patch_id):
        return self._write(self.instance_path(service_type, service_name, 'patches', 'checks', patch_id), {})

    def apply(self, service_type, service_name, patch_id, note=None, force_apply=None, switch_over=None):
        body = {}
        if note is not None:
            body['additionalNote'] = note
        if force_apply is not None:
            body['forceApply'] = force_apply
        if switch_over is not None:
            body['switchOver'] = switch_over
        return self._write(self.instance_path(service_type, service_name, 'patches', patch_id), body)

    def rollback(self, service_type, service_name, rollback_id, note=None, switch_over=None):
        body = {}  # Oracle requires a JSON body on rollback, even an empty one
        if note is not None:
            body['additionalNote'] = note
        if switch_over is not None:
            body['switchOver'] = switch_over
        return self._write(self.instance_path(service_type, service_name, 'patches', rollback_id, 'rollback'), body)

    def activity_job(self, job_id, warnings=None):
        raw, retry_after = self._get_or_none(self.activity_path('job', job_id))
        if not isinstance(raw, dict) or not raw:
            return None, retry_after
        return normalize_activity(raw, warnings), retry_after

    def activity_filter(self, query, warnings=None):
        body = self.http.get(self.activity_path('filter'), params=query).json()
        return [normalize_activity(r, warnings) for r in activity_records(body)]


def patch_entry(record, warnings=None):
    """One applied-patch record as patch_info returns it."""
    job_id = text_or_none(record.get('jobId'))
    job = normalize_oracle_patch_job([record], job_id or '', warnings)
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
    return dict(
        patch_id=text_or_none(record.get('patchId') or record.get('id')),
        rollback_id=None,
        state='available',
        status=text_or_none(record.get('status')),
        operation=None,
        job_id=None,
        in_progress=False,
        current_patch_level=None,
        rollback_version=None,
        raw=record,
    )


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


def read_entries(client, service_type, service_name, warnings=None):
    """The applied-patch records of an instance, as patch entries."""
    return [patch_entry(r, warnings) for r in client.applied_patches(service_type, service_name) if isinstance(r, dict)]


def entry_for_rollback_id(entries, rollback_id):
    rollback_id = str(rollback_id).strip()
    return next((e for e in entries if rollback_id in (e['rollback_id'], text_or_none(e['raw'].get('id')))), None)


def describe_entry(entry):
    """'Rollback of patch 5.7.16-EE (job 4208393, IN_PROGRESS)' for messages."""
    return '%s of patch %s (job %s, %s)' % (entry['operation'] or 'operation', entry['patch_id'], entry['job_id'], entry['status'])


def entry_job(entry, warnings=None):
    """The normalized job an applied-patch record describes."""
    return normalize_oracle_patch_job([entry['raw']], entry['job_id'] or '', warnings)


def patch_level_diff(before, after):
    return dict(before=dict(patch_level=before), after=dict(patch_level=after))
