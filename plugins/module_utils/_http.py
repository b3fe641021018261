# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to the dbops.patching collection. It is not a
# public API: it may change or go away in any release without notice.

"""One HTTP client for every provider: a requests.Session per task, bounded
retries with full-jitter backoff, Retry-After, and one typed error family
whose messages never carry a credential."""

import email.utils
import json
import math
import random
import re
import threading
import time

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

USER_AGENT = 'dbops.patching/0.1.0'
RETRYABLE_STATUS = frozenset((429, 502, 503, 504))
IDEMPOTENT_METHODS = frozenset(('GET', 'HEAD', 'OPTIONS'))
RETRY_AFTER_MIN = 1.0
RETRY_AFTER_MAX = 60.0
ERROR_BODY_EXCERPT = 300

_USERINFO_RE = re.compile(r'(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\s]+@')
_AUTH_HEADER_RE = re.compile(r'(?i)((?:authorization|x-auth-token|x-subject-token)\s*[:=]\s*)(?:bearer\s+|basic\s+)?[^\s,;\'"}]+')
_PASSWORD_FIELD_RE = re.compile(r'(?i)("?(?:password|passwd|token|auth_token|bearerToken)"?\s*[:=]\s*)("[^"]*"|[^\s,;}]+)')
REDACTED = '********'


def redact(text, secrets=()):
    """Remove credentials from a text: URL userinfo, auth headers, password/token
    fields, and every literal secret value given."""
    if text is None:
        return None
    text = str(text)
    for secret in secrets:
        if secret:
            text = text.replace(str(secret), REDACTED)
    text = _USERINFO_RE.sub(r'\g<scheme>' + REDACTED + '@', text)
    text = _AUTH_HEADER_RE.sub(r'\g<1>' + REDACTED, text)
    return _PASSWORD_FIELD_RE.sub(r'\g<1>"' + REDACTED + '"', text)


class ApiError(Exception):
    """Base of every error the collection's clients raise.

    ``method`` and ``path`` say what was asked, ``status`` the HTTP status (None when
    no answer arrived), ``api_code``/``api_message`` the API's own error."""

    kind = 'api'

    def __init__(self, message, method=None, path=None, status=None, api_code=None, api_message=None, attempts=1):
        super(ApiError, self).__init__(message)
        self.method = method
        self.path = path
        self.status = status
        self.api_code = api_code
        self.api_message = api_message
        self.attempts = attempts

    def to_result(self):
        """Structured error details for the module result (no credentials)."""
        return dict(kind=self.kind, method=self.method, path=self.path, status=self.status,
                    api_code=self.api_code, api_message=self.api_message, attempts=self.attempts)


class TransportError(ApiError):
    """No HTTP answer: connection refused/reset, TLS failure, DNS."""
    kind = 'transport'


class TlsError(TransportError):
    """The TLS handshake failed (for example an untrusted certificate): not retried."""
    kind = 'tls'


class RequestTimeoutError(TransportError):
    """One request exceeded request_timeout."""
    kind = 'timeout'


class HttpStatusError(ApiError):
    """The API answered with a non-2xx status."""
    kind = 'http'


class AuthError(HttpStatusError):
    """401/403, or a login that was refused."""
    kind = 'auth'


class NotFoundError(HttpStatusError):
    """404, or the API's own "does not exist" error."""
    kind = 'not_found'


class ConflictError(HttpStatusError):
    """409: another operation runs on the resource."""
    kind = 'conflict'


class BadResponseError(ApiError):
    """A 2xx answer whose body is not what the API documents (e.g. truncated JSON)."""
    kind = 'bad_response'


class WriteOutcomeUnknown(TransportError):
    """A write (PUT/POST) may have reached the server but its answer was lost."""
    kind = 'write_outcome_unknown'


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
    """The API's own (code, message) from an error body, in any of the shapes the three
    clouds use: {error_code, error_msg}, {message}, {error: {...}}, HTML or plain text."""
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


class Response(object):
    """What a request returned: status, headers (case-insensitive) and body."""

    def __init__(self, status, headers, text):
        self.status = status
        self.headers = headers
        self.text = text
        self._json = None
        self._decoded = False

    def json(self):
        """The body decoded as JSON, or None for an empty body."""
        if not self._decoded:
            self._json = json.loads(self.text) if self.text and self.text.strip() else None
            self._decoded = True
        return self._json


class Auth(object):
    """Authentication hook. Providers subclass it: ``headers()`` adds credentials to
    a request, ``refresh()`` logs in again after a 401 and says whether that may help."""

    secrets = ()

    def prepare(self, client):
        """Called once before the first request (e.g. to log in)."""

    def headers(self):
        return {}

    def basic(self):
        """A (user, password) tuple for HTTP Basic, or None."""
        return None

    def refresh(self, client):
        return False


