# syntax=docker/dockerfile:1
#
# Kubeclaw gateway image: build with the Swift 6 toolchain, run on slim Debian.
#   docker build --build-arg SERVICE_VERSION=0.1.0 -t ghcr.io/openclaw/openclaw:0.1.0 .
# SERVICE_VERSION is what `kubeclaw --version` and the hello-ok frame report.

FROM swift:6.1-bookworm AS build
ARG SERVICE_VERSION=0.1.0-dev
SHELL ["/bin/bash", "-o", "pipefail", "-c"]

# GRDB links the system SQLite.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libsqlite3-dev \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src
# Only what SwiftPM needs (see .dockerignore): Package.swift declares the test and
# benchmark targets too, so their folders must exist for the package to load, although
# only `kubeclaw` is built. scripts/check-docker-context.sh assembles this tree from these
# lines and .dockerignore and loads the package there, in CI.
COPY Package.swift ./
COPY Spec ./Spec
COPY Plugins ./Plugins
COPY Sources ./Sources
COPY Tests ./Tests
COPY Benchmarks ./Benchmarks

# Bake the version in, and fail the build if the line to rewrite has moved.
RUN [[ "$SERVICE_VERSION" =~ ^[0-9A-Za-z][0-9A-Za-z.+_-]*$ ]] \
        || { echo "SERVICE_VERSION '$SERVICE_VERSION' is not a version string" >&2; exit 1; } \
    && sed -i -E "s/^([[:space:]]*static let version = \")[^\"]*(\")/\1${SERVICE_VERSION}\2/" \
        Sources/kubeclaw/BuildInfo.swift \
    && grep -qF "static let version = \"${SERVICE_VERSION}\"" Sources/kubeclaw/BuildInfo.swift

# Swift's runtime and Foundation linked in statically; the binary needs only glibc,
# libstdc++ and libsqlite3 from the runtime image.
RUN --mount=type=cache,target=/src/.build \
    swift build -c release --product kubeclaw -Xswiftc -static-stdlib \
    && install -D -m 0755 "$(swift build -c release --show-bin-path)/kubeclaw" /out/kubeclaw

FROM debian:bookworm-slim AS runtime
ARG SERVICE_VERSION=0.1.0-dev
SHELL ["/bin/bash", "-o", "pipefail", "-c"]

RUN apt-get update \
    && apt-get install -y --no-install-recommends libsqlite3-0 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 kubeclaw \
    && useradd --system --uid 10001 --gid 10001 --no-create-home \
        --home-dir /var/lib/kubeclaw --shell /usr/sbin/nologin kubeclaw \
    && install -d -o 10001 -g 10001 -m 0750 /var/lib/kubeclaw

COPY --from=build /out/kubeclaw /usr/local/bin/kubeclaw

# The image fails to build when a shared library is missing or the version is wrong.
RUN /usr/local/bin/kubeclaw --version | grep -qF "$SERVICE_VERSION"

LABEL org.opencontainers.image.title="kubeclaw" \
      org.opencontainers.image.description="OpenClaw-compatible WebSocket gateway in front of Ollama" \
      org.opencontainers.image.version="${SERVICE_VERSION}"

USER 10001:10001
WORKDIR /var/lib/kubeclaw
ENV KUBECLAW_DATA_DIR=/var/lib/kubeclaw

# 18789: WebSocket + Control UI; 18790: /healthz /readyz /startupz /metrics.
EXPOSE 18789 18790
ENTRYPOINT ["/usr/local/bin/kubeclaw"]
CMD ["serve"]
