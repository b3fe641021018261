# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A small client of the simulator for its tests: each cloud's credentials and the
admin API (uses requests; OCI requests are signed with Oracle's test key, oci_signing.py)."""

import json as _json

import requests

from . import oci_signing
from .oracle import DOMAIN
from .otc import PROJECT_ID as PROJECT
ORACLE_HEADERS = {'X-ID-TENANT-NAME': DOMAIN, 'Accept': 'application/json'}
MYSQL = '/paas/api/v1.1/instancemgmt/%s/services/MySQLCS/instances/MyTestInstance' % DOMAIN
ACTIVITY = '/paas/api/v1.1/activitylog/%s' % DOMAIN
TIMEOUT = 10


def instance_path(name, service_type='dbaas'):
    return '/paas/api/v1.1/instancemgmt/%s/services/%s/instances/%s' % (DOMAIN, service_type, name)


class Api(object):
    """Requests to one simulator, with each cloud's credentials."""

    def __init__(self, base_url):
        self.url = base_url
        self.session = requests.Session()
        self._otc_token = None
        self._clc_token = None

    # -- admin ---------------------------------------------------------------------

    def admin(self, path, body=None, method='POST', params=None):
        answer = self.session.request(method, self.url + '/__admin__/' + path, json=body, params=params, timeout=TIMEOUT)
        answer.raise_for_status()
        return answer.json()

    def fault(self, **rule):
        return self.admin('faults', rule)['id']

    def config(self, **values):
        return self.admin('config', values)

    def count(self, method, path):
        return self.admin('requests', method='GET', params={'method': method, 'path': path})['count']

    def advance(self, seconds):
        """Jump the simulated clock."""
        return self.admin('advance', {'seconds': seconds})['now']

    # -- Oracle --------------------------------------------------------------------

    def oracle(self, method, path, **kwargs):
        kwargs.setdefault('auth', ('username', 'password'))
        kwargs['headers'] = dict(ORACLE_HEADERS, **kwargs.get('headers', {}))
        return self.session.request(method, self.url + path, timeout=TIMEOUT, **kwargs)

    def seed_instance(self, name, service_type='dbaas', current_version='19.20.0.0', **patch):
        patch.setdefault('patchId', 'p1')
        patch.setdefault('toVersion', '19.21.0.0')
        self.admin('oracle/instances', {'service_type': service_type, 'name': name, 'current_version': current_version,
                                        'available': [patch]})
        return instance_path(name, service_type) + '/patches'

    # -- OTC -------------------------------------------------------------------------

    def otc_login(self, password='otcpassword', project=None):
        body = {'auth': {'identity': {'methods': ['password'], 'password': {'user': {
            'name': 'otcuser', 'password': password, 'domain': {'name': 'OTC-EU-DE-00000000001000000001'}}}},
            'scope': {'project': project or {'id': PROJECT}}}}
        return self.session.post(self.url + '/v3/auth/tokens', json=body, timeout=TIMEOUT)

    def otc_job(self, job_id, token=None):
        if token is None:
            if self._otc_token is None:
                self._otc_token = self.otc_login().headers['X-Subject-Token']
            token = self._otc_token
        return self.session.get(self.url + '/v3/%s/jobs' % PROJECT, params={'id': job_id}, headers={'X-Auth-Token': token},
                                timeout=TIMEOUT)

    # -- OCI -------------------------------------------------------------------------

    def oci(self, method, path, json=None, headers=None, sign=True, **sign_kwargs):
        """A signed OCI request (``path`` under /20160918, query included); ``sign_kwargs`` go to
        oci_signing.sign (key_id, private_key, date, names) so a test can sign wrongly on purpose."""
        body = b'' if json is None else _json.dumps(json).encode('utf-8')
        url = self.url + path
        send = dict((k.lower(), v) for k, v in (headers or {}).items())
        if sign:
            send = oci_signing.sign(method, url, body, send, **sign_kwargs)
        return self.session.request(method, url, data=body if json is not None else None, headers=send, timeout=TIMEOUT)

    def seed_db_system(self, **seed):
        """Seed an OCI DB system (oci.py seed_db_system); answers its ids."""
        return self.admin('oci/db_systems', seed)

    # -- CTL -------------------------------------------------------------------------

    def clc_login(self, username='ctluser', password='ctlpassword'):
        return self.session.post(self.url + '/v2/authentication/login', json={'username': username, 'password': password},
                                 timeout=TIMEOUT)

    def clc(self, method, path, token=None, **kwargs):
        if token is None:
            if self._clc_token is None:
                self._clc_token = self.clc_login().json()['bearerToken']
            token = self._clc_token
        return self.session.request(method, self.url + path, headers={'Authorization': 'Bearer ' + token}, timeout=TIMEOUT, **kwargs)
