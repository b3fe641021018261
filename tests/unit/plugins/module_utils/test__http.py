# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import email.utils

import pytest
import requests
from urllib3.exceptions import NewConnectionError, ProtocolError

from ansible_collections.dbops.patching.plugins.module_utils import _http
from ansible_collections.dbops.patching.tests.unit.utils.harness import Call, FakeSession

BASE = 'https://api.example.com'
SECRET = 'hunter2-secret'


class SecretAuth(_http.Auth):
    secrets = (SECRET,)

    def __init__(self, refresh_ok=False):
        self.refresh_ok = refresh_ok
        self.refreshed = 0
        self.token = 'tok-1'

    def headers(self):
        return {'X-Auth-Token': self.token}

    def refresh(self, client):
        self.refreshed += 1
        self.token = 'tok-2'
        return self.refresh_ok


def client(calls, **kwargs):
    sleeps = []
    session = FakeSession(calls)
    http = _http.HttpClient(BASE, auth=kwargs.pop('auth', SecretAuth()), session=session, sleep=sleeps.append,
                            rand=lambda low, high: high, **kwargs)
    return http, session, sleeps


def refused():
    return requests.exceptions.ConnectionError(NewConnectionError(None, 'Failed to establish a new connection: Connection refused'))


def reset_after_send():
    return requests.exceptions.ConnectionError(ProtocolError('Connection aborted.', ConnectionResetError(104, 'reset')))


def test_any_2xx_is_success_and_json_is_decoded():
    http, session, dummy = client([Call('GET', BASE + '/job/1', status=202, json_body=[{'a': 1}])])
    assert http.get('/job/1').json() == [{'a': 1}]
    session.assert_done()


def test_429_honours_retry_after_seconds_and_http_date():
    date = email.utils.formatdate(1000.0 + 7, usegmt=True)
    calls = [Call('GET', BASE + '/x', status=429, headers={'Retry-After': '5'}),
             Call('GET', BASE + '/x', status=429, headers={'Retry-After': '0'}),
             Call('GET', BASE + '/x', status=429, headers={'Retry-After': '3600'}),
             Call('GET', BASE + '/x', status=429, headers={'retry-after': date}),
             Call('GET', BASE + '/x', json_body={})]
    http, session, sleeps = client(calls)
    original = _http.time.time
    _http.time.time = lambda: 1000.0
    try:
        http.get('/x')
    finally:
        _http.time.time = original
    assert sleeps[:3] == [5.0, 1.0, 60.0]
    assert 6.0 <= sleeps[3] <= 7.0
    session.assert_done()


def test_retry_after_parsing():
    assert _http.parse_retry_after(None) is None
    assert _http.parse_retry_after('') is None
    assert _http.parse_retry_after('soon') is None
    assert _http.parse_retry_after('nan') is None
    assert _http.parse_retry_after('0.2') == 1.0
    assert _http.parse_retry_after('61') == 60.0
    assert _http.parse_retry_after(email.utils.formatdate(500.0, usegmt=True), now=490.0) == 10.0


def test_503_burst_then_success_with_full_jitter():
    calls = [Call('GET', BASE + '/x', status=503) for dummy in range(3)] + [Call('GET', BASE + '/x', json_body={'ok': True})]
    http, dummy, sleeps = client(calls)
    assert http.get('/x').json() == {'ok': True}
    assert sleeps == [0.5, 1.0, 2.0]


def test_full_jitter_is_bounded_by_the_cap():
    assert _http.full_jitter(10, base=0.5, cap=30.0, rand=lambda low, high: (low, high)) == (0, 30.0)
    assert 0 <= _http.full_jitter(1) <= 1.0


def test_connection_reset_on_a_read_is_retried():
    http, dummy, sleeps = client([Call('GET', BASE + '/x', raises=reset_after_send()), Call('GET', BASE + '/x', json_body={})])
    http.get('/x')
    assert len(sleeps) == 1


