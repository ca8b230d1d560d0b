#!/usr/bin/env bash
# The pool-autoscaling benchmark (issue 4), on the same real parts as e2e/pools/closed-loop.sh (real control plane,
# operator process, redis-server, Prometheus with a 5 s scrape, the demo service; evaluation every 5 s):
#   - reaction: 5 runs of calm (3 clients, 15 s) then spike (16 clients, 40 s), each on a fresh service with a pool
#     of 4: time from the spike's start to the first larger size live in the app; overshoot = largest size / 16;
#   - steady: 8 clients for 10 minutes: direction changes of the size, and final size / 8.
# Prints the figures (docs/benchmarks.md records them). About 17 minutes. Options: RUNS=5 STEADY_SECONDS=600.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash e2e/tools/build-tools.sh >/dev/null
eval "$(bash e2e/tools/bin-path.sh)"
export PATH="$KUBE_BIN:$PATH"
[ -f target/quarkus-app/quarkus-run.jar ] || mvn -B -ntp -q package -DskipTests
eval "$(bash e2e/cluster/up.sh)"
trap 'bash e2e/operator.sh stop || true; bash e2e/cluster/down.sh >/dev/null 2>&1 || true' EXIT
kubectl apply --server-side --field-manager=vigil-bench -f crds/ >/dev/null
kubectl wait --for condition=Established --timeout=60s crd/instrumentedservices.vigil.dev >/dev/null
rm -f e2e/.work/operator.log
bash e2e/operator.sh start
out=$root/e2e/.work/bench-pools
rm -rf "$out"; mkdir -p "$out"
for i in $(seq 1 "${RUNS:-5}"); do
  echo "== reaction run $i"
  VIGIL_POOL_NS=bench-pools-$i VIGIL_POOL_MODE=bench VIGIL_POOLS_WORK=$out/run$i \
    VIGIL_POOL_PHASES=calm:3:15,spike:16:40 bash e2e/pools/closed-loop.sh >"$out/run$i.log" 2>&1
done
echo "== steady load, ${STEADY_SECONDS:-600} s"
VIGIL_POOL_NS=bench-pools-steady VIGIL_POOL_MODE=bench VIGIL_POOLS_WORK=$out/steady \
  VIGIL_POOL_PHASES=steady:8:${STEADY_SECONDS:-600} bash e2e/pools/closed-loop.sh >"$out/steady.log" 2>&1
python3 bench/pools-figures.py "$out"
