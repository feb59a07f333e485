"""The Streamlit app's logic, run headless with AppTest."""
import re

import pytest
from streamlit.testing.v1 import AppTest

from map_app._serve import app_dir


@pytest.fixture()
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("MAP_APP_CACHE", str(tmp_path))
    monkeypatch.setenv("MAP_APP_STORE", str(tmp_path / "store.gpkg"))
    from map_app.cli import default_seeds

    monkeypatch.setenv("MAP_APP_ARTICLES", str(default_seeds()))
    return AppTest.from_file(str(app_dir() / "map_app_main.py"), default_timeout=120)


def test_app_runs_and_lists_seed_places(app):
    at = app.run()
    assert not at.exception
    df = at.dataframe[0].value
    assert {"Sumy", "Pyongyang", "Andriivka"} <= set(df["place"])


def test_filters_and_url_state(app):
    at = app.run()
    at.sidebar.radio[0].set_value("incidents").run()
    df = at.dataframe[0].value
    assert set(df["role"]) == {"incident"}
    assert at.query_params["role"] in ("incidents", ["incidents"])
    at.sidebar.number_input[0].set_value(10.0).run()
    df = at.dataframe[0].value
    # Andriivka 5 km away, and the two oblasts that reach the border (areas, 0 km)
    assert set(df["place"]) == {"Andriivka", "Sumy Oblast", "Kharkiv Oblast"}
    assert at.query_params["maxkm"] in ("10", ["10"])


def test_the_border_set_switch_changes_every_distance(app):
    at = app.run()
    at.sidebar.radio[0].set_value("incidents").run()
    bridge = at.dataframe[0].value.set_index("place").loc["Crimean Bridge"]
    assert bridge["distance_to_border_km"] > 200  # de jure: Crimea is Ukraine's
    at.sidebar.number_input[0].set_value(150.0).run()
    assert "Crimean Bridge" not in set(at.dataframe[0].value["place"])
    [r for r in at.sidebar.radio if r.label == "Border set"][0].set_value("de facto").run()
    df = at.dataframe[0].value
    assert "Crimean Bridge" in set(df["place"])  # 127 km from the line of control
    assert df.set_index("place").loc["Crimean Bridge", "distance_to_border_km"] < 150


def test_paste_an_article(app):
    at = app.run()
    at.sidebar.text_area[0].set_value("date 2025-06-05\nA drone attack hit Odesa.")
    at.sidebar.button[0].click().run()
    assert not at.exception
    assert "Odesa" in set(at.dataframe[0].value["place"])


def test_correct_a_pick(app):
    at = app.run()
    before = at.dataframe[0].value
    lat0 = before[before.text == "Andriivka"]["lat"].iloc[0]
    boxes = [s for s in at.selectbox if s.label == "Place"]
    label = [o for o in boxes[0].options if o.startswith("Andriivka")][0]
    boxes[0].set_value(label).run()
    [b for b in at.button if b.label == "Apply correction"][0].click().run()
    assert not at.exception
    after = at.dataframe[0].value
    # map, table and store follow the runner-up, its distance and admin areas measured again
    a0, a1 = (df[df.text == "Andriivka"].iloc[0] for df in (before, after))
    assert a1["lat"] != lat0 and a1["rule"] == "chosen by the user"
    assert a1["distance_to_border_km"] != a0["distance_to_border_km"]
    assert a1["claim_verdict"] in ("consistent", "inconsistent")
    # the runners-up are offered by oblast and raion
    use = [s for s in at.selectbox if s.label == "Use instead"][0]
    assert all(re.search(r" — [^,]+, [^(]+ \(", o) for o in use.options), use.options


def test_bad_uploads_are_reported(app):
    at = app.run()
    # AppTest cannot drive the file uploader; the upload path's core is tested here
    from map_app.app import _safe_name
    from map_app.articles import ArticleError, decode

    assert _safe_name("../../etc/passwd") == "upload:passwd"
    assert _safe_name("C:\\\\x\\\\<b>.txt") == "upload:<b>.txt"
    for bad in (b"", b"\x00\x01binary"):
        try:
            decode(bad, "upload:x")
        except ArticleError as exc:
            assert "upload:x" in str(exc)
        else:
            raise AssertionError("accepted bad input")
    text, warnings = decode("Kyiv caf\xe9".encode("latin-1"), "upload:x")
    assert text.startswith("Kyiv") and warnings and not at.exception


def test_pastes_are_distinct_articles_and_bad_dates_are_said(app):
    at = app.run()
    for text in ("date 2025-02-30\nShelling hit Kherson, killing 2.",
                 "date 2025-06-05\nA drone attack hit Odesa."):
        at.sidebar.text_area[0].set_value(text)
        at.sidebar.button[0].click().run()
        assert not at.exception
    df = at.dataframe[0].value
    assert {"Kherson", "Odesa"} <= set(df["place"])  # the second paste kept the first
    # each paste an article of its own, named by its first line (never a path)
    named = {"Shelling hit Kherson, killing 2.", "A drone attack hit Odesa."}
    assert named <= set(df["article"])
    article_box = [s for s in at.selectbox if s.label == "Article"][0]
    assert named <= set(article_box.options)


def test_a_bad_date_is_a_warning_not_a_traceback(app):
    at = app.run()
    at.sidebar.text_area[0].set_value("date 2025-02-30\nShelling hit Kherson.")
    at.sidebar.button[0].click().run()
    assert not at.exception
    said = [e.value for e in at.sidebar.error]
    assert any("2025\\-02\\-30 is not a calendar date" in s for s in said)


