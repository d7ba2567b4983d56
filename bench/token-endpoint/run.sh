#!/usr/bin/env bash
# Token-endpoint benchmark (issue 3): client-credentials token issuance, Aegis vs Keycloak, in one run on
# this machine. Keycloak comes from Maven Central (org.keycloak:keycloak-quarkus-dist, zip) and runs from
# its distribution; Aegis is built from this checkout. Both get the same JDK, the same heap, the same load
# (wrk, 64 keep-alive connections, many distinct clients round-robin, client_secret_basic) and are measured
# one at a time, never both under load at once:
#   Keycloak RS256 (its default), Keycloak ES256 (realm defaultSignatureAlgorithm),
#   Aegis ES256 (its default), Aegis RS256 (keys.algorithm).
# Every measurement follows a warm-up of 10 s rounds: at least --warmup seconds, then until two rounds agree
# within 10 % (at most 90 s), so a slower-to-warm JVM is not measured cold. The markdown report goes to stdout and to bench/token-endpoint/results/<stamp>/report.md.
#
# usage: bench/token-endpoint/run.sh [--only keycloak|aegis] [--clients N] [--connections N]
#                                    [--threads N] [--warmup SECONDS] [--duration SECONDS]
# BENCH_HEAP sets both servers' heap (default -Xms1g -Xmx2g); BENCH_AEGIS_JAVA_OPTS adds JVM options to Aegis
# (e.g. -XX:StartFlightRecording=... to profile it under this load). Not part of the test suite.
# Needs bash, curl, unzip, python3 and wrk (installed with apt-get if missing).
set -euo pipefail

HERE=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd -- "$HERE/../.." && pwd)
TARGET="$HERE/target"
KC_VERSION=26.7.3
ONLY=both
CLIENTS=256
CONNECTIONS=64
THREADS=2
WARMUP=20
MAX_WARMUP=90
DURATION=30
HEAP=${BENCH_HEAP:-"-Xms1g -Xmx2g"}
COMMAND="bench/token-endpoint/run.sh${*:+ $*}"

while [ $# -gt 0 ]; do
  case "$1" in
    --only) ONLY=$2; shift 2 ;;
    --clients) CLIENTS=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$ONLY" in both|keycloak|aegis) ;; *) echo "run.sh: --only takes keycloak or aegis" >&2; exit 2 ;; esac

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }
py() { python3 "$HERE/summarize.py" "$@"; }

