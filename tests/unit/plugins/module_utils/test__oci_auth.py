# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import base64
import calendar
import hashlib

import pytest
import requests

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.dbops.patching.plugins.module_utils import _http, _oci_auth
from ansible_collections.dbops.patching.plugins.module_utils._errors import ConfigurationError

# Oracle's "Test Values" of the Request Signatures page (docs.oracle.com/iaas/Content/API/Concepts/signingrequests.htm),
# as oracle/oci-go-sdk reproduces them in common/http_signer_test.go (commit e4b01fc30f2b77b1110b2a00dd64b2f84cb4e584, read
# at 7ce2eb7c4688c212b7d1bdf8e7c759f52477cffa): testTenancyOCID, testUserOCID, testFingerprint, testPrivateKey, testURL,
# testURL2, testBody, and the expected Authorization headers of TestOCIRequestSigner_Sign (GET) and _Sign2 (POST).
TENANCY = 'ocid1.tenancy.oc1..aaaaaaaaba3pv6wkcr4jqae5f15p2b2m2yt2j6rx32uzr4h25vqstifsfdsq'
USER = 'ocid1.user.oc1..aaaaaaaat5nvwcna5j6aqzjcaty5eqbb6qt2jvpkanghtgdaqedqw3rynjq'
FINGERPRINT = '20:3b:97:13:55:1c:5b:0d:d3:37:d8:50:4e:c5:3a:34'
PRIVATE_KEY = '''-----BEGIN RSA PRIVATE KEY-----
MIICXgIBAAKBgQDCFENGw33yGihy92pDjZQhl0C36rPJj+CvfSC8+q28hxA161QF
NUd13wuCTUcq0Qd2qsBe/2hFyc2DCJJg0h1L78+6Z4UMR7EOcpfdUE9Hf3m/hs+F
UR45uBJeDK1HSFHD8bHKD6kv8FPGfJTotc+2xjJwoYi+1hqp1fIekaxsyQIDAQAB
AoGBAJR8ZkCUvx5kzv+utdl7T5MnordT1TvoXXJGXK7ZZ+UuvMNUCdN2QPc4sBiA
QWvLw1cSKt5DsKZ8UETpYPy8pPYnnDEz2dDYiaew9+xEpubyeW2oH4Zx71wqBtOK
kqwrXa/pzdpiucRRjk6vE6YY7EBBs/g7uanVpGibOVAEsqH1AkEA7DkjVH28WDUg
f1nqvfn2Kj6CT7nIcE3jGJsZZ7zlZmBmHFDONMLUrXR/Zm3pR5m0tCmBqa5RK95u
412jt1dPIwJBANJT3v8pnkth48bQo/fKel6uEYyboRtA5/uHuHkZ6FQF7OUkGogc
mSJluOdc5t6hI1VsLn0QZEjQZMEOWr+wKSMCQQCC4kXJEsHAve77oP6HtG/IiEn7
kpyUXRNvFsDE0czpJJBvL/aRFUJxuRK91jhjC68sA7NsKMGg5OXb5I5Jj36xAkEA
gIT7aFOYBFwGgQAQkWNKLvySgKbAZRTeLBacpHMuQdl1DfdntvAyqpAZ0lY0RKmW
G6aFKaqQfOXKCyWoUiVknQJAXrlgySFci/2ueKlIE1QqIiLSZ8V8OlpFLRnb1pzI
7U1yQXnTAEFYM560yJlzUpOb1V4cScGd365tiSMvxLOvTA==
-----END RSA PRIVATE KEY-----'''
DATE = 'Thu, 05 Jan 2014 21:31:40 GMT'
GET_URL = ('https://iaas.us-phoenix-1.oraclecloud.com/20160918/instances'
           '?availabilityDomain=Pjwf%3A%20PHX-AD-1&'
           'compartmentId=ocid1.compartment.oc1..aaaaaaaam3we6vgnherjq5q2idnccdflvjsnog7mlr6rtdb25gilchfeyjxa'
           '&displayName=TeamXInstances&volumeId=ocid1.volume.oc1.phx.abyhqljrgvttnlx73nmrwfaux7kcvzfs3s66izvxf2h4lgvyndsdsnoiwr5q')
