#!/usr/bin/env bash
# Runs the fuzz targets one after another (one core, niced) with the
# issue's limits: each until RUNS executions or SECONDS seconds, whichever
# comes first. Usage: fuzz/run.sh [SECONDS] [RUNS] [TARGET...]
# Builds with the stable compiler (RUSTC_BOOTSTRAP=1), no sanitizer (the
# crate forbids unsafe code), debug assertions on (overflow checks).
set -uo pipefail
# One core: the store code's rayon calls get one worker thread.
export RAYON_NUM_THREADS=${RAYON_NUM_THREADS:-1}
# Scratch files (the store target writes a database per input) in memory.
[ -d /dev/shm ] && export TMPDIR=${TMPDIR:-/dev/shm}
cd "$(dirname "$0")"
secs=${1:-600}; runs=${2:-10000000}; shift 2 2>/dev/null || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && mapfile -t targets < <(cargo fuzz list)
RUSTC_BOOTSTRAP=1 nice -n 19 cargo fuzz build -s none -O -a || exit 1
mkdir -p logs
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" "artifacts/$t"
  RUSTC_BOOTSTRAP=1 nice -n 19 cargo fuzz run -s none -O -a "$t" "corpus/$t" -- \
    -rss_limit_mb=2048 -timeout=1 -max_total_time="$secs" -runs="$runs" \
    -max_len=4096 -print_final_stats=1 -artifact_prefix="artifacts/$t/" \
    > "logs/$t.log" 2>&1
  echo "$t exit $? $(grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' "logs/$t.log" | tail -2 | tr '\n' ' ')"
done
