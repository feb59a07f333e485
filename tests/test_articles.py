"""Bad input: every case gets a one-line message and a documented exit code, never a
traceback; a batch goes on past bad files."""
import json
import subprocess
import sys

import pytest

from map_app.articles import ArticleError, article_from_text, html_to_text, read_article


def _run(*args):
    return subprocess.run([sys.executable, "-m", "map_app.cli", *args], capture_output=True,
                          text=True)


@pytest.fixture()
def batch(tmp_path):
    (tmp_path / "a_good.txt").write_text("Shelling hit Kharkiv.", encoding="utf-8")
    (tmp_path / "b_empty.txt").write_text("")
    (tmp_path / "c_binary.bin").write_bytes(b"\x00\x01\x02PK\x03\x04" * 100)
    (tmp_path / "d_latin1.txt").write_bytes("Drones hit Sumy near Kyiv. Caf\xe9".encode("latin-1"))
    (tmp_path / "e_noplaces.txt").write_text("nothing to see here at all.")
    (tmp_path / "f_page.html").write_text(
        "<html><head><meta property='article:published_time' content='2025-06-01T00:00'>"
        "<script>var Paris = 1;</script><style>.Lviv{}</style></head>"
        "<body><p>Rockets hit <b>Odesa</b>.</p></body></html>", encoding="utf-8")
    return tmp_path


def test_batch_goes_on_and_lists_bad_files(batch):
    r = _run("parse", str(batch))
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    docs = [json.loads(line) for line in r.stdout.splitlines()]
    names = [d["source"].rsplit("/", 1)[1] for d in docs]
    assert names == ["a_good.txt", "d_latin1.txt", "e_noplaces.txt", "f_page.html"]
    err = r.stderr
    assert "b_empty.txt: empty file" in err and "c_binary.bin: binary file" in err
    assert "not valid UTF-8" in err and "no places found" in err
    assert err.strip().splitlines()[-1].startswith("map-app: 2 of 6 file(s) could not be read")
    html_doc = docs[3]
    assert [p["text"] for p in html_doc["places"]] == ["Odesa"]  # script and style dropped
    assert html_doc["date"] == "2025-06-01"
    assert {p["text"] for p in docs[1]["places"]} >= {"Sumy", "Kyiv"}


def test_missing_file_and_usage_errors():
    r = _run("parse", "/nope/missing.txt")
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "no such file" in r.stderr
    r = _run("export", "--since", "yesterday", "--store", "/nope/x.gpkg")
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_large_text(tmp_path):
    p = tmp_path / "big.txt"
    chunk = "Shelling hit Kharkiv overnight, officials in Kyiv said. " * 50 + "\n"
    p.write_text(chunk * int(20_000_000 / len(chunk)), encoding="utf-8")
    art = read_article(p)
    assert len(art.text) > 19_000_000


def test_over_the_limit(tmp_path, monkeypatch):
    import map_app.articles as a

    monkeypatch.setattr(a, "MAX_BYTES", 10)
    p = tmp_path / "x.txt"
    p.write_text("Kyiv and more text than ten bytes")
    with pytest.raises(ArticleError, match="over the"):
        read_article(p)


def test_html_to_text_drops_script_and_style():
    t = html_to_text("<p>A</p><script>alert('x')</script><style>p{}</style><p>B &amp; C</p>")
    assert "alert" not in t and "p{}" not in t and "B & C" in t


def test_article_from_text_html_detection():
    art = article_from_text("<!doctype html><html><body><p>Hi</p></body></html>", "x")
    assert art.text == "Hi"
