#!/usr/bin/env bash
# Takes the local control plane down and removes its state.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
eval "$(bash "$root/e2e/tools/bin-path.sh")"
export KWOK_WORKDIR=$root/e2e/.work/kwok
"$KWOKCTL" delete cluster --name "${VIGIL_CLUSTER:-vigil}" || true
