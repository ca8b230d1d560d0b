#!/usr/bin/env bash
# Resharding end to end with real collector processes (issue 6). Needs the local control plane and the operator
# running (e2e/test-e2e.sh does both; the operator's service discovery is at 127.0.0.1:${VIGIL_OPERATOR_PORT:-18080}).
#
# 12 "pods" of one InstrumentedService are Pod objects bound to a node no kubelet runs, whose status this script
# sets (Running, podIP 127.0.0.2..13): on Linux all of 127/8 is loopback, so one local HTTP server on port 19464
# answers them as 12 distinct targets. One real collector process per shard (the binary built for the fleet image)
# runs the config Vigil generated, with only its ports, token path and exporter changed for a shared host (see
# collector-config.py); each exports what it scraped to a file. The fleet goes 3 -> 4 -> 2 shards, then the operator
# is stopped for 20 s and started again; analyze.py checks the files.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
eval "$(bash "$root/e2e/tools/bin-path.sh")"
work=$root/e2e/.work/sharding
rm -rf "$work"; mkdir -p "$work"
ns=vigil-sharding
port=19464
interval=2
kubectl() { "$KUBECTL" "$@"; }
pids=()
collector_pid=()
cleanup() {
  for p in "${collector_pid[@]}" "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  kubectl delete namespace $ns --wait=false >/dev/null 2>&1 || true
  kubectl delete node vigil-loopback --wait=false >/dev/null 2>&1 || true
}
trap cleanup EXIT
now() { python3 -c 'import time; print(time.time())'; }
phase() { python3 - "$work/phases.json" "$(now)" "$1" <<'PY'
import json, os, sys
path, at, shards = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
p = json.load(open(path)) if os.path.exists(path) else []
p.append({"at": at, "shards": shards})
json.dump(p, open(path, "w"))
PY
}

python3 "$here/metrics-server.py" $port & pids+=($!)
# A Prometheus the collectors also remote-write into, for the dashboard's "Scraped by shard" panel (shard-panel.py).
prom_port=19391
printf 'global: {}\n' > "$work/prometheus.yml"
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" --web.enable-remote-write-receiver \
  --web.listen-address=127.0.0.1:$prom_port > "$work/prometheus.log" 2>&1 & pids+=($!)
kubectl create namespace $ns >/dev/null
kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Node
metadata:
  name: vigil-loopback
  labels: {vigil.dev/e2e: loopback}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: loop, namespace: $ns}
spec:
  replicas: 0
  selector: {matchLabels: {app: loop}}
  template:
    metadata: {labels: {app: loop}}
    spec:
      containers: [{name: app, image: example/app:1, ports: [{containerPort: $port}]}]
---
apiVersion: vigil.dev/v1alpha1
kind: TelemetryCollector
metadata: {name: fleet, namespace: $ns}
spec:
  shards: 3
  scrapeInterval: ${interval}s
---
apiVersion: vigil.dev/v1alpha1
kind: InstrumentedService
metadata: {name: loop, namespace: $ns}
spec:
  workloadRef: {name: loop}
  metrics: {port: $port, interval: ${interval}s}
YAML
for i in $(seq 2 13); do
  kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: {name: loop-$i, namespace: $ns, labels: {app: loop}}
spec:
  nodeName: vigil-loopback
  tolerations: [{operator: Exists}]
  containers: [{name: app, image: example/app:1, ports: [{containerPort: $port}]}]
YAML
  kubectl patch pod loop-$i -n $ns --subresource=status --type=merge \
    -p "{\"status\":{\"phase\":\"Running\",\"podIP\":\"127.0.0.$i\",\"podIPs\":[{\"ip\":\"127.0.0.$i\"}]}}" >/dev/null
done
for _ in $(seq 1 90); do
  st=$(kubectl get tc fleet -n $ns -o jsonpath='{.status.shardTargets}' 2>/dev/null || true)
  ho=$(kubectl get tc fleet -n $ns -o jsonpath='{.status.handoffs}' 2>/dev/null || true)
  # all 12 placed, and the hand-offs caused by pods arriving one by one are over
  [ -n "$st" ] && [ "$(python3 -c "import json; print(sum(json.loads('$st')))")" = 12 ] && [ "$ho" = 0 ] && break
  sleep 1
