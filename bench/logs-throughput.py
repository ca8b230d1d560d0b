#!/usr/bin/env python3
"""Node agent throughput with 1, 5 and 20 LogParserRules against none (issue 15), measured in one run.

    python3 bench/logs-throughput.py "$VIGIL_OTELCOL" /tmp/logs-bench [LINES]

For each rule count, Vigil's collector distribution reads the same pod-log files (CRI lines, 200 bytes of app text
each: key=value with a timestamp, a level and a trace context) as an agent does: a filelog receiver with the
container parser, then the vigilrules processor running exactly what the operator would serve an agent fleet, taken
from `bin/vigil-render --log-operators` over generated LogParserRules (no hand-written operators), served to it
here over HTTP. With R rules the lines come from R
pods of R Deployments (spread evenly), each rule parsing its own pods' lines with four steps (key=value, severity,
epoch timestamp, trace context), so every line is parsed by one rule and passes the routers of the R-1 others. The
baseline of each case is the same agent over the same files (R pods) without rules (the processor is served an empty
list), measured in the same run. One more case adds a platform default rule (spec.agent.defaultRules) to the 20
rules: no line reaches it, so it measures the "no app rule applies" condition its router holds.

Figure: lines per CPU-second of the collector process (utime+stime from /proc, between its first and its last
accepted record; so per core), and the ratio to the baseline. Records go to the debug exporter at basic verbosity
(no export cost worth the name), so this is the cost of reading and parsing. Each case runs three times; the best run
counts (the machine has other work).
"""
import http.server
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
otelcol, work = sys.argv[1], sys.argv[2]
LINES = int(sys.argv[3]) if len(sys.argv) > 3 else 600_000
# (app team rules, platform default rules); the default rule parses like an app rule but no line reaches it (every
# line's pod has its rule): its cost is the "no app rule applies" condition on every line.
CASES = [(1, 0), (5, 0), (20, 0), (20, 1)]
TICK = os.sysconf("SC_CLK_TCK")
SAFE = "bcdfghjklmnpqrstvwxz2456789"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rule(i):
    return f"""---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: w{i}, namespace: bench}}
spec:
  selector: {{matchLabels: {{app: w{i}}}}}
  template:
    metadata: {{labels: {{app: w{i}, bench: "yes"}}}}
    spec: {{containers: [{{name: app, image: x}}]}}
---
apiVersion: vigil.dev/v1alpha1
kind: LogParserRule
metadata: {{name: r{i}, namespace: bench}}
spec:
  podSelector: {{matchLabels: {{app: w{i}}}}}
  steps:
    - keyValue: {{}}
    - severity: {{from: level}}
    - timestamp: {{from: ts, layoutType: epoch, layout: s.ms}}
    - traceContext: {{traceId: trace_id, spanId: span_id}}
  drops: [ts]
  samples:
    - line: 'ts=1764842400.123 level=warn trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7 msg="x"'
      attributes: {{msg: x}}
      severity: WARN
      traceId: 4bf92f3577b34da6a3ce929d0e0e4736
"""


def operators(rules, defaults=0):
    """What Vigil serves an agent fleet with these rules, from the offline render."""
    inputs = os.path.join(work, f"rules-{rules}-{defaults}.yaml")
    with open(inputs, "w") as f:
        f.write("apiVersion: vigil.dev/v1alpha1\nkind: TelemetryCollector\nmetadata: {name: agents, namespace: bench}\n"
                "spec:\n  mode: agent\n")
        if defaults:
            f.write("  agent:\n    defaultRules:\n")
            for d in range(defaults):
                body = rule(0).split("kind: LogParserRule", 1)[1].split("  podSelector: {matchLabels: {app: w0}}\n", 1)[1]
                f.write(f"      - name: default-{d}\n" + "".join("      " + line + "\n" for line in body.splitlines()))
        for i in range(rules):
            f.write(rule(i))
    out = subprocess.run([os.path.join(root, "bin", "vigil-render"), "--log-operators", inputs],
                         check=True, capture_output=True, text=True).stdout
    import yaml  # PyYAML, as e2e/logs/reload.py uses (Debian python3-yaml)
    # YAML 1.1 reads a plain "=" as its "value" tag; the collector (YAML 1.2) reads a string, as here.
    yaml.SafeLoader.add_constructor("tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node))
    return yaml.safe_load(out)["bench/agents"]


def write_logs(pods_dir, pods):
    """LINES CRI lines spread over `pods` pods (one pod of each workload), 200 bytes of app text each."""
    shutil.rmtree(pods_dir, ignore_errors=True)
    files = []
    for p in range(pods):
        pod = f"w{p}-7c9f5b4d6-{SAFE[p % len(SAFE)]}x2k9"
        d = os.path.join(pods_dir, f"bench_{pod}_0f0e0d0c-0000-4000-8000-{p:012d}", "app")
        os.makedirs(d)
        files.append(open(os.path.join(d, "0.log"), "w"))
    for n in range(LINES):
        text = (f"ts=1764842400.{n % 1000:03d} level={('info', 'warn', 'error', 'debug')[n % 4]} "
                f"trace_id={n:032x} span_id={n:016x} msg=\"order placed\" user=u{n % 9973} path=/checkout/cart")
        text += " pad=" + "x" * (200 - len(text) - 5)
        files[n % pods].write(f"2026-12-04T08:00:00.000000000Z stdout F {text}\n")
    for f in files:
        f.close()


def accepted(port):
    try:
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2).read().decode()
    except OSError:
        return 0
    total = 0
    for line in body.splitlines():
        if line.startswith("otelcol_receiver_accepted_log_records"):
            total += int(float(line.rsplit(" ", 1)[1]))
    return total


