"""Benchmark of :mod:`map_app.distance` (``make bench``).

:func:`bench_border` measures the fast kernel against a naive per-point geopy loop in the same
run, and its error against ``tests/reference.py``'s ``geod_brute_force``, an independent brute
force with :meth:`pyproj.Geod.inv` over the same border geometry.
"""
from __future__ import annotations

import time

import numpy as np
import shapely

from map_app import borders as _borders
from tests.reference import geod_brute_force, points_near_border

__all__ = ["TARGETS", "bench_border", "bench_front"]

#: Targets of the issue, in the form of ``benchmarks.bench.TARGETS``.
TARGETS = {
    "border_points_per_s": (">=", 1_000_000),
    "border_speedup_vs_naive": (">=", 100),
    "border_max_rel_error": ("<=", 0.001),
}

def _naive_rate(points: int = 4) -> float:
    """Points per second of a per-point geopy loop over the RU-UA border's vertices."""
    from geopy.distance import geodesic

    verts = [(y, x) for x, y in shapely.get_coordinates(
        _borders.load_borders("de_jure").set_index("pair").geometry["RU-UA"])]
    rng = np.random.default_rng(3)
    pts = list(zip(rng.uniform(44, 53, points), rng.uniform(30, 41, points)))
    t = time.perf_counter()
    for p in pts:
        min(geodesic(p, v).km for v in verts)
    return points / (time.perf_counter() - t)


def bench_border(n_europe: int = 1_000_000, n_world: int = 200_000, repeats: int = 3,
                 n_accuracy: int = 200) -> dict:
    """Throughput of :func:`map_app.distance.border_distance`, the naive baseline and the error.

    The kernel runs on ``n_europe`` uniform points in lon 20..45, lat 43..56 plus ``n_world``
    uniform on the sphere, single-threaded, best of ``repeats`` after a first call that builds
    the index (timed separately as ``border_index_build_s``). The naive baseline loops over
    the RU-UA border's vertices with :func:`geopy.distance.geodesic` for a few points.

    ``border_max_rel_error`` is over ``n_accuracy`` points 0.5..200 km from RU-UA border
    vertices, those at least 2 km from the line (nearer, the guarantee is the absolute
    :data:`map_app.distance.ABS_FLOOR_KM`); ``border_max_abs_error_m`` is over all of them.
    """
    from map_app.distance import ABS_FLOOR_KM, border_distance

    rng = np.random.default_rng(0)
    lon = np.r_[rng.uniform(20, 45, n_europe), rng.uniform(-180, 180, n_world)]
    lat = np.r_[rng.uniform(43, 56, n_europe), np.degrees(np.arcsin(rng.uniform(-1, 1, n_world)))]
    t = time.perf_counter()
    border_distance(lon, lat)
    build = time.perf_counter() - t
    best = np.inf
    for _ in range(repeats):
        t = time.perf_counter()
        border_distance(lon, lat)
        best = min(best, time.perf_counter() - t)
    ours = len(lon) / best
    naive = _naive_rate()

    plon, plat = points_near_border(n_accuracy)
    got, _ = border_distance(plon, plat, border="RU-UA")
    ref = geod_brute_force(plon, plat, border="RU-UA")
    err = np.abs(got - ref)
    # relative error is meaningless metres from the line: there the floor is absolute
    rel = err[ref >= 100 * ABS_FLOOR_KM] / ref[ref >= 100 * ABS_FLOOR_KM]
    return {
        "border_points_per_s": round(ours),
        "border_bench_points": len(lon),
        "border_index_build_s": round(build, 2),
        "border_naive_points_per_s": round(naive, 2),
        "border_speedup_vs_naive": round(ours / naive),
        "border_max_rel_error": float(f"{rel.max():.3g}"),
        "border_max_abs_error_m": float(f"{1000 * err.max():.3g}"),
    }


if __name__ == "__main__":
    import json

    print(json.dumps(bench_border(), indent=1))


#: The front benchmark's targets (issue 16).
TARGETS.update({
    "front_points_per_s": (">=", 1_000_000),
    "front_history_730_warm_s": ("<=", 2.0),
})
FRONTLINE = __import__("pathlib").Path(__file__).resolve().parents[2] / "shared" / "data" / \
    "frontline"


def bench_front(n: int = 1_200_000, naive: int = 2_000) -> dict:
    """Distance to the line of contact of a real snapshot (the development snapshots in
    ``../shared/data/frontline``; skipped without them): points per second of
    :class:`map_app.distance.Lines` against a shapely ``distance`` loop in the same run, and
    the time to open a two-year daily history (730 snapshots repeating the monthly ones) and
    answer 10,000 dated points, cold and warm."""
    from datetime import timedelta

    from map_app.control import ControlLayer, Snapshot, read_control

    if not FRONTLINE.is_dir():
        return {}
    monthly = read_control(FRONTLINE)
    snap = monthly.snapshots[-1]
    front = monthly.front(snap)
    rng = np.random.default_rng(11)
    lon, lat = rng.uniform(31.0, 40.5, n), rng.uniform(45.5, 50.5, n)
    front.distance(lon[:1000], lat[:1000])  # the tiles of the region: built once
    t = time.perf_counter()
    front.distance(lon, lat)
    ours = n / (time.perf_counter() - t)
    from map_app.control import line_of_contact

    line = line_of_contact(snap.occupied)
    shapely.prepare(line)
    pts = shapely.points(lon[:naive], lat[:naive])
    t = time.perf_counter()
    for p in pts:
        shapely.distance(line, p)
    loop = naive / (time.perf_counter() - t)

    first = monthly.days[0]
    days = [first + timedelta(days=k) for k in range(730)]
    daily = [Snapshot(d, monthly.snapshot(d).occupied, "repeat") for d in days]
    qdays = [days[int(k)] for k in rng.integers(0, 730, 10_000)]
    times = []
    for _ in range(2):
        t = time.perf_counter()
        layer = ControlLayer(daily)
        layer.measure_dated(lon[:10_000], lat[:10_000], qdays)
        times.append(time.perf_counter() - t)
    return {"front_points_per_s": round(ours), "front_shapely_loop_points_per_s": round(loop),
            "front_speedup_vs_shapely_loop": round(ours / loop, 1),
            "front_history_730_cold_s": round(times[0], 2),
            "front_history_730_warm_s": round(times[1], 2)}
