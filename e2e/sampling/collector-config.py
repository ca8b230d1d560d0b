#!/usr/bin/env python3
"""The collector config Vigil generated for a shard fleet, made runnable as one local process for the trace
sampling loop: the sampling extension (polling the operator for the strategies) and the span counter (spanmetrics
connector -> the metrics pipeline -> the fleet's remote write) are kept as generated; only what a pod has to itself
changes on a shared host: the token file, the listening ports, and the scrape receiver is left out (this run
measures traces, not scrapes).
    collector-config.py GENERATED TOKEN OTLP_PORT GRPC_PORT HTTP_PORT HEALTH_PORT OUT"""
import sys
import yaml

src, token, otlp, grpc, http, health, dest = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:7]), sys.argv[7]
cfg = yaml.safe_load(open(src))
ext = cfg["extensions"]["vigilsampling"]
ext["token_file"] = token
ext["grpc"] = "127.0.0.1:%d" % grpc
ext["http"] = "127.0.0.1:%d" % http
cfg["extensions"]["health_check"]["endpoint"] = "127.0.0.1:%d" % health
cfg["receivers"] = {"otlp": {"protocols": {"grpc": {"endpoint": "127.0.0.1:%d" % otlp}}}}
for name, p in cfg["service"]["pipelines"].items():
    p["receivers"] = [r for r in p["receivers"] if r != "prometheus"]
cfg["service"]["telemetry"] = {"metrics": {"level": "none"}}
yaml.safe_dump(cfg, open(dest, "w"), sort_keys=False)
