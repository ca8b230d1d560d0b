#!/usr/bin/env bash
# Scale benchmark (issue 17): N InstrumentedServices, each with a one-replica Deployment on kwok nodes, collected by
# one fleet of 3 shards; the operator as a local process (e2e/operator.sh: the image's JVM arguments sized for the
# chart's 512Mi limit, VIGIL_MEMORY_LIMIT; VIGIL_RESYNC=10H for the production resync instead of the e2e's 10 s).
# Prints, all from this run: the operator's RSS idle with the fleet alone (the baseline) and after N services
# converged (and the ratio), the time from the apply to every service Ready, the write requests and CPU seconds of
# the operator in an idle window after convergence, and whether it exited; from the apply to convergence, the write
# requests per service by client (bench/audit-requests.py) and the watch events by resource, with their bytes
# (bench/watch-bytes.py; each event goes to every watcher of its resource, the operator's informers among them), and
# the CPU seconds of the operator, of the checks it ran as processes and of each control-plane process
# (bench/cpu-by-process.py); and the TLS protocol and suite the operator's client agreed on with the apiserver.
# usage: bench/scale.sh [N=1000] [IDLE_SECONDS=60]. Brings up and takes down its own control plane.
# BENCH_FLEETS=F (default 1): F namespaces bench-0.., each with a fleet of 3 shards and N/F of the services;
# BENCH_REPLICAS=R (default 1) pods per service; BENCH_READY_TIMEOUT seconds to wait for Ready (default 900);
# BENCH_APPLY_STREAMS=S (default 4) concurrent applies of the services.
# BENCH_NMT=1: the JVM's native memory tracking, its summary printed after convergence (what the RSS is made of).
# BENCH_HEAPDUMP=FILE: a heap dump of live objects after convergence (bench/heap-text.py tells what its text is).
# BENCH_JFR=FILE: a flight recording (profile settings) of the operator from the apply to every service Ready.
# BENCH_PPROF=FILE: a CPU profile of the kube-apiserver (its /debug/pprof/profile) over the BENCH_PPROF_SECONDS
# (default 30) from the apply's start; read it with `go tool pprof -top KUBE_APISERVER_BINARY FILE`.
# BENCH_OPERATOR=0: no operator; prints how long the apply alone takes on this control plane, and then until every
# pod runs (the floor of every Ready time: the apiserver, etcd, the controller-manager, the scheduler and kwok on the
# same cores, without Vigil's load).
# BENCH_STRICT=1 (the CI smoke run) makes it fail on an exit or OOM, a service not Ready, or a write when idle.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
n=${1:-1000}
idle=${2:-60}
fleets=${BENCH_FLEETS:-1}
replicas=${BENCH_REPLICAS:-1}
namespaces=(); for f in $(seq 0 $((fleets - 1))); do namespaces+=("bench-$f"); done
eval "$(bash e2e/tools/bin-path.sh)"
export PATH="$KUBE_BIN:$(dirname "$VIGIL_HELM"):$PATH"
[ -f target/quarkus-app/quarkus-run.jar ] || mvn -B -ntp -q package -DskipTests
eval "$(bash e2e/cluster/up.sh)"
cleanup() { bash e2e/operator.sh stop >/dev/null 2>&1 || true; bash e2e/cluster/down.sh >/dev/null 2>&1 || true; }
trap cleanup EXIT
# kwok nodes take 110 pods each; the 3 of up.sh plus enough for N x R (and the fleets' shards).
extra=$(( (n * replicas + 3 * fleets + 100) / 100 ))
KWOK_WORKDIR=$root/e2e/.work/kwok "$KWOKCTL" scale node --name vigil --replicas $((3 + extra)) >&2
kubectl apply --server-side --field-manager=vigil-bench -f crds/ >/dev/null
bash e2e/tools/wait-crds.sh
rm -f e2e/.work/operator.log
[ -z "${BENCH_NMT:-}" ] || export JAVA_TOOL_OPTIONS="${JAVA_TOOL_OPTIONS:-} -XX:NativeMemoryTracking=summary"
operator=${BENCH_OPERATOR:-1}
[ "$operator" = 0 ] || VIGIL_OPERATOR_FROM=jar bash e2e/operator.sh start >/dev/null
pid=$(cat e2e/.work/operator.pid 2>/dev/null || true); [ "$operator" != 0 ] || pid=
rss() { awk '/VmRSS/ {printf "%d", $2 / 1024}' "/proc/$pid/status" 2>/dev/null || echo 0; }
cpu() { awk '{printf "%d", ($14 + $15)}' "/proc/$pid/stat" 2>/dev/null || echo 0; }   # clock ticks (utime + stime)
ticks=$(getconf CLK_TCK)

