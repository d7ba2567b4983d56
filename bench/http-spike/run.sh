#!/usr/bin/env bash
# HTTP stack spike (docs/BENCHMARKS.md "HTTP stack spike"): builds the three Java servers, generates a P-256
# certificate with keytool, starts Helidon 4 / Netty 4.2 / Jetty 12.1 and an HAProxy reference, and measures
#   - wrk keep-alive throughput and latency, plain HTTP and TLS 1.3, at each connection count in CONNS;
#   - full-handshake rate, TLS 1.3 and mTLS (wrk cannot present a client certificate; openssl s_time can).
# Candidates are interleaved (round r starts at a different stack) and repeated ROUNDS times; each run records
# the server's own CPU seconds, wrk's, and what the rest of the machine used at the same time.
#
# usage: bench/http-spike/run.sh            (about 20 minutes with the defaults)
#        ROUNDS=1 DURATION=5s CONNS=100 STACKS="helidon haproxy" bench/http-spike/run.sh   (a smoke run)
#        WRK=0 MODES="tls mtls" OUT=<dir of an earlier run> bench/http-spike/run.sh   (handshakes only)
# needs: JDK 21+ (JAVA_HOME, default Temurin 25), wrk, openssl, python3; haproxy optional (apt-get install wrk haproxy)
set -euo pipefail
cd "$(dirname "$0")"
HERE=$(pwd)
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-15s}
HANDSHAKE_SECONDS=${HANDSHAKE_SECONDS:-10}
CONNS=${CONNS:-"1000 100"}
MODES=${MODES:-"plain tls mtls"}
STACKS=${STACKS:-"helidon netty jetty haproxy"}
JVM_FLAGS=${JVM_FLAGS:-"-Xms512m -Xmx512m -XX:+UseG1GC --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"}
OUT=${OUT:-"$HERE/results/$(date +%Y%m%d-%H%M%S)"}
declare -A PORT=([helidon]=18081 [netty]=18082 [jetty]=18083 [haproxy]=18084)
command -v haproxy >/dev/null || { echo "haproxy not installed: skipping the reference" >&2; STACKS=${STACKS//haproxy/}; }
mkdir -p "$OUT"

echo "== build" >&2
"$HERE/../../mvnw" -q -B -f "$HERE/pom.xml" package
CP="$HERE/target/classes:$HERE/target/lib/*"

echo "== certificates (keytool, EC P-256, self-signed)" >&2
CERTS="$HERE/certs"
if [ ! -f "$CERTS/client.pem" ]; then
  rm -rf "$CERTS"; mkdir -p "$CERTS"
  KT="$JAVA_HOME/bin/keytool"
  for who in server client; do
    "$KT" -genkeypair -alias "$who" -keyalg EC -groupname secp256r1 -sigalg SHA256withECDSA \
      -dname "CN=$who.spike.aegis.dev" -ext "SAN=dns:localhost,ip:127.0.0.1" -validity 30 \
      -keystore "$CERTS/$who.p12" -storetype PKCS12 -storepass changeit 2>/dev/null
    "$KT" -exportcert -rfc -alias "$who" -keystore "$CERTS/$who.p12" -storepass changeit -file "$CERTS/$who.crt" 2>/dev/null
    openssl pkcs12 -in "$CERTS/$who.p12" -passin pass:changeit -nodes -out "$CERTS/$who.pem" 2>/dev/null
  done
  "$KT" -importcert -noprompt -alias client -file "$CERTS/client.crt" -keystore "$CERTS/client-trust.p12" \
    -storetype PKCS12 -storepass changeit 2>/dev/null
fi

PIDS=()
start_stack() { # $1 stack, $2 mode
  local s=$1 mode=$2 log="$OUT/server-$1-$2.log"
  if [ "$s" = haproxy ]; then
    local opts=""
    [ "$mode" = tls ] && opts="ssl crt $CERTS/server.pem ssl-min-ver TLSv1.3"
    [ "$mode" = mtls ] && opts="ssl crt $CERTS/server.pem ssl-min-ver TLSv1.3 ca-file $CERTS/client.crt verify required"
    cat >"$OUT/haproxy-$mode.cfg" <<CFG
global
  maxconn 8000
  nbthread $(nproc)
defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s
  option http-keep-alive
frontend hello
  bind 127.0.0.1:${PORT[haproxy]} $opts
  http-request return status 200 content-type text/plain string "Hello, World!" if { method GET } { path /hello }
  http-request return status 404
CFG
    haproxy -db -f "$OUT/haproxy-$mode.cfg" >"$log" 2>&1 &
  else
    # shellcheck disable=SC2086
    "$JAVA_HOME/bin/java" $JVM_FLAGS -cp "$CP" dev.aegis.spike.SpikeServer "$s" "${PORT[$s]}" "$mode" "$CERTS" >"$log" 2>&1 &
  fi
  PIDS+=($!); eval "PID_$s=$!"
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/${PORT[$s]}") 2>/dev/null && return 0
    sleep 0.2
  done
  echo "$s did not start, see $log" >&2; return 1
}
stop_all() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  PIDS=()
}
trap stop_all EXIT

cpu_of() { awk '{print $14+$15}' "/proc/$1/stat"; }             # clock ticks used by a process
machine_busy() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat; } # clock ticks used by the whole machine
order() { # stacks rotated by round number, so no stack always runs first
  local r=$1 arr=($STACKS) n i
  n=${#arr[@]}
  for ((i = 0; i < n; i++)); do printf '%s ' "${arr[$(((i + r) % n))]}"; done
}

run_wrk() { # $1 stack $2 mode $3 conns $4 round $5 duration
  local s=$1 mode=$2 c=$3 r=$4 d=$5 pid scheme=http f
  pid=$(eval echo "\$PID_$s"); [ "$mode" = tls ] && scheme=https
  f="$OUT/wrk-$mode-c$c-$s-r$r.txt"
  local load0 cpu0 m0 cpu1 m1
  load0=$(cut -d' ' -f1 /proc/loadavg); cpu0=$(cpu_of "$pid"); m0=$(machine_busy)
  { TIMEFORMAT='WRKCPU %U %S'; time wrk -t2 -c"$c" -d"$d" --latency "$scheme://127.0.0.1:${PORT[$s]}/hello"; } >"$f" 2>&1 || true
  cpu1=$(cpu_of "$pid"); m1=$(machine_busy)
  echo "META stack=$s mode=$mode conns=$c round=$r load1=$load0 server_ticks=$((cpu1 - cpu0)) machine_ticks=$((m1 - m0))" >>"$f"
  echo "   $s $mode c=$c r=$r: $(grep -E 'Requests/sec' "$f" | tr -s ' ')" >&2
}

run_handshakes() { # $1 stack $2 mode $3 round: two openssl s_time clients in parallel, full handshakes only
  local s=$1 mode=$2 r=$3 pid f extra=()
  pid=$(eval echo "\$PID_$s"); f="$OUT/hs-$mode-$s-r$r.txt"
  [ "$mode" = mtls ] && extra=(-cert "$CERTS/client.pem" -key "$CERTS/client.pem")
  local load0 cpu0 m0 cpu1 m1
  load0=$(cut -d' ' -f1 /proc/loadavg); cpu0=$(cpu_of "$pid"); m0=$(machine_busy)
  local clients=()
  for k in 1 2; do
    openssl s_time -connect "127.0.0.1:${PORT[$s]}" -new -time "$HANDSHAKE_SECONDS" -tls1_3 -www /hello "${extra[@]}" \
      >"$f.$k" 2>&1 &
    clients+=($!)
  done
  wait "${clients[@]}" 2>/dev/null || true # only the two clients: the servers are background jobs too
  cpu1=$(cpu_of "$pid"); m1=$(machine_busy)
  { cat "$f.1" "$f.2"; echo "META stack=$s mode=$mode round=$r load1=$load0 server_ticks=$((cpu1 - cpu0)) machine_ticks=$((m1 - m0)) seconds=$HANDSHAKE_SECONDS"; } >"$f"
  rm -f "$f.1" "$f.2"
  echo "   $s $mode handshake r=$r: $(grep -h 'connections in .* real' "$f" | awk '{n+=$1} END {print n/'"$HANDSHAKE_SECONDS"' " /s"}')" >&2
}

{
  echo "date: $(date -Is)"; echo "kernel: $(uname -r)"; echo "cpus: $(nproc) ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2))"
  echo "java: $("$JAVA_HOME/bin/java" -version 2>&1 | head -2 | tr '\n' ' ')"; echo "jvm flags: $JVM_FLAGS"
  echo "wrk: $(wrk -v 2>&1 | head -1)"; echo "openssl: $(openssl version)"
  command -v haproxy >/dev/null && echo "haproxy: $(haproxy -v | head -1)"
  echo "rounds=$ROUNDS duration=$DURATION conns=$CONNS modes=$MODES stacks=$STACKS"
} >"$OUT/env.txt"
cat "$OUT/env.txt" >&2

for mode in $MODES; do
  echo "== mode $mode: starting $STACKS" >&2
  for s in $STACKS; do start_stack "$s" "$mode"; done
  if [ "$mode" != mtls ] && [ "${WRK:-1}" = 1 ]; then
    for s in $STACKS; do run_wrk "$s" "$mode" 100 warmup 10s; done
    for c in $CONNS; do
      for ((r = 1; r <= ROUNDS; r++)); do
        for s in $(order "$r"); do run_wrk "$s" "$mode" "$c" "$r" "$DURATION"; done
      done
    done
  fi
  if [ "$mode" != plain ]; then
    for s in $STACKS; do run_handshakes "$s" "$mode" warmup; done
    for ((r = 1; r <= ROUNDS; r++)); do
      for s in $(order "$r"); do run_handshakes "$s" "$mode" "$r"; done
    done
  fi
  stop_all
done

python3 "$HERE/summarize.py" "$OUT" | tee "$OUT/summary.md"
