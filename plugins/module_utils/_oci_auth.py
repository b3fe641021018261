# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to the dbops.patching collection. It is not a
# public API: it may change or go away in any release without notice.

"""Oracle Cloud Infrastructure: the connection options, the configuration as OCI users
keep it (``~/.oci/config``), and the HTTP Signature every request carries.

What this relies on, from Oracle's own sources:

* Request Signatures (docs.oracle.com/iaas/Content/API/Concepts/signingrequests.htm): "Signature
  Version 1", based on draft-cavage-http-signatures-08, RSA-SHA256, in the ``Authorization``
  header; signed headers ``date (request-target) host``, and for PUT and POST also
  ``content-length content-type x-content-sha256`` (base64 SHA-256 of the body, also of an
  empty one); ``keyId`` is ``<tenancy>/<user>/<fingerprint>``. The Go SDK writes the header as
  ``Signature version="1",headers="...",keyId="...",algorithm="rsa-sha256",signature="..."``
  (oracle/oci-go-sdk common/http_signer.go), the form used here.
* The configuration file (oracle/oci-python-sdk src/oci/config.py): INI, profile ``DEFAULT``
  (whose keys every other profile inherits), keys ``user``, ``tenancy``, ``fingerprint``
  (``^([0-9a-f]{2}:){15}[0-9a-f]{2}$``), ``key_file``, ``pass_phrase``, ``region``,
  ``security_token_file``; ``key_content`` is refused in the file "for security reasons".
* Session tokens (``oci session authenticate``; src/oci/auth/signers/security_token_signer.py):
  the same signature with ``keyId="ST$<token>"`` and the session's own key (``key_file``).
* Keys are loaded as the Python SDK does (src/oci/signer.py ``load_private_key``): a pass
  phrase the key does not need is ignored (it may come from the DEFAULT profile)."""

import base64
import configparser
import email.utils
import hashlib
import os
import re
import time
from urllib.parse import urlsplit

from ansible.module_utils.basic import env_fallback, missing_required_lib

from ansible_collections.dbops.patching.plugins.module_utils import _http
from ansible_collections.dbops.patching.plugins.module_utils._errors import ConfigurationError

try:
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa
    HAS_CRYPTOGRAPHY = True
    CRYPTOGRAPHY_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - ansible-core requires cryptography
    HAS_CRYPTOGRAPHY = False
    CRYPTOGRAPHY_IMPORT_ERROR = exc

API_VERSION = '20160918'
DEFAULT_CONFIG_FILE = '~/.oci/config'
DEFAULT_PROFILE = 'DEFAULT'
AUTH_TYPES = ('api_key', 'security_token')
FINGERPRINT_RE = re.compile(r'^([0-9a-f]{2}:){15}[0-9a-f]{2}$')
REGION_RE = re.compile(r'^[a-z0-9]+(-[a-z0-9]+)*$')
GENERIC_HEADERS = ('date', '(request-target)', 'host')
BODY_HEADERS = ('content-length', 'content-type', 'x-content-sha256')
BODY_METHODS = ('PUT', 'POST', 'PATCH')
# The profile keys this collection reads (key_content is not one: OCI refuses it in the file).
PROFILE_KEYS = ('user', 'tenancy', 'fingerprint', 'key_file', 'pass_phrase', 'region', 'security_token_file')

