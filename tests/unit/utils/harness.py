# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Unit tests at the HTTP boundary: a test lists the exact requests a module must
make (method, URL, query, headers, JSON body) and the answers it gets, in order.
A FakeSession replaces requests.Session; a FakeClock replaces time.monotonic and
time.sleep, so waiting tests never sleep."""

import base64
import json
import socket
from urllib.parse import urlencode

import pytest

import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError

from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.dbops.patching.plugins.module_utils import _http

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19
    patch_module_args = None

import contextlib


class Call(object):
    """One expected request and its answer."""

    def __init__(self, method, url, status=200, json_body=None, text=None, headers=None,
                 expect_json=None, expect_params=None, expect_headers=None, raises=None, expect_basic=None):
        self.method = method
        self.url = url
        self.status = status
        self.json_body = json_body
        self.text = text
        self.headers = headers or {}
        self.expect_json = expect_json
        self.expect_params = expect_params
        self.expect_headers = expect_headers or {}
        self.expect_basic = expect_basic
        self.raises = raises


class FakeHeaders(dict):
    """Case-insensitive get(), like requests' CaseInsensitiveDict."""

    def get(self, key, default=None):
        for name, value in self.items():
            if name.lower() == key.lower():
                return value
        return default


class FakeResponse(object):
    def __init__(self, call, url):
        self.status_code = call.status
        self.headers = FakeHeaders(call.headers)
        if call.text is not None:
            self.text = call.text
        elif call.json_body is not None:
            self.text = json.dumps(call.json_body)
        else:
            self.text = ''
        self.url = url


class PreparedRequest(object):
    """What requests hands an auth hook: the method, the final URL, the headers and the body."""

    def __init__(self, method, url, headers, body):
        self.method, self.url, self.headers, self.body = method, url, headers, body


def sign_as_requests_would(auth, method, url, params, data, headers):
    """The headers of a request after ``auth`` (a requests auth callable) saw it."""
    if params:
        url += ('&' if '?' in url else '?') + urlencode(params, doseq=True)
    prepared = PreparedRequest(method, url, dict(headers or {}), data)
    return auth(prepared).headers


def basic_credentials(headers):
    """(user, password) of a Basic Authorization header, or None."""
    value = (headers or {}).get('Authorization') or ''
    if not value.startswith('Basic '):
        return None
    user, dummy, password = base64.b64decode(value[len('Basic '):]).decode('utf-8').partition(':')
    return user, password


class FakeSession(object):
    """Replays the expected calls in order and fails on anything else."""

    def __init__(self, calls, any_order=False):
        self.calls = list(calls)
        self.any_order = any_order  # for concurrent polls: match the first pending call of that URL
        self.seen = []
        self.headers = {}
        self.verify = True

    def mount(self, prefix, adapter):
        pass

    def request(self, method, url, params=None, data=None, headers=None, auth=None, timeout=None, allow_redirects=None, verify=None):
        if auth is not None:  # requests calls the auth hook on the prepared request
            headers = sign_as_requests_would(auth, method, url, params, data, headers)
            auth = basic_credentials(headers)
        if isinstance(data, bytes):
            data = data.decode('utf-8')
        self.seen.append(dict(method=method, url=url, params=params, data=data, headers=headers, auth=auth, timeout=timeout,
                              verify=verify))
        assert self.calls, 'unexpected request %s %s (params %r): no more calls expected' % (method, url, params)
        index = 0
        if self.any_order:
            index = next((i for i, c in enumerate(self.calls) if (c.method, c.url) == (method, url)), 0)
        call = self.calls.pop(index)
        assert (method, url) == (call.method, call.url), 'expected %s %s, got %s %s' % (call.method, call.url, method, url)
        if call.expect_params is not None:
            assert params == call.expect_params, 'query of %s %s: %r != %r' % (method, url, params, call.expect_params)
        if call.expect_json is not None:
            assert data is not None, '%s %s sent no body' % (method, url)
            assert json.loads(data) == call.expect_json, 'body of %s %s: %s' % (method, url, data)
        for name, value in call.expect_headers.items():
            merged = dict(self.headers)
            merged.update(headers or {})
            assert merged.get(name) == value, 'header %s of %s %s: %r != %r' % (name, method, url, merged.get(name), value)
        if call.expect_basic is not None:
            assert auth == call.expect_basic, 'basic auth of %s %s' % (method, url)
        if call.raises is not None:
            raise call.raises
        return FakeResponse(call, url)

    def assert_done(self):
        assert not self.calls, 'expected calls never made: %s' % ', '.join('%s %s' % (c.method, c.url) for c in self.calls)

    def writes(self):
        return [s for s in self.seen if s['method'] not in ('GET', 'HEAD')]


