#!/usr/bin/env bash
# Every metric the operator dashboard of the Helm chart (helm/vigil/dashboards/vigil-operator.json) reads is on the
# live operator's /q/metrics (the packaged application, prod profile): the Java Operator SDK's reconciliations_*,
# Vigil's vigil_*, the JVM's. Run while a fleet and a service with a pool exist (e2e/pools/closed-loop.sh calls it).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
port=${VIGIL_OPERATOR_PORT:-18080}
curl -fsS "http://127.0.0.1:$port/q/metrics" > "${TMPDIR:-/tmp}/vigil-operator-metrics.txt"
python3 - "$root/helm/vigil/dashboards/vigil-operator.json" "${TMPDIR:-/tmp}/vigil-operator-metrics.txt" <<'PY'
import json, re, sys
dashboard = json.load(open(sys.argv[1]))
exposed = {line.split("{")[0].split(" ")[0] for line in open(sys.argv[2]) if line and not line.startswith("#")}
wanted = set()
for p in dashboard["panels"]:
    for t in p.get("targets", []):
        wanted |= set(re.findall(r"([a-z_:]+)\{", t["expr"]))
wanted -= {"by"}
# Counters the Java Operator SDK creates at their first event (a failed reconcile, a retry): absent in a clean run.
on_first_event = {"reconciliations_failure_total", "reconciliations_retries_total"}
missing = sorted(w for w in wanted if w not in exposed and w not in on_first_event)
print(f"operator dashboard reads {len(wanted)} metrics; exposed by the live operator: "
      f"{sum(1 for w in wanted if w in exposed)} (not yet: {sorted(w for w in wanted if w not in exposed)})")
if missing:
    print("missing:", ", ".join(missing))
    sys.exit(1)
PY