def cpu(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


class Served(http.server.BaseHTTPRequestHandler):
    """The operator's /logs/v1 endpoint, reduced to the one answer of the case being measured."""
    body = b"[]"

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", str(len(Served.body)))
        self.end_headers()
        self.wfile.write(Served.body)

    def log_message(self, *args):
        pass


def run(pods, ops, rules_url):
    pods_dir = os.path.join(work, "pods")
    write_logs(pods_dir, pods)
    Served.body = json.dumps(ops).encode()
    port = free_port()
    config = {
        "receivers": {"filelog": {"include": [pods_dir + "/*/*/*.log"], "start_at": "beginning",
                                  "include_file_path": True,
                                  "operators": [{"type": "container", "id": "container",
                                                 "add_metadata_from_filepath": True}]}},
        "processors": {"vigilrules": {"endpoint": rules_url, "token_file": ""}},
        "exporters": {"debug": {"verbosity": "basic"}},
        "service": {"telemetry": {"logs": {"level": "warn"}, "metrics": {"level": "normal", "readers": [
            {"pull": {"exporter": {"prometheus": {"host": "127.0.0.1", "port": port}}}}]}},
                    "pipelines": {"logs": {"receivers": ["filelog"], "processors": ["vigilrules"],
                                           "exporters": ["debug"]}}},
    }
    path = os.path.join(work, f"config-{pods}-{len(ops)}.json")
    with open(path, "w") as f:
        json.dump(config, f)
    log = open(os.path.join(work, f"agent-{pods}-{len(ops)}.log"), "wb")
    p = subprocess.Popen([otelcol, "--config=" + path], stdout=log, stderr=log)
    try:
        first = None
        deadline = time.time() + 300
        while time.time() < deadline:
            n = accepted(port)
            if n > 0 and first is None:
                first = (n, cpu(p.pid), time.time())
            if n >= LINES:
                last = (n, cpu(p.pid), time.time())
                break
            if p.poll() is not None:
                sys.exit(f"the agent exited; see {log.name}")
            time.sleep(0.05)
        else:
            sys.exit(f"only {accepted(port)} of {LINES} lines in 300 s; see {log.name}")
    finally:
        p.terminate()
        p.wait()
    lines = last[0] - first[0]
    return lines / max(last[1] - first[1], 1e-9), lines / max(last[2] - first[2], 1e-9)


def main():
    os.makedirs(work, exist_ok=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Served)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    rules_url = f"http://127.0.0.1:{server.server_address[1]}/logs/v1/bench/agents"
    # The baseline of a case: the agent without rules over the same files (as many pods as the case has rules: reading
    # 20 files costs filelog more than reading one), measured in this run.
    baselines = {}
    results = {}
    for rules, defaults in CASES:
        pods = max(rules, 1)
        if pods not in baselines:
            baselines[pods] = max((run(pods, [], rules_url) for _ in range(3)), key=lambda r: r[0])
            print(f"baseline pods={pods} lines/cpu-s={baselines[pods][0]:,.0f} lines/s-wall={baselines[pods][1]:,.0f}",
                  flush=True)
        if rules == 0:
            continue
        ops = operators(rules, defaults)
        steps = sum(1 for o in ops if str(o.get("id", "")).startswith(("lpr/", "default/")))
        best = max((run(pods, ops, rules_url) for _ in range(3)), key=lambda r: r[0])
        results[(rules, defaults)] = (steps, *best)
        print(f"rules={rules} defaults={defaults} operators={len(ops)} rule-operators={steps} "
              f"lines/cpu-s={best[0]:,.0f} lines/s-wall={best[1]:,.0f}", flush=True)
    print()
    print("| rules | default rules | rule operators | pods (files) | lines per CPU-second, no rules | "
          "lines per CPU-second | lines per second (wall) | CPU per line vs no rules |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for (rules, defaults), (steps, per_cpu, wall) in results.items():
        pods = max(rules, 1)
        base = baselines[pods][0]
        print(f"| {rules} | {defaults} | {steps} | {pods} | {base:,.0f} | {per_cpu:,.0f} | {wall:,.0f} | {base / per_cpu:.2f}× |")
    twenty = results[(20, 0)][1]
    print()
    print(f"RESULT 20 rules: {twenty:,.0f} lines per CPU-second (goal >= 10,000), "
          f"{baselines[20][0] / twenty:.2f}x the CPU per line of the same agent without rules (goal <= 1.3x)")


if __name__ == "__main__":
    main()
