#!/usr/bin/env python3
"""Counts the write requests to the apiserver by client, verb and resource, from a span of its audit log (reads are
not logged: e2e/cluster/audit-policy.yaml).
usage: audit-requests.py AUDIT_LOG MARK [PER]
MARK: from `python3 e2e/auditlog.py mark AUDIT_LOG` (follows the log across its rotations: 10,000 services write
several of them). PER: divide the counts by it too (e.g. the number of services: writes per service)."""
import collections
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
import auditlog  # noqa: E402

path, start = sys.argv[1], sys.argv[2]
per = float(sys.argv[3]) if len(sys.argv) > 3 else None
counts = collections.Counter()
for e in auditlog.events(path, start):
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
