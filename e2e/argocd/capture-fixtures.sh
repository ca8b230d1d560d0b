#!/usr/bin/env bash
# Captures real TelemetryCollector/InstrumentedService objects from the running e2e cluster, in the states the
# Argo CD health check must tell apart, as JSON fixtures named <expected health>--<case>.json.
#   capture-fixtures.sh OUT_DIR
set -euo pipefail
out=${1:?usage: capture-fixtures.sh OUT_DIR}
ns=argocd-fixtures
mkdir -p "$out"
kubectl create namespace $ns --dry-run=client -o yaml | kubectl apply -f - >/dev/null
save() { # expected, case, kind/name
  kubectl get "$3" -n $ns -o json | python3 -c '
import json, sys
o = json.load(sys.stdin)
o["metadata"].pop("managedFields", None)
o["metadata"].get("annotations", {}).pop("kubectl.kubernetes.io/last-applied-configuration", None)
json.dump(o, sys.stdout, indent=2, sort_keys=True)' > "$out/$1--$2.json"
  echo "captured $1--$2"
}
ready() { kubectl wait "$1" -n $ns --for=jsonpath="{.status.conditions[?(@.type==\"Ready\")].$2}"="$3" --timeout=90s >/dev/null; }

kubectl apply -n $ns -f - >/dev/null <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: example/web:1, ports: [{containerPort: 9100}]}]}
---
apiVersion: vigil.dev/v1alpha1
kind: TelemetryCollector
metadata: {name: healthy}
spec: {shards: 2}
---
apiVersion: vigil.dev/v1alpha1
kind: InstrumentedService
metadata: {name: web}
spec: {workloadRef: {name: web}, metrics: {port: 9100}}
---
apiVersion: vigil.dev/v1alpha1
kind: InstrumentedService
metadata: {name: orphan}
spec: {workloadRef: {name: missing}, metrics: {port: 9100}}
YAML
ready tc/healthy status True
ready isvc/web status True
save Healthy fleet-ready tc/healthy
save Healthy service-collected isvc/web
ready isvc/orphan reason WorkloadMissing
save Degraded service-workload-missing isvc/orphan

kubectl patch tc healthy -n $ns --type merge -p '{"spec":{"config":{"exporters":{"debug":{"verbosity":"loud"}}}}}' >/dev/null
ready tc/healthy reason InvalidConfig
save Degraded fleet-invalid-config tc/healthy

# Rolling out: the new pods ask for more CPU than any node has, so they stay Pending and the rollout is caught
# in the middle, not raced.
kubectl patch tc healthy -n $ns --type merge -p '{"spec":{"config":null,"resources":{"requests":{"cpu":"1000"}}}}' >/dev/null
ready tc/healthy reason ShardsNotReady
save Progressing fleet-rolling-out tc/healthy

# A spec the operator has not seen yet: observedGeneration behind generation. The operator is paused for it.
bash "$(dirname "$0")/../operator.sh" stop >/dev/null
kubectl patch tc healthy -n $ns --type merge -p '{"spec":{"shards":5}}' >/dev/null
save Progressing fleet-generation-not-observed tc/healthy
kubectl apply -n $ns -f - >/dev/null <<'YAML'
apiVersion: vigil.dev/v1alpha1
kind: TelemetryCollector
metadata: {name: brand-new}
spec: {}
YAML
save Progressing fleet-no-status-yet tc/brand-new
bash "$(dirname "$0")/../operator.sh" start >/dev/null
kubectl delete namespace $ns --wait=false >/dev/null
