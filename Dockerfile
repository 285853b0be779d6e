# Florence2Service container image.
#
#   docker build --target gpu -t florence2-service:gpu .   # default (last stage): CUDA 13 + cuDNN 9
#   docker build --target cpu -t florence2-service:cpu .   # runs anywhere, no NVIDIA stack
#
# Both runtime images: non-root UID 10001, port 8080, read-only root filesystem friendly (writes go to /tmp and
# the model cache volume only), no secrets baked in (API keys and the HF token come from the environment at run time).
# Static checks of this file: tests/Florence2.Deploy.Tests.

# ---------------------------------------------------------------------------------------------------------------
# build: restore with only the project files first so the NuGet layer is reused until a csproj/props file changes.
# .NET 10 images default to Ubuntu 24.04 "noble"; the tag is spelled out so build and runtime distros stay the same.
# ---------------------------------------------------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
WORKDIR /src
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1
COPY global.json Directory.Build.props Directory.Packages.props ./
# Every project in the service's ProjectReference graph (a static test keeps this list complete).
COPY src/Florence2.Core/Florence2.Core.csproj src/Florence2.Core/
COPY src/Florence2.Service/Florence2.Service.csproj src/Florence2.Service/
RUN dotnet restore src/Florence2.Service/Florence2.Service.csproj -r linux-x64

COPY src/ src/
# linux-x64 RID: only the Linux natives of the ONNX Runtime GPU package are published (no win-x64 DLLs, ~300 MB less).
# UseAppHost=false: the entry point is `dotnet Florence2.Service.dll`, identical in both runtime images.
# Then, belt and braces: nothing for another OS may survive, and the TensorRT provider is never used (no TensorRT
# in the images), so its library only costs space. The CUDA provider (~280 MB) is set apart in /app-cuda: only the
# gpu base takes it, so /app is the same for both images and the cpu image never carries a library it cannot load.
RUN dotnet publish src/Florence2.Service/Florence2.Service.csproj -c Release -r linux-x64 --self-contained false \
        --no-restore -p:UseAppHost=false -o /app \
 && rm -rf /app/runtimes/win-* /app/runtimes/osx-* \
 && rm -f /app/libonnxruntime_providers_tensorrt.so \
 && mkdir /app-cuda \
 && mv /app/libonnxruntime_providers_cuda.so /app-cuda/

# ---------------------------------------------------------------------------------------------------------------
# The two runtime images share everything but their base. Each base stage below only provides a .NET 10 / ASP.NET
# Core runtime (plus, for gpu, CUDA and the CUDA provider) and the provider setting; the `cpu` and `gpu` stages
# that follow their base are instruction-for-instruction the same (tests/Florence2.Deploy.Tests checks this), so
# building and running the cpu image (tests/containers/run.sh does, in CI) exercises the gpu image's common path.
# Order matters: the classic builder builds every stage before the target, so the CUDA stages come last and
# `--target cpu` never needs the CUDA base image.
# ---------------------------------------------------------------------------------------------------------------

# cpu-base: the official ASP.NET Core 10 runtime image; also the source of the runtime copied into gpu-base.
FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble AS cpu-base
ENV Florence2__Inference__Provider=cpu

# ---------------------------------------------------------------------------------------------------------------
# cpu: runs on any x86-64 host.
# ---------------------------------------------------------------------------------------------------------------
FROM cpu-base AS cpu
# A fixed numeric UID/GID (not the image's `app` user, 1654) so the cpu and gpu images, compose volumes and the
# Kubernetes securityContext (runAsUser/fsGroup 10001) all agree on who owns the model cache.
RUN groupadd --gid 10001 florence2 \
 && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /tmp --shell /usr/sbin/nologin florence2 \
 && mkdir -p /var/cache/florence2 \
 && chown 10001:10001 /var/cache/florence2
