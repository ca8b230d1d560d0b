#!/usr/bin/env python3
"""One value of the local control plane's kubeconfig ($KUBECONFIG), for the real node's scripts:
port (the apiserver's port on this machine) or ca (the path of the cluster's CA certificate)."""
import os
import sys

import yaml

cluster = yaml.safe_load(open(os.environ["KUBECONFIG"]))["clusters"][0]["cluster"]
print({"port": lambda: cluster["server"].rsplit(":", 1)[1], "ca": lambda: cluster["certificate-authority"]}[sys.argv[1]]())
