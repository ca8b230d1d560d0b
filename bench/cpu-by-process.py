#!/usr/bin/env python3
"""Where the machine's cores went between two snapshots: CPU seconds of the operator and of each control-plane process
(from /proc/PID/stat: user + system time, their children not included), of the checks the operator ran as processes
(promtool, the collector's config validation: its children's time once they ended, cutime + cstime), and of the whole
machine (/proc/stat).
usage: cpu-by-process.py snapshot OPERATOR_PID > FILE      a snapshot, as JSON
       cpu-by-process.py diff BEFORE AFTER                  CPU seconds and cores used per process in between
A process that started or ended in between is counted from zero or not at all; the rest of the machine's busy time
(kubectl, kwok's and the bench's own scripts, the kernel) is shown as "everything else". With the operator's pid,
the bytes it read in between too (/proc/PID/io rchar)."""
import json
import os
import sys
import time

NAMES = ("kube-apiserver", "etcd", "kube-controller-manager", "kube-scheduler", "kwok-controller")
TICK = os.sysconf("SC_CLK_TCK")


def process_seconds(pid, children=False):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    if children:
        return (int(fields[13]) + int(fields[14])) / TICK  # cutime, cstime (fields 16 and 17): children waited for
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime (fields 14 and 15 of stat)


def machine_busy_seconds():
    with open("/proc/stat") as f:
        cpu = [int(v) for v in f.readline().split()[1:]]
    idle = cpu[3] + cpu[4]  # idle, iowait
    return (sum(cpu[:8]) - idle) / TICK


def read_bytes(pid):
    """Bytes the process read through read(2) and its kin (rchar): for the operator, mostly what the apiserver sent."""
    with open(f"/proc/{pid}/io") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("rchar:"))


def snapshot(operator_pid):
    out = {"at": time.time(), "machine": machine_busy_seconds(), "processes": {}}
    if operator_pid:
        try:
            out["processes"]["operator"] = process_seconds(operator_pid)
            out["processes"]["operator's checks (promtool, otelcol)"] = process_seconds(operator_pid, children=True)
            out["operator_read"] = read_bytes(operator_pid)
        except OSError:
            pass
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/comm") as f:
                comm = f.read().strip()
            name = next((n for n in NAMES if comm == n[:15]), None)
            if name:
                out["processes"][name] = out["processes"].get(name, 0) + process_seconds(pid)
        except OSError:
            continue
    return out


def diff(before, after):
    seconds = after["at"] - before["at"]
    rows = []
    for name, s in after["processes"].items():
        rows.append((s - before["processes"].get(name, 0), name))
    used = sum(r[0] for r in rows)
    rows.append((after["machine"] - before["machine"] - used, "everything else"))
    total = after["machine"] - before["machine"]
    print(f"CPU over those {seconds:.0f} s: {total:.0f} s of the machine's {seconds * os.cpu_count():.0f} "
          f"({total / seconds:.2f} of {os.cpu_count()} cores busy)")
    for s, name in sorted(rows, reverse=True):
        print(f"  {s:8.1f} s  {s / seconds:5.2f} cores  {name}")
    if "operator_read" in before and "operator_read" in after:
        read = after["operator_read"] - before["operator_read"]
        print(f"the operator read {read / 1e6:.1f} MB in that time (rchar: sockets, mostly the apiserver's answers and watch events)")


if __name__ == "__main__":
    if sys.argv[1] == "snapshot":
        json.dump(snapshot(int(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[2] else 0), sys.stdout)
    else:
        diff(json.load(open(sys.argv[2])), json.load(open(sys.argv[3])))
