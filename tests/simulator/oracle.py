# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Oracle PaaS Service Manager: the patch API of ``dbaas`` and ``MySQLCS`` instances
and the activity log, with the shapes of the seed pages 001 and 002.

Every patch, rollback and precheck is an ``Operation`` that runs for a number of
simulated seconds; the records clients read are brought up to the simulated now
whenever they are read (nothing runs in the background)."""

import base64
import binascii
import copy
import json
import re

from .common import Reply, fixture, html_error, oracle_clock, oracle_time

DOMAIN = 'ExampleIdentityDomain'
USERNAME = 'username'
PASSWORD = 'password'
SERVICE_TYPES = ('dbaas', 'MySQLCS')
FIRST_JOB_ID = 4208393  # seed 001: the first job after a reset is the documented rollback
FIRST_PRECHECK_ROW = 7001
FIRST_ROLLBACK_ID = 300001
FIRST_ROLLBACK_ROW = 553  # seed 001's rollback is row 552
ACTIVITY_PENDING = 2.0  # simulated seconds an activity stays NEW before it runs
DEFAULT_DURATIONS = dict(duration=30.0, rollback_duration=30.0, precheck_duration=10.0)
PATCH_OPTIONS = ('duration', 'rollback_duration', 'precheck_duration', 'fail', 'rollback_fail', 'precheck_fail', 'warn')

SEED_001_ANSWER = 'oracle_001_rollback_answer.json'
SEED_001_JOB = 'oracle_001_rollback_job_4208393.json'
SEED_002_JOB = 'activity_002_job_5150771.json'

PHASES = {
    'apply': ('Phase initialize started', 'Phase initialize completed', 'Phase patch started', 'Phase patch-rex started',
              'Phase patch-rex completed', 'Phase patch completed', 'Phase finalize started'),
    'rollback': ('Phase initialize started', 'Phase initialize completed', 'Phase rollback started', 'Phase rollback-rex started',
                 'Phase rollback-rex completed', 'Phase rollback completed', 'Phase finalize started'),
    'precheck': ('Checking the patch bundle', 'Checking free disk space', 'Checking the database state',
                 'Checking the cluster state'),
}
FILTER_PAGE = 10  # records answered per page without a limit (as the psm CLI's default)
ACTIVITY_TYPES = {'apply': 'PATCH_SERVICE', 'rollback': 'ROLLBACK_PATCH', 'precheck': 'PRECHECK_PATCH'}
ORACLE_HEADERS = {'Content-Language': 'en', 'X-Frame-Options': 'DENY', 'Vary': 'user-agent'}

_INSTANCE_RE = re.compile(r'^/paas/api/v1\.1/instancemgmt/(?P<domain>[^/]+)/services/(?P<stype>[^/]+)/instances/(?P<name>[^/]+)'
                          r'/patches(?P<rest>/.*)?$')
_ACTIVITY_RE = re.compile(r'^/paas/api/v1\.1/activitylog/(?P<domain>[^/]+)/(?P<rest>job/[^/]+|filter)/?$')
# The documented instance lists, one per service type:
# Database Classic "View All Service Instances", GET /paas/service/dbcs/api/v1.1/instances/{identityDomainId}
#   https://docs.oracle.com/en/cloud/paas/database-dbaas-cloud/csdbr/op-paas-service-dbcs-api-v1.1-instances-identitydomainid-get.html
#   (snake_case fields, service_type "dbaas"; the page gives its status as 202, answered here as documented);
# MySQL Cloud Service "View All Service Instances", GET /paas/api/v1.1/instancemgmt/{identityDomainId}/services/MySQLCS/instances
#   https://docs.oracle.com/cd/E60665_01/mysql-cloud/CSMCS/op-paas-api-v1.1-instancemgmt-identitydomainid-services-mysqlcs-instances-get.html
#   (200, camelCase fields).
_DBCS_LIST_RE = re.compile(r'^/paas/service/dbcs/api/v1\.1/instances/(?P<domain>[^/]+)/?$')
_MYSQLCS_LIST_RE = re.compile(r'^/paas/api/v1\.1/instancemgmt/(?P<domain>[^/]+)/services/MySQLCS/instances/?$')


def _reply(status, body=None, headers=None, text=None):
    return Reply(status, body, headers=dict(ORACLE_HEADERS, **(headers or {})), text=text)


def _error(status, code, message):
    return _reply(status, {'message': 'PATCHING-%04d: %s' % (code, message)})


def _next_version(current, to_version):
    """'mysql 5.7.15' patched to '5.7.16' is 'mysql 5.7.16'."""
    if not to_version:
        return current
    if current and ' ' in current:
        return '%s %s' % (current.rsplit(' ', 1)[0], to_version)
    return to_version


# What Oracle publishes per major version, (version, release date): the quarterly Release Updates of Database
# Classic (patch id = the version, as the collection's examples write it) and the MySQL Server versions of MySQL Cloud
# Service (patch id as seed 001's "5.7.16-EE"). An instance seeded from an inventory lists every one newer than its
# current version, as a real instance lists the patches published for its version.
CATALOGUE = {
    ('dbaas', '12.2'): (('12.2.0.1.220118', '2022-01-18'), ('12.2.0.1.220419', '2022-04-19'),
                        ('12.2.0.1.220719', '2022-07-19'), ('12.2.0.1.221018', '2022-10-18')),
    ('dbaas', '18'): (('18.11.0.0', '2020-07-14'), ('18.12.0.0', '2020-10-20'), ('18.13.0.0', '2021-01-19'),
                      ('18.14.0.0', '2021-04-20')),
    ('dbaas', '19'): (('19.17.0.0', '2022-10-18'), ('19.18.0.0', '2023-01-17'), ('19.19.0.0', '2023-04-18'),
                      ('19.20.0.0', '2023-07-18'), ('19.21.0.0', '2023-10-17'), ('19.22.0.0', '2024-01-16'),
                      ('19.23.0.0', '2024-04-16'), ('19.24.0.0', '2024-07-16')),
    ('MySQLCS', '5.7'): (('5.7.21', '2018-01-15'), ('5.7.22', '2018-04-19'), ('5.7.23', '2018-07-27'), ('5.7.24', '2018-10-22')),
    ('MySQLCS', '8.0'): (('8.0.13', '2018-10-22'), ('8.0.14', '2019-01-21'), ('8.0.15', '2019-02-01'), ('8.0.16', '2019-04-25')),
}
CATALOGUE_DEFAULT_VERSIONS = {'dbaas': '19.20.0.0', 'MySQLCS': 'mysql 5.7.20'}  # when the inventory names none


def version_key(version):
    """'19.21.0.0', '12.2.0.1.220118' and 'mysql 5.7.16' as comparable lists of numbers."""
    return [int(number) for number in re.findall(r'\d+', str(version).rsplit(' ', 1)[-1])]


def catalogue_patches(service_type, current_version):
    """The catalogue's patches newer than ``current_version``, oldest first, as ``available`` seeds."""
    numbers = version_key(current_version)
    major = str(numbers[0]) if service_type == 'dbaas' and numbers and numbers[0] >= 18 else '.'.join(map(str, numbers[:2]))
    patches = []
    for version, released in CATALOGUE.get((service_type, major), ()):
        if version_key(version) <= numbers:
            continue
        release = dict(releaseDate='%sT00:00:00.000+0000' % released, displayName=version, toVersion=version)
        if service_type == 'MySQLCS':
            patches.append(dict(release, patchId='%s-EE' % version, patchDescription='MySQL Server version %s' % version,
                                patchReleaseUrl='https://dev.mysql.com/doc/relnotes/mysql/%s/en/news-%s.html'
                                                % (major, version.replace('.', '-'))))
        else:
            stamp = '' if version.count('.') > 3 else '.' + released[2:].replace('-', '')
            patches.append(dict(release, patchId=version, patchDescription='Database Release Update %s%s' % (version, stamp)))
    return patches