POST_URL = 'https://iaas.us-phoenix-1.oraclecloud.com/20160918/volumeAttachments'
POST_BODY = '''{
    "compartmentId": "ocid1.compartment.oc1..aaaaaaaam3we6vgnherjq5q2idnccdflvjsnog7mlr6rtdb25gilchfeyjxa",
    "instanceId": "ocid1.instance.oc1.phx.abuw4ljrlsfiqw6vzzxb43vyypt4pkodawglp3wqxjqofakrwvou52gb6s5a",
    "volumeId": "ocid1.volume.oc1.phx.abyhqljrgvttnlx73nmrwfaux7kcvzfs3s66izvxf2h4lgvyndsdsnoiwr5q"
}'''
KEY_ID = TENANCY + '/' + USER + '/' + FINGERPRINT
EXPECTED_GET = (
    'Signature version="1",headers="date (request-target) host",keyId="' + KEY_ID + '",algorithm="rsa-sha256",'
    'signature="GBas7grhyrhSKHP6AVIj/h5/Vp8bd/peM79H9Wv8kjoaCivujVXlpbKLjMPeDUhxkFIWtTtLBj3sUzaFj34XE6YZAHc9r2DmE4pMwOAy/k'
    'iITcZxa1oHPOeRheC0jP2dqbTll8fmTZVwKZOKHYPtrLJIJQHJjNvxFWeHQjMaR7M="')
EXPECTED_POST = (
    'Signature version="1",headers="date (request-target) host content-length content-type x-content-sha256",keyId="'
    + KEY_ID + '",algorithm="rsa-sha256",signature="Mje8vIDPlwIHmD/cTDwRxE7HaAvBg16JnVcsuqaNRim23fFPgQfLoOOxae6WqKb1uPjY'
    'El0qIdazWaBy/Ml8DRhqlocMwoSXv0fbukP8J5N80LCmzT/FFBvIvTB91XuXI3hYfP9Zt1l7S6ieVadHUfqBedWH0itrtPJBgKmrWso="')
EMPTY_SHA256 = base64.b64encode(hashlib.sha256(b'').digest()).decode('ascii')
PASS_PHRASE = 'oci-pass-phrase-s3cr3t'


def params(**given):
    """Module params as AnsibleModule gives them: every option present, defaults applied."""
    values = dict((name, spec.get('default')) for name, spec in _oci_auth.oci_argument_spec().items())
    values.update(given)
    return values


def the_test_key():
    return _oci_auth.load_private_key(PRIVATE_KEY, None, 'the test key')


def encrypted_pem(pass_phrase=PASS_PHRASE):
    return the_test_key().private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                        serialization.BestAvailableEncryption(pass_phrase.encode())).decode()


def verify(auth_header, signing_string):
    """Check an Authorization header against the signing string with the test key's public half."""
    signature = auth_header.split('signature="')[1].rstrip('"')
    the_test_key().public_key().verify(base64.b64decode(signature), signing_string.encode(), padding.PKCS1v15(), hashes.SHA256())


# -- the signature, against Oracle's own test values --------------------------------------------

def test_get_signature_is_byte_equal_to_oracles_test_value():
    auth = _oci_auth.OciAuth(KEY_ID, the_test_key())
    headers = {'date': DATE}
    auth.sign('GET', GET_URL, headers, None)
    assert headers['Authorization'] == EXPECTED_GET
    assert headers['host'] == 'iaas.us-phoenix-1.oraclecloud.com'


def test_post_signature_is_byte_equal_to_oracles_test_value():
    auth = _oci_auth.OciAuth(KEY_ID, the_test_key())
    headers = {'date': DATE, 'content-type': 'application/json', 'content-length': '316'}
    auth.sign('POST', POST_URL, headers, POST_BODY.encode())
    assert headers['Authorization'] == EXPECTED_POST
    assert headers['x-content-sha256'] == 'V9Z20UJTvkvpJ50flBzKE32+6m2zJjweHpDMX/U4Uy0='


