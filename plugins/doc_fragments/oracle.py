# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


class ModuleDocFragment(object):

    # Connection options of the oracle action group (Oracle PaaS Service Manager).
    DOCUMENTATION = r'''
options:
  api_url:
    description:
      - Base URL of the Oracle PaaS Service Manager REST API, for example V(https://psm.us.oraclecloud.com)
        or V(https://dbaas.oraclecloud.com).
      - If not set, the value of the E(ORACLE_PAAS_API_URL) environment variable is used.
    type: str
    required: true
  identity_domain:
    description:
      - Identity domain of the account, a traditional identity domain name or an Identity Cloud Service
        id of the form C(idcs-...). Sent in the path and as the C(X-ID-TENANT-NAME) header.
      - If not set, the value of the E(ORACLE_PAAS_IDENTITY_DOMAIN) environment variable is used.
    type: str
    required: true
  username:
    description:
      - User name for HTTP Basic authentication.
      - If not set, the value of the E(ORACLE_PAAS_USERNAME) environment variable is used.
    type: str
  password:
    description:
      - Password for HTTP Basic authentication.
      - If not set, the value of the E(ORACLE_PAAS_PASSWORD) environment variable is used.
    type: str
'''

    # Membership of the oracle action group: C(group/dbops.patching.oracle) in C(module_defaults).
    ACTION_GROUP = r'''
options: {}
attributes:
  action_group:
    description: Use C(group/dbops.patching.oracle) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - dbops.patching.oracle
'''

    # The service instance that patch_info, patch_apply, patch_rollback and job_info work on.
    SERVICE = r'''
options:
  service_type:
    description:
      - The kind of service instance.
    type: str
    choices: [dbaas, MySQLCS]
    default: dbaas
  service_name:
    description:
      - Name of the service instance.
    type: str
    required: true
'''

    # The inventory plugin's options for this cloud (dbops.patching.instances): each connection option
    # as <cloud>_<option> with the modules' environment variable, and the cloud's own listing options.
    INVENTORY = r'''
options:
  oracle_api_url:
    description: Base URL of the Oracle PaaS REST API, as the modules' O(dbops.patching.patch_info#module:api_url).
    type: str
    env:
      - name: ORACLE_PAAS_API_URL
  oracle_identity_domain:
    description: Identity domain (or IDCS service id) of the Oracle Cloud account.
    type: str
    env:
      - name: ORACLE_PAAS_IDENTITY_DOMAIN
  oracle_username:
    description: Oracle Cloud user name.
    type: str
    env:
      - name: ORACLE_PAAS_USERNAME
  oracle_password:
    description: Password of O(oracle_username).
    type: str
    env:
      - name: ORACLE_PAAS_PASSWORD
  oracle_service_types:
    description: The service types to list.
    type: list
    elements: str
    choices:
      - dbaas
      - MySQLCS
    default:
      - dbaas
      - MySQLCS
notes:
  - "Oracle PaaS: host name the service name; variables C(safe_patch_cloud=oracle), C(safe_patch_service_type),
    C(safe_patch_service_name), C(dbops_cloud), C(dbops_status), C(dbops_version); groups C(dbops_oracle_dbaas) and
    C(dbops_oracle_mysqlcs). Listed with Database Classic's C(GET /paas/service/dbcs/api/v1.1/instances/{identityDomainId})
    and MySQL Cloud Service's C(GET /paas/api/v1.1/instancemgmt/{identityDomainId}/services/MySQLCS/instances);
    configured by O(oracle_identity_domain)."
'''
