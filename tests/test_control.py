"""Control layers (map_app.control): made-up occupied areas drawn here, never ../shared."""
import gzip
import json
from datetime import date

import numpy as np
import pytest
import shapely
from reference import geod_to_lines
from synthetic import box_collection

from map_app.cli import main
from map_app.control import ControlError, changes, line_of_contact, read_control
from map_app.pipeline import analyse

# Two made-up occupied areas well inside Ukraine (boxes in Donetsk oblast), the second
# larger: a village east of the first box is taken between the snapshots.
BOX1 = (37.0, 47.6, 37.6, 48.0)
BOX2 = (37.0, 47.6, 38.0, 48.0)
VILLAGE = (37.8, 47.8)   # outside BOX1, inside BOX2
INSIDE = (37.3, 47.8)    # inside both
FAR = (30.52, 50.45)     # Kyiv: never


_fc = box_collection


@pytest.fixture()
def folder(tmp_path):
    d = tmp_path / "control"
    d.mkdir()
    (d / "occupied_20250101.geojson").write_text(json.dumps(_fc(BOX1)))
    with gzip.open(d / "occupied_20250201.geojson.gz", "wt") as f:
        f.write(json.dumps(_fc(BOX2)))
    (d / "notes.txt").write_text("not a snapshot")
    return d


def test_status_on_the_snapshot_on_or_before_the_date(folder):
    layer = read_control(folder)
    assert layer.days == [date(2025, 1, 1), date(2025, 2, 1)]
    occ, km, day = layer.measure([VILLAGE[0], INSIDE[0], FAR[0]],
                                 [VILLAGE[1], INSIDE[1], FAR[1]], date(2025, 1, 20))
    assert day == date(2025, 1, 1) and occ.tolist() == [False, True, False]
    assert km[0] > 0 and km[1] < 0 and km[2] > 300  # negative inside the occupied area
    occ, _, day = layer.measure(*VILLAGE, date(2025, 3, 5))
    assert day == date(2025, 2, 1) and occ.tolist() == [True]
    occ, km, day = layer.measure(*VILLAGE, date(2024, 12, 31))  # before the first
    assert day is None and np.isnan(km).all()


def test_a_change_is_reported_between_the_right_two_snapshots(folder):
    layer = read_control(folder)
    assert changes(layer.history(*VILLAGE)) == [(date(2025, 1, 1), date(2025, 2, 1), True)]
    assert changes(layer.history(*INSIDE)) == [] and changes(layer.history(*FAR)) == []


def test_distances_to_the_front_agree_with_pyproj(folder):
    layer = read_control(folder)
    snap = layer.snapshot(date(2025, 1, 1))
    rng = np.random.default_rng(4)
    lon, lat = rng.uniform(35.5, 39.0, 200), rng.uniform(46.8, 48.8, 200)
    _, km, _ = layer.measure(lon, lat, snap.day)
    ref = geod_to_lines(lon, lat, [line_of_contact(snap.occupied)], coarse_km=1.0)
    assert np.allclose(np.abs(km), ref, rtol=1e-3, atol=0.005)


def test_the_line_of_contact_leaves_out_borders_and_coast():
    # an area reaching over the Russian border: its stretch along the border is no front
    box = shapely.box(38.0, 48.0, 41.0, 49.0)
    front = line_of_contact(box)
    assert 0 < front.length < 0.6 * shapely.boundary(box).length
    assert not front.intersects(shapely.box(39.9, 48.0, 41.0, 49.0))  # Russia's side


def test_a_file_with_a_date_per_feature(tmp_path):
    fc = _fc(BOX1, {"date": "2025-01-01"})
    fc["features"] += _fc(BOX2, {"date": "2025-02-01T00:00:00"})["features"]
    p = tmp_path / "layer.geojson"
    p.write_text(json.dumps(fc))
    assert read_control(p).days == [date(2025, 1, 1), date(2025, 2, 1)]


