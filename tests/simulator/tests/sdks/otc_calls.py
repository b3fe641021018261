# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Open Telekom Cloud's SDK (openstacksdk with otcextensions) against the simulator, as a user's own tool
would call it: run by test_sdks.py with the Python of a venv that has the SDKs (not the simulator).

Usage: otc_calls.py BASE_URL CONTEXT_JSON. Prints one JSON document: {"calls": {name: {"ok": true, "value": ...}
or {"ok": false, "error": "Type: message"}}, "warnings": [log records of WARNING and above]}."""

import json
import logging
import sys

from recorder import Calls  # beside this script


class Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append('%s: %s' % (record.name, record.getMessage()))


def main(base, context):
    collect = Collect()
    logging.getLogger().addHandler(collect)
    calls = Calls()
    call = calls.call

    import openstack
    from keystoneauth1 import discover
    from openstack import exceptions
    from otcextensions import sdk

    auth = dict(auth_url=base + '/v3', username=context['username'], password=context['password'],
                user_domain_name=context['domain_name'], project_id=context['project_id'])
    state = {}

    def connect():
        # the password auth of a clouds.yaml, given here; neither clouds.yaml nor OS_* variables are read
        conn = openstack.connect(auth_type='password', auth=auth, region_name=context['region'],
                                 load_yaml_config=False, load_envvars=False)
        sdk.register_otc_extensions(conn)
        state['conn'] = conn
        return conn.auth_token is not None

    call('connect', connect)
    conn = state.get('conn')
    if conn is None:
        return {'calls': calls, 'warnings': collect.records}

    def access():
        info = conn.session.auth.get_access(conn.session)
        return dict(user_id=info.user_id, user_name=info.username, user_domain_id=info.user_domain_id,
                    user_domain_name=info.user_domain_name, project_id=info.project_id, project_name=info.project_name,
                    project_domain_id=info.project_domain_id, project_domain_name=info.project_domain_name,
                    role_names=info.role_names, expires=info.expires.isoformat(), services=sorted(info.service_catalog.get_endpoints()))

    call('current_user_id', lambda: conn.current_user_id)
    call('current_project_id', lambda: conn.current_project_id)
    call('current_project', lambda: dict(conn.current_project))
    call('access_info', access)
    call('identity_version_v3', lambda: discover.get_version_data(conn.session, base + '/v3'))
    call('identity_versions_root', lambda: discover.get_version_data(conn.session, base + '/'))
    call('rds_endpoint', lambda: conn.endpoint_for('rdsv3'))

    def resource(item):
        return dict((key, item[key]) for key in ('id', 'name', 'status', 'type', 'datastore') if key in item)

    call('rds_instances', lambda: [resource(i) for i in conn.rds.instances()])
    call('rds_instances_paged', lambda: [i.id for i in conn.rds.instances(limit=1)])
    call('rds_instances_by_datastore', lambda: [i.id for i in conn.rds.instances(datastore_type='MySQL')])
    call('rds_get_instance', lambda: resource(conn.rds.get_instance(context['instance_id'])))
    call('rds_find_instance', lambda: resource(conn.rds.find_instance(context['instance_name'], ignore_missing=False)))

    def unknown_instance():
        try:
            conn.rds.get_instance('0' * 32 + 'in01')
        except exceptions.ResourceNotFound as exc:
            return 'ResourceNotFound: %s' % exc
        return 'found'

    call('rds_get_unknown_instance', unknown_instance)
    call('rds_datastores', lambda: [d.name for d in conn.rds.datastores('MySQL')])

    def unknown_engine():
        try:
            list(conn.rds.datastores('Oracle'))
        except exceptions.HttpException as exc:
            return dict(status=exc.status_code, message=str(exc))
        return 'listed'

    call('rds_datastores_unknown_engine', unknown_engine)

    def job():
        done = conn.rds.wait_for_job(context['job_id'], interval=1, wait=60)
        return dict(id=done.id, status=done.status, entities=done.entities)

    call('rds_wait_for_job', job)
    return {'calls': calls, 'warnings': collect.records}


if __name__ == '__main__':
    print(json.dumps(main(sys.argv[1], json.loads(sys.argv[2])), default=str))
