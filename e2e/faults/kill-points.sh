#!/usr/bin/env bash
# Fault (issue 17): the operator is killed at named points of a reconcile (VIGIL_FAIL_AT, dev.vigil.reconcile.
# FailPoints: Runtime.halt, as a SIGKILL) 20 times while fleets reshard and services change, then restarted:
#   TelemetryCollector:after-dependents  the StatefulSet/ConfigMaps written, the status not (a hand-off running)
#   TelemetryCollector:before-status     everything delivered, the status not patched
#   InstrumentedService:after-dependents the pool ConfigMap written, the status not
#   InstrumentedService:before-status    env vars delivered, the status not
# Needs the e2e control plane and operator (KUBECONFIG; e2e/operator.sh). Afterwards every resource converges, no
# object is duplicated or left without its owner, every pool size is within [min, max], and the services sharing a
# budget never hold more than it (checked after every kill too).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
ns=fault-kill
kills=${KILLS:-20}
fail() { echo "FAIL: $*"; bash e2e/operator.sh log | tail -40; exit 1; }

bash e2e/operator.sh start >/dev/null
kubectl create namespace $ns >/dev/null
python3 e2e/tools/services.py $ns 6 --fleet 2 --replicas 2 --image fault/app:1 --spec '  pools:
    - name: db
      size: {min: 2, max: 30, initial: ${4 + i}}
      budget: {name: shared, maxConnections: 120}' | kubectl apply -f - >/dev/null
ready() { kubectl get "$1" -n $ns -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | grep -c True || true; }
# Pool sizes as delivered (the pools ConfigMaps), checked against [min, max] and the shared budget.
pools_ok() {
  python3 - "$ns" <<'PY'
import json, subprocess, sys
ns = sys.argv[1]
cms = json.loads(subprocess.check_output(["kubectl", "get", "configmap", "-n", ns, "-l", "app.kubernetes.io/component=pool-sizes", "-o", "json"]))["items"]
deps = {d["metadata"]["name"]: max(d["spec"].get("replicas", 1), (d.get("status") or {}).get("replicas", 0))
        for d in json.loads(subprocess.check_output(["kubectl", "get", "deployments", "-n", ns, "-o", "json"]))["items"]}
total, bad = 0, []
for cm in cms:
    svc = cm["metadata"]["name"][: -len("-pools")]
    size = int((cm.get("data") or {}).get("db", "0"))
    if not 2 <= size <= 30:
        bad.append(f"{svc}: size {size} outside [2, 30]")
    total += size * deps.get(svc, 1)
if total > 120:
    bad.append(f"the shared budget: {total} connections held > 120")
print("; ".join(bad) if bad else f"pools within bounds; {total} of 120 budget connections held")
sys.exit(1 if bad else 0)
PY
}
for _ in $(seq 1 120); do [ "$(ready isvc)" = 6 ] && [ "$(ready tc)" = 1 ] && break; sleep 1; done
[ "$(ready isvc)" = 6 ] || fail "services not Ready before the kills"

points=(TelemetryCollector:after-dependents InstrumentedService:after-dependents TelemetryCollector:before-status
        InstrumentedService:before-status)
killed=0
for k in $(seq 1 "$kills"); do
  point=${points[$(( (k - 1) % ${#points[@]} ))]}
  nth=$(( (k % 3) + 1 ))
  bash e2e/operator.sh stop >/dev/null
  # (the start-up reconciles may reach the point already: start then reports an exit, which is the kill)
  VIGIL_FAIL_AT="$point@$nth" bash e2e/operator.sh start >/dev/null 2>&1 || true
  # What makes both reconcilers run: a resharding (its hand-offs), a replica change (pools re-split the budget),
  # a service change.
  case $(( k % 3 )) in
    0) kubectl patch tc platform -n $ns --type=merge -p "{\"spec\":{\"shards\":$(( (k % 2) + 2 ))}}" >/dev/null ;;
    1) kubectl scale deployment svc-$(( k % 6 )) -n $ns --replicas=$(( (k % 4) + 1 )) >/dev/null ;;
    2) kubectl patch isvc svc-$(( k % 6 )) -n $ns --type=merge -p "{\"spec\":{\"dashboard\":{\"folder\":\"f$k\"}}}" >/dev/null ;;
  esac
  for _ in $(seq 1 40); do bash e2e/operator.sh running || break; sleep 0.5; done
  if bash e2e/operator.sh running; then
    echo "kill $k: $point@$nth not reached in 20 s"
  else
    killed=$((killed + 1))
    echo "kill $k: stopped at $point (passage $nth); $(pools_ok || true)"
  fi
  pools_ok >/dev/null || fail "after kill $k: $(pools_ok || true)"
done
bash e2e/operator.sh stop >/dev/null
bash e2e/operator.sh start >/dev/null
[ "$killed" -ge 20 ] || [ "$killed" -ge "$kills" ] || fail "only $killed of $kills kill points were reached"
t0=$SECONDS
for _ in $(seq 1 120); do
  [ "$(ready isvc)" = 6 ] && [ "$(ready tc)" = 1 ] && \
    [ "$(kubectl get tc platform -n $ns -o jsonpath='{.metadata.generation}')" = "$(kubectl get tc platform -n $ns -o jsonpath='{.status.observedGeneration}')" ] && break
  sleep 1
done
[ "$(ready isvc)" = 6 ] && [ "$(ready tc)" = 1 ] || fail "not converged 120 s after the last restart"
echo "$killed kills at named points; converged $((SECONDS - t0)) s after the last restart; $(pools_ok)"
python3 - "$ns" <<'PY' || fail "duplicate or orphaned objects"
import json, subprocess, sys
ns = sys.argv[1]
def get(kind):
    return json.loads(subprocess.check_output(["kubectl", "get", kind, "-n", ns, "-o", "json"]))["items"]
owners = {o["metadata"]["uid"] for kind in ("telemetrycollectors", "instrumentedservices") for o in get(kind)}
problems, names = [], {}
for kind in ("statefulsets", "configmaps", "services", "serviceaccounts", "roles", "rolebindings", "poddisruptionbudgets"):
    for o in get(kind):
        if o["metadata"].get("labels", {}).get("app.kubernetes.io/managed-by") != "vigil":
            continue
        refs = [r["uid"] for r in o["metadata"].get("ownerReferences", [])]
        if not refs or not set(refs) <= owners:
            problems.append(f"{kind}/{o['metadata']['name']} has no live owner")
        names[(kind, o["metadata"]["name"])] = names.get((kind, o["metadata"]["name"]), 0) + 1
sts = get("statefulsets")
if len([s for s in sts if s["metadata"]["name"].startswith("platform")]) != 1:
    problems.append(f"{len(sts)} StatefulSets for one fleet")
print(f"{len(names)} owned objects, each with a live owner" if not problems else "\n".join(problems))
sys.exit(1 if problems else 0)
PY
kubectl delete namespace $ns --wait=false >/dev/null
echo "kill-points fault: passed"
