#!/usr/bin/env bash
# The connection-pool loop with the demo service as a real pod (issue 14, part 3; e2e/node/up.sh first):
#
#   redis-server (Debian) on the node's bridge address  <-  pool demo pod (its image): watches its pool size in
#     Vigil's ConfigMap through the API with its own ServiceAccount (a Role on that one ConfigMap), and has the
#     same ConfigMap mounted as a volume
#   Prometheus (Debian), 5 s scrape of the pod  ->  the operator as a pod (the chart)  ->  ConfigMap pool-demo-pools
#
# Under a load spike the operator grows the pool; each new size is timed where it arrives: in the app through
# the API watch (its resize events, read from its emptyDir on the host) and in the mounted file (read from the
# kubelet's volume directory). Nothing may restart: same pod, no container restarts. Then the pool switches to Env
# delivery, for apps that read their size at start: Vigil puts the size into the Deployment's env (server-side
# apply, its own field manager), which rolls the pod; the new pod starts with that size, the old one is replaced
# (not restarted in place) and nothing else restarts. Prints the figures.
set -euo pipefail
ns=vigil-pool-op
apps=vigil-pool
source "$(dirname "$0")/lib.sh"
redis=10.244.0.1:16390
prom=10.244.0.1:19192
work=$root/e2e/.work/pool-pod
rm -rf "$work"; mkdir -p "$work"
fail_more() { k get isvc -n $apps pool-demo -o jsonpath='{.status.pools}'; echo; }

redis-server --port "${redis##*:}" --bind "${redis%%:*}" --protected-mode no --save "" --appendonly no \
  --daemonize no --logfile "$work/redis.log" &
on_exit "kill $!"
restricted_ns $ns $apps
on_exit "k delete namespace $apps --wait=false"
real_helm_install vigil-pool
port=$(api_port)

k apply -n $apps -f - >/dev/null <<YAML
apiVersion: v1
kind: ServiceAccount
metadata: {name: pool-demo}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pool-demo-sizes}
rules:
  - {apiGroups: [""], resources: [configmaps], resourceNames: [pool-demo-pools], verbs: [get, list, watch]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: pool-demo-sizes}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pool-demo-sizes}
subjects: [{kind: ServiceAccount, name: pool-demo}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: pool-demo}
spec:
  replicas: 1
  selector: {matchLabels: {app: pool-demo}}
  template:
    metadata: {labels: {app: pool-demo}}
    spec:
      serviceAccountName: pool-demo
$(real_node_pod 6)
      containers:
        - name: app
          image: ghcr.io/vigil-dev/vigil-pool-demo:0.1.0
          imagePullPolicy: Never
          env:
            - {name: BIND_ADDRESS, value: 0.0.0.0}
            - {name: REDIS_HOST, value: "${redis%%:*}"}
            - {name: REDIS_PORT, value: "${redis##*:}"}
            - {name: HTTP_PORT, value: "8080"}
            - {name: METRICS_PORT, value: "9464"}
            - {name: POOL_NAME, value: cache}
            - {name: INITIAL_SIZE, value: "4"}
            - {name: POOL_NAMESPACE, value: $apps}
            - {name: POOL_CONFIGMAP, value: pool-demo-pools}
            - {name: EVENTS_FILE, value: /tmp/events.jsonl}
            # The apiserver at the node's address (no route to the kubernetes Service's endpoint from a pod here).
            - {name: KUBERNETES_SERVICE_HOST, value: 10.244.0.1}
            - {name: KUBERNETES_SERVICE_PORT, value: "$port"}
          ports: [{name: metrics, containerPort: 9464}, {name: http, containerPort: 8080}]
          readinessProbe: {httpGet: {path: /state, port: 8080}, periodSeconds: 2}
          resources: {requests: {cpu: 50m, memory: 96Mi}, limits: {memory: 256Mi}}
          securityContext: $restricted_container
          volumeMounts: [{name: tmp, mountPath: /tmp}, {name: sizes, mountPath: /etc/pool-sizes, readOnly: true}]
      volumes:
        - {name: tmp, emptyDir: {}}
        - {name: sizes, configMap: {name: pool-demo-pools, optional: true}}
---
apiVersion: vigil.dev/v1alpha1
kind: TelemetryCollector
metadata: {name: platform}
spec:
  prometheus: {url: "http://$prom"}
---
apiVersion: vigil.dev/v1alpha1
kind: InstrumentedService
metadata: {name: pool-demo}
spec:
  workloadRef: {name: pool-demo}
  metrics: {port: 9464, interval: 5s}
  pools:
$(grep -v '^#' e2e/pools/cache-pool.yaml | sed 's/^/    /')
YAML
op_ready() { [ "$(k -n $ns get pods -l app.kubernetes.io/instance=vigil-pool -o jsonpath='{.items[0].status.conditions[?(@.type=="Ready")].status}')" = True ]; }
wait_for 240 "the operator pod did not become Ready" op_ready
wait_for 240 "the demo pod did not become Ready" '[ "$(k -n $apps get deploy pool-demo -o jsonpath={.status.readyReplicas})" = 1 ]'
pod=$(k -n $apps get pods -l app=pool-demo -o jsonpath='{.items[0].metadata.name}')
uid=$(k -n $apps get pod "$pod" -o jsonpath='{.metadata.uid}')
ip=$(k -n $apps get pod "$pod" -o jsonpath='{.status.podIP}')
vol=$root/e2e/.work/node/kubelet/pods/$uid/volumes
cat > "$work/prometheus.yml" <<YAML
global: {scrape_interval: 5s, evaluation_interval: 5s}
scrape_configs:
  - job_name: pool-demo
    static_configs:
      - targets: ["$ip:9464"]
        labels: {namespace: $apps, service: pool-demo, pod: $pod}
YAML
start_prometheus $prom "$work"
wait_for 120 "the pool did not go live (ConfigMap at 4, the pod's metrics in Prometheus)" \
  '[ "$(k -n $apps get configmap pool-demo-pools -o jsonpath={.data.cache})" = 4 ] && curl -fsS "http://$prom/api/v1/query?query=redis_client_pool_max" | grep -q pool-demo'

# Where each size arrives, timed from the host: the ConfigMap (a watch), the mounted file (the kubelet's copy).
# (Each in its own process group, so that cleanup stops the watch's kubectl too and no output stays attached.)
export KUBECTL apps vol
setsid bash -c 'now() { date +%s.%N; }
  "$KUBECTL" -n $apps get configmap pool-demo-pools -w -o jsonpath="{.data.cache}{\"\n\"}" | while read -r v; do
    echo "{\"at\": $(now), \"where\": \"configmap\", \"size\": \"$v\"}"; done' >> "$work/arrivals.jsonl" 2>/dev/null &
on_exit "kill -- -$!"
setsid bash -c 'last=; while :; do
    v=$(cat "$vol"/kubernetes.io~configmap/sizes/cache 2>/dev/null || true)
    if [ "$v" != "$last" ]; then echo "{\"at\": $(date +%s.%N), \"where\": \"volume\", \"size\": \"$v\"}"; last=$v; fi
    sleep 0.1
  done' >> "$work/arrivals.jsonl" 2>/dev/null &
on_exit "kill -- -$!"
sleep 1

echo "load: calm 3 clients 10 s, spike 16 clients 40 s, against the pod at $ip"
python3 e2e/pools/loadgen.py --url "http://$ip:8080" --hold-ms 100 --phases calm:3:10,spike:16:40 --out "$work/load.jsonl"
t_load_end=$(now)
grown=$(k -n $apps get configmap pool-demo-pools -o jsonpath='{.data.cache}')
[ "$grown" -gt 4 ] || fail "the spike did not grow the pool (ConfigMap says $grown)"
# The kubelet refreshes ConfigMap volumes on its own sync (about a minute, plus its cache TTL): wait for the file.
wait_for 150 "the mounted file never showed the grown size $grown" '[ "$(cat "$vol"/kubernetes.io~configmap/sizes/cache)" = "$grown" ]'
sleep 0.5
cp "$vol"/kubernetes.io~empty-dir/tmp/events.jsonl "$work/app-events.jsonl" || fail "no resize events from the app"
[ "$(k -n $apps get pod "$pod" -o jsonpath='{.metadata.uid} {.status.containerStatuses[0].restartCount}')" = "$uid 0" ] \
  || fail "the demo pod was replaced or restarted"

python3 - "$work/arrivals.jsonl" "$work/app-events.jsonl" <<'PY' || fail "the sizes did not reach the app"
import json, statistics, sys
arrivals = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
app = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
cm = [a for a in arrivals if a["where"] == "configmap" and a["size"]]
changes = [a for i, a in enumerate(cm) if i == 0 or a["size"] != cm[i - 1]["size"]][1:]   # after the initial 4
if not changes:
    sys.exit("no size change in the ConfigMap")
resized = [(float(e["at"]), str(e["to"])) for e in app if e.get("event") == "resized"]   # the app's wall clock
api, file = [], []
for c in changes:
    a = [t for t, s in resized if s == c["size"] and t >= c["at"] - 0.5]
    f = [x["at"] for x in arrivals if x["where"] == "volume" and x["size"] == c["size"] and x["at"] >= c["at"] - 0.5]
    if a:
        api.append(max(0.0, a[0] - c["at"]))
    if f:
        file.append(f[0] - c["at"])
print(f"sizes the operator wrote: {' -> '.join(['4'] + [c['size'] for c in changes])}")
if len(api) != len(changes):
    sys.exit(f"the app applied {len(api)} of {len(changes)} sizes through its API watch; app events: {app[-5:]}")
