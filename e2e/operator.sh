#!/usr/bin/env bash
# Runs the operator against the local control plane (KUBECONFIG), in the production profile (server-side apply,
# leader election), logging to e2e/.work/operator.log:
#   VIGIL_OPERATOR_FROM=image (what test-e2e.sh uses): the operator image (e2e/images/build.sh) in a runc
#     container with the chart's security context: user 10001, read-only root filesystem, /tmp a tmpfs, no
#     capabilities, no new privileges, 512 MiB memory limit (the JVM sizes its heap from it); the host's network,
#     so that it reaches the apiserver and collectors reach its service discovery on 127.0.0.1;
#   VIGIL_OPERATOR_FROM=jar (the default): the jar as a local process, with the image's JVM arguments and the heap
#     the same limit gives (VIGIL_MEMORY_LIMIT, default 512m; VIGIL_JAVA_HEAP fixes -Xmx instead).
#   e2e/operator.sh start | stop | restart | kill9 | log
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$root/e2e/.work
pidfile=$work/operator.pid
log=$work/operator.log
: "${KUBECONFIG:?KUBECONFIG must point at the cluster (eval \"\$(e2e/cluster/up.sh)\")}"
mkdir -p "$work"

from=${VIGIL_OPERATOR_FROM:-jar}
port=${VIGIL_OPERATOR_PORT:-18080}
container=vigil-operator-e2e

