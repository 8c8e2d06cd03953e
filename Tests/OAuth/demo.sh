#!/usr/bin/env bash
# demo.sh [PORT] — start a fresh Glewlwyd (own temporary state) on 127.0.0.1:PORT and walk
# through everything the MCP resource server will rely on; stops it again at the end.
# Exits non-zero if any check fails. Set KEEP=1 to leave the server running.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PORT="${1:-9411}"
RESOURCE="http://127.0.0.1:8000/mcp"
OTHER_RESOURCE="http://127.0.0.1:8001/other"
REDIRECT="http://127.0.0.1:33418/callback"
# shellcheck source=lib.sh disable=SC1091
. "$HERE/lib.sh"

export OAUTH_AS_STATE="${OAUTH_AS_STATE:-$(mktemp -d /tmp/oauth-as-demo.XXXXXX)}"
cleanup() {
  if [ "${KEEP:-0}" != 1 ]; then "$HERE/stop.sh" >/dev/null; rm -rf "$OAUTH_AS_STATE"; fi
}
trap cleanup EXIT

passed=0; failed=0
check() { # DESCRIPTION COMMAND... — run a check, count it
  local d="$1"; shift
  if "$@" >/dev/null 2>&1; then echo "  ok   - $d"; passed=$((passed+1))
  else echo "  FAIL - $d"; failed=$((failed+1)); fi
}
section() { echo; echo "== $*"; }
show_token() { # TOKEN
  echo "  header: $(jwt_header "$1" | jq -c .)"
  echo "  claims:"; jwt_claims "$1" | jq . | sed 's/^/    /'
}
claim() { jwt_claims "$1" | jq -r "$2"; }
verifies_with_jwks() { rnbyc -t "$1" -P "$(curl -fsS "$OAUTH_AS_JWKS")" >/dev/null 2>&1; }
is() { [ "$1" = "$2" ]; }
nonempty() { [ -n "$1" ] && [ "$1" != null ]; }

section "start (bash setup.sh; bash start.sh $PORT) — state in $OAUTH_AS_STATE"
"$HERE/setup.sh" || exit 1
"$HERE/start.sh" "$PORT" || exit 1
# shellcheck disable=SC1091
. "$OAUTH_AS_STATE/env"

section "1. discovery (OIDC; glewlwyd publishes no RFC 8414 document)"
META=$(curl -fsS "$OAUTH_AS_DISCOVERY")
echo "$META" | jq '{issuer, authorization_endpoint, token_endpoint, jwks_uri, registration_endpoint,
  introspection_endpoint, revocation_endpoint, code_challenge_methods_supported,
  token_endpoint_auth_methods_supported, grant_types_supported, response_types_supported,
  scopes_supported, access_token_signing_alg_values_supported}' | sed 's/^/  /'
check "issuer is $OAUTH_AS_ISSUER" is "$(echo "$META" | jq -r .issuer)" "$OAUTH_AS_ISSUER"
check "jwks_uri present" nonempty "$(echo "$META" | jq -r .jwks_uri)"
check "registration_endpoint present" nonempty "$(echo "$META" | jq -r .registration_endpoint)"
check "S256 PKCE advertised" is "$(echo "$META" | jq -r '.code_challenge_methods_supported|index("S256")|type')" number
check "RFC 8414 path-insertion URL is 404 (MCP client moves on)" \
  is "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/.well-known/oauth-authorization-server/api/oidc")" 404

section "2. JWKS"
JWKS=$(curl -fsS "$OAUTH_AS_JWKS")
echo "$JWKS" | jq -c '[.keys[] | {kid, kty, alg, use}]' | sed 's/^/  /'
check "JWKS has an RSA key" is "$(echo "$JWKS" | jq -r '.keys[0].kty')" RSA
check "JWKS holds no private part" is "$(echo "$JWKS" | jq -r '[.keys[] | has("d")] | any')" false