class Operation(object):
    """A patch, rollback or precheck: it runs ``duration`` simulated seconds from
    ``started`` and ends ``succeeded``, ``failed`` or ``warn`` (succeeded, with
    warnings in the activity log)."""

    def __init__(self, kind, job_id, started, started_wall, duration, outcome, scripted=False):
        self.kind = kind
        self.job_id = job_id
        self.started = started
        self.started_wall = started_wall
        self.duration = max(0.0, float(duration))
        self.outcome = outcome
        self.scripted = scripted  # a seed page's record: leave its messages as the page shows them

    def done(self, now):
        return now >= self.started + self.duration

    def end_wall(self):
        return self.started_wall + self.duration

    def phase_lines(self, now):
        """Progress messages shown so far, each stamped with the moment its phase began."""
        phases = PHASES[self.kind]
        lines = []
        for index, text in enumerate(phases):
            offset = self.duration * index / len(phases)
            if index and self.started + offset > now:
                break
            lines.append(oracle_clock(self.started_wall + offset, text))
        return lines

    def final_line(self):
        return oracle_clock(self.end_wall(), 'Failed' if self.outcome == 'failed' else 'Completed')


def _outcome(patch, fail_key):
    if patch.get(fail_key):
        return 'failed'
    return 'warn' if patch.get('warn') and fail_key == 'fail' else 'succeeded'


