#!/usr/bin/env bash
# One shard of a study of RUNS runs cut into COUNT shards: shard INDEX (from
# 0) makes runs INDEX*RUNS/COUNT to (INDEX+1)*RUNS/COUNT - 1 and writes
# OUT_DIR/shard-INDEX.tally. The Slurm job array (slurm-study.sh) and the
# Kubernetes Indexed Job (k8s-shards.yaml) run it once per index; rerun a
# failed index alone, then `faultline merge OUT_DIR/shard-*.tally`.
#
#   tools/cluster/shard.sh INDEX COUNT OUT_DIR SCENARIO RUNS [simulate options...]
#
# INDEX "slurm" reads it from SLURM_ARRAY_TASK_ID. FAULTLINE names the
# program (default: faultline on the PATH).
set -euo pipefail
if [ $# -lt 5 ]; then
  sed -n '2,12p' "$0" >&2
  exit 2
fi
index=$1 count=$2 out=$3 scenario=$4 runs=$5
shift 5
[ "$index" = slurm ] && index=${SLURM_ARRAY_TASK_ID:-}
for number in "$index" "$count" "$runs"; do
  case $number in
    '' | *[!0-9]*)
      echo "shard.sh: INDEX, COUNT and RUNS are whole numbers, found '$number'" >&2
      exit 2
      ;;
  esac
done
index=$((10#$index)) count=$((10#$count)) runs=$((10#$runs))  # 08 is eight, not octal
if [ "$count" -lt 1 ] || [ "$index" -ge "$count" ] || [ "$runs" -lt "$count" ]; then
  echo "shard.sh: need 0 <= INDEX < COUNT <= RUNS, found $index, $count and $runs" >&2
  exit 2
fi
first=$((index * runs / count))
end=$(((index + 1) * runs / count))
mkdir -p "$out"
exec "${FAULTLINE:-faultline}" simulate "$scenario" --runs "$runs" --run-range "$first:$end" \
  --tally "$out/shard-$index.tally" --quiet "$@"
