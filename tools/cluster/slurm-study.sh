#!/usr/bin/env bash
# A study on a Slurm cluster: a job array of COUNT shards (shard.sh), then,
# once every shard has succeeded, a job merging their tallies into
# OUT_DIR/study.json and the report OUT_DIR/report/. Submit from the folder
# holding the scenario, on a file system the nodes share: merge checks that
# every shard read the same files, by their paths from that folder.
#
#   tools/cluster/slurm-study.sh COUNT OUT_DIR SCENARIO RUNS [simulate options...]
#
# Each shard has SHARD_CPUS cores (default 2) for its threads. To rerun
# shard I alone, submit the array again with --array=I (the command is
# printed), then the merge.
set -euo pipefail
if [ $# -lt 4 ]; then
  sed -n '2,12p' "$0" >&2
  exit 2
fi
count=$1 out=$2
shift 2
for arg in "$@"; do
  if [ "$arg" = --threads ] || [ "${arg#--threads=}" != "$arg" ]; then
    echo "slurm-study.sh: each shard's threads are SHARD_CPUS, not --threads" >&2
    exit 2
  fi
done
here=$(cd "$(dirname "$0")" && pwd)
cpus=${SHARD_CPUS:-2}
faultline=${FAULTLINE:-faultline}
mkdir -p "$out/logs"
shards=(--job-name=faultline-shards --cpus-per-task="$cpus" --output="$out/logs/shard-%a.log"
  "$here/shard.sh" slurm "$count" "$out" "$@" --threads "$cpus")
array=$(sbatch --parsable --array="0-$((count - 1))" "${shards[@]}")
merging=(--job-name=faultline-merge --output="$out/logs/merge.log"
  --wrap="$(printf '%q ' "$faultline" merge)$(printf '%q' "$out")/shard-*.tally $(printf '%q ' \
    --json "$out/study.json" --report "$out/report")")
merge=$(sbatch --parsable --dependency="afterok:$array" "${merging[@]}")
echo "shards: job array $array; merge: job $merge, once every shard has succeeded"
echo "if shard I fails, the merge never starts (scancel $merge); rerun the shard alone:"
echo "  sbatch --array=I $(printf '%q ' "${shards[@]}")"
echo "then, once it has succeeded, the merge: sbatch $(printf '%q ' "${merging[@]}")"
