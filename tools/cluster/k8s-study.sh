#!/usr/bin/env bash
# A study on Kubernetes: the Indexed Job of shards (k8s-shards.yaml), then,
# once it has completed, the Job merging them (k8s-merge.yaml). Edit their
# PLACEHOLDERs first: the image (faultline and the study's files in
# /study) and the ReadWriteMany claim the tallies go to.
#
#   tools/cluster/k8s-study.sh [TIMEOUT]   (default 24h)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
kubectl apply -f "$here/k8s-shards.yaml"
kubectl wait --for=condition=complete --timeout="${1:-24h}" job/faultline-shards
kubectl apply -f "$here/k8s-merge.yaml"
kubectl wait --for=condition=complete --timeout=1h job/faultline-merge