@pytest.mark.parametrize("make, message", [
    (lambda d: d / "missing.geojson", "no such file"),
    (lambda d: (d / "x.geojson").write_text(json.dumps(_fc(BOX1))) and d / "x.geojson",
     "no date"),
    (lambda d: (d / "bad_20250101.geojson").write_text("{not json") and
     d / "bad_20250101.geojson", "not a GeoJSON"),
    (lambda d: d, "no *_YYYYMMDD.geojson"),
])
def test_bad_layers_are_one_line_errors(tmp_path, make, message):
    with pytest.raises(ControlError, match=message.replace("*", r"\*")) as e:
        read_control(make(tmp_path))
    assert "\n" not in str(e.value)


def test_each_place_gets_control_on_its_event_date(folder, gaz):
    layer = read_control(folder)
    text = ("date 2025-02-10\nRussian forces shelled Mariupol last month. "
            "Drones hit Kyiv yesterday.")
    recs = {r["text"]: r for r in analyse(text, gazetteer=gaz, control=layer)}
    # Mariupol lies outside both boxes: not occupied, measured to the front
    assert recs["Kyiv"]["control"] == "not occupied"
    assert recs["Kyiv"]["control_date"] == "2025-02-01"  # the day before the article
    assert recs["Mariupol"]["control_date"] == "2025-01-01"  # its event, a month before
    assert recs["Mariupol"]["distance_to_front_km"] > 0
    # without a layer: no control fields
    plain = analyse(text, gazetteer=gaz)
    assert all(r["control"] is None and r["distance_to_front_km"] is None for r in plain)


