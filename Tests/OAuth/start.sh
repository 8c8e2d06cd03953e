#!/usr/bin/env bash
# start.sh PORT — run Glewlwyd as an OAuth 2.1 / OIDC authorization server on 127.0.0.1:PORT
# in the background, provision it on first start, and wait until its discovery document answers.
#
# Environment (all optional):
#   OAUTH_AS_STATE       state folder (default: <this folder>/state/PORT): SQLite db, keys,
#                        config, log, pid, and env (the facts a test needs, as shell variables)
#   OAUTH_AS_RESOURCES   space-separated resource URIs (RFC 8707) tokens may be minted for
#                        (default: http://127.0.0.1:8000/mcp http://localhost:8000/mcp
#                                  http://127.0.0.1:8001/other)
#   OAUTH_AS_TOKEN_TTL   access token lifetime in seconds (default 3600)
#   OAUTH_AS_LOG_LEVEL   NONE, ERROR, WARNING, INFO, DEBUG (default INFO)
#   OAUTH_AS_TIMEOUT     seconds to wait for the server (default 20)
# Resources and TTL are applied on first provisioning of a state folder; delete it to change them.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PORT="${1:-}"
if ! [[ "$PORT" =~ ^[0-9]+$ ]] || [ "$PORT" -lt 1 ] || [ "$PORT" -gt 65535 ]; then
  echo "usage: $0 PORT" >&2
  exit 2
fi
STATE="${OAUTH_AS_STATE:-$HERE/state/$PORT}"
RESOURCES="${OAUTH_AS_RESOURCES:-http://127.0.0.1:8000/mcp http://localhost:8000/mcp http://127.0.0.1:8001/other}"
TTL="${OAUTH_AS_TOKEN_TTL:-3600}"
LOG_LEVEL="${OAUTH_AS_LOG_LEVEL:-INFO}"
TIMEOUT="${OAUTH_AS_TIMEOUT:-20}"

BASE="http://127.0.0.1:$PORT"
API="$BASE/api"
ISSUER="$API/oidc"
DISCOVERY="$ISSUER/.well-known/openid-configuration"

# Fixed test identities (loopback only; never reuse outside tests).
USER_NAME="mcpuser"
USER_PASSWORD="mcp-user-password"
CLIENT_ID="mcp-test-client"
CLIENT_SECRET="mcp-test-secret"
CLIENT_REDIRECT="http://127.0.0.1:33418/callback"

for c in glewlwyd rnbyc jq curl sqlite3; do
  command -v "$c" >/dev/null 2>&1 || { echo "start: $c missing; run setup.sh first" >&2; exit 1; }
done

mkdir -p "$STATE"
chmod 700 "$STATE"
PIDFILE="$STATE/glewlwyd.pid"
LOG="$STATE/glewlwyd.log"

