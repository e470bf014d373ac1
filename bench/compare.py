#!/usr/bin/env python3
"""Compares two bench/run results and says what regressed (see README, "Performance").

Usage: bench/compare.py BASE.json NOW.json   (or bench/run --baseline BASE.json)
       bench/compare.py --check FILE.json     (exit 0 if it is a result compare can read)

Absolute figures move with the host (the same code measured 25.4-35 us of CPU per request for
nginx on one day), so speed is judged as the relay against the nginx arm of the same run:
throughput / nginx's and CPU per request / nginx's. Memory is the relay's own and judged as it
is. Latency tails are shown but not judged: they are the host's as often as the relay's (the
table's host-noise warnings). Exit status: 0 when nothing regressed, 1 when something did,
2 when a file cannot be read.
"""
import json
import sys

from summarize import startup_median  # the same figure as the run's table

# How far a figure may move the wrong way before it counts as a regression. Four full runs of
# 5 rounds of 5 s on one host (rounds 8-10 of issue 12; the relay's code changed little between
# them) spread throughput / nginx's over 0.915-0.974 and CPU / nginx's over 1.09-1.16 (about
# +-3%), but a fifth, in round 12, measured 1.22 and 0.84: single 5 s rounds ranged over
# 0.80-1.35 within it. Runs of 12 rounds of 2 s (bench/run's default since round 12) measured
# 0.96 and 0.96, CPU 1.12 and 1.10, an hour after that one. The memory figures moved by 2% at most.
# 10% leaves room for a noisier host and still catches a real step.
SPEED_TOLERANCE = 0.10
MEMORY_TOLERANCE = 0.10
# Start-up: several starts per run, their median is judged; flagged only when clearly slower.
STARTUP_FACTOR = 2.0
STARTUP_FLOOR_MS = 50.0
# Settings that make two runs measure different things.
SETTINGS = ("quick", "rounds", "seconds", "workers", "relay_busy_poll_us", "body_bytes",
            "conn_steps", "sse_steps", "sse_interval_ms")


def load(path):
    with open(path) as f:
        fig = json.load(f)
    if not isinstance(fig, dict) or "relay" not in fig or "arms" not in fig:
        raise ValueError(f"{path}: not a bench/run result (no 'relay' and 'arms')")
    return fig


def cpu_vs_nginx(fig):
    relay = fig["arms"].get("relay", {}).get("cpu_us_per_request")
    nginx = fig["arms"].get("nginx", {}).get("cpu_us_per_request")
    return round(relay / nginx, 3) if relay and nginx else None


def median_start(fig):
    # From the list of starts, which every run's JSON has (startup_median_ms only since round 11).
    return startup_median(fig["relay"].get("startup_to_health_ms") or [])


def relay(key):
    return lambda fig: fig["relay"].get(key)


# (label, value of a result, how it is judged)
#   "higher": a speed ratio, worse when lower; "lower": a speed ratio, worse when higher;
#   ("memory", floor): worse when higher beyond MEMORY_TOLERANCE and by at least the floor (below
#     it a change is noise in absolute terms, whatever its share: a page more or less);
#   "none": events lost, merged or reordered, worse when any; "startup"; "shown": not judged.
FIGURES = (
    ("throughput / nginx", relay("throughput_vs_nginx"), "higher"),
    ("CPU per request / nginx's", cpu_vs_nginx, "lower"),
    ("CPU per request (us)", relay("cpu_us_per_request"), "shown"),
    ("added c=1 p50 (us)", relay("added_c1_p50_us"), "shown"),
    ("added c=1 p99 (us)", relay("added_c1_p99_us"), "shown"),
    ("added half load p99 (us)", relay("added_half_p99_us"), "shown"),
    ("SSE added per-event p99 (us)", relay("sse_added_event_p99_us"), "shown"),
    ("idle RSS (MB)", relay("idle_rss_mb"), ("memory", 0.5)),
    ("RSS per idle connection (B)", relay("bytes_per_idle_connection"), ("memory", 64)),
    ("RSS per in-flight stream (B)", relay("bytes_per_stream"), ("memory", 512)),
    ("SSE events lost/merged/reordered", relay("sse_events_lost"), "none"),
    ("start to first /health (ms), median", median_start, "startup"),
)


