# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to the dbops.patching collection. It is not a
# public API: it may change or go away in any release without notice.

"""The normalized job model shared by every module, and the status maps of the
four job kinds (Oracle patch/precheck job, Oracle activity log, OTC RDS job,
CTL execution and queue item). Tolerant of the quirks the clouds really send:
stray spaces in keys and values, "60 % ", empty end times, ints for ids, one
object where an array was documented and the other way round."""

import re

STATES = ('pending', 'running', 'succeeded', 'failed', 'canceled', 'unknown')
TERMINAL_STATES = frozenset(('succeeded', 'failed', 'canceled'))

# Keys are canonical status spellings (see canonical_status); values are
# (state, with_warnings).
ORACLE_PATCH_STATUS = {
    'NEW': ('pending', False),
    'SUBMITTED': ('pending', False),
    'QUEUED': ('pending', False),
    'NOT_STARTED': ('pending', False),
    'IN_PROGRESS': ('running', False),
    'RUNNING': ('running', False),
    'COMPLETED': ('succeeded', False),
    'COMPLETED_ROLLBACK': ('succeeded', False),
    'ROLLBACK_COMPLETED': ('succeeded', False),
    'COMPLETED_WITH_WARNINGS': ('succeeded', True),
    'FAILED': ('failed', False),
    'ROLLBACK_FAILED': ('failed', False),
    'CANCELED': ('canceled', False),
    'CANCELLED': ('canceled', False),
    'ABORTED': ('canceled', False),
}

ORACLE_PRECHECK_STATUS = {
    'NEW': ('pending', False),
    'SUBMITTED': ('pending', False),
    'IN_PROGRESS': ('running', False),
    'RUNNING': ('running', False),
    'PASSED_PRECHECK': ('succeeded', False),
    'PASSED': ('succeeded', False),
    'DIDNT_PASS_PRECHECK': ('failed', False),
    'DIDNT_FINISHED_PRECHECK': ('failed', False),
    'DIDNT_FINISH_PRECHECK': ('failed', False),
    'FAILED': ('failed', False),
}

ACTIVITY_STATUS = {
    'NEW': ('pending', False),
    'SUBMITTED': ('pending', False),
    'RUNNING': ('running', False),
    'IN_PROGRESS': ('running', False),
    'SUCCEED': ('succeeded', False),
    'SUCCEEDED': ('succeeded', False),
    'WARN': ('succeeded', True),
    'FAILED': ('failed', False),
    'CANCELED': ('canceled', False),
    'CANCELLED': ('canceled', False),
}

OTC_STATUS = {
    'PENDING': ('pending', False),
    'RUNNING': ('running', False),
    'COMPLETED': ('succeeded', False),
    'FAILED': ('failed', False),
}

CLC_EXECUTION_STATUS = {
    'PENDING': ('pending', False),
    'NOT_STARTED': ('pending', False),
    'RUNNING': ('running', False),
    'IN_PROGRESS': ('running', False),
    'EXECUTING': ('running', False),
    'COMPLETED': ('succeeded', False),
    'SUCCEEDED': ('succeeded', False),
    'FAILED': ('failed', False),
    'ABORTED': ('canceled', False),
}

CLC_QUEUE_STATUS = {
    'NOTSTARTED': ('pending', False),
    'NOT_STARTED': ('pending', False),
    'EXECUTING': ('running', False),
    'RESUMED': ('running', False),
    'SUCCEEDED': ('succeeded', False),
    'FAILED': ('failed', False),
    'UNKNOWN': ('unknown', False),
}

# Windows Update result codes, which CTL uses for every OS: "Result Code: N".
CLC_RESULT_CODES = {
    0: ('pending', False),
    1: ('running', False),
    2: ('succeeded', False),
    3: ('succeeded', True),
    4: ('failed', False),
    5: ('canceled', False),
}

_SEPARATORS_RE = re.compile(r'[\s_-]+')
_PERCENT_RE = re.compile(r'(\d+(?:[.,]\d+)?)')
_RESULT_CODE_RE = re.compile(r'result\s*code\s*:?\s*(\d+)', re.IGNORECASE)


def canonical_status(status):
    """'In Progress ', 'IN PROGRESS' and 'in_progress' all become 'IN_PROGRESS'."""
    if status is None:
        return ''
    return _SEPARATORS_RE.sub('_', str(status).strip()).upper()


def map_status(status, table, what, job_id, warnings=None):
    """(state, with_warnings) for a raw status; an unknown one maps to 'unknown' and
    adds a warning naming the raw value."""
    key = canonical_status(status)
    if key in table:
        return table[key]
    if warnings is not None:
        warnings.append('%s %s has a status this collection does not know: %r; reported as state "unknown".'
                        % (what, job_id, status))
    return 'unknown', False


def clean(value):
    """Strip whitespace from every key and string value, recursively."""
    if isinstance(value, dict):
        return dict((k.strip() if isinstance(k, str) else k, clean(v)) for k, v in value.items())
    if isinstance(value, list):
        return [clean(v) for v in value]
    if isinstance(value, str):
        return value.strip()
    return value


