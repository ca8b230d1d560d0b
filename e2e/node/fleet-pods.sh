#!/usr/bin/env bash
# Two operator replicas and a sharded fleet, all real pods on the real node (issue 14, part 3; e2e/node/up.sh first):
#
#   helm install (2 replicas, leader election)  ->  operator Service 10.0.0.10 (kube-proxy, nftables)
#   TelemetryCollector fleet: Vigil's collector image, 2 shards on the real node, targets from the operator's
#     service discovery (TokenReview of each pod's projected token), remote write to a real Prometheus (Debian)
#     on the node's bridge address
#   4 pool demo pods (its image), their OpenTelemetry metrics scraped by the fleet
#
# Then two fail-overs: the leader's JVM SIGKILLed while the fleet is scaled 2 -> 3, and the leader's pod deleted
# while it is scaled back to 3 -> 2; whoever leads next reshards. Service discovery is polled all along through the
# Service and at each replica's pod IP (failures only inside a fail-over, never a 404 or an empty list), after each
# hand-off every target is scraped by exactly the shard the plan names, and the targets' `up` series in Prometheus
# must have no gap. Then the PodDisruptionBudget refuses a second eviction, and a config change rolls the shards one
# by one. Prints every figure it measures. VIGIL_NODE_KEEP=1 leaves everything up afterwards.
set -euo pipefail
ns=vigil-ha
apps=vigil-ha-apps
source "$(dirname "$0")/lib.sh"
svc_ip=10.0.0.10   # the lower, static band of the Service range (see agent-pod.sh)
prom=10.244.0.1:19191
work=$root/e2e/.work/fleet-pods
rm -rf "$work"; mkdir -p "$work"
fail_more() { k -n $apps get tc -o wide; }
promq() { curl -fsS --max-time 5 "http://$prom/api/v1/query" --data-urlencode "query=$1"; }

# A real Prometheus that receives the fleet's remote write, on the node's bridge address.
printf 'global: {}\n' > "$work/prometheus.yml"
start_prometheus $prom "$work" --web.enable-remote-write-receiver

# Two replicas of the operator from the chart, the Service at a fixed ClusterIP that the collectors are given
# (no cluster DNS here), on the real node in a namespace enforcing Pod Security restricted.
restricted_ns $ns $apps
on_exit "k delete namespace $apps --wait=false"
t0=$(now)
real_helm_install vigil-ha --set replicaCount=2 --set service.clusterIP=$svc_ip \
  --set serviceDiscovery.baseUrl=http://$svc_ip:8080
two_ready() { [ "$(k -n $ns get pods -l app.kubernetes.io/instance=vigil-ha -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | grep -c True)" = 2 ]; }
wait_for 240 "the two operator pods did not become Ready" two_ready
leader() { k -n $ns get lease vigil-ha-lock -o jsonpath='{.spec.holderIdentity}' 2>/dev/null; }
wait_for 60 "no replica took the Lease" '[ -n "$(leader)" ]'
echo "two operator pods Ready $(since "$t0") s after helm install; leader $(leader)"

t1=$(now)
k apply -n $apps -f - >/dev/null <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: pool-demo}
spec:
  replicas: 4
  selector: {matchLabels: {app: pool-demo}}
  template:
    metadata: {labels: {app: pool-demo}}
    spec:
$(real_node_pod 6)
      containers:
        - name: demo
          image: ghcr.io/vigil-dev/vigil-pool-demo:0.1.0
          imagePullPolicy: Never
          env:
            - {name: BIND_ADDRESS, value: 0.0.0.0}
            - {name: METRICS_PORT, value: "9464"}
            - {name: HTTP_PORT, value: "8080"}
            - {name: EVENTS_FILE, value: /tmp/events.jsonl}
          ports: [{name: metrics, containerPort: 9464}]
          readinessProbe: {tcpSocket: {port: 9464}, periodSeconds: 2}
          resources: {requests: {cpu: 20m, memory: 64Mi}, limits: {memory: 160Mi}}
          securityContext: $restricted_container
          volumeMounts: [{name: tmp, mountPath: /tmp}]
      volumes: [{name: tmp, emptyDir: {}}]
---
apiVersion: vigil.dev/v1alpha1
kind: InstrumentedService
metadata: {name: pool-demo}
spec:
  workloadRef: {name: pool-demo}
  metrics: {port: 9464}
---
apiVersion: vigil.dev/v1alpha1
kind: TelemetryCollector
metadata: {name: fleet}
spec:
  shards: 2
  scrapeInterval: 5s
  nodeSelector: {vigil.dev/real-node: "true"}
  tolerations: [{key: vigil.dev/real-node, operator: Exists, effect: NoSchedule}]
  resources: {requests: {cpu: 20m, memory: 96Mi}, limits: {memory: 256Mi}}
  exporters:
    prometheusRemoteWrite: {url: "http://$prom/api/v1/write"}
