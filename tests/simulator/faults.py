# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fault injection: rules matched by path (regex) and method, each hitting a
bounded number of requests. The server asks ``take()`` once per request and
acts on the kind of the rule it gets (see README.md)."""

import html
import random
import re
import threading

from .common import Reply, html_error

KINDS = ('status', 'drop', 'slow', 'truncated', 'html', 'cut', 'bad_gzip', 'echo')
# Kinds that stand for a gateway or throttle answering in place of the service: the request is
# processed only with "after_processing" (the backend acted, then the gateway failed).
INSTEAD = ('status', 'html', 'echo')
MAX_DELAY = 300.0  # seconds; a slow rule never holds a thread longer


class Faults(object):
    """The fault rules; thread-safe on their own (they are consulted outside the state lock)."""

    def __init__(self):
        self.rules = []
        self.lock = threading.Lock()
        self.next_id = 1
        self.random = random.Random(0)

    def seed(self, value):
        """Make the draws of rules with a ``probability`` repeatable."""
        with self.lock:
            self.random = random.Random(value)

    def add(self, rule):
        """Add a rule (a dict as in README.md) and return its id; ValueError when it is not valid."""
        if not isinstance(rule, dict) or not isinstance(rule.get('path'), str):
            raise ValueError('a fault rule needs a path (regular expression)')
        if rule.get('kind') not in KINDS:
            raise ValueError('kind must be one of %s' % ', '.join(KINDS))
        try:
            compiled = re.compile(rule['path'])
        except re.error as exc:
            raise ValueError('path is not a regular expression: %s' % exc) from None
        rule = dict(rule, times=int(rule.get('times', 1)), skip=int(rule.get('skip', 0)), hits=0,
                    probability=float(rule.get('probability', 1.0)))
        if not 0.0 <= rule['probability'] <= 1.0:
            raise ValueError('probability must be between 0 and 1')
        if rule.get('method'):
            rule['method'] = rule['method'].upper()
        if rule.get('body') is not None and (rule['kind'] != 'status' or not isinstance(rule['body'], dict)):
            raise ValueError('body (a JSON object answered in place of the generic error) goes with kind "status"')
        if rule['kind'] == 'slow':
            rule['delay'] = min(MAX_DELAY, max(0.0, float(rule.get('delay', 1.0))))
        with self.lock:
            rule['id'] = self.next_id
            self.next_id += 1
            self.rules.append((compiled, rule))
        return rule['id']

    def clear(self):
        with self.lock:
            self.rules = []

    def dump(self):
        with self.lock:
            return [dict(rule) for dummy, rule in self.rules]

    def take(self, method, path):
        """The first rule that hits this request (a copy), or None. A matching rule
        first lets ``skip`` requests through, then hits ``times`` of them."""
        with self.lock:
            for compiled, rule in self.rules:
                if rule.get('method') and rule['method'] != method:
                    continue
                if not compiled.search(path):
                    continue
                if rule['skip'] > 0:
                    rule['skip'] -= 1
                    continue
                if rule['times'] <= 0:
                    continue
                if rule['probability'] < 1.0 and self.random.random() >= rule['probability']:
                    continue
                rule['times'] -= 1
                rule['hits'] += 1
                return dict(rule)
        return None


def answer_instead(rule, request=None):
    """The Reply a ``status``, ``html`` or ``echo`` rule sends in place of the real answer."""
    if rule['kind'] == 'echo':
        reply = echo_page(int(rule.get('status', 502)), request)
    elif rule['kind'] == 'html':
        reply = html_error(int(rule.get('status', 500)), 'Internal Server Error' if int(rule.get('status', 500)) == 500 else 'Error')
    elif rule.get('body') is not None:
        # the error document of the cloud the rule stands in for (e.g. OCI's {"code": "TooManyRequests", ...})
        reply = Reply(int(rule.get('status', 503)), rule['body'])
    else:
        status = int(rule.get('status', 503))
        reply = Reply(status, {'error_code': 'SIM.%d' % status, 'error_msg': 'injected fault %d' % rule['id'],
                               'message': 'injected fault %d' % rule['id']})
    if rule.get('retry_after') is not None:
        reply.headers['Retry-After'] = str(rule['retry_after'])
    return reply


def truncate(reply):
    """Keep the first half of the body (so JSON no longer parses)."""
    reply.text = reply.text[:max(1, len(reply.text) // 2)]
    return reply


def echo_page(status, request):
    """An error page that echoes the request back, credentials included, as some proxies do:
    every header as is, the body as is and HTML-escaped, the path URL-encoded."""
    lines = ['%s: %s' % (name, value) for name, value in request.headers.items()] if request is not None else []
    body = request.body_text if request is not None else ''
    page = ('<!DOCTYPE html>\n<html><head><title>%d Proxy Error</title></head><body><h1>Proxy Error</h1>'
            '<p>The upstream failed for this request:</p><pre>%s %s\n%s\n\n%s</pre><p>raw: %s</p></body></html>\n'
            % (status, request.method if request is not None else '', request.path if request is not None else '',
               html.escape('\n'.join(lines)), html.escape(body), body))
    return Reply(status, text=page, content_type='text/html; charset=utf-8')
