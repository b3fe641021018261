#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Start the cloud API simulator: python tests/simulator/run.py [--port 0] [--https] ..."""

import argparse
import json
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from simulator.server import Simulator  # noqa: E402  pylint: disable=wrong-import-position


def main():
    parser = argparse.ArgumentParser(description='Simulator of the Oracle PaaS, OTC RDS and CenturyLink Cloud APIs.')
    parser.add_argument('--host', default='127.0.0.1', help='loopback address to bind (default 127.0.0.1)')
    parser.add_argument('--port', type=int, default=0, help='port, 0 picks a free one (default)')
    parser.add_argument('--https', action='store_true', help='serve TLS with a self-signed certificate')
    parser.add_argument('--time-scale', type=float, default=1.0, help='simulated seconds per real second')
    parser.add_argument('--port-file', help='write the base URL to this file once listening')
    parser.add_argument('--fixtures', help='JSON file: {"oracle": [...], "otc": [...], "clc": [...]} seeds loaded at start')
    args = parser.parse_args()
    if not args.host.startswith('127.') and args.host != 'localhost':
        parser.error('--host must be a loopback address')

    sim = Simulator(time_scale=args.time_scale, https=args.https, host=args.host, port=args.port)
    if args.fixtures:
        with open(args.fixtures) as handle:
            seeds = json.load(handle)
        for seed in seeds.get('oracle', []):
            sim.state.oracle.seed_instance(seed)
        for seed in seeds.get('otc', []):
            sim.state.otc.seed_job(seed)
        for seed in seeds.get('clc', []):
            sim.state.clc.seed_server(seed)

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    if args.port_file:
        tmp = args.port_file + '.tmp'
        with open(tmp, 'w') as handle:
            handle.write(sim.base_url + '\n')
        os.rename(tmp, args.port_file)
        if sim.ca_path:
            with open(sim.ca_path) as src, open(args.port_file + '.crt', 'w') as dst:
                dst.write(src.read())
    print('SIMULATOR LISTENING %s' % sim.base_url, flush=True)
    try:
        sim.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        sim.httpd.server_close()


if __name__ == '__main__':
    main()
