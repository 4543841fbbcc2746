#!/usr/bin/env bash
# Times the whole bundled suite: `mmcheck test tests/mmk` with the release binary, RUNS
# times (default 5), and prints the median wall time, the spread, and the states explored.
# usage: bench/suite.sh [RUNS] [JOBS]   (JOBS: test files at once; default: every core)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
JOBS=${2:-$(nproc)}
cargo build --release --quiet
BIN=target/release/mmcheck
times=()
for i in $(seq "$RUNS"); do
  t0=$(date +%s.%N)
  "$BIN" test -j "$JOBS" tests/mmk > /tmp/mmcheck-suite.out
  t1=$(date +%s.%N)
  times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')")
done
states=$(awk '$1 == "PASS" || $1 == "FAIL" { s += $(NF-1) } END { print s }' /tmp/mmcheck-suite.out)
tests=$(grep -cE '^(PASS|FAIL) ' /tmp/mmcheck-suite.out)
summary=$(tail -1 /tmp/mmcheck-suite.out)
sorted=$(printf '%s\n' "${times[@]}" | sort -g)
median=$(echo "$sorted" | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}')
min=$(echo "$sorted" | head -1); max=$(echo "$sorted" | tail -1)
echo "suite: $tests tests ($summary)"
echo "states explored (sum over tests): $states"
printf "wall time over %s runs, %s jobs: median %.2f s (min %.2f, max %.2f)\n" "$RUNS" "$JOBS" "$median" "$min" "$max"
