# syntax=docker/dockerfile:1
# The mcp-server image: a static Swift binary on Debian slim, run as the non-root user mcp.
#   docker build -t awesome-mcp-server .
#   docker run --rm -p 8000:8000 awesome-mcp-server
# Checked without a Docker engine by Tests/Deploy/runtime_image_check.sh, which reads this file
# (packages, user, ENV, COPY, build flags) rather than repeating it.

# ---- builder: the official toolchain image on the same Debian release as the runtime, so the
# glibc and libstdc++ the binary is linked against are the ones it runs with.
FROM swift:6.3-bookworm AS builder
WORKDIR /build

# The task store links the system's SQLite (CSQLite): headers to build, libsqlite3-0 to run.
# hadolint ignore=DL3008
RUN apt-get update && apt-get install -y --no-install-recommends libsqlite3-dev && rm -rf /var/lib/apt/lists/*

# Dependencies in a layer of their own: fetched again only when the manifest or the pins change.
# Package.resolved is not committed; the glob lets COPY succeed without it.
COPY Package.swift Package.resolved* ./
RUN swift package resolve

# SwiftPM builds the macro plug-in, and swift-syntax with it, for the build machine and in the
# build's configuration; with -O, SwiftSyntax alone is a 15-minute compile on 2 cores. This
# swiftc wrapper compiles only those host tools without optimisation: the binary is the same.
COPY deploy/docker/swiftc-unoptimised-host-tools /usr/local/bin/
ENV SWIFT_EXEC=/usr/local/bin/swiftc-unoptimised-host-tools

# SwiftPM checks that every target's folder exists, test targets included, so Tests/ comes too.
COPY Sources ./Sources
COPY Tests ./Tests
# --static-swift-stdlib: the Swift runtime, Foundation and ICU are linked in; the runtime image
#   needs only glibc, libstdc++, libgcc_s and libsqlite3 (the task store).
# -Xlinker --strip-debug: drops the DWARF (about two thirds of the file); the symbol table
#   stays, so crash backtraces still name functions.
# --traits OAuth,PostgreSQL,TLS: the image serves every setting in env.example (OAUTH_ISSUER,
#   TASK_STORE=postgres://…, TLS_CERT_FILE); `swift run` leaves the three out for a faster first build.
# -function-sections, lld, --symbol-ordering-file: every function in a section of its own, and
#   the ones the server runs (code-order.txt, from bench/code_order.py) laid out together, so
#   each process keeps a few megabytes of code resident instead of pages all over the binary.
# -z pack-relative-relocs: the executable's relocations in 49 KB (RELR) instead of 3.5 MB that
#   the dynamic loader reads through at every process start (glibc 2.36, bookworm).
COPY deploy/docker/code-order.txt ./deploy/docker/
RUN swift build -c release --static-swift-stdlib --product mcp-server -Xlinker --strip-debug --traits OAuth,PostgreSQL,TLS \
    -Xswiftc -Xfrontend -Xswiftc -function-sections \
    -Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs \
    -Xlinker --symbol-ordering-file=deploy/docker/code-order.txt -Xlinker --no-warn-symbol-ordering \
    && install -D -m 0755 .build/release/mcp-server /out/mcp-server

# ---- runtime
FROM debian:bookworm-slim AS runtime

# The libraries ldd lists for the static binary, named so a slimmer base cannot drop them
# unnoticed (libstdc++6 and libgcc-s1 are in bookworm-slim already; libsqlite3-0, the task
# store's SQLite, adds about 1.5 MB; zlib1g, async-http-client's decompression, is in the base
# already). ca-certificates: the trust roots for the server's only
# outgoing TLS connections (the OAuth issuer's metadata and keys, PostgreSQL with sslmode).
# No tini: the server reaps children as PID 1.
# Fixed uid/gid 10001 so Kubernetes runAsUser/fsGroup and volume ownership can name them.
# hadolint ignore=DL3008
RUN set -eux; \
    apt-get update; \
    apt-get install -y --no-install-recommends libstdc++6 libgcc-s1 libsqlite3-0 zlib1g ca-certificates; \
    rm -rf /var/lib/apt/lists/*; \
    groupadd --system --gid 10001 mcp; \
    useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home --shell /usr/sbin/nologin mcp; \
    install -d -m 0755 /app; \
    install -d -o mcp -g mcp -m 0750 /app/workspace /app/logs

# Production defaults; every one can be overridden with -e or an env file (see env.example).
# LOG_FORMAT and LOG_LEVEL are left to follow ENVIRONMENT (json/info in production, text/debug
# with -e ENVIRONMENT=development); fixing them here would keep JSON logs in development.
# GRACEFUL_TIMEOUT 8 s: docker stop sends SIGKILL after 10 s; raise both together
# (docker run --stop-timeout, Kubernetes terminationGracePeriodSeconds).
ENV ENVIRONMENT=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    WORKSPACE_DIR=/app/workspace \
    GRACEFUL_TIMEOUT=8

COPY --chmod=0755 deploy/docker/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
COPY --from=builder /out/mcp-server /usr/local/bin/mcp-server

WORKDIR /app
# Numeric, so Kubernetes runAsNonRoot can verify it without reading /etc/passwd.
USER 10001:10001
EXPOSE 8000
STOPSIGNAL SIGTERM
# The binary probes its own /health: no curl in the image.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 CMD ["mcp-server", "healthcheck"]
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["mcp-server", "serve"]

# Last, because VERSION/REVISION/CREATED change on every build: docker build
#   --build-arg VERSION=1.0.0 --build-arg REVISION=$(git rev-parse HEAD) --build-arg CREATED=$(date -u +%FT%TZ)
ARG VERSION=1.0.0
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="mcp-server" \
      org.opencontainers.image.description="Awesome MCP Scaffold for Swift: the example MCP server (Streamable HTTP and stdio)" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.base.name="docker.io/library/debian:bookworm-slim"
