#!/usr/bin/env bash
# Soak: the real service (Release, tiny fixture model) on 127.0.0.1 answers N requests (default 10000; CI 1000), 70 %
# valid and 30 % everyday refusals, 4 at a time. Samples the server's RSS, threads and open descriptors from /proc and
# fails (exit 1) when RSS grows more than 10 % after warm-up (the first 20 %) or its least-squares slope exceeds
# 2 MB per 1000 requests, when descriptors grow by more than 50, or when any request is lost or answered 5xx.
#   tests/hardening/soak.sh [requests]
set -euo pipefail
REQUESTS="${1:-10000}"
SERVICE_ENV=()
source "$(dirname "${BASH_SOURCE[0]}")/lib/service.sh"
start_service
loadtest soak --url "$SERVICE_URL" --pid "$SERVICE_PID" --requests "$REQUESTS" --concurrency 4 \
  --max-rss-growth 0.10 --max-slope-mb 2
