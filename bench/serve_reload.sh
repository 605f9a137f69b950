#!/usr/bin/env bash
# Reload under load: `vigil serve` starts on OFAC SDN 2021-07, wrk screens without pause,
# and halfway the config is switched to 2024-05 and POST /v1/lists/reload swaps the lists.
# Passes when wrk saw no failed request (non-2xx or socket error) and 2024-05 is serving at
# the end. Bounded in time; stops its server.
#
#   bench/serve_reload.sh [--vigil build/vigil] [--seconds 20] [--connections 16]
set -euo pipefail
cd "$(dirname "$0")/.."
vigil=build/vigil
seconds=20
connections=16
while [ $# -gt 0 ]; do
  case "$1" in
    --vigil) vigil=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
old=$(realpath ../shared/lists/us_ofac_sdn/2021-07)
new=$(realpath ../shared/lists/us_ofac_sdn/2024-05)
[ -d "$old" ] && [ -d "$new" ] || { echo "needs ../shared/lists/us_ofac_sdn/{2021-07,2024-05}" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }

work=$(mktemp -d)
config=$work/vigil.toml
log=$work/server.log
printf 'lists = ["%s"]\n' "$old" >"$config"
timeout $((seconds + 120)) "$vigil" --config "$config" serve --port 0 --no-access-log 2>"$log" &
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
before=$(curl -s "$url/readyz")
echo "serving 2021-07: $before"

wrk -t2 -c"$connections" -d"${seconds}s" --latency -s bench/serve_screen.lua "$url/v1/screen" \
  >"$work/wrk.txt" &
load=$!
sleep $((seconds / 2))
printf 'lists = ["%s"]\n' "$new" >"$config"
echo "reload: $(curl -s -X POST "$url/v1/lists/reload")"
wait $load
cat "$work/wrk.txt"
after=$(curl -s "$url/readyz")
echo "serving after: $after"
status=0
if grep -qE "Non-2xx|Socket errors" "$work/wrk.txt"; then
  echo "FAILED: requests failed during the reload" >&2
  status=1
fi
if [ "$before" = "$after" ] || ! grep -q '"generation":2' <<<"$after"; then
  echo "FAILED: the new lists are not serving" >&2
  status=1
fi
curl -s "$url/metrics" | grep -E "^vigil_(reloads_total|list_info|list_entities|lists_generation)"
[ $status -eq 0 ] && echo "PASS: reload under load, no failed request"
exit $status