def test_messages_escape_markdown():
    from map_app.app import md_escape

    assert md_escape("![x](http://e.org/i.png) :red[a]") == \
        "\\!\\[x\\]\\(http\\:\\/\\/e\\.org\\/i\\.png\\) \\:red\\[a\\]"


def _served(tmp_path, monkeypatch, articles: dict[str, str]):
    """The app run as `map-app serve DIR` serves a folder holding ``articles``."""
    arts = tmp_path / "arts"
    arts.mkdir()
    for name, text in articles.items():
        (arts / name).write_text(text)
    monkeypatch.setenv("MAP_APP_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("MAP_APP_STORE", str(tmp_path / "store.gpkg"))
    monkeypatch.setenv("MAP_APP_ARTICLES", str(arts))
    return AppTest.from_file(str(app_dir() / "map_app_main.py"), default_timeout=120).run()


def test_served_folder_with_bad_dates_shows_its_map(tmp_path, monkeypatch):
    # `map-app serve DIR` with an impossible and an implausible date: a map and two
    # warnings, not a blank page
    at = _served(tmp_path, monkeypatch, {"a.txt": "date 2025-02-30\nShelling hit Kherson.",
                                         "b.txt": "date 0001-01-01\nDrones hit Odesa yesterday."})
    assert not at.exception
    assert {"Kherson", "Odesa"} <= set(at.dataframe[0].value["place"])
    said = " ".join(w.value for w in at.sidebar.warning)
    assert "not a calendar date" in said and "before 1900" in said


def test_a_control_layer_measures_every_place_and_its_day_is_chosen(app, tmp_path,
                                                                     monkeypatch):
    from synthetic import box_snapshots

    # made-up occupied areas: around Sumy from the second snapshot on
    folder = box_snapshots(tmp_path / "control", {"20250101": (36.0, 50.0, 36.5, 50.5),
                                                  "20250601": (34.6, 50.8, 35.0, 51.1)})
    monkeypatch.setenv("MAP_APP_CONTROL", str(folder))
    at = app.run()
    assert not at.exception
    df = at.dataframe[0].value.set_index("text")
    # the seed's events of 2025-06-04: the June snapshot holds Sumy
    assert df.loc["Sumy", "control"].iloc[0] == "occupied"
    assert df.loc["Kyiv", "control"].iloc[0] == "not occupied"
    assert df.loc["Kyiv", "distance_to_front_km"].iloc[0] > 200
    slider = [s for s in at.sidebar.select_slider if s.label == "Control on"][0]
    assert list(slider.options) == ["2025-01-01", "2025-06-01"]
    from datetime import date

    slider.set_value(date(2025, 1, 1)).run()
    assert not at.exception


def test_a_bad_control_layer_is_one_line_in_the_sidebar(app, tmp_path, monkeypatch):
    monkeypatch.setenv("MAP_APP_CONTROL", str(tmp_path / "nothing-here"))
    at = app.run()
    assert not at.exception
    assert any("no such file" in e.value for e in at.sidebar.error)


def test_the_page_reads_as_words(app):
    at = app.run()
    # (60 mentions: "The White House had said" names the government, not a place)
    assert any(c.value.startswith("5 incidents, 60 mentions shown · 1 article ·")
               for c in at.caption), [c.value for c in at.caption]
    df = at.dataframe[0].value
    assert "Shelling / missile attack" in set(df["event_type"])
    assert {"Ukraine", "Russia"} <= set(df["country_code"]) and "UA" not in set(df["country_code"])
    undated = [c for c in at.sidebar.checkbox if c.label == "Include undated articles"][0]
    assert undated.value
    undated.uncheck().run()
    assert at.query_params["undated"] in ("no", ["no"]) and not at.exception


def test_the_search_box_finds_a_place_and_opens_the_map_on_it(app):
    at = app.run()
    at.text_input(key="find").set_value("Pokrovsk").run()
    assert not at.exception
    assert any("Found **Pokrovsk**" in c.value and "Donetsk Oblast" in c.value
               for c in at.caption), [c.value for c in at.caption]
    at.text_input(key="find").set_value("Qwxzvbnm").run()
    assert any("No place called" in c.value for c in at.caption)


def test_a_paste_is_named_by_its_first_words_and_time():
    from datetime import datetime

    from map_app.app import paste_name

    at = datetime(2026, 11, 30, 12, 5, 9)
    assert paste_name("Drones struck  Odesa\novernight, officials said on Monday.", at) == \
        "pasted 2026-11-30 12:05:09: Drones struck Odesa overnight, officials said…"
    assert paste_name("   ", at).endswith(": text…")
    assert paste_name("a", at) != paste_name("a", datetime(2026, 11, 30, 12, 5, 10))


def test_serve_collection_reads_the_startup_articles_together(tmp_path, monkeypatch):
    from map_app.store import read_places

    monkeypatch.setenv("MAP_APP_COLLECTION", "1")  # map-app serve --collection
    at = _served(tmp_path, monkeypatch, {"a.txt": "Russian forces shelled Nove, Kharkiv region.",
                                         "b.txt": "Russian forces shelled Lozova."})
    assert not at.exception
    df = read_places(tmp_path / "store.gpkg")
    nove = df[df.text == "Nove"].iloc[0]
    assert nove.admin2 == "Lozivskyi" and nove.rule == "the collection's places"
    box = next(c for c in at.sidebar.checkbox if c.label == "Read them as one collection")
    assert box.value  # what the sidebar adds is read the same way