WORKDIR /app
COPY --from=build --chown=0:0 /app ./
# ASPNETCORE_HTTP_PORTS is cleared so only ASPNETCORE_URLS binds (no "overriding HTTP_PORTS" warning at start).
# HOME/TMPDIR/ASPNETCORE_TEMP point at /tmp: with a read-only root filesystem that is the only writable scratch
# space (tmpfs in compose, emptyDir in Kubernetes); DataProtection and multipart buffering write there.
# DOTNET_EnableDiagnostics=0: the runtime would otherwise create its diagnostics IPC socket in $TMPDIR; metrics come
# from /metrics and OTLP instead. Set it to 1 (with a writable /tmp) to attach dotnet-counters/dotnet-trace.
ENV ASPNETCORE_URLS=http://+:8080 \
    ASPNETCORE_HTTP_PORTS= \
    ASPNETCORE_TEMP=/tmp \
    TMPDIR=/tmp \
    HOME=/tmp \
    DOTNET_EnableDiagnostics=0 \
    Florence2__Model__CacheDir=/var/cache/florence2
# The model download is written here; a volume keeps it across restarts and shares it between replicas.
VOLUME /var/cache/florence2
EXPOSE 8080
USER 10001:10001
# No curl/wget in the base image, and adding one only for this is more attack surface: bash's /dev/tcp speaks
# just enough HTTP/1.1. Liveness only (process up and answering); readiness is for load balancers and Kubernetes.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /health/live HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && read -r -t 5 status <&3 && [[ $status == *' 200 '* ]]"]
ENTRYPOINT ["dotnet", "Florence2.Service.dll"]

# ---------------------------------------------------------------------------------------------------------------
# gpu-base: NVIDIA CUDA 13.0.1 runtime + cuDNN 9 on Ubuntu 24.04.
# The "runtime" flavour ships the CUDA 13 user-space libraries ORT's CUDA provider links against (libcudart.so.13,
# libcublas.so.13, libcublasLt.so.13, libcurand.so.10, NVRTC); "cudnn" adds libcudnn9-cuda-13 (9.13). The driver
# (libcuda.so.1) comes from the host via the NVIDIA container toolkit (the CUDA provider's requirements table:
# https://onnxruntime.ai/docs/execution-providers/CUDA-ExecutionProvider.html#requirements). x86-64 only:
# the ORT GPU package has no arm64 natives.
# ---------------------------------------------------------------------------------------------------------------
FROM nvidia/cuda:13.0.1-cudnn-runtime-ubuntu24.04 AS gpu-base
# The ASP.NET Core runtime is copied from the official aspnet image rather than installed from the Microsoft apt
# feed: no extra package source or signing key, no network beyond the image pulls, and bit-for-bit the runtime
# of the cpu image. Both bases are Ubuntu 24.04, so glibc/libstdc++ match. Globalization is invariant
# (Directory.Build.props), so ICU is not needed; libssl (HTTPS model download) and ca-certificates/tzdata come
# from the Ubuntu archive because the CUDA base image purges curl and with it OpenSSL.
COPY --from=cpu-base /usr/share/dotnet /usr/share/dotnet
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates libssl3t64 tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
# The CUDA provider library the shared /app lacks (see the build stage).
COPY --from=build --chown=0:0 /app-cuda/ /app/
# DOTNET_ROOT because the runtime is not in a package-managed path. Provider cuda, not auto: a GPU deployment that
# silently fell back to the CPU would look healthy and be 10-50x slower; with cuda a missing driver/GPU fails the
# start loudly. Override with auto if a fallback is wanted.
ENV DOTNET_ROOT=/usr/share/dotnet \
    NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility \
    Florence2__Inference__Provider=cuda

# ---------------------------------------------------------------------------------------------------------------
# gpu (default): the cpu stage's instructions, on gpu-base.
# ---------------------------------------------------------------------------------------------------------------
FROM gpu-base AS gpu
# (Comments: see the cpu stage.)
RUN groupadd --gid 10001 florence2 \
 && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /tmp --shell /usr/sbin/nologin florence2 \
 && mkdir -p /var/cache/florence2 \
 && chown 10001:10001 /var/cache/florence2
WORKDIR /app
COPY --from=build --chown=0:0 /app ./
ENV ASPNETCORE_URLS=http://+:8080 \
    ASPNETCORE_HTTP_PORTS= \
    ASPNETCORE_TEMP=/tmp \
    TMPDIR=/tmp \
    HOME=/tmp \
    DOTNET_EnableDiagnostics=0 \
    Florence2__Model__CacheDir=/var/cache/florence2
VOLUME /var/cache/florence2
EXPOSE 8080
USER 10001:10001
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /health/live HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && read -r -t 5 status <&3 && [[ $status == *' 200 '* ]]"]
ENTRYPOINT ["dotnet", "Florence2.Service.dll"]
