# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to the dbops.patching collection. It is not a
# public API: it may change or go away in any release without notice.

"""The runner: every module is an argument spec plus ``run_module(module, work)``.
The run owns the result: work fills ``run.result`` and every exit returns it, so a
failure after a write was accepted still says ``changed: true`` and the job id.
This is the only place where errors become fail_json."""

import math

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.dbops.patching.plugins.module_utils import _http, _progress
from ansible_collections.dbops.patching.plugins.module_utils._errors import (
    ApiError,
    ConfigurationError,
    DbopsError,
    NotFoundError,
)
from ansible_collections.dbops.patching.plugins.module_utils._jobs import summarize
from ansible_collections.dbops.patching.plugins.module_utils._wait import (
    MAX_POLL_INTERVAL,
    NOT_FOUND_GRACE,
    FunctionSource,
    Poller,
    WaitOptions,
    wait_for,
)

# (option, lowest, highest): finite numbers only, bounds included.
NUMBER_BOUNDS = (
    ('request_timeout', 1, 3600),
    ('poll_interval', 1, 3600),
    ('wait_timeout', 0, 7 * 24 * 3600),
    ('max_poll_interval', 2, 3600),
    ('expected_duration', 1, 7 * 24 * 3600),
    ('progress_interval', 0, 24 * 3600),
)


def argument_spec_of(*parts, **options):
    """One argument spec from the shared parts (connection, service, wait...) and a
    module's own options."""
    spec = {}
    for part in parts:
        spec.update(part)
    spec.update(options)
    return spec


def wait_argument_spec(wait_default):
    return dict(
        wait=dict(type='bool', default=wait_default),
        wait_timeout=dict(type='int', default=3600),
        poll_interval=dict(type='float'),
        max_poll_interval=dict(type='float', default=60),
        expected_duration=dict(type='float'),
        progress_interval=dict(type='float', default=60),
    )


# AnsibleModule constraints of the modules that take job_id or job_ids.
ONE_JOB_ID_OR_MANY = dict(mutually_exclusive=[('job_id', 'job_ids')], required_one_of=[('job_id', 'job_ids')])


def job_ids_argument_spec():
    return dict(
        job_id=dict(type='str'),
        job_ids=dict(type='list', elements='str'),
    )


class Run(object):
    """One module run: its parameters, check/diff mode, the result it returns and the
    warnings it gives. A module with wait options returns ``timed_out``: false unless
    its wait ran out (a WaitTimeout says so in its own result)."""

    def __init__(self, module):
        self.module = module
        self.params = module.params
        self.check_mode = module.check_mode
        self.diff_mode = module._diff
        self.result = dict(changed=False)
        if 'wait_timeout' in module.argument_spec:
            self.result['timed_out'] = False
        self.warnings = []
        self.wait = bool(self.params.get('wait'))

    def warn(self, message):
        if message not in self.warnings:
            self.warnings.append(message)

    def poller(self, source, what, grace=None):
        """A Poller of the JobSource ``source`` with the run's wait options. The user's
        expected_duration wins over the source's estimate (e.g. from the durations of past runs)."""
        options = WaitOptions(interval=self.params.get('poll_interval'), grace=grace, what=what,
                              max_poll_interval=self.params.get('max_poll_interval') or MAX_POLL_INTERVAL,
                              expected_duration=self.params.get('expected_duration') or None)
        return Poller(source, timeout=self.params['wait_timeout'], options=options, progress=_progress.writer())


def check_input(run):
    """Checks of the options every module shares, before any request."""
    if not _http.HAS_REQUESTS:
        raise ConfigurationError(missing_required_lib('requests'), exception=str(_http.REQUESTS_IMPORT_ERROR))
    for name, lowest, highest in NUMBER_BOUNDS:
        value = run.params.get(name)
        if value is None:
            continue
        if isinstance(value, float) and not math.isfinite(value):
            raise ConfigurationError('%s must be a finite number of seconds, got %s.' % (name, value))
        if not lowest <= value <= highest:
            raise ConfigurationError('%s must be between %s and %s seconds, got %s.' % (name, lowest, highest, value))
    if run.params.get('job_ids') is not None:
        if not run.params['job_ids']:
            raise ConfigurationError('job_ids must name at least one id.')
        if any(not str(v).strip() for v in run.params['job_ids']):
            raise ConfigurationError('job_ids must not contain empty ids.')
    if run.params.get('job_id') is not None and not str(run.params['job_id']).strip():
        raise ConfigurationError('job_id must not be empty.')


def requested_job_ids(params):
    """(ids, many): the ids of job_id or job_ids, and whether the list form was used."""
    if params.get('job_ids') is not None:
        return list(dict.fromkeys(str(v).strip() for v in params['job_ids'])), True
    if params.get('job_id') is not None:
        return [str(params['job_id']).strip()], False
    return [], False


def report_jobs(run, source, what, key='job', grace=NOT_FOUND_GRACE, ids=None):
    """The body of every job info module: read through the JobSource ``source`` (and with
    ``wait`` follow) the jobs of job_id/job_ids (or the one id of ``ids``) and fill ``job`` (or ``key``)
    or ``jobs`` + ``summary`` + ``missing``, and ``exists``. A missing job is data unless waiting was asked for."""
    ids, many = requested_job_ids(run.params) if ids is None else (ids, False)

    def read_or_none(job_id, deadline=None):
        try:
            return source.read(job_id, deadline)
        except NotFoundError:
            return None, None

    def shape(jobs):
        found = [jobs.get(job_id) for job_id in ids]
        run.result['exists'] = all(job is not None for job in found)
        if many:
            run.result.update(jobs=found, summary=summarize([j for j in found if j is not None]),
                              missing=[job_id for job_id, job in zip(ids, found) if job is None])
        else:
            run.result[key] = found[0] if found else None

    if not run.wait:
        shape(Poller(FunctionSource(read_or_none), timeout=None, options=WaitOptions(tolerate_errors=False)).run(ids).jobs)
        return
    try:
        shape(wait_for(run.poller(source, what, grace=grace), ids))
    except DbopsError as exc:
        shape(getattr(exc, 'jobs', {}))
        raise


def run_module(module, work):
    """Run ``work(run)`` and exit with ``run.result``: the one exit_json and the one
    fail_json of the collection."""
    run = Run(module)
    failure = None
    try:
        check_input(run)
        work(run)
    except DbopsError as exc:
        failure = exc
    for warning in run.warnings:
        module.warn(warning)
    if failure is None:
        module.exit_json(**run.result)
    result = dict(run.result, **failure.result)
    result.pop('msg', None)
    if isinstance(failure, ApiError):
        result['error'] = failure.to_result()
    module.fail_json(msg=str(failure), **result)
