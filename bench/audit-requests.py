#!/usr/bin/env python3
"""Counts the write requests to the apiserver by client, verb and resource, from a span of its audit log (reads are
not logged: e2e/cluster/audit-policy.yaml).
usage: audit-requests.py AUDIT_LOG FROM_BYTE [TO_BYTE] [PER]
PER: divide the counts by it too (e.g. the number of services: writes per service)."""
import collections
import json
import sys

path, start = sys.argv[1], int(sys.argv[2])
end = int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[3] else None
per = float(sys.argv[4]) if len(sys.argv) > 4 else None
counts = collections.Counter()
with open(path, "rb") as f:
    f.seek(start)
    for raw in f:
        if end is not None and f.tell() > end:
            break
        try:
            e = json.loads(raw)
        except ValueError:
            continue
        if e.get("stage") != "ResponseComplete":
            continue
        agent = e.get("userAgent", "").split("/")[0].split(" ")[0]
        ref = e.get("objectRef", {})
        what = ref.get("resource", e.get("requestURI", "?").split("?")[0])
        if ref.get("subresource"):
            what += "/" + ref["subresource"]
        counts[(agent, e.get("verb"), what)] += 1
by_agent = collections.Counter()
for (agent, _, _), c in counts.items():
    by_agent[agent] += c
for agent, total in by_agent.most_common():
    print(f"{agent}: {total} writes" + (f" ({total / per:.1f} per)" if per else ""))
    for (a, verb, what), c in counts.most_common():
        if a == agent and c * 50 >= total:
            print(f"  {c:7d} {verb} {what}" + (f" ({c / per:.2f} per)" if per else ""))
