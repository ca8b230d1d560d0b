#!/usr/bin/env python3
"""Reads what each shard's collector exported (OTLP JSON lines, one file per shard) and the times the shard count
changed, and checks the resharding claims:
  1. before each change and at the end (steady state), every target is scraped by exactly one shard;
  2. no target goes without a scrape for more than one scrape interval (gap <= 2 intervals + slack);
  3. two shards scrape a target only in the hand-off after a change (a pair of scrapes from two shards begins in
     change .. change + overlap + slack);
  4. while the operator is down, every target goes on being scraped (HTTP SD keeps the last list)."""
import glob
import json
import sys
from collections import defaultdict

shard_files, phases_file, interval, overlap = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
SLACK = 1.5
everything = json.load(open(phases_file))  # [{"at": epoch, "shards": n}, ..., {"outage": [from, to]}]
phases = [p for p in everything if "at" in p]
outages = [p["outage"] for p in everything if "outage" in p]
scrapes = defaultdict(list)  # target -> [(t, shard, draining)]
for path in sorted(glob.glob(shard_files)):
    shard = int(path.rsplit("-", 1)[1].split(".")[0])
    for line in open(path):
        line = line.strip()
        if not line:
            continue
        for rm in json.loads(line).get("resourceMetrics", []):
            res = {a["key"]: a["value"].get("stringValue") for a in rm.get("resource", {}).get("attributes", [])}
            target = res.get("service.instance.id") or res.get("net.host.name")
            for sm in rm.get("scopeMetrics", []):
                for m in sm.get("metrics", []):
                    if m["name"] != "up":
                        continue
                    for dp in m.get("gauge", {}).get("dataPoints", []):
                        if dp.get("asDouble", dp.get("asInt")) in (1, 1.0, "1"):
                            attrs = {a["key"]: a["value"].get("stringValue") for a in dp.get("attributes", [])}
                            scrapes[target].append((int(dp["timeUnixNano"]) / 1e9, shard, attrs.get("vigil_handoff") == "draining"))

failures = []
start = phases[0]["at"]
end = max(t for s in scrapes.values() for t, _, _ in s)
warm = start + 15  # the first service-discovery refresh and scrape
targets = sorted(scrapes)
print("targets scraped: %d; scrapes: %d; shard files: %d" % (len(targets), sum(len(v) for v in scrapes.values()),
                                                            len(glob.glob(shard_files))))

# 1. steady state: the 8 s before each change and before the end
windows = [(p["at"] - 8, p["at"]) for p in phases[1:]] + [(end - 8, end)]
for lo, hi in windows:
    for t in targets:
        shards = {s for (ts, s, _) in scrapes[t] if lo <= ts <= hi}
        if len(shards) != 1:
            failures.append("steady state %.0f..%.0f: %s scraped by shards %s" % (lo - start, hi - start, t, sorted(shards)))
    print("steady window %5.1f..%5.1f s: every target on exactly one shard: %s" % (
        lo - start, hi - start, all(len({s for (ts, s, _) in scrapes[t] if lo <= ts <= hi}) == 1 for t in targets)))

# 2. gaps
worst = 0
for t in targets:
    times = sorted(ts for ts, _, _ in scrapes[t] if ts >= warm)
    for a, b in zip(times, times[1:]):
        worst = max(worst, b - a)
        if b - a > 2 * interval + SLACK:
            failures.append("%s: no scrape for %.1f s at %.1f s" % (t, b - a, a - start))
print("longest gap between two scrapes of one target: %.2f s (allowed: %.1f)" % (worst, 2 * interval + SLACK))

# 3. double scraping only in hand-offs
changes = [p["at"] for p in phases[1:]]
doubles = 0
for t in targets:
    by_time = sorted(scrapes[t])
    for i, (ts, s, draining) in enumerate(by_time):
        # another shard scraped this target within one interval of this scrape
        near = [(t2, s2) for (t2, s2, _) in by_time if abs(t2 - ts) < interval * 0.75 and s2 != s]
        others = {s2 for _, s2 in near}
        if others:
            doubles += 1
            # The pair began at its earlier scrape: a pair that began inside the hand-off is inside it, though its
            # later scrape may fall up to 0.75 interval after the hand-off's end.
            began = min([ts] + [t2 for t2, _ in near])
            if not any(c <= ts and began <= c + overlap + SLACK for c in changes):
                failures.append("%s scraped by shards %s and %s at %.1f s, outside any hand-off" % (
                    t, s, sorted(others), ts - start))
print("scrapes with a second shard scraping the same target: %d, all within hand-offs: %s" % (
    doubles, not any("outside any hand-off" in f for f in failures)))

# 4. the operator away: every target keeps being scraped by its shard from the last list
for lo, hi in outages:
    during = {t: sum(1 for ts, _, _ in scrapes[t] if lo + 1 <= ts <= hi - 1) for t in targets}
    expected = int((hi - lo - 2) / interval) - 1
    short = [t for t, n in during.items() if n < expected]
    for t in short:
        failures.append("%s: only %d scrapes while the operator was down (expected >= %d)" % (t, during[t], expected))
    print("operator down %.0f s: %d scrapes, every target scraped at least %d times: %s" % (
        hi - lo, sum(during.values()), expected, not short))

if failures:
    print("FAILED:")
    for f in failures[:40]:
        print("  " + f)
    sys.exit(1)
print("resharding checks passed")
