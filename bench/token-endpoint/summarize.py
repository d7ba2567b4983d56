#!/usr/bin/env python3
"""Helpers for run.sh: JSON field extraction, JWT header inspection, per-run records and the markdown report.

  summarize.py field KEY [FILE]          print one top-level field of a JSON document (stdin if no FILE)
  summarize.py token-info FILE           print "<alg> <token length>" of the access_token in a token response
  summarize.py rate WRK_OUTPUT            print the 200 answers per second of the last wrk round in a file
  summarize.py steady PREVIOUS CURRENT   exit 0 when two warm-up rates agree within 10 %
  summarize.py cpu SESSION_ID             print CPU ticks of the server's session, machine busy and total ticks
  summarize.py record OUT SERVER ALG TOKEN_BYTES WRK_OUTPUT CPU_BEFORE CPU_AFTER WARMUP_OUTPUT
                                         turn wrk's BENCH_JSON line and two cpu snapshots into a run record
  summarize.py report RUN_DIR            print the markdown report of every run record in RUN_DIR
"""
import base64
import json
import os
import sys


def field(key, path=None):
    doc = json.load(open(path) if path else sys.stdin)
    value = doc.get(key) if isinstance(doc, dict) else None
    if value is None:
        sys.exit(f"no field {key!r} in the answer")
    print(value)


def token_info(path):
    answer = json.load(open(path))
    token = answer.get("access_token")
    if not token:
        sys.exit("no access_token in the token response")
    header_b64 = token.split(".")[0]
    header = json.loads(base64.urlsafe_b64decode(header_b64 + "=" * (-len(header_b64) % 4)))
    print(header.get("alg", "?"), len(token))


def cpu(session_id):
    """CPU ticks used so far by every process of one session (the server we started with setsid), and the
    machine's busy and total ticks: their differences over the measured window show how much CPU the server
    got and how much went to everything else on this shared machine (wrk included)."""
    server = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            stat = open(f"/proc/{pid}/stat").read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) ": state is fields[0]
        if fields[3] == session_id:  # session id is field 6 of stat
            server += int(fields[11]) + int(fields[12])  # utime + stime
    with open("/proc/stat") as f:
        ticks = [int(t) for t in f.readline().split()[1:9]]  # without guest time (already in user)
    idle = ticks[3] + ticks[4]  # idle + iowait
    print(server, sum(ticks) - idle, sum(ticks))


def wrk_rounds(wrk_output):
    """Every BENCH_JSON line of a wrk output (several when warm-up rounds were appended to one file)."""
    with open(wrk_output) as lines:
        rounds = [json.loads(line[len("BENCH_JSON "):]) for line in lines if line.startswith("BENCH_JSON ")]
    if not rounds:
        sys.exit(f"wrk printed no BENCH_JSON line (see {wrk_output})")
    return rounds


def wrk_stats(wrk_output):
    return wrk_rounds(wrk_output)[-1]


def ok_rate(stats):
    return (stats["requests"] - stats["non200"]) / (stats["duration_us"] / 1e6)


def rate(wrk_output):
    print(int(ok_rate(wrk_stats(wrk_output))))


def steady(previous, current):
    """Exit 0 when two warm-up rounds agree within 10 %."""
    previous, current = float(previous), float(current)
    sys.exit(0 if previous > 0 and abs(current - previous) <= 0.1 * max(current, previous) else 1)


def record(out, server, alg, token_bytes, wrk_output, cpu_before, cpu_after, warmup_output):
    stats = wrk_stats(wrk_output)
    warm_rounds = wrk_rounds(warmup_output)
    seconds = stats["duration_us"] / 1e6
    before = [int(t) for t in open(cpu_before).read().split()]
    after = [int(t) for t in open(cpu_after).read().split()]
    hz = os.sysconf("SC_CLK_TCK")
    server_cpu_s = (after[0] - before[0]) / hz
    # /proc/stat counts ticks of all CPUs together
    machine_busy_s = (after[1] - before[1]) / hz
    ok = stats["requests"] - stats["non200"]
    run = {
        "server": server,
        "alg": alg,
        "token_bytes": int(token_bytes),
        "seconds": round(seconds, 2),
        "requests": stats["requests"],
        "ok_per_s": round(ok / seconds, 1),
        "warmup_seconds": round(sum(r["duration_us"] for r in warm_rounds) / 1e6, 1),
        "warmup_rounds_ok_per_s": [round(ok_rate(r)) for r in warm_rounds],
        "warmup_non200": sum(r["non200"] for r in warm_rounds),
        "p50_ms": stats["p50_us"] / 1000,
        "p90_ms": stats["p90_us"] / 1000,
        "p99_ms": stats["p99_us"] / 1000,
        "p999_ms": stats["p999_us"] / 1000,
        "max_ms": stats["max_us"] / 1000,
        "non200": stats["non200"],
        "c4xx": stats["c4xx"],
        "c5xx": stats["c5xx"],
        "last_bad_status": stats["last_bad_status"],
        "socket_errors": stats["errors_connect"] + stats["errors_read"] + stats["errors_write"]
        + stats["errors_timeout"],
        "server_cores": round(server_cpu_s / seconds, 2),
        "other_cores": round(max(machine_busy_s - server_cpu_s, 0) / seconds, 2),
        "ok_per_server_cpu_s": round(ok / server_cpu_s, 1) if server_cpu_s else 0,
        "loadavg_after": open("/proc/loadavg").read().split()[:3] if os.path.exists("/proc/loadavg") else [],
    }
    with open(out, "w") as f:
        json.dump(run, f, indent=1)
    print(f"  {server} {alg}: {run['ok_per_s']:.0f} tokens/s, p50 {run['p50_ms']:.2f} ms, "
          f"p99 {run['p99_ms']:.2f} ms, non-200 {run['non200']}, socket errors {run['socket_errors']}, "
          f"server used {run['server_cores']} cores, everything else {run['other_cores']}")


