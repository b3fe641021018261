# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r'''
name: concise
type: stdout
short_description: The default output, with failures that a rescue handles shown as one line
version_added: 1.0.0
description:
  - >-
    The default stdout callback, except for a failed task inside a block that has a C(rescue) (as the
    C(safe_patch) role has, to roll a failed patch back). Such a failure is expected and handled, so instead of an
    error block and the whole result as JSON, it prints one line, C(handled: [host]: message), and the rescue's tasks
    follow.
  - >-
    A failed C(fail) or C(assert) task (a deliberate check, such as the fleet playbook failing the instances that did
    not end applied) is one red line, C(failed: [host]: message), without the error block around it.
  - Every other failure, and everything else, is shown as the default callback shows it; so is everything with C(-v).
  - "Use it for fleet runs: C(ANSIBLE_STDOUT_CALLBACK=dbops.patching.concise). C(make demo) does."
author:
  - dbops.patching maintainers (@dbops)
extends_documentation_fragment:
  - ansible.builtin.default_callback
  - ansible.builtin.result_format_callback
requirements:
  - set as stdout callback in the configuration
'''

from ansible import constants as C
from ansible.plugins.callback.default import CallbackModule as DefaultCallback

MESSAGE_CHARS = 300
DELIBERATE = ('fail', 'assert', 'ansible.builtin.fail', 'ansible.builtin.assert', 'ansible.legacy.fail', 'ansible.legacy.assert')


def task_of(result):
    return getattr(result, 'task', None) or result._task


def result_of(result):
    found = getattr(result, 'result', None)
    return found if isinstance(found, dict) else result._result


def rescued(task):
    """Whether a block around the task (in its role, include or play) has a rescue."""
    parent = getattr(task, '_parent', None)
    while parent is not None:
        if getattr(parent, 'rescue', None):
            return True
        parent = getattr(parent, '_parent', None)
    return False


def one_line(text, limit=MESSAGE_CHARS):
    text = ' '.join(str(text).split())
    return text if len(text) <= limit else text[:limit - 3] + '...'


class CallbackModule(DefaultCallback):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'stdout'
    CALLBACK_NAME = 'dbops.patching.concise'

    def v2_runner_on_failed(self, result, ignore_errors=False):
        task = task_of(result)
        handled = rescued(task)
        if ignore_errors or self._display.verbosity > 0 or task.loop or not (handled or task.action in DELIBERATE):
            return super(CallbackModule, self).v2_runner_on_failed(result, ignore_errors)
        if self._last_task_banner != task._uuid:
            self._print_task_banner(task)
        message = one_line(result_of(result).get('msg') or 'failed')
        if handled:
            self._display.display('handled: [%s]: %s' % (self.host_label(result), message), color=C.COLOR_WARN)
        else:
            self._display.display('failed: [%s]: %s' % (self.host_label(result), message), color=C.COLOR_ERROR,
                                  stderr=self.get_option('display_failed_stderr'))
        return None
