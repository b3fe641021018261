# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to the dbops.patching collection. It is not a
# public API: it may change or go away in any release without notice.

"""Open Telekom Cloud: IAM token login (or a given token), clouds.yaml, the RDS v3
task-center jobs and instant/scheduled tasks, and minor-version upgrades.

What OTC's own RDS API reference says (https://docs.otc.t-systems.com/relational-database-service/
api-ref/), and this module relies on:

* ``GET /v3/{project}/jobs?id=`` reports only some kinds of task: "creating single or
  primary/standby DB instances, creating read replicas, changing single DB instances to
  primary/standby instances, switching primary/standby DB instances, scaling up storage space,
  and binding or unbinding EIPs" (Obtaining Information About a Task with a Specified ID). For
  any other job, a minor-version upgrade among them, it answers ``DBS.200543`` (job does not
  exist). ``GET /v3/{project}/tasklist`` (Querying Instant Tasks) lists every instant task,
  upgrades included, and filters by ``id``: jobs are read there when ``/jobs`` does not know them.
* ``GET /v3/{project}/datastores/{engine}`` returns "only the major version number (two
  digits)" (Querying Version Information About a DB Engine): OTC does not say which minor
  version is the newest. An instant task list whose newest version change is a completed
  minor-version upgrade does: RDS upgrades "to the latest version" (User Guide, Upgrading a
  Minor Version).
* A delayed upgrade is a scheduled task (``GET /v3/{project}/schedule-tasks``) until the
  maintenance window.
* Refusals carry the codes of the reference's Error Codes table (see the frozensets below)."""

import os
import re
import time

from ansible.module_utils.basic import env_fallback

