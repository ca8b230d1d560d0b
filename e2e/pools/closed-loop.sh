#!/usr/bin/env bash
# Connection-pool autoscaling, the whole loop on real parts (issue 4). Needs the local control plane and the
# operator running (e2e/test-e2e.sh does both).
#
#   redis-server (Debian)  <-  pool demo service (e2e/pool-demo: Jedis on commons-pool2, OpenTelemetry SDK metrics,
#                              watches its pool size in Vigil's ConfigMap through the API server and resizes live)
#   Prometheus (Debian), 5 s scrape of the demo  ->  operator (evaluates every 5 s)  ->  ConfigMap pool-demo-pools
#
# The load generator holds connections (100 ms per request) in phases calm (3 clients) / spike (16) / calm; then
# Prometheus is stopped mid-run (the size must hold and the pool say why) and started again (the loop must resume:
# a second spike grows the pool again). analyze.py prints the timeline and checks the claims.
#   e2e/pools/closed-loop.sh [--phases name:clients:seconds,...]   (bench/pools.sh reuses it)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
eval "$(bash "$root/e2e/tools/bin-path.sh")"
: "${KUBECONFIG:?KUBECONFIG must point at the cluster}"
work=${VIGIL_POOLS_WORK:-$root/e2e/.work/pools}
rm -rf "$work"; mkdir -p "$work"
ns=${VIGIL_POOL_NS:-vigil-pools}
redis_port=16379; http_port=18090; metrics_port=19465; prom_port=19090
phases=${VIGIL_POOL_PHASES:-calm:3:20,spike:16:60,calm:3:75}
mode=${VIGIL_POOL_MODE:-full}   # full: + Prometheus outage and resume; loop: the phases only; bench: no checks
kubectl() { "$KUBECTL" "$@"; }
pids=()
prom_pid=
cleanup() {
  for p in "${pids[@]}" $prom_pid; do kill "$p" 2>/dev/null || true; done
  [ -n "${VIGIL_POOLS_KEEP:-}" ] || kubectl delete namespace $ns --wait=false >/dev/null 2>&1 || true
}
trap cleanup EXIT
now() { python3 -c 'import time; print(time.time())'; }
mark() { printf '{"at": %s, "mark": "%s"}\n' "$(now)" "$1" >> "$work/marks.jsonl"; }

# The demo service, built once per checkout (Maven cache as for the operator).
demo_jar=$(bash "$root/e2e/tools/demo-jar.sh" pool-demo)

redis-server --port $redis_port --bind 127.0.0.1 --save "" --appendonly no --daemonize no --hz 100 \
  --logfile "$work/redis.log" & pids+=($!)

kubectl create namespace $ns >/dev/null
kubectl apply -n $ns -f - >/dev/null <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: pool-demo}
spec:
  replicas: 1
  selector: {matchLabels: {app: pool-demo}}
  template:
    metadata: {labels: {app: pool-demo}}
    spec:
      containers: [{name: app, image: example/pool-demo:1, ports: [{containerPort: $metrics_port}]}]
---
apiVersion: vigil.dev/v1alpha1
kind: TelemetryCollector
metadata: {name: platform}
spec:
  prometheus: {url: "http://127.0.0.1:$prom_port"}
---
apiVersion: vigil.dev/v1alpha1
kind: InstrumentedService
metadata: {name: pool-demo}
spec:
  workloadRef: {name: pool-demo}
  metrics: {port: $metrics_port, interval: 5s}
  pools:
$(grep -v '^#' "$here/cache-pool.yaml" | sed 's/^/    /')
      budget: {maxConnections: 48}
YAML

cat > "$work/prometheus.yml" <<YAML
global: {scrape_interval: 5s, evaluation_interval: 5s}
scrape_configs:
  - job_name: pool-demo
    static_configs:
      - targets: ["127.0.0.1:$metrics_port"]
        labels: {namespace: $ns, service: pool-demo, pod: pool-demo-0}
  # The operator itself, as a ServiceMonitor would have it: the generated dashboard reads its pool gauges.
  - job_name: vigil-operator
    metrics_path: /q/metrics
    static_configs:
      - targets: ["127.0.0.1:${VIGIL_OPERATOR_PORT:-18080}"]
        labels: {namespace: vigil-system, service: vigil, pod: vigil-0}
