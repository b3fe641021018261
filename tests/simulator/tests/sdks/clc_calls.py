# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""CenturyLink's SDK (clc-sdk, its v2 API) against the simulator, as a user's own tool would call it: run by
test_sdks.py with the Python of a venv that has the SDK (not the simulator).

Usage: clc_calls.py BASE_URL CONTEXT_JSON. Prints one JSON document: {"calls": {name: {"ok": true, "value": ...}
or {"ok": false, "error": "Type: message"}}}."""

import json
import sys

from recorder import Calls  # beside this script


def main(base, context):
    calls = Calls()
    call = calls.call

    import clc

    clc.defaults.ENDPOINT_URL_V2 = base
    clc.v2.SetCredentials(context['username'], context['password'])
    group_id, server_id = context['group_id'], context['server_id']

    call('login', lambda: [clc.v2.Account.GetAlias(), clc.v2.Account.GetLocation()])

    def session_login():
        session = clc.v2.get_session(context['username'], context['password'], default_endpoints=clc.defaults)
        return [session['alias'], session['location'], clc.v2.Group(group_id, session=session).name]

    call('get_session', session_login)

    def group():
        found = clc.v2.Group(group_id)
        return dict(id=found.id, name=found.name, description=found.description, servers_count=found.servers_count,
                    created_by=found.created_by, created_date=found.created_date, modified_date=found.modified_date,
                    location_id=found.location_id, status=found.status, type=found.type)

    call('get_group', group)
    call('group_subgroups', lambda: [g.id for g in clc.v2.Group(group_id).Subgroups().groups])
    call('group_get_all', lambda: [g.name for g in clc.v2.Group.GetAll(group_id)])
    call('group_servers', lambda: [s.id for s in clc.v2.Group(group_id).Servers().Servers()])

    def server(name):
        found = clc.v2.Server(name)
        return dict(id=found.id, name=found.name, group_id=found.group_id, os_type=found.os_type, status=found.status,
                    cpu=found.cpu, memory=found.memory, storage=found.storage, power_state=found.power_state,
                    in_maintenance_mode=found.in_maintenance_mode, snapshots=found.GetSnapshots(),
                    created_date=found.created_date, created_by=found.created_by, ip_addresses=found.ip_addresses,
                    disks=[(d.id, d.size) for d in found.Disks().disks], group=found.Group().name)

    call('get_server', lambda: server(server_id))
    call('get_server_lower_case', lambda: server(server_id.lower()))
    call('servers', lambda: [s.name for s in clc.v2.Servers([server_id, context['other_server_id']]).Servers()])

    def unknown_server():
        try:
            clc.v2.Server('NOSUCHSERVER01')
        except clc.CLCException as exc:
            return str(exc)
        return 'found'

    call('get_unknown_server', unknown_server)

    def execute(name):
        requests = clc.v2.Server(name).ExecutePackage(context['package_id'], context['parameters'])
        ids = [r.id for r in requests.requests]
        failed = requests.WaitUntilComplete(poll_freq=1, timeout=60)
        return dict(queue_ids=ids, failed=failed, succeeded=len(requests.success_requests))

    call('execute_package', lambda: execute(server_id.lower()))

    def execute_unknown():
        unknown = clc.v2.Server('NOSUCHSERVER01', alias=clc.v2.Account.GetAlias(), server_obj={'id': 'NOSUCHSERVER01'})
        try:
            unknown.ExecutePackage(context['package_id'], context['parameters'])
        except Exception as exc:  # pylint: disable=broad-except
            return '%s: %s' % (type(exc).__name__, exc)
        return 'queued'

    call('execute_package_unknown_server', execute_unknown)
    return {'calls': calls}


if __name__ == '__main__':
    print(json.dumps(main(sys.argv[1], json.loads(sys.argv[2])), default=str))
