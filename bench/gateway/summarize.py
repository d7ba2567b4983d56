#!/usr/bin/env python3
"""Markdown tables for one bench/gateway/run.sh run: throughput and p50/p99 per target, latency added over
the direct upstream, CPU used, and the ingestion profile."""
import glob, os, re, statistics, sys

TICK = os.sysconf("SC_CLK_TCK")
out = sys.argv[1]

def ms(value, unit):
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

def parse(pattern):
    runs = {}
    for f in sorted(glob.glob(os.path.join(out, pattern))):
        t = open(f).read()
        m = dict(kv.split("=", 1) for kv in re.search(r"^META (.*)$", t, re.M).group(1).split())
        if m["round"] == "warmup":
            continue
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
        p50 = ms(*re.search(r"^\s+50%\s+([\d.]+)(us|ms|s)", t, re.M).groups())
        p99 = ms(*re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)", t, re.M).groups())
        errs = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", t))
        non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
        dur = float(re.search(r"requests in ([\d.]+)s", t).group(1))
        cores = int(m["server_ticks"]) / TICK / dur
        others = (int(m["machine_ticks"]) - int(m["server_ticks"])) / TICK / dur
        cpu_us = cores / rps * 1e6 if rps else float("nan")  # server CPU time per request: load-independent-ish
        runs.setdefault(m["target"], []).append((rps, p50, p99, errs, int(non2xx.group(1)) if non2xx else 0, cores,
                                                 others, cpu_us))
    return runs

def med(xs):
    return statistics.median(xs)

def table(runs, title):
    print(title + "\n")
    print("| target | req/s | p50 ms | p99 ms | socket errors | non-2xx | server cores | server CPU µs/request | rest of machine, cores | rounds req/s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name in ["direct", "haproxy", "gateway"]:
        r = runs.get(name, [])
        if not r:
            continue
        print(f"| {name} | {med([x[0] for x in r]):,.0f} | {med([x[1] for x in r]):.2f} | {med([x[2] for x in r]):.2f} | "
              f"{sum(x[3] for x in r)} | {sum(x[4] for x in r)} | {med([x[5] for x in r]):.2f} | {med([x[7] for x in r]):.0f} | "
              f"{med([x[6] for x in r]):.2f} | " + ", ".join(f"{x[0]:,.0f}" for x in r) + " |")
    if "direct" in runs:
        d50 = med([x[1] for x in runs["direct"]]); d99 = med([x[2] for x in runs["direct"]])
        print("\n| target | added p50 ms | added p99 ms |\n|---|---|---|")
        for name in ["haproxy", "gateway"]:
            if name in runs:
                print(f"| {name} | {med([x[1] for x in runs[name]]) - d50:+.2f} | {med([x[2] for x in runs[name]]) - d99:+.2f} |")
    print()

table(parse("wrk-*.txt"), "### (a) Saturation: wrk closed loop, 1000 keep-alive connections, GET with one of 1000 ES256 bearer tokens "
      "(median of the rounds; each round listed). Latency here is queueing: 1000 / throughput (Little's law)")
table(parse("rate-*.txt"), "### (b) Fixed offered rate: the same 1000 connections, each pausing before every request so all together "
      "offer the stated rate; added latency = target - direct at the same rate")

f = os.path.join(out, "hey-ingest.txt")
if os.path.exists(f):
    t = open(f).read()
    rps = re.search(r"Requests/sec:\s+([\d.]+)", t)
    codes = re.findall(r"\[(\d{3})\]\s+(\d+) responses", t)
    lat = dict(re.findall(r"\s(\d+)%% in ([\d.]+) secs", t.replace("%", "%%")))
    m = re.search(r"META server_ticks=(\d+) seconds=(\d+)", t)
    print("\n### Ingestion profile (seed 004): 10,000 requests/minute, POST JSON, API key + limit + CIDR allowlist + content type + JSON Schema\n")
    print("| offered | achieved req/s | status codes | p50 ms | p99 ms | gateway cores |")
    print("|---|---|---|---|---|---|")
    print(f"| 166.7/s (20 workers x 8.34/s) | {float(rps.group(1)) if rps else float('nan'):.1f} | "
          + ", ".join(f"{c}: {n}" for c, n in codes) + f" | {float(lat.get('50', 'nan')) * 1000:.2f} | "
          f"{float(lat.get('99', 'nan')) * 1000:.2f} | {int(m.group(1)) / TICK / int(m.group(2)) if m else float('nan'):.3f} |")
