#!/usr/bin/env bash
# Fuzzes mmcheck's input path: mutated bundled tests and model files (byte and token
# mutations: extreme numbers, huge identifiers, deep nesting, ...) through the release binary,
# each run with --max-seconds 2 under a wall-clock timeout. Prints a summary line (panics,
# hangs, aborts) and saves every failing input under target/fuzz/failures/ with a README
# giving the command that reproduces it. Exits 1 if any input failed.
#
# usage: scripts/fuzz.sh [--inputs N] [--jobs J] [--seed S] [--timeout SECONDS] [--out DIR]
#   defaults: 10000 inputs, 2 jobs, seed 1, 30 s timeout, target/fuzz
# A bounded version runs in `cargo test` (tests/fuzz.rs), with the same mutation operators
# (tests/fuzz/mutate.rs).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin mmcheck --example fuzz
exec nice -n 10 target/release/examples/fuzz "$@"
