#!/usr/bin/env bash
# Installs what Vigil needs to build and test, from Debian 12 packages. Idempotent: does
# nothing when everything is already installed. Run as root (or with sudo available).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git python3
  libicu-dev libpugixml-dev nlohmann-json3-dev libcli11-dev libfmt-dev libssl-dev
  libcpp-httplib-dev libboost-dev libgtest-dev libgmock-dev libbenchmark-dev clang-format
  python3-jellyfish
  clang libclang-rt-14-dev
  wrk chromium curl
  libsqlite3-dev sqlite3 libpq-dev postgresql
  libmaxminddb-dev mmdb-bin
  libphonenumber-dev libpsl-dev publicsuffix
)
# The browser tests (tests/web) run on Node.js with npm: Debian's packages, unless the
# machine already has both.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The IP country and ASN tables (`vigil ip`, src/ip): the @ip-location-db npm packages at
# the versions data/ip-location-db/package-lock.json pins, with their licence files, into
# data/ip-location-db/node_modules (not in git). Installed again when the lock changed.
ip_db="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/data/ip-location-db"
if [ ! -d "$ip_db/node_modules/@ip-location-db/asn" ] ||
   [ ! -d "$ip_db/node_modules/@ip-location-db/geo-whois-asn-country" ] ||
   [ "$ip_db/package-lock.json" -nt "$ip_db/node_modules" ]; then
  echo "installing the IP tables (npm ci in $ip_db)"
  npm ci --prefix "$ip_db" --no-audit --no-fund --loglevel=error
  touch "$ip_db/node_modules"
fi

# The web page's graph library (cytoscape, src/server/web.cc serves it as /vendor/cytoscape.js):
# the npm packages web/vendor/package-lock.json pins, into web/vendor/node_modules (not in
# git), whose minified files CMake compiles into the program. Installed again when the lock
# changed.
web_vendor="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/web/vendor"
if [ ! -f "$web_vendor/node_modules/cytoscape/dist/cytoscape.min.js" ] ||
   [ "$web_vendor/package-lock.json" -nt "$web_vendor/node_modules" ]; then
  echo "installing the web page's libraries (npm ci in $web_vendor)"
  npm ci --prefix "$web_vendor" --no-audit --no-fund --loglevel=error
  touch "$web_vendor/node_modules"
fi
