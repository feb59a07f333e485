"""Ingest: serial and Dask, crashes and concurrent writers, new versions of an article."""
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing

from map_app.cli import main
from map_app.ingest import ingest, ingest_articles
from map_app.store import read_places


def test_reingest_changes_nothing(store):
    p, art = store
    before = p.read_bytes()
    stats = ingest([art], p)
    assert stats == {"stored": 0, "unchanged": 2, "replaced": 0, "failed": [], "warnings": []}
    con = sqlite3.connect(p)
    assert con.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 2
    assert len(before) > 0


def _articles(folder, n, offset=0):
    from synthetic import make_articles

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
    arts = _articles(tmp_path / "arts", 40)
    store = tmp_path / "s.gpkg"
    p = subprocess.Popen([sys.executable, "-m", "map_app.cli", "ingest", str(arts),
                          "--store", str(store)], stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    n = 0
    while time.time() < deadline and p.poll() is None:
        if store.exists():
            try:
                # closed at once: a reader left open would keep the store's shared memory
                # from the recovery a later connection makes after the kill
                with closing(sqlite3.connect(store, timeout=1)) as con:
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
    # (each article is either there already or stored now, and none twice)
    assert stats["stored"] + stats["unchanged"] == 40 and stats["unchanged"] >= kept
    assert not stats["failed"] and _consistent(store) == 40


def test_two_ingests_at_once_lose_nothing(tmp_path):
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
    import map_app.ingest as ingest_mod

    monkeypatch.setattr(ingest_mod, "_local_workers", lambda client: False)
    arts = _articles(tmp_path / "arts", 4)
    serial, parallel = tmp_path / "serial.gpkg", tmp_path / "parallel.gpkg"
    ingest([arts], serial)
    assert ingest([arts], parallel, workers=1, partition_size=3)["stored"] == 4
    assert ingest([arts], parallel, workers=1)["unchanged"] == 4
    cols = ["article_id", "start", "place", "lat", "lon"]
    s = read_places(serial)[cols].sort_values(["article_id", "start"]).reset_index(drop=True)
    p = read_places(parallel)[cols].sort_values(["article_id", "start"]).reset_index(drop=True)
    assert s.equals(p)


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


def test_ingest_a_collection(tmp_path, capsys):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "1.txt").write_text("Russian forces shelled Nove, Kharkiv region.", encoding="utf-8")
    (notes / "2.txt").write_text("Russian forces shelled Lozova.", encoding="utf-8")

    def nove(store, *flags):
        assert main(["ingest", str(notes), "--store", str(store), *flags]) == 0
        df = read_places(store)
        return df[df.text == "Nove"].iloc[0]

    assert nove(tmp_path / "one.gpkg").admin2 != "Lozivskyi"
    r = nove(tmp_path / "together.gpkg", "--collection")
    assert r.admin2 == "Lozivskyi" and r.rule == "the collection's places"
    assert abs(r.geometry.y - 48.917) < 0.01  # the stored point is the pick's


def test_ingest_a_collection_on_workers(tmp_path):
    # each note read alone on the workers, the collection made here, Nove read again there:
    # the same store as reading them together in this process
    notes = tmp_path / "notes"
    notes.mkdir()
    for k, text in enumerate(["Russian forces shelled Nove, Kharkiv region.",
                              "Russian forces shelled Lozova.",
                              "Shelling hit Kupiansk and Balakliia."]):
        (notes / f"{k}.txt").write_text(text, encoding="utf-8")
    here, there = tmp_path / "here.gpkg", tmp_path / "there.gpkg"
    ingest([notes], here, collection=True)
    assert ingest([notes], there, workers=1, partition_size=2, collection=True)["stored"] == 3
    cols = ["article_id", "start", "place", "lat", "lon", "rule"]
    h = read_places(here)[cols].sort_values(["article_id", "start"]).reset_index(drop=True)
    t = read_places(there)[cols].sort_values(["article_id", "start"]).reset_index(drop=True)
    assert h.equals(t) and "the collection's places" in set(t.rule)
    assert ingest([notes], there, workers=1, collection=True)["unchanged"] == 3


def test_ingest_articles_as_one_collection(tmp_path):
    from map_app.articles import article_from_text

    arts = [article_from_text("Russian forces shelled Nove, Kharkiv region.", "upload:1.txt"),
            article_from_text("Russian forces shelled Lozova.", "upload:2.txt")]
    shares: list[float] = []
    stats = ingest_articles(arts, tmp_path / "s.gpkg", progress=shares.append,
                            collection=True)
    assert stats["stored"] == 2 and shares[-1] == 1.0 and shares == sorted(shares)
    df = read_places(tmp_path / "s.gpkg")
    r = df[df.text == "Nove"].iloc[0]
    assert r.admin2 == "Lozivskyi" and r.rule == "the collection's places"
    # again: nothing new, nothing read
    shares.clear()
    stats = ingest_articles(arts, tmp_path / "s.gpkg", progress=shares.append,
                            collection=True)
    assert stats["stored"] == 0 and stats["unchanged"] == 2 and shares == [1.0]
