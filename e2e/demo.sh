#!/usr/bin/env bash
# The demo: builds what is missing, brings up the local real control plane (etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler, kwok fake nodes) and a real node (containerd, runc, a kubelet and
# kube-proxy built here), installs the CRDs and the chart, so that the operator runs as a pod from its image, applies
# examples/, and prints what Vigil created and the status of every custom resource. The cluster stays up to
# play with; the last lines say how to use it and how to take it down.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
say() { printf '\n\033[1m==== %s\033[0m\n' "$1"; }

say "Building the tools (first run only: 15-25 minutes of Go builds, cached in ~/.cache/vigil)"
bash e2e/tools/build-tools.sh
eval "$(bash e2e/tools/bin-path.sh)"
export PATH="$KUBE_BIN:$PATH"

say "Building the operator and its image, and Vigil's collector image (e2e/images: from Debian packages, no pulls)"
bash e2e/images/build.sh
cat e2e/.work/images/figures.txt
# The operator runs as a pod of the chart on the real node (VIGIL_OPERATOR_FROM=pod); =image runs its image with
# runc outside the cluster, =jar the jar as a local process (e2e/operator.sh), both without the real node.
from=${VIGIL_OPERATOR_FROM:-pod}

say "Starting the local control plane"
eval "$(bash e2e/cluster/up.sh)"
kubectl version | grep Server

say "Installing the CRDs (server-side apply)"
kubectl apply --server-side --field-manager=vigil-demo -f crds/
bash "$root/e2e/tools/wait-crds.sh"
if [ "$from" = pod ]; then
  say "Bringing up the real node (e2e/node/up.sh) and installing the chart: the operator as a pod from its image"
  bash e2e/node/up.sh
  kubectl create namespace vigil-system
  kubectl label namespace vigil-system pod-security.kubernetes.io/enforce=restricted >/dev/null
  t=$SECONDS
  bash e2e/node/helm-install.sh vigil vigil-system
  kubectl -n vigil-system wait pod -l app.kubernetes.io/instance=vigil --for=condition=Ready --timeout=240s
  kubectl -n vigil-system get pods -o wide
  echo "operator pod Ready $((SECONDS - t)) s after helm install (Pod Security restricted, its chart's RBAC)"
  # (kubectl logs cannot reach this kubelet: kwokctl's apiserver has no kubelet client certificate; the kubelet
  # writes the container's log under e2e/.work/node/pod-logs.)
  logs="tail -f $root/e2e/.work/node/pod-logs/vigil-system_vigil-*/operator/0.log"
  down="$VIGIL_HELM uninstall vigil -n vigil-system --wait; bash e2e/node/down.sh; bash e2e/cluster/down.sh"
else
  say "Starting the operator (VIGIL_OPERATOR_FROM=$from, e2e/operator.sh)"
  VIGIL_OPERATOR_FROM=$from bash e2e/operator.sh start
  logs="VIGIL_OPERATOR_FROM=$from bash e2e/operator.sh log"
  down="VIGIL_OPERATOR_FROM=$from bash e2e/operator.sh stop; bash e2e/cluster/down.sh"
fi

say "Applying examples/"
kubectl apply -f examples/
echo "waiting for everything to be Ready ..."
kubectl wait tc --all -n default --for=jsonpath='{.status.conditions[?(@.type=="Ready")].status}'=True --timeout=120s
kubectl wait isvc --all -n default --for=jsonpath='{.status.conditions[?(@.type=="Ready")].status}'=True --timeout=120s

say "What Vigil created (owned by the TelemetryCollector)"
kubectl get statefulsets,services,configmaps,serviceaccounts,roles,rolebindings,poddisruptionbudgets -n default \
  -l app.kubernetes.io/managed-by=vigil
kubectl get pods -n default -l app.kubernetes.io/instance=platform -o wide

say "The custom resources"
kubectl get telemetrycollectors,instrumentedservices,logparserrules -n default
echo
kubectl get tc platform -n default -o jsonpath='{range .status.conditions[*]}{.type}={.status} ({.reason}): {.message}{"\n"}{end}'
kubectl get isvc checkout -n default -o jsonpath='{range .status.conditions[*]}{.type}={.status} ({.reason}): {.message}{"\n"}{end}'
echo
echo "SLO page alert of checkout (ConfigMap checkout-slo-rules; a PrometheusRule where the Prometheus operator is installed):"
kubectl get configmap checkout-slo-rules -n default -o jsonpath='{.data.default\.checkout\.rules\.yaml}' \
  | sed -n '/alert:/,/burn_rate_factor/p' | sed -n 1,17p

say "Events"
kubectl get events -n default --field-selector involvedObject.apiVersion=vigil.dev/v1alpha1 \
  -o custom-columns=TYPE:.type,REASON:.reason,OBJECT:.involvedObject.name,MESSAGE:.message

cat <<EOT

The cluster is still up. Try:
  export KUBECONFIG=$root/e2e/.work/kubeconfig PATH=$KUBE_BIN:\$PATH
  kubectl scale tc/platform --replicas=5 && kubectl get tc -w
  kubectl get configmap platform-collector-config -o jsonpath='{.data.collector\.yaml}'
  $logs
Take it down with:
  $down
EOT
