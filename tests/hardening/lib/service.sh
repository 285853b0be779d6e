# Sourced by overload.sh and soak.sh: builds the real service (Release), writes the tiny fixture model, starts the
# service on 127.0.0.1 with the settings in SERVICE_ENV, waits for readiness and stops it on exit.
# After start_service: SERVICE_URL, SERVICE_PID, BUILD_DIR (with the load tool in $BUILD_DIR/loadtest).

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
WORK="${HARDENING_WORK:-${TMPDIR:-/tmp}/florence2-hardening}"
BUILD_DIR="$WORK/build"
PORT="${PORT:-$((20000 + RANDOM % 20000))}"
SERVICE_URL="http://127.0.0.1:$PORT"
SERVICE_PID=""

stop_service() {
  if [[ -n "$SERVICE_PID" ]] && kill -0 "$SERVICE_PID" 2>/dev/null; then
    kill -TERM "$SERVICE_PID" 2>/dev/null || true
    # Bounded: the drain timeout is configured to 5 s below; kill hard after 20 s.
    for _ in $(seq 1 200); do kill -0 "$SERVICE_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVICE_PID" 2>/dev/null || true
  fi
}

start_service() {
  mkdir -p "$WORK"
  echo "building Release into $BUILD_DIR"
  dotnet publish "$ROOT/src/Florence2.Service" -c Release -o "$BUILD_DIR/service" --nologo -v quiet
  dotnet publish "$ROOT/tests/Florence2.LoadTest" -c Release -o "$BUILD_DIR/loadtest" --nologo -v quiet
  if [[ ! -f "$WORK/model/config.json" ]]; then
    dotnet run -c Release --project "$ROOT/src/Florence2.Cli" -- fixture tiny --out "$WORK/model"
  fi

  trap stop_service EXIT
  echo "starting the service on $SERVICE_URL"
  env ASPNETCORE_URLS="$SERVICE_URL" ASPNETCORE_ENVIRONMENT=Production \
    Florence2__Model__Path="$WORK/model" Florence2__Inference__Provider=cpu \
    Florence2__Service__DrainTimeoutSeconds=5 Serilog__MinimumLevel__Default=Warning \
    "${SERVICE_ENV[@]}" \
    dotnet "$BUILD_DIR/service/Florence2.Service.dll" > "$WORK/service.log" 2>&1 &
  SERVICE_PID=$!
  for _ in $(seq 1 1500); do   # a hang detector (5 min), not a start-up speed requirement
    if curl -fsS "$SERVICE_URL/health/ready" >/dev/null 2>&1; then echo "ready (pid $SERVICE_PID)"; return 0; fi
    kill -0 "$SERVICE_PID" 2>/dev/null || break
    sleep 0.2
  done
  echo "the service did not become ready; last log lines:"; tail -30 "$WORK/service.log"; return 1
}

loadtest() { dotnet "$BUILD_DIR/loadtest/Florence2.LoadTest.dll" "$@"; }
