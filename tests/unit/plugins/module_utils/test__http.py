# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import email.utils
import socket

import pytest
import requests
from http.client import RemoteDisconnected
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError

from ansible_collections.dbops.patching.plugins.module_utils import _http
from ansible_collections.dbops.patching.plugins.module_utils._errors import ConfigurationError
from ansible_collections.dbops.patching.tests.unit.utils.harness import Call, FakeSession, dns_failure

BASE = 'https://api.example.com'
SECRET = 'hunter2-secret'


class SecretAuth(_http.Auth):
    secret_headers = ('X-Auth-Token', 'X-Subject-Token')

    def secret_values(self):
        return (SECRET,)

    def __init__(self, refresh_ok=False):
        self.refresh_ok = refresh_ok
        self.refreshed = 0
        self.token = 'tok-1'

    def headers(self):
        return {'X-Auth-Token': self.token}

    def refresh(self, client, generation, deadline=None):
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
    assert str(info.value) == 'GET /x: HTTP 502 (gave up after 3 attempts): <html>bad gateway</html>'
    assert info.value.attempts == 3
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
    assert 'the server may have acted on it' in str(info.value)
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


@pytest.mark.parametrize('status', [429, 500, 502, 503, 504])
def test_a_write_answered_a_throttle_or_gateway_status_is_outcome_unknown_with_its_retry_after(status):
    http, session, sleeps = client([Call('PUT', BASE + '/p', status=status, headers={'Retry-After': '2'}, text='busy')])
    with pytest.raises(_http.WriteOutcomeUnknown) as info:
        http.put('/p', body={})
    assert (info.value.status, info.value.retry_after) == (status, 2.0)
    assert len(session.seen) == 1 and sleeps == [], 'the caller re-reads state before anything is sent again'


@pytest.mark.parametrize('error', [
    requests.exceptions.ChunkedEncodingError('Connection broken: IncompleteRead(10 bytes read, 20 more expected)'),
    requests.exceptions.ContentDecodingError('Received response with content-encoding: gzip, but failed to decode it.'),
    requests.exceptions.ReadTimeout('read timed out'),
])
def test_a_write_whose_answer_is_cut_or_undecodable_is_outcome_unknown(error):
    http, session, dummy = client([Call('POST', BASE + '/p', raises=error)])
    with pytest.raises(_http.WriteOutcomeUnknown):
        http.post('/p', body={})
    assert len(session.seen) == 1


def test_a_write_answered_2xx_with_no_json_is_outcome_unknown_but_a_safe_login_is_retried():
    http, session, dummy = client([Call('POST', BASE + '/p', status=200, text='<html>OK</html>')])
    with pytest.raises(_http.WriteOutcomeUnknown):
        http.post('/p', body={})
    http, session, dummy = client([Call('POST', BASE + '/login', status=503, text='busy'),
                                   Call('POST', BASE + '/login', status=200, text='<html>OK</html>'),
                                   Call('POST', BASE + '/login', json_body={'token': 't'})])
    assert http.post('/login', body={}, safe=True).json() == {'token': 't'}


def test_a_read_with_a_truncated_body_is_read_again():
    http, session, sleeps = client([Call('GET', BASE + '/x', text='{"job": {"id": '), Call('GET', BASE + '/x', json_body={'ok': 1})])
    assert http.get('/x').json() == {'ok': 1} and len(sleeps) == 1


def test_the_deadline_bounds_every_pause_and_request_timeout():
    now = [100.0]
    calls = [Call('GET', BASE + '/x', status=429, headers={'Retry-After': '8'}) for dummy in range(3)]
    session = FakeSession(calls)

    def sleep(seconds):
        now[0] += seconds

    http = _http.HttpClient(BASE, session=session, sleep=sleep, clock=lambda: now[0])
    with pytest.raises(_http.HttpStatusError):
        http.get('/x', deadline=103.0)
    assert now[0] == 103.0, 'three 429s asking for 8 s each cost only the 3 s left'
    assert [c['timeout'] for c in session.seen] == [3.0, 1.0], 'request timeouts shrink to the time left (at least 1 s)'


