#!/usr/bin/env bash
# Runs the operator as a local process against the local control plane (KUBECONFIG), in the production profile
# (server-side apply, leader election), logging to e2e/.work/operator.log.
#   e2e/operator.sh start | stop | restart | kill9 | log
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$root/e2e/.work
pidfile=$work/operator.pid
log=$work/operator.log
: "${KUBECONFIG:?KUBECONFIG must point at the cluster (eval \"\$(e2e/cluster/up.sh)\")}"
mkdir -p "$work"

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

start() {
  running && return 0
  [ -f "$root/target/quarkus-app/quarkus-run.jar" ] || (cd "$root" && mvn -B -ntp -q package -DskipTests)
  eval "$(bash "$root/e2e/tools/bin-path.sh")"
  # The collector validator makes ConfigValid use the real collector, as the operator image does.
  # Periodic reconciles every 10 s (production default: 10 h) make the no-needless-writes suite measure
  # reconciles over converged state, not silence.
  QUARKUS_OPERATOR_SDK_CONTROLLERS_TELEMETRYCOLLECTOR_MAX_RECONCILIATION_INTERVAL=${VIGIL_RESYNC:-10S} \
  QUARKUS_OPERATOR_SDK_CONTROLLERS_INSTRUMENTEDSERVICE_MAX_RECONCILIATION_INTERVAL=${VIGIL_RESYNC:-10S} \
  VIGIL_COLLECTOR_VALIDATOR_BINARY=$VIGIL_OTELCOL VIGIL_LEADER_ELECTION_LEASE_NAMESPACE=default \
  VIGIL_SLO_PROMTOOL_BINARY=${VIGIL_PROMTOOL:-$(command -v promtool || true)} VIGIL_CRD_RECHECK_INTERVAL=5s \
  VIGIL_SLO_MEASURE_INTERVAL=10s \
  VIGIL_DASHBOARDS_GRAFANA_OPERATOR_INSTANCE_SELECTOR=${VIGIL_GRAFANA_INSTANCE_SELECTOR-dashboards=grafana} \
  VIGIL_SD_BASE_URL=http://127.0.0.1:${VIGIL_OPERATOR_PORT:-18080} \
    QUARKUS_HTTP_PORT=${VIGIL_OPERATOR_PORT:-18080} \
    nohup java -Xmx384m -XX:+UseSerialGC -jar "$root/target/quarkus-app/quarkus-run.jar" >>"$log" 2>&1 &
  echo $! > "$pidfile"
  for _ in $(seq 1 60); do
    if curl -fsS "http://127.0.0.1:${VIGIL_OPERATOR_PORT:-18080}/q/health/ready" >/dev/null 2>&1; then
      echo "operator ready (pid $(cat "$pidfile"), log $log)"; return 0
    fi
    running || { echo "operator exited; last log lines:"; tail -30 "$log"; return 1; }
    sleep 1
  done
  echo "operator not ready after 60 s"; tail -30 "$log"; return 1
}

stop() {
  running || { rm -f "$pidfile"; return 0; }
  kill "$(cat "$pidfile")"; for _ in $(seq 1 30); do running || break; sleep 0.5; done
  running && kill -9 "$(cat "$pidfile")"; rm -f "$pidfile"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  kill9) running && kill -9 "$(cat "$pidfile")"; rm -f "$pidfile" ;;
  log) cat "$log" ;;
  *) echo "usage: $0 start|stop|restart|kill9|log" >&2; exit 2 ;;
esac
