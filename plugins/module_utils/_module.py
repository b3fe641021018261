# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to the dbops.patching collection. It is not a
# public API: it may change or go away in any release without notice.

"""What every module shares: the common connection and wait options, input checks,
following jobs, and the one place where errors become fail_json."""

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.dbops.patching.plugins.module_utils import _http
from ansible_collections.dbops.patching.plugins.module_utils._jobs import pending_job, summarize
from ansible_collections.dbops.patching.plugins.module_utils._wait import Poller, WaitTimeout, wait_for

# How long a job that the API does not show yet (OTC answers DBS.200543 for a few
# seconds after creation) is treated as pending while waiting.
NOT_FOUND_GRACE = 30.0


class ModuleFailure(Exception):
    """A failure decided by the module's own logic (a job that ended failed, a
    patch that is not available...). ``result`` is returned alongside ``msg``."""

    def __init__(self, message, **result):
        super(ModuleFailure, self).__init__(message)
        self.result = result


def connection_argument_spec():
    """Options every provider takes besides its own credentials."""
    return dict(
        validate_certs=dict(type='bool', default=True),
        ca_path=dict(type='path'),
        request_timeout=dict(type='float', default=30),
    )


def wait_argument_spec(wait_default):
    return dict(
        wait=dict(type='bool', default=wait_default),
        wait_timeout=dict(type='int', default=3600),
        poll_interval=dict(type='float'),
    )


def job_ids_argument_spec():
    return dict(
        job_id=dict(type='str'),
        job_ids=dict(type='list', elements='str'),
    )


def check_positive(module, names):
    """Fail with a message naming the option when a number is not positive."""
    for name in names:
        value = module.params.get(name)
        if value is not None and value <= 0:
            module.fail_json(msg='%s must be greater than 0, got %s.' % (name, value))


def check_common(module):
    """Input checks shared by every module (run before any request)."""
    if not _http.HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib('requests'), exception=str(_http.REQUESTS_IMPORT_ERROR))
    check_positive(module, ('request_timeout', 'poll_interval'))
    if module.params.get('wait_timeout') is not None and module.params['wait_timeout'] < 0:
        module.fail_json(msg='wait_timeout must be 0 or more seconds, got %s.' % module.params['wait_timeout'])
    for name in ('job_ids', 'server_ids'):
        values = module.params.get(name)
        if values is not None:
            if not values:
                module.fail_json(msg='%s must name at least one id.' % name)
            blank = [v for v in values if not str(v).strip()]
            if blank:
                module.fail_json(msg='%s must not contain empty ids.' % name)
    for name in ('job_id', 'patch_id', 'rollback_id', 'service_name', 'server_id', 'execution_id', 'package_id'):
        value = module.params.get(name)
        if value is not None and not str(value).strip():
            module.fail_json(msg='%s must not be empty.' % name)


def requested_job_ids(module):
    """(ids, many): the ids of job_id or job_ids, and whether the list form was used."""
    if module.params.get('job_ids') is not None:
        return [str(v).strip() for v in module.params['job_ids']], True
    if module.params.get('job_id') is not None:
        return [str(module.params['job_id']).strip()], False
    return [], False


def make_poller(module, fetch, **kwargs):
    return Poller(fetch, timeout=module.params['wait_timeout'], interval=module.params.get('poll_interval'), **kwargs)


def tolerant_fetch(fetch, clock, grace=NOT_FOUND_GRACE, what='job'):
    """Wrap ``fetch(key) -> (job or None, retry_after)`` so that a job the API does
    not show yet counts as pending for ``grace`` seconds, then fails clearly
    (naming it as ``what``, e.g. 'RDS job' or 'execution').
    The wrapper's ``unseen`` set holds the keys the API has not shown yet."""
    started = clock()

    def fetch_or_pending(key):
        job, retry_after = fetch(key)
        if job is not None:
            fetch_or_pending.unseen.discard(key)
            return job, retry_after
        if clock() - started < grace:
            fetch_or_pending.unseen.add(key)
            return pending_job(key, message='not visible yet'), retry_after
        raise ModuleFailure('%s %s does not exist (still not found %.0f seconds after the wait started).'
                            % (what[:1].upper() + what[1:], key, grace))

    fetch_or_pending.unseen = set()
    return fetch_or_pending


