"""Accuracy reference for :mod:`map_app.distance` (tests and ``make bench``): an independent
brute force with :meth:`pyproj.Geod.inv` over the border geometry (great-circle arcs between
the Natural Earth vertices, as :mod:`map_app.borders` reads them), and points near a border."""
from __future__ import annotations

from typing import Any

import numpy as np
import shapely
from pyproj import Geod

from map_app import borders as _borders
from map_app._geo import unit_vectors

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


def _arcs(lines: Any) -> tuple[np.ndarray, np.ndarray]:
    coords, line = shapely.get_coordinates(shapely.get_parts(lines), return_index=True)
    same = np.flatnonzero(line[:-1] == line[1:])
    return coords[same], coords[same + 1]


def geod_brute_force(lon: Any, lat: Any, view: str = "de_jure", border: str | None = None,
                     coarse_km: float = 2.0, fine_km: float = 0.002) -> np.ndarray:
    """Distance (km) to the border by :meth:`pyproj.Geod.inv` to densely sampled border points
    (see :func:`geod_to_lines`)."""
    return geod_to_lines(lon, lat, _border_lines(view, border), coarse_km, fine_km)


def _border_lines(view: str, border: str | None) -> Any:
    b = _borders.load_borders(view)
    if border is not None:
        b = b[b["pair"] == border]
    return b.geometry.to_numpy()


def geod_to_lines(lon: Any, lat: Any, lines: Any, coarse_km: float = 2.0,
                  fine_km: float = 0.002) -> np.ndarray:
    """Distance (km) to any lines (great-circle arcs between their vertices) by
    :meth:`pyproj.Geod.inv` to densely sampled points of them.

    Every arc is sampled every ``coarse_km``; the arcs with a sample within ``coarse_km / 2`` of
    the closest sample (they hold the true nearest point) are sampled again every ``fine_km``.
    Slow (one Geod.inv per sample and point): for checking, not for use.
    """
    a, b = _arcs(lines)
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
    a, _ = _arcs(_border_lines(view, border))
    pick = a[rng.integers(0, len(a), n)]
    dist = np.exp(rng.uniform(np.log(min_km), np.log(max_km), n)) * 1000.0
    lon, lat, _ = _GEOD.fwd(pick[:, 0], pick[:, 1], rng.uniform(0, 360, n), dist)
    return np.asarray(lon), np.asarray(lat)
