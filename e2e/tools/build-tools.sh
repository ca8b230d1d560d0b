#!/usr/bin/env bash
# Builds (once per version) the Go tools the tests need and prints nothing but progress.
# Usage: e2e/tools/build-tools.sh [helm] [otelcol] [kube] [node] [etcd] [kwok] [chainsaw] [promcrd]   (no argument: all)
# Afterwards e2e/tools/bin-path.sh prints the PATH entries for them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
source "$here/versions.env"
cache=${VIGIL_CACHE:-$HOME/.cache/vigil}
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-buildvcs=false
want=("$@"); [ ${#want[@]} -gt 0 ] || want=(helm otelcol kube node etcd kwok chainsaw promcrd)

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
  local dir; dir=$cache/bin/otelcol-vigil-$(bash "$here/otelcol-key.sh")
  [ -x "$dir/otelcol-vigil" ] && return 0
  echo "building the OpenTelemetry collector $OTELCOL_CORE_VERSION with the Collector Builder ..."
  local t0=$SECONDS
  local bdir=$cache/bin/ocb-$OTELCOL_BUILDER_VERSION
  [ -x "$bdir/builder" ] || GOBIN="$bdir" go install "go.opentelemetry.io/collector/cmd/builder@$OTELCOL_BUILDER_VERSION"
  local work; work=$(mktemp -d)
  sed -e "s|@CORE@|$OTELCOL_CORE_VERSION|g" -e "s|@CONTRIB@|$OTELCOL_CONTRIB_VERSION|g" \
    -e "s|@CONFMAP@|$OTELCOL_CONFMAP_VERSION|g" -e "s|@VIGIL@|$(cd "$here/../../collector" && pwd)|g" -e "s|@OUT@|$work/dist|g" \
    "$here/otelcol-builder.yaml" > "$work/builder.yaml"
  "$bdir/builder" --config="$work/builder.yaml"
  mkdir -p "$dir"
  mv "$work/dist/otelcol-vigil" "$dir/otelcol-vigil"
  rm -rf "$work"
  echo "collector built in $((SECONDS - t0)) s"
}

# kube-apiserver, kube-controller-manager, kube-scheduler and kubectl from k8s.io/kubernetes, through a wrapper module that
# replaces every k8s.io staging module by its published v0.<minor>.<patch> twin, with the real version stamped
# (kwokctl, helm and the apiserver's emulation-version check read it).
# The wrapper module (in the cache, kept) and the version-stamping ldflags every Kubernetes binary is built with.
kube_wrapper() {
  kube_work=$cache/build/kube-$KUBE_VERSION
  mkdir -p "$kube_work"
  if [ ! -f "$kube_work/go.mod" ]; then
    local gomod; gomod=$(go mod download -json "k8s.io/kubernetes@$KUBE_VERSION" | python3 -c 'import json,sys; print(json.load(sys.stdin)["GoMod"])')
    local staging=v0.${KUBE_VERSION#v1.}
    {
      echo "module vigil.dev/e2e/kube"
      echo
      echo "go 1.24"
      echo
      echo "require k8s.io/kubernetes $KUBE_VERSION"
      echo
      echo "replace ("
      sed -n '/^replace (/,/^)/p' "$gomod" | grep -E '=> \./staging/src/' | \
        sed -E "s#^[[:space:]]*(k8s.io/[^ ]+) => \./staging/src/.*#\t\1 => \1 $staging#"
      echo ")"
    } > "$kube_work/go.mod"
  fi
  local major=${KUBE_VERSION#v}; major=${major%%.*}
  local minor=${KUBE_VERSION#v*.}; minor=${minor%%.*}
  kube_ld="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    kube_ld="$kube_ld -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
    kube_ld="$kube_ld -X $pkg.gitTreeState=clean -X $pkg.buildDate=$KUBE_BUILD_DATE"
  done
}

build_kube() {
  local dir=$cache/bin/kube-$KUBE_VERSION
  [ -x "$dir/kube-apiserver" ] && [ -x "$dir/kube-controller-manager" ] && [ -x "$dir/kube-scheduler" ] \
    && [ -x "$dir/kubectl" ] && return 0
  echo "building kube-apiserver, kube-controller-manager, kube-scheduler and kubectl $KUBE_VERSION (10-20 minutes on 2 cores) ..."
  local t0=$SECONDS
  kube_wrapper
  (cd "$kube_work" && go build -mod=mod -trimpath -ldflags "$kube_ld" -o "$dir/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl)
  echo "kube binaries built in $((SECONDS - t0)) s"
}

# The kubelet and kube-proxy of the real node (e2e/node), from the same wrapper module and with the same version
# stamp as the control plane.
build_node() {
  local dir=$cache/bin/kube-$KUBE_VERSION
  [ -x "$dir/kubelet" ] && [ -x "$dir/kube-proxy" ] && return 0
  echo "building kubelet and kube-proxy $KUBE_VERSION ..."
  local t0=$SECONDS
  kube_wrapper
  (cd "$kube_work" && go build -mod=mod -trimpath -ldflags "$kube_ld" -o "$dir/" k8s.io/kubernetes/cmd/kubelet \
    k8s.io/kubernetes/cmd/kube-proxy)
  echo "kubelet and kube-proxy built in $((SECONDS - t0)) s"
}

# etcd from go.etcd.io/etcd/server/v3 through a wrapper main (etcd's own main module has replace directives,
# which go install refuses).
build_etcd() {
  local dir=$cache/bin/etcd-$ETCD_VERSION
  [ -x "$dir/etcd" ] && return 0
  echo "building etcd $ETCD_VERSION ..."
  local t0=$SECONDS
  local work=$cache/build/etcd-$ETCD_VERSION
  mkdir -p "$work"
  printf 'module vigil.dev/e2e/etcd\n\ngo 1.24\n\nrequire go.etcd.io/etcd/server/v3 %s\n' "$ETCD_VERSION" > "$work/go.mod"
  printf 'package main\n\nimport (\n\t"os"\n\n\t"go.etcd.io/etcd/server/v3/etcdmain"\n)\n\nfunc main() { etcdmain.Main(os.Args) }\n' > "$work/main.go"
  (cd "$work" && go mod tidy && go build -trimpath -ldflags "-s -w" -o "$dir/etcd" .)
  echo "etcd built in $((SECONDS - t0)) s"
}

build_kwok() {
  local dir=$cache/bin/kwok-$KWOK_VERSION
  [ -x "$dir/kwok" ] && [ -x "$dir/kwokctl" ] && return 0
  echo "building kwok and kwokctl $KWOK_VERSION ..."
  local t0=$SECONDS
  GOBIN="$dir" go install -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=$KWOK_VERSION" \
    "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION" "sigs.k8s.io/kwok/cmd/kwokctl@$KWOK_VERSION"
  echo "kwok built in $((SECONDS - t0)) s"
}

# chainsaw v0.2.12 predates Go 1.26, whose testing.MainStart wants one more method (ModulePath) on the test
# dependencies chainsaw passes it. The build copies the module out of the module cache, adds that one method
# (a constant, as Go's own test binaries return for a non-module build) and builds; nothing of chainsaw is kept
# in this repository.
build_chainsaw() {
  local dir=$cache/bin/chainsaw-$CHAINSAW_VERSION
  [ -x "$dir/chainsaw" ] && return 0
  echo "building chainsaw $CHAINSAW_VERSION ..."
  local t0=$SECONDS
  local src; src=$(go mod download -json "github.com/kyverno/chainsaw@$CHAINSAW_VERSION" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
  local work=$cache/build/chainsaw-$CHAINSAW_VERSION
  rm -rf "$work"; mkdir -p "$(dirname "$work")"
  cp -r "$src" "$work"; chmod -R u+w "$work"
  if ! grep -q 'ModulePath' "$work/pkg/runner/internal/test_deps.go"; then
    printf 'package internal\n\n// ModulePath is required by testing.MainStart since Go 1.26.\nfunc (*TestDeps) ModulePath() string { return "" }\n' \
      > "$work/pkg/runner/internal/vigil_go126.go"
  fi
  (cd "$work" && go build -mod=mod -trimpath -ldflags "-s -w" -o "$dir/chainsaw" .)
  rm -rf "$work"
  echo "chainsaw built in $((SECONDS - t0)) s"
}

# The Prometheus operator's real PrometheusRule CRD, from its Go module (the e2e suite installs it to prove rule
# delivery as PrometheusRules). Nothing is built; the file is copied out of the module cache.
build_promcrd() {
  local dir=$cache/crds/prometheus-operator-$PROMETHEUS_OPERATOR_VERSION
  [ -f "$dir/monitoring.coreos.com_prometheusrules.yaml" ] && return 0
  echo "fetching the PrometheusRule CRD of prometheus-operator $PROMETHEUS_OPERATOR_VERSION ..."
  local src; src=$(go mod download -json "github.com/prometheus-operator/prometheus-operator@$PROMETHEUS_OPERATOR_VERSION" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
  mkdir -p "$dir"
  cp "$src/example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml" "$dir/"
}

for t in "${want[@]}"; do "build_$t"; done
