#!/usr/bin/env bash
# Gateway benchmark (docs/BENCHMARKS.md "API gateway"): in ONE run, for three targets
#   direct   wrk -> loopback upstream (an HAProxy static responder)
#   haproxy  wrk -> HAProxy 2.6 (jwt_verify ES256 + exp check + stick-table rate limit) -> upstream
#   gateway  wrk -> Aegis gateway (`aegis up`: ES256 JWT + scope + rate limit + audit) -> upstream
# two measurements, both at CONNS (1000) keep-alive connections, each request carrying one of TOKENS (1000)
# distinct ES256 tokens in turn (tokens.lua), so a verify-once cache is not flattering:
#   (a) saturation: closed loop, every connection sends its next request as soon as the answer arrives
#       -> throughput (and the queueing latency Little's law implies at that throughput);
#   (b) fixed rate: every connection pauses before each request so that all together offer RATE (2,000) req/s,
#       below every target's saturation -> p50/p99 latency, and added latency = target - direct at that rate;
# then the seed's ingestion profile: 10,000 requests/minute (hey -q) of JSON POSTs with an API key, a rate
# limit, a CIDR allowlist, content-type and JSON Schema validation.
#
# usage: bench/gateway/run.sh                       (about 6 minutes)
#        DURATION=10s CONNS=1000 RATE=2000 TOKENS=1000 bench/gateway/run.sh
# needs: JDK 21+ (JAVA_HOME, default Temurin 25), wrk, hey, haproxy, python3 (apt-get install wrk hey haproxy)
set -euo pipefail
cd "$(dirname "$0")"
HERE=$(pwd)
ROOT=$(cd ../.. && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
DURATION=${DURATION:-15s}
CONNS=${CONNS:-1000}
INGEST_SECONDS=${INGEST_SECONDS:-30}
RATE=${RATE:-2000}
TOKENS=${TOKENS:-1000}
DELAY_MS=$((CONNS * 1000 / RATE)) # mean pause per connection for the fixed-rate runs
JVM_FLAGS=${JVM_FLAGS:-"-Xms512m -Xmx512m -XX:+UseG1GC --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"}
OUT=${OUT:-"$HERE/results/$(date +%Y%m%d-%H%M%S)"}
WORK="$OUT/scratch"
UPSTREAM=18090; HAPROXY=18092; GATEWAY=18093; CONTROL=18094; JWKS=18095
rm -rf "$WORK/data"; mkdir -p "$WORK" # a fresh installation: its bootstrap credential is printed once

PIDS=()
stop_all() { local p; for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done; }
trap stop_all EXIT
await_port() { for _ in $(seq 300); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.2; done; echo "port $1 did not open" >&2; return 1; }

echo "== build (aegis-server distribution)" >&2
if [ ! -f "$ROOT/aegis-server/target/aegis.jar" ] || [ "${BUILD:-1}" = 1 ]; then
  "$ROOT/mvnw" -q -B -f "$ROOT/pom.xml" package -DskipTests -pl aegis-server -am
fi
CP="$ROOT/aegis-server/target/aegis.jar:$ROOT/aegis-server/target/lib/*"

echo "== keys and token" >&2
"$JAVA_HOME/bin/java" -cp "$CP" "$HERE/MintTokens.java" "$WORK" "$TOKENS"
TOKEN=$(cat "$WORK/token.txt")
cp "$HERE/event.schema.json" "$WORK/"
(cd "$WORK" && exec python3 -m http.server "$JWKS" --bind 127.0.0.1 >/dev/null 2>&1) & PIDS+=($!)

cat >"$WORK/upstream.cfg" <<CFG
global
  maxconn 8000
  nbthread 1
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
frontend upstream
  bind 127.0.0.1:$UPSTREAM
  http-request return status 200 content-type text/plain string "ok"
CFG
cat >"$WORK/haproxy.cfg" <<CFG
global
  maxconn 8000
  nbthread $(nproc)
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  option http-keep-alive
frontend edge
  bind 127.0.0.1:$HAPROXY
  stick-table type ip size 100k expire 60s store http_req_rate(60s)
  http-request track-sc0 src
  http-request deny deny_status 429 if { sc_http_req_rate(0) gt 100000000 }
  http-request set-var(txn.bearer) http_auth_bearer
  http-request set-var(txn.alg) var(txn.bearer),jwt_header_query('\$.alg')
  http-request deny deny_status 401 unless { var(txn.alg) -m str ES256 }
  http-request deny deny_status 401 unless { var(txn.bearer),jwt_verify(txn.alg,"$WORK/es256-public.pem") -m int 1 }
  http-request set-var(txn.exp) var(txn.bearer),jwt_payload_query('\$.exp','int')
  http-request set-var(txn.now) date
  http-request deny deny_status 401 if { var(txn.exp),sub(txn.now) -m int lt 0 }
  default_backend upstream
backend upstream
  http-reuse always
  server u1 127.0.0.1:$UPSTREAM maxconn 2000
CFG
cat >"$WORK/routes.yaml" <<CFG
issuers:
  - name: bench
    issuer: https://issuer.bench.aegis.dev
    jwks-uri: http://127.0.0.1:$JWKS/jwks.json
    audience: api://bench
routes:
  - id: hello
    match: { path-prefix: /hello, methods: [GET] }
    upstream: { targets: ["http://127.0.0.1:$UPSTREAM"] }
    auth: { methods: [jwt], issuers: [bench], scopes: [bench.read] }
    limits:
      - { by: client, max: 100000000, window: 1m }
  - id: ingest
    match: { path-prefix: /ingest, methods: [POST] }
    upstream: { targets: ["http://127.0.0.1:$UPSTREAM"] }
    auth: { methods: [api-key] }
    limits:
      - { by: api-key, max: 12000, window: 1m }
    hardening:
      allow-cidrs: [127.0.0.0/8]
      content-types: [application/json]
      max-body-bytes: 4096
      json-schema: event.schema.json
CFG
cat >"$WORK/aegis.yaml" <<CFG
data-dir: $WORK/data
server: { port: $CONTROL }
gateway: { routes-file: $WORK/routes.yaml, port: $GATEWAY }
logging: { level: warn }
CFG

echo "== start upstream, HAProxy, Aegis" >&2
haproxy -db -f "$WORK/upstream.cfg" >"$OUT/upstream.log" 2>&1 & PIDS+=($!)
haproxy -db -f "$WORK/haproxy.cfg" >"$OUT/haproxy.log" 2>&1 & PIDS+=($!); PID_haproxy=$!
# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" $JVM_FLAGS -jar "$ROOT/aegis-server/target/aegis.jar" up --config "$WORK/aegis.yaml" >"$OUT/aegis.log" 2>&1 & PIDS+=($!); PID_gateway=$!
await_port $UPSTREAM; await_port $HAPROXY; await_port $GATEWAY; await_port $CONTROL
PID_direct=${PIDS[1]}
for _ in $(seq 50); do grep -q "Bootstrap admin credential" "$OUT/aegis.log" && break; sleep 0.2; done
ADMIN=$(grep -A1 "Bootstrap admin credential" "$OUT/aegis.log" | tail -1 | tr -d ' ' || true)

cpu_of() { awk '{print $14+$15}' "/proc/$1/stat"; }
machine_busy() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat; }
run_wrk() { # $1 name $2 port $3 round $4 duration $5 mode: saturation (closed loop) | rate (fixed offered rate)
  local f pid cpu0 m0 load0 delay=0
  [ "$5" = rate ] && { f="$OUT/rate-$1-$3.txt"; delay=$DELAY_MS; } || f="$OUT/wrk-$1-$3.txt"
  pid=$(eval echo "\$PID_$1")
  load0=$(cut -d' ' -f1 /proc/loadavg); cpu0=$(cpu_of "$pid"); m0=$(machine_busy)
  { TIMEFORMAT='WRKCPU %U %S'; time WRK_DELAY_MS=$delay wrk -t2 -c"$CONNS" -d"$4" --latency -s "$HERE/tokens.lua" \
      "http://127.0.0.1:$2/hello" -- "$WORK/tokens.txt"; } >"$f" 2>&1 || true
  echo "META target=$1 round=$3 mode=$5 delay_ms=$delay load1=$load0 server_ticks=$(($(cpu_of "$pid") - cpu0)) machine_ticks=$(($(machine_busy) - m0))" >>"$f"
  echo "   $1 $5 r=$3: $(grep -E 'Requests/sec' "$f" | tr -s ' ')  $(grep -E ' 99%' "$f" | tr -s ' ') $(grep -E 'Non-2xx' "$f" || true)" >&2
}

