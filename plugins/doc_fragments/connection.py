# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


class ModuleDocFragment(object):

    # The HTTP options every provider shares (one argument spec: _http.connection_argument_spec).
    DOCUMENTATION = r'''
options:
  validate_certs:
    description:
      - Whether to verify the API's TLS certificate. Only set to V(false) against test servers; the module warns
        that credentials go to a server whose certificate is not checked.
      - If not set, the value of the provider's C(<PREFIX>_VALIDATE_CERTS) environment variable is used, for example
        E(ORACLE_PAAS_VALIDATE_CERTS), E(OTC_VALIDATE_CERTS), E(CLC_VALIDATE_CERTS) or E(OCI_VALIDATE_CERTS) (the
        provider's guide names it).
    type: bool
    default: true
  ca_path:
    description:
      - PEM file (or directory) of the certificate authorities to trust instead of the system bundle.
      - The module fails before any request when it does not exist.
      - If not set, the value of the provider's C(<PREFIX>_CA_PATH) environment variable is used, for example
        E(ORACLE_PAAS_CA_PATH), E(OTC_CA_PATH), E(CLC_CA_PATH) or E(OCI_CA_PATH) (the provider's guide names it).
    type: path
  request_timeout:
    description:
      - Seconds to wait for the answer to one HTTP request (not the overall wait for a job).
      - A request made while waiting for a job never runs past the end of that wait. Between 1 and 3600.
      - A write whose answer did not come within it may still be processed; it is not sent again before the longer
        of 60 seconds and this timeout has passed with the cloud showing nothing started.
    type: float
    default: 30
requirements:
  - requests
'''