def test_a_read_given_a_deadline_stops_retrying_at_it_and_one_without_keeps_the_retry_bound():
    now = [0.0]

    def sleep(seconds):
        now[0] += seconds

    busy = [Call('GET', BASE + '/x', status=503) for dummy in range(6)]
    bounded = FakeSession(list(busy))
    http = _http.HttpClient(BASE, session=bounded, sleep=sleep, clock=lambda: now[0], rand=lambda low, high: high, backoff_base=2.0)
    with pytest.raises(_http.HttpStatusError) as info:
        http.get('/x', deadline=5.0)
    assert now[0] == 5.0 and info.value.attempts == 3, 'pauses of 2 and 4 s: the second is cut to the 3 s left, then no more'
    assert [c['timeout'] for c in bounded.seen] == [5.0, 3.0, 1.0]
    now[0] = 0.0
    unbounded = FakeSession(list(busy))
    http = _http.HttpClient(BASE, session=unbounded, sleep=sleep, clock=lambda: now[0], rand=lambda low, high: high, backoff_base=2.0)
    with pytest.raises(_http.HttpStatusError) as info:
        http.get('/x')
    assert info.value.attempts == 6 and [c['timeout'] for c in unbounded.seen] == [30] * 6, 'the client itself keeps no deadline'


def test_401_refreshes_the_login_once():
    auth = SecretAuth(refresh_ok=True)
    http, session, dummy = client([Call('GET', BASE + '/x', status=401, expect_headers={'X-Auth-Token': 'tok-1'}),
                                   Call('GET', BASE + '/x', status=401, expect_headers={'X-Auth-Token': 'tok-2'})], auth=auth)
    with pytest.raises(_http.AuthError):
        http.get('/x')
    assert auth.refreshed == 1
    session.assert_done()


class Relogin(_http.TokenLoginAuth):
    token_header, token_format = 'X-Auth-Token', '%s'

    def login(self, client, deadline=None):
        return client.post('/login', authenticate=False, safe=True, deadline=deadline).json()['token']


def test_a_new_login_after_a_401_in_a_wait_gets_the_waits_deadline():
    """A token that expires mid-wait: the new login's retries and timeouts end where the read's do."""
    now = [100.0]

    def sleep(seconds):
        now[0] += seconds
    busy = [Call('POST', BASE + '/login', status=503, headers={'Retry-After': '8'}) for dummy in range(3)]
    session = FakeSession([Call('GET', BASE + '/x', status=401)] + busy)
    http = _http.HttpClient(BASE, auth=Relogin(token='tok-1', can_login=True), session=session, sleep=sleep, clock=lambda: now[0])
    with pytest.raises(_http.HttpStatusError):
        http.get('/x', deadline=103.0)
    assert now[0] == 103.0, 'the login\'s 503s asking for 8 s each cost only the 3 s left'
    assert [c['timeout'] for c in session.seen] == [3.0, 3.0, 1.0]


@pytest.mark.parametrize('status, error', [(403, _http.AuthError), (404, _http.NotFoundError), (409, _http.ConflictError),
                                           (400, _http.HttpStatusError)])
def test_status_errors_are_typed(status, error):
    http, dummy, dummy2 = client([Call('GET', BASE + '/x', status=status, json_body={'error_code': 'DBS.1', 'error_msg': 'nope'})])
    with pytest.raises(error) as info:
        http.get('/x')
    assert (info.value.api_code, info.value.api_message) == ('DBS.1', 'nope')
    assert info.value.to_result()['status'] == status


def test_truncated_json_is_a_bad_response():
    http, dummy, dummy2 = client([Call('GET', BASE + '/x', text='{"job": {"id": ')], max_retries=0)
    with pytest.raises(_http.BadResponseError) as info:
        http.get('/x')
    assert 'not valid JSON' in str(info.value)


