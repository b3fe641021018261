# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to the dbops.patching collection. It is not a
# public API: it may change or go away in any release without notice.

"""CenturyLink Cloud (Lumen): v2 login, executePackage and its queue, and the
Patching-as-a-Service executions."""

from ansible.module_utils.basic import env_fallback
from urllib.parse import quote

from ansible_collections.dbops.patching.plugins.module_utils import _http
from ansible_collections.dbops.patching.plugins.module_utils._jobs import (
    normalize_clc_execution,
    normalize_clc_queue,
)
from ansible_collections.dbops.patching.plugins.module_utils._module import ModuleFailure, connection_argument_spec

PACKAGES = {
    'windows': ('b229535c-a313-4a31-baf8-6aa71ff4b9ed', {}),
    'linux': ('c3c6642e-24e1-4c37-b56a-1cf1476ee360', {'patch.debug.mode': 'false'}),
}


def clc_argument_spec():
    """The connection options of the ``clc`` action group."""
    spec = dict(
        api_url=dict(type='str', default='https://api.ctl.io', fallback=(env_fallback, ['CLC_V2_API_URL'])),
        patching_url=dict(type='str', default='https://patching.useast.appfog.ctl.io', fallback=(env_fallback, ['CLC_PATCHING_URL'])),
        username=dict(type='str', fallback=(env_fallback, ['CLC_V2_API_USERNAME'])),
        password=dict(type='str', no_log=True, fallback=(env_fallback, ['CLC_V2_API_PASSWD'])),
        token=dict(type='str', no_log=True, fallback=(env_fallback, ['CLC_V2_API_TOKEN'])),
        account_alias=dict(type='str', fallback=(env_fallback, ['CLC_ACCT_ALIAS'])),
    )
    spec.update(connection_argument_spec())
    return spec


def _q(value):
    return quote(str(value), safe='')


class ClcAuth(_http.Auth):
    """Bearer token: a given ``token``, or a login whose token is renewed once on 401."""

    def __init__(self, params):
        self.params = params
        self.token = params.get('token')
        self.account_alias = params.get('account_alias')
        self.can_login = bool(params.get('username') and params.get('password'))

    @property
    def secrets(self):
        return (self.params.get('password'), self.params.get('token'), self.token)

    def prepare(self, client):
        if not self.token:
            if not self.can_login:
                raise ModuleFailure('CTL needs either token, or username and password '
                                    '(options or CLC_V2_API_* environment variables).')
            self.login(client)
        if not self.account_alias:
            raise ModuleFailure('CTL needs account_alias when a token is given without a login '
                                '(option or CLC_ACCT_ALIAS).')

    def headers(self):
        return {'Authorization': 'Bearer %s' % self.token} if self.token else {}

    def refresh(self, client):
        if not self.can_login:
            return False
        self.login(client)
        return True

    def login(self, client):
        url = self.params['api_url'].rstrip('/') + '/v2/authentication/login'
        try:
            response = client.post(url, body={'username': self.params['username'], 'password': self.params['password']},
                                   authenticate=False)
        except _http.HttpStatusError as exc:
            raise _http.AuthError('CTL login failed: %s' % exc, method=exc.method, path=exc.path, status=exc.status,
                                  api_code=exc.api_code, api_message=exc.api_message)
        body = response.json() or {}
        self.token = body.get('bearerToken')
        if not self.token:
            raise _http.BadResponseError('CTL login answered %s without a bearerToken.' % response.status)
        self.account_alias = self.account_alias or body.get('accountAlias')


class ClcClient(object):
    def __init__(self, params, session=None):
        self.params = params
        self.auth = ClcAuth(params)
        self.http = _http.HttpClient(
            params['api_url'], auth=self.auth, timeout=params.get('request_timeout', 30),
            validate_certs=params.get('validate_certs', True), ca_path=params.get('ca_path'), session=session)
        self.patching_url = params['patching_url'].rstrip('/')

    @property
    def alias(self):
        self.http.ensure_ready()  # a login may tell the alias
        return self.auth.account_alias

    def execute_package(self, server_ids, package_id, parameters):
        """POST executePackage; returns {server_id: queue_id}. Never re-sent."""
        body = {'servers': list(server_ids), 'package': {'packageId': package_id, 'parameters': parameters or {}}}
        response = self.http.post('/v2/operations/%s/servers/executePackage' % _q(self.alias), body=body)
        queued = {}
        for item in response.json() or []:
            links = item.get('links') or []
            status = next((link for link in links if link.get('rel') == 'status'), links[0] if links else {})
            queued[str(item.get('server'))] = str(status.get('id')) if status.get('id') is not None else None
        return queued

    def queue_status(self, queue_id, warnings=None):
        response = self.http.get('/v2/operations/%s/status/%s' % (_q(self.alias), _q(queue_id)))
        return normalize_clc_queue(response.json(), queue_id, warnings), _http.parse_retry_after(response.headers.get('Retry-After'))

    def _server_path(self, server_id, *parts):
        path = '%s/rest/servers/%s/server/%s/patch' % (self.patching_url, _q(self.alias), _q(server_id))
        return '/'.join([path] + [_q(p) for p in parts])

    def executions(self, server_id, warnings=None):
        """Every execution of a server, normalized, in the order the API lists them."""
        try:
            body = self.http.get(self._server_path(server_id)).json()
        except _http.NotFoundError:
            return []
        if isinstance(body, dict):
            body = body.get('executions') or body.get('items') or ([body] if body.get('execution_id') else [])
        return [normalize_clc_execution(item, warnings) for item in body or [] if isinstance(item, dict)]

    def execution(self, server_id, execution_id, warnings=None):
        """(normalized execution with patches or None, retry_after)."""
        try:
            response = self.http.get(self._server_path(server_id, execution_id))
        except _http.NotFoundError:
            return None, None
        body = response.json()
        if not body:
            return None, None
        return normalize_clc_execution(body, warnings), _http.parse_retry_after(response.headers.get('Retry-After'))


def running_execution(executions):
    """The execution still running on a server (the newest one), or None."""
    running = [e for e in executions if e['state'] in ('pending', 'running')]
    return running[-1] if running else None


def newest_execution(executions, exclude=()):
    """The most recently started execution not in ``exclude`` (execution ids)."""
    candidates = [e for e in executions if e['id'] not in exclude]
    if not candidates:
        return None
    return max(enumerate(candidates), key=lambda item: (item[1]['started_at'] or '', item[0]))[1]
