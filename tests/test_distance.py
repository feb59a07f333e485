"""Tests for map_app.distance (the border-distance engine) and the ``map-app distance`` command."""
from __future__ import annotations

import argparse
import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from pyproj import Geod

from map_app import borders
from map_app._paths import data_dir

pytestmark = pytest.mark.skipif(
    not (data_dir() / "borders_de_jure.parquet").exists(), reason="border tables not built")

from reference import geod_brute_force, points_near_border  # noqa: E402

from map_app import distance as dist  # noqa: E402

SUMY = (34.80029, 50.9216)
ANDRIIVKA = (34.8252, 51.1264)
KHARKIV = (36.25272, 49.98081)
CRIMEAN_BRIDGE = (36.5118, 45.3083)
PARIS = (2.3522, 48.8566)
NARVA = (28.19, 59.38)
RECONQUISTA = (-59.65, -29.15)  # nearest to the Argentina-Brazil-Uruguay tripoint
GEOD = Geod(ellps="WGS84")


def _names(view: str = "de_jure") -> np.ndarray:
    return np.array(dist.border_names(view), dtype=object)


# ---------------------------------------------------------------- reference places
@pytest.mark.parametrize(
    "view, point, expected",
    [
        ("de_jure", SUMY, 27.3),
        ("de_facto", SUMY, 27.2),
        ("de_jure", KHARKIV, 32.7),
        ("de_facto", KHARKIV, 32.8),
        ("de_jure", ANDRIIVKA, 5.4),
        ("de_facto", ANDRIIVKA, 5.3),
    ],
)
def test_reference_distances(view, point, expected):
    r = dist.nearest_border(*point, view=view)
    assert r["nearest_border"] == "RU-UA"
    assert r["distance_km"] == pytest.approx(expected, abs=0.5)
    # the nearest point is on the border and really that far away on the ellipsoid
    _, _, m = GEOD.inv(*point, r["near_lon"], r["near_lat"])
    assert m / 1000 == pytest.approx(r["distance_km"], rel=1e-9)
    d, i = dist.border_distance(*point, view=view)
    assert d == pytest.approx(r["distance_km"], rel=1e-3) and _names(view)[i] == "RU-UA"


def test_sumy_context():
    r = dist.nearest_border(*SUMY, context=True)
    assert 24 <= r["distance_km"] <= 31
    assert r["nearest_border"] == "RU-UA"
    assert r["country"] == "UA" and not r["offshore"] and not r["in_crimea"] and r["note"] is None
    assert 51.0 < r["near_lat"] < 51.3
    assert set(dist.nearest_border(*SUMY)) == {"distance_km", "nearest_border", "near_lon",
                                               "near_lat"}


def test_crimean_bridge_de_jure():
    r = dist.nearest_border(*CRIMEAN_BRIDGE, context=True)
    # at sea in the Kerch Strait: the nearest *land* border, on the Sea of Azov coast
    assert r["nearest_border"] == "RU-UA"
    assert r["distance_km"] == pytest.approx(238.9, abs=0.5)
    assert r["offshore"] and r["in_crimea"]
    assert r["country"] == "UA"  # the nearest coast, 2 km snapping as in borders.country_at
    assert dist.OFFSHORE_NOTE in r["note"] and dist.CRIMEA_NOTE in r["note"]
    assert "maritime boundaries are not measured" in r["note"]


def test_crimean_bridge_de_facto():
    r = dist.nearest_border(*CRIMEAN_BRIDGE, view="de_facto", border="ua-ru", context=True)
    assert r["nearest_border"] == "RU-UA"
    assert r["distance_km"] == pytest.approx(126.7, abs=0.5)
    assert r["country"] == "RU" and r["offshore"] and r["in_crimea"]
    assert dist.CRIMEA_NOTE in r["note"]


def test_crimea_flag():
    simferopol, kyiv = (34.1024, 44.9521), (30.5234, 50.4501)
    r = dist.nearest_border(*simferopol, context=True)
    assert r["in_crimea"] and not r["offshore"] and r["country"] == "UA"
    assert r["note"] == dist.CRIMEA_NOTE
    assert dist.nearest_border(*simferopol, view="de_facto", context=True)["country"] == "RU"
    assert not dist.nearest_border(*kyiv, context=True)["in_crimea"]


def test_offshore_point():
    r = dist.nearest_border(-35.0, 35.0, context=True)  # mid-Atlantic
    assert r["offshore"] and r["country"] is None and r["note"] == dist.OFFSHORE_NOTE
    assert r["distance_km"] > 1000 and r["nearest_border"]


