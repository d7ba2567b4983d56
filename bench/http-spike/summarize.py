#!/usr/bin/env python3
"""Turns the raw wrk / s_time outputs of one run.sh run into Markdown tables (median and min..max of the rounds)."""
import glob, os, re, statistics, sys

TICK = os.sysconf("SC_CLK_TCK")
out = sys.argv[1]

def meta(text):
    m = re.search(r"^META (.*)$", text, re.M)
    return dict(kv.split("=", 1) for kv in m.group(1).split()) if m else {}

def ms(value, unit):
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

rows = {}
for f in sorted(glob.glob(os.path.join(out, "wrk-*.txt"))):
    t = open(f).read(); m = meta(t)
    if not m or m["round"] == "warmup":
        continue
    rps = re.search(r"Requests/sec:\s+([\d.]+)", t)
    p50 = re.search(r"^\s+50%\s+([\d.]+)(us|ms|s)", t, re.M)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)", t, re.M)
    dur = re.search(r"requests in ([\d.]+)(s|m)", t)
    err = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", t))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
    err += int(non2xx.group(1)) if non2xx else 0
    wcpu = re.search(r"WRKCPU ([\d.]+) ([\d.]+)", t)
    secs = float(dur.group(1)) * (60 if dur and dur.group(2) == "m" else 1) if dur else float("nan")
    srv = int(m["server_ticks"]) / TICK / secs
    wrk = (float(wcpu.group(1)) + float(wcpu.group(2))) / secs if wcpu else float("nan")
    mach = int(m["machine_ticks"]) / TICK / secs
    key = (m["mode"], int(m["conns"]), m["stack"])
    rows.setdefault(key, []).append(dict(
        rps=float(rps.group(1)) if rps else 0.0,
        p50=ms(*p50.groups()) if p50 else float("nan"), p99=ms(*p99.groups()) if p99 else float("nan"),
        err=err, srv=srv, wrk=wrk, other=max(0.0, mach - srv - wrk), load=float(m["load1"]),
        per_core=(float(rps.group(1)) / srv) if rps and srv > 0 else 0.0))

def span(vals, fmt):
    vals = sorted(vals)
    return f"{fmt.format(statistics.median(vals))} ({fmt.format(vals[0])}–{fmt.format(vals[-1])})"

print("### wrk keep-alive, GET /hello (median of rounds, min–max in brackets)\n")
print("| mode | conns | stack | req/s | p50 ms | p99 ms | errors | server cores | wrk cores | others' cores | req/s per server core |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for key in sorted(rows, key=lambda k: (k[0] != "plain", -k[1], k[2])):
    r = rows[key]
    print(f"| {key[0]} | {key[1]} | {key[2]} | {span([x['rps'] for x in r], '{:,.0f}')} | "
          f"{span([x['p50'] for x in r], '{:.2f}')} | {span([x['p99'] for x in r], '{:.1f}')} | "
          f"{sum(x['err'] for x in r)} | {statistics.median(x['srv'] for x in r):.2f} | "
          f"{statistics.median(x['wrk'] for x in r):.2f} | {statistics.median(x['other'] for x in r):.2f} | "
          f"{span([x['per_core'] for x in r], '{:,.0f}')} |")

hs = {}
for f in sorted(glob.glob(os.path.join(out, "hs-*.txt"))):
    t = open(f).read(); m = meta(t)
    if not m or m["round"] == "warmup":
        continue
    n = sum(int(x) for x in re.findall(r"^(\d+) connections in [\d.]+ real seconds", t, re.M))
    secs = float(m["seconds"])
    srv = int(m["server_ticks"]) / TICK / secs
    hs.setdefault((m["mode"], m["stack"]), []).append(dict(rate=n / secs, srv=srv,
        per_core=(n / secs / srv) if srv > 0 else 0.0, other=int(m["machine_ticks"]) / TICK / secs - srv))
if hs:
    print("\n### Full TLS 1.3 handshakes + one GET each (2 × openssl s_time -new), median (min–max)\n")
    print("| mode | stack | handshakes/s | server cores | handshakes/s per server core |")
    print("|---|---|---|---|---|")
    for key in sorted(hs):
        r = hs[key]
        print(f"| {key[0]} | {key[1]} | {span([x['rate'] for x in r], '{:,.0f}')} | "
              f"{statistics.median(x['srv'] for x in r):.2f} | {span([x['per_core'] for x in r], '{:,.0f}')} |")
