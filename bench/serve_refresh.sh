#!/usr/bin/env bash
# Refresh under load: `vigil serve --db --refresh` with PARTIES stored parties (from
# ../shared/bench/names-100k.csv, screened against OFAC SDN 2021-07), fetching from a local
# mirror that serves 2021-07 and, a third of the way into the load, 2024-05 (only sdn.csv
# exists for it: the other OFAC files are served empty). wrk screens without pause
# meanwhile. The service fetches, validates, reloads and re-screens the parties (delta, warm
# index) in the background. Passes when wrk saw no failed request (non-2xx or socket
# error), 2024-05 is serving and the re-screen ran; prints wrk's latency and the re-screen's
# figures (/readyz) and the new alerts.
#
#   bench/serve_refresh.sh [--vigil build/vigil] [--seconds 40] [--connections 16]
#                          [--parties 100000]
set -euo pipefail
cd "$(dirname "$0")/.."
vigil=build/vigil
seconds=40
connections=16
parties=100000
while [ $# -gt 0 ]; do
  case "$1" in
    --vigil) vigil=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --parties) parties=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
old=$(realpath ../shared/lists/us_ofac_sdn/2021-07)
new=$(realpath ../shared/lists/us_ofac_sdn/2024-05)
names=$(realpath ../shared/bench/names-100k.csv)
[ -d "$old" ] && [ -d "$new" ] && [ -f "$names" ] ||
  { echo "needs ../shared/lists/us_ofac_sdn/{2021-07,2024-05} and ../shared/bench/names-100k.csv" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }

work=$(mktemp -d)
log=$work/server.log
mkdir -p "$work/mirror/us_ofac_sdn" "$work/lists/us_ofac_sdn"
cp "$old"/*.csv "$work/mirror/us_ofac_sdn/"
cp "$old"/*.csv "$work/lists/us_ofac_sdn/"
server="" mirror="" load=""
trap 'kill $load $server $mirror 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT

# The parties, screened against 2021-07 (this sets the baseline the delta starts from).
head -n $((parties + 1)) "$names" >"$work/parties.csv"
db=$work/cases.db
"$vigil" parties import "$work/parties.csv" --db "$db" --by bench >/dev/null
t0=$(date +%s.%N)
"$vigil" --lists "$work/lists/us_ofac_sdn" parties screen --db "$db" --by bench >/dev/null
echo "stored $parties parties, screened against 2021-07 in $(echo "$(date +%s.%N) - $t0" | bc) s"

# The mirror.
mport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(cd "$work/mirror" && exec python3 -m http.server "$mport" --bind 127.0.0.1 >/dev/null 2>&1) &
mirror=$!

timeout $((seconds + 300)) "$vigil" serve --port 0 --no-access-log --lists "$work/lists/us_ofac_sdn" \
  --db "$db" --refresh 3s --fetch-base-url "http://127.0.0.1:$mport" 2>"$log" &
server=$!
port=""
for _ in $(seq 1 600); do
  port=$(sed -n 's/.*"msg":"listening".*"port":\([0-9]*\).*/\1/p' "$log" | head -1)
  [ -n "$port" ] && curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
  sleep 0.1
done
[ -n "$port" ] || { echo "server did not start:"; cat "$log"; exit 1; }
url=http://127.0.0.1:$port
# The re-screen after the first load (the parties are up to date: a delta with no change).
for _ in $(seq 1 600); do
  curl -s "$url/readyz" | python3 -c 'import json,sys; r=json.load(sys.stdin)["rescreen"]; sys.exit(0 if r["runs"]+r["failures"]>=1 and not r["running"] else 1)' && break
  sleep 0.1
done
echo "serving 2021-07: $(curl -s "$url/readyz" | python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["lists_version"], "generation", r["generation"], "first re-screen", json.dumps(r["rescreen"]["last_run"]))')"

wrk -t2 -c"$connections" -d"${seconds}s" --latency -s bench/serve_screen.lua "$url/v1/screen" \
  >"$work/wrk.txt" &
load=$!
sleep $((seconds / 3))
# 2024-05 is published.
rm -f "$work/mirror/us_ofac_sdn"/*.csv
cp "$new/sdn.csv" "$work/mirror/us_ofac_sdn/sdn.csv"
: >"$work/mirror/us_ofac_sdn/alt.csv"
: >"$work/mirror/us_ofac_sdn/add.csv"
: >"$work/mirror/us_ofac_sdn/sdn_comments.csv"
published=$(date +%s.%N)
echo "mirror now serves 2024-05"
reloaded="" rescreened=""
while kill -0 $load 2>/dev/null; do
  r=$(curl -s "$url/readyz")
  if [ -z "$reloaded" ] && grep -q '"generation":2' <<<"$r"; then
    reloaded=$(echo "$(date +%s.%N) - $published" | bc)
  fi
  if [ -n "$reloaded" ] && [ -z "$rescreened" ] &&
     python3 -c 'import json,sys; r=json.loads(sys.argv[1])["rescreen"]; sys.exit(0 if r["runs"]>=2 and not r["running"] and not r["queued"] else 1)' "$r"; then
    rescreened=$(echo "$(date +%s.%N) - $published" | bc)
  fi
  sleep 0.2
done
wait $load || true
cat "$work/wrk.txt"
if [ -n "$reloaded" ] && [ -z "$rescreened" ]; then
  # The re-screen outlived the load: wait for it (bounded) to report its time.
  for _ in $(seq 1 600); do
    r=$(curl -s "$url/readyz")
    if python3 -c 'import json,sys; r=json.loads(sys.argv[1])["rescreen"]; sys.exit(0 if r["runs"]>=2 and not r["running"] and not r["queued"] else 1)' "$r"; then
      echo "(the re-screen ended $(echo "$(date +%s.%N) - $published" | bc) s after 2024-05 was published, after the load)"
      break
    fi
    sleep 0.5
  done
fi
echo "service log (index, re-screens):"
grep -E '"msg":"(parties indexed for re-screening|re-screened|re-screen failed)' "$log" || true
status=0
after=$(curl -s "$url/readyz")
echo "after: $(python3 -c 'import json,sys; r=json.loads(sys.argv[1]); print(r["lists_version"], "generation", r["generation"]); print("re-screen:", json.dumps(r["rescreen"]["last_run"]))' "$after")"
echo "2024-05 serving ${reloaded:-never} s after it was published; re-screen over ${rescreened:-never} s after"
curl -s "$url/v1/alerts?status=all&limit=1" | python3 -c 'import json,sys; r=json.load(sys.stdin); print("alerts in the store:", r["total"], r["counts"])'
curl -s "$url/metrics" | grep -E "^vigil_(reloads_total|refreshes_total|rescreens_total|rescreen_alerts_total|last_rescreen_seconds|lists_generation)"
if grep -qE "Non-2xx|Socket errors" "$work/wrk.txt"; then
  echo "FAILED: screening requests failed during the refresh" >&2
  status=1
fi
if [ -z "$reloaded" ] || [ -z "$rescreened" ]; then
  echo "FAILED: 2024-05 was not reloaded and re-screened during the load" >&2
  grep -E '"level":"error"' "$log" | tail -5 >&2
  status=1
fi
[ $status -eq 0 ] && echo "PASS: refresh and re-screen under load, no failed request"
exit $status