def test_the_signature_of_a_request_as_requests_prepares_it():
    """requests gives the hook the final URL, the body bytes and its own Content-Length; host is added."""
    auth = _oci_auth.OciAuth(KEY_ID, the_test_key())
    prepared = requests.Request('POST', POST_URL, data=POST_BODY.encode(),
                                headers={'Content-Type': 'application/json', 'date': DATE}).prepare()
    _http._Signing(auth)(prepared)
    assert prepared.headers['Authorization'] == EXPECTED_POST
    assert prepared.headers['Content-Length'] == '316' and prepared.headers['host'] == 'iaas.us-phoenix-1.oraclecloud.com'
    assert len([k for k in prepared.headers if k.lower() == 'content-length']) == 1


def test_a_put_without_body_signs_the_hash_of_the_empty_body():
    auth = _oci_auth.OciAuth(KEY_ID, the_test_key())
    headers = {'date': DATE}
    auth.sign('PUT', 'https://database.us-ashburn-1.oraclecloud.com:8443/20160918/dbSystems/x?a=1', headers, None)
    assert headers['x-content-sha256'] == EMPTY_SHA256 == '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='
    assert headers['content-length'] == '0' and headers['content-type'] == 'application/json'
    verify(headers['Authorization'], '\n'.join([
        'date: ' + DATE, '(request-target): put /20160918/dbSystems/x?a=1', 'host: database.us-ashburn-1.oraclecloud.com:8443',
        'content-length: 0', 'content-type: application/json', 'x-content-sha256: ' + EMPTY_SHA256]))


def test_delete_signs_the_generic_headers_only():
    auth = _oci_auth.OciAuth(KEY_ID, the_test_key())
    headers = {'Date': DATE}
    auth.sign('DELETE', POST_URL, headers, None)
    assert 'headers="date (request-target) host"' in headers['Authorization']
    assert 'x-content-sha256' not in headers and list(headers).count('Date') + list(headers).count('date') == 1


def test_each_attempt_is_signed_with_a_fresh_date():
    clock = [calendar.timegm((2014, 1, 5, 21, 31, 40, 0, 0, 0))]
    auth = _oci_auth.OciAuth(KEY_ID, the_test_key(), now=lambda: clock[0])
    first, second = {}, {}
    auth.sign('GET', POST_URL, first, None)
    clock[0] += 61
    auth.sign('GET', POST_URL, second, None)
    # (Oracle's test date says Thu; 5 January 2014 was a Sunday)
    assert first['date'] == 'Sun, 05 Jan 2014 21:31:40 GMT' and second['date'] == 'Sun, 05 Jan 2014 21:32:41 GMT'
    assert first['Authorization'] != second['Authorization']


# -- the argument spec --------------------------------------------------------------------------

def test_argument_spec_is_the_contracts_oci_row():
    spec = _oci_auth.oci_argument_spec()
    expected = dict(config_file=('OCI_CONFIG_FILE', ['config_file_location']), profile=('OCI_CONFIG_PROFILE', ['config_profile_name']),
                    user=('OCI_USER_ID', ['api_user']), tenancy=('OCI_TENANCY', None),
                    fingerprint=('OCI_USER_FINGERPRINT', ['api_user_fingerprint']), key_file=('OCI_USER_KEY_FILE', ['api_user_key_file']),
                    key_content=('OCI_USER_KEY_CONTENT', None), pass_phrase=('OCI_USER_KEY_PASS_PHRASE', ['api_user_key_pass_phrase']),
                    region=('OCI_REGION', None), auth_type=('OCI_ANSIBLE_AUTH_TYPE', None),
                    database_url=('OCI_DATABASE_ENDPOINT', None), work_requests_url=('OCI_WORK_REQUESTS_ENDPOINT', None),
                    validate_certs=('OCI_VALIDATE_CERTS', None), ca_path=('OCI_CA_PATH', None))
    for name, (env, aliases) in expected.items():
        assert spec[name]['fallback'][1] == [env], name
        assert spec[name].get('aliases') == aliases, name
    assert spec['key_content']['no_log'] and spec['pass_phrase']['no_log']
    assert spec['config_file']['default'] == '~/.oci/config' and spec['profile']['default'] == 'DEFAULT'
    assert spec['auth_type']['default'] == 'api_key' and spec['auth_type']['choices'] == ['api_key', 'security_token']
    assert spec['request_timeout']['default'] == 30