class FakeClock(object):
    """time.monotonic and time.sleep that only move when the code sleeps."""

    def __init__(self, start=1000.0):
        self.now = start
        self.sleeps = []

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


class ModuleExit(Exception):
    def __init__(self, result, failed):
        super(ModuleExit, self).__init__(result.get('msg'))
        self.result = result
        self.failed = failed


@contextlib.contextmanager
def module_args(args):
    if patch_module_args is not None:
        with patch_module_args(args):
            yield
        return
    serialized = json.dumps({'ANSIBLE_MODULE_ARGS': args})
    old = getattr(basic, '_ANSIBLE_ARGS', None)
    basic._ANSIBLE_ARGS = to_bytes(serialized)
    try:
        yield
    finally:
        basic._ANSIBLE_ARGS = old


class ModuleRunner(object):
    """Runs a module's main() against a FakeSession and a FakeClock."""

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch
        self.clock = FakeClock()
        self.session = None
        monkeypatch.setattr(_http.time, 'monotonic', self.clock.monotonic)
        monkeypatch.setattr(_http.time, 'sleep', self.clock.sleep)
        monkeypatch.setattr(_http.random, 'uniform', lambda a, b: b)

        self.warnings = []

        def exit_json(module, **kwargs):
            kwargs['warnings'] = list(self.warnings)
            raise ModuleExit(kwargs, failed=False)

        def fail_json(module, msg, **kwargs):
            kwargs.update(msg=msg, failed=True, warnings=list(self.warnings))
            raise ModuleExit(kwargs, failed=True)

        monkeypatch.setattr(basic.AnsibleModule, 'warn', lambda module, warning: self.warnings.append(warning))

        monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
        monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)

    def run(self, main, args, calls, check_mode=False, diff=False, any_order=False):
        self.session = FakeSession(calls, any_order=any_order)
        del self.warnings[:]
        self.monkeypatch.setattr(_http.requests, 'Session', lambda: self.session)
        args = dict(args)
        if check_mode:
            args['_ansible_check_mode'] = True
        if diff:
            args['_ansible_diff'] = True
        with module_args(args):
            with pytest.raises(ModuleExit) as info:
                main()
        self.session.assert_done()
        return info.value.result, info.value.failed

    def success(self, main, args, calls, **kwargs):
        result, failed = self.run(main, args, calls, **kwargs)
        assert not failed, 'module failed: %s' % result.get('msg')
        return result

    def failure(self, main, args, calls, **kwargs):
        result, failed = self.run(main, args, calls, **kwargs)
        assert failed, 'module did not fail: %r' % result
        return result


def dns_failure(errno=socket.EAI_AGAIN, text='Temporary failure in name resolution', host='api.example.com'):
    """What requests raises when the name does not resolve, as urllib3 2 builds it: a MaxRetryError whose
    reason is a NameResolutionError caused by the socket.gaierror."""
    cause = socket.gaierror(errno, text)
    try:
        from urllib3.exceptions import NameResolutionError
        reason = NameResolutionError(host, None, cause)
    except ImportError:  # urllib3 1.x: a NewConnectionError with the errno in its text
        reason = NewConnectionError(None, 'Failed to establish a new connection: [Errno %d] %s' % (errno, text))
    reason.__cause__ = cause
    return requests.exceptions.ConnectionError(MaxRetryError(None, 'https://%s/' % host, reason))
