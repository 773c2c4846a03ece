#!/usr/bin/env bash
# Set up, build (Release) and run the benchmarks: PHOLD events per second on
# the bare kernel, and Monte Carlo runs per second at 1 and 2 threads on the
# Webex scenario, on the same before it took tenants (issue 16's workload,
# tools/bench/webex-before-tenants/) and on its data-centre-loss what-if,
# with what 2 threads make of 1; then the Webex replay's wall time at each
# fidelity and the requests simulated per second of it.
# Extra arguments go to Google Benchmark.
#
#   tools/bench.sh scale [SIZE...]   the scale benchmark instead: every command
#                                    on synthetic estates (tools/bench_scale.sh)
#   tools/bench.sh mpi [RUNS]        MPI's efficiency instead: runs per second
#                                    with 1 and 2 ranks (tools/bench_mpi.sh)
#   tools/bench.sh against BEFORE [ROUNDS]
#                                    this tree's figures against an earlier
#                                    faultline_bench's, in alternating rounds
#                                    (tools/bench_against.sh)
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
if [ "${1-}" = against ]; then
  shift
  exec tools/bench_against.sh "$@"
fi
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
# Five repetitions of each, shown as their median, standard deviation and
# coefficient of variation: a shared 2-core machine can run a third slower
# for minutes at a time, and one figure alone does not show it.
out=$(mktemp)
figures=$(mktemp)
trap 'rm -f "$out" "$figures"' EXIT
build/release/tools/faultline_bench --benchmark_counters_tabular=true \
  --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --benchmark_out="$figures" --benchmark_out_format=json "$@"
python3 - "$figures" <<'PY'
import json, sys
medians = {b["run_name"]: b["runs/s"] for b in json.load(open(sys.argv[1]))["benchmarks"]
           if b.get("aggregate_name") == "median" and "runs/s" in b}
for name, label in (("Webex", "Webex"), ("WebexBeforeTenants", "Webex before tenants"),
                    ("WhatIf", "what-if")):
    one, two = (medians.get(f"BM_{name}MonteCarloRunsPerSecond/{n}/real_time") for n in (1, 2))
    if one and two:
        print(f"{label}: {two / 1000:.1f}k runs/s on 2 threads, {two / one:.2f} times 1 thread's")
PY

webex=scenarios/webex-2018-09-25.yaml
seconds() {
  local start
  start=$(date +%s.%N)
  "$@" >"$out"
  awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'
}
state=$(seconds build/release/tools/faultline replay "$webex")
network=$(seconds build/release/tools/faultline replay "$webex" --fidelity network)
requests=$(grep -oP '^  \K[0-9.]+(?= M requests issued)' "$out")
echo "Webex replay, state fidelity:   ${state} s"
echo "Webex replay, network fidelity: ${network} s, ${requests} M requests," \
  "$(awk -v r="$requests" -v t="$network" 'BEGIN { printf "%.0f", r / t }') M requests simulated per second"
grep "SimGrid ran" "$out"

# Memory flat in the number of runs: each worker keeps running tallies, not
# the runs themselves.
peak_mib() {  # peak_mib COMMAND...: the command's peak resident memory, in MiB
  python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)' "$@"
}
few=$(peak_mib build/release/tools/faultline simulate "$webex" --runs 10000 --threads 2 --quiet)
many=$(peak_mib build/release/tools/faultline simulate "$webex" --runs 1000000 --threads 2 --quiet)
echo "Webex simulate on 2 threads, peak memory: ${few} MiB for 10,000 runs, ${many} MiB for 1,000,000"