YAML
wait_for 240 "the fleet did not become Ready" \
  '[ "$(k -n $apps get tc fleet -o jsonpath="{.status.conditions[?(@.type==\"Ready\")].status}")" = True ]'
wait_for 240 "the demo pods did not become Ready" '[ "$(k -n $apps get deploy pool-demo -o jsonpath={.status.readyReplicas})" = 4 ]'
echo "fleet (2 shards) and 4 demo pods Ready $(since "$t1") s after they were applied"
for p in $(k -n $apps get pods -l app.kubernetes.io/component=collector -o jsonpath='{.items[*].spec.nodeName}') \
  $(k -n $apps get pods -l app=pool-demo -o jsonpath='{.items[*].spec.nodeName}'); do
  [ "$p" = vigil-real-node ] || fail "a pod runs on $p, not on the real node"
done
# Vigil's service discovery labels every target job="<namespace>/<service>".
up_all() { [ "$(promq 'count(up{job="vigil-ha-apps/pool-demo"} == 1)' | python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else 0)')" = 4 ]; }
wait_for 180 "Prometheus did not get up == 1 for the 4 demo pods through the fleet" up_all
echo "all 4 demo pods scraped by the fleet and in Prometheus $(since "$t1") s after apply"

# Service discovery, polled every 0.25 s through the Service and at each replica's pod IP with the fleet's token.
k -n $apps create token fleet-collector --duration=1h > "$work/token"
pod_ips=$(k -n $ns get pods -l app.kubernetes.io/instance=vigil-ha -o jsonpath='{range .items[*]}{.metadata.name}={.status.podIP} {end}')
python3 - "$work" "$svc_ip" "$apps" $pod_ips > "$work/poll.out" 2>&1 <<'PY' &
import json, sys, time, urllib.request, urllib.error
work, svc, apps, pods = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
token = open(f"{work}/token").read().strip()
places = [("service", svc)] + [tuple(p.split("=", 1)) for p in pods]
with open(f"{work}/poll.jsonl", "w") as out:
    while True:
        for name, ip in places:
            for shard in (0, 1, 2):
                req = urllib.request.Request(f"http://{ip}:8080/sd/v1/{apps}/fleet/{shard}",
                                             headers={"Authorization": "Bearer " + token})
                asked = time.time()
                try:
                    with urllib.request.urlopen(req, timeout=3) as r:
                        code, body = r.status, r.read().decode()
                except urllib.error.HTTPError as e:
                    code, body = e.code, e.read().decode()[:200]
                except Exception as e:
                    code, body = 0, str(e)[:200]
                targets = []
                if code == 200:
                    targets = sorted(t for g in json.loads(body) for t in g["targets"])
                # "at" is when the answer came: a request asked just before the kill is answered after it (503).
                out.write(json.dumps({"at": time.time(), "asked": asked, "place": name, "shard": shard, "code": code,
                                      "targets": targets, "error": body if code != 200 else ""}) + "\n")
        out.flush()
        time.sleep(0.25)
PY
poll_pid=$!
on_exit "kill $poll_pid"
sleep 3

shards_are() { [ "$(k -n $apps get statefulset fleet-collector -o jsonpath='{.spec.replicas}')" = "$1" ]; }
# After a hand-off: each target in exactly one shard's list, and scraped (target_info of the last 12 s) by that
# shard only.
settled() {
  python3 - "$work/token" "$svc_ip" "$apps" "$prom" "$1" <<'PY'
import json, sys, urllib.request, urllib.parse
token, svc, apps, prom, shards = sys.argv[1:]
token = open(token).read().strip()
owner = {}
for shard in range(int(shards)):
    req = urllib.request.Request(f"http://{svc}:8080/sd/v1/{apps}/fleet/{shard}", headers={"Authorization": "Bearer " + token})
    for g in json.load(urllib.request.urlopen(req, timeout=3)):
        for t in g["targets"]:
            if t in owner:
                sys.exit(f"{t} is in shard {owner[t]} and {shard}")
            owner[t] = str(shard)
q = urllib.parse.urlencode({"query": 'count by (instance, vigil_shard) (count_over_time(target_info{job="vigil-ha-apps/pool-demo"}[12s]))'})
seen = {}
for r in json.load(urllib.request.urlopen(f"http://{prom}/api/v1/query?{q}", timeout=5))["data"]["result"]:
    seen.setdefault(r["metric"]["instance"], set()).add(r["metric"]["vigil_shard"])
if len(owner) != 4 or any(seen.get(t) != {s} for t, s in owner.items()):
    sys.exit(f"plan {owner}, scraped by {seen}")
print(json.dumps(owner, sort_keys=True))
PY
}

