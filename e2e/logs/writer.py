#!/usr/bin/env python3
"""Appends numbered container-log lines (CRI format, as containerd writes them) to pod-log-shaped files
at a steady rate, and rotates them the way the kubelet does.

Usage: writer.py <pods-dir> <lines-per-second> <stop-file> <summary.json>

Two pods in namespace "shop": "web" logs key=value lines, "api" logs JSON lines; both carry a sequence
number "seq" (<pod>-<n>), unique per line. Every ~6 s a pod's 0.log is renamed to
0.log.<YYYYMMDD-HHMMSS> (the kubelet's rotation), the writer goes on appending a few lines to the renamed
file (the runtime has not reopened yet), then reopens a new 0.log. When <stop-file> exists the writer
stops and writes how many lines each pod got to <summary.json>.
"""
import json
import os
import sys
import time

pods_dir, rate, stop_file, summary = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
PODS = {
    "web": ("shop", "7c1f0c2a-0b7e-4f0e-9a55-6a3c2f9d1e01", "nginx"),
    "api": ("shop", "0d2e6b1f-5c3a-4e8b-8f7a-2b9c4d6e8f02", "app"),
}
ROTATE_EVERY = 6.0
LINES_AFTER_RENAME = 40
PAD = "x" * 90


class Pod:
    def __init__(self, name, ns, uid, container):
        self.name = name
        self.dir = os.path.join(pods_dir, f"{ns}_{name}_{uid}", container)
        os.makedirs(self.dir, exist_ok=True)
        self.path = os.path.join(self.dir, "0.log")
        self.f = open(self.path, "a", buffering=1 << 16)
        self.n = 0
        self.rotated_at = time.time()
        self.after_rename = -1  # lines still to write to the renamed file, -1 when none pending

    def line(self):
        self.n += 1
        seq = f"{self.name}-{self.n:07d}"
        now = time.time()
        ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now % 1 * 1e9):09d}Z"
        level = ("INFO", "WARN", "ERROR", "DEBUG")[self.n % 4]
        if self.name == "api":
            trace = f"{self.n:032x}"
            msg = json.dumps({"seq": seq, "level": level, "trace_id": trace, "span_id": trace[16:],
                              "msg": "order accepted", "pad": PAD}, separators=(",", ":"))
        else:
            msg = f"seq={seq} level={level} method=GET path=/items/{self.n % 997} status=200 pad={PAD}"
        return f"{ts} stdout F {msg}\n"

    def write(self, count):
        for _ in range(count):
            self.f.write(self.line())
            if self.after_rename > 0:
                self.after_rename -= 1
                if self.after_rename == 0:
                    self.reopen()
        self.f.flush()

    def maybe_rotate(self):
        if self.after_rename >= 0 or time.time() - self.rotated_at < ROTATE_EVERY:
            return
        self.f.flush()
        os.rename(self.path, f"{self.path}.{time.strftime('%Y%m%d-%H%M%S', time.gmtime())}")
        self.after_rename = LINES_AFTER_RENAME  # the open handle still points at the renamed file

    def reopen(self):
        self.f.close()
        self.f = open(self.path, "a", buffering=1 << 16)
        self.after_rename = -1
        self.rotated_at = time.time()


pods = [Pod(name, *rest) for name, rest in PODS.items()]
# The api pod rotates half a period later than web.
pods[1].rotated_at += ROTATE_EVERY / 2
tick = 0.01
per_tick = rate * tick / len(pods)
start = time.time()
owed = 0.0
ticks = 0
while not os.path.exists(stop_file):
    ticks += 1
    owed += per_tick
    count = int(owed)
    owed -= count
    for p in pods:
        p.maybe_rotate()
        p.write(count)
    # Paced on the wall clock, so a slow tick is caught up by the next ones.
    delay = start + ticks * tick - time.time()
    if delay > 0:
        time.sleep(delay)
for p in pods:
    p.f.close()
elapsed = time.time() - start
json.dump({"lines": {p.name: p.n for p in pods}, "seconds": elapsed,
           "rate": sum(p.n for p in pods) / elapsed}, open(summary, "w"))