# ---- JDK: found the way the ./aegis launcher finds it (AEGIS_JAVA_HOME, JAVA_HOME, then the usual places) ----
java_major() {
  v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
  case "$v" in ''|*[!0-9.]*) echo 0 ;; 1.*) echo 1 ;; *) echo "${v%%.*}" ;; esac
}
find_jdk() {
  for candidate in "${AEGIS_JAVA_HOME:-}" "${JAVA_HOME:-}"; do
    if [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] && [ "$(java_major "$candidate")" -ge 21 ]; then
      echo "$candidate"; return 0
    fi
  done
  best=""; best_major=0
  for candidate in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*; do
    [ -x "$candidate/bin/javac" ] || continue
    major=$(java_major "$candidate")
    if [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then best="$candidate"; best_major=$major; fi
  done
  [ -n "$best" ] || { echo "run.sh: no JDK 21 or newer found; set AEGIS_JAVA_HOME" >&2; return 1; }
  echo "$best"
}
JAVA_HOME=$(find_jdk); export JAVA_HOME

# ---- tools ----
for tool in curl unzip python3; do command -v "$tool" >/dev/null || die "$tool is needed"; done
if ! command -v wrk >/dev/null; then
  log "installing wrk (Debian package)"
  if [ "$(id -u)" = 0 ]; then apt-get install -y -q wrk >/dev/null; else sudo apt-get install -y -q wrk >/dev/null; fi
fi

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
random_hex() { od -An -N24 -tx1 /dev/urandom | tr -d ' \n'; }  # no process start per client: setup stays quick
basic() { printf '%s:%s' "$1" "$2" | base64 -w0; }

# ---- processes we start: each in its own session; stopped by its process group on exit ----
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="$HERE/results/$STAMP"
mkdir -p "$OUT"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/aegis-idbench.XXXXXX")
SERVER_PID=""
stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM -- "-$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$SERVER_PID" 2>/dev/null || true
  fi
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}
cleanup() {
  status=$?
  stop_server
  for f in "$WORK"/*.log; do  # keep the server logs next to the results, without the bootstrap credential
    [ -f "$f" ] && sed 's/aegis_bootstrap_[A-Za-z0-9_-]*/aegis_bootstrap_<redacted>/g' "$f" >"$OUT/$(basename "$f")"
  done
  rm -rf "$WORK"
  [ -z "${KC_HOME:-}" ] || rm -rf "$KC_HOME/data"
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

show_log_tail() { # never print a bootstrap credential, even of a throw-away instance
  [ -f "$1" ] && tail -n 40 "$1" | sed 's/aegis_bootstrap_[A-Za-z0-9_-]*/aegis_bootstrap_<redacted>/g' >&2 || true
}
wait_for() { # url seconds logfile: until the URL answers 2xx
  for _ in $(seq 1 $(( $2 * 2 ))); do
    curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { show_log_tail "$3"; die "server exited while starting"; }
    sleep 0.5
  done
  show_log_tail "$3"; die "$1 did not answer within $2 s"
}


# ---- the load: warm-up, then the measured run; one record per server and algorithm ----
drive() { # server alg url path credentials-file sample-token-response warm-up-seconds
  local server=$1 alg=$2 url=$3 path=$4 creds=$5 sample=$6 warmup=$7 info
  local warm="$OUT/wrk-warmup-$server-$alg.txt"
  info=$(py token-info "$sample")
  [ "${info%% *}" = "$alg" ] || die "$server signed with ${info%% *}, expected $alg"
  # warm up in 10 s rounds: at least $warmup s, then until two rounds agree within 10 % (the JIT has settled),
  # at most $MAX_WARMUP s
  local spent=0 previous=0 rate
  : >"$warm"
  log "$server $alg: warm-up (at least ${warmup}s, until the throughput is steady)"
  while :; do
    BENCH_CREDENTIALS=$creds BENCH_PATH=$path \
      wrk -t "$THREADS" -c "$CONNECTIONS" -d 10s --timeout 10s -s "$HERE/rotate.lua" "$url" >"$WORK/round.txt" 2>&1 \
      || { cat "$WORK/round.txt" >&2; die "wrk warm-up failed"; }
    cat "$WORK/round.txt" >>"$warm"
    spent=$(( spent + 10 ))
    rate=$(py rate "$WORK/round.txt")
    if [ "$spent" -ge "$warmup" ] && py steady "$previous" "$rate"; then break; fi
    [ "$spent" -lt "$MAX_WARMUP" ] || { log "$server $alg: still not steady after ${spent}s; measuring anyway"; break; }
    previous=$rate
  done
  log "$server $alg: measuring ${DURATION}s"
  py cpu "$SERVER_PID" >"$WORK/cpu-before"
  BENCH_CREDENTIALS=$creds BENCH_PATH=$path \
    wrk -t "$THREADS" -c "$CONNECTIONS" -d "${DURATION}s" --timeout 10s --latency -s "$HERE/rotate.lua" "$url" \
    >"$OUT/wrk-$server-$alg.txt" 2>&1 || { cat "$OUT/wrk-$server-$alg.txt" >&2; die "wrk failed"; }
  py cpu "$SERVER_PID" >"$WORK/cpu-after"
  py record "$OUT/run-$server-$alg.json" "$server" "$alg" "${info##* }" "$OUT/wrk-$server-$alg.txt" \
    "$WORK/cpu-before" "$WORK/cpu-after" "$warm" >&2
}

sample_token() { # url path client secret out: one real token request, must be 200
  local code
  code=$(curl -sS -o "$5" -w '%{http_code}' -u "$3:$4" -H 'Accept: application/json' \
    --data-urlencode grant_type=client_credentials --data-urlencode scope=api:read "$1$2")
  [ "$code" = 200 ] || { cat "$5" >&2; echo >&2; die "token request to $1$2 answered $code"; }
}

# ---- Keycloak ----
KC_ADMIN_PASSWORD=$(random_hex)
kc_admin_token() {
  curl -fsS --data-urlencode grant_type=password --data-urlencode client_id=admin-cli \
    --data-urlencode username=admin --data-urlencode "password=$KC_ADMIN_PASSWORD" \
    "$KC_URL/realms/master/protocol/openid-connect/token" | py field access_token
}
kc_api() { # method path [json]: answers with the response headers + body in $WORK/kc.out, fails on non-2xx
  local code
  if [ "$SECONDS" -ge "${KC_TOKEN_RENEW:-0}" ]; then  # master-realm admin tokens live 60 s
    KC_TOKEN=$(kc_admin_token); KC_TOKEN_RENEW=$(( SECONDS + 30 ))
  fi
  code=$(curl -sS -D "$WORK/kc.headers" -o "$WORK/kc.out" -w '%{http_code}' -X "$1" \
    -H "Authorization: Bearer $KC_TOKEN" -H 'Content-Type: application/json' ${3:+--data "$3"} "$KC_URL/admin$2")
  case "$code" in 2??) ;; *) cat "$WORK/kc.out" >&2; echo >&2; die "Keycloak $1 $2 answered $code" ;; esac
}