def verdict(how, base, now):
    """'REGRESSED', 'better', 'ok', or '-' (not judged or not measured in both runs)."""
    if how == "shown" or base is None or now is None:
        return "-"
    if how == "none":
        return "REGRESSED" if now > 0 else "ok"
    if how == "higher":
        return ("REGRESSED" if now < base * (1 - SPEED_TOLERANCE)
                else "better" if now > base * (1 + SPEED_TOLERANCE) else "ok")
    if how == "lower":
        return ("REGRESSED" if now > base * (1 + SPEED_TOLERANCE)
                else "better" if now < base * (1 - SPEED_TOLERANCE) else "ok")
    if isinstance(how, tuple):  # ("memory", floor)
        floor = how[1]
        if now > base * (1 + MEMORY_TOLERANCE) and now - base >= floor:
            return "REGRESSED"
        if now < base * (1 - MEMORY_TOLERANCE) and base - now >= floor:
            return "better"
        return "ok"
    if how == "startup":
        return "REGRESSED" if now > max(base * STARTUP_FACTOR, base + STARTUP_FLOOR_MS) else "ok"
    raise ValueError(how)


def fmt(v):
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.3g}" if abs(v) < 10 else f"{v:,.1f}"
    return f"{v:,}"


def change(label, base, now):
    """The change as a share, or for latencies (added over direct, often near or below 0) in us."""
    if base is None or now is None:
        return ""
    if label.endswith("(us)"):
        return f"{now - base:+,.0f}"
    if base == 0:
        return "" if now == 0 else "new"
    return f"{100 * (now - base) / abs(base):+.0f}%"


def describe(fig):
    meta = fig.get("meta") or {}
    versions = meta.get("versions") or {}
    return f"{meta.get('date', '?')}, relay {versions.get('relay', '?')}"


def notes(base, now):
    """Why the two runs may not be comparable."""
    out = []
    bs = (base.get("meta") or {}).get("settings") or {}
    ns = (now.get("meta") or {}).get("settings") or {}
    for k in SETTINGS:
        if bs.get(k) != ns.get(k):
            out.append(f"settings differ: {k} {bs.get(k)} -> {ns.get(k)}")
    bm = (base.get("meta") or {}).get("machine") or {}
    nm = (now.get("meta") or {}).get("machine") or {}
    for k in ("nproc", "cpu"):
        if bm.get(k) != nm.get(k):
            out.append(f"machines differ: {k} {bm.get(k)} -> {nm.get(k)}")
    for name, fig in (("base", base), ("now", now)):
        build = ((fig.get("meta") or {}).get("versions") or {}).get("relay_build", "")
        if build and "(release)" not in build:
            out.append(f"{name} is not a release build ({build})")
        if fig.get("warnings"):
            out.append(f"{name} run warned of a noisy host")
    return out


def compare(base, now):
    """The report's lines and the labels of the figures that regressed."""
    w = 34
    lines = [f"against {describe(base)}  (now: {describe(now)})",
             f"{'figure':<{w}}{'base':>10}{'now':>10}{'change':>9}  verdict"]
    regressed = []
    for label, value, how in FIGURES:
        b, n = value(base), value(now)
        v = verdict(how, b, n)
        if v == "REGRESSED":
            regressed.append(label)
        lines.append(f"{label:<{w}}{fmt(b):>10}{fmt(n):>10}{change(label, b, n):>9}  {v}")
    lines.append("speed is judged against the nginx arm of the same run (tolerance "
                 f"{SPEED_TOLERANCE:.0%}), memory as measured ({MEMORY_TOLERANCE:.0%}); '-': not judged")
    lines.extend(f"note: {n}" for n in notes(base, now))
    if regressed:
        lines.append(f"REGRESSED: {', '.join(regressed)}")
    else:
        lines.append("no regression")
    return lines, regressed


def main(argv):
    usage = "\n".join(__doc__.strip().splitlines()[2:4])
    if len(argv) == 3 and argv[1] == "--check":
        try:
            load(argv[2])
        except (OSError, ValueError) as e:
            print(f"bench/compare.py: {e}", file=sys.stderr)
            return 2
        return 0
    if len(argv) != 3:
        print(usage, file=sys.stderr)
        return 2
    try:
        base, now = load(argv[1]), load(argv[2])
    except (OSError, ValueError) as e:  # json.JSONDecodeError is a ValueError
        print(f"bench/compare.py: {e}", file=sys.stderr)
        return 2
    lines, regressed = compare(base, now)
    print("\n".join(lines))
    return 1 if regressed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
