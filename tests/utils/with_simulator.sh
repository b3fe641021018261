#!/usr/bin/env bash
# Run a command with the cloud API simulator listening, then stop the simulator
# (also when the command fails or is interrupted). Before the command runs, write
# COLLECTION_DIR/tests/integration/integration_config.yml (git-ignored): ansible-test
# passes no environment to the targets, but makes every key of that file a variable.
# Usage: with_simulator.sh PYTHON COLLECTION_DIR CMD...
# SIM_TIME_SCALE (default 30): simulated seconds per real second.
set -euo pipefail
python=$1
collection=$2
shift 2
root=$(cd "$(dirname "$0")/../.." && pwd)
workdir=$(mktemp -d)
sim=

stop_simulator() {
  status=$?
  if [ -n "$sim" ]; then
    kill "$sim" 2>/dev/null || true
    wait "$sim" 2>/dev/null || true
  fi
  if [ "$status" -ne 0 ] && [ -s "$workdir/sim.log" ]; then
    echo "--- last lines of the simulator's log:"
    tail -n 20 "$workdir/sim.log"
  fi
  rm -rf "$workdir"
  exit "$status"
}
trap stop_simulator EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The simulator writes integration_config.yml itself (tests/simulator/connection.py: the credentials it accepts).
"$python" "$root/tests/simulator/run.py" --port 0 --port-file "$workdir/url" \
  --integration-config "$collection/tests/integration/integration_config.yml" --time-scale "${SIM_TIME_SCALE:-30}" >"$workdir/sim.log" 2>&1 &
sim=$!
for _ in $(seq 1 150); do
  grep -q '^SIMULATOR LISTENING ' "$workdir/sim.log" 2>/dev/null && [ -s "$workdir/url" ] && break
  kill -0 "$sim" 2>/dev/null || break
  sleep 0.1
done
if ! grep -q '^SIMULATOR LISTENING ' "$workdir/sim.log" || [ ! -s "$workdir/url" ]; then
  echo "ERROR: the simulator did not start (tests/simulator/run.py)" >&2
  exit 1
fi
url=$(head -n 1 "$workdir/url")
echo "simulator listening at $url (time scale ${SIM_TIME_SCALE:-30})"
"$@"
