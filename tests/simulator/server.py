# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The simulator's HTTP server: routing, fault injection, request counters and the
admin API. The clouds themselves live in oracle.py, otc.py and clc.py."""

import json
import os
import re
import shutil
import ssl
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from . import clc, oracle, otc

ADMIN_PREFIX = '/__admin__/'
DEFAULT_CONFIG = dict(otc_job_grace_seconds=5.0, otc_token_ttl=86400.0, clc_token_ttl=14 * 86400.0)


class Reply(object):
    """What a cloud handler answers."""

    def __init__(self, status, body=None, headers=None, text=None, content_type='application/json'):
        self.status = status
        self.headers = dict(headers or {})
        if text is None:
            text = '' if body is None else json.dumps(body)
        self.text = text
        self.content_type = content_type


def html_error(status, title):
    page = '<html><head><title>%s %s</title></head><body><h1>%s</h1></body></html>' % (status, title, title)
    return Reply(status, text=page, content_type='text/html')


class Request(object):
    def __init__(self, method, path, query, headers, body_text):
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body_text = body_text

    def json(self):
        if not self.body_text:
            return None
        return json.loads(self.body_text)

    def arg(self, name):
        values = self.query.get(name)
        return values[0] if values else None


class Faults(object):
    """Fault rules matched by path regex (and method)."""

    def __init__(self):
        self.rules = []
        self.lock = threading.Lock()
        self.next_id = 1

    def add(self, rule):
        with self.lock:
            rule = dict(rule)
            rule['id'] = self.next_id
            rule.setdefault('times', 1)
            rule.setdefault('skip', 0)
            rule['_re'] = re.compile(rule['path'])
            self.next_id += 1
            self.rules.append(rule)
            return rule['id']

    def clear(self):
        with self.lock:
            self.rules = []

    def take(self, method, path):
        """The rule that hits this request, if any (consumes one of its ``times``)."""
        with self.lock:
            for rule in self.rules:
                if rule.get('method') and rule['method'].upper() != method:
                    continue
                if not rule['_re'].search(path):
                    continue
                if rule['skip'] > 0:
                    rule['skip'] -= 1
                    continue
                if rule['times'] <= 0:
                    continue
                rule['times'] -= 1
                return dict(rule)
        return None


class State(object):
    """Everything the simulator knows; one lock guards it."""

    def __init__(self, time_scale=1.0):
        self.lock = threading.RLock()
        self.time_scale = float(time_scale)
        self.started = time.monotonic()
        self.config = dict(DEFAULT_CONFIG)
        self.requests = []
        self.faults = Faults()
        self.base_url = ''
        self.oracle = oracle.OracleCloud(self)
        self.otc = otc.OtcCloud(self)
        self.clc = clc.ClcCloud(self)

    def now(self):
        """Simulated seconds since start."""
        return (time.monotonic() - self.started) * self.time_scale

    def wall(self):
        """Simulated wall-clock time (epoch seconds) for timestamps."""
        return time.time() + (self.now() - (time.monotonic() - self.started))

    def retry_after(self, seconds):
        """A Retry-After value for ``seconds`` simulated seconds, in real seconds, at least 1."""
        return str(max(1, int(round(seconds / self.time_scale))))

    def reset(self, time_scale=None):
        with self.lock:
            if time_scale is not None:
                self.time_scale = float(time_scale)
            self.started = time.monotonic()
            self.config = dict(DEFAULT_CONFIG)
            self.requests = []
            self.faults.clear()
            self.oracle.reset()
            self.otc.reset()
            self.clc.reset()

    def record(self, method, path, query, status):
        with self.lock:
            self.requests.append(dict(method=method, path=path, query=query, status=status, time=round(self.now(), 3)))


def _route(state, request):
    for cloud in (state.oracle, state.otc, state.clc):
        reply = cloud.handle(request)
        if reply is not None:
            return reply
    return Reply(404, {'message': 'No route for %s %s' % (request.method, request.path)})


def _admin(state, request):
    name = request.path[len(ADMIN_PREFIX):].strip('/')
    body = request.json() or {}
    if name == 'reset' and request.method == 'POST':
        state.reset(body.get('time_scale'))
        return Reply(200, {'reset': True})
    if name == 'requests' and request.method == 'GET':
        method = (request.arg('method') or '').upper()
        pattern = re.compile(request.arg('path')) if request.arg('path') else None
        with state.lock:
            picked = [r for r in state.requests if (not method or r['method'] == method)
                      and (pattern is None or pattern.search(r['path']))]
            counts = {}
            for item in state.requests:
                key = '%s %s' % (item['method'], item['path'])
                counts[key] = counts.get(key, 0) + 1
        return Reply(200, {'count': len(picked), 'requests': picked, 'counts': counts})
    if name == 'faults' and request.method == 'POST':
        return Reply(200, {'id': state.faults.add(body)})
    if name == 'faults' and request.method == 'DELETE':
        state.faults.clear()
        return Reply(200, {'cleared': True})
    if name == 'config' and request.method == 'POST':
        with state.lock:
            if 'time_scale' in body:
                state.time_scale = float(body.pop('time_scale'))
            state.config.update(body)
        return Reply(200, dict(state.config, time_scale=state.time_scale))
    if name == 'oracle/instances' and request.method == 'POST':
        return Reply(200, state.oracle.seed_instance(body))
    if name == 'oracle/activities' and request.method == 'POST':
        return Reply(200, state.oracle.seed_activity(body))
    if name == 'otc/jobs' and request.method == 'POST':
        return Reply(200, state.otc.seed_job(body))
    if name == 'clc/servers' and request.method == 'POST':
        return Reply(200, state.clc.seed_server(body))
    if name == 'state' and request.method == 'GET':
        with state.lock:
            return Reply(200, {'oracle': state.oracle.dump(), 'otc': state.otc.dump(), 'clc': state.clc.dump(),
                               'config': state.config, 'time_scale': state.time_scale, 'now': state.now()})
    return Reply(404, {'message': 'unknown admin call %s %s' % (request.method, request.path)})


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'dbops-simulator/1.0'

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass  # keep test output clean; the admin API has the request log

    def _dispatch(self):
        state = self.server.state
        split = urlsplit(self.path)
        length = int(self.headers.get('Content-Length') or 0)
        body_text = self.rfile.read(length).decode('utf-8') if length else ''
        request = Request(self.command, split.path, parse_qs(split.query), self.headers, body_text)
        if split.path.startswith(ADMIN_PREFIX):
            try:
                reply = _admin(state, request)
            except (ValueError, KeyError, TypeError) as exc:
                reply = Reply(400, {'message': 'bad admin request: %s' % exc})
            return self._send(reply)

        fault = state.faults.take(self.command, split.path)
        if fault and fault['kind'] == 'slow':
            time.sleep(float(fault.get('delay', 1)))
        if fault and fault['kind'] in ('status', 'html'):
            status = int(fault.get('status', 500 if fault['kind'] == 'html' else 503))
            reply = html_error(status, 'Service Unavailable') if fault['kind'] == 'html' else Reply(
                status, {'error_code': 'SIM.%d' % status, 'error_msg': 'injected fault', 'message': 'injected fault'})
            if fault.get('retry_after') is not None:
                reply.headers['Retry-After'] = str(fault['retry_after'])
            state.record(self.command, split.path, split.query, status)
            return self._send(reply)
        if fault and fault['kind'] == 'drop' and not fault.get('after_processing'):
            state.record(self.command, split.path, split.query, 0)
            self.close_connection = True
            return None
        try:
            with state.lock:
                reply = _route(state, request)
        except ValueError as exc:
            reply = Reply(400, {'message': 'Malformed request body: %s' % exc})
        state.record(self.command, split.path, split.query, reply.status if not fault or fault['kind'] != 'drop' else 0)
        if fault and fault['kind'] == 'drop':
            self.close_connection = True
            return None
        if fault and fault['kind'] == 'truncated':
            reply.text = reply.text[:max(1, len(reply.text) // 2)]
        return self._send(reply)

    def _send(self, reply):
        data = reply.text.encode('utf-8')
        self.send_response(reply.status)
        if data:
            self.send_header('Content-Type', reply.content_type)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        if data and self.command != 'HEAD':
            self.wfile.write(data)
        return None

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _dispatch


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512
    allow_reuse_address = True


def _self_signed(directory):
    """A self-signed certificate for 127.0.0.1/localhost, made with the openssl CLI."""
    if shutil.which('openssl') is None:
        raise RuntimeError('--https needs the openssl command')
    cert, key = os.path.join(directory, 'sim.crt'), os.path.join(directory, 'sim.key')
    subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
                    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', key, '-out', cert],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return cert, key


class Simulator(object):
    """The three clouds on one loopback port. ``start()``, ``base_url``, ``stop()``."""

    def __init__(self, time_scale=1.0, https=False, host='127.0.0.1', port=0):
        self.state = State(time_scale)
        self.httpd = _Server((host, port), Handler)
        self.httpd.state = self.state
        self.ca_path = None
        scheme = 'http'
        if https:
            directory = tempfile.mkdtemp(prefix='dbops-sim-tls-')
            cert, key = _self_signed(directory)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert, key)
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
            self.ca_path = cert
            scheme = 'https'
        self.base_url = '%s://%s:%d' % (scheme, host, self.httpd.server_address[1])
        self.state.base_url = self.base_url
        self.state.reset()
        self._thread = None

    def start(self):
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={'poll_interval': 0.2}, daemon=True)
        self._thread.start()
        return self

    def serve_forever(self):
        self.httpd.serve_forever(poll_interval=0.2)

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
