#!/usr/bin/env bash
# Brings up the local real control plane: etcd, kube-apiserver (with an audit log), kube-controller-manager,
# kube-scheduler and kwok with 3 fake nodes, whose pods become Running and Ready. kwokctl's binary runtime runs
# the binaries built from source by e2e/tools/build-tools.sh (nothing is downloaded). kwok manages only its own
# nodes (annotated kwok.x-k8s.io/node=fake), so that a real kubelet's node (e2e/node) stays the kubelet's.
# Writes the kubeconfig to e2e/.work/kubeconfig and prints `export KUBECONFIG=...`.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
t0=$SECONDS
bash e2e/tools/build-tools.sh kube etcd kwok >&2
eval "$(bash e2e/tools/bin-path.sh)"
work=$root/e2e/.work
mkdir -p "$work"
export KWOK_WORKDIR=$work/kwok
name=${VIGIL_CLUSTER:-vigil}
clusters=$("$KWOKCTL" get clusters 2>/dev/null || true)
if grep -qx "$name" <<<"$clusters"; then
  "$KWOKCTL" delete cluster --name "$name" >&2 || true
fi
t=$SECONDS
"$KWOKCTL" create cluster --name "$name" --runtime binary \
  --kube-apiserver-binary "$KUBE_BIN/kube-apiserver" \
  --kube-controller-manager-binary "$KUBE_BIN/kube-controller-manager" \
  --kube-scheduler-binary "$KUBE_BIN/kube-scheduler" \
  --etcd-binary "$ETCD" \
  --kwok-controller-binary "$KWOK" \
  --kube-audit-policy "$root/e2e/cluster/audit-policy.yaml" \
  --extra-args kwok-controller=manage-all-nodes=false \
  --extra-args kwok-controller=manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
  --kubeconfig "$work/kubeconfig" \
  --wait 120s >&2
"$KWOKCTL" scale node --name "$name" --replicas 3 >&2
export KUBECONFIG=$work/kubeconfig
for _ in $(seq 1 60); do
  ready=$("$KUBECTL" get nodes --no-headers 2>/dev/null | grep -c ' Ready' || true)
  [ "$ready" -ge 3 ] && break
  sleep 1
done
"$KUBECTL" get nodes >&2
echo "control plane $name ready in $((SECONDS - t)) s (with tool check: $((SECONDS - t0)) s); audit log: $(bash "$root/e2e/cluster/audit-log.sh")" >&2
echo "export KUBECONFIG=$work/kubeconfig"
