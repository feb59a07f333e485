"""Build the country and land-border tables shipped in ``data/``.

This is a build-time step: it reads the raw Natural Earth inputs once and writes
compact GeoParquet files that :mod:`map_app.borders` loads at run time.

Two views of the world are produced:

``de_jure``
    Natural Earth 5.1.1 1:10m admin-0, German point of view (internationally
    recognised borders, e.g. Crimea in Ukraine).
``de_facto``
    Natural Earth 4.1.0 as packaged by the npm ``world-atlas`` TopoJSON
    (lines of control, e.g. Crimea in Russia).

Country codes are ISO 3166-1 alpha-2. Units without one (Dhekelia, Akrotiri,
Bir Tawil, Spratly Is., Somaliland, N. Cyprus, ...) keep Natural Earth's
3-letter ``ADM0_A3`` code instead of being dropped, so every land point still
resolves to some unit. Overseas units that Natural Earth maps to a parent's code
through ``ISO_A2_EH`` (Clipperton I. -> FR, Indian Ocean Ter. -> AU, Brazilian
Island -> BR, ...) are merged into that parent, giving one row per code.

Geometry is kept at full 1:10m resolution (no simplification): point-in-country
near a border needs every vertex, and zstd-compressed GeoParquet stays ~8.6 MB
for all four tables.

Known gaps, inherited from the sources:

* world-atlas quantisation collapses Vatican to nothing, so the de facto view has
  no VA (points there resolve to IT).
* Natural Earth 5.1.1 leaves an ~80 m gap between Macao and China, so the de jure
  view has no CN-MO border (de facto has one).
"""
from __future__ import annotations

import gzip
import shutil
import tempfile
import time
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import Geod

__all__ = ["build_borders", "read_natural_earth", "read_world_atlas", "shared_borders"]

NE_FILE = Path("naturalearth") / "ne_10m_admin_0_countries_deu.zip"
WORLD_ATLAS_FILE = Path("naturalearth") / "world-atlas-countries-10m.topojson.gz"

COUNTRY_COLUMNS = [
    "iso_a2",
    "iso_a3",
    "name",
    "name_long",
    "label_lon",
    "label_lat",
    "continent",
    "geometry",
]
BORDER_COLUMNS = ["pair", "a", "b", "length_km", "geometry"]

# world-atlas units that have neither an ISO numeric id nor a namesake in the
# German-view Natural Earth table: Natural Earth's own ADM0_A3 code and continent.
_WORLD_ATLAS_EXTRA = {
    "Somaliland": ("SOL", "Africa"),
    "N. Cyprus": ("CYN", "Asia"),
    "Cyprus U.N. Buffer Zone": ("CNM", "Asia"),
    "Siachen Glacier": ("KAS", "Asia"),
    "Baikonur": ("KAB", "Asia"),
    "USNB Guantanamo Bay": ("USG", "North America"),
    "Bajo Nuevo Bank": ("BJN", "North America"),
    "Serranilla Bank": ("SER", "North America"),
}

# Tolerance (degrees, ~1 m) within which two outlines count as one shared border:
# Natural Earth neighbours share vertices, but not always bit for bit.
_SNAP_DEG = 1e-5

_GEOD = Geod(ellps="WGS84")


def _valid_code(values: pd.Series) -> pd.Series:
    """Blank out Natural Earth's ``-99`` / empty placeholders."""
    s = values.astype("string").str.strip()
    return s.mask(s.isna() | s.isin(["-99", "-099", ""]))


def _alpha2(values: pd.Series) -> pd.Series:
    """Keep only real two-letter codes (the German view tags Taiwan ``CN-TW``)."""
    s = _valid_code(values)
    return s.where(s.str.fullmatch(r"[A-Z]{2}").fillna(False))


