#!/usr/bin/env bash
# Set up, build (Release) and run the benchmarks: PHOLD events per second on
# the bare kernel, and Monte Carlo runs per second on the Webex scenario at 1
# and 2 threads. Extra arguments go to Google Benchmark.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/setup.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build build/release -j2 --target faultline_bench
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
build/release/tools/faultline_bench --benchmark_counters_tabular=true "$@"