{
  echo "date: $(date -Is)"; echo "kernel: $(uname -r)"; echo "cpus: $(nproc) ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2))"
  echo "java: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"; echo "jvm flags: $JVM_FLAGS"
  echo "wrk: $(wrk -v 2>&1 | head -1)"; echo "haproxy: $(haproxy -v | head -1)"; echo "conns=$CONNS duration=$DURATION rate=$RATE (mean pause ${DELAY_MS} ms) tokens=$TOKENS"
  grep -o '"cryptoProvider":"[^"]*"' "$OUT/aegis.log" | head -1 || true
} >"$OUT/env.txt"
cat "$OUT/env.txt" >&2

echo "== correctness: a bad token is refused by both" >&2
for p in $HAPROXY $GATEWAY; do
  # Flip a character in the middle of the signature (the last base64url character partly holds padding bits).
  sig=${TOKEN##*.}; mid=$(( ${#sig} / 2 )); c=${sig:$mid:1}; [ "$c" = A ] && r=B || r=A
  forged="${TOKEN%.*}.${sig:0:$mid}$r${sig:$((mid + 1))}"
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $forged" "http://127.0.0.1:$p/hello")
  echo "   port $p forged signature -> $code" >&2; echo "forged-token port=$p status=$code" >>"$OUT/env.txt"
done

port_of() { case $1 in direct) echo $UPSTREAM;; haproxy) echo $HAPROXY;; gateway) echo $GATEWAY;; esac; }
echo "== warm-up (10 s each, saturation)" >&2
for t in direct haproxy gateway; do run_wrk $t "$(port_of $t)" warmup 10s saturation; done
echo "== (a) saturation throughput, closed loop, interleaved" >&2
for r in 1 2; do for t in direct gateway haproxy; do run_wrk $t "$(port_of $t)" $r "$DURATION" saturation; done; done
echo "== (b) latency at a fixed offered rate of $RATE req/s, interleaved" >&2
for r in 1 2; do for t in direct gateway haproxy; do run_wrk $t "$(port_of $t)" $r "$DURATION" rate; done; done

