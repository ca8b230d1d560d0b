#!/usr/bin/env bash
# Checks the generated dashboards (the golden JSON the unit tests hold the generator to, and the operator dashboard
# the chart ships) against Grafana's
# published dashboard schema, decoded strictly by github.com/grafana/grafana-foundation-sdk/go v0.0.22 (see
# e2e/tools/dashboard-check/main.go); and checks that the check can fail: a copy with an unknown panel field and a
# copy with a field of the wrong type must both be rejected.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root/e2e/tools/dashboard-check"
bin=${VIGIL_CACHE:-$HOME/.cache/vigil}/bin/dashboard-check-v0.0.22/dashboard-check
if [ ! -x "$bin" ] || [ main.go -nt "$bin" ] || [ go.mod -nt "$bin" ]; then
  mkdir -p "$(dirname "$bin")"
  GOTOOLCHAIN=local GOFLAGS=-mod=mod go build -o "$bin" .
fi
"$bin" "$root"/src/test/resources/golden-dashboards/*.json "$root"/helm/vigil/dashboards/*.json
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
python3 - "$root/src/test/resources/golden-dashboards/slos-and-pools.json" "$tmp" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
unknown = json.loads(json.dumps(d)); unknown["panels"][1]["options"]["legendd"] = {}
json.dump(unknown, open(sys.argv[2] + "/unknown-field.json", "w"))
wrong = json.loads(json.dumps(d)); wrong["panels"][1]["gridPos"]["w"] = "wide"
json.dump(wrong, open(sys.argv[2] + "/wrong-type.json", "w"))
PY
for bad in "$tmp"/*.json; do
  if "$bin" "$bad" >/dev/null; then
    echo "the schema check accepted $(basename "$bad"), which it must reject"; exit 1
  fi
  echo "$(basename "$bad"): rejected, as it must be"
done
