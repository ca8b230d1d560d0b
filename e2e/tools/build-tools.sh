#!/usr/bin/env bash
# Builds (once per version) the Go tools the tests need and prints nothing but progress.
# Usage: e2e/tools/build-tools.sh [helm] [otelcol]   (no argument: all)
# Afterwards e2e/tools/bin-path.sh prints the PATH entries for them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
source "$here/versions.env"
cache=${VIGIL_CACHE:-$HOME/.cache/vigil}
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-buildvcs=false
want=("$@"); [ ${#want[@]} -gt 0 ] || want=(helm otelcol)

build_helm() {
  local dir=$cache/bin/helm-$HELM_VERSION
  [ -x "$dir/helm" ] && return 0
  echo "building helm $HELM_VERSION ..."
  local t0=$SECONDS
  GOBIN="$dir" go install -ldflags "-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" \
    "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
  echo "helm built in $((SECONDS - t0)) s"
}

build_otelcol() {
  local dir=$cache/bin/otelcol-vigil-$OTELCOL_CORE_VERSION
  [ -x "$dir/otelcol-vigil" ] && return 0
  echo "building the OpenTelemetry collector $OTELCOL_CORE_VERSION with the Collector Builder ..."
  local t0=$SECONDS
  local bdir=$cache/bin/ocb-$OTELCOL_BUILDER_VERSION
  [ -x "$bdir/builder" ] || GOBIN="$bdir" go install "go.opentelemetry.io/collector/cmd/builder@$OTELCOL_BUILDER_VERSION"
  local work; work=$(mktemp -d)
  sed -e "s|@CORE@|$OTELCOL_CORE_VERSION|g" -e "s|@CONTRIB@|$OTELCOL_CONTRIB_VERSION|g" -e "s|@OUT@|$work/dist|g" \
    "$here/otelcol-builder.yaml" > "$work/builder.yaml"
  "$bdir/builder" --config="$work/builder.yaml"
  mkdir -p "$dir"
  mv "$work/dist/otelcol-vigil" "$dir/otelcol-vigil"
  rm -rf "$work"
  echo "collector built in $((SECONDS - t0)) s"
}

for t in "${want[@]}"; do "build_$t"; done
