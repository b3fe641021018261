# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to the dbops.patching collection. It is not a
# public API: it may change or go away in any release without notice.

"""The one error family of the collection. Clients, providers and the write
workflow raise these; only the runner turns them into fail_json. Every message is
already free of credentials when it is built."""

# Statuses a read is retried on at once; inside a wait every 5xx is worth another look later.
RETRYABLE_STATUS = frozenset((429, 502, 503, 504))


class DbopsError(Exception):
    """Base of every error the collection raises. ``result`` holds extra keys for the
    module result (e.g. ``elapsed``); what a run already did lives in the run's own
    result, which the runner always returns."""

    def __init__(self, message, **result):
        super(DbopsError, self).__init__(message)
        self.result = result


class ModuleFailure(DbopsError):
    """A failure decided by the collection's own logic: a job that ended failed, a
    patch that is not available, a wait that timed out."""


class ConfigurationError(DbopsError):
    """Bad input or configuration, found before anything is sent: an option out of
    range, no credentials, no such clouds.yaml entry, an id that is no path segment."""


class ApiError(DbopsError):
    """Base of every error of a cloud API call.

    ``method`` and ``path`` say what was asked, ``status`` the HTTP status (None when
    no answer arrived), ``api_code``/``api_message`` the API's own error,
    ``retry_after`` the seconds the server asked to wait (or None)."""

    kind = 'api'

    def __init__(self, message, method=None, path=None, status=None, api_code=None, api_message=None,
                 attempts=1, retry_after=None):
        super(ApiError, self).__init__(message)
        self.method = method
        self.path = path
        self.status = status
        self.api_code = api_code
        self.api_message = api_message
        self.attempts = attempts
        self.retry_after = retry_after

    @property
    def transient(self):
        """Whether reading again later may well succeed (a wait keeps going on these)."""
        return False

    def to_result(self):
        """Structured error details for the module result (no credentials)."""
        return dict(kind=self.kind, method=self.method, path=self.path, status=self.status,
                    api_code=self.api_code, api_message=self.api_message, attempts=self.attempts)


class TransportError(ApiError):
    """No HTTP answer: connection refused/reset, DNS, a body cut short."""
    kind = 'transport'

    @property
    def transient(self):
        return True


class TlsError(TransportError):
    """The TLS handshake failed (for example an untrusted certificate): not retried."""
    kind = 'tls'

    @property
    def transient(self):
        return False


class RequestTimeoutError(TransportError):
    """One request exceeded request_timeout."""
    kind = 'timeout'


class HttpStatusError(ApiError):
    """The API answered with a non-2xx status."""
    kind = 'http'

    @property
    def transient(self):
        return self.status == 429 or (self.status or 0) >= 500


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
    """An answer whose body is not what the API documents (truncated or HTML where JSON
    was due, an object where a list was due, the answer for another id)."""
    kind = 'bad_response'

    @property
    def transient(self):
        return True


class WriteOutcomeUnknown(ApiError):
    """A write (PUT/POST that starts work) may have reached the server, but no usable
    answer came back: the connection broke after sending, the body was cut or
    unreadable, or a gateway/throttle status (429, 5xx) answered. Only a re-read of
    the cloud's state can tell whether it took effect."""
    kind = 'write_outcome_unknown'