echo "== ingestion profile: 10,000 req/min for ${INGEST_SECONDS}s" >&2
KEY=$(curl -s -X POST -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
  -d '{"consumer":"ingest-bench","routes":["ingest"],"methods":["POST"]}' "http://127.0.0.1:$CONTROL/admin/v1/apikeys" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
BODY='{"device":"sensor-17","reading":21.5,"at":"2026-12-01T12:00:00Z"}'
echo "bad-body status=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "X-API-Key: $KEY" -H 'Content-Type: application/json' -d '{"device":1}' "http://127.0.0.1:$GATEWAY/ingest")" >>"$OUT/env.txt"
cpu0=$(cpu_of "$PID_gateway")
hey -z "${INGEST_SECONDS}s" -c 20 -q 8.34 -m POST -T application/json -H "X-API-Key: $KEY" -d "$BODY" \
  "http://127.0.0.1:$GATEWAY/ingest" >"$OUT/hey-ingest.txt" 2>&1 || true
echo "META server_ticks=$(($(cpu_of "$PID_gateway") - cpu0)) seconds=$INGEST_SECONDS" >>"$OUT/hey-ingest.txt"
grep -E "Requests/sec|Status code|\[2|\[4|\[5|99%|50%" "$OUT/hey-ingest.txt" >&2 || true

python3 "$HERE/summarize.py" "$OUT" | tee "$OUT/summary.md"
