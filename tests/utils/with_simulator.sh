#!/usr/bin/env bash
# Run a command with the simulator listening; write the integration config that
# ansible-test hands to every target. Usage: with_simulator.sh PYTHON COLLECTION_DIR CMD...
set -euo pipefail
python=$1; collection=$2; shift 2
root=$(cd "$(dirname "$0")/../.." && pwd)
workdir=$(mktemp -d)
"$python" "$root/tests/simulator/run.py" --port 0 --port-file "$workdir/url" --time-scale "${SIM_TIME_SCALE:-30}" >"$workdir/sim.log" 2>&1 &
sim=$!
trap 'kill $sim 2>/dev/null; wait $sim 2>/dev/null; rm -rf "$workdir"' EXIT INT TERM
for _ in $(seq 1 100); do [ -s "$workdir/url" ] && break; sleep 0.1; done
[ -s "$workdir/url" ] || { echo "the simulator did not start:"; cat "$workdir/sim.log"; exit 1; }
url=$(cat "$workdir/url")
cat >"$collection/tests/integration/integration_config.yml" <<CONFIG
---
simulator_url: $url
CONFIG
echo "simulator at $url"
"$@"
