# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The ``dbops-patching-simulator`` command (also ``python tests/simulator/run.py`` in the repository):

    dbops-patching-simulator [--host 127.0.0.1] [--port 0] [--https] [--time-scale 1.0]
                             [--port-file FILE] [--seed FILE]... [--fixtures FILE.json]
                             [--env-file FILE] [--integration-config FILE] [--allow-remote]
    dbops-patching-simulator --print-env URL [--format shell|integration-config]

Prints ``SIMULATOR LISTENING <base-url>`` once it listens; SIGTERM or SIGINT stop it (exit 0).
"""

import argparse
import os
import shutil
import signal
import sys
import threading

from . import connection, seeding
from .server import Simulator


def write_atomically(path, text):
    tmp = path + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as handle:
        handle.write(text)
    os.replace(tmp, path)


def parser():
    parse = argparse.ArgumentParser(
        prog='dbops-patching-simulator',
        description='Simulator of the Oracle PaaS, Open Telekom Cloud RDS, CenturyLink Cloud and OCI Base Database APIs that the dbops.patching '
                    'collection talks to: run your playbooks against it without a cloud account.')
    parse.add_argument('--host', default='127.0.0.1', help='address to bind (default 127.0.0.1; others need --allow-remote)')
    parse.add_argument('--port', type=int, default=0, help='port; 0 picks a free one (default)')
    parse.add_argument('--allow-remote', action='store_true',
                       help='bind a non-loopback --host (in a container: --host 0.0.0.0); the admin API has no authentication')
    parse.add_argument('--https', action='store_true', help='serve TLS with a self-signed certificate made at start')
    parse.add_argument('--time-scale', type=float, default=1.0, help='simulated seconds per real second (default 1)')
    parse.add_argument('--port-file', help='write the base URL to this file once listening (and the certificate to FILE.crt)')
    parse.add_argument('--seed', action='append', default=[], metavar='FILE',
                       help='seeds, loaded at start and after every reset: an Ansible YAML inventory (its hosts become '
                            'instances) or fixture sections in YAML or JSON; may be given more than once')
    parse.add_argument('--fixtures', action='append', default=[], metavar='FILE.json', help='the same as --seed (kept for old scripts)')
    parse.add_argument('--env-file', help='once listening, write "export NAME=value" lines for the modules\' environment variables')
    parse.add_argument('--integration-config', metavar='FILE',
                       help='once listening, write an ansible-test integration_config.yml with the connection variables')
    parse.add_argument('--print-env', metavar='URL',
                       help='print the connection settings for a simulator listening at URL (for example a container\'s '
                            'published port) and exit')
    parse.add_argument('--format', choices=['shell', 'integration-config'], default='shell', help='what --print-env prints')
    return parse


def main(argv=None):
    parse = parser()
    args = parse.parse_args(argv)
    if args.print_env:
        url = args.print_env.rstrip('/')
        sys.stdout.write(connection.shell_exports(url) if args.format == 'shell' else connection.integration_config(url))
        return 0
    if args.time_scale <= 0:
        parse.error('--time-scale must be positive')
    try:
        seeds = [(path, seeding.load(path)) for path in args.fixtures + args.seed]
    except (OSError, ValueError) as exc:
        parse.error('--seed: %s' % exc)
    try:
        sim = Simulator(time_scale=args.time_scale, https=args.https, host=args.host, port=args.port,
                        allow_remote=args.allow_remote)
    except ValueError as exc:
        parse.error(str(exc))
    except OSError as exc:
        parse.error('cannot listen on %s:%s: %s' % (args.host, args.port, exc))
    for path, sections in seeds:
        try:
            sim.state.add_seeds(sections)
        except (KeyError, TypeError, ValueError) as exc:
            sim.stop()
            parse.error('--seed %s: %s' % (path, exc))

    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda signum, frame: stopping.set())
    signal.signal(signal.SIGINT, lambda signum, frame: stopping.set())
    sim.start()
    try:
        ca_path = sim.ca_path
        if args.port_file and ca_path:
            ca_path = args.port_file + '.crt'
            shutil.copyfile(sim.ca_path, ca_path)
        if args.env_file:
            write_atomically(args.env_file, connection.shell_exports(sim.base_url, ca_path))
        if args.integration_config:
            write_atomically(args.integration_config, connection.integration_config(sim.base_url, ca_path))
        if args.port_file:
            write_atomically(args.port_file, sim.base_url + '\n')
        print('SIMULATOR LISTENING %s' % sim.base_url, flush=True)
        if ca_path:
            print('SIMULATOR CA %s' % ca_path, file=sys.stderr, flush=True)
        while not stopping.wait(1.0):
            pass
    finally:
        sim.stop()
    return 0


if __name__ == '__main__':
    sys.exit(main())
