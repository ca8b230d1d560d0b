#!/usr/bin/env bash
# Prints the path of the local control plane's apiserver audit log.
root=$(cd "$(dirname "$0")/../.." && pwd)
echo "$root/e2e/.work/kwok/clusters/${VIGIL_CLUSTER:-vigil}/logs/audit.log"