def test_tripoint_tie_takes_the_first_key():
    # the tripoint is nearest: three borders at exactly the same distance
    r = dist.nearest_border(*RECONQUISTA)
    assert r["nearest_border"] == "AR-BR"
    for other in ("AR-UY", "BR-UY"):
        assert dist.nearest_border(*RECONQUISTA, border=other)["distance_km"] == pytest.approx(
            r["distance_km"], abs=1e-6)


# ---------------------------------------------------------------- filters
@pytest.mark.parametrize("spelling", ["RU-UA", "ua-ru", "UA\u2013RU", "RU\u2014UA", "RU/UA",
                                      "ru ua", "RU_UA", " UA - RU ", "RU--UA"])
def test_border_spellings(spelling):
    assert dist._normalise_border(spelling) == "RU-UA"
    assert dist.nearest_border(*SUMY, border=spelling)["nearest_border"] == "RU-UA"


def test_border_and_country_filters():
    # Paris: nearest border is Belgium's, but filters pick other borders
    assert dist.nearest_border(*PARIS)["nearest_border"] == "BE-FR"
    r = dist.nearest_border(*PARIS, border="fr-ch")
    assert r["nearest_border"] == "CH-FR" and r["distance_km"] > 300
    # Kharkiv: any border of Russia is the RU-UA one; Belarus is far away
    ru = dist.nearest_border(*KHARKIV, country="ru")
    assert ru["nearest_border"] == "RU-UA" and ru["distance_km"] == pytest.approx(32.7, abs=0.3)
    by = dist.nearest_border(*KHARKIV, country="BY")
    assert "BY" in by["nearest_border"].split("-") and by["distance_km"] > 200
    # Narva, Estonia: nearest border is EE-RU; restricted to Latvia's borders it is not
    anywhere = dist.nearest_border(*NARVA)
    latvia = dist.nearest_border(*NARVA, country="lv")
    assert anywhere["nearest_border"] == "EE-RU" and "LV" in latvia["nearest_border"].split("-")
    assert latvia["distance_km"] > anywhere["distance_km"]
    d_pair, _ = dist.border_distance(*SUMY, border="UA-RU")
    d_all, _ = dist.border_distance(*SUMY)
    assert d_pair == pytest.approx(d_all)


@pytest.mark.parametrize("exact", [False, True])
def test_filtered_is_never_closer(exact):
    lon, lat = points_near_border(300, border=None, max_km=500, seed=11)
    if exact:
        d_all = dist.nearest_border(lon, lat)["distance_km"].to_numpy()
        ru = dist.nearest_border(lon, lat, country="RU")
        d_ru, names = ru["distance_km"].to_numpy(), ru["nearest_border"]
    else:
        d_all, _ = dist.border_distance(lon, lat)
        d_ru, i_ru = dist.border_distance(lon, lat, country="RU")
        names = _names()[i_ru]
    assert (d_ru >= d_all - 1e-9).all()
    assert all("RU" in n.split("-") for n in names)


def test_border_distance_exact_is_nearest_borders_search():
    # the exact search without the quadtree (places ranks a stated distance's candidates by
    # it): the same figures and borders as nearest_border
    lon, lat = points_near_border(50, border=None, max_km=800, seed=5)
    d, i = dist.border_distance(lon, lat, country="RU", exact=True)
    ref = dist.nearest_border(lon, lat, country="RU")
    assert np.array_equal(d, ref["distance_km"].to_numpy())
    assert list(_names()[i]) == list(ref["nearest_border"])
    d0, i0 = dist.border_distance(SUMY[0], SUMY[1], exact=True)
    assert np.ndim(d0) == 0 and _names()[i0] == "RU-UA" and abs(float(d0) - 27.3) < 0.1


# ---------------------------------------------------------------- vectorisation
@pytest.mark.parametrize("view", borders.VIEWS)
def test_vectorised_matches_scalar(view):
    lon = [SUMY[0], ANDRIIVKA[0], CRIMEAN_BRIDGE[0], PARIS[0], -35.0, 180.0, -180.0]
    lat = [SUMY[1], ANDRIIVKA[1], CRIMEAN_BRIDGE[1], PARIS[1], 35.0, 65.0, -90.0]
    df = dist.nearest_border(lon, lat, view=view, context=True)
    assert isinstance(df, pd.DataFrame) and len(df) == len(lon)
    assert list(df.columns) == ["distance_km", "nearest_border", "near_lon", "near_lat",
                                "country", "in_crimea", "offshore", "note"]
    assert list(dist.nearest_border(lon, lat, view=view).columns) == list(df.columns[:4])
    d, i = dist.border_distance(np.array(lon), np.array(lat), view=view)
    for k, (x, y) in enumerate(zip(lon, lat)):
        one = dist.nearest_border(x, y, view=view, context=True)
        assert isinstance(one, dict)
        for col in df.columns:
            if isinstance(one[col], float):
                assert one[col] == pytest.approx(df[col].iloc[k], rel=1e-12)
            else:
                assert one[col] == df[col].iloc[k]
        ds, js = dist.border_distance(x, y, view=view)
        assert np.ndim(ds) == 0 and ds == pytest.approx(d[k], rel=1e-12) and js == i[k]
        assert ds == pytest.approx(one["distance_km"], rel=1e-3)


