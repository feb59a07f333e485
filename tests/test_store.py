import json
import sqlite3

import pytest

from map_app.cli import main
from map_app.export import to_geojson
from map_app.store import choose, content_hash, ingest, read_places


@pytest.fixture()
def store(tmp_path, seed_text):
    p = tmp_path / "store.gpkg"
    art = tmp_path / "arts"
    art.mkdir()
    (art / "seed.txt").write_text(seed_text, encoding="utf-8")
    (art / "other.txt").write_text("date 2025-06-01\nA drone attack hit Odesa overnight.",
                                   encoding="utf-8")
    stats = ingest([art], p)
    assert stats["stored"] == 2 and not stats["failed"]
    return p, art


def test_reingest_changes_nothing(store):
    p, art = store
    before = p.read_bytes()
    stats = ingest([art], p)
    assert stats == {"stored": 0, "unchanged": 2, "failed": []}
    con = sqlite3.connect(p)
    assert con.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 2
    assert len(before) > 0


def test_store_opens_as_geopackage(store):
    p, _ = store
    gdf = read_places(p)
    assert gdf.crs.to_epsg() == 4326
    assert {"Sumy", "Odesa"} <= set(gdf["place"])
    sumy = gdf[(gdf.place == "Sumy") & (gdf.role == "incident")].iloc[0]
    assert abs(sumy.geometry.x - 34.80) < 0.01 and abs(sumy.geometry.y - 50.92) < 0.01
    assert sumy.killed == 4 and sumy.claim_verdict == "consistent"
    import pyogrio

    layers = dict(pyogrio.list_layers(p))
    assert layers["places"] == "Point" and "articles" in layers


def test_export_geojson_is_rfc7946(store, tmp_path):
    p, _ = store
    out = tmp_path / "out.geojson"
    assert main(["export", "--store", str(p), "-o", str(out), "--role", "incident"]) == 0
    fc = json.loads(out.read_text())
    assert fc["type"] == "FeatureCollection" and "crs" not in fc
    props = {"place", "quote", "article", "date", "role", "event_type", "killed", "wounded",
             "distance_to_border_km", "nearest_border", "claim_verdict", "geonameid", "score"}
    for f in fc["features"]:
        assert f["geometry"]["type"] == "Point"
        lon, lat = f["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert set(f["properties"]) == props and f["properties"]["role"] == "incident"
    sumy = [f for f in fc["features"] if f["properties"]["place"] == "Sumy"][0]
    assert sumy["properties"]["killed"] == 4 and sumy["properties"]["wounded"] == 20


def test_export_filters_and_csv(store, tmp_path):
    p, _ = store
    out = tmp_path / "near.csv"
    assert main(["export", "--store", str(p), "--csv", str(out), "--max-km", "10"]) == 0
    lines = out.read_text().splitlines()
    assert lines[0].startswith("place,quote") and any(l.startswith("Andriivka") for l in lines)
    assert all(not l.startswith("Pyongyang") for l in lines)
    gj = tmp_path / "since.geojson"
    assert main(["export", "--store", str(p), "-o", str(gj), "--since", "2025-06-02"]) == 0
    places = {f["properties"]["place"] for f in json.loads(gj.read_text())["features"]}
    assert "Odesa" not in places and "Sumy" in places
    assert main(["export", "--store", str(p), "--since", "June"]) == 2


def test_choose_another_candidate(store, seed_text):
    p, _ = store
    gdf = read_places(p)
    row = gdf[gdf.place == "Andriivka"].iloc[0]
    alt = json.loads(row.alternatives_json)[0]
    choose(p, row.article_id, int(row.start), alt)
    after = read_places(p)
    new = after[(after.article_id == row.article_id) & (after.start == row.start)].iloc[0]
    assert (new.lat, new.lon) == (alt["lat"], alt["lon"]) and new.chosen == 1
    assert row.article_id == content_hash(seed_text)
    fc = to_geojson(after[after.start == row.start])
    assert fc["features"][0]["geometry"]["coordinates"] == [alt["lon"], alt["lat"]]


def test_export_missing_store(tmp_path, capsys):
    assert main(["export", "--store", str(tmp_path / "none.gpkg")]) == 1
    assert "no store" in capsys.readouterr().err
