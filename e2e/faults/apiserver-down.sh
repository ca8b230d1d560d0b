#!/usr/bin/env bash
# Fault (issue 17): the kube-apiserver goes away for FAULT_DOWN_SECONDS (60) while the operator runs and leads.
# Needs the e2e control plane and operator up (KUBECONFIG; e2e/operator.sh). During the outage it samples, every
# 5 s: whether the operator process is up, what its readiness says, and what the service discovery answers a shard
# of a running fleet (the collectors poll it every 5 s). When the apiserver is back it changes two things at once
# (the fleet 2 -> 3 shards, a new service) and times how long until both are done and every resource is Ready.
# An integration that was on stays on: a service's PrometheusRule (the CRD installed) is the same object afterwards
# and no rules ConfigMap replaces it (an unanswered CRD look-up is not "absent").
# Fails when the operator exited, the SD answer lost targets, something was replaced, or convergence took over 30 s.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
ns=fault-apiserver
down=${FAULT_DOWN_SECONDS:-60}
port=${VIGIL_OPERATOR_PORT:-18080}
fail() { echo "FAIL: $*"; bash e2e/operator.sh log | tail -40; exit 1; }

service() {
  cat <<YAML
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: $1, namespace: $ns}
spec:
  replicas: 2
  selector: {matchLabels: {app: $1}}
  template:
    metadata: {labels: {app: $1}}
    spec: {containers: [{name: app, image: fault/app:1, ports: [{containerPort: 9100}]}]}
---
apiVersion: vigil.dev/v1alpha1
kind: InstrumentedService
metadata: {name: $1, namespace: $ns}
spec:
  workloadRef: {name: $1}
  metrics: {port: 9100}
YAML
}
ready_services() {
  kubectl get isvc -n $ns -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | grep -c True || true
}

[ -n "${VIGIL_PROMRULE_CRD:-}" ] || eval "$(bash e2e/tools/bin-path.sh)"
kubectl apply --server-side --field-manager=vigil-e2e -f "$VIGIL_PROMRULE_CRD" >/dev/null
kubectl wait --for condition=Established --timeout=60s crd/prometheusrules.monitoring.coreos.com >/dev/null
kubectl create namespace $ns >/dev/null
{ cat <<YAML
apiVersion: vigil.dev/v1alpha1
kind: TelemetryCollector
metadata: {name: platform, namespace: $ns}
spec: {shards: 2}
YAML
  for i in 1 2 3 4; do service svc-$i; done
  cat <<YAML
  slos:
    - name: availability
      objective: "99.9"
      indicator:
        ratio:
          errors: sum(rate(http_server_request_duration_seconds_count{http_response_status_code=~"5.."}[\$window]))
          total: sum(rate(http_server_request_duration_seconds_count[\$window]))
YAML
} | kubectl apply -f - >/dev/null
for _ in $(seq 1 120); do
  h=$(kubectl get tc platform -n $ns -o jsonpath='{.status.handoffs}' 2>/dev/null || true)
  [ "$(ready_services)" = 4 ] && [ "${h:-0}" = 0 ] && [ -n "$(kubectl get tc platform -n $ns -o jsonpath='{.status.shardTargets}')" ] && break
  sleep 1
done
[ "$(ready_services)" = 4 ] || fail "the services did not become Ready before the fault"
rule_uid() { kubectl get prometheusrule svc-4-slo-rules -n $ns -o jsonpath='{.metadata.uid}' 2>/dev/null || true; }
for _ in $(seq 1 30); do [ -n "$(rule_uid)" ] && break; sleep 1; done
uid_before=$(rule_uid)
[ -n "$uid_before" ] || fail "svc-4 has no PrometheusRule before the fault"
token=$(kubectl create token platform-collector -n $ns --duration=1h)
sd() {  # "<HTTP code> <targets, comma-separated>" of shard $1
  local out code
  out=$(curl -s -m 3 -w '\n%{http_code}' -H "Authorization: Bearer $token" "http://127.0.0.1:$port/sd/v1/$ns/platform/$1" || true)
  code=$(tail -1 <<<"$out")
  echo "$code $(head -n -1 <<<"$out" | python3 -c 'import json,sys
try: print(",".join(sorted(t for g in json.load(sys.stdin) for t in g["targets"])) or "none")
except Exception: print("-")')"
}
union() { tr ',' '\n' <<<"${1#* },${2#* }" | grep -v -e '^none$' -e '^-$' -e '^$' | sort -u | paste -sd, -; }
count() { [ -z "$1" ] && echo 0 || tr ',' '\n' <<<"$1" | wc -l; }
before0=$(sd 0); before1=$(sd 1)
targets_before=$(union "$before0" "$before1")
echo "before the fault: SD shard 0: HTTP ${before0%% *}, shard 1: HTTP ${before1%% *}; $(count "$targets_before") targets in all"
[ "${before0%% *}" = 200 ] && [ "${before1%% *}" = 200 ] || fail "SD did not answer before the fault"
# The token's verdict is cached for a minute: 30 s on, the outage outlasts it, so the SD answers below also prove
# that a token the apiserver vouched for keeps reading its plan while TokenReviews fail.
sleep 30

