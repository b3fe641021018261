#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Start the cloud API simulator from a checkout, without installing it (see README.md):

    python tests/simulator/run.py [--port 0] [--port-file FILE] [--seed FILE] ...

The same command as the installed ``dbops-patching-simulator`` (cli.py).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from simulator.cli import main  # noqa: E402  pylint: disable=wrong-import-position

if __name__ == '__main__':
    sys.exit(main())
