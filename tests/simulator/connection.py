# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""How a client reaches a simulator at a base URL: the environment variables the collection's
modules fall back to, and the variables of an ansible-test ``integration_config.yml``."""

import shlex

from .clc import ALIAS, PASSWORD as CLC_PASSWORD, USERNAME as CLC_USERNAME
from .oracle import DOMAIN, PASSWORD as ORACLE_PASSWORD, USERNAME as ORACLE_USERNAME
from .otc import DOMAIN_NAME as OTC_DOMAIN, PASSWORD as OTC_PASSWORD, PROJECT_ID as OTC_PROJECT, PROJECT_NAME as OTC_PROJECT_NAME, \
    USERNAME as OTC_USERNAME


def variables(base_url, ca_path=None):
    """{name: value} of the integration_config.yml variables (the ones the collection's own targets use)."""
    values = dict(
        simulator_url=base_url,
        oracle_api_url=base_url, oracle_identity_domain=DOMAIN, oracle_username=ORACLE_USERNAME, oracle_password=ORACLE_PASSWORD,
        otc_auth_url=base_url + '/v3', otc_rds_url=base_url, otc_project_id=OTC_PROJECT, otc_project_name=OTC_PROJECT_NAME,
        otc_domain_name=OTC_DOMAIN, otc_username=OTC_USERNAME, otc_password=OTC_PASSWORD,
        clc_api_url=base_url, clc_patching_url=base_url, clc_username=CLC_USERNAME, clc_password=CLC_PASSWORD,
        clc_account_alias=ALIAS)
    if ca_path:
        values['simulator_ca_path'] = ca_path
    return values


def environment(base_url, ca_path=None):
    """{name: value} of the environment variables the modules and the inventory plugin fall back to."""
    env = dict(
        ORACLE_PAAS_API_URL=base_url, ORACLE_PAAS_IDENTITY_DOMAIN=DOMAIN, ORACLE_PAAS_USERNAME=ORACLE_USERNAME,
        ORACLE_PAAS_PASSWORD=ORACLE_PASSWORD,
        OS_AUTH_URL=base_url + '/v3', OTC_RDS_URL=base_url, OS_PROJECT_ID=OTC_PROJECT, OS_PROJECT_NAME=OTC_PROJECT_NAME,
        OS_USER_DOMAIN_NAME=OTC_DOMAIN, OS_USERNAME=OTC_USERNAME, OS_PASSWORD=OTC_PASSWORD,
        CLC_V2_API_URL=base_url, CLC_PATCHING_URL=base_url, CLC_V2_API_USERNAME=CLC_USERNAME, CLC_V2_API_PASSWD=CLC_PASSWORD,
        CLC_ACCT_ALIAS=ALIAS)
    if ca_path:
        env.update(ORACLE_PAAS_CA_PATH=ca_path, OTC_CA_PATH=ca_path, CLC_CA_PATH=ca_path)
    return env


def shell_exports(base_url, ca_path=None):
    """``export NAME=value`` lines for a POSIX shell (``eval "$(...)"`` or ``source FILE``)."""
    return ''.join('export %s=%s\n' % (name, shlex.quote(value)) for name, value in sorted(environment(base_url, ca_path).items()))


def integration_config(base_url, ca_path=None):
    """The text of an ansible-test ``tests/integration/integration_config.yml`` (YAML; every value a quoted string)."""
    return '---\n' + ''.join('%s: "%s"\n' % (name, value.replace('\\', '\\\\').replace('"', '\\"'))
                             for name, value in variables(base_url, ca_path).items())
