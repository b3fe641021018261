# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""OTC RDS v3 instances and their minor-version upgrades.

Modelled on the RDS v3 API reference that OTC shares with Huawei Cloud:

* ``GET /v3/{project}/instances?id=...|name=...``: ``{"instances": [...], "total_count": n}``,
  each with ``datastore.complete_version``, ``nodes`` (role master/slave), ``status`` and
  ``maintenance_window``;
* ``GET /v3/{project}/datastores/{engine}``: the engine's versions, majors and the full
  minor versions the region offers (``dataStores``);
* ``POST /v3/{project}/instances/{id}/db-upgrade`` ``{"is_delayed": bool}``: ``{"job_id"}``.
  Refused for abnormal nodes, an instance already on the newest minor version, another
  running operation, and the delayed mode on PostgreSQL (immediate only, as documented);
* ``GET /v3/{project}/tasklist?instance_id=&status=&name=&offset=&limit=``: the instant
  tasks, newest first, ``limit`` 1-50 (default 10).

An upgrade job runs ``upgrade_seconds`` (a primary/standby pair takes twice as long: the
standby is upgraded, the pair switches over, then the old primary); a delayed one waits
``otc_window_delay`` simulated seconds for the maintenance window first (status Pending).
When it completes, the instance shows the new version (and, for a pair, swapped roles)."""

import uuid

from .common import Reply

VERSIONS = {
    'MySQL': ['5.7', '5.7.33', '5.7.38', '5.7.41', '8.0', '8.0.21', '8.0.25', '8.0.28'],
    'PostgreSQL': ['12', '12.13', '12.16', '14', '14.6', '14.9'],
}
JOB_NAMES = {'MySQL': 'UpgradeMysqlMinorVersion', 'PostgreSQL': 'UpgradePostgresqlMinorVersion'}
INSTANCE_DEFAULTS = dict(engine='MySQL', version='8.0.21', type='Single', status='ACTIVE', maintenance_window='22:00-02:00',
                         upgrade_seconds=600.0)
NO_INSTANCE = {'error_code': 'DBS.200823', 'error_msg': 'The DB instance does not exist.'}


def major_of(version):
    parts = str(version).split('.')
    return parts[0] if parts[0] in ('12', '14', '15', '16') else '.'.join(parts[:2])


def newest_minor(engine, version):
    major = major_of(version)
    fulls = [v for v in VERSIONS.get(engine, []) if v.startswith(major + '.') and v.count('.') >= major.count('.') + 1]
    return max(fulls, key=lambda v: [int(p) for p in v.split('.')]) if fulls else None


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
                if instance['type'] == 'Ha':
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
        wanted_id, wanted_name = request.arg('id'), request.arg('name')
        found = [self.document(i) for i in self.instances.values()
                 if (wanted_id is None or i['id'] == wanted_id) and (wanted_name is None or i['name'] == wanted_name)]
        return Reply(200, {'instances': found, 'total_count': len(found)})

    @staticmethod
    def datastores(engine):
        for name, versions in VERSIONS.items():
            if name.lower() == engine.lower():
                return Reply(200, {'dataStores': [{'id': str(uuid.uuid5(uuid.NAMESPACE_OID, name + v)), 'name': v}
                                                  for v in versions]})
        return Reply(400, {'error_code': 'DBS.200049', 'error_msg': 'The database type %s is not supported.' % engine})

    def upgrade(self, instance_id, request):
        """POST db-upgrade: a job, or the API's refusal."""
        instance = self.instances.get(instance_id)
        if instance is None:
            return Reply(404, NO_INSTANCE)
        try:
            body = request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or not isinstance(body.get('is_delayed', False), bool):
            return Reply(400, {'error_code': 'DBS.200040', 'error_msg': 'The request body is invalid.'})
        instance = self.settled(instance)
        delayed = body.get('is_delayed', False)
        target = newest_minor(instance['engine'], instance['version'])
        if instance['job']:
            return Reply(400, {'error_code': 'DBS.200019', 'error_msg': 'Another operation is being performed on the DB instance.'})
        if instance['status'] != 'ACTIVE' or any(node['status'] != 'ACTIVE' for node in instance['nodes']):
            return Reply(400, {'error_code': 'DBS.201014', 'error_msg': 'The minor version cannot be upgraded for instances with abnormal nodes.'})
        if target is None or [int(p) for p in target.split('.')] <= [int(p) for p in instance['version'].split('.')]:
            return Reply(400, {'error_code': 'DBS.201015', 'error_msg': 'The DB instance is already of the latest minor version.'})
        if delayed and instance['engine'] == 'PostgreSQL':
            return Reply(400, {'error_code': 'DBS.201016', 'error_msg': 'Delayed minor version upgrade is not supported for PostgreSQL.'})
        duration = float(instance['upgrade_seconds']) * (2 if instance['type'] == 'Ha' else 1)
        seed = dict(name=JOB_NAMES[instance['engine']], duration=duration, status='Running',
                    instance={'id': instance['id'], 'name': instance['name']},
                    entities={'target_version': target, 'is_delayed': delayed}, fresh=True,
                    fail=bool(instance.get('fail')), fail_reason=instance.get('fail_reason', 'upgradeMinorVersion failed.'))
        if delayed:
            seed['starts_after'] = float(self.state.config['otc_window_delay'])
        job_id = self.cloud.seed_job(seed)['id']
        instance.update(job=job_id, target=target)
        return Reply(202, {'job_id': job_id})

    def tasks(self, request):
        """GET tasklist: the instant tasks, newest first, filtered and paged."""
        try:
            offset = int(request.arg('offset') or 0)
            limit = int(request.arg('limit') or 10)
        except ValueError:
            offset, limit = -1, 0
        if offset < 0 or not 1 <= limit <= 50:
            return Reply(400, {'error_code': 'DBS.280001', 'error_msg': 'Parameter error: offset >= 0, 1 <= limit <= 50.'})
        picked = []
        for job in sorted(self.cloud.jobs.values(), key=lambda j: j.get('created_at', 0), reverse=True):
            if 'verbatim' in job or not self.cloud.visible(job):
                continue
            document = self.cloud.document(job)['job']
            instance = document.get('instance') or {}
            if request.arg('instance_id') not in (None, instance.get('id')):
                continue
            if request.arg('status') not in (None, document['status']) or request.arg('name') not in (None, document['name']):
                continue
            if request.arg('id') not in (None, document['id']):
                continue
            task = dict(document, instance_id=instance.get('id'), instance_name=instance.get('name'))
            task.pop('instance', None)
            picked.append(task)
        return Reply(200, {'tasks': picked[offset:offset + limit], 'total_count': len(picked)})
