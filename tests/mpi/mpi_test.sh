#!/usr/bin/env bash
# simulate and compare under mpirun: the ranks' runs add up to one
# process's result, byte for byte, with or without a confidence target; what
# cannot be spread over ranks is refused. Run by ctest where Faultline was built with MPI.
# Usage: mpi_test.sh FAULTLINE_BINARY SOURCE_DIR MPIEXEC
set -u
faultline=$1
source_dir=$2
mpiexec=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# CI runs as root, which Open MPI refuses unless told; two ranks on a
# machine of any size; no single-copy mechanism, which containers forbid.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none OMPI_MCA_rmaps_base_oversubscribe=1

# shellcheck source=../cli/checks.sh
source "$(dirname "$0")/../cli/checks.sh"

cd "$source_dir"
webex=(simulate scenarios/webex-2018-09-25.yaml --runs 3001 --seed 3 --slo slos/webex-2018.yaml
  --threads 1 --quiet)
expect_exit 0 "one process" "$faultline" "${webex[@]}" --json "$work/one.json"
cp "$work/stdout" "$work/one.txt"
expect_exit 0 "two ranks" "$mpiexec" -np 2 "$faultline" "${webex[@]}" --json "$work/two.json"
check "give one process's JSON, byte for byte" cmp -s "$work/one.json" "$work/two.json"
check "and its text, printed once" cmp -s "$work/one.txt" "$work/stdout"
expect_exit 0 "three ranks" "$mpiexec" -np 3 "$faultline" "${webex[@]}" --json "$work/three.json"
check "the same" cmp -s "$work/one.json" "$work/three.json"

random=(simulate tests/tally/fixtures/random.yaml --runs 100000 --until-ci 0.01 --quiet)
expect_exit 0 "a confidence target in one process" "$faultline" "${random[@]}" \
  --json "$work/ci-one.json"
expect_exit 0 "and over two ranks" "$mpiexec" -np 2 "$faultline" "${random[@]}" \
  --json "$work/ci-two.json"
check "stops at the same run" cmp -s "$work/ci-one.json" "$work/ci-two.json"
check "after more than one round" python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert 4096 < r["runs"] < 100000 and r["reached_ci_target"] is True, r["runs"]' "$work/ci-one.json"

expect_exit 0 "a shard over two ranks" "$mpiexec" -np 2 "$faultline" "${webex[@]}" \
  --run-range 0:2000 --tally "$work/a.tally"
expect_exit 0 "and one in one process" "$faultline" "${webex[@]}" --run-range 2000:3001 \
  --tally "$work/b.tally"
expect_exit 0 "merge" "$faultline" merge "$work/a.tally" "$work/b.tally" --json "$work/merged.json"
check "into one process's study" cmp -s "$work/one.json" "$work/merged.json"

# A paired comparison: run i of both strategies on the rank that makes run i.
compared=(compare scenarios/webex-2018-09-25.yaml --strategy as-written --strategy critical-path
  --runs 1001 --seed 5 --threads 1)
expect_exit 0 "a comparison in one process" "$faultline" "${compared[@]}" \
  --json "$work/compare-one.json" --tally "$work/compare-one.tally"
cp "$work/stdout" "$work/compare-one.txt"
expect_exit 0 "over two ranks" "$mpiexec" -np 2 "$faultline" "${compared[@]}" \
  --json "$work/compare-two.json" --tally "$work/compare-two.tally"
check "gives one process's JSON, byte for byte" \
  cmp -s "$work/compare-one.json" "$work/compare-two.json"
check "its exact tally" cmp -s "$work/compare-one.tally" "$work/compare-two.tally"
check "and its text, printed once" cmp -s "$work/compare-one.txt" "$work/stdout"
expect_exit 2 "rows per run of a comparison are refused" "$mpiexec" -np 2 "$faultline" \
  "${compared[@]}" --per-run "$work/compare-rows.csv"
check "saying why" grep -q "rows per run come from one process" "$work/stderr"
check "writing nothing" test ! -e "$work/compare-rows.csv"

expect_exit 2 "other commands are not spread over ranks" "$mpiexec" -np 2 "$faultline" \
  replay scenarios/webex-2018-09-25.yaml --json "$work/replay.json"
check "and say so once" \
  test "$(grep -c 'only simulate and compare spread their runs' "$work/stderr")" -eq 1
check "writing nothing" test ! -e "$work/replay.json"
expect_exit 2 "network fidelity is refused" "$mpiexec" -np 2 "$faultline" simulate \
  tests/network/fixtures/thin_wan.yaml --fidelity network --runs 4 --json "$work/net.json"
check "with the reason" grep -q "forks a process for each run" "$work/stderr"
expect_exit 2 "even on one rank" "$mpiexec" -np 1 "$faultline" simulate \
  tests/network/fixtures/thin_wan.yaml --fidelity network --runs 4 --json "$work/net.json"
check "writing nothing" test ! -e "$work/net.json"
expect_exit 2 "and so are rows per run" "$mpiexec" -np 2 "$faultline" "${webex[@]}" \
  --per-run "$work/rows.csv"

# Every rank stops at its first run (see the fixture): whichever ends the
# job first has said why.
expect_exit 2 "a run past what can be counted stops the job" "$mpiexec" -np 2 "$faultline" \
  simulate tests/replay/fixtures/countable/slow_rebuild.yaml --runs 4 --json "$work/uncountable.json"
check "saying why" grep -q "error: a run went on to T0+40d" "$work/stderr"
check "writing nothing" test ! -e "$work/uncountable.json"

finish mpi
