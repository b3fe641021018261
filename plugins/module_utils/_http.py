# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to the dbops.patching collection. It is not a
# public API: it may change or go away in any release without notice.

"""One HTTP client for every provider: a requests.Session per task, bounded
retries with full-jitter backoff, Retry-After, a deadline that bounds every sleep
and request timeout, and errors whose messages never carry a credential.

Reads (and logins) are retried. A write that starts work is sent once: when its
answer is missing, cut, unreadable or a gateway/throttle status, it raises
WriteOutcomeUnknown and the caller re-reads the cloud's state (see _workflow)."""

import base64
import email.utils
import html
import json
import math
import os
import random
import re
import socket
import threading
import time
from urllib.parse import quote, quote_plus, urlsplit

from ansible.module_utils.basic import env_fallback

from ansible_collections.dbops.patching.plugins.module_utils._errors import (
    RETRYABLE_STATUS,
    ApiError,
    AuthError,
    BadResponseError,
    ConfigurationError,
    ConflictError,
    HttpStatusError,
    NotFoundError,
    RequestTimeoutError,
    TlsError,
    TransportError,
    WriteOutcomeUnknown,
)

try:
    import requests
    from requests.adapters import HTTPAdapter
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - exercised by the sanity import test
    requests = None
    HTTPAdapter = object
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = exc

USER_AGENT = 'dbops.patching/1.1.0'  # the version of galaxy.yml (tests/unit/test_providers.py holds them equal)
IDEMPOTENT_METHODS = frozenset(('GET', 'HEAD', 'OPTIONS'))
RETRY_AFTER_MIN = 1.0
RETRY_AFTER_MAX = 60.0
ERROR_BODY_EXCERPT = 300
# The last look at the deadline still gets this long to answer.
LAST_LOOK_TIMEOUT = 1.0
REDACTED = '********'
GENERIC_SECRET_FIELDS = ('password', 'passwd', 'secret', 'token')
GENERIC_SECRET_HEADERS = ('authorization', 'proxy-authorization')

_USERINFO_RE = re.compile(r'(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\s]+@')


def encoded_forms(secret):
    """Every form in which a secret may come back inside an answer or an error: as it
    is, base64, URL-quoted, HTML-escaped and JSON-escaped (either way for non-ASCII)."""
    secret = str(secret)
    forms = set([secret, json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1],
                 html.escape(secret), html.escape(secret, quote=False), quote(secret), quote(secret, safe=''),
                 quote_plus(secret), quote_plus(secret, safe='/')])
    for encoding in ('utf-8', 'latin-1'):
        try:
            raw = secret.encode(encoding)
        except UnicodeEncodeError:
            continue
        coded = base64.b64encode(raw).decode('ascii')
        forms.update((coded, coded.rstrip('='), base64.urlsafe_b64encode(raw).decode('ascii').rstrip('=')))
    return forms


_PATTERNS = {}


def _field_patterns(fields, headers):
    key = (tuple(fields), tuple(headers))
    if key not in _PATTERNS:
        _PATTERNS[key] = _compile_field_patterns(fields, headers)
    return _PATTERNS[key]


def _compile_field_patterns(fields, headers):
    names = '|'.join(re.escape(n) for n in sorted(set(GENERIC_SECRET_HEADERS) | set(h.lower() for h in headers)))
    header_re = re.compile(r'(?i)((?:%s)\s*[:=]\s*)(?:(?:bearer|basic|token)\s+)?[^\s,;\'"}<&]+' % names)
    keys = '|'.join(re.escape(n) for n in sorted(set(GENERIC_SECRET_FIELDS) | set(fields)))
    field_re = re.compile(r'(?i)((?:&quot;|["\'])?[\w.-]*(?:%s)[\w.-]*(?:&quot;|["\'])?\s*[:=]\s*)(&quot;.*?&quot;|"[^"]*"|\'[^\']*\'|[^\s,;}&<]+)' % keys)
    return header_re, field_re


