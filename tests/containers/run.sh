#!/usr/bin/env bash
# The container test: builds the repository's Dockerfile (`cpu` target, unchanged) and runs it the two ways the README
# documents, on a Docker engine this script provisions itself (lib/provision.sh; no registry is needed).
#   single  — one container, read-only root filesystem, UID 10001, a fixture model mounted read-only: HEALTHCHECK
#             healthy, a caption request 200, nothing written outside /tmp and the cache volume (docker diff), and
#             `docker stop` drains and exits 0 within the grace period.
#   compose — `docker compose --profile cpu up --wait` with a test override (tests/containers/compose.test.yml): three
#             replicas behind nginx, with the API key 200 from all three replicas, without it 401, Prometheus `up` for
#             each replica; then steady bounded load through nginx while one replica is stopped: every request
#             answered, no 5xx, lost=0, and nginx's retries counted by cause; `docker compose down -v` leaves nothing.
# Usage: tests/containers/run.sh [single|compose|all]   (default all). Root, Debian 12. Its last line starts with
# "containers:" and reports the figures. Traffic goes only to 127.0.0.1 ports published by the test's own containers.
# CONTAINERS_NGINX_CONF replaces deploy/nginx/nginx.conf in the compose scenario (to measure another retry policy).
# Every wait is a hang detector (a busy 2-core machine is slow), not a speed requirement: 180 s for a container to be
# ready/healthy, 300 s for `compose up --wait`, 120 s per request, 120 s for Prometheus to scrape all replicas.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/tests/containers"
SCENARIO="${1:-all}"
case "$SCENARIO" in single|compose|all) ;; *) echo "usage: $0 [single|compose|all]" >&2; exit 2 ;; esac
if [[ $EUID -ne 0 ]]; then
  echo "containers: FAILED [$SCENARIO] run as root (it installs Debian packages, runs dockerd and debootstrap)"; exit 1
fi
# shellcheck source=lib/provision.sh
source "$HERE/lib/provision.sh"

WORK="${CONTAINERS_WORK:-/tmp/florence2-containers}"
PROJECT=florence2-citest
SINGLE=florence2-citest-single
SINGLE_CACHE=florence2-citest-cache
IMAGE=florence2-service:cpu
TEST_LABEL=org.florence2.test=containers
export DOCKER_BUILDKIT=0   # the classic builder: engine 20.10 here, and no buildx plugin to install
FIGURES=()
STARTED=$SECONDS
DONE=""

figure() { FIGURES+=("$1"); }
fail() { echo "containers: FAILED [$SCENARIO] $* ${FIGURES[*]}"; DONE=failed; exit 1; }
check() { local what="$1"; shift; "$@" || fail "$what"; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# Polls a command until it succeeds; LIMIT is a hang detector (a busy 2-core machine is slow), not a speed requirement.
until_ok() {
  local limit="$1"; shift; local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do ((SECONDS < deadline)) || return 1; sleep 1; done
}

DC=(docker compose -p "$PROJECT" --env-file "$WORK/compose.env" -f "$ROOT/docker-compose.yml" -f "$HERE/compose.test.yml" --profile cpu)

cleanup() {
  local rc=$?
  docker rm -f "$SINGLE" >/dev/null 2>&1 || true
  docker volume rm -f "$SINGLE_CACHE" >/dev/null 2>&1 || true
  [[ -f "$WORK/compose.env" ]] && "${DC[@]}" down -v --remove-orphans --timeout 10 >/dev/null 2>&1 || true
  if [[ -z "$DONE" ]]; then echo "containers: FAILED [$SCENARIO] (exit $rc; see the log above) ${FIGURES[*]}"; fi
}
trap cleanup EXIT

# --- provision, build, model ------------------------------------------------------------------------------------
provision_started=$SECONDS
ensure_engine
ensure_compose
ensure_standins "$ROOT"
figure "provision_s=$((SECONDS - provision_started))"

mkdir -p "$WORK"
dockerfile_sha="$(sha256sum "$ROOT/Dockerfile")"
build_started=$SECONDS
log "docker build --target cpu -t $IMAGE (the repository's Dockerfile as it is)"
docker build --target cpu -t "$IMAGE" "$ROOT" >"$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log"; fail "docker build --target cpu"; }
check "the Dockerfile is unchanged by the test" test "$dockerfile_sha" = "$(sha256sum "$ROOT/Dockerfile")"
figure "build_s=$((SECONDS - build_started))"
figure "image_mb=$(docker image inspect --format '{{.Size}}' "$IMAGE" | awk '{ printf "%.0f", $1 / 1e6 }')"