def test_environment_variables_fill_the_options(monkeypatch):
    monkeypatch.setenv('OCI_REGION', 'eu-frankfurt-1')
    monkeypatch.setenv('OCI_CONFIG_PROFILE', 'PROD')
    monkeypatch.setenv('OCI_USER_KEY_PASS_PHRASE', PASS_PHRASE)
    result = ArgumentSpecValidator(_oci_auth.oci_argument_spec()).validate({'api_user': USER})
    assert not result.error_messages, result.error_messages
    values = result.validated_parameters
    assert values['region'] == 'eu-frankfurt-1' and values['profile'] == 'PROD' and values['user'] == USER
    assert values['pass_phrase'] == PASS_PHRASE and PASS_PHRASE in result._no_log_values


# -- configuration: file, profiles, precedence -----------------------------------------------------

@pytest.fixture
def home(tmp_path, monkeypatch):
    """A home directory with ~/.oci/config and the test key in ~/.oci/key.pem."""
    monkeypatch.setenv('HOME', str(tmp_path))
    oci = tmp_path / '.oci'
    oci.mkdir()
    (oci / 'key.pem').write_text(PRIVATE_KEY + '\n')
    (oci / 'config').write_text('\n'.join([
        '[DEFAULT]', 'user=' + USER, 'fingerprint=' + FINGERPRINT, 'tenancy=' + TENANCY, 'region=us-ashburn-1',
        'key_file=~/.oci/key.pem', '',
        '[PROD]', 'region = eu-frankfurt-1', 'tenancy = ocid1.tenancy.oc1..prod', '',
        '[SESSION]', 'security_token_file=~/.oci/token', 'fingerprint=', '']))
    return tmp_path


def test_the_default_profile_of_the_default_file(home):
    settings = _oci_auth.OciSettings(params())
    assert settings.config_file == str(home / '.oci' / 'config')
    assert (settings.user, settings.tenancy, settings.region) == (USER, TENANCY, 'us-ashburn-1')
    assert settings.key_file == str(home / '.oci' / 'key.pem'), '~ is expanded in key_file'
    assert settings.database_url == 'https://database.us-ashburn-1.oraclecloud.com'
    assert settings.work_requests_url == 'https://iaas.us-ashburn-1.oraclecloud.com'
    headers = {'date': DATE}
    _oci_auth.oci_auth(settings).sign('GET', GET_URL, headers, None)
    assert headers['Authorization'] == EXPECTED_GET


def test_a_named_profile_inherits_default_and_overrides_it(home):
    settings = _oci_auth.OciSettings(params(profile='PROD'))
    assert (settings.user, settings.tenancy, settings.region) == (USER, 'ocid1.tenancy.oc1..prod', 'eu-frankfurt-1')


def test_options_override_the_profile(home):
    settings = _oci_auth.OciSettings(params(profile='PROD', region='us-phoenix-1', tenancy=TENANCY,
                                            database_url='http://127.0.0.1:8443/', work_requests_url='http://127.0.0.1:8444'))
    assert (settings.tenancy, settings.region) == (TENANCY, 'us-phoenix-1')
    assert settings.database_url == 'http://127.0.0.1:8443' and settings.work_requests_url == 'http://127.0.0.1:8444'
    assert settings.from_profile == set(['user', 'fingerprint', 'key_file'])


