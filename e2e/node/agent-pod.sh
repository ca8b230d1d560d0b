#!/usr/bin/env bash
# Node agents for logs as real pods on the real node (issue 15; e2e/node/up.sh first):
#
#   the operator as a pod (the chart), Service 10.0.0.11   <-  /logs/v1/... polled by the agent's vigilrules processor
#     (its projected token)
#   agent fleet (mode agent): a DaemonSet pod of Vigil's collector image, root, reading the kubelet's pod logs
#     (spec.agent.podLogsDir: this node's podLogsDir) read-only, offsets under spec.agent.stateDir
#   "talker": a Deployment of Vigil's collector image that logs a line per second (its debug exporter)
#   a sink collector (OTLP in, file out) on the node's bridge address
#
# The talker's lines must reach the sink with the path's and the agent's attributes (namespace, pod, container,
# node, fleet) and without the agent's own lines; then an InstrumentedService for the talker is applied and its
# lines must gain service.name and k8s.deployment.name within 10 s, served by the operator and reloaded in place:
# the agent pod neither restarts nor is replaced, the DaemonSet is not rolled, and no receiver restarts. Prints the figures.
set -euo pipefail
ns=vigil-agent-op
apps=vigil-agent
source "$(dirname "$0")/lib.sh"
# A fixed ClusterIP from the lower band of the Service range (offsets below 16 of the /24): the apiserver hands out
# dynamic addresses from the upper band first, so another suite's Service cannot already hold it (10.0.0.201 could:
# CI once failed with "provided IP is already allocated").
svc_ip=10.0.0.11
sink=10.244.0.1:14317
work=$root/e2e/.work/agent-pod
rm -rf "$work"; mkdir -p "$work/state"
fail_more() { k -n $apps get tc,ds -o wide; tail -n 30 "$work/sink.log"; }

cat > "$work/sink.yaml" <<YAML
receivers:
  otlp: {protocols: {grpc: {endpoint: "$sink"}}}
exporters:
  file: {path: "$work/sink.jsonl", flush_interval: 100ms}
service:
  telemetry: {metrics: {level: none}}
  pipelines: {logs: {receivers: [otlp], exporters: [file]}}
YAML
"$VIGIL_OTELCOL" --config="$work/sink.yaml" > "$work/sink.log" 2>&1 &
on_exit "kill $!"

restricted_ns $ns $apps
# The agents read hostPath volumes as root: their namespace allows that (Pod Security "privileged").
k label namespace $apps --overwrite pod-security.kubernetes.io/enforce=privileged pod-security.kubernetes.io/warn=privileged >/dev/null
on_exit "k delete namespace $apps --wait=false"
real_helm_install vigil-agent --set service.clusterIP=$svc_ip --set serviceDiscovery.baseUrl=http://$svc_ip:8080
op_ready() { [ "$(k -n $ns get pods -l app.kubernetes.io/instance=vigil-agent -o jsonpath='{.items[0].status.conditions[?(@.type=="Ready")].status}')" = True ]; }
wait_for 240 "the operator pod did not become Ready" op_ready

t0=$(now)
k apply -n $apps -f - >/dev/null <<YAML
apiVersion: v1
kind: ConfigMap
metadata: {name: talker}
data:
  collector.yaml: |
    receivers:
      prometheus:
        config:
          scrape_configs: [{job_name: self, scrape_interval: 1s, static_configs: [{targets: ["127.0.0.1:8888"]}]}]
    exporters:
      debug: {verbosity: basic}
    service:
      pipelines: {metrics: {receivers: [prometheus], exporters: [debug]}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: talker}
spec:
  replicas: 1
  selector: {matchLabels: {app: talker}}
  template:
    metadata: {labels: {app: talker}}
    spec:
$(real_node_pod 6)
      containers:
        - name: talker
          image: ghcr.io/vigil-dev/otelcol-vigil:0.165.0
          args: ["--config=/etc/talker/collector.yaml"]
          resources: {requests: {cpu: 10m, memory: 48Mi}, limits: {memory: 128Mi}}
          securityContext: $restricted_container
          volumeMounts: [{name: config, mountPath: /etc/talker}]
      volumes: [{name: config, configMap: {name: talker}}]
---
apiVersion: vigil.dev/v1alpha1
kind: TelemetryCollector
metadata: {name: agents}
spec:
  mode: agent
  agent:
    podLogsDir: $root/e2e/.work/node/pod-logs
    stateDir: $work/state
  nodeSelector: {vigil.dev/real-node: "true"}
  tolerations: [{key: vigil.dev/real-node, operator: Exists, effect: NoSchedule}]
  resources: {requests: {cpu: 20m, memory: 64Mi}, limits: {memory: 256Mi}}
  exporters:
    otlp: {endpoint: "$sink", insecure: true}
YAML
wait_for 240 "the agent fleet did not become Ready" \
  '[ "$(k -n $apps get tc agents -o jsonpath="{.status.conditions[?(@.type==\"Ready\")].status}/{.status.agents}")" = True/1/1 ]'