done
echo "fleet status: shardTargets=$st"
kubectl get configmap fleet-collector-config -n $ns -o jsonpath='{.data.collector\.yaml}' > "$work/generated.yaml"
kubectl create token fleet-collector -n $ns --duration=1h > "$work/token"

start_shard() {
  local i=$1
  python3 "$here/collector-config.py" "$work/generated.yaml" "$i" "$work/token" "$work/shard-$i.jsonl" "$work/shard-$i.yaml" \
    "http://127.0.0.1:$prom_port/api/v1/write"
  VIGIL_SHARD=$i "$VIGIL_OTELCOL" --config="$work/shard-$i.yaml" > "$work/collector-$i.log" 2>&1 &
  collector_pid[$i]=$!
}
stop_shard() {
  kill "${collector_pid[$1]}" 2>/dev/null || true
  wait "${collector_pid[$1]}" 2>/dev/null || true
  unset "collector_pid[$1]"
}
replicas() { kubectl get statefulset fleet-collector -n $ns -o jsonpath='{.spec.replicas}'; }
shard_panel() {
  kubectl get configmap loop-dashboard -n $ns -o jsonpath="{.data['$ns-loop\.json']}" > "$work/dashboard.json"
  python3 "$here/shard-panel.py" "$work/dashboard.json" "http://127.0.0.1:$prom_port" \
    "$(python3 -c 'import sys, yaml; c = yaml.safe_load(open(sys.argv[1])); print(c["receivers"]["prometheus"]["config"]["scrape_configs"][0]["http_sd_configs"][0]["url"])' "$work/generated.yaml")" \
    "$work/token" "$1" $ns loop
}

phase 3
for i in 0 1 2; do start_shard $i; done
sleep 30
shard_panel 3

echo "resharding 3 -> 4"
phase 4
kubectl patch tc fleet -n $ns --type=merge -p '{"spec":{"shards":4}}' >/dev/null
for _ in $(seq 1 30); do [ "$(replicas)" = 4 ] && break; sleep 0.5; done
start_shard 3
sleep 35
shard_panel 4

echo "resharding 4 -> 2"
phase 2
kubectl patch tc fleet -n $ns --type=merge -p '{"spec":{"shards":2}}' >/dev/null
# The StatefulSet keeps shards 2 and 3 until their targets are handed off; their "pods" go when it shrinks.
t0=$SECONDS
for _ in $(seq 1 120); do [ "$(replicas)" = 2 ] && break; sleep 0.5; done
echo "StatefulSet shrank to $(replicas) replicas $((SECONDS - t0)) s after the change"
stop_shard 3; stop_shard 2
sleep 20

echo "operator down for 20 s: the collectors keep their last target lists"
down=$(now)
bash "$root/e2e/operator.sh" stop >/dev/null
sleep 20
up=$(now)
bash "$root/e2e/operator.sh" start >/dev/null
python3 - "$work/phases.json" "$down" "$up" <<'PY'
import json, sys
p = json.load(open(sys.argv[1])); p.append({"outage": [float(sys.argv[2]), float(sys.argv[3])]})
json.dump(p, open(sys.argv[1], "w"))
PY
sleep 15
for i in 0 1; do stop_shard $i; done
kubectl get tc fleet -n $ns -o jsonpath='{.status.shardTargets} imbalance={.status.imbalance}{"\n"}'
# The operator drains a moved target for overlap = propagation (SD refresh 5 s + scrape-manager reload 5 s)
# + 2 intervals; the old shard acts on the end of the hand-off within one more propagation, so two shards may
# scrape a target for up to overlap + 10 s after the change.
python3 "$here/analyze.py" "$work/shard-*.jsonl" "$work/phases.json" $interval $((10 + 2 * interval + 10))
