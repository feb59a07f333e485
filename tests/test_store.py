import csv
import io
import json
import os
import sqlite3
import stat
import subprocess
import sys
import threading
from contextlib import closing

import pytest

from map_app.cli import main
from map_app.export import to_geojson
from map_app.store import (StoreError, choose, connect, content_hash, ingest, prepare,
                           read_places, write_batch)


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
    assert stats == {"stored": 0, "unchanged": 2, "replaced": 0, "failed": [], "warnings": []}
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


def _articles(folder, n, offset=0):
    from map_app._bench import make_articles

    folder.mkdir(exist_ok=True)
    for i, text in enumerate(make_articles(n + offset, size=3000)[offset:]):
        (folder / f"art{i + offset:03d}.txt").write_text(text, encoding="utf-8")
    return folder


def _consistent(path):
    con = sqlite3.connect(path)
    rows = con.execute("SELECT a.id, a.n_places, COUNT(p.fid) FROM articles a "
                       "LEFT JOIN places p ON p.article_id = a.id GROUP BY a.id").fetchall()
    dup = con.execute("SELECT COUNT(*) - COUNT(DISTINCT id) FROM articles").fetchone()[0]
    con.close()
    assert dup == 0
    assert all(n == m for _, n, m in rows), "an article was stored in part"
    return len(rows)


