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

if [ ! -d ../shared/lists ]; then
  echo "note: ../shared/lists not found: tests on the real list snapshots will be skipped"
fi

echo "== build and test (RelWithDebInfo) =="
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVIGIL_WERROR=ON >/dev/null
cmake --build build
ctest --test-dir build --output-on-failure -j "$jobs"

echo "== browser tests of the web page (headless Chromium, tests/web) =="
tests/web/run.sh build/vigil

echo "== build and test under AddressSanitizer + UndefinedBehaviorSanitizer =="
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DVIGIL_SANITIZE=ON -DVIGIL_WERROR=ON \
  -DVIGIL_BUILD_BENCH=OFF >/dev/null
cmake --build build-asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs"

if [ "${VIGIL_FUZZ_SECONDS:-20}" != 0 ]; then
  echo "== fuzzing under AddressSanitizer + UndefinedBehaviorSanitizer (tools/fuzz.sh) =="
  tools/fuzz.sh "${VIGIL_FUZZ_SECONDS:-20}"
fi
