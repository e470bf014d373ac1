#!/usr/bin/env python3
"""Turns bench/run's raw records (one JSON object a line) into the figures: a table on stdout
and a JSON file. Standard library only.

  summarize.py RESULTS.jsonl META.json OUT.json   -> table, OUT.json; exit 1 if an arm has no numbers
  summarize.py --half-rate RESULTS.jsonl          -> the half-load rate (half of nginx's median
                                                     saturation throughput)
"""
import json
import statistics
import sys

ARMS = ("direct", "relay", "nginx")

# The targets for the relay (informational: they never decide the exit status).
TARGETS = {
    "throughput_vs_nginx": (">=", 0.8),
    "added_c1_p50_us": ("<=", 40),
    "added_c1_p99_us": ("<=", 100),
    "added_half_p99_us": ("<=", 250),
    "cpu_us_per_request": ("<=", 25),
    "idle_rss_mb": ("<=", 10),
    "bytes_per_idle_connection": ("<=", 2048),
    "bytes_per_stream": ("<=", 16384),
    "sse_added_event_p99_us": ("<=", 100),
    "sse_events_lost": ("<=", 0),
}

# Host noise (bench/run records it over every measured run). Above either threshold the run's
# latency tails say more about the host than about the proxies: the table warns, the exit
# status does not change.
# Steal: the hypervisor takes a vCPU away in slices of milliseconds, far longer than a request,
# and every request in flight on that vCPU waits the slice out. A p99 looks at 1% of the
# requests: once more than about 1% of the CPU time is stolen, the p99 can be made of stolen
# slices alone; 2% leaves a margin for the tick-granular (1/USER_HZ) steal counter.
NOISY_STEAL_PCT = 2.0
# Direct's own half-load p99: no proxy at all, so whatever tail it has is the machine's (load
# generator, mock and scheduler). 1,000 us is four times the 250 us the half-load target lets a
# proxy add: above it, the host's own tail is larger than the figure being judged.
NOISY_DIRECT_HALF_P99_US = 1000
# Phases that carry host records, in the order bench/run measures them, with the table's label.
HOST_PHASES = (("throughput", "throughput"), ("latency_c1", "latency c=1"),
               ("latency_half", "latency half load"), ("conns", "idle connections"),
               ("sse", "SSE streams"))


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def rounds_of(recs, phase, arm):
    return [r for r in recs if r.get("phase") == phase and r.get("arm") == arm and r.get("result")]


def startup_median(starts):
    """The start-up figure: the median of a run's starts to the first /health 200 (ms), or None.
    compare.py judges runs by it, from the list, which JSONs before round 11 carry alone."""
    return round(statistics.median(starts), 2) if starts else None


def half_rate(recs):
    rps = [r["result"]["rps"] for r in rounds_of(recs, "throughput", "nginx") if "rps" in r["result"]]
    return int(med(rps) / 2) if rps else 1000


