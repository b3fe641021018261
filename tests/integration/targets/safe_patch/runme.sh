#!/usr/bin/env bash
# A script target, not a role target: ansible-test would run a role target named
# safe_patch as `roles: [safe_patch]`, which resolves to the collection's own
# dbops.patching.safe_patch role instead of this directory.
set -eux
ansible-playbook runme.yml -i "${INVENTORY_PATH}" -e @../../integration_config.yml "$@"

# playbooks/safe_patch.yml: a failed patch that cannot be rolled back (OCI, OTC) stops the fleet, with
# safe_patch_cloud a host variable (fleet_inventory.yml); safe_patch_continue_after_failure lets it go on.
ansible-playbook fleet_seed.yml -i "${INVENTORY_PATH}" -e @../../integration_config.yml "$@"
fleet() {  # CASE HOST-PATTERN [ARGS...]: run the fleet playbook two instances at a time; it exits 2 (a host failed)
  local case=$1 hosts=$2 rc=0
  shift 2
  ansible-playbook dbops.patching.safe_patch -i fleet_inventory.yml -e @../../integration_config.yml \
    -e safe_patch_hosts="$hosts" -e safe_patch_serial=2 -e safe_patch_report_dir="${OUTPUT_DIR}/$case" "$@" || rc=$?
  [ "$rc" -eq 2 ] || { echo "fleet run $case exited $rc, expected 2"; exit 1; }
  ansible-playbook fleet_check.yml -i "${INVENTORY_PATH}" -e @../../integration_config.yml \
    -e fleet_case="$case" -e report_root="${OUTPUT_DIR}"
}
fleet oci_stop oci_fleet "$@"
fleet otc_stop otc_fleet "$@"
fleet oci_continue oci_fleet -e safe_patch_continue_after_failure=true "$@"
