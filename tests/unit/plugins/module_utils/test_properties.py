# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Properties that hold for any input: redaction hides every encoded form of any
secret anywhere in any text, and no normalizer or parser crashes on any JSON the
clouds could send, or returns anything but the contract's job."""

import base64
import html
import json
from urllib.parse import quote, quote_plus

from hypothesis import assume, HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.dbops.patching.plugins.module_utils import _clc, _http, _jobs, _oracle, _otc

SETTINGS = settings(max_examples=300, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
JOB_KEYS = {'id', 'state', 'terminal', 'status', 'with_warnings', 'progress', 'operation', 'started_at', 'ended_at',
            'message', 'messages', 'raw'}

# A secret: 6 to 40 characters, at least one letter or digit, never the redaction marker's '*'.
secrets = st.text(st.characters(blacklist_characters='*', blacklist_categories=('Cs',)), min_size=6, max_size=40).filter(
    lambda s: any(c.isalnum() for c in s))
surroundings = st.text(st.characters(blacklist_characters='*', blacklist_categories=('Cs',)), max_size=60)

ENCODINGS = {
    'plain': lambda user, secret: secret,
    'basic': lambda user, secret: base64.b64encode(('%s:%s' % (user, secret)).encode('utf-8')).decode('ascii'),
    'base64': lambda user, secret: base64.b64encode(secret.encode('utf-8')).decode('ascii'),
    'url': lambda user, secret: quote(secret, safe=''),
    'url-plus': lambda user, secret: quote_plus(secret),
    'html': lambda user, secret: html.escape(secret),
    'json': lambda user, secret: json.dumps(secret)[1:-1],
    'json-utf8': lambda user, secret: json.dumps(secret, ensure_ascii=False)[1:-1],
}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=6),
    max_leaves=25)
# Documents shaped like the clouds' own: their real keys, any values.
KEYS = ['jobId', 'job_id', 'id', 'status', ' status', 'lastStatus', 'operationType', 'inProgress', 'patchingResult', 'rollbackResult',
        'patchingStatus', 'progressMessages', 'preCheckMessages', 'messages', 'startDate', 'endDate', 'job', 'name', 'process',
        'created', 'instance', 'entities', 'fail_reason', 'execution_id', 'patches', 'patch_end_message', 'start_time', 'end_time',
        'details', 'message', 'activityLogs', 'rollbackId', 'patchId', 'currentPatchLevel']
QUIRKS = ['COMPLETED', 'IN PROGRESS', 'Running', '60 % ', 'Result Code: 4', '']
shaped = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12) | st.sampled_from(QUIRKS),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.sampled_from(KEYS), children, max_size=6),
    max_leaves=30)
documents = json_values | shaped


@SETTINGS
@given(secret=secrets, user=st.sampled_from(['username', 'bob', 'ü-ser']), encoding=st.sampled_from(sorted(ENCODINGS)),
       before=surroundings, after=surroundings)
def test_redact_hides_every_encoded_form_of_a_secret_anywhere(secret, user, encoding, before, after):
    form = ENCODINGS[encoding](user, secret)
    shown = _http.redact(before + form + after, secrets=(secret, '%s:%s' % (user, secret)))
    assert form not in shown


@SETTINGS
@given(secret=secrets, text=surroundings)
def test_an_http_error_never_carries_a_secret_the_server_echoed(secret, text):
    class Auth(_http.Auth):
        def secret_values(self):
            return (secret, 'username:' + secret)

    client = _http.HttpClient('https://api.example.com', auth=Auth(), session=_NoSession())
    # A secret that is a word of every such error anyway ('status', 'api_code', 'GET') proves nothing.
    plain = client._status_error('GET', '/x', _http.Response(502, {}, text), 1)
    assume(not any(form in shown for form in (secret, quote(secret)) for shown in (str(plain), repr(plain.to_result()))))
    body = text + quote(secret) + ' ' + base64.b64encode(('username:' + secret).encode('utf-8')).decode('ascii') + html.escape(secret)
    error = client._status_error('GET', '/x', _http.Response(502, {}, body), 1)
    for shown in (str(error), repr(error.to_result())):
        assert secret not in shown and quote(secret) not in shown


class _NoSession(object):
    headers = {}
    verify = True

    def mount(self, prefix, adapter):
        pass


def assert_job(job):
    assert job is None or (set(job) >= JOB_KEYS and job['state'] in _jobs.STATES
                           and job['terminal'] == (job['state'] in _jobs.TERMINAL_STATES))


@SETTINGS
@given(payload=documents, job_id=st.text(max_size=8))
def test_oracle_normalizers_never_crash(payload, job_id):
    assert_job(_oracle.normalize_patch_job(payload, job_id))
    assert_job(_oracle.normalize_precheck_job(payload, job_id))
    for record in _oracle.activity_records(payload):
        assert_job(_oracle.normalize_activity(record))
    if isinstance(payload, dict):
        entry = _oracle.patch_entry(payload)
        assert entry['state'] in _jobs.STATES


@SETTINGS
@given(payload=documents, job_id=st.text(max_size=8))
def test_otc_and_ctl_normalizers_never_crash(payload, job_id):
    assert_job(_otc.normalize_job(payload, job_id))
    execution = _clc.normalize_execution(payload)
    assert_job(execution)
    assert all(p['state'] in _jobs.STATES for p in execution['patches'])
    assert_job(_clc.normalize_queue(payload, job_id))


@SETTINGS
@given(value=json_values)
def test_parsers_never_crash(value):
    percent = _jobs.parse_percent(value)
    assert percent is None or 0 <= percent <= 100
    assert isinstance(_jobs.canonical_status(value), str)
    _http.parse_retry_after(value if isinstance(value, str) else None)
    code, message = _http.api_error_from_body(json.dumps(value) if not isinstance(value, str) else value)
    assert code is None or isinstance(code, str)


@SETTINGS
@given(body=st.text(max_size=80) | documents.map(json.dumps), location=st.none() | st.text(max_size=30))
def test_a_write_answer_of_any_shape_gives_a_job_id_or_none(body, location):
    headers = {'Location': location} if location is not None else {}
    job_id = _oracle.job_id_from_write(_http.Response(202, _Headers(headers), body))
    assert job_id is None or (isinstance(job_id, str) and job_id)


class _Headers(dict):
    def get(self, key, default=None):
        return dict.get(self, key, default)
