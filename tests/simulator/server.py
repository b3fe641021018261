# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The simulator's HTTP server: simulated time, the shared state, routing, fault
injection and request counters. The clouds live in their own modules (see clouds.py),
the admin API in admin.py, the fault rules in faults.py.

    sim = Simulator(time_scale=30).start()
    ... sim.base_url ...
    sim.stop()
"""

import ipaddress
import shutil
import socket
import ssl
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from . import admin, faults
from .clouds import CLOUDS
from .common import Reply, Request

MAX_LOGGED = 100000  # request log entries kept (the counters are exact regardless)
MAX_BODY = 10 * 1024 * 1024


class State(object):
    """Everything the simulator knows, guarded by one lock, and its clock: simulated
    seconds run ``time_scale`` times faster than real ones and stay continuous when
    the scale changes."""

    def __init__(self, time_scale=1.0, clouds=CLOUDS):
        self.lock = threading.RLock()
        self.time_scale = float(time_scale)
        self.base_url = ''
        self.defaults = dict(fault_seed=0)
        for cloud in clouds:
            self.defaults.update(cloud.config)
        self.config = dict(self.defaults)
        self.faults = faults.Faults()
        self.log = []
        self.counts = {}
        self.accepted = {}
        self.extra_seeds = []
        self._anchor_real = time.monotonic()
        self._anchor_sim = 0.0
        self._epoch = time.time()
        self.clouds = [cloud(self) for cloud in clouds]
        self.cloud = dict((cloud.name, cloud) for cloud in self.clouds)

    # -- simulated time ------------------------------------------------------------

    def now(self):
        """Simulated seconds since the last reset."""
        return self._anchor_sim + (time.monotonic() - self._anchor_real) * self.time_scale

    def wall_at(self, simulated):
        """The wall-clock time (epoch seconds) of a simulated moment, for timestamps."""
        return self._epoch + simulated

    def set_time_scale(self, time_scale):
        time_scale = float(time_scale)
        if time_scale <= 0:
            raise ValueError('time_scale must be positive')
        with self.lock:
            self._anchor_sim = self.now()
            self._anchor_real = time.monotonic()
            self.time_scale = time_scale

    def advance(self, seconds):
        """Jump the simulated clock ``seconds`` ahead."""
        seconds = float(seconds)
        if seconds < 0:
            raise ValueError('the clock only moves forward')
        with self.lock:
            self._anchor_sim += seconds
            return self.now()

    def retry_after(self, simulated_seconds):
        """A Retry-After value for ``simulated_seconds``, in real seconds, at least 1."""
        return str(max(1, int(round(simulated_seconds / self.time_scale))))

    # -- admin -----------------------------------------------------------------------

    def reset(self, time_scale=None):
        with self.lock:
            if time_scale is not None:
                self.set_time_scale(time_scale)
            self._anchor_real, self._anchor_sim, self._epoch = time.monotonic(), 0.0, time.time()
            self.config = dict(self.defaults)
            self.log = []
            self.counts = {}
            self.accepted = {}
            self.faults.clear()
            self.faults.seed(0)
            for cloud in self.clouds:
                cloud.reset()
            for seeds in self.extra_seeds:
                self._apply_seeds(seeds)

    def add_seeds(self, seeds):
        """Seeds kept across resets: {"oracle": [INSTANCE...], "activities": [RECORD...],
        "otc": [JOB...], "clc": [SERVER...]} (any subset)."""
        sections = [section for cloud in self.clouds for section in cloud.seeds]
        if not isinstance(seeds, dict) or set(seeds) - set(sections):
            raise ValueError('seeds are a JSON object with the sections %s' % ', '.join(sections))
        with self.lock:
            self._apply_seeds(seeds)
            self.extra_seeds.append(seeds)

    def _apply_seeds(self, seeds):
        for cloud in self.clouds:
            for section, method in cloud.seeds.items():
                for seed in seeds.get(section, []):
                    getattr(cloud, method)(seed)

    def seed(self, path, seed):
        """Seed through the admin path of a cloud (e.g. oracle/instances); KeyError for another path."""
        for cloud in self.clouds:
            if path in cloud.admin_seeds:
                with self.lock:
                    return getattr(cloud, cloud.admin_seeds[path])(seed)
        raise KeyError(path)

    def configure(self, changes):
        with self.lock:
            changes = dict(changes)
            unknown = sorted(set(changes) - set(self.config) - set(['time_scale']))
            if unknown:
                raise ValueError('unknown config keys: %s' % ', '.join(unknown))
            if 'time_scale' in changes:
                self.set_time_scale(changes.pop('time_scale'))
            if 'fault_seed' in changes:
                changes['fault_seed'] = int(changes['fault_seed'])
                self.faults.seed(changes['fault_seed'])
            for cloud in self.clouds:
                for key in set(changes) & set(cloud.config):
                    changes[key] = cloud.check_config(key, changes[key])
            self.config.update(changes)
            return dict(self.config, time_scale=self.time_scale)

    def record(self, method, path, query, status, accepted=False):
        """Count a request: ``status`` is what the client saw (0: no answer), ``accepted`` whether
        the cloud itself took it (processed, and its own answer was 2xx)."""
        with self.lock:
            key = '%s %s' % (method, path)
            self.counts[key] = self.counts.get(key, 0) + 1
            if accepted:
                self.accepted[key] = self.accepted.get(key, 0) + 1
            if len(self.log) < MAX_LOGGED:
                self.log.append(dict(method=method, path=path, query=query, status=status, accepted=accepted,
                                     time=round(self.now(), 3)))

    def request_log(self, method=None, pattern=None):
        with self.lock:
            picked = [r for r in self.log if (method is None or r['method'] == method) and (pattern is None or pattern.search(r['path']))]
            return {'count': len(picked), 'requests': picked, 'counts': dict(self.counts), 'accepted': dict(self.accepted),
                    'accepted_count': sum(1 for r in picked if r['accepted'])}

    def dump(self):
        with self.lock:
            return dict(((cloud.name, cloud.dump()) for cloud in self.clouds), faults=self.faults.dump(),
                        config=dict(self.config), time_scale=self.time_scale, now=round(self.now(), 3))

    # -- the clouds ------------------------------------------------------------------

    def route(self, request):
        with self.lock:
            for cloud in self.clouds:
                reply = cloud.handle(request)
                if reply is not None:
                    return reply
        return Reply(404, {'message': 'No route for %s %s' % (request.method, request.path)})


class Handler(BaseHTTPRequestHandler):
    """One connection (HTTP/1.1 keep-alive): read, consult the faults, route, answer."""

    protocol_version = 'HTTP/1.1'
    server_version = 'dbops-simulator/1.0'
    sys_version = ''

    def setup(self):
        super().setup()
        # headers and body go out in separate writes: without this, delayed ACKs cost 40 ms an answer
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        """Quiet: the admin API has the request log."""

    def _read(self):
        split = urlsplit(self.path)
        length = int(self.headers.get('Content-Length') or 0)
        if length < 0 or length > MAX_BODY:
            raise ValueError('Content-Length out of range')
        body_text = self.rfile.read(length).decode('utf-8') if length else ''
        return Request(self.command, split.path, parse_qs(split.query, keep_blank_values=True), self.headers, body_text,
                       target=self.path), split.query

    def _dispatch(self):
        state = self.server.state
        try:
            request, query = self._read()
        except (ValueError, UnicodeDecodeError) as exc:
            self.close_connection = True
            return self._send(Reply(400, {'message': 'Bad request: %s' % exc}))
        if request.path.startswith(admin.PREFIX):
            try:
                reply = admin.handle(state, request)
            except (ValueError, KeyError, TypeError) as exc:
                reply = Reply(400, {'message': 'bad admin request: %s: %s' % (type(exc).__name__, exc)})
            except Exception as exc:  # pylint: disable=broad-except
                reply = Reply(500, {'message': 'simulator error: %s: %s' % (type(exc).__name__, exc)})
            return self._send(reply)

        rule = state.faults.take(request.method, request.path)
        kind = rule['kind'] if rule else None
        processed = not rule or kind not in faults.INSTEAD or rule.get('after_processing')
        if kind == 'slow':
            time.sleep(rule['delay'])
        if kind == 'drop' and not rule.get('after_processing'):
            state.record(request.method, request.path, query, 0)
            return self._drop()
        reply = cloud_status = None
        if processed:
            try:
                reply = state.route(request)
            except Exception as exc:  # pylint: disable=broad-except
                # a simulator bug must show as an answer a test can read, not as a dropped connection
                reply = Reply(500, {'message': 'simulator error: %s: %s' % (type(exc).__name__, exc)})
            cloud_status = reply.status
        if kind in faults.INSTEAD:
            reply = faults.answer_instead(rule, request)
        accepted = processed and cloud_status is not None and 200 <= cloud_status < 300
        if kind == 'drop':
            state.record(request.method, request.path, query, 0, accepted=accepted)
            return self._drop()
        state.record(request.method, request.path, query, reply.status, accepted=accepted)
        if kind == 'truncated':
            reply = faults.truncate(reply)
        if kind == 'cut':
            return self._send(reply, cut=True)
        if kind == 'bad_gzip':
            reply.headers['Content-Encoding'] = 'gzip'
            reply.text = 'this is not gzip: ' + reply.text
        return self._send(reply)

    def _drop(self):
        """Close the connection without a byte of answer."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _send(self, reply, cut=False):
        """Answer; with ``cut``, announce the whole body but send half of it and close."""
        data = reply.text.encode('utf-8')
        self.send_response(reply.status)
        if data:
            self.send_header('Content-Type', reply.content_type)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header('Content-Length', str(len(data)))
        if self.close_connection:
            self.send_header('Connection', 'close')
        self.end_headers()
        if cut:
            self.wfile.write(data[:len(data) // 2])
            self.wfile.flush()
            return self._drop()
        if data and self.command != 'HEAD':
            self.wfile.write(data)

    do_GET = do_PUT = do_POST = do_DELETE = do_PATCH = do_HEAD = _dispatch


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024
    allow_reuse_address = True
    block_on_close = False

    def handle_error(self, request, client_address):
        """A client that went away mid-answer is not an error worth a traceback."""


def _loopback(host):
    if host == 'localhost':
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Simulator(object):
    """The three clouds on one loopback port: ``start()``, ``base_url``, ``ca_path`` (with
    ``https``), ``state`` (for in-process seeding) and ``stop()``."""

    def __init__(self, time_scale=1.0, https=False, host='127.0.0.1', port=0, clouds=CLOUDS, allow_remote=False):
        # The admin API has no authentication: anyone who reaches the port can rewrite the clouds.
        # Other addresses only on request (a container publishes its port through 0.0.0.0).
        if not (allow_remote or _loopback(host)):
            raise ValueError('the simulator binds loopback addresses only, not %r (--allow-remote, or allow_remote=True, binds it)' % host)
        self.state = State(time_scale, clouds)
        self.httpd = _Server((host, port), Handler)
        self.httpd.state = self.state
        self.ca_path = None
        self._tls_dir = None
        scheme = 'http'
        if https:
            from . import tls  # pylint: disable=import-outside-toplevel
            self._tls_dir = tempfile.mkdtemp(prefix='dbops-sim-tls-')
            cert, key = tls.self_signed(self._tls_dir)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert, key)
            # the handshake happens in the connection's thread, so a stalled client blocks no one else
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True, do_handshake_on_connect=False)
            self.ca_path = cert
            scheme = 'https'
        self.base_url = '%s://%s:%d' % (scheme, host, self.httpd.server_address[1])
        self.state.base_url = self.base_url
        self.state.reset()
        self._thread = None

    def start(self):
        """Serve in a daemon thread; returns self."""
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={'poll_interval': 0.2}, daemon=True,
                                        name='dbops-simulator')
        self._thread.start()
        return self

    def stop(self):
        """Stop serving and close the socket (and remove the generated certificate)."""
        if self._thread is not None:
            self.httpd.shutdown()
            self._thread.join(timeout=10)
            self._thread = None
        self.httpd.server_close()
        if self._tls_dir:
            shutil.rmtree(self._tls_dir, ignore_errors=True)
            self._tls_dir = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()
