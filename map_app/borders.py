"""Countries and international land borders: point-in-country and border distance.

Reads only the GeoParquet tables that :mod:`map_app._build_borders` writes to
:func:`map_app._paths.data_dir`. Two views are available:

``"de_jure"`` (default)
    Internationally recognised borders (Natural Earth, German point of view).
``"de_facto"``
    Lines of control (Natural Earth via world-atlas), e.g. Crimea in Russia.

Border keys are the two ISO 3166-1 alpha-2 codes, sorted and joined by "-",
e.g. ``"RU-UA"``. Only land borders exist; maritime boundaries and coastlines
are never measured.

The cached tables are shared between callers: copy before modifying them.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Geod

from map_app._geo import EARTH_RADIUS_KM, unit_vectors
from map_app._paths import data_dir

__all__ = [
    "VIEWS",
    "border_pairs",
    "country_at",
    "load_borders",
    "load_countries",
    "nearest_border",
]

VIEWS = ("de_jure", "de_facto")

_GEOD = Geod(ellps="WGS84")
# segments per STRtree leaf: short enough for tight boxes, long enough for a small tree
_CHUNK = 16
# cap on point-segment pairs evaluated at once, bounds memory for large batches
_MAX_PAIRS = 2_000_000
# sphere vs WGS84 distance ratios differ by < 0.7% between directions; candidates
# this close to the spherical minimum are re-ranked on the ellipsoid
_SPHERE_SLACK = 1.01


def _check_view(view: str) -> str:
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}: expected one of {', '.join(map(repr, VIEWS))}")
    return view


@lru_cache(maxsize=None)
def load_countries(view: str = "de_jure") -> gpd.GeoDataFrame:
    """Load the country polygons of a view.

    Parameters
    ----------
    view : str
        ``"de_jure"`` or ``"de_facto"``.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per country: ``iso_a2``, ``iso_a3``, ``name``, ``name_long``,
        ``label_lon``, ``label_lat``, ``continent`` and MultiPolygon geometry
        in EPSG:4326. Units without an alpha-2 code use a 3-letter code.
    """
    return gpd.read_parquet(data_dir() / f"countries_{_check_view(view)}.parquet")


@lru_cache(maxsize=None)
def load_borders(view: str = "de_jure") -> gpd.GeoDataFrame:
    """Load the international land borders of a view.

    Parameters
    ----------
    view : str
        ``"de_jure"`` or ``"de_facto"``.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per neighbouring pair: ``pair`` (e.g. ``"RU-UA"``), ``a``,
        ``b``, ``length_km`` (geodesic) and MultiLineString geometry in
        EPSG:4326, sorted by ``pair``.
    """
    return gpd.read_parquet(data_dir() / f"borders_{_check_view(view)}.parquet")


def border_pairs(view: str = "de_jure") -> list[str]:
    """Return the sorted border keys of a view, e.g. ``["AD-ES", "AD-FR", ...]``."""
    return sorted(load_borders(view)["pair"].tolist())


def _as_points(lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray, bool, tuple]:
    """Broadcast inputs to flat float arrays, wrapping longitudes into [-180, 180)."""
    scalar = np.ndim(lon) == 0 and np.ndim(lat) == 0
    lon, lat = np.broadcast_arrays(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    shape = lon.shape
    lon = (lon.ravel() + 180.0) % 360.0 - 180.0
    return lon, lat.ravel().copy(), scalar, shape


# ---------------------------------------------------------------------------
# point in country


@lru_cache(maxsize=None)
def _country_index(view: str) -> tuple[shapely.STRtree, np.ndarray, np.ndarray, np.ndarray]:
    countries = load_countries(view)
    # index single polygons: France or the US as a whole would match half the globe
    parts, owner = shapely.get_parts(countries.geometry.to_numpy(), return_index=True)
    area = shapely.area(countries.geometry.to_numpy())
    return shapely.STRtree(parts), parts, owner, area


def country_at(lon: Any, lat: Any, view: str = "de_jure", snap_km: float = 2.0) -> Any:
    """Return the country code at each point.

    Parameters
    ----------
    lon, lat : float or array-like
        WGS84 coordinates in degrees; broadcast against each other.
    view : str
        ``"de_jure"`` or ``"de_facto"``.
    snap_km : float
        Points at sea within this geodesic distance of a coast take the nearest
        country. The 1:10m coastline is generalised by about a kilometre, so
        harbours, bridges and beaches can fall just offshore; 0 disables it.

    Returns
    -------
    str or None or numpy.ndarray
        Alpha-2 code (3-letter for units without one) or None at sea, for NaN
        input or outside every country. Scalars in give a scalar back, arrays
        an object array of the broadcast shape.
    """
    _check_view(view)
    lon, lat, scalar, shape = _as_points(lon, lat)
    tree, parts, owner, area = _country_index(view)
    codes = load_countries(view)["iso_a2"].to_numpy()

    pts = shapely.points(lon, lat)
    pi, ci = tree.query(pts)
    # prepare lazily, only polygons that are actually tested: preparing the whole
    # world up front would cost more than most calls
    shapely.prepare(parts[np.unique(ci)])
    hit = shapely.intersects(parts[ci], pts[pi])
    pi, cc = pi[hit], owner[ci[hit]]
    # on a shared border, or in an enclave drawn over its host, the smaller unit wins
    rank = area[cc]

    if snap_km > 0:
        sea = np.flatnonzero(np.isfinite(lon) & np.isfinite(lat) & ~np.isin(np.arange(len(lon)), pi))
        if len(sea):
            # generous degree radius (longitude degrees shrink with cos(lat)), then exact
            cos = np.maximum(np.cos(np.radians(lat[sea])), 0.01)
            radius = snap_km / 110.0 / cos
            si, sc = tree.query(pts[sea], predicate="dwithin", distance=radius)
            if len(si):
                foot = shapely.get_coordinates(shapely.shortest_line(parts[sc], pts[sea][si]))[0::2]
                _, _, metres = _GEOD.inv(lon[sea][si], lat[sea][si], foot[:, 0], foot[:, 1])
                close = metres <= snap_km * 1000.0
                pi = np.concatenate([pi, sea[si[close]]])
                cc = np.concatenate([cc, owner[sc[close]]])
                # snapped points rank by distance, after any real hit (none exist for them)
                rank = np.concatenate([rank, metres[close]])

    out = np.full(len(lon), None, dtype=object)
    if len(pi):
        order = np.lexsort((rank, pi))
        first = order[np.unique(pi[order], return_index=True)[1]]
        out[pi[first]] = codes[cc[first]]
    return out[0] if scalar else out.reshape(shape)


# ---------------------------------------------------------------------------
# distance to borders


def _angle(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    # atan2 form stays accurate for tiny and near-antipodal angles alike
    return np.arctan2(np.linalg.norm(np.cross(u, v), axis=-1), np.einsum("ij,ij->i", u, v))


class _BorderIndex:
    """Border segments of one view (optionally filtered) with an STRtree of chunks."""

    def __init__(self, borders: gpd.GeoDataFrame):
        self.pairs = borders["pair"].to_numpy()
        lines, row = shapely.get_parts(borders.geometry.to_numpy(), return_index=True)
        coords, line_of = shapely.get_coordinates(lines, return_index=True)
        # a segment joins vertex k and k+1 of the same linestring
        same = line_of[:-1] == line_of[1:]
        start = np.flatnonzero(same)
        self.a = coords[start]
        self.b = coords[start + 1]
        self.row = row[line_of[start]]
        self.ua = unit_vectors(self.a[:, 0], self.a[:, 1])
        self.ub = unit_vectors(self.b[:, 0], self.b[:, 1])
        n = np.cross(self.ua, self.ub)
        norm = np.linalg.norm(n, axis=1)
        self.degenerate = norm < 1e-15
        self.normal = n / np.where(self.degenerate, 1.0, norm)[:, None]

        # chunks of up to _CHUNK consecutive segments of one line
        seg_line = line_of[start]
        pos = np.arange(len(start)) - np.searchsorted(seg_line, seg_line, side="left")
        new_chunk = pos % _CHUNK == 0
        self.chunk_start = np.flatnonzero(new_chunk)
        self.chunk_end = np.r_[self.chunk_start[1:], len(start)]
        seg_chunk = np.cumsum(new_chunk) - 1
        # chunk line: the first vertex of each of its segments, then the last end
        verts = np.concatenate([self.a, self.b[self.chunk_end - 1]])
        owner = np.concatenate([seg_chunk, np.arange(len(self.chunk_start))])
        order = np.argsort(owner, kind="stable")
        self.tree = shapely.STRtree(shapely.linestrings(verts[order], indices=owner[order]))
        # bounding cap per chunk: arcs between vertices stay inside it (caps are convex)
        uv = unit_vectors(verts[:, 0], verts[:, 1])
        centre = np.zeros((len(self.chunk_start), 3))
        np.add.at(centre, owner, uv)
        self.centre = centre / np.linalg.norm(centre, axis=1)[:, None]
        self.radius = np.zeros(len(self.chunk_start))
        np.maximum.at(self.radius, owner, _angle(uv, self.centre[owner]))

    def _expand(self, pi: np.ndarray, chunk: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Turn (point, chunk) pairs into (point, segment) pairs."""
        counts = self.chunk_end[chunk] - self.chunk_start[chunk]
        p = np.repeat(pi, counts)
        offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        return p, np.repeat(self.chunk_start[chunk], counts) + offsets

    def _segment_distance(self, up: np.ndarray, seg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Spherical angle from unit vectors ``up`` to segments ``seg``, and the nearest point."""
        ua, ub, n = self.ua[seg], self.ub[seg], self.normal[seg]
        s = np.einsum("ij,ij->i", up, n)
        c = up - s[:, None] * n
        # foot of the perpendicular lies on the arc when it is between a and b
        inside = (
            (np.einsum("ij,ij->i", np.cross(ua, c), n) >= 0)
            & (np.einsum("ij,ij->i", np.cross(c, ub), n) >= 0)
            & ~self.degenerate[seg]
            & (np.linalg.norm(c, axis=1) > 1e-12)
        )
        da, db = _angle(up, ua), _angle(up, ub)
        use_a = da <= db
        dist = np.where(use_a, da, db)
        near = np.where(use_a[:, None], ua, ub)
        d_perp = np.arctan2(np.abs(s), np.linalg.norm(c, axis=1))
        dist = np.where(inside, d_perp, dist)
        near = np.where(inside[:, None], c / np.maximum(np.linalg.norm(c, axis=1), 1e-300)[:, None], near)
        return dist, near

    def nearest(self, lon: np.ndarray, lat: np.ndarray) -> dict[str, np.ndarray]:
        n = len(lon)
        # plain arrays: building a DataFrame per call costs more than the search itself
        out = {
            "pair": np.full(n, None, dtype=object),
            "distance_km": np.full(n, np.nan),
            "near_lon": np.full(n, np.nan),
            "near_lat": np.full(n, np.nan),
        }
        ok = np.flatnonzero(np.isfinite(lon) & np.isfinite(lat))
        if not len(ok) or not len(self.a):
            return out
        lon, lat = lon[ok], lat[ok]
        up = unit_vectors(lon, lat)

        # 1. any chunk gives an upper bound on the spherical distance to the border
        pi, chunk = self.tree.query_nearest(shapely.points(lon, lat), all_matches=False)
        p, seg = self._expand(pi, chunk)
        d, _ = self._segment_distance(up[p], seg)
        bound = np.full(len(lon), np.inf)
        np.minimum.at(bound, p, d)
        bound = bound * _SPHERE_SLACK + 1e-9

        # 2. every segment within that bound lies in this lon/lat box (spherical cap)
        dlat = np.degrees(bound)
        with np.errstate(divide="ignore"):
            ratio = np.sin(np.minimum(bound, np.pi / 2)) / np.cos(np.radians(lat))
        dlon = np.where(ratio < 1, np.degrees(np.arcsin(np.minimum(ratio, 1))), 360.0)
        pi, chunk = self._query_boxes(lon, lat, dlon, dlat)
        # cheap cap bounds drop chunks that cannot beat the best chunk's far side
        to_centre = _angle(up[pi], self.centre[chunk])
        upper = bound.copy()
        np.minimum.at(upper, pi, to_centre + self.radius[chunk])
        keep = to_centre - self.radius[chunk] <= upper[pi] * _SPHERE_SLACK + 1e-9
        pi, chunk = pi[keep], chunk[keep]
        order = np.argsort(pi, kind="stable")  # blocks below slice by point
        pi, chunk = pi[order], chunk[order]
        counts = self.chunk_end[chunk] - self.chunk_start[chunk]
        per_point = np.bincount(pi, weights=counts, minlength=len(lon))

        best_d = np.full(len(lon), np.inf)
        best_seg = np.zeros(len(lon), dtype=int)
        best_near = np.full((len(lon), 2), np.nan)
        cum = np.cumsum(per_point)
        lo = 0
        while lo < len(lon):
            # split the batch at point boundaries so no block exceeds _MAX_PAIRS
            base = cum[lo - 1] if lo else 0.0
            hi = max(int(np.searchsorted(cum, base + _MAX_PAIRS, side="right")), lo + 1)
            sel = slice(*np.searchsorted(pi, [lo, hi]))
            p, seg = self._expand(pi[sel], chunk[sel])
            d, near = self._segment_distance(up[p], seg)
            self._refine(lon, lat, p, seg, d, near, best_d, best_seg, best_near)
            lo = hi

        found = np.isfinite(best_d)
        idx = ok[found]
        out["pair"][idx] = self.pairs[self.row[best_seg[found]]]
        out["distance_km"][idx] = best_d[found] / 1000.0
        out["near_lon"][idx] = best_near[found, 0]
        out["near_lat"][idx] = best_near[found, 1]
        return out

    def _query_boxes(self, lon, lat, dlon, dlat) -> tuple[np.ndarray, np.ndarray]:
        """Chunks inside each point's search box, with the box wrapped at the antimeridian."""
        full = dlon >= 180
        boxes = shapely.box(lon - dlon, lat - dlat, lon + dlon, lat + dlat)
        pi, chunk = self.tree.query(boxes)
        # a box sticking out past +-180 also covers the far side of the map
        east = np.flatnonzero(~full & (lon + dlon > 180))
        west = np.flatnonzero(~full & (lon - dlon < -180))
        extra = [(pi, chunk)]
        for idx, shift in ((east, -360.0), (west, 360.0)):
            if len(idx):
                ei, ec = self.tree.query(
                    shapely.box(lon[idx] - dlon[idx] + shift, lat[idx] - dlat[idx], lon[idx] + dlon[idx] + shift, lat[idx] + dlat[idx])
                )
                extra.append((idx[ei], ec))
        if len(extra) == 1:
            return pi, chunk
        pi = np.concatenate([e[0] for e in extra])
        chunk = np.concatenate([e[1] for e in extra])
        key = np.unique(pi.astype(np.int64) * len(self.chunk_start) + chunk)
        return key // len(self.chunk_start), key % len(self.chunk_start)

    @staticmethod
    def _refine(lon, lat, p, seg, d, near, best_d, best_seg, best_near) -> None:
        """Re-rank near-ties on the WGS84 ellipsoid and keep the closest per point."""
        if not len(p):
            return
        low = np.full(len(lon), np.inf)
        np.minimum.at(low, p, d)
        keep = d <= low[p] * _SPHERE_SLACK + 1e-12
        p, seg, near = p[keep], seg[keep], near[keep]
        near_lon = np.degrees(np.arctan2(near[:, 1], near[:, 0]))
        near_lat = np.degrees(np.arctan2(near[:, 2], np.hypot(near[:, 0], near[:, 1])))
        _, _, metres = _GEOD.inv(lon[p], lat[p], near_lon, near_lat)
        order = np.lexsort((metres, p))
        first = order[np.unique(p[order], return_index=True)[1]]
        q = p[first]
        better = metres[first] < best_d[q]
        q, first = q[better], first[better]
        best_d[q] = metres[first]
        best_seg[q] = seg[first]
        best_near[q, 0] = near_lon[first]
        best_near[q, 1] = near_lat[first]


def _normalise_pair(pair: str) -> str:
    codes = [c.strip().upper() for c in str(pair).split("-")]
    return "-".join(sorted(codes))


@lru_cache(maxsize=64)
def _border_index(view: str, pair: str | None, country: str | None) -> _BorderIndex:
    return _BorderIndex(_select_borders(view, pair, country))


def _select_borders(view: str, pair: str | None, country: str | None) -> gpd.GeoDataFrame:
    """The borders of a view, of one pair and/or of one country (ValueError when none)."""
    borders = load_borders(view)
    mask = np.ones(len(borders), dtype=bool)
    if pair is not None:
        mask &= (borders["pair"] == pair).to_numpy()
        if not mask.any():
            raise ValueError(f"unknown border pair {pair!r} in view {view!r}: see border_pairs({view!r})")
    if country is not None:
        mask &= ((borders["a"] == country) | (borders["b"] == country)).to_numpy()
        if not mask.any():
            raise ValueError(
                f"country {country!r} has no land border{' ' + pair if pair else ''} in view {view!r}"
            )
    return borders[mask]


def nearest_border(
    lon: Any,
    lat: Any,
    view: str = "de_jure",
    pair: str | None = None,
    country: str | None = None,
) -> dict | pd.DataFrame:
    """Find the nearest international land border to each point.

    Candidate segments are found with an STRtree in lon/lat space, measured on
    the sphere, and the closest few re-measured on the WGS84 ellipsoid with
    :meth:`pyproj.Geod.inv`, so distances match geodesic ones to well under 0.1%.

    Parameters
    ----------
    lon, lat : float or array-like
        WGS84 coordinates in degrees; broadcast against each other.
    view : str
        ``"de_jure"`` or ``"de_facto"``.
    pair : str, optional
        Restrict to one border, e.g. ``"RU-UA"`` (order and case are free).
    country : str, optional
        Restrict to the land borders of one country, e.g. ``"RU"``.

    Returns
    -------
    dict or pandas.DataFrame
        ``pair``, ``distance_km``, ``near_lon``, ``near_lat`` (the nearest
        point on the border). Scalars in give a dict, arrays a DataFrame with
        one row per point; NaN input gives ``pair=None`` and NaN values.

    Raises
    ------
    ValueError
        For an unknown view, pair, or a country without land borders.
    """
    _check_view(view)
    pair = _normalise_pair(pair) if pair is not None else None
    country = str(country).strip().upper() if country is not None else None
    index = _border_index(view, pair, country)
    lon, lat, scalar, _ = _as_points(lon, lat)
    result = index.nearest(lon, lat)
    if scalar:
        return {
            "pair": result["pair"][0],
            "distance_km": float(result["distance_km"][0]),
            "near_lon": float(result["near_lon"][0]),
            "near_lat": float(result["near_lat"][0]),
        }
    result["pair"] = pd.Series(result["pair"], dtype=object)  # keep None, not NaN
    return pd.DataFrame(result)


def border_distance_km(lon: Any, lat: Any, view: str = "de_jure", pair: str | None = None,
                       country: str | None = None) -> np.ndarray:
    """Distance in km to the nearest land border, as a plain array (the fast path of
    :func:`nearest_border`)."""
    _check_view(view)
    pair = _normalise_pair(pair) if pair is not None else None
    country = str(country).strip().upper() if country is not None else None
    lon, lat, _, _ = _as_points(lon, lat)
    return _border_index(view, pair, country).nearest(lon, lat)["distance_km"]


@lru_cache(maxsize=64)
def _border_sample(view: str, country: str | None, step_km: float):
    """A k-d tree over border points spaced at most ``step_km`` apart (unit vectors)."""
    from scipy.spatial import cKDTree

    borders = _select_borders(view, None, country)
    lines = shapely.get_parts(borders.geometry.to_numpy())
    coords, owner = shapely.get_coordinates(lines, return_index=True)
    u = unit_vectors(coords[:, 0], coords[:, 1])
    same = owner[1:] == owner[:-1]  # consecutive vertices of one line make a segment
    a, b = u[:-1][same], u[1:][same]
    km = _angle(a, b) * EARTH_RADIUS_KM
    k = np.maximum(np.ceil(km / step_km).astype(np.int64), 1)
    # points at fractions 0, 1/k, … of every segment, plus every vertex
    seg = np.repeat(np.arange(len(a)), k)
    t = (np.arange(k.sum()) - np.repeat(np.cumsum(k) - k, k)) / np.repeat(k, k)
    pts = a[seg] * (1 - t)[:, None] + b[seg] * t[:, None]
    pts = np.vstack([pts / np.linalg.norm(pts, axis=1)[:, None], u])
    return cKDTree(pts)


def border_distance_rough_km(lon: Any, lat: Any, view: str = "de_jure",
                             country: str | None = None, step_km: float = 1.0) -> np.ndarray:
    """Distance in km to the nearest land border, within ``step_km / 2`` of
    :func:`border_distance_km` and about a hundred times cheaper per call: for ranking
    candidates, not for reporting.

    Raises
    ------
    ValueError
        For a country without land borders.
    """
    _check_view(view)
    country = str(country).strip().upper() if country is not None else None
    lon, lat, _, _ = _as_points(lon, lat)
    chord, _ = _border_sample(view, country, float(step_km)).query(unit_vectors(lon, lat))
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.minimum(chord / 2.0, 1.0))
