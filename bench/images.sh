#!/usr/bin/env bash
# The images benchmark (issue 14): size of the operator image against the JRE Debian would install, and the
# operator's start-to-ready time from its image (runc: user 10001, read-only root, 512 MiB limit) against the same
# jar started by the host's JVM, both in this run, on the local control plane. About 3 minutes.
#   bash bench/images.sh [rounds]    (default 3)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
rounds=${1:-3}
bash e2e/images/build.sh
eval "$(bash e2e/tools/bin-path.sh)"
export PATH="$KUBE_BIN:$PATH"
eval "$(bash e2e/cluster/up.sh 2>/dev/null)"
trap 'VIGIL_OPERATOR_FROM=image bash e2e/operator.sh stop; VIGIL_OPERATOR_FROM=jar bash e2e/operator.sh stop; bash e2e/cluster/down.sh >/dev/null 2>&1' EXIT
kubectl apply --server-side -f crds/ >/dev/null
kubectl apply -f examples/ >/dev/null

ready_time() {   # seconds from starting the JVM (jar) or `runc run` (image) to /q/health/ready answering 200
  local from=$1 t0 bundle=e2e/.work/operator-bundle
  if [ "$from" = image ]; then
    VIGIL_OPERATOR_FROM=image bash e2e/operator.sh start >/dev/null   # unpacks the bundle once
    VIGIL_OPERATOR_FROM=image bash e2e/operator.sh kill9
    t0=$(date +%s.%N)
    (cd "$bundle" && runc run --detach --pid-file "$root/e2e/.work/operator.pid" vigil-operator-e2e \
      >>"$root/e2e/.work/operator.log" 2>&1 </dev/null)
  else
    t0=$(date +%s.%N)
    VIGIL_OPERATOR_FROM=jar bash e2e/operator.sh start >/dev/null &
  fi
  until curl -fsS http://127.0.0.1:18080/q/health/ready >/dev/null 2>&1; do sleep 0.05; done
  awk "BEGIN{printf \"%.2f\", $(date +%s.%N) - $t0}"
  wait 2>/dev/null || true
  VIGIL_OPERATOR_FROM=$from bash e2e/operator.sh stop >/dev/null
}

jar=(); image=()
for _ in $(seq 1 "$rounds"); do
  jar+=("$(ready_time jar)")
  image+=("$(ready_time image)")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
debian_jre=$(apt-cache show openjdk-17-jre-headless | awk '/^Installed-Size:/ && !n {n = int($2/1024)} END {print n}')
image_mb=$(sed -n 's/.*vigil-operator:[^:]*: [0-9]* MB (compressed OCI archive), \([0-9]*\) MB unpacked.*/\1/p' e2e/.work/images/figures.txt)
jre_mb=$(du -sm "$root/e2e/.work/operator-bundle/rootfs/opt/java" | cut -f1)
echo "operator start to ready, jar on the host JVM:   ${jar[*]} s (median $(median "${jar[@]}") s)"
echo "operator start to ready, image under runc:     ${image[*]} s (median $(median "${image[@]}") s)"
echo "ratio image/jar: $(awk "BEGIN{printf \"%.2f\", $(median "${image[@]}") / $(median "${jar[@]}")}")"
echo "jlink'ed runtime in the image: $jre_mb MB; Debian's openjdk-17-jre-headless alone installs $debian_jre MB (ratio $(awk "BEGIN{printf \"%.2f\", $jre_mb / $debian_jre}"))"
echo "operator image unpacked: $image_mb MB (goal <= 250 MB)"
cat e2e/.work/images/figures.txt
