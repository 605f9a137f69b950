#!/usr/bin/env bash
# The batch command against the engine alone, in one run: `vigil_throughput` (the
# screener with nothing around it) and `vigil screen --input names-100k.csv --output F`
# (reading, validating, screening, writing CSV or JSONL), both on one thread, against the
# newest snapshot of each shared list, alternated ROUNDS times so that the machine's slow
# and fast phases fall on both. Prints names per second of each and the batch's share of
# the engine's speed (the target of docs/performance.md: at least 80%), and the list
# load of each run.
#
#   bench/batch_vs_engine.sh [--rounds 3] [--format csv|jsonl]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=3
format=csv
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --format) format=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
lists=../shared/lists
names=../shared/bench/names-100k.csv
[ -f "$names" ] || { echo "needs $names" >&2; exit 2; }
newest() { ls -d "$lists/$1"/*/ | sort | tail -n 1; }
use=("$(newest us_ofac_sdn)" "$(newest un_sc)" "$(newest us_csl)" "$(newest us_bis_dpl)")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for r in $(seq 1 "$rounds"); do
  engine=$(build/vigil_throughput --threads 1 --baseline-sample 0 --dev /dev/null \
    --lists "${use[@]}" 2>&1)
  e_qps=$(sed -n 's/^names-100k.csv *1 thr *\([0-9]*\) q\/s.*/\1/p' <<<"$engine")
  e_load=$(sed -n 's/^load .* = \([0-9.]*\) s for.*/\1/p' <<<"$engine")
  start=$(date +%s.%N)
  batch=$(VIGIL_DATA_DIR="$work/none" build/vigil screen --threads 1 --accept-truncated \
    --max-list-age 0 --lists "${use[@]}" --input "$names" --output "$work/out.$format" 2>&1)
  end=$(date +%s.%N)
  b_secs=$(sed -n 's/.*screened [0-9]* queries .* in \([0-9.]*\) s on.*/\1/p' <<<"$batch")
  b_qps=$(awk -v s="$b_secs" 'BEGIN { printf "%d", 100000 / s }')
  wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
  share=$(awk -v b="$b_qps" -v e="$e_qps" 'BEGIN { printf "%.0f%%", 100 * b / e }')
  echo "round $r: engine $e_qps names/s (load+index $e_load s) | batch $format $b_qps names/s" \
    "($b_secs s screening, $wall s with loading) | batch/engine $share"
done