def _polygons_only(geoms: np.ndarray) -> np.ndarray:
    """Repair geometries and keep only their polygonal parts as MultiPolygons."""
    geoms = shapely.make_valid(np.asarray(geoms, dtype=object))
    out = np.empty(len(geoms), dtype=object)
    for i, geom in enumerate(geoms):
        parts = shapely.get_parts(geom)
        # make_valid may return collections holding slivers as lines or points
        nested = shapely.get_parts(parts[shapely.get_type_id(parts) == 6])
        parts = np.concatenate([parts[shapely.get_type_id(parts) == 3], nested])
        parts = parts[~shapely.is_empty(parts)]
        out[i] = shapely.multipolygons(parts)
    return out


def _dissolve(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Merge rows sharing ``iso_a2``; attributes come from the first row of each."""
    geoms = []
    for _, group in gdf.groupby("iso_a2", sort=False):
        if len(group) == 1:
            geoms.append(group.geometry.iloc[0])
        else:
            geoms.append(shapely.union_all(group.geometry.values))
    first = gdf.drop_duplicates("iso_a2").copy()
    first["geometry"] = _polygons_only(np.array(geoms, dtype=object))
    # world-atlas quantisation collapses Vatican to an empty polygon: nothing to keep
    first = first[~shapely.is_empty(first["geometry"].to_numpy())]
    return gpd.GeoDataFrame(first, geometry="geometry", crs="EPSG:4326")


def _ne_codes(raw: pd.DataFrame) -> pd.Series:
    """Alpha-2 code per Natural Earth row: ISO_A2, else ISO_A2_EH, else ADM0_A3."""
    return (
        _alpha2(raw["ISO_A2"])
        .fillna(_alpha2(raw["ISO_A2_EH"]))
        .fillna(raw["ADM0_A3"].astype("string"))
    )


def _read_ne_raw(path: Path) -> gpd.GeoDataFrame:
    path = Path(path)
    # the Natural Earth zip carries no .cpg; its dbf is UTF-8, not GDAL's Latin-1 guess
    uri = f"zip://{path}" if path.suffix == ".zip" else str(path)
    return gpd.read_file(uri, encoding="utf-8")


def read_natural_earth(path: Path) -> gpd.GeoDataFrame:
    """Read Natural Earth admin-0 countries as the de jure country table.

    Parameters
    ----------
    path : Path
        A Natural Earth admin-0 file (zipped shapefile, GeoJSON, ...) with the
        standard ``ADM0_A3``, ``ISO_A2``, ``ISO_A2_EH``, ``NAME`` ... fields.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per code with the columns of ``COUNTRY_COLUMNS``, EPSG:4326.
    """
    raw = _read_ne_raw(path).to_crs("EPSG:4326")
    raw["iso_a2"] = _ne_codes(raw)
    # put proper countries first so their attributes win in _dissolve
    kind = raw["TYPE"] if "TYPE" in raw else pd.Series("Country", index=raw.index)
    raw["_rank"] = _alpha2(raw["ISO_A2"]).isna() & ~kind.isin(
        ["Country", "Sovereign country", "Disputed", "Sovereignty"]
    )
    raw["_area"] = shapely.area(raw.geometry.values)
    raw = raw.sort_values(["_rank", "_area"], ascending=[True, False], kind="stable")
    gdf = gpd.GeoDataFrame(
        {
            "iso_a2": raw["iso_a2"].astype(str),
            "iso_a3": _valid_code(raw["ISO_A3"])
            .fillna(_valid_code(raw.get("ISO_A3_EH", raw["ISO_A3"])))
            .fillna(raw["ADM0_A3"].astype("string"))
            .astype(str),
            "name": raw["NAME"].astype(str),
            "name_long": raw["NAME_LONG"].astype(str),
            "label_lon": raw["LABEL_X"].astype(float),
            "label_lat": raw["LABEL_Y"].astype(float),
            "continent": raw["CONTINENT"].astype(str),
        },
        geometry=raw.geometry.values,
        crs="EPSG:4326",
    )
    gdf = _dissolve(gdf)
    return gdf.sort_values("iso_a2").reset_index(drop=True)[COUNTRY_COLUMNS]


def _unwrap_antimeridian(geom: shapely.Geometry | None) -> shapely.Geometry | None:
    """Split polygons whose rings jump across the antimeridian.

    world-atlas stitches Chukotka to the rest of Russia with edges that run the
    whole way from -180 to +180; a plain clip turns those into a band around the
    globe, so shift the western bits east by 360, then cut at 180 and shift back.
    """
    if geom is None or geom.is_empty:
        return geom
    out = []
    for poly in shapely.get_parts(geom):
        rings = [poly.exterior, *poly.interiors]
        if not any(np.abs(np.diff(np.asarray(r.coords)[:, 0])).max(initial=0) > 180 for r in rings):
            out.append(poly)
            continue
        shifted = shapely.transform(poly, _shift_east)
        shifted = shapely.make_valid(shifted)
        inside = shapely.clip_by_rect(shifted, -180, -90, 180, 90)
        beyond = shapely.clip_by_rect(shifted, 180, -90, 540, 90)
        out.extend(shapely.get_parts(inside))
        out.extend(shapely.get_parts(shapely.transform(beyond, lambda xy: xy - [360, 0])))
    return shapely.geometrycollections(out) if len(out) != 1 else out[0]


def _shift_east(xy: np.ndarray) -> np.ndarray:
    xy = xy.copy()
    xy[xy[:, 0] < 0, 0] += 360
    return xy


def _open_world_atlas(path: Path, tmp: Path) -> tuple[str, str | None]:
    """Return a readable path and layer name for a (possibly gzipped) world-atlas file."""
    path = Path(path)
    if path.suffix == ".gz":
        plain = tmp / path.with_suffix("").name
        with gzip.open(path, "rb") as src, open(plain, "wb") as dst:
            shutil.copyfileobj(src, dst)
        path = plain
    layers = [name for name, _ in pyogrio.list_layers(path)]
    return str(path), ("countries" if "countries" in layers else None)


def read_world_atlas(path: Path, ne_path: Path) -> gpd.GeoDataFrame:
    """Read the world-atlas TopoJSON as the de facto country table.

    Parameters
    ----------
    path : Path
        world-atlas ``countries-10m`` TopoJSON (optionally gzipped) or any file
        pyogrio reads with ``id`` (ISO 3166-1 numeric) and ``name`` properties.
    ne_path : Path
        Natural Earth admin-0 file, used to map numeric ids and names to
        alpha-2 codes and to borrow long names, labels and continents.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per code with the columns of ``COUNTRY_COLUMNS``, EPSG:4326.
    """
    raw_ne = _read_ne_raw(ne_path)
    raw_ne["iso_a2"] = _ne_codes(raw_ne)
    ne = read_natural_earth(ne_path).set_index("iso_a2")

    # numeric -> alpha-2: proper ISO_N3 first, ISO_N3_EH only fills the gaps (FR, NO)
    numeric: dict[str, str] = {}
    for col in ["ISO_N3", "ISO_N3_EH"]:
        for n3, code in zip(_valid_code(raw_ne[col]), raw_ne["iso_a2"]):
            if pd.notna(n3):
                numeric.setdefault(str(n3).zfill(3), code)
    by_name = dict(zip(raw_ne["NAME"].astype(str), raw_ne["iso_a2"]))
    by_name.update({k: v[0] for k, v in _WORLD_ATLAS_EXTRA.items()})

    with tempfile.TemporaryDirectory() as tmp:
        readable, layer = _open_world_atlas(path, Path(tmp))
        wa = gpd.read_file(readable, layer=layer)
    if "id" not in wa.columns:
        wa["id"] = None

    codes = []
    for wid, name in zip(wa["id"], wa["name"]):
        wid = None if pd.isna(wid) else str(wid).split(".")[0].zfill(3)
        code = numeric.get(wid) if wid else None
        code = code or by_name.get(str(name))
        if code is None:
            # last resort, stable and readable; never hit by world-atlas 2.0
            code = "".join(ch for ch in str(name).upper() if ch.isalpha())[:3]
            warnings.warn(f"world-atlas unit {name!r} (id {wid}) has no known code, using {code}",
                          stacklevel=2)
        codes.append(code)
    wa["iso_a2"] = codes

    # TopoJSON carries no CRS; its coordinates are plain WGS84 lon/lat
    wa = wa.set_crs("EPSG:4326") if wa.crs is None else wa.to_crs("EPSG:4326")
    geoms = np.array([_unwrap_antimeridian(g) for g in wa.geometry.values], dtype=object)
    geoms = shapely.clip_by_rect(shapely.make_valid(geoms), -180, -90, 180, 90)
    wa = wa.set_geometry(geoms, crs="EPSG:4326")
    wa["_area"] = shapely.area(wa.geometry.values)
    wa = wa.sort_values("_area", ascending=False, kind="stable")

    extra = {v[0]: v[1] for v in _WORLD_ATLAS_EXTRA.values()}
    rows = []
    for code, name in zip(wa["iso_a2"], wa["name"]):
        ref = ne.loc[code] if code in ne.index else None
        rows.append(
            {
                "iso_a2": code,
                "iso_a3": ref["iso_a3"] if ref is not None else code,
                "name": str(name),
                "name_long": ref["name_long"] if ref is not None else str(name),
                "label_lon": ref["label_lon"] if ref is not None else np.nan,
                "label_lat": ref["label_lat"] if ref is not None else np.nan,
                "continent": ref["continent"] if ref is not None else extra.get(code, ""),
            }
        )
    gdf = gpd.GeoDataFrame(rows, geometry=wa.geometry.values, crs="EPSG:4326")
    gdf = _dissolve(gdf)
    # units unknown to Natural Earth get a label inside their own outline
    missing = gdf["label_lon"].isna()
    if missing.any():
        pts = shapely.point_on_surface(gdf.geometry.values[missing.to_numpy()])
        gdf.loc[missing, "label_lon"] = shapely.get_x(pts)
        gdf.loc[missing, "label_lat"] = shapely.get_y(pts)
    return gdf.sort_values("iso_a2").reset_index(drop=True)[COUNTRY_COLUMNS]


def _geodesic_km(geoms: np.ndarray) -> np.ndarray:
    return np.array([_GEOD.geometry_length(g) / 1000.0 for g in geoms])


def shared_borders(countries: gpd.GeoDataFrame, tolerance: float = _SNAP_DEG) -> gpd.GeoDataFrame:
    """Derive international land borders from adjacent country polygons.

    A border is the part of one country's outline lying within ``tolerance`` of
    its neighbour's polygon, so coastlines never count and neighbours whose
    shared vertices differ in the last digits still match.

    Parameters
    ----------
    countries : geopandas.GeoDataFrame
        Country table with ``iso_a2`` and polygon geometry in EPSG:4326.
    tolerance : float
        Snapping distance in degrees.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per adjacent pair: ``pair`` ("RU-UA"), ``a`` < ``b``,
        ``length_km`` (geodesic) and MultiLineString geometry, sorted by pair.
    """
    codes = countries["iso_a2"].to_numpy()
    geoms = countries.geometry.to_numpy()
    tree = shapely.STRtree(geoms)
    # grow the boxes too: neighbours a hair apart have disjoint bounding boxes
    bounds = shapely.bounds(geoms) + np.array([-1, -1, 1, 1]) * 2 * tolerance
    left, right = tree.query(shapely.box(*bounds.T))
    keep = codes[left] < codes[right]
    left, right = left[keep], right[keep]

    boundaries = shapely.boundary(geoms)
    rows = []
    for i, j in zip(left, right):
        # work only where the two bounding boxes overlap; keeps Russia and France cheap
        xmin, ymin, xmax, ymax = np.r_[
            np.maximum(geoms[i].bounds[:2], geoms[j].bounds[:2]),
            np.minimum(geoms[i].bounds[2:], geoms[j].bounds[2:]),
        ]
        pad = 2 * tolerance
        box = (xmin - pad, ymin - pad, xmax + pad, ymax + pad)
        outline = shapely.clip_by_rect(boundaries[i], *box)
        if outline.is_empty:
            continue
        neighbour = shapely.clip_by_rect(geoms[j], *box)
        if neighbour.is_empty or not shapely.dwithin(outline, neighbour, tolerance):
            continue
        shared = shapely.intersection(outline, shapely.buffer(neighbour, tolerance, quad_segs=2))
        lines = shapely.get_parts(shared)
        lines = lines[np.isin(shapely.get_type_id(lines), [1, 2])]
        if not len(lines):
            continue
        merged = shapely.get_parts(shapely.line_merge(shapely.multilinestrings(lines)))
        # pieces barely longer than the snapping band are coast-to-coast grazes
        merged = merged[shapely.length(merged) > 20 * tolerance]
        if not len(merged):
            continue
        a, b = codes[i], codes[j]
        geom = shapely.multilinestrings(merged)
        rows.append({"pair": f"{a}-{b}", "a": a, "b": b, "geometry": geom})

    out = gpd.GeoDataFrame(rows, columns=["pair", "a", "b", "geometry"], geometry="geometry",
                           crs="EPSG:4326")
    out["length_km"] = _geodesic_km(out.geometry.to_numpy())
    return out.sort_values("pair").reset_index(drop=True)[BORDER_COLUMNS]


def _write(gdf: gpd.GeoDataFrame, path: Path) -> int:
    # coordinates dominate the size: zstd beats snappy by ~30% and still loads fast
    gdf.to_parquet(path, index=False, compression="zstd", compression_level=19)
    return path.stat().st_size


def build_borders(
    source: Path,
    out_dir: Path,
    *,
    ne_path: Path | None = None,
    world_atlas_path: Path | None = None,
) -> dict:
    """Build country and land-border tables for both views.

    Parameters
    ----------
    source : Path
        Folder holding ``naturalearth/`` inputs (only read here, at build time).
    out_dir : Path
        Destination, normally the project's ``data/`` folder.
    ne_path, world_atlas_path : Path, optional
        Override the two inputs (tests pass tiny fixtures).

    Returns
    -------
    dict
        Row counts, file sizes in bytes, RU-UA border length per view and the
        build time in seconds.
    """
    start = time.perf_counter()
    source, out_dir = Path(source), Path(out_dir)
    ne_path = Path(ne_path) if ne_path else source / NE_FILE
    world_atlas_path = Path(world_atlas_path) if world_atlas_path else source / WORLD_ATLAS_FILE
    out_dir.mkdir(parents=True, exist_ok=True)

    views = {
        "de_jure": read_natural_earth(ne_path),
        "de_facto": read_world_atlas(world_atlas_path, ne_path),
    }
    stats: dict = {"files": {}, "rows": {}, "ru_ua_km": {}}
    for view, countries in views.items():
        borders = shared_borders(countries)
        for kind, gdf in (("countries", countries), ("borders", borders)):
            name = f"{kind}_{view}.parquet"
            stats["files"][name] = _write(gdf, out_dir / name)
            stats["rows"][name] = len(gdf)
        ru_ua = borders.loc[borders["pair"] == "RU-UA", "length_km"]
        stats["ru_ua_km"][view] = round(float(ru_ua.iloc[0]), 1) if len(ru_ua) else None
    stats["total_bytes"] = sum(stats["files"].values())
    stats["seconds"] = round(time.perf_counter() - start, 1)
    return stats
