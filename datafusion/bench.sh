#!/usr/bin/env bash
# End-to-end comparison on generated customers: the core `resolve`, the
# DataFusion plan in process, and the plan on a Ballista cluster of one
# scheduler and two executors on this machine. Per run: wall time, peak
# memory of every process (VmHWM), bytes of the run's tables (working
# directory) and, on Ballista, bytes of shuffle files the executors wrote.
#
#   datafusion/bench.sh N [DIR]     # N records generated into DIR (seed 7)
#
# Builds the examples first: the core's in target/release, the DataFusion
# crate's (profile `datafusion`) in $LINKAGE_DF_TARGET_DIR (default
# ~/.cache/linkage-target, as in .ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:?usage: bench.sh RECORDS [DIR]}
dir=${2:-/tmp/linkage-bench-$n}
df_target=${LINKAGE_DF_TARGET_DIR:-$HOME/.cache/linkage-target}
cargo build --release --features parquet --example resolve --example bench
CARGO_TARGET_DIR="$df_target" cargo build --profile datafusion -p linkage-datafusion \
  --example distributed --example scheduler --example executor
core="target/release/examples"
ex="$df_target/datafusion/examples"
if [ ! -f "$dir/crm.csv" ]; then
  "$core/bench" --generate "$n:$dir" --seed 7
fi
files=$(ls "$dir"/*.csv | grep -v truth.csv)
work=$(mktemp -d /tmp/linkage-bench-work.XXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

measure() { # name, command...: wall seconds and peak RSS of the command
  local name=$1; shift
  if ! /usr/bin/time -f "%e %M" -o "$work/time" "$@" > "$work/$name.out" 2> "$work/$name.err"; then
    echo "$name failed:"; tail -20 "$work/$name.err"; return 1
  fi
  read -r secs kb < "$work/time"
  echo "$name: wall ${secs} s, peak memory $((kb / 1024)) MB; $(tail -1 "$work/$name.out")"
}

measure core "$core/resolve" $files --quiet --truth "$dir/truth.csv" --out "$work/core.csv"
mkdir -p "$work/inproc"
measure datafusion "$ex/distributed" $files --quiet --truth "$dir/truth.csv" \
  --out "$work/df.parquet" --work-dir "$work/inproc" --keep-tables
echo "datafusion tables: $(du -sb "$work/inproc" | cut -f1) bytes"

port=50150
mkdir -p "$work/cluster" "$work/e0" "$work/e1"
"$ex/scheduler" --port $port > "$work/scheduler.log" 2>&1 & sp=$!
sleep 1
"$ex/executor" --scheduler 127.0.0.1:$port --port 50151 --grpc-port 50152 --work-dir "$work/e0" --slots 1 > "$work/e0.log" 2>&1 & e0=$!
"$ex/executor" --scheduler 127.0.0.1:$port --port 50153 --grpc-port 50154 --work-dir "$work/e1" --slots 1 > "$work/e1.log" 2>&1 & e1=$!
sleep 3
measure ballista "$ex/distributed" $files --quiet --truth "$dir/truth.csv" \
  --out "$work/ballista.parquet" --work-dir "$work/cluster" --keep-tables --cluster df://127.0.0.1:$port
echo "ballista tables: $(du -sb "$work/cluster" | cut -f1) bytes"
for p in sp e0 e1; do
  pid=${!p}
  echo "$p: peak memory $(( $(awk '/VmHWM/ {print $2}' /proc/$pid/status) / 1024 )) MB"
done
echo "ballista shuffle files: $(du -sb "$work/e0" "$work/e1" | awk '{s += $1} END {print s}') bytes"
kill $sp $e0 $e1; wait 2>/dev/null || true
