#!/usr/bin/env bash
# Waits (up to 60 s) until Vigil's CRDs are Established. `kubectl wait --for condition=Established` fails at once,
# instead of waiting, when it reads a CRD whose status.conditions is still null (seen on a freshly applied CRD).
set -euo pipefail
crds=(telemetrycollectors.vigil.dev instrumentedservices.vigil.dev logparserrules.vigil.dev)
for _ in $(seq 1 120); do
  pending=0
  for crd in "${crds[@]}"; do
    got=$(kubectl get crd "$crd" -o jsonpath='{.status.conditions[?(@.type=="Established")].status}' 2>/dev/null || true)
    [ "$got" = "True" ] || pending=1
  done
  [ "$pending" -eq 0 ] && exit 0
  sleep 0.5
done
echo "CRDs not Established within 60 s: ${crds[*]}" >&2
exit 1
