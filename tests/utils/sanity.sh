#!/usr/bin/env bash
# ansible-test sanity from a venv, failing loudly when no file was tested.
# Usage: sanity.sh VENV COLLECTION_DIR PYTHON_VERSION
set -euo pipefail
venv=$1; collection=$2; python=$3
log=$(mktemp)
set +e
(cd "$collection" && "$venv/bin/ansible-test" sanity --python "$python" --color no 2>&1) | tee "$log"
status=${PIPESTATUS[0]}
set -e
if grep -q "All targets skipped" "$log"; then
  echo "ERROR: ansible-test sanity saw no files (All targets skipped): the collection copy is not a git work tree." >&2
  exit 1
fi
grep -q "Running sanity test" "$log" || { echo "ERROR: ansible-test sanity ran no test" >&2; exit 1; }
exit "$status"
