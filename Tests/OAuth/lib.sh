# shellcheck shell=bash
# Helpers shared by demo.sh (source it). Needs curl, jq, openssl, rnbyc.

# b64url_decode: stdin base64url (no padding) -> raw bytes on stdout
b64url_decode() {
  local s
  s=$(tr -d '\n' | tr '_-' '/+')
  case $(( ${#s} % 4 )) in 2) s="$s==" ;; 3) s="$s=" ;; esac
  printf '%s' "$s" | base64 -d
}
jwt_header() { printf '%s' "$1" | cut -d. -f1 | b64url_decode; }
jwt_claims() { printf '%s' "$1" | cut -d. -f2 | b64url_decode; }

# pkce_pair: sets PKCE_VERIFIER and PKCE_CHALLENGE (S256)
pkce_pair() {
  PKCE_VERIFIER=$(head -c 48 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
  # shellcheck disable=SC2034 # read by demo.sh, which sources this file
  PKCE_CHALLENGE=$(printf '%s' "$PKCE_VERIFIER" | openssl dgst -sha256 -binary | base64 | tr '+/' '-_' | tr -d '=\n')
}

# headless_consent AUTHORIZE_URL CLIENT_ID SCOPE — plays the user's browser: logs the test user
# in through glewlwyd's login API (cookie session), records the user's consent for this client
# and scope list through glewlwyd's grant API, then requests the authorization URL with
# g_continue (what glewlwyd's own login page appends when it sends the browser back) and
# prints the redirect it answers with (redirect_uri?code=...&state=...&iss=...).
# Needs OAUTH_AS_* from the state's env file.
headless_consent() {
  local url="$1" client="$2" scope="$3" jar
  jar=$(mktemp)
  curl -fsS -c "$jar" -b "$jar" -H 'Content-Type: application/json' \
    -d "$(jq -nc --arg u "$OAUTH_AS_USER" --arg p "$OAUTH_AS_USER_PASSWORD" '{username:$u,password:$p}')" \
    "$OAUTH_AS_LOGIN" -o /dev/null || { rm -f "$jar"; return 1; }
  # glewlwyd 2.7.5 splits this list on spaces (its API.md says commas)
  curl -fsS -b "$jar" -X PUT -H 'Content-Type: application/json' \
    -d "$(jq -nc --arg s "$scope" '{scope:$s}')" "$OAUTH_AS_GRANT_PREFIX$client/" -o /dev/null \
    || { rm -f "$jar"; return 1; }
  curl -sS -b "$jar" -o /dev/null -w '%{redirect_url}' "$url&g_continue"
  rm -f "$jar"
}

# query_param URL NAME -> decoded value
query_param() {
  local v
  v=$(printf '%s' "$1" | sed -n "s/.*[?&#]$2=\([^&#]*\).*/\1/p")
  printf '%b' "${v//%/\\x}"
}