# The domain of every region outside realm oc1 (oraclecloud.com), from REGION_REALMS and REALMS of
# oracle/oci-python-sdk src/oci/regions_definitions.py at 474b72dcff874183874acc1b3a564ea9c71e8bfb
# (v2.182.1, 2026-07-21). A region not listed here is taken to be in oc1.
REALM_DOMAINS = dict(
    [(r, 'oraclegovcloud.com') for r in ('us-langley-1', 'us-luke-1')]  # oc2
    + [(r, 'oraclegovcloud.com') for r in ('us-gov-ashburn-1', 'us-gov-chicago-1', 'us-gov-phoenix-1')]  # oc3
    + [(r, 'oraclegovcloud.uk') for r in ('uk-gov-london-1', 'uk-gov-cardiff-1')]  # oc4
    + [(r, 'oraclecloud8.com') for r in ('ap-chiyoda-1', 'ap-ibaraki-1')]
    + [(r, 'oraclecloud9.com') for r in ('me-dcc-muscat-1', 'me-ibri-1')]
    + [(r, 'oraclecloud10.com') for r in ('ap-dcc-canberra-1',)]
    + [(r, 'oraclecloud14.com') for r in ('eu-dcc-milan-1', 'eu-dcc-milan-2', 'eu-dcc-dublin-2', 'eu-dcc-rating-2',
                                          'eu-dcc-rating-1', 'eu-dcc-dublin-1')]
    + [(r, 'oraclecloud15.com') for r in ('ap-dcc-gazipur-1',)]
    + [(r, 'oraclecloud.eu') for r in ('eu-madrid-2', 'eu-frankfurt-2')]  # oc19
    + [(r, 'oraclecloud20.com') for r in ('eu-jovanovac-1',)]
    + [(r, 'oraclecloud21.com') for r in ('me-dcc-doha-1', 'me-alrayyan-1')]
    + [(r, 'oraclecloud23.com') for r in ('us-somerset-1', 'us-thames-1')]
    + [(r, 'oraclecloud24.com') for r in ('eu-dcc-zurich-1', 'eu-crissier-1')]
    + [(r, 'oraclecloud26.com') for r in ('me-abudhabi-3', 'me-alain-1')]
    + [(r, 'oraclecloud29.com') for r in ('me-abudhabi-2', 'me-abudhabi-4')]
    + [(r, 'oraclecloud35.com') for r in ('ap-seoul-2', 'ap-suwon-1', 'ap-chuncheon-2')]
    + [(r, 'oraclecloud42.com') for r in ('us-ashburn-2', 'us-newark-1')]
    + [(r, 'oraclecloud51.com') for r in ('eu-budapest-1',)]
    + [(r, 'oraclecloud52.com') for r in ('sa-riodejaneiro-1',)]
)
OC1_DOMAIN = 'oraclecloud.com'


def oci_argument_spec():
    """The connection options of the ``oci`` action group (one spec for every member)."""
    spec = dict(
        config_file=dict(type='path', default=DEFAULT_CONFIG_FILE, aliases=['config_file_location'],
                         fallback=(env_fallback, ['OCI_CONFIG_FILE'])),
        profile=dict(type='str', default=DEFAULT_PROFILE, aliases=['config_profile_name'],
                     fallback=(env_fallback, ['OCI_CONFIG_PROFILE'])),
        user=dict(type='str', aliases=['api_user'], fallback=(env_fallback, ['OCI_USER_ID'])),
        tenancy=dict(type='str', fallback=(env_fallback, ['OCI_TENANCY'])),
        fingerprint=dict(type='str', aliases=['api_user_fingerprint'], fallback=(env_fallback, ['OCI_USER_FINGERPRINT'])),
        key_file=dict(type='path', aliases=['api_user_key_file'], fallback=(env_fallback, ['OCI_USER_KEY_FILE'])),
        key_content=dict(type='str', no_log=True, fallback=(env_fallback, ['OCI_USER_KEY_CONTENT'])),
        pass_phrase=dict(type='str', no_log=True, aliases=['api_user_key_pass_phrase'],
                         fallback=(env_fallback, ['OCI_USER_KEY_PASS_PHRASE'])),
        region=dict(type='str', fallback=(env_fallback, ['OCI_REGION'])),
        auth_type=dict(type='str', default='api_key', choices=list(AUTH_TYPES),
                       fallback=(env_fallback, ['OCI_ANSIBLE_AUTH_TYPE'])),
        database_url=dict(type='str', fallback=(env_fallback, ['OCI_DATABASE_ENDPOINT'])),
        work_requests_url=dict(type='str', fallback=(env_fallback, ['OCI_WORK_REQUESTS_ENDPOINT'])),
    )
    spec.update(_http.connection_argument_spec('OCI'))
    return spec


