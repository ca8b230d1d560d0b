#!/usr/bin/env bash
# Prints export lines for the tools build-tools.sh built:  eval "$(bash e2e/tools/bin-path.sh)"
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
source "$here/versions.env"
cache=${VIGIL_CACHE:-$HOME/.cache/vigil}
echo "export VIGIL_HELM=$cache/bin/helm-$HELM_VERSION/helm"
echo "export VIGIL_OTELCOL=$cache/bin/otelcol-vigil-$(bash "$here/otelcol-key.sh")/otelcol-vigil"
echo "export KUBE_BIN=$cache/bin/kube-$KUBE_VERSION"
echo "export KUBECTL=$cache/bin/kube-$KUBE_VERSION/kubectl"
echo "export KUBELET=$cache/bin/kube-$KUBE_VERSION/kubelet"
echo "export KUBE_PROXY=$cache/bin/kube-$KUBE_VERSION/kube-proxy"
echo "export ETCD=$cache/bin/etcd-$ETCD_VERSION/etcd"
echo "export KWOK=$cache/bin/kwok-$KWOK_VERSION/kwok"
echo "export KWOKCTL=$cache/bin/kwok-$KWOK_VERSION/kwokctl"
echo "export CHAINSAW=$cache/bin/chainsaw-$CHAINSAW_VERSION/chainsaw"
echo "export VIGIL_PROMRULE_CRD=$cache/crds/prometheus-operator-$PROMETHEUS_OPERATOR_VERSION/monitoring.coreos.com_prometheusrules.yaml"
