# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""docs/ADDING-A-CLOUD.md walked through for an imaginary fourth cloud: a provider
(_acme.py), its modules (below: an argument spec and one call each), and its
simulator (acme_sim.py, one more entry in the registry). No neutral file (client,
job model, poller, runner, workflow) was edited for it; this test proves the pieces
work together, including the lost-answer recovery every write path gets."""

import os

import pytest

from ansible.module_utils import basic
from ansible.module_utils.basic import AnsibleModule

from ansible_collections.dbops.patching.plugins.module_utils._runner import (
    ONE_JOB_ID_OR_MANY,
    argument_spec_of,
    job_ids_argument_spec,
    report_jobs,
    run_module,
    wait_argument_spec,
)
from ansible_collections.dbops.patching.plugins.module_utils._wait import FunctionSource
from ansible_collections.dbops.patching.plugins.module_utils._workflow import run_write
from ansible_collections.dbops.patching.tests.simulator.clouds import CLOUDS
from ansible_collections.dbops.patching.tests.simulator.server import Simulator
from ansible_collections.dbops.patching.tests.unit.fourth_cloud import _acme
from ansible_collections.dbops.patching.tests.unit.fourth_cloud.acme_sim import PASSWORD, USER, AcmeCloud
from ansible_collections.dbops.patching.tests.unit.utils.harness import ModuleExit, module_args

NEUTRAL = ('_http.py', '_jobs.py', '_wait.py', '_runner.py', '_workflow.py', '_errors.py')
MODULE_UTILS = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'plugins', 'module_utils')


def acme_job_info():
    """What plugins/modules/acme_job_info.py would hold below its documentation."""
    argument_spec = argument_spec_of(_acme.acme_argument_spec(), job_ids_argument_spec(), wait_argument_spec(wait_default=False))
    run_module(AnsibleModule(argument_spec=argument_spec, supports_check_mode=True, **ONE_JOB_ID_OR_MANY),
               lambda run: report_jobs(run, FunctionSource(_acme.AcmeClient(run.params, run.warn).job), 'Acme job'))


def acme_restart():
    """What plugins/modules/acme_restart.py would hold below its documentation."""
    argument_spec = argument_spec_of(_acme.acme_argument_spec(), wait_argument_spec(wait_default=True),
                                     database=dict(type='str', required=True))
    run_module(AnsibleModule(argument_spec=argument_spec, supports_check_mode=True),
               lambda run: run_write(_acme.Restart(run, _acme.AcmeClient(run.params, run.warn))))


@pytest.fixture(scope='module')
def sim():
    simulator = Simulator(time_scale=100, clouds=CLOUDS + (AcmeCloud,)).start()
    yield simulator
    simulator.stop()


@pytest.fixture
def run(monkeypatch, sim):
    sim.state.reset()
    sim.state.seed('acme/databases', {'name': 'db1'})

    def exit_json(module, **result):
        raise ModuleExit(result, False)

    def fail_json(module, msg, **result):
        raise ModuleExit(dict(result, msg=msg), True)

    monkeypatch.setattr(basic.AnsibleModule, 'warn', lambda module, warning: None)
    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)

    def call(main, **args):
        with module_args(dict(dict(acme_url=sim.base_url, user=USER, password=PASSWORD, poll_interval=1), **args)):
            with pytest.raises(ModuleExit) as info:
                main()
        return info.value.result, info.value.failed

    return call


def test_the_fourth_cloud_restarts_and_follows_with_the_shared_parts(run, sim):
    result, failed = run(acme_restart, database='db1')
    assert not failed, result.get('msg')
    assert result['changed'] is True and result['job']['state'] == 'succeeded'
    followed, failed = run(acme_job_info, job_id=result['job_id'])
    assert not failed and followed['job']['state'] == 'succeeded' and followed['changed'] is False
    missing, failed = run(acme_job_info, job_id='nope')
    assert not failed and missing['exists'] is False
    assert PASSWORD not in repr(result), 'the non-Latin-1 password logs in and never shows'


def test_the_fourth_cloud_gets_lost_answer_recovery_for_free(run, sim):
    sim.state.faults.add({'path': '/restart$', 'kind': 'status', 'status': 504, 'after_processing': True})
    result, failed = run(acme_restart, database='db1')
    assert not failed, result.get('msg')
    assert result['changed'] is True and result['job_id'] and len(sim.state.cloud['acme'].databases['db1']) == 1


def test_the_neutral_files_name_no_cloud():
    for name in NEUTRAL:
        with open(os.path.join(MODULE_UTILS, name)) as handle:
            text = handle.read()
        for cloud in ('Oracle', 'OTC', 'CTL', 'CenturyLink', 'Telekom', 'X-Auth-Token', 'bearerToken', 'DBS.'):
            assert cloud not in text, '%s names %s' % (name, cloud)
