#!/usr/bin/env bash
# Installs the dependencies and builds Vigil (release with debug info) into build/.
# The program is then build/vigil.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build
