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
      - Options given to the task, then O(auth), take precedence over the entry; the entry over the C(OS_*)
        environment variables (as openstacksdk has it). The entry's C(region_name), C(interface), C(verify)
        (V(false), or a CA file) and C(cacert) are used, and its C(auth_type) C(password), C(token) or
        C(v3applicationcredential) (O(auth_type) given to the task overrides it).
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
      - If not set, the region of the O(cloud) entry is used, else the value of the E(OS_REGION_NAME) environment
        variable, else V(eu-de).
      - O(region_name) is openstack.cloud's name for it.
    type: str
    aliases: [region_name]
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
  auth:
    description:
      - The credentials and scope as openstack.cloud's modules take them (its C(auth) option), so that one
        C(module_defaults) block serves C(group/openstack.cloud.openstack) and C(group/dbops.patching.otc).
      - Each key stands for the option of the same meaning; an option given to the task that disagrees with its
        key is refused. The keys take precedence over the O(cloud) entry's C(auth) and over the C(OS_*) environment
        variables; an option equal to its environment variable counts as coming from it.
      - O(auth_type) decides which credentials it may hold; others are refused, and so are keys not listed here.
    type: dict
    suboptions:
      auth_url:
        description: IAM endpoint, as O(auth_url).
        type: str
      username:
        description: IAM user name, as O(username) (O(auth_type=password)).
        type: str
      password:
        description: IAM password, as O(password) (O(auth_type=password)). Never shown.
        type: str
      token:
        description: An IAM token, as O(auth_token) (O(auth_type=token)). Never shown.
        type: str
      application_credential_id:
        description: Id of an application credential (O(auth_type=v3applicationcredential)).
        type: str
      application_credential_secret:
        description: Its secret (O(auth_type=v3applicationcredential)). Never shown.
        type: str
      project_id:
        description: Project id, as O(project_id).
        type: str
      project_name:
        description: Project name, as O(project_name).
        type: str
      user_domain_name:
        description: Domain (account) name of the user, as O(domain_name).
        type: str
      user_domain_id:
        description: Domain id of the user, sent instead of its name.
        type: str
      domain_name:
        description: The user's domain name when O(auth.user_domain_name) is not given (as openstacksdk reads it).
        type: str
      domain_id:
        description: The user's domain id when O(auth.user_domain_id) is not given.
        type: str
      project_domain_name:
        description: Domain of the project named by O(auth.project_name), sent with it in the token's scope.
        type: str
      project_domain_id:
        description: Domain id of the project named by O(auth.project_name), sent instead of its name.
        type: str
  auth_type:
    description:
      - How to log in to IAM, openstack.cloud's names. V(password) (or V(v3password)) logs in with a user and password;
        V(token) (or V(v3token)) uses a token as it is; V(v3applicationcredential) sends Keystone's
        C(application_credential) method (OTC's IAM API reference documents password login; an IAM that does not
        take application credentials answers the login with an error, which the module reports).
      - Credentials of another type in O(auth) are refused; V(token) without a token, or V(v3applicationcredential)
        without an id and secret, fails before any request.
      - If not set, the O(cloud) entry's is used, else V(password) (credentials in O(auth_token) are still used).
    type: str
    choices: [password, token, v3applicationcredential, v3password, v3token]
  interface:
    description:
      - openstack.cloud's endpoint interface. OTC publishes public endpoints only, and the modules take theirs from
        O(region) (or O(auth_url) and O(rds_url)), not from the service catalog, so it changes nothing; V(internal)
        and V(admin) are accepted with a warning that says so.
      - If not set, the O(cloud) entry's is used.
    type: str
    choices: [public, internal, admin]
    aliases: [endpoint_type]
  ca_cert:
    description:
      - openstack.cloud's name for O(ca_path) (the PEM file of the certificate authorities to trust).
      - Given with a different O(ca_path), the module fails; it takes precedence over E(OTC_CA_PATH).
    type: path
    aliases: [cacert]
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
  otc_auth:
    description:
      - Credentials and scope as openstack.cloud's C(auth) option, as the modules'
        O(dbops.patching.rds_upgrade#module:auth) (C(auth_url), C(username), C(password), C(token), C(project_id),
        C(project_name), C(user_domain_name), ...).
    type: dict
  otc_auth_type:
    description: V(password), V(token) or V(v3applicationcredential), as the modules' O(dbops.patching.rds_upgrade#module:auth_type).
    type: str
    choices: [password, token, v3applicationcredential, v3password, v3token]
  otc_interface:
    description: openstack.cloud's endpoint interface; OTC's endpoints are public, so it changes nothing.
    type: str
    choices: [public, internal, admin]
  otc_ca_cert:
    description: openstack.cloud's name for O(ca_path).
    type: path
notes:
  - "OTC RDS: host name the instance name; variables C(safe_patch_cloud=otc), C(safe_patch_service_name),
    C(dbops_cloud), C(dbops_instance_id), C(dbops_engine), C(dbops_version), C(dbops_status), C(dbops_type),
    C(dbops_maintenance_window); a group C(dbops_otc_<engine>) per engine. Listed with C(GET /v3/{project_id}/instances),
    100 a page; configured by O(otc_project_id), O(otc_project_name), O(otc_cloud), O(otc_auth_token) or O(otc_auth)."
'''
