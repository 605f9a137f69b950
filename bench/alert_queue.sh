#!/usr/bin/env bash
# The alert-queue request over HTTP on a store holding N alerts: builds the store with
# vigil_store_bench (N parties with one alert each, every tenth decided), serves it with
# `vigil serve --db`, and loads GET /v1/alerts with wrk (bench/alert_queue.lua: six filter
# and sort mixes, pages 1 to 20). Prints wrk's latency percentiles; fails on any failed
# request. Figures: docs/performance.md, "Case store".
#
#   bench/alert_queue.sh [--alerts 100000] [--seconds 10] [--connections 4]
set -euo pipefail
cd "$(dirname "$0")/.."
alerts=100000
seconds=10
connections=4
while [ $# -gt 0 ]; do
  case "$1" in
    --alerts) alerts=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }
[ -x build/vigil_store_bench ] || { echo "build first: tools/build.sh" >&2; exit 2; }

work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill $server 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
build/vigil_store_bench --import 0 --screen 0 --alerts "$alerts" --queue-requests 600 \
  --dir "$work"
log=$work/server.log
timeout $((seconds + 120)) build/vigil serve --port 0 --db "$work/queue.db" --no-access-log \
  2>"$log" &
server=$!
port=""
for _ in $(seq 1 300); do
  port=$(sed -n 's/.*"msg":"listening".*"port":\([0-9]*\).*/\1/p' "$log" | head -1)
  [ -n "$port" ] && curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
  sleep 0.1
done
[ -n "$port" ] || { echo "server did not start:"; cat "$log"; exit 1; }
url=http://127.0.0.1:$port
echo "vigil serve --db on $url: $(curl -s "$url/v1/alerts?limit=1" | head -c 300)"
wrk -t1 -c"$connections" -d2s -s bench/alert_queue.lua "$url" >/dev/null  # warm-up
out=$(wrk -t1 -c"$connections" -d"${seconds}s" --latency -s bench/alert_queue.lua "$url")
echo "$out"
if grep -qE "Non-2xx|Socket errors" <<<"$out"; then
  echo "FAILED: some requests failed" >&2
  exit 1
fi
