#!/usr/bin/env python3
"""The collector config Vigil generated for a fleet, made runnable as a local process for one shard: the scrape job
(service discovery from the operator) is kept as generated; only what a pod has to itself changes on a shared host:
the token file path, the listening ports, and the exporter (a file per shard, for the analysis)."""
import sys
import yaml

src, shard, token, out_file, dest = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
cfg = yaml.safe_load(open(src))
for job in cfg["receivers"]["prometheus"]["config"]["scrape_configs"]:
    for sd in job.get("http_sd_configs", []):
        sd["authorization"]["credentials_file"] = token
        sd["refresh_interval"] = sd.get("refresh_interval", "10s")
cfg["receivers"].pop("otlp", None)
cfg["extensions"]["health_check"]["endpoint"] = "127.0.0.1:%d" % (23133 + shard)
cfg["exporters"] = {"file": {"path": out_file}}
cfg["service"]["pipelines"] = {"metrics": {"receivers": ["prometheus"], "processors": ["resource", "batch"],
                                           "exporters": ["file"]}}
cfg["processors"]["batch"] = {"timeout": "200ms"}
cfg["service"]["telemetry"] = {"metrics": {"level": "none"}}
yaml.safe_dump(cfg, open(dest, "w"), sort_keys=False)
