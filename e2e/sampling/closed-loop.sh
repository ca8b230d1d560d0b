#!/usr/bin/env bash
# Trace sampling, the whole loop on real parts (issue 16). Needs the local control plane and the operator running
# (e2e/test-e2e.sh does both).
#
#   sampling demo apps (e2e/sampling-demo: OpenTelemetry Java SDK, parentbased jaeger_remote sampler polling every 1 s)
#     --OTLP-->  Vigil's collector (the fleet's generated config: vigilsampling extension + spanmetrics connector)
#     --remote write-->  Prometheus (Debian)  -->  operator (evaluates every 15 s)  -->  /sampling/v1  -->  extension
#
# Three services, one fleet, at once:
#   steps   adaptive, target 20 spans/s: 50 -> 500 -> 100 root spans/s; Prometheus stopped for 60 s in the last phase
#   burn    adaptive, target 20 spans/s at 100/s; half its requests fail for 30 s: its SLO burns, sampling is boosted
#   fixed   fixed ratio 0.25 at 500/s: the share the SDK keeps of 10,000+ traces
# analyze.py prints the timeline and checks the claims; VIGIL_SAMPLING_PHASE_S scales the phases (default 150).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
eval "$(bash "$root/e2e/tools/bin-path.sh")"
: "${KUBECONFIG:?KUBECONFIG must point at the cluster}"
work=${VIGIL_SAMPLING_WORK:-$root/e2e/.work/sampling}
rm -rf "$work"; mkdir -p "$work"
ns=vigil-sampling
phase_s=${VIGIL_SAMPLING_PHASE_S:-150}
prom_port=19591; otlp_port=24317; grpc_port=24250; http_port=25778; health_port=23191
kubectl() { "$KUBECTL" "$@"; }
export KUBECTL
pids=()
prom_pid=
cleanup() {
  for p in "${pids[@]}" $prom_pid; do kill "$p" 2>/dev/null || true; done
  [ -n "${VIGIL_SAMPLING_KEEP:-}" ] || kubectl delete namespace $ns --wait=false >/dev/null 2>&1 || true
}
trap cleanup EXIT
now() { python3 -c 'import time; print(time.time())'; }
mark() { printf '{"at": %s, "mark": "%s"}\n' "$(now)" "$1" >> "$work/marks.jsonl"; }

# The demo service, built once per checkout (Maven cache as for the operator).
demo_jar=$(bash "$root/e2e/tools/demo-jar.sh" sampling-demo)

cat > "$work/prometheus.yml" <<YAML
global: {scrape_interval: 5s, evaluation_interval: 5s}
scrape_configs:
  - job_name: demo
    static_configs:
      - targets: ["127.0.0.1:18191"]
        labels: {namespace: $ns, service: steps}
      - targets: ["127.0.0.1:18192"]
        labels: {namespace: $ns, service: burn}
      - targets: ["127.0.0.1:18193"]
        labels: {namespace: $ns, service: fixed}
YAML
start_prometheus() {
  prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" --web.enable-remote-write-receiver \
    --web.listen-address=127.0.0.1:$prom_port --log.level=warn >>"$work/prometheus.log" 2>&1 &
  prom_pid=$!
  for _ in $(seq 1 60); do curl -fsS "http://127.0.0.1:$prom_port/-/ready" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "Prometheus not ready"; tail -20 "$work/prometheus.log"; return 1
}
start_prometheus

kubectl create namespace $ns >/dev/null
{
  cat <<YAML
apiVersion: vigil.dev/v1alpha1
kind: TelemetryCollector
metadata: {name: platform}
spec:
  prometheus: {url: "http://127.0.0.1:$prom_port"}
  exporters:
    prometheusRemoteWrite: {url: "http://127.0.0.1:$prom_port/api/v1/write"}
YAML
  for app in steps burn fixed; do
    cat <<YAML
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: $app}
spec:
  replicas: 0
  selector: {matchLabels: {app: $app}}
  template:
    metadata: {labels: {app: $app}}
    spec:
      containers: [{name: app, image: example/sampling-demo:1, ports: [{containerPort: 9464}]}]
YAML
  done
  cat <<YAML
---
apiVersion: vigil.dev/v1alpha1
kind: InstrumentedService
metadata: {name: steps}
spec:
  workloadRef: {name: steps}
  metrics: {port: 9464}
  traces:
    sampling: {mode: adaptive, targetSpansPerSecond: 20}
---
apiVersion: vigil.dev/v1alpha1
kind: InstrumentedService
metadata: {name: burn}
spec:
  workloadRef: {name: burn}
  metrics: {port: 9464}
  traces:
    sampling: {mode: adaptive, targetSpansPerSecond: 20}
  slos:
    - name: availability
      objective: "99.9"
      window: 30d
      indicator:
        ratio:
          errors: sum(rate(demo_requests_total{service="burn",code="500"}[\$window]))
          total: sum(rate(demo_requests_total{service="burn"}[\$window]))
