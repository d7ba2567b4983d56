#!/bin/sh
# Over-HTTP check benchmark of the authorization engine (docs/BENCHMARKS.md, "Authorization engine").
# Starts a real Aegis server with the 1,000,000-tuple Drive dataset and runs wrk against POST /stores/{id}/check,
# once per connection count, after a warm-up; prints requests/s, p50, p99, p99.9, and the server's allocation and
# CPU time per request (load-independent: compare those on a shared machine).
#   bench/authz-http.sh                                  # after ./mvnw -pl bench -am package -DskipTests
#   CONNECTIONS="2 16" RATES="1000 2000" RATE_CONNECTIONS=16 DURATION=30s WARMUP=10s CACHE=0 bench/authz-http.sh
#   SERVER_JAVA_OPTS="-XX:StartFlightRecording=filename=authz.jfr,settings=profile" bench/authz-http.sh
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAVA="${JAVA_HOME:?set JAVA_HOME to a JDK 21+}/bin/java"
# The database (1M tuples) is the one AuthzCheckBenchmark builds in bench/target/authz-drive-db (built here
# when missing) and is reused by later runs.
DIR="${DATA_DIR:-$ROOT/bench/target/authz-drive-db}"
mkdir -p "$DIR"
rm -f "$DIR/ready" "$DIR/stdin" "$DIR/cost"
mkfifo "$DIR/stdin"
# shellcheck disable=SC2086 # SERVER_JAVA_OPTS is a list of JVM options
"$JAVA" --enable-native-access=ALL-UNNAMED ${SERVER_JAVA_OPTS:-} -cp "$ROOT/bench/target/benchmarks.jar" \
  dev.aegis.bench.AuthzHttpServer "$DIR" "${CACHE:-0}" < "$DIR/stdin" &
PID=$!
exec 3> "$DIR/stdin"
while [ ! -s "$DIR/ready" ]; do
  kill -0 "$PID" 2>/dev/null || { echo "server exited" >&2; exit 1; }
  sleep 1
done
read -r URL STORE TOKEN < "$DIR/ready"
export STORE TOKEN

# The server's allocated bytes and CPU nanoseconds so far, in total and by thread group (AuthzHttpServer): it
# answers each line ("$1", a fresh mark) on its stdin.
cost() {
  echo "$1" >&3
  until [ -s "$DIR/cost" ] && [ "$(cut -d' ' -f1 "$DIR/cost")" = "$1" ]; do sleep 0.1; done
  cut -d' ' -f2- "$DIR/cost"
}

echo "server $URL, store $STORE; warm-up ${WARMUP:-10s}"
wrk -t2 -c2 -d"${WARMUP:-10s}" -s "$ROOT/bench/authz-check.lua" "$URL" > /dev/null
for C in ${CONNECTIONS:-2 16}; do
  echo "== wrk -t2 -c$C -d${DURATION:-30s} --latency -s bench/authz-check.lua"
  BEFORE=$(cost "before-$C")
  wrk -t2 -c"$C" -d"${DURATION:-30s}" --latency -s "$ROOT/bench/authz-check.lua" "$URL" | tee "$DIR/wrk.out"
  AFTER=$(cost "after-$C")
  REQUESTS=$(sed -n 's/.* requests \([0-9]*\) .*/\1/p' "$DIR/wrk.out")
  # fields: total allocated bytes, CPU ns; then bytes and CPU ns of the request threads, audit writer, H2 writer
  echo "$BEFORE | $AFTER | $REQUESTS" | awk -F'|' -v c="$C" '{
    n = split($1, b, " "); split($2, a, " "); r = $3 + 0
    if (r == 0) exit
    for (i = 1; i <= n; i++) d[i] = (a[i] - b[i]) / r
    printf "authz-http c=%s: server allocation %.1f KB/request (request threads %.1f, audit writer %.1f, H2 background writer %.1f)\n", c, d[1] / 1024, d[3] / 1024, d[5] / 1024, d[7] / 1024
    printf "authz-http c=%s: server CPU %.0f us/request (request threads %.0f, audit writer %.0f, H2 background writer %.0f)\n", c, d[2] / 1000, d[4] / 1000, d[6] / 1000, d[8] / 1000
  }'
done
# Latency at a fixed offered rate (closed-loop latency on two cores shared with wrk is mostly queueing).
for R in ${RATES:-2000}; do
  C=${RATE_CONNECTIONS:-16}
  echo "== fixed rate $R requests/s over $C connections: RATE=$R wrk -t2 -c$C -d${DURATION:-30s} --latency -s bench/authz-check.lua"
  RATE=$R CONNS=$C wrk -t2 -c"$C" -d"${DURATION:-30s}" --latency -s "$ROOT/bench/authz-check.lua" "$URL" | tail -1
done
exec 3>&-
wait "$PID"
