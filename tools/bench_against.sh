#!/usr/bin/env bash
# This tree's benchmarks against an earlier build's, taken in turn: on a
# shared 2-core machine a spell can run a third slower for minutes, which
# two passes one after the other read as a change. Each round runs both
# binaries once, in alternating order, and each benchmark's figure is the
# median over the rounds of the ratio within a round, with the spread of
# those ratios: a change is one the ratios agree on.
# Expects build/release/tools/faultline_bench built (tools/bench.sh against).
#
#   tools/bench_against.sh BEFORE [ROUNDS]   BEFORE: an earlier faultline_bench
#                                            (keep a copy before changing the
#                                            tree); ROUNDS: default 5
set -euo pipefail
cd "$(dirname "$0")/.."
before=$(realpath "${1:?give the earlier faultline_bench to measure against}")
rounds=${2:-5}
after=$PWD/build/release/tools/faultline_bench
[ -x "$before" ] || { echo "bench_against: $before is no program" >&2; exit 2; }
[ -x "$after" ] || { echo "bench_against: build $after first (tools/bench.sh against)" >&2; exit 2; }
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "bench_against: ROUNDS must be a whole number from 1, found '$rounds'" >&2; exit 2; }
filter='Phold|MonteCarlo'
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "before: $before"
echo "after:  $after"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for round in $(seq "$rounds"); do
  order=(before after)
  [ $((round % 2)) -eq 0 ] && order=(after before)
  for which in "${order[@]}"; do
    binary=$before
    [ "$which" = after ] && binary=$after
    "$binary" --benchmark_filter="$filter" --benchmark_out="$work/$which-$round.json" \
      --benchmark_out_format=json >/dev/null
  done
done

python3 - "$work" "$rounds" <<'PY'
import json, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])

def figures(path):
    """Each benchmark's rate: runs/s, or events/s for PHOLD."""
    out = {}
    for b in json.load(open(path))["benchmarks"]:
        rate = b.get("runs/s", b.get("events/s"))
        if rate:
            out[b["run_name"]] = rate
    return out

before = [figures(f"{work}/before-{r}.json") for r in range(1, rounds + 1)]
after = [figures(f"{work}/after-{r}.json") for r in range(1, rounds + 1)]
print(f"{'benchmark':58} {'before':>9} {'after':>9} {'after/before':>13} {'ratios from':>18}")
for name in list(before[0]) + [n for n in after[0] if n not in before[0]]:
    if not all(name in f for f in before + after):
        print(f"{name:58} only {'after' if name in after[0] else 'before'}: not compared")
        continue
    ratios = [a[name] / b[name] for a, b in zip(after, before)]
    def rate(fs):
        r = statistics.median(f[name] for f in fs)
        return f"{r / 1e6:.2f}M" if r >= 1e6 else f"{r / 1e3:.1f}k"
    print(f"{name:58} {rate(before):>9} {rate(after):>9} {statistics.median(ratios):>13.3f}"
          f" {f'{min(ratios):.3f} to {max(ratios):.3f}':>18}")
print(f"medians of {rounds} rounds; a ratio above 1 is faster after")
PY
