#!/usr/bin/env bash
# Whole request flow load benchmark (docs/BENCHMARKS.md "Whole request flow (issue 6)"), one command:
#   `aegis demo` (control plane, gateway, orders -> payments -> ledger, TLS/mTLS on every hop), then wrk with
#   1000 connections POSTing /orders through the gateway, each request with another of TOKENS access tokens
#   from the real token endpoint. Every hop verifies the token (gateway, then orders, payments, ledger with
#   RFC 8693 exchanged tokens) and every hop is mTLS with SPIFFE-ID allow-lists.
#   1. warm-up at WARMUP_CONNS connections (JIT, the verify-once caches and the per-token RFC 8693 exchanges at
#      orders and payments, so that the measured runs are steady state), not reported
#   2. closed loop at WARMUP_CONNS connections: the flow's throughput and latency when not overloaded
#   3. fixed offered rate: 1000 open connections, each pausing (uniform random, mean CONNS/RATE s) so that the
#      total is RATE requests/s (default: half the throughput of 2, at least 100), where latency is not just
#      1000/throughput (Little's law)
#   4. saturation: closed loop at 1000 connections, as fast as the system answers
#   (order: 1, 2, then 5 and 6, then 3 and 4)
#   5. and 6.: 3 and 4 with HAProxy as the TLS terminator in front of the gateway (EDGE=1, the default
#      when haproxy is installed): the deployment docs/GATEWAY.md recommends for many client connections (JSSE
#      handshakes ~180/s per core); HAProxy keeps at most EDGE_CONNS TLS connections open to the gateway,
#      everything after the gateway is unchanged
#
# usage: bench/flow/run.sh                     (about 6 minutes)
#        DURATION=30s CONNS=1000 TOKENS=500 RATE=2000 bench/flow/run.sh
# needs: JDK 21+ (JAVA_HOME), wrk, curl, jq, openssl; haproxy for the edge runs (apt-get install wrk jq curl haproxy)
set -euo pipefail
cd "$(dirname "$0")"
HERE=$(pwd)
ROOT=$(cd ../.. && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
DURATION=${DURATION:-30s}
FIXED_DURATION=${FIXED_DURATION:-60s}
WARMUP=${WARMUP:-20s}
WARMUP_CONNS=${WARMUP_CONNS:-50}
CONNS=${CONNS:-1000}
THREADS=${THREADS:-2}
TOKENS=${TOKENS:-500}
RATE=${RATE:-}
EDGE=${EDGE:-$(command -v haproxy >/dev/null && echo 1 || echo 0)}
EDGE_CONNS=${EDGE_CONNS:-128}
EDGE_PORT=${EDGE_PORT:-18443}
JVM_FLAGS=${JVM_FLAGS:-"-Xms1g -Xmx1g -XX:+UseG1GC --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"}
OUT=${OUT:-"$HERE/results/$(date +%Y%m%d-%H%M%S)"}
WORK="$OUT/scratch"
mkdir -p "$WORK"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

DEMO_PID=""; EDGE_PID=""
stop_all() {
  local p
  for p in $EDGE_PID $DEMO_PID; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
}
trap stop_all EXIT

echo "== build (aegis-server distribution with the demo fleet)" >&2
if [ ! -f "$ROOT/aegis-server/target/aegis.jar" ] || [ "${BUILD:-1}" = 1 ]; then
  "$ROOT/mvnw" -q -B -f "$ROOT/pom.xml" package -DskipTests -pl aegis-server -am
fi

echo "== start aegis demo (control plane, gateway, orders, payments, ledger)" >&2
READY="$WORK/ready.json"
# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" $JVM_FLAGS -jar "$ROOT/aegis-server/target/aegis.jar" demo --keep-running --skip-walk \
  --dir "$WORK/demo" --ready-file "$READY" >"$OUT/demo.log" 2>&1 & DEMO_PID=$!
for _ in $(seq 600); do [ -s "$READY" ] && break; kill -0 "$DEMO_PID" 2>/dev/null || { cat "$OUT/demo.log" >&2; exit 1; }; sleep 0.2; done
[ -s "$READY" ] || { echo "aegis demo did not become ready" >&2; exit 1; }
GATEWAY=$(jq -r .gateway "$READY"); ORDERS_PATH=$(jq -r .ordersPath "$READY"); CA=$(jq -r .caFile "$READY")
TOKEN_ENDPOINT=$(jq -r .tokenEndpoint "$READY")
LOAD_ID=$(jq -r .loadClient.clientId "$READY"); LOAD_SECRET=$(jq -r .loadClient.clientSecret "$READY")
LOAD_SCOPE=$(jq -r .loadClient.scope "$READY")

echo "== $TOKENS access tokens from $TOKEN_ENDPOINT" >&2
TOKENS_FILE="$WORK/tokens.txt"
seq "$TOKENS" | xargs -P 4 -I{} curl -sf --cacert "$CA" -u "$LOAD_ID:$LOAD_SECRET" \
  --data-urlencode grant_type=client_credentials --data-urlencode "scope=$LOAD_SCOPE" "$TOKEN_ENDPOINT" \
  | jq -r .access_token >"$TOKENS_FILE"
[ "$(sort -u "$TOKENS_FILE" | grep -c .)" -eq "$TOKENS" ] || { echo "expected $TOKENS distinct tokens" >&2; exit 1; }

echo "== one request through the chain" >&2
curl -sf --cacert "$CA" -H "Authorization: Bearer $(head -1 "$TOKENS_FILE")" -H 'Content-Type: application/json' \
  -d '{"item":"book","quantity":1}' "$GATEWAY$ORDERS_PATH" | tee "$OUT/sample-response.json" >&2; echo >&2

# wrk trusts no CA (it does not verify the server certificate): the chain after the gateway is what is measured
cpu_ticks() { awk '{print $14 + $15}' "/proc/$DEMO_PID/stat"; } # user + system time of the whole system's JVM
run_wrk() { # label duration rate [connections [url]]
  local conns=${4:-$CONNS} before after
  before=$(cpu_ticks)
  LABEL=$1 RATE=$3 CONNS=$conns TOKENS_FILE=$TOKENS_FILE ORDERS_PATH=$ORDERS_PATH \
    wrk -t"$THREADS" -c"$conns" -d"$2" --timeout 10s -s "$HERE/flow.lua" "${5:-$GATEWAY}" | tee -a "$OUT/wrk.txt" >&2
  after=$(cpu_ticks)
  echo "CPU $1 ticks=$((after - before)) hz=$(getconf CLK_TCK)" >>"$OUT/wrk.txt"
}
echo "== warm-up $WARMUP at $WARMUP_CONNS connections" >&2
run_wrk warmup "$WARMUP" 0 "$WARMUP_CONNS" >/dev/null
echo "== closed loop at $WARMUP_CONNS connections, $DURATION" >&2
run_wrk "closed-$WARMUP_CONNS" "$DURATION" 0 "$WARMUP_CONNS"
# Fixed rate before saturation, and the edge runs before the direct ones: none starts in the wake of an overload.
RATE=${RATE:-$(grep "^FLOW closed-$WARMUP_CONNS" "$OUT/wrk.txt" | sed 's/.* rps=\([0-9]*\).*/\1/' | awk '{ r = int($1 / 2); print (r < 100 ? 100 : r) }')}

if [ "$EDGE" = 1 ]; then
  echo "== HAProxy as the TLS terminator in front of the gateway (at most $EDGE_CONNS connections to it)" >&2
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=127.0.0.1 \
    -keyout "$WORK/edge-key.pem" -out "$WORK/edge-cert.pem" 2>/dev/null
  cat "$WORK/edge-cert.pem" "$WORK/edge-key.pem" >"$WORK/edge.pem"
  cat >"$WORK/edge.cfg" <<CFG
global
  maxconn 8000
  nbthread $(nproc)
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  timeout queue 10s
  option http-keep-alive
frontend edge
  bind 127.0.0.1:$EDGE_PORT ssl crt $WORK/edge.pem
  default_backend gateway
backend gateway
  http-reuse always
  server gw ${GATEWAY#https://} ssl verify required ca-file $CA maxconn $EDGE_CONNS
CFG
  haproxy -db -f "$WORK/edge.cfg" >"$OUT/haproxy.log" 2>&1 & EDGE_PID=$!
  for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$EDGE_PORT") 2>/dev/null && break; sleep 0.2; done
  curl -sfk -H "Authorization: Bearer $(head -1 "$TOKENS_FILE")" -H 'Content-Type: application/json' \
    -d '{"item":"book","quantity":1}' "https://127.0.0.1:$EDGE_PORT$ORDERS_PATH" >/dev/null
  run_wrk "edge-fixed-rate-$RATE" "$FIXED_DURATION" "$RATE" "$CONNS" "https://127.0.0.1:$EDGE_PORT"
  run_wrk edge-saturation "$DURATION" 0 "$CONNS" "https://127.0.0.1:$EDGE_PORT"
  sleep 12 # let the gateway's circuit breaker close again if the saturation opened it
fi
echo "== fixed rate $RATE requests/s over $CONNS open connections, $FIXED_DURATION" >&2
run_wrk "fixed-rate-$RATE" "$FIXED_DURATION" "$RATE"
echo "== saturation $DURATION, $CONNS connections" >&2
run_wrk saturation "$DURATION" 0

echo "== gateway decisions after the runs (control plane /metrics)" >&2
curl -sf --cacert "$CA" "$(jq -r .controlPlane "$READY")/metrics" | grep -E '^aegis_gateway_requests_total' \
  | tee "$OUT/gateway-metrics.txt" >&2 || true

echo
echo "Whole request flow: gateway -> orders -> payments -> ledger, mTLS + token verification at every hop"
echo "($CONNS connections, $THREADS wrk threads, $TOKENS distinct tokens, $(nproc) cores; results in $OUT)"
echo "(CPU ms/req: user+system CPU of the one JVM that runs control plane, gateway and the three services, per request)"
printf '%-22s %9s %9s %9s %9s %9s %8s %8s %11s\n' run requests req/s p50_ms p99_ms p99.9_ms errors non2xx cpu_ms/req
grep '^FLOW' "$OUT/wrk.txt" | grep -v '^FLOW warmup' | while read -r _ label rest; do
  v() { echo "$rest" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
  errors=$(( $(v connect_err) + $(v read_err) + $(v write_err) + $(v timeouts) ))
  ticks=$(sed -n "s/^CPU $label ticks=\([0-9]*\).*/\1/p" "$OUT/wrk.txt")
  cpu=$(awk -v t="$ticks" -v n="$(v requests)" -v hz="$(getconf CLK_TCK)" 'BEGIN { if (n > 0) printf "%.2f", t * 1000 / hz / n; else print "-" }')
  printf '%-22s %9s %9s %9s %9s %9s %8s %8s %11s\n' "$label" "$(v requests)" "$(v rps)" "$(v p50_ms)" "$(v p99_ms)" \
    "$(v p999_ms)" "$errors" "$(v non2xx)" "$cpu"
done
