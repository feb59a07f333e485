"""Build ``data/areas.parquet``: the outline of every region place the gazetteer holds, by
entry id, for :mod:`map_app.areas`.

Run by ``map-app data build`` after the gazetteer; never at run time. Ukraine's oblasts,
raions and hromadas get their OpenStreetMap polygons (``../shared/data/ukraine-admin``),
simplified; every other admin1 region gets the convex hull of its populated places
(``regions.parquet``), marked as approximate. Countries are not written here: their
polygons are the border tables' (``countries_*.parquet``).
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

# Simplification tolerance (degrees; 0.004° is about 300-450 m) per admin level: the
# outlines shade a map and tell whether an area touches a border, which such detail settles.
_TOLERANCE = {1: 0.003, 2: 0.004, 3: 0.005}
_PREFIX = {1: "adm1", 2: "adm2", 3: "adm3"}


def build_areas(out: Path, gazetteer_dir: Path, ua_admin: Path | None, regions: Path | None,
                log: Callable[[str], None] = print) -> dict:
    """Write ``out`` (columns ``id``, ``level``, ``exact``, ``geometry``) and return counts.

    Parameters
    ----------
    out : Path
        The parquet file to write.
    gazetteer_dir : Path
        The gazetteer just built (its entry ids key the areas).
    ua_admin : Path, optional
        ``ukraine-admin/`` with ``ukr_osm_adm{1,2,3}.geojson.gz``.
    regions : Path, optional
        ``regions.parquet``: admin1 hulls of every country.
    """
    import geopandas as gpd
    import pandas as pd
    import shapely

    from ._build_ukraine import _read_geojson
    from .gazetteer import Gazetteer

    g = Gazetteer(gazetteer_dir)
    parts = []
    if ua_admin is not None:
        oblast_of = _oblast_keys(g)
        for level in (1, 2, 3):
            src = _read_geojson(ua_admin / f"ukr_osm_adm{level}.geojson.gz")
            geom = shapely.set_precision(shapely.simplify(
                src.geometry.to_numpy(), _TOLERANCE[level], preserve_topology=True), 1e-5)
            codes = src["codab_pcode"].tolist()
            if level == 1:
                ids = [f"adm1:{oblast_of[c]}" if c in oblast_of else None for c in codes]
            else:
                ids = [f"{_PREFIX[level]}:{c}" for c in codes]
            ok = [i is not None and g.get(i) is not None for i in ids]
            parts.append(gpd.GeoDataFrame(
                {"id": np.array(ids, dtype=object)[ok], "level": level, "exact": True},
                geometry=geom[ok], crs="EPSG:4326"))
    if regions is not None and regions.exists():
        hulls = gpd.read_parquet(regions)
        poly = hulls.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
        done = set().union(*(set(p["id"]) for p in parts)) if parts else set()
        keep = poly & ~hulls["id"].isin(done).to_numpy()
        parts.append(gpd.GeoDataFrame(
            {"id": hulls["id"].to_numpy()[keep], "level": 1, "exact": False},
            geometry=shapely.set_precision(hulls.geometry.to_numpy()[keep], 1e-5),
            crs="EPSG:4326"))
    areas = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs="EPSG:4326")
    areas.to_parquet(out, compression="zstd")
    counts = {f"level{k}": int(((areas["level"] == k) & areas["exact"]).sum()) for k in (1, 2, 3)}
    counts["hulls"] = int((~areas["exact"]).sum())
    log(f"areas: {counts} -> {out} ({out.stat().st_size // 1024} KB)")
    return counts


def _oblast_keys(g) -> dict[str, str]:
    """Which GeoNames admin1 key ("UA.21") each COD-AB oblast pcode ("UA59") is, by the
    votes of the gazetteer's Ukrainian entries (a raion's pcode starts with its oblast's)."""
    from collections import Counter

    a1, a2 = np.asarray(g.col("admin1")), np.asarray(g.col("admin2"))
    ua = (np.asarray(g.col("country")) == g.table("country").index("UA")) & (a1 >= 0) & (a2 >= 0)
    t1, t2 = g.table("admin1"), g.table("admin2")
    votes: dict[str, Counter] = {}
    for (r, o), n in Counter(zip(a2[ua].tolist(), a1[ua].tolist())).items():
        votes.setdefault(t2[r][0][:4], Counter())[t1[o][0]] += n
    return {o: v.most_common(1)[0][0] for o, v in votes.items()}
