#!/usr/bin/env bash
# helm install of the chart onto the real node (e2e/node/up.sh first), as the demo and the real-node suites use it:
#   bash e2e/node/helm-install.sh RELEASE NAMESPACE [HELM ARGS...]
# The chart as a user installs it, with the locally built image (imported into the node's containerd, never
# pulled), placed on the real node by its label and taint; a post-renderer points the in-cluster client at the
# apiserver through the node's bridge address (the kubernetes Service's endpoint is not reachable from a pod here).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
eval "$(bash e2e/tools/bin-path.sh)"
release=$1 namespace=$2
shift 2
port=$(python3 e2e/node/kubeconfig.py port)
exec "$VIGIL_HELM" install "$release" helm/vigil -n "$namespace" --set image.pullPolicy=Never \
  --set-json 'nodeSelector={"vigil.dev/real-node":"true"}' \
  --set-json 'tolerations=[{"key":"vigil.dev/real-node","operator":"Exists","effect":"NoSchedule"}]' \
  --post-renderer e2e/node/api-endpoint.py --post-renderer-args 10.244.0.1 --post-renderer-args "$port" "$@"
