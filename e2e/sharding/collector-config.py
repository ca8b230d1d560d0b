#!/usr/bin/env python3
"""The collector config Vigil generated for a fleet, made runnable as a local process for one shard: the scrape job
(service discovery from the operator) is kept as generated; only what a pod has to itself changes on a shared host:
the token file path, the listening ports (trace sampling's extension and connector are left out), and the exporter (a file per shard, for the analysis, and optionally the
exporter the fleet uses for Prometheus, pointed at a local one, for the dashboard check)."""
import sys
import yaml

src, shard, token, out_file, dest = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
remote_write = sys.argv[6] if len(sys.argv) > 6 else None  # a Prometheus' /api/v1/write, for the dashboard check
cfg = yaml.safe_load(open(src))
for job in cfg["receivers"]["prometheus"]["config"]["scrape_configs"]:
    for sd in job.get("http_sd_configs", []):
        sd["authorization"]["credentials_file"] = token
        sd["refresh_interval"] = sd.get("refresh_interval", "10s")
cfg["receivers"].pop("otlp", None)
# Trace sampling (the strategies extension and the span counter) is not what this suite measures, and the
# extension's fixed ports would collide between the shards on one host.
cfg["extensions"].pop("vigilsampling", None)
cfg["service"]["extensions"] = [e for e in cfg["service"]["extensions"] if e != "vigilsampling"]
cfg.pop("connectors", None)
cfg["extensions"]["health_check"]["endpoint"] = "127.0.0.1:%d" % (23133 + shard)
cfg["exporters"] = {"file": {"path": out_file}}
if remote_write:
    cfg["exporters"]["prometheusremotewrite"] = {"endpoint": remote_write}
cfg["service"]["pipelines"] = {"metrics": {"receivers": ["prometheus"], "processors": ["resource", "batch"],
                                           "exporters": list(cfg["exporters"])}}
cfg["processors"]["batch"] = {"timeout": "200ms"}
cfg["service"]["telemetry"] = {"metrics": {"level": "none"}}
yaml.safe_dump(cfg, open(dest, "w"), sort_keys=False)
