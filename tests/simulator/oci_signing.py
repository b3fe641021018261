# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""OCI request signatures ("Signature Version 1", draft-cavage-http-signatures-08, RSA-SHA256), both
sides: ``sign()`` / ``RequestsSigner`` for the simulator's own tests, the demo and module tests, and
``verify()`` for the simulated OCI endpoints (oci.py). Independent of the collection's module_utils.

What it follows (Oracle's pages and SDK code):

- Request Signatures, https://docs.oracle.com/iaas/Content/API/Concepts/signingrequests.htm: the
  ``Authorization: Signature version="1",headers="...",keyId="<tenancy>/<user>/<fingerprint>",
  algorithm="rsa-sha256",signature="..."`` header; GET/DELETE sign at least ``date (request-target)
  host``, PUT/POST also ``content-length content-type x-content-sha256``; a missing required header
  or a client clock more than 5 minutes off is a 401 NotAuthenticated.
- oracle/oci-go-sdk common/http_signer.go: ``defaultGenericHeaders``, ``defaultBodyHeaders`` (body
  headers for POST, PUT and PATCH), ``getSigningString`` (``name: value`` lines joined by ``\\n``;
  ``(request-target)`` = lower-case method + " " + path?query; ``host`` = the URL's host[:port]) and
  ``GetBodyHash`` (base64 SHA-256 of the body, of the empty string for an empty body).
- oracle/oci-python-sdk src/oci/signer.py (the same header lists; ``date`` from
  ``email.utils.formatdate(usegmt=True)``, ``content-type`` defaulting to application/json) and
  _vendor/httpsig_cffi/sign.py (PKCS#1 v1.5 over SHA-256 with ``cryptography``).

The default key is Oracle's documented test user ("Test Values" of the Request Signatures page,
reproduced in oracle/oci-go-sdk common/http_signer_test.go): public test data, shipped as
fixtures/oci_api_key.pem. ``cryptography`` is imported only when a key is used, so the other
simulated clouds run without it.
"""

import base64
import email.utils
import hashlib
import os
import re
import time
from urllib.parse import urlsplit

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures')

# The Request Signatures page's "Test Values" (oracle/oci-go-sdk common/http_signer_test.go:
# testTenancyOCID, testUserOCID, testFingerprint, testComparmentOCID, testPrivateKey). The
# fingerprint is the page's value, not the MD5 of this key (73:61:a2:21:...): OCI only uses it
# to name the key in keyId.
TENANCY = 'ocid1.tenancy.oc1..aaaaaaaaba3pv6wkcr4jqae5f15p2b2m2yt2j6rx32uzr4h25vqstifsfdsq'
USER = 'ocid1.user.oc1..aaaaaaaat5nvwcna5j6aqzjcaty5eqbb6qt2jvpkanghtgdaqedqw3rynjq'
FINGERPRINT = '20:3b:97:13:55:1c:5b:0d:d3:37:d8:50:4e:c5:3a:34'
COMPARTMENT = 'ocid1.compartment.oc1..aaaaaaaam3we6vgnherjq5q2idnccdflvjsnog7mlr6rtdb25gilchfeyjxa'
KEY_ID = '%s/%s/%s' % (TENANCY, USER, FINGERPRINT)
KEY_FILE = os.path.join(FIXTURES, 'oci_api_key.pem')

GENERIC_HEADERS = ('date', '(request-target)', 'host')
BODY_HEADERS = ('content-length', 'content-type', 'x-content-sha256')
# The SDKs sign the body headers for POST, PUT and PATCH (http_signer.go defaultBodyHashPredicate);
# the Request Signatures page requires them for PUT and POST.
SIGN_BODY_METHODS = ('POST', 'PUT', 'PATCH')
REQUIRE_BODY_METHODS = ('POST', 'PUT')
MAX_CLOCK_SKEW = 300.0  # seconds: "If the client's clock is skewed more than 5 minutes, a 401 (NotAuthenticated)"

_PARAM_RE = re.compile(r'\s*([A-Za-z]+)\s*=\s*"([^"]*)"\s*(?:,|$)')


class SignatureError(Exception):
    """Why a request's signature is refused (the simulator's detail; OCI's answer is a plain 401)."""


def _crypto():
    try:
        from cryptography.exceptions import InvalidSignature  # pylint: disable=import-outside-toplevel
        from cryptography.hazmat.primitives import hashes, serialization  # pylint: disable=import-outside-toplevel
        from cryptography.hazmat.primitives.asymmetric import padding  # pylint: disable=import-outside-toplevel
    except ImportError:
        raise RuntimeError('OCI request signatures need the cryptography package (pip install cryptography)') from None
    return InvalidSignature, hashes, serialization, padding


def read_key_file(path=KEY_FILE):
    with open(path, 'rb') as handle:
        return handle.read()


def load_private_key(pem=None, pass_phrase=None):
    dummy, dummy, serialization, dummy = _crypto()
    if pem is None:
        pem = read_key_file()
    if isinstance(pem, str):
        pem = pem.encode('ascii')
    password = pass_phrase.encode('utf-8') if isinstance(pass_phrase, str) else pass_phrase
    return serialization.load_pem_private_key(pem, password)


def load_public_key(pem):
    """An RSA public key from PEM: SubjectPublicKeyInfo ("PUBLIC KEY"), PKCS#1 ("RSA PUBLIC KEY"),
    or a private key (its public half)."""
    dummy, dummy, serialization, dummy = _crypto()
    if isinstance(pem, str):
        pem = pem.encode('ascii')
    if b'PRIVATE KEY' in pem:
        return serialization.load_pem_private_key(pem, None).public_key()
    return serialization.load_pem_public_key(pem)


def public_pem(key):
    dummy, dummy, serialization, dummy = _crypto()
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode('ascii')


def fingerprint(public_key):
    """OCI's key fingerprint: MD5 of the DER SubjectPublicKeyInfo, as colon-separated hex pairs."""
    dummy, dummy, serialization, dummy = _crypto()
    der = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return ':'.join('%02x' % byte for byte in hashlib.md5(der).digest())  # nosec: OCI's fingerprint format


def body_hash(body):
    """x-content-sha256: base64 of the SHA-256 of the body bytes (of b'' for no body)."""
    if body is None:
        body = b''
    if isinstance(body, str):
        body = body.encode('utf-8')
    return base64.b64encode(hashlib.sha256(body).digest()).decode('ascii')


def signing_string(method, target, headers, names):
    """The string a signature covers: one ``name: value`` line per signed header, joined by newlines;
    ``headers`` maps lower-case names to values, ``target`` is path?query as sent."""
    lines = []
    for name in names:
        name = name.lower()
        if name == '(request-target)':
            value = '%s %s' % (method.lower(), target)
        else:
            value = headers.get(name)
            if value is None:
                raise SignatureError('the signed header %s is not in the request' % name)
        lines.append('%s: %s' % (name, value))
    return '\n'.join(lines)


def http_date(epoch=None):
    return email.utils.formatdate(time.time() if epoch is None else epoch, usegmt=True)


def sign(method, url, body=b'', headers=None, key_id=KEY_ID, private_key=None, date=None, names=None):
    """The headers to send with a request so that OCI (or the simulator) accepts it: ``date``,
    ``host``, for POST/PUT/PATCH ``content-type`` (application/json unless given),
    ``content-length`` and ``x-content-sha256``, and ``authorization``. Headers given in ``headers``
    are kept (a test may pass a wrong one on purpose); ``names`` overrides the signed header list;
    ``private_key`` is a key object or PEM (default: the test user's key)."""
    dummy, hashes, dummy, padding = _crypto()
    if private_key is None or isinstance(private_key, (bytes, str)):
        private_key = load_private_key(private_key)
    method = method.upper()
    parts = urlsplit(url)
    target = parts.path or '/'
    if parts.query:
        target += '?' + parts.query
    if body is None:
        body = b''
    if isinstance(body, str):
        body = body.encode('utf-8')
    out = dict((k.lower(), v) for k, v in (headers or {}).items())
    out.setdefault('date', date if isinstance(date, str) else http_date(date))
    out.setdefault('host', parts.netloc)
    if names is None:
        names = list(GENERIC_HEADERS)
        if method in SIGN_BODY_METHODS:
            names += list(BODY_HEADERS)
    if method in SIGN_BODY_METHODS:
        out.setdefault('content-type', 'application/json')
        out.setdefault('content-length', str(len(body)))
        out.setdefault('x-content-sha256', body_hash(body))
    text = signing_string(method, target, out, names)
    signature = base64.b64encode(private_key.sign(text.encode('utf-8'), padding.PKCS1v15(), hashes.SHA256())).decode('ascii')
    out['authorization'] = ('Signature version="1",headers="%s",keyId="%s",algorithm="rsa-sha256",signature="%s"'
                            % (' '.join(names), key_id, signature))
    return out


class RequestsSigner(object):
    """A ``requests`` auth (any callable taking the prepared request): signs each request as sent,
    so a retried request gets a fresh ``date``.

        session.get(url, auth=RequestsSigner())
    """

    def __init__(self, key_id=KEY_ID, private_key=None):
        self.key_id = key_id
        self.private_key = load_private_key(private_key) if private_key is None or isinstance(private_key, (bytes, str)) else private_key

    def __call__(self, prepared):
        body = prepared.body or b''
        given = dict((k.lower(), v) for k, v in prepared.headers.items() if k.lower() in ('content-type', 'content-length'))
        for name, value in sign(prepared.method, prepared.url, body, given, self.key_id, self.private_key).items():
            prepared.headers[name] = value
        return prepared


# -- the server side ------------------------------------------------------------------------------


def parse_authorization(value):
    """The parameters of an ``Authorization: Signature k="v",...`` header (SignatureError if it is none)."""
    scheme, dummy, rest = (value or '').strip().partition(' ')
    if scheme.lower() != 'signature' or not rest.strip():
        raise SignatureError('the Authorization header is not a "Signature" one')
    params = {}
    position = 0
    rest = rest.strip()
    while position < len(rest):
        match = _PARAM_RE.match(rest, position)
        if not match:
            raise SignatureError('the Authorization header does not parse at %r' % rest[position:position + 20])
        params[match.group(1)] = match.group(2)
        position = match.end()
    return params


def verify(method, target, headers, body, public_keys, now=None, max_skew=MAX_CLOCK_SKEW):
    """Check one request's signature; returns the keyId, raises SignatureError.

    ``headers`` is any mapping with a case-insensitive ``get`` (or lower-case keys); ``body`` the
    bytes received; ``public_keys`` maps keyId to a public key object; ``now`` the real clock."""
    InvalidSignature, hashes, dummy, padding = _crypto()
    params = parse_authorization(headers.get('authorization'))
    for required in ('version', 'headers', 'keyId', 'algorithm', 'signature'):
        if required not in params:
            raise SignatureError('the Authorization header has no %s' % required)
    if params['version'] != '1':
        raise SignatureError('signature version %r is not 1' % params['version'])
    if params['algorithm'].lower() != 'rsa-sha256':
        raise SignatureError('algorithm %r is not rsa-sha256' % params['algorithm'])
    names = [name.lower() for name in params['headers'].split()]
    date_name = 'x-date' if 'x-date' in names else 'date'  # "if both are included, Oracle uses x-date" (D1, as read)
    required = [date_name, '(request-target)', 'host']
    if method.upper() in REQUIRE_BODY_METHODS:
        required += list(BODY_HEADERS)
    missing = [name for name in required if name not in names]
    if missing:
        raise SignatureError('the signature does not cover the required header(s) %s' % ' '.join(missing))
    lowered = _Lowered(headers)
    date = lowered.get(date_name)
    try:
        sent = email.utils.parsedate_to_datetime(date).timestamp() if date else None
    except (TypeError, ValueError, IndexError):
        sent = None
    if sent is None:
        raise SignatureError('the %s header is missing or not an HTTP date' % date_name)
    skew = (time.time() if now is None else now) - sent
    if abs(skew) > max_skew:
        raise SignatureError('the %s header is %d seconds off the clock (more than %d allowed)' % (date_name, skew, max_skew))
    if 'x-content-sha256' in names and lowered.get('x-content-sha256') != body_hash(body):
        raise SignatureError('x-content-sha256 is not the SHA-256 of the body')
    if 'content-length' in names and lowered.get('content-length') is not None and lowered.get('content-length').strip() != str(len(body or b'')):
        raise SignatureError('content-length is not the length of the body')
    key = public_keys.get(params['keyId'])
    if key is None:
        raise SignatureError('no API key is registered for keyId %s' % params['keyId'])
    text = signing_string(method, target, lowered, names)
    try:
        signature = base64.b64decode(params['signature'], validate=True)
    except ValueError:
        raise SignatureError('the signature is not base64') from None
    try:
        key.verify(signature, text.encode('utf-8'), padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise SignatureError('the signature does not match the signing string') from None
    return params['keyId']


class _Lowered(object):
    """Case-insensitive header lookup over a dict or an http.client message."""

    def __init__(self, headers):
        self.headers = headers

    def get(self, name, default=None):
        value = self.headers.get(name)
        if value is None and isinstance(self.headers, dict):
            value = next((v for k, v in self.headers.items() if k.lower() == name), None)
        return default if value is None else value
