#!/usr/bin/env bash
# Builds one of the e2e demo services (e2e/pool-demo, e2e/sampling-demo) when its jar is missing or older than its
# sources, and prints the jar's path:  demo_jar=$(bash e2e/tools/demo-jar.sh sampling-demo)
# Called by e2e/pools/closed-loop.sh and e2e/sampling/closed-loop.sh (the same staleness check for both).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
name=${1:?usage: demo-jar.sh pool-demo|sampling-demo}
dir=$root/e2e/$name
jar=$dir/target/vigil-$name-0.1.0-SNAPSHOT.jar
if [ ! -f "$jar" ] || [ -n "$(find "$dir/src" "$dir/pom.xml" -newer "$jar" 2>/dev/null)" ]; then
  (cd "$dir" && mvn -B -ntp -q package -DskipTests) >&2
fi
echo "$jar"
