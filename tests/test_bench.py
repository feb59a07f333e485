"""The benchmark command's arguments (the benchmarks themselves run in ``make bench``)."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _chosen(*names: str) -> subprocess.CompletedProcess:
    code = f"from benchmarks.bench import chosen; print(sorted(chosen({list(names)!r})))"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True)


def test_a_bare_make_bench_runs_every_benchmark():
    r = _chosen()
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(sorted(
        ["gazetteer", "border", "front", "geoparse", "parse", "map", "dask"]))


def test_named_benchmarks_and_an_unknown_one():
    assert _chosen("map", "dask").stdout.strip() == "['dask', 'map']"
    r = _chosen("maps")
    assert r.returncode == 2 and "unknown benchmark 'maps'" in r.stderr
    assert "Traceback" not in r.stderr
