#!/usr/bin/env bash
# Prints export lines for the tools build-tools.sh built:  eval "$(bash e2e/tools/bin-path.sh)"
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
source "$here/versions.env"
cache=${VIGIL_CACHE:-$HOME/.cache/vigil}
echo "export VIGIL_HELM=$cache/bin/helm-$HELM_VERSION/helm"
echo "export VIGIL_OTELCOL=$cache/bin/otelcol-vigil-$OTELCOL_CORE_VERSION/otelcol-vigil"