def test_key_content_wins_over_the_profiles_key_file(home):
    settings = _oci_auth.OciSettings(params(key_content=encrypted_pem(), pass_phrase=PASS_PHRASE))
    assert settings.key_file is None
    auth = _oci_auth.oci_auth(settings)
    assert PASS_PHRASE in auth.secret_values() and settings.key_content in auth.secret_values()


def test_without_a_config_file_the_options_are_enough(tmp_path, monkeypatch):
    monkeypatch.setenv('HOME', str(tmp_path))
    settings = _oci_auth.OciSettings(params(user=USER, tenancy=TENANCY, fingerprint=FINGERPRINT, key_content=PRIVATE_KEY,
                                            region='us-gov-ashburn-1'))
    assert settings.database_url == 'https://database.us-gov-ashburn-1.oraclegovcloud.com'
    assert _oci_auth.oci_auth(settings).key_id == KEY_ID


@pytest.mark.parametrize('region, url', [
    ('us-ashburn-1', 'https://iaas.us-ashburn-1.oraclecloud.com'),
    ('us-luke-1', 'https://iaas.us-luke-1.oraclegovcloud.com'),
    ('uk-gov-london-1', 'https://iaas.uk-gov-london-1.oraclegovcloud.uk'),
    ('eu-frankfurt-2', 'https://iaas.eu-frankfurt-2.oraclecloud.eu'),
    ('ap-chiyoda-1', 'https://iaas.ap-chiyoda-1.oraclecloud8.com'),
])
def test_endpoints_follow_the_realm_of_the_region(region, url):
    assert _oci_auth.region_endpoint('iaas', region) == url


def test_an_encrypted_key_with_its_pass_phrase_from_the_profile(home):
    (home / '.oci' / 'key.pem').write_text(encrypted_pem())
    with (home / '.oci' / 'config').open('a') as handle:
        handle.write('[ENC]\npass_phrase=%s\n' % PASS_PHRASE)
    auth = _oci_auth.oci_auth(_oci_auth.OciSettings(params(profile='ENC')))
    headers = {'date': DATE}
    auth.sign('GET', GET_URL, headers, None)
    assert headers['Authorization'] == EXPECTED_GET


def test_a_pass_phrase_the_key_does_not_need_is_ignored(home):
    auth = _oci_auth.oci_auth(_oci_auth.OciSettings(params(pass_phrase='left over from DEFAULT')))
    assert auth.key_id == KEY_ID


def test_security_token_signs_with_the_session_token(home):
    (home / '.oci' / 'token').write_text('eyJhbGciOi.session.token\n')
    settings = _oci_auth.OciSettings(params(profile='SESSION', auth_type='security_token'))
    auth = _oci_auth.oci_auth(settings)
    headers = {'date': DATE}
    auth.sign('GET', GET_URL, headers, None)
    assert 'keyId="ST$eyJhbGciOi.session.token"' in headers['Authorization']
    assert 'eyJhbGciOi.session.token' in auth.secret_values()
    verify(headers['Authorization'], 'date: %s\n(request-target): get %s\nhost: iaas.us-phoenix-1.oraclecloud.com'
           % (DATE, GET_URL.split('.com', 1)[1]))
    assert auth.refresh(None, 0) is False, 'the same token: nothing to retry with'
    (home / '.oci' / 'token').write_text('eyJhbGciOi.renewed')
    assert auth.refresh(None, 0) is True and auth.key_id == 'ST$eyJhbGciOi.renewed'


# -- errors: they name the option and never show a secret -----------------------------------------

def error_of(**given):
    with pytest.raises(ConfigurationError) as info:
        _oci_auth.oci_auth(_oci_auth.OciSettings(params(**given)))
    return str(info.value)


def test_a_missing_profile_is_named_with_the_ones_there(home):
    message = error_of(profile='STAGING')
    assert message == 'profile STAGING: no such profile in config_file %s (it has DEFAULT, PROD, SESSION).' % (home / '.oci' / 'config')


def test_a_config_file_given_but_missing(tmp_path):
    assert error_of(config_file=str(tmp_path / 'nope')) == 'config_file %s: no such file (profile DEFAULT was asked for).' % (tmp_path / 'nope')