# Kept between runs, keyed by the fixture writer's sources (a changed writer writes a new model).
MODEL="$WORK/model-$(cd "$ROOT" && { git rev-parse --short HEAD:src/Florence2.Fixtures 2>/dev/null || find src/Florence2.Fixtures -type f -name '*.cs' -exec sha256sum {} + | sort | sha256sum | cut -c1-12; })"
if [[ ! -f "$MODEL/config.json" ]]; then
  log "writing the tiny fixture model to $MODEL"
  dotnet run -c Release --project "$ROOT/src/Florence2.Cli" -- fixture tiny --out "$MODEL" >"$WORK/fixture.log" 2>&1 \
    || { tail -20 "$WORK/fixture.log"; fail "writing the fixture model"; }
fi
chmod -R a+rX "$WORK"   # the service runs as UID 10001 and reads the model through a read-only bind mount
python3 -c "import sys; sys.path.insert(0, '$HERE/lib'); import load; open('$WORK/gradient.png', 'wb').write(load.png(96, 72))"

# The grace period compose gives a replica to drain (stop_grace_period), used for `docker stop` too.
GRACE_S="$(awk '/stop_grace_period:/ { gsub(/s/, "", $2); print $2; exit }' "$ROOT/docker-compose.yml")"

load() { python3 "$HERE/lib/load.py" "$@"; }
json() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }

# --- single container -------------------------------------------------------------------------------------------
run_single() {
  log "single: read-only container as UID 10001 with the fixture model mounted"
  docker rm -f "$SINGLE" >/dev/null 2>&1 || true
  docker volume rm -f "$SINGLE_CACHE" >/dev/null 2>&1 || true
  local started=$SECONDS
  docker run -d --name "$SINGLE" --label "$TEST_LABEL" --read-only --tmpfs /tmp \
    -v "$SINGLE_CACHE:/var/cache/florence2" -v "$MODEL:/models/tiny:ro" -e Florence2__Model__Path=/models/tiny \
    -p 127.0.0.1::8080 "$IMAGE" >/dev/null
  local url; url="http://$(docker port "$SINGLE" 8080/tcp | head -1)"
  check "the container runs as UID 10001" test "$(docker exec "$SINGLE" id -u)" = 10001
  check "the root filesystem is read-only" test "$(docker inspect -f '{{.HostConfig.ReadonlyRootfs}}' "$SINGLE")" = true
  check "/health/ready answers 200 (the model loaded and warmed up)" until_ok 180 curl -fsS "$url/health/ready"
  figure "single_ready_s=$((SECONDS - started))"
  check "the image's HEALTHCHECK reports healthy" until_ok 180 \
    bash -c "[[ \$(docker inspect -f '{{.State.Health.Status}}' $SINGLE) == healthy ]]"
  figure "single_healthy_s=$((SECONDS - started))"

  local run; run="$(load --url "$url/v1/caption" --requests 4 --concurrency 2)"
  check "4 caption requests answered 200 ($run)" test "$(json "d['ok']" <<<"$run")" = 4
  # Docker itself adds the bind mount's target folders (A /models, A /models/tiny) to the diff: those are left out.
  local mounts changes
  mounts="$(docker inspect -f '{{range .Mounts}}{{.Destination}} {{end}}' "$SINGLE")"
  changes="$(docker diff "$SINGLE" | python3 -c "
import sys
mounts = '$mounts'.split()
for line in sys.stdin:
    path = line.split(maxsplit=1)[1].strip()
    if not any(m == path or m.startswith(path.rstrip('/') + '/') for m in mounts):
        print(line.strip())")"
  check "nothing written outside /tmp and the cache volume (docker diff: ${changes//$'\n'/, })" test -z "$changes"

  local stop_started; stop_started=$(date +%s.%N)
  docker stop --time "$GRACE_S" "$SINGLE" >/dev/null
  local stop_s; stop_s=$(python3 -c "import time; print(round(time.time() - $stop_started, 1))")
  local exit_code; exit_code="$(docker inspect -f '{{.State.ExitCode}}' "$SINGLE")"
  figure "single_stop_s=$stop_s"
  check "docker stop: exit code 0 within the ${GRACE_S} s grace period (got $exit_code after $stop_s s)" test "$exit_code" = 0
  check "docker stop: the service drained (log line 'Drained in')" bash -c "docker logs $SINGLE 2>&1 | grep -q 'Drained in'"
  docker rm "$SINGLE" >/dev/null
  docker volume rm "$SINGLE_CACHE" >/dev/null
  figure "single=ok"
}

