"""Countries and international land borders: the tables and point-in-country.

How far a point is from a border is :mod:`map_app.distance`'s question.

Reads only the GeoParquet tables that :mod:`map_app._build_borders` writes to
:func:`map_app._paths.data_dir`. Two views are available:

``"de_jure"`` (default)
    Internationally recognised borders (Natural Earth, German point of view).
``"de_facto"``
    Lines of control (Natural Earth via world-atlas), e.g. Crimea in Russia.

A border's key (the ``pair`` column of :func:`load_borders`) is the two ISO
3166-1 alpha-2 codes, sorted and joined by "-", e.g. ``"RU-UA"``. Only land
borders exist; maritime boundaries and coastlines are never measured.

The cached tables are shared between callers: copy before modifying them.
"""
from __future__ import annotations

from functools import cache
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Geod

from map_app._paths import data_dir

__all__ = [
    "VIEWS",
    "country_at",
    "load_borders",
    "load_countries",
]

VIEWS = ("de_jure", "de_facto")

_GEOD = Geod(ellps="WGS84")


def _check_view(view: str) -> str:
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}: expected one of {', '.join(map(repr, VIEWS))}")
    return view


@cache
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


@cache
def load_borders(view: str = "de_jure") -> gpd.GeoDataFrame:
    """Load the international land borders of a view.

    Parameters
    ----------
    view : str
        ``"de_jure"`` or ``"de_facto"``.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per border: ``pair`` (its key, e.g. ``"RU-UA"``), ``a``,
        ``b``, ``length_km`` (geodesic) and MultiLineString geometry in
        EPSG:4326, sorted by ``pair``. :func:`map_app.distance.border_names`
        lists the keys.
    """
    return gpd.read_parquet(data_dir() / f"borders_{_check_view(view)}.parquet")


def _as_points(lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray, bool, tuple]:
    """Broadcast inputs to flat float arrays, wrapping longitudes into [-180, 180)."""
    scalar = np.ndim(lon) == 0 and np.ndim(lat) == 0
    lon, lat = np.broadcast_arrays(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    shape = lon.shape
    lon = (lon.ravel() + 180.0) % 360.0 - 180.0
    return lon, lat.ravel().copy(), scalar, shape


# ---------------------------------------------------------------------------
# point in country


@cache
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
        landed = np.isin(np.arange(len(lon)), pi)
        sea = np.flatnonzero(np.isfinite(lon) & np.isfinite(lat) & ~landed)
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
