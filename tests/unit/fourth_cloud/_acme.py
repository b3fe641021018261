# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A test-only fourth cloud, "Acme", built as docs/ADDING-A-CLOUD.md says: this file
is what plugins/module_utils/_acme.py would be. It imports the neutral parts and
edits none of them.

Acme's API: POST /v1/login {user, password} -> {token}; X-Acme-Token on every call;
GET /v1/jobs/{id} -> {id, state: QUEUED|WORKING|DONE|BROKEN, percent};
POST /v1/databases/{db}/restart -> {job}; GET /v1/databases/{db}/jobs -> [job...];
GET /v1/databases -> [{name}]."""

from ansible.module_utils.basic import env_fallback

from ansible_collections.dbops.patching.plugins.module_utils import _http
from ansible_collections.dbops.patching.plugins.module_utils._providers import Inventory, Provider, register
from ansible_collections.dbops.patching.plugins.module_utils._jobs import make_job, map_status, parse_percent, status_table
from ansible_collections.dbops.patching.plugins.module_utils._wait import FunctionSource
from ansible_collections.dbops.patching.plugins.module_utils._workflow import SEND, WriteAction, fail_unless_succeeded, follow_job

JOB_STATUS = status_table(pending='QUEUED', running='WORKING', succeeded='DONE', failed='BROKEN')


def acme_argument_spec():
    spec = dict(
        acme_url=dict(type='str', required=True, fallback=(env_fallback, ['ACME_URL'])),
        user=dict(type='str', fallback=(env_fallback, ['ACME_USER'])),
        password=dict(type='str', no_log=True, fallback=(env_fallback, ['ACME_PASSWORD'])),
    )
    spec.update(_http.connection_argument_spec('ACME'))
    return spec


def normalize_job(payload, warn=None):
    record = payload if isinstance(payload, dict) else {}
    state, with_warnings = map_status(record.get('state'), JOB_STATUS, 'Acme job', record.get('id'), warn)
    return make_job(record.get('id'), record.get('state'), state, with_warnings, parse_percent(record.get('percent')),
                    operation=record.get('kind'), raw=payload)


class AcmeAuth(_http.TokenLoginAuth):
    token_header = 'X-Acme-Token'
    token_format = '%s'
    secret_headers = ('X-Acme-Token',)
    missing_credentials = 'Acme needs user and password.'

    def __init__(self, params):
        super(AcmeAuth, self).__init__(None, can_login=bool(params.get('user') and params.get('password')))
        self.params = params

    def login_secrets(self):
        return (self.params.get('password'),)

    def login(self, client, deadline=None):
        return client.post('/v1/login', body={'user': self.params['user'], 'password': self.params['password']},
                           authenticate=False, safe=True, deadline=deadline).json()['token']


class AcmeClient(object):
    def __init__(self, params, warn=None):
        self.warn = warn
        self.http = _http.client_for(params, _http.check_url('acme_url', params['acme_url']), AcmeAuth(params), warn=warn)

    def job(self, job_id, deadline=None):
        response = self.http.get('/v1/jobs/%s' % _http.segment('job_id', job_id), deadline=deadline)
        return normalize_job(response.json(), self.warn), response.retry_after()

    def jobs_of(self, database):
        return [normalize_job(j, self.warn) for j in self.http.get('/v1/databases/%s/jobs' % _http.segment('database', database)).json()]


class Restart(WriteAction):
    """acme_restart: restart a database (every run restarts: the action is not a state)."""

    def __init__(self, run, client):
        super(Restart, self).__init__(run)
        self.client = client
        self.database = run.params['database']
        self.subject = 'the restart of %s' % self.database
        self.before = None

    def decide(self):
        self.before = set(j['id'] for j in self.client.jobs_of(self.database))
        return SEND, None

    def send(self):
        response = self.client.http.post('/v1/databases/%s/restart' % _http.segment('database', self.database), body={})
        return response.json().get('job'), response.retry_after()

    def recover(self):
        new = [j['id'] for j in self.client.jobs_of(self.database) if j['id'] not in self.before]
        return new[-1] if new else None

    def follow(self, ref, first_delay=None):
        self.run.result['job_id'] = ref
        job = follow_job(self.run, FunctionSource(self.client.job), ref, 'Acme job', first_delay=first_delay)
        fail_unless_succeeded(job, 'The restart of %s ended %s.' % (self.database, job and job['state']))


def inventory_hosts(params, options, warn):
    client = AcmeClient(params, warn)
    return [(database['name'], dict(dbops_cloud='acme', dbops_database=database['name']))
            for database in client.http.get('/v1/databases').json()]


# Its files outside this one are under ROOT, the shared ones as the lines a real cloud would add to them.
PROVIDER = register(Provider(
    name='acme', title='Acme (test-only)', argument_spec=acme_argument_spec,
    modules=('acme_job_info', 'acme_restart'), waiting=('acme_job_info', 'acme_restart'), writing=('acme_restart',),
    credential_type='acme.yml', inventory=Inventory(inventory_hosts, configured_by=('acme_url',)), safe_patch=None,
    simulator='acme_sim.py', guide='docs/docsite/rst/guide_acme.rst', root='tests/unit/fourth_cloud',
    fault_matrix='test_fourth_cloud.py'))