def _text(value):
    """A stripped string, or None for None and blanks."""
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def read_profile(config_file, profile):
    """The keys of ``profile`` in the OCI configuration file ``config_file`` (with those of
    DEFAULT it inherits), or {} when the file is the default one and does not exist (every
    value may then come from the options). ConfigurationError for a file given but missing or
    unreadable, one that is no INI file, or a profile it does not have."""
    path = os.path.expanduser(config_file or DEFAULT_CONFIG_FILE)
    default_path = os.path.expanduser(DEFAULT_CONFIG_FILE)
    if not os.path.exists(path):
        if os.path.abspath(path) == os.path.abspath(default_path) and profile == DEFAULT_PROFILE:
            return {}
        raise ConfigurationError('config_file %s: no such file (profile %s was asked for).' % (path, profile))
    parser = configparser.ConfigParser(interpolation=None)
    try:
        with open(path) as handle:
            parser.read_file(handle, source=path)
    except (IOError, OSError) as exc:
        raise ConfigurationError('config_file %s cannot be read: %s.' % (path, exc.strerror or type(exc).__name__))
    except (configparser.Error, UnicodeDecodeError) as exc:
        # configparser's messages quote the line, which may hold a secret: name the kind of error only
        raise ConfigurationError('config_file %s is not an OCI configuration file (INI with [profile] sections): %s.'
                                 % (path, type(exc).__name__))
    if profile != DEFAULT_PROFILE and not parser.has_section(profile):
        raise ConfigurationError('profile %s: no such profile in config_file %s (it has %s).'
                                 % (profile, path, ', '.join([DEFAULT_PROFILE] + parser.sections())))
    section = parser[profile]
    return dict((key, _text(section.get(key))) for key in PROFILE_KEYS if _text(section.get(key)) is not None)


class OciSettings(object):
    """What a run connects with: the options, over the profile's values."""

    def __init__(self, params):
        self.config_file = os.path.expanduser(params.get('config_file') or DEFAULT_CONFIG_FILE)
        self.profile = _text(params.get('profile')) or DEFAULT_PROFILE
        found = read_profile(self.config_file, self.profile)
        self.from_profile = set()

        def pick(option, key=None):
            given = _text(params.get(option))
            if given is not None:
                return given
            value = found.get(key or option)
            if value is not None:
                self.from_profile.add(key or option)
            return value

        self.auth_type = params.get('auth_type') or 'api_key'
        self.user = pick('user')
        self.tenancy = pick('tenancy')
        self.fingerprint = pick('fingerprint')
        self.key_content = params.get('key_content') if _text(params.get('key_content')) else None
        self.key_file = None if self.key_content else pick('key_file')
        if self.key_file:
            self.key_file = os.path.expanduser(self.key_file)
        self.pass_phrase = params.get('pass_phrase') if params.get('pass_phrase') not in (None, '') else found.get('pass_phrase')
        self.region = pick('region')
        self.security_token_file = found.get('security_token_file')
        if self.security_token_file:
            self.security_token_file = os.path.expanduser(self.security_token_file)
        self.database_url = self.endpoint('database_url', params, 'database')
        self.work_requests_url = self.endpoint('work_requests_url', params, 'iaas')

    def where(self, option, key=None):
        """Where a value can be set, for messages."""
        return 'the %s option or %s in profile %s of %s' % (option, key or option, self.profile, self.config_file)

    def endpoint(self, option, params, service):
        """The URL of a service, without the API version: the option, else from the region."""
        given = _text(params.get(option))
        if given is not None:
            return _http.check_url(option, given).rstrip('/')
        if self.region is None:
            raise ConfigurationError('OCI needs a region (or %s) to know where to send requests: set %s.'
                                     % (option, self.where('region')))
        return region_endpoint(service, self.region)

    def secrets(self):
        return tuple(s for s in (self.pass_phrase, self.key_content) if s)