def test_read_timeout_and_connect_timeout_on_reads_are_retried():
    http, dummy, sleeps = client([Call('GET', BASE + '/x', raises=requests.exceptions.ReadTimeout('slow')),
                                  Call('GET', BASE + '/x', raises=requests.exceptions.ConnectTimeout('slow')),
                                  Call('GET', BASE + '/x', json_body={})])
    http.get('/x')
    assert len(sleeps) == 2


def test_give_up_after_the_bound():
    calls = [Call('GET', BASE + '/x', status=502, text='<html>bad gateway</html>') for dummy in range(3)]
    http, dummy, sleeps = client(calls, max_retries=2)
    with pytest.raises(_http.HttpStatusError) as info:
        http.get('/x')
    assert str(info.value) == 'GET /x: HTTP 502 (after 3 attempts): <html>bad gateway</html>'
    assert len(sleeps) == 2


def test_give_up_on_transport_errors_names_the_attempts():
    http, dummy, dummy2 = client([Call('GET', BASE + '/x', raises=refused()) for dummy3 in range(2)], max_retries=1)
    with pytest.raises(_http.TransportError) as info:
        http.get('/x')
    assert str(info.value).startswith('GET /x: gave up after 2 attempts: connection failed (ConnectionError)')


def test_write_reset_after_sending_is_never_retried():
    http, session, dummy = client([Call('PUT', BASE + '/p', raises=reset_after_send())])
    with pytest.raises(_http.WriteOutcomeUnknown) as info:
        http.put('/p', body={})
    assert 'was not sent again' in str(info.value)
    assert len(session.seen) == 1


def test_write_timeout_is_outcome_unknown():
    http, session, dummy = client([Call('POST', BASE + '/p', raises=requests.exceptions.ReadTimeout('slow'))])
    with pytest.raises(_http.WriteOutcomeUnknown):
        http.post('/p', body={})
    assert len(session.seen) == 1


def test_write_refused_before_connecting_is_retried():
    http, session, dummy = client([Call('PUT', BASE + '/p', raises=refused()), Call('PUT', BASE + '/p', status=202, json_body={})])
    http.put('/p', body={})
    assert len(session.seen) == 2


def test_write_answered_429_is_retried_but_503_is_not():
    http, session, dummy = client([Call('PUT', BASE + '/p', status=429, headers={'Retry-After': '2'}),
                                   Call('PUT', BASE + '/p', status=503, text='busy')])
    with pytest.raises(_http.HttpStatusError) as info:
        http.put('/p', body={})
    assert info.value.status == 503
    assert len(session.seen) == 2


def test_401_refreshes_the_login_once():
    auth = SecretAuth(refresh_ok=True)
    http, session, dummy = client([Call('GET', BASE + '/x', status=401, expect_headers={'X-Auth-Token': 'tok-1'}),
                                   Call('GET', BASE + '/x', status=401, expect_headers={'X-Auth-Token': 'tok-2'})], auth=auth)
    with pytest.raises(_http.AuthError):
        http.get('/x')
    assert auth.refreshed == 1
    session.assert_done()


@pytest.mark.parametrize('status, error', [(403, _http.AuthError), (404, _http.NotFoundError), (409, _http.ConflictError),
                                           (400, _http.HttpStatusError)])
def test_status_errors_are_typed(status, error):
    http, dummy, dummy2 = client([Call('GET', BASE + '/x', status=status, json_body={'error_code': 'DBS.1', 'error_msg': 'nope'})])
    with pytest.raises(error) as info:
        http.get('/x')
    assert (info.value.api_code, info.value.api_message) == ('DBS.1', 'nope')
    assert info.value.to_result()['status'] == status


def test_truncated_json_is_a_bad_response():
    http, dummy, dummy2 = client([Call('GET', BASE + '/x', text='{"job": {"id": ')])
    with pytest.raises(_http.BadResponseError) as info:
        http.get('/x')
    assert 'not valid JSON' in str(info.value)


