# Sourced by tests/containers/run.sh. Provisions, idempotently, what the container test needs on a Debian 12 machine
# with no container registry in reach (/work/shared/docs/containers-on-ci.md has the recipe and why):
#   - Docker Engine (Debian's docker.io) and a running dockerd;
#   - Compose v2 (the static plugin from Debian trixie's docker-compose .deb; bookworm has only v1);
#   - stand-in base images, built from Debian packages under the exact names the Dockerfile and docker-compose.yml
#     use, so neither file is changed for the test. Each is built only when missing, and kept for later runs.
# Everything it writes outside Docker lives under $STANDIN_CACHE (and the compose plugin under /usr/local/lib).

STANDIN_CACHE="${FLORENCE2_CONTAINERS_CACHE:-/var/cache/florence2-containers}"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

log() { printf '[containers %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  log "apt-get install ${missing[*]}"
  apt-get update -qq
  # policy-rc.d on these machines stops the package from starting a system dockerd; the test starts its own below.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_engine() {
  apt_install docker.io debootstrap
  if ! docker info >/dev/null 2>&1; then
    log "starting dockerd (log: /var/log/dockerd.log)"
    (setsid dockerd >/var/log/dockerd.log 2>&1 &)
    local i
    for i in $(seq 1 120); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
    docker info >/dev/null 2>&1 || { tail -20 /var/log/dockerd.log; echo "dockerd did not start" >&2; return 1; }
  fi
  log "engine $(docker version --format '{{.Server.Version}}')"
}

