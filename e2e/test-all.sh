#!/usr/bin/env bash
# Every test of the project: builds the pinned tools it needs (cached under ~/.cache/vigil), the operator, runs
# the test suite (unit, golden, real collector, real helm, operator on the mock server), then checks that the
# committed generated files (CRDs, chart CRDs, operator/ manifests, docs/api.md) match a fresh build.
# This is the README's test command; .ci/run calls it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
phase() { printf '\n==== %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"; }
t0=$SECONDS

phase "tools: helm and the OpenTelemetry collector (built once per version)"
t=$SECONDS
bash e2e/tools/build-tools.sh helm otelcol
eval "$(bash e2e/tools/bin-path.sh)"
echo "tools ready in $((SECONDS - t)) s: $VIGIL_HELM, $VIGIL_OTELCOL"

phase "build and test the operator (mvn verify)"
t=$SECONDS
mvn -B -ntp verify
echo "maven build and tests took $((SECONDS - t)) s"

phase "generated files are up to date"
bash e2e/tools/generated.sh check

phase "all tests passed in $((SECONDS - t0)) s"
