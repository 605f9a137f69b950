#!/bin/sh
# Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
#
# False alerts on ordinary names, and the development-set figures, in one run
# (docs/accuracy.md).
#
#   bench/false_alerts.sh [build/vigil]
#
# 1. Screens ../shared/bench/names-100k.csv (id,type,name,country: people and companies
#    that are on no list) with their type and country against the newest snapshot of each
#    shared list, and prints the share that alerts (match or review) overall and per
#    country (bench/false_alerts.py).
# 2. Screens ../shared/eval/dev.jsonl against the lists it was built from and prints
#    ../shared/eval/score.py, then recall@1 and the share of positives at or above the
#    review threshold (0.72).
# Results stay in $OUT (default: a temporary folder), named in the output.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
vigil=${1:-$repo/build/vigil}
shared=${SHARED:-$repo/../shared}
out=${OUT:-$(mktemp -d)}
lists=$shared/lists

newest() { ls -d "$lists/$1"/*/ | sort | tail -n 1; }

echo "== ordinary names ($shared/bench/names-100k.csv)"
"$vigil" screen --lists "$(newest us_ofac_sdn)" "$(newest un_sc)" "$(newest us_csl)" \
    "$(newest us_bis_dpl)" --accept-truncated \
    --input "$shared/bench/names-100k.csv" --output "$out/names.jsonl" 2>"$out/names.log" ||
    { cat "$out/names.log" >&2; exit 1; }
tail -n 1 "$out/names.log"
python3 "$here/false_alerts.py" "$shared/bench/names-100k.csv" "$out/names.jsonl"

echo
echo "== development set ($shared/eval/dev.jsonl)"
"$vigil" screen --lists "$lists/us_ofac_sdn/2021-07" "$lists/un_sc/2026-02" \
    --input "$shared/eval/dev.jsonl" --output "$out/dev.jsonl" --top 10 --min-score 0 \
    2>"$out/dev.log" || { cat "$out/dev.log" >&2; exit 1; }
python3 "$shared/eval/score.py" "$out/dev.jsonl"
python3 - "$shared/eval/dev.jsonl" "$out/dev.jsonl" <<'PY'
import json, sys
expected = {}
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    if r["expected"]:
        expected[r["qid"]] = set(r["expected"])
top1 = reviewed = 0
for line in open(sys.argv[2], encoding="utf-8"):
    r = json.loads(line)
    want = expected.get(str(r["qid"]))
    if want is None:
        continue
    ms = r.get("matches", [])
    top1 += bool(ms) and ms[0]["id"] in want
    best = max((m["score"] for m in ms if m["id"] in want), default=0)
    reviewed += best >= 0.72
n = len(expected)
print(f"positives {n}: recall@1 {top1 / n:.4f}, at or above review (0.72) {reviewed / n:.4f}")
PY
echo "results in $out"
