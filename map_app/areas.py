"""Regions and countries as areas: their outlines, and how far an area is from a border.

A place that is a region or a country ("the north-eastern Kharkiv region", "Ukraine") is an
area, not a point: its distance to a border is its outline's (0 km where it reaches one), and
the map shades it. Outlines come from the shipped data: Ukraine's oblasts, raions and
hromadas are their OpenStreetMap polygons simplified to about 400 m (``data/areas.parquet``,
built by :mod:`map_app._build_areas`); other admin1 regions the convex hull of their populated
places (approximate: ``exact`` is False); countries the border tables' polygons of the view
(:func:`map_app.borders.load_countries`).
"""
from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np

from ._paths import data_dir

# An outline simplified to about 400 m that comes this close to a border reaches it.
TOUCH_KM = 1.0
_COUNTRY = "country:"


@cache
def _table() -> tuple[dict[str, Any], dict[str, bool]]:
    import geopandas as gpd

    path = data_dir() / "areas.parquet"
    if not path.exists():
        return {}, {}
    t = gpd.read_parquet(path)
    return dict(zip(t["id"], t.geometry)), dict(zip(t["id"], t["exact"].astype(bool)))


@cache
def _countries(view: str) -> dict[str, Any]:
    from .borders import load_countries

    c = load_countries(view)
    return dict(zip(c["iso_a2"], c.geometry))


def area_of(entry: str | None, view: str = "de_jure") -> Any:
    """The outline (a shapely polygon) of a region or country entry (``adm1:UA.07``,
    ``country:UA``), None for any other entry or one without an outline."""
    if not entry:
        return None
    if entry.startswith(_COUNTRY):
        return _countries(view).get(entry[len(_COUNTRY):])
    return _table()[0].get(entry)


def is_exact(entry: str) -> bool:
    """Whether an entry's outline is its real boundary (not a hull of its places)."""
    return entry.startswith(_COUNTRY) or _table()[1].get(entry, False)


@cache
def _main_land_border(view: str) -> dict[str, str]:
    """Each country with land borders -> its longest land border's key."""
    from .borders import load_borders

    b = load_borders(view).sort_values("length_km")
    out: dict[str, str] = {}
    for pair, a, c in zip(b["pair"], b["a"], b["b"]):
        out[a] = out[c] = pair  # the longest comes last and stays
    return out


_measured: dict[tuple[str, str], tuple[float, str | None]] = {}


def area_border_distance(entries: Sequence[str], view: str = "de_jure"
                         ) -> tuple[np.ndarray, list[str | None]]:
    """Distance (km) from each entry's outline to the nearest international land border,
    and that border's key: 0 where the outline reaches a border (within :data:`TOUCH_KM`),
    else the least distance of its outline's vertices. A country with land borders reaches
    them all: 0 km, named by its longest. NaN and None for an entry without an outline.
    Measured once per entry and view."""
    from .distance import border_distance, border_names

    dist = np.full(len(entries), np.nan)
    near: list[str | None] = [None] * len(entries)
    for k, entry in enumerate(entries):
        hit = _measured.get((entry, view))
        if hit is None and entry.startswith(_COUNTRY):
            # a country with land borders reaches them all: 0 km, named by its longest
            main = _main_land_border(view).get(entry[len(_COUNTRY):])
            if main is not None:
                hit = _measured[(entry, view)] = (0.0, main)
        if hit is None:
            geom = area_of(entry, view)
            if geom is None:
                continue
            hit = _measure(entry, geom, view, border_distance, border_names(view))
            _measured[(entry, view)] = hit
        dist[k], near[k] = hit
    return dist, near


def _measure(entry: str, geom, view: str, border_distance, names: list[str]
             ) -> tuple[float, str | None]:
    import shapely

    if entry.startswith(_COUNTRY):
        geom = shapely.simplify(geom, 0.01)  # an island country, measured from its coast
    d, i = border_distance(*_xy(geom), view=view, exact=True)
    k = int(np.nanargmin(d))
    km = float(d[k])
    return (0.0 if km <= TOUCH_KM else round(km, 2)), names[int(i[k])]


def _xy(geom) -> tuple[np.ndarray, np.ndarray]:
    import shapely

    xy = shapely.get_coordinates(shapely.boundary(geom))
    # a hull across the antimeridian (Chukotka, Fiji) runs past 180°: wrap it back
    return (xy[:, 0] + 180.0) % 360.0 - 180.0, np.clip(xy[:, 1], -90.0, 90.0)
