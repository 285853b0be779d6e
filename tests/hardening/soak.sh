#!/usr/bin/env bash
# Soak: the real service (Release, tiny fixture model) on 127.0.0.1 answers 1500 warm-up requests, then N measured
# requests (default 10000; CI 1000), 70 % valid and 30 % everyday refusals, 4 at a time. Samples the server's RSS,
# threads and open descriptors from /proc and fails (exit 1) when the mean RSS of the last fifth of the measured run is
# more than 10 % above that of the first fifth, when (in runs of 5000 or more) the RSS slope exceeds 10 MB per 1000
# requests (a 10 KB/request leak), when descriptors grow by more than 50, or when any request is lost or answered 5xx. SOAK_ENV adds settings.
#   tests/hardening/soak.sh [requests]
set -euo pipefail
REQUESTS="${1:-10000}"
SERVICE_ENV=(${SOAK_ENV:-})
source "$(dirname "${BASH_SOURCE[0]}")/lib/service.sh"
start_service
loadtest soak --url "$SERVICE_URL" --pid "$SERVICE_PID" --requests "$REQUESTS" --concurrency 4 \
  --max-rss-growth 0.10 --max-slope-mb 10
