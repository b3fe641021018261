# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The admin API under /__admin__/ (JSON in and out, no auth): reset, request
counters, faults, configuration and seeding. Admin calls are not counted."""

import re

from .common import Reply

PREFIX = '/__admin__/'


def handle(state, request):
    """The Reply to an admin request; ValueError/KeyError/TypeError mean a bad request."""
    name = request.path[len(PREFIX):].strip('/')
    call = ROUTES.get((request.method, name))
    if call is None and request.method == 'POST' and any(name in cloud.admin_seeds for cloud in state.clouds):
        call = _seed(name)
    if call is None:
        return Reply(404, {'message': 'unknown admin call %s %s' % (request.method, request.path)})
    body = request.json()
    if body is None:
        body = {}
    if request.method != 'GET' and not isinstance(body, dict):
        raise ValueError('the body must be a JSON object')
    return call(state, request, body)


def _reset(state, request, body):
    state.reset(body.get('time_scale'))
    return Reply(200, {'reset': True, 'time_scale': state.time_scale})


def _requests(state, request, body):
    method = (request.arg('method') or '').upper() or None
    try:
        pattern = re.compile(request.arg('path')) if request.arg('path') else None
    except re.error as exc:
        raise ValueError('path is not a regular expression: %s' % exc) from None
    return Reply(200, state.request_log(method, pattern))


def _advance(state, request, body):
    return Reply(200, {'now': round(state.advance(body['seconds']), 3)})


def _add_fault(state, request, body):
    return Reply(200, {'id': state.faults.add(body)})


def _clear_faults(state, request, body):
    state.faults.clear()
    return Reply(200, {'cleared': True})


def _list_faults(state, request, body):
    return Reply(200, {'faults': state.faults.dump()})


def _config(state, request, body):
    return Reply(200, state.configure(body))


def _seed(path):
    def seed(state, request, body):
        return Reply(200, state.seed(path, body))
    return seed


def _state(state, request, body):
    return Reply(200, state.dump())


ROUTES = {
    ('POST', 'reset'): _reset,
    ('GET', 'requests'): _requests,
    ('POST', 'advance'): _advance,
    ('POST', 'faults'): _add_fault,
    ('DELETE', 'faults'): _clear_faults,
    ('GET', 'faults'): _list_faults,
    ('POST', 'config'): _config,
    ('GET', 'state'): _state,
}