def test_tls_errors_are_not_retried_and_other_request_errors():
    http, session, dummy = client([Call('GET', BASE + '/x', raises=requests.exceptions.SSLError('certificate verify failed'))])
    with pytest.raises(_http.TlsError) as info:
        http.get('/x')
    assert 'TLS error' in str(info.value) and len(session.seen) == 1
    http, dummy, dummy2 = client([Call('GET', BASE + '/x', raises=requests.exceptions.InvalidURL('bad'))])
    with pytest.raises(ConfigurationError):
        http.get('/x')
    http, dummy, dummy2 = client([Call('GET', BASE + '/x', raises=requests.exceptions.InvalidHeader('bad'))], max_retries=0)
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
    http, session, dummy = client([Call('GET', BASE + '/x', json_body={})], ca_path=__file__)
    http.get('/x')
    assert session.seen[0]['verify'] == __file__, 'passed with each request, so REQUESTS_CA_BUNDLE cannot override it'
    with pytest.raises(ConfigurationError):
        client([], ca_path='/nonexistent/ca.pem')


def test_default_auth_does_nothing():
    auth = _http.Auth()
    assert auth.headers() == {} and auth.basic() is None and auth.refresh(None, 0) is False
    assert auth.prepare(None) is None


def remote_disconnected():
    return requests.exceptions.ConnectionError(ProtocolError('Connection aborted.', RemoteDisconnected('Remote end closed connection')))


def test_http_date_retry_after_in_the_past_is_clamped_to_one_second():
    past = email.utils.formatdate(100.0, usegmt=True)
    assert _http.parse_retry_after(past, now=1000.0) == 1.0
    future = email.utils.formatdate(1000.0 + 3600, usegmt=True)
    assert _http.parse_retry_after(future, now=1000.0) == 60.0
    assert _http.parse_retry_after(' 12 ') == 12.0


def test_full_jitter_draws_between_zero_and_the_capped_exponential():
    seen = []

    def rand(low, high):
        seen.append((low, high))
        return high / 2

    assert [_http.full_jitter(n, base=0.5, cap=30.0, rand=rand) for n in range(8)] == [0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 15.0]
    assert seen == [(0, 0.5), (0, 1.0), (0, 2.0), (0, 4.0), (0, 8.0), (0, 16.0), (0, 30.0), (0, 30.0)]
    import random
    rng = random.Random(7)
    for attempt in range(12):
        assert 0 <= _http.full_jitter(attempt, base=0.5, cap=30.0, rand=rng.uniform) <= min(30.0, 0.5 * 2 ** attempt)


def test_retry_pauses_use_full_jitter_with_the_client_bounds():
    calls = [Call('GET', BASE + '/x', status=504) for dummy in range(5)] + [Call('GET', BASE + '/x', json_body={})]
    http, dummy, sleeps = client(calls, backoff_base=2.0, backoff_cap=5.0)
    http.get('/x')
    assert sleeps == [2.0, 4.0, 5.0, 5.0, 5.0], 'uniform(0, min(cap, base * 2 ** n)) drawn at its top by the fake rand'


def test_remote_disconnected_on_a_get_is_retried():
    http, session, sleeps = client([Call('GET', BASE + '/x', raises=remote_disconnected()), Call('GET', BASE + '/x', json_body={'a': 1})])
    assert http.get('/x').json() == {'a': 1}
    assert len(session.seen) == 2 and len(sleeps) == 1


def test_a_503_burst_longer_than_the_bound_gives_up_with_the_count():
    calls = [Call('GET', BASE + '/x', status=503, json_body={'message': 'busy'}) for dummy in range(6)]
    http, session, sleeps = client(calls)
    with pytest.raises(_http.HttpStatusError) as info:
        http.get('/x')
    assert str(info.value) == 'GET /x: HTTP 503 (gave up after 6 attempts): busy'
    assert len(session.seen) == 6 and len(sleeps) == 5
    session.assert_done()


