#!/usr/bin/env bash
# Revocation propagation benchmark (docs/BENCHMARKS.md "Whole request flow (issue 6)"), one command:
# starts `aegis demo`, then RevocationBench.java: N token revocations (RFC 7009 at the identity provider) with
# the time to the first refusal at the gateway and at orders, payments and ledger (each probed directly over
# mTLS with an SVID of the SPIFFE ID it admits), and W SVID revocations (by serial) with the time until a
# service refuses a new mTLS handshake. Prints p50/p99/max per hop.
#
# usage: bench/flow/revocation.sh               (N=100, W=10; about 2 minutes)
#        N=200 W=20 BUILD=0 bench/flow/revocation.sh
# needs: JDK 21+ (JAVA_HOME)
set -euo pipefail
cd "$(dirname "$0")"
HERE=$(pwd)
ROOT=$(cd ../.. && pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
N=${N:-100}
W=${W:-10}
JVM_FLAGS=${JVM_FLAGS:-"-Xms1g -Xmx1g -XX:+UseG1GC --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"}
OUT=${OUT:-"$HERE/results/revocation-$(date +%Y%m%d-%H%M%S)"}
WORK="$OUT/scratch"
mkdir -p "$WORK"

DEMO_PID=""
stop_demo() { if [ -n "$DEMO_PID" ]; then kill "$DEMO_PID" 2>/dev/null || true; wait "$DEMO_PID" 2>/dev/null || true; fi; }
trap stop_demo EXIT

if [ ! -f "$ROOT/aegis-server/target/aegis.jar" ] || [ "${BUILD:-1}" = 1 ]; then
  echo "== build (aegis-server distribution with the demo fleet)" >&2
  "$ROOT/mvnw" -q -B -f "$ROOT/pom.xml" package -DskipTests -pl aegis-server -am
fi
READY="$WORK/ready.json"
echo "== start aegis demo" >&2
# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" $JVM_FLAGS -jar "$ROOT/aegis-server/target/aegis.jar" demo --keep-running --skip-walk \
  --dir "$WORK/demo" --ready-file "$READY" >"$OUT/demo.log" 2>&1 & DEMO_PID=$!
for _ in $(seq 600); do [ -s "$READY" ] && break; kill -0 "$DEMO_PID" 2>/dev/null || { cat "$OUT/demo.log" >&2; exit 1; }; sleep 0.2; done
[ -s "$READY" ] || { echo "aegis demo did not become ready" >&2; exit 1; }

echo "== $N token revocations, $W SVID revocations" >&2
"$JAVA_HOME/bin/java" -cp "$ROOT/aegis-server/target/aegis.jar:$ROOT/aegis-server/target/lib/*" \
  "$HERE/RevocationBench.java" "$READY" "$N" "$W" 2>"$OUT/bench.log" | tee "$OUT/revocation.txt"
