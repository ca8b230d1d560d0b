#!/usr/bin/env bash
# Every test of the project: builds the pinned tools it needs (cached under ~/.cache/vigil), the operator, runs
# the test suite (unit, golden, real collector, real helm, operator on the mock server), checks that the
# committed generated files (CRDs, chart CRDs, operator/ manifests, docs/api.md, docs/argocd/) match a fresh
# build, checks the generated dashboards against Grafana's dashboard schema, runs the Argo CD health check on
# Lua 5.1, then the end-to-end suites on the local real control plane.
# This is the README's test command; .ci/run calls it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
phase() { printf '\n==== %s (%s)\n' "$1" "$(date -u +%H:%M:%S)"; }
t0=$SECONDS

phase "tools: helm, the OpenTelemetry collector, the control plane, kwok, chainsaw (built once per version)"
t=$SECONDS
bash e2e/tools/build-tools.sh
eval "$(bash e2e/tools/bin-path.sh)"
echo "tools ready in $((SECONDS - t)) s: $VIGIL_HELM, $VIGIL_OTELCOL"

phase "Vigil's own collector components (collector/vigilrules, vigilsampling, vigildetect, operatorpoll: go test)"
for m in operatorpoll vigilrules vigilsampling vigildetect; do
  (cd "collector/$m" && GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-buildvcs=false go test -count=1 ./...)
done

phase "build and test the operator (mvn verify)"
t=$SECONDS
mvn -B -ntp verify
echo "maven build and tests took $((SECONDS - t)) s"

phase "generated files are up to date"
bash e2e/tools/generated.sh check

phase "generated dashboards against Grafana's published schema (grafana-foundation-sdk, strict)"
bash e2e/tools/dashboard-check.sh

phase "Argo CD health check (Lua 5.1) on the committed fixtures"
python3 e2e/argocd/test-health.py e2e/argocd/fixtures

phase "the e2e tools' own tests (e2e/auditlog_test.py: write counts follow the audit log across its rotations)"
python3 e2e/auditlog_test.py

phase "end-to-end suites on the local real control plane"
t=$SECONDS
bash e2e/test-e2e.sh
echo "end-to-end took $((SECONDS - t)) s"

phase "scale smoke run: 200 services on their own control plane with the chart's heap (bench/scale.sh)"
t=$SECONDS
BENCH_STRICT=1 bash bench/scale.sh 200 20
echo "scale smoke run took $((SECONDS - t)) s"

phase "all tests passed in $((SECONDS - t0)) s"
