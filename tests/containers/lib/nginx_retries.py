#!/usr/bin/env python3
"""Counts retries in nginx access log lines (deploy/nginx/nginx.conf's `main` format) read from stdin, like
tests/Florence2.Cluster.Tests/NginxRetries.cs: $upstream_status has one status per attempt (", " within a group,
" : " into the 503-retry group); a 502/504 before the last attempt is a failed connection (a replica that is gone), a
503 is a replica that refused the work. Prints key=value figures; also the distinct upstream addresses that answered 200."""
import re, sys

requests = retried = connection_failures = refusals = 0
answered_by = set()
for line in sys.stdin:
    match = re.search(r"upstream=(.*?) upstream_status=(.*?) urt=", line)
    if not match:
        continue
    requests += 1
    addresses = [a.strip() for a in re.split(r"[,]| : ", match.group(1)) if a.strip()]
    attempts = [s.strip() for s in re.split(r"[,:]", match.group(2)) if s.strip()]
    if attempts and attempts[-1] == "200" and addresses:
        answered_by.add(addresses[-1])
    if len(attempts) < 2:
        continue
    retried += 1
    connection_failures += sum(1 for s in attempts[:-1] if s in ("502", "504"))
    refusals += sum(1 for s in attempts[:-1] if s == "503")
print(f"nginx_requests={requests} nginx_retried={retried} retries_after_connection_failure={connection_failures} "
      f"retries_after_503={refusals} replicas_answering={len(answered_by)}")
