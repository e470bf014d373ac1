#!/usr/bin/env python3
"""Do a run's latency tails come in bursts or spread evenly? Reads the per-request traces that
`bench/run --trace DIR` keeps (httpbench rate with HTTPBENCH_TRACE: one line per request,
"<due time in us since the start> <latency in us>") and prints, per file:

  - p50 / p99 / max latency and the number of requests;
  - slow windows: the run cut into 10 ms windows by due time, those whose slowest request took
    more than 1 ms, as a count and as a share of all windows;
  - stalls: runs of consecutive slow windows, their number, the longest, and the median gap
    between the starts of two stalls;
  - the share of the requests slower than the p99 that fall in slow windows, and how many
    windows hold them against how many they would touch if they were spread evenly at random
    (when the p99 itself is above 1 ms, every such request is in a slow window by definition:
    then the window count is the figure that tells bursts from spread).

A host that stalls the whole machine now and then (CPU steal, processes queued behind each other
on a shared core) puts most of the tail in a few percent of the windows; a proxy that is slow on
every request spreads it. Standard library only.

  bench/tail-windows.py TRACE...
"""
import statistics
import sys

WINDOW_US = 10_000  # 10 ms: shorter than the stalls seen on the bench VM (~8 ms and up)
SLOW_US = 1_000  # a window is slow when its slowest request took more than this


def load(path):
    reqs = []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2:
                reqs.append((float(parts[0]), float(parts[1])))
    return reqs


def nearest_rank(sorted_values, p):
    i = min(int(p / 100 * len(sorted_values)), len(sorted_values) - 1)
    return sorted_values[i]


def analyse(reqs):
    lats = sorted(lat for _, lat in reqs)
    p50, p99 = nearest_rank(lats, 50), nearest_rank(lats, 99)
    first = min(due for due, _ in reqs)
    last = max(due for due, _ in reqs)
    nwin = int((last - first) // WINDOW_US) + 1
    worst = [0.0] * nwin
    for due, lat in reqs:
        w = int((due - first) // WINDOW_US)
        worst[w] = max(worst[w], lat)
    slow = [m > SLOW_US for m in worst]
    # Stalls: maximal runs of consecutive slow windows, as (first window, length).
    stalls, start = [], None
    for i, s in enumerate(slow + [False]):
        if s and start is None:
            start = i
        elif not s and start is not None:
            stalls.append((start, i - start))
            start = None
    gaps = [(b[0] - a[0]) * WINDOW_US / 1000 for a, b in zip(stalls, stalls[1:])]
    tail = [(due, lat) for due, lat in reqs if lat > p99]
    in_slow = sum(1 for due, _ in tail if slow[int((due - first) // WINDOW_US)])
    tail_windows = len({int((due - first) // WINDOW_US) for due, _ in tail})
    # T requests dropped at random into N windows touch N * (1 - (1 - 1/N)^T) of them.
    spread = nwin * (1 - (1 - 1 / nwin) ** len(tail))
    return {
        "requests": len(reqs), "p50": p50, "p99": p99, "max": lats[-1],
        "windows": nwin, "slow_windows": sum(slow),
        "stalls": len(stalls),
        "longest_stall_ms": max((n for _, n in stalls), default=0) * WINDOW_US / 1000,
        "median_gap_ms": statistics.median(gaps) if gaps else None,
        "tail": len(tail), "tail_in_slow": in_slow,
        "tail_windows": tail_windows, "tail_windows_if_spread": spread,
    }


def pct(part, whole):
    return f"{100 * part / whole:.1f}%" if whole else "-"


def main(paths):
    if not paths:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    status = 0
    for path in paths:
        try:
            reqs = load(path)
        except (OSError, ValueError) as e:
            print(f"{path}: {e}", file=sys.stderr)
            status = 1
            continue
        if not reqs:
            print(f"{path}: no requests")
            continue
        a = analyse(reqs)
        gap = "-" if a["median_gap_ms"] is None else f"{a['median_gap_ms']:.0f} ms"
        print(f"{path}: {a['requests']} requests, p50 {a['p50']:.0f} us, p99 {a['p99']:.0f} us, "
              f"max {a['max']:.0f} us")
        print(f"  {WINDOW_US // 1000} ms windows slower than {SLOW_US} us: {a['slow_windows']} of "
              f"{a['windows']} ({pct(a['slow_windows'], a['windows'])}); stalls (consecutive slow "
              f"windows): {a['stalls']}, longest {a['longest_stall_ms']:.0f} ms, median gap "
              f"between stall starts {gap}")
        print(f"  requests above p99: {a['tail']}, of which in slow windows {a['tail_in_slow']} "
              f"({pct(a['tail_in_slow'], a['tail'])}); they fall in {a['tail_windows']} windows "
              f"(spread at random: about {a['tail_windows_if_spread']:.0f})")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