running() {
  if [ "$from" = image ]; then
    runc state "$container" 2>/dev/null | grep -q '"status": "running"'
  else
    [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
  fi
}

# The operator's settings in the e2e run, the same whichever way it runs.
settings() {
  eval "$(bash "$root/e2e/tools/bin-path.sh")"
  local promtool=${VIGIL_PROMTOOL:-$(command -v promtool || true)}
  # Periodic reconciles every 10 s (production default: 10 h) make the no-needless-writes suite measure
  # reconciles over converged state, not silence.
  cat <<ENV
QUARKUS_OPERATOR_SDK_CONTROLLERS_TELEMETRYCOLLECTOR_MAX_RECONCILIATION_INTERVAL=${VIGIL_RESYNC:-10S}
QUARKUS_OPERATOR_SDK_CONTROLLERS_INSTRUMENTEDSERVICE_MAX_RECONCILIATION_INTERVAL=${VIGIL_RESYNC:-10S}
VIGIL_LEADER_ELECTION_LEASE_NAMESPACE=default
VIGIL_CRD_RECHECK_INTERVAL=5s
VIGIL_SLO_MEASURE_INTERVAL=10s
VIGIL_SLO_TEMPLATES_CONFIGMAP=default/vigil-slo-templates
VIGIL_DASHBOARDS_GRAFANA_OPERATOR_INSTANCE_SELECTOR=${VIGIL_GRAFANA_INSTANCE_SELECTOR-dashboards=grafana}
VIGIL_SD_BASE_URL=http://127.0.0.1:$port
QUARKUS_HTTP_PORT=$port
ENV
  # A fault test's kill point (e2e/faults/kill-points.sh); unset, the operator never stops itself.
  [ -z "${VIGIL_FAIL_AT:-}" ] || echo "VIGIL_FAIL_AT=$VIGIL_FAIL_AT"
  if [ "$from" = image ]; then
    # The image brings its own collector validator (the fleets' binary); promtool comes from the host, mounted.
    [ -z "$promtool" ] || echo "VIGIL_SLO_PROMTOOL_BINARY=/opt/host/promtool"
  else
    # The collector validator makes ConfigValid use the real collector, as the operator image does.
    echo "VIGIL_COLLECTOR_VALIDATOR_BINARY=$VIGIL_OTELCOL"
    echo "VIGIL_SLO_PROMTOOL_BINARY=$promtool"
  fi
}

start_jar() {
  [ -f "$root/target/quarkus-app/quarkus-run.jar" ] || (cd "$root" && mvn -B -ntp -q package -DskipTests)
  # The image's JVM arguments (quarkus.jib.jvm-arguments), sized as in its container: -XX:MaxRAM stands for the
  # chart's 512 MiB memory limit (VIGIL_MEMORY_LIMIT), so the heap's maximum (60 %) and initial size (1/64) are the
  # pod's; VIGIL_JAVA_HEAP, if set, fixes the maximum instead. The image's environment (quarkus.jib.environment-variables,
  # e.g. MALLOC_ARENA_MAX) too.
  local jvm env
  jvm=$(sed -n 's/^quarkus\.jib\.jvm-arguments=//p' "$root/src/main/resources/application.properties" | tr ',' ' ')
  [ -n "$jvm" ] || { echo "no quarkus.jib.jvm-arguments in application.properties" >&2; return 1; }
  env=$(sed -n 's/^quarkus\.jib\.environment-variables\.\([A-Z_][A-Z0-9_]*=[^ ]*\)$/\1/p' "$root/src/main/resources/application.properties")
  # shellcheck disable=SC2086 # one argument per word
  (set -a; eval "$( (settings; echo "$env") | sed '/^$/d; s/^/export /')"; nohup java -XX:MaxRAM="${VIGIL_MEMORY_LIMIT:-512m}" $jvm \
    ${VIGIL_JAVA_HEAP:+-Xmx$VIGIL_JAVA_HEAP} -jar "$root/target/quarkus-app/quarkus-run.jar" >>"$log" 2>&1 & echo $! > "$pidfile")
}

start_image() {
  local images=$work/images bundle=$work/operator-bundle
  [ -d "$images/oci" ] || bash "$root/e2e/images/build.sh" operator
  runc delete --force "$container" >/dev/null 2>&1 || true
  rm -rf "$work/operator-secrets"
  # Unpacked once per image build (the container's root filesystem is read-only, so a start changes nothing in
  # it); every start writes a fresh config.json from the image's own.
  local digest
  digest=$(python3 -c 'import json, sys
print(next(m["digest"] for m in json.load(open(sys.argv[1]))["manifests"]
           if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == "operator"))' "$images/oci/index.json")
  if [ "$(cat "$bundle/image-digest" 2>/dev/null)" != "$digest" ]; then
    rm -rf "$bundle"
    umoci unpack --image "$images/oci:operator" "$bundle" >/dev/null
    cp "$bundle/config.json" "$bundle/config.image.json"
    echo "$digest" > "$bundle/image-digest"
  fi
  cp "$bundle/config.image.json" "$bundle/config.json"
  local promtool=${VIGIL_PROMTOOL:-$(command -v promtool || true)}
  settings | python3 "$root/e2e/images/runc-config.py" "$bundle/config.json" "$KUBECONFIG" "$work/operator-secrets" \
    "$promtool"
  (cd "$bundle" && runc run --detach --pid-file "$pidfile" "$container" >>"$log" 2>&1 </dev/null)
}

start() {
  running && return 0
  local t0; t0=$(date +%s.%N)
  if [ "$from" = image ]; then start_image; else start_jar; fi
  for _ in $(seq 1 120); do
    if curl -fsS "http://127.0.0.1:$port/q/health/ready" >/dev/null 2>&1; then
      echo "operator ($from) ready in $(awk "BEGIN{printf \"%.1f\", $(date +%s.%N) - $t0}") s (pid $(cat "$pidfile"), log $log)"
      return 0
    fi
    running || { echo "operator exited; last log lines:"; tail -30 "$log"; return 1; }
    sleep 0.5
  done
  echo "operator not ready after 60 s"; tail -30 "$log"; return 1
}

stop() {
  if [ "$from" = image ]; then
    runc kill "$container" TERM 2>/dev/null || true
    for _ in $(seq 1 30); do running || break; sleep 0.5; done
    runc delete --force "$container" >/dev/null 2>&1 || true
    rm -f "$pidfile"
    return 0
  fi
  running || { rm -f "$pidfile"; return 0; }
  kill "$(cat "$pidfile")"; for _ in $(seq 1 30); do running || break; sleep 0.5; done
  running && kill -9 "$(cat "$pidfile")"; rm -f "$pidfile"
}

kill9() {
  if [ "$from" = image ]; then
    runc kill "$container" KILL 2>/dev/null || true
    for _ in $(seq 1 20); do running || break; sleep 0.2; done
    runc delete --force "$container" >/dev/null 2>&1 || true
  else
    running && kill -9 "$(cat "$pidfile")"
  fi
  rm -f "$pidfile"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  kill9) kill9 ;;
  log) cat "$log" ;;
  running) running ;;
  *) echo "usage: $0 start|stop|restart|kill9|log|running" >&2; exit 2 ;;
esac
