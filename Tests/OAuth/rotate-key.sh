#!/usr/bin/env bash
# rotate-key.sh PORT [--retire]
#   default:  make a new RS256 key, sign with it from now on, keep publishing the old key(s)
#             in the JWKS so tokens already issued still verify.
#   --retire: drop every key but the newest (old tokens stop verifying against the JWKS).
# No restart: the OIDC plugin is updated and reset through glewlwyd's admin API; the change
# is stored in the database, so it survives a restart too.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PORT="${1:?usage: $0 PORT [--retire]}"
MODE="${2:-rotate}"
STATE="${OAUTH_AS_STATE:-$HERE/state/$PORT}"
API="http://127.0.0.1:$PORT/api"
KEY="$(cat "$STATE/admin-api-key")"

if [ "$MODE" = "--retire" ]; then
  jq -c '{keys: [.keys[0]]}' "$STATE/keys.jwks" > "$STATE/keys.jwks.new"
else
  kid="k$(date -u +%Y%m%dT%H%M%S)-$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')"
  rnbyc -j -g RSA2048 -k "$kid" -a RS256 -o "$STATE/new.jwks" -p /dev/null -n 0 >/dev/null
  # newest first: glewlwyd signs with the first key when no default kid is set
  jq -c -s '{keys: (.[0].keys + .[1].keys)}' "$STATE/new.jwks" "$STATE/keys.jwks" > "$STATE/keys.jwks.new"
  rm -f "$STATE/new.jwks"
fi
chmod 600 "$STATE/keys.jwks.new"

jq --arg jwks "$(cat "$STATE/keys.jwks.new")" '.parameters["jwks-private"] = $jwks' \
  "$STATE/oidc-plugin.json" > "$STATE/oidc-plugin.json.new"
chmod 600 "$STATE/oidc-plugin.json.new"

admin() { # METHOD PATH [FILE]
  local code
  code=$(curl -sS -o "$STATE/admin-last.out" -w '%{http_code}' -X "$1" \
         -H "Authorization: token $KEY" -H 'Content-Type: application/json' \
         ${3:+--data-binary "@$3"} "$API$2")
  [ "${code:0:1}" = 2 ] || { echo "rotate: $1 $2 -> $code $(cat "$STATE/admin-last.out")" >&2; return 1; }
}
admin PUT /mod/plugin/oidc "$STATE/oidc-plugin.json.new"
admin PUT /mod/plugin/oidc/reset
mv "$STATE/keys.jwks.new" "$STATE/keys.jwks"
mv "$STATE/oidc-plugin.json.new" "$STATE/oidc-plugin.json"
echo "rotate: signing kid $(jq -r '.keys[0].kid' "$STATE/keys.jwks"); published: $(jq -r '[.keys[].kid] | join(", ")' "$STATE/keys.jwks")"
