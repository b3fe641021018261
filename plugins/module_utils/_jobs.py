# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This module_utils is PRIVATE to the dbops.patching collection. It is not a
# public API: it may change or go away in any release without notice.

"""The normalized job every module returns, and the tolerant helpers the
providers' normalizers share: stray spaces in keys and values, "60 % ", empty end
times, ints for ids, one object where an array was documented and the other way
round. Each cloud's status map and normalizer live with its client."""

import calendar
import math
import re

STATES = ('pending', 'running', 'succeeded', 'failed', 'canceled', 'unknown')
TERMINAL_STATES = frozenset(('succeeded', 'failed', 'canceled'))

_SEPARATORS_RE = re.compile(r'[\s_-]+')
_PERCENT_RE = re.compile(r'(\d+(?:[.,]\d+)?)')
_TIME_RE = re.compile(r'^\s*(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d+))?\s*(Z|[+-]\d\d:?\d\d)?\s*$')


def canonical_status(status):
    """'In Progress ', 'IN PROGRESS' and 'in_progress' all become 'IN_PROGRESS'."""
    if status is None:
        return ''
    return _SEPARATORS_RE.sub('_', str(status).strip()).upper()


def status_table(succeeded_with_warnings='', **states):
    """A status map ({canonical spelling: (state, with_warnings)}) from the spellings of
    each state, given as space-separated words: status_table(running='RUNNING IN_PROGRESS', ...)."""
    table = dict((status, (state, False)) for state, spellings in states.items() for status in spellings.split())
    table.update((status, ('succeeded', True)) for status in succeeded_with_warnings.split())
    return table


def map_status(status, table, what, job_id, warn=None):
    """(state, with_warnings) for a raw status from ``table`` (canonical spellings to
    (state, with_warnings)); an unknown one maps to 'unknown' and calls ``warn`` with
    a message naming the raw value."""
    key = canonical_status(status)
    if key in table:
        return table[key]
    if warn is not None:
        warn('%s %s has a status this collection does not know: %r; reported as state "unknown".'
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
    """'60%', '60 % ', 60, '60.5' -> 60 (int, within 0..100); '' / None / nonsense -> None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = value
    else:
        match = _PERCENT_RE.search(str(value))
        if not match:
            return None
        number = float(match.group(1).replace(',', '.'))
    if not math.isfinite(number):
        return None
    return max(0, min(100, int(number)))


def parse_time(value):
    """Epoch seconds of the timestamps the clouds send ('2016-12-14T00:36:22.831+0000',
    '2018-08-06T10:41:14+0000', '2016-03-14T16:20:01Z'; no zone means UTC), or None."""
    match = _TIME_RE.match(value) if isinstance(value, str) else None
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        epoch = calendar.timegm((int(year), int(month), int(day), int(hour), int(minute), int(second), 0, 0, 0))
    except (ValueError, OverflowError):
        return None
    if fraction:
        epoch += float('0.' + fraction)
    if zone and zone != 'Z':
        sign = -1 if zone[0] == '-' else 1
        digits = zone[1:].replace(':', '')
        epoch -= sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60)
    return epoch


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


def last(items):
    return items[-1] if items else None


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
    """A placeholder for a job the API does not show yet (during a grace period)."""
    return make_job(job_id, None, 'pending', message=message)


def summarize(jobs):
    """Counts by state, plus the total."""
    summary = dict((state, 0) for state in STATES)
    for job in jobs:
        summary[job['state']] = summary.get(job['state'], 0) + 1
    summary['total'] = len(jobs)
    return summary
