import json
import subprocess
import sys

from map_app.cli import main


def test_help_lists_commands(capsys):
    try:
        main(["--help"])
    except SystemExit:
        pass
    out = capsys.readouterr().out
    for cmd in ("data", "lookup", "parse", "evaluate", "serve"):
        assert cmd in out


def test_parse_contract(tmp_path):
    (tmp_path / "b.txt").write_text("Strikes hit Kharkiv.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("date 2025-06-04\nShelling in Sumy.", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "map_app.cli", "parse", str(tmp_path)],
                       capture_output=True, text=True, check=True)
    docs = [json.loads(line) for line in r.stdout.splitlines()]
    assert [d["source"].rsplit("/", 1)[1] for d in docs] == ["a.txt", "b.txt"]
    assert docs[0]["date"] == "2025-06-04" and docs[1]["date"] is None
    p = docs[0]["places"][0]
    assert set(p) >= {"text", "start", "end", "name", "lat", "lon", "geonameid", "feature_code",
                      "kind", "country_code", "admin1", "score", "alternatives", "role",
                      "event_type", "distance_to_border_km", "nearest_border", "claim"}
    text = (tmp_path / "a.txt").read_text(encoding="utf-8")
    assert text[p["start"]:p["end"]] == p["text"] == "Sumy"
    assert p["geonameid"] == 692194 and p["kind"] == "city"


def test_parse_a_collection(tmp_path, capsys):
    (tmp_path / "1.txt").write_text("Russian forces shelled Nove, Kharkiv region.",
                                    encoding="utf-8")
    (tmp_path / "2.txt").write_text("Russian forces shelled Lozova.", encoding="utf-8")

    def nove(*flags):
        assert main(["parse", str(tmp_path), *flags]) == 0
        docs = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert [d["source"].rsplit("/", 1)[1] for d in docs] == ["1.txt", "2.txt"]
        return next(p for p in docs[0]["places"] if p["text"] == "Nove")

    assert nove()["admin2"] != "Lozivskyi"
    r = nove("--collection")
    assert r["admin2"] == "Lozivskyi" and r["rule"] == "the collection's places"


def test_missing_file_is_one_line(capsys):
    assert main(["parse", "/nonexistent/file.txt"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_lookup(capsys):
    assert main(["lookup", "Sumy", "--limit", "1"]) == 0
    assert "Sumy" in capsys.readouterr().out
    assert main(["lookup", "Qwzxpl"]) == 1


def test_json_lines_are_written_place_by_place_as_dumps_would():
    import io

    from map_app.articles import Article
    from map_app.cli import write_json_line
    from map_app.pipeline import document_record

    for doc in (document_record(Article("a.txt", "date 2025-06-04\nShelling hit Sumy.")),
                {"source": "b.txt", "date": None, "warnings": [], "places": []}):
        out = io.StringIO()
        write_json_line(doc, out)
        assert out.getvalue() == json.dumps(doc, ensure_ascii=False) + "\n"
