#!/usr/bin/env python3
"""Records, twice a second, what the operator wrote (the service's pool status and its ConfigMap) and what the
demo service runs with (GET /state), as JSON lines for analyze.py."""
import argparse
import json
import os
import subprocess
import time
import urllib.request


def kubectl_json(*args):
    r = subprocess.run([os.environ.get("KUBECTL", "kubectl"), *args, "-o", "json"], capture_output=True, text=True)
    return json.loads(r.stdout) if r.returncode == 0 and r.stdout else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--namespace", required=True)
    ap.add_argument("--service", required=True)
    ap.add_argument("--app", default="http://127.0.0.1:18090")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    with open(args.out, "a") as out:
        while True:
            at = time.time()
            rec = {"at": at}
            svc = kubectl_json("get", "instrumentedservice", args.service, "-n", args.namespace)
            pools = ((svc or {}).get("status") or {}).get("pools") or []
            if pools:
                p = pools[0]
                rec["status"] = {k: p.get(k) for k in ("size", "desiredSize", "reason", "waitsPerSecond", "utilisation",
                                                       "measuredAt", "lastChange", "budget")}
                rec["status"]["metrics"] = next((c["reason"] for c in p.get("conditions", [])
                                                 if c["type"] == "MetricsAvailable"), None)
            cm = kubectl_json("get", "configmap", args.service + "-pools", "-n", args.namespace)
            if cm and cm.get("data"):
                rec["configmap"] = int(cm["data"].get("cache", "0"))
            try:
                with urllib.request.urlopen(args.app + "/state", timeout=2) as r:
                    rec["app"] = json.loads(r.read())
            except Exception:
                pass
            out.write(json.dumps(rec) + "\n")
            out.flush()
            time.sleep(max(0.0, 0.5 - (time.time() - at)))


if __name__ == "__main__":
    main()