def text_or_none(value):
    """A stripped string, or None for None/''/whitespace."""
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def parse_percent(value):
    """'60%', '60 % ', 60, '60.5' -> 60 (int); '' / None / nonsense -> None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value)
    match = _PERCENT_RE.search(str(value))
    if not match:
        return None
    return int(float(match.group(1).replace(',', '.')))


def one_object(value):
    """A single record from what may be an object or a (one-item) array."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def as_list(value):
    """A list from what may be a list, a single object, or nothing."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def make_job(job_id, status, state, with_warnings=False, progress=None, operation=None,
             started_at=None, ended_at=None, message=None, messages=None, raw=None):
    """The normalized job, exactly the keys of the collection's contract."""
    terminal = state in TERMINAL_STATES
    return dict(
        id=text_or_none(job_id),
        state=state,
        terminal=terminal,
        status=status,
        with_warnings=bool(with_warnings),
        progress=progress,
        operation=text_or_none(operation),
        started_at=text_or_none(started_at),
        ended_at=text_or_none(ended_at) if terminal else None,
        message=text_or_none(message),
        messages=[m for m in (messages or []) if m is not None],
        raw=raw,
    )


def pending_job(job_id, message=None):
    """A placeholder for a job the API does not show yet (e.g. OTC's grace period)."""
    return make_job(job_id, None, 'pending', message=message)


def summarize(jobs):
    """Counts by state, plus the total."""
    summary = dict((state, 0) for state in STATES)
    for job in jobs:
        summary[job['state']] = summary.get(job['state'], 0) + 1
    summary['total'] = len(jobs)
    return summary


def _last(items):
    return items[-1] if items else None


def _oracle_record_for_job(records, job_id):
    """The applied-patch record that a patch/rollback job id belongs to, with the part
    of it (the record itself, patchingResult or rollbackResult) that describes the job."""
    job_id = str(job_id)
    for record in records:
        if str(record.get('jobId', '')).strip() == job_id:
            return record, None
    for record in records:
        for part_key, operation in (('rollbackResult', 'Rollback'), ('patchingResult', 'Patch')):
            part = record.get(part_key)
            if isinstance(part, dict) and str(part.get('jobId', '')).strip() == job_id:
                return record, (part, operation)
    if len(records) == 1:
        return records[0], None
    return None, None


def normalize_oracle_patch_job(payload, job_id, warnings=None):
    """A patch or rollback job from GET .../patches/applied/job/{id}: an array of
    applied-patch records (seed 001), or one record. None when the job is not there."""
    records = [r for r in as_list(payload) if isinstance(r, dict)]
    record, part = _oracle_record_for_job(records, job_id)
    if record is None:
        return None
    if part is not None:
        detail, operation = part
        status = detail.get('patchingStatus')
        messages = as_list(detail.get('progressMessages'))
        message = detail.get('resultMessage') or _last(messages)
    else:
        operation = record.get('operationType')
        detail = record.get('rollbackResult') if canonical_status(operation) == 'ROLLBACK' else record.get('patchingResult')
        detail = detail if isinstance(detail, dict) else {}
        status = record.get('lastStatus')
        messages = as_list(record.get('progressMessages') or detail.get('progressMessages'))
        message = record.get('lastStatusMessage') or record.get('resultMessage') or _last(messages)
    state, with_warnings = map_status(status, ORACLE_PATCH_STATUS, 'Oracle patch job', job_id, warnings)
    return make_job(job_id, status, state, with_warnings=with_warnings, operation=operation,
                    started_at=detail.get('startDate'), ended_at=detail.get('endDate'),
                    message=message, messages=messages, raw=payload)


def normalize_oracle_precheck_job(payload, job_id, warnings=None):
    """A precheck job from GET .../patches/checks/job/{id} (an object, or an array
    holding it). None when the job is not there."""
    records = [r for r in as_list(payload) if isinstance(r, dict)]
    record = next((r for r in records if str(r.get('jobId', '')).strip() == str(job_id)), None)
    if record is None:
        record = records[0] if len(records) == 1 else None
    if record is None:
        return None
    status = record.get('status')
    if status is None and record.get('inProgress'):
        status = 'IN_PROGRESS'
    state, with_warnings = map_status(status, ORACLE_PRECHECK_STATUS, 'Oracle precheck job', job_id, warnings)
    messages = [m if isinstance(m, str) else (m.get('message') if isinstance(m, dict) else str(m))
                for m in as_list(record.get('preCheckMessages'))]
    message = record.get('resultMessage') or _last(messages)
    return make_job(record.get('jobId', job_id), status, state, with_warnings=with_warnings, operation='Precheck',
                    started_at=record.get('startDate'), ended_at=record.get('endDate'),
                    message=message, messages=messages, raw=payload)


def normalize_activity(record, warnings=None):
    """One activity-log record (seed 002); its int jobId becomes a string."""
    job_id = record.get('jobId')
    status = record.get('status')
    state, with_warnings = map_status(status, ACTIVITY_STATUS, 'Activity log job', job_id, warnings)
    messages = []
    for item in as_list(record.get('messages')):
        messages.append(item.get('message') if isinstance(item, dict) else item)
    return make_job(job_id, status, state, with_warnings=with_warnings,
                    operation=record.get('operationType'), started_at=record.get('startDate'),
                    ended_at=record.get('endDate'), message=_last(messages) or record.get('summaryMessage'),
                    messages=messages, raw=record)


