"""Exports: RFC 7946 GeoJSON and CSV, filters, where and how files are written."""
import csv
import io
import json
import os
import stat
import subprocess
import sys
import threading

import pandas as pd
import pytest
import shapely

from map_app.cli import main
from map_app.export import to_csv


def test_export_geojson_is_rfc7946(store, tmp_path):
    p, _ = store
    out = tmp_path / "out.geojson"
    assert main(["export", "--store", str(p), "-o", str(out), "--role", "incident"]) == 0
    fc = json.loads(out.read_text())
    assert fc["type"] == "FeatureCollection" and "crs" not in fc
    props = {"place", "text", "quote", "article", "date", "role", "event_id", "event_type",
             "event_category", "killed", "wounded", "country_code", "admin1", "admin2", "admin3",
             "geo_precision", "distance_to_border_km", "nearest_border", "claim_verdict",
             "geonameid", "score"}
    areas = []
    for f in fc["features"]:
        if f["geometry"]["type"] != "Point":  # a region: its outline, its point a property
            areas.append(f)
            assert f["geometry"]["type"] in ("Polygon", "MultiPolygon")
            assert shapely.contains_xy(shapely.geometry.shape(f["geometry"]),
                                       *f["properties"].pop("point"))
            continue
        lon, lat = f["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert set(f["properties"]) == props and f["properties"]["role"] == "incident"
    assert {f["properties"]["place"] for f in areas} == {"Sumy Oblast", "Kharkiv Oblast"}
    sumy = [f for f in fc["features"] if f["properties"]["place"] == "Sumy"][0]
    assert sumy["properties"]["killed"] == 4 and sumy["properties"]["wounded"] == 20


def test_export_filters_and_csv(store, tmp_path):
    p, _ = store
    out = tmp_path / "near.csv"
    assert main(["export", "--store", str(p), "--csv", str(out), "--max-km", "10"]) == 0
    lines = out.read_text().splitlines()
    assert lines[0].startswith("place,text,quote")
    assert any(row.startswith("Andriivka") for row in lines)
    assert all(not row.startswith("Pyongyang") for row in lines)
    gj = tmp_path / "since.geojson"
    assert main(["export", "--store", str(p), "-o", str(gj), "--since", "2025-06-02"]) == 0
    places = {f["properties"]["place"] for f in json.loads(gj.read_text())["features"]}
    assert "Odesa" not in places and "Sumy" in places
    assert main(["export", "--store", str(p), "--since", "June"]) == 2


def test_export_missing_store(tmp_path, capsys):
    assert main(["export", "--store", str(tmp_path / "none.gpkg")]) == 1
    assert "no store" in capsys.readouterr().err


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
    df = pd.DataFrame({"place": ["=HYPERLINK(\"http://x\")", "Kyiv"],
                       "quote": ["+1 killed", "@SUM(A1)"], "article": ["-x", "\tTab"],
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


def test_export_to_dev_stdout_redirected_to_a_file(store, tmp_path):
    # `export -o /dev/stdout > file`: the file gets the export, /dev/stdout stays a link
    p, _ = store
    out = tmp_path / "out.geojson"
    with open(out, "w") as f:
        r = subprocess.run([sys.executable, "-m", "map_app.cli", "export", "--store", str(p),
                            "-o", "/dev/stdout"], stdout=f, stderr=subprocess.PIPE, text=True)
    assert r.returncode == 0, r.stderr
    assert json.loads(out.read_text())["type"] == "FeatureCollection"
    assert os.path.islink("/dev/stdout")


def test_acled_export_has_the_coders_columns_one_row_per_incident(store, tmp_path):
    from map_app.export import ACLED_COLUMNS

    p, _ = store
    out = tmp_path / "acled.csv"
    assert main(["export", "--store", str(p), "--format", "acled", "-o", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert list(rows[0]) == ACLED_COLUMNS
    sumy = [r for r in rows if r["location"] == "Sumy"]
    assert len(sumy) == 1  # one event, however often the article names Sumy
    s = sumy[0]
    assert s["event_type"] == "Explosions/Remote violence"
    assert s["sub_event_type"] == "Shelling/artillery/missile attack"
    assert (s["admin1"], s["admin2"], s["admin3"]) == ("Sumy", "Sumskyi", "Sumska")
    assert s["fatalities"] == "4" and s["geo_precision"] == "1"
    assert "rocket attack on the city of Sumy" in s["notes"]
    # the article by its title, never a local path
    assert s["source"] and "/" not in s["source"]
    assert all(r["fatalities"].isdigit() for r in rows)
    assert sum(int(r["fatalities"]) for r in rows) == 7  # the seed's 4 and 3, once each


def test_acled_locates_a_district_at_its_seat(tmp_path):
    # the row's point is the raion's, its seat's: the location names the seat, as coders do;
    # an oblast, placed at no settlement, keeps its own name
    from map_app.articles import article_from_text
    from map_app.export import acled_location, acled_rows
    from map_app.ingest import ingest_articles
    from map_app.store import read_places

    text = ("Russian forces shelled the Pavlohrad district, Dnipropetrovsk region, killing "
            "two people.")
    ingest_articles([article_from_text(text, "upload:note.txt")], tmp_path / "s.gpkg")
    locations = [r["location"] for r in acled_rows(read_places(tmp_path / "s.gpkg"))]
    assert "Pavlohrad" in locations and "Pavlohradskyi Raion" not in locations
    assert acled_location("Kharkiv Oblast", "region", 49.61667, 36.5) == "Kharkiv Oblast"
    assert acled_location("Lozova", "city", 48.89, 36.31) == "Lozova"


def test_exported_articles_are_named_not_located(store, tmp_path):
    p, _ = store
    out = tmp_path / "all.geojson"
    assert main(["export", "--store", str(p), "-o", str(out)]) == 0
    names = {f["properties"]["article"] for f in json.loads(out.read_text())["features"]}
    assert names and not any("/" in n or str(tmp_path) in n for n in names)


def test_undated_articles_are_a_bucket_no_date_filter_hides():
    from map_app.export import filter_places

    df = pd.DataFrame({"role": ["incident"] * 3, "event_date": ["2025-06-01", None, None],
                       "article_date": [None, "2025-01-01", None], "place": ["a", "b", "c"]})
    kept = filter_places(df, since="2025-05-01")
    assert list(kept["place"]) == ["a", "c"]  # "c" states no date: kept
    assert list(filter_places(df, since="2025-05-01", undated=False)["place"]) == ["a"]


def test_excluding_undated_articles_needs_no_date_range():
    from map_app.export import filter_places

    df = pd.DataFrame({"role": ["incident"] * 2, "event_date": ["2025-06-01", None],
                       "article_date": [None, None], "place": ["a", "b"]})
    assert list(filter_places(df, undated=False)["place"]) == ["a"]
    assert list(filter_places(df)["place"]) == ["a", "b"]


def test_compare_articles_marks_the_places_both_report():
    from map_app.export import compare_articles

    df = pd.DataFrame({"article_id": ["a", "a", "a", "b", "b"],
                       "entry": ["e1", "e2", "e1", "e1", "e3"],
                       "place": ["Sumy", "Kharkiv", "Sumy", "Sumy", "Odesa"],
                       "role": ["mention", "incident", "incident", "incident", "mention"],
                       "event_type": [None, "armed_clash", "air_drone_strike",
                                      "air_drone_strike", None]})
    left, right, shared = compare_articles(df, "a", "b")
    assert shared == ["Sumy"]
    # one row per place, its incident before its mentions
    assert list(left["place"]) == ["Kharkiv", "Sumy"] or list(left["place"]) == \
        ["Sumy", "Kharkiv"]
    sumy = left[left["place"] == "Sumy"].iloc[0]
    assert sumy["role"] == "incident" and sumy["event"] == "Air / drone strike"
    assert sumy["shared"] and not right[right["place"] == "Odesa"]["shared"].iloc[0]
