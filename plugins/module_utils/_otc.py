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
    ConflictError,
    HttpStatusError,
    ModuleFailure,
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
from ansible_collections.dbops.patching.plugins.module_utils._workflow import (
    DONE,
    FOLLOW,
    SEND,
    NothingToDo,
    WriteAction,
    fail_unless_succeeded,
    follow_job,
    watch,
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
# The RDS API's answers to a db-upgrade it refuses (HTTP 400).
BUSY = 'DBS.200019'
ALREADY_NEWEST = 'DBS.201015'
# After a lost db-upgrade answer, how often the task list is read while recovery_window lasts
# (a new job is hidden for a few seconds, see DBS.200543).
RECOVERY_POLL = 3.0
RECOVERY_WINDOW_MAX = 600
TASKLIST_LIMIT = 50


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


def listed(body, key):
    """The objects of the list an RDS answer holds under ``key`` (nothing else counts)."""
    items = body.get(key) if isinstance(body, dict) else None
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


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
    result['instance'] = dict(id=text_or_none(instance.get('id') or job.get('instance_id')),
                              name=text_or_none(instance.get('name') or job.get('instance_name')))
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

    def project_path(self, *parts):
        self.http.ensure_ready()  # the path needs the project id, which a login may return
        return '/'.join(['/v3', _http.segment('project_id', self.auth.project_id)] + list(parts))

    def instance(self, instance_id=None, name=None):
        """The normalized RDS instance with this id (or this exact name); ModuleFailure
        when there is none, or when a name is shared by several."""
        wanted = ('instance_id', instance_id) if instance_id else ('instance_name', name)
        body = self.http.get(self.project_path('instances'), params={'id': instance_id} if instance_id else {'name': name}).json()
        found = [normalize_instance(i) for i in listed(body, 'instances')]
        found = [i for i in found if (i['id'] == instance_id if instance_id else i['name'] == name)]  # the name filter is fuzzy
        if not found:
            raise ModuleFailure('No RDS instance with %s=%s in project %s.' % (wanted + (self.auth.project_id,)))
        if len(found) > 1:
            raise ModuleFailure('%s=%s names %d RDS instances (%s); use instance_id.'
                                % (wanted + (len(found), ', '.join(i['id'] for i in found))))
        return found[0]

    def versions(self, engine):
        """The version names GET datastores/{engine} lists (majors, and full minor versions where the region shows them)."""
        body = self.http.get(self.project_path('datastores', _http.segment('engine', engine.lower()))).json()
        return [str(d['name']).strip() for d in listed(body, 'dataStores') if d.get('name')]

    def tasks(self, instance_id):
        """The instance's newest tasks from the task list, normalized like jobs."""
        body = self.http.get(self.project_path('tasklist'), params={'instance_id': instance_id, 'limit': TASKLIST_LIMIT}).json()
        jobs = [normalize_job(t, str(t.get('id')), self.warn) for t in listed(body, 'tasks') if t.get('id')]
        return [j for j in jobs if j['instance']['id'] in (None, instance_id)]

    def upgrade(self, instance_id, delayed):
        """POST db-upgrade once: (job id, None). ConflictError when another operation runs,
        NothingToDo when the cloud says the instance is on the newest minor version."""
        path = self.project_path('instances', _http.segment('instance_id', instance_id), 'db-upgrade')
        try:
            body = self.http.post(path, body={'is_delayed': bool(delayed)}).json()
        except HttpStatusError as exc:
            if exc.api_code == BUSY:
                raise ConflictError(str(exc), method=exc.method, path=exc.path, status=exc.status,
                                    api_code=exc.api_code, api_message=exc.api_message)
            if exc.api_code == ALREADY_NEWEST:
                raise NothingToDo('The cloud answers that %s is already on the newest minor version (%s).'
                                  % (instance_id, exc.api_message))
            raise
        job_id = text_or_none(body.get('job_id')) if isinstance(body, dict) else None
        return job_id, None

    def rds_job(self, job_id):
        """(normalized job, retry_after). NotFoundError for a job the API does not show
        (DBS.200543, also answered for a few seconds after a job was created)."""
        path = self.project_path('jobs')
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


# -- instances and their minor-version upgrade --------------------------------------------

def version_key(text):
    """'8.0.21' -> (8, 0, 21): versions compared as numbers."""
    return tuple(int(part) for part in re.findall(r'\d+', str(text or '')))


def normalize_instance(doc):
    """An RDS instance from GET instances: engine, versions, state, nodes, window."""
    doc = clean(doc)
    store = doc.get('datastore') if isinstance(doc.get('datastore'), dict) else {}
    nodes = [dict(id=text_or_none(n.get('id')), name=text_or_none(n.get('name')), role=text_or_none(n.get('role')),
                  status=text_or_none(n.get('status'))) for n in (doc.get('nodes') or []) if isinstance(n, dict)]
    version = text_or_none(store.get('complete_version')) or text_or_none(store.get('version'))
    return dict(id=text_or_none(doc.get('id')), name=text_or_none(doc.get('name')), status=text_or_none(doc.get('status')),
                type=text_or_none(doc.get('type')), engine=text_or_none(store.get('type')),
                engine_version=text_or_none(store.get('version')), version=version, nodes=nodes,
                maintenance_window=text_or_none(doc.get('maintenance_window')), raw=doc)


def newest_version(versions, instance):
    """The newest full minor version of the instance's major version among ``versions``,
    or None when the list shows no minor version of it."""
    major = instance['engine_version'] or ''
    minors = [v for v in versions if v.startswith(major + '.') and len(version_key(v)) > len(version_key(major))]
    return max(minors, key=version_key) if major and minors else None


def abnormal_parts(instance):
    """What is not ACTIVE on the instance: the instance itself or its nodes."""
    parts = [] if (instance['status'] or '').upper() == 'ACTIVE' else ['the instance is %s' % instance['status']]
    parts.extend('node %s (%s) is %s' % (n['name'] or n['id'], n['role'], n['status'])
                 for n in instance['nodes'] if (n['status'] or '').upper() != 'ACTIVE')
    return parts


def is_upgrade(job):
    return 'minorversion' in (job.get('operation') or '').replace(' ', '').lower()


# AnsibleModule constraints of the modules that act on one RDS instance.
ONE_INSTANCE = dict(mutually_exclusive=[('instance_id', 'instance_name')], required_one_of=[('instance_id', 'instance_name')])


def instance_argument_spec():
    """The options naming the RDS instance (doc fragment dbops.patching.otc.instance)."""
    return dict(instance_id=dict(type='str'), instance_name=dict(type='str'))


def instance_ref(params):
    """(instance_id, instance_name) of the options, stripped; ConfigurationError when blank."""
    for name in ('instance_id', 'instance_name'):
        if params.get(name) is not None and not str(params[name]).strip():
            raise ConfigurationError('%s must not be empty.' % name)
    return (str(params['instance_id']).strip() if params.get('instance_id') else None,
            str(params['instance_name']).strip() if params.get('instance_name') else None)


def add_versions(client, instance):
    """The instance with ``newest_version`` and ``upgrade_available`` (None when unknown)."""
    newest = newest_version(client.versions(instance['engine']), instance) if instance['engine'] else None
    available = None if newest is None or not instance['version'] else version_key(newest) > version_key(instance['version'])
    return dict(instance, newest_version=newest, upgrade_available=available)


class RdsUpgrade(WriteAction):
    """rds_upgrade: start the minor-version upgrade unless the instance is on the newest
    minor version or an upgrade already runs (then it is followed); a lost answer is
    recovered from the instance's task list."""

    what = 'upgrade job'

    def __init__(self, run, client):
        super(RdsUpgrade, self).__init__(run)
        self.client = client
        self.instance = None
        self.before = set()
        window = run.params['recovery_window']
        if not 0 <= window <= RECOVERY_WINDOW_MAX:  # also refuses nan
            raise ConfigurationError('recovery_window must be between 0 and %d seconds, got %s.' % (RECOVERY_WINDOW_MAX, window))

    def decide(self):
        params, result = self.run.params, self.run.result
        self.instance = add_versions(self.client, self.client.instance(*instance_ref(params)))
        self.subject = 'the minor-version upgrade of %s' % self.instance['name']
        result.update(instance=self.instance, version_before=self.instance['version'], version_after=self.instance['version'])
        tasks = self.client.tasks(self.instance['id'])
        self.before = set(t['id'] for t in tasks)
        running = [t for t in tasks if t['state'] in ('pending', 'running')]
        upgrade = next((t for t in running if is_upgrade(t)), None)
        if upgrade is not None:
            result['version_after'] = self.instance['newest_version'] or self.instance['version']
            return FOLLOW, upgrade['id']
        if self.instance['upgrade_available'] is False:
            result['msg'] = '%s is on the newest minor version %s.' % (self.instance['name'], self.instance['version'])
            return DONE, None
        if running:
            raise ModuleFailure('Cannot upgrade %s: another operation runs on it: %s (job %s). Wait for it to end, then '
                                'run again.' % (self.instance['name'], running[0]['operation'], running[0]['id']))
        abnormal = abnormal_parts(self.instance)
        if abnormal:
            raise ModuleFailure('Cannot upgrade %s: %s. RDS upgrades no instance with abnormal nodes.'
                                % (self.instance['name'], '; '.join(abnormal)))
        if params['delayed'] and (self.instance['engine'] or '').lower() == 'postgresql':
            raise ConfigurationError('delayed=true: RDS for PostgreSQL upgrades minor versions immediately only.')
        result['version_after'] = self.instance['newest_version']
        return SEND, None

    def diff(self):
        return dict(before=dict(version=self.instance['version']),
                    after=dict(version=self.instance['newest_version'] or 'the newest minor version'))

    def send(self):
        return self.client.upgrade(self.instance['id'], self.run.params['delayed'])

    def recover(self):
        """The upgrade job that appeared in the task list since decide(), watched for
        recovery_window seconds (a new job is hidden at first)."""
        def look():
            new = [t for t in self.client.tasks(self.instance['id']) if t['id'] not in self.before and is_upgrade(t)]
            return new[0]['id'] if new else None
        return watch(look, self.run.params['recovery_window'], RECOVERY_POLL)

    def follow(self, ref, first_delay=None):
        run = self.run
        run.result['job_id'] = ref
        delayed = bool(run.params['delayed']) and ref is not None
        job = follow_job(run, self.client.rds_job, ref, self.what, first_delay=first_delay, bound=[self.client.http],
                         wait=False if delayed else None)
        if job is not None and job['state'] in ('succeeded', 'failed', 'canceled'):
            after = add_versions(self.client, self.client.instance(self.instance['id']))
            run.result.update(version_after=after['version'], instance=after)
        fail_unless_succeeded(job, 'The minor-version upgrade of %s ended %s (job %s): %s'
                              % (self.instance['name'], job and job['state'], ref, job and job['message']))
