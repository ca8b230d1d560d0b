#!/usr/bin/env bash
# Fault (issue 17): another writer takes fields Vigil owns. A user's `kubectl apply --server-side --force-conflicts`
# sets the collector StatefulSet's replicas (Vigil's field) and adds a label of their own; someone patches the
# fleet's status. Vigil takes back only its own field (the user's label stays, under the user's field manager),
# logs once which writer took which of its fields, restores its status, and then stays quiet: its writes are counted
# from the apiserver's audit log (no hot loop).
# Needs the e2e control plane and operator (KUBECONFIG; e2e/operator.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
ns=fault-conflict
fail() { echo "FAIL: $*"; bash e2e/operator.sh log | tail -30; exit 1; }
audit=$(bash e2e/cluster/audit-log.sh)
writes() {  # Vigil's writes to the namespace since byte $1 of the audit log
  python3 e2e/audit-writes.py "$audit" "$1" | grep "^write: .* $ns/" || true
}

kubectl create namespace $ns >/dev/null
kubectl apply -n $ns -f - >/dev/null <<YAML
apiVersion: vigil.dev/v1alpha1
kind: TelemetryCollector
metadata: {name: platform}
spec: {shards: 2}
YAML
kubectl wait tc platform -n $ns --for=jsonpath='{.status.conditions[?(@.type=="Ready")].status}'=True --timeout=120s >/dev/null
sleep 5

mark=$(python3 e2e/auditlog.py mark "$audit")
kubectl apply --server-side --force-conflicts --field-manager=platform-team -f - >/dev/null <<YAML
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: platform-collector, namespace: $ns, labels: {team: payments}}
spec: {replicas: 5}
YAML
for _ in $(seq 1 40); do
  [ "$(kubectl get statefulset platform-collector -n $ns -o jsonpath='{.spec.replicas}')" = 2 ] && break
  sleep 0.25
done
[ "$(kubectl get statefulset platform-collector -n $ns -o jsonpath='{.spec.replicas}')" = 2 ] || fail "Vigil did not take spec.replicas back"
[ "$(kubectl get statefulset platform-collector -n $ns -o jsonpath='{.metadata.labels.team}')" = payments ] || fail "the user's own label was removed"
kubectl get statefulset platform-collector -n $ns --show-managed-fields -o json | python3 -c '
import json, sys
mf = json.load(sys.stdin)["metadata"]["managedFields"]
team = [m["manager"] for m in mf if "f:team" in json.dumps(m.get("fieldsV1", {}))]
reps = [m["manager"] for m in mf if "f:replicas" in json.dumps(m.get("fieldsV1", {}).get("f:spec", {}))]
print(f"spec.replicas managed by {reps}; label team managed by {team}")
sys.exit(0 if team == ["platform-team"] and "platform-team" not in reps else 1)' || fail "field ownership after the conflict"
sleep 20
sts_writes=$(writes "$mark" | grep -c "statefulsets" || true)
echo "Vigil's StatefulSet writes after the user's apply, over 20 s and more: $sts_writes"
[ "$sts_writes" -ge 1 ] && [ "$sts_writes" -le 2 ] || fail "expected one write to take the field back, saw $sts_writes: $(writes "$mark")"
taken=$(bash e2e/operator.sh log | grep -c "StatefulSet $ns/platform-collector: field manager platform-team has set spec.replicas," || true)
echo "operator log lines naming the takeover (writer and field): $taken"
[ "$taken" = 1 ] || fail "expected the takeover logged once, saw $taken"

mark=$(python3 e2e/auditlog.py mark "$audit")
kubectl patch tc platform -n $ns --subresource=status --type=merge -p '{"status":{"readyReplicas":99,"shards":"99/2"}}' >/dev/null
for _ in $(seq 1 40); do
  [ "$(kubectl get tc platform -n $ns -o jsonpath='{.status.readyReplicas}')" = 2 ] && break
  sleep 0.25
done
[ "$(kubectl get tc platform -n $ns -o jsonpath='{.status.readyReplicas}')" = 2 ] || fail "Vigil did not restore its status"
sleep 20
status_writes=$(writes "$mark" | grep -c "telemetrycollectors/status" || true)
echo "Vigil's status writes after someone else's status patch, over 20 s and more: $status_writes"
[ "$status_writes" -ge 1 ] && [ "$status_writes" -le 2 ] || fail "expected one status write, saw $status_writes"
[ -z "$(writes "$mark" | grep -v 'telemetrycollectors/status')" ] || fail "other writes: $(writes "$mark")"
kubectl delete namespace $ns --wait=false >/dev/null
echo "conflicts fault: passed"
