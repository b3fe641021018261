#!/usr/bin/env bash
# make demo: patch a fleet of 12 simulated Oracle PaaS instances and 4 OCI Base Database
# targets (3 DB systems, 1 DB home) with the safe_patch role. Two Oracle patches fail
# (demo-db05, demo-db09) and are rolled back; one OCI patch fails (demo-oci04), which OCI
# cannot roll back: it ends failed_no_rollback, with its reason and what to do by hand, and
# stops the fleet. The OCI hosts are the last batch, so the stop hides no other outcome.
#
# Needs only python3 (3.11+ for ansible-core 2.19) and a package index for pip. It
#   1. creates .venv-demo with ansible-core 2.19 and requests (once),
#   2. makes `dbops.patching` resolve to this checkout (a symlink in a temp dir),
#   3. starts the simulator and seeds the fleet (tests/utils/demo_fleet.json: Oracle
#      instances, OCI DB systems) through its admin API,
#   4. runs playbooks/safe_patch.yml over playbooks/inventory/demo.yml, then
#      playbooks/job_status.yml and playbooks/rollback.yml on a rolled-back instance,
#   5. prints the report, and stops the simulator on exit, failure or Ctrl-C.
#
# Exit code: ansible-playbook exits 2 when some hosts failed, and three hosts fail on
# purpose. So the demo expects exactly 2 from the fleet run and then checks the report
# itself: 13 applied, 2 rolled_back and 1 failed_no_rollback, one rollback request per
# rolled-back instance and none elsewhere, one OCI apply per OCI target (the failed one
# AVAILABLE again on its old version), and the fleet stopped by demo-oci04 with no
# instance left unpatched by the stop. It exits 0 only when all of that holds.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
venv=.venv-demo
time_scale=${DEMO_TIME_SCALE:-60}
began=$(date +%s)

