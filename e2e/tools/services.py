#!/usr/bin/env python3
"""Prints N minimal services as YAML for kubectl apply: each a Deployment (one container, port 9100) and an
InstrumentedService of it; optionally a TelemetryCollector first. Used by the fault suites and bench/scale.sh.

    services.py NAMESPACE N [--fleet SHARDS] [--replicas R] [--image IMAGE] [--spec YAML]

--spec: what each InstrumentedService's spec has besides workloadRef and metrics, as YAML indented by two spaces
under spec; ${EXPR} in it is replaced by the value of EXPR with i the service's index (e.g. ${4 + i}).
"""
import argparse
import re

parser = argparse.ArgumentParser()
parser.add_argument("namespace")
parser.add_argument("n", type=int)
parser.add_argument("--fleet", type=int, help="a TelemetryCollector 'platform' with this many shards")
parser.add_argument("--replicas", type=int, default=1)
parser.add_argument("--image", default="bench/app:1")
parser.add_argument("--spec", default="")
args = parser.parse_args()
ns = args.namespace


def spec_of(i):
    return re.sub(r"\$\{([^}]*)\}", lambda m: str(eval(m.group(1), {"__builtins__": {}}, {"i": i})), args.spec)


docs = []
if args.fleet:
    docs.append(f"""apiVersion: vigil.dev/v1alpha1
kind: TelemetryCollector
metadata: {{name: platform, namespace: {ns}}}
spec: {{shards: {args.fleet}}}""")
for i in range(args.n):
    docs.append(f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: svc-{i}, namespace: {ns}}}
spec:
  replicas: {args.replicas}
  selector: {{matchLabels: {{app: svc-{i}}}}}
  template:
    metadata: {{labels: {{app: svc-{i}}}}}
    spec: {{containers: [{{name: app, image: {args.image}, ports: [{{containerPort: 9100}}]}}]}}""")
    extra = spec_of(i).rstrip("\n")
    docs.append(f"""apiVersion: vigil.dev/v1alpha1
kind: InstrumentedService
metadata: {{name: svc-{i}, namespace: {ns}}}
spec:
  workloadRef: {{kind: Deployment, name: svc-{i}}}
  metrics: {{port: 9100}}""" + ("\n" + extra if extra else ""))
print("\n---\n".join(docs))
