#!/usr/bin/env python3
"""Turns the runtime config umoci generated from the operator image into the container the chart describes.

Usage: settings | runc-config.py CONFIG.json KUBECONFIG SECRETS_DIR [PROMTOOL]
stdin: KEY=VALUE lines, added to the image's environment. The container gets the chart's security context (the
image's user 10001, read-only root filesystem, /tmp a tmpfs like the chart's emptyDir, no capabilities, no new
privileges), a 512 MiB memory limit, and the host's network namespace (the local control plane and the collectors
are on 127.0.0.1). The kubeconfig and the files it names are copied into SECRETS_DIR, readable by the image's user
only (as a Secret volume would be), and mounted read-only at /etc/vigil (KUBECONFIG=/etc/vigil/kubeconfig);
promtool, if given, at /opt/host/promtool.
"""
import json
import os
import shutil
import sys

import yaml

config_path, kubeconfig, secrets = sys.argv[1], sys.argv[2], sys.argv[3]
promtool = sys.argv[4] if len(sys.argv) > 4 and sys.argv[4] else None
with open(config_path) as f:
    config = json.load(f)

env = [e for e in config["process"].get("env", [])]
for line in sys.stdin:
    line = line.rstrip("\n")
    if "=" not in line:
        continue
    key = line.split("=", 1)[0]
    env = [e for e in env if not e.startswith(key + "=")] + [line]
config["process"]["env"] = env
config["process"]["terminal"] = False
config["process"]["noNewPrivileges"] = True
config["process"]["capabilities"] = {k: [] for k in ("bounding", "effective", "inheritable", "permitted", "ambient")}
assert config["process"]["user"]["uid"] == 10001, "the image must run as 10001, not %s" % config["process"]["user"]
config["root"]["readonly"] = True


def bind(path, dest=None):
    config["mounts"].append({"destination": dest or path, "type": "bind", "source": path,
                             "options": ["rbind", "ro", "nosuid", "nodev"]})


config["mounts"].append({"destination": "/tmp", "type": "tmpfs", "source": "tmpfs",
                         "options": ["nosuid", "nodev", "mode=1777", "size=64m"]})
uid = config["process"]["user"]["uid"]
os.makedirs(secrets, exist_ok=True)
with open(kubeconfig) as f:
    kc = yaml.safe_load(f)
for section, items in (("clusters", "cluster"), ("users", "user")):
    for entry in kc.get(section) or []:
        fields = entry.get(items) or {}
        for key in ("certificate-authority", "client-certificate", "client-key", "tokenFile"):
            if fields.get(key):
                src = fields[key] if os.path.isabs(fields[key]) else os.path.join(os.path.dirname(kubeconfig), fields[key])
                name = entry["name"] + "-" + key
                shutil.copyfile(src, os.path.join(secrets, name))
                fields[key] = "/etc/vigil/" + name
with open(os.path.join(secrets, "kubeconfig"), "w") as f:
    yaml.safe_dump(kc, f)
for name in os.listdir(secrets):
    os.chown(os.path.join(secrets, name), uid, uid)
    os.chmod(os.path.join(secrets, name), 0o400)
bind(secrets, "/etc/vigil")
env = [e for e in config["process"]["env"] if not e.startswith("KUBECONFIG=")] + ["KUBECONFIG=/etc/vigil/kubeconfig"]
config["process"]["env"] = env
if promtool:
    bind(os.path.realpath(promtool), "/opt/host/promtool")

linux = config["linux"]
linux["namespaces"] = [n for n in linux["namespaces"] if n["type"] != "network"]
linux.setdefault("resources", {})["memory"] = {"limit": 512 * 1024 * 1024}
with open(config_path, "w") as f:
    json.dump(config, f, indent=2)
