#!/usr/bin/env bash
# Memory over reloads: `vigil serve` on OFAC SDN 2024-05 and UN 2026-02 (../shared/lists),
# then N reloads one after another (POST /v1/lists/reload), then a storm of SIGHUPs. Prints
# the server's resident set size (VmRSS) after the first load and after reloads 1, 10, 20,
# 50 (and N), and after the storm. Extra environment (MALLOC_ARENA_MAX=2, ...) is passed on
# to the server, for experiments. Bounded in time; stops its server.
#
#   bench/serve_reload_memory.sh [--vigil build/vigil] [--reloads 50] [--sighups 50]
set -euo pipefail
cd "$(dirname "$0")/.."
vigil=build/vigil
reloads=50
sighups=50
while [ $# -gt 0 ]; do
  case "$1" in
    --vigil) vigil=$2; shift 2 ;;
    --reloads) reloads=$2; shift 2 ;;
    --sighups) sighups=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
sdn=$(realpath ../shared/lists/us_ofac_sdn/2024-05)
un=$(realpath ../shared/lists/un_sc/2026-02)
[ -d "$sdn" ] && [ -d "$un" ] || { echo "needs ../shared/lists/{us_ofac_sdn/2024-05,un_sc/2026-02}" >&2; exit 2; }

work=$(mktemp -d)
config=$work/vigil.toml
log=$work/server.log
printf 'lists = ["%s", "%s"]\n' "$sdn" "$un" >"$config"
timeout 900 "$vigil" --config "$config" serve --port 0 --no-access-log --threads 2 2>"$log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
port=""
for _ in $(seq 1 600); do
  port=$(sed -n 's/.*"msg":"listening".*"port":\([0-9]*\).*/\1/p' "$log" | head -1)
  [ -n "$port" ] && curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
  sleep 0.1
done
[ -n "$port" ] || { echo "server did not start:"; cat "$log"; exit 1; }
url=http://127.0.0.1:$port
pid=$(cat "/proc/$server/task/$server/children" 2>/dev/null | awk '{print $1}')  # vigil under timeout
rss() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$pid/status"; }
generation() { curl -s "$url/readyz" | sed -n 's/.*"generation":\([0-9]*\).*/\1/p'; }

echo "loaded:           $(rss) MB"
for i in $(seq 1 "$reloads"); do
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$url/v1/lists/reload")
  [ "$code" = 200 ] || { echo "reload $i answered $code" >&2; exit 1; }
  case $i in 1|10|20|50|"$reloads") echo "after reload $i: $(printf '%4s' "$(rss)") MB" ;; esac
done
before=$(generation)
for _ in $(seq 1 "$sighups"); do kill -HUP "$pid"; sleep 0.02; done
# Wait until the reloads the storm asked for are done (the generation stays put for 3 s).
last=""
for _ in $(seq 1 300); do
  g=$(generation)
  [ "$g" = "$last" ] && break
  last=$g
  sleep 3
done
echo "after $sighups SIGHUPs: $(rss) MB (generation $before -> $(generation))"
echo "reload failures logged: $(grep -c '"reload failed' "$log" || true)"
