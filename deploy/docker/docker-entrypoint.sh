#!/bin/sh
# Entrypoint of the mcp-server image (Dockerfile). What it runs, by its arguments:
#   (none) | -opt ... | serve ...   mcp-server serve ..., after worker sizing and a summary
#   mcp-server [serve] [-opt ...]   the same (the image's CMD is `mcp-server serve`)
#   mcp-server --help | other ...   mcp-server ... as is
#   healthcheck|workers|dev|help    mcp-server healthcheck|workers|dev|help ...
#   anything else (sh, ...)         as is
# mcp-server reads and validates every setting itself (a bad value exits 2 naming the key), so
# this script only sizes the workers once, through the binary (one source of truth for the
# cgroup CPU quota rule), prints a summary, and execs: the server becomes PID 1 and gets
# docker stop's SIGTERM itself (it drains, reaps every child and exits 0; no tini needed).
# The summary goes to stderr: stdout is the server's (JSON log lines, or the protocol on stdio).
# Tests: Tests/Deploy/entrypoint_check.py. CGROUP_ROOT (tests only) replaces /sys/fs/cgroup.
set -eu

say() { printf '%s\n' "$*" >&2; }

prefixed=false
if [ "${1-}" = mcp-server ]; then
    prefixed=true
    shift
fi
case ${1-} in
    '') [ "$#" -eq 0 ] || shift ;;
    -*) ;;
    serve)
        shift
        prefixed=false
        ;;
    healthcheck | workers | dev | help) exec mcp-server "$@" ;;
    *) if $prefixed; then exec mcp-server "$@"; else exec "$@"; fi ;;
esac
# "$@" now holds the options of serve. A help or version request needs no summary
# (`mcp-server --help` stays the top-level help).
for arg; do
    case $arg in
        -h | --help | --version) if $prefixed; then exec mcp-server "$@"; else exec mcp-server serve "$@"; fi ;;
    esac
done

# The serve options that name a setting (the same flags `mcp-server workers` accepts), into
# flag_KEY variables.
parse_flags() {
    expect=''
    for arg; do
        if [ -n "$expect" ]; then
            eval "flag_$expect=\$arg"
            expect=''
            continue
        fi
        name=${arg%%=*}
        case $name in
            --transport) key=TRANSPORT ;;
            --host) key=HOST ;;
            --port) key=PORT ;;
            --env | --environment) key=ENVIRONMENT ;;
            --log-level) key=LOG_LEVEL ;;
            --log-format) key=LOG_FORMAT ;;
            --workspace) key=WORKSPACE_DIR ;;
            --workers) key=WORKERS ;;
            --env-file) key=ENV_FILE ;;
            *) continue ;;
        esac
        if [ "$name" = "$arg" ]; then expect=$key; else eval "flag_$key=\${arg#*=}"; fi
    done
}
parse_flags "$@"
env_file=.env
eval "env_file=\${flag_ENV_FILE:-\$env_file}"

# The binary's precedence: flag, then environment, then the env file (KEY=VALUE lines, an
# optional "export ", the value inside quotes or up to an inline " # comment", the last line
# wins, like the binary reads it). Empty means unset.
setting() { # KEY [DEFAULT]
    eval "value=\${flag_$1-}"
    [ -n "$value" ] || eval "value=\${$1-}"
    if [ -z "$value" ] && [ -r "$env_file" ]; then
        value=$(sed -n "s/^[[:space:]]*\(export[[:space:]][[:space:]]*\)\{0,1\}$1[[:space:]]*=[[:space:]]*//p" "$env_file" |
            tail -n 1 | sed 's/[[:space:]]*$//')
        case $value in
            \"*\"*) value=${value#\"} value=${value%%\"*} ;;
            \'*\'*) value=${value#\'} value=${value%%\'*} ;;
            *) value=$(printf '%s' "$value" | sed 's/[[:space:]][[:space:]]*#.*$//') ;;
        esac
    fi
    printf '%s' "${value:-${2-}}"
}
lower() { printf '%s' "$1" | tr '[:upper:]' '[:lower:]'; }
set_or_unset() { if [ -n "$(setting "$1")" ]; then echo set; else echo unset; fi; }

