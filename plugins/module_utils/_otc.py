# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to the dbops.patching collection. It is not a
# public API: it may change or go away in any release without notice.

"""Open Telekom Cloud: IAM token login (or a given token), clouds.yaml, and the
RDS v3 task-center jobs."""

import os
import re

from ansible.module_utils.basic import env_fallback

from ansible_collections.dbops.patching.plugins.module_utils import _http
from ansible_collections.dbops.patching.plugins.module_utils._errors import (
    AuthError,
    BadResponseError,
    ConfigurationError,
    HttpStatusError,
    NotFoundError,
)
from ansible_collections.dbops.patching.plugins.module_utils._jobs import (
    clean,
    make_job,
    map_status,
    parse_percent,
    status_table,
    text_or_none,
)

try:
    import yaml
    HAS_YAML = True
except ImportError:  # pragma: no cover - PyYAML ships with ansible-core
    HAS_YAML = False

DEFAULT_REGION = 'eu-de'
JOB_NOT_FOUND = 'DBS.200543'
_SPACES_RE = re.compile(r'\s+')
CLOUDS_YAML_DIRS = ('.', '~/.config/openstack', '/etc/openstack')
JOB_STATUS = status_table(pending='PENDING', running='RUNNING', succeeded='COMPLETED', failed='FAILED')


def otc_argument_spec():
    """The connection options of the ``otc`` action group."""
    spec = dict(
        cloud=dict(type='str', fallback=(env_fallback, ['OS_CLOUD'])),
        auth_url=dict(type='str', fallback=(env_fallback, ['OS_AUTH_URL'])),
        region=dict(type='str', fallback=(env_fallback, ['OS_REGION_NAME'])),
        project_id=dict(type='str', fallback=(env_fallback, ['OS_PROJECT_ID'])),
        project_name=dict(type='str', fallback=(env_fallback, ['OS_PROJECT_NAME'])),
        domain_name=dict(type='str', fallback=(env_fallback, ['OS_USER_DOMAIN_NAME'])),
        username=dict(type='str', fallback=(env_fallback, ['OS_USERNAME'])),
        password=dict(type='str', no_log=True, fallback=(env_fallback, ['OS_PASSWORD'])),
        auth_token=dict(type='str', no_log=True, fallback=(env_fallback, ['OS_AUTH_TOKEN'])),
        rds_url=dict(type='str', fallback=(env_fallback, ['OTC_RDS_URL'])),
    )
    spec.update(_http.connection_argument_spec())
    return spec


def _read_yaml(path):
    with open(path) as handle:
        return yaml.safe_load(handle) or {}


def _merge(base, extra):
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def load_cloud(name, search_dirs=CLOUDS_YAML_DIRS):
    """The entry ``name`` of the first clouds.yaml found, merged with the same entry
    of secure.yaml (where secrets may live). Raises ConfigurationError when not found."""
    if not HAS_YAML:  # pragma: no cover
        raise ConfigurationError('cloud=%s needs PyYAML to read clouds.yaml.' % name)
    entry, found = None, []
    for directory in search_dirs:
        directory = os.path.expanduser(directory)
        for filename in ('clouds.yaml', 'clouds.yml'):
            path = os.path.join(directory, filename)
            if entry is None and os.path.isfile(path):
                found.append(path)
                entry = (_read_yaml(path).get('clouds') or {}).get(name)
        for filename in ('secure.yaml', 'secure.yml'):
            path = os.path.join(directory, filename)
            if entry is not None and os.path.isfile(path):
                secure = (_read_yaml(path).get('clouds') or {}).get(name)
                if secure:
                    entry = _merge(entry, secure)
                break
        if entry is not None:
            break
    if entry is None:
        raise ConfigurationError('cloud=%s: no such entry in clouds.yaml (searched %s).'
                                 % (name, ', '.join(found) or ', '.join(search_dirs)))
    return entry


def resolve_settings(params, search_dirs=CLOUDS_YAML_DIRS):
    """Explicit options first, then the clouds.yaml entry named by ``cloud``, then defaults."""
    settings = dict((k, v) for k, v in params.items() if v is not None)
    if params.get('cloud'):
        entry = load_cloud(params['cloud'], search_dirs)
        auth = entry.get('auth') or {}
        from_cloud = dict(
            auth_url=auth.get('auth_url'),
            project_id=auth.get('project_id'),
            project_name=auth.get('project_name'),
            domain_name=auth.get('user_domain_name') or auth.get('domain_name'),
            username=auth.get('username'),
            password=auth.get('password'),
            auth_token=auth.get('token'),
            region=entry.get('region_name'),
        )
        for key, value in from_cloud.items():
            if value is not None:
                settings.setdefault(key, value)
    settings.setdefault('region', DEFAULT_REGION)
    region = settings['region']
    settings.setdefault('auth_url', 'https://iam.%s.otc.t-systems.com/v3' % region)
    settings.setdefault('rds_url', 'https://rds.%s.otc.t-systems.com' % region)
    return settings


def token_url(auth_url):
    url = auth_url.rstrip('/')
    if url.endswith('/auth/tokens'):
        return url
    if not url.endswith('/v3'):
        url += '/v3'
    return url + '/auth/tokens'


