#!/usr/bin/env python3
"""The watch events the apiserver encoded between two scrapes of its /metrics, by resource, largest first
(apiserver_watch_events_total and _sizes: each event counted once, as encoded; every watcher of the resource
whose selector matches receives it: the operator's informers, the controller-manager's, the scheduler's, kwok's).
usage: watch-bytes.py BEFORE AFTER [PER]      (files from `kubectl get --raw /metrics`)
PER: divide by it too (e.g. the number of services: bytes per service)."""
import re
import sys

LINE = re.compile(r'^apiserver_watch_events_(sizes_sum|total)\{([^}]*)\} (\S+)$')


def read(path):
    out = {}
    for line in open(path):
        m = LINE.match(line)
        if m:
            labels = dict(re.findall(r'(\w+)="([^"]*)"', m.group(2)))
            what = (labels.get("group") + "/" if labels.get("group") else "") + labels.get("resource", labels.get("kind", "?"))
            out[(m.group(1), what)] = out.get((m.group(1), what), 0) + float(m.group(3))
    return out


before, after = read(sys.argv[1]), read(sys.argv[2])
per = float(sys.argv[3]) if len(sys.argv) > 3 else None
rows = []
for (metric, what), v in after.items():
    if metric == "sizes_sum":
        sent = v - before.get((metric, what), 0)
        events = after.get(("total", what), 0) - before.get(("total", what), 0)
        if sent > 0:
            rows.append((sent, events, what))
total = sum(r[0] for r in rows)
print(f"watch events encoded by the apiserver: {total / 1e6:.1f} MB" + (f" ({total / per / 1e3:.1f} kB per)" if per else ""))
for sent, events, what in sorted(rows, reverse=True):
    if sent * 100 >= total:
        print(f"  {sent / 1e6:8.1f} MB {int(events):8d} events {what}" + (f" ({sent / per / 1e3:.1f} kB per)" if per else ""))
