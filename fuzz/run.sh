#!/usr/bin/env bash
# Runs the fuzz targets one after another (one core, niced) with the
# issue's limits: each until RUNS executions or SECONDS seconds, whichever
# comes first. Usage: fuzz/run.sh [SECONDS] [RUNS] [TARGET...]
# Builds with the stable compiler (RUSTC_BOOTSTRAP=1), no sanitizer (the
# crate forbids unsafe code), debug assertions on (overflow checks).
#
# A timeout that does not reproduce (the input runs again within the
# 1 s limit) came from the process being paused (SIGSTOP, a suspended
# machine): the input is set aside in artifacts/<target>/paused/ and the
# run resumes with what is left of its time and executions. Crashes, and
# timeouts that reproduce, end the target's run. Units reported slow are
# run again at the end the same way.
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
bin=target/x86_64-unknown-linux-gnu/release
mkdir -p logs
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" "artifacts/$t"
  : > "logs/$t.log"
  start=$(date +%s); done_runs=0; status=0
  while :; do
    left_secs=$(( secs - ($(date +%s) - start) ))
    left_runs=$(( runs - done_runs ))
    [ "$left_secs" -le 0 ] || [ "$left_runs" -le 0 ] && break
    # The binary built above, run directly: `cargo fuzz run` would rebuild
    # it mid-run whenever the crate's sources change.
    nice -n 19 "$bin/$t" "corpus/$t" \
      -rss_limit_mb=2048 -timeout=1 -max_total_time="$left_secs" -runs="$left_runs" \
      -max_len=4096 -report_slow_units=1 -print_final_stats=1 -artifact_prefix="artifacts/$t/" \
      >> "logs/$t.log" 2>&1
    status=$?
    n=$(grep '^stat::number_of_executed_units' "logs/$t.log" | tail -1 | awk '{print $2}')
    done_runs=$(( done_runs + ${n:-0} ))
    [ "$status" -eq 0 ] && break
    unit=$(grep -oE "Test unit written to artifacts/$t/timeout-[0-9a-f]+" "logs/$t.log" | tail -1 | awk '{print $NF}')
    [ -n "$unit" ] && [ -f "$unit" ] || break
    if nice -n 19 "$bin/$t" -timeout=1 -rss_limit_mb=2048 "$unit" >/dev/null 2>&1; then
      mkdir -p "artifacts/$t/paused"; mv "$unit" "artifacts/$t/paused/"
      echo "run.sh: $unit does not time out again (a pause); resuming" >> "logs/$t.log"
    else
      break
    fi
  done
  # A unit reported slow (over 1 s) without a timeout: the alarm can be
  # taken by another of the target's threads. Run again: over 1 s, it is
  # kept as a timeout; else it was a pause.
  for unit in "artifacts/$t"/slow-unit-*; do
    [ -f "$unit" ] || continue
    if nice -n 19 "$bin/$t" -timeout=1 -rss_limit_mb=2048 "$unit" >/dev/null 2>&1; then
      mkdir -p "artifacts/$t/paused"; mv "$unit" "artifacts/$t/paused/"
    else
      mv "$unit" "artifacts/$t/timeout-${unit##*slow-unit-}"; status=1
    fi
  done
  echo "$t exit $status executions $done_runs wall $(( $(date +%s) - start ))s $(grep -E '^#[0-9]+' "logs/$t.log" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+')"
done
