#!/usr/bin/env bash
# Service discovery at scale (issue 17): the time of one answer of the SD endpoint (a shard's target groups from the
# fleet's plan, JSON-encoded; JMH sample time with its p99) for a fleet of 10,000 targets on 64 shards, against a
# fleet of 1,000 targets on 3 shards in the same run; then what 64 shards asking every 5 s cost in CPU. About
# a minute on 2 cores. Admission (the TokenReview verdict, cached a minute) and HTTP are not in the figure.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -ntp -q -Pbench test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
cp="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"
java -Xmx1g -cp "$cp" org.openjdk.jmh.Main 'dev.vigil.sharding.ServiceDiscoveryBenchmark' -rf json -rff target/jmh-sd.json "$@"
python3 - target/jmh-sd.json <<'PY'
import json, sys
runs = {r["params"]["fleet"]: r["primaryMetric"] for r in json.load(open(sys.argv[1]))}
for fleet, m in sorted(runs.items(), key=lambda kv: int(kv[0].split(":")[0])):
    targets, shards = map(int, fleet.split(":"))
    p = m["scorePercentiles"]
    cpu = shards * m["score"] / 1e6 / 5 * 100   # every shard asks every 5 s; score is the mean in microseconds
    print(f"{targets:>6} targets, {shards:>2} shards: mean {m['score']:.0f} us, p50 {p['50.0']:.0f} us, "
          f"p99 {p['99.0']:.0f} us; {shards} answers per 5 s = {cpu:.2f} % of a core")
base, big = runs.get("1000:3"), runs.get("10000:64")
if base and big:
    print("p99 ratio 10,000/64 to 1,000/3: %.1fx (targets x10, answers per cycle x21)" % (
        big["scorePercentiles"]["99.0"] / base["scorePercentiles"]["99.0"]))
PY
