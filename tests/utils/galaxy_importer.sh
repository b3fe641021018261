#!/usr/bin/env bash
# Runs galaxy-importer on the built tarball as Galaxy would import it, without its container-based
# ansible-test run (make sanity does that) but with ansible-lint, offline. Fails on any warning
# or error in its output, and unless it says the import completed.
set -euo pipefail
venv=$1
tarball=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/galaxy-importer.cfg" <<'CFG'
[galaxy-importer]
RUN_ANSIBLE_TEST = False
RUN_ANSIBLE_LINT = True
RUN_FLAKE8 = False
OFFLINE_ANSIBLE_LINT = True
LOG_LEVEL_MAIN = INFO
CFG
cd "$work"
status=0
PATH="$venv/bin:$PATH" GALAXY_IMPORTER_CONFIG="$work/galaxy-importer.cfg" \
  "$venv/bin/python" -m galaxy_importer.main "$tarball" >"$work/out.log" 2>&1 || status=$?
if [ "$status" -ne 0 ] || grep -qE 'WARNING|ERROR' "$work/out.log" \
    || ! grep -q 'Importer processing completed successfully' "$work/out.log"; then
  cat "$work/out.log"
  echo "galaxy-importer: not clean (exit $status)"
  exit 1
fi
echo "galaxy-importer: $(basename "$tarball") imported cleanly ($(grep -c '^Loading' "$work/out.log") contents loaded)"
