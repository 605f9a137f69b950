#!/usr/bin/env bash
# The whole test suite: installs the dependencies, builds and runs every test (ctest), runs
# the web page's browser tests (tests/web: node, playwright-core, Debian's Chromium), then
# builds again under AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/) and runs
# every test there too, and last runs each libFuzzer target for a short fixed time
# (tools/fuzz.sh; VIGIL_FUZZ_SECONDS per target, default 20; 0 skips it). Tests that need
# the real list snapshots look for ../shared/lists beside the repository and say so when
# they skip.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/deps.sh
jobs=$(nproc 2>/dev/null || echo 2)
# The store tests run on SQLite and on a throwaway PostgreSQL 15 (tests/store/postgres_server.h):
# here a missing PostgreSQL is a failure, not a skip.
export VIGIL_REQUIRE_POSTGRES=1

if [ ! -d ../shared/lists ]; then
  echo "note: ../shared/lists not found: tests on the real list snapshots will be skipped"
fi

echo "== build and test (RelWithDebInfo) =="
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVIGIL_WERROR=ON >/dev/null
cmake --build build
ctest --test-dir build --output-on-failure -j "$jobs"

echo "== browser tests of the web page (headless Chromium, tests/web) =="
web_log=$(mktemp)
trap 'rm -f "$web_log"' EXIT
tests/web/run.sh build/vigil | tee "$web_log"

echo "== build and test under AddressSanitizer + UndefinedBehaviorSanitizer =="
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DVIGIL_SANITIZE=ON -DVIGIL_WERROR=ON \
  -DVIGIL_BUILD_BENCH=OFF >/dev/null
cmake --build build-asan
# The delta-equals-full re-screen test screens 100,000 parties three times; under the
# sanitizers 10,000 (plus the planted ones) check the same logic in a tenth of the time.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  VIGIL_RESCREEN_PARTIES=10000 ctest --test-dir build-asan --output-on-failure -j "$jobs"

fuzz_targets=0
if [ "${VIGIL_FUZZ_SECONDS:-20}" != 0 ]; then
  echo "== fuzzing under AddressSanitizer + UndefinedBehaviorSanitizer (tools/fuzz.sh) =="
  tools/fuzz.sh "${VIGIL_FUZZ_SECONDS:-20}"
  fuzz_targets=$(ls fuzz/*_fuzz.cc | wc -l)
fi

# Every stage above stops the script on a failure, so reaching here means all passed: one
# closing line that counts them (ctest twice, the browser tests, the fuzz targets).
tests=$(ctest --test-dir build -N | sed -n 's/^Total Tests: //p')
asan=$(ctest --test-dir build-asan -N | sed -n 's/^Total Tests: //p')
web=$(sed -n 's/^# pass //p' "$web_log" | tail -1)
echo "all stages: $((tests + asan + ${web:-0} + fuzz_targets)) passed, 0 failed"