def region_endpoint(service, region):
    """``https://<service>.<region>.<realm domain>``; ConfigurationError for no region name."""
    if not REGION_RE.match(region):
        raise ConfigurationError('region must be an OCI region identifier such as us-ashburn-1, got %r.' % region)
    return 'https://%s.%s.%s' % (service, region, REALM_DOMAINS.get(region, OC1_DOMAIN))


def load_private_key(pem, pass_phrase, source):
    """The RSA private key of PEM bytes, as the Python SDK loads it (a pass phrase the key does
    not need is ignored). ConfigurationError naming ``source`` (never the key) when the key
    needs a pass phrase, the pass phrase is wrong, or it is no RSA private key."""
    if not HAS_CRYPTOGRAPHY:
        raise ConfigurationError(missing_required_lib('cryptography'), exception=str(CRYPTOGRAPHY_IMPORT_ERROR))
    if isinstance(pem, str):
        pem = pem.encode('utf-8')
    pem = pem.strip()
    password = pass_phrase.encode('utf-8') if pass_phrase else None
    try:
        try:
            key = serialization.load_pem_private_key(pem, password)
        except TypeError:
            if password is None:
                raise ConfigurationError('The key of %s is encrypted: set pass_phrase (the option, or pass_phrase in the '
                                         'profile).' % source)
            key = serialization.load_pem_private_key(pem, None)
    except ValueError:
        for loader in (serialization.load_pem_public_key, serialization.load_ssh_public_key):
            try:
                loader(pem)
            except (ValueError, TypeError, UnsupportedAlgorithm):
                continue
            raise ConfigurationError('%s holds a public key; OCI signs with the private key of the API key pair.' % source)
        if password is not None:
            raise ConfigurationError('The key of %s cannot be decrypted with the pass_phrase given (or it is no PEM '
                                     'private key).' % source)
        raise ConfigurationError('%s is no PEM private key.' % source)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ConfigurationError('%s is no RSA private key; OCI API keys are RSA keys.' % source)
    return key


def _read_file(path, what):
    try:
        with open(path, 'rb') as handle:
            return handle.read()
    except (IOError, OSError) as exc:
        raise ConfigurationError('%s %s cannot be read: %s.' % (what, path, exc.strerror or type(exc).__name__))


def _header(headers, name):
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def _set_header(headers, name, value):
    for key in [k for k in headers if k.lower() == name.lower() and k != name]:
        del headers[key]
    headers[name] = value


def signing_parts(method, url, headers, body, now=None):
    """The headers to sign (names, in order) and their values for one request: the ones the
    request has, the others as OCI wants them (date now, host of the URL, JSON content type,
    the length and SHA-256 of the body, an empty one included, for PUT/POST/PATCH)."""
    method = method.upper()
    parts = urlsplit(url)
    target = parts.path or '/'
    if parts.query:
        target += '?' + parts.query
    values = {
        'date': _header(headers, 'date') or email.utils.formatdate(time.time() if now is None else now, usegmt=True),
        '(request-target)': '%s %s' % (method.lower(), target),
        'host': _header(headers, 'host') or parts.netloc.rpartition('@')[2],
    }
    names = GENERIC_HEADERS
    if method in BODY_METHODS:
        data = body.encode('utf-8') if isinstance(body, str) else (body or b'')
        values.update({
            'content-length': str(_header(headers, 'content-length') or len(data)),
            'content-type': _header(headers, 'content-type') or 'application/json',
            'x-content-sha256': base64.b64encode(hashlib.sha256(data).digest()).decode('ascii'),
        })
        names = GENERIC_HEADERS + BODY_HEADERS
    return names, values