section "3. dynamic client registration (RFC 7591), as the MCP client sends it"
REG=$(curl -fsS -H 'Content-Type: application/json' -d "$(jq -nc --arg r "$REDIRECT" '{
  redirect_uris:[$r], token_endpoint_auth_method:"client_secret_post",
  grant_types:["authorization_code","refresh_token"], response_types:["code"],
  client_name:"demo dcr client", scope:"mcp:read mcp:write", application_type:"native"}')" "$OAUTH_AS_REGISTER")
echo "$REG" | jq -c '{client_id, client_secret: (.client_secret|if . then "<set>" else null end), token_endpoint_auth_method, registration_client_uri}' | sed 's/^/  /'
DCR_ID=$(echo "$REG" | jq -r .client_id); DCR_SECRET=$(echo "$REG" | jq -r .client_secret)
check "confidential client registered" nonempty "$DCR_ID"
PUB=$(curl -fsS -H 'Content-Type: application/json' -d "$(jq -nc --arg r "$REDIRECT" '{
  redirect_uris:[$r], token_endpoint_auth_method:"none", grant_types:["authorization_code"],
  response_types:["code"], client_name:"demo public client"}')" "$OAUTH_AS_REGISTER")
PUB_ID=$(echo "$PUB" | jq -r .client_id)
check "public (PKCE-only) client registered" nonempty "$PUB_ID"

section "4. authorization code + PKCE, consent automated, resource=$RESOURCE"
pkce_pair; STATE_PARAM=$(openssl rand -hex 8)
AUTH_URL="$OAUTH_AS_AUTHORIZE?$(jq -rn --arg c "$DCR_ID" --arg r "$REDIRECT" --arg ch "$PKCE_CHALLENGE" \
  --arg st "$STATE_PARAM" --arg res "$RESOURCE" \
  '{response_type:"code", client_id:$c, redirect_uri:$r, scope:"mcp:read mcp:write", state:$st,
    code_challenge:$ch, code_challenge_method:"S256", resource:$res} | to_entries
   | map("\(.key)=\(.value|@uri)") | join("&")')"
echo "  authorize: ${AUTH_URL:0:110}..."
CB=$(headless_consent "$AUTH_URL" "$DCR_ID" "mcp:read mcp:write")
echo "  redirected to: ${CB:0:110}..."
CODE=$(query_param "$CB" code)
check "redirect carries a code" nonempty "$CODE"
check "redirect carries our state" is "$(query_param "$CB" state)" "$STATE_PARAM"
check "redirect carries iss (RFC 9207) = issuer" is "$(query_param "$CB" iss)" "$OAUTH_AS_ISSUER"
BAD=$(curl -s -d grant_type=authorization_code -d "code=$CODE" -d "redirect_uri=$REDIRECT" \
  -d "client_id=$DCR_ID" -d "client_secret=$DCR_SECRET" -d "code_verifier=wrong-verifier-wrong-verifier-wrong-verifier-0" \
  -d "resource=$RESOURCE" "$OAUTH_AS_TOKEN")
check "wrong code_verifier is refused" nonempty "$(echo "$BAD" | jq -r '.error // empty')"
# a refused verifier may burn the code (auth-type-code-revoke-replayed); get a fresh one
pkce_pair; STATE_PARAM=$(openssl rand -hex 8)
AUTH_URL="$OAUTH_AS_AUTHORIZE?response_type=code&client_id=$DCR_ID&redirect_uri=$(jq -rn --arg r "$REDIRECT" '$r|@uri')&scope=mcp%3Aread%20mcp%3Awrite&state=$STATE_PARAM&code_challenge=$PKCE_CHALLENGE&code_challenge_method=S256&resource=$(jq -rn --arg r "$RESOURCE" '$r|@uri')"
CODE=$(query_param "$(headless_consent "$AUTH_URL" "$DCR_ID" "mcp:read mcp:write")" code)
TOK=$(curl -fsS -d grant_type=authorization_code -d "code=$CODE" -d "redirect_uri=$REDIRECT" \
  -d "client_id=$DCR_ID" -d "client_secret=$DCR_SECRET" -d "code_verifier=$PKCE_VERIFIER" \
  -d "resource=$RESOURCE" "$OAUTH_AS_TOKEN")