def test_tls_errors_are_not_retried_and_other_request_errors():
    http, session, dummy = client([Call('GET', BASE + '/x', raises=requests.exceptions.SSLError('certificate verify failed'))])
    with pytest.raises(_http.TlsError) as info:
        http.get('/x')
    assert 'TLS error' in str(info.value) and len(session.seen) == 1
    http, dummy, dummy2 = client([Call('GET', BASE + '/x', raises=requests.exceptions.InvalidURL('bad'))], max_retries=0)
    with pytest.raises(_http.TransportError):
        http.get('/x')


@pytest.mark.parametrize('body', [
    '<html><body>Invalid password %s for user</body></html>' % SECRET,
    '{"message": "Authorization: Bearer %s rejected"}' % SECRET,
    '{"error_msg": "token %s expired"}' % SECRET,
])
def test_secrets_never_appear_in_errors(body):
    http, dummy, dummy2 = client([Call('GET', BASE + '/x', status=400, text=body)])
    with pytest.raises(_http.HttpStatusError) as info:
        http.get('/x')
    assert SECRET not in str(info.value)
    assert SECRET not in repr(info.value.to_result())


def test_secrets_never_appear_in_transport_errors():
    error = requests.exceptions.ConnectionError('HTTPSConnectionPool(host=https://user:%s@api.example.com) refused' % SECRET)
    http, dummy, dummy2 = client([Call('GET', BASE + '/x', raises=error)], max_retries=0)
    with pytest.raises(_http.TransportError) as info:
        http.get('/x')
    assert SECRET not in str(info.value)


def test_redact_covers_userinfo_headers_fields_and_values():
    text = ('https://bob:pw1@host/x Authorization: Basic YWJjOmRlZg== X-Auth-Token: abc123 '
            'X-Subject-Token=xyz {"password": "pw2", "bearerToken": "t0k"} literal-s3cret')
    redacted = _http.redact(text, secrets=('literal-s3cret', None))
    for secret in ('pw1', 'YWJjOmRlZg==', 'abc123', 'xyz', 'pw2', 't0k', 'literal-s3cret'):
        assert secret not in redacted
    assert _http.redact(None) is None


def test_display_path_hides_the_host_and_userinfo():
    http, dummy, dummy2 = client([])
    assert http.display_path(BASE + '/a/b?c=1') == '/a/b?c=1'
    assert http.display_path('https://u:p@other.example.com/z') == '/z'
    assert http.url_for('https://other.example.com/abs') == 'https://other.example.com/abs'


def test_api_error_from_every_body_shape():
    assert _http.api_error_from_body('{"error_code": "DBS.200543", "error_msg": "gone"}') == ('DBS.200543', 'gone')
    assert _http.api_error_from_body('{"message": "bad"}') == (None, 'bad')
    assert _http.api_error_from_body('{"error": {"code": 401, "message": "no"}}') == ('401', 'no')
    assert _http.api_error_from_body(b'<html>x</html>') == (None, '<html>x</html>')
    assert _http.api_error_from_body('') == (None, None)
    assert _http.api_error_from_body('null') == (None, None)
    assert _http.api_error_from_body('[1, 2]') == (None, '[1, 2]')
    assert _http.api_error_from_body('{"details": {"a": 1}}') == (None, '{"a": 1}')
    assert _http.api_error_from_body('{"other": 1}') == (None, '{"other": 1}')
    assert _http.api_error_from_body('x' * 400)[1] == 'x' * 300


def test_empty_body_and_basic_auth_and_verify():
    class Basic(_http.Auth):
        def basic(self):
            return ('u', 'p')

    http, session, dummy = client([Call('GET', BASE + '/x', status=204, expect_basic=('u', 'p'))], auth=Basic(),
                                  validate_certs=False)
    assert http.get('/x').json() is None
    assert session.seen[0]['verify'] is False
    http, session, dummy = client([Call('GET', BASE + '/x', json_body={})], ca_path='/etc/ca.pem')
    http.get('/x')
    assert session.seen[0]['verify'] == '/etc/ca.pem', 'passed with each request, so REQUESTS_CA_BUNDLE cannot override it'


def test_default_auth_does_nothing():
    auth = _http.Auth()
    assert auth.headers() == {} and auth.basic() is None and auth.refresh(None) is False
    assert auth.prepare(None) is None
