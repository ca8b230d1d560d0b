#!/usr/bin/env python3
"""The generated service dashboard's pool rows on real data: the dashboard JSON is the one the operator wrote for
the demo service (its ConfigMap); every query of every panel in its "Pool ..." rows, and the pool annotations, is
evaluated by the run's real Prometheus (which scraped the demo app and the operator) over the whole run, with
Grafana's variables filled in as a user would have them. Every panel query must return data; Vigil's decisions
must show as annotation events (resizes less than the annotation's 1-minute window apart make one event).

usage: dashboard-panels.py <dashboard.json> <prometheus-url> <namespace> <from-epoch> <to-epoch> <scrape-seconds>"""
import json
import sys
import urllib.parse
import urllib.request

dashboard, prom, ns, start, end, scrape = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
d = json.load(open(dashboard))


def fill(expr):
    # Grafana's $__rate_interval is at least four scrape intervals.
    return expr.replace("$namespace", ns).replace("$pod", ".*").replace("$__rate_interval", "%ds" % (4 * scrape))


def query_range(expr):
    q = urllib.parse.urlencode({"query": fill(expr), "start": start, "end": end, "step": scrape})
    body = json.load(urllib.request.urlopen(prom + "/api/v1/query_range?" + q, timeout=10))
    assert body["status"] == "success", body
    return body["data"]["result"]


row, failures, checked = None, [], 0
for p in d["panels"]:
    if p["type"] == "row":
        row = p["title"]
        continue
    if not row.startswith("Pool "):
        continue
    for t in p["targets"]:
        result = query_range(t["expr"])
        points = sum(len(r["values"]) for r in result)
        checked += 1
        print("%-28s %-28s %-24s %3d series %5d points" % (row, p["title"], t["legendFormat"], len(result), points))
        if points == 0:
            failures.append("%s / %s / %s: no data" % (row, p["title"], t["legendFormat"]))

for a in d["annotations"]["list"]:
    if not a.get("expr"):
        continue
    result = query_range(a["expr"])
    # One annotation per step where the expression holds; consecutive steps are one event.
    events = 0
    for r in result:
        last = None
        for ts, _ in r["values"]:
            if last is None or float(ts) - last > scrape:
                events += 1
            last = float(ts)
    print("annotation %-36s %d events" % (a["name"], events))
    if "Vigil's decisions" in a["name"] and events == 0:
        failures.append("annotation %s: no event although the operator resized the pool" % a["name"])

print("%d pool panel queries evaluated on the run's data" % checked)
if failures or checked == 0:
    print("FAIL:\n  " + "\n  ".join(failures or ["no pool panels found"]))
    sys.exit(1)
print("OK: every pool panel has data, and Vigil's decisions are annotations")