class Instance(object):
    """One service instance: its patch catalog, what is available and applied, its prechecks."""

    def __init__(self, seed):
        self.service_type = seed.get('service_type', 'dbaas')
        if self.service_type not in SERVICE_TYPES:
            raise ValueError('service_type must be one of %s' % ', '.join(SERVICE_TYPES))
        self.name = seed['name']
        self.current_version = seed.get('current_version')
        self.status = seed.get('status', 'Running')
        self.description = seed.get('description', '')
        self.catalog = {}
        self.available = []  # patch ids, in the seed's order
        for patch in seed.get('available', []):
            self.catalog[patch['patchId']] = dict(patch)
            self.available.append(patch['patchId'])
        self.applied = [copy.deepcopy(record) for record in seed.get('applied', [])]
        self.prechecks = []
        self.live = {}  # job id -> (Operation, record or precheck) still running

    def option(self, patch_id, name):
        patch = self.catalog.get(patch_id) or {}
        return patch.get(name, DEFAULT_DURATIONS.get(name))

    def busy(self):
        return bool(self.live)


class OracleCloud(object):
    """The patch API and the activity log of one identity domain."""

    name = 'oracle'

    @staticmethod
    def environment(base_url, ca_path=None):
        """The environment variables of the collection's oracle options that reach this simulator."""
        env = dict(ORACLE_PAAS_API_URL=base_url, ORACLE_PAAS_IDENTITY_DOMAIN=DOMAIN, ORACLE_PAAS_USERNAME=USERNAME,
                   ORACLE_PAAS_PASSWORD=PASSWORD)
        return dict(env, ORACLE_PAAS_CA_PATH=ca_path) if ca_path else env

    @staticmethod
    def variables(base_url):
        """The integration_config.yml variables of the collection's own targets."""
        return dict(oracle_api_url=base_url, oracle_identity_domain=DOMAIN, oracle_username=USERNAME, oracle_password=PASSWORD)

    @staticmethod
    def host_seed(name, host_vars):
        """(section, seed) of an inventory host of this cloud (seeding.py): an instance named
        ``safe_patch_service_name`` of ``safe_patch_service_type`` offering the catalogue newer than its
        version, ``safe_patch_patch_id`` among them."""
        service_type = host_vars.get('safe_patch_service_type', 'dbaas')
        current = str(host_vars.get('simulator_current_version') or host_vars.get('dbops_version')
                      or CATALOGUE_DEFAULT_VERSIONS.get(service_type, '19.20.0.0'))
        available = catalogue_patches(service_type, current)
        patch_id = host_vars.get('safe_patch_patch_id')
        if patch_id and str(patch_id) not in [patch['patchId'] for patch in available]:
            available.append(dict(patchId=str(patch_id), toVersion=str(patch_id), displayName=str(patch_id),
                                  patchDescription='Patch %s' % patch_id))
        for patch in available:
            patch.update(duration=float(host_vars.get('simulator_patch_seconds', 300)),
                         fail=bool(host_vars.get('simulator_patch_fails', False)))
        available.sort(key=lambda patch: version_key(patch['toVersion']))
        return 'oracle', dict(service_type=service_type, name=host_vars.get('safe_patch_service_name') or name, current_version=current,
                              available=available, applied=[])
    config = {'activity_filter_shape': 'wrapped'}  # or 'list': a bare list
    seeds = {'oracle': 'seed_instance', 'activities': 'seed_activity'}  # --fixtures sections
    admin_seeds = {'oracle/instances': 'seed_instance', 'oracle/activities': 'seed_activity'}

    @staticmethod
    def check_config(key, value):
        if key == 'activity_filter_shape' and value not in ('wrapped', 'list'):
            raise ValueError('activity_filter_shape is "wrapped" or "list"')
        return value if key == 'activity_filter_shape' else float(value)

    def __init__(self, state):
        self.state = state
        self.instances = {}
        self.activities = {}
        self.next_job = FIRST_JOB_ID
        self.next_precheck_row = FIRST_PRECHECK_ROW
        self.next_rollback_id = FIRST_ROLLBACK_ID
        self.next_rollback_row = FIRST_ROLLBACK_ROW
        self.seed_rollback = None

    # -- seeding -----------------------------------------------------------------

    def reset(self):
        self.instances = {}
        self.activities = {}
        self.next_job = FIRST_JOB_ID
        self.next_precheck_row = FIRST_PRECHECK_ROW
        self.next_rollback_id = FIRST_ROLLBACK_ID
        self.next_rollback_row = FIRST_ROLLBACK_ROW
        self._seed_001()
        text = fixture(SEED_002_JOB)
        self.seed_activity(json.loads(text), verbatim=text)

    def _seed_001(self):
        """MySQLCS MyTestInstance with patch 5.7.16-EE applied, as it was before the
        rollback seed 001 shows (that rollback becomes job 4208393)."""
        documented = json.loads(fixture(SEED_001_JOB))[0]
        record = copy.deepcopy(documented)
        del record['rollbackResult']
        patching = record['patchingResult']
        record.update(operationType='Patch', lastStatus='COMPLETED', inProgress=False, jobId=patching['jobId'],
                      resultMessage=patching['resultMessage'], lastStatusMessage=patching['resultMessage'],
                      additionalNote=patching['additionalNote'], appliedDate=patching['startDate'],
                      progressMessages=list(patching['progressMessages']))
        self.seed_instance(dict(service_type='MySQLCS', name='MyTestInstance', current_version='mysql 5.7.16', applied=[record]))
        instance = self.instances[('MySQLCS', 'MyTestInstance')]
        instance.catalog['5.7.16-EE'] = dict(patchId='5.7.16-EE', displayName='5.7.16', toVersion='5.7.16',
                                             patchDescription='MySQL Server version 5.7.16', duration=120, rollback_duration=120)
        self.seed_rollback = documented

    def seed_instance(self, seed):
        instance = Instance(seed)
        self.instances[(instance.service_type, instance.name)] = instance
        return {'service_type': instance.service_type, 'name': instance.name}

    def seed_activity(self, record, verbatim=None):
        if not isinstance(record, dict) or 'jobId' not in record:
            raise ValueError('an activity-log record needs a jobId')
        self.activities[str(record['jobId'])] = dict(record=copy.deepcopy(record), verbatim=verbatim, operation=None, instance=None)
        return {'jobId': record['jobId']}

    def dump(self):
        self.advance_all()
        return dict(('%s/%s' % key, dict(current_version=i.current_version, available=i.available, applied=i.applied,
                                         prechecks=i.prechecks, running=sorted(i.live)))
                    for key, i in self.instances.items())

    # -- the state machine ---------------------------------------------------------

    def advance_all(self):
        for instance in self.instances.values():
            self.advance(instance)

    def advance(self, instance):
        """Bring every running operation of an instance up to the simulated now."""
        now = self.state.now()
        for job_id, (operation, target) in list(instance.live.items()):
            if operation.kind == 'precheck':
                self._advance_precheck(operation, target, now)
            else:
                self._advance_record(instance, operation, target, now)
            if operation.done(now):
                del instance.live[job_id]

    def _advance_record(self, instance, operation, record, now):
        result = record['patchingResult'] if operation.kind == 'apply' else record['rollbackResult']
        if not operation.scripted:
            result['progressMessages'] = operation.phase_lines(now)
            record['progressMessages'] = list(result['progressMessages'])
        if not operation.done(now):
            return
        failed = operation.outcome == 'failed'
        if operation.scripted:
            operation.scripted = False
        result['progressMessages'] = operation.phase_lines(now) + [operation.final_line()]
        record['progressMessages'] = list(result['progressMessages'])
        result['endDate'] = oracle_time(operation.end_wall())
        result['patchingStatus'] = 'FAILED' if failed else 'COMPLETED'
        record['inProgress'] = False
        record['totalTime'] = '%d min, %d sec' % divmod(int(operation.duration), 60)
        if operation.kind == 'apply':
            message = 'Patching failed: phase patch-rex failed' if failed else 'Patching succeeded'
            record['lastStatus'] = 'FAILED' if failed else 'COMPLETED'
            if not failed:
                instance.current_version = _next_version(instance.current_version, record.get('toVersion'))
                record['currentPatchLevel'] = instance.current_version
                instance.available = [p for p in instance.available if p != record['patchId']]
        else:
            message = 'Rollback failed: phase rollback-rex failed' if failed else 'Rollback succeeded'
            record['lastStatus'] = 'FAILED' if failed else 'COMPLETED_ROLLBACK'
            if not failed:
                instance.current_version = record.get('rollbackVersion')
                record['currentPatchLevel'] = instance.current_version
                if record['patchId'] in instance.catalog and record['patchId'] not in instance.available:
                    instance.available.append(record['patchId'])
        result['resultMessage'] = record['resultMessage'] = record['lastStatusMessage'] = message

    def _advance_precheck(self, operation, check, now):
        lines = operation.phase_lines(now)
        check['preCheckMessages'] = [line.split(' ', 2)[2] + ': passed' for line in lines[:-1]]
        if not operation.done(now):
            return
        failed = operation.outcome == 'failed'
        check['preCheckMessages'] = [text + ': passed' for text in PHASES['precheck']]
        if failed:
            check['preCheckMessages'][1] = 'Checking free disk space: failed, /u01 needs 8 GB more free space'
        check.update(inProgress=False, endDate=oracle_time(operation.end_wall()),
                     status='DIDNT_PASS_PRECHECK' if failed else 'PASSED_PRECHECK',
                     resultMessage='Precheck failed: 1 check did not pass' if failed else 'Precheck passed')

    def _activity_document(self, entry):
        """An activity-log record; records of patch operations follow the operation."""
        record, operation = entry['record'], entry['operation']
        if operation is None:
            return record
        now = self.state.now()
        started = now >= operation.started + min(ACTIVITY_PENDING, operation.duration)
        messages = [dict(activityDate=oracle_time(operation.started_wall), message='Activity Submitted')]
        if started:
            messages.append(dict(activityDate=oracle_time(operation.started_wall), message='Activity Started'))
            for line in operation.phase_lines(now):
                messages.append(dict(activityDate=oracle_time(operation.started_wall), message=line.split(' ', 2)[2]))
        status = 'RUNNING' if started else 'NEW'
        end = None
        if operation.done(now):
            status = {'failed': 'FAILED', 'warn': 'WARN'}.get(operation.outcome, 'SUCCEED')
            end = oracle_time(operation.end_wall())
            if operation.outcome == 'warn':
                messages.append(dict(activityDate=end, message='Completed with warnings: 1 non-critical step reported errors.'))
            messages.append(dict(activityDate=end, message='Activity Ended'))
        return dict(record, status=status, endDate=end, messages=messages)

    # -- HTTP ------------------------------------------------------------------------

    def handle(self, request):
        """The Reply to a request on an Oracle path, or None when the path is not Oracle's."""
        listing = _DBCS_LIST_RE.match(request.path) or _MYSQLCS_LIST_RE.match(request.path)
        if listing:
            return self._list(request, listing)
        match = _INSTANCE_RE.match(request.path)
        activity = _ACTIVITY_RE.match(request.path)
        if not match and not activity:
            return None
        if not self._authorized(request, (match or activity).group('domain')):
            return html_error(401, 'Unauthorized')
        if activity:
            return self._activity_call(request, activity.group('rest'))
        instance = self.instances.get((match.group('stype'), match.group('name')))
        if instance is None:
            return _reply(404, {'message': 'Service instance [%s] of type [%s] was not found.' % (match.group('name'), match.group('stype'))})
        self.advance(instance)
        rest = [part for part in (match.group('rest') or '').split('/') if part]
        if request.method == 'GET':
            return self._read(instance, rest)
        if request.method == 'PUT':
            return self._write(request, instance, rest)
        return _error(405, 405, 'Method %s is not allowed on %s' % (request.method, request.path))

    def _list(self, request, listing):
        if not self._authorized(request, listing.group('domain')):
            return html_error(401, 'Unauthorized')
        if request.method != 'GET':
            return _error(405, 405, 'Method %s is not allowed on %s' % (request.method, request.path))
        domain = listing.group('domain')
        origin = 'http://%s' % request.headers.get('Host', '127.0.0.1')
        if listing.re is _DBCS_LIST_RE:
            services = [dict(service_name=i.name, version=i.current_version, status=i.status, description=i.description,
                             identity_domain=domain, created_by=USERNAME, creation_time='2026-01-05T10:00:00.000+0000',
                             last_modified_time='2026-01-05T10:00:00.000+0000',
                             service_uri='%s/paas/service/dbcs/api/v1.1/instances/%s/%s' % (origin, domain, i.name))
                        for i in self._instances_of('dbaas')]
            return _reply(202, {'uri': origin + request.path, 'service_type': 'dbaas',
                                'implementation_version': '1.0', 'services': services})
        services = [dict(serviceName=i.name, serviceType='MySQLCS', serviceVersion=i.current_version, status=i.status,
                         description=i.description, identityDomain=domain, creator=USERNAME)
                    for i in self._instances_of('MySQLCS')]
        return _reply(200, {'services': services})

    def _instances_of(self, service_type):
        return [i for (stype, dummy), i in sorted(self.instances.items()) if stype == service_type]

    @staticmethod
    def _authorized(request, domain):
        header = request.headers.get('Authorization') or ''
        if not header.startswith('Basic '):
            return False
        try:
            user, dummy, password = base64.b64decode(header[6:], validate=True).decode('utf-8').partition(':')
        except (ValueError, binascii.Error):
            return False
        return (user, password) == (USERNAME, PASSWORD) and request.headers.get('X-ID-TENANT-NAME') == domain == DOMAIN

    def _read(self, instance, rest):
        if rest == ['available']:
            return _reply(200, [self._public_patch(instance.catalog[p]) for p in instance.available])
        if rest == ['applied']:
            return _reply(200, instance.applied)
        if rest == ['checks']:
            return _reply(200, instance.prechecks)
        if len(rest) == 3 and rest[:2] == ['applied', 'job']:
            return self._patch_job(instance, rest[2])
        if len(rest) == 3 and rest[:2] == ['checks', 'job']:
            check = next((c for c in instance.prechecks if c['jobId'] == rest[2]), None)
            if check is None:
                return _error(404, 404, 'Precheck job [%s] was not found.' % rest[2])
            return _reply(202, check)
        return _error(404, 404, 'No such resource.')

    def _write(self, request, instance, rest):
        if len(rest) == 2 and rest[0] == 'checks':
            return self._precheck(request, instance, rest[1])
        if len(rest) == 2 and rest[1] == 'rollback':
            return self._rollback(request, instance, rest[0])
        if len(rest) == 1 and rest[0] not in ('available', 'applied', 'checks'):
            return self._apply(request, instance, rest[0])
        return _error(405, 405, 'PUT is not allowed here.')

    @staticmethod
    def _public_patch(patch):
        public = dict((k, v) for k, v in patch.items() if k not in PATCH_OPTIONS)
        public.setdefault('displayName', patch['patchId'])
        public.setdefault('patchType', 'Quarterly')
        public.setdefault('patchCategory', 'Upgrade')
        public.setdefault('patchSeverity', 'Normal')
        return public

    def _patch_job(self, instance, job_id):
        for record in instance.applied:
            ids = (record.get('jobId'), (record.get('patchingResult') or {}).get('jobId'), (record.get('rollbackResult') or {}).get('jobId'))
            if job_id not in [str(i) for i in ids if i is not None]:
                continue
            headers = {'Content-Location': '%s/applied/%s' % (self._patches_url(instance), record.get('id'))}
            live = instance.live.get(job_id)
            if live and live[0].scripted:
                return _reply(202, headers=headers, text=fixture(SEED_001_JOB))
            return _reply(202, [record], headers=headers)
        return _error(404, 404, 'Job [%s] was not found.' % job_id)

    # -- writes ------------------------------------------------------------------------

    def _patches_url(self, instance):
        return '%s/paas/api/v1.1/instancemgmt/%s/services/%s/instances/%s/patches' % (
            self.state.base_url, DOMAIN, instance.service_type, instance.name)

    def _new_job(self, instance, kind, duration, outcome, target, scripted=False):
        job_id = str(self.next_job)
        self.next_job += 1
        now = self.state.now()
        operation = Operation(kind, job_id, now, self.state.wall_at(now), duration, outcome, scripted=scripted)
        instance.live[job_id] = (operation, target)
        record = dict(activityLogId=int(job_id) - 100000, serviceName=instance.name, serviceType=instance.service_type.lower(),
                      identityDomain=DOMAIN, jobId=int(job_id), startDate=oracle_time(operation.started_wall), endDate=None,
                      status='NEW', operationId=int(job_id), operationType=ACTIVITY_TYPES[kind], summaryMessage=ACTIVITY_TYPES[kind],
                      authDomain=DOMAIN, authUser=USERNAME, initiatedBy='USER', messages=[])
        self.activities[job_id] = dict(record=record, verbatim=None, operation=operation, instance=instance)
        return operation

    def _accepted(self, instance, kind, job_id, message, flat=False):
        """202 with Location and Retry-After; MySQLCS answers the nested shape of
        seed 001, dbaas (and every precheck) the flat one."""
        if flat or instance.service_type == 'dbaas':
            body = {'message': message, 'jobId': job_id}
        else:
            body = {'status': 'Completed', 'details': {'message': message, 'jobId': job_id}}
        headers = {'Location': '%s/%s/job/%s' % (self._patches_url(instance), kind, job_id), 'Retry-After': self.state.retry_after(60)}
        return _reply(202, body, headers=headers)

    @staticmethod
    def _body(request, required):
        """(JSON object body, error Reply)."""
        try:
            body = request.json()
        except ValueError:
            return None, _error(400, 400, 'The request body is not valid JSON.')
        if body is None and required:
            return None, _error(400, 400, 'A JSON request body is required (it may be {}).')
        if body is not None and not isinstance(body, dict):
            return None, _error(400, 400, 'The request body must be a JSON object.')
        return body or {}, None

    @staticmethod
    def _busy(instance):
        return _error(409, 5030, 'Another operation is in progress on service [%s]; try again once it has completed.' % instance.name)

    def _precheck(self, request, instance, patch_id):
        dummy, error = self._body(request, required=False)
        if error:
            return error
        if patch_id not in instance.available:
            return _error(404, 404, 'Patch [%s] is not available for service [%s].' % (patch_id, instance.name))
        if instance.busy():
            return self._busy(instance)
        check = dict(id=self.next_precheck_row, jobId=None, patchId=patch_id, inProgress=True, status='IN_PROGRESS',
                     startDate=None, endDate=None, performedBy=USERNAME, resultMessage='Precheck in progress', preCheckMessages=[])
        self.next_precheck_row += 1
        operation = self._new_job(instance, 'precheck', instance.option(patch_id, 'precheck_duration'),
                                  _outcome(instance.catalog[patch_id], 'precheck_fail'), check)
        check.update(jobId=operation.job_id, startDate=oracle_time(operation.started_wall))
        instance.prechecks.append(check)
        message = 'PATCHING-5040: Precheck of service with patch [%s] is submitted as an asynchronous job.' % patch_id
        return self._accepted(instance, 'checks', operation.job_id, message, flat=True)

    def _apply(self, request, instance, patch_id):
        body, error = self._body(request, required=False)
        if error:
            return error
        if patch_id not in instance.available:
            return _error(404, 404, 'Patch [%s] is not available for service [%s].' % (patch_id, instance.name))
        if instance.busy():
            return self._busy(instance)
        patch = instance.catalog[patch_id]
        rollback_id = self.next_rollback_id
        self.next_rollback_id += 1
        note = body.get('additionalNote', 'This note is the default note: Applying the patch [%s] to the service.' % patch_id)
        record = dict(
            additionalNote=note, appliedBy=USERNAME, patchId=patch_id, patchDescription=patch.get('patchDescription', patch_id),
            releaseDate=patch.get('releaseDate'), resultMessage='Patching in progress', lastStatus='IN_PROGRESS',
            lastStatusMessage='Patching in progress', patchType=patch.get('patchType', 'Quarterly'),
            patchCategory=patch.get('patchCategory', 'Upgrade'), patchSeverity=patch.get('patchSeverity', 'Normal'),
            displayName=patch.get('displayName', patch_id), toVersion=patch.get('toVersion', patch_id), inProgress=True,
            operationType='Patch', id=rollback_id, rollbackId=str(rollback_id), rollbackVersion=instance.current_version,
            currentPatchLevel=instance.current_version)
        operation = self._new_job(instance, 'apply', instance.option(patch_id, 'duration'), _outcome(patch, 'fail'), record)
        record.update(jobId=operation.job_id, appliedDate=oracle_time(operation.started_wall), patchingResult=dict(
            patchingId=rollback_id, versionBeforeThisPatch=instance.current_version, strategy='Rolling',
            startDate=oracle_time(operation.started_wall), endDate='', patchingStatus='IN_PROGRESS', resultMessage='Patching in progress',
            additionalNote=note, appliedBy=USERNAME, jobId=operation.job_id, completeLog='', forceApply=bool(body.get('forceApply')),
            switchOver=bool(body.get('switchOver')), progressMessages=operation.phase_lines(operation.started)))
        record['progressMessages'] = list(record['patchingResult']['progressMessages'])
        instance.applied.append(record)
        message = 'PATCHING-5037: Patching of service with patch [%s] is submitted as an asynchronous job.' % patch_id
        return self._accepted(instance, 'applied', operation.job_id, message)

    def _rollback(self, request, instance, rollback_id):
        body, error = self._body(request, required=True)
        if error:
            return error
        record = next((r for r in instance.applied if rollback_id in (str(r.get('id')), r.get('rollbackId'))), None)
        if record is None:
            return _error(404, 404, 'No applied patch with rollback id [%s] on service [%s].' % (rollback_id, instance.name))
        if instance.busy():
            return self._busy(instance)
        if record.get('lastStatus') == 'COMPLETED_ROLLBACK':
            return _error(400, 5039, 'The patch [%s] has already been rolled back.' % record['patchId'])
        scripted = self.next_job == FIRST_JOB_ID and instance.name == 'MyTestInstance' and rollback_id == str(self.seed_rollback['id'])
        operation = self._new_job(instance, 'rollback', instance.option(record['patchId'], 'rollback_duration'),
                                  _outcome(instance.catalog.get(record['patchId']) or {}, 'rollback_fail'), record, scripted=scripted)
        if scripted:
            record.clear()
            record.update(copy.deepcopy(self.seed_rollback))
            answer = _reply(202, text=fixture(SEED_001_ANSWER))
            answer.headers.update(self._accepted(instance, 'applied', operation.job_id, '').headers)
            return answer
        note = body.get('additionalNote', 'This note is the default note: Rolling back the service from the patch [%s].' % rollback_id)
        lines = operation.phase_lines(operation.started)
        record.update(operationType='Rollback', jobId=operation.job_id, inProgress=True, lastStatus='IN_PROGRESS', additionalNote=note,
                      lastStatusMessage='Rollback in progress', resultMessage='Rollback in progress', progressMessages=list(lines),
                      rollbackResult=dict(rollbackId=self.next_rollback_row, startDate=oracle_time(operation.started_wall), endDate='',
                                          patchingStatus='IN_PROGRESS', additionalNote=note, appliedBy=USERNAME, jobId=operation.job_id,
                                          completeLog='', switchOver=bool(body.get('switchOver')), progressMessages=lines))
        self.next_rollback_row += 1
        message = 'PATCHING-5038: Rollback of service from patch [%s] is submitted as an asynchronous job.' % record['patchId']
        return self._accepted(instance, 'applied', operation.job_id, message)

    # -- the activity log ------------------------------------------------------------

    def _activity_call(self, request, rest):
        if request.method != 'GET':
            return _error(405, 405, 'Method %s is not allowed on the activity log.' % request.method)
        if rest.startswith('job/'):
            entry = self.activities.get(rest[4:])
            if entry is None:
                return _reply(404, {'message': 'No activity-log job with id [%s].' % rest[4:]})
            if entry['verbatim'] is not None:
                return _reply(200, text=entry['verbatim'])
            if entry['instance'] is not None:
                self.advance(entry['instance'])
            return _reply(200, self._activity_document(entry))
        self.advance_all()
        records = [self._activity_document(entry) for entry in self.activities.values()]
        for key in ('serviceName', 'serviceType'):
            value = request.arg(key)
            if value:
                records = [r for r in records if str(r.get(key, '')).lower() == value.lower()]
        for key in ('operationType', 'status'):
            values = [v.upper() for v in request.query.get(key, [])]
            if values:
                records = [r for r in records if str(r.get(key, '')).upper() in values]
        if request.arg('fromStartDate'):
            records = [r for r in records if (r.get('startDate') or '')[:19] >= request.arg('fromStartDate')[:19]]
        if request.arg('toStartDate'):
            records = [r for r in records if (r.get('startDate') or '')[:19] <= request.arg('toStartDate')[:19]]
        # "By default the result is presented in descending order by startDate"; orderBy is
        # "field_name:sort_order" with asc or desc (List All Activity, MySQL Cloud Service REST API,
        # docs.oracle.com/cd/E60665_01/mysql-cloud/CSMCS/op-paas-api-v1.1-activitylog-identitydomainid-filter-get.html)
        field, direction = ((request.arg('orderBy') or 'startDate:desc') + ':').split(':')[:2]
        records.sort(key=lambda r: (str(r.get(field.strip()) or ''), r.get('jobId') or 0),
                     reverse=direction.strip().lower() != 'asc')
        offset = int(request.arg('offset') or 0)
        records = records[offset:offset + int(request.arg('limit') or FILTER_PAGE)]
        if self.state.config.get('activity_filter_shape') == 'list':
            return _reply(200, records)
        return _reply(200, {'activityLogs': records})
