#!/usr/bin/env bash
# The simulator as users install it: `pip install tests/simulator` into a fresh venv, then
#   1. its pytest plugin (tests/utils/simulator_installed_test.py, run in that venv),
#   2. its console script as the Containerfile's ENTRYPOINT starts it, seeded from an Ansible
#      inventory, writing the environment file; the collection's patch_info module (the project's
#      venv) reads the seeded instance through that environment only.
# Usage: simulator_package.sh PYTHON PROJECT_VENV COLLECTIONS_DIR
set -euo pipefail
python=$1
project_venv=$2
collections=$3
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
sim=
cleanup() {
  if [ -n "$sim" ]; then kill "$sim" 2>/dev/null || true; wait "$sim" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# pip builds in the source tree: build from a copy, so the checkout stays clean.
cp -r "$root/tests/simulator" "$work/src"
rm -rf "$work/src/build" "$work/src"/*.egg-info
"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --disable-pip-version-check "$work/src" pytest >"$work/pip.log" 2>&1 \
  || { cat "$work/pip.log"; echo "ERROR: pip install tests/simulator failed" >&2; exit 1; }
test -x "$work/venv/bin/dbops-patching-simulator"

echo "--- the installed pytest plugin"
(cd "$work" && "$work/venv/bin/python" -m pytest -q -p no:cacheprovider "$root/tests/utils/simulator_installed_test.py")

echo "--- the installed command, as the Containerfile's ENTRYPOINT runs it (on a free port)"
entrypoint=$("$python" -c 'import json, re, sys
text = open(sys.argv[1]).read()
print(" ".join(json.loads(re.search(r"^ENTRYPOINT (\[.*\])$", text, re.M).group(1))))' "$root/tests/simulator/Containerfile")
cat >"$work/inventory.yml" <<'INVENTORY'
fleet:
  vars:
    safe_patch_patch_id: "19.21.0.0"
  hosts:
    pkg01: {safe_patch_service_name: pkg-db01}
INVENTORY
# shellcheck disable=SC2086
PATH="$work/venv/bin:$PATH" $entrypoint --port 0 --port-file "$work/url" --seed "$work/inventory.yml" \
  --env-file "$work/simulator.env" >"$work/sim.log" 2>&1 &
sim=$!
for _ in $(seq 1 100); do [ -s "$work/url" ] && break; kill -0 "$sim" 2>/dev/null || break; sleep 0.1; done
[ -s "$work/url" ] || { cat "$work/sim.log"; echo "ERROR: dbops-patching-simulator did not start" >&2; exit 1; }
grep -q '^SIMULATOR LISTENING http://0.0.0.0:' "$work/sim.log"
port=$(sed 's/.*://' "$work/url")
# shellcheck disable=SC1091
. "$work/simulator.env"
export ORACLE_PAAS_API_URL=http://127.0.0.1:$port   # what a published container port looks like from the host
ANSIBLE_COLLECTIONS_PATH=$collections "$project_venv/bin/ansible" localhost -c local \
  -e "ansible_python_interpreter=$project_venv/bin/python" \
  -m dbops.patching.patch_info -a 'service_name=pkg-db01' -o >"$work/module.out" 2>&1 \
  || { cat "$work/module.out"; echo "ERROR: patch_info against the installed simulator failed" >&2; exit 1; }
grep -q '19.21.0.0' "$work/module.out" || { cat "$work/module.out"; exit 1; }
echo "simulator package: installed in a fresh venv; plugin tests passed; the command served patch_info via its environment file"