def test_shapes_and_nan():
    lon = np.array([[SUMY[0], np.nan], [PARIS[0], 10.0]])
    lat = np.array([[SUMY[1], 10.0], [PARIS[1], np.nan]])
    d, i = dist.border_distance(lon, lat)
    assert d.shape == i.shape == (2, 2)
    assert np.isnan(d[0, 1]) and np.isnan(d[1, 1]) and i[0, 1] == -1 and i[1, 1] == -1
    d2, _ = dist.border_distance(SUMY[0], [SUMY[1], SUMY[1]])  # broadcasting
    assert d2.shape == (2,) and d2[0] == d2[1] == pytest.approx(d[0, 0])
    df = dist.nearest_border([np.nan, SUMY[0]], [1.0, SUMY[1]], context=True)
    assert df["nearest_border"].iloc[0] is None and np.isnan(df["distance_km"].iloc[0])
    assert df["country"].iloc[0] is None and df["nearest_border"].iloc[1] == "RU-UA"
    empty, _ = dist.border_distance(np.array([]), np.array([]))
    assert empty.shape == (0,)
    assert len(dist.nearest_border(np.array([]), np.array([]))) == 0


# ---------------------------------------------------------------- accuracy
def _measure(exact: bool, lon, lat, **kwargs):
    if exact:
        r = dist.nearest_border(lon, lat, **kwargs)
        return r["distance_km"].to_numpy(), r["nearest_border"].to_numpy()
    d, i = dist.border_distance(lon, lat, **kwargs)
    return d, _names(kwargs.get("view", "de_jure"))[i]


@pytest.mark.parametrize("exact", [False, True])
def test_accuracy_near_ru_ua(exact):
    lon, lat = points_near_border(60, border="RU-UA", seed=2)
    ref = geod_brute_force(lon, lat, border="RU-UA")
    got, names = _measure(exact, lon, lat, border="RU-UA")
    assert (names == "RU-UA").all()
    err = np.abs(got - ref)
    assert (err <= np.maximum(1e-3 * ref, dist.ABS_FLOOR_KM)).all()
    far = ref >= 0.5
    assert far.sum() > 40 and (err[far] / ref[far]).max() <= 0.001
    if exact:  # measured to the nearest point itself: metres, at any distance
        assert err.max() <= 0.005


@pytest.mark.parametrize("exact", [False, True])
@pytest.mark.parametrize("view", borders.VIEWS)
def test_accuracy_everywhere(view, exact):
    # near and far from many borders, all borders at once: exercises coarse levels of detail
    lon, lat = points_near_border(25, view=view, border=None, max_km=4000, min_km=0.05, seed=7)
    lon = np.r_[lon, -150.0, 0.0, 100.0, 20.0]  # Pacific, Gulf of Guinea, Antarctica, Arctic
    lat = np.r_[lat, -30.0, 0.0, -89.0, 89.5]
    ref = geod_brute_force(lon, lat, view=view, coarse_km=5.0)
    got, _ = _measure(exact, lon, lat, view=view)
    err = np.abs(got - ref)
    assert (err <= np.maximum(1e-3 * ref, dist.ABS_FLOOR_KM)).all()


# ---------------------------------------------------------------- errors
@pytest.mark.parametrize("kwargs, match", [
    ({"border": "RU-XX"}, "unknown border"),
    ({"border": "FR-RU"}, "unknown border"),
    ({"border": "UA-US"}, "unknown border"),
    ({"country": "XX"}, "unknown country"),
    ({"country": "IS"}, "unknown country"),  # an island: no land border
    ({"country": "FR", "border": "RU-UA"}, "not a border of"),
    ({"view": "sideways"}, "unknown view"),
])
def test_bad_filters(kwargs, match):
    for f in (dist.border_distance, dist.nearest_border):
        with pytest.raises(ValueError, match=match) as exc:
            f(*SUMY, **kwargs)
        assert "\n" not in str(exc.value)


