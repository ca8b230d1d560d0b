#!/usr/bin/env python3
"""Stops and starts components of the local control plane (kwokctl's binary runtime runs each as a process with a
pid file): `save NAME...` records each process's argv, environment and working directory; `stop NAME` saves, then
ends it (SIGTERM, then SIGKILL after 10 s); `start NAME` runs it again exactly so, its output appended to kwokctl's
log of it; `revive NAME...` starts those that are not running (what a kubelet does for static pods: the
controller-manager and the scheduler exit when they lose their leader lease to an apiserver outage).
usage: component.py save|stop|start|revive NAME...   (kube-apiserver, etcd, kube-controller-manager, ...)"""
import json
import os
import signal
import subprocess
import sys
import time

cluster = os.path.join(os.environ.get("KWOK_WORKDIR", os.path.join(os.path.dirname(__file__), "..", ".work", "kwok")),
                       "clusters", os.environ.get("VIGIL_CLUSTER", "vigil"))
verb, names = sys.argv[1], sys.argv[2:]


def paths(name):
    return os.path.join(cluster, "pids", name + ".pid"), os.path.join(cluster, "pids", name + ".fault.json")


def alive(name):
    try:
        os.kill(int(open(paths(name)[0]).read().strip()), 0)
        return True
    except (OSError, ValueError):
        return False


def save(name):
    pidfile, saved = paths(name)
    pid = int(open(pidfile).read().strip())
    argv = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")[:-1]
    env = dict(e.split(b"=", 1) for e in open(f"/proc/{pid}/environ", "rb").read().split(b"\0") if b"=" in e)
    cwd = os.readlink(f"/proc/{pid}/cwd")
    json.dump({"argv": [a.decode() for a in argv], "env": {k.decode(): v.decode() for k, v in env.items()}, "cwd": cwd},
              open(saved, "w"))
    return pid


def stop(name):
    pid = save(name)
    os.kill(pid, signal.SIGTERM)
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        os.kill(pid, signal.SIGKILL)
    print(f"{name} (pid {pid}) stopped")


def start(name):
    pidfile, saved = paths(name)
    s = json.load(open(saved))
    log = open(os.path.join(cluster, "logs", name + ".log"), "ab")
    p = subprocess.Popen(s["argv"], env=s["env"], cwd=s["cwd"], stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                         start_new_session=True)
    open(pidfile, "w").write(str(p.pid))
    print(f"{name} started again (pid {p.pid})")


for name in names:
    if verb == "save":
        save(name)
    elif verb == "stop":
        stop(name)
    elif verb == "start":
        start(name)
    elif verb == "revive":
        if not alive(name):
            start(name)
    else:
        sys.exit("usage: component.py save|stop|start|revive NAME...")