echo "agent fleet Ready (1/1 on the real node) $(since "$t0") s after apply"

# What the sink got: per record, the resource attributes that matter here.
records() {
  python3 - "$work/sink.jsonl" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    try:
        doc = json.loads(line)
    except ValueError:
        continue  # the line the sink is writing
    for rl in doc.get("resourceLogs", []):
        res = {a["key"]: a["value"].get("stringValue", a["value"].get("intValue")) for a in rl["resource"].get("attributes", [])}
        for sl in rl["scopeLogs"]:
            for rec in sl["logRecords"]:
                print(json.dumps({k: res.get(k) for k in ("k8s.namespace.name", "k8s.pod.name", "k8s.container.name",
                    "k8s.node.name", "vigil.fleet", "service.name", "k8s.deployment.name")}, sort_keys=True))
PY
}
talker_lines() { [ -f "$work/sink.jsonl" ] || { echo 0; return; }; records | grep -c '"k8s.container.name": "talker"' || true; }
wait_for 120 "no line of the talker reached the sink" '[ "$(talker_lines)" -gt 5 ]'
echo "talker's lines in the sink $(since "$t0") s after apply"
sample=$(records | grep '"k8s.container.name": "talker"' | tail -1)
echo "a talker record's resource: $sample"
python3 - "$sample" "$apps" <<'PY' || fail "the talker's records lack the path's or the agent's attributes"
import json, sys
r, apps = json.loads(sys.argv[1]), sys.argv[2]
assert r["k8s.namespace.name"] == apps and r["k8s.pod.name"].startswith("talker-"), r
assert r["k8s.node.name"] == "vigil-real-node" and r["vigil.fleet"] == f"{apps}/agents", r
assert r["service.name"] is None, r
PY
if records | grep -q '"k8s.pod.name": "agents-agent-'; then fail "the agent shipped its own log lines"; fi

# Hot reload: an InstrumentedService for the talker changes what the operator serves the agents.
agent_pod=$(k -n $apps get pods -l app.kubernetes.io/instance=agents -o jsonpath='{.items[0].metadata.uid}/{.items[0].status.containerStatuses[0].restartCount}')
ds_generation=$(k -n $apps get ds agents-agent -o jsonpath='{.metadata.generation}')
t1=$(now)
k apply -n $apps -f - >/dev/null <<YAML
apiVersion: vigil.dev/v1alpha1
kind: InstrumentedService
metadata: {name: talker}
spec:
  workloadRef: {name: talker}
  metrics: {port: 8888}
YAML
enriched() { records | grep '"k8s.container.name": "talker"' | grep -q '"k8s.deployment.name": "talker", .*"service.name": "talker"'; }
wait_for 30 "the talker's records did not gain service.name and k8s.deployment.name" enriched
reload=$(since "$t1")
echo "talker's records enriched (service.name, k8s.deployment.name) $reload s after the InstrumentedService was applied"
awk "BEGIN{exit !($reload <= 10)}" || fail "the served change took $reload s to reach the records (> 10 s)"
# (A fleet's figures in status, services among them, are written at most every 5 s: StatusFigures.)
wait_for 10 "the agent fleet does not count the service" '[ "$(k -n $apps get tc agents -o jsonpath="{.status.services}")" = 1 ]'
[ "$(k -n $apps get isvc talker -o jsonpath='{.status.logsCollector.name}')" = agents ] || fail "the service does not report its agent fleet"
now_pod=$(k -n $apps get pods -l app.kubernetes.io/instance=agents -o jsonpath='{.items[0].metadata.uid}/{.items[0].status.containerStatuses[0].restartCount}')
[ "$now_pod" = "$agent_pod" ] || fail "the agent pod was restarted or replaced ($agent_pod -> $now_pod)"
[ "$(k -n $apps get ds agents-agent -o jsonpath='{.metadata.generation}')" = "$ds_generation" ] || fail "the DaemonSet was rolled"
# The agent's own log, from the kubelet's pod log directory (kubectl logs would need the kubelet's name to resolve).
cat "$root"/e2e/.work/node/pod-logs/${apps}_agents-agent-*/otelcol/*.log > "$work/agent.log"
grep -q "log rules swapped in place" "$work/agent.log" || fail "the agent's vigilrules processor did not swap its rules in place"
if grep -q "Config updated" "$work/agent.log"; then
  fail "the agent restarted a receiver or its service for a rule change"
fi
grep -rq . "$work/state/$apps/agents/offsets" || fail "no offsets under spec.agent.stateDir"
grep -rq . "$work/state/$apps/agents/rules" || fail "no copy of the served rules under spec.agent.stateDir"
echo "agent pod unchanged (uid/restarts $now_pod; its rules swapped in place, no receiver or service restart), DaemonSet generation $ds_generation unchanged, offsets and the rules' copy on the node"
