#!/usr/bin/env python3
"""Helm post-renderer for the operator on the real node: points its in-cluster client at the apiserver through the
node's bridge address (KUBERNETES_SERVICE_HOST/PORT): the kubernetes Service's endpoint is the address kwokctl's
apiserver advertises, which no pod can reach here, and its serving certificate does not name the Service's
ClusterIP. Everything else is the chart as a user installs it.
Usage: helm ... --post-renderer api-endpoint.py --post-renderer-args HOST --post-renderer-args PORT"""
import sys

import yaml

host, port = sys.argv[1], sys.argv[2]
docs = [d for d in yaml.safe_load_all(sys.stdin) if d]
for d in docs:
    if d.get("kind") == "Deployment":
        for c in d["spec"]["template"]["spec"]["containers"]:
            c.setdefault("env", []).extend([{"name": "KUBERNETES_SERVICE_HOST", "value": host},
                                            {"name": "KUBERNETES_SERVICE_PORT", "value": port}])
sys.stdout.write(yaml.safe_dump_all(docs, sort_keys=False))
