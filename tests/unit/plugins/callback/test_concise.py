# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from ansible.playbook.block import Block
from ansible.playbook.task import Task

from ansible_collections.dbops.patching.plugins.callback.concise import one_line, rescued


def test_a_task_in_a_block_with_a_rescue_is_handled():
    outer = Block()
    outer.rescue = [Task()]
    inner = Block()
    inner._parent = outer
    task = Task()
    task._parent = inner
    assert rescued(task)
    plain = Task()
    plain._parent = Block()
    assert not rescued(plain)


def test_one_line():
    assert one_line('a\n  b') == 'a b'
    assert one_line('x' * 400).endswith('...') and len(one_line('x' * 400)) == 300
