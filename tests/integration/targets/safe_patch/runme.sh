#!/usr/bin/env bash
# A script target, not a role target: ansible-test would run a role target named
# safe_patch as `roles: [safe_patch]`, which resolves to the collection's own
# dbops.patching.safe_patch role instead of this directory.
set -eux
ansible-playbook runme.yml -i "${INVENTORY_PATH}" -e @../../integration_config.yml "$@"
