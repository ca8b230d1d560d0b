#!/usr/bin/env bash
# Suite 6: the operator is killed (SIGKILL) at random points while it reconciles 20 fleets, at least 10 times,
# then restarted; everything must converge with no duplicate and no orphaned object.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ns=${NAMESPACE:?}
kills=${KILLS:-10}
for i in $(seq -w 1 20); do
  cat <<YAML
apiVersion: vigil.dev/v1alpha1
kind: TelemetryCollector
metadata:
  name: chaos-$i
  namespace: $ns
spec:
  shards: $(( (10#$i % 3) + 1 ))
---
YAML
done | kubectl apply -f - >/dev/null
RANDOM=42
for k in $(seq 1 "$kills"); do
  sleep "0.$(( RANDOM % 9 + 1 ))$(( RANDOM % 10 ))"
  bash "$here/operator.sh" kill9
  echo "kill $k: operator killed; $(kubectl get statefulsets -n "$ns" -o name | wc -l) StatefulSets so far"
  bash "$here/operator.sh" start >/dev/null
done
echo "waiting for every fleet to be Ready"
kubectl wait tc --all -n "$ns" --for=jsonpath='{.status.conditions[?(@.type=="Ready")].status}'=True --timeout=180s >/dev/null
python3 - "$ns" <<'PY'
import json, subprocess, sys
ns = sys.argv[1]
def get(kind):
    out = subprocess.run(["kubectl", "get", kind, "-n", ns, "-o", "json"], check=True, capture_output=True, text=True).stdout
    return json.loads(out)["items"]
fleets = {f["metadata"]["uid"]: f["metadata"]["name"] for f in get("telemetrycollectors")}
problems, counts = [], {}
for kind in ["statefulsets", "configmaps", "services", "serviceaccounts", "roles", "rolebindings", "poddisruptionbudgets"]:
    for o in get(kind):
        if o["metadata"].get("labels", {}).get("app.kubernetes.io/managed-by") != "vigil":
            continue
        owners = [r["uid"] for r in o["metadata"].get("ownerReferences", []) if r["uid"] in fleets]
        if not owners:
            problems.append(f"orphan {kind}/{o['metadata']['name']}")
            continue
        key = (kind, fleets[owners[0]])
        counts[key] = counts.get(key, 0) + 1
# ConfigMaps: the collector config, the dashboard, the running hand-offs.
expected = {"statefulsets": 1, "configmaps": 3, "services": 2, "serviceaccounts": 1, "roles": 1, "rolebindings": 1, "poddisruptionbudgets": 1}
for name in fleets.values():
    for kind, n in expected.items():
        if counts.get((kind, name), 0) != n:
            problems.append(f"{name}: {counts.get((kind, name), 0)} {kind}, expected {n}")
print(f"RESULT fleets={len(fleets)} owned objects={sum(counts.values())} problems={len(problems)}")
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
PY
# Leave nothing behind for the next suite: delete the fleets and wait for garbage collection.
kubectl delete tc --all -n "$ns" --wait=true --timeout=120s >/dev/null
for _ in $(seq 1 60); do
  [ "$(kubectl get statefulsets,configmaps -n "$ns" -l app.kubernetes.io/managed-by=vigil -o name | wc -l)" -eq 0 ] && break
  sleep 1
done
