#!/usr/bin/env bash
# HTTP benchmark of the secrets manager with wrk: KV v2 reads and writes against a real `aegis up`
# (embedded storage, fresh data directory), 32 connections as OpenBao's published figures used 32 workers.
# Usage: bench/http/secrets-http.sh [duration, default 15s]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DURATION="${1:-15s}"
PORT="${AEGIS_BENCH_PORT:-18443}"
DATA="$(mktemp -d)"
LOG="$DATA/aegis.out"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
"$ROOT/aegis" up -d "$DATA" -p "$PORT" >"$LOG" 2>"$DATA/aegis.err" &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 1 120); do
  grep -q "Secrets root token" "$LOG" 2>/dev/null && break
  sleep 1
done
TOKEN="$(grep -A1 "Secrets root token" "$LOG" | tail -1 | tr -d ' ')"
BASE="http://127.0.0.1:$PORT"
# A non-root token with an ACL policy, so every request pays the policy check.
curl -sf -X PUT -H "X-Vault-Token: $TOKEN" "$BASE/v1/sys/policies/acl/bench" \
  -d '{"policy":"path \"secret/data/bench/*\" { capabilities = [\"create\", \"read\", \"update\"] }"}' >/dev/null
APP="$(curl -sf -X POST -H "X-Vault-Token: $TOKEN" "$BASE/v1/auth/token/create" -d '{"policies":["bench"]}' \
  | sed 's/.*"client_token":"\([^"]*\)".*/\1/')"
for i in $(seq 0 999); do
  curl -sf -X POST -H "X-Vault-Token: $APP" "$BASE/v1/secret/data/bench/key-$i" \
    -d "{\"data\":{\"username\":\"svc\",\"password\":\"p-$i\"}}" >/dev/null
done
echo "== KV v2 read, 32 connections, $DURATION"
wrk -t2 -c32 -d"$DURATION" --latency -H "X-Vault-Token: $APP" -s "$ROOT/bench/http/kv-read.lua" "$BASE"
echo "== KV v2 write, 32 connections, $DURATION"
wrk -t2 -c32 -d"$DURATION" --latency -H "X-Vault-Token: $APP" -s "$ROOT/bench/http/kv-write.lua" "$BASE"