def redact(text, secrets=(), fields=(), headers=()):
    """Remove credentials from a text: every encoded form of each secret value given,
    URL userinfo, secret headers and secret fields (generic names plus ``fields`` and
    ``headers`` an auth declares)."""
    if text is None:
        return None
    text = str(text)
    forms = set()
    for secret in secrets:
        if secret:
            forms.update(f for f in encoded_forms(secret) if len(f) >= 3 or f == str(secret))
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, REDACTED)
    text = _USERINFO_RE.sub(r'\g<scheme>' + REDACTED + '@', text)
    header_re, field_re = _field_patterns(fields, headers)
    text = header_re.sub(r'\g<1>' + REDACTED, text)
    return field_re.sub(r'\g<1>"' + REDACTED + '"', text)


def parse_retry_after(value, now=None):
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date),
    clamped to [1, 60]; None when absent or unparsable."""
    if value is None:
        return None
    value = str(value).strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        parsed = email.utils.parsedate_tz(value)
        if parsed is None:
            return None
        seconds = email.utils.mktime_tz(parsed) - (time.time() if now is None else now)
    if math.isnan(seconds):
        return None
    return min(RETRY_AFTER_MAX, max(RETRY_AFTER_MIN, seconds))


def full_jitter(attempt, base=0.5, cap=30.0, rand=None):
    """Full-jitter backoff: uniform(0, min(cap, base * 2 ** attempt))."""
    return (rand or random.uniform)(0, min(cap, base * (2 ** attempt)))


def api_error_from_body(body):
    """The API's own (code, message) from an error body, in any of the shapes clouds
    use: {error_code, error_msg}, {message}, {error: {...}}, HTML or plain text."""
    data = body
    if isinstance(body, (bytes, str)):
        text = body.decode('utf-8', 'replace') if isinstance(body, bytes) else body
        try:
            data = json.loads(text)
        except ValueError:
            text = text.strip()
            return None, (text[:ERROR_BODY_EXCERPT] or None)
    if isinstance(data, dict):
        inner = data.get('error') if isinstance(data.get('error'), dict) else data
        code = inner.get('error_code') or inner.get('errorCode') or inner.get('code')
        message = (inner.get('error_msg') or inner.get('errorMessage') or inner.get('message')
                   or inner.get('detail') or inner.get('details'))
        if message is not None and not isinstance(message, str):
            message = json.dumps(message, sort_keys=True)
        if code is None and message is None:
            message = json.dumps(data, sort_keys=True)[:ERROR_BODY_EXCERPT]
        return (str(code) if code is not None else None), message
    if data is None:
        return None, None
    return None, json.dumps(data)[:ERROR_BODY_EXCERPT]


def check_url(option, value):
    """Refuse, before any request, a URL that is no absolute http(s) URL."""
    parts = urlsplit(value or '')
    if parts.scheme.lower() not in ('http', 'https') or not parts.netloc:
        raise ConfigurationError('%s must be an absolute http:// or https:// URL, got %r.'
                                 % (option, redact(value)))
    return value


def segment(option, value):
    """One path segment, quoted; '.', '..' and empty values are refused (the HTTP
    stack would collapse them into another resource's path)."""
    text = '' if value is None else str(value).strip()
    if text in ('', '.', '..'):
        raise ConfigurationError('%s must be a non-empty id, got %r.' % (option, value))
    return quote(text, safe='')


class Response(object):
    """What a request returned: status, headers (case-insensitive) and body."""

    def __init__(self, status, headers, text):
        self.status = status
        self.headers = headers
        self.text = text
        self._json = None
        self._decoded = False

    def json(self):
        """The body decoded as JSON, or None for an empty body (ValueError otherwise)."""
        if not self._decoded:
            self._json = json.loads(self.text) if self.text and self.text.strip() else None
            self._decoded = True
        return self._json

    def retry_after(self):
        return parse_retry_after(self.headers.get('Retry-After'))


class Auth(object):
    """Authentication hook. ``sign(method, url, headers, body)`` adds the credentials to
    one request just before it is sent, seeing its final URL (query included), its
    headers and its body bytes: a cloud that signs each request (OCI's HTTP Signature)
    overrides it. The default is the three small cases the other clouds need: the
    headers of ``headers()`` (a token, a tenant) and HTTP Basic from ``basic()``.
    ``refresh()`` logs in again after a 401, within the deadline of the request that
    got it (a wait's: a new login never outlives wait_timeout). An auth declares the secrets it knows
    (``secret_values()``) and the header and field names that carry secrets in its
    cloud, so that redaction finds every one of them."""

    secret_fields = ()
    secret_headers = ()
    generation = 0

    def secret_values(self):
        return ()

    def prepare(self, client):
        """Called once before the first authenticated request (e.g. to log in)."""

    def headers(self):
        return {}

    def basic(self):
        """A (user, password) tuple for HTTP Basic, or None."""
        return None

    def sign(self, method, url, headers, body):
        """Add credentials to ``headers`` (a mutable mapping) of the request ``method url``
        whose body is ``body`` (bytes or None), as it goes on the wire."""
        headers.update(self.headers())
        credentials = self.basic()
        if credentials is not None:
            # UTF-8, where requests' own HTTPBasicAuth would encode latin-1 only
            token = base64.b64encode(b':'.join(part.encode('utf-8') for part in credentials)).decode('ascii')
            headers['Authorization'] = 'Basic ' + token

    def refresh(self, client, generation, deadline=None):
        """Renew the credentials after a 401 seen with ``generation`` (any request it makes
        gets ``deadline``); True when a new attempt may succeed."""
        return False


class _Signing(object):
    """The auth hook as requests calls it: on the prepared request, after its URL and
    body are final (requests runs it on every attempt, so each is signed afresh)."""

    def __init__(self, auth):
        self.auth = auth

    def __call__(self, prepared):
        self.auth.sign(prepared.method, prepared.url, prepared.headers, prepared.body)
        return prepared


class TokenLoginAuth(Auth):
    """A token given by the user, or one from a login that is renewed once when the API
    answers 401. Concurrent requests that hit the same 401 share one new login.
    Providers define ``login(client, deadline) -> token`` (its request gets ``deadline``: None
    for the first login, a wait's own for a new one within it) and the header the token goes in."""

    token_header = 'Authorization'
    token_format = 'Bearer %s'
    missing_credentials = 'No token, and no username and password to log in with.'

    def __init__(self, token=None, can_login=False):
        self.given_token = token
        self.token = token
        self.can_login = can_login
        self.generation = 0

    def login(self, client, deadline=None):  # pragma: no cover - every provider defines it
        raise NotImplementedError

    def login_secrets(self):
        return ()

    def secret_values(self):
        return (self.given_token, self.token) + tuple(self.login_secrets())

    def check_ready(self):
        """Raise ConfigurationError when something besides the token is missing."""

    def prepare(self, client):
        if not self.token:
            if not self.can_login:
                raise ConfigurationError(self.missing_credentials)
            self._login(client)
        self.check_ready()

    def headers(self):
        return {self.token_header: self.token_format % self.token} if self.token else {}

    def refresh(self, client, generation, deadline=None):
        if generation != self.generation:
            return True  # another request logged in again meanwhile
        if not self.can_login:
            return False
        self._login(client, deadline)
        return True

    def _login(self, client, deadline=None):
        self.token = self.login(client, deadline)
        self.generation += 1


# urllib3's errors for a connection that was never made (NameResolutionError subclasses NewConnectionError).
NOT_CONNECTED_ERRORS = frozenset(('NewConnectionError', 'NameResolutionError'))


class _NotConnected(TransportError):
    """The connection was never made: nothing reached the server."""


class _ConnectTimeout(RequestTimeoutError):
    """The connection timed out before it was made: nothing reached the server."""


class HttpClient(object):
    """A JSON-over-HTTP client on one keep-alive session."""

    def __init__(self, base_url, auth=None, timeout=30, validate_certs=True, ca_path=None,
                 max_retries=5, backoff_base=0.5, backoff_cap=30.0,
                 sleep=None, rand=None, clock=None, session=None, pool_size=16, warn=None):
        self.base_url = base_url.rstrip('/') if base_url else ''
        self.auth = auth or Auth()
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.sleep = sleep or time.sleep
        self.rand = rand or random.uniform
        self.clock = clock or time.monotonic
        if ca_path and not os.path.exists(ca_path):
            raise ConfigurationError('ca_path %s: no such file or directory.' % ca_path)
        if session is None:
            session = requests.Session()
            adapter = HTTPAdapter(pool_connections=pool_size, pool_maxsize=pool_size, max_retries=0)
            session.mount('https://', adapter)
            session.mount('http://', adapter)
        # Given with every request: requests lets REQUESTS_CA_BUNDLE override a session's verify.
        self.verify = (ca_path or True) if validate_certs else False
        session.verify = self.verify
        session.headers.update({'User-Agent': USER_AGENT, 'Accept': 'application/json'})
        self.session = session
        self._prepared = False
        self._auth_lock = threading.RLock()
        if warn is not None and self.base_url:
            self._warn_insecure(warn, validate_certs)

    def _warn_insecure(self, warn, validate_certs):
        shown = re.sub(r'//[^/@]*@', '//', self.base_url)
        if shown.lower().startswith('http://'):
            warn('%s is plain http://: credentials and tokens cross the network unencrypted.' % shown)
        elif not validate_certs:
            warn('validate_certs is false for %s: credentials go to a server whose certificate is not checked.' % shown)

    def redact(self, text):
        auth = self.auth
        return redact(text, [s for s in auth.secret_values() if s], auth.secret_fields, auth.secret_headers)

    def ensure_ready(self):
        """Let the auth hook log in once, before the first authenticated request
        (jobs followed concurrently share the client, hence the lock)."""
        with self._auth_lock:
            if not self._prepared:
                self.auth.prepare(self)
                self._prepared = True

    def url_for(self, path):
        if path.startswith('http://') or path.startswith('https://'):
            return path
        return self.base_url + '/' + path.lstrip('/')

    def display_path(self, url):
        """The URL as shown in messages: no scheme/host/userinfo, no credentials."""
        shown = url
        if shown.startswith(self.base_url) and self.base_url:
            shown = shown[len(self.base_url):] or '/'
        else:
            shown = re.sub(r'^[a-zA-Z][a-zA-Z0-9+.-]*://[^/]*', '', shown) or '/'
        return self.redact(shown)

    def get(self, path, params=None, **kwargs):
        return self.request('GET', path, params=params, **kwargs)

    def put(self, path, body=None, **kwargs):
        return self.request('PUT', path, body=body, **kwargs)

    def post(self, path, body=None, **kwargs):
        return self.request('POST', path, body=body, **kwargs)

    def request(self, method, path, params=None, body=None, headers=None, expected_json=True, authenticate=True,
                safe=None, deadline=None):
        """Send one request and return a Response for any 2xx.

        ``safe`` requests (reads, and logins that start nothing) are retried on
        transport errors, timeouts, 429/502/503/504 and unparseable bodies. Any other
        request is sent once (again only when the connection was never made, or after
        a 401 and a new login): every other failure raises WriteOutcomeUnknown.
        Otherwise raises AuthError (401/403), NotFoundError (404), ConflictError (409),
        HttpStatusError, TransportError/RequestTimeoutError/TlsError, BadResponseError.

        ``deadline`` (a ``clock()`` value, or None) bounds every retry pause and request
        timeout: a wait passes its own, so that no read runs past wait_timeout."""
        method = method.upper()
        safe = method in IDEMPOTENT_METHODS if safe is None else safe
        url = self.url_for(path)
        shown = self.display_path(url)
        if authenticate:
            self.ensure_ready()
        refreshed = False
        attempt = 0
        while True:
            attempt += 1
            generation = self.auth.generation
            try:
                response = self._send(method, url, params, body, headers, authenticate, safe, deadline)
                failure = self._check(method, shown, response, expected_json, safe, attempt)
            except ApiError as exc:
                exc.method, exc.path, exc.attempts = method, shown, attempt
                failure, response = exc, None
            if failure is None:
                return response
            if response is not None and response.status == 401 and authenticate and not refreshed \
                    and self._refresh(generation, deadline):
                refreshed = True  # the token expired: one new login, then one retry
                attempt -= 1
                continue
            if not self._retryable(failure, safe) or not self._pause(attempt, failure.retry_after, deadline):
                raise self._final(failure)

    def _retryable(self, failure, safe):
        if isinstance(failure, (_NotConnected, _ConnectTimeout)):
            return True
        if not safe or isinstance(failure, (WriteOutcomeUnknown, TlsError)):
            return False
        if isinstance(failure, HttpStatusError):
            return failure.status in RETRYABLE_STATUS
        return isinstance(failure, (TransportError, BadResponseError))

    def _check(self, method, shown, response, expected_json, safe, attempt):
        """None for a usable answer, else the error it means."""
        if 200 <= response.status < 300:
            if not expected_json:
                return None
            try:
                response.json()
                return None
            except ValueError:
                text = self.redact(response.text)[:ERROR_BODY_EXCERPT]
                cls = BadResponseError if safe else WriteOutcomeUnknown
                return cls('%s %s: answered %s with a body that is not valid JSON: %s' % (method, shown, response.status, text),
                           method=method, path=shown, status=response.status, attempts=attempt)
        error = self._status_error(method, shown, response, attempt)
        if not safe and (response.status in RETRYABLE_STATUS or response.status >= 500):
            return WriteOutcomeUnknown(str(error), method=method, path=shown, status=response.status,
                                       api_code=error.api_code, api_message=error.api_message,
                                       attempts=attempt, retry_after=error.retry_after)
        return error

    def _refresh(self, generation, deadline):
        with self._auth_lock:
            return self.auth.refresh(self, generation, deadline)

    def _request_timeout(self, deadline):
        if deadline is None:
            return self.timeout
        return min(self.timeout, max(LAST_LOOK_TIMEOUT, deadline - self.clock()))

    def _send(self, method, url, params, body, headers, authenticate, safe, deadline):
        request_headers = {}
        auth = _Signing(self.auth) if authenticate else None
        if body is not None:
            request_headers['Content-Type'] = 'application/json'
        request_headers.update(headers or {})
        data = json.dumps(body).encode('utf-8') if body is not None else None
        timeout = self._request_timeout(deadline)
        try:
            raw = self.session.request(method, url, params=params, data=data, headers=request_headers,
                                       auth=auth, timeout=timeout, allow_redirects=False, verify=self.verify)
        except (requests.exceptions.InvalidSchema, requests.exceptions.MissingSchema, requests.exceptions.InvalidURL) as exc:
            raise ConfigurationError('%s %s: not a usable URL (%s).' % (method, self.display_path(url), type(exc).__name__))
        except requests.exceptions.ConnectTimeout as exc:
            raise _ConnectTimeout('connection timed out after %ss (%s)' % (timeout, type(exc).__name__))
        except requests.exceptions.SSLError as exc:
            raise TlsError('TLS error (%s): %s' % (type(exc).__name__, self._reason(exc)))
        except requests.exceptions.ConnectionError as exc:
            if _never_connected(exc):
                raise _NotConnected('connection failed (%s): %s' % (type(exc).__name__, self._reason(exc)))
            if not safe:
                raise WriteOutcomeUnknown('the connection failed after the request was sent (%s)' % type(exc).__name__)
            raise TransportError('connection failed (%s): %s' % (type(exc).__name__, self._reason(exc)))
        except requests.exceptions.Timeout as exc:
            if not safe:
                raise WriteOutcomeUnknown('no answer within %ss after the request was sent (%s)' % (timeout, type(exc).__name__))
            raise RequestTimeoutError('no answer within %ss (%s)' % (timeout, type(exc).__name__))
        except requests.exceptions.RequestException as exc:
            # a body cut short (ChunkedEncodingError) or badly encoded (ContentDecodingError)
            if not safe:
                raise WriteOutcomeUnknown('the answer was cut or unreadable (%s)' % type(exc).__name__)
            raise TransportError('request failed (%s): %s' % (type(exc).__name__, self._reason(exc)))
        return Response(raw.status_code, raw.headers, raw.text)

    def _reason(self, exc):
        return self.redact(str(exc))[:ERROR_BODY_EXCERPT]

    def _pause(self, attempt, retry_after, deadline):
        """Sleep before another attempt; False when the retry bound or the deadline
        leaves no room for one."""
        if attempt > self.max_retries:
            return False
        delay = retry_after if retry_after is not None else full_jitter(attempt - 1, self.backoff_base, self.backoff_cap, self.rand)
        if deadline is not None:
            room = deadline - self.clock()
            if room <= 0:
                return False
            delay = min(delay, room)
        self.sleep(delay)
        return True

    def _final(self, exc):
        prefix = '%s %s: ' % (exc.method, exc.path)
        message = str(exc)
        if message.startswith(prefix):
            message = message[len(prefix):]
        if exc.attempts > 1 and 'gave up after' not in message:
            prefix += 'gave up after %d attempts: ' % exc.attempts
        message = prefix + self.redact(message)
        if isinstance(exc, WriteOutcomeUnknown):
            message += '; the server may have acted on it'
        elif isinstance(exc, (_NotConnected, _ConnectTimeout)):
            message += '; no connection was made, so nothing reached the server'
        kind = {_NotConnected: TransportError, _ConnectTimeout: RequestTimeoutError}.get(type(exc), type(exc))
        return kind(message, method=exc.method, path=exc.path, status=exc.status, api_code=exc.api_code,
                    api_message=exc.api_message, attempts=exc.attempts, retry_after=exc.retry_after)

    def _status_error(self, method, shown, response, attempt):
        # Redact before api_error_from_body cuts the excerpt: a secret across the cut would leak its start.
        code, api_message = api_error_from_body(self.redact(response.text))
        code, api_message = self.redact(code), self.redact(api_message)
        status = response.status
        if status in (401, 403):
            cls = AuthError
        elif status == 404:
            cls = NotFoundError
        elif status == 409:
            cls = ConflictError
        else:
            cls = HttpStatusError
        detail = ': '.join(part for part in (code, api_message) if part)
        message = '%s %s: HTTP %s' % (method, shown, status)
        if attempt > 1:
            message += ' (gave up after %d attempts)' % attempt
        if detail:
            message += ': ' + detail
        return cls(message, method=method, path=shown, status=status, api_code=code, api_message=api_message,
                   attempts=attempt, retry_after=response.retry_after())


def _causes(exc):
    """``exc`` and what it wraps: requests' ConnectionError holds urllib3's MaxRetryError, whose
    ``reason`` is the error that ended the attempt (NewConnectionError, or NameResolutionError,
    its subclass in urllib3 2); Python chains the socket error underneath."""
    seen, pending = [], [exc]
    while pending:
        current = pending.pop()
        if not isinstance(current, BaseException) or any(current is s for s in seen):
            continue
        seen.append(current)
        pending.extend([getattr(current, 'reason', None), current.__cause__, current.__context__] + list(current.args))
    return seen


def _never_connected(exc):
    """True when a requests ConnectionError shows the TCP connection was never made, so a
    write cannot have reached the server: the name did not resolve (any getaddrinfo error,
    EAI_AGAIN "Temporary failure in name resolution" included), the connection was refused,
    or there was no route."""
    for cause in _causes(exc):
        if isinstance(cause, (socket.gaierror, ConnectionRefusedError)) or type(cause).__name__ in NOT_CONNECTED_ERRORS:
            return True
    text = repr(exc)
    return any(marker in text for marker in (
        'NewConnectionError', 'NameResolutionError', 'Connection refused', 'Name or service not known',
        'Temporary failure in name resolution', 'nodename nor servname', 'Failed to establish a new connection',
        'No route to host'))


def connection_argument_spec(env_prefix):
    """Options every provider takes besides its own credentials and endpoints; TLS settings
    fall back to ``<env_prefix>_VALIDATE_CERTS`` and ``<env_prefix>_CA_PATH``."""
    return dict(
        validate_certs=dict(type='bool', default=True, fallback=(env_fallback, ['%s_VALIDATE_CERTS' % env_prefix])),
        ca_path=dict(type='path', fallback=(env_fallback, ['%s_CA_PATH' % env_prefix])),
        request_timeout=dict(type='float', default=30),
    )


def client_for(params, base_url, auth, warn=None, session=None):
    """An HttpClient configured by the connection options of ``params``."""
    return HttpClient(base_url, auth=auth, timeout=params.get('request_timeout') or 30,
                      validate_certs=params.get('validate_certs', True), ca_path=params.get('ca_path'),
                      session=session, warn=warn)
