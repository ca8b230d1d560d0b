#!/usr/bin/env bash
# End-to-end suites on the local real control plane (see e2e/chainsaw/): builds what is missing, brings the
# cluster up, runs the operator as a local process against it, runs chainsaw, prints timings, takes it down.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
phase() { printf '\n==== %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"; }
t0=$SECONDS

phase "e2e tools (cached per version)"
t=$SECONDS
bash e2e/tools/build-tools.sh
eval "$(bash e2e/tools/bin-path.sh)"
echo "e2e tools ready in $((SECONDS - t)) s"
export PATH="$KUBE_BIN:$(dirname "$VIGIL_HELM"):$PATH"

phase "images: the operator (Quarkus Jib) and Vigil's collector, built here from Debian packages (e2e/images)"
t=$SECONDS
bash e2e/images/build.sh
echo "images built in $((SECONDS - t)) s"
# Every suite below runs against the operator started from its image (user 10001, read-only root filesystem).
export VIGIL_OPERATOR_FROM=${VIGIL_OPERATOR_FROM:-image}

phase "control plane up"
t=$SECONDS
eval "$(bash e2e/cluster/up.sh)"
echo "cluster start took $((SECONDS - t)) s"
# Runs started beside the current suite (name, log file and pid each), collected by collect_beside.
beside_names=(); beside_logs=(); beside_pids=()
beside() {
  local name=$1 log=$2; shift 2
  "$@" > "$log" 2>&1 &
  beside_names+=("$name"); beside_logs+=("$log"); beside_pids+=($!)
}
collect_beside() {
  local i rc failed=()
  for i in "${!beside_pids[@]}"; do
    rc=0; wait "${beside_pids[$i]}" || rc=$?
    printf '\n---- %s, run beside (its output)\n' "${beside_names[$i]}"
    cat "${beside_logs[$i]}"
    [ "$rc" = 0 ] || failed+=("${beside_names[$i]} (exit $rc)")
  done
  beside_names=(); beside_logs=(); beside_pids=()
  [ ${#failed[@]} = 0 ] || { echo "failed: ${failed[*]}"; exit 1; }
}
cleanup() {
  for p in "${beside_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  bash e2e/node/down.sh || true
  bash e2e/operator.sh stop || true
  [ -n "${VIGIL_KEEP_CLUSTER:-}" ] || bash e2e/cluster/down.sh >/dev/null 2>&1 || true
}
trap cleanup EXIT

phase "CRDs and operator"
kubectl apply --server-side --field-manager=vigil-e2e -f crds/ >/dev/null
bash e2e/tools/wait-crds.sh
rm -f e2e/.work/operator.log
bash e2e/operator.sh start
export VIGIL_OPERATOR_LOG=$root/e2e/.work/operator.log

phase "chainsaw suites; beside them, log rules hot-reloaded in node agents, real collector processes on rotating files (e2e/logs)"
# The log reload run needs no cluster (its own collector processes, rules server, files and ports): it runs beside
# the chainsaw suites, whose steps mostly wait on the operator, and its output follows theirs.
# Runs started with `beside` are independent of what runs in front: their own namespaces, ports, Prometheus and
# work directories. Any of them failing fails the run.
t=$SECONDS
mkdir -p e2e/.work
python3 e2e/bad-input/make-suite.py e2e/.work/02-bad-input.check.yaml >/dev/null
cmp -s e2e/.work/02-bad-input.check.yaml e2e/chainsaw/02-bad-input/chainsaw-test.yaml \
  || { echo "e2e/chainsaw/02-bad-input is out of date: run python3 e2e/bad-input/make-suite.py"; exit 1; }
beside "log rules hot-reloaded (e2e/logs)" e2e/.work/logs-run.log python3 e2e/logs/reload.py "$VIGIL_OTELCOL" "$root/e2e/.work/logs" 50
"$CHAINSAW" test e2e/chainsaw --config e2e/chainsaw/.chainsaw.yaml --no-color
echo "chainsaw suites took $((SECONDS - t)) s"
collect_beside
echo "chainsaw suites and log reload run took $((SECONDS - t)) s together"

phase "resharding with real collector processes (e2e/sharding)"
t=$SECONDS
bash e2e/sharding/reshard.sh
echo "resharding run took $((SECONDS - t)) s"

phase "connection-pool autoscaling, closed loop on real Redis and Prometheus (e2e/pools)"
t=$SECONDS
bash e2e/pools/closed-loop.sh
echo "closed-loop run took $((SECONDS - t)) s"

phase "trace sampling, closed loop: Java SDK apps, Vigil's collector, Prometheus, the operator (e2e/sampling)"
# Not beside the pool loop, though both mostly wait: side by side (tried 2026-12-07) the sampling loop's first step
# settled in 72 and 104 s instead of ~38 (its limit is 120 s): the first measured input rate came out high under the
# shared CPU, and the second, pooled correction comes ~60 s later.
t=$SECONDS
bash e2e/sampling/closed-loop.sh
echo "sampling closed-loop run took $((SECONDS - t)) s"

phase "Argo CD health check on objects captured from this run"
rm -rf e2e/.work/argocd-fixtures
bash e2e/argocd/capture-fixtures.sh e2e/.work/argocd-fixtures
python3 e2e/argocd/test-health.py e2e/.work/argocd-fixtures

phase "faults: the kube-apiserver away for 60 s; etcd and the apiserver restarting during a burst of 100 changes; 20 kills at named points; another writer on Vigil's fields (e2e/faults)"
t=$SECONDS
bash e2e/faults/conflicts.sh
bash e2e/faults/apiserver-down.sh
bash e2e/faults/etcd-restart.sh
bash e2e/faults/kill-points.sh
echo "fault runs took $((SECONDS - t)) s"

phase "real pods on a real node (containerd, runc, a kubelet and kube-proxy built here; e2e/node): the operator from the chart, two replicas fail over, a sharded fleet scrapes real pods, the pool loop with a real app pod, node agents tail real pod logs"
t=$SECONDS
bash e2e/operator.sh stop   # the pod's operator takes over; two would fight over the same resources
bash e2e/node/up.sh
"$CHAINSAW" test e2e/chainsaw-node --config e2e/chainsaw-node/.chainsaw.yaml --no-color
bash e2e/node/fleet-pods.sh
bash e2e/node/pool-pod.sh
bash e2e/node/agent-pod.sh
bash e2e/node/down.sh
echo "real-node run took $((SECONDS - t)) s"

phase "e2e passed in $((SECONDS - t0)) s"
