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
    spec.update(_http.connection_argument_spec('OTC'))
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


def _candidates(search_dirs, environ):
    """(clouds.yaml, its secure.yaml or None) in the order openstacksdk reads them: the file
    named by OS_CLIENT_CONFIG_FILE (AWX writes one), then ./, ~/.config/openstack, /etc/openstack."""
    if environ.get('OS_CLIENT_CONFIG_FILE'):
        yield environ['OS_CLIENT_CONFIG_FILE'], environ.get('OS_CLIENT_SECURE_FILE')
    for directory in search_dirs:
        directory = os.path.expanduser(directory)
        secure = next((os.path.join(directory, n) for n in ('secure.yaml', 'secure.yml')
                       if os.path.isfile(os.path.join(directory, n))), None)
        for filename in ('clouds.yaml', 'clouds.yml'):
            yield os.path.join(directory, filename), environ.get('OS_CLIENT_SECURE_FILE') or secure


def load_cloud(name, search_dirs=CLOUDS_YAML_DIRS, environ=None):
    """The entry ``name`` of the first clouds.yaml that has it, merged with the same entry of
    its secure.yaml (where secrets may live). Without a name, the one cloud of the first
    clouds.yaml found, as openstacksdk picks it when OS_CLOUD is unset (None when there is
    no clouds.yaml). Raises ConfigurationError when the entry cannot be found."""
    if not HAS_YAML:  # pragma: no cover
        raise ConfigurationError('cloud=%s needs PyYAML to read clouds.yaml.' % name)
    environ = os.environ if environ is None else environ
    found = []
    for path, secure in _candidates(search_dirs, environ):
        if not os.path.isfile(path):
            continue
        found.append(path)
        clouds = _read_yaml(path).get('clouds') or {}
        if name is None:
            if len(clouds) != 1:
                raise ConfigurationError('%s holds %d clouds (%s): name one with the cloud option or OS_CLOUD.'
                                         % (path, len(clouds), ', '.join(sorted(clouds)) or 'none'))
            name = next(iter(clouds))
        entry = clouds.get(name)
        if entry is None:
            continue
        if secure and os.path.isfile(secure):
            extra = (_read_yaml(secure).get('clouds') or {}).get(name)
            if extra:
                entry = _merge(entry, extra)
        return entry
    if name is None:
        return None
    raise ConfigurationError('cloud=%s: no such entry in clouds.yaml (searched %s).'
                             % (name, ', '.join(found) or ', '.join(search_dirs)))


def _from_cloud(entry):
    """The settings a clouds.yaml entry gives, by auth_type (password, token, application credential)."""
    auth = entry.get('auth') or {}
    auth_type = str(entry.get('auth_type') or 'password').lower()
    settings = dict(auth_url=auth.get('auth_url'), project_id=auth.get('project_id'), project_name=auth.get('project_name'),
                    domain_name=auth.get('user_domain_name') or auth.get('domain_name') or auth.get('project_domain_name'),
                    region=entry.get('region_name'), ca_path=entry.get('cacert'))
    if auth_type in ('token', 'v3token'):
        settings['auth_token'] = auth.get('token')
    elif auth_type in ('v3applicationcredential', 'applicationcredential'):
        settings.update(application_credential_id=auth.get('application_credential_id'),
                        application_credential_secret=auth.get('application_credential_secret'))
    elif auth_type in ('password', 'v3password'):
        settings.update(username=auth.get('username'), password=auth.get('password'), auth_token=auth.get('token'))
    else:
        raise ConfigurationError('clouds.yaml auth_type %s is not supported; use password, token or '
                                 'v3applicationcredential.' % auth_type)
    verify = entry.get('verify')
    if isinstance(verify, str) and verify.lower() not in ('true', 'false'):
        settings['ca_path'] = settings['ca_path'] or verify
    elif verify is False or str(verify).lower() == 'false':
        settings['validate_certs'] = False
    return settings


def resolve_settings(params, search_dirs=CLOUDS_YAML_DIRS, environ=None):
    """Explicit options first, then the clouds.yaml entry named by ``cloud`` (or, without one
    and without credentials in the options, the only cloud of the clouds.yaml found), then
    defaults."""
    settings = dict((k, v) for k, v in params.items() if v is not None)
    entry = None
    if params.get('cloud'):
        entry = load_cloud(params['cloud'], search_dirs, environ)
    elif not (params.get('auth_token') or params.get('username')):
        entry = load_cloud(None, search_dirs, environ)
    if entry is not None:
        for key, value in _from_cloud(entry).items():
            if value is None:
                continue
            if key == 'validate_certs':
                settings[key] = value  # a clouds.yaml that says verify: false means it
            else:
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
        super(OtcAuth, self).__init__(settings.get('auth_token'), can_login=bool(
            (settings.get('username') and settings.get('password'))
            or (settings.get('application_credential_id') and settings.get('application_credential_secret'))))
        self.settings = settings
        self.project_id = settings.get('project_id')

    def login_secrets(self):
        return (self.settings.get('password'), self.settings.get('application_credential_secret'))

    def check_ready(self):
        if not self.project_id:
            raise ConfigurationError('OTC needs project_id (or a login scoped by project_name that returns it).')

    def login_body(self):
        """The IAM token request: an application credential (scoped by itself), or a password."""
        if self.settings.get('application_credential_id'):
            credential = {'id': self.settings['application_credential_id'], 'secret': self.settings['application_credential_secret']}
            return {'auth': {'identity': {'methods': ['application_credential'], 'application_credential': credential}}}
        if self.settings.get('project_id'):
            scope = {'id': self.settings['project_id']}
        else:
            scope = {'name': self.settings.get('project_name') or self.settings['region']}
        user = {'name': self.settings['username'], 'password': self.settings['password']}
        if self.settings.get('domain_name'):
            user['domain'] = {'name': self.settings['domain_name']}
        return {'auth': {'identity': {'methods': ['password'], 'password': {'user': user}}, 'scope': {'project': scope}}}

    def login(self, client):
        body = self.login_body()
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