---
apiVersion: vigil.dev/v1alpha1
kind: InstrumentedService
metadata: {name: fixed}
spec:
  workloadRef: {name: fixed}
  metrics: {port: 9464}
  traces:
    sampling: {mode: fixed, ratio: 0.25}
YAML
} | kubectl apply -n $ns -f - >/dev/null

# The fleet's generated config, run as one local collector process with the fleet's token.
for _ in $(seq 1 60); do
  kubectl get configmap platform-collector-config -n $ns >/dev/null 2>&1 && break; sleep 0.5
done
kubectl get configmap platform-collector-config -n $ns -o jsonpath='{.data.collector\.yaml}' > "$work/generated.yaml"
kubectl create token platform-collector -n $ns --duration=1h > "$work/token"
python3 "$here/collector-config.py" "$work/generated.yaml" "$work/token" $otlp_port $grpc_port $http_port $health_port \
  "$work/collector.yaml"
VIGIL_SHARD=0 "$VIGIL_OTELCOL" --config="$work/collector.yaml" > "$work/collector.log" 2>&1 & pids+=($!)
for _ in $(seq 1 60); do curl -fsS "http://127.0.0.1:$http_port/sampling?service=fixed" >/dev/null 2>&1 && break; sleep 0.5; done
echo "strategy served for fixed: $(curl -fsS "http://127.0.0.1:$http_port/sampling?service=fixed")"

start_app() {  # name control-port rate
  SERVICE_NAME=$1 HTTP_PORT=$2 RATE=$3 OTLP_ENDPOINT=http://127.0.0.1:$otlp_port \
    SAMPLING_ENDPOINT=http://127.0.0.1:$grpc_port SAMPLING_POLL_MS=1000 EVENTS_FILE="$work/app-$1.jsonl" \
    java -Xmx128m -XX:+UseSerialGC -cp "$demo_jar:$root/e2e/sampling-demo/target/lib/*" dev.vigil.demo.SamplingDemo \
    > "$work/app-$1.log" 2>&1 & pids+=($!)
}
mark load-start
start_app steps 18191 50
start_app burn 18192 100
start_app fixed 18193 500
python3 "$here/observe.py" $ns "$work/observed.jsonl" steps burn fixed & pids+=($!)
observer=$!
slo_observer() {
  while true; do
    printf '{"at": %s, "burn5m": "%s"}\n' "$(now)" \
      "$(kubectl get isvc burn -n $ns -o jsonpath='{.status.slos[0].burnRates.5m}' 2>/dev/null)" >> "$work/slo.jsonl"
    sleep 1
  done
}
slo_observer & pids+=($!)
rate() { curl -fsS "http://127.0.0.1:$1/rate?perSecond=$2" >/dev/null; mark "$3"; }
errors() { curl -fsS "http://127.0.0.1:18192/errors?share=$1" >/dev/null; mark "$2"; }

sleep 30
curl -fsS "http://127.0.0.1:18193/rate?perSecond=0" >/dev/null; mark fixed-done
errors 0.5 errors-on
sleep 30
errors 0 errors-off
sleep $((phase_s - 60))
rate 18191 500 step-500
sleep "$phase_s"
rate 18191 100 step-100
sleep $((phase_s * 4 / 5))
mark prometheus-stopped
kill $prom_pid; wait $prom_pid 2>/dev/null || true; prom_pid=
sleep 60
mark prometheus-started
start_prometheus
sleep 45
mark load-end
kill $observer 2>/dev/null || true

# An SLO report of the month so far, asked for with the annotation, computed by the operator from this Prometheus
# (the burn service's errors make it miss its objective).
kubectl annotate isvc burn -n $ns vigil.dev/slo-report-request=e2e --overwrite >/dev/null
for _ in $(seq 1 60); do
  [ "$(kubectl get isvc burn -n $ns -o jsonpath='{.status.sloReport.request}')" = e2e ] && break; sleep 1
done
summary=$(kubectl get isvc burn -n $ns -o jsonpath='{.status.sloReport.summary[0]}')
report=$(kubectl get configmap burn-slo-report -n $ns -o jsonpath='{.data.report\.md}')
echo "SLO report on request: $summary"
case "$summary" in "availability: "*"% of 99.9% (missed, "*) ;; *) echo "FAIL: SLO report summary: $summary"; exit 1 ;; esac
case "$report" in *"(so far)"*"| availability | 99.9% |"*) ;; *) echo "FAIL: report.md: $report"; exit 1 ;; esac

python3 "$here/analyze.py" "$work" --phase "$phase_s"
