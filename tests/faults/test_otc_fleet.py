# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""An OTC fleet read together, live: ``rds_job_info`` with ``job_ids`` and ``wait`` follows 30
minor-version upgrades (instant tasks: GET jobs does not report them) through the pages of the
running tasks, and the seed page's job, which the task list does not show, on its own. The
simulator's request log tells what it cost."""

from ansible_collections.dbops.patching.plugins.modules import rds_job_info
from ansible_collections.dbops.patching.tests.simulator.client import PROJECT
from ansible_collections.dbops.patching.tests.simulator.otc import SPACED_ID

TIME_SCALE = 200  # the longest upgrade, 600 simulated seconds, ends after 3 real ones
JOBS = 30


def otc_args(api, **extra):
    return dict(dict(auth_url=api.url + '/v3', rds_url=api.url, project_id=PROJECT, domain_name='OTC-EU-DE-00000000001000000001',
                     username='otcuser', password='otcpassword', wait=True, wait_timeout=120), **extra)


def seed_fleet(api):
    ids = []
    for index in range(JOBS):
        job_id = 'fleet-%02d' % index
        api.admin('otc/jobs', dict(id=job_id, name='UpgradeMysqlMinorVersion', duration=20.0 * (index + 1),
                                   fail=index == 7, instance=dict(id='inst-%02d' % index, name='db-%02d' % index)))
        ids.append(job_id)
    return ids


def requests_of(api, path):
    return api.admin('requests', method='GET', params={'method': 'GET', 'path': path})['requests']


def test_thirty_upgrades_are_followed_with_pages_of_the_running_tasks(api, live):
    api.admin('reset', {'time_scale': TIME_SCALE})
    ids = seed_fleet(api)
    result, failed = live.run(rds_job_info.main, otc_args(api, job_ids=ids + [SPACED_ID], poll_interval=1))
    assert not failed, result['msg']
    assert [job['id'] for job in result['jobs']] == ids + [SPACED_ID]
    assert result['summary'] == dict(pending=0, running=0, succeeded=29, failed=2, canceled=0, unknown=0, total=31)
    assert result['jobs'][7]['fail_reason'] == 'upgradeMinorVersion failed.'
    assert result['jobs'][0]['instance'] == {'id': 'inst-00', 'name': 'db-00'}
    lists = requests_of(api, '/tasklist$')
    jobs = requests_of(api, '/jobs$')
    assert all('b8ae23' in (r.get('query') or '') for r in jobs), 'only the job the task list does not show is read on its own'
    running = [r for r in lists if 'status=Running' in (r.get('query') or '')]
    assert running and all('limit=50' in r['query'] for r in lists)
    assert len(lists) + len(jobs) <= 2 * (JOBS + 1), 'at most two requests a job: %d' % (len(lists) + len(jobs))
    # a loop of uri reading each of them every second would have made one request a job a second, at least
    assert len(lists) + len(jobs) < JOBS + 1


def test_a_fleet_followed_on_the_adaptive_schedule_costs_at_most_two_requests_a_job(api, live):
    api.admin('reset', {'time_scale': TIME_SCALE})
    ids = seed_fleet(api)
    result, failed = live.run(rds_job_info.main, otc_args(api, job_ids=ids, max_poll_interval=2))
    assert not failed, result['msg']
    assert result['summary']['succeeded'] == JOBS - 1 and result['summary']['failed'] == 1
    spent = len(requests_of(api, '/tasklist$')) + len(requests_of(api, '/jobs$'))
    assert spent <= 2 * JOBS, 'at most two requests a job: %d' % spent
