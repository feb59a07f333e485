"""The store: a GeoPackage, one transaction per article, checked when opened."""
import json
import sqlite3
from contextlib import closing

import pandas as pd
import pytest

from map_app.cli import main
from map_app.export import to_geojson
from map_app.store import (
    StoreError,
    connect,
    content_hash,
    prepare,
    read_places,
    write_batch,
)


def test_store_opens_as_geopackage(store):
    p, _ = store
    gdf = read_places(p)
    assert gdf.crs.to_epsg() == 4326
    assert {"Sumy", "Odesa"} <= set(gdf["place"])
    sumy = gdf[(gdf.place == "Sumy") & (gdf.role == "incident")].iloc[0]
    assert abs(sumy.geometry.x - 34.81) < 0.01 and abs(sumy.geometry.y - 50.90) < 0.01
    assert sumy.killed == 4 and sumy.claim_verdict == "consistent"
    import pyogrio

    layers = dict(pyogrio.list_layers(p))
    assert layers["places"] == "Point" and "articles" in layers


def test_a_correction_recomputes_every_derived_field(store, seed_text):
    from map_app.ingest import correct

    p, _ = store
    gdf = read_places(p)
    row = gdf[(gdf.place == "Andriivka") & (gdf.role == "incident")].iloc[0]
    assert row.claim_verdict == "consistent"  # 5 km from Russia, "around 5km"
    alts = json.loads(row.alternatives_json)
    # the runners-up say where they are, to tell namesakes apart
    assert all(a["admin1"] for a in alts) and any(a["admin2"] for a in alts)
    far = max(alts, key=lambda a: abs(a["lat"] - row.lat) + abs(a["lon"] - row.lon))
    correct(p, row.article_id, int(row.start), far["id"])
    after = read_places(p)
    new = after[(after.article_id == row.article_id) & (after.start == row.start)].iloc[0]
    assert (new.lat, new.lon) == (far["lat"], far["lon"]) and new.chosen == 1
    assert new.rule == "chosen by the user" and new.entry == far["id"]
    assert new.admin1 == far["admin1"] and new.admin2 == far["admin2"]
    # distances, border and claim measured again from the new point
    assert new.distance_to_border_km > 20 and new.distance_to_border_km != row.distance_to_border_km
    assert new.distance_de_facto_km > 20
    claim = json.loads(new.claim_json)
    assert new.claim_verdict == claim["verdict"] == "inconsistent"
    assert claim["computed_km"] == pytest.approx(new.distance_to_border_km, abs=0.5)
    # the old pick is a runner-up now; the article's other places are as they were
    old = json.loads(new.alternatives_json)
    assert any(a["id"] == row.entry for a in old) and not any(a["id"] == far["id"] for a in old)
    rest = [df.drop(columns="geometry")[df.start != row.start].astype(str)
            for df in (after, gdf)]
    assert rest[0].equals(rest[1])
    fc = to_geojson(after[after.start == row.start])
    assert fc["features"][0]["geometry"]["coordinates"] == [far["lon"], far["lat"]]
    assert row.article_id == content_hash(seed_text)


def test_a_correction_to_an_unknown_entry_is_one_line(store):
    from map_app.ingest import correct

    p, _ = store
    row = read_places(p).iloc[0]
    with pytest.raises(ValueError, match="no gazetteer entry"):
        correct(p, row.article_id, int(row.start), "geonames:0")
    with pytest.raises(ValueError, match="no place at"):
        correct(p, row.article_id, 10**9, "geonames:692194")


def test_a_batch_is_written_whole_or_not_at_all(tmp_path):
    from map_app.articles import Article

    store = tmp_path / "s.gpkg"
    con = connect(store)
    a = prepare(Article("a.txt", "Shelling hit Kharkiv."), None,
                [{"name": "Kharkiv", "text": "Kharkiv", "start": 13, "end": 20, "lat": 50.0,
                  "lon": 36.2}])
    b = prepare(Article("b.txt", "A drone hit Odesa."), None, [])
    assert write_batch(con, [a]) == [True]
    assert write_batch(con, [a, b]) == [False, True]  # the stored one is left as it was
    broken = dict(prepare(Article("c.txt", "Rain in Lviv."), None, []), places=[["bad"]])
    with pytest.raises(IndexError):  # any error in a batch rolls all of it back
        write_batch(con, [prepare(Article("d.txt", "Sun in Rivne."), None, []), broken])
    # neither the good article nor the broken one of the failed batch was stored
    assert con.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 2
    assert con.execute("SELECT COUNT(*) FROM places").fetchone()[0] == 1


