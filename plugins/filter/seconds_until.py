# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The seconds_until filter: seconds from now until an ISO 8601 time (negative once past)."""

import datetime
import re
import time

from ansible.errors import AnsibleFilterError

_ISO_RE = re.compile(r'^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$', re.IGNORECASE)


def parse_iso(value):
    """Epoch seconds of an ISO 8601 time; a time without a zone is UTC."""
    match = _ISO_RE.match(str(value).strip())
    if not match:
        raise AnsibleFilterError('seconds_until: %r is not an ISO 8601 time such as 2026-11-28T06:00:00Z.' % (value,))
    year, month, day, hour, minute, second, zone = match.groups()
    try:
        moment = datetime.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
    except ValueError as exc:
        raise AnsibleFilterError('seconds_until: %r is not a valid time: %s.' % (value, exc))
    offset = 0
    if zone and zone.upper() != 'Z':
        digits = zone.replace(':', '')
        offset = (int(digits[1:3]) * 60 + int(digits[3:5])) * 60 * (1 if digits[0] == '+' else -1)
    epoch = (moment - datetime.datetime(1970, 1, 1)).total_seconds()
    return epoch - offset


def seconds_until(value, now=None):
    """Seconds from ``now`` (epoch seconds, default the current time) until ``value``."""
    return round(parse_iso(value) - (time.time() if now is None else float(now)), 3)


class FilterModule(object):
    def filters(self):
        return {'seconds_until': seconds_until}
