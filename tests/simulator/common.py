# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What every part of the simulator shares: the request and reply objects, the
fixture files and the timestamp formats of the three clouds."""

import json
import os
import time

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures')


def fixture(name):
    """The text of a fixture file, exactly as stored (bodies are served byte for byte)."""
    with open(os.path.join(FIXTURES, name), encoding='utf-8') as handle:
        return handle.read()


class Reply(object):
    """What a handler answers: a status, headers and a body (a document, or ``text`` verbatim)."""

    def __init__(self, status, body=None, headers=None, text=None, content_type='application/json'):
        self.status = status
        self.headers = dict(headers or {})
        if text is None:
            text = '' if body is None else json.dumps(body)
        self.text = text
        self.content_type = content_type


def html_error(status, title):
    """An HTML error page, like the ones Oracle's front ends and proxies answer."""
    page = ('<!DOCTYPE html>\n<html><head><title>%d %s</title></head>\n<body><h1>%s</h1>'
            '<p>The server could not process the request.</p></body></html>\n' % (status, title, title))
    return Reply(status, text=page, content_type='text/html; charset=utf-8')


class Request(object):
    """One HTTP request, already read: method, path, parsed query, headers and body text."""

    def __init__(self, method, path, query, headers, body_text, target=None):
        self.method = method
        self.path = path
        self.target = path if target is None else target  # path?query exactly as sent (OCI signs it)
        self.query = query
        self.headers = headers
        self.body_text = body_text

    def json(self):
        """The JSON body, or None without one (raises ValueError when it is not JSON)."""
        if not self.body_text.strip():
            return None
        return json.loads(self.body_text)

    def arg(self, name):
        """The first value of a query parameter, or None."""
        values = self.query.get(name)
        return values[0] if values else None


def oracle_time(epoch):
    """Oracle's timestamps: 2016-12-14T00:36:22.831+0000."""
    return time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(epoch)) + '.%03d+0000' % int((epoch % 1) * 1000)


def oracle_clock(epoch, text):
    """An Oracle progress message: '12:36:22.828 AM Phase initialize started'."""
    moment = time.gmtime(epoch)
    clock = time.strftime('%I:%M:%S', moment).lstrip('0') or '0'
    return '%s.%03d %s %s' % (clock, int((epoch % 1) * 1000), time.strftime('%p', moment), text)


def otc_time(epoch):
    """OTC's timestamps: 2018-08-06T10:41:14+0000."""
    return time.strftime('%Y-%m-%dT%H:%M:%S+0000', time.gmtime(epoch))


def clc_time(epoch):
    """CenturyLink's timestamps: 2016-03-14T16:20:01Z."""
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(epoch))