YAML
start_prometheus() {
  prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
    --web.listen-address=127.0.0.1:$prom_port --log.level=warn >>"$work/prometheus.log" 2>&1 &
  prom_pid=$!
  for _ in $(seq 1 60); do curl -fsS "http://127.0.0.1:$prom_port/-/ready" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "Prometheus not ready"; tail -20 "$work/prometheus.log"; return 1
}
start_prometheus

for _ in $(seq 1 60); do redis-cli -p $redis_port ping >/dev/null 2>&1 && break; sleep 0.2; done
REDIS_PORT=$redis_port HTTP_PORT=$http_port METRICS_PORT=$metrics_port POOL_NAME=cache INITIAL_SIZE=4 \
  POOL_NAMESPACE=$ns POOL_CONFIGMAP=pool-demo-pools EVENTS_FILE="$work/app.jsonl" \
  java -Xmx256m -XX:+UseSerialGC -cp "$demo_jar:$root/e2e/pool-demo/target/lib/*" dev.vigil.demo.PoolDemo \
  >"$work/app.log" 2>&1 & pids+=($!)
for _ in $(seq 1 60); do curl -fsS "http://127.0.0.1:$http_port/state" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fsS "http://127.0.0.1:$http_port/state"

# Status and ConfigMap as the operator writes them, twice a second, for the analysis.
python3 "$here/observe.py" --namespace $ns --service pool-demo --out "$work/observed.jsonl" & pids+=($!)
observer=$!

# The pool is live once the ConfigMap exists and Prometheus has seen the service.
for _ in $(seq 1 120); do
  [ "$(kubectl get configmap pool-demo-pools -n $ns -o jsonpath='{.data.cache}' 2>/dev/null)" = 4 ] \
    && curl -fsS "http://127.0.0.1:$prom_port/api/v1/query?query=redis_client_pool_max" | grep -q pool-demo && break
  sleep 0.5
done

echo "load phases: $phases"
mark load-start
python3 "$here/loadgen.py" --url "http://127.0.0.1:$http_port" --hold-ms 100 --phases "$phases" --out "$work/load.jsonl"
mark load-end

if [ "$mode" = full ]; then
  pool_state() {
    kubectl get isvc pool-demo -n $ns -o jsonpath='{.status.pools[0].size} {.status.pools[0].conditions[?(@.type=="MetricsAvailable")].reason}'
  }
  # Prometheus goes away under calm load: the size holds, MetricsAvailable=False says why.
  python3 "$here/loadgen.py" --url "http://127.0.0.1:$http_port" --hold-ms 100 --phases outage:3:45 \
    --out "$work/load-outage.jsonl" & load=$!
  sleep 5
  mark prometheus-stopped
  kill $prom_pid; wait $prom_pid 2>/dev/null || true; prom_pid=
  for _ in $(seq 1 60); do
    case "$(pool_state)" in *PrometheusUnavailable) break ;; esac; sleep 0.5
  done
  mark outage-seen
  echo "during the outage: $(pool_state)"
  sleep 20
  mark prometheus-started
  start_prometheus
  for _ in $(seq 1 60); do
    case "$(pool_state)" in *SignalsRead) break ;; esac; sleep 0.5
  done
  mark signals-back
  echo "after the restart: $(pool_state)"
  wait $load
  # The loop resumes: a second spike grows the pool again.
  mark resume-spike
  python3 "$here/loadgen.py" --url "http://127.0.0.1:$http_port" --hold-ms 100 --phases spike2:16:30 \
    --out "$work/load-resume.jsonl"
  mark resume-end
  # With a fleet and a pooled service in place: the chart's operator dashboard finds all its metrics.
  bash "$root/e2e/operator-metrics.sh"
  # The service dashboard the operator generated, its pool rows evaluated on this run's data.
  kubectl get configmap pool-demo-dashboard -n $ns -o jsonpath="{.data['$ns-pool-demo\.json']}" > "$work/dashboard.json"
  python3 "$here/dashboard-panels.py" "$work/dashboard.json" "http://127.0.0.1:$prom_port" $ns \
    "$(python3 -c 'import json, sys; print(min(json.loads(l)["at"] for l in open(sys.argv[1])))' "$work/marks.jsonl")" \
    "$(date +%s.%N)" 5
fi
sleep 1
kill $observer 2>/dev/null || true
[ "$mode" = bench ] || python3 "$here/analyze.py" "$work" --mode "$mode" --prometheus "http://127.0.0.1:$prom_port"
