#!/usr/bin/env python3
"""The service dashboard's "Scraped by shard" panel on real data: its PromQL, taken from the dashboard ConfigMap the
operator wrote for the service, is evaluated by a real Prometheus that the real collectors of every shard
remote-write into (target_info carries their vigil.shard resource attribute). The pod -> shard pairs it returns
must be exactly the assignment the operator's service discovery serves to each shard at that moment.

usage: shard-panel.py <dashboard.json> <prometheus-url> <sd-url-template> <token-file> <shards> <namespace> <service>"""
import json
import sys
import time
import urllib.parse
import urllib.request

dashboard, prom, sd_template, token_file, shards, namespace, service = sys.argv[1:8]
panel = next(p for p in json.load(open(dashboard))["panels"] if p.get("title") == "Scraped by shard")
expr = panel["targets"][0]["expr"].replace("$namespace", namespace).replace("$pod", ".*")
token = open(token_file).read().strip()


def assigned():
    """pod -> shard, as the operator serves it to each shard now."""
    out = {}
    for shard in range(int(shards)):
        url = sd_template.replace("${env:VIGIL_SHARD}", str(shard))
        req = urllib.request.Request(url, headers={"Authorization": "Bearer " + token})
        for group in json.load(urllib.request.urlopen(req, timeout=5)):
            if group["labels"].get("service") == service:
                out.setdefault(group["labels"]["pod"], set()).add(str(shard))
    return out


def panel_now():
    q = urllib.parse.urlencode({"query": expr})
    body = json.load(urllib.request.urlopen(prom + "/api/v1/query?" + q, timeout=5))
    assert body["status"] == "success", body
    out = {}
    for r in body["data"]["result"]:
        out.setdefault(r["metric"]["pod"], set()).add(r["metric"]["vigil_shard"])
    return out


# Remote write lags a scrape by a batch (1 s) and a send; a stale target_info leaves after its staleness marker.
deadline = time.time() + 30
while True:
    want, got = assigned(), panel_now()
    if want == got or time.time() > deadline:
        break
    time.sleep(1)
fmt = lambda m: ", ".join("%s@%s" % (p, "+".join(sorted(s))) for p, s in sorted(m.items()))
print("scraped-by-shard panel (%d pods): %s" % (len(got), fmt(got)))
if want != got:
    print("FAIL: the operator assigns %s" % fmt(want))
    sys.exit(1)
print("OK: the panel shows the operator's assignment of all %d pods" % len(want))