def test_the_control_command(folder, capsys):
    assert main(["control", "--lat", str(VILLAGE[1]), "--lon", str(VILLAGE[0]),
                 "--control", str(folder), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [s["occupied"] for s in out["snapshots"]] == [False, True]
    assert out["changes"] == [{"after": "2025-01-01", "by": "2025-02-01", "occupied": True}]
    assert main(["control", "Kyiv", "--control", str(folder)]) == 0
    assert "no change" in capsys.readouterr().out
    assert main(["control", "Kyiv", "--control", str(folder / "nope")]) == 2
    assert "no such file" in capsys.readouterr().err


SNAPSHOTS = __import__("pathlib").Path(__file__).resolve().parents[2] / "shared" / "data" / \
    "frontline"


@pytest.mark.skipif(not SNAPSHOTS.is_dir(), reason="the development snapshots are not here")
def test_the_monthly_snapshots_of_realistic_size():
    layer = read_control(SNAPSHOTS)
    assert len(layer.snapshots) >= 20
    melitopol, kyiv = (35.365, 46.848), (30.52, 50.45)
    assert all(occ for _, occ in layer.history(*melitopol))
    assert not any(occ for _, occ in layer.history(*kyiv))
    _, km, _ = layer.measure(*kyiv, layer.days[-1])
    assert 250 < km[0] < 400


def test_statements_about_the_front_get_verdicts_against_the_layer(folder, gaz):
    # the layer's boxes hold no real town: measure what the text says about made-up points
    from map_app.claims import FrontClaim
    from map_app.control import check_front_claim

    layer = read_control(folder)
    day = date(2025, 1, 15)
    occupied = FrontClaim("occupied", 0, 8, "occupied")
    assert check_front_claim(occupied, layer, *INSIDE, day)["verdict"] == "consistent"
    assert check_front_claim(occupied, layer, *VILLAGE, day)["verdict"] == "inconsistent"
    # a capture is checked against the first snapshot after it: taken by February
    captured = FrontClaim("captured", 0, 8, "captured")
    v = check_front_claim(captured, layer, *VILLAGE, day)
    assert v["verdict"] == "consistent" and (v["event_date"], v["snapshot"]) == (
        "2025-01-15", "2025-02-01")
    freed = FrontClaim("liberated", 0, 9, "liberated")
    assert check_front_claim(freed, layer, *VILLAGE, day)["verdict"] == "inconsistent"
    assert check_front_claim(captured, layer, *VILLAGE, date(2025, 3, 1))["verdict"] \
        == "unverifiable"  # no snapshot after it yet
    _, km, _ = layer.measure(*VILLAGE, day)
    near = FrontClaim("x", 0, 1, "distance", round(float(km[0])), 2.5)
    assert check_front_claim(near, layer, *VILLAGE, day)["verdict"] == "consistent"
    far = FrontClaim("x", 0, 1, "distance", 60.0, 11.0)
    v = check_front_claim(far, layer, *VILLAGE, day)
    assert v["verdict"] == "inconsistent" and v["computed_km"] == pytest.approx(km[0], abs=0.01)


def test_front_statements_are_tied_to_their_place_in_the_pipeline(folder, gaz):
    layer = read_control(folder)
    text = ("date 2025-01-20\nShelling hit Mariupol, some 40 km from the front line. "
            "Russian forces captured Kurakhove.")
    recs = {r["text"]: r for r in analyse(text, gazetteer=gaz, control=layer)}
    m = recs["Mariupol"]["front_claim"]
    assert m["kind"] == "distance" and m["claimed_km"] == 40
    assert m["computed_km"] == pytest.approx(recs["Mariupol"]["distance_to_front_km"], abs=0.05)
    assert recs["Kurakhove"]["front_claim"]["kind"] == "captured"


def test_points_with_a_date_each(folder):
    layer = read_control(folder)
    occ, km, days = layer.measure_dated([VILLAGE[0]] * 3, [VILLAGE[1]] * 3,
                                        [date(2025, 1, 9), date(2025, 2, 9), None])
    assert occ[:2].tolist() == [0.0, 1.0] and np.isnan(occ[2]) and np.isnan(km[2])
    assert days == [date(2025, 1, 1), date(2025, 2, 1), None] and km[0] > 0 > km[1]


def test_ingest_stores_control_and_bad_layers_stop_before_work(folder, tmp_path, capsys):
    from map_app.store import read_places

    arts = tmp_path / "arts"
    arts.mkdir()
    (arts / "a.txt").write_text("date 2025-02-10\nShelling hit Mariupol and Kyiv.")
    store = tmp_path / "s.gpkg"
    assert main(["ingest", str(arts), "--store", str(store), "--control", str(folder)]) == 0
    df = read_places(store).set_index("place")
    assert df.loc["Kyiv", "control"] == "not occupied"
    assert df.loc["Kyiv", "control_date"] == "2025-02-01"
    for cmd in (["ingest", str(arts), "--store", str(store)], ["serve"], ["parse", str(arts)]):
        assert main([*cmd, "--control", str(tmp_path / "nope")]) == 2
        err = capsys.readouterr().err
        assert "no such file" in err and "Traceback" not in err


def test_the_apps_table_and_popups_get_control_and_its_history(folder):
    import pandas as pd

    from map_app.export import with_control
    from map_app.plot import _compact

    layer = read_control(folder)
    df = pd.DataFrame({"lon": [VILLAGE[0], INSIDE[0], 31.0], "lat": [VILLAGE[1], INSIDE[1],
                                                                     49.0],
                       "kind": ["village", "village", "region"],
                       "event_date": ["2025-01-10", "2025-02-10", "2025-02-10"],
                       "article_date": ["2025-02-10"] * 3})
    out = with_control(df, layer)
    assert out["control"].tolist()[:2] == ["not occupied", "occupied"]
    assert pd.isna(out["control"].iloc[2])  # a region: not measured
    assert out["control_date"].tolist()[:2] == ["2025-01-01", "2025-02-01"]
    text = out["control_text"].tolist()
    assert "occupied from 2025-02-01 (after 2025-01-01)" in text[0]
    assert "occupied throughout" in text[1] and pd.isna(text[2])
    assert any("km from the front" in t for t in _compact(out)["control_t"])


@pytest.mark.skipif(not SNAPSHOTS.is_dir(), reason="the development snapshots are not here")
def test_distances_to_a_real_front_agree_with_pyproj():
    layer = read_control(SNAPSHOTS)
    snap = layer.snapshots[-1]
    rng = np.random.default_rng(8)
    lon, lat = rng.uniform(32.0, 39.5, 200), rng.uniform(46.0, 50.5, 200)
    _, km, _ = layer.measure(lon, lat, snap.day)
    ref = geod_to_lines(lon, lat, [line_of_contact(snap.occupied)], coarse_km=2.0)
    assert np.allclose(np.abs(km), ref, rtol=1e-3, atol=0.005)
