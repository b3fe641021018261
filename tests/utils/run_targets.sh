#!/usr/bin/env bash
# Run make targets one after another, keep going after a failure, time each one,
# and end with a summary whose last line is "N passed, M failed" (N, M count targets).
# Usage: MAKE=make run_targets.sh TARGET...
set -uo pipefail
make=${MAKE:-make}
passed=0
failed=0
summary=()
start_all=$SECONDS
for target in "$@"; do
  echo "===== make $target"
  start=$SECONDS
  if $make --no-print-directory "$target"; then
    result=passed
    passed=$((passed + 1))
  else
    result=FAILED
    failed=$((failed + 1))
  fi
  summary+=("$(printf '%-12s %-7s %5ss' "$target" "$result" $((SECONDS - start)))")
done
echo "===== summary (make targets)"
printf '%s\n' "${summary[@]}"
echo "total $((SECONDS - start_all))s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