if [ -s "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
  if curl -fsS -o /dev/null --max-time 2 "$DISCOVERY"; then
    echo "start: already running (pid $(cat "$PIDFILE")), issuer $ISSUER"
    exit 0
  fi
  echo "start: pid $(cat "$PIDFILE") is alive but $DISCOVERY does not answer" >&2
  exit 1
fi
if curl -s -o /dev/null --max-time 2 "$BASE/"; then
  echo "start: something else already listens on 127.0.0.1:$PORT" >&2
  exit 1
fi

# --- first start: database, signing key, configuration ------------------------------------
if [ ! -s "$STATE/glewlwyd.db" ]; then
  schema=/usr/share/dbconfig-common/data/glewlwyd/install/sqlite3
  if [ -r "$schema" ]; then
    sqlite3 "$STATE/glewlwyd.db" < "$schema"
  elif [ -r /usr/share/doc/glewlwyd/database/init.sqlite3.sql.gz ]; then
    zcat /usr/share/doc/glewlwyd/database/init.sqlite3.sql.gz | sqlite3 "$STATE/glewlwyd.db"
  else
    echo "start: glewlwyd's SQLite schema not found" >&2
    exit 1
  fi
  rm -f "$STATE/provisioned"
fi
if [ ! -s "$STATE/keys.jwks" ]; then
  kid="k$(date -u +%Y%m%dT%H%M%S)"
  rnbyc -j -g RSA2048 -k "$kid" -a RS256 -o "$STATE/keys.jwks" -p /dev/null -n 0 >/dev/null
  chmod 600 "$STATE/keys.jwks"
fi
sed -e "s#@PORT@#$PORT#g; s#@STATE@#$STATE#g; s#@LOG_LEVEL@#$LOG_LEVEL#g" \
  "$HERE/glewlwyd.conf.in" > "$STATE/glewlwyd.conf"

# --- launch ------------------------------------------------------------------------------------
: > "$STATE/stdout.log"
nohup glewlwyd --config-file="$STATE/glewlwyd.conf" >>"$STATE/stdout.log" 2>&1 < /dev/null &
echo $! > "$PIDFILE"

wait_for() { # URL — until it answers 200, the process dies, or time runs out
  local url="$1" deadline=$((SECONDS + TIMEOUT))
  while [ $SECONDS -lt $deadline ]; do
    if ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
      echo "start: glewlwyd exited; see $STATE/stdout.log and $LOG" >&2
      tail -n 20 "$STATE/stdout.log" "$LOG" >&2 2>/dev/null || true
      return 1
    fi
    if curl -fs -o /dev/null --max-time 2 "$url"; then return 0; fi
    sleep 0.2
  done
  echo "start: $url did not answer within ${TIMEOUT}s" >&2
  return 1
}
fail() { echo "start: $*" >&2; kill "$(cat "$PIDFILE")" 2>/dev/null || true; rm -f "$PIDFILE"; exit 1; }

wait_for "$BASE/config" || fail "core API never came up"

# --- first start: provision through glewlwyd's admin API ---------------------------------------
if [ ! -e "$STATE/provisioned" ]; then
  jar="$STATE/admin.cookies"
  rm -f "$jar"
  call() { # METHOD PATH [JSON] — admin API call, fails on non-2xx
    local out code
    out=$(curl -sS -b "$jar" -c "$jar" -X "$1" -H 'Content-Type: application/json' \
          ${3:+--data-binary "$3"} -w '\n%{http_code}' "$API$2") || return 1
    code="${out##*$'\n'}"
    if [ "${code:0:1}" != 2 ]; then echo "start: $1 $2 -> $code ${out%$'\n'*}" >&2; return 1; fi
    printf '%s' "${out%$'\n'*}"
  }
  # The schema ships a default administrator admin/password.
  call POST /auth/ '{"username":"admin","password":"password"}' >/dev/null || fail "admin login failed"

  for s in mcp:read mcp:write mcp:introspect; do
    call POST /scope/ "$(jq -nc --arg n "$s" '{name:$n, display_name:$n, description:("MCP test scope " + $n),
      password_required:true, password_max_age:0, scheme:{}}')" >/dev/null || fail "scope $s"
  done

  # RESOURCES is a space-separated list: split on purpose.
  # shellcheck disable=SC2086
  resources_json=$(printf '%s\n' $RESOURCES | jq -R . | jq -sc .)
  jq --arg iss "$ISSUER" --arg jwks "$(cat "$STATE/keys.jwks")" --argjson res "$resources_json" \
     --argjson ttl "$TTL" \
     '.parameters.iss = $iss
      | .parameters["jwks-private"] = $jwks
      | .parameters["access-token-duration"] = $ttl
      | .parameters["resource-scope"] = {"mcp:read": $res, "mcp:write": $res}' \
     "$HERE/oidc-plugin.json" > "$STATE/oidc-plugin.json"
  chmod 600 "$STATE/oidc-plugin.json"
  call POST /mod/plugin/ "$(cat "$STATE/oidc-plugin.json")" >/dev/null || fail "oidc plugin"

  call POST /user/ "$(jq -nc --arg u "$USER_NAME" --arg p "$USER_PASSWORD" '{username:$u,
    name:"MCP test user", password:$p, enabled:true,
    scope:["g_profile","openid","mcp:read","mcp:write"]}')" >/dev/null || fail "user"

  call POST /client/ "$(jq -nc --arg c "$CLIENT_ID" --arg s "$CLIENT_SECRET" --arg r "$CLIENT_REDIRECT" '{
    client_id:$c, name:"MCP test client (static)", confidential:true, enabled:true,
    password:$s, redirect_uri:[$r],
    authorization_type:["code","client_credentials","refresh_token"],
    token_endpoint_auth_method:["client_secret_basic","client_secret_post"],
    scope:["mcp:read","mcp:write","mcp:introspect"]}')" >/dev/null || fail "client"

  # An API key lets later admin calls (key rotation) skip the cookie login.
  api_key=$(call POST /key/ | jq -r '.key') || fail "api key"
  if [ -z "$api_key" ] || [ "$api_key" = null ]; then fail "api key missing from response"; fi
  printf '%s\n' "$api_key" > "$STATE/admin-api-key"
  chmod 600 "$STATE/admin-api-key"
  rm -f "$jar"

  # Restart-safe: what a test needs, as shell assignments.
  {
    echo "# written by start.sh on first start; source it"
    printf 'OAUTH_AS_PORT=%q\n' "$PORT"
    printf 'OAUTH_AS_ISSUER=%q\n' "$ISSUER"
    printf 'OAUTH_AS_DISCOVERY=%q\n' "$DISCOVERY"
    printf 'OAUTH_AS_JWKS=%q\n' "$ISSUER/jwks"
    printf 'OAUTH_AS_TOKEN=%q\n' "$ISSUER/token"
    printf 'OAUTH_AS_AUTHORIZE=%q\n' "$ISSUER/auth"
    printf 'OAUTH_AS_REGISTER=%q\n' "$ISSUER/register"
    printf 'OAUTH_AS_INTROSPECT=%q\n' "$ISSUER/introspect"
    printf 'OAUTH_AS_REVOKE=%q\n' "$ISSUER/revoke"
    printf 'OAUTH_AS_LOGIN=%q\n' "$API/auth/"
    printf 'OAUTH_AS_GRANT_PREFIX=%q\n' "$API/auth/grant/"
    printf 'OAUTH_AS_USER=%q\n' "$USER_NAME"
    printf 'OAUTH_AS_USER_PASSWORD=%q\n' "$USER_PASSWORD"
    printf 'OAUTH_AS_CLIENT_ID=%q\n' "$CLIENT_ID"
    printf 'OAUTH_AS_CLIENT_SECRET=%q\n' "$CLIENT_SECRET"
    printf 'OAUTH_AS_CLIENT_REDIRECT=%q\n' "$CLIENT_REDIRECT"
    printf 'OAUTH_AS_RESOURCES=%q\n' "$RESOURCES"
    printf 'OAUTH_AS_TOKEN_TTL=%q\n' "$TTL"
  } > "$STATE/env"
  touch "$STATE/provisioned"
fi

wait_for "$DISCOVERY" || fail "discovery document never answered"
echo "start: glewlwyd pid $(cat "$PIDFILE") on 127.0.0.1:$PORT, issuer $ISSUER"
echo "start: discovery $DISCOVERY ; facts in $STATE/env ; log $LOG"
