# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Oracle PaaS Service Manager: the patch API of dbaas and MySQLCS instances, and
the activity log, with the shapes of the seed pages (001, 002)."""

import base64
import copy
import json
import os
import re
import time

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures')
DOMAIN = 'ExampleIdentityDomain'
USERNAME = 'username'
PASSWORD = 'password'
FIRST_JOB_ID = 4208393  # the rollback job of seed 001 is the first job after a reset
PATCH_PHASES = ('Phase initialize started', 'Phase initialize completed', 'Phase patch started',
                'Phase patch-rex started', 'Phase patch-rex completed', 'Phase patch completed',
                'Phase finalize started')
ROLLBACK_PHASES = ('Phase initialize started', 'Phase initialize completed', 'Phase rollback started',
                   'Phase rollback-rex started', 'Phase rollback-rex completed', 'Phase rollback completed')

_INSTANCE_RE = re.compile(r'^/paas/api/v1\.1/instancemgmt/(?P<domain>[^/]+)/services/(?P<stype>[^/]+)/instances/(?P<name>[^/]+)/patches(?P<rest>/.*)?$')
_ACTIVITY_RE = re.compile(r'^/paas/api/v1\.1/activitylog/(?P<domain>[^/]+)/(?P<rest>job/[^/]+|filter)$')


def fixture(name):
    with open(os.path.join(FIXTURES, name)) as handle:
        return handle.read()


def iso(epoch):
    """Oracle's timestamp format: 2016-12-14T00:36:22.831+0000."""
    return time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(epoch)) + '.%03d+0000' % int((epoch % 1) * 1000)


def clock_line(epoch, text):
    return '%s %s' % (time.strftime('%I:%M:%S', time.gmtime(epoch)).lstrip('0') + '.%03d' % int((epoch % 1) * 1000)
                      + time.strftime(' %p', time.gmtime(epoch)), text)


class Operation(object):
    """A running patch, rollback or precheck: when it started, how long it takes, how it ends."""

    def __init__(self, kind, job_id, started, duration, fail, scripted=False):
        self.scripted = scripted  # progress messages come from a seed page, leave them as they are
        self.kind = kind
        self.job_id = job_id
        self.started = started
        self.duration = float(duration)
        self.fail = bool(fail)

    def fraction(self, now):
        if self.duration <= 0:
            return 1.0
        return max(0.0, min(1.0, (now - self.started) / self.duration))


class Instance(object):
    def __init__(self, seed):
        self.service_type = seed.get('service_type', 'dbaas')
        self.name = seed['name']
        self.current_version = seed.get('current_version')
        self.available = [dict(p) for p in seed.get('available', [])]
        self.applied = [copy.deepcopy(r) for r in seed.get('applied', [])]
        self.prechecks = []
        self.operations = {}  # id(record or precheck) -> Operation

    def patch(self, patch_id):
        return next((p for p in self.available if p.get('patchId') == patch_id), None)


