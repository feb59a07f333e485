"""Tests for map_app.borders (shipped data) and map_app._build_borders (fixtures)."""
from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Geod

from map_app import borders
from map_app._build_borders import build_borders
from map_app._paths import data_dir

needs_data = pytest.mark.skipif(
    not (data_dir() / "borders_de_jure.parquet").exists(),
    reason="border tables not built "
           "(python -c 'from map_app._build_borders import build_borders ...')",
)

SUMY = (34.80029, 50.9216)
CRIMEAN_BRIDGE = (36.51, 45.31)


@needs_data
def test_crimean_bridge():
    assert borders.country_at(*CRIMEAN_BRIDGE) == "UA"
    assert borders.country_at(*CRIMEAN_BRIDGE, view="de_facto") == "RU"


@needs_data
@pytest.mark.parametrize("view", borders.VIEWS)
def test_country_at(view):
    assert borders.country_at(30.5234, 50.4501, view=view) == "UA"  # Kyiv
    assert borders.country_at(37.6173, 55.7558, view=view) == "RU"  # Moscow
    assert borders.country_at(2.3522, 48.8566, view=view) == "FR"  # Paris
    assert borders.country_at(-35.0, 35.0, view=view) is None  # mid-Atlantic
    assert borders.country_at(np.nan, 10.0, view=view) is None


@needs_data
@pytest.mark.parametrize("view", borders.VIEWS)
def test_vectorised_matches_scalar(view):
    lon = np.array([30.5234, 37.6173, 2.3522, -35.0, SUMY[0], CRIMEAN_BRIDGE[0], 200.0])
    lat = np.array([50.4501, 55.7558, 48.8566, 35.0, SUMY[1], CRIMEAN_BRIDGE[1], 10.0])
    codes = borders.country_at(lon, lat, view=view)
    assert isinstance(codes, np.ndarray) and codes.dtype == object
    assert list(codes) == [borders.country_at(x, y, view=view) for x, y in zip(lon, lat)]
    grid = borders.country_at(lon.reshape(1, -1), lat[:3, None], view=view)  # broadcasting
    assert grid.shape == (3, len(lon))


@needs_data
def test_invalid_arguments():
    with pytest.raises(ValueError, match="unknown view"):
        borders.load_countries("de_fakto")
    with pytest.raises(ValueError, match="unknown view"):
        borders.country_at(0, 0, view="nope")


@needs_data
@pytest.mark.parametrize("view", borders.VIEWS)
def test_border_keys(view):
    table = borders.load_borders(view)
    assert list(table.columns) == ["pair", "a", "b", "length_km", "geometry"]
    assert table["pair"].is_unique
    assert (table["a"] < table["b"]).all()
    assert (table["pair"] == table["a"] + "-" + table["b"]).all()
    assert table["pair"].is_monotonic_increasing and "RU-UA" in set(table["pair"])
    assert set(table.geom_type) == {"MultiLineString"}
    assert table.crs.to_epsg() == 4326


@needs_data
def test_ru_ua_length():
    table = borders.load_borders().set_index("pair")
    assert table.loc["RU-UA", "length_km"] == pytest.approx(1524, rel=0.05)
    # de facto adds the line across the Crimean isthmus
    facto = borders.load_borders("de_facto").set_index("pair")
    assert facto.loc["RU-UA", "length_km"] > table.loc["RU-UA", "length_km"] + 50


@needs_data
@pytest.mark.parametrize("view", borders.VIEWS)
def test_country_table(view):
    table = borders.load_countries(view)
    assert list(table.columns) == [
        "iso_a2", "iso_a3", "name", "name_long", "label_lon", "label_lat", "continent", "geometry",
    ]
    assert table["iso_a2"].is_unique
    assert set(table.geom_type) == {"MultiPolygon"}
    assert table.crs.to_epsg() == 4326


# ---------------------------------------------------------------------------
# build on tiny fixtures


def _square(x0: float, y0: float, x1: float, y1: float) -> shapely.Polygon:
    return shapely.box(x0, y0, x1, y1)