class OciAuth(_http.Auth):
    """HTTP Signature of every request (API key, or session token: see the module docstring).
    ``now`` (epoch seconds) is for tests that sign at a fixed date."""

    def __init__(self, key_id, private_key, secrets=(), token_file=None, now=None):
        self.key_id = key_id
        self.private_key = private_key
        self.secrets = tuple(secrets)
        self.token_file = token_file
        self.now = now

    def secret_values(self):
        token = self.key_id[3:] if self.key_id.startswith('ST$') else None
        return tuple(s for s in self.secrets + (token,) if s)

    def sign(self, method, url, headers, body):
        names, values = signing_parts(method, url, headers, body, self.now() if self.now else None)
        for name in names:
            if name != '(request-target)':
                _set_header(headers, name, values[name])
        signing_string = '\n'.join('%s: %s' % (name, values[name]) for name in names)
        signature = self.private_key.sign(signing_string.encode('utf-8'), padding.PKCS1v15(), hashes.SHA256())
        _set_header(headers, 'Authorization', 'Signature version="1",headers="%s",keyId="%s",algorithm="rsa-sha256",signature="%s"'
                    % (' '.join(names), self.key_id, base64.b64encode(signature).decode('ascii')))

    def refresh(self, client, generation, deadline=None):
        """After a 401 with a session token: read the token file again (``oci session refresh``
        may have renewed it meanwhile); True when it holds a new token."""
        if not self.token_file:
            return False
        token = _session_token(self.token_file)
        if 'ST$' + token == self.key_id:
            return False
        self.key_id = 'ST$' + token
        self.secrets += (token,)
        return True


def _session_token(path):
    token = _read_file(path, 'security_token_file').decode('utf-8', 'replace').strip()
    if not token:
        raise ConfigurationError('security_token_file %s is empty: run oci session authenticate (or refresh).' % path)
    return token


def oci_auth(settings, now=None):
    """The OciAuth of the settings; ConfigurationError naming what is missing and where to set it."""
    if settings.auth_type == 'security_token':
        missing = [] if settings.security_token_file else ['security_token_file']
        if not (settings.key_file or settings.key_content):
            missing.append('key_file')
        if missing:
            raise ConfigurationError('auth_type=security_token needs %s in profile %s of %s (oci session authenticate '
                                     'writes them).' % (' and '.join(missing), settings.profile, settings.config_file))
        token = _session_token(settings.security_token_file)
        key_id, token_file = 'ST$' + token, settings.security_token_file
        secrets = settings.secrets() + (token,)
    else:
        missing = [name for name in ('user', 'tenancy', 'fingerprint') if getattr(settings, name) is None]
        if not (settings.key_file or settings.key_content):
            missing.append('key_file (or key_content)')
        if missing:
            raise ConfigurationError('OCI API-key authentication needs %s: set the options (or their OCI_* environment '
                                     'variables), or the keys in profile %s of %s.'
                                     % (', '.join(missing), settings.profile, settings.config_file))
        if not FINGERPRINT_RE.match(settings.fingerprint):
            raise ConfigurationError('fingerprint must be the API key\'s fingerprint as the Console shows it, 16 lowercase '
                                     'hex pairs joined by colons (12:34:...:ef), got %r (from %s).'
                                     % (settings.fingerprint, 'the profile' if 'fingerprint' in settings.from_profile else 'the option'))
        key_id, token_file = '%s/%s/%s' % (settings.tenancy, settings.user, settings.fingerprint), None
        secrets = settings.secrets()
    if settings.key_content:
        pem, source = settings.key_content, 'key_content'
    else:
        pem, source = _read_file(settings.key_file, 'key_file'), 'key_file %s' % settings.key_file
    key = load_private_key(pem, settings.pass_phrase, source)
    return OciAuth(key_id, key, secrets=secrets + (pem if isinstance(pem, str) else pem.decode('utf-8', 'replace'),),
                   token_file=token_file, now=now)
