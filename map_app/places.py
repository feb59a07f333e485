"""Resolved places: each toponym of a document tied to one gazetteer entry."""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from .gazetteer import FLAG, Gazetteer, load_gazetteer
from .toponyms import find_toponyms

COLUMNS = ["text", "start", "end", "name", "lat", "lon", "geonameid", "feature_code", "kind",
           "country_code", "admin1", "score", "alternatives"]
# Match types too weak to name a place on their own (codes, generated spellings, a region's
# name that belongs to its capital).
_WEAK = {FLAG["code"], FLAG["variant"], FLAG["shadowed"]}


def resolve(text: str, gazetteer: Gazetteer | None = None, n_alternatives: int = 3
            ) -> gpd.GeoDataFrame:
    """Find the toponyms of ``text`` and pick the likeliest entry for each.

    Parameters
    ----------
    text : str
    gazetteer : Gazetteer, optional
    n_alternatives : int
        How many runners-up to keep per place.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per toponym (columns :data:`COLUMNS`), points in EPSG:4326.
    """
    g = gazetteer or load_gazetteer()
    rows = []
    for t in find_toponyms(text, g):
        strong = ~np.isin(t.flags, list(_WEAK))
        if not strong.any():
            continue
        entries, flags = t.entries[strong], t.flags[strong]
        pri = g.prior(entries, flags)
        order = np.argsort(-pri, kind="stable")
        seen, cands = set(), []
        for k in order:
            if int(entries[k]) not in seen:
                seen.add(int(entries[k]))
                cands.append(g.candidate(int(entries[k]), int(flags[k])))
        best = cands[0]
        rows.append({
            "text": t.text, "start": t.start, "end": t.end, "name": best.name,
            "lat": best.lat, "lon": best.lon, "geonameid": best.geonameid,
            "feature_code": best.feature_code, "kind": best.kind,
            "country_code": best.country_code, "admin1": best.admin1_name,
            "score": best.prior,
            "alternatives": [{"name": c.name, "lat": c.lat, "lon": c.lon, "score": c.prior}
                             for c in cands[1:1 + n_alternatives]],
        })
    geom = shapely.points([r["lon"] for r in rows], [r["lat"] for r in rows]) if rows else []
    return gpd.GeoDataFrame(rows, columns=COLUMNS, geometry=geom, crs="EPSG:4326")