work=$(mktemp -d)
sim=
cleanup() {
  if [ -n "$sim" ]; then
    kill "$sim" 2>/dev/null || true
    wait "$sim" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'echo; echo "demo interrupted"; exit 130' INT TERM

# ansible-core 2.19 needs Python 3.11 or newer on the controller.
find_python() {
  local candidate
  for candidate in ${PYTHON:-} python3.13 python3.12 python3.11 python3; do
    if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

if [ ! -x "$venv/bin/ansible-playbook" ] || ! "$venv/bin/python" -c 'import requests' 2>/dev/null; then
  python=$(find_python) || { echo "make demo needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)"; exit 1; }
  echo "==> creating $venv with $python: ansible-core 2.19, requests"
  "$python" -m venv --clear "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check 'ansible-core==2.19.14' 'requests==2.34.2' \
    >"$work/pip.log" 2>&1 || { cat "$work/pip.log"; echo "DEMO FAILED: could not install into $venv"; exit 1; }
fi
py="$venv/bin/python"

mkdir -p "$work/collections/ansible_collections/dbops"
ln -s "$root" "$work/collections/ansible_collections/dbops/patching"

echo "==> starting the cloud simulator: simulated time runs ${time_scale}x faster than real time"
"$py" tests/simulator/run.py --port 0 --port-file "$work/url" --time-scale "$time_scale" >"$work/simulator.log" 2>&1 &
sim=$!
for _ in $(seq 1 100); do [ -s "$work/url" ] && break; sleep 0.1; done
[ -s "$work/url" ] || { echo "the simulator did not start:"; cat "$work/simulator.log"; exit 1; }
url=$(cat "$work/url")
echo "    listening at $url"

echo "==> seeding 12 Oracle PaaS instances and 4 OCI targets through $url/__admin__/oracle/instances and .../oci/db_systems"
"$py" - "$url" tests/utils/demo_fleet.json <<'PY'
import json, sys, urllib.request
url, fixture = sys.argv[1], sys.argv[2]
with open(fixture) as handle:
    fleet = json.load(handle)


def seed(path, document):
    request = urllib.request.Request(url + '/__admin__/' + path, data=json.dumps(document).encode(),
                                     headers={'Content-Type': 'application/json'}, method='POST')
    urllib.request.urlopen(request).read()


for instance in fleet['oracle']:
    seed('oracle/instances', instance)
for system in fleet['oci']:
    seed('oci/db_systems', system)
failing = [i['name'] for i in fleet['oracle'] if any(p.get('fail') for p in i['available'])]
failing_oci = [s['display_name'] for s in fleet['oci']
               if any(p.get('fail') for p in s['patches'] + s['db_home']['patches'])]
print('    %d Oracle instances; the patch will fail on %s (rolled back)' % (len(fleet['oracle']), ', '.join(failing)))
print('    %d OCI targets; the patch will fail on %s (OCI cannot roll back)' % (len(fleet['oci']), ', '.join(failing_oci)))
PY

export ORACLE_PAAS_API_URL="$url" ORACLE_PAAS_IDENTITY_DOMAIN=ExampleIdentityDomain
export ORACLE_PAAS_USERNAME=username ORACLE_PAAS_PASSWORD=password
# OCI: the simulator's signing key (Oracle's documented test user) and endpoints, as OCI_* variables
eval "$("$py" tests/simulator/run.py --print-env "$url" | grep '^export OCI_')"
export ANSIBLE_COLLECTIONS_PATH="$work/collections" ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false
export ANSIBLE_FORKS=6 ANSIBLE_RETRY_FILES_ENABLED=false ANSIBLE_LOCALHOST_WARNING=false
export ANSIBLE_DISPLAY_SKIPPED_HOSTS=false ANSIBLE_DEPRECATION_WARNINGS=false
# The collection's stdout callback: a failure that a rescue handles (the safe_patch role rolling a failed
# patch back) is one "handled:" line instead of an error block and the whole result as JSON.
export ANSIBLE_STDOUT_CALLBACK=dbops.patching.concise
reports="$root/reports"
rm -f "$reports/safe_patch.json" "$reports/safe_patch.md"

echo "==> ansible-playbook playbooks/safe_patch.yml -i playbooks/inventory/demo.yml (6 instances at a time)"
echo "    Simulated time runs ${time_scale}x faster: a 30-minute patch takes 30 seconds here."
echo "    The patches of demo-db05 and demo-db09 fail on purpose: the \"handled:\" lines below are the safe_patch"
echo "    role catching each failure and rolling the patch back, as it should. The OCI targets come last: the"
echo "    patch of demo-oci04 fails too, OCI cannot roll it back, and the role says what to do by hand."
start=$(date +%s)
status=0
"$venv/bin/ansible-playbook" -i playbooks/inventory/demo.yml playbooks/safe_patch.yml \
  -e safe_patch_serial=6 -e safe_patch_report_dir="$reports" || status=$?
echo "==> the fleet run took $(( $(date +%s) - start )) s and exited $status"
if [ "$status" -ne 2 ]; then
  echo "DEMO FAILED: expected exit code 2 (two instances rolled back, one OCI patch failed), got $status"
  exit 1
fi
[ -f "$reports/safe_patch.json" ] && [ -f "$reports/safe_patch.md" ] || { echo "DEMO FAILED: no report was written"; exit 1; }

rolled_back=$("$py" -c 'import json, sys
rows = json.load(open(sys.argv[1]))["results"]
row = next(r for r in rows if r["outcome"] == "rolled_back")
print(row["service_name"], row["apply_job"]["id"])' "$reports/safe_patch.json")
read -r instance apply_job <<<"$rolled_back"

echo "==> ansible-playbook playbooks/job_status.yml: the failed patching job of $instance"
ANSIBLE_INVENTORY_UNPARSED_WARNING=false "$venv/bin/ansible-playbook" playbooks/job_status.yml -e service_name="$instance" -e job_id="$apply_job"

echo "==> ansible-playbook playbooks/rollback.yml on $instance again: already rolled back, nothing is sent"
ANSIBLE_INVENTORY_UNPARSED_WARNING=false "$venv/bin/ansible-playbook" playbooks/rollback.yml -e service_name="$instance" -e patch_id=19.21.0.0

echo
cat "$reports/safe_patch.md"
echo "Reports: reports/safe_patch.md and reports/safe_patch.json"

"$py" - "$url" "$reports/safe_patch.json" <<'PY'
import json, sys, urllib.parse, urllib.request
url, report = sys.argv[1], sys.argv[2]
report = json.load(open(report))
rows = report['results']
problems = []
outcomes = sorted(r['outcome'] for r in rows)
if outcomes != sorted(['applied'] * 13 + ['rolled_back'] * 2 + ['failed_no_rollback']):
    problems.append('outcomes %s, expected 13 applied, 2 rolled_back and 1 failed_no_rollback' % outcomes)
if report.get('stopped_by') != ['oci04']:
    problems.append('the fleet was stopped by %s, expected oci04 (whose OCI patch failed)' % report.get('stopped_by'))
state = json.load(urllib.request.urlopen(url + '/__admin__/state'))['oci']
for row in rows:
    if row.get('cloud') != 'oci':
        continue
    ocid = 'ocid1.%s.oc1.iad.aaaademo%s' % ('dbhome' if row['host'] == 'oci03' else 'dbsystem', row['host'])
    target = state['db_homes' if row['host'] == 'oci03' else 'db_systems'][ocid]
    applies = [e for e in target['history'] if e['action'] == 'APPLY']
    expected = ('AVAILABLE', '19.20.0.0.0' if row['outcome'] == 'failed_no_rollback' else '19.21.0.0.0')
    if len(applies) != 1 or (target['lifecycle_state'], target['version']) != expected:
        problems.append('%s: %d APPLY entries, %s on %s; expected 1, %s on %s'
                        % ((row['service_name'], len(applies), target['lifecycle_state'], target['version']) + expected))
    if row['outcome'] == 'failed_no_rollback' and ('15 GB' not in row['message'] or 'cannot be rolled back' not in row['message']):
        problems.append('%s: the message lacks the reason or that it cannot be rolled back: %s' % (row['service_name'], row['message']))
for row in rows:
    query = urllib.parse.urlencode({'method': 'PUT', 'path': '/instances/%s/patches/[^/]+/rollback$' % row['service_name']})
    count = json.load(urllib.request.urlopen('%s/__admin__/requests?%s' % (url, query)))['count']
    expected = 1 if row['outcome'] == 'rolled_back' else 0
    if count != expected:
        problems.append('%s: %d rollback requests, expected %d' % (row['service_name'], count, expected))
if problems:
    print('DEMO FAILED: ' + '; '.join(problems))
    sys.exit(1)
patched = [r['service_name'] for r in rows if r['outcome'] == 'applied']
rolled = [r['service_name'] for r in rows if r['outcome'] == 'rolled_back']
unrolled = [r['service_name'] for r in rows if r['outcome'] == 'failed_no_rollback']
print('demo OK: patched %d instances (%s); rolled back %d after their patch failed (%s), one rollback request each;'
      ' %s failed on OCI, which cannot roll back (failed_no_rollback, its reason in the report), and stopped the fleet'
      ' after the last batch.' % (len(patched), ', '.join(patched), len(rolled), ', '.join(rolled), ', '.join(unrolled)))
PY
echo "make demo took $(( $(date +%s) - began )) s"