environment=$(lower "$(setting ENVIRONMENT)")
environment=${environment:-development}
transport=$(lower "$(setting TRANSPORT)")
transport=${transport:-streamable-http}
workers_given=$(setting WORKERS)

# Defaults as in Sources/MCPRuntime/Configuration/LoggingSettings.swift and ProcessSettings.swift (display only).
if [ "$environment" = production ]; then
    default_format=json default_level=info default_max=500000 default_jitter=50000
else
    default_format=text default_level=info default_max=0 default_jitter=0
    [ "$environment" = development ] && default_level=debug
fi

# Mode: the binary runs a supervisor with workers in production, or when WORKERS is given, on
# an HTTP transport; otherwise one process (development: text logs, debug level by default).
if [ "$transport" = stdio ]; then
    mode="single process (stdio)" workers='-' workers_from='stdio'
elif [ "$environment" = production ] || [ -n "$workers_given" ]; then
    mode=supervisor
    if [ -n "${CGROUP_ROOT-}" ]; then
        [ -d "$CGROUP_ROOT" ] || { say "docker-entrypoint: CGROUP_ROOT=$CGROUP_ROOT is not a directory"; exit 2; }
        explain=$(mcp-server workers --explain --cgroup-root "$CGROUP_ROOT" "$@")
    else
        explain=$(mcp-server workers --explain "$@")
    fi
    # "1 worker: ceil(2.0 CPUs x 0.5) + 0, within 1..8 (CPUs from cgroup-v2)"
    workers=${explain%% *}
    workers_from=${explain#*: }
    case $workers in '' | *[!0-9]*) say "docker-entrypoint: unexpected answer from mcp-server workers: $explain"; exit 1 ;; esac
    if [ -z "$workers_given" ]; then
        # Sized once here, so the summary and the supervisor agree on the number.
        WORKERS=$workers
        export WORKERS
    fi
else
    mode="single process" workers='-' workers_from="ENVIRONMENT=$environment"
fi

host=$(setting HOST 127.0.0.1)
port=$(setting PORT 8000)
format=$(lower "$(setting LOG_FORMAT "$default_format")")

summary_field() { # NAME VALUE: one field, as JSON or as logfmt (quoted when it has spaces)
    escaped=$(printf '%s' "$2" | tr -d '\000-\037' | sed 's/[\\"]/\\&/g')
    if [ "$format" = json ]; then
        printf ',"%s":"%s"' "$1" "$escaped"
    else
        case $2 in
            '' | *[[:space:]=\"\\]*) printf ' %s="%s"' "$1" "$escaped" ;;
            *) printf ' %s=%s' "$1" "$2" ;;
        esac
    fi
}
fields=$(
    summary_field environment "$environment"
    summary_field mode "$mode"
    summary_field transport "$transport"
    summary_field address "$host:$port"
    summary_field workers "$workers"
    summary_field workers.source "$workers_from"
    summary_field max_requests "$(setting MAX_REQUESTS "$default_max")"
    summary_field max_requests_jitter "$(setting MAX_REQUESTS_JITTER "$default_jitter")"
    summary_field keepalive_timeout "$(setting KEEPALIVE_TIMEOUT 5)"
    summary_field graceful_timeout "$(setting GRACEFUL_TIMEOUT 30)"
    summary_field log_level "$(lower "$(setting LOG_LEVEL "$default_level")")"
    summary_field log_format "$format"
    summary_field workspace "$(setting WORKSPACE_DIR "(default: the data folder)")"
    summary_field tls "$(set_or_unset TLS_CERT_FILE)"
    summary_field api_key "$(set_or_unset API_KEY)"
    summary_field secret_key "$(set_or_unset SECRET_KEY)"
)
if [ "$format" = json ]; then
    say "{\"timestamp\":\"$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)\",\"level\":\"info\",\"message\":\"container configuration\",\"logger\":\"docker-entrypoint\"$fields}"
else
    say "docker-entrypoint: container configuration:$fields"
fi

exec mcp-server serve "$@"
