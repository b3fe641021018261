#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Offline stand-in for get-pip.py, which ansible-test downloads from a host this
machine cannot reach. ansible-test runs it with a new venv's Python and arguments
like ``pip==24.2 --no-setuptools --no-wheel``: bootstrap pip from ensurepip, then
install what was asked from the package index."""

import subprocess
import sys


def main():
    args = sys.argv[1:]
    no_setuptools = '--no-setuptools' in args
    pins = [a for a in args if a not in ('--no-setuptools', '--no-wheel')]
    subprocess.check_call([sys.executable, '-m', 'ensurepip', '--upgrade', '--default-pip'])
    subprocess.check_call([sys.executable, '-m', 'pip', 'install'] + pins)
    if no_setuptools:
        subprocess.call([sys.executable, '-m', 'pip', 'uninstall', '--yes', '--quiet', 'setuptools'])


if __name__ == '__main__':
    main()
