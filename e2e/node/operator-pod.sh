#!/usr/bin/env bash
# The operator as a real pod (issue 14, part 3, first suite): `helm install` of the chart with the locally built
# image on the real node (e2e/node/up.sh), in a namespace that enforces Pod Security "restricted". Its pod must
# become Ready through the chart's real probes, run as user 10001, and reconcile a fleet and a service with its
# in-cluster ServiceAccount token — so the chart's RBAC is what is tested: a missing permission fails here.
# Prints the figures: install to Ready, and Ready to the service reconciled.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
eval "$(bash e2e/tools/bin-path.sh)"
k() { "$KUBECTL" "$@"; }
ns=vigil-real
apps=real-apps
fail() { echo "FAIL: $*"; k get pods -A -o wide | grep -v kube-system || true; k -n $ns describe pods | tail -30 || true
  find "$root/e2e/.work/node/pod-logs" -name '*.log' -path "*${ns}_*" -exec tail -40 {} + 2>/dev/null || true; exit 1; }
cleanup() {
  "$VIGIL_HELM" uninstall vigil-real -n $ns --wait >/dev/null 2>&1 || true
  k delete namespace $apps $ns --wait=false >/dev/null 2>&1 || true
}
trap cleanup EXIT

port=$(python3 -c 'import sys,yaml; print(yaml.safe_load(open(sys.argv[1]))["clusters"][0]["cluster"]["server"].rsplit(":",1)[1])' "$KUBECONFIG")
k create namespace $ns >/dev/null
k label namespace $ns pod-security.kubernetes.io/enforce=restricted pod-security.kubernetes.io/warn=restricted >/dev/null
k create namespace $apps >/dev/null
t0=$(date +%s.%N)
"$VIGIL_HELM" install vigil-real helm/vigil -n $ns --set image.pullPolicy=Never \
  --set-json 'nodeSelector={"vigil.dev/real-node":"true"}' \
  --set-json 'tolerations=[{"key":"vigil.dev/real-node","operator":"Exists","effect":"NoSchedule"}]' \
  --set-json "watchNamespaces=[\"$apps\"]" --set leaderElection.leaseName=vigil-real-lock \
  --post-renderer e2e/node/api-endpoint.py --post-renderer-args 10.244.0.1 --post-renderer-args "$port" >/dev/null
k -n $ns wait pod -l app.kubernetes.io/instance=vigil-real --for=condition=Ready --timeout=180s >/dev/null \
  || fail "the operator pod did not become Ready"
ready=$(awk "BEGIN{printf \"%.1f\", $(date +%s.%N) - $t0}")
pod=$(k -n $ns get pod -l app.kubernetes.io/instance=vigil-real -o jsonpath='{.items[0].metadata.name}')
node=$(k -n $ns get pod "$pod" -o jsonpath='{.spec.nodeName}')
[ "$node" = vigil-real-node ] || fail "the operator pod runs on $node, not on the real node"
# The JVM of that pod, seen from the host: its user and its cgroup are the container's.
pid=$(for p in $(pgrep -f 'quarkus-run.jar'); do if grep -q vigil-node "/proc/$p/cgroup" 2>/dev/null; then echo "$p"; fi; done | head -1)
[ -n "$pid" ] || fail "no operator JVM in the node's cgroups"
uid=$(awk '/^Uid:/{print $2}' "/proc/$pid/status")
[ "$uid" = 10001 ] || fail "the operator runs as uid $uid, not 10001"
echo "operator pod $pod Ready on $node in $ready s after helm install (uid $uid, Pod Security restricted enforced)"

t1=$(date +%s.%N)
k apply -n $apps -f - >/dev/null <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: example/web:1, ports: [{containerPort: 9464}]}]}
---
apiVersion: vigil.dev/v1alpha1
kind: TelemetryCollector
metadata: {name: fleet}
spec: {shards: 1}
---
apiVersion: vigil.dev/v1alpha1
kind: InstrumentedService
metadata: {name: web}
spec:
  workloadRef: {name: web}
  metrics: {port: 9464}
YAML
k -n $apps wait tc/fleet --for=jsonpath='{.status.conditions[?(@.type=="Ready")].status}'=True --timeout=180s >/dev/null \
  || fail "the fleet did not become Ready"
echo "fleet Ready $(awk "BEGIN{printf \"%.1f\", $(date +%s.%N) - $t1}") s after it was applied"
k -n $apps wait isvc/web --for=jsonpath='{.status.conditions[?(@.type=="Ready")].status}'=True --timeout=180s >/dev/null \
  || fail "the service did not become Ready"
reconciled=$(awk "BEGIN{printf \"%.1f\", $(date +%s.%N) - $t1}")
k -n $apps get statefulset fleet-collector >/dev/null || fail "the operator did not create the fleet's StatefulSet"
echo "fleet and service Ready $reconciled s after they were applied, reconciled by the pod with the chart's RBAC"
echo "operator-pod checks passed"
