"""Bad input: every case gets a one-line message and a documented exit code, never a
traceback; a batch goes on past bad files."""
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from map_app.articles import (
    ArticleError,
    article_date,
    article_from_text,
    html_to_text,
    read_article,
)


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


# ---- dates: an impossible date is ignored, an implausible one flagged, never a traceback
@pytest.mark.parametrize("stated", ["2025-02-30", "2025-13-01", "0000-00-00"])
def test_impossible_date_is_ignored_with_a_warning(stated):
    art = article_from_text(f"date {stated}\nShelling hit Kharkiv yesterday.", "a.txt")
    assert art.date is None
    assert art.warnings == (f"a.txt: date {stated} is not a calendar date: ignored",)


def test_impossible_meta_date_is_ignored():
    page = ("<html><head><meta name='date' content='2025-02-31'></head>"
            "<body><p>Drones hit Sumy.</p></body></html>")
    art = article_from_text(page, "p.html")
    assert art.date is None and "not a calendar date" in art.warnings[0]


@pytest.mark.parametrize("stated, when", [("0001-01-01", "before 1900"),
                                          ("2999-01-01", "in the future")])
def test_implausible_date_is_kept_and_flagged(stated, when):
    art = article_from_text(f"date {stated}\nShelling hit Kharkiv yesterday.", "a.txt")
    assert art.date == stated
    assert art.warnings == (f"a.txt: date {stated} is {when}: kept, check it",)


def test_bad_dates_do_not_stop_a_batch(tmp_path):
    for name, stated in [("a.txt", "2025-02-30"), ("b.txt", "0001-01-01"),
                         ("c.txt", "2025-06-01")]:
        (tmp_path / name).write_text(f"date {stated}\nShelling hit Kharkiv yesterday.\n")
    r = _run("parse", str(tmp_path))
    assert r.returncode == 0 and "Traceback" not in r.stderr
    docs = [json.loads(line) for line in r.stdout.splitlines()]
    assert [d["date"] for d in docs] == [None, "0001-01-01", "2025-06-01"]
    # "yesterday" of the year 1: the article's date, not an OverflowError
    assert docs[1]["places"][0]["event_date"] == "0001-01-01"
    assert docs[2]["places"][0]["event_date"] == "2025-05-31"
    assert "date 2025-02-30 is not a calendar date" in r.stderr
    assert docs[0]["warnings"] and not docs[2]["warnings"]


# ---- inputs read right
@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_bom_are_text(tmp_path, codec):
    p = tmp_path / "w.txt"
    data = "Shelling hit Kharkiv.\r\n".encode(codec)
    if codec == "utf-16-be":
        data = b"\xfe\xff" + data
    p.write_bytes(data)
    art = read_article(p)
    assert art.text.startswith("Shelling hit Kharkiv.") and not art.warnings


def test_only_regular_files_are_read(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(ArticleError, match="not a regular file"):
        read_article(fifo)  # would hang reading
    with pytest.raises(ArticleError, match="not a regular file"):
        read_article(Path("/dev/zero"))  # would never end


def test_unreadable_folder_is_listed_not_fatal(tmp_path, monkeypatch):
    from map_app import articles

    bad = tmp_path / "locked"
    bad.mkdir()
    good = tmp_path / "ok.txt"
    good.write_text("Shelling hit Kharkiv.")
    real = Path.iterdir

    def iterdir(self):
        if self == bad:  # root reads any folder: refuse it as chmod 000 would
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)
    files = articles.expand_paths([bad, good])
    assert files == [bad, good]
    with pytest.raises(ArticleError, match="is a folder that cannot be read"):
        read_article(bad)


def test_article_dates():
    assert article_date("date 2025-06-04\nText") == date(2025, 6, 4)
    assert article_date('<html><meta property="article:published_time" '
                        'content="2024-02-01T10:00:00Z"></html>') == date(2024, 2, 1)
    assert article_date("no date") is None


# ---- page metadata: title, site and address, for the map's popups
def _page(head: str, body: str = "<p>Drones hit Sumy.</p>") -> str:
    return f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"


def test_title_site_and_url_from_open_graph():
    art = article_from_text(_page(
        '<title>Ignored when og:title is there</title>'
        '<meta property="og:title" content="Drones  hit\n Sumy &amp; Okhtyrka">'
        '<meta property="og:site_name" content="The Example Post">'
        '<meta property="og:url" content="https://example.org/news/1">'), "p.html")
    assert art.title == "Drones hit Sumy & Okhtyrka"  # whitespace collapsed, entity decoded
    assert art.site == "The Example Post"
    assert art.url == "https://example.org/news/1"
    assert art.text == "Ignored when og:title is there\n\nDrones hit Sumy."  # as before


def test_title_from_the_title_tag_and_url_from_canonical():
    art = article_from_text(_page(
        "<title>\n  Strike on  Odesa &#8212; port hit \n</title>"
        '<link rel="canonical" href="https://example.org/a?x=1&amp;y=2">'
        '<meta property="og:url" content="https://example.org/other">',
        "<svg><title>icon</title></svg><p>Rockets hit Odesa.</p>"), "p.html")
    assert art.title == "Strike on Odesa \u2014 port hit"
    assert art.site is None
    assert art.url == "https://example.org/a?x=1&y=2"  # canonical first


@pytest.mark.parametrize("head", [
    "<meta content='T' property='og:title'><meta content='S' property='og:site_name'>"
    "<link href='http://example.org/t' rel='canonical'>",
    '<META CONTENT="T" NAME="og:title"><meta name=og:site_name content=S>'
    '<link rel="alternate Canonical" type="text/html" href="http://example.org/t">',
    '<meta\n  property = "og:title"\n  content = "T" >'
    '<meta property="og:site_name" content="S"/>'
    '<link rel="canonical" href="http://example.org/t"/>',
])
def test_attribute_order_and_quoting_do_not_matter(head):
    art = article_from_text(_page(head), "p.html")
    assert (art.title, art.site, art.url) == ("T", "S", "http://example.org/t")


@pytest.mark.parametrize("href", [
    "javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,<b>x</b>", "/news/1",
    "news/1", "//example.org/news/1", "ftp://example.org/f", "https://", "http://[::1",
    "https://example.org/a b", 'https://example.org/"onmouseover="x',
    "https://example.org\\@evil.example/", "https://example.org/" + "a" * 2000,
])
def test_unsafe_or_relative_urls_are_dropped(href):
    esc = href.replace("&", "&amp;").replace('"', "&quot;")
    art = article_from_text(_page(f'<link rel="canonical" href="{esc}">'), "p.html")
    assert art.url is None
    # a bad canonical address falls back to a good og:url
    art = article_from_text(_page(f'<link rel="canonical" href="{esc}">'
                                  '<meta property="og:url" content="https://example.org/ok">'),
                            "p.html")
    assert art.url == "https://example.org/ok"


def test_long_titles_are_cut_and_empty_ones_ignored():
    art = article_from_text(_page(f'<meta property="og:title" content="  ">'
                                  f'<title>{"word " * 100}</title>'), "p.html")
    assert art.title is not None and len(art.title) <= 200 and art.title.startswith("word word")
    art = article_from_text(_page("<title> </title>"), "p.html")
    assert (art.title, art.site, art.url) == (None, None, None)


def test_plain_text_has_no_metadata():
    art = article_from_text("date 2025-06-01\nog:title https://example.org/x", "a.txt")
    assert (art.title, art.site, art.url) == (None, None, None)
