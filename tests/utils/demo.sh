#!/usr/bin/env bash
# make demo: a fleet of 12 simulated Oracle PaaS instances patched with the
# safe_patch role. Two patches fail and are rolled back; the report shows it.
# Creates its own venv (.venv-demo), starts the simulator, stops it on exit.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
venv=.venv-demo
python=${PYTHON:-python3}

if [ ! -x "$venv/bin/ansible-playbook" ]; then
  echo "==> creating $venv"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  "$venv/bin/python" -m pip install --quiet 'ansible-core==2.19.14' 'requests==2.34.2'
fi

work=$(mktemp -d)
mkdir -p "$work/collections/ansible_collections/dbops"
ln -s "$root" "$work/collections/ansible_collections/dbops/patching"
sim=
cleanup() {
  if [ -n "$sim" ]; then kill "$sim" 2>/dev/null || true; wait "$sim" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "==> starting the cloud simulator"
"$venv/bin/python" tests/simulator/run.py --port 0 --port-file "$work/url" --time-scale "${DEMO_TIME_SCALE:-60}" \
  --fixtures tests/utils/demo_fleet.json >"$work/simulator.log" 2>&1 &
sim=$!
for _ in $(seq 1 100); do [ -s "$work/url" ] && break; sleep 0.1; done
[ -s "$work/url" ] || { echo "the simulator did not start"; cat "$work/simulator.log"; exit 1; }
echo "    listening at $(cat "$work/url")"

export ORACLE_PAAS_API_URL ORACLE_PAAS_IDENTITY_DOMAIN=ExampleIdentityDomain ORACLE_PAAS_USERNAME=username ORACLE_PAAS_PASSWORD=password
ORACLE_PAAS_API_URL=$(cat "$work/url")
export ANSIBLE_COLLECTIONS_PATH="$work/collections" ANSIBLE_STDOUT_CALLBACK=default ANSIBLE_DISPLAY_SKIPPED_HOSTS=false
export ANSIBLE_NOCOLOR=${ANSIBLE_NOCOLOR:-} ANSIBLE_RETRY_FILES_ENABLED=false ANSIBLE_LOCALHOST_WARNING=false

echo "==> running playbooks/safe_patch.yml over playbooks/inventory/demo.yml (12 instances, 6 at a time)"
rm -f reports/safe_patch.json reports/safe_patch.md
start=$(date +%s)
status=0
"$venv/bin/ansible-playbook" -i playbooks/inventory/demo.yml playbooks/safe_patch.yml \
  -e safe_patch_serial=6 -e safe_patch_report_dir="$root/reports" || status=$?
echo "==> playbook finished in $(( $(date +%s) - start )) s with exit code $status (2 = some hosts failed, as expected here)"

[ -f reports/safe_patch.md ] || { echo "no report was written"; exit 1; }
echo
cat reports/safe_patch.md
echo
echo "Reports: reports/safe_patch.md and reports/safe_patch.json"
"$venv/bin/python" - <<'PY'
import json, sys
results = json.load(open('reports/safe_patch.json'))['results']
outcomes = sorted(r['outcome'] for r in results)
expected = sorted(['applied'] * 10 + ['rolled_back'] * 2)
if outcomes != expected:
    print('unexpected outcomes: %s' % outcomes)
    sys.exit(1)
print('demo OK: 10 instances patched, 2 rolled back after their patch failed')
PY