# Fail-over 1, a crash: SIGKILL the leader's JVM (found from the host by the pod's cgroup) and scale the fleet to 3
# at once. The kubelet restarts the killed container in the same pod, under the same name, which is its identity in
# the election, so whichever replica leads next (the restarted one resuming, or the standby once the Lease expires)
# must reshard.
old=$(leader)
pid=$(pod_pid $ns "$old")
[ -n "$pid" ] || fail "no JVM of the leader pod $old in the node's cgroups"
t_kill=$(now)
kill -9 "$pid"
k -n $apps scale tc fleet --replicas=3 >/dev/null
wait_for 90 "no replica resharded the fleet to 3 after the leader was killed" 'shards_are 3'
t_kill_done=$(now)
lease_s=$(k -n $ns get lease vigil-ha-lock -o jsonpath='{.spec.leaseDurationSeconds}')
echo "leader $old SIGKILLed: the fleet resharded to 3 by $(leader) $(awk "BEGIN{printf \"%.1f\", $t_kill_done - $t_kill}") s later (lease duration $lease_s s; restarts of the killed container: $(k -n $ns get pod "$old" -o jsonpath='{.status.containerStatuses[0].restartCount}'))"
wait_for 150 "after the reshard to 3 the targets were not each scraped by exactly their shard" 'settled 3'
echo "hand-off to 3 shards done $(since "$t_kill") s after the kill: $(settled 3)"
wait_for 120 "the third shard did not become Ready" '[ "$(k -n $apps get statefulset fleet-collector -o jsonpath={.status.readyReplicas})" = 3 ]'

# Fail-over 2, the leader's pod deleted (a drain, an eviction): the leader releases the Lease as it stops, the standby
# must take it within 8 s and reconcile a scale-down to 2, whose hand-off keeps shard 2's targets scraped until
# shards 0 and 1 have them.
old=$(leader)
t_del=$(now)
k -n $ns delete pod "$old" --wait=false >/dev/null
k -n $apps scale tc fleet --replicas=2 >/dev/null
other_leads() { l=$(leader); [ -n "$l" ] && [ "$l" != "$old" ]; }
wait_for 60 "the standby did not take the Lease after the leader's pod was deleted" other_leads
t_lease=$(now)
wait_for 90 "the new leader did not reshard the fleet to 2" 'shards_are 2'
t_del_done=$(now)
echo "leader pod $old deleted: $(leader) holds the Lease after $(awk "BEGIN{printf \"%.1f\", $t_lease - $t_del}") s, fleet resharded to 2 after $(awk "BEGIN{printf \"%.1f\", $t_del_done - $t_del}") s"
# The leader hands the Lease back as it shuts down (dev.vigil.operator.LeaseRelease): the standby takes it on its next
# retry (2 s), not when the 15 s lease would have expired.
awk "BEGIN{exit !($t_lease - $t_del < 8)}" || fail "the standby took the Lease only after $(awk "BEGIN{printf \"%.1f\", $t_lease - $t_del}") s: the deleted leader did not release it"
wait_for 150 "after the reshard to 2 the targets were not each scraped by exactly their shard" 'settled 2'
echo "hand-off to 2 shards done $(since "$t_del") s after the deletion: $(settled 2)"
sleep 2
kill "$poll_pid"

# What the collectors saw: no 404, no empty list for a shard that has targets; failures only inside a fail-over.
python3 - "$work/poll.jsonl" "$t_kill" "$t_kill_done" "$t_del" "$t_del_done" <<'PY' || fail "service discovery during the fail-overs"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
t_kill, t_kill_done, t_del, t_del_done = map(float, sys.argv[2:])
windows = [(t_kill, t_kill_done + 10), (t_del, t_del_done + 10)]
by = {}
for r in rows:
    by.setdefault(r["place"], {}).setdefault(r["code"], 0)
    by[r["place"]][r["code"]] += 1
print("service discovery answers by place and HTTP status (0: no connection):", json.dumps(by, sort_keys=True))
bad = [r for r in rows if r["code"] not in (200, 503, 0)]
if bad:
    sys.exit(f"unexpected answers, e.g. {bad[0]}")
svc = [r for r in rows if r["place"] == "service"]
before = [r for r in svc if r["at"] < t_kill and r["shard"] in (0, 1)]
if not before or any(r["code"] != 200 or not r["targets"] for r in before):
    sys.exit("before the kill every shard 0/1 answer through the Service must be 200 with targets")
failed = [r for r in svc if r["code"] != 200]
outside = [r for r in failed if not any(a <= r["at"] <= b for a, b in windows)]
if outside:
    sys.exit(f"through the Service, failures outside the fail-overs: {outside[:3]}")
