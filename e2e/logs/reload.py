#!/usr/bin/env python3
"""Hot reload of log parsing rules with real collector processes of Vigil's distribution (issue 15).

Usage: reload.py <otelcol binary> <work dir> [changes]

  writer.py ──CRI lines, rotated──> pods/**/0.log ──filelog──> agent [vigilrules] ──OTLP──> sink ──file──> sink.jsonl
                                                                          ▲
                                      http://127.0.0.1:P/logs/v1/...      │ polled by collector/vigilrules
                                                         rules server (this script)

The agent is one collector process running the config and flags Vigil generates for an agent fleet (the golden
agent case), with only the node's paths, ports and addresses changed: a filelog receiver over pod-log-shaped files
(container parser, file_storage offsets) and the vigilrules processor, whose rules are served here. The script
serves 50 rule generations (add, edit, remove steps; every generation stamps its records with attributes["vigil.rules"])
while the writer appends numbered lines at >= 2,000 lines/s and rotates files, and in between serves
bad answers (a body that is not YAML, HTTP 500 for 5 s) that must never be applied. Then it restarts the
agent once (offsets kept in file_storage), stops the writer and checks the sink:

  - every written sequence number arrived (0 lost), and exactly once up to the restart (0 duplicated during the
    changes: the rules are swapped in the processor, the receiver never stops); the restart itself may re-read
    what filelog's at-least-once checkpointing re-reads, a read batch (<= 100 lines of one file) whose emit the
    stop interrupted (docs/logs.md says why);
  - every record carries the generation that parsed it, and is parsed as that generation says;
  - after each change, a record of the new generation reached the sink (the reload latency, p50/p95 <= 10 s);
  - no record after a generation's first one carries an older generation more than 10 s after its apply;
  - the agent's PID never changed during the 50 changes, each change was one in-place swap of the processor's
    rules ("log rules swapped in place"), and nothing restarted: no receiver reload, no service restart.
Prints the figures as JSON on the last line.
"""
import hashlib
import http.server
import json
import os
import random
import re
import signal
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time

otelcol, work = sys.argv[1], sys.argv[2]
changes = int(sys.argv[3]) if len(sys.argv) > 3 else 50
RATE = int(os.environ.get("VIGIL_LOGS_RATE", "2500"))
LATENCY_TARGET = 10.0
# The filelog reader's batch (pkg/stanza fileconsumer DefaultMaxBatchSize): a batch whose emit a receiver stop
# interrupts is not checkpointed, and is read again after the restart.
READ_BATCH = 100
here = os.path.dirname(os.path.abspath(__file__))
# A fresh work directory: a second run over the first's files and checkpoints (the agent's file_storage) would
# resume at the old offsets and miss the new run's lines.
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fail(msg):
    print(f"FAIL: {msg}", flush=True)
    sys.exit(1)