echo "stopping the kube-apiserver for $down s"
others=(kube-controller-manager kube-scheduler kwok-controller)
python3 e2e/faults/component.py save "${others[@]}"
python3 e2e/faults/component.py stop kube-apiserver
t_down=$SECONDS
lost=0; refused=0; exited=""; samples=()
while [ $((SECONDS - t_down)) -lt "$down" ]; do
  bash e2e/operator.sh running || { exited="after $((SECONDS - t_down)) s"; break; }
  r=$(curl -s -o /dev/null -m 3 -w '%{http_code}' "http://127.0.0.1:$port/q/health/ready" || true)
  s0=$(sd 0); s1=$(sd 1)
  now=$(union "$s0" "$s1")
  samples+=("t+$((SECONDS - t_down))s ready=$r sd0=HTTP ${s0%% *} sd1=HTTP ${s1%% *}, $(count "$now") targets in all")
  # Every target stays with a shard (a hand-off ending moves a duplicate away, never a target); an error (503)
  # keeps the collectors' last targets, an empty or short 200 would drop them.
  for s in "$s0" "$s1"; do [ "${s%% *}" = 200 ] || refused=$((refused + 1)); done
  if [ "${s0%% *}" = 200 ] && [ "${s1%% *}" = 200 ] && [ "$now" != "$targets_before" ]; then
    lost=$((lost + 1))
  fi
  sleep 5
done
printf '  %s\n' "${samples[@]}"
python3 e2e/faults/component.py start kube-apiserver
for _ in $(seq 1 60); do kubectl get --raw /readyz >/dev/null 2>&1 && break; sleep 0.5; done
# as a kubelet restarts its static pods: the components that exited on losing their own leader lease
python3 e2e/faults/component.py revive "${others[@]}"
t_back=$(date +%s.%N)
echo "kube-apiserver back after $((SECONDS - t_down)) s"
[ -z "$exited" ] || fail "the operator exited during the outage ($exited)"
[ "$lost" = 0 ] || fail "the service discovery answered an empty or short target list $lost times during the outage"
[ "$refused" = 0 ] || fail "the service discovery did not answer $refused times during the outage (the collectors keep their targets then, but the plan should stay readable)"

kubectl patch tc platform -n $ns --type=merge -p '{"spec":{"shards":3}}' >/dev/null
service svc-5 | kubectl apply -f - >/dev/null
# Vigil's part: the fleet's generation observed and its StatefulSet at 3, the new service seen (its own generation
# observed, collected by the fleet). Everything Ready also needs the cluster's own scheduler and controllers, which
# restart and wait out their leader leases (15 s) first.
since() { python3 -c "print(round($(date +%s.%N) - $t_back, 1))"; }
vigil_done=""; converged=""
for _ in $(seq 1 180); do
  gen=$(kubectl get tc platform -n $ns -o jsonpath='{.metadata.generation}/{.status.observedGeneration}/{.status.conditions[?(@.type=="Ready")].status}')
  sts=$(kubectl get statefulset platform-collector -n $ns -o jsonpath='{.spec.replicas}' 2>/dev/null || true)
  seen=$(kubectl get isvc svc-5 -n $ns -o jsonpath='{.status.observedGeneration}/{.status.conditions[?(@.type=="Collected")].status}' 2>/dev/null || true)
  g=${gen%%/*}; rest=${gen#*/}
  if [ -z "$vigil_done" ] && [ "$g" = "${rest%%/*}" ] && [ "$sts" = 3 ] && [ "$seen" = 1/True ]; then
    vigil_done=$(since)
  fi
  if [ -n "$vigil_done" ] && [ "${rest#*/}" = True ] && [ "$(ready_services)" = 5 ]; then
    converged=$(since); break
  fi
  sleep 0.5
done
bash e2e/operator.sh running || fail "the operator exited after the apiserver came back"
[ -n "$vigil_done" ] || fail "Vigil did not converge 90 s after the apiserver came back (fleet $gen, StatefulSet replicas $sts, svc-5 $seen)"
[ -n "$converged" ] || fail "not Ready 90 s after the apiserver came back (fleet $gen, $(ready_services)/5 services Ready)"
echo "after the apiserver came back: the resharding and the new service done by Vigil in $vigil_done s (goal 30 s), everything Ready in $converged s; operator process kept running"
grep -m1 -o 'kept the Lease[^"]*' e2e/.work/operator.log || echo "(leader election: the Lease was not lost)"
python3 -c "import sys; sys.exit(0 if float('$vigil_done') <= 30 else 1)" || fail "Vigil's convergence took $vigil_done s (over 30 s)"
[ "$(rule_uid)" = "$uid_before" ] || fail "svc-4's PrometheusRule was replaced or deleted (uid $uid_before -> $(rule_uid))"
! kubectl get configmap svc-4-slo-rules -n $ns >/dev/null 2>&1 || fail "a rules ConfigMap replaced the PrometheusRule"
echo "svc-4's PrometheusRule is the same object (uid $uid_before); no rules ConfigMap"
kubectl delete namespace $ns --wait=false >/dev/null
kubectl delete crd prometheusrules.monitoring.coreos.com --ignore-not-found >/dev/null
echo "apiserver-down fault: passed"
