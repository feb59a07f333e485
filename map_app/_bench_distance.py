"""Benchmark and accuracy reference for :mod:`map_app.distance` (used by ``make bench`` and tests).

:func:`bench_border` measures the fast kernel against a naive per-point geopy loop in the same
run, and its error against :func:`geod_brute_force`, an independent brute force with
:meth:`pyproj.Geod.inv` over the same border geometry (great-circle arcs between the Natural
Earth vertices, as :mod:`map_app.borders` reads them).
"""
from __future__ import annotations

import time
from typing import Any

import numpy as np
import shapely
from pyproj import Geod

from . import borders as _borders
from ._geo import unit_vectors

__all__ = ["TARGETS", "bench_border", "geod_brute_force", "points_near_border"]

#: Targets of the issue, in the form of ``map_app._bench.TARGETS``.
TARGETS = {
    "border_points_per_s": (">=", 1_000_000),
    "border_speedup_vs_naive": (">=", 100),
    "border_max_rel_error": ("<=", 0.001),
}

_GEOD = Geod(ellps="WGS84")



def _densify(a: np.ndarray, b: np.ndarray, step_km: float
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points every ``step_km`` or closer on the great-circle arcs a -> b (lon/lat rows).

    Returns lon, lat and the arc each point belongs to.
    """
    ua, ub = unit_vectors(a[:, 0], a[:, 1]), unit_vectors(b[:, 0], b[:, 1])
    theta = np.arctan2(np.linalg.norm(np.cross(ua, ub), axis=1), np.einsum("ij,ij->i", ua, ub))
    n = np.maximum(1, np.ceil(theta * 6371.0 / step_km)).astype(np.int64) + 1
    arc = np.repeat(np.arange(len(a)), n)
    f = (np.arange(len(arc)) - np.repeat(np.cumsum(n) - n, n)) / (n[arc] - 1)
    th = theta[arc]
    with np.errstate(invalid="ignore", divide="ignore"):
        wa = np.where(th > 1e-12, np.sin((1 - f) * th) / np.sin(th), 1 - f)
        wb = np.where(th > 1e-12, np.sin(f * th) / np.sin(th), f)
    v = wa[:, None] * ua[arc] + wb[:, None] * ub[arc]
    v /= np.linalg.norm(v, axis=1)[:, None]
    lon = np.degrees(np.arctan2(v[:, 1], v[:, 0]))
    lat = np.degrees(np.arcsin(np.clip(v[:, 2], -1, 1)))
    return lon, lat, arc


def _arcs(view: str, border: str | None) -> tuple[np.ndarray, np.ndarray]:
    b = _borders.load_borders(view)
    if border is not None:
        b = b[b["pair"] == border]
    lines = shapely.get_parts(b.geometry.to_numpy())
    coords, line = shapely.get_coordinates(lines, return_index=True)
    same = np.flatnonzero(line[:-1] == line[1:])
    return coords[same], coords[same + 1]


def geod_brute_force(lon: Any, lat: Any, view: str = "de_jure", border: str | None = None,
                     coarse_km: float = 2.0, fine_km: float = 0.002) -> np.ndarray:
    """Distance (km) to the border by :meth:`pyproj.Geod.inv` to densely sampled border points.

    Every arc is sampled every ``coarse_km``; the arcs with a sample within ``coarse_km / 2`` of
    the closest sample (they hold the true nearest point) are sampled again every ``fine_km``.
    Slow (one Geod.inv per sample and point): for checking, not for use.
    """
    a, b = _arcs(view, border)
    clon, clat, carc = _densify(a, b, coarse_km)
    out = []
    for x, y in zip(np.atleast_1d(lon).astype(float), np.atleast_1d(lat).astype(float)):
        _, _, m = _GEOD.inv(np.full(len(clon), x), np.full(len(clon), y), clon, clat)
        near = np.unique(carc[m <= m.min() + 1000.0 * coarse_km / 2 + 1.0])
        flon, flat, _ = _densify(a[near], b[near], fine_km)
        _, _, m = _GEOD.inv(np.full(len(flon), x), np.full(len(flon), y), flon, flat)
        out.append(m.min() / 1000.0)
    return np.array(out)


def points_near_border(n: int, view: str = "de_jure", border: str | None = "RU-UA",
                       max_km: float = 200.0, min_km: float = 0.5, seed: int = 1
                       ) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points at log-uniform distances ``min_km``..``max_km`` from random border vertices."""
    rng = np.random.default_rng(seed)
    a, _ = _arcs(view, border)
    pick = a[rng.integers(0, len(a), n)]
    dist = np.exp(rng.uniform(np.log(min_km), np.log(max_km), n)) * 1000.0
    lon, lat, _ = _GEOD.fwd(pick[:, 0], pick[:, 1], rng.uniform(0, 360, n), dist)
    return np.asarray(lon), np.asarray(lat)


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
    from .distance import ABS_FLOOR_KM, border_distance

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
