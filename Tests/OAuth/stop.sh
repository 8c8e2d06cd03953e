#!/usr/bin/env bash
# stop.sh [PORT] — stop the authorization server started by start.sh (all of them without PORT).
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ -n "${OAUTH_AS_STATE:-}" ]; then
  pidfiles=("$OAUTH_AS_STATE/glewlwyd.pid")
elif [ -n "${1:-}" ]; then
  pidfiles=("$HERE/state/$1/glewlwyd.pid")
else
  pidfiles=("$HERE"/state/*/glewlwyd.pid)
fi
rc=0
for pf in "${pidfiles[@]}"; do
  [ -s "$pf" ] || continue
  pid=$(cat "$pf")
  # only a glewlwyd process started with this state folder's config
  if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q "glewlwyd.*$(dirname "$pf")/glewlwyd.conf"; then
    kill "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null; fi
    echo "stop: stopped pid $pid ($(dirname "$pf"))"
  else
    echo "stop: no running server for $(dirname "$pf")"
  fi
  rm -f "$pf"
done
exit $rc