print(f"API watch: every size live in the app {statistics.median(api):.2f} s (median; max {max(api):.2f} s) after the "
      f"ConfigMap changed, {len(api)} changes, no restart")
if file:
    print(f"mounted file: {len(file)} of {len(changes)} sizes ever appeared there (the kubelet skips the ones "
          f"overwritten in between), {min(file):.1f}-{max(file):.1f} s after the ConfigMap changed")
if statistics.median(api) > 2.0:
    sys.exit("the API watch took more than 2 s (median)")
PY

# Env delivery: the same pool, its size now in the env var INITIAL_SIZE of container app (what the demo reads at
# start). The roll is the delivery: the running pod must have started with the size Vigil recorded.
env_size() { k -n $apps get deploy pool-demo -o jsonpath='{.spec.template.spec.containers[0].env[?(@.name=="INITIAL_SIZE")].value}'; }
status_size() { k -n $apps get isvc pool-demo -o jsonpath='{.status.pools[0].size}'; }
# The field managers that own the value of that env entry (the manifest's kubectl apply set it first).
value_owners() {
  k -n $apps get deploy pool-demo --show-managed-fields -o json | python3 -c '
import json, sys
entry = "k:" + json.dumps({"name": "INITIAL_SIZE"}, separators=(",", ":"))
def owns(node):
    return isinstance(node, dict) and any((key == entry and "f:value" in v) or owns(v) for key, v in node.items())
print(" ".join(sorted(f["manager"] for f in json.load(sys.stdin)["metadata"]["managedFields"] if owns(f.get("fieldsV1")))))'
}
manifest=$(env_size)
t_env=$(now)
k -n $apps patch isvc pool-demo --type json \
  -p '[{"op":"add","path":"/spec/pools/0/delivery","value":{"type":"Env","container":"app","envName":"INITIAL_SIZE"}}]' >/dev/null
wait_for 60 "Vigil did not apply the pool size to the Deployment's env" \
  'grep -qw vigil-pool-size <<<"$(value_owners)" && [ "$(env_size)" = "$(status_size)" ]'
delivered=$(env_size)
t_env_set=$(now)
# A value other than the manifest's is Vigil's alone (its apply forces it); the same value is shared with kubectl.
[ "$delivered" = "$manifest" ] || [ "$(value_owners)" = vigil-pool-size ] \
  || fail "the value of env var INITIAL_SIZE is owned by [$(value_owners)], not by Vigil's field manager alone"
started_size() {
  python3 -c '
import json, sys
print(next((e["size"] for e in map(json.loads, open(sys.argv[1])) if e.get("event") == "started"), ""))' \
    "$root/e2e/.work/node/kubelet/pods/$1/volumes/kubernetes.io~empty-dir/tmp/events.jsonl"
}
# Converged: one pod, Ready and of the current template, started with the size the env and the status carry (a
# size change while the pod rolls rolls it again: each roll is counted below).
converged() {
  local uids
  [ "$(k -n $apps get deploy pool-demo -o jsonpath='{.status.updatedReplicas}/{.status.readyReplicas}/{.status.replicas}')" = 1/1/1 ] || return 1
  uids=$(k -n $apps get pods -l app=pool-demo -o jsonpath='{.items[*].metadata.uid}')
  [ "$(wc -w <<<"$uids")" = 1 ] && [ "$(started_size $uids)" = "$(env_size)" ] && [ "$(env_size)" = "$(status_size)" ]
}
wait_for 240 "the Deployment did not come to one Ready pod started with the delivered size" converged
t_rolled=$(now)
new=$(k -n $apps get pods -l app=pool-demo -o jsonpath='{.items[0].metadata.name}')
new_uid=$(k -n $apps get pod "$new" -o jsonpath='{.metadata.uid}')
final=$(env_size)
[ "$final" = "$manifest" ] || [ "$new_uid" != "$uid" ] || fail "the size changed to $final but the first pod still runs"
[ "$(k -n $apps get pod "$new" -o jsonpath='{.status.containerStatuses[0].restartCount}')" = 0 ] || fail "the demo pod restarted"
rolls=$(( $(k -n $apps get rs -l app=pool-demo -o name | wc -l) - 1 ))
sizes=$(k -n $apps get rs -l app=pool-demo -o jsonpath='{range .items[*]}{.spec.template.spec.containers[0].env[?(@.name=="INITIAL_SIZE")].value}{" "}{end}')
echo "Env delivery: size $delivered in the Deployment's env $(awk "BEGIN{printf \"%.1f\", $t_env_set - $t_env}") s after the switch (owners of the value: $(value_owners)); $rolls roll(s) (ReplicaSets with INITIAL_SIZE: $sizes), the pod $new Ready and started with pool size $final $(awk "BEGIN{printf \"%.1f\", $t_rolled - $t_env_set}") s after the first delivery; no container restarted"
echo "pool-pod checks passed"
