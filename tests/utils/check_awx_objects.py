#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the module arguments of docs/awx/objects.yml against the awx.awx modules'
own argument specs (ansible-lint cannot load them): every option a task gives must be
one the module takes, and every required option must be given.

    ANSIBLE_COLLECTIONS_PATH=... python check_awx_objects.py docs/awx/objects.yml"""

import importlib
import sys

import yaml

from ansible.module_utils import basic


class Captured(Exception):
    def __init__(self, spec):
        super(Captured, self).__init__('captured')
        self.spec = spec


def argument_spec(module):
    """The argument spec the module builds, caught at AnsibleModule()."""
    def capture(self, argument_spec=None, **kwargs):
        raise Captured(argument_spec or {})
    original = basic.AnsibleModule.__init__
    basic.AnsibleModule.__init__ = capture
    try:
        importlib.import_module('ansible_collections.awx.awx.plugins.modules.%s' % module).main()
    except Captured as captured:
        return captured.spec
    finally:
        basic.AnsibleModule.__init__ = original
    raise SystemExit('awx.awx.%s built no AnsibleModule' % module)


def main(path):
    problems = []
    checked = 0
    with open(path) as handle:
        plays = yaml.safe_load(handle)
    for play in plays:
        for task in play.get('tasks', []):
            module = next((key for key in task if key.startswith('awx.awx.')), None)
            if module is None:
                continue
            spec = argument_spec(module.split('.')[-1])
            names = set(spec)
            for option in spec.values():
                names.update(option.get('aliases') or [])
            given = set(task[module])
            problems.extend('%s (%s): unknown option %s' % (task['name'], module, name) for name in sorted(given - names))
            problems.extend('%s (%s): missing required option %s' % (task['name'], module, name)
                            for name, option in sorted(spec.items()) if option.get('required') and name not in given)
            checked += 1
    for problem in problems:
        print(problem)
    print('%s: %d awx.awx tasks checked, %d problem(s)' % (path, checked, len(problems)))
    return 1 if problems or not checked else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1]))