class HttpClient(object):
    """A JSON-over-HTTP client on one keep-alive session.

    Reads (GET) are retried on connection errors, timeouts, 429 and 502/503/504.
    Writes (PUT/POST/...) are retried only when the server cannot have acted on them:
    the connection was never established, or it answered 429. Anything else raises,
    and a write whose answer was lost raises WriteOutcomeUnknown: the caller must
    re-read state before it decides anything."""

    def __init__(self, base_url, auth=None, timeout=30, validate_certs=True, ca_path=None,
                 max_retries=5, backoff_base=0.5, backoff_cap=30.0,
                 sleep=None, rand=None, session=None, pool_size=16):
        self.base_url = base_url.rstrip('/') if base_url else ''
        self.auth = auth or Auth()
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.sleep = sleep or time.sleep
        self.rand = rand or random.uniform
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

    @property
    def secrets(self):
        return tuple(s for s in self.auth.secrets if s)

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
        return redact(shown, self.secrets)

    def get(self, path, params=None, **kwargs):
        return self.request('GET', path, params=params, **kwargs)

    def put(self, path, body=None, **kwargs):
        return self.request('PUT', path, body=body, **kwargs)

    def post(self, path, body=None, **kwargs):
        return self.request('POST', path, body=body, **kwargs)

    def request(self, method, path, params=None, body=None, headers=None, expected_json=True, authenticate=True):
        """Send one request (with bounded retries) and return a Response for any 2xx.

        Raises AuthError (401/403), NotFoundError (404), ConflictError (409),
        HttpStatusError (other statuses), TransportError/RequestTimeoutError, or
        WriteOutcomeUnknown; BadResponseError when ``expected_json`` and the body is not JSON."""
        method = method.upper()
        url = self.url_for(path)
        shown = self.display_path(url)
        if authenticate:
            self.ensure_ready()
        refreshed = False
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._send(method, url, params, body, headers, authenticate)
            except ApiError as exc:
                exc.method, exc.path, exc.attempts = method, shown, attempt
                if isinstance(exc, (WriteOutcomeUnknown, TlsError)) or attempt > self.max_retries:
                    raise self._final(exc)
                self._pause(attempt, None)
                continue

            if 200 <= response.status < 300:
                if expected_json:
                    try:
                        response.json()
                    except ValueError:
                        raise BadResponseError(
                            '%s %s: answered %s with a body that is not valid JSON: %s'
                            % (method, shown, response.status, redact(response.text, self.secrets)[:ERROR_BODY_EXCERPT]),
                            method=method, path=shown, status=response.status, attempts=attempt)
                return response

            if response.status == 401 and authenticate and not refreshed and self._refresh():
                refreshed = True  # the token expired: one new login, then one retry
                attempt -= 1
                continue

            retryable = response.status in RETRYABLE_STATUS and (method in IDEMPOTENT_METHODS or response.status == 429)
            if retryable and attempt <= self.max_retries:
                self._pause(attempt, parse_retry_after(response.headers.get('Retry-After')))
                continue
            raise self._status_error(method, shown, response, attempt)

    def _refresh(self):
        with self._auth_lock:
            return self.auth.refresh(self)

    def _send(self, method, url, params, body, headers, authenticate):
        request_headers = {}
        auth = None
        if authenticate:
            request_headers.update(self.auth.headers())
            auth = self.auth.basic()
        if body is not None:
            request_headers['Content-Type'] = 'application/json'
        request_headers.update(headers or {})
        data = json.dumps(body) if body is not None else None
        try:
            raw = self.session.request(method, url, params=params, data=data, headers=request_headers,
                                       auth=auth, timeout=self.timeout, allow_redirects=False, verify=self.verify)
        except requests.exceptions.ConnectTimeout as exc:
            raise RequestTimeoutError('connection timed out after %ss (%s)' % (self.timeout, type(exc).__name__))
        except requests.exceptions.SSLError as exc:
            raise TlsError('TLS error (%s): %s' % (type(exc).__name__, self._reason(exc)))
        except requests.exceptions.ConnectionError as exc:
            if method not in IDEMPOTENT_METHODS and not _never_connected(exc):
                raise WriteOutcomeUnknown('the connection failed after the request was sent (%s)' % type(exc).__name__)
            raise TransportError('connection failed (%s): %s' % (type(exc).__name__, self._reason(exc)))
        except requests.exceptions.Timeout as exc:
            if method not in IDEMPOTENT_METHODS:
                raise WriteOutcomeUnknown('no answer within %ss after the request was sent (%s)' % (self.timeout, type(exc).__name__))
            raise RequestTimeoutError('no answer within %ss (%s)' % (self.timeout, type(exc).__name__))
        except requests.exceptions.RequestException as exc:
            raise TransportError('request failed (%s): %s' % (type(exc).__name__, self._reason(exc)))
        return Response(raw.status_code, raw.headers, raw.text)

    def _reason(self, exc):
        return redact(str(exc), self.secrets)[:ERROR_BODY_EXCERPT]

    def _pause(self, attempt, retry_after):
        delay = retry_after if retry_after is not None else full_jitter(attempt - 1, self.backoff_base, self.backoff_cap, self.rand)
        self.sleep(delay)

    def _final(self, exc):
        prefix = '%s %s: ' % (exc.method, exc.path)
        if exc.attempts > 1:
            prefix += 'gave up after %d attempts: ' % exc.attempts
        message = prefix + redact(str(exc), self.secrets)
        if isinstance(exc, WriteOutcomeUnknown):
            message += '; the server may have acted on it, so it was not sent again'
        final = type(exc)(message, method=exc.method, path=exc.path, status=exc.status, attempts=exc.attempts)
        return final

    def _status_error(self, method, shown, response, attempt):
        # Redact before api_error_from_body cuts the excerpt: a secret across the cut would leak its start.
        code, api_message = api_error_from_body(redact(response.text, self.secrets))
        code, api_message = redact(code, self.secrets), redact(api_message, self.secrets)
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
        return cls(message, method=method, path=shown, status=status, api_code=code, api_message=api_message, attempts=attempt)


def _never_connected(exc):
    """True when a requests ConnectionError shows the TCP connection was never made,
    so a write cannot have reached the server."""
    text = repr(exc)
    return any(marker in text for marker in (
        'NewConnectionError', 'Connection refused', 'Name or service not known',
        'nodename nor servname', 'Failed to establish a new connection', 'No route to host'))