echo "  token response: $(echo "$TOK" | jq -c '{token_type, expires_in, scope, access_token: "<jwt>", refresh_token: (.refresh_token|if . then "<set>" else null end), id_token: (.id_token|if . then "<set>" else null end)}')"
AT=$(echo "$TOK" | jq -r .access_token); RT=$(echo "$TOK" | jq -r .refresh_token)
show_token "$AT"
check "typ is at+jwt (RFC 9068)" is "$(jwt_header "$AT" | jq -r .typ)" at+jwt
check "alg is RS256" is "$(jwt_header "$AT" | jq -r .alg)" RS256
check "aud == resource" is "$(claim "$AT" .aud)" "$RESOURCE"
check "iss == issuer" is "$(claim "$AT" .iss)" "$OAUTH_AS_ISSUER"
check "client_id == registered client" is "$(claim "$AT" .client_id)" "$DCR_ID"
check "scope == mcp:read mcp:write" is "$(claim "$AT" .scope)" "mcp:read mcp:write"
check "sub, iat, exp present" is "$(claim "$AT" '[.sub,.iat,.exp]|map(. != null)|all')" true
check "signature verifies against the JWKS" verifies_with_jwks "$AT"

section "4b. public client: PKCE only, no secret"
# glewlwyd 2.7.5 stores every dynamically registered client as confidential, so a client
# registered with token_endpoint_auth_method=none cannot redeem its code at /token ...
pkce_pair
AUTH_URL="$OAUTH_AS_AUTHORIZE?response_type=code&client_id=$PUB_ID&redirect_uri=$(jq -rn --arg r "$REDIRECT" '$r|@uri')&scope=mcp%3Aread&state=s1&code_challenge=$PKCE_CHALLENGE&code_challenge_method=S256&resource=$(jq -rn --arg r "$RESOURCE" '$r|@uri')"
CODE=$(query_param "$(headless_consent "$AUTH_URL" "$PUB_ID" "mcp:read")" code)
R=$(curl -s -d grant_type=authorization_code -d "code=$CODE" -d "redirect_uri=$REDIRECT" \
  -d "client_id=$PUB_ID" -d "code_verifier=$PKCE_VERIFIER" -d "resource=$RESOURCE" "$OAUTH_AS_TOKEN")
echo "  DCR client with auth method none, at /token: $R"
check "known limitation: DCR 'none' client is refused (unauthorized_client)" is "$(echo "$R" | jq -r .error)" unauthorized_client
# ... until the admin API marks it public (a test can do this for the clients it registers).
ADMIN_KEY=$(cat "$OAUTH_AS_STATE/admin-api-key")
curl -fsS -H "Authorization: token $ADMIN_KEY" "http://127.0.0.1:$PORT/api/client/$PUB_ID" \
  | jq -c '.confidential = false | del(.source)' \
  | curl -fsS -o /dev/null -X PUT -H "Authorization: token $ADMIN_KEY" -H 'Content-Type: application/json' \
      --data-binary @- "http://127.0.0.1:$PORT/api/client/$PUB_ID"
pkce_pair
AUTH_URL="$OAUTH_AS_AUTHORIZE?response_type=code&client_id=$PUB_ID&redirect_uri=$(jq -rn --arg r "$REDIRECT" '$r|@uri')&scope=mcp%3Aread&state=s2&code_challenge=$PKCE_CHALLENGE&code_challenge_method=S256&resource=$(jq -rn --arg r "$RESOURCE" '$r|@uri')"
CODE=$(query_param "$(headless_consent "$AUTH_URL" "$PUB_ID" "mcp:read")" code)
PAT=$(curl -fsS -d grant_type=authorization_code -d "code=$CODE" -d "redirect_uri=$REDIRECT" \
  -d "client_id=$PUB_ID" -d "code_verifier=$PKCE_VERIFIER" -d "resource=$RESOURCE" "$OAUTH_AS_TOKEN" | jq -r .access_token)