def ratio(a, b):
    return f"{a / b:.3g}×" if b else "—"


def report(run_dir):
    meta = json.load(open(os.path.join(run_dir, "meta.json")))
    runs = {}
    for server, alg in (("keycloak", "RS256"), ("keycloak", "ES256"), ("aegis", "ES256"), ("aegis", "RS256")):
        path = os.path.join(run_dir, f"run-{server}-{alg}.json")
        if os.path.exists(path):
            runs[(server, alg)] = json.load(open(path))
    out = []
    out.append(f"## Token endpoint benchmark: Aegis vs Keycloak {meta['keycloak_version']} ({meta['date']})")
    out.append("")
    out.append(f"- machine: {meta['nproc']} CPUs ({meta['cpu']}), {meta['memory']}, {meta['kernel']}; "
               f"shared with other work: load average before the run {meta['loadavg_before']}")
    out.append(f"- JDK: {meta['jdk']} (both servers, heap `{meta['heap']}` each)")
    out.append(f"- Aegis commit: {meta['commit']}")
    out.append(f"- load: {meta['wrk']}; {meta['connections']} connections, {meta['threads']} wrk threads, "
               f"{meta['clients']} distinct clients round-robin, client_secret_basic, keep-alive; "
               f"warm-up in 10 s rounds, at least {meta['warmup']} s, then until two rounds agree within 10 % "
               f"(at most {meta['max_warmup']} s), then {meta['duration']} s measured; one server at a time")
    out.append(f"- command: `{meta['command']}`")
    out.append("")
    out.append("| server | signing alg | token bytes | warm-up: tokens/s of each 10 s round | tokens/s (200 only) | p50 ms | p90 ms | p99 ms | max ms "
               "| non-200 | socket errors | server CPU cores | other CPU (wrk + rest) | tokens per server CPU-s |")
    out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for run in runs.values():
        bad = f"{run['non200']}" + (f" (last {run['last_bad_status']})" if run["non200"] else "")
        out.append(f"| {run['server']} | {run['alg']} | {run['token_bytes']} "
                   f"| {', '.join(str(r) for r in run['warmup_rounds_ok_per_s'])} | {run['ok_per_s']:.0f} "
                   f"| {run['p50_ms']:.2f} | {run['p90_ms']:.2f} | {run['p99_ms']:.2f} | {run['max_ms']:.1f} "
                   f"| {bad} | {run['socket_errors']} | {run['server_cores']:.2f} | {run['other_cores']:.2f} "
                   f"| {run['ok_per_server_cpu_s']:.0f} |")
    comparisons = [
        ("default vs default", ("aegis", meta.get("aegis_default_alg", "ES256")),
         ("keycloak", meta.get("keycloak_default_alg", "RS256"))),
        ("same algorithm, ES256", ("aegis", "ES256"), ("keycloak", "ES256")),
        ("same algorithm, RS256", ("aegis", "RS256"), ("keycloak", "RS256")),
    ]
    rows = []
    for label, a_key, k_key in comparisons:
        a, k = runs.get(a_key), runs.get(k_key)
        if a and k:
            rows.append(f"| {label} | {a['alg']} vs {k['alg']} | {a['ok_per_s']:.0f} / {k['ok_per_s']:.0f} "
                        f"| **{ratio(a['ok_per_s'], k['ok_per_s'])}** | {ratio(a['p50_ms'], k['p50_ms'])} "
                        f"| {ratio(a['p99_ms'], k['p99_ms'])} "
                        f"| {ratio(a['ok_per_server_cpu_s'], k['ok_per_server_cpu_s'])} |")
    if rows:
        out.append("")
        out.append("| comparison | algorithms (Aegis vs Keycloak) | tokens/s Aegis / Keycloak "
                   "| throughput Aegis/Keycloak | p50 Aegis/Keycloak | p99 Aegis/Keycloak "
                   "| tokens per CPU-s Aegis/Keycloak |")
        out.append("|---|---|---|---|---|---|---|")
        out.extend(rows)
        out.append("")
        out.append("Throughput ratio above 1 means Aegis issues more tokens per second; latency ratios below 1 "
                   "mean Aegis answers faster. Tokens per server CPU-second divides the 200 answers by the CPU time "
                   "the server's processes used in the measured window: the figure least disturbed by other work on "
                   "a shared machine.")
    print("\n".join(out) + "\n")


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    command, args = argv[1], argv[2:]
    if command == "field" and len(args) in (1, 2):
        field(*args)
    elif command == "token-info" and len(args) == 1:
        token_info(*args)
    elif command == "rate" and len(args) == 1:
        rate(*args)
    elif command == "steady" and len(args) == 2:
        steady(*args)
    elif command == "cpu" and len(args) == 1:
        cpu(*args)
    elif command == "record" and len(args) == 8:
        record(*args)
    elif command == "report" and len(args) == 1:
        report(*args)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
