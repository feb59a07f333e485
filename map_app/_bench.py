"""``make bench``: measure speed and memory, print them and record ``bench-results.json``.

Every figure is measured in this run, next to a baseline measured in the same run, so results
from machines of different speed stay comparable as ratios.
"""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from ._paths import data_dir

RESULTS = data_dir().parent / "bench-results.json"

_LOAD_PROBE = r"""
import resource, sys, time, json
t = time.perf_counter()
from map_app.gazetteer import load_gazetteer
g = load_gazetteer()
g.lookup("Sumy")
load = time.perf_counter() - t
for name in ["Andriivka", "Kyiv", "Washington", "Springfield", "San Jose"] * 200:
    g.lookup(name)
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"load_s": load, "rss_mb": rss}))
"""

_BASELINE_PROBE = r"""
import resource, time, json
t = time.perf_counter()
import numpy
print(json.dumps({"load_s": time.perf_counter() - t,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _probe(code: str, runs: int = 5) -> dict:
    out = []
    for _ in range(runs):
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True)
        out.append(json.loads(r.stdout.strip().splitlines()[-1]))
    return {k: statistics.median(o[k] for o in out) for k in out[0]}


def bench_gazetteer() -> dict:
    """Cold load of the gazetteer in fresh processes (median of 5) and its peak RSS."""
    g = _probe(_LOAD_PROBE)
    base = _probe(_BASELINE_PROBE)
    return {
        "gazetteer_load_s": round(g["load_s"], 4),
        "gazetteer_rss_mb": round(g["rss_mb"], 1),
        "baseline_numpy_import_s": round(base["load_s"], 4),
        "baseline_numpy_rss_mb": round(base["rss_mb"], 1),
        "gazetteer_load_vs_numpy_import": round(g["load_s"] / base["load_s"], 2),
    }


TARGETS = {"gazetteer_load_s": ("<=", 0.5), "gazetteer_rss_mb": ("<=", 300)}


def main() -> int:
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    t0 = time.perf_counter()
    results.update(bench_gazetteer())
    results["bench_run_at"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    for k in sorted(results):
        target = TARGETS.get(k)
        mark = ""
        if target:
            op, v = target
            ok = results[k] <= v if op == "<=" else results[k] >= v
            mark = f"   target {op} {v}: {'ok' if ok else 'MISSED'}"
        print(f"{k:40s} {results[k]}{mark}")
    print(f"(bench took {time.perf_counter() - t0:.1f} s; written to {RESULTS})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
