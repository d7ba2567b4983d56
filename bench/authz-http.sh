#!/bin/sh
# Over-HTTP check benchmark of the authorization engine (docs/BENCHMARKS.md, "Authorization engine").
# Starts a real Aegis server with the 1,000,000-tuple Drive dataset and runs wrk against POST /stores/{id}/check.
#   bench/authz-http.sh                      # after ./mvnw -pl bench -am package -DskipTests
#   CONNECTIONS=16 DURATION=30s CACHE=0 bench/authz-http.sh
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAVA="${JAVA_HOME:?set JAVA_HOME to a JDK 21+}/bin/java"
# The database (1M tuples) is the one AuthzCheckBenchmark builds in bench/target/authz-drive-db (built here
# when missing) and is reused by later runs.
DIR="${DATA_DIR:-$ROOT/bench/target/authz-drive-db}"
mkdir -p "$DIR"
rm -f "$DIR/ready" "$DIR/stdin"
mkfifo "$DIR/stdin"
"$JAVA" --enable-native-access=ALL-UNNAMED -cp "$ROOT/bench/target/benchmarks.jar" dev.aegis.bench.AuthzHttpServer \
  "$DIR" "${CACHE:-0}" < "$DIR/stdin" &
PID=$!
exec 3> "$DIR/stdin"
while [ ! -s "$DIR/ready" ]; do
  kill -0 "$PID" 2>/dev/null || { echo "server exited" >&2; exit 1; }
  sleep 1
done
read -r URL STORE TOKEN < "$DIR/ready"
echo "server $URL, store $STORE; wrk -t2 -c${CONNECTIONS:-16} -d${DURATION:-30s}"
STORE=$STORE TOKEN=$TOKEN wrk -t2 -c"${CONNECTIONS:-16}" -d"${DURATION:-30s}" --latency -s "$ROOT/bench/authz-check.lua" "$URL"
exec 3>&-
wait "$PID"