def activity_records(payload):
    """The records of an activity-log filter answer: a list, or {"activityLogs": [...]}."""
    if isinstance(payload, dict):
        for key in ('activityLogs', 'items', 'activities'):
            if key in payload:
                return [r for r in as_list(payload[key]) if isinstance(r, dict)]
        return [payload] if 'jobId' in payload else []
    return [r for r in as_list(payload) if isinstance(r, dict)]


def normalize_otc_job(payload, job_id, warnings=None):
    """An RDS task-center job from GET /v3/{project}/jobs?id=... (seed 004), quirks and
    all. Adds instance, entities and fail_reason to the normalized keys."""
    cleaned = clean(payload if isinstance(payload, dict) else {})
    job = cleaned.get('job') if isinstance(cleaned.get('job'), dict) else cleaned
    status = job.get('status')
    state, with_warnings = map_status(status, OTC_STATUS, 'OTC RDS job', job_id, warnings)
    progress = parse_percent(job.get('process'))
    name = job.get('name')
    fail_reason = text_or_none(job.get('fail_reason'))
    summary_line = ' '.join(p for p in (name, status, '(%d%%)' % progress if progress is not None else None) if p)
    result = make_job(job.get('id') or job_id, status, state, with_warnings=with_warnings, progress=progress,
                      operation=name, started_at=job.get('created'), ended_at=job.get('ended'),
                      message=fail_reason or summary_line or None, messages=[fail_reason] if fail_reason else [],
                      raw=payload)
    instance = job.get('instance') if isinstance(job.get('instance'), dict) else {}
    result['instance'] = dict(id=text_or_none(instance.get('id')), name=text_or_none(instance.get('name')))
    result['entities'] = job.get('entities') if isinstance(job.get('entities'), dict) else {}
    result['fail_reason'] = fail_reason
    return result


def clc_result_code(message):
    """N from 'Result Code: N', or None."""
    if message is None:
        return None
    match = _RESULT_CODE_RE.search(str(message))
    return int(match.group(1)) if match else None


def normalize_clc_patch(record, warnings=None):
    """One per-patch record of a CTL execution."""
    record = clean(record)
    code = clc_result_code(record.get('patch_end_message'))
    status = record.get('status')
    if code in CLC_RESULT_CODES:
        state, with_warnings = CLC_RESULT_CODES[code]
    else:
        table = dict(CLC_EXECUTION_STATUS, COMPLETED=('succeeded', False))
        state, with_warnings = map_status(status, table, 'CTL patch', record.get('patch_begin_message'), warnings)
    return dict(
        name=text_or_none(record.get('patch_begin_message') or record.get('name')),
        state=state,
        status=status,
        with_warnings=with_warnings,
        result_code=code,
        started_at=text_or_none(record.get('start_time')),
        ended_at=text_or_none(record.get('end_time')),
        message=text_or_none(record.get('patch_end_message')),
    )


def normalize_clc_execution(payload, warnings=None):
    """A CTL execution (summary item or detail, seed 003): a normalized job plus
    ``patches``; ``patches`` is an array in practice though documented as a number."""
    record = clean(one_object(payload) or {})
    job_id = record.get('execution_id')
    status = record.get('status')
    state, with_warnings = map_status(status, CLC_EXECUTION_STATUS, 'CTL execution', job_id, warnings)
    patches = [normalize_clc_patch(p, warnings) for p in as_list(record.get('patches')) if isinstance(p, dict)]
    if any(p['with_warnings'] or p['state'] == 'failed' for p in patches) and state == 'succeeded':
        with_warnings = True
    progress = None
    if patches and state == 'running':
        progress = int(100 * sum(1 for p in patches if p['state'] in TERMINAL_STATES) / len(patches))
    messages = [record.get('begin_message')]
    for patch in patches:
        messages.extend((patch['name'], patch['message']))
    messages.append(record.get('end_message') if state in TERMINAL_STATES else None)
    messages = [m for m in messages if m]
    job = make_job(job_id, status, state, with_warnings=with_warnings, progress=progress, operation='Patch',
                   started_at=record.get('start_time'), ended_at=record.get('end_time'),
                   message=_last(messages), messages=messages, raw=payload)
    job['patches'] = patches
    job['patch_count'] = len(patches) if patches else (record.get('patches') if isinstance(record.get('patches'), int) else 0)
    return job


def normalize_clc_queue(payload, queue_id, warnings=None):
    """A CTL queue item from GET /v2/operations/{alias}/status/{id}."""
    record = clean(one_object(payload) or {})
    status = record.get('status')
    state, with_warnings = map_status(status, CLC_QUEUE_STATUS, 'CTL queue item', queue_id, warnings)
    return make_job(queue_id, status, state, with_warnings=with_warnings, operation='executePackage',
                    message=status, raw=payload)
