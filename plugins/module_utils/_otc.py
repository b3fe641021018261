# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to the dbops.patching collection. It is not a
# public API: it may change or go away in any release without notice.

"""Open Telekom Cloud: IAM token login (or a given token), clouds.yaml, and the
RDS v3 task-center jobs."""

import os

from ansible.module_utils.basic import env_fallback

from ansible_collections.dbops.patching.plugins.module_utils import _http
from ansible_collections.dbops.patching.plugins.module_utils._jobs import normalize_otc_job
from ansible_collections.dbops.patching.plugins.module_utils._module import ModuleFailure, connection_argument_spec

try:
    import yaml
    HAS_YAML = True
except ImportError:  # pragma: no cover - PyYAML ships with ansible-core
    HAS_YAML = False

DEFAULT_REGION = 'eu-de'
JOB_NOT_FOUND = 'DBS.200543'
CLOUDS_YAML_DIRS = ('.', '~/.config/openstack', '/etc/openstack')


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
    spec.update(connection_argument_spec())
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
    of secure.yaml (where secrets may live). Raises ModuleFailure when not found."""
    if not HAS_YAML:  # pragma: no cover
        raise ModuleFailure('cloud=%s needs PyYAML to read clouds.yaml.' % name)
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
        raise ModuleFailure('cloud=%s: no such entry in clouds.yaml (searched %s).'
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


class OtcAuth(_http.Auth):
    """IAM token: a given ``auth_token``, or a password login whose token is
    renewed once when the API answers 401."""

    def __init__(self, settings):
        self.settings = settings
        self.token = settings.get('auth_token')
        self.project_id = settings.get('project_id')
        self.can_login = bool(settings.get('username') and settings.get('password'))

    @property
    def secrets(self):
        return (self.settings.get('password'), self.settings.get('auth_token'), self.token)

    def prepare(self, client):
        if not self.token:
            if not self.can_login:
                raise ModuleFailure('OTC needs either auth_token, or username and password '
                                    '(options, OS_* environment variables, or a clouds.yaml entry named by cloud).')
            self.login(client)
        if not self.project_id:
            raise ModuleFailure('OTC needs project_id (or a login scoped by project_name that returns it).')

    def headers(self):
        return {'X-Auth-Token': self.token} if self.token else {}

    def refresh(self, client):
        if not self.can_login:
            return False
        self.login(client)
        return True

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
            response = client.post(token_url(self.settings['auth_url']), body=body, authenticate=False)
        except _http.HttpStatusError as exc:
            raise _http.AuthError('OTC IAM login failed: %s' % exc, method=exc.method, path=exc.path,
                                  status=exc.status, api_code=exc.api_code, api_message=exc.api_message)
        self.token = response.headers.get('X-Subject-Token')
        if not self.token:
            raise _http.BadResponseError('OTC IAM login answered %s without an X-Subject-Token header.' % response.status)
        project = ((response.json() or {}).get('token') or {}).get('project') or {}
        self.project_id = self.project_id or project.get('id')


class OtcClient(object):
    def __init__(self, params, session=None, search_dirs=CLOUDS_YAML_DIRS):
        self.settings = resolve_settings(params, search_dirs)
        self.auth = OtcAuth(self.settings)
        self.http = _http.HttpClient(
            self.settings['rds_url'], auth=self.auth, timeout=self.settings.get('request_timeout', 30),
            validate_certs=self.settings.get('validate_certs', True), ca_path=self.settings.get('ca_path'),
            session=session)

    def rds_job(self, job_id, warnings=None):
        """(normalized job or None, retry_after). DBS.200543 means "not (yet) there"."""
        self.http.ensure_ready()  # the path needs the project id, which a login may return
        path = '/v3/%s/jobs' % self.auth.project_id
        try:
            response = self.http.get(path, params={'id': job_id})
        except _http.NotFoundError:
            return None, None
        except _http.HttpStatusError as exc:
            if exc.api_code == JOB_NOT_FOUND:
                return None, None
            raise
        body = response.json()
        if not isinstance(body, dict) or not body:
            return None, None
        return normalize_otc_job(body, job_id, warnings), _http.parse_retry_after(response.headers.get('Retry-After'))
