#!/usr/bin/env bash
# Files generated from the build and committed: the CRDs (crds/, helm/vigil/crds/), the plain manifests
# (operator/, rendered from the chart with default values), the API reference (docs/api.md) and the Argo CD
# health check files (docs/argocd/, from helm/vigil/files/argocd-health.lua).
#   e2e/tools/generated.sh update   rewrite them from target/ (after `mvn package`)
#   e2e/tools/generated.sh check    fail when a fresh build would change any of them
set -euo pipefail
mode=${1:?usage: generated.sh update|check}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
helm=${VIGIL_HELM:?VIGIL_HELM must point at the helm binary (e2e/tools/build-tools.sh helm)}
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
mkdir -p "$out/crds" "$out/helm-crds" "$out/operator" "$out/docs"

for kind in telemetrycollectors instrumentedservices logparserrules; do
  src=target/kubernetes/$kind.vigil.dev-v1.yml
  [ -f "$src" ] || { echo "missing $src: run mvn package first" >&2; exit 1; }
  cp "$src" "$out/crds/$kind.vigil.dev.yaml"
  cp "$src" "$out/helm-crds/$kind.vigil.dev.yaml"
done
cat > "$out/operator/namespace.yaml" <<'NS'
apiVersion: v1
kind: Namespace
metadata:
  name: vigil-system
  labels:
    pod-security.kubernetes.io/enforce: restricted
NS
{
  echo "# Rendered from helm/vigil with default values by e2e/tools/generated.sh; do not edit."
  "$helm" template vigil "$root/helm/vigil" --namespace vigil-system --skip-crds --kube-version 1.34.0
} > "$out/operator/vigil.yaml"
cat > "$out/operator/kustomization.yaml" <<'KZ'
# kubectl apply -k operator/  (install the CRDs first: kubectl apply --server-side -f crds/)
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - namespace.yaml
  - vigil.yaml
KZ
python3 e2e/tools/api-doc.py "$out/crds" > "$out/docs/api.md"
mkdir -p "$out/argocd"
cp helm/vigil/files/argocd-health.lua "$out/argocd/health-vigil.lua"
"$helm" template vigil "$root/helm/vigil" --namespace argocd --kube-version 1.34.0 --set argocd.healthChecks=true \
  --show-only templates/argocd-health.yaml > "$out/argocd/argocd-cm-snippet.yaml"

if [ "$mode" = update ]; then
  mkdir -p crds helm/vigil/crds operator docs
  cp "$out"/crds/* crds/; cp "$out"/helm-crds/* helm/vigil/crds/
  cp "$out"/operator/* operator/; cp "$out/docs/api.md" docs/api.md
  mkdir -p docs/argocd; cp "$out"/argocd/* docs/argocd/
  echo "generated files updated"
  exit 0
fi
fail=0
for pair in "crds:crds" "helm-crds:helm/vigil/crds" "operator:operator" "argocd:docs/argocd"; do
  from=${pair%%:*}; to=${pair#*:}
  if ! diff -ru "$out/$from" "$to" -x application-example.yaml >/dev/null 2>&1; then
    echo "out of date: $to (run e2e/tools/generated.sh update after mvn package and commit)"; diff -ru "$out/$from" "$to" | sed -n 1,40p; fail=1
  fi
done
if ! diff -u "$out/docs/api.md" docs/api.md >/dev/null 2>&1; then
  echo "out of date: docs/api.md"; diff -u "$out/docs/api.md" docs/api.md | sed -n 1,20p; fail=1
fi
[ $fail -eq 0 ] && echo "generated files are up to date"
exit $fail