from ansible_collections.dbops.patching.plugins.module_utils import _http
from ansible_collections.dbops.patching.plugins.module_utils._errors import (
    ApiError,
    AuthError,
    BadResponseError,
    ConfigurationError,
    ConflictError,
    HttpStatusError,
    ModuleFailure,
    NotFoundError,
)
from ansible_collections.dbops.patching.plugins.module_utils._providers import Inventory, Provider, SafePatch
from ansible_collections.dbops.patching.plugins.module_utils._jobs import (
    TERMINAL_STATES,
    clean,
    make_job,
    map_status,
    parse_percent,
    parse_time,
    status_table,
    text_or_none,
)
from ansible_collections.dbops.patching.plugins.module_utils._wait import FunctionSource, JobSource, RunningJobs
from ansible_collections.dbops.patching.plugins.module_utils._workflow import (
    DONE,
    FOLLOW,
    SEND,
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


def _squeezed_id(job_id):
    """A job id as RDS matches it: without the spaces some answers carry."""
    return _SPACES_RE.sub('', str(job_id))


CLOUDS_YAML_DIRS = ('.', '~/.config/openstack', '/etc/openstack')
# /jobs and the instant tasks say Running, Completed, Failed; scheduled tasks also Initing, Pending,
# Unauthorized (waiting for the window or an authorization), Canceled and Deleted.
JOB_STATUS = status_table(pending='PENDING INITING UNAUTHORIZED', running='RUNNING', succeeded='COMPLETED',
                          failed='FAILED', canceled='CANCELED CANCELLED DELETED')
# The Error Codes table of OTC's RDS API reference (api-ref/source/appendix/error_codes.rst), by meaning.
# 409 "Another operation is being performed on the DB instance or the DB instance is faulty." DBS.201015 is
# not in OTC's table: Huawei's documents give it the same meaning (403 "This operation cannot be performed
# because another operation is being performed."), and OTC's own terraform provider waits and retries on it.
BUSY_CODES = frozenset(('DBS.200011', 'DBS.200019', 'DBS.200047', 'DBS.201202', 'DBS.212006', 'DBS.201015'))
# 400 "This operation is not allowed by the DB instance status." (also for abnormal nodes)
STATUS_CODES = frozenset(('DBS.201014', 'DBS.200086'))
# 404 "The DB instance does not exist."
NO_INSTANCE_CODES = frozenset(('DBS.200002', 'DBS.200045', 'DBS.200408', 'DBS.200602', 'DBS.201028'))
# 400 "The DB engine or version is not supported."
ENGINE_CODES = frozenset(('DBS.200040', 'DBS.201207', 'DBS.280238'))
# After a lost db-upgrade answer, how often the task list is read while recovery_window lasts
# (a new job is hidden for a few seconds, see DBS.200543).
RECOVERY_POLL = 3.0
RECOVERY_WINDOW_MAX = 600
TASKLIST_LIMIT = 50
# A wait reads at most this many pages of the task list at a time (1,000 tasks); what it has not found
# by then is read on its own.
TASKLIST_MAX_PAGES = 20
INSTANCES_PAGE = 100  # "Querying DB Instances": limit 1-100, default 100
DELAYABLE_ENGINES = ('mysql',)  # "For RDS for PostgreSQL, minor versions can be upgraded immediately ... only"


# openstack.cloud's connection options, as its doc fragment names them (plugins/doc_fragments/openstack.py of
# github.com/openstack/ansible-collections-openstack: cloud, auth, auth_type, region_name, interface, ca_cert with the
# alias cacert) and its module_utils/openstack.py hands them to openstacksdk.connect(). openstacksdk merges the auth
# dict key by key over the clouds.yaml entry, the auth_type given over the entry's (openstack/config/loader.py,
# get_one), and builds a cloud of the OS_* variables only when no cloud is named (_get_os_environ). So here too:
# explicit options, then the auth dict, then the clouds.yaml entry, then the environment.
AUTH_TYPES = {'password': 'password', 'v3password': 'password', 'token': 'token', 'v3token': 'token',
              'v3applicationcredential': 'application_credential'}
KIND_NAMES = {'password': 'password', 'token': 'token', 'application_credential': 'v3applicationcredential'}
INTERFACES = ('public', 'internal', 'admin')
# The keys of the auth dict the OTC modules use: the v3 password, token and application credential plugins' own
# (keystoneauth1's names). Which of them each auth_type takes:
SCOPE_KEYS = ('auth_url', 'project_id', 'project_name', 'project_domain_name', 'project_domain_id', 'user_domain_name',
              'user_domain_id', 'domain_name', 'domain_id')
CREDENTIAL_KEYS = {'password': ('username', 'password'), 'token': ('token',),
                   'application_credential': ('application_credential_id', 'application_credential_secret')}
AUTH_KEYS = SCOPE_KEYS + sum(CREDENTIAL_KEYS.values(), ())


def auth_options():
    """The suboptions of ``auth`` (doc fragment dbops.patching.otc): the secrets are no_log."""
    return dict((key, dict(type='str', no_log=key in ('password', 'token', 'application_credential_secret')))
                for key in AUTH_KEYS)


def otc_argument_spec():
    """The connection options of the ``otc`` action group."""
    spec = dict(
        cloud=dict(type='str', fallback=(env_fallback, ['OS_CLOUD'])),
        auth_url=dict(type='str', fallback=(env_fallback, ['OS_AUTH_URL'])),
        region=dict(type='str', aliases=['region_name'], fallback=(env_fallback, ['OS_REGION_NAME'])),
        project_id=dict(type='str', fallback=(env_fallback, ['OS_PROJECT_ID'])),
        project_name=dict(type='str', fallback=(env_fallback, ['OS_PROJECT_NAME'])),
        domain_name=dict(type='str', fallback=(env_fallback, ['OS_USER_DOMAIN_NAME'])),
        username=dict(type='str', fallback=(env_fallback, ['OS_USERNAME'])),
        password=dict(type='str', no_log=True, fallback=(env_fallback, ['OS_PASSWORD'])),
        auth_token=dict(type='str', no_log=True, fallback=(env_fallback, ['OS_AUTH_TOKEN'])),
        rds_url=dict(type='str', fallback=(env_fallback, ['OTC_RDS_URL'])),
        # openstack.cloud's names (see AUTH_TYPES above)
        auth=dict(type='dict', options=auth_options()),
        auth_type=dict(type='str', choices=sorted(AUTH_TYPES)),
        interface=dict(type='str', choices=list(INTERFACES), aliases=['endpoint_type']),
        ca_cert=dict(type='path', aliases=['cacert']),
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


def _auth_kind(auth_type, where):
    kind = AUTH_TYPES.get(str(auth_type).lower())
    if kind is None:
        raise ConfigurationError('%s auth_type %s is not supported; use password, token or v3applicationcredential.'
                                 % (where, auth_type))
    return kind


def _from_auth(auth, kind, where, strict):
    """[(setting, value, key)] of an openstack.cloud ``auth`` dict (or a clouds.yaml entry's) for the auth
    type ``kind``. ``domain_name``/``domain_id`` name the user's domain when ``user_domain_*`` does not (as
    openstacksdk's _handle_domain_id has it); the project's domain is sent only when named. Strict (the auth
    option): keys OTC does not use, and credentials of another auth type, are refused; a clouds.yaml entry's
    are passed over, as they always were."""
    auth = dict((k, v) for k, v in (auth or {}).items() if v is not None and v != '')
    if strict:
        unknown = sorted(k for k in auth if k not in AUTH_KEYS)
        if unknown:
            raise ConfigurationError('%s.%s: not a key the OTC modules use; they take %s.'
                                     % (where, unknown[0], ', '.join(AUTH_KEYS)))
        wrong = [k for other, keys in sorted(CREDENTIAL_KEYS.items()) if other != kind for k in keys if k in auth]
        if wrong:
            raise ConfigurationError('%s.%s is given with auth_type %s, which takes %s: set auth_type to the type of '
                                     'the credentials, or leave %s.%s out.'
                                     % (where, wrong[0], KIND_NAMES[kind], ' and '.join('%s.%s' % (where, k) for k in CREDENTIAL_KEYS[kind]),
                                        where, wrong[0]))
    found = []

    def take(setting, *keys):
        key = next((k for k in keys if auth.get(k)), None)
        if key is not None:
            found.append((setting, auth[key], key))

    for key in ('auth_url', 'project_id', 'project_name', 'project_domain_name', 'project_domain_id'):
        take(key, key)
    take('domain_name', 'user_domain_name', 'domain_name', *(() if strict else ('project_domain_name',)))
    take('domain_id', 'user_domain_id', 'domain_id')
    if kind == 'token':
        take('auth_token', 'token')
    elif kind == 'application_credential':
        take('application_credential_id', 'application_credential_id')
        take('application_credential_secret', 'application_credential_secret')
    else:
        take('username', 'username')
        take('password', 'password')
        if not strict:
            take('auth_token', 'token')
    return found


def _from_cloud(entry, auth_type=None):
    """The settings a clouds.yaml entry gives, by auth_type (the option's, else the entry's: password, token,
    application credential)."""
    kind = _auth_kind(auth_type or entry.get('auth_type') or 'password', 'clouds.yaml')
    settings = dict((setting, value) for setting, value, dummy in _from_auth(entry.get('auth'), kind, 'clouds.yaml', False))
    settings.update(region=entry.get('region_name'), ca_path=entry.get('cacert'),
                    interface=entry.get('interface') or entry.get('endpoint_type'))
    verify = entry.get('verify')
    if isinstance(verify, str) and verify.lower() not in ('true', 'false'):
        settings['ca_path'] = settings['ca_path'] or verify
    elif verify is False or str(verify).lower() == 'false':
        settings['validate_certs'] = False
    return settings


def _set(value):
    return value is not None and value != ''


def _from_environment(params, environ):
    """The options whose value is their environment variable's (AnsibleModule's fallback, or the inventory's env)."""
    spec = otc_argument_spec()
    found = set()
    for name, value in params.items():
        fallback = (spec.get(name) or {}).get('fallback')
        if not fallback or not _set(value) or not isinstance(value, str):
            continue
        env = environ.get(fallback[1][0])
        if _set(env) and (env == value or (spec[name].get('type') == 'path'
                                           and os.path.expanduser(os.path.expandvars(env)) == value)):
            found.add(name)
    return found


def resolve_settings(params, search_dirs=CLOUDS_YAML_DIRS, environ=None):
    """The connection settings, each from the first place that has it: the options given to the task, the
    ``auth`` dict (openstack.cloud's), the clouds.yaml entry named by ``cloud`` (or, without one and without
    credentials anywhere, the only cloud of the clouds.yaml found), the ``OS_*`` environment variables (an
    option whose value is its variable's counts as coming from there), then defaults. An option and the auth
    dict that disagree are refused, as are credentials the auth_type does not take."""
    environ = os.environ if environ is None else environ
    given = dict((k, v) for k, v in params.items() if _set(v) and k not in ('auth', 'auth_type', 'ca_cert'))
    from_env = _from_environment(given, environ)
    explicit = dict((k, v) for k, v in given.items() if k not in from_env)
    auth_type = params.get('auth_type')
    auth = params.get('auth')
    if _set(auth) and not isinstance(auth, dict):
        raise ConfigurationError('auth must be a dictionary (auth_url, username, password, project_name, ...), as '
                                 'openstack.cloud takes it.')
    kind = _auth_kind(auth_type, 'The') if _set(auth_type) else 'password'
    from_auth = {}
    for setting, value, key in _from_auth(auth, kind, 'auth', True):
        if setting in explicit and explicit[setting] != value:
            raise ConfigurationError('%s=%s and auth.%s=%s disagree: set one of them.' % (
                setting, _shown(setting, explicit[setting]), key, _shown(setting, value)))
        from_auth[setting] = value
    if _set(params.get('ca_cert')):
        if 'ca_path' in explicit and explicit['ca_path'] != params['ca_cert']:
            raise ConfigurationError('ca_path=%s and ca_cert=%s disagree: set one of them.' % (explicit['ca_path'], params['ca_cert']))
        explicit['ca_path'] = params['ca_cert']
    entry = None
    if params.get('cloud'):
        entry = load_cloud(params['cloud'], search_dirs, environ)
    elif not any(name in given or name in from_auth for name in ('auth_token', 'username', 'application_credential_id')):
        entry = load_cloud(None, search_dirs, environ)
    cloud = _from_cloud(entry, auth_type if _set(auth_type) else None) if entry is not None else {}
    settings = {}
    for layer in (dict((k, given[k]) for k in from_env), cloud, from_auth, explicit):
        settings.update((k, v) for k, v in layer.items() if _set(v))
    if cloud.get('validate_certs') is False:
        settings['validate_certs'] = False  # a clouds.yaml that says verify: false means it
    _check_auth_type(settings, kind, _set(auth_type))
    settings.setdefault('region', DEFAULT_REGION)
    region = settings['region']
    settings.setdefault('auth_url', 'https://iam.%s.otc.t-systems.com/v3' % region)
    settings.setdefault('rds_url', 'https://rds.%s.otc.t-systems.com' % region)
    return settings


def _shown(setting, value):
    return '(hidden)' if setting in ('password', 'auth_token', 'application_credential_secret') else value


def _check_auth_type(settings, kind, given):
    """A token or an application credential wherever the auth_type given asks for one."""
    if not given:
        return
    if kind == 'token' and not settings.get('auth_token'):
        raise ConfigurationError('auth_type token needs a token: auth.token, the auth_token option or OS_AUTH_TOKEN.')
    if kind == 'application_credential' and not (settings.get('application_credential_id')
                                                 and settings.get('application_credential_secret')):
        raise ConfigurationError('auth_type v3applicationcredential needs auth.application_credential_id and '
                                 'auth.application_credential_secret.')


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
    all, or an instant or scheduled task of the task lists (``create_time``, ``end_time``: the
    planned end, ``instance_id``/``instance_name``). Adds instance, entities and fail_reason to
    the normalized keys."""
    cleaned = clean(payload if isinstance(payload, dict) else {})
    job = cleaned.get('job') if isinstance(cleaned.get('job'), dict) else cleaned
    status = job.get('status')
    state, with_warnings = map_status(status, JOB_STATUS, 'OTC RDS job', job_id, warn)
    progress = parse_percent(job.get('process'))
    name = job.get('name')
    fail_reason = text_or_none(job.get('fail_reason'))
    summary_line = ' '.join(str(p) for p in (name, status, '(%d%%)' % progress if progress is not None else None) if p)
    ended = job.get('ended') or (job.get('end_time') if state in TERMINAL_STATES else None)
    result = make_job(job.get('id') or job_id, status, state, with_warnings=with_warnings, progress=progress,
                      operation=name, started_at=job.get('created') or job.get('create_time'), ended_at=ended,
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
    missing_credentials = ('OTC needs either auth_token, or username and password (options, the auth dictionary, '
                           'OS_* environment variables, or a clouds.yaml entry named by cloud).')

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
        # As keystoneauth1's v3 password plugin builds it: a project by id, or by name in its domain when one
        # is named (OTC's own examples name none); the user's domain by id, else by name.
        if self.settings.get('project_id'):
            scope = {'id': self.settings['project_id']}
        else:
            scope = {'name': self.settings.get('project_name') or self.settings['region']}
            domain = _domain(self.settings.get('project_domain_id'), self.settings.get('project_domain_name'))
            if domain:
                scope['domain'] = domain
        user = {'name': self.settings['username'], 'password': self.settings['password']}
        domain = _domain(self.settings.get('domain_id'), self.settings.get('domain_name'))
        if domain:
            user['domain'] = domain
        return {'auth': {'identity': {'methods': ['password'], 'password': {'user': user}}, 'scope': {'project': scope}}}

    def login(self, client, deadline=None):
        body = self.login_body()
        try:
            response = client.post(token_url(self.settings['auth_url']), body=body, authenticate=False, safe=True, deadline=deadline)
        except HttpStatusError as exc:
            how = ''
            if 'application_credential' in body['auth']['identity']:
                # OTC's IAM API reference documents the password method; Keystone's application_credential
                # method is sent as openstacksdk would, and a refusal says what it may mean.
                how = (' with application credential %s (check its id and secret; OTC\'s IAM API reference documents '
                       'password login only: where IAM does not take application credentials, use auth_type password)'
                       % self.settings['application_credential_id'])
            raise AuthError('OTC IAM login failed%s: %s' % (how, exc), method=exc.method, path=exc.path,
                            status=exc.status, api_code=exc.api_code, api_message=exc.api_message)
        token = response.headers.get('X-Subject-Token')
        if not token:
            raise BadResponseError('OTC IAM login answered %s without an X-Subject-Token header.' % response.status)
        project = ((response.json() or {}).get('token') or {}).get('project') or {}
        self.project_id = self.project_id or project.get('id')
        return token


def _domain(domain_id, name):
    return {'id': domain_id} if domain_id else ({'name': name} if name else None)


class OtcClient(object):
    def __init__(self, params, warn=None, session=None, search_dirs=CLOUDS_YAML_DIRS):
        self.settings = resolve_settings(params, search_dirs)
        self.warn = warn
        _http.check_url('auth_url', self.settings['auth_url'])
        interface = self.settings.get('interface')
        if interface not in (None, 'public') and warn:
            # openstacksdk picks the endpoint of this interface from the token's catalog; OTC lists public ones only,
            # and the modules take theirs from the region (or auth_url and rds_url), not from the catalog.
            warn('interface=%s changes nothing here: OTC publishes public endpoints only, and the modules use %s and '
                 '%s (set auth_url and rds_url for others).' % (interface, self.settings['auth_url'], self.settings['rds_url']))
        self.auth = OtcAuth(self.settings)
        self.http = _http.client_for(self.settings, _http.check_url('rds_url', self.settings['rds_url']), self.auth,
                                     warn=warn, session=session)
        self.listed_jobs = set()  # jobs /jobs does not report, read from the instant-task list
        self.tasklist_usable = True

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

    def all_instances(self):
        """Every RDS instance of the project, normalized, page after page (``GET instances``: offset, limit
        1-100, ``total_count``)."""
        found, offset = [], 0
        while True:
            body = self.http.get(self.project_path('instances'), params={'offset': offset, 'limit': INSTANCES_PAGE}).json()
            page = [normalize_instance(i) for i in listed(body, 'instances')]
            found.extend(page)
            offset += len(page)
            total = body.get('total_count') if isinstance(body, dict) else None
            if len(page) < INSTANCES_PAGE or not isinstance(total, int) or offset >= total:
                return found

    def versions(self, engine):
        """The version names GET datastores/{engine} lists (majors, and full minor versions where the region shows them)."""
        body = self.http.get(self.project_path('datastores', _http.segment('engine', engine.lower()))).json()
        return [str(d['name']).strip() for d in listed(body, 'dataStores') if d.get('name')]

    def tasks(self, instance_id):
        """The instance's newest instant tasks (GET tasklist), normalized like jobs."""
        body = self.http.get(self.project_path('tasklist'), params={'instance_id': instance_id, 'limit': TASKLIST_LIMIT}).json()
        jobs = [normalize_job(t, str(t.get('id')), self.warn) for t in listed(body, 'tasks') if t.get('id')]
        return [j for j in jobs if j['instance']['id'] in (None, instance_id)]

    def task_page(self, offset=0, status=None, deadline=None):
        """One page of the project's instant tasks, newest first (GET tasklist: ``offset``, ``limit`` up
        to 50, ``status`` Running, Completed or Failed): (normalized tasks, total_count or None)."""
        query = {'offset': offset, 'limit': TASKLIST_LIMIT}
        if status:
            query['status'] = status
        body = self.http.get(self.project_path('tasklist'), params=query, deadline=deadline).json()
        tasks = [normalize_job(t, str(t.get('id')), self.warn) for t in listed(body, 'tasks') if t.get('id')]
        total = body.get('total_count') if isinstance(body, dict) else None
        return tasks, total if isinstance(total, int) and not isinstance(total, bool) else None

    def scheduled_tasks(self, instance_id, deadline=None):
        """The instance's newest scheduled tasks (GET schedule-tasks: a delayed upgrade until its window)."""
        body = self.http.get(self.project_path('schedule-tasks'),
                             params={'instance_id': instance_id, 'limit': TASKLIST_LIMIT}, deadline=deadline).json()
        jobs = [normalize_job(t, str(t.get('id')), self.warn) for t in listed(body, 'schedule_tasks') if t.get('id')]
        return [j for j in jobs if j['instance']['id'] in (None, instance_id)]

    def task(self, job_id, deadline=None):
        """(normalized job, None) of the instant task with this id. NotFoundError when the list
        does not show it (yet: a new task is hidden for a few seconds)."""
        job = self._find_task(job_id, deadline)
        if job is None:
            raise NotFoundError('GET %s?id=%s: the instant-task list does not show job %s.'
                                % (self.project_path('tasklist'), job_id, job_id), api_code=JOB_NOT_FOUND)
        return job, None

    def _find_task(self, job_id, deadline=None):
        """The normalized instant task with this id (GET tasklist?id=), or None."""
        body = self.http.get(self.project_path('tasklist'), params={'id': job_id}, deadline=deadline).json()
        found = [t for t in listed(body, 'tasks') if _squeezed_id(t.get('id')) == _squeezed_id(job_id)]
        if not found:
            return None
        job = normalize_job(found[0], job_id, self.warn)
        job['id'] = str(job_id)
        return job

    def upgrade(self, instance_id, delayed):
        """POST db-upgrade once: (job id, None). ConflictError when RDS answers that another
        operation runs or the instance's status does not allow it; ModuleFailure for an
        instance that no longer exists or an engine without minor-version upgrades."""
        path = self.project_path('instances', _http.segment('instance_id', instance_id), 'db-upgrade')
        try:
            body = self.http.post(path, body={'is_delayed': bool(delayed)}).json()
        except HttpStatusError as exc:
            raise refusal(exc, instance_id)
        job_id = text_or_none(body.get('job_id')) if isinstance(body, dict) else None
        return job_id, None

    def rds_job(self, job_id, deadline=None, ask_the_list=True):
        """(normalized job, retry_after) from GET /jobs, or from the instant-task list for the jobs
        /jobs does not report (a minor-version upgrade among them). NotFoundError for a job neither
        shows (DBS.200543 is also answered for a few seconds after a job was created), or, without
        ``ask_the_list``, for a job /jobs does not show (a fleet's wait looks for it in the list's pages)."""
        if job_id in self.listed_jobs:
            return self.task(job_id, deadline)
        path = self.project_path('jobs')
        try:
            response = self.http.get(path, params={'id': job_id}, deadline=deadline)
        except HttpStatusError as exc:
            if exc.api_code != JOB_NOT_FOUND:
                raise
            if not ask_the_list:
                raise _as_not_found(exc)
            return self._listed_task(job_id, exc, deadline)
        body = response.json()
        if not isinstance(body, dict) or not body:
            raise NotFoundError('GET %s?id=%s: the answer holds no job (%r).' % (path, job_id, body))
        job = normalize_job(body, job_id, self.warn)
        if _squeezed_id(job['id']) != _squeezed_id(job_id):
            raise BadResponseError('GET %s?id=%s answered job %s.' % (path, job_id, job['id']))
        job['id'] = str(job_id)  # the seed page shows ids with stray spaces: "31 b8ae23 - c687 ..."
        return job, response.retry_after()

    def _listed_task(self, job_id, not_found, deadline=None):
        """The job from the instant-task list once /jobs answered DBS.200543 (``not_found``), read there
        from then on. An endpoint that lacks the list (an error that will not pass) leaves the job to
        /jobs for the rest of the run; a passing error is raised, so a wait reads again later."""
        as_not_found = _as_not_found(not_found)
        if not self.tasklist_usable:
            raise as_not_found
        try:
            job = self._find_task(job_id, deadline)
        except ApiError as exc:
            if exc.transient:
                raise
            self.tasklist_usable = False
            raise as_not_found
        if job is None:
            raise as_not_found
        self.listed_jobs.add(job_id)
        return job, None


def _as_not_found(exc):
    """The NotFoundError of a DBS.200543 answer (``exc``, an HttpStatusError)."""
    return NotFoundError(str(exc), method=exc.method, path=exc.path, status=exc.status, api_code=exc.api_code,
                         api_message=exc.api_message)


# Seconds a new instant task may take to show in the task list; a running job younger than that which the
# list does not show is looked for in it again instead of being read on its own for the rest of the wait.
LIST_DELAY = 60.0


class TaskListJobs(JobSource):
    """The jobs of one task (``rds_job_info`` with many ids), as a wait reads them together: each round
    reads the pages of the project's running instant tasks (``GET tasklist?status=Running``, 50 a page,
    newest first: whole tasks, with their progress), and the jobs that left it are read together at the
    end from the pages of the newest tasks; a job on its own as ``OtcClient.rds_job`` reads it.

    Which jobs the task list shows, by OTC's own pages: the API reference's "Querying Instant Tasks"
    (https://docs.otc.t-systems.com/relational-database-service/api-ref/api_v3_recommended/
    obtaining_task_information/querying_instant_tasks.html) lists the project's instant tasks, filtered
    by ``id``, ``instance_id``, ``name``, ``status`` (Running, Completed, Failed), paged by ``offset`` and
    ``limit`` (1-50, default 10), with ``total_count``; the user guide's "Viewing a Task"
    (https://docs.otc.t-systems.com/relational-database-service/umn/working_with_rds_for_mysql/task_center/
    viewing_a_task.html) names the instant tasks: creating DB instances and read replicas, scaling up
    storage, single to primary/standby, switchovers, reboots, binding and unbinding EIPs, restoring to a
    new or an existing instance, migrating a standby, and minor-version upgrades of MySQL, over the past
    30 days. It does not show a scheduled task (a delayed upgrade before its maintenance window, a class
    change: ``GET schedule-tasks``), any kind of job it does not name, nor a new job for its first
    seconds. A followed job the running pages do not show while its own read finds it running (and it
    is not new) is ``unlisted``: the wait reads it on its own, on its own schedule, until the list
    shows it.

    While following (``following``), a job's first read on its own asks /jobs alone: a job it does not
    show (DBS.200543: a minor-version upgrade, which /jobs never reports, or any job in its first
    seconds) is ``unshown``, and looked for in the next rounds' pages, of the running tasks and then of
    the newest ones (a job that already ended), instead of by id: a fleet of new upgrades costs one
    read each before the list shows them, not one per round. One the pages still do not show is
    reported not shown yet (``RunningJobs.unseen``); after the wait's grace it is read on its own
    again, /jobs and the list by id, which tells whether it exists."""

    reads_running = True
    reads_ended = True

    def __init__(self, client, following=True):
        self.client = client
        self.following = following
        self.unlisted = set()
        self.unshown = {}  # key -> why: jobs /jobs did not show at their first read, looked for in the pages
        self.asked = set()  # the keys read on their own at least once
        self.running_now = frozenset()  # the ids (squeezed) the last read of the running tasks showed

    def read(self, key, deadline=None):
        first = self.following and key not in self.asked and self.client.tasklist_usable
        self.asked.add(key)
        try:
            job, retry_after = self.client.rds_job(key, deadline, ask_the_list=not first)
        except NotFoundError as exc:
            if first:
                self.unshown[key] = str(exc)
            else:
                self.unshown.pop(key, None)
                self.unlisted.add(key)
            raise
        self.unshown.pop(key, None)
        if job['terminal'] or self.new_task(job):
            self.unlisted.discard(key)  # a new task is hidden from the list for its first seconds: look for it there again
        elif _squeezed_id(key) not in self.running_now:
            self.unlisted.add(key)
        return job, retry_after

    @staticmethod
    def new_task(job):
        """Whether a running job started so recently that the list may not show it yet (a new task is
        missing from it for its first seconds): it is looked for in the next rounds' pages again."""
        started = parse_time(job.get('started_at'))
        return started is not None and time.time() - started < LIST_DELAY

    def read_running(self, keys, deadline=None):
        wanted = set(_squeezed_id(key) for key in keys if key not in self.unlisted)
        if not wanted:  # the list shows none of them: each is read on its own
            return RunningJobs(unlisted=keys)
        found = self._pages('Running', wanted, deadline)
        self.running_now = frozenset(found)
        unshown = set(_squeezed_id(key) for key in keys if key in self.unshown) - set(found)
        if unshown:  # ended already, or not shown yet: the newest tasks, no more pages than reads by id would cost
            for task_id, job in self._pages(None, unshown, deadline, max_pages=len(unshown)).items():
                found.setdefault(task_id, job)
        jobs = self._take(keys, found)
        return RunningJobs(jobs, unlisted=[key for key in keys if key in self.unlisted],
                           unseen=dict((key, self.unshown[key]) for key in keys if key in self.unshown and key not in jobs))

    def read_ended(self, last_jobs, deadline=None):
        """How the jobs of ``last_jobs`` ended, from the pages of the newest tasks, read until every one
        was found, or up to the tasks that started before the earliest of them (when all starts are known)."""
        if not last_jobs:
            return {}
        starts = [parse_time(job.get('started_at')) if job else None for job in last_jobs.values()]
        since = min(starts) - 1 if None not in starts else None
        found = self._pages(None, set(_squeezed_id(key) for key in last_jobs), deadline, since)
        return self._take(last_jobs, found)

    def estimate(self, key, job, deadline=None):
        return planned_duration(key, job)

    def _take(self, keys, found):
        """{key: job} of the ``keys`` the pages showed (``found``: squeezed id -> job), under the caller's
        ids; from then on they are read on their own where the task list shows them (one request)."""
        jobs = {}
        for key in keys:
            job = found.get(_squeezed_id(key))
            if job is not None:
                self.unlisted.discard(key)
                self.unshown.pop(key, None)
                self.client.listed_jobs.add(key)
                jobs[key] = dict(job, id=str(key))
        return jobs

    def _pages(self, status, wanted, deadline, since=None, max_pages=TASKLIST_MAX_PAGES):
        """{squeezed id: task} of the task list's pages (of the tasks of ``status``, or all), newest
        first, until every id of ``wanted`` was seen, a short page, total_count, a page that reaches
        back before ``since`` (epoch seconds), or ``max_pages`` (at most TASKLIST_MAX_PAGES). Tasks
        that leave the list between two pages move the later ones up by as many places (total_count
        drops): the next page starts that many places back."""
        found, offset, before = {}, 0, None
        for dummy in range(min(max_pages, TASKLIST_MAX_PAGES)):
            tasks, total = self.client.task_page(offset, status, deadline)
            for job in tasks:
                found.setdefault(_squeezed_id(job['id']), job)
            if wanted <= set(found):
                break
            dropped = before - total if before is not None and total is not None and total < before else 0
            before = total if total is not None else before
            if dropped:
                offset = max(0, offset - dropped)
                continue
            if len(tasks) < TASKLIST_LIMIT or (total is not None and offset + len(tasks) >= total):
                break
            oldest = parse_time(tasks[-1]['started_at'])
            if since is not None and oldest is not None and oldest < since:
                break
            offset += len(tasks)
        return found


def refusal(exc, instance_id):
    """The error a refused db-upgrade means, by the code RDS answered with."""
    details = dict(method=exc.method, path=exc.path, status=exc.status, api_code=exc.api_code, api_message=exc.api_message)
    if exc.api_code in BUSY_CODES:
        return ConflictError('%s. RDS answers that another operation runs on the instance or that it is faulty.'
                             % exc, **details)
    if exc.api_code in STATUS_CODES:
        return ConflictError('%s. RDS answers that the instance\'s status (or a node\'s) does not allow the upgrade; '
                             'RDS upgrades no instance with abnormal nodes.' % exc, **details)
    if exc.api_code in NO_INSTANCE_CODES or exc.status == 404:
        return ModuleFailure('RDS answers that instance %s does not exist (it may have been deleted meanwhile): %s'
                             % (instance_id, exc))
    if exc.api_code in ENGINE_CODES:
        return ModuleFailure('RDS does not upgrade the minor version of this engine or version (RDS for MySQL and '
                             'RDS for PostgreSQL only): %s' % exc)
    return exc


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


def _squeezed(job):
    return re.sub(r'[^a-z0-9]', '', (job.get('operation') or '').lower())


def is_upgrade(job):
    """A minor-version upgrade task: UpgradeMysqlMinorVersion, UPGRADE_MINOR_VERSION, ..."""
    return 'minorversion' in _squeezed(job)


def changes_version(job):
    """A task that may change the instance's version: a minor or a major version upgrade."""
    return 'version' in _squeezed(job)


def upgrade_evidence(tasks):
    """The completed minor-version upgrade that left the instance on the newest minor version:
    the newest task of ``tasks`` that may change the version, when it is one; else None (no such
    task within the task list's reach, or a failed or major upgrade since)."""
    changes = sorted((t for t in tasks if changes_version(t)), key=lambda t: parse_time(t['started_at']) or 0, reverse=True)
    if changes and is_upgrade(changes[0]) and changes[0]['state'] == 'succeeded':
        return changes[0]
    return None


def planned_duration(key, job):  # pylint: disable=unused-argument
    """A task's own estimate of its length (its create_time to its planned end_time), for the poller."""
    raw = clean(job.get('raw')) if isinstance(job.get('raw'), dict) else {}
    start, end = parse_time(raw.get('create_time')), parse_time(raw.get('end_time'))
    return end - start if start is not None and end is not None and end > start else None


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


def add_versions(client, instance, tasks=None):
    """The instance with ``newest_version``, ``upgrade_available`` (None when unknown),
    ``newest_version_source`` and ``newest_version_job``. The versions RDS lists tell where they
    show minor versions (Huawei Cloud); where they show majors only (OTC), the instant tasks do
    (``tasks``, read when not given): a completed minor-version upgrade as the newest version change
    left the instance on the newest minor version RDS had then."""
    newest = newest_version(client.versions(instance['engine']), instance) if instance['engine'] else None
    source, evidence = ('datastores', None) if newest else (None, None)
    if newest is None and instance['version']:
        evidence = upgrade_evidence(client.tasks(instance['id']) if tasks is None else tasks)
        if evidence is not None:
            newest, source = instance['version'], 'task_list'
    available = None if newest is None or not instance['version'] else version_key(newest) > version_key(instance['version'])
    return dict(instance, newest_version=newest, upgrade_available=available, newest_version_source=source,
                newest_version_job=evidence['id'] if evidence else None)


class RdsUpgrade(WriteAction):
    """rds_upgrade: start the minor-version upgrade unless the instance is on the newest
    minor version or an upgrade is already running or scheduled (then it is followed); a
    lost answer is recovered from the instance's task lists. Upgrade jobs are read from the
    instant-task list: OTC's /jobs does not report them."""

    what = 'upgrade job'

    def __init__(self, run, client):
        super(RdsUpgrade, self).__init__(run)
        self.client = client
        self.instance = None
        self.before = set()
        self.scheduled = {}  # id -> scheduled upgrade task (a delayed upgrade waiting for its window)
        window = run.params['recovery_window']
        if not 0 <= window <= RECOVERY_WINDOW_MAX:  # also refuses nan
            raise ConfigurationError('recovery_window must be between 0 and %d seconds, got %s.' % (RECOVERY_WINDOW_MAX, window))

    def can_delay(self):
        """RDS for MySQL alone can delay an upgrade to the maintenance window."""
        return (self.instance['engine'] or '').lower() in DELAYABLE_ENGINES

    def read_scheduled(self, deadline=None):
        """Remember the instance's scheduled upgrades (a delayed upgrade waiting for its window)."""
        if self.can_delay():
            self.scheduled.update((t['id'], t) for t in self.client.scheduled_tasks(self.instance['id'], deadline) if is_upgrade(t))

    def all_tasks(self):
        """The instance's instant tasks, then its scheduled upgrades (for engines that can delay one)."""
        tasks = self.client.tasks(self.instance['id'])
        self.read_scheduled()
        listed = set(t['id'] for t in tasks)
        return tasks + [t for t in self.scheduled.values() if t['id'] not in listed]

    def decide(self):
        params, result = self.run.params, self.run.result
        self.instance = self.client.instance(*instance_ref(params))
        self.subject = 'the minor-version upgrade of %s' % self.instance['name']
        tasks = self.all_tasks()
        self.instance = add_versions(self.client, self.instance, tasks)
        result.update(instance=self.instance, version_before=self.instance['version'], version_after=self.instance['version'])
        self.before = set(t['id'] for t in tasks)
        running = [t for t in tasks if t['state'] in ('pending', 'running')]
        upgrade = next((t for t in running if is_upgrade(t)), None)
        if upgrade is not None:
            result['version_after'] = self.instance['newest_version'] or self.instance['version']
            return FOLLOW, upgrade['id']
        if self.instance['upgrade_available'] is False:
            result['msg'] = '%s is on the newest minor version %s (%s).' % (
                self.instance['name'], self.instance['version'], newest_version_reason(self.instance))
            return DONE, None
        if running:
            raise ModuleFailure('Cannot upgrade %s: another operation runs on it: %s (job %s). Wait for it to end, then '
                                'run again.' % (self.instance['name'], running[0]['operation'], running[0]['id']))
        abnormal = abnormal_parts(self.instance)
        if abnormal:
            raise ModuleFailure('Cannot upgrade %s: %s. RDS upgrades no instance with abnormal nodes.'
                                % (self.instance['name'], '; '.join(abnormal)))
        if params['delayed'] and not self.can_delay():
            raise ConfigurationError('delayed=true: RDS for %s upgrades minor versions immediately only.' % self.instance['engine'])
        result['version_after'] = self.instance['newest_version']
        return SEND, None

    def diff(self):
        return dict(before=dict(version=self.instance['version']),
                    after=dict(version=self.instance['newest_version'] or 'the newest minor version'))

    def send(self):
        return self.client.upgrade(self.instance['id'], self.run.params['delayed'])

    def recover(self):
        """The upgrade job that appeared in the task lists since decide(), watched for
        recovery_window seconds (a new job is hidden at first)."""
        def look():
            new = [t for t in self.all_tasks() if t['id'] not in self.before and is_upgrade(t)]
            return new[0]['id'] if new else None
        return watch(look, self.run.params['recovery_window'], RECOVERY_POLL)

    def upgrade_job(self, job_id, deadline=None):
        """(job, None) of the upgrade: an instant task, else (a delayed one before its window) the
        scheduled task. NotFoundError while neither list shows it."""
        try:
            return self.client.task(job_id, deadline)
        except NotFoundError:
            if job_id not in self.scheduled:
                self.read_scheduled(deadline)
            if job_id in self.scheduled:
                # Once read, forget it: the next poll asks both lists again, so the job is seen
                # moving to the instant-task list when its maintenance window opens.
                return self.scheduled.pop(job_id), None
            raise

    def follow(self, ref, first_delay=None):
        run = self.run
        run.result['job_id'] = ref
        waiting_for_window = bool(run.params['delayed']) or (ref in self.scheduled and self.scheduled[ref]['state'] == 'pending')
        job = follow_job(run, FunctionSource(self.upgrade_job, estimate=planned_duration), ref, self.what, first_delay=first_delay,
                         wait=False if waiting_for_window else None)
        if job is not None and job['state'] in TERMINAL_STATES:
            after = add_versions(self.client, self.client.instance(self.instance['id']))
            run.result.update(version_after=after['version'], instance=after)
        fail_unless_succeeded(job, 'The minor-version upgrade of %s ended %s (job %s): %s'
                              % (self.instance['name'], job and job['state'], ref, job and job['message']))


def newest_version_reason(instance):
    """Why the instance's newest_version is known, for messages."""
    if instance['newest_version_source'] == 'task_list':
        return 'its last version change is the completed upgrade job %s; RDS upgrades to the newest minor version' \
            % instance['newest_version_job']
    return 'the newest minor version RDS lists for %s %s' % (instance['engine'], instance['engine_version'])


# -- the provider ---------------------------------------------------------------------------

def inventory_hosts(params, options, warn):
    """(name, variables) of every RDS instance of the project."""
    return [(instance['name'], dict(safe_patch_cloud='otc', safe_patch_service_name=instance['name'], dbops_cloud='otc',
                                    dbops_instance_id=instance['id'], dbops_engine=instance['engine'],
                                    dbops_version=instance['version'], dbops_status=instance['status'],
                                    dbops_type=instance['type'], dbops_maintenance_window=instance['maintenance_window']))
            for instance in OtcClient(params, warn=warn).all_instances() if instance['name']]


PROVIDER = Provider(
    name='otc', title='Open Telekom Cloud RDS v3',
    argument_spec=otc_argument_spec,
    modules=('rds_job_info', 'rds_instance_info', 'rds_upgrade', 'otc_auth'),
    waiting=('rds_job_info', 'rds_upgrade'),
    writing=('rds_upgrade',),
    credential_type='otc.yml',
    inventory=Inventory(inventory_hosts, configured_by=('project_id', 'project_name', 'cloud', 'auth_token', 'auth'),
                        groups=lambda variables: ['dbops_otc_%s' % variables['dbops_engine'].lower()] if variables.get('dbops_engine') else []),
    safe_patch=SafePatch('otc.yml', can_roll_back=False),
    simulator='tests/simulator/otc.py', guide='docs/docsite/rst/guide_otc.rst')
