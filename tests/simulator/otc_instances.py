# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""OTC RDS v3 instances and their minor-version upgrades, as Open Telekom Cloud's own API
reference documents them (https://docs.otc.t-systems.com/relational-database-service/api-ref/,
sources in github.com/opentelekomcloud-docs/relational-database-service, api-ref/source/):

* ``GET /v3/{project}/instances?id=...|name=...`` (Querying DB Instances): ``{"instances": [...],
  "total_count": n}``, each with ``datastore.complete_version``, ``nodes`` (role master/slave),
  ``status`` and ``maintenance_window``;
* ``GET /v3/{project}/datastores/{engine}`` (Querying Version Information About a DB Engine,
  querying_version_information_about_a_db_engine.rst): "Only the major version number (two
  digits) is returned" -- ``8.0``, ``5.7``, never ``8.0.28``. Huawei Cloud's regions list full
  minor versions too; the config knob ``otc_list_minor_versions`` makes the simulator do that;
* ``POST /v3/{project}/instances/{id}/db-upgrade`` ``{"is_delayed": bool}`` (Upgrading the Minor
  Version of a DB Instance, db_instance_management/upgrading_the_minor_version_of_a_db_instance.rst):
  202 ``{"job_id"}``; MySQL and PostgreSQL only, immediate only for PostgreSQL, refused for
  abnormal nodes. The refusals carry the codes and HTTP statuses of the reference's Error Codes
  table (appendix/error_codes.rst): 409 ``DBS.200019`` while another operation runs ("Another
  operation is being performed on the DB instance or the DB instance is faulty."), 404
  ``DBS.200002`` for an instance that does not exist, 400 ``DBS.200040`` for an engine without
  minor-version upgrades, 400 ``DBS.201014`` for an instance or node that is not ACTIVE, 400
  ``DBS.200001`` for a bad body. Nothing documents the answer for an instance already on the
  newest minor version (the console only offers the upgrade when there is one): the simulator
  accepts it and runs a job that changes nothing;
* ``GET /v3/{project}/tasklist`` (Querying Instant Tasks, obtaining_task_information/
  querying_instant_tasks.rst): ``{"tasks", "actions", "total_count"}``, newest first, filters
  ``id``, ``instance_id``, ``name``, ``status``, ``start_time``/``end_time`` (UNIX ms), ``limit``
  1-50 (default 10). A task has ``create_time``, ``end_time`` (the planned end), ``process``,
  ``instance_id``, ``instance_name``, ``instance_status`` and ``order_id`` -- not the ``created``
  and ``instance`` object of ``GET /jobs``. Every minor-version upgrade is an instant task
  (umn/.../task_center/viewing_a_task.rst), unlike in ``GET /jobs`` (see otc.py);
* ``GET /v3/{project}/schedule-tasks`` (Querying Scheduled Tasks, querying_scheduled_tasks.rst):
  ``{"schedule_tasks", "total_count"}``. A delayed MySQL upgrade is a scheduled task ("Upgrading
  minor versions of MySQL DB instances" is both kinds in the task center), ``Pending`` until the
  maintenance window; only once it runs does it show as an instant task.

An upgrade job runs ``upgrade_seconds`` (a primary/standby pair takes twice as long: the
standby is upgraded, the pair switches over, then the old primary); a delayed one waits
``otc_window_delay`` simulated seconds for the maintenance window first. When it completes,
the instance shows the new version (and, for a pair, swapped roles)."""

import uuid

from .common import Reply, otc_time

VERSIONS = {
    'MySQL': ['5.7', '5.7.33', '5.7.38', '5.7.41', '8.0', '8.0.21', '8.0.25', '8.0.28'],
    'PostgreSQL': ['12', '12.13', '12.16', '14', '14.6', '14.9'],
    'SQLServer': ['2017_SE', '2019_SE', '2022_SE'],
}
JOB_NAMES = {'MySQL': 'UpgradeMysqlMinorVersion', 'PostgreSQL': 'UpgradePostgresqlMinorVersion'}
INSTANCE_DEFAULTS = dict(engine='MySQL', type='Single', status='ACTIVE', maintenance_window='22:00-02:00',
                         upgrade_seconds=600.0)
# The Error Codes table of OTC's RDS API reference (appendix/error_codes.rst): code, HTTP status, its text.
NO_INSTANCE = (404, 'DBS.200002', 'The DB instance does not exist.')
BUSY = (409, 'DBS.200019', 'Another operation is being performed on the DB instance or the DB instance is faulty.')
NOT_ACTIVE = (400, 'DBS.201014', 'This operation is not allowed by the DB instance status.')
ENGINE_NOT_SUPPORTED = (400, 'DBS.200040', 'The DB engine or version is not supported.')
PARAMETER_ERROR = (400, 'DBS.200001', 'Parameter error.')
LIST_PARAMETER_ERROR = (400, 'DBS.280001', 'Parameter error.')


def refusal(error, detail=None):
    status, code, text = error
    return Reply(status, {'error_code': code, 'error_msg': text + (' ' + detail if detail else '')})


def major_of(version):
    parts = str(version).split('.')
    return parts[0] if parts[0] in ('12', '14', '15', '16') else '.'.join(parts[:2])


def newest_minor(engine, version):
    major = major_of(version)
    fulls = [v for v in VERSIONS.get(engine, []) if v.startswith(major + '.') and v.count('.') >= major.count('.') + 1]
    return max(fulls, key=lambda v: [int(p) for p in v.split('.')]) if fulls else None


def upgradable_version(engine):
    """The default version of a seeded instance: the oldest full minor version of the engine's newest major, so
    that newer minor versions exist to upgrade to (SQL Server, without minor versions: its newest)."""
    versions = VERSIONS.get(engine) or VERSIONS['MySQL']
    if engine not in JOB_NAMES:
        return versions[-1]
    newest = max((major_of(v) for v in versions), key=version_key)
    return min((v for v in versions if v != major_of(v) and major_of(v) == newest), key=version_key)


def version_key(version):
    return [int(part) for part in str(version).split('.')]


def page_of(request, items):
    """``items[offset:offset + limit]`` as the task lists page them (limit 1-50, default 10), or a refusal."""
    try:
        offset = int(request.arg('offset') or 0)
        limit = int(request.arg('limit') or 10)
    except ValueError:
        offset, limit = -1, 0
    if offset < 0 or not 1 <= limit <= 50:
        return None, refusal(LIST_PARAMETER_ERROR, 'offset >= 0, 1 <= limit <= 50.')
    return items[offset:offset + limit], None


def in_time_range(request, epoch):
    """The task lists' start_time/end_time filters: UNIX milliseconds, UTC."""
    for name, keep in (('start_time', lambda bound: epoch * 1000 >= bound), ('end_time', lambda bound: epoch * 1000 <= bound)):
        value = request.arg(name)
        if value is not None and not keep(float(value)):
            return False
    return True


class RdsInstances(object):
    """The instances of one project, driven by the OTC cloud's clock and job table."""

    def __init__(self, cloud):
        self.cloud = cloud
        self.state = cloud.state
        self.instances = {}

    def reset(self):
        self.instances = {}

    def seed(self, seed):
        if not isinstance(seed, dict) or not seed.get('name'):
            raise ValueError('an OTC instance seed is a JSON object with a name')
        instance = dict(INSTANCE_DEFAULTS, **seed)
        instance.setdefault('version', upgradable_version(instance['engine']))
        instance['id'] = str(seed.get('id') or '%sin01' % uuid.uuid5(uuid.NAMESPACE_OID, seed['name']).hex)
        if instance['engine'] not in VERSIONS:
            raise ValueError('engine is one of %s' % ', '.join(sorted(VERSIONS)))
        if 'nodes' not in seed:
            roles = ['master', 'slave'] if instance['type'] == 'Ha' else ['master']
            instance['nodes'] = [dict(id='%s-node%d' % (instance['id'][:8], n), name='%s_node%d' % (instance['name'], n),
                                      role=role, status='ACTIVE') for n, role in enumerate(roles)]
        instance['job'] = None
        self.instances[instance['id']] = instance
        return {'id': instance['id']}

    def dump(self):
        return dict((i, dict(self.settled(inst))) for i, inst in self.instances.items())

    def settled(self, instance):
        """The instance once its upgrade job, if it ended, has had its effect."""
        job_id = instance.get('job')
        if job_id:
            status = self.cloud.job_status(self.cloud.jobs[job_id])[0]
            if status == 'Completed':
                instance['version'] = instance['target']
                if instance['type'] == 'Ha' and instance['target'] != instance.get('source'):
                    for node in instance['nodes']:
                        node['role'] = 'slave' if node['role'] == 'master' else 'master'
            if status in ('Completed', 'Failed'):
                instance['job'] = None
        return instance

    def document(self, instance):
        instance = self.settled(instance)
        return {'id': instance['id'], 'name': instance['name'], 'status': instance['status'], 'type': instance['type'],
                'datastore': {'type': instance['engine'], 'version': major_of(instance['version']),
                              'complete_version': instance['version']},
                'ha': {'replication_mode': 'semisync'} if instance['type'] == 'Ha' else {},
                'nodes': [dict(node, availability_zone='eu-de-01') for node in instance['nodes']],
                'maintenance_window': instance['maintenance_window'], 'region': 'eu-de', 'time_zone': 'UTC'}

    def list(self, request):
        """GET instances as OTC's "Querying DB Instances" documents it
        (https://docs.otc.t-systems.com/relational-database-service/api-ref/api_v3_recommended/db_instance_management/querying_db_instances.html):
        filters id, name, type, datastore_type; offset (default 0) and limit (1-100, default 100) page the
        list, and total_count counts every match."""
        wanted = dict((key, request.arg(key)) for key in ('id', 'name', 'type', 'datastore_type'))
        found = [self.document(i) for i in self.instances.values()
                 if (wanted['id'] is None or i['id'] == wanted['id']) and (wanted['name'] is None or i['name'] == wanted['name'])
                 and (wanted['type'] is None or i['type'] == wanted['type'])
                 and (wanted['datastore_type'] is None or i['engine'].lower() == wanted['datastore_type'].lower())]
        try:
            offset, limit = int(request.arg('offset') or 0), int(request.arg('limit') or 100)
        except ValueError:
            offset, limit = -1, 0
        if offset < 0 or not 1 <= limit <= 100:
            return refusal(PARAMETER_ERROR, 'offset >= 0, 1 <= limit <= 100.')
        return Reply(200, {'instances': found[offset:offset + limit], 'total_count': len(found)})

    def datastores(self, engine):
        """Majors only, as OTC documents; with ``otc_list_minor_versions``, full versions too (Huawei Cloud)."""
        minors = bool(self.state.config['otc_list_minor_versions'])
        for name, versions in VERSIONS.items():
            if name.lower() == engine.lower():
                listed = [v for v in versions if minors or v == major_of(v) or name == 'SQLServer']
                return Reply(200, {'dataStores': [{'id': str(uuid.uuid5(uuid.NAMESPACE_OID, name + v)), 'name': v}
                                                  for v in listed]})
        return refusal(ENGINE_NOT_SUPPORTED)

    def upgrade(self, instance_id, request):
        """POST db-upgrade: a job, or the API's refusal."""
        instance = self.instances.get(instance_id)
        if instance is None:
            return refusal(NO_INSTANCE)
        try:
            body = request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or not isinstance(body.get('is_delayed', False), bool):
            return refusal(PARAMETER_ERROR, 'is_delayed must be a boolean.')
        instance = self.settled(instance)
        delayed = body.get('is_delayed', False)
        if instance['engine'] not in JOB_NAMES:
            return refusal(ENGINE_NOT_SUPPORTED, 'Minor versions can be upgraded for MySQL and PostgreSQL only.')
        if instance['job']:
            return refusal(BUSY)
        if instance['status'] != 'ACTIVE' or any(node['status'] != 'ACTIVE' for node in instance['nodes']):
            return refusal(NOT_ACTIVE)
        if delayed and instance['engine'] == 'PostgreSQL':
            return refusal(PARAMETER_ERROR, 'RDS for PostgreSQL upgrades minor versions immediately only.')
        target = newest_minor(instance['engine'], instance['version']) or instance['version']
        if version_key(target) < version_key(instance['version']):
            target = instance['version']
        duration = float(instance['upgrade_seconds']) * (2 if instance['type'] == 'Ha' else 1)
        seed = dict(name=JOB_NAMES[instance['engine']], duration=duration, status='Running',
                    instance={'id': instance['id'], 'name': instance['name']}, entities={}, fresh=True,
                    fail=bool(instance.get('fail')), fail_reason=instance.get('fail_reason', 'upgradeMinorVersion failed.'))
        if delayed:
            seed['starts_after'] = float(self.state.config['otc_window_delay'])
        job_id = self.cloud.seed_job(seed)['id']
        instance.update(job=job_id, target=target, source=instance['version'])
        return Reply(202, {'job_id': job_id})

    def _jobs_newest_first(self, request):
        for job in sorted(self.cloud.jobs.values(), key=lambda j: j.get('created_at', 0), reverse=True):
            if 'verbatim' in job or not self.cloud.visible(job):
                continue
            instance = job.get('instance') or {}
            if request.arg('instance_id') not in (None, instance.get('id')) or request.arg('id') not in (None, job['id']):
                continue
            if not in_time_range(request, self.state.wall_at(job['created_at'])):
                continue
            yield job, instance

    def _task(self, job, instance, status, process):
        created = self.state.wall_at(job['created_at'])
        planned_end = created + float(job.get('starts_after') or 0) + float(job['duration'])
        known = self.instances.get(instance.get('id'))
        task = {'id': job['id'], 'name': job['name'], 'instance_id': instance.get('id'), 'instance_name': instance.get('name'),
                'instance_status': 'ACTIVE' if known is None or status != 'Running' else 'MODIFYING', 'order_id': '',
                'process': process, 'create_time': otc_time(created), 'end_time': otc_time(planned_end), 'status': status}
        if status == 'Failed':
            task['fail_reason'] = job.get('fail_reason', 'upgradeMinorVersion failed.')
        return task

    def tasks(self, request):
        """GET tasklist: the instant tasks (Running, Completed, Failed), newest first, filtered and paged.
        A delayed upgrade shows here only once its window has come and it runs."""
        picked = []
        for job, instance in self._jobs_newest_first(request):
            status, process = self.cloud.job_status(job)
            if status == 'Pending':
                continue
            if request.arg('status') not in (None, status) or request.arg('name') not in (None, job['name']):
                continue
            picked.append(self._task(job, instance, status, process))
        page, refused = page_of(request, picked)
        if refused:
            return refused
        return Reply(200, {'tasks': page, 'actions': sorted(set(t['name'] for t in picked)), 'total_count': len(picked)})

    def scheduled_tasks(self, request):
        """GET schedule-tasks: the delayed upgrades, Pending until the maintenance window, then as they run."""
        picked = []
        for job, instance in self._jobs_newest_first(request):
            if not job.get('starts_after'):
                continue
            if request.arg('instance_name') not in (None, instance.get('name')):
                continue
            status = self.cloud.job_status(job)[0]
            if request.arg('status') not in (None, status):
                continue
            task = self._task(job, instance, status, '')
            task.pop('process')
            task.pop('order_id')
            start = self.state.wall_at(job['created_at']) + float(job['starts_after'])
            task.update(project_id=self.cloud.project_id, start_time=otc_time(start), order='1',
                        datastore_type=(self.instances.get(instance.get('id')) or {}).get('engine', 'mysql').lower(),
                        volume_type='CLOUDSSD', target_config={})
            picked.append(task)
        page, refused = page_of(request, picked)
        if refused:
            return refused
        return Reply(200, {'schedule_tasks': page, 'total_count': len(picked)})