def test_a_profile_without_a_config_file(tmp_path, monkeypatch):
    monkeypatch.setenv('HOME', str(tmp_path))
    assert 'no such file (profile PROD was asked for)' in error_of(profile='PROD')


def test_a_broken_config_file_is_named_without_its_content(tmp_path):
    path = tmp_path / 'config'
    path.write_text('pass_phrase=%s\n' % PASS_PHRASE)
    message = error_of(config_file=str(path))
    assert message == 'config_file %s is not an OCI configuration file (INI with [profile] sections): MissingSectionHeaderError.' % path


def test_missing_region_names_where_to_set_it(home):
    (home / '.oci' / 'config').write_text('[DEFAULT]\nuser=%s\n' % USER)
    message = error_of()
    assert message.startswith('OCI needs a region (or database_url) to know where to send requests: set the region option '
                              'or region in profile DEFAULT of ')


def test_missing_credentials_are_listed(tmp_path, monkeypatch):
    monkeypatch.setenv('HOME', str(tmp_path))
    message = error_of(region='us-ashburn-1', user=USER)
    assert message.startswith('OCI API-key authentication needs tenancy, fingerprint, key_file (or key_content): set the options')


def test_an_unreadable_key_file(home):
    message = error_of(key_file=str(home / 'missing.pem'))
    assert message == 'key_file %s cannot be read: No such file or directory.' % (home / 'missing.pem')


def test_a_key_that_needs_a_pass_phrase(home):
    (home / '.oci' / 'key.pem').write_text(encrypted_pem())
    assert error_of() == ('The key of key_file %s is encrypted: set pass_phrase (the option, or pass_phrase in the profile).'
                          % (home / '.oci' / 'key.pem'))


def test_a_wrong_pass_phrase_is_not_shown(home):
    (home / '.oci' / 'key.pem').write_text(encrypted_pem())
    message = error_of(pass_phrase='wrong-pass-phrase')
    assert 'cannot be decrypted with the pass_phrase given' in message and 'wrong-pass-phrase' not in message


def test_a_public_key_instead_of_the_private_one(home):
    public = the_test_key().public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    (home / '.oci' / 'key.pem').write_bytes(public)
    assert 'holds a public key' in error_of()


def test_key_content_that_is_no_key_is_not_shown():
    message = error_of(user=USER, tenancy=TENANCY, fingerprint=FINGERPRINT, region='us-ashburn-1', key_content='not-a-key-s3cr3t')
    assert message == 'key_content is no PEM private key.'


def test_a_key_that_is_not_rsa(home):
    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                                serialization.NoEncryption())
    (home / '.oci' / 'key.pem').write_bytes(pem)
    assert 'is no RSA private key' in error_of()


def test_a_malformed_fingerprint(home):
    assert 'fingerprint must be the API key\'s fingerprint' in error_of(fingerprint='20-3B-97')


def test_a_region_that_is_no_identifier(home):
    assert error_of(region='us-ashburn-1.evil.example/x') == \
        "region must be an OCI region identifier such as us-ashburn-1, got 'us-ashburn-1.evil.example/x'."


def test_an_endpoint_that_is_no_url(home):
    assert 'database_url must be an absolute http:// or https:// URL' in error_of(database_url='database.example.com')


def test_security_token_without_a_token_file(home):
    message = error_of(auth_type='security_token')
    assert message == ('auth_type=security_token needs security_token_file in profile DEFAULT of %s (oci session authenticate '
                       'writes them).' % (home / '.oci' / 'config'))


def test_redaction_covers_the_key_and_the_pass_phrase(home):
    auth = _oci_auth.oci_auth(_oci_auth.OciSettings(params(key_content=encrypted_pem(), pass_phrase=PASS_PHRASE)))
    text = _http.redact('echo %s and the key %s' % (PASS_PHRASE, auth.secrets[-1]), auth.secret_values())
    assert PASS_PHRASE not in text and 'ENCRYPTED' not in text
