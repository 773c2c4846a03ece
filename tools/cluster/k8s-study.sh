#!/usr/bin/env bash
# A study on Kubernetes: the Indexed Job of shards (k8s-shards.yaml), then,
# once it has completed, the Job merging them (k8s-merge.yaml). Edit their
# PLACEHOLDERs first: the image (faultline and the study's files in
# /study) and the ReadWriteMany claim the tallies go to.
#
#   tools/cluster/k8s-study.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# Waits until the Job has completed (0) or failed (1), looking every 30 s.
finished() {
  local conditions
  while true; do
    conditions=$(kubectl get "job/$1" -o jsonpath='{.status.conditions[?(@.status=="True")].type}')
    case " $conditions " in
      *" Complete "*) return 0 ;;
      *" Failed "*)
        echo "k8s-study.sh: job/$1 failed: kubectl describe job/$1" >&2
        return 1
        ;;
    esac
    sleep 30
  done
}
kubectl apply -f "$here/k8s-shards.yaml"
finished faultline-shards
kubectl apply -f "$here/k8s-merge.yaml"
finished faultline-merge
