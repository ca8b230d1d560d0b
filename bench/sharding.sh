#!/usr/bin/env bash
# The sharding benchmark (issue 6): JMH timing of one assignment pass, then the balance / movement / memory
# figures, all in this run. Results go to docs/benchmarks.md by hand. Takes about 6 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -ntp -q -Pbench test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
cp="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"
java -Xmx2g -cp "$cp" org.openjdk.jmh.Main 'dev.vigil.sharding.ShardAssignmentBenchmark' -rf text -rff target/jmh-sharding.txt "$@"
java -Xmx2g -cp "$cp" dev.vigil.sharding.ShardingFigures