for ns in "${namespaces[@]}"; do
  kubectl create namespace "$ns" >/dev/null
  kubectl apply -n "$ns" -f - >/dev/null <<YAML
apiVersion: vigil.dev/v1alpha1
kind: TelemetryCollector
metadata: {name: platform}
spec: {shards: 3}
YAML
done
for ns in "${namespaces[@]}"; do
  [ "$operator" != 0 ] || break
  for _ in $(seq 1 120); do
    [ "$(kubectl get tc platform -n "$ns" -o jsonpath='{.status.conditions[?(@.type=="ConfigValid")].status}' 2>/dev/null)" = True ] && break
    sleep 1
  done
done
sleep 20
base_rss=$(rss)
echo "operator RSS with $fleets fleet(s) and no service: ${base_rss} MiB"

# One SLO per service (${i}: the service's index, see e2e/tools/services.py).
slo=$(cat <<'YAML'
  slos:
    - name: availability
      objective: "99.9"
      indicator:
        ratio:
          errors: 'sum(rate(http_server_request_duration_seconds_count{service="svc-${i}",http_response_status_code=~"5.."}[$window]))'
          total: 'sum(rate(http_server_request_duration_seconds_count{service="svc-${i}"}[$window]))'
YAML
)
for f in $(seq 0 $((fleets - 1))); do
  count=$(( n / fleets + (f < n % fleets ? 1 : 0) ))
  python3 e2e/tools/services.py "bench-$f" "$count" --replicas "$replicas" --spec "$slo"
  echo "---"
