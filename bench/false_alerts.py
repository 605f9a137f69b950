#!/usr/bin/env python3
# Copyright The Vigil Authors. Licensed under the Apache License, Version 2.0.
"""Share of ordinary names that alert, from `vigil screen --input names.csv` JSONL results.

    python3 bench/false_alerts.py NAMES_CSV RESULTS_JSONL [--json]

A name alerts when any of its matches is `match` or `review`; it counts once, as `match`
when any of its matches is one. Prints the shares overall and for every country, highest
first, and the highest country share. Names are not listed: the figures judge rules, they
are not for tuning on individual names.
"""
import csv
import json
import sys
from collections import Counter


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    as_json = "--json" in sys.argv
    if len(args) != 2:
        sys.exit(__doc__)
    names_path, results_path = args
    country = {}
    with open(names_path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            country[row["id"]] = row.get("country") or "-"
    decision = {}
    with open(results_path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            ds = {m.get("decision") for m in r.get("matches", [])}
            d = "match" if "match" in ds else "review" if "review" in ds else "none"
            decision[str(r.get("qid"))] = d
    total, alerts, matches = Counter(), Counter(), Counter()
    for qid, c in country.items():
        d = decision.get(qid, "none")
        for key in ("ALL", c):
            total[key] += 1
            if d != "none":
                alerts[key] += 1
            if d == "match":
                matches[key] += 1
    missing = len(country) - len(decision)

    def row(key):
        n = total[key]
        return {"country": key, "names": n, "alert": alerts[key] / n, "match": matches[key] / n,
                "review": (alerts[key] - matches[key]) / n}

    countries = sorted((c for c in total if c != "ALL"),
                       key=lambda c: (-alerts[c] / total[c], -total[c], c))
    worst = countries[0] if countries else None
    rows = [row("ALL")] + [row(c) for c in countries]
    if as_json:
        print(json.dumps({"missing_results": missing, "rows": rows,
                          "worst_country": row(worst) if worst else None}, indent=1))
        return
    print(f"names: {total['ALL']}   missing results: {missing}")
    print(f"{'country':8} {'names':>7} {'alert':>7} {'match':>7} {'review':>7}")
    for r in rows:
        print(f"{r['country']:8} {r['names']:7d} {100 * r['alert']:6.2f}% "
              f"{100 * r['match']:6.2f}% {100 * r['review']:6.2f}%")
    if worst:
        r = row(worst)
        print(f"highest country share: {worst} {100 * r['alert']:.2f}% of {r['names']}")


if __name__ == "__main__":
    main()