check "public client (made public by admin API) got a token with aud == resource" is "$(claim "$PAT" .aud)" "$RESOURCE"
BADP=$(curl -s -d grant_type=authorization_code -d "code=$CODE" -d "redirect_uri=$REDIRECT" \
  -d "client_id=$PUB_ID" -d "code_verifier=$PKCE_VERIFIER" -d "resource=$RESOURCE" "$OAUTH_AS_TOKEN")
check "a code cannot be redeemed twice" is "$(echo "$BADP" | jq -r '.error // empty' | head -c1 | wc -c)" 1

section "5. resource indicator checks"
R=$(curl -s -u "$OAUTH_AS_CLIENT_ID:$OAUTH_AS_CLIENT_SECRET" -d grant_type=client_credentials -d scope=mcp:read \
  -d resource=https://not-registered.example/mcp "$OAUTH_AS_TOKEN")
echo "  unknown resource -> $R"
check "unknown resource is refused with invalid_target" is "$(echo "$R" | jq -r .error)" invalid_target
OT=$(curl -fsS -u "$OAUTH_AS_CLIENT_ID:$OAUTH_AS_CLIENT_SECRET" -d grant_type=client_credentials -d scope=mcp:read \
  -d "resource=$OTHER_RESOURCE" "$OAUTH_AS_TOKEN" | jq -r .access_token)
check "a token for another resource has that aud ($OTHER_RESOURCE)" is "$(claim "$OT" .aud)" "$OTHER_RESOURCE"
NT=$(curl -fsS -u "$OAUTH_AS_CLIENT_ID:$OAUTH_AS_CLIENT_SECRET" -d grant_type=client_credentials -d scope=mcp:read "$OAUTH_AS_TOKEN" | jq -r .access_token)
echo "  no resource parameter -> aud = $(claim "$NT" .aud) (glewlwyd falls back to the scope list)"
check "no resource parameter -> aud is not the MCP resource" test "$(claim "$NT" .aud)" != "$RESOURCE"

section "6. client_credentials (static confidential client)"
CC=$(curl -fsS -u "$OAUTH_AS_CLIENT_ID:$OAUTH_AS_CLIENT_SECRET" -d grant_type=client_credentials \
  -d "scope=mcp:read mcp:write" -d "resource=$RESOURCE" "$OAUTH_AS_TOKEN" | jq -r .access_token)
show_token "$CC"
check "client_credentials token: aud == resource" is "$(claim "$CC" .aud)" "$RESOURCE"
check "client_credentials token: sub == client_id" is "$(claim "$CC" .sub)" "$OAUTH_AS_CLIENT_ID"

section "7. refresh token keeps the audience"
RAT=$(curl -fsS -d grant_type=refresh_token -d "refresh_token=$RT" -d "client_id=$DCR_ID" \
  -d "client_secret=$DCR_SECRET" -d "resource=$RESOURCE" "$OAUTH_AS_TOKEN" | jq -r .access_token)
check "refreshed token: aud == resource" is "$(claim "$RAT" .aud)" "$RESOURCE"

section "8. introspection (RFC 7662) and revocation (RFC 7009)"
# the resource server authenticates with a token holding scope mcp:introspect
RS_TOKEN=$(curl -fsS -u "$OAUTH_AS_CLIENT_ID:$OAUTH_AS_CLIENT_SECRET" -d grant_type=client_credentials \
  -d scope=mcp:introspect "$OAUTH_AS_TOKEN" | jq -r .access_token)
I=$(curl -fsS -H "Authorization: Bearer $RS_TOKEN" -d "token=$AT" -d token_type_hint=access_token "$OAUTH_AS_INTROSPECT")
echo "  introspect: $I"
check "introspection: active" is "$(echo "$I" | jq -r .active)" true
check "introspection: aud == resource" is "$(echo "$I" | jq -r .aud)" "$RESOURCE"
I2=$(curl -fsS -u "$OAUTH_AS_CLIENT_ID:$OAUTH_AS_CLIENT_SECRET" -d "token=$AT" "$OAUTH_AS_INTROSPECT")
check "introspection with client_secret_basic also works" is "$(echo "$I2" | jq -r .active)" true
check "introspection without credentials is refused" \
  test "$(curl -s -o /dev/null -w '%{http_code}' -d "token=$AT" "$OAUTH_AS_INTROSPECT")" != 200
check "revoke answers 200" is "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $RS_TOKEN" \
  -d "token=$AT" -d token_type_hint=access_token "$OAUTH_AS_REVOKE")" 200