run_keycloak() {
  local zip="$TARGET/keycloak-quarkus-dist-$KC_VERSION.zip" port https_port mgmt_port scope_id secret
  mkdir -p "$TARGET"
  if [ ! -f "$zip" ]; then
    log "fetching org.keycloak:keycloak-quarkus-dist:$KC_VERSION:zip from Maven Central"
    (cd "$ROOT" && ./mvnw -B -q -N dependency:copy -Dartifact="org.keycloak:keycloak-quarkus-dist:$KC_VERSION:zip" \
      -DoutputDirectory="$TARGET" -Dmdep.overWriteReleases=true)
  fi
  KC_HOME="$TARGET/keycloak-$KC_VERSION"
  [ -x "$KC_HOME/bin/kc.sh" ] || (cd "$TARGET" && unzip -q -o "$zip")
  rm -rf "$KC_HOME/data"
  port=$(free_port); https_port=$(free_port); mgmt_port=$(free_port)
  KC_URL="http://127.0.0.1:$port"
  log "starting Keycloak $KC_VERSION on $KC_URL (production mode, dev-file H2, local caches; first start re-augments)"
  KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=$KC_ADMIN_PASSWORD JAVA_OPTS_KC_HEAP="$HEAP" \
    setsid "$KC_HOME/bin/kc.sh" start --db=dev-file --cache=local --http-enabled=true --http-host=127.0.0.1 \
      --http-port="$port" --https-port="$https_port" --http-management-port="$mgmt_port" --hostname-strict=false \
      </dev/null >"$WORK/keycloak.log" 2>&1 &
  SERVER_PID=$!
  wait_for "$KC_URL/realms/master" 300 "$WORK/keycloak.log"
  log "Keycloak is up; creating realm 'bench', client scope api:read and $CLIENTS confidential clients"

  kc_api POST /realms '{"realm":"bench","enabled":true}'
  kc_api POST /realms/bench/client-scopes \
    '{"name":"api:read","protocol":"openid-connect","attributes":{"include.in.token.scope":"true","display.on.consent.screen":"false"}}'
  scope_id=$(sed -n 's|^[Ll]ocation: .*/client-scopes/\([^[:space:]]*\).*|\1|p' "$WORK/kc.headers")
  [ -n "$scope_id" ] || die "Keycloak gave no id for the client scope"
  kc_api PUT "/realms/bench/default-optional-client-scopes/$scope_id"
  : >"$WORK/kc-credentials"
  for i in $(seq 1 "$CLIENTS"); do
    secret=$(random_hex)
    kc_api POST /realms/bench/clients "{\"clientId\":\"bench-$i\",\"enabled\":true,\"publicClient\":false,
      \"clientAuthenticatorType\":\"client-secret\",\"secret\":\"$secret\",\"serviceAccountsEnabled\":true,
      \"standardFlowEnabled\":false,\"directAccessGrantsEnabled\":false,\"protocol\":\"openid-connect\"}"
    basic "bench-$i" "$secret" >>"$WORK/kc-credentials"; echo >>"$WORK/kc-credentials"
    [ "$i" != 1 ] || KC_FIRST_SECRET=$secret
  done
  local path=/realms/bench/protocol/openid-connect/token

  sample_token "$KC_URL" "$path" bench-1 "$KC_FIRST_SECRET" "$WORK/kc-token.json"
  drive keycloak RS256 "$KC_URL" "$path" "$WORK/kc-credentials" "$WORK/kc-token.json" "$WARMUP"

  log "switching realm 'bench' to ES256 (defaultSignatureAlgorithm)"
  kc_api PUT /realms/bench '{"defaultSignatureAlgorithm":"ES256"}'
  sample_token "$KC_URL" "$path" bench-1 "$KC_FIRST_SECRET" "$WORK/kc-token.json"
  drive keycloak ES256 "$KC_URL" "$path" "$WORK/kc-credentials" "$WORK/kc-token.json" "$WARMUP"

  log "stopping Keycloak"
  stop_server
  rm -rf "$KC_HOME/data"
}