ensure_compose() {
  if ! docker compose version >/dev/null 2>&1; then
    log "installing Compose v2 from Debian trixie's docker-compose package"
    local tmp; tmp="$(mktemp -d)"
    mkdir -p "$tmp/lists/partial"
    echo "deb $DEBIAN_MIRROR trixie main" > "$tmp/trixie.list"
    # A private source list and state folder: the system's apt sources stay untouched.
    local opts=(-o APT::Sandbox::User=root -o "Dir::Etc::SourceList=$tmp/trixie.list" -o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$tmp/lists")
    apt-get "${opts[@]}" update -qq
    (cd "$tmp" && apt-get "${opts[@]}" download docker-compose >/dev/null)
    dpkg-deb -x "$tmp"/docker-compose_*_amd64.deb "$tmp/dc"
    mkdir -p /usr/local/lib/docker/cli-plugins
    install -m 0755 "$tmp/dc/usr/libexec/docker/cli-plugins/docker-compose" /usr/local/lib/docker/cli-plugins/
    rm -rf "$tmp"
  fi
  log "$(docker compose version)"
}

# The base every stand-in starts from: a minimal Debian root file system, kept in the cache to derive the others.
base_rootfs() {
  local rootfs="$STANDIN_CACHE/rootfs-base"
  if [[ ! -f "$rootfs/.complete" ]]; then
    log "debootstrap bookworm (minbase) into $rootfs"
    rm -rf "$rootfs"; mkdir -p "$STANDIN_CACHE"
    debootstrap --variant=minbase --include=ca-certificates,libssl3,libicu72,tzdata bookworm "$rootfs" "$DEBIAN_MIRROR" \
      >"$STANDIN_CACHE/debootstrap.log" 2>&1 || { tail -20 "$STANDIN_CACHE/debootstrap.log"; return 1; }
    # Package scripts inside the chroot must never start services on the host.
    printf '#!/bin/sh\nexit 101\n' > "$rootfs/usr/sbin/policy-rc.d"; chmod 0755 "$rootfs/usr/sbin/policy-rc.d"
    chroot "$rootfs" apt-get clean
    touch "$rootfs/.complete"
  fi
  echo "$rootfs"
}

# A fresh copy of the base root file system with extra Debian packages installed in it.
rootfs_with_packages() {
  local target="$1"; shift
  rm -rf "$target"; cp -a "$(base_rootfs)" "$target"; rm -f "$target/.complete"
  cp /etc/resolv.conf "$target/etc/resolv.conf"
  chroot "$target" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive chroot "$target" apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  chroot "$target" apt-get clean
  rm -rf "$target/var/lib/apt/lists/"*
}

# `docker import` of a root file system folder under NAME, with Dockerfile-style --change instructions.
import_rootfs() {
  local rootfs="$1" name="$2"; shift 2
  local changes=()
  for change in "$@"; do changes+=(--change "$change"); done
  tar --numeric-owner -C "$rootfs" -c . | docker import "${changes[@]}" - "$name" >/dev/null
  log "stand-in built: $name ($(docker image inspect --format '{{.Size}}' "$name" | awk '{ printf "%.0f MB", $1 / 1e6 }'))"
}

# The .NET SDK stand-in: the host's own SDK (the one that builds the repository) on the Debian base. The CA bundle is
# the host's: NuGet restore inside `docker build` goes through the network's TLS inspection, whose CA Debian lacks.
build_standin_sdk() {
  local name="$1" rootfs="$STANDIN_CACHE/rootfs-sdk"
  rm -rf "$rootfs"; cp -a "$(base_rootfs)" "$rootfs"
  mkdir -p "$rootfs/usr/share/dotnet"
  cp -a /usr/share/dotnet/. "$rootfs/usr/share/dotnet/"
  ln -sf /usr/share/dotnet/dotnet "$rootfs/usr/bin/dotnet"
  cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
  import_rootfs "$rootfs" "$name" "ENV DOTNET_ROOT=/usr/share/dotnet" "ENV NUGET_CERT_REVOCATION_MODE=offline" \
    "ENV DOTNET_CLI_TELEMETRY_OPTOUT=1"
  rm -rf "$rootfs"
}

# The ASP.NET Core runtime stand-in: the host's runtime folders only (no SDK), like the official aspnet image.
build_standin_aspnet() {
  local name="$1" rootfs="$STANDIN_CACHE/rootfs-aspnet"
  rm -rf "$rootfs"; cp -a "$(base_rootfs)" "$rootfs"
  mkdir -p "$rootfs/usr/share/dotnet/shared"
  cp -a /usr/share/dotnet/dotnet /usr/share/dotnet/host "$rootfs/usr/share/dotnet/"
  cp -a /usr/share/dotnet/shared/Microsoft.NETCore.App /usr/share/dotnet/shared/Microsoft.AspNetCore.App "$rootfs/usr/share/dotnet/shared/"
  ln -sf /usr/share/dotnet/dotnet "$rootfs/usr/bin/dotnet"
  # The official image's environment (the Dockerfile relies on ASPNETCORE_HTTP_PORTS being set there and clears it).
  import_rootfs "$rootfs" "$name" "ENV ASPNETCORE_HTTP_PORTS=8080" "ENV DOTNET_RUNNING_IN_CONTAINER=true" "ENV APP_UID=1654"
  rm -rf "$rootfs"
}

# nginx: Debian's nginx-light (1.22: no upstream `resolve`, so the test renders its config without it) plus wget for
# the compose healthcheck. Started like the official image: in the foreground.
build_standin_nginx() {
  local name="$1" rootfs="$STANDIN_CACHE/rootfs-nginx"
  rootfs_with_packages "$rootfs" nginx-light wget
  import_rootfs "$rootfs" "$name" 'ENTRYPOINT ["nginx", "-g", "daemon off;"]' "EXPOSE 80"
  rm -rf "$rootfs"
}

# Prometheus: Debian's prometheus (2.42) plus wget; it takes the compose file's flags; runs as nobody like upstream.
build_standin_prometheus() {
  local name="$1" rootfs="$STANDIN_CACHE/rootfs-prometheus"
  rootfs_with_packages "$rootfs" prometheus wget
  mkdir -p "$rootfs/prometheus"; chown 65534:65534 "$rootfs/prometheus"
  import_rootfs "$rootfs" "$name" 'ENTRYPOINT ["/usr/bin/prometheus"]' "USER 65534" "WORKDIR /prometheus" "EXPOSE 9090"
  rm -rf "$rootfs"
}

# The OpenTelemetry collector has no Debian package: a stand-in that only waits (and stops at once on SIGTERM) keeps
# compose's depends_on satisfied; the service logs that OTLP export fails and carries on. Its flags are ignored.
build_standin_otel() {
  local name="$1"
  import_rootfs "$(base_rootfs)" "$name" \
    'ENTRYPOINT ["/bin/sh", "-c", "trap \"exit 0\" TERM INT; sleep infinity & wait", "otelcol-standin"]'
}

# Every base image the Dockerfile's cpu path and the compose cpu profile name, with the stand-in that builds it.
# The CUDA base (gpu target) cannot be built here; the gpu image keeps its static checks (tests/Florence2.Deploy.Tests).
required_images() {
  local root="$1"
  awk 'toupper($1) == "FROM" { print $2 }' "$root/Dockerfile"
  awk '$1 == "image:" { print $2 }' "$root/docker-compose.yml"
}

ensure_standins() {
  local root="$1" image builder
  for image in $(required_images "$root" | sort -u); do
    case "$image" in
      mcr.microsoft.com/dotnet/sdk:*) builder=build_standin_sdk ;;
      mcr.microsoft.com/dotnet/aspnet:*) builder=build_standin_aspnet ;;
      nginx:*) builder=build_standin_nginx ;;
      prom/prometheus:*) builder=build_standin_prometheus ;;
      otel/opentelemetry-collector*) builder=build_standin_otel ;;
      nvidia/cuda:*|florence2-service:*) continue ;;   # CUDA: not buildable here; ours: built by the test
      *:*) echo "no stand-in recipe for base image '$image' (tests/containers/lib/provision.sh)" >&2; return 1 ;;
      *) continue ;;   # a stage name (FROM build AS publish-cpu)
    esac
    if docker image inspect "$image" >/dev/null 2>&1; then
      log "stand-in present: $image"
    else
      "$builder" "$image"
    fi
  done
}