for name, (a, b) in zip(("kill", "deletion"), windows):
    f = [r["at"] for r in failed if a <= r["at"] <= b]
    print(f"through the Service after the {name}: " + (f"{len(f)} of {sum(1 for r in svc if a <= r['at'] <= b)} answers "
          f"not 200, from +{min(f)-a:.1f} s to +{max(f)-a:.1f} s" if f else "every answer 200"))
replicas = {r["place"] for r in rows if r["place"] != "service" and r["code"] == 200 and r["at"] < t_kill}
if len(replicas) < 2:
    sys.exit("before the kill both replicas (leader and standby, at their pod IPs) must answer 200")
print("before the kill both replicas answered 200 at their own pod IPs (the standby relays to the leader)")
PY

# The collectors kept scraping through both fail-overs and both hand-offs: no gap in any target's up series.
python3 - "$prom" "$t1" <<'PY' || fail "a target's up series has a gap"
import json, sys, time, urllib.request, urllib.parse
prom, start = sys.argv[1], float(sys.argv[2])
q = urllib.parse.urlencode({"query": 'max by (instance) (up{job="vigil-ha-apps/pool-demo"})', "start": start, "end": time.time(), "step": "1"})
worst = 0.0
for r in json.load(urllib.request.urlopen(f"http://{prom}/api/v1/query_range?{q}", timeout=10))["data"]["result"]:
    ts = [float(t) for t, v in r["values"] if v == "1"]
    worst = max([worst] + [b - a for a, b in zip(ts, ts[1:])])
print(f"largest gap in any demo pod's up series through both fail-overs and hand-offs: {worst:.0f} s (scrape interval 5 s)")
if worst > 16:
    sys.exit("a gap of more than three scrape intervals")
PY

# The PodDisruptionBudget on real pods: one eviction at a time.
wait_for 60 "the PodDisruptionBudget does not count 2 healthy shards" \
  '[ "$(k -n $apps get pdb fleet-collector -o jsonpath={.status.currentHealthy}/{.status.disruptionsAllowed})" = 2/1 ]'
evict() {
  printf '{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"%s","namespace":"%s"}}' "$1" $apps > "$work/eviction.json"
  k create --raw "/api/v1/namespaces/$apps/pods/$1/eviction" -f "$work/eviction.json" 2>&1
}
uid0=$(k -n $apps get pod fleet-collector-0 -o jsonpath='{.metadata.uid}')
evict fleet-collector-0 >/dev/null || fail "the first eviction was refused"
second=$(evict fleet-collector-1 || true)
grep -q "disruption budget" <<<"$second" || fail "a second eviction while shard 0 is down was not refused: $second"
echo "PodDisruptionBudget: the first eviction passed, the second was refused while shard 0 was down"
# Back: a new shard-0 pod, Ready, and the budget allowing one disruption again (a roll started before that would
# overlap the eviction: the StatefulSet controller does not go through the budget).
back() {
  [ "$(k -n $apps get pod fleet-collector-0 -o jsonpath='{.metadata.uid}')" != "$uid0" ] &&
    [ "$(k -n $apps get pod fleet-collector-0 -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" = True ] &&
    [ "$(k -n $apps get pdb fleet-collector -o jsonpath={.status.currentHealthy}/{.status.disruptionsAllowed})" = 2/1 ]
}
t_evict=$(now)
wait_for 120 "shard 0 did not come back after its eviction" back
echo "evicted shard 0 back and Ready in $(since "$t_evict") s"

# A config change rolls the shards one by one (the config-hash annotation), never more than one down.
cfg_hash() { k -n $apps get statefulset fleet-collector -o jsonpath='{.spec.template.metadata.annotations.vigil\.dev/config-hash}'; }
h0=$(cfg_hash)
t_roll=$(now)
k -n $apps patch tc fleet --type merge -p '{"spec":{"scrapeInterval":"10s"}}' >/dev/null
wait_for 30 "the config change did not change the config hash" '[ "$(cfg_hash)" != "$h0" ]'
h1=$(cfg_hash)
min_ready=2
while :; do
  state=$(k -n $apps get pods -l app.kubernetes.io/component=collector -o jsonpath='{range .items[*]}{.metadata.annotations.vigil\.dev/config-hash} {.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}')
  ready=$(grep -c ' True' <<<"$state" || true)
  [ "$ready" -lt "$min_ready" ] && min_ready=$ready
  [ "$(grep -c "^$h1 True" <<<"$state" || true)" = 2 ] && break
  awk "BEGIN{exit !($(now) - $t_roll > 240)}" && fail "the roll did not finish in 240 s: $state"
  sleep 0.5
done
[ "$min_ready" -ge 1 ] || fail "the roll took both shards down at once"
echo "config change rolled the 2 shards in $(since "$t_roll") s, at least $min_ready Ready throughout"
echo "fleet-pods checks passed"
