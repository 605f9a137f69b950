#!/usr/bin/env bash
# Fuzzing: builds the libFuzzer harnesses (fuzz/, clang, ASan + UBSan, in build-fuzz/),
# prepares their seeds (the test fixtures, slices of ../shared/lists when present, and the
# hand-written fuzz/corpus/<target>/), and runs each target for SECONDS (default 20).
# Fails when any target finds a crash, a sanitizer report, a leak, a timeout or a broken
# contract, and prints the reproducer: `build-fuzz/fuzz_<target> <file>` runs it again.
#
#   tools/fuzz.sh            # CI: 20 s per target
#   tools/fuzz.sh 600        # a longer hunt: 10 minutes per target
#   tools/fuzz.sh 60 api     # only some targets
#
# Targets run as many at once as there are cores (VIGIL_FUZZ_JOBS=1: one after another).
# The corpus each run grows stays in build-fuzz/corpus/<target>/ for the next run.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
shift || true
tools/deps.sh  # clang and libclang-rt-14-dev among them

echo "== fuzz build (clang, libFuzzer + ASan + UBSan, build-fuzz/) =="
start=$(date +%s)
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" -DCMAKE_CXX_COMPILER=clang++ \
  -DVIGIL_FUZZ=ON -DVIGIL_BUILD_TESTS=OFF -DVIGIL_BUILD_BENCH=OFF >/dev/null
cmake --build build-fuzz --target fuzz
echo "fuzz build: $(($(date +%s) - start)) s"

if [ $# -gt 0 ]; then
  targets=("$@")
else
  targets=()
  for src in fuzz/*_fuzz.cc; do
    t=$(basename "$src" _fuzz.cc)
    targets+=("$t")
  done
fi

rm -rf build-fuzz/seeds
python3 fuzz/make_seeds.py . build-fuzz/seeds ../shared/lists

export ASAN_OPTIONS=detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# One target: its log and exit code go to build-fuzz/logs/<target>.{log,rc}.
run_target() {
  local t=$1 bin=build-fuzz/fuzz_$1 log=build-fuzz/logs/$1.log pid rc
  rm -rf "build-fuzz/findings/$t"
  mkdir -p "build-fuzz/corpus/$t" "build-fuzz/findings/$t" "build-fuzz/seeds/$t"
  local args=(-max_total_time="$seconds" -timeout=30 -rss_limit_mb=2560 -print_final_stats=1
              -artifact_prefix="build-fuzz/findings/$t/")
  case $t in
    http_request | server) args+=(-dict=fuzz/http.dict) ;;
    api | batch_jsonl) args+=(-dict=fuzz/json.dict) ;;
  esac
  local dirs=("build-fuzz/corpus/$t" "build-fuzz/seeds/$t")
  [ -d "fuzz/corpus/$t" ] && dirs+=("fuzz/corpus/$t")
  "$bin" "${args[@]}" "${dirs[@]}" >"$log" 2>&1 &
  pid=$!
  rc=0
  wait $pid || rc=$?
  rm -rf "/dev/shm/vigil-fuzz-$pid" "${TMPDIR:-/tmp}/vigil-fuzz-$pid"  # left by a crash
  echo $rc >"build-fuzz/logs/$t.rc"
}

# As many targets at once as there are cores (VIGIL_FUZZ_JOBS overrides).
parallel=${VIGIL_FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}
mkdir -p build-fuzz/logs
start=$(date +%s)
for t in "${targets[@]}"; do
  [ -x "build-fuzz/fuzz_$t" ] || { echo "no such fuzz target: $t"; exit 2; }
  rm -f "build-fuzz/logs/$t.rc"
  while [ "$(jobs -rp | wc -l)" -ge "$parallel" ]; do wait -n || true; done
  run_target "$t" &
done
wait
failed=()
for t in "${targets[@]}"; do
  bin=build-fuzz/fuzz_$t
  log=build-fuzz/logs/$t.log
  rc=$(cat "build-fuzz/logs/$t.rc" 2>/dev/null || echo "?")
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" || true)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)
  if [ "$rc" != 0 ]; then
    failed+=("$t")
    echo "FAIL $t (exit $rc) after ${runs:-?} runs; log $log:"
    grep -v '^#[0-9]' "$log" | tail -40
    for f in "build-fuzz/findings/$t"/*; do
      [ -e "$f" ] && echo "reproduce: $bin $f"
    done
  else
    echo "ok   $t: ${runs:-?} runs in ${seconds} s, ${cov:-cov: ?} (corpus build-fuzz/corpus/$t)"
  fi
done
echo "fuzz runs: $(($(date +%s) - start)) s ($parallel at a time)"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing found problems in: ${failed[*]}"
  exit 1
fi
