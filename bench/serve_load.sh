#!/usr/bin/env bash
# Load test of `vigil serve` on loopback with wrk: single-query POST /v1/screen requests over
# keep-alive connections (bench/serve_screen.lua). Bounded in time; stops its server.
#
#   bench/serve_load.sh [--vigil build/vigil] [--lists PATH] [--seconds 10] [--connections 16]
#                       [--threads 1] [--server-threads N] [--access-log] [--name NAME]
#
# --name screens that one name in every request instead of the rotation (a name on no list
# shows what the HTTP layer costs apart from screening).
#
# Lists default to ../shared/lists/us_ofac_sdn/2024-05 when it is beside the repository,
# else the bundled sample. Prints wrk's report (requests/s, latency percentiles) and fails
# when any request failed (non-2xx or socket error). Figures: docs/performance.md, "Service".
set -euo pipefail
cd "$(dirname "$0")/.."
vigil=build/vigil
lists=../shared/lists/us_ofac_sdn/2024-05
[ -d "$lists" ] || lists=data/sample
seconds=10
connections=8
wrk_threads=1
server_threads=""  # the server's default: one event loop per core
access_log=--no-access-log
name=""
while [ $# -gt 0 ]; do
  case "$1" in
    --vigil) vigil=$2; shift 2 ;;
    --lists) lists=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --threads) wrk_threads=$2; shift 2 ;;
    --server-threads) server_threads=$2; shift 2 ;;
    --access-log) access_log=""; shift ;;
    --name) name=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }

work=$(mktemp -d)
log=$work/server.log
script=bench/serve_screen.lua
if [ -n "$name" ]; then
  script=$work/one.lua
  body=$(python3 -c 'import json,sys; print(json.dumps({"name": sys.argv[1]}))' "$name")
  printf 'wrk.method = "POST"\nwrk.body = [[%s]]\nwrk.headers["Content-Type"] = "application/json"\n' \
    "$body" >"$script"
fi
# shellcheck disable=SC2086
timeout $((seconds + 120)) "$vigil" serve --port 0 --lists "$lists" \
  ${server_threads:+--threads "$server_threads"} $access_log 2>"$log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT

port=""
for _ in $(seq 1 300); do
  port=$(sed -n 's/.*"msg":"listening".*"port":\([0-9]*\).*/\1/p' "$log" | head -1)
  [ -n "$port" ] && curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
  sleep 0.1
done
[ -n "$port" ] || { echo "server did not start:"; cat "$log"; exit 1; }
url=http://127.0.0.1:$port
echo "vigil serve on $url, lists $lists, $(curl -s "$url/readyz")"

wrk -t"$wrk_threads" -c"$connections" -d2s -s "$script" "$url/v1/screen" >/dev/null  # warm-up
out=$(wrk -t"$wrk_threads" -c"$connections" -d"${seconds}s" --latency -s "$script" \
  "$url/v1/screen")
echo "$out"
if grep -qE "Non-2xx|Socket errors" <<<"$out"; then
  echo "FAILED: some requests failed" >&2
  exit 1
fi