def test_429_give_up_honours_every_retry_after_then_names_the_count():
    calls = [Call('GET', BASE + '/x', status=429, headers={'Retry-After': '4'}) for dummy in range(3)]
    http, dummy, sleeps = client(calls, max_retries=2)
    with pytest.raises(_http.HttpStatusError) as info:
        http.get('/x')
    assert 'gave up after 3 attempts' in str(info.value) and info.value.status == 429
    assert sleeps == [4.0, 4.0]


def test_put_reset_after_sending_raises_write_outcome_unknown_after_one_request():
    http, session, sleeps = client([Call('PUT', BASE + '/p', raises=remote_disconnected())])
    with pytest.raises(_http.WriteOutcomeUnknown) as info:
        http.put('/p', body={'note': 'x'})
    assert str(info.value) == ('PUT /p: the connection failed after the request was sent (ConnectionError); '
                               'the server may have acted on it')
    assert info.value.to_result()['kind'] == 'write_outcome_unknown'
    assert len(session.seen) == 1 and sleeps == []
    session.assert_done()


@pytest.mark.parametrize('failure', [
    dns_failure(), dns_failure(socket.EAI_NONAME, 'Name or service not known'),
    requests.exceptions.ConnectionError(MaxRetryError(None, BASE, socket.gaierror(socket.EAI_AGAIN, 'try again'))),
], ids=['EAI_AGAIN', 'EAI_NONAME', 'bare-gaierror'])
def test_a_write_whose_name_did_not_resolve_was_never_sent(failure):
    """A DNS failure happens before any connection: nothing left the machine, so the write is sent again
    (bounded), and when it gives up, it is not 'outcome unknown'."""
    http, session, sleeps = client([Call('POST', BASE + '/p', raises=failure), Call('POST', BASE + '/p', status=202, json_body={})])
    assert http.post('/p', body={}).status == 202 and len(session.seen) == 2
    http, session, sleeps = client([Call('POST', BASE + '/p', raises=failure) for dummy in range(3)], max_retries=2)
    with pytest.raises(_http.TransportError) as info:
        http.post('/p', body={})
    assert not isinstance(info.value, _http.WriteOutcomeUnknown)
    assert str(info.value).endswith('no connection was made, so nothing reached the server')


def test_put_refused_before_connecting_is_retried_and_gives_up_with_the_count():
    http, session, sleeps = client([Call('PUT', BASE + '/p', raises=refused()) for dummy in range(3)], max_retries=2)
    with pytest.raises(_http.TransportError) as info:
        http.put('/p', body={})
    assert not isinstance(info.value, _http.WriteOutcomeUnknown)
    assert 'gave up after 3 attempts' in str(info.value)
    assert len(session.seen) == 3 and len(sleeps) == 2


def test_put_connect_timeout_is_retried_because_nothing_was_sent():
    http, session, dummy = client([Call('PUT', BASE + '/p', raises=requests.exceptions.ConnectTimeout('slow')),
                                   Call('PUT', BASE + '/p', status=202, text='')])
    assert http.put('/p', body={}, expected_json=False).status == 202
    assert len(session.seen) == 2


def test_put_answered_503_is_not_sent_again_by_the_client():
    http, session, sleeps = client([Call('PUT', BASE + '/p', status=503, text='busy')])
    with pytest.raises(_http.WriteOutcomeUnknown) as info:
        http.put('/p', body={})
    assert str(info.value) == 'PUT /p: HTTP 503: busy; the server may have acted on it'
    assert len(session.seen) == 1 and sleeps == []


@pytest.mark.parametrize('error, kind', [
    (requests.exceptions.ReadTimeout('read timed out'), 'timeout'),
    (requests.exceptions.ConnectTimeout('connect timed out'), 'timeout'),
    (requests.exceptions.SSLError('certificate verify failed'), 'tls'),
])
def test_typed_transport_errors_on_reads(error, kind):
    http, dummy, dummy2 = client([Call('GET', BASE + '/x', raises=error)], max_retries=0)
    with pytest.raises(_http.TransportError) as info:
        http.get('/x')
    assert info.value.kind == kind and info.value.status is None


