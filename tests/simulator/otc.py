# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Open Telekom Cloud: IAM password tokens and the RDS v3 task center, with the
quirks of the seed page 004 and ``DBS.200543`` right after a job is created.

``GET /v3/{project}/jobs?id=`` answers only for the kinds of task OTC's API reference lists
("Obtaining Information About a Task with a Specified ID", https://docs.otc.t-systems.com/
relational-database-service/api-ref/api_v3_recommended/obtaining_task_information/
obtaining_information_about_a_task_with_a_specified_id.html): "creating single or primary/standby
DB instances, creating read replicas, changing single DB instances to primary/standby instances,
switching primary/standby DB instances, scaling up storage space, and binding or unbinding
EIPs". Any other job -- a minor-version upgrade, a reboot, a resize -- is answered 400
``DBS.200543`` ("The job does not exist.") for as long as it lives; the instant-task list
(otc_instances.py) shows it. The config knob ``otc_jobs_report_all`` makes ``/jobs`` answer for
every job, as a region whose task center reports more would."""

import re
import time
import uuid

from .common import Reply, fixture, otc_time
from .otc_instances import RdsInstances

PROJECT_ID = '0483b6b16e954cb88930a360d2c4e663'
PROJECT_NAME = 'eu-de'
DOMAIN_NAME = 'OTC-EU-DE-00000000001000000001'
USERNAME = 'otcuser'
PASSWORD = 'otcpassword'
# IAM's ids of the above (OTC's are 32 hex digits), stable so that a client may keep them.
DOMAIN_ID = '3c885c4d14385473bcb10f49cb2e30eb'
USER_ID = '29f5308d44765d91a9837c2ed167d7b3'
# token.roles: {name, id} (the token page's example names them role1/role2; te_admin, OTC's tenant administrator
# role, is a guess at what a real account shows)
ROLES = [{'id': 'c7a3feb3077255649305c327ff0da0b0', 'name': 'te_admin'}]
IAM_SERVICE_ID, IAM_ENDPOINT_ID = '210c510324de50e3b33529c1d5ff7a58', 'ffe9d653e0945ebe94ea53dfa48e2edf'
RDS_SERVICE_ID, RDS_ENDPOINT_ID = 'b4a16385297a52809ab6798e364c2939', 'bc49571082185e02a612d4a83d13351b'
# Identity API version discovery, as OTC's IAM API reference documents it ("Querying Keystone API Version
# Information", GET / answering 300 {"versions": {"values": [...]}}, and "Querying Information About Keystone
# API Version 3.0", GET /v3 answering 200 {"version": {...}}: https://docs.otc.t-systems.com/
# identity-access-management/api-ref/apis/version_information_management/), the page's own values.
IDENTITY_VERSION = {'status': 'stable', 'updated': '2016-04-04T00:00:00Z', 'id': 'v3.6',
                    'media-types': [{'base': 'application/json', 'type': 'application/vnd.openstack.identity-v3+json'}]}
NOT_FOUND = {'error_code': 'DBS.200543', 'error_msg': 'The job does not exist.'}
# The seed page's six examples, served verbatim under ids of their own (the page gives them
# all one id), with that id in the document's "id" as the real API answers the id asked ...
SEED_IDS = ['seed-004-%d' % number for number in range(1, 7)]
# ... and under the page's own ids: the plain one answers example 1; the spaced one is the
# job examples 5 and 6 show at two moments (running at "60 % ", then failed).
PAGE_ID = '31b8ae23-c687-4d80-b7b4-42a66c9bb886'
SPACED_ID = '31 b8ae23 - c687 - 4 d80 - b7b4 - 42 a66c9bb886'
SPACED_RUNS_FOR = 600.0  # simulated seconds the spaced job runs before it fails
# The id of the page's request example (its answer is not shown): a job like example 5, running.
REQUEST_ID = 'a9767ede-fe0f-4888-9003-e843a4c90514'
REQUEST_JOB = dict(id=REQUEST_ID, name='CreateMysqlSingleHAInstance', duration=SPACED_RUNS_FOR,
                   instance={'id': 'a48e43ff268f4c0e879652d65e63d0fbin01', 'name': 'DO-NOT-TOUCH-mgr2-mysql-single'},
                   entities={'instance': {'type': 'Single', 'datastore': {'type': 'mysql', 'version': '5.7'}}})
JOB_DEFAULTS = dict(name='CreateMysqlSingleHAInstance', duration=60.0, entities={}, status='Running')
# The task names GET /jobs answers for (the list above), matched on the name without case,
# spaces or underscores: CreateMysqlSingleHAInstance, CreateMysqlReplicaInstance, MysqlSingleToHa,
# MysqlSwitchover, EnlargeVolume, BindEip, UnbindEip ...
JOBS_API_TASKS = re.compile(r'create|replica|singletoha|switchover|volume|storage|eip')
_RDS_RE = re.compile(r'^/v3/(?P<project>[^/]+)/(?P<what>jobs|instances|tasklist|schedule-tasks|datastores/(?P<engine>[^/]+)'
                     r'|instances/(?P<instance>[^/]+)/db-upgrade)/?$')


def _iam_time(epoch):
    """IAM's token times: 2015-11-09T01:42:57.527363Z (the token page's example; keystone's format)."""
    return time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(epoch)) + '.%06dZ' % int((epoch % 1) * 1000000)