def follow_job(module, read, job_id, result, key='job', first_delay=None, what='job', resume=None):
    """Wait for one job with the module's wait options; store the last state seen in
    ``result[key]`` and return it. A timeout raises ModuleFailure carrying ``result``."""
    poller = make_poller(module, read)
    poller.fetch = tolerant_fetch(read, poller.clock, what=what)
    try:
        job = wait_for(poller, [job_id], first_delay=first_delay, what=what, resume=resume)[job_id]
    except WaitTimeout as exc:
        result[key] = exc.jobs.get(job_id)
        raise ModuleFailure(str(exc), elapsed=round(exc.elapsed, 1), **result)
    result[key] = job
    return job


def send_once(write, recover, subject, result):
    """Send a write exactly once. When its answer is lost, ``recover()`` re-reads the
    cloud's state and returns what the write started (or None); the write is never
    sent a second time."""
    try:
        return write()
    except _http.WriteOutcomeUnknown as exc:
        recovered = recover()
        if recovered is not None:
            return recovered
        raise ModuleFailure('%s. %s does not show as started, and the request was not sent again: check the '
                            'service, then run the task again.' % (exc, subject), **result)


def report_jobs(module, ids, many, fetch, wait, what='job', result=None, key='job'):
    """Read (and with ``wait`` follow) jobs, and build the info result: ``job`` (or
    ``key``) or ``jobs`` + ``summary``, and ``exists``. Missing jobs are data unless waiting."""
    result = result if result is not None else {}
    if wait:
        poller = make_poller(module, fetch)
        poller.fetch = tolerant_fetch(fetch, poller.clock, what=what)
        try:
            jobs = wait_for(poller, ids, what=what)
        except WaitTimeout as exc:
            unseen = [job_id for job_id in ids if job_id in poller.fetch.unseen]
            message = str(exc)
            if unseen:
                message += ' Not shown by the API yet: %s.' % ', '.join(unseen)
            seen = dict((job_id, None if job_id in unseen else job) for job_id, job in exc.jobs.items())
            raise ModuleFailure(message, elapsed=round(exc.elapsed, 1), **shape_jobs(ids, many, seen, result, key))
        return shape_jobs(ids, many, jobs, result, key)
    once = Poller(fetch, timeout=0)  # one concurrent read of each job, no waiting
    return shape_jobs(ids, many, once.run(ids).jobs, result, key)


def shape_jobs(ids, many, jobs, result, key='job'):
    found = [jobs.get(key) for key in ids]
    result = dict(result)
    result['exists'] = all(job is not None for job in found)
    if many:
        result['jobs'] = found
        result['summary'] = summarize([job for job in found if job is not None])
        result['missing'] = [key for key, job in zip(ids, found) if job is None]
    else:
        result[key] = found[0] if found else None
    return result


def unknown_status_warnings(module, warnings):
    for warning in dict.fromkeys(warnings):
        module.warn(warning)


def run_module(module, work):
    """Run ``work(module, warnings) -> result`` and exit; the only place that turns
    errors into fail_json. Partial results (last job states) are always returned."""
    check_common(module)
    warnings = []
    try:
        result = work(module, warnings)
    except ModuleFailure as exc:
        unknown_status_warnings(module, warnings)
        result = dict(exc.result)
        result.setdefault('changed', False)
        module.fail_json(msg=str(exc), **result)
    except _http.ApiError as exc:
        unknown_status_warnings(module, warnings)
        module.fail_json(msg=str(exc), changed=False, error=exc.to_result(), **getattr(exc, 'result', {}))
    unknown_status_warnings(module, warnings)
    module.exit_json(**result)
