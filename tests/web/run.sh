#!/usr/bin/env bash
# Browser tests of the web page: installs playwright-core (package-lock.json) here and runs
# e2e.test.mjs with node's test runner against the given vigil program in Debian's Chromium.
#   tests/web/run.sh [path/to/vigil]      (default: build/vigil)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export VIGIL_BINARY="$(realpath "${1:-$here/../../build/vigil}")"
cd "$here"
if [ ! -d node_modules/playwright-core ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
node --test e2e.test.mjs
