#!/usr/bin/env bash
# Suite 5: after convergence the operator makes no write request during IDLE seconds (default 60), and a
# restarted operator facing a converged cluster makes none either. Counted from the apiserver's audit log.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
audit=$(bash "$here/cluster/audit-log.sh")
idle=${IDLE:-60}
size() { python3 "$here/auditlog.py" mark "$audit"; }   # INODE:BYTE: follows the log across a rotation
port=${VIGIL_OPERATOR_PORT:-18080}
reconciles() {
  curl -fsS "http://127.0.0.1:$port/q/metrics" | awk '/^vigil_reconciles_total\{/ && /outcome="success"/ {s += $2} END {printf "%d", s}'
}

# Start from a quiet cluster: no namespace of an earlier suite still being torn down.
for _ in $(seq 1 120); do
  # (output captured first: grep -q closing the pipe early would fail the pipeline under pipefail)
  namespaces=$(kubectl get namespaces --no-headers)
  grep -q Terminating <<<"$namespaces" || break
  sleep 1
done
# (5 s more than a fleet's figures in status may lag behind their last change: StatusFigures.PERIOD.)
sleep 10
mark=$(size)
r0=$(reconciles)
echo "idle window: ${idle} s from audit log mark $mark"
sleep "$idle"
idle_out=$(python3 "$here/audit-writes.py" "$audit" "$mark")
idle_reconciles=$(( $(reconciles) - r0 ))
echo "$idle_out"
echo "reconciles during the idle window: $idle_reconciles"

echo "restarting the operator against the converged cluster"
mark=$(size)
bash "$here/operator.sh" restart
sleep 20
restart_out=$(python3 "$here/audit-writes.py" "$audit" "$mark")
restart_reconciles=$(reconciles)
echo "$restart_out"

idle_writes=$(echo "$idle_out" | sed -n 's/.*writes=\([0-9]*\).*/\1/p')
restart_writes=$(echo "$restart_out" | sed -n 's/.*writes=\([0-9]*\).*/\1/p')
echo "RESULT idle ${idle}s: ${idle_reconciles} reconciles, ${idle_writes} writes; after restart (20 s): ${restart_reconciles} reconciles, ${restart_writes} writes"
# A window without reconciles would prove nothing.
[ "$idle_reconciles" -gt 0 ] && [ "$restart_reconciles" -gt 0 ] && [ "$idle_writes" -eq 0 ] && [ "$restart_writes" -eq 0 ]
