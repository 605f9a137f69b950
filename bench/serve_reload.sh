#!/usr/bin/env bash
# Reload under load: `vigil serve` starts on OFAC SDN 2021-07, wrk screens without pause,
# and halfway the config is switched to 2024-05 and POST /v1/lists/reload swaps the lists.
# Passes when wrk saw no failed request (non-2xx or socket error) and 2024-05 is serving at
# the end. Bounded in time; stops its server.
#
# With --corrupt, the reloads during the load cycle through good and broken lists (OFAC
# 2021-07 cut at 1 MB with an unclosed quote, 2024-05 cut to 7,000 lines, an sdn.csv linked
# to itself, a folder holding two lists, a FIFO as sdn.csv, a config that does not parse, a
# config without `lists`, and 2021-07 once 2024-05 serves: 40% fewer entities), ending on
# 2024-05. Passes when every broken reload answered
# reload_failed, every good one 200, and wrk saw no failed screening request.
#
#   bench/serve_reload.sh [--vigil build/vigil] [--seconds 20] [--connections 16] [--corrupt]
set -euo pipefail
cd "$(dirname "$0")/.."
vigil=build/vigil
seconds=20
connections=16
corrupt=0
while [ $# -gt 0 ]; do
  case "$1" in
    --corrupt) corrupt=1; shift ;;
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
load=""
trap 'kill $load $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
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
reload_status=0
expect_generation=2
if [ $corrupt -eq 0 ]; then
  sleep $((seconds / 2))
  printf 'lists = ["%s"]\n' "$new" >"$config"
  echo "reload: $(curl -s -X POST "$url/v1/lists/reload")"
else
  # The broken lists, made from the real files.
  bad=$work/bad
  mkdir -p "$bad/cut1mb" "$bad/head7000" "$bad/loop" "$bad/two" "$bad/fifo"
  head -c 1000000 "$old/sdn.csv" >"$bad/cut1mb/sdn.csv"
  printf '999999,"UNCLOSED' >>"$bad/cut1mb/sdn.csv"
  head -n 7000 "$new/sdn.csv" >"$bad/head7000/sdn.csv"
  ln -s sdn.csv "$bad/loop/sdn.csv"
  cp "$new/sdn.csv" "$bad/two/sdn.csv"
  cp ../shared/lists/us_bis_dpl/2022-09/dpl.txt "$bad/two/dpl.txt"
  mkfifo "$bad/fifo/sdn.csv"
  # 2021-07 after 2024-05 is refused too: 40% fewer entities than the list serving.
  steps=(good:"$new" bad:"$bad/cut1mb" bad:"$old" bad:"$bad/head7000" bad:"$bad/loop"
         badconfig:'lists = [' good:"$new" bad:"$bad/two" bad:"$bad/fifo"
         badconfig:'strict = false' bad:"$bad/head7000" good:"$new")
  pause=$(awk -v s="$seconds" -v n="${#steps[@]}" 'BEGIN { printf "%.2f", s / (n + 1) }')
  good=0
  for step in "${steps[@]}"; do
    sleep "$pause"
    kind=${step%%:*}
    arg=${step#*:}
    if [ "$kind" = badconfig ]; then
      printf '%s\n' "$arg" >"$config"
    else
      printf 'lists = ["%s"]\n' "$arg" >"$config"
    fi
    answer=$(curl -s -o "$work/answer.json" -w '%{http_code}' -X POST "$url/v1/lists/reload")
    code=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d.get("error",{}).get("code","ok"))' "$work/answer.json")
    echo "reload ($kind ${arg##*/}): $answer $code"
    if [ "$kind" = good ]; then
      good=$((good + 1))
      [ "$answer" = 200 ] || { echo "FAILED: a good list was not reloaded" >&2; reload_status=1; }
    else
      [ "$answer" = 500 ] && [ "$code" = reload_failed ] ||
        { echo "FAILED: a broken list was not refused with reload_failed" >&2; reload_status=1; }
    fi
  done
  expect_generation=$((good + 1))
fi
wait $load
cat "$work/wrk.txt"
after=$(curl -s "$url/readyz")
echo "serving after: $after"
status=0
if grep -qE "Non-2xx|Socket errors" "$work/wrk.txt"; then
  echo "FAILED: requests failed during the reload" >&2
  status=1
fi
if [ $reload_status -ne 0 ]; then status=1; fi
if [ "$before" = "$after" ] || ! grep -q "\"generation\":$expect_generation" <<<"$after"; then
  echo "FAILED: the new lists are not serving" >&2
  status=1
fi
curl -s "$url/metrics" | grep -E "^vigil_(reloads_total|list_info|list_entities|lists_generation)"
[ $status -eq 0 ] && echo "PASS: reload under load, no failed request"
exit $status
