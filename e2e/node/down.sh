#!/usr/bin/env bash
# Takes the real node of e2e/node/up.sh down and undoes what it changed on the machine: stops kube-proxy, the
# kubelet and containerd, removes every container they left (runc), unmounts the kubelet's mounts, deletes the bridge and the
# cgroups and kube-proxy's nftables tables, and puts the sysctls back as they were.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
n=$root/e2e/.work/node
[ -d "$n" ] || exit 0
eval "$(bash "$root/e2e/tools/bin-path.sh")"
[ -z "${KUBECONFIG:-}" ] || "$KUBECTL" delete node vigil-real-node --wait=false >/dev/null 2>&1
for p in kube-proxy kubelet containerd; do
  [ -f "$n/$p.pid" ] && kill "$(cat "$n/$p.pid")" 2>/dev/null
done
sleep 1
for p in kube-proxy kubelet containerd; do
  [ -f "$n/$p.pid" ] && kill -9 "$(cat "$n/$p.pid")" 2>/dev/null
done
# containerd's shims and their containers outlive it: kill and delete them through runc's state.
for state in /run/containerd/runc/k8s.io; do
  [ -d "$state" ] || continue
  for id in $(runc --root "$state" list -q 2>/dev/null); do
    runc --root "$state" kill "$id" KILL >/dev/null 2>&1
    runc --root "$state" delete --force "$id" >/dev/null 2>&1
  done
done
pkill -f "containerd-shim-runc-v2 -namespace k8s.io" 2>/dev/null
sleep 0.5
mount | awk -v n="$n" '$3 ~ "^"n {print $3}' | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
ip link del vigil0 2>/dev/null
# kube-proxy's rules (its own tables; nothing else in the ruleset is touched).
nft delete table ip kube-proxy 2>/dev/null
nft delete table ip6 kube-proxy 2>/dev/null
for c in /sys/fs/cgroup/*/vigil-node; do
  [ -d "$c" ] && find "$c" -depth -type d -exec rmdir {} \; 2>/dev/null
done
if [ -f "$n/sysctls.saved" ]; then
  while read -r key value; do echo "$value" > "/proc/sys/$key" 2>/dev/null; done < "$n/sysctls.saved"
fi
rm -rf "$n"
exit 0