def _broken(tmp_path, store):
    """A store damaged each way: empty, truncated, garbage, a corrupted page."""
    p, _ = store
    with closing(sqlite3.connect(p)) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the main file
        page = con.execute("PRAGMA page_size").fetchone()[0]
        root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'articles'"
                           ).fetchone()[0]
    data = p.read_bytes()
    out = {"empty": b"", "truncated": data[:len(data) // 3],
           "garbage": bytes(range(256)) * 64,
           "page": data[:(root - 1) * page + 8] + b"\xff" * 200
           + data[(root - 1) * page + 208:]}
    for name, content in out.items():
        (tmp_path / f"{name}.gpkg").write_bytes(content)
    return list(out)


def test_broken_stores_are_refused(tmp_path, store, capsys):
    for name in _broken(tmp_path, store):
        bad = tmp_path / f"{name}.gpkg"
        before = bad.read_bytes()
        for argv in (["export", "--store", str(bad)],
                     ["ingest", "--store", str(bad), str(store[1] / "other.txt")]):
            assert main(argv) == 1, (name, argv)
            err = capsys.readouterr().err
            assert err.count("\n") == 1 and str(bad) in err, (name, err)
            assert "stored" not in err  # a corrupted store never reports rows stored
        assert bad.read_bytes() == before, name
    with pytest.raises(StoreError, match="corrupted"):
        connect(tmp_path / "page.gpkg")


def test_a_geopackage_that_is_not_a_store(tmp_path, capsys):
    import geopandas as gpd
    from shapely.geometry import Point

    other = tmp_path / "other.gpkg"
    gpd.GeoDataFrame({"a": [1]}, geometry=[Point(0, 0)], crs="EPSG:4326").to_file(other)
    assert main(["export", "--store", str(other)]) == 1
    assert "not a map_app store" in capsys.readouterr().err


def test_read_only_store_and_full_disk_are_one_line(store, monkeypatch, capsys):
    import map_app.ingest as ingest_mod

    p, art = store
    (art / "new.txt").write_text("Shelling hit Kherson.")

    def readonly(*a, **k):
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(ingest_mod, "write_batch", readonly)
    assert main(["ingest", "--store", str(p), str(art / "new.txt")]) == 1
    err = capsys.readouterr().err
    assert err == "map-app: store: attempt to write a readonly database\n"
    monkeypatch.undo()

    def full(*a, **k):
        raise OSError(28, "No space left on device", "out.geojson")

    monkeypatch.setattr("map_app.export.write_atomic", full)
    assert main(["export", "--store", str(p), "-o", "out.geojson"]) == 1
    assert capsys.readouterr().err == "map-app: out.geojson: No space left on device\n"


_PAGE = ("<!doctype html><html><head><title>Site menu | Home</title>"
         "<meta content='Drones hit Odesa port' property='og:title'>"
         "<meta property=\"og:site_name\" content=\"The Example Post\">"
         "<link rel='canonical' href='https://example.org/news/odesa'></head>"
         "<body><p>A drone attack hit Odesa overnight.</p></body></html>")


def test_an_html_article_keeps_its_title_site_and_url(tmp_path):
    from map_app.ingest import ingest

    art = tmp_path / "arts"
    art.mkdir()
    (art / "page.html").write_text(_PAGE, encoding="utf-8")
    (art / "plain.txt").write_text("Shelling hit Kharkiv.", encoding="utf-8")
    p = tmp_path / "s.gpkg"
    assert ingest([art], p)["stored"] == 2
    df = read_places(p).set_index("place")
    odesa, kharkiv = df.loc["Odesa"], df.loc["Kharkiv"]
    assert odesa.article == "Drones hit Odesa port"  # og:title, not the first line
    assert odesa.article_site == "The Example Post"
    assert odesa.article_url == "https://example.org/news/odesa"
    assert kharkiv.article == "Shelling hit Kharkiv."
    assert pd.isna(kharkiv.article_site) and pd.isna(kharkiv.article_url)
    with closing(sqlite3.connect(p)) as con:
        cols = [r[1] for r in con.execute("PRAGMA table_info(articles)")]
    assert cols[cols.index("title"):cols.index("title") + 3] == ["title", "site", "url"]


def test_a_store_without_site_and_url_still_reads_and_takes_articles(tmp_path):
    from map_app.articles import Article, article_from_text
    from map_app.ingest import ingest_articles

    p = tmp_path / "old.gpkg"
    ingest_articles([Article("a.txt", "Shelling hit Kharkiv.")], p)
    with closing(sqlite3.connect(p)) as con:  # as map_app made stores before site and url
        con.execute("ALTER TABLE articles DROP COLUMN site")
        con.execute("ALTER TABLE articles DROP COLUMN url")
    df = read_places(p)
    assert list(df["article"]) == ["Shelling hit Kharkiv."]
    assert df["article_site"].isna().all() and df["article_url"].isna().all()
    assert ingest_articles([article_from_text(_PAGE, "page.html")], p)["stored"] == 1
    df = read_places(p).set_index("source")
    assert df.loc["page.html", "article_site"] == "The Example Post"
    assert df.loc["page.html", "article_url"] == "https://example.org/news/odesa"
    assert pd.isna(df.loc["a.txt", "article_site"]) and df.loc["a.txt", "article"] == \
        "Shelling hit Kharkiv."
