"""Regions and countries as areas (map_app.areas) and their distances to a border."""
import numpy as np
import pytest
import shapely

from map_app.areas import area_border_distance, area_of, is_exact
from map_app.gazetteer import load_gazetteer


def test_ukraines_areas_are_real_outlines_holding_their_points():
    g = load_gazetteer()
    for entry in ("adm1:UA.07", "adm1:UA.05", "adm2:UA1416", "adm3:UA1412011"):
        c = g.get(entry)
        geom = area_of(entry)
        assert is_exact(entry) and shapely.contains_xy(geom, c.lon, c.lat), entry
    assert area_of("country:UA") is not None and is_exact("country:UA")
    assert area_of("geonames:692194") is None and area_of(None) is None


@pytest.mark.parametrize("entry, view, km, border", [
    ("adm1:UA.07", "de_jure", 0.0, "RU-UA"),     # Kharkiv Oblast reaches Russia
    ("adm1:UA.15", "de_jure", 0.0, "PL-UA"),     # Lviv Oblast reaches Poland
    ("adm1:UA.11", "de_facto", 0.0, "RU-UA"),    # Crimea, behind the line of control
    ("country:UA", "de_jure", 0.0, "RU-UA"),
    ("country:GB", "de_jure", 0.0, "GB-IE"),
])
def test_an_area_that_reaches_a_border_is_0_km_from_it(entry, view, km, border):
    d, b = area_border_distance([entry], view)
    assert d[0] == km and b[0] == border


def test_an_area_away_from_borders_is_measured_from_its_outline():
    d, b = area_border_distance(["adm1:UA.18", "adm1:UA.11", "country:JP", "geonames:1"])
    assert 40 < d[0] < 70 and b[0] == "RU-UA"  # Poltava Oblast
    assert d[1] > 150  # Crimea, de jure: Ukraine's, far from any land border
    assert d[2] > 300 and b[2] == "KP-KR"  # Japan, an island country
    assert np.isnan(d[3]) and b[3] is None


def test_every_outline_is_measurable_even_across_the_antimeridian():
    import geopandas as gpd

    from map_app._paths import data_dir

    ids = gpd.read_parquet(data_dir() / "areas.parquet")["id"].tolist()
    d, _ = area_border_distance(["adm1:RU.15", *ids[::10]])  # Chukotka's hull passes 180°
    assert np.isfinite(d).all() and (d >= 0).all()
