#!/usr/bin/env python3
"""Turns the JSON and histograms bench/compare.sh collected into the Markdown report and the latency plot."""
import argparse
import datetime
import glob
import json
import os
import re
import platform
import subprocess

WORKLOADS = [
    ("1k-s1", "1 KiB GET, 1 stream"),
    ("1k-s10", "1 KiB GET, 10 streams"),
    ("1k-s100", "1 KiB GET, 100 streams"),
    ("1k-rate300", "1 KiB GET, open model 300 req/s"),
    ("1k-c4s25", "1 KiB GET, 4 connections x 25 streams"),
    ("down-100m", "100 MiB download"),
    ("up-10m", "10 MiB upload (PUT)"),
]
PLOTTED = ["1k-s10", "1k-s100", "1k-rate300"]
MIB = 1024 * 1024


def load(path):
    try:
        with open(path) as f:
            return json.loads(f.read().strip() or "null")
    except (OSError, ValueError):
        return None


def cmd(*args):
    try:
        out = subprocess.run(args, capture_output=True, text=True, timeout=20)
        return (out.stdout + out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "unknown"


def mibps(r):
    return (r["body_bytes_per_second"] + r["uploaded_bytes_per_second"]) / MIB


def per_cpu(r):
    return r["requests"] / r["server_cpu_seconds"] if r.get("server_cpu_seconds", 0) > 0 else None


def ratio(a, b):
    return f"{a / b:.2f}" if a is not None and b not in (None, 0) else "n/a"


def fmt(v, spec=".1f"):
    return "n/a" if v is None or v < 0 else format(v, spec)


def plot(work, png):
    lines = []
    colours = {"ferry": "#1f77b4", "caddy": "#d62728"}
    dashes = {"1k-s10": 1, "1k-s100": 2, "1k-rate300": 3}
    for name in PLOTTED:
        for relay in ("ferry", "caddy"):
            src = os.path.join(work, "hist", f"{relay}-{name}.hgrm")
            if not os.path.exists(src):
                continue
            dat = os.path.join(work, "hist", f"{relay}-{name}.dat")
            with open(src) as f, open(dat, "w") as out:
                for line in f:
                    parts = line.split()
                    if len(parts) == 4 and not line.lstrip().startswith("#") and parts[0][0].isdigit():
                        if parts[3] not in ("inf", "Infinity"):
                            out.write(f"{parts[0]} {parts[3]}\n")
            lines.append(f"'{dat}' using 2:1 with lines lw 2 dt {dashes[name]} lc rgb '{colours[relay]}' "
                         f"title '{relay} {name}'")
    if not lines:
        return False
    script = f"""set terminal pngcairo size 1000,600 font ',10'
set output '{png}'
set title 'Latency by percentile (ferry bench, HdrHistogram), lower is better'
set logscale x
set xtics ('0%%' 1, '90%%' 10, '99%%' 100, '99.9%%' 1000, '99.99%%' 10000)
set xlabel 'percentile'
set ylabel 'latency (ms)'
set logscale y
set grid
set key top left
plot {', '.join(lines)}
"""
    try:
        subprocess.run(["gnuplot"], input=script, text=True, check=True, capture_output=True, timeout=60)
        return True
    except (OSError, subprocess.SubprocessError):
        return False


def median(values):
    v = sorted(values)
    if not v:
        return None
    return v[len(v) // 2] if len(v) % 2 else (v[len(v) // 2 - 1] + v[len(v) // 2]) / 2


def runs_of(r, warm_only=False):
    """The successful runs of a row file written by bench/independent.sh; the first is the cold one."""
    if not r:
        return []
    runs = r["runs"][1:] if warm_only and len(r["runs"]) > 1 else r["runs"]
    return [x for x in runs if x["exit"] == 0 and x["seconds"] > 0]


def rate(r, warm_only=True):
    """Median MiB/s of a transfer row, and median relay CPU seconds per GiB."""
    runs = runs_of(r, warm_only)
    if not runs:
        return None, None
    mib = r["count"] / MIB
    return (median([mib / x["seconds"] for x in runs]),
            median([x["relay_cpu_seconds"] / (r["count"] / (1 << 30)) for x in runs]))


def independent_rows(o, j):
    """Rows driven by gtlsclient and curl, which share no code with Ferry (bench/independent.sh)."""
    bursts = {(relay, phase): j(f"burst-{relay}-{phase}") for relay in ("ferry", "caddy") for phase in ("cold", "warm")}
    downloads = {relay: j(f"gtls-{relay}") for relay in ("ferry", "caddy")}
    if not any(bursts.values()) and not any(downloads.values()):
        return
    o.append("\n## Independent clients (ngtcp2's gtlsclient, curl)\n")
    o.append("Wall time and relay CPU of whole client runs. Bursts: the first run after the relay started (cold), "
             f"then the median of the later runs (warm). Ratios are Ferry / Caddy, or tunnel / direct.\n")
    o.append("| Row | Ferry | Caddy | Ferry / Caddy |\n|---|---:|---:|---:|")

    def burst(relay, phase, key):
        runs = runs_of(bursts[(relay, phase)])
        return median([x[key] for x in runs]) if runs else None

    for phase in ("cold", "warm"):
        f, c = burst("ferry", phase, "seconds"), burst("caddy", phase, "seconds")
        label = "cold (after Ferry's warm-up)" if phase == "cold" else phase
        o.append(f"| 1000 x 1 KiB on one connection, {label}: wall s | {fmt(f, '.3f')} | {fmt(c, '.3f')} | "
                 f"{ratio(f, c)} |")
    nowarm = runs_of(j("burst-ferry-nowarmup-cold"))
    if nowarm:
        f, c = nowarm[0]["seconds"], burst("caddy", "cold", "seconds")
        o.append(f"| 1000 x 1 KiB on one connection, cold without Ferry's warm-up: wall s | {fmt(f, '.3f')} | "
                 f"{fmt(c, '.3f')} | {ratio(f, c)} |")
    fw, fc = burst("ferry", "warm", "seconds"), burst("ferry", "cold", "seconds")
    if fw and fc:
        o.append(f"| Ferry: cold / warm burst, with the warm-up | {fmt(fc / fw, '.2f')} | | |")
        if nowarm:
            o.append(f"| Ferry: cold / warm burst, without the warm-up | {fmt(nowarm[0]['seconds'] / fw, '.2f')} | | |")
    f, c = burst("ferry", "warm", "relay_cpu_seconds"), burst("caddy", "warm", "relay_cpu_seconds")
    # CPU seconds over 1000 requests read as milliseconds per request.
    o.append(f"| 1000 x 1 KiB, warm: relay CPU ms per request | {fmt(f, '.3f')} | {fmt(c, '.3f')} | "
             f"{ratio(f, c)} |")
    (fr, fcpu), (cr, ccpu) = rate(downloads["ferry"], False), rate(downloads["caddy"], False)
    o.append(f"| 100 MiB download: MiB/s (median of 3) | {fmt(fr)} | {fmt(cr)} | {ratio(fr, cr)} |")
    o.append(f"| 100 MiB download: relay CPU s per GiB | {fmt(fcpu, '.2f')} | {fmt(ccpu, '.2f')} | "
             f"{ratio(fcpu, ccpu)} |")
    for relay in ("ferry", "caddy"):
        d = downloads[relay]
        if d and not d.get("sha256_equal", False):
            o.append(f"\n**{relay}: a 100 MiB download through it did not match the origin's sha256.**\n")
    tunnels = {k: j(f"tunnel-{k}") for k in ("udp-direct", "udp-relay", "tcp-direct", "tcp-relay")}
    if any(tunnels.values()):
        o.append("\n### Tunnels through Ferry (direct and tunnelled runs alternate)\n")
        o.append("| Transfer | Direct MiB/s | Through Ferry MiB/s | Tunnel / direct | Relay CPU s per GiB |")
        o.append("|---|---:|---:|---:|---:|")
        for kind, label in (("udp", "10 MiB HTTP/3 (gtlsclient to gtlsserver) inside CONNECT-UDP via `ferry tunnel udp`"),
                            ("tcp", "100 MiB HTTP/1.1 (curl to nginx) inside CONNECT via `ferry tunnel tcp`")):
            (dr, _), (tr, tcpu) = rate(tunnels[f"{kind}-direct"], False), rate(tunnels[f"{kind}-relay"], False)
            o.append(f"| {label} | {fmt(dr)} | {fmt(tr)} | {ratio(tr, dr)} | {fmt(tcpu, '.2f')} |")
        echo_rows(o, j)
        tr, _ = rate(tunnels["tcp-relay"], False)
        if tr and fr:
            o.append(f"\nCONNECT against an HTTP/3 download through the same relay (gtlsclient, 100 MiB): "
                     f"{ratio(tr, fr)}.")


def echo_rows(o, j):
    """UDP echo (sockperf) directly and through `ferry tunnel udp` (bench/independent.sh echo_rows)."""
    echo = {(m, w): j(f"echo-{m}-{w}") for m in ("pp", "ul") for w in ("direct", "relay")}
    if not any(echo.values()):
        return

    def med(mode, where, key):
        runs = (echo[(mode, where)] or {}).get("runs") or []
        vals = [r[key] / r["seconds"] if key == "answers" else r[key] for r in runs if r.get("seconds")]
        return median(vals) if vals else None

    size = next((e["size"] for e in echo.values() if e), "?")
    o.append(f"\n| UDP echo of {size} B datagrams (sockperf; median of 3) | Direct | Through Ferry | "
             "Tunnel / direct |\n|---|---:|---:|---:|")
    for mode, label in (("pp", "one in flight (ping-pong): round trips/s"),
                        ("ul", "as fast as sockperf sends: answers/s")):
        d, t = med(mode, "direct", "answers"), med(mode, "relay", "answers")
        o.append(f"| {label} | {fmt(d, '.0f')} | {fmt(t, '.0f')} | {ratio(t, d)} |")
    d, t = med("pp", "direct", "avg_us"), med("pp", "relay", "avg_us")
    o.append(f"| one in flight: mean round trip, us | {fmt(d, '.1f')} | {fmt(t, '.1f')} | {ratio(t, d)} |")


def metrics_rows(o, work):
    """The cost of metrics: Ferry with exchanges recorded (admin endpoint on) against without, medians of rounds."""
    rows = []
    for streams in (1, 10):
        by_mode = {}
        for mode in ("off", "on"):
            runs = [load(f) for f in sorted(glob.glob(os.path.join(work, "json", f"metrics-{mode}-s{streams}-round*.json")))]
            runs = [r for r in runs if r and r.get("requests")]
            if runs:
                by_mode[mode] = (median([r["requests_per_second"] for r in runs]),
                                 median([r["server_cpu_ms_per_request"] for r in runs]),
                                 median([r["latency_ms"]["p99"] for r in runs]), len(runs))
        if len(by_mode) == 2:
            rows.append((streams, by_mode["off"], by_mode["on"]))
    if not rows:
        return
    o.append("\n## Ferry: the cost of metrics (1 KiB GET)\n")
    o.append("Metrics on: the admin endpoint configured, so every exchange is recorded (counters and two histograms) "
             "on its event loop. Off: no admin endpoint, nothing recorded. Rounds alternate (off, on, off, on); the "
             "table gives medians. A ratio above 1 means metrics cost that much more relay CPU per request.\n")
    o.append("| Streams | Req/s off | Req/s on | Relay CPU ms/req off | on | On / off | p99 ms off | on | Rounds |")
    o.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for streams, off, on in rows:
        o.append(f"| {streams} | {off[0]:.1f} | {on[0]:.1f} | {off[1]:.3f} | {on[1]:.3f} | {ratio(on[1], off[1])} | "
                 f"{off[2]:.2f} | {on[2]:.2f} | {min(off[3], on[3])} |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--plot", required=True)
    ap.add_argument("--rev", default="unknown")
    ap.add_argument("--quick", default="false")
    a = ap.parse_args()
    j = lambda name: load(os.path.join(a.work, "json", name + ".json"))
    res = {(relay, w): j(f"{relay}-{w}") for relay in ("ferry", "caddy") for w, _ in WORKLOADS}
    o = []
    cpu = cmd("sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2")
    o.append(f"# Ferry vs Caddy, {datetime.datetime.now():%Y-%m-%d %H:%M}\n")
    o.append(f"Run: `bench/compare.sh{' --quick' if a.quick == 'true' else ''}` on {os.cpu_count()} cores "
             f"({cpu.strip()}), Linux {platform.release()}, loopback. Ferry `{a.rev}` on "
             f"{cmd('java', '-version')}, Caddy {cmd('caddy', 'version')}, origin {cmd('nginx', '-v')}. "
             "Client: `ferry bench` (one JVM per run, on the same two cores as the relay and the origin).\n")
    o.append("## Ferry / Caddy\n")
    o.append("Above 1 means Ferry has more of it: better for requests per CPU-second and throughput, worse for "
             "p99 latency.\n")
    o.append("| Workload | Requests/s | Requests per relay CPU-second | Throughput (MiB/s) | p99 latency |")
    o.append("|---|---:|---:|---:|---:|")
    for w, label in WORKLOADS:
        f, c = res[("ferry", w)], res[("caddy", w)]
        if not f or not c:
            o.append(f"| {label} | n/a | n/a | n/a | n/a |")
            continue
        o.append(f"| {label} | {ratio(f['requests_per_second'], c['requests_per_second'])} | "
                 f"{ratio(per_cpu(f), per_cpu(c))} | {ratio(mibps(f), mibps(c))} | "
                 f"{ratio(f['latency_ms']['p99'], c['latency_ms']['p99'])} |")
    o.append("\n## Figures\n")
    o.append("| Workload | Relay | Req/s | MiB/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | Relay CPU s | "
             "CPU ms/req | CPU s/GiB | Client CPU s | Errors |")
    o.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for w, label in WORKLOADS:
        for relay in ("ferry", "caddy"):
            r = res[(relay, w)]
            if not r:
                o.append(f"| {label} | {relay} | failed | | | | | | | | | | | |")
                continue
            lat = r["latency_ms"]
            errs = ", ".join(f"{k} {v}" for k, v in r["errors"].items()) or "0"
            o.append(f"| {label} | {relay} | {r['requests_per_second']:.1f} | {mibps(r):.1f} | {lat['p50']:.2f} | "
                     f"{lat['p90']:.2f} | {lat['p99']:.2f} | {lat['p99.9']:.2f} | {lat['max']:.2f} | "
                     f"{fmt(r['server_cpu_seconds'], '.2f')} | {fmt(r['server_cpu_ms_per_request'], '.3f')} | "
                     f"{fmt(r['server_cpu_seconds_per_gib'], '.2f')} | {r['client_cpu_seconds']:.2f} | {errs} |")
    if plot(a.work, a.plot):
        o.append(f"\n![latency by percentile]({os.path.basename(a.plot)})\n")
    independent_rows(o, j)
    loop_files = glob.glob(os.path.join(a.work, "json", "loops-*-round*.json"))
    counts = sorted({int(m.group(1)) for m in (re.match(r"loops-(\d+)-round\d+\.json$", os.path.basename(f))
                                               for f in loop_files) if m})

    def loop_rows(n):
        runs = [load(f) for f in sorted(glob.glob(os.path.join(a.work, "json", f"loops-{n}-round*.json")))
                if not f.endswith("-sockets.json")]
        sockets = [load(f) for f in sorted(glob.glob(os.path.join(a.work, "json", f"loops-{n}-round*-sockets.json")))]
        return [r for r in runs if r], [x for x in sockets if x]

    loops = [(n,) + loop_rows(n) for n in counts]
    if any(runs for _, runs, _ in loops):
        def med(runs, f):
            vals = [f(r) for r in runs if f(r) is not None]
            return median(vals) if vals else None

        first = next((med(runs, per_cpu) for _, runs, _ in loops if runs), None)
        conns = next((s[0]["connections"] for _, _, s in loops if s), None)
        o.append(f"\n## Ferry: event loops (1 KiB GET, {conns or '?'} connections x 25 streams)\n")
        o.append("One SO_REUSEPORT socket per loop on epoll; each count runs twice, the counts taking turns, and the "
                 "table gives medians. Spread is the fewest connections a socket accepted over the most (1.00 = "
                 "even); efficiency is requests per relay CPU-second against the first row.\n")
        o.append("| event-loops | Req/s | p99 ms | Requests per CPU-second | Efficiency | Connections per socket, "
                 "each round | Spread |\n|---:|---:|---:|---:|---:|---|---:|")
        for n, runs, sockets in loops:
            if not runs:
                continue
            rps, p99 = med(runs, lambda r: r["requests_per_second"]), med(runs, lambda r: r["latency_ms"]["p99"])
            pc = med(runs, per_cpu)
            lists = [x.get("per_socket") or [] for x in sockets]
            spreads = [min(p) / max(p) for p in lists if len(p) > 1 and max(p) > 0]
            spread = f"{median(spreads):.2f}" if spreads else "n/a"
            eff = f"{pc / first:.2f}" if first and pc else "n/a"
            shown = " / ".join(" ".join(map(str, p)) for p in lists if p) or "one socket"
            o.append(f"| {n} | {rps:.1f} | {p99:.2f} | {fmt(pc, '.0f')} | {eff} | {shown} | {spread} |")
    metrics_rows(o, a.work)
    idle = [load(p) for p in sorted(glob.glob(os.path.join(a.work, "json", "idle-*.json")))]
    idle = [i for i in idle if i]
    if idle:
        o.append("\n## Memory with idle connections\n")
        o.append("One request on each connection, then idle. Heap is the used heap after a full GC (`jcmd GC.run`, "
                 "`GC.heap_info`); RSS from /proc/PID/status. Ferry runs with `-Xmx"
                 f"{os.environ.get('FERRY_HEAP', '1g')}`.\n")
        o.append("| Relay | Connections asked | Open | RSS before MiB | RSS with them MiB | RSS per connection KiB | "
                 "Heap before MiB | Heap with them MiB | Heap per connection KiB |")
        o.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for i in sorted(idle, key=lambda x: (x["relay"] != "ferry", x["requested"])):
            n = max(i["open"], 1)
            heap = i["heap_kib"] is not None and i["base_heap_kib"] is not None
            o.append(f"| {i['relay']} | {i['requested']} | {i['open']} | {i['base_rss_kib'] / 1024:.0f} | "
                     f"{i['rss_kib'] / 1024:.0f} | {(i['rss_kib'] - i['base_rss_kib']) / n:.1f} | "
                     + (f"{i['base_heap_kib'] / 1024:.0f} | {i['heap_kib'] / 1024:.0f} | "
                        f"{(i['heap_kib'] - i['base_heap_kib']) / n:.1f} |" if heap else "n/a | n/a | n/a |"))
    prof = os.path.join(a.work, "json", "profile.md")
    if os.path.exists(prof):
        o.append("\n## Profile of Ferry (JFR, 1 KiB GET x 100 streams)\n")
        o.append(open(prof).read())
    with open(a.out, "w") as f:
        f.write("\n".join(o) + "\n")


if __name__ == "__main__":
    main()
