#!/usr/bin/env bash
# MPI's efficiency on this machine: Webex Monte Carlo runs per second in one
# process of one thread, then under mpirun with 1 and 2 ranks of one thread
# each, and one process of 2 threads for comparison; the best of 3 of each.
# Expects build/release/tools/faultline built with MPI (tools/bench.sh mpi).
#
#   tools/bench_mpi.sh [RUNS]   (default 200000)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-200000}
faultline=$PWD/build/release/tools/faultline
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none OMPI_MCA_rmaps_base_oversubscribe=1
webex=(simulate scenarios/webex-2018-09-25.yaml --runs "$runs" --quiet)

best_rate() {  # best_rate COMMAND...: runs per second, the best of 3
  local best=0 start rate
  for _ in 1 2 3; do
    start=$(date +%s.%N)
    "$@" >/dev/null
    rate=$(awk -v a="$start" -v b="$(date +%s.%N)" -v n="$runs" 'BEGIN { printf "%.0f", n / (b - a) }')
    [ "$rate" -gt "$best" ] && best=$rate
  done
  echo "$best"
}

one=$(best_rate "$faultline" "${webex[@]}" --threads 1)
rank1=$(best_rate mpirun -np 1 "$faultline" "${webex[@]}" --threads 1)
rank2=$(best_rate mpirun -np 2 "$faultline" "${webex[@]}" --threads 1)
threads2=$(best_rate "$faultline" "${webex[@]}" --threads 2)
echo "machine: $(nproc) cores; Webex simulate --runs $runs, runs per second (best of 3):"
echo "  one process, 1 thread:   $one"
echo "  mpirun, 1 rank:          $rank1"
echo "  mpirun, 2 ranks:         $rank2 ($(awk -v a="$rank2" -v b="$rank1" 'BEGIN { printf "%.2f", a / b }')x one rank, efficiency $(awk -v a="$rank2" -v b="$rank1" 'BEGIN { printf "%.0f", 50 * a / b }')%)"
echo "  one process, 2 threads:  $threads2"