def test_ssl_error_on_a_write_is_tls_not_outcome_unknown():
    http, session, dummy = client([Call('PUT', BASE + '/p', raises=requests.exceptions.SSLError('bad cert'))])
    with pytest.raises(_http.TlsError):
        http.put('/p', body={})
    assert len(session.seen) == 1


def test_requests_and_json_bodies_are_sent_as_documented():
    http, session, dummy = client([Call('POST', BASE + '/p', json_body={}, expect_json={'k': 'v'},
                                        expect_headers={'Content-Type': 'application/json', 'X-Auth-Token': 'tok-1', 'X-Extra': '1'},
                                        expect_params={'q': '1'})])
    http.request('post', '/p', params={'q': '1'}, body={'k': 'v'}, headers={'X-Extra': '1'})
    seen = session.seen[0]
    assert (seen['timeout'], seen['verify'], seen['auth']) == (30, True, None)
    assert session.headers['User-Agent'] == _http.USER_AGENT and session.headers['Accept'] == 'application/json'


def test_unauthenticated_requests_skip_the_auth_hook():
    class Refusing(_http.Auth):
        def prepare(self, client):
            raise AssertionError('prepare must not run for an unauthenticated request')

        def headers(self):
            raise AssertionError('no auth headers')

    http, session, dummy = client([Call('POST', BASE + '/login', status=401, text='no')], auth=Refusing())
    with pytest.raises(_http.AuthError):
        http.post('/login', body={}, authenticate=False)
    assert session.seen[0]['headers'] == {'Content-Type': 'application/json'}


def test_prepare_runs_once():
    class Counting(_http.Auth):
        prepared = 0

        def prepare(self, client):
            self.prepared += 1

    auth = Counting()
    http, dummy, dummy2 = client([Call('GET', BASE + '/x', json_body={}), Call('GET', BASE + '/x', json_body={})], auth=auth)
    http.get('/x')
    http.get('/x')
    assert auth.prepared == 1


def test_401_with_a_successful_relogin_is_retried_with_the_new_token():
    auth = SecretAuth(refresh_ok=True)
    http, session, sleeps = client([Call('GET', BASE + '/x', status=401, expect_headers={'X-Auth-Token': 'tok-1'}),
                                    Call('GET', BASE + '/x', json_body={'ok': 1}, expect_headers={'X-Auth-Token': 'tok-2'})], auth=auth)
    assert http.get('/x').json() == {'ok': 1}
    assert auth.refreshed == 1 and sleeps == []
    session.assert_done()


def test_401_without_a_possible_relogin_fails_at_once():
    auth = SecretAuth(refresh_ok=False)
    http, session, dummy = client([Call('GET', BASE + '/x', status=401, json_body={'message': 'expired'})], auth=auth)
    with pytest.raises(_http.AuthError) as info:
        http.get('/x')
    assert str(info.value) == 'GET /x: HTTP 401: expired' and auth.refreshed == 1


def test_the_default_session_is_a_pooled_requests_session():
    http = _http.HttpClient(BASE + '/', validate_certs=False)
    assert isinstance(http.session, requests.Session)
    assert http.base_url == BASE and http.session.verify is False
    assert http.sleep is _http.time.sleep and http.auth.secret_values() == ()
    assert _http.HttpClient(None, session=FakeSession([])).url_for('x') == '/x'


SECRET_BODIES = [
    ('html page echoing the password', '<html><body><p>Login failed for password=%s</p></body></html>' % SECRET),
    ('secret across the excerpt cut', '<html>' + 'x' * 290 + SECRET + '</html>'),
    ('password field', '{"message": "bad request", "password": "%s"}' % SECRET),
    ('error code echoing it', '{"error_code": "%s", "error_msg": "no"}' % SECRET),
    ('auth header echoed', '{"message": "X-Auth-Token: %s is invalid"}' % SECRET),
    ('subject token echoed', 'X-Subject-Token=%s' % SECRET),
]


