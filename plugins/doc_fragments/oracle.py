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
  validate_certs:
    description:
      - Whether to verify the API's TLS certificate. Only set to V(false) against test servers.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file of the certificate authorities to trust instead of the system bundle.
    type: path
  request_timeout:
    description:
      - Seconds to wait for the answer to one HTTP request (not the overall wait for a job).
    type: float
    default: 30
requirements:
  - requests
'''
