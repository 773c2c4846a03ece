#!/usr/bin/env bash
# Set up, build (Release) and run the benchmarks: PHOLD events per second on
# the bare kernel, and Monte Carlo runs per second on the Webex scenario and
# its data-centre-loss what-if at 1 and 2 threads; then the Webex replay's
# wall time at each fidelity and the requests simulated per second of it.
# Extra arguments go to Google Benchmark.
#
#   tools/bench.sh scale [SIZE...]   the scale benchmark instead: every command
#                                    on synthetic estates (tools/bench_scale.sh)
#   tools/bench.sh mpi [RUNS]        MPI's efficiency instead: runs per second
#                                    with 1 and 2 ranks (tools/bench_mpi.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

tools/setup.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
  -DFAULTLINE_PCH=OFF >/dev/null
cmake --build build/release -j2 --target faultline_bench faultline_cli
if [ "${1-}" = scale ]; then
  shift
  exec tools/bench_scale.sh "$@"
fi
if [ "${1-}" = mpi ]; then
  shift
  exec tools/bench_mpi.sh "$@"
fi
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
# Five repetitions of each, shown as their median, standard deviation and
# coefficient of variation: a shared 2-core machine can run a third slower
# for minutes at a time, and one figure alone does not show it.
build/release/tools/faultline_bench --benchmark_counters_tabular=true \
  --benchmark_repetitions=5 --benchmark_report_aggregates_only=true "$@"

webex=scenarios/webex-2018-09-25.yaml
seconds() {
  local start
  start=$(date +%s.%N)
  "$@" >"$out"
  awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'
}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
state=$(seconds build/release/tools/faultline replay "$webex")
network=$(seconds build/release/tools/faultline replay "$webex" --fidelity network)
requests=$(grep -oP '^  \K[0-9.]+(?= M requests issued)' "$out")
echo "Webex replay, state fidelity:   ${state} s"
echo "Webex replay, network fidelity: ${network} s, ${requests} M requests," \
  "$(awk -v r="$requests" -v t="$network" 'BEGIN { printf "%.0f", r / t }') M requests simulated per second"
grep "SimGrid ran" "$out"