@pytest.mark.parametrize('status', [400, 401, 500])
@pytest.mark.parametrize('label, body', SECRET_BODIES, ids=[label for label, dummy in SECRET_BODIES])
def test_no_status_error_carries_a_secret(status, label, body):
    http, dummy, dummy2 = client([Call('GET', BASE + '/x', status=status, text=body)], max_retries=0)
    with pytest.raises(_http.HttpStatusError) as info:
        http.get('/x')
    for shown in (str(info.value), repr(info.value.to_result()), repr(info.value.args)):
        assert SECRET not in shown and SECRET[:4] not in shown, label


@pytest.mark.parametrize('label, body', SECRET_BODIES, ids=[label for label, dummy in SECRET_BODIES])
def test_no_bad_response_error_carries_a_secret(label, body):
    http, dummy, dummy2 = client([Call('GET', BASE + '/x', text='{broken ' + body)], max_retries=0)
    with pytest.raises(_http.BadResponseError) as info:
        http.get('/x')
    assert SECRET[:4] not in str(info.value), label


def test_a_truncated_body_never_shows_the_start_of_a_secret_across_the_cut():
    http, dummy, dummy2 = client([Call('GET', BASE + '/x', status=200, text='{' + 'x' * 295 + SECRET)], max_retries=0)
    with pytest.raises(_http.BadResponseError) as info:
        http.get('/x')
    assert SECRET[:4] not in str(info.value)


@pytest.mark.parametrize('method, error', [
    ('GET', requests.exceptions.ConnectionError('HTTPSConnectionPool(host=\'u:%s@h\'): Connection refused, password=%s' % (SECRET, SECRET))),
    ('GET', requests.exceptions.SSLError('TLS failed for https://bob:%s@api.example.com/' % SECRET)),
    ('GET', requests.exceptions.ReadTimeout('Authorization: Bearer %s timed out' % SECRET)),
    ('GET', requests.exceptions.InvalidHeader('Invalid header X-Auth-Token: %s' % SECRET)),
    ('PUT', requests.exceptions.ConnectionError(ProtocolError('aborted %s' % SECRET, ConnectionResetError(104, SECRET)))),
    ('PUT', requests.exceptions.ReadTimeout('read timed out, token=%s' % SECRET)),
])
def test_no_transport_error_carries_a_secret(method, error):
    http, dummy, dummy2 = client([Call(method, BASE + '/x', raises=error)], max_retries=0)
    with pytest.raises(_http.ApiError) as info:
        http.request(method, '/x', body={} if method == 'PUT' else None)
    assert SECRET not in str(info.value) and SECRET not in repr(info.value.to_result())


def test_a_secret_in_the_url_never_shows():
    http, dummy, dummy2 = client([Call('GET', 'https://bob:%s@api.example.com/x?token=%s' % (SECRET, SECRET), status=404, text='nope')])
    with pytest.raises(_http.NotFoundError) as info:
        http.get('https://bob:%s@api.example.com/x?token=%s' % (SECRET, SECRET))
    assert SECRET not in str(info.value) and SECRET not in (info.value.path or '')
    assert str(info.value).startswith('GET /x?token=')


def test_an_auth_signs_the_request_as_it_goes_on_the_wire():
    """The signing hook sees the final method, URL (query included) and body bytes of every attempt."""
    class Signing(_http.Auth):
        seen = []

        def sign(self, method, url, headers, body):
            self.seen.append((method, url, body))
            headers['Authorization'] = 'Signature %d' % len(self.seen)

    auth = Signing()
    http, session, dummy = client([Call('PUT', BASE + '/x', status=503, expect_headers={'Authorization': 'Signature 1'}),
                                   Call('GET', BASE + '/y', json_body={}, expect_headers={'Authorization': 'Signature 2'})],
                                  auth=auth)
    with pytest.raises(_http.WriteOutcomeUnknown):
        http.put('/x', body={'a': 1})
    http.get('/y', params={'q': 'a b'})
    assert auth.seen == [('PUT', BASE + '/x', b'{"a": 1}'), ('GET', BASE + '/y?q=a+b', None)]