I3=$(curl -fsS -H "Authorization: Bearer $RS_TOKEN" -d "token=$AT" "$OAUTH_AS_INTROSPECT")
echo "  after revoke: $I3"
check "introspection after revoke: inactive" is "$(echo "$I3" | jq -r .active)" false
check "revoked JWT still verifies offline (only introspection sees revocation)" verifies_with_jwks "$AT"

section "9. signing key rotation without restart"
OLD_KID=$(jwt_header "$CC" | jq -r .kid)
PID_BEFORE=$(cat "$OAUTH_AS_STATE/glewlwyd.pid")
"$HERE/rotate-key.sh" "$PORT" | sed 's/^/  /'
JWKS=$(curl -fsS "$OAUTH_AS_JWKS"); echo "  JWKS now: $(echo "$JWKS" | jq -c '[.keys[].kid]')"
NEW=$(curl -fsS -u "$OAUTH_AS_CLIENT_ID:$OAUTH_AS_CLIENT_SECRET" -d grant_type=client_credentials -d scope=mcp:read \
  -d "resource=$RESOURCE" "$OAUTH_AS_TOKEN" | jq -r .access_token)
NEW_KID=$(jwt_header "$NEW" | jq -r .kid)
echo "  old token kid $OLD_KID, new token kid $NEW_KID"
check "same process (no restart)" is "$(cat "$OAUTH_AS_STATE/glewlwyd.pid")" "$PID_BEFORE"
check "JWKS publishes old and new key" is "$(echo "$JWKS" | jq '.keys|length')" 2
check "new tokens are signed with the new key" test "$NEW_KID" != "$OLD_KID"
check "new token verifies against the JWKS" verifies_with_jwks "$NEW"
check "old token still verifies against the JWKS" verifies_with_jwks "$CC"
"$HERE/rotate-key.sh" "$PORT" --retire | sed 's/^/  /'
check "after --retire the JWKS holds one key" is "$(curl -fsS "$OAUTH_AS_JWKS" | jq '.keys|length')" 1
check "after --retire the old token no longer verifies" bash -c "! rnbyc -t '$CC' -P '$(curl -fsS "$OAUTH_AS_JWKS")' >/dev/null 2>&1"
check "after --retire the new token still verifies" verifies_with_jwks "$NEW"
"$HERE/stop.sh" >/dev/null; "$HERE/start.sh" "$PORT" >/dev/null
check "rotated key survives a restart" is "$(curl -fsS "$OAUTH_AS_JWKS" | jq -r '.keys[0].kid')" "$NEW_KID"

section "10. the official Python MCP client's OAuth provider against this server"
PY="${MCP_PYTHON:-python3}"
if [ -x "$PY" ] && "$PY" -c 'import mcp.client.auth' 2>/dev/null; then
  if "$PY" "$HERE/mcp_client_flow.py" --state "$OAUTH_AS_STATE" --resource "$RESOURCE" 2>&1 | sed 's/^/  /'; then
    check "mcp.client.auth.OAuthClientProvider obtained a token (see above)" true
  else
    check "mcp.client.auth.OAuthClientProvider obtained a token (see above)" false
  fi
else
  echo "  skipped: no python with the mcp package (set MCP_PYTHON)"
fi

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
