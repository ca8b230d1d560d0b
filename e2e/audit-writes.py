#!/usr/bin/env python3
"""Counts the write requests (create/update/patch/delete) the operator made, from the apiserver's audit log.
usage: audit-writes.py AUDIT_LOG MARK [USER_AGENT_PREFIX]
MARK: from `python3 e2e/auditlog.py mark AUDIT_LOG` (follows the log across its rotations).
Prints one line per write and a summary; the leader-election Lease renewals are counted apart (they are how a
replica keeps its lease, not reconcile writes)."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import auditlog  # noqa: E402

# "create" of these asks a question (may I? who is this?) and stores nothing; the operator asks at start-up.
REVIEWS = {"selfsubjectrulesreviews", "selfsubjectaccessreviews", "subjectaccessreviews", "tokenreviews"}

path, start = sys.argv[1], sys.argv[2]
agent = sys.argv[3] if len(sys.argv) > 3 else "fabric8-kubernetes-client"
writes, leases = [], 0
for e in auditlog.events(path, start):
    if e.get("verb") not in ("create", "update", "patch", "delete"):
        continue
    if not e.get("userAgent", "").startswith(agent):
        continue
    ref = e.get("objectRef", {})
    if ref.get("resource") in REVIEWS:
        continue
    if ref.get("resource") == "leases":
        leases += 1
        continue
    writes.append(f"{e['verb']} {ref.get('resource')}{'/' + ref['subresource'] if ref.get('subresource') else ''} "
                  f"{ref.get('namespace', '')}/{ref.get('name', '')} -> {e.get('responseStatus', {}).get('code')}")
    # Vigil's status writes are logged with their bodies (audit-policy.yaml): what the write was about.
    if e.get("requestObject") is not None:
        writes[-1] += "\n  body: " + json.dumps(e["requestObject"].get("status", e["requestObject"]), sort_keys=True)[:1500]
for w in writes:
    print("write:", w)
print(f"writes={len(writes)} lease_renewals={leases}")
