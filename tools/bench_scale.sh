#!/usr/bin/env bash
# The scale benchmark (tools/bench.sh scale runs it): for synthetic estates
# of each size (tools/synth, seed 1, a region lost and rebuilt), the wall
# time and peak memory of validate, analyze, replay and simulate --runs 1000,
# then each command's growth exponent, the slope of log(time) on log(size)
# by least squares over the sizes it finished at.
#
#   tools/bench_scale.sh [SIZE...]   sizes default to 1000 10000 100000
#
# A command that runs longer than FAULTLINE_SCALE_TIMEOUT seconds (default
# 600) is stopped and shown as "> 600 s"; its larger sizes are then skipped.
# Expects build/release/tools/faultline built (tools/bench.sh builds it).
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 100000)
limit=${FAULTLINE_SCALE_TIMEOUT:-600}
faultline=$PWD/build/release/tools/faultline
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

commands=(validate analyze replay simulate)
declare -A skipped
figures=$work/figures  # lines of: command size seconds
: >"$figures"

# run NAME SIZE ARGS...: prints its time and peak memory, or that it was
# stopped; a failure other than the timeout stops the benchmark.
run() {
  local name=$1 size=$2
  shift 2
  if [ -n "${skipped[$name]-}" ]; then
    printf '  %-9s skipped (did not finish at a smaller size)\n' "$name"
    return
  fi
  local code=0
  /usr/bin/time -f '%e %M' -o "$work/time" timeout "$limit" "$faultline" "$@" \
    >"$work/stdout" 2>"$work/stderr" || code=$?
  if [ "$code" -eq 124 ]; then
    printf '  %-9s > %s s (stopped)\n' "$name" "$limit"
    skipped[$name]=1
    return
  fi
  if [ "$code" -ne 0 ]; then
    echo "$name at $size services failed with exit $code:" >&2
    head -n 5 "$work/stderr" >&2
    exit 1
  fi
  local seconds kib
  read -r seconds kib < <(tail -n 1 "$work/time")
  printf '  %-9s %8.2f s %8d MB\n' "$name" "$seconds" $((kib / 1024))
  echo "$name $size $seconds" >>"$figures"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
for size in "${sizes[@]}"; do
  estate=$work/estate-$size
  tools/synth --services "$size" --seed 1 --out "$estate"
  echo "$size services:"
  run validate "$size" validate "$estate/topology.yaml" "$estate/scenario.yaml"
  run analyze "$size" analyze "$estate/topology.yaml" --json "$work/analysis.json"
  run replay "$size" replay "$estate/scenario.yaml" --json "$work/replay.json"
  run simulate "$size" simulate "$estate/scenario.yaml" --runs 1000 --json "$work/simulate.json"
  rm -rf "$estate"
done

echo "growth exponent (time ~ size^k, least squares over the sizes each finished at):"
for name in "${commands[@]}"; do
  awk -v name="$name" '
    $1 == name && $3 > 0 { x = log($2); y = log($3); n++; sx += x; sy += y; sxx += x * x; sxy += x * y }
    END {
      if (n < 2) { printf "  %-9s needs two sizes\n", name; exit }
      printf "  %-9s k = %.2f over %d sizes\n", name, (n * sxy - sx * sy) / (n * sxx - sx * sx), n
    }' "$figures"
done
