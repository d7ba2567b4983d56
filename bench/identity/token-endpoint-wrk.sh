#!/usr/bin/env sh
# Client-credentials throughput of Aegis's token endpoint alone, over HTTP with wrk (the Keycloak comparison
# lives in bench/token-endpoint/). Starts Aegis from this checkout on a fresh data directory, registers the
# benchmark client through the admin API (the same contract the comparison uses), warms up, measures, stops.
#   bench/identity/token-endpoint-wrk.sh            64 connections, 30 s
#   CONNECTIONS=16 DURATION=20s bench/identity/token-endpoint-wrk.sh
set -eu
ROOT=$(CDPATH= cd -- "$(dirname -- "$0")/../.." && pwd)
PORT=${PORT:-18443}
CONNECTIONS=${CONNECTIONS:-64}
DURATION=${DURATION:-30s}
THREADS=${THREADS:-2}
command -v wrk >/dev/null || { echo "wrk is required (Debian: apt-get install wrk)" >&2; exit 1; }
DATA=$(mktemp -d)
chmod 700 "$DATA"
"$ROOT/aegis" up -d "$DATA/data" -p "$PORT" >"$DATA/out.log" 2>"$DATA/err.log" &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$DATA"' EXIT
i=0
until curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1; do
  i=$((i + 1)); [ $i -lt 600 ] || { echo "Aegis did not start" >&2; cat "$DATA/err.log" >&2; exit 1; }
  sleep 0.5
done
ADMIN=$(grep -o 'aegis_bootstrap_[A-Za-z0-9_-]*' "$DATA/out.log" | head -n 1)
CREATED=$(curl -sf -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
  -d '{"client_id":"bench-1","grant_types":["client_credentials"],"scopes":["api:read"]}' \
  "http://127.0.0.1:$PORT/admin/v1/clients")
SECRET=$(printf '%s' "$CREATED" | sed -E 's/.*"client_secret":"([^"]+)".*/\1/')
BASIC=$(printf 'bench-1:%s' "$SECRET" | base64 | tr -d '\n')
cat >"$DATA/post.lua" <<LUA
wrk.method = "POST"
wrk.body = "grant_type=client_credentials&scope=api:read"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic $BASIC"
LUA
curl -sf -u "bench-1:$SECRET" -d 'grant_type=client_credentials&scope=api:read' \
  "http://127.0.0.1:$PORT/oauth2/token" | grep -q '"access_token"' || { echo "token request failed" >&2; exit 1; }
echo "warm-up (15 s, not reported)"
wrk -t"$THREADS" -c"$CONNECTIONS" -d15s -s "$DATA/post.lua" "http://127.0.0.1:$PORT/oauth2/token" >/dev/null
echo "measured: $CONNECTIONS connections, $DURATION"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$DATA/post.lua" "http://127.0.0.1:$PORT/oauth2/token"
