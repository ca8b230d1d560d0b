#!/usr/bin/env bash
# The demo: builds the operator, starts it against an in-memory Kubernetes API (the Fabric8 mock server in CRUD
# mode), applies every file in examples/, waits until every custom resource is Ready and prints what Vigil
# created and the statuses. The real local control plane replaces the mock server in a later step (see README).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
echo "Building Vigil and running it against examples/ (first run downloads Maven dependencies) ..."
mvn -B -ntp -q test -Dtest=ExamplesTest -Dsurefire.failIfNoSpecifiedTests=false -Dvigil.demo=true \
  | sed -n '/==== What Vigil created/,$p' | grep -v '^\[' || true
echo
echo "Preview the same objects without any cluster:  bin/vigil-render examples/"
