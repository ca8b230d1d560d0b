#!/usr/bin/env bash
# Fault (issue 17): etcd and then the kube-apiserver restart in the middle of a burst of 100 changes to Vigil's
# resources. Needs the e2e control plane and operator up (KUBECONFIG; e2e/operator.sh). 50 services are created; then
# every one of them is changed twice (a label on its dashboard, then its metrics path) by 100 concurrent writers
# while etcd is stopped for 10 s and started again, and the kube-apiserver after it. Afterwards: every service at
# its latest generation (observedGeneration) and Ready, its dashboard ConfigMap carrying the last change, exactly one
# owned object of each kind per service (no duplicate, none without an owner), and the operator process never
# restarted. Prints how long convergence took after the control plane was back.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
ns=fault-etcd
n=50
fail() { echo "FAIL: $*"; bash e2e/operator.sh log | tail -40; exit 1; }
others=(kube-controller-manager kube-scheduler kwok-controller)

kubectl create namespace $ns >/dev/null
python3 e2e/tools/services.py $ns $n --fleet 2 --image fault/app:1 --spec '  dashboard: {folder: before}' \
  | kubectl apply -f - >/dev/null
ready() {
  kubectl get isvc -n $ns -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | grep -c True || true
}
for _ in $(seq 1 180); do [ "$(ready)" = $n ] && break; sleep 1; done
[ "$(ready)" = $n ] || fail "only $(ready)/$n services Ready before the fault"
pid_before=$(cat e2e/.work/operator.pid 2>/dev/null || true)
restarts_before=$(grep -c 'Profile prod activated' e2e/.work/operator.log || true)
python3 e2e/faults/component.py save "${others[@]}"

# The burst: 100 writers, each one change (a service's dashboard folder, then its metrics path); kubectl retries
# what the apiserver refuses while etcd is away (the writers run until their change is in).
burst() {
  local i=$1 what=$2
  for _ in $(seq 1 120); do
    if [ "$what" = folder ]; then
      kubectl patch isvc svc-$i -n $ns --type=merge -p '{"spec":{"dashboard":{"folder":"after"}}}' >/dev/null 2>&1 && return 0
    else
      kubectl patch isvc svc-$i -n $ns --type=merge -p '{"spec":{"metrics":{"path":"/changed"}}}' >/dev/null 2>&1 && return 0
    fi
    sleep 0.5
  done
  return 1
}
pids=()
for i in $(seq 0 $((n - 1))); do burst $i folder & pids+=($!); done
sleep 1
python3 e2e/faults/component.py stop etcd
for i in $(seq 0 $((n - 1))); do burst $i path & pids+=($!); done
sleep 10
python3 e2e/faults/component.py start etcd
t_etcd=$(date +%s.%N)
sleep 3
python3 e2e/faults/component.py stop kube-apiserver
sleep 3
python3 e2e/faults/component.py start kube-apiserver
for _ in $(seq 1 60); do kubectl get --raw /readyz >/dev/null 2>&1 && break; sleep 0.5; done
python3 e2e/faults/component.py revive "${others[@]}"
t_back=$(date +%s.%N)
for p in "${pids[@]}"; do wait "$p" || fail "a writer could not get its change in"; done
echo "all 100 changes written $(python3 -c "print(round($(date +%s.%N) - $t_etcd, 1))") s after etcd was back (the apiserver restarted 3 s after it)"

converged=""
for _ in $(seq 1 240); do
  out=$(kubectl get isvc -n $ns -o json | python3 -c '
import json, sys
items = json.load(sys.stdin)["items"]
behind = [i["metadata"]["name"] for i in items if (i.get("status") or {}).get("observedGeneration") != i["metadata"]["generation"]
          or not any(c["type"] == "Ready" and c["status"] == "True" for c in (i.get("status") or {}).get("conditions", []))]
print(len(behind))')
  folders=$(kubectl get configmap -n $ns -l app.kubernetes.io/component=dashboard -o jsonpath='{range .items[*]}{.metadata.annotations.grafana_folder}{"\n"}{end}' | grep -c '^after$' || true)
  if [ "$out" = 0 ] && [ "$folders" = $n ]; then
    converged=$(python3 -c "print(round($(date +%s.%N) - $t_etcd, 1))"); break
  fi
  sleep 0.5
done
[ -n "$converged" ] || fail "not converged 120 s after the control plane came back: $out services behind their generation or not Ready, $folders/$n dashboards in the new folder"
echo "every service at its latest generation and Ready, every dashboard in its new folder: $converged s after etcd was back"
# No duplicate and no orphan: one dashboard ConfigMap per service, each owned by its service.
python3 - "$ns" "$n" <<'PY' || fail "duplicate or orphaned objects"
import json, subprocess, sys
ns, n = sys.argv[1], int(sys.argv[2])
cms = json.loads(subprocess.check_output(["kubectl", "get", "configmap", "-n", ns, "-l", "app.kubernetes.io/managed-by=vigil", "-o", "json"]))["items"]
svcs = {s["metadata"]["uid"]: s["metadata"]["name"] for s in json.loads(subprocess.check_output(["kubectl", "get", "isvc", "-n", ns, "-o", "json"]))["items"]}
fleet = json.loads(subprocess.check_output(["kubectl", "get", "tc", "platform", "-n", ns, "-o", "json"]))["metadata"]["uid"]
seen, bad = {}, []
for cm in cms:
    owners = [o["uid"] for o in cm["metadata"].get("ownerReferences", [])]
    if len(owners) != 1 or (owners[0] not in svcs and owners[0] != fleet):
        bad.append(cm["metadata"]["name"])
    key = (owners[0] if owners else None, cm["metadata"]["labels"].get("app.kubernetes.io/component"), cm["metadata"]["name"])
    seen[key] = seen.get(key, 0) + 1
dashboards = sum(1 for (o, c, _) in seen if c == "dashboard" and o in svcs)
print(f"{len(cms)} Vigil ConfigMaps: {dashboards} service dashboards for {len(svcs)} services; without a live owner: {bad or 'none'}")
sys.exit(0 if not bad and dashboards == n == len(svcs) else 1)
PY
[ "$(cat e2e/.work/operator.pid 2>/dev/null || true)" = "$pid_before" ] || fail "the operator process changed"
[ "$(grep -c 'Profile prod activated' e2e/.work/operator.log || true)" = "$restarts_before" ] || fail "the operator restarted"
echo "the operator process ran throughout"
kubectl delete namespace $ns --wait=false >/dev/null
echo "etcd-restart fault: passed"