class OracleCloud(object):
    def __init__(self, state):
        self.state = state
        self.instances = {}
        self.activities = {}
        self.next_job = FIRST_JOB_ID
        self.next_rollback_row = 552
        self.next_rollback_id = 300001

    # -- seeding -----------------------------------------------------------------

    def reset(self):
        self.instances = {}
        self.activities = {}
        self.next_job = FIRST_JOB_ID
        self.next_rollback_row = 552
        self.next_rollback_id = 300001
        self._seed_001()
        self.seed_activity(json.loads(fixture('activity_002_job_5150771.json')), verbatim=fixture('activity_002_job_5150771.json'))

    def _seed_001(self):
        """MySQLCS MyTestInstance with patch 5.7.16-EE applied, as it was before the
        rollback that seed 001 shows (that rollback becomes job 4208393)."""
        documented = json.loads(fixture('oracle_001_rollback_job_4208393.json'))[0]
        record = copy.deepcopy(documented)
        record.pop('rollbackResult')
        record.update(operationType='Patch', lastStatus='COMPLETED', inProgress=False, jobId='4207169',
                      resultMessage='MySQL patching succeeded', lastStatusMessage='MySQL patching succeeded',
                      additionalNote=record['patchingResult']['additionalNote'],
                      progressMessages=record['patchingResult']['progressMessages'])
        patch = dict(patchId='5.7.16-EE', displayName='5.7.16', toVersion='5.7.16', duration=120, rollback_duration=120,
                     patchDescription='MySQL Server version 5.7.16')
        instance = self.seed_instance(dict(service_type='MySQLCS', name='MyTestInstance', current_version='mysql 5.7.16',
                                           available=[], applied=[record]))
        self.instances[('mysqlcs', 'MyTestInstance')].catalog = {'5.7.16-EE': patch}
        self._documented_rollback = documented
        return instance

    def seed_instance(self, seed):
        instance = Instance(seed)
        instance.catalog = dict((p['patchId'], p) for p in instance.available)
        self.instances[(instance.service_type.lower(), instance.name)] = instance
        return {'service_type': instance.service_type, 'name': instance.name}

    def seed_activity(self, record, verbatim=None):
        record = dict(record)
        self.activities[str(record['jobId'])] = dict(record=record, verbatim=verbatim, operation=None)
        return {'jobId': record['jobId']}

    def dump(self):
        return dict((('%s/%s' % key), dict(current_version=i.current_version, available=i.available, applied=i.applied,
                                           prechecks=i.prechecks)) for key, i in self.instances.items())

    # -- helpers -----------------------------------------------------------------

    def _job_id(self):
        job_id = self.next_job
        self.next_job += 1
        return str(job_id)

    def _authorized(self, request, domain):
        header = request.headers.get('Authorization') or ''
        if not header.startswith('Basic '):
            return False
        try:
            user, dummy, password = base64.b64decode(header[6:]).decode('utf-8').partition(':')
        except ValueError:
            return False
        return user == USERNAME and password == PASSWORD and request.headers.get('X-ID-TENANT-NAME') == domain == DOMAIN

    def _location(self, instance, kind, job_id):
        return '%s/paas/api/v1.1/instancemgmt/%s/services/%s/instances/%s/patches/%s/job/%s' % (
            self.state.base_url, DOMAIN, instance.service_type, instance.name, kind, job_id)

    def _accepted(self, instance, kind, job_id, message):
        from .server import Reply
        if instance.service_type.lower() == 'mysqlcs':
            body = {'status': 'Completed', 'details': {'message': message, 'jobId': job_id}}
        else:
            body = {'message': message, 'jobId': job_id}
        headers = {'Location': self._location(instance, kind, job_id), 'Retry-After': self.state.retry_after(60)}
        return Reply(202, body, headers=headers)

    def _activity(self, instance, job_id, operation_type, operation):
        self.activities[str(job_id)] = dict(record=dict(
            activityLogId=int(job_id) + 1000, serviceName=instance.name, serviceType=instance.service_type.lower(),
            identityDomain=DOMAIN, jobId=int(job_id), startDate=iso(self.state.wall()), endDate=None, status='RUNNING',
            operationType=operation_type, summaryMessage=operation_type, authDomain=DOMAIN, authUser=USERNAME,
            initiatedBy='USER', messages=[dict(activityDate=iso(self.state.wall()), message='Activity Submitted'),
                                          dict(activityDate=iso(self.state.wall()), message='Activity Started')]),
            verbatim=None, operation=operation)

    # -- state machine -------------------------------------------------------------

    def advance(self, instance):
        """Bring every running operation of an instance up to the simulated now."""
        now = self.state.now()
        wall = self.state.wall()
        for record in instance.applied:
            operation = instance.operations.get(id(record))
            if operation is None or not record.get('inProgress'):
                continue
            phases = PATCH_PHASES if operation.kind == 'apply' else ROLLBACK_PHASES
            result = record['patchingResult'] if operation.kind == 'apply' else record['rollbackResult']
            if not operation.scripted:
                shown = int(operation.fraction(now) * len(phases))
                result['progressMessages'] = result['progressMessages'][:1] + [clock_line(wall, p) for p in phases[1:shown]]
                record['progressMessages'] = list(result['progressMessages'])
            if operation.fraction(now) < 1.0:
                continue
            result['endDate'] = iso(wall)
            record['inProgress'] = False
            if operation.kind == 'apply':
                status = 'FAILED' if operation.fail else 'COMPLETED'
                record['resultMessage'] = record['lastStatusMessage'] = (
                    'Patching failed: phase patch-rex failed on host' if operation.fail else 'Patching succeeded')
                if not operation.fail:
                    instance.current_version = record.get('toVersion') or record['patchId']
                    record['currentPatchLevel'] = instance.current_version
                    instance.available = [p for p in instance.available if p.get('patchId') != record['patchId']]
            else:
                status = 'FAILED' if operation.fail else 'COMPLETED_ROLLBACK'
                record['resultMessage'] = record['lastStatusMessage'] = (
                    'Rollback failed' if operation.fail else 'Rollback completed')
                if not operation.fail:
                    instance.current_version = record.get('rollbackVersion')
                    patch = instance.catalog.get(record['patchId'])
                    if patch and not instance.patch(record['patchId']):
                        instance.available.append(dict(patch))
            result['progressMessages'].append(clock_line(wall, 'Completed' if not operation.fail else 'Failed'))
            record['progressMessages'] = list(result['progressMessages'])
            result['patchingStatus'] = 'FAILED' if operation.fail else 'COMPLETED'
            record['lastStatus'] = status
            self._end_activity(operation.job_id, operation.fail)
        for check in instance.prechecks:
            operation = instance.operations.get(id(check))
            if operation is None or not check['inProgress'] or operation.fraction(now) < 1.0:
                continue
            check.update(inProgress=False, endDate=iso(wall),
                         status='DIDNT_PASS_PRECHECK' if operation.fail else 'PASSED_PRECHECK',
                         resultMessage='Precheck failed' if operation.fail else 'Precheck passed')
            if operation.fail:
                check['preCheckMessages'] = ['Disk space shortage: /u01 needs 8 GB more free space']
            self._end_activity(operation.job_id, operation.fail)

    def _end_activity(self, job_id, failed):
        entry = self.activities.get(str(job_id))
        if entry:
            record = entry['record']
            record.update(status='FAILED' if failed else 'SUCCEED', endDate=iso(self.state.wall()))
            record['messages'].append(dict(activityDate=iso(self.state.wall()), message='Activity Ended'))

    def _running(self, instance):
        return any(r.get('inProgress') for r in instance.applied) or any(c['inProgress'] for c in instance.prechecks)

    # -- HTTP ------------------------------------------------------------------------

    def handle(self, request):
        from .server import Reply, html_error
        match = _INSTANCE_RE.match(request.path)
        activity = _ACTIVITY_RE.match(request.path)
        if not match and not activity:
            return None
        domain = (match or activity).group('domain')
        if not self._authorized(request, domain):
            return html_error(401, 'Unauthorized')
        if activity:
            return self._activity_call(request, activity.group('rest'))
        instance = self.instances.get((match.group('stype').lower(), match.group('name')))
        if instance is None or match.group('stype') not in ('dbaas', 'MySQLCS'):
            return Reply(404, {'message': 'Service instance %s not found' % match.group('name')})
        self.advance(instance)
        rest = (match.group('rest') or '/').strip('/').split('/')
        method = request.method
        if method == 'GET' and rest == ['available']:
            return Reply(200, [self._public_patch(p) for p in instance.available])
        if method == 'GET' and rest == ['applied']:
            return Reply(200, instance.applied)
        if method == 'GET' and rest == ['checks']:
            return Reply(200, instance.prechecks)
        if method == 'GET' and len(rest) == 3 and rest[:2] == ['applied', 'job']:
            return self._patch_job(instance, rest[2])
        if method == 'GET' and len(rest) == 3 and rest[:2] == ['checks', 'job']:
            check = next((c for c in instance.prechecks if c['jobId'] == rest[2]), None)
            if check is None:
                return Reply(404, {'message': 'Job %s not found' % rest[2]})
            return Reply(202, check)
        if method == 'PUT' and len(rest) == 2 and rest[0] == 'checks':
            return self._precheck(instance, rest[1])
        if method == 'PUT' and len(rest) == 2 and rest[1] == 'rollback':
            return self._rollback(request, instance, rest[0])
        if method == 'PUT' and len(rest) == 1:
            return self._apply(request, instance, rest[0])
        return Reply(405, {'message': 'Method %s not allowed on %s' % (method, request.path)})

    @staticmethod
    def _public_patch(patch):
        hidden = ('duration', 'fail', 'precheck_fail', 'rollback_fail', 'rollback_duration', 'precheck_duration')
        public = dict((k, v) for k, v in patch.items() if k not in hidden)
        public.setdefault('patchType', 'Quarterly')
        public.setdefault('patchCategory', 'Upgrade')
        public.setdefault('patchSeverity', 'Normal')
        return public

    def _patch_job(self, instance, job_id):
        from .server import Reply
        for record in instance.applied:
            ids = (record.get('jobId'), (record.get('patchingResult') or {}).get('jobId'),
                   (record.get('rollbackResult') or {}).get('jobId'))
            if job_id in [str(i) for i in ids if i is not None]:
                return Reply(202, [record])
        return Reply(404, {'message': 'PATCHING-0404: job %s not found' % job_id})

    def _body(self, request):
        from .server import Reply
        if not request.body_text.strip():
            return None, Reply(400, {'message': 'PATCHING-0400: a JSON request body is required'})
        body = request.json()
        if not isinstance(body, dict):
            return None, Reply(400, {'message': 'PATCHING-0400: the request body must be a JSON object'})
        return body, None

    def _busy(self, instance):
        from .server import Reply
        return Reply(409, {'message': 'PATCHING-0409: another operation is in progress on service [%s]' % instance.name})

    def _precheck(self, instance, patch_id):
        from .server import Reply
        patch = instance.patch(patch_id)
        if patch is None:
            return Reply(404, {'message': 'PATCHING-0404: patch [%s] is not available' % patch_id})
        if self._running(instance):
            return self._busy(instance)
        job_id = self._job_id()
        check = dict(id=len(instance.prechecks) + 1, jobId=job_id, patchId=patch_id, inProgress=True, status='IN_PROGRESS',
                     startDate=iso(self.state.wall()), endDate=None, performedBy=USERNAME, resultMessage='Precheck in progress',
                     preCheckMessages=[])
        instance.prechecks.append(check)
        instance.operations[id(check)] = Operation('precheck', job_id, self.state.now(), patch.get('precheck_duration', 10),
                                                   patch.get('precheck_fail'))
        self._activity(instance, job_id, 'PRECHECK_PATCH', None)
        return self._accepted(instance, 'checks', job_id, 'PATCHING-5040: Precheck of patch [%s] is submitted as an asynchronous job.' % patch_id)

    def _apply(self, request, instance, patch_id):
        from .server import Reply
        body, error = self._body(request)
        if error:
            return error
        patch = instance.patch(patch_id)
        if patch is None:
            return Reply(404, {'message': 'PATCHING-0404: patch [%s] is not available for service [%s]' % (patch_id, instance.name)})
        if self._running(instance):
            return self._busy(instance)
        job_id = self._job_id()
        wall = self.state.wall()
        rollback_id = self.next_rollback_id
        self.next_rollback_id += 1
        record = dict(
            patchId=patch_id, patchDescription=patch.get('patchDescription', patch_id), displayName=patch.get('displayName', patch_id),
            toVersion=patch.get('toVersion', patch_id), appliedBy=USERNAME, appliedDate=iso(wall),
            additionalNote=body.get('additionalNote', 'Applying patch [%s].' % patch_id), jobId=job_id, operationType='Patch',
            inProgress=True, lastStatus='IN_PROGRESS', lastStatusMessage='Patching in progress', resultMessage='Patching in progress',
            id=rollback_id, rollbackId=str(rollback_id), rollbackVersion=instance.current_version,
            currentPatchLevel=instance.current_version,
            patchingResult=dict(patchingId=rollback_id, jobId=job_id, startDate=iso(wall), endDate='', patchingStatus='IN_PROGRESS',
                                versionBeforeThisPatch=instance.current_version, additionalNote=body.get('additionalNote', ''),
                                appliedBy=USERNAME, completeLog='', progressMessages=[clock_line(wall, PATCH_PHASES[0])]),
            progressMessages=[clock_line(wall, PATCH_PHASES[0])])
        instance.applied.append(record)
        instance.operations[id(record)] = Operation('apply', job_id, self.state.now(), patch.get('duration', 30), patch.get('fail'))
        self._activity(instance, job_id, 'PATCH_SERVICE', None)
        return self._accepted(instance, 'applied', job_id, 'PATCHING-5037: Patching of service with patch [%s] is submitted as an asynchronous job.' % patch_id)

    def _rollback(self, request, instance, rollback_id):
        from .server import Reply
        body, error = self._body(request)
        if error:
            return error
        record = next((r for r in instance.applied if str(r.get('id')) == rollback_id or r.get('rollbackId') == rollback_id), None)
        if record is None:
            return Reply(404, {'message': 'PATCHING-0404: no applied patch with rollback id [%s]' % rollback_id})
        if self._running(instance):
            return self._busy(instance)
        if record.get('operationType') == 'Rollback' and record.get('lastStatus') == 'COMPLETED_ROLLBACK':
            return Reply(400, {'message': 'PATCHING-0400: patch [%s] is already rolled back' % record['patchId']})
        job_id = self._job_id()
        wall = self.state.wall()
        documented = getattr(self, '_documented_rollback', None)
        scripted = bool(job_id == str(FIRST_JOB_ID) and documented and instance.name == 'MyTestInstance'
                        and record['patchId'] == documented['patchId'])
        if scripted:
            record.clear()
            record.update(copy.deepcopy(documented))
            record['rollbackResult']['patchingStatus'] = 'IN_PROGRESS'
        else:
            note = body.get('additionalNote', 'This note is the default note: Rolling back the service from the patch [%s].' % rollback_id)
            self.next_rollback_row += 1
            record.update(operationType='Rollback', jobId=job_id, inProgress=True, lastStatus='IN_PROGRESS', additionalNote=note,
                          lastStatusMessage='Rollback in progress', resultMessage='Rollback in progress',
                          rollbackResult=dict(rollbackId=self.next_rollback_row, startDate=iso(wall), endDate='',
                                              patchingStatus='IN_PROGRESS', additionalNote=note, appliedBy=USERNAME, jobId=job_id,
                                              completeLog='', progressMessages=[clock_line(wall, ROLLBACK_PHASES[0])]),
                          progressMessages=[clock_line(wall, ROLLBACK_PHASES[0])])
        patch = instance.catalog.get(record['patchId'], {})
        instance.operations[id(record)] = Operation('rollback', job_id, self.state.now(), patch.get('rollback_duration', 30),
                                                    patch.get('rollback_fail'), scripted=bool(scripted))
        self._activity(instance, job_id, 'ROLLBACK_PATCH', None)
        if scripted:
            return self._accepted(instance, 'applied', job_id, json.loads(fixture('oracle_001_rollback_answer.json'))['details']['message'])
        return self._accepted(instance, 'applied', job_id, 'PATCHING-5038: Rollback of service from patch [%s] is submitted as an asynchronous job.'
                              % record['patchId'])

    def _activity_call(self, request, rest):
        from .server import Reply
        for instance in self.instances.values():
            self.advance(instance)
        if request.method != 'GET':
            return Reply(405, {'message': 'Method not allowed'})
        if rest.startswith('job/'):
            entry = self.activities.get(rest[4:])
            if entry is None:
                return Reply(404, {'message': 'Job %s not found' % rest[4:]})
            if entry['verbatim'] is not None:
                return Reply(200, text=entry['verbatim'])
            return Reply(200, entry['record'])
        records = [e['record'] for e in self.activities.values()]
        filters = (('serviceName', 'serviceName'), ('serviceType', 'serviceType'))
        for query_key, field in filters:
            value = request.arg(query_key)
            if value:
                records = [r for r in records if str(r.get(field, '')).lower() == value.lower()]
        for query_key, field in (('operationType', 'operationType'), ('status', 'status')):
            values = request.query.get(query_key)
            if values:
                records = [r for r in records if r.get(field) in values]
        if request.arg('fromStartDate'):
            records = [r for r in records if (r.get('startDate') or '') >= request.arg('fromStartDate')]
        if request.arg('toStartDate'):
            records = [r for r in records if (r.get('startDate') or '') <= request.arg('toStartDate')]
        records.sort(key=lambda r: r.get('startDate') or '', reverse=(request.arg('orderBy') or '').lower().endswith('desc'))
        return Reply(200, {'activityLogs': records})
