"""bench/compare.py: which changes between two bench/run results count as regressions.

Run: python3 -m unittest discover -s tests/bench -p '*_test.py' (scripts/test does).
"""
import copy
import json
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "bench"))
import compare  # noqa: E402


def result(**relay):
    """A bench/run result shaped like summarize.py's, with the figures compare.py reads."""
    fig = {
        "arms": {"relay": {"cpu_us_per_request": 26.0}, "nginx": {"cpu_us_per_request": 26.0},
                 "direct": {}},
        "relay": {"throughput_vs_nginx": 1.0, "cpu_us_per_request": 26.0, "added_c1_p50_us": 2.0,
                  "added_c1_p99_us": 120.0, "added_half_p99_us": 5000.0,
                  "sse_added_event_p99_us": 600.0, "idle_rss_mb": 9.0,
                  "bytes_per_idle_connection": 1400, "bytes_per_stream": 10500,
                  "sse_events_lost": 0, "startup_to_health_ms": [30.0, 25.0]},
        "warnings": [],
        "meta": {"date": "2026-12-02T14:52:05Z",
                 "machine": {"nproc": 2, "cpu": "AMD EPYC"},
                 "versions": {"relay": "abc", "relay_build": "build (release)"},
                 "settings": {"quick": False, "rounds": 5, "seconds": 5, "workers": 1,
                              "relay_busy_poll_us": 50, "body_bytes": 21178}},
    }
    fig["relay"].update(relay)
    return fig


def verdicts(base, now):
    lines, regressed = compare.compare(base, now)
    out = {}
    for label, _, _ in compare.FIGURES:
        line = next(x for x in lines if x.startswith(label))
        out[label] = line.split()[-1]
    return out, regressed, lines


class CompareTest(unittest.TestCase):
    def test_the_same_figures_regress_nothing(self):
        v, regressed, lines = verdicts(result(), result())
        self.assertEqual(regressed, [])
        self.assertEqual(lines[-1], "no regression")
        self.assertEqual(v["throughput / nginx"], "ok")
        self.assertEqual(v["added c=1 p99 (us)"], "-")  # shown, never judged

    def test_throughput_against_nginx_beyond_the_tolerance_regresses(self):
        _, regressed, lines = verdicts(result(), result(throughput_vs_nginx=0.85))
        self.assertEqual(regressed, ["throughput / nginx"])
        self.assertEqual(lines[-1], "REGRESSED: throughput / nginx")
        _, regressed, _ = verdicts(result(), result(throughput_vs_nginx=0.93))
        self.assertEqual(regressed, [])  # within the machine's noise
        v, _, _ = verdicts(result(), result(throughput_vs_nginx=1.2))
        self.assertEqual(v["throughput / nginx"], "better")

    def test_cpu_is_judged_against_nginx_of_the_same_run_not_absolutely(self):
        # Both arms slower on a slower host: the ratio is unchanged, nothing regressed.
        now = result(cpu_us_per_request=35.0)
        now["arms"]["relay"]["cpu_us_per_request"] = 35.0
        now["arms"]["nginx"]["cpu_us_per_request"] = 35.0
        _, regressed, _ = verdicts(result(), now)
        self.assertEqual(regressed, [])
        # The relay alone slower: 30 against nginx's 26 is +15%.
        now["arms"]["nginx"]["cpu_us_per_request"] = 26.0
        now["arms"]["relay"]["cpu_us_per_request"] = 30.0
        _, regressed, _ = verdicts(result(), now)
        self.assertEqual(regressed, ["CPU per request / nginx's"])

    def test_memory_needs_both_the_share_and_the_floor(self):
        _, regressed, _ = verdicts(result(), result(bytes_per_idle_connection=1600))
        self.assertEqual(regressed, ["RSS per idle connection (B)"])
        # +12% of a tiny figure is below the 64-byte floor: noise.
        _, regressed, _ = verdicts(result(bytes_per_idle_connection=400),
                                   result(bytes_per_idle_connection=450))
        self.assertEqual(regressed, [])
        _, regressed, _ = verdicts(result(), result(idle_rss_mb=10.5, bytes_per_stream=12000))
        self.assertEqual(regressed, ["idle RSS (MB)", "RSS per in-flight stream (B)"])

    def test_any_lost_event_regresses(self):
        _, regressed, _ = verdicts(result(), result(sse_events_lost=1))
        self.assertEqual(regressed, ["SSE events lost/merged/reordered"])

    def test_startup_judges_the_median_start_with_a_generous_bound(self):
        # Base: median of [30, 25] = 27.5 ms; the bound is max(2 x 27.5, 27.5 + 50) = 77.5 ms.
        _, regressed, _ = verdicts(result(), result(startup_to_health_ms=[20.0, 25.0, 600.0]))
        self.assertEqual(regressed, [])  # one slow start does not decide it
        _, regressed, _ = verdicts(result(), result(startup_to_health_ms=[70.0, 300.0, 20.0]))
        self.assertEqual(regressed, [])  # median 70 ms: within the bound
        _, regressed, _ = verdicts(result(), result(startup_to_health_ms=[20.0, 90.0, 95.0]))
        self.assertEqual(regressed, ["start to first /health (ms), median"])

    def test_a_figure_missing_from_one_run_is_not_judged(self):
        now = result(throughput_vs_nginx=None)
        v, regressed, _ = verdicts(result(), now)
        self.assertEqual(v["throughput / nginx"], "-")
        self.assertEqual(regressed, [])

    def test_runs_that_measure_different_things_are_noted(self):
        now = result()
        now["meta"]["settings"]["relay_busy_poll_us"] = 0
        now["meta"]["versions"]["relay_build"] = "build-asan (debug)"
        now["warnings"] = ["noisy host: ..."]
        _, _, lines = verdicts(result(), now)
        self.assertIn("note: settings differ: relay_busy_poll_us 50 -> 0", lines)
        self.assertIn("note: now is not a release build (build-asan (debug))", lines)
        self.assertIn("note: now run warned of a noisy host", lines)

    def test_the_command_exits_1_on_a_regression_and_2_on_an_unreadable_file(self):
        script = os.path.join(ROOT, "bench", "compare.py")
        with tempfile.TemporaryDirectory() as d:
            base, now, bad = (os.path.join(d, n) for n in ("base.json", "now.json", "bad.json"))
            with open(base, "w") as f:
                json.dump(result(), f)
            worse = copy.deepcopy(result(sse_events_lost=3))
            with open(now, "w") as f:
                json.dump(worse, f)
            with open(bad, "w") as f:
                f.write('{"not": "a result"}')
            run = lambda *a: subprocess.run([sys.executable, script, *a], capture_output=True,
                                            text=True)
            self.assertEqual(run(base, base).returncode, 0)
            r = run(base, now)
            self.assertEqual(r.returncode, 1)
            self.assertIn("REGRESSED: SSE events lost/merged/reordered", r.stdout)
            r = run(base, bad)
            self.assertEqual(r.returncode, 2)
            self.assertIn("not a bench/run result", r.stderr)


if __name__ == "__main__":
    unittest.main()