done > "$root/e2e/.work/bench-services.yaml"
# Applied in BENCH_APPLY_STREAMS (default 4) concurrent server-side applies of consecutive slices, as a GitOps tool
# applies many objects (Argo CD: 20 at once by default); one kubectl stream is one request at a time.
streams=${BENCH_APPLY_STREAMS:-4}
python3 - "$root/e2e/.work/bench-services.yaml" "$streams" <<'PY'
import sys
path, k = sys.argv[1], int(sys.argv[2])
docs = [d for d in open(path).read().split("\n---\n") if d.strip()]
for j in range(k):
    with open(f"{path}.{j}", "w") as out:
        out.write("\n---\n".join(docs[j * len(docs) // k:(j + 1) * len(docs) // k]) + "\n")
PY
audit=$(bash e2e/cluster/audit-log.sh)
apply_mark=$(python3 e2e/auditlog.py mark "$audit")
# The operator's reconciles by kind (vigil_reconciles_total), to count those from the apply to Ready; those put off
# to the end of a fleet's pacing interval (outcome="deferred", no work done) apart, as KIND_deferred.
reconciles() {
  curl -fsS "http://127.0.0.1:${VIGIL_OPERATOR_PORT:-18080}/q/metrics" 2>/dev/null \
    | awk -F'[{}]' '/^vigil_reconciles_total\{/ {match($2, /kind="[^"]*"/); k = substr($2, RSTART + 6, RLENGTH - 7); if ($2 ~ /outcome="deferred"/) k = k "_deferred"; split($3, v, " "); s[k] += v[1]} END {for (k in s) printf "%s=%d ", k, s[k]}'
}
[ "$operator" = 0 ] || reconciles0=$(reconciles)
kubectl get --raw /metrics > e2e/.work/bench-metrics.before
[ -z "${BENCH_JFR:-}" ] || [ -z "$pid" ] || jcmd "$pid" JFR.start name=bench settings=profile >/dev/null
pprof_pid=
[ -z "${BENCH_PPROF:-}" ] || { kubectl get --raw "/debug/pprof/profile?seconds=${BENCH_PPROF_SECONDS:-30}" > "$BENCH_PPROF" & pprof_pid=$!; }
python3 bench/cpu-by-process.py snapshot "${pid:-}" > e2e/.work/bench-cpu.before
t0=$(date +%s.%N)
appliers=()
for j in $(seq 0 $((streams - 1))); do
  kubectl apply --server-side --field-manager=vigil-bench -f "$root/e2e/.work/bench-services.yaml.$j" >/dev/null &
  appliers+=($!)
done
for a in "${appliers[@]}"; do wait "$a"; done
applied=$(date +%s.%N)
if [ "$operator" = 0 ]; then
  echo "apply of $n services alone (no operator, $streams streams): $(python3 -c "print(round($applied - $t0, 1))") s"
  # The rest of the cascade: the controller-manager's ReplicaSets and pods, the scheduler, kwok running them.
  # (listed every n/2000+1 s: listing 20,000 pods every second would itself load the apiserver being measured)
  running=0
  deadline=$(( $(date +%s) + ${BENCH_READY_TIMEOUT:-900} ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    running=$(kubectl get pods -A --field-selector=status.phase=Running --no-headers 2>/dev/null | wc -l)
    [ "$running" -ge $((n * replicas)) ] && break
    sleep $(( n / 2000 + 1 ))
  done
  echo "pods Running: $running/$((n * replicas)), $(python3 -c "import time; print(round(time.time() - $t0, 1))") s after the apply began"
  kubectl get --raw /metrics > e2e/.work/bench-metrics.after
  python3 bench/cpu-by-process.py snapshot > e2e/.work/bench-cpu.after
  python3 bench/watch-bytes.py e2e/.work/bench-metrics.before e2e/.work/bench-metrics.after "$n"
  python3 bench/cpu-by-process.py diff e2e/.work/bench-cpu.before e2e/.work/bench-cpu.after
  [ -z "$pprof_pid" ] || wait "$pprof_pid" || true
  exit 0
fi
ready=0
deadline=$(( $(date +%s) + ${BENCH_READY_TIMEOUT:-900} ))
poll=$(( n / 2000 + 1 ))   # listing 10,000 services every second would load the apiserver the operator needs
while [ "$(date +%s)" -lt "$deadline" ]; do
  ready=$(kubectl get isvc -A -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | grep -c True || true)
  [ "$ready" -ge "$n" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep "$poll"
done
t1=$(date +%s.%N)
python3 bench/cpu-by-process.py snapshot "$pid" > e2e/.work/bench-cpu.after
kubectl get --raw /metrics > e2e/.work/bench-metrics.after
alive=yes; kill -0 "$pid" 2>/dev/null || alive="no: $(grep -m1 -o 'Terminating due to .*' e2e/.work/operator.log || echo exited)"
[ -z "${BENCH_JFR:-}" ] || { rm -f "$BENCH_JFR"; jcmd "$pid" JFR.stop name=bench filename="$BENCH_JFR" >/dev/null; }
[ -z "$pprof_pid" ] || wait "$pprof_pid" || echo "no apiserver profile: kubectl get --raw /debug/pprof/profile failed"
reconciles1=$(reconciles)
echo "services Ready: $ready/$n, $(python3 -c "print(round($t1 - $t0, 1))") s after the apply began (apply took $(python3 -c "print(round($applied - $t0, 1))") s); operator alive: $alive"
[ "$alive" = yes ] || exit 1
# What the heap holds after convergence (the 27 largest classes of live objects, and the total), with BENCH_HISTO=1.
[ -z "${BENCH_HISTO:-}" ] || { histo=$(jcmd "$pid" GC.class_histogram 2>/dev/null); echo "$histo" | sed -n 1,30p; echo "$histo" | sed -n '$p'; }
# The controller-manager and kwok may still be creating pods: every pod a target of a shard before the idle window
# (each new pod changes the fleet's shard counts in status, a write).
p0=$(date +%s)
placed=0
for _ in $(seq 1 900); do
  placed=$(kubectl get tc -A -o jsonpath='{range .items[*]}{.status.shardTargets}{"\n"}{end}' \
    | python3 -c 'import json, sys; print(sum(sum(json.loads(l)) for l in sys.stdin if l.strip()))')
  [ "$placed" -ge $((n * replicas)) ] && break
  sleep "$poll"
done
echo "pods placed on shards: $placed/$((n * replicas)), $(( $(date +%s) - p0 )) s after every service was Ready"
# Hand-offs started while the pods arrived end on their deadline (each end is a status and a ConfigMap write):
# convergence includes them.
h0=$(date +%s)
for _ in $(seq 1 600); do
  h=$(kubectl get tc -A -o jsonpath='{range .items[*]}{.status.handoffs}{"\n"}{end}' | grep -v -c '^0\?$' || true)
  [ "$h" = 0 ] && break
  sleep 1
done
echo "running hand-offs ended $(( $(date +%s) - h0 )) s after every pod was placed"
sleep 15
conv_rss=$(rss)
echo "operator RSS after convergence: ${conv_rss} MiB ($(python3 -c "print(round($conv_rss / $base_rss, 2))")x the idle baseline)"
[ -z "${BENCH_HEAPDUMP:-}" ] || { rm -f "$BENCH_HEAPDUMP"; jcmd "$pid" GC.heap_dump "$BENCH_HEAPDUMP" >/dev/null; echo "heap dump: $BENCH_HEAPDUMP"; }
[ -z "${BENCH_NMT:-}" ] || jcmd "$pid" VM.native_memory summary scale=MB 2>/dev/null | grep -E '^(Total|-)' | sed 's/^-  *//' | sed -n 1,25p
echo "writes from the apply to convergence, by client (per service):"
python3 bench/audit-requests.py "$audit" "$apply_mark" "$n"
python3 - "$reconciles0" "$reconciles1" "$n" <<'PY'
import sys
before = dict(kv.split("=") for kv in sys.argv[1].split())
after = dict(kv.split("=") for kv in sys.argv[2].split())
n = int(sys.argv[3])
print("reconciles from the apply to Ready: " + ", ".join(
    f"{kind} {int(v) - int(before.get(kind, 0))} ({(int(v) - int(before.get(kind, 0))) / n:.1f} per service)"
    for kind, v in sorted(after.items())))
PY
echo "from the apply to Ready, the watch events (each sent to every watcher of its resource):"
python3 bench/watch-bytes.py e2e/.work/bench-metrics.before e2e/.work/bench-metrics.after "$n"
echo "from the apply to Ready, where the cores went:"
python3 bench/cpu-by-process.py diff e2e/.work/bench-cpu.before e2e/.work/bench-cpu.after
mark=$(python3 e2e/auditlog.py mark "$audit"); c0=$(cpu)
sleep "$idle"
c1=$(cpu)
echo "idle ${idle} s: operator CPU $(python3 -c "print(round(($c1 - $c0) / $ticks / $idle * 100, 1))") % of a core"
idle_out=$(python3 e2e/audit-writes.py "$audit" "$mark")
echo "$idle_out" | tail -15
idle_writes=$(echo "$idle_out" | sed -n 's/.*writes=\([0-9]*\).*/\1/p')
echo "operator RSS at the end: $(rss) MiB; full GCs and OOM in its log: $(grep -c -i 'OutOfMemory' e2e/.work/operator.log || true) OOM lines"
echo "the operator's TLS to the apiserver: $(grep -m1 -o 'TLS to .*' e2e/.work/operator.log || echo 'not logged')"
if [ -n "${BENCH_STRICT:-}" ]; then
  kill -0 "$pid" 2>/dev/null || { echo "FAIL: the operator exited"; exit 1; }
  [ "$ready" -ge "$n" ] || { echo "FAIL: $ready/$n services Ready"; exit 1; }
  [ "$idle_writes" = 0 ] || { echo "FAIL: $idle_writes writes while idle"; exit 1; }
  echo "scale smoke run passed: $n services Ready, 0 writes in ${idle} s idle, no OOM"
fi