def ok_run(res, key="requests"):
    """A run that produced numbers: some requests, and (almost) no errors or non-2xx answers."""
    n = res.get(key) or 0
    bad = (res.get("errors") or 0) + (res.get("non2xx") or 0)
    return n > 0 and bad <= max(1, n // 100)


def host_noise(recs):
    """Per phase and arm: the median steal % and CPU pressure % over the measured runs."""
    host = {}
    for phase, _ in HOST_PHASES:
        for arm in ARMS:
            hs = [r["host"] for r in recs
                  if r.get("phase") == phase and r.get("arm") == arm and r.get("host")]
            if not hs:
                continue
            steal = [h.get("steal_pct") for h in hs]
            steal_busy = [h.get("steal_busy_pct") for h in hs]  # absent in older records
            psi = [h.get("cpu_pressure_pct") for h in hs]
            host.setdefault(phase, {})[arm] = {
                "steal_pct": med(steal), "steal_busy_pct": med(steal_busy),
                "cpu_pressure_pct": med(psi), "steal_pct_runs": steal,
                "steal_busy_pct_runs": steal_busy, "cpu_pressure_pct_runs": psi}
    return host


def noise_warnings(recs, fig):
    """Why this run's latency tails may be the host's rather than the proxies'."""
    warnings = []
    for phase, label in HOST_PHASES:
        steal = med([r["host"].get("steal_pct") for r in recs
                     if r.get("phase") == phase and r.get("host")])
        if steal is not None and steal > NOISY_STEAL_PCT:
            warnings.append(f"noisy host: median CPU steal {steal:.1f}% during {label} "
                            f"(> {NOISY_STEAL_PCT}%): the hypervisor took CPU time away")
    p99 = fig["arms"]["direct"].get("half_p99_us")
    if p99 is not None and p99 > NOISY_DIRECT_HALF_P99_US:
        warnings.append(f"noisy host: direct's own half-load p99 is {p99:.0f} us "
                        f"(> {NOISY_DIRECT_HALF_P99_US} us) with no proxy at all")
    if warnings:
        warnings.append("the latency-tail figures of this run say more about the host than "
                        "about the proxies: compare medians, or rerun on a quieter host")
    return warnings


def figures(recs, meta):
    fig = {"arms": {}, "relay": {}, "problems": []}
    for arm in ARMS:
        a = {}
        thr = rounds_of(recs, "throughput", arm)
        a["throughput_rps_rounds"] = [round(r["result"].get("rps", 0)) for r in thr]
        a["throughput_rps"] = med([r["result"].get("rps") for r in thr])
        if not thr or not all(ok_run(r["result"]) for r in thr):
            fig["problems"].append(f"{arm}: throughput runs failed or answered errors")
        cpu = [r["cpu_ticks"] / r["clk_tck"] * 1e6 / r["result"]["requests"]
               for r in thr if arm != "direct" and r["result"].get("requests")]
        a["cpu_us_per_request"] = med(cpu)
        for phase, name, key in (("latency_c1", "c1", "requests"), ("latency_half", "half", "recorded")):
            rs = rounds_of(recs, phase, arm)
            a[f"{name}_p50_us"] = med([r["result"].get("p50_us") for r in rs])
            a[f"{name}_p99_us"] = med([r["result"].get("p99_us") for r in rs])
            # An overloaded fixed-rate round (the arm could not keep the rate: expected for a
            # slower arm on a busy machine) is reported in the table, not counted as broken.
            judged = [r for r in rs if not (name == "half" and r["result"].get("overloaded"))]
            if not rs or not all(ok_run(r["result"], key) for r in judged):
                fig["problems"].append(f"{arm}: {phase} runs failed or answered errors")
            if name == "half":
                a["half_overloaded_rounds"] = sum(1 for r in rs if r["result"].get("overloaded"))
                a["half_achieved_rps"] = med([r["result"].get("achieved_rps") for r in rs])
        sse = [r for r in rounds_of(recs, "sse", arm) if "result" in r]
        if sse:
            s = sse[-1]["result"]
            a["sse"] = {k: s.get(k) for k in (
                "streams", "completed", "errors", "non2xx", "events_per_stream", "events_received",
                "events_lost", "events_merged", "events_reordered", "ttfb_p50_us", "ttfb_p99_us",
                "event_p50_us", "event_p99_us", "event_max_us")}
            if not s.get("completed"):
                fig["problems"].append(f"{arm}: no SSE stream completed")
        else:
            fig["problems"].append(f"{arm}: no SSE result")
        for phase, label in (("conns", "bytes_per_idle_connection"), ("sse", "bytes_per_stream")):
            pts = sorted((r["n"], r["kb"]) for r in recs
                         if r.get("phase") == phase and r.get("arm") == arm and r.get("what") == "rss_at")
            if len(pts) >= 2 and pts[-1][0] > pts[0][0]:
                (n1, k1), (n2, k2) = pts[0], pts[-1]
                a[label] = round((k2 - k1) * 1024 / (n2 - n1))
                a[label + "_points"] = pts
        for r in recs:
            if r.get("phase") == "rss" and r.get("arm") == arm:
                a[f"rss_{r['what']}_mb"] = round(r["kb"] / 1024, 1)
        fig["arms"][arm] = a

    d, rl, ng = (fig["arms"][k] for k in ARMS)

    def ratio(x, y):
        return round(x / y, 3) if x and y else None

    def diff(x, y):
        return round(x - y, 1) if x is not None and y is not None else None

    rel = fig["relay"]
    rel["throughput_vs_nginx"] = ratio(rl["throughput_rps"], ng["throughput_rps"])
    rel["throughput_vs_direct"] = ratio(rl["throughput_rps"], d["throughput_rps"])
    rel["nginx_throughput_vs_direct"] = ratio(ng["throughput_rps"], d["throughput_rps"])
    for arm, a in (("relay", rl), ("nginx", ng)):
        pre = "" if arm == "relay" else "nginx_"
        for k in ("c1_p50_us", "c1_p99_us", "half_p50_us", "half_p99_us"):
            rel[f"{pre}added_{k}"] = diff(a.get(k), d.get(k))
        if a.get("sse") and d.get("sse"):
            for k in ("ttfb_p50_us", "ttfb_p99_us", "event_p50_us", "event_p99_us"):
                rel[f"{pre}sse_added_{k}"] = diff(a["sse"].get(k), d["sse"].get(k))
    rel["cpu_us_per_request"] = round(rl["cpu_us_per_request"], 1) if rl.get("cpu_us_per_request") else None
    rel["idle_rss_mb"] = rl.get("rss_idle_mb")
    rel["rss_after_load_mb"] = rl.get("rss_after_load_mb")
    rel["bytes_per_idle_connection"] = rl.get("bytes_per_idle_connection")
    rel["bytes_per_stream"] = rl.get("bytes_per_stream")
    s = rl.get("sse") or {}
    rel["sse_streams"] = s.get("streams")
    rel["sse_events_lost"] = (s.get("events_lost") or 0) + (s.get("events_merged") or 0) + \
        (s.get("events_reordered") or 0) if s else None
    rel["sse_added_event_p99_us"] = rel.get("sse_added_event_p99_us")
    rel["startup_to_health_ms"] = [r["result"]["ms"] for r in recs
                                   if r.get("phase") == "startup" and "ms" in r.get("result", {})]
    starts = rel["startup_to_health_ms"]
    rel["startup_median_ms"] = startup_median(starts)
    rel["startup_slowest_ms"] = max(starts) if starts else None
    fig["targets"] = {}
    for k, (op, want) in TARGETS.items():
        v = rel.get(k)
        ok = None if v is None else (v >= want if op == ">=" else v <= want)
        fig["targets"][k] = {"value": v, "target": f"{op} {want}", "met": ok}
    fig["host"] = host_noise(recs)
    fig["warnings"] = noise_warnings(recs, fig)
    fig["meta"] = meta
    return fig


def fmt(v, unit=""):
    if v is None:
        return "-"
    if isinstance(v, float):
        v = round(v, 1) if abs(v) >= 10 else round(v, 2)
    return f"{v}{unit}"


def host_block(fig, lines, w):
    """Host noise per phase and arm: median steal % (of all CPU time and of busy time) / CPU
    pressure % over the phase's runs."""
    host = fig.get("host") or {}
    if not host:
        return
    lines.append("")
    lines.append(f"{'host noise (median of runs)':<{w}}{'direct':>15}{'relay':>15}{'nginx':>15}"
                 "   steal % all/busy, CPU pressure %")
    psi_seen = False
    for phase, label in HOST_PHASES:
        if phase not in host:
            continue
        cells = []
        for arm in ARMS:
            h = host[phase].get(arm)
            if not h:
                cells.append("-")
                continue
            psi_seen = psi_seen or h["cpu_pressure_pct"] is not None
            cells.append(f"{fmt_pct(h['steal_pct'])}/{fmt_pct(h.get('steal_busy_pct'))}"
                         f"/{fmt_pct(h['cpu_pressure_pct'])}")
        lines.append(f"{'  ' + label:<{w}}" + "".join(f"{c:>15}" for c in cells))
    lines.append("  steal: share of all CPU time the hypervisor took (/proc/stat), then of the busy time")
    lines.append("  alone (an idle phase dilutes the first); CPU pressure: share of wall time in which")
    lines.append("  some runnable task waited for a CPU (/proc/pressure/cpu \"some\")")
    if not psi_seen:
        lines.append("  CPU pressure: not available, /proc/pressure/cpu is absent (kernel without PSI)")


def fmt_pct(v):
    return "-" if v is None else f"{v:.1f}"


def table(fig):
    m = fig["meta"]
    d, rl, ng = (fig["arms"][k] for k in ARMS)
    rel, tg = fig["relay"], fig["targets"]
    lines = []
    mach = m["machine"]
    lines.append(f"relay benchmark  {m['date']}  relay {m['versions']['relay']}  nginx {m['versions']['nginx']}"
                 f"  wrk {m['versions']['wrk']}")
    lines.append(f"machine: {mach['nproc']} x {mach['cpu']}, kernel {mach['kernel']}, "
                 f"load average at end {mach['load_avg_at_end']}")
    st = m["settings"]
    lines.append(f"{'quick' if st['quick'] else 'full'} run: {st['rounds']} interleaved rounds of "
                 f"{st['seconds']} s, body {st['body_bytes']} bytes, {st['workers']} worker(s) each; "
                 f"half load = {st['half_rate']} req/s; relay busy_poll_us {st.get('relay_busy_poll_us', 0)}")
    lines.append("")
    w = 34
    lines.append(f"{'figure':<{w}}{'direct':>12}{'relay':>12}{'nginx':>12}   relay target")

    def mark(k):
        t = tg.get(k)
        if not t:
            return ""
        return f"   {t['target']:<9} {'ok' if t['met'] else ('MISS' if t['met'] is False else '?')}"

    def row(label, dv, rv, nv, k=None):
        lines.append(f"{label:<{w}}{fmt(dv):>12}{fmt(rv):>12}{fmt(nv):>12}{mark(k) if k else ''}")

    row("throughput (req/s, median)", d["throughput_rps"], rl["throughput_rps"], ng["throughput_rps"])
    row("  x nginx", None, rel["throughput_vs_nginx"], 1.0, "throughput_vs_nginx")
    row("  x direct", 1.0, rel["throughput_vs_direct"], rel["nginx_throughput_vs_direct"])
    row("latency c=1 p50 (us)", d["c1_p50_us"], rl["c1_p50_us"], ng["c1_p50_us"])
    row("latency c=1 p99 (us)", d["c1_p99_us"], rl["c1_p99_us"], ng["c1_p99_us"])
    row("  added c=1 p50 (us)", None, rel["added_c1_p50_us"], rel["nginx_added_c1_p50_us"], "added_c1_p50_us")
    row("  added c=1 p99 (us)", None, rel["added_c1_p99_us"], rel["nginx_added_c1_p99_us"], "added_c1_p99_us")
    row("latency half load p50 (us)", d["half_p50_us"], rl["half_p50_us"], ng["half_p50_us"])
    row("latency half load p99 (us)", d["half_p99_us"], rl["half_p99_us"], ng["half_p99_us"])
    row("  added half load p99 (us)", None, rel["added_half_p99_us"], rel["nginx_added_half_p99_us"],
        "added_half_p99_us")
    row("  achieved (req/s, median)", d["half_achieved_rps"], rl["half_achieved_rps"],
        ng["half_achieved_rps"])
    row("  overloaded rounds", d["half_overloaded_rounds"], rl["half_overloaded_rounds"],
        ng["half_overloaded_rounds"])
    row("CPU per request (us)", None, rel["cpu_us_per_request"],
        round(ng["cpu_us_per_request"], 1) if ng.get("cpu_us_per_request") else None, "cpu_us_per_request")
    row("RSS idle (MB)", None, rl.get("rss_idle_mb"), ng.get("rss_idle_mb"), "idle_rss_mb")
    row("RSS after load (MB)", None, rl.get("rss_after_load_mb"), None)
    row(f"bytes per idle connection", None, rl.get("bytes_per_idle_connection"),
        ng.get("bytes_per_idle_connection"), "bytes_per_idle_connection")
    row(f"bytes per in-flight stream", None, rl.get("bytes_per_stream"), ng.get("bytes_per_stream"),
        "bytes_per_stream")
    ds, rs, ns = d.get("sse") or {}, rl.get("sse") or {}, ng.get("sse") or {}
    row("SSE streams completed", f"{ds.get('completed')}/{ds.get('streams')}",
        f"{rs.get('completed')}/{rs.get('streams')}", f"{ns.get('completed')}/{ns.get('streams')}")
    row("SSE lost/merged/reordered", f"{ds.get('events_lost')}/{ds.get('events_merged')}/{ds.get('events_reordered')}",
        f"{rs.get('events_lost')}/{rs.get('events_merged')}/{rs.get('events_reordered')}",
        f"{ns.get('events_lost')}/{ns.get('events_merged')}/{ns.get('events_reordered')}", "sse_events_lost")
    row("SSE TTFB p50 (us)", ds.get("ttfb_p50_us"), rs.get("ttfb_p50_us"), ns.get("ttfb_p50_us"))
    row("SSE TTFB p99 (us)", ds.get("ttfb_p99_us"), rs.get("ttfb_p99_us"), ns.get("ttfb_p99_us"))
    row("  added TTFB p50 (us)", None, rel.get("sse_added_ttfb_p50_us"), rel.get("nginx_sse_added_ttfb_p50_us"))
    row("SSE per-event p50 (us)", ds.get("event_p50_us"), rs.get("event_p50_us"), ns.get("event_p50_us"))
    row("SSE per-event p99 (us)", ds.get("event_p99_us"), rs.get("event_p99_us"), ns.get("event_p99_us"))
    row("  added per-event p99 (us)", None, rel.get("sse_added_event_p99_us"),
        rel.get("nginx_sse_added_event_p99_us"), "sse_added_event_p99_us")
    # Every start of the run counts: the median says how long the relay takes to start, the
    # slowest whether one start waited on something. Round 10 showed the fastest of two starts
    # instead, taking the slow ones (29-590 ms) for the machine's; they were the relay's own:
    # it sized its descriptor table after the log writer's thread started, and waited for an
    # RCU grace period (core/server_descriptors.h).
    row("start to first /health 200 (ms)", None, rel.get("startup_median_ms"), None)
    row("  slowest of the run's starts (ms)", None, rel.get("startup_slowest_ms"), None)
    host_block(fig, lines, w)
    lines.append("")
    lines.append(f"throughput rounds (req/s): direct {d['throughput_rps_rounds']}, "
                 f"relay {rl['throughput_rps_rounds']}, nginx {ng['throughput_rps_rounds']}")
    lines.append("targets are informational; they do not change the exit status")
    for warning in fig["warnings"]:
        lines.append(f"WARNING: {warning}")
    for p in fig["problems"]:
        lines.append(f"PROBLEM: {p}")
    return "\n".join(lines)


def main():
    if sys.argv[1] == "--half-rate":
        print(half_rate(load(sys.argv[2])))
        return 0
    recs = load(sys.argv[1])
    with open(sys.argv[2]) as f:
        meta = json.load(f)
    fig = figures(recs, meta)
    fig["raw"] = recs
    with open(sys.argv[3], "w") as f:
        json.dump(fig, f, indent=1)
    print(table(fig))
    print(f"\nJSON: {sys.argv[3]}")
    return 1 if fig["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