@pytest.mark.parametrize("lon, lat", [(30.0, 90.5), (30.0, -91.0), (180.5, 50.0), (-200.0, 0.0),
                                      ([30.0, 30.0], [50.0, 95.0])])
def test_out_of_range(lon, lat):
    with pytest.raises(ValueError, match="out of range"):
        dist.border_distance(lon, lat)
    with pytest.raises(ValueError, match="out of range"):
        dist.nearest_border(lon, lat)


@pytest.mark.parametrize("view", borders.VIEWS)
def test_border_names(view):
    names = dist.border_names(view)
    assert "RU-UA" in names and names == sorted(names)
    # position i is the border of code i: the rows of the table
    assert names == borders.load_borders(view)["pair"].tolist()
    assert dist.border_names(view, country="ua") == dist.border_names(view, country="UA")
    assert all("UA" in n.split("-") for n in dist.border_names(view, country="UA"))
    assert dist.border_names(view, country="IS") == []


# ---------------------------------------------------------------- command line
def _run(argv, capsys):
    from map_app._cli_distance import add_parser

    parser = argparse.ArgumentParser(prog="map-app")
    add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["distance", *argv])
    code = args.func(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_place(capsys):
    code, out, err = _run(["Sumy"], capsys)
    assert code == 0 and not err
    assert out.startswith("Sumy (UA): 29.1 km to the RU-UA border (de jure); nearest point ")
    assert out.strip().endswith(" E")


def test_cli_coordinates_json(capsys):
    code, out, _ = _run(["--lat", "45.3083", "--lon", "36.5118", "--de-facto", "--json"], capsys)
    r = json.loads(out)
    assert code == 0 and r["view"] == "de_facto" and r["nearest_border"] == "RU-UA"
    assert r["distance_km"] == pytest.approx(126.7, abs=0.5)
    assert r["offshore"] is True and r["in_crimea"] is True and r["country"] == "RU"
    assert {"near_lon", "near_lat", "note"} <= set(r)


def test_cli_notes_and_filters(capsys):
    code, out, _ = _run(["--lat", "45.3083", "--lon", "36.5118"], capsys)
    assert code == 0 and "maritime boundaries are not measured" in out and "Crimea" in out
    code, out, _ = _run(["Kharkiv", "--country", "RU"], capsys)
    assert code == 0 and "to the RU-UA border" in out
    code, out, _ = _run(["--list-borders", "--country", "UA"], capsys)
    assert code == 0 and "RU-UA" in out.split()


@pytest.mark.parametrize("argv, match", [
    (["--lat", "95", "--lon", "30"], "out of range"),
    (["--lat", "50", "--lon", "30", "--border", "RU-XX"], "unknown border"),
    (["Sumy", "--country", "XX"], "unknown country"),
    (["Qwzxvbnplace"], "unknown place"),
    ([], "give a place"),
    (["--lat", "50"], "go together"),
    (["Sumy", "--lat", "50", "--lon", "30"], "not both"),
])
def test_cli_errors(argv, match, capsys):
    code, out, err = _run(argv, capsys)
    assert code == 2 and not out
    assert err.startswith("map-app: ") and match in err and err.count("\n") == 1
    assert "Traceback" not in err


def test_cli_wired():
    help_ = subprocess.run([sys.executable, "-m", "map_app.cli", "--help"],
                           capture_output=True, text=True)
    if "distance" not in help_.stdout:
        pytest.skip("`distance` not wired into map-app yet")
    r = subprocess.run([sys.executable, "-m", "map_app.cli", "distance", "Sumy", "--json"],
                       capture_output=True, text=True)
    assert r.returncode == 0 and json.loads(r.stdout)["nearest_border"] == "RU-UA"
    r = subprocess.run([sys.executable, "-m", "map_app.cli", "distance",
                        "--lat", "91", "--lon", "0"],
                       capture_output=True, text=True)
    assert r.returncode == 2 and r.stderr.startswith("map-app: ") and "Traceback" not in r.stderr


def test_lines_nearest_gives_the_foot_point():
    import shapely
    from pyproj import Geod

    from map_app.distance import Lines

    t = Lines([shapely.LineString([(35.0, 47.0), (36.0, 47.0)])])
    km, lon, lat = t.nearest(35.5, 47.2)
    assert abs(lon - 35.5) < 0.01 and abs(lat - 47.0) < 0.01
    assert abs(Geod(ellps="WGS84").inv(35.5, 47.2, lon, lat)[2] / 1000 - km) < 1e-6
    assert all(v != v for v in Lines([]).nearest(35.5, 47.2))
