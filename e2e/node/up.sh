#!/usr/bin/env bash
# A real node beside kwok's fake ones (the local control plane must be up: e2e/cluster/up.sh): containerd (Debian)
# with runc, the CNI bridge + host-local + loopback plugins (Debian containernetworking-plugins) on a bridge
# vigil0 (10.244.0.0/24) of this machine, and a kubelet v1.34.4 built here (e2e/tools/build-tools.sh node). The node
# is vigil-real-node, labelled vigil.dev/real-node=true and tainted vigil.dev/real-node=true:NoSchedule, so that
# only the workloads that tolerate it run for real. Vigil's images are imported into containerd from their OCI
# archives (e2e/images/build.sh); nothing is pulled. kube-proxy (built here too) routes Service ClusterIPs. What it changes on the machine (sysctls the kubelet and the
# bridge plugin set, cgroups, the bridge) is recorded and undone by e2e/node/down.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
eval "$(bash e2e/tools/bin-path.sh)"
: "${KUBECONFIG:?KUBECONFIG must point at the local control plane (eval \"\$(e2e/cluster/up.sh)\")}"
t0=$SECONDS
bash e2e/tools/build-tools.sh node >&2
for tool in containerd ctr runc catatonit umoci skopeo; do
  command -v "$tool" >/dev/null || { echo "missing $tool (.ci/run installs containerd, runc, catatonit, umoci, skopeo)"; exit 1; }
done
n=$root/e2e/.work/node
bash e2e/node/down.sh >/dev/null 2>&1 || true
mkdir -p "$n"/{containerd-root,containerd-state,cni-conf,cni-ipam,kubelet,logs,pod-logs}

# What the kubelet and the bridge plugin change on the host, to put back afterwards.
for key in vm/overcommit_memory vm/panic_on_oom kernel/panic kernel/panic_on_oops kernel/keys/root_maxkeys \
  kernel/keys/root_maxbytes net/ipv4/ip_forward; do
  [ -f "/proc/sys/$key" ] && echo "$key $(cat "/proc/sys/$key")"
done > "$n/sysctls.saved"

# The kubelet's cgroup root, in every cgroup v1 hierarchy (runc works with the hybrid layout; crun does not).
for c in /sys/fs/cgroup/*/; do
  case "$c" in */unified/) continue ;; esac
  mkdir -p "${c}vigil-node"
done

cat > "$n/containerd.toml" <<TOML
version = 2
root = "$n/containerd-root"
state = "$n/containerd-state"
[grpc]
  address = "$n/containerd.sock"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "localhost/vigil/pause:1"
  # Without CAP_SYS_RESOURCE the sandbox's oom_score_adj of -998 cannot be set (runc fails on the pipe).
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    default_runtime_name = "runc"
    snapshotter = "overlayfs"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$n/cni-conf"
TOML
# Pods get one route besides their subnet: the Service range (the apiserver's default 10.0.0.0/24) via the bridge,
# where kube-proxy's rules take it; no default route, so pod traffic stays on this machine.
cat > "$n/cni-conf/10-vigil.conflist" <<CNI
{
  "cniVersion": "1.0.0",
  "name": "vigil",
  "plugins": [
    {"type": "bridge", "bridge": "vigil0", "isGateway": true, "ipMasq": false, "hairpinMode": true,
     "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.244.0.0/24"}]], "dataDir": "$n/cni-ipam",
              "routes": [{"dst": "10.0.0.0/24"}]}},
    {"type": "loopback"}
  ]
}
CNI
# The bridge exists before the first pod: it carries the node's IP, which pods reach the apiserver through.
ip link add vigil0 type bridge 2>/dev/null || true
ip addr add 10.244.0.1/24 dev vigil0 2>/dev/null || true
ip link set vigil0 up
# Routing between the bridge and the host (kube-proxy's DNAT to a pod, replies to the host); put back by down.sh.
echo 1 > /proc/sys/net/ipv4/ip_forward

# The apiserver's serving certificate gets the bridge address as one more name, so that pods can verify it there
# (kwokctl's certificate names 127.0.0.1 and the host's addresses, not the kubernetes Service's ClusterIP). Same
# key, same subject, one more address, signed by the cluster's CA.
pki=$(dirname "$(python3 e2e/node/kubeconfig.py ca)")
if ! openssl x509 -in "$pki/admin.crt" -noout -ext subjectAltName | grep -q 10.244.0.1; then
  sans=$(openssl x509 -in "$pki/admin.crt" -noout -ext subjectAltName | tail -1 | sed 's/IP Address:/IP:/g; s/ //g')
  subject=$(openssl x509 -in "$pki/admin.crt" -noout -subject -nameopt compat | sed 's/^subject=//')
  printf 'subjectAltName=%s,IP:10.244.0.1\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\n' \
    "$sans" > "$n/san.ext"
  openssl req -new -key "$pki/admin.key" -subj "$subject" -out "$n/admin.csr" 2>/dev/null
  openssl x509 -req -in "$n/admin.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial -days 30 \
    -extfile "$n/san.ext" -out "$n/admin.crt" 2>/dev/null
  cp "$n/admin.crt" "$pki/admin.crt"
  # kube-apiserver reloads its serving certificate from disk by itself: wait until it serves the new one.
  port=${KUBECONFIG_PORT:-$(python3 e2e/node/kubeconfig.py port)}
  for _ in $(seq 1 120); do
    echo | openssl s_client -connect "127.0.0.1:$port" 2>/dev/null | openssl x509 -noout -ext subjectAltName 2>/dev/null \
      | grep -q 10.244.0.1 && break
    sleep 0.5
  done
