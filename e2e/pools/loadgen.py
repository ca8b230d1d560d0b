#!/usr/bin/env python3
"""Load for the pool demo service: clients that each hold a Redis connection for --hold-ms per request.

Phases are name:concurrency:seconds, e.g. calm:3:20,spike:16:60,calm:3:75. With more clients than connections,
requests wait for the pool. Writes JSON lines to --out: one per phase start, and one per second with the requests,
the requests that waited for a connection (as the service reports) and the errors of that second.
"""
import argparse
import json
import threading
import time
import urllib.request


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--hold-ms", type=int, default=100)
    ap.add_argument("--phases", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    phases = []
    for p in args.phases.split(","):
        name, conc, secs = p.split(":")
        phases.append((name, int(conc), float(secs)))
    most = max(c for _, c, _ in phases)
    active = [0]
    stop = threading.Event()
    lock = threading.Lock()
    counts = {"requests": 0, "waited": 0, "errors": 0}
    url = f"{args.url}/work?holdMs={args.hold_ms}"

    def client(i):
        while not stop.is_set():
            if i >= active[0]:
                time.sleep(0.02)
                continue
            try:
                with urllib.request.urlopen(url, timeout=30) as r:
                    body = r.read().decode()
                with lock:
                    counts["requests"] += 1
                    if "waited" in body:
                        counts["waited"] += 1
            except Exception:
                with lock:
                    counts["errors"] += 1
                time.sleep(0.1)

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(most)]
    for t in threads:
        t.start()
    with open(args.out, "a") as out:
        def write(rec):
            out.write(json.dumps(rec) + "\n")
            out.flush()

        for name, conc, secs in phases:
            start = time.time()
            active[0] = conc
            write({"at": start, "phase": name, "concurrency": conc})
            next_tick = start + 1
            while time.time() < start + secs:
                time.sleep(max(0.0, min(next_tick, start + secs) - time.time()))
                if time.time() >= next_tick:
                    with lock:
                        rec = {"at": next_tick, "second": dict(counts)}
                        for k in counts:
                            counts[k] = 0
                    write(rec)
                    next_tick += 1
        stop.set()
        write({"at": time.time(), "phase": "end", "concurrency": 0})


if __name__ == "__main__":
    main()
