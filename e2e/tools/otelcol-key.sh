#!/usr/bin/env bash
# Prints the cache key of Vigil's collector distribution: the core version and a hash of what the build
# reads from this repository (the builder manifest, versions.env, collector/'s Go module without tests).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
source "$here/versions.env"
sum=$(cd "$here/../.." && find e2e/tools/otelcol-builder.yaml e2e/tools/versions.env collector -type f \
  ! -name '*_test.go' ! -name '*.test' | LC_ALL=C sort | xargs cat | sha256sum | cut -c1-12)
echo "$OTELCOL_CORE_VERSION-$sum"
