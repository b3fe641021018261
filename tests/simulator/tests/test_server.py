# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fault injection, the admin API, HTTPS, keep-alive, the command line and many
clients at once."""

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
from urllib.parse import urlsplit

import pytest
import requests

from ..client import ACTIVITY, MYSQL
from .. import connection, seeding
from ..server import Simulator

RUN = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'run.py')


# -- faults -------------------------------------------------------------------------------


def test_status_burst_then_through(api):
    api.fault(path='/patches/applied$', method='GET', kind='status', status=503, retry_after='2', times=3)
    answers = [api.oracle('GET', MYSQL + '/patches/applied') for dummy in range(4)]
    assert [a.status_code for a in answers] == [503, 503, 503, 200]
    assert answers[0].headers['Retry-After'] == '2' and 'error_code' in answers[0].json()
    assert api.count('GET', '/patches/applied$') == 4


def test_skip_and_method(api):
    api.fault(path='/patches/applied$', method='PUT', kind='status', status=500)
    api.fault(path='/patches/applied$', kind='status', status=429, skip=1)
    statuses = [api.oracle('GET', MYSQL + '/patches/applied').status_code for dummy in range(3)]
    assert statuses == [200, 429, 200]


def test_drop_before_processing_sends_nothing_and_changes_nothing(api):
    api.fault(path='/rollback$', kind='drop')
    with pytest.raises(requests.exceptions.ConnectionError):
        api.oracle('PUT', MYSQL + '/patches/234688/rollback', json={})
    assert api.oracle('GET', MYSQL + '/patches/applied').json()[0]['operationType'] == 'Patch'
    logged = api.admin('requests', method='GET', params={'method': 'PUT'})
    assert logged['count'] == 1 and logged['requests'][0]['status'] == 0


def test_drop_after_processing_is_a_lost_answer(api):
    api.fault(path='/rollback$', kind='drop', after_processing=True)
    with pytest.raises(requests.exceptions.ConnectionError):
        api.oracle('PUT', MYSQL + '/patches/234688/rollback', json={})
    assert api.oracle('GET', MYSQL + '/patches/applied').json()[0]['operationType'] == 'Rollback', 'the write took effect'
    assert api.count('PUT', '/rollback$') == 1


def test_slow(api):
    api.fault(path='/job/5150771$', kind='slow', delay=0.3)
    began = time.monotonic()
    assert api.oracle('GET', ACTIVITY + '/job/5150771').status_code == 200
    assert time.monotonic() - began >= 0.3


def test_gateway_status_after_processing_is_a_lost_answer_the_cloud_counts_as_accepted(api):
    api.fault(path='/rollback$', method='PUT', kind='status', status=504, after_processing=True)
    answer = api.oracle('PUT', MYSQL + '/patches/234688/rollback', json={})
    assert answer.status_code == 504
    assert api.oracle('GET', MYSQL + '/patches/applied').json()[0]['operationType'] == 'Rollback', 'the write took effect'
    logged = api.admin('requests', method='GET', params={'method': 'PUT'})
    assert logged['requests'][0]['accepted'] is True and logged['accepted_count'] == 1


def test_a_status_fault_is_not_processed_and_not_accepted(api):
    api.fault(path='/rollback$', method='PUT', kind='status', status=503)
    assert api.oracle('PUT', MYSQL + '/patches/234688/rollback', json={}).status_code == 503
    assert api.oracle('GET', MYSQL + '/patches/applied').json()[0]['operationType'] == 'Patch'
    assert api.admin('requests', method='GET', params={'method': 'PUT'})['accepted_count'] == 0


def test_a_cut_body_breaks_the_read_after_processing(api):
    api.fault(path='/rollback$', method='PUT', kind='cut')
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        api.oracle('PUT', MYSQL + '/patches/234688/rollback', json={})
    assert api.oracle('GET', MYSQL + '/patches/applied').json()[0]['operationType'] == 'Rollback'


def test_bad_gzip_cannot_be_decoded(api):
    api.fault(path='/patches/applied$', method='GET', kind='bad_gzip')
    with pytest.raises(requests.exceptions.ContentDecodingError):
        api.oracle('GET', MYSQL + '/patches/applied')


def test_an_echo_page_shows_the_request_with_its_credentials(api):
    api.fault(path='/patches/applied$', method='GET', kind='echo', status=502)
    answer = api.oracle('GET', MYSQL + '/patches/applied')
    assert answer.status_code == 502 and answer.headers['Content-Type'].startswith('text/html')
    assert 'Authorization: Basic ' in answer.text, 'the Basic credential, base64 of user:password, comes back'


def test_probability_is_repeatable_for_a_seed(api):
    def draw():
        api.admin('faults', method='DELETE')
        api.admin('config', {'fault_seed': 7})
        api.fault(path='/patches/applied$', method='GET', kind='status', status=503, probability=0.5, times=1000)
        return [api.oracle('GET', MYSQL + '/patches/applied').status_code for dummy in range(20)]

    first = draw()
    assert first == draw() and 503 in first and 200 in first


def test_the_queue_delay_is_configurable(api):
    api.admin('config', {'clc_queue_delay': 30})
    assert api.admin('config', {})['clc_queue_delay'] == 30


def test_truncated_json(api):
    full = api.oracle('GET', ACTIVITY + '/job/5150771').text
    api.fault(path='/job/5150771$', kind='truncated')
    answer = api.oracle('GET', ACTIVITY + '/job/5150771')
    assert answer.status_code == 200 and answer.text == full[:len(full) // 2]
    assert int(answer.headers['Content-Length']) == len(full) // 2
    with pytest.raises(ValueError):
        json.loads(answer.text)


@pytest.mark.parametrize('rule, status', [(dict(), 500), (dict(status=502, retry_after='5'), 502)])
def test_html_error_page(api, rule, status):
    api.fault(path='/jobs$', kind='html', **rule)
    answer = api.otc_job('seed-004-1')
    assert answer.status_code == status and answer.headers['Content-Type'].startswith('text/html')
    assert answer.text.startswith('<!DOCTYPE html>')
    assert answer.headers.get('Retry-After') == rule.get('retry_after')


def test_faults_cleared(api):
    api.fault(path='.', kind='status', status=503, times=100)
    assert api.admin('faults', method='GET')['faults'][0]['times'] == 100
    api.admin('faults', method='DELETE')
    assert api.oracle('GET', MYSQL + '/patches/applied').status_code == 200


@pytest.mark.parametrize('rule', [dict(kind='status'), dict(path='x', kind='nope'), dict(path='(', kind='drop')])
def test_bad_fault_rules(api, rule):
    assert api.session.post(api.url + '/__admin__/faults', json=rule, timeout=10).status_code == 400


# -- admin --------------------------------------------------------------------------------


def test_counters_by_method_and_path(api):
    api.oracle('GET', MYSQL + '/patches/applied')
    api.oracle('GET', MYSQL + '/patches/applied')
    api.oracle('PUT', MYSQL + '/patches/234688/rollback', json={})
    api.admin('state', method='GET')
    log = api.admin('requests', method='GET')
    assert log['count'] == 3, 'admin calls are not counted'
    assert log['counts'] == {'GET %s/patches/applied' % MYSQL: 2, 'PUT %s/patches/234688/rollback' % MYSQL: 1}
    assert set(log['requests'][0]) == {'method', 'path', 'query', 'status', 'accepted', 'time'}
    assert api.count('PUT', '/rollback$') == 1 and api.count('GET', '/rollback$') == 0
    assert [r['status'] for r in log['requests']] == [200, 200, 202]


def test_reset_restores_the_seeds_and_clears_everything(api):
    api.oracle('PUT', MYSQL + '/patches/234688/rollback', json={})
    api.fault(path='.', kind='status', times=5)
    api.config(otc_token_ttl=1, time_scale=7)
    api.admin('reset', {})
    state = api.admin('state', method='GET')
    assert state['time_scale'] == 7, 'the time scale is kept'
    assert state['config']['otc_token_ttl'] == 86400 and state['faults'] == []
    assert api.admin('requests', method='GET') == {'count': 0, 'requests': [], 'counts': {}, 'accepted': {}, 'accepted_count': 0}
    assert api.oracle('GET', MYSQL + '/patches/applied').json()[0]['operationType'] == 'Patch'
    assert api.oracle('PUT', MYSQL + '/patches/234688/rollback', json={}).json()['details']['jobId'] == '4208393'


def test_config_keys(api):
    config = api.config(otc_job_grace_seconds=2, clc_token_ttl=60)
    assert config['otc_job_grace_seconds'] == 2 and config['clc_token_ttl'] == 60 and config['time_scale'] == 1
    for bad in ({'nope': 1}, {'time_scale': 0}, {'activity_filter_shape': 'xml'}):
        assert api.session.post(api.url + '/__admin__/config', json=bad, timeout=10).status_code == 400


def test_time_scale_changes_keep_the_clock_continuous(api):
    before = api.admin('state', method='GET')['now']
    api.config(time_scale=1000)
    api.config(time_scale=1)
    after = api.admin('state', method='GET')['now']
    assert before <= after < before + 60


def test_unknown_admin_call_and_route(api):
    assert api.session.get(api.url + '/__admin__/nope', timeout=10).status_code == 404
    assert api.session.get(api.url + '/nowhere', timeout=10).status_code == 404


def test_seed_replaces_an_instance(api):
    api.seed_instance('db1', patchId='a')
    api.seed_instance('db1', patchId='b')
    available = api.oracle('GET', '/paas/api/v1.1/instancemgmt/ExampleIdentityDomain/services/dbaas/instances/db1/patches/available')
    assert [p['patchId'] for p in available.json()] == ['b']
    bad = api.session.post(api.url + '/__admin__/oracle/instances', json={'service_type': 'x', 'name': 'n'}, timeout=10)
    assert bad.status_code == 400


# -- transport ------------------------------------------------------------------------------


def test_keep_alive_with_exact_content_length(simulator):
    split = urlsplit(simulator.base_url)
    connection = http.client.HTTPConnection(split.hostname, split.port, timeout=10)
    try:
        for dummy in range(3):
            connection.request('GET', '/__admin__/state')
            answer = connection.getresponse()
            body = answer.read()
            assert answer.status == 200 and int(answer.getheader('Content-Length')) == len(body)
            assert answer.version == 11 and not answer.will_close
        assert connection.sock is not None
    finally:
        connection.close()


def test_https_with_a_self_signed_certificate():
    with Simulator(https=True) as sim:
        assert sim.base_url.startswith('https://127.0.0.1:') and os.path.exists(sim.ca_path)
        answer = requests.get(sim.base_url + '/__admin__/state', verify=sim.ca_path, timeout=10)
        assert answer.status_code == 200
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(sim.base_url + '/__admin__/state', verify=True, timeout=10)


def test_https_certificate_from_the_cryptography_package(monkeypatch):
    pytest.importorskip('cryptography')
    monkeypatch.setattr('simulator.tls.shutil.which', lambda name: None)
    with Simulator(https=True) as sim:
        assert requests.get(sim.base_url + '/__admin__/state', verify=sim.ca_path, timeout=10).status_code == 200


def test_loopback_only():
    with pytest.raises(ValueError):
        Simulator(host='0.0.0.0')


def test_many_clients_at_once(simulator):
    errors = []

    def client():
        with requests.Session() as session:
            for dummy in range(5):
                try:
                    answer = session.get(simulator.base_url + ACTIVITY + '/job/5150771', auth=('username', 'password'),
                                         headers={'X-ID-TENANT-NAME': 'ExampleIdentityDomain'}, timeout=30)
                    if answer.status_code != 200:
                        errors.append(answer.status_code)
                except requests.exceptions.RequestException as exc:
                    errors.append(exc)

    threads = [threading.Thread(target=client) for dummy in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []


def test_command_line(tmp_path):
    seeds = tmp_path / 'seeds.json'
    seeds.write_text(json.dumps({'otc': [{'id': 'cli-job', 'status': 'Completed'}],
                                 'clc': [{'id': 'CLI-SRV'}]}), encoding='utf-8')
    port_file = tmp_path / 'url'
    process = subprocess.Popen([sys.executable, RUN, '--port', '0', '--port-file', str(port_file), '--time-scale', '5',
                                '--fixtures', str(seeds)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        assert line.startswith('SIMULATOR LISTENING http://127.0.0.1:')
        base = line.split()[-1]
        assert port_file.read_text(encoding='utf-8').strip() == base
        state = requests.get(base + '/__admin__/state', timeout=10).json()
        assert state['time_scale'] == 5 and 'cli-job' in state['otc']['jobs'] and 'CLI-SRV' in state['clc']['servers']
        requests.post(base + '/__admin__/reset', json={}, timeout=10).raise_for_status()
        assert 'cli-job' in requests.get(base + '/__admin__/state', timeout=10).json()['otc']['jobs'], 'extra seeds survive a reset'
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        process.stdout.close()
        process.stderr.close()


def test_command_line_refuses_other_hosts():
    done = subprocess.run([sys.executable, RUN, '--host', '0.0.0.0'], capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 2 and 'loopback' in done.stderr


def test_seed_from_an_ansible_inventory(tmp_path):
    inventory = tmp_path / 'inventory.yml'
    inventory.write_text('all:\n  children:\n    oracle:\n      vars: {safe_patch_patch_id: "19.21.0.0"}\n      hosts:\n'
                         '        db01: {safe_patch_service_name: inv-db01, simulator_patch_fails: true}\n'
                         '        my01: {safe_patch_service_name: inv-my01, safe_patch_service_type: MySQLCS, safe_patch_patch_id: "5.7.17"}\n'
                         '    rds:\n      hosts:\n        rds01: {safe_patch_cloud: otc, safe_patch_service_name: inv-rds01}\n'
                         '    ctl:\n      hosts:\n        VA1OSDWEB01: {dbops_server_id: VA1OSDWEB01, dbops_os: windows}\n',
                         encoding='utf-8')
    seeds = seeding.load(str(inventory))
    assert [(s['service_type'], s['name'], s['available'][0]['fail']) for s in seeds['oracle']] == \
        [('dbaas', 'inv-db01', True), ('MySQLCS', 'inv-my01', False)]
    assert [s['available'][0]['patchId'] for s in seeds['oracle']] == ['19.21.0.0', '5.7.17'], 'a host variable beats its group\'s'
    assert [s['name'] for s in seeds['otc_instances']] == ['inv-rds01']
    assert seeds['clc'][0]['id'] == 'VA1OSDWEB01' and seeds['clc'][0]['os'] == 'windows'
    with Simulator() as sim:
        sim.state.add_seeds(seeds)
        requests.post(sim.base_url + '/__admin__/reset', json={}, timeout=10).raise_for_status()
        state = requests.get(sim.base_url + '/__admin__/state', timeout=10).json()
    assert 'dbaas/inv-db01' in state['oracle'] and 'MySQLCS/inv-my01' in state['oracle']
    assert 'VA1OSDWEB01' in state['clc']['servers']


def test_seed_refuses_what_is_no_inventory(tmp_path):
    bad = tmp_path / 'bad.yml'
    bad.write_text('- just\n- a list\n', encoding='utf-8')
    done = subprocess.run([sys.executable, RUN, '--seed', str(bad)], capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 2 and '--seed' in done.stderr and 'mapping' in done.stderr


def test_print_env_and_integration_config():
    done = subprocess.run([sys.executable, RUN, '--print-env', 'http://127.0.0.1:8080/'], capture_output=True, text=True,
                          timeout=30, check=True)
    assert 'export ORACLE_PAAS_API_URL=http://127.0.0.1:8080\n' in done.stdout
    assert 'export OS_AUTH_URL=http://127.0.0.1:8080/v3\n' in done.stdout
    done = subprocess.run([sys.executable, RUN, '--print-env', 'http://127.0.0.1:8080', '--format', 'integration-config'],
                          capture_output=True, text=True, timeout=30, check=True)
    assert done.stdout.startswith('---\n') and 'otc_rds_url: "http://127.0.0.1:8080"\n' in done.stdout
    assert connection.variables('http://x')['clc_account_alias'] == 'OSD'


def test_allow_remote_binds_every_address():
    with Simulator(host='0.0.0.0', allow_remote=True) as sim:
        port = urlsplit(sim.base_url).port
        assert requests.get('http://127.0.0.1:%d/__admin__/faults' % port, timeout=10).json() == {'faults': []}
