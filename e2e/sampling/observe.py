#!/usr/bin/env python3
"""Every second: each service's status.traceSampling (ratio, base, reason, kept, in) as the operator wrote it.
    observe.py NAMESPACE OUT SERVICE..."""
import json
import os
import subprocess
import sys
import time

ns, out, services = sys.argv[1], sys.argv[2], sys.argv[3:]
kubectl = os.environ.get("KUBECTL", "kubectl")
with open(out, "a") as f:
    while True:
        at = time.time()
        try:
            items = json.loads(subprocess.run([kubectl, "get", "isvc", "-n", ns, "-o", "json"], capture_output=True,
                                              text=True, timeout=10).stdout)["items"]
        except Exception:
            items = []
        for i in items:
            name = i["metadata"]["name"]
            ts = (i.get("status") or {}).get("traceSampling")
            if name in services and ts:
                f.write(json.dumps({"at": at, "service": name, **{k: ts.get(k) for k in (
                    "ratio", "baseRatio", "reason", "keptSpansPerSecond", "spansPerSecond", "measuredAt")}}) + "\n")
        f.flush()
        time.sleep(max(0.0, 1 - (time.time() - at)))
