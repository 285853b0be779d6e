#!/usr/bin/env bash
# Overload: the real service (Release, tiny fixture model, CPU) on 127.0.0.1, capacity measured for 5 s, then 3× that
# rate offered for N seconds (default 120; CI 30). Fails (exit 1) unless: excess is refused with 503 + Retry-After,
# accepted requests finish within the queue deadline plus a measured batch time, /health/live answers every 100 ms
# poll with 200 within the liveness probe timeout that deploy/k8s/deployment.yaml promises, and every request gets
# exactly one response. Prints accepted/rejected counts and p50/p90/p99 (liveness too: reported, not gated).
#   tests/hardening/overload.sh [seconds]
set -euo pipefail
SECONDS_TO_RUN="${1:-120}"
QUEUE_DEADLINE_MS=5000
# Small queue so overload turns into fast refusals rather than long waits; one engine instance on the shared cores.
SERVICE_ENV=(Florence2__Batching__MaxQueueSize=16 Florence2__Batching__MaxBatchSize=4
             Florence2__Batching__DefaultTimeoutMs=$QUEUE_DEADLINE_MS Florence2__Inference__Instances=1
             Florence2__Inference__IntraOpThreads=1)   # leave a core to Kestrel so probes stay fast (2-core box)
source "$(dirname "${BASH_SOURCE[0]}")/lib/service.sh"
# The kubelet's liveness timeout in the shipped manifest: the service must answer every poll within it.
PROBE_TIMEOUT_S=$(awk '/livenessProbe:/ { in_probe = 1 } in_probe && /timeoutSeconds:/ { print $2; exit }' "$ROOT/deploy/k8s/deployment.yaml")
start_service
loadtest overload --url "$SERVICE_URL" --seconds "$SECONDS_TO_RUN" --factor 3 --queue-deadline-ms "$QUEUE_DEADLINE_MS" \
  --probe-timeout-ms $((${PROBE_TIMEOUT_S:?no livenessProbe timeoutSeconds in deploy/k8s/deployment.yaml} * 1000))
