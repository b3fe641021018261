# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


class ModuleDocFragment(object):

    # Connection options of the otc action group (Open Telekom Cloud IAM + RDS v3).
    DOCUMENTATION = r'''
options:
  cloud:
    description:
      - Name of an entry in C(clouds.yaml), read from the file named by E(OS_CLIENT_CONFIG_FILE) first (AWX's OpenStack
        credential writes one), then C(./), C(~/.config/openstack/) and C(/etc/openstack/); secrets may sit in the
        matching C(secure.yaml) or the file named by E(OS_CLIENT_SECURE_FILE).
      - Options given to the task take precedence over the entry. The entry's C(region_name), C(verify) (V(false), or
        a CA file) and C(cacert) are used, and its C(auth_type) C(password), C(token) or C(v3applicationcredential).
      - If not set, the value of the E(OS_CLOUD) environment variable is used. Without either, and without
        credentials in the options, the only cloud of the first C(clouds.yaml) found is used (as openstacksdk does);
        a file of several clouds then needs a name.
    type: str
  auth_url:
    description:
      - IAM endpoint, for example V(https://iam.eu-de.otc.t-systems.com/v3).
      - If not set, the value of the E(OS_AUTH_URL) environment variable is used, else the IAM endpoint of O(region).
    type: str
  region:
    description:
      - Region, for example V(eu-de), V(eu-nl) or V(eu-ch2).
      - If not set, the value of the E(OS_REGION_NAME) environment variable is used, else the region of
        the O(cloud) entry, else V(eu-de).
    type: str
  project_id:
    description:
      - Project (tenant) id; part of every RDS path.
      - If not set, the value of the E(OS_PROJECT_ID) environment variable is used, else the project the IAM login returns.
    type: str
  project_name:
    description:
      - Project name to scope the IAM token to when O(project_id) is not known (defaults to the region name).
      - If not set, the value of the E(OS_PROJECT_NAME) environment variable is used.
    type: str
  domain_name:
    description:
      - Domain (account) name of the user.
      - If not set, the value of the E(OS_USER_DOMAIN_NAME) environment variable is used.
    type: str
  username:
    description:
      - IAM user name.
      - If not set, the value of the E(OS_USERNAME) environment variable is used.
    type: str
  password:
    description:
      - IAM password.
      - If not set, the value of the E(OS_PASSWORD) environment variable is used.
    type: str
  auth_token:
    description:
      - An IAM token to use as it is; no login is made.
      - If not set, the value of the E(OS_AUTH_TOKEN) environment variable is used.
    type: str
  rds_url:
    description:
      - RDS endpoint override, for regions whose endpoint does not follow the pattern
        (for example V(https://rds.eu-ch2.sc.otc.t-systems.com)).
      - If not set, the value of the E(OTC_RDS_URL) environment variable is used,
        else C(https://rds.{region}.otc.t-systems.com).
    type: str
requirements:
  - PyYAML (only with O(cloud))
'''

    # Membership of the otc action group: C(group/dbops.patching.otc) in C(module_defaults).
    # The RDS instance an instance module acts on.
    INSTANCE = r'''
options:
  instance_id:
    description:
      - Id of the RDS instance. Exactly one of O(instance_id) and O(instance_name) is required.
    type: str
  instance_name:
    description:
      - Name of the RDS instance, matched exactly. The module fails when several instances have it.
    type: str
'''

    ACTION_GROUP = r'''
options: {}
attributes:
  action_group:
    description: Use C(group/dbops.patching.otc) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - dbops.patching.otc
'''

    # The inventory plugin's options for this cloud (dbops.patching.instances): each connection option
    # as <cloud>_<option> with the modules' environment variable, and the cloud's own listing options.
    INVENTORY = r'''
options:
  otc_cloud:
    description: Name of an entry in C(clouds.yaml) with the OTC settings, as the modules' O(dbops.patching.rds_upgrade#module:cloud).
    type: str
    env:
      - name: OS_CLOUD
  otc_auth_url:
    description: IAM endpoint; by default the one of O(otc_region).
    type: str
    env:
      - name: OS_AUTH_URL
  otc_region:
    description: OTC region (default V(eu-de) unless C(clouds.yaml) says otherwise).
    type: str
    env:
      - name: OS_REGION_NAME
  otc_project_id:
    description: Project id.
    type: str
    env:
      - name: OS_PROJECT_ID
  otc_project_name:
    description: Project name (for example V(eu-de)).
    type: str
    env:
      - name: OS_PROJECT_NAME
  otc_domain_name:
    description: Domain (tenant) name of the IAM user.
    type: str
    env:
      - name: OS_USER_DOMAIN_NAME
  otc_username:
    description: IAM user name.
    type: str
    env:
      - name: OS_USERNAME
  otc_password:
    description: Password of O(otc_username).
    type: str
    env:
      - name: OS_PASSWORD
  otc_auth_token:
    description: An IAM token to use instead of a login.
    type: str
    env:
      - name: OS_AUTH_TOKEN
  otc_rds_url:
    description: RDS endpoint; by default the one of the region.
    type: str
    env:
      - name: OTC_RDS_URL
'''