# ---- the rules server: what the operator's /logs/v1 endpoint does, reduced to one mutable answer
class Served:
    lock = threading.Lock()
    body = b"[]"
    status = 200
    requests = 0


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with Served.lock:
            body, status = Served.body, Served.status
            Served.requests += 1
        if status != 200:
            self.send_response(status)
            self.end_headers()
            return
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("ETag", etag)
        self.send_header("Content-Type", "application/yaml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def serve(body=None, status=200):
    with Served.lock:
        if body is not None:
            Served.body = body.encode()
        Served.status = status


# ---- rule generations. Variant v of generation g (v = g % 5) decides the steps; all stamp "vigil.rules".
WEB = 'resource["k8s.pod.name"] == "web"'
API = 'resource["k8s.pod.name"] == "api"'


def operators(gen):
    v = gen % 5
    ops = [{"type": "add", "id": "generation", "field": 'attributes["vigil.rules"]', "value": f"gen-{gen}"}]
    if v in (0, 3):
        ops.append({"type": "key_value_parser", "id": "web-kv", "if": WEB})
    if v in (1, 4):
        ops.append({"type": "regex_parser", "id": "web-re", "if": WEB,
                    "regex": r"^seq=(?P<seq>\S+) level=(?P<level>\S+) method=(?P<method>\S+)"})
    if v == 3:
        ops.append({"type": "severity_parser", "id": "web-sev", "if": WEB + ' and attributes["level"] != nil',
                    "parse_from": 'attributes["level"]'})
    if v in (0, 1, 3):
        ops.append({"type": "json_parser", "id": "api-json", "if": API})
    if v == 1:
        ops.append({"type": "trace_parser", "id": "api-trace", "if": API,
                    "trace_id": {"parse_from": 'attributes["trace_id"]'},
                    "span_id": {"parse_from": 'attributes["span_id"]'}})
    if v == 4:
        ops.append({"type": "remove", "id": "web-drop-method", "if": WEB, "field": 'attributes["method"]'})
    return ops


def to_yaml(value):
    # JSON is YAML; the processor reads either.
    return json.dumps(value, indent=1)


def check_record(gen, pod, attrs, rec):
    """What generation gen must have done to one record; returns a mismatch description or None."""
    v = gen % 5
    body_seq = rec["seq"]
    if pod == "web":
        parsed = v in (0, 1, 3, 4)
        if parsed != ("seq" in attrs):
            return f"seq attribute {'missing' if parsed else 'present'}"
        if parsed and attrs["seq"] != body_seq:
            return f"seq attribute {attrs['seq']} for body {body_seq}"
        if v == 3 and not rec.get("severityText"):
            return "no severity"
        if v == 4 and "method" in attrs:
            return "method not removed"
        if v == 1 and attrs.get("method") != "GET":
            return "method not parsed"
    else:
        parsed = v in (0, 1, 3)
        if parsed != ("seq" in attrs):
            return f"seq attribute {'missing' if parsed else 'present'}"
        if v == 1 and rec.get("traceId", "") != f"{int(body_seq.split('-')[1]):032x}":
            return f"trace id {rec.get('traceId')!r}"
    return None


# ---- collectors
sink_port, rules_port, storage = free_port(), free_port(), os.path.join(work, "storage", "offsets")
os.makedirs(storage, exist_ok=True)
pods_dir = os.path.join(work, "pods")
sink_file = os.path.join(work, "sink.jsonl")
rules_url = f"http://127.0.0.1:{rules_port}/logs/v1/shop/agents/node-a"
GOLDEN = os.path.join(here, "..", "..", "src", "test", "resources", "golden", "agent", "expected.yaml")


def rendered_agent():
    """The agent config and flags Vigil generates (the golden agent case, which RenderGoldenTest keeps equal to what
    the code builds), made runnable as a local process: only what a pod has to itself changes on a shared host, the
    node's paths, the operator's URL, the exporter's address (the sink, no auth) and the listening ports."""
    import yaml
    docs = list(yaml.safe_load_all(open(GOLDEN)))
    cm = next(d for d in docs if d and d["kind"] == "ConfigMap" and "collector.yaml" in d.get("data", {}))
    ds = next(d for d in docs if d and d["kind"] == "DaemonSet")
    args = [a for a in ds["spec"]["template"]["spec"]["containers"][0]["args"] if not a.startswith("--config=")]
    cfg = yaml.safe_load(cm["data"]["collector.yaml"])
    fl = cfg["receivers"]["filelog"]
    node_logs = "/var/log/pods"
    fl["include"] = [p.replace(node_logs, pods_dir) for p in fl["include"]]
    fl["exclude"] = [p.replace(node_logs, pods_dir) for p in fl["exclude"]]
    assert [o["type"] for o in fl["operators"]] == ["container"], fl["operators"]
    rules = cfg["processors"]["vigilrules"]
    assert rules["endpoint"].startswith("http") and "/logs/v1/" in rules["endpoint"], rules
    rules.update(endpoint=rules_url, token_file="", cache_dir=os.path.join(work, "rules-cache"))
    cfg["extensions"]["file_storage"]["directory"] = storage
    cfg["extensions"]["health_check"]["endpoint"] = f"127.0.0.1:{free_port()}"
    cfg["extensions"].pop("bearertokenauth/otlp", None)
    cfg["service"]["extensions"] = [e for e in cfg["service"]["extensions"] if not e.startswith("bearertokenauth")]
    cfg["exporters"] = {"otlp": {"endpoint": f"127.0.0.1:{sink_port}", "tls": {"insecure": True},
                                 "sending_queue": {"queue_size": 100000}}}
    cfg["service"]["telemetry"] = {"metrics": {"level": "none"}}
    return cfg, args


agent_cfg, AGENT_ARGS = rendered_agent()
sink_cfg = {
    "receivers": {"otlp": {"protocols": {"grpc": {"endpoint": f"127.0.0.1:{sink_port}"}}}},
    "exporters": {"file": {"path": sink_file, "format": "json", "flush_interval": "100ms"}},
    "service": {"telemetry": {"metrics": {"level": "none"}},
                "pipelines": {"logs": {"receivers": ["otlp"], "exporters": ["file"]}}},
}
for name, cfg in (("agent", agent_cfg), ("sink", sink_cfg)):
    with open(os.path.join(work, f"{name}.yaml"), "w") as f:
        json.dump(cfg, f, indent=1)

procs = []


def start(name, *args, env=None):
    log = open(os.path.join(work, f"{name}.log"), "ab")
    p = subprocess.Popen(list(args), stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    procs.append(p)
    return p


def stop_all():
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(15)
        except subprocess.TimeoutExpired:
            p.kill()


agent_env = dict(os.environ, K8S_NODE_NAME="node-a")


def start_agent():
    return start("agent", otelcol, f"--config={work}/agent.yaml", *AGENT_ARGS, env=agent_env)


# ---- the sink's file, read incrementally: generation first seen at (time), records so far
class Sink:
    def __init__(self, path):
        self.path, self.offset, self.partial = path, 0, b""
        self.first_seen = {}  # generation -> time it first appeared
        self.records = 0

    def poll(self):
        try:
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                data = f.read()
        except FileNotFoundError:
            return
        self.offset += len(data)
        data = self.partial + data
        lines = data.split(b"\n")
        self.partial = lines.pop()
        now = time.time()
        for line in lines:
            for g in set(re.findall(rb'"gen-(\d+)"', line)):
                self.first_seen.setdefault(int(g), now)
            self.records += line.count(b'"timeUnixNano"')


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", rules_port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    serve(to_yaml(operators(0)))
    stop_file = os.path.join(work, "stop-writer")
    start("sink", otelcol, f"--config={work}/sink.yaml")
    time.sleep(1)
    agent = start_agent()
    writer = start("writer", sys.executable, os.path.join(here, "writer.py"), pods_dir, str(RATE), stop_file,
                   os.path.join(work, "writer.json"))
    sink = Sink(sink_file)
    deadline = time.time() + 30
    while 0 not in sink.first_seen:
        if time.time() > deadline:
            fail("generation 0 never reached the sink; see agent.log")
        time.sleep(0.1)
        sink.poll()
    agent_pid = agent.pid
    applied = {0: time.time()}
    latencies = []
    rnd = random.Random(15)
    bad_at = {changes * 2 // 5: "not-yaml", changes * 7 // 10: "http-500"}
    for gen in range(1, changes + 1):
        if gen in bad_at:
            kind = bad_at[gen]
            before = dict(sink.first_seen)
            if kind == "not-yaml":
                serve(f"- type: add\n  value: gen-bad-{gen}\n  field: [unclosed\n")
            else:
                serve(status=500)
            end = time.time() + 5
            while time.time() < end:
                time.sleep(0.2)
                sink.poll()
            if agent.poll() is not None:
                fail(f"the agent exited after a bad answer ({kind})")
            if sink.first_seen.keys() != before.keys():
                fail(f"a generation appeared while a bad answer ({kind}) was served")
            print(f"bad answer ({kind}) served 5 s: ignored, agent still PID {agent.pid}", flush=True)
        serve(to_yaml(operators(gen)), 200)
        t0 = time.time()
        applied[gen] = t0
        while gen not in sink.first_seen:
            if time.time() - t0 > 30:
                fail(f"generation {gen} did not reach the sink within 30 s")
            if agent.poll() is not None:
                fail(f"the agent exited (rc {agent.returncode}); see {work}/agent.log")
            time.sleep(0.05)
            sink.poll()
        latencies.append(sink.first_seen[gen] - t0)
        time.sleep(rnd.uniform(0.2, 1.5))
    if agent.poll() is not None or agent.pid != agent_pid:
        fail("the agent process did not survive the changes")
    log = open(os.path.join(work, "agent.log"), errors="replace").read()
    reloads = {"swaps": log.count("log rules swapped in place"),
               "partial": log.count("Config updated"),  # a receiver reload or a service restart
               "full": log.count("Starting otelcol") - 1}
    # Everything the agent exported during the changes has reached the sink after the batch timeout and the
    # sink's flush; what is in the sink's file now must hold no duplicate.
    time.sleep(4)
    sink.poll()
    before_restart = sink.offset
    # A restart of the agent process (a pod restart): offsets come back from file_storage.
    agent.send_signal(signal.SIGTERM)
    agent.wait(20)
    time.sleep(3)
    agent = start_agent()
    time.sleep(5)
    open(stop_file, "w").close()
    writer.wait(30)
    summary = json.load(open(os.path.join(work, "writer.json")))
    want = sum(summary["lines"].values())
    deadline = time.time() + 90
    while sink.records < want and time.time() < deadline:
        time.sleep(0.5)
        sink.poll()
    time.sleep(2)
    stop_all()
    server.shutdown()
    return analyze(summary, applied, latencies, agent_pid, reloads, before_restart)


def analyze(summary, applied, latencies, agent_pid, reloads, before_restart):
    seen = {}
    seen_before_restart = {}
    read = 0
    mismatches = []
    late_old = []
    rotated_records = 0
    by_gen = {}
    with open(sink_file) as f:
        for line in f:
            read += len(line.encode())
            for rl in json.loads(line).get("resourceLogs", []):
                res = {a["key"]: a["value"].get("stringValue") for a in rl.get("resource", {}).get("attributes", [])}
                pod = res.get("k8s.pod.name")
                for sl in rl.get("scopeLogs", []):
                    for rec in sl.get("logRecords", []):
                        attrs = {a["key"]: a["value"].get("stringValue") for a in rec.get("attributes", [])}
                        body = rec.get("body", {}).get("stringValue", "")
                        m = re.search(r'seq"?[=:]"?((?:web|api)-\d+)', body)
                        if not m:
                            mismatches.append(f"a record without a sequence number: {body[:80]!r}")
                            continue
                        rec["seq"] = m.group(1)
                        seen[rec["seq"]] = seen.get(rec["seq"], 0) + 1
                        if read <= before_restart:
                            seen_before_restart[rec["seq"]] = seen_before_restart.get(rec["seq"], 0) + 1
                        if attrs.get("log.file.path", "").split("/")[-1] != "0.log":
                            rotated_records += 1
                        gen = int(attrs.get("vigil.rules", "gen--1")[4:])
                        by_gen[gen] = by_gen.get(gen, 0) + 1
                        why = check_record(gen, pod, attrs, rec) if gen >= 0 else "no generation"
                        if why:
                            mismatches.append(f"{rec['seq']} (generation {gen}): {why}")
                        # Written (CRI timestamp) more than 10 s after a newer generation was applied.
                        written = int(rec.get("timeUnixNano", "0")) / 1e9
                        newer = [g for g, t in applied.items() if g > gen and t + LATENCY_TARGET < written]
                        if newer:
                            late_old.append(f"{rec['seq']} written {written - applied[newer[-1]]:.1f} s after "
                                            f"generation {newer[-1]} still parsed by {gen}")
    expected = {f"{pod}-{n:07d}" for pod, count in summary["lines"].items() for n in range(1, count + 1)}
    lost = len(expected - seen.keys())
    duplicated = sum(c - 1 for c in seen.values() if c > 1)
    duplicated_during_changes = sum(c - 1 for c in seen_before_restart.values() if c > 1)
    # Runs of consecutive duplicated sequence numbers per pod: filelog re-reads, after a restart, a read batch
    # (at most READ_BATCH lines of one file) whose emit the stop interrupted (at-least-once by upstream design).
    runs = []
    for pod in summary["lines"]:
        nums = sorted(int(k.split("-")[1]) for k, c in seen.items() if c > 1 and k.startswith(pod + "-"))
        for n in nums:
            if runs and runs[-1][0] == pod and runs[-1][2] == n - 1:
                runs[-1][2] = n
            else:
                runs.append([pod, n, n])
    restarts = 1  # the agent process restart; a rule change restarts nothing
    unexpected = len(seen.keys() - expected)
    lat = sorted(latencies)
    p95 = lat[max(0, int(round(0.95 * len(lat))) - 1)]
    result = {
        "lines_written": len(expected), "write_rate_per_s": round(summary["rate"]),
        "records_received": sum(seen.values()), "lost": lost, "duplicated_during_changes": duplicated_during_changes,
        "records_before_restart": sum(seen_before_restart.values()),
        "duplicated_by_the_restart": duplicated - duplicated_during_changes, "unexpected": unexpected,
        "duplicate_runs": [f"{pod} {lo}-{hi}" for pod, lo, hi in runs],
        "records_from_rotated_files": rotated_records, "generations": len(applied),
        "reload_latency_s": {"p50": round(statistics.median(lat), 2), "p95": round(p95, 2),
                             "max": round(lat[-1], 2)},
        "mismatched_records": len(mismatches), "old_generation_after_10s": len(late_old),
        "agent_pid_during_changes": agent_pid, "rule_swaps": reloads["swaps"],
        "config_reloads": reloads["partial"],
        "full_service_restarts": reloads["full"],
    }
    print(json.dumps(result), flush=True)
    problems = []
    if lost or unexpected:
        problems.append(f"{lost} lost, {unexpected} unexpected sequence numbers")
    if duplicated_during_changes:
        problems.append(f"{duplicated_during_changes} records duplicated during the rule changes (want 0)")
    if any(c > 2 for c in seen.values()) or len(runs) > restarts * len(summary["lines"]) \
            or any(hi - lo + 1 > READ_BATCH for _, lo, hi in runs):
        problems.append(f"duplicates beyond one interrupted read batch per file at the restart: {runs[:5]}")
    if mismatches:
        problems.append(f"{len(mismatches)} records not parsed as their generation says, e.g. {mismatches[:3]}")
    if late_old:
        problems.append(f"{len(late_old)} records parsed by an old generation too late, e.g. {late_old[:3]}")
    if p95 > LATENCY_TARGET:
        problems.append(f"reload latency p95 {p95:.2f} s > {LATENCY_TARGET} s")
    # One swap at start (generation 0) and one per change.
    if reloads["swaps"] != len(applied) or reloads["partial"] != 0 or reloads["full"] != 0:
        problems.append(f"{len(applied) - 1} changes made {reloads['swaps']} rule swaps (with the first), "
                        f"{reloads['partial']} config reloads and {reloads['full']} service restarts "
                        f"(want one swap each, nothing restarted)")
    if rotated_records == 0:
        problems.append("no record came from a rotated file: the rotation path was not exercised")
    if summary["rate"] < 2000:
        problems.append(f"the writer managed only {summary['rate']:.0f} lines/s")
    for p in problems:
        print(f"FAIL: {p}", flush=True)
    return 1 if problems else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        stop_all()
