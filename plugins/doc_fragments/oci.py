# -*- coding: utf-8 -*-
# Copyright (c) dbops.patching contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


class ModuleDocFragment(object):

    # Connection options of the oci action group (Oracle Cloud Infrastructure, Base Database Service).
    DOCUMENTATION = r'''
options:
  config_file:
    description:
      - The OCI configuration file, as the OCI CLI and SDKs write it (C(oci setup config)), with one section per
        profile. Its keys C(user), C(tenancy), C(fingerprint), C(key_file) (C(~) is expanded), C(pass_phrase),
        C(region) and C(security_token_file) are used; a profile inherits the keys of C([DEFAULT]).
      - Options given to the task (or their environment variables) take precedence over the profile's values.
      - The default file may be missing when the options give every value; a file given here must exist.
      - If not set, the value of the E(OCI_CONFIG_FILE) environment variable is used.
    type: path
    default: ~/.oci/config
    aliases: [config_file_location]
  profile:
    description:
      - The profile (section) of O(config_file) to use. A profile other than V(DEFAULT) must exist.
      - If not set, the value of the E(OCI_CONFIG_PROFILE) environment variable is used.
    type: str
    default: DEFAULT
    aliases: [config_profile_name]
  user:
    description:
      - OCID of the user whose API key signs the requests (C(user) in the profile).
      - If not set, the value of the E(OCI_USER_ID) environment variable is used.
    type: str
    aliases: [api_user]
  tenancy:
    description:
      - OCID of the tenancy (C(tenancy) in the profile).
      - If not set, the value of the E(OCI_TENANCY) environment variable is used.
    type: str
  fingerprint:
    description:
      - Fingerprint of the API key, as the Console shows it (C(12:34:...:ef), 16 lowercase hex pairs).
      - If not set, the value of the E(OCI_USER_FINGERPRINT) environment variable is used.
    type: str
    aliases: [api_user_fingerprint]
  key_file:
    description:
      - PEM file of the API key's RSA private key (or, with O(auth_type=security_token), of the session's key).
      - If not set, the value of the E(OCI_USER_KEY_FILE) environment variable is used, else C(key_file) of the profile.
    type: path
    aliases: [api_user_key_file]
  key_content:
    description:
      - The PEM text of the private key itself, instead of O(key_file) (which it wins over). OCI refuses it in the
        configuration file, so it is an option only.
      - If not set, the value of the E(OCI_USER_KEY_CONTENT) environment variable is used.
    type: str
  pass_phrase:
    description:
      - Pass phrase of an encrypted private key. A pass phrase the key does not need is ignored.
      - If not set, the value of the E(OCI_USER_KEY_PASS_PHRASE) environment variable is used, else C(pass_phrase) of
        the profile.
    type: str
    aliases: [api_user_key_pass_phrase]
  region:
    description:
      - Region identifier, for example V(us-ashburn-1) or V(eu-frankfurt-1); it gives the default endpoints, in the
        domain of its realm (V(oraclecloud.com), or for example V(oraclegovcloud.com) for V(us-gov-ashburn-1)).
      - If not set, the value of the E(OCI_REGION) environment variable is used, else C(region) of the profile.
    type: str
  auth_type:
    description:
      - V(api_key) signs with the API key of O(user) (key id C(tenancy/user/fingerprint)).
      - V(security_token) signs with the session token that C(oci session authenticate) writes, from
        C(security_token_file) and C(key_file) of the profile. After a C(401) the token file is read again once, so a
        token that C(oci session refresh) renewed meanwhile is used.
      - If not set, the value of the E(OCI_ANSIBLE_AUTH_TYPE) environment variable is used.
    type: str
    choices: [api_key, security_token]
    default: api_key
  database_url:
    description:
      - Endpoint of the Database service, without the API version (C(/20160918) is added), for private endpoints
        or tests.
      - If not set, the value of the E(OCI_DATABASE_ENDPOINT) environment variable is used, else
        C(https://database.{region}.oraclecloud.com) (in the domain of the region's realm).
    type: str
  work_requests_url:
    description:
      - Endpoint of the Work Requests service, without the API version; only read for the progress percent of a
        patch while it runs.
      - If not set, the value of the E(OCI_WORK_REQUESTS_ENDPOINT) environment variable is used, else
        C(https://iaas.{region}.oraclecloud.com) (in the domain of the region's realm).
    type: str
notes:
  - Every request is signed with an HTTP Signature (RSA-SHA256), as Oracle's Request Signatures page describes, with
    C(cryptography) alone; the OCI Python SDK is not needed. Instance and resource principals are not supported.
  - The TLS options fall back to E(OCI_VALIDATE_CERTS) and E(OCI_CA_PATH).
requirements:
  - cryptography
'''

    # The DB system or DB home a module acts on.
    TARGET = r'''
options:
  db_system_id:
    description:
      - OCID of the DB system (VM or bare metal) whose patches (Grid Infrastructure and OS bundle) are meant.
        Mutually exclusive with O(db_home_id).
    type: str
  db_home_id:
    description:
      - OCID of the Database Home whose patches (database release updates) are meant.
    type: str
'''

    # Membership of the oci action group: C(group/dbops.patching.oci) in C(module_defaults).
    ACTION_GROUP = r'''
options: {}
attributes:
  action_group:
    description: Use C(group/dbops.patching.oci) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - dbops.patching.oci
'''

    # The inventory plugin's options for this cloud (dbops.patching.instances): each connection option
    # as oci_<option> with the modules' environment variable, and the compartment to list.
    INVENTORY = r'''
options:
  oci_config_file:
    description: OCI configuration file, as the modules' O(dbops.patching.oci_patch_info#module:config_file).
    type: path
    default: ~/.oci/config
    env:
      - name: OCI_CONFIG_FILE
  oci_profile:
    description: Profile of O(oci_config_file).
    type: str
    default: DEFAULT
    env:
      - name: OCI_CONFIG_PROFILE
  oci_user:
    description: OCID of the API user.
    type: str
    env:
      - name: OCI_USER_ID
  oci_tenancy:
    description: OCID of the tenancy.
    type: str
    env:
      - name: OCI_TENANCY
  oci_fingerprint:
    description: Fingerprint of the API signing key.
    type: str
    env:
      - name: OCI_USER_FINGERPRINT
  oci_key_file:
    description: PEM file of the API signing key.
    type: path
    env:
      - name: OCI_USER_KEY_FILE
  oci_key_content:
    description: The API signing key itself (PEM), instead of O(oci_key_file).
    type: str
    env:
      - name: OCI_USER_KEY_CONTENT
  oci_pass_phrase:
    description: Pass phrase of an encrypted API signing key.
    type: str
    env:
      - name: OCI_USER_KEY_PASS_PHRASE
  oci_region:
    description: Region identifier, for example V(eu-frankfurt-1).
    type: str
    env:
      - name: OCI_REGION
  oci_auth_type:
    description: V(api_key), or V(security_token) for a session token (O(oci_profile)'s C(security_token_file)).
    type: str
    default: api_key
    choices: [api_key, security_token]
    env:
      - name: OCI_ANSIBLE_AUTH_TYPE
  oci_database_url:
    description: Database service endpoint; by default the one of the region.
    type: str
    env:
      - name: OCI_DATABASE_ENDPOINT
  oci_work_requests_url:
    description: Work Requests service endpoint; by default the one of the region.
    type: str
    env:
      - name: OCI_WORK_REQUESTS_ENDPOINT
  oci_compartment_id:
    description: OCID of the compartment whose DB systems become hosts.
    type: str
notes:
  - "OCI Base Database: host name the DB system's display name; variables C(safe_patch_cloud=oci),
    C(safe_patch_db_system_id), C(safe_patch_service_name), C(dbops_cloud), C(dbops_status), C(dbops_version),
    C(dbops_shape), C(dbops_availability_domain). Listed with C(GET /20160918/dbSystems?compartmentId=) (DB systems
    being provisioned or terminated are left out); configured by O(oci_compartment_id)."
'''