# --- compose ----------------------------------------------------------------------------------------------------
run_compose() {
  local lb_port prom_port key
  lb_port="$(free_port)"; prom_port="$(free_port)"
  key="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
  # nginx 1.22 (the stand-in) lacks the upstream `resolve` parameter (1.27.3+): drop that one word, keep the rest.
  sed -E '/^\s*server\s+florence2:8080/ s/\s+resolve\b//' "${CONTAINERS_NGINX_CONF:-$ROOT/deploy/nginx/nginx.conf}" > "$WORK/nginx.conf"
  check "the rendered nginx config has no resolve parameter left" bash -c "! grep -qE '^\\s*server\\s.*\\bresolve\\b' '$WORK/nginx.conf'"
  # The variables the README's compose section documents (deploy/compose.env.example), ports on loopback only.
  cat > "$WORK/compose.env" <<ENV
FLORENCE2_API_KEY=$key
FLORENCE2_MODEL_DIR=$MODEL
FLORENCE2_MODEL_DTYPE=fp32
CONTAINERS_NGINX_CONFIG=$WORK/nginx.conf
CONTAINERS_LB_PORT=$lb_port
CONTAINERS_PROMETHEUS_PORT=$prom_port
ENV
  "${DC[@]}" down -v --remove-orphans --timeout 10 >/dev/null 2>&1 || true

  log "compose: up --wait (3 cpu replicas, nginx, Prometheus, collector stand-in)"
  local started=$SECONDS
  "${DC[@]}" up -d --wait --wait-timeout 300 --no-build >"$WORK/compose-up.log" 2>&1 || { tail -30 "$WORK/compose-up.log"; "${DC[@]}" ps -a; fail "docker compose up --wait"; }
  figure "compose_up_s=$((SECONDS - started))"
  local replicas; replicas=($("${DC[@]}" ps -q florence2-cpu))
  check "3 replicas running (got ${#replicas[@]})" test "${#replicas[@]}" = 3
  local lb="http://127.0.0.1:$lb_port"

  local run; run="$(load --url "$lb/v1/caption" --key "$key" --requests 30 --concurrency 3)"
  check "30 requests through nginx with the API key answered 200 ($run)" test "$(json "d['ok']" <<<"$run")" = 30
  local spread; spread="$(docker logs "$("${DC[@]}" ps -q nginx)" 2>&1 | python3 "$HERE/lib/nginx_retries.py")"
  check "requests reached all three replicas ($spread)" bash -c "[[ '$spread' == *replicas_answering=3* ]]"
  local without; without="$(curl -s -o /dev/null -w '%{http_code}' -F "image=@$WORK/gradient.png" "$lb/v1/caption")"
  check "without the API key: 401 (got $without)" test "$without" = 401
  figure "with_key=200 without_key=$without replicas_reached=3"

  local query="http://127.0.0.1:$prom_port/api/v1/query?query=up%7Bjob%3D%22florence2%22%7D"
  check "Prometheus reports up=1 for each of the 3 replicas" until_ok 120 python3 -c "
import json, sys, urllib.request
result = json.load(urllib.request.urlopen('$query', timeout=5))['data']['result']
sys.exit(0 if len(result) == 3 and all(r['value'][1] == '1' for r in result) else 1)"
  figure "prometheus_up=3"

  local victim; victim="$(docker inspect -f '{{.Name}}' "${replicas[1]}")"; victim="${victim#/}"
  local since; since="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  log "compose: steady load through nginx; docker stop $victim (grace ${GRACE_S} s) after 150 answers"
  run="$(load --url "$lb/v1/caption" --key "$key" --requests 600 --concurrency 4 --stop-after 150 \
    --stop-cmd "docker stop --time $GRACE_S $victim")"
  docker logs --since "$since" "$("${DC[@]}" ps -q nginx)" >"$WORK/nginx-during-stop.log" 2>&1
  local retries; retries="$(python3 "$HERE/lib/nginx_retries.py" <"$WORK/nginx-during-stop.log")"
  local victim_exit; victim_exit="$(docker inspect -f '{{.State.ExitCode}}' "$victim")"
  figure "$(json "f\"requests={d['sent']} answered={d['answered']} ok={d['ok']} 5xx={d['server_errors']} lost={d['lost']} sent_after_stop={d['sent_after_stop']} stop_s={(d['stop'] or {}).get('seconds')} load_s={d['duration_s']}\"" <<<"$run")"
  figure "$retries stopped_exit=$victim_exit"
  check "every request answered (lost=0)" test "$(json "d['lost']" <<<"$run")" = 0
  check "no client saw a 5xx or no answer ($run)" test "$(json "d['server_errors']" <<<"$run")" = 0
  check "every request answered 200 ($run)" test "$(json "d['ok'] == d['sent'] == 600" <<<"$run")" = True
  check "requests were sent after the stop began ($run)" test "$(json "d['sent_after_stop'] >= 200" <<<"$run")" = True
  # A stopped replica is left out after one failed connection for fail_timeout: at most one failed connection per
  # client per fail_timeout window after the stop, not one per request (the old policy cost one every few requests).
  local fail_timeout; fail_timeout="$(grep -oE 'max_fails=[1-9][0-9]* +fail_timeout=[0-9]+s' "$WORK/nginx.conf" | head -1 | grep -oE '[0-9]+s$' | tr -d s || true)"
  check "nginx leaves out a replica whose connections fail (max_fails=N fail_timeout=Ns in the first upstream)" test -n "$fail_timeout"
  local bound; bound="$(json "(int((d['duration_s'] - d['stop']['at_s']) / $fail_timeout) + 2) * 4" <<<"$run")"
  local failures; failures="$(grep -oE 'retries_after_connection_failure=[0-9]+' <<<"$retries" | cut -d= -f2)"
  check "the stopped replica cost $failures retries after failed connections (at most $bound)" test "$failures" -le "$bound"
  check "the stopped replica exited 0 within the grace period (exit $victim_exit)" test "$victim_exit" = 0
  check "the stopped replica drained (log line 'Drained in')" bash -c "docker logs $victim 2>&1 | grep -q 'Drained in'"

  "${DC[@]}" down -v --remove-orphans --timeout 30 >/dev/null 2>&1
  local left
  left="$(docker ps -aq --filter "label=com.docker.compose.project=$PROJECT"; docker volume ls -q --filter "label=com.docker.compose.project=$PROJECT"; docker network ls -q --filter "label=com.docker.compose.project=$PROJECT")"
  check "docker compose down -v left nothing behind (${left//$'\n'/ })" test -z "$left"
  figure "compose=ok"
}

[[ "$SCENARIO" == single || "$SCENARIO" == all ]] && run_single
[[ "$SCENARIO" == compose || "$SCENARIO" == all ]] && run_compose
DONE=ok
echo "containers: ok [$SCENARIO] ${FIGURES[*]} total_s=$((SECONDS - STARTED))"
