#!/usr/bin/env bash
# The simulator as users install it: `pip install tests/simulator` into a fresh venv, then
#   1. its pytest plugin (tests/utils/simulator_installed_test.py, run in that venv),
#   2. its console script as the Containerfile's ENTRYPOINT starts it, seeded from an Ansible
#      inventory, writing the environment file; the collection's patch_info module (the project's
#      venv) reads the seeded instance through that environment only;
#   3. the README's example as a new user runs it: README.md's inventory and playbook taken verbatim (as
#      tests/faults/test_readme.py takes them), the command seeded from that inventory (--seed, --env-file,
#      --integration-config, as guide_simulator.rst says), the README's extra vars from the environment file,
#      ansible-playbook of the project's venv with the collection in COLLECTIONS_DIR: every host patched.
# Usage: simulator_package.sh PYTHON PROJECT_VENV COLLECTIONS_DIR
set -euo pipefail
python=$1
project_venv=$2
collections=$3
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
sim=
readme_sim=
cleanup() {
  for pid in $sim $readme_sim; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
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

echo "--- the README's example, as written, against the command seeded from the README's inventory"
readme=$work/readme
mkdir "$readme"
"$python" - "$root/README.md" "$readme" <<'EXTRACT'
import os, re, sys
with open(sys.argv[1], encoding='utf-8') as handle:
    section = handle.read().split('## Example', 1)[1].split('\n## ', 1)[0]
inventory, playbook = re.findall(r'```yaml\n(.*?)```', section, re.S)[:2]
for name, text in (('inventory.yml', inventory), ('patch.yml', playbook)):
    with open(os.path.join(sys.argv[2], name), 'w', encoding='utf-8') as handle:
        handle.write(text)
EXTRACT
(cd "$readme" && PATH="$work/venv/bin:$PATH" exec dbops-patching-simulator --port-file url --time-scale 60 --seed inventory.yml \
  --env-file simulator.env --integration-config integration_config.yml >sim.log 2>&1) &
readme_sim=$!
for _ in $(seq 1 100); do [ -s "$readme/url" ] && break; kill -0 "$readme_sim" 2>/dev/null || break; sleep 0.1; done
[ -s "$readme/url" ] || { cat "$readme/sim.log"; echo "ERROR: dbops-patching-simulator --seed inventory.yml did not start" >&2; exit 1; }
grep -q "^oracle_api_url: \"$(cat "$readme/url")\"$" "$readme/integration_config.yml"
(
  cd "$readme"
  # shellcheck disable=SC1091
  . ./simulator.env
  ANSIBLE_COLLECTIONS_PATH=$collections ANSIBLE_NOCOLOR=1 "$project_venv/bin/ansible-playbook" -i inventory.yml patch.yml \
    -e oracle_api_url="$ORACLE_PAAS_API_URL" -e oracle_identity_domain="$ORACLE_PAAS_IDENTITY_DOMAIN" \
    -e oracle_user="$ORACLE_PAAS_USERNAME" -e oracle_password="$ORACLE_PAAS_PASSWORD"
) >"$readme/playbook.out" 2>&1 \
  || { tail -n 60 "$readme/playbook.out"; echo "ERROR: the README's example failed against the simulator seeded from its inventory" >&2; exit 1; }
"$work/venv/bin/python" - "$(cat "$readme/url")" "$readme" <<'APPLIED' || { tail -n 60 "$readme/playbook.out"; exit 1; }
import json, os, re, sys, urllib.request
import yaml
with open(os.path.join(sys.argv[2], 'inventory.yml'), encoding='utf-8') as handle:
    hosts = sorted(yaml.safe_load(handle)['databases']['hosts'])
with open(os.path.join(sys.argv[2], 'patch.yml'), encoding='utf-8') as handle:
    patch_id = re.search(r'safe_patch_patch_id: "([^"]+)"', handle.read()).group(1)
with urllib.request.urlopen(sys.argv[1] + '/__admin__/state', timeout=30) as answer:
    oracle = json.loads(answer.read().decode('utf-8'))['oracle']
applied = dict((host, [r['patchId'] for r in oracle['dbaas/' + host]['applied']]) for host in hosts)
versions = dict((host, oracle['dbaas/' + host]['current_version']) for host in hosts)
if not hosts or any(ids != [patch_id] for ids in applied.values()) or set(versions.values()) != {patch_id}:
    sys.exit('ERROR: after the README example: applied %s, versions %s' % (applied, versions))
print('README example: %s patched to %s' % (', '.join(hosts), patch_id))
APPLIED
echo "simulator package: installed in a fresh venv; plugin tests passed; the command served patch_info via its environment file;"
echo "  the README's example passed against the command seeded from the README's inventory"