fi

containerd --config "$n/containerd.toml" > "$n/logs/containerd.log" 2>&1 &
echo $! > "$n/containerd.pid"
for _ in $(seq 1 50); do ctr --address "$n/containerd.sock" version >/dev/null 2>&1 && break; sleep 0.2; done

# The pause image: Debian's static catatonit, reaping zombies in the sandbox.
p=$(mktemp -d)
umoci init --layout "$p/oci" && umoci new --image "$p/oci:1"
umoci unpack --image "$p/oci:1" "$p/b" >/dev/null
cp "$(command -v catatonit)" "$p/b/rootfs/catatonit"
umoci repack --image "$p/oci:1" --no-history "$p/b" 2>/dev/null
umoci config --image "$p/oci:1" --no-history --config.entrypoint /catatonit --config.cmd -P \
  --config.user 65535:65535 2>/dev/null
skopeo copy -q "oci:$p/oci:1" "oci-archive:$p/pause.tar:localhost/vigil/pause:1"
ctr --address "$n/containerd.sock" -n k8s.io images import "$p/pause.tar" >/dev/null
rm -rf "$p"
for archive in e2e/.work/images/*.oci.tar; do
  ctr --address "$n/containerd.sock" -n k8s.io images import "$archive" >/dev/null
done

cat > "$n/kubelet.yaml" <<KUBELET
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: cgroupfs
cgroupRoot: /vigil-node
failCgroupV1: false
failSwapOn: false
oomScoreAdj: 0
makeIPTablesUtilChains: false
address: 127.0.0.1
port: 10350
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10348
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $(dirname "$(python3 e2e/node/kubeconfig.py ca)")/ca.crt}
authorization: {mode: Webhook}
containerRuntimeEndpoint: unix://$n/containerd.sock
registerWithTaints:
  - {key: vigil.dev/real-node, value: "true", effect: NoSchedule}
evictionHard: {memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%"}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
resolvConf: ""
localStorageCapacityIsolation: false
podLogsDir: $n/pod-logs
KUBELET
"$KUBELET" --config="$n/kubelet.yaml" --kubeconfig="$KUBECONFIG" --root-dir="$n/kubelet" \
  --hostname-override=vigil-real-node --node-ip=10.244.0.1 --node-labels=vigil.dev/real-node=true \
  > "$n/logs/kubelet.log" 2>&1 &
echo $! > "$n/kubelet.pid"
ready=
for _ in $(seq 1 120); do
  [ "$("$KUBECTL" get node vigil-real-node -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ] \
    && ready=1 && break
  kill -0 "$(cat "$n/kubelet.pid")" 2>/dev/null || break
  sleep 0.5
done
if [ -z "$ready" ]; then
  echo "the real node did not become Ready; kubelet log:"; grep -E '^[EF]' "$n/logs/kubelet.log" | tail -20; exit 1
fi

# kube-proxy (nftables mode, its own tables ip/ip6 kube-proxy) so that pods reach Services by their ClusterIP: the
# collectors reach the operator's Service for service discovery whichever replica is behind it. Every Service
# connection is masqueraded (there is no br_netfilter here, so without it a pod would get its reply from the other
# pod's address, not the ClusterIP's). NodePorts only on the bridge address; conntrack sysctls left alone.
# No cluster DNS: what needs a Service gets its ClusterIP (docs/e2e.md).
cat > "$n/kube-proxy.yaml" <<PROXY
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: nftables
clientConnection: {kubeconfig: $KUBECONFIG}
hostnameOverride: vigil-real-node
clusterCIDR: 10.244.0.0/24
nodePortAddresses: [10.244.0.1/32]
nftables: {masqueradeAll: true, minSyncPeriod: 0s, syncPeriod: 30s}
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
metricsBindAddress: 127.0.0.1:10349
healthzBindAddress: 127.0.0.1:10356
oomScoreAdj: 0
PROXY
"$KUBE_PROXY" --config="$n/kube-proxy.yaml" > "$n/logs/kube-proxy.log" 2>&1 &
echo $! > "$n/kube-proxy.pid"
for _ in $(seq 1 60); do
  curl -fsS http://127.0.0.1:10356/healthz >/dev/null 2>&1 && nft list table ip kube-proxy >/dev/null 2>&1 && break
  kill -0 "$(cat "$n/kube-proxy.pid")" 2>/dev/null || { echo "kube-proxy exited:"; tail -20 "$n/logs/kube-proxy.log"; exit 1; }
  sleep 0.5
done
nft list table ip kube-proxy >/dev/null 2>&1 || { echo "kube-proxy wrote no nftables rules:"; tail -20 "$n/logs/kube-proxy.log"; exit 1; }

"$KUBECTL" get node vigil-real-node -o wide >&2
echo "real node ready in $((SECONDS - t0)) s (containerd $(containerd --version | awk '{print $3}'), runc $(runc --version | awk 'NR==1{print $3}'))" >&2