def _write_ne_fixture(folder: Path) -> Path:
    """Three neighbours (one without an ISO_A2) and a remote island, as a zipped shapefile."""
    rows = [
        # ADM0_A3, ISO_A2, ISO_A2_EH, ISO_N3, ISO_N3_EH, NAME, geometry
        ("UKR", "UA", "UA", "804", "804", "Ukraine", _square(10, 40, 11, 41)),
        # Russia's west edge is off by 1e-7 degrees: neighbours need not share vertices exactly
        ("RUS", "RU", "RU", "643", "643", "Russia", _square(11 + 1e-7, 40, 12, 41)),
        ("KOS", "-99", "XK", "-99", "-99", "Kosovo", _square(10, 41, 12, 41.5)),
        ("BRT", "-99", "-99", "-99", "-99", "Bir Tawil", _square(20, 20, 20.5, 20.5)),
    ]
    gdf = gpd.GeoDataFrame(
        {
            "ADM0_A3": [r[0] for r in rows],
            "ISO_A2": [r[1] for r in rows],
            "ISO_A2_EH": [r[2] for r in rows],
            "ISO_A3": [r[0] if r[1] != "-99" else "-99" for r in rows],
            "ISO_N3": [r[3] for r in rows],
            "ISO_N3_EH": [r[4] for r in rows],
            "NAME": [r[5] for r in rows],
            "NAME_LONG": [r[5] for r in rows],
            "LABEL_X": [r[6].centroid.x for r in rows],
            "LABEL_Y": [r[6].centroid.y for r in rows],
            "CONTINENT": ["Europe", "Europe", "Europe", "Africa"],
            "TYPE": ["Sovereign country", "Sovereign country", "Disputed", "Indeterminate"],
        },
        geometry=[r[6] for r in rows],
        crs="EPSG:4326",
    )
    shp_dir = folder / "ne"
    shp_dir.mkdir()
    gdf.to_file(shp_dir / "ne.shp")
    archive = folder / "ne.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in shp_dir.iterdir():
            zf.write(f, f.name)
    return archive


def _write_world_atlas_fixture(folder: Path) -> Path:
    """De facto view: Russia holds the east half of the fixture Ukraine; Kosovo has no id."""
    gdf = gpd.GeoDataFrame(
        {
            "id": ["804", "643", None],
            "name": ["Ukraine", "Russia", "Kosovo"],
        },
        geometry=[_square(10, 40, 10.5, 41), _square(10.5, 40, 12, 41), _square(10, 41, 12, 41.5)],
        crs="EPSG:4326",
    )
    plain = folder / "wa.geojson"
    gdf.to_file(plain, driver="GeoJSON")
    packed = folder / "wa.geojson.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    return packed


def test_build_on_fixtures(tmp_path):
    ne = _write_ne_fixture(tmp_path)
    wa = _write_world_atlas_fixture(tmp_path)
    out = tmp_path / "data"
    stats = build_borders(tmp_path / "unused", out, ne_path=ne, world_atlas_path=wa)

    names = {"countries_de_jure", "countries_de_facto", "borders_de_jure", "borders_de_facto"}
    assert {p.stem for p in out.glob("*.parquet")} == names
    assert stats["total_bytes"] == sum(f.stat().st_size for f in out.glob("*.parquet"))

    countries = gpd.read_parquet(out / "countries_de_jure.parquet")
    assert sorted(countries["iso_a2"]) == ["BRT", "RU", "UA", "XK"]

    jure = gpd.read_parquet(out / "borders_de_jure.parquet").set_index("pair")
    # the remote island borders nothing; coastlines are not borders
    assert list(jure.index) == ["RU-UA", "RU-XK", "UA-XK"]
    assert jure.loc["RU-UA", "a"] == "RU" and jure.loc["RU-UA", "b"] == "UA"
    geod = Geod(ellps="WGS84")
    one_degree_lat = geod.inv(11, 40, 11, 41)[2] / 1000
    assert jure.loc["RU-UA", "length_km"] == pytest.approx(one_degree_lat, rel=1e-3)
    line = jure.loc["RU-UA", "geometry"]
    assert line.geom_type == "MultiLineString"
    assert line.bounds[0] == pytest.approx(11, abs=1e-4)
    assert line.bounds[2] == pytest.approx(11, abs=1e-4)
    assert stats["ru_ua_km"]["de_jure"] == pytest.approx(one_degree_lat, abs=0.1)

    facto = gpd.read_parquet(out / "borders_de_facto.parquet").set_index("pair")
    assert list(facto.index) == ["RU-UA", "RU-XK", "UA-XK"]
    assert facto.loc["RU-UA", "geometry"].bounds[0] == pytest.approx(10.5)
    facto_countries = gpd.read_parquet(out / "countries_de_facto.parquet").set_index("iso_a2")
    assert facto_countries.loc["XK", "name"] == "Kosovo"
    assert facto_countries.loc["RU", "continent"] == "Europe"