def _example(number, job_id=None):
    """Example ``number`` of the seed page, byte for byte; with ``job_id``, that id in its "id"."""
    text = fixture('otc_004_example_%d.json' % number)
    if job_id is None:
        return text
    return re.sub(r'("id"\s*:\s*")[^"]*', lambda match: match.group(1) + job_id, text, count=1)


class OtcCloud(object):
    """IAM and the RDS job API of one project."""

    name = 'otc'

    @staticmethod
    def environment(base_url, ca_path=None):
        """The environment variables of the collection's otc options that reach this simulator."""
        env = dict(OS_AUTH_URL=base_url + '/v3', OTC_RDS_URL=base_url, OS_PROJECT_ID=PROJECT_ID, OS_PROJECT_NAME=PROJECT_NAME,
                   OS_USER_DOMAIN_NAME=DOMAIN_NAME, OS_USERNAME=USERNAME, OS_PASSWORD=PASSWORD)
        return dict(env, OTC_CA_PATH=ca_path) if ca_path else env

    @staticmethod
    def variables(base_url):
        """The integration_config.yml variables of the collection's own targets."""
        return dict(otc_auth_url=base_url + '/v3', otc_rds_url=base_url, otc_project_id=PROJECT_ID, otc_project_name=PROJECT_NAME,
                    otc_domain_name=DOMAIN_NAME, otc_username=USERNAME, otc_password=PASSWORD)

    @staticmethod
    def host_seed(name, host_vars):
        """(section, seed) of an inventory host of this cloud (seeding.py): an RDS instance named
        ``safe_patch_service_name``, of ``simulator_engine`` (else ``dbops_engine``, else MySQL), on
        ``simulator_current_version`` (else ``dbops_version``, else an older minor version of the engine's
        newest major: otc_instances.upgradable_version)."""
        seed = dict(name=host_vars.get('safe_patch_service_name') or name,
                    engine=host_vars.get('simulator_engine') or host_vars.get('dbops_engine') or 'MySQL')
        version = host_vars.get('simulator_current_version') or host_vars.get('dbops_version')
        if version:
            seed['version'] = str(version)
        if 'simulator_patch_seconds' in host_vars:
            seed['upgrade_seconds'] = float(host_vars['simulator_patch_seconds'])
        return 'otc_instances', seed
    project_id = PROJECT_ID
    config = {'otc_job_grace_seconds': 5.0, 'otc_token_ttl': 86400.0, 'otc_window_delay': 3600.0,
              'otc_jobs_report_all': 0.0, 'otc_list_minor_versions': 0.0}
    seeds = {'otc': 'seed_job', 'otc_instances': 'seed_instance'}
    admin_seeds = {'otc/jobs': 'seed_job', 'otc/instances': 'seed_instance'}

    @staticmethod
    def check_config(key, value):
        return float(value)

    def __init__(self, state):
        self.state = state
        self.tokens = {}
        self.jobs = {}
        self.rds = RdsInstances(self)

    def reset(self):
        self.tokens = {}
        self.jobs = {}
        self.rds.reset()
        for number, job_id in enumerate(SEED_IDS, 1):
            self.jobs[job_id] = dict(id=job_id, verbatim=[(None, _example(number, job_id))])
        self.jobs[PAGE_ID] = dict(id=PAGE_ID, verbatim=[(None, _example(1))])
        self.jobs[SPACED_ID] = dict(id=SPACED_ID, verbatim=[(self.state.now() + SPACED_RUNS_FOR, _example(5)), (None, _example(6))])
        self.seed_job(REQUEST_JOB)

    def dump(self):
        jobs = dict((job_id, dict((k, v) for k, v in job.items() if k != 'verbatim')) for job_id, job in self.jobs.items())
        return dict(jobs=jobs, instances=self.rds.dump())

    def seed_instance(self, seed):
        return self.rds.seed(seed)

    def seed_job(self, seed):
        if not isinstance(seed, dict):
            raise ValueError('an OTC job seed is a JSON object')
        job = dict(JOB_DEFAULTS, **seed)
        job['id'] = str(job.get('id') or uuid.uuid4())
        job.setdefault('instance', {'id': '%sin01' % uuid.uuid5(uuid.NAMESPACE_OID, job['id']).hex, 'name': 'rds-%s' % job['id'][:8]})
        if job.get('fresh') and 'visible_after' not in seed:
            job['visible_after'] = float(self.state.config['otc_job_grace_seconds'])
        job['created_at'] = self.state.now()
        self.jobs[job['id']] = job
        return {'id': job['id'], 'job_id': job['id']}

    def job_status(self, job):
        """(status, process) of a seeded job at the simulated now: Pending until it starts
        (a delayed job waits for the maintenance window), then Running with its percent."""
        elapsed = self.state.now() - job['created_at'] - float(job.get('starts_after') or 0)
        duration = float(job['duration'])
        if job['status'] != 'Running':
            return job['status'], ''
        if elapsed < 0:
            return 'Pending', ''
        if elapsed >= duration:
            return ('Failed' if job.get('fail') else 'Completed'), ''
        return 'Running', '%d%%' % int(100 * elapsed / duration)

    def visible(self, job):
        return self.state.now() - job['created_at'] >= float(job.get('visible_after') or 0)

    def reported_by_jobs_api(self, job):
        """Whether GET /jobs answers for this job (the kinds of task OTC lists for it), not DBS.200543."""
        if self.state.config['otc_jobs_report_all'] or job.get('raw') is not None:
            return True
        return bool(JOBS_API_TASKS.search(re.sub(r'[\s_]', '', str(job['name'])).lower()))

    def document(self, job):
        """The RDS job document at the simulated now."""
        status, process = self.job_status(job)
        body = {'id': job['id'], 'name': job['name'], 'status': status, 'created': otc_time(self.state.wall_at(job['created_at'])),
                'process': process, 'instance': job['instance'], 'entities': job['entities']}
        if status == 'Failed':
            body['fail_reason'] = job.get('fail_reason', 'upgradeMinorVersion failed.')
        if job.get('quirks'):
            body = self._quirky(body)
        return {'job': body}

    @staticmethod
    def _quirky(body):
        """The seed page's mistakes: a key " status", "60 % ", a name with a leading space and
        ``resource_id`` instead of ``resource_ids``."""
        quirky = {}
        for key, value in body.items():
            if key == 'status':
                quirky[' status'] = value
            elif key == 'name':
                quirky[key] = ' ' + value
            elif key == 'process' and value:
                quirky[key] = value.replace('%', ' % ')
            else:
                quirky[key] = value
        entities = dict(quirky['entities'])
        entities.setdefault('resource_id', ['%s.vm' % body['instance']['id'], '%s.volume' % body['instance']['id']])
        quirky['entities'] = entities
        return quirky

    def _versions(self, request):
        """GET / and GET /v3: IAM's version documents (see IDENTITY_VERSION), which keystoneauth reads to
        discover the identity API before it asks for a token."""
        if request.method not in ('GET', 'HEAD'):
            return Reply(405, {'error': {'code': 405, 'title': 'Method Not Allowed', 'message': 'Use GET.'}})
        version = dict(IDENTITY_VERSION, links=[{'rel': 'self', 'href': '%s/v3/' % self.state.base_url}])
        if request.path == '/':
            return Reply(300, {'versions': {'values': [version]}})
        return Reply(200, {'version': version})

    def handle(self, request):
        """The Reply to a request on an OTC path, or None when the path is not OTC's."""
        if request.path in ('/', '/v3', '/v3/'):
            return self._versions(request)
        if request.path == '/v3/auth/tokens':
            if request.method != 'POST':
                return Reply(405, {'error': {'code': 405, 'title': 'Method Not Allowed', 'message': 'Use POST.'}})
            return self._login(request)
        match = _RDS_RE.match(request.path)
        if not match:
            return None
        token = self.tokens.get(request.headers.get('X-Auth-Token') or '')
        if token is None or token <= self.state.now():
            return Reply(401, {'error_code': 'APIGW.0301', 'error_msg': 'Incorrect IAM authentication information: the token is expired or invalid.'})
        if match.group('project') != PROJECT_ID:
            return Reply(403, {'error_code': 'DBS.280015',
                               'error_msg': 'Resource not found or permission denied: the project in the path does not match the token.'})
        method = 'POST' if match.group('instance') else 'GET'
        if request.method != method:
            return Reply(405, {'error_code': 'DBS.200001', 'error_msg': 'Parameter error: method %s is not allowed.' % request.method})
        if match.group('instance'):
            return self.rds.upgrade(match.group('instance'), request)
        if match.group('engine'):
            return self.rds.datastores(match.group('engine'))
        if match.group('what') == 'instances':
            return self.rds.list(request)
        if match.group('what') == 'tasklist':
            return self.rds.tasks(request)
        if match.group('what') == 'schedule-tasks':
            return self.rds.scheduled_tasks(request)
        job_id = request.arg('id')
        if not job_id:
            return Reply(400, {'error_code': 'DBS.200001', 'error_msg': 'Parameter error: id is missing.'})
        job = self.jobs.get(job_id)
        if job is None:
            return Reply(400, NOT_FOUND)
        if 'verbatim' in job:
            now = self.state.now()
            text = next(text for until, text in job['verbatim'] if until is None or now < until)
            return Reply(200, text=text)
        if not self.visible(job) or not self.reported_by_jobs_api(job):
            return Reply(400, NOT_FOUND)
        if job.get('raw') is not None:
            return Reply(200, {'job': job['raw']})
        return Reply(200, self.document(job))

    def _login(self, request):
        try:
            body = request.json() or {}
            identity = body['auth']['identity']
            user = identity['password']['user']
            project = body['auth']['scope']['project']
        except (KeyError, TypeError, ValueError):
            return Reply(400, {'error': {'code': 400, 'title': 'Bad Request', 'message': 'The request body is malformed.'}})
        domain = (user.get('domain') or {}).get('name')
        if identity.get('methods') != ['password'] or (user.get('name'), user.get('password'), domain) != (USERNAME, PASSWORD, DOMAIN_NAME):
            return Reply(401, {'error': {'code': 401, 'title': 'Unauthorized', 'message': 'The username or password is wrong.'}})
        if project.get('id', PROJECT_ID) != PROJECT_ID or project.get('name', PROJECT_NAME) != PROJECT_NAME:
            return Reply(401, {'error': {'code': 401, 'title': 'Unauthorized', 'message': 'The project does not exist or is not yours.'}})
        token = 'MIIS' + uuid.uuid4().hex + uuid.uuid4().hex
        now = self.state.now()
        ttl = float(self.state.config['otc_token_ttl'])
        self.tokens[token] = now + ttl
        # The body OTC's IAM API reference documents for a project-scoped password token ("Obtaining a User Token
        # Through Password Authentication", https://docs.otc.t-systems.com/identity-access-management/api-ref/apis/
        # token_management/obtaining_a_user_token_through_password_authentication.html: token.user {id, name,
        # password_expires_at, domain {id, name}}, token.project {id, name, domain {id, name}}, token.roles [{id,
        # name}], token.catalog [{id, name, type, endpoints [{id, interface, region, region_id, url}]}], times like
        # "2015-11-09T01:42:57.527363Z"), which is keystone's v3 token (https://docs.openstack.org/api-ref/identity/
        # v3/#password-authentication-with-scoped-authorization). keystoneauth reads user.id, user.domain.id and
        # project.domain.id without defaults (conn.current_user_id).
        domain = {'id': DOMAIN_ID, 'name': DOMAIN_NAME}
        iam = {'id': IAM_ENDPOINT_ID, 'interface': 'public', 'region': '*', 'region_id': '*', 'url': '%s/v3' % self.state.base_url}
        rds = {'id': RDS_ENDPOINT_ID, 'interface': 'public', 'region': PROJECT_NAME, 'region_id': PROJECT_NAME,
               'url': '%s/v3/%s' % (self.state.base_url, PROJECT_ID)}
        catalog = [{'id': IAM_SERVICE_ID, 'name': 'iam', 'type': 'identity', 'endpoints': [iam]},
                   {'id': RDS_SERVICE_ID, 'name': 'rds', 'type': 'rdsv3', 'endpoints': [rds]}]
        answer = {'token': {'methods': ['password'], 'expires_at': _iam_time(self.state.wall_at(now + ttl)),
                            'issued_at': _iam_time(self.state.wall_at(now)),
                            'user': {'id': USER_ID, 'name': USERNAME, 'password_expires_at': None, 'domain': dict(domain)},
                            'project': {'id': PROJECT_ID, 'name': PROJECT_NAME, 'domain': dict(domain)},
                            'roles': [dict(role) for role in ROLES], 'catalog': catalog}}
        return Reply(201, answer, headers={'X-Subject-Token': token})