# ---- Aegis ----
build_aegis() {
  log "building Aegis (aegis-server and what it needs)"
  (cd "$ROOT" && ./mvnw -q -B package -DskipTests -pl aegis-server -am) || die "the Aegis build failed"
}

run_aegis() { # alg
  local alg=$1 port dir credential code secret first_secret=""
  port=$(free_port); dir="$WORK/aegis-$alg"; mkdir -p "$dir"
  local url="http://127.0.0.1:$port" logfile="$WORK/aegis-$alg.log"
  log "starting Aegis ($alg) on $url"
  # run from the empty instance directory so no aegis.yaml of the checkout is picked up
  AEGIS_KEYS_ALGORITHM=$alg setsid bash -c 'cd "$0" && exec "$@"' "$dir" \
    "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED $HEAP ${BENCH_AEGIS_JAVA_OPTS:-} \
    -jar "$ROOT/aegis-server/target/aegis.jar" up -d "$dir/data" -p "$port" </dev/null >"$logfile" 2>&1 &
  SERVER_PID=$!
  wait_for "$url/readyz" 120 "$logfile"
  for _ in $(seq 1 20); do grep -q 'aegis_bootstrap_' "$logfile" && break; sleep 0.5; done
  credential=$(grep -o 'aegis_bootstrap_[A-Za-z0-9_-]*' "$logfile" | head -n 1)
  [ -n "$credential" ] || { show_log_tail "$logfile"; die "Aegis printed no bootstrap credential"; }
  log "Aegis is up; creating $CLIENTS clients through POST /admin/v1/clients"
  : >"$WORK/aegis-credentials"
  for i in $(seq 1 "$CLIENTS"); do
    code=$(curl -sS -o "$WORK/aegis.out" -w '%{http_code}' -H "Authorization: Bearer $credential" \
      -H 'Content-Type: application/json' \
      --data "{\"client_id\":\"bench-$i\",\"grant_types\":[\"client_credentials\"],\"scopes\":[\"api:read\"]}" \
      "$url/admin/v1/clients")
    [ "$code" = 201 ] || { cat "$WORK/aegis.out" >&2; echo >&2; die "POST /admin/v1/clients answered $code"; }
    secret=$(sed -n 's/.*"client_secret"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$WORK/aegis.out")
    [ -n "$secret" ] || { cat "$WORK/aegis.out" >&2; die "no client_secret in the answer"; }
    basic "bench-$i" "$secret" >>"$WORK/aegis-credentials"; echo >>"$WORK/aegis-credentials"
    [ -n "$first_secret" ] || first_secret=$secret
  done
  sample_token "$url" /oauth2/token bench-1 "$first_secret" "$WORK/aegis-token.json"
  drive aegis "$alg" "$url" /oauth2/token "$WORK/aegis-credentials" "$WORK/aegis-token.json" "$WARMUP"
  log "stopping Aegis ($alg)"
  stop_server
}

# ---- the run ----
cat >"$OUT/meta.json" <<EOF
{"date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)", "keycloak_version": "$KC_VERSION",
 "nproc": "$(nproc)", "cpu": "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)",
 "memory": "$(awk '/MemTotal/ {printf "%.0f GiB RAM", $2/1048576}' /proc/meminfo)", "kernel": "$(uname -sr)",
 "loadavg_before": "$(cut -d' ' -f1-3 /proc/loadavg)",
 "jdk": "$("$JAVA_HOME/bin/java" -version 2>&1 | sed -n 2p)", "heap": "$HEAP",
 "commit": "$(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- . ':!bench/token-endpoint' 2>/dev/null || echo ' (with local changes)')",
 "wrk": "$(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2)", "connections": $CONNECTIONS, "threads": $THREADS,
 "clients": $CLIENTS, "warmup": $WARMUP, "max_warmup": $MAX_WARMUP, "duration": $DURATION, "command": "$COMMAND",
 "aegis_default_alg": "ES256", "keycloak_default_alg": "RS256"}
EOF
log "results go to ${OUT#"$ROOT"/}"
[ "$ONLY" = keycloak ] || build_aegis
[ "$ONLY" = aegis ] || run_keycloak
if [ "$ONLY" != keycloak ]; then
  run_aegis ES256
  run_aegis RS256
fi
py report "$OUT" | tee "$OUT/report.md"
