# Shared by the bash suites on the real node (fleet-pods.sh, pool-pod.sh; source it, after setting
# `ns` and `apps`, the operator's and the workloads' namespaces): the chart installed as those suites need it,
# namespaces under Pod Security "restricted", the placement and securityContext of a workload pod there, waiting,
# failing with the pods' logs, and clean-up in reverse order. Not a suite of its own.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
eval "$(bash e2e/tools/bin-path.sh)"
k() { "$KUBECTL" "$@"; }
now() { date +%s.%N; }
since() { awk "BEGIN{printf \"%.1f\", $(now) - $1}"; }

# The apiserver's port on this machine, from the kubeconfig (pods reach it at the node's bridge address).
api_port() {
  python3 e2e/node/kubeconfig.py port
}

# fail MESSAGE: prints it with the pods of both namespaces and the tail of their containers' logs, and exits 1.
fail() {
  echo "FAIL: $*"
  k get pods -A -o wide 2>/dev/null | grep -v kube-system || true
  [ "$(type -t fail_more)" != function ] || fail_more || true
  find "$root/e2e/.work/node/pod-logs" -name '*.log' \( -path "*${ns}_*" -o -path "*${apps}_*" \) \
    -exec tail -n 25 {} + 2>/dev/null | grep -v '^$' | tail -120 || true
  exit 1
}

# on_exit 'SHELL CODE': run when the suite ends, the last registered first (unless VIGIL_NODE_KEEP is set: then nothing is
# stopped or deleted, to look at it).
exit_steps=()
on_exit() { exit_steps+=("$1"); }
run_exit_steps() {
  [ -z "${VIGIL_NODE_KEEP:-}" ] || { echo "(left up: VIGIL_NODE_KEEP is set)"; return 0; }
  local i
  for ((i = ${#exit_steps[@]} - 1; i >= 0; i--)); do eval "${exit_steps[$i]}" >/dev/null 2>&1 || true; done
}
trap run_exit_steps EXIT
trap 'echo "FAIL: line $LINENO: $BASH_COMMAND exited $?"' ERR

# wait_for SECONDS DESCRIPTION 'SHELL CODE': evaluates the code every 0.5 s until it succeeds, else fails.
wait_for() {
  local limit=$1 what=$2 code=$3
  local end=$((SECONDS + limit))
  until eval "$code" >/dev/null 2>&1; do
    [ $SECONDS -lt $end ] || fail "$what (not within $limit s)"
    sleep 0.5
  done
}

# restricted_ns NAMESPACE...: (re)created, enforcing Pod Security "restricted"; before the suite's helm install.
restricted_ns() {
  local n r
  for n in "$@"; do   # what an interrupted run left: its releases first (their cluster-wide RBAC), then the namespaces
    for r in $("$VIGIL_HELM" list -n "$n" -q 2>/dev/null); do "$VIGIL_HELM" uninstall "$r" -n "$n" --wait >/dev/null || true; done
  done
  k delete namespace "$@" --ignore-not-found --timeout=180s >/dev/null
  for n in "$@"; do
    k create namespace "$n" >/dev/null
    k label namespace "$n" pod-security.kubernetes.io/enforce=restricted pod-security.kubernetes.io/warn=restricted >/dev/null
  done
}

# real_helm_install RELEASE [HELM ARGS...]: e2e/node/helm-install.sh into $ns, watching $apps, with its own Lease;
# uninstalled when the suite ends.
real_helm_install() {
  local release=$1
  shift
  on_exit "\"\$VIGIL_HELM\" uninstall $release -n $ns --wait; k delete namespace $ns --wait=false"
  bash e2e/node/helm-install.sh "$release" "$ns" --set-json "watchNamespaces=[\"$apps\"]" \
    --set "leaderElection.leaseName=$release-lock" "$@" >/dev/null
}

# The pod spec lines every workload pod on the real node carries (print them at the pod spec's indentation):
# the node's label and taint, and what Pod Security "restricted" asks of the pod and of each container.
real_node_pod() {
  local pad
  pad=$(printf '%*s' "$1" '')
  printf '%s\n' "${pad}nodeSelector: {vigil.dev/real-node: \"true\"}" \
    "${pad}tolerations: [{key: vigil.dev/real-node, operator: Exists, effect: NoSchedule}]" \
    "${pad}securityContext: {runAsNonRoot: true, runAsUser: 10001, seccompProfile: {type: RuntimeDefault}}"
}
restricted_container='{allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}'

# pod_pid NAMESPACE POD: the host PID of the pod's JVM, found by the pod's UID in its cgroup path.
pod_pid() {
  local uid p
  uid=$(k -n "$1" get pod "$2" -o jsonpath='{.metadata.uid}')
  [ -n "$uid" ] || return 0
  for p in $(pgrep -f 'java'); do
    if grep -q "pod$uid" "/proc/$p/cgroup" 2>/dev/null; then echo "$p"; return 0; fi
  done
}

# start_prometheus ADDRESS WORKDIR [ARGS...]: a real Prometheus (Debian) with WORKDIR/prometheus.yml, stopped at exit.
start_prometheus() {
  local address=$1 dir=$2
  shift 2
  prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/tsdb" --web.listen-address="$address" \
    --log.level=warn "$@" > "$dir/prometheus.log" 2>&1 &
  on_exit "kill $!"
  wait_for 30 "Prometheus did not start on $address" "curl -fsS http://$address/-/ready"
}
