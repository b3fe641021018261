#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Start the cloud API simulator (see README.md):

    python tests/simulator/run.py [--host 127.0.0.1] [--port 0] [--https] [--time-scale 1.0]
                                  [--port-file FILE] [--fixtures FILE.json]

Prints ``SIMULATOR LISTENING <base-url>`` once it listens; SIGTERM or SIGINT stop it.
"""

import argparse
import json
import os
import shutil
import signal
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from simulator.server import Simulator  # noqa: E402  pylint: disable=wrong-import-position


def load_fixtures(sim, path):
    """Extra seeds from a JSON file, applied now and after every reset (see README.md)."""
    with open(path, encoding='utf-8') as handle:
        sim.state.add_seeds(json.load(handle))


def write_atomically(path, text):
    tmp = path + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as handle:
        handle.write(text)
    os.replace(tmp, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description='Simulator of the Oracle PaaS, OTC RDS and CenturyLink Cloud APIs.')
    parser.add_argument('--host', default='127.0.0.1', help='loopback address to bind (default 127.0.0.1)')
    parser.add_argument('--port', type=int, default=0, help='port; 0 picks a free one (default)')
    parser.add_argument('--https', action='store_true', help='serve TLS with a self-signed certificate made at start')
    parser.add_argument('--time-scale', type=float, default=1.0, help='simulated seconds per real second (default 1)')
    parser.add_argument('--port-file', help='write the base URL to this file once listening (and the certificate to FILE.crt)')
    parser.add_argument('--fixtures', help='a JSON file of extra seeds, loaded at start and after every reset')
    args = parser.parse_args(argv)
    if args.time_scale <= 0:
        parser.error('--time-scale must be positive')
    try:
        sim = Simulator(time_scale=args.time_scale, https=args.https, host=args.host, port=args.port)
    except ValueError as exc:
        parser.error(str(exc))
    if args.fixtures:
        load_fixtures(sim, args.fixtures)

    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda signum, frame: stopping.set())
    signal.signal(signal.SIGINT, lambda signum, frame: stopping.set())
    sim.start()
    try:
        if args.port_file:
            if sim.ca_path:
                shutil.copyfile(sim.ca_path, args.port_file + '.crt')
            write_atomically(args.port_file, sim.base_url + '\n')
        print('SIMULATOR LISTENING %s' % sim.base_url, flush=True)
        if sim.ca_path:
            print('SIMULATOR CA %s' % (args.port_file + '.crt' if args.port_file else sim.ca_path), file=sys.stderr, flush=True)
        while not stopping.wait(1.0):
            pass
    finally:
        sim.stop()
    return 0


if __name__ == '__main__':
    sys.exit(main())