def test_kill_9_during_ingest_leaves_whole_articles(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    arts = _articles(tmp_path / "arts", 40)
    store = tmp_path / "s.gpkg"
    p = subprocess.Popen([sys.executable, "-m", "map_app.cli", "ingest", str(arts),
                          "--store", str(store)], stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    n = 0
    while time.time() < deadline and p.poll() is None:
        if store.exists():
            try:
                with sqlite3.connect(store, timeout=1) as con:
                    n = con.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
            except sqlite3.Error:
                n = 0
            if n >= 3:
                break
        time.sleep(0.05)
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    kept = _consistent(store)
    assert 3 <= kept <= 40
    assert len(read_places(store)) > 0  # still a readable GeoPackage
    stats = ingest([arts], store)  # finishing the batch later loses nothing
    assert stats["stored"] == 40 - kept and _consistent(store) == 40


def test_two_ingests_at_once_lose_nothing(tmp_path):
    import subprocess
    import sys

    a = _articles(tmp_path / "a", 12)
    b = _articles(tmp_path / "b", 12, offset=6)  # 6 articles in both folders
    store = tmp_path / "s.gpkg"
    procs = [subprocess.Popen([sys.executable, "-m", "map_app.cli", "ingest", str(f),
                               "--store", str(store)], stderr=subprocess.PIPE)
             for f in (a, b)]
    for p in procs:
        assert p.wait(timeout=300) == 0, p.stderr.read().decode()
    assert _consistent(store) == 18


def test_dask_workers_store_the_same(tmp_path):
    arts = _articles(tmp_path / "arts", 10)
    serial, parallel = tmp_path / "serial.gpkg", tmp_path / "parallel.gpkg"
    ingest([arts], serial)
    stats = ingest([arts], parallel, workers=2, partition_size=3)
    assert stats["stored"] == 10
    cols = ["article_id", "start", "place", "lat", "lon", "role"]
    s = read_places(serial)[cols].sort_values(["article_id", "start"]).reset_index(drop=True)
    p = read_places(parallel)[cols].sort_values(["article_id", "start"]).reset_index(drop=True)
    assert s.equals(p)


def test_remote_workers_send_rows_to_the_one_writer(tmp_path, monkeypatch):
    # workers on another machine cannot see the store: their rows come back to this process
    from map_app import store as store_mod

    monkeypatch.setattr(store_mod, "_local_workers", lambda client: False)
    arts = _articles(tmp_path / "arts", 4)
    serial, parallel = tmp_path / "serial.gpkg", tmp_path / "parallel.gpkg"
    ingest([arts], serial)
    assert ingest([arts], parallel, workers=1, partition_size=3)["stored"] == 4
    assert ingest([arts], parallel, workers=1)["unchanged"] == 4
    cols = ["article_id", "start", "place", "lat", "lon"]
    s = read_places(serial)[cols].sort_values(["article_id", "start"]).reset_index(drop=True)
    p = read_places(parallel)[cols].sort_values(["article_id", "start"]).reset_index(drop=True)
    assert s.equals(p)


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


def test_interrupted_export_leaves_no_half_file(tmp_path, monkeypatch):
    from map_app import export

    out = tmp_path / "out.geojson"
    out.write_text("previous export")

    class Boom(Exception):
        pass

    real_replace = export.os.replace

    def crash(*a, **k):  # the process dies between writing and renaming
        raise Boom()

    monkeypatch.setattr(export.os, "replace", crash)
    with pytest.raises(Boom):
        export.write_atomic(out, '{"type": "FeatureCollection", "features": []}')
    monkeypatch.setattr(export.os, "replace", real_replace)
    assert out.read_text() == "previous export"
    assert [p.name for p in tmp_path.iterdir()] == ["out.geojson"]


# ---- a broken store is refused with one line, never written to
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
    import map_app.store as store_mod

    p, art = store
    (art / "new.txt").write_text("Shelling hit Kherson.")

    def readonly(*a, **k):
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(store_mod, "write_batch", readonly)
    assert main(["ingest", "--store", str(p), str(art / "new.txt")]) == 1
    err = capsys.readouterr().err
    assert err == "map-app: store: attempt to write a readonly database\n"
    monkeypatch.undo()

    def full(*a, **k):
        raise OSError(28, "No space left on device", "out.geojson")

    monkeypatch.setattr("map_app.export.write_atomic", full)
    assert main(["export", "--store", str(p), "-o", "out.geojson"]) == 1
    assert capsys.readouterr().err == "map-app: out.geojson: No space left on device\n"


# ---- an edited article replaces its older version
def test_new_text_of_a_source_replaces_the_old(tmp_path, capsys):
    p, f = tmp_path / "s.gpkg", tmp_path / "report.txt"
    f.write_text("Shelling hit Kharkiv, killing 4 people.")
    assert main(["ingest", "--store", str(p), str(f)]) == 0
    f.write_text("Shelling hit Kharkiv, killing 5 people.")
    assert main(["ingest", "--store", str(p), str(f)]) == 0
    assert "1 replacing an older version" in capsys.readouterr().err
    df = read_places(p)
    assert list(df["killed"]) == [5] and df["article_id"].nunique() == 1
    f.write_text("Shelling hit Kharkiv, killing 6 people.")
    assert main(["ingest", "--store", str(p), "--keep-versions", str(f)]) == 0
    assert sorted(read_places(p)["killed"]) == [5, 6]


# ---- exports: folders, special files, modes, formulas
def test_export_to_a_folder_is_one_line(store, tmp_path, capsys):
    p, _ = store
    assert main(["export", "--store", str(p), "-o", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is a folder" in err


def test_export_writes_special_files_in_place(store, tmp_path):
    p, _ = store
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()))
    reader.start()
    assert main(["export", "--store", str(p), "-o", str(fifo)]) == 0
    reader.join(30)
    assert json.loads(got[0])["type"] == "FeatureCollection"
    assert stat.S_ISFIFO(fifo.lstat().st_mode)  # still the FIFO, not a regular file


def test_export_mode_follows_the_umask(store, tmp_path):
    p, _ = store
    old = os.umask(0o022)
    try:
        out = tmp_path / "new.geojson"
        assert main(["export", "--store", str(p), "-o", str(out)]) == 0
        assert stat.S_IMODE(out.stat().st_mode) == 0o644
        out.chmod(0o640)  # a file that exists keeps its own mode
        assert main(["export", "--store", str(p), "-o", str(out)]) == 0
        assert stat.S_IMODE(out.stat().st_mode) == 0o640
    finally:
        os.umask(old)


def test_csv_cells_cannot_be_formulas():
    import pandas as pd

    from map_app.export import to_csv

    df = pd.DataFrame({"place": ["=HYPERLINK(\"http://x\")", "Kyiv"],
                       "quote": ["+1 killed", "@SUM(A1)"], "source": ["-x", "\tTab"],
                       "lat": [50.0, 50.4], "lon": [-3.5, 30.5], "role": ["incident"] * 2,
                       "killed": [1, None]})
    rows = list(csv.DictReader(io.StringIO(to_csv(df))))
    assert rows[0]["place"] == "'=HYPERLINK(\"http://x\")" and rows[1]["place"] == "Kyiv"
    assert rows[0]["quote"] == "'+1 killed" and rows[1]["quote"] == "'@SUM(A1)"
    assert rows[0]["article"] == "'-x" and rows[1]["article"] == "'\tTab"
    assert rows[0]["lon"] == "-3.5"  # numbers stay numbers


def test_broken_pipe_is_quiet(store):
    p, _ = store
    # `| head -c 1`: the reader goes away after a byte
    sh = (f"{sys.executable} -m map_app.cli export --store {p} | head -c 1 >/dev/null; "
          f"{sys.executable} -m map_app.cli parse {p.parent / 'arts'} | head -c 1 >/dev/null")
    r = subprocess.run(["bash", "-c", sh], capture_output=True, text=True)
    assert "Traceback" not in r.stderr and "BrokenPipe" not in r.stderr