def normalize_job(payload, job_id, warn=None):
    """An RDS task-center job from GET /v3/{project}/jobs?id=... (seed 004), quirks and
    all. Adds instance, entities and fail_reason to the normalized keys."""
    cleaned = clean(payload if isinstance(payload, dict) else {})
    job = cleaned.get('job') if isinstance(cleaned.get('job'), dict) else cleaned
    status = job.get('status')
    state, with_warnings = map_status(status, JOB_STATUS, 'OTC RDS job', job_id, warn)
    progress = parse_percent(job.get('process'))
    name = job.get('name')
    fail_reason = text_or_none(job.get('fail_reason'))
    summary_line = ' '.join(str(p) for p in (name, status, '(%d%%)' % progress if progress is not None else None) if p)
    result = make_job(job.get('id') or job_id, status, state, with_warnings=with_warnings, progress=progress,
                      operation=name, started_at=job.get('created'), ended_at=job.get('ended'),
                      message=fail_reason or summary_line or None, messages=[fail_reason] if fail_reason else [],
                      raw=payload)
    instance = job.get('instance') if isinstance(job.get('instance'), dict) else {}
    result['instance'] = dict(id=text_or_none(instance.get('id')), name=text_or_none(instance.get('name')))
    result['entities'] = job.get('entities') if isinstance(job.get('entities'), dict) else {}
    result['fail_reason'] = fail_reason
    return result


class OtcAuth(_http.TokenLoginAuth):
    """IAM token: a given ``auth_token``, or a password login whose token is
    renewed once when the API answers 401."""

    token_header = 'X-Auth-Token'
    token_format = '%s'
    secret_headers = ('X-Auth-Token', 'X-Subject-Token')
    missing_credentials = ('OTC needs either auth_token, or username and password '
                           '(options, OS_* environment variables, or a clouds.yaml entry named by cloud).')

    def __init__(self, settings):
        super(OtcAuth, self).__init__(settings.get('auth_token'),
                                      can_login=bool(settings.get('username') and settings.get('password')))
        self.settings = settings
        self.project_id = settings.get('project_id')

    def login_secrets(self):
        return (self.settings.get('password'),)

    def check_ready(self):
        if not self.project_id:
            raise ConfigurationError('OTC needs project_id (or a login scoped by project_name that returns it).')

    def login(self, client):
        if self.settings.get('project_id'):
            scope = {'id': self.settings['project_id']}
        else:
            scope = {'name': self.settings.get('project_name') or self.settings['region']}
        user = {'name': self.settings['username'], 'password': self.settings['password']}
        if self.settings.get('domain_name'):
            user['domain'] = {'name': self.settings['domain_name']}
        body = {'auth': {'identity': {'methods': ['password'], 'password': {'user': user}},
                         'scope': {'project': scope}}}
        try:
            response = client.post(token_url(self.settings['auth_url']), body=body, authenticate=False, safe=True)
        except HttpStatusError as exc:
            raise AuthError('OTC IAM login failed: %s' % exc, method=exc.method, path=exc.path,
                            status=exc.status, api_code=exc.api_code, api_message=exc.api_message)
        token = response.headers.get('X-Subject-Token')
        if not token:
            raise BadResponseError('OTC IAM login answered %s without an X-Subject-Token header.' % response.status)
        project = ((response.json() or {}).get('token') or {}).get('project') or {}
        self.project_id = self.project_id or project.get('id')
        return token


class OtcClient(object):
    def __init__(self, params, warn=None, session=None, search_dirs=CLOUDS_YAML_DIRS):
        self.settings = resolve_settings(params, search_dirs)
        self.warn = warn
        _http.check_url('auth_url', self.settings['auth_url'])
        self.auth = OtcAuth(self.settings)
        self.http = _http.client_for(self.settings, _http.check_url('rds_url', self.settings['rds_url']), self.auth,
                                     warn=warn, session=session)

    def rds_job(self, job_id):
        """(normalized job, retry_after). NotFoundError for a job the API does not show
        (DBS.200543, also answered for a few seconds after a job was created)."""
        self.http.ensure_ready()  # the path needs the project id, which a login may return
        path = '/v3/%s/jobs' % _http.segment('project_id', self.auth.project_id)
        try:
            response = self.http.get(path, params={'id': job_id})
        except HttpStatusError as exc:
            if exc.api_code == JOB_NOT_FOUND and not isinstance(exc, NotFoundError):
                raise NotFoundError(str(exc), method=exc.method, path=exc.path, status=exc.status,
                                    api_code=exc.api_code, api_message=exc.api_message)
            raise
        body = response.json()
        if not isinstance(body, dict) or not body:
            raise NotFoundError('GET %s?id=%s: the answer holds no job (%r).' % (path, job_id, body))
        job = normalize_job(body, job_id, self.warn)
        if _SPACES_RE.sub('', job['id']) != _SPACES_RE.sub('', str(job_id)):
            raise BadResponseError('GET %s?id=%s answered job %s.' % (path, job_id, job['id']))
        job['id'] = str(job_id)  # the seed page shows ids with stray spaces: "31 b8ae23 - c687 ..."
        return job, response.retry_after()
