"""The real server in Debian's Chromium: the map renders offline, markers, popups, measuring,
downloads. Starts `map-app serve` on a free port; every request off 127.0.0.1 is blocked."""
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from browser import (
    SEEDS,
    map_frame,
    needs_chromium,
    offline_page,
    open_popup,
    serving,
    start_server,
)
from synthetic import make_articles

from map_app import plot

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("served")
    p, base = start_server(tmp)
    yield base, tmp
    p.terminate()
    try:
        p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()


def _seed_incidents() -> int:
    out = subprocess.run([sys.executable, "-m", "map_app.cli", "parse", str(SEEDS)],
                         capture_output=True, text=True, check=True).stdout
    return sum(p["role"] == "incident" for line in out.splitlines()
               for p in json.loads(line)["places"])


def test_map_offline_markers_popup_measure_download(browser, served, tmp_path):
    base, _ = served
    blocked: list[str] = []
    ctx, page = offline_page(browser, blocked)
    page.goto(base)
    frame = map_frame(page)
    # the basemap (our country outlines, fetched from the app) drew too
    frame.wait_for_function("document.querySelectorAll('path').length > 50", timeout=30000)
    # one marker per event and place (Sumy's one attack is one), the regions where
    # something happened shaded instead (the Sumy and Kharkiv oblasts)
    areas = frame.locator(f"path[stroke-dasharray='{plot.AREA_DASH}']")
    assert areas.count() == 2
    assert frame.locator(".map-app-incident").count() == _seed_incidents() - 2
    overview = Path(os.environ.get("MAP_APP_SCREENSHOT_AREAS", tmp_path / "areas.png"))
    page.screenshot(path=str(overview), full_page=False)

    # a click on the map measures the distance to the borders beside it
    box = frame.locator(".leaflet-container").bounding_box()
    frame.locator(".leaflet-container").click(position={"x": box["width"] * 0.3,
                                                        "y": box["height"] * 0.8},
                                              force=True)
    page.locator("#map-app-distance").wait_for(timeout=30000)
    assert "km" in page.locator("#map-app-distance").inner_text()

    # a marker's popup shows the place and its quote
    popup = open_popup(page)
    text = popup.inner_text()
    assert "Border:" in text and ("Sumy" in text or "Andriivka" in text or "Kharkiv" in text
                                  or "Crimean" in text)

    shot = Path(os.environ.get("MAP_APP_SCREENSHOT", tmp_path / "map.png"))
    page.mouse.wheel(0, -5000)
    page.wait_for_timeout(800)  # let the popup finish fading in
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 10_000

    # the GeoJSON download is valid RFC 7946
    with page.expect_download(timeout=30000) as dl:
        page.get_by_role("button", name="Download GeoJSON").click()
    fc = json.loads(Path(dl.value.path()).read_text())
    assert fc["type"] == "FeatureCollection" and "crs" not in fc and fc["features"]
    for f in fc["features"]:
        lon, lat = f["properties"].get("point") or f["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90

    # nothing was fetched from the internet, and nothing needed to be
    assert blocked == [], blocked
    ctx.close()


def test_hostile_article_never_runs_script(browser, tmp_path):
    hostile = ('date 2025-06-04\nShelling hit Sumy <script>window.__pwned = 1; alert("x")'
               '</script> overnight, killing two people. <img src=x '
               'onerror="window.__pwned = 2"> Drones struck Odesa "</script><b>x</b>".')
    with serving(tmp_path, {"<img src=x onerror=alert(1)>.txt": hostile}) as (_, base):
        dialogs: list[str] = []
        blocked: list[str] = []
        ctx, page = offline_page(browser, blocked)
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(base)
        popup = open_popup(page)
        page.get_by_text("Shelling hit").first.wait_for(timeout=30000)
        page.wait_for_timeout(1000)
        assert dialogs == []
        for f in page.frames:
            assert f.evaluate("typeof window.__pwned") == "undefined"
        # the markup shows as text, in the popup and in the article view
        assert "<img" in popup.inner_text() or "<script>" in popup.inner_text() \
            or "onerror" in page.content()
        assert "&lt;script&gt;" in page.content()
        ctx.close()


def test_crlf_article_is_text_not_markdown(browser, tmp_path):
    # a Windows file: CRLF line endings, and Markdown that must stay text
    text = ("date 2025-06-04\r\nShelling hit Sumy overnight, killing two people.\r\n\r\n"
            "![tracker](http://203.0.113.5/pixel.png) [a link](http://203.0.113.5/) "
            ":red[coloured] **bold**\r\nDrones struck Odesa.\r\n")
    with serving(tmp_path, {"windows.txt": text.encode("utf-8")}) as (_, base):
        blocked: list[str] = []
        ctx, page = offline_page(browser, blocked)
        page.goto(base)
        map_frame(page)
        article = page.locator(".map-app-article")
        article.wait_for(timeout=30000)
        article.scroll_into_view_if_needed()
        page.wait_for_timeout(1000)
        shown = article.inner_text()
        assert "![tracker](http://203.0.113.5/pixel.png)" in shown and "**bold**" in shown
        assert ":red[coloured]" in shown and "Drones struck Odesa." in shown
        assert article.locator("img, a, strong, span[style]").count() == 0
        assert article.locator("mark").count() >= 2  # the places are still marked
        page.screenshot(path=str(Path(os.environ.get("MAP_APP_SCREENSHOT_CRLF",
                                                      tmp_path / "crlf.png"))))
        assert blocked == [], blocked  # no request left 127.0.0.1
        ctx.close()


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_closing_the_page_stops_its_analysis(browser, tmp_path):
    served = {"a.txt": "date 2025-06-04\nShelling hit Sumy overnight.\n"}
    with serving(tmp_path, served) as (p, base):
        blocked: list[str] = []
        ctx, page = offline_page(browser, blocked)
        page.goto(base)
        map_frame(page)
        # 12 MB of varied made-up reports, uploaded: 80 chunks, some 25 s of geoparsing
        big = tmp_path / "big.txt"
        big.write_text("\n\n".join(make_articles(2400)), encoding="utf-8")
        articles = page.get_by_role("region", name="Upload .txt or .html")
        articles.locator("input[type=file]").set_input_files(big)
        # its size shows once it is uploaded
        page.get_by_text(re.compile(r"^\d+(\.\d+)?MB$")).first.wait_for(timeout=60000)
        page.wait_for_timeout(1000)
        page.screenshot(path=str(tmp_path / "uploaded.png"))
        page.get_by_role("button", name="Add to map").click()
        page.get_by_text("1/1 articles").wait_for(timeout=60000)  # its first chunk is done
        ctx.close()  # the user closes the tab, a few of about 80 chunks in
        closed = _cpu_seconds(p.pid)
        while True:  # until the server is idle
            before = _cpu_seconds(p.pid)
            time.sleep(1.5)
            if _cpu_seconds(p.pid) - before < 0.3:
                break
        # the chunk under way finishes, then it stops: not the 20 s or so still to go
        assert _cpu_seconds(p.pid) - closed < 3.0, "the analysis went on after its page closed"
        # nothing half-stored: the store has the served article only
        with sqlite3.connect(tmp_path / "store.gpkg") as con:
            assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == 1


def test_the_occupied_area_follows_the_chosen_day(browser, tmp_path):
    from synthetic import box_snapshots

    from map_app.plot import FRONT_COLOUR

    # two made-up snapshots: a small area, then a large one
    folder = box_snapshots(tmp_path / "control", {"20250101": (36.0, 48.0, 36.5, 48.5),
                                                  "20250601": (35.0, 47.0, 38.0, 49.0)})
    p, base = start_server(tmp_path, extra=("--control", str(folder)))
    try:
        ctx, page = offline_page(browser, [])
        page.goto(base)
        area = f"path[fill='{FRONT_COLOUR}'][fill-opacity='0.15']"
        frame = map_frame(page)
        frame.locator(area).first.wait_for(timeout=30000)
        late = frame.locator(area).first.get_attribute("d")
        page.screenshot(path=str(Path(os.environ.get("MAP_APP_SCREENSHOT_CONTROL",
                                                     tmp_path / "control_late.png"))))
        # a marker's popup says who held the place, and when that changed
        assert "Control: not occupied on 2025-06-01" in open_popup(page).inner_text()
        # the day's slider: one step back, to the first snapshot
        page.get_by_role("slider").first.focus()
        page.keyboard.press("ArrowLeft")
        deadline = time.time() + 60
        early = late
        while time.time() < deadline and early == late:
            page.wait_for_timeout(500)
            try:
                frame = map_frame(page)
                early = frame.locator(area).first.get_attribute("d", timeout=2000)
            except Exception:
                continue
        assert early and early != late  # a smaller area drawn
        page.screenshot(path=str(tmp_path / "control_early.png"))
        ctx.close()
    finally:
        p.terminate()
        p.wait(10)


def test_uploads_read_as_one_collection(browser, tmp_path):
    # two notes uploaded together, "Read them as one collection" ticked: Lozova's note says
    # which of Kharkiv Oblast's Noves the other means
    served = {"a.txt": "date 2025-06-04\nShelling hit Sumy overnight.\n"}
    notes = [tmp_path / "nove.txt", tmp_path / "lozova.txt"]
    notes[0].write_text("Russian forces shelled Nove, Kharkiv region.", encoding="utf-8")
    notes[1].write_text("Russian forces shelled Lozova.", encoding="utf-8")
    with serving(tmp_path, served) as (_, base):
        blocked: list[str] = []
        ctx, page = offline_page(browser, blocked)
        page.goto(base)
        map_frame(page)
        uploads = page.get_by_role("region", name="Upload .txt or .html")
        uploads.locator("input[type=file]").set_input_files(notes)
        page.get_by_text("lozova.txt").first.wait_for(timeout=30000)
        page.get_by_text("Read them as one collection").click()
        page.wait_for_timeout(500)
        shot = Path(os.environ.get("MAP_APP_SCREENSHOT_COLLECTION", tmp_path / "collection.png"))
        page.screenshot(path=str(shot.with_name(shot.stem + "-ticked.png")))
        page.get_by_role("button", name="Add to map").click()
        page.get_by_text("2 article(s) added").wait_for(timeout=60000)
        map_frame(page)
        page.wait_for_timeout(1000)
        page.screenshot(path=str(shot))
        with sqlite3.connect(tmp_path / "store.gpkg") as con:
            rows = con.execute("SELECT admin2, rule FROM places WHERE text = 'Nove'").fetchall()
        assert rows == [("Lozivskyi", "the collection's places")]
        assert blocked == [], blocked
        ctx.close()
