"""The analyst's map in Debian's Chromium, one workflow at a time, on 200 made-up wire reports
and the seed: load, labels and oblasts at zoom 9, search, timeline range and playback, row ↔
marker, measure line, heatmap, compare, export of what is shown; and on a few pasted and HTML
articles: two pastes, the article's title, site and link in popups. Every state is saved as
a screenshot (``MAP_APP_SHOTS``: a folder, else the test's tmp folder), at 1400×900 and
1024×768, and no two map controls overlap in any of them. No request leaves 127.0.0.1."""
import json
import os
import re
import time
from pathlib import Path

import pytest
from browser import idle, map_frame, needs_chromium, offline_page, serving, start_server
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from synthetic import make_wire_reports

pytestmark = needs_chromium

SIZES = [(1400, 900), (1024, 768)]
# the map's controls, which must never cover each other
CONTROLS = [".leaflet-control-zoom", ".leaflet-control-layers", "#map-app-legend",
            ".leaflet-control-scale", "#map-app-timeline", ".leaflet-control-attribution"]


def shots(tmp: Path) -> Path:
    d = Path(os.environ.get("MAP_APP_SHOTS") or tmp)
    d.mkdir(parents=True, exist_ok=True)
    return d


def overlaps(frame) -> list:
    """Pairs of visible map controls whose boxes intersect (an open popup counts too)."""
    return frame.evaluate("""(sels) => {
      var boxes = [];
      sels.concat(['.leaflet-popup-content-wrapper']).forEach(function (s) {
        document.querySelectorAll(s).forEach(function (el) {
          var r = el.getBoundingClientRect();
          if (r.width && r.height) boxes.push([s, r]);
        });
      });
      var out = [];
      for (var i = 0; i < boxes.length; i++) for (var j = i + 1; j < boxes.length; j++) {
        var a = boxes[i][1], b = boxes[j][1];
        if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
          out.push([boxes[i][0], boxes[j][0]]);
      }
      return out;
    }""", CONTROLS)


def shot(page, frame, folder: Path, name: str, both: bool = True) -> None:
    """Save the page, and check that no controls overlap in it; with ``both``, again on a
    1024×768 screen (then back to the page's size)."""
    page.screenshot(path=str(folder / f"{name}.png"))
    assert overlaps(frame) == [], name
    size = page.viewport_size
    if both and size and size["width"] != 1024:
        page.set_viewport_size({"width": 1024, "height": 768})
        page.wait_for_timeout(800)
        page.screenshot(path=str(folder / f"{name}_1024.png"))
        assert overlaps(frame) == [], name + " at 1024×768"
        page.set_viewport_size(size)
        page.wait_for_timeout(500)


def inner_marker(frame):
    """An incident marker well inside the map's view (away from its edges and controls)."""
    i = frame.evaluate("""(() => {
      var c = document.querySelector('.leaflet-container').getBoundingClientRect();
      var els = document.querySelectorAll('.map-app-incident');
      for (var k = 0; k < els.length; k++) {
        var r = els[k].getBoundingClientRect();
        if (r.left > c.left + 80 && r.right < c.right - 280 && r.top > c.top + 80
            && r.bottom < c.bottom - 120) return k;
      }
      return -1; })()""")
    assert i >= 0, "no marker inside the view"
    return frame.locator(".map-app-incident").nth(i)


def scroll_to(page, locator) -> None:
    """Scroll an element into view; Streamlit may redraw it meanwhile, so try again."""
    for _ in range(5):
        idle(page)
        try:
            locator.scroll_into_view_if_needed(timeout=5000)
            return
        except Exception:
            page.wait_for_timeout(500)
    locator.scroll_into_view_if_needed()


def caption_counts(page) -> tuple[int, int]:
    text = page.get_by_text(re.compile(r"\d+ incidents?, \d+ mentions? shown")).first
    n = re.search(r"(\d+) incidents?, (\d+) mentions?", text.inner_text())
    assert n
    return int(n.group(1)), int(n.group(2))


def wait_rerun(page, before: tuple[int, int], timeout: float = 60) -> tuple[int, int]:
    """The shown counts once they have changed and then held for three seconds (a slider
    moved by keys reruns the page more than once)."""
    deadline = time.time() + timeout
    now, since = before, time.time()
    while time.time() < deadline:
        page.wait_for_timeout(400)
        try:
            seen = caption_counts(page)
        except Exception:
            continue
        if seen != now:
            now, since = seen, time.time()
        elif now != before and time.time() - since > 3:
            return now
    raise AssertionError("the page did not change")


@pytest.fixture(scope="module")
def wire(tmp_path_factory):
    """`map-app serve` of 200 dated made-up wire reports and the seed."""
    tmp = tmp_path_factory.mktemp("wire")
    arts = tmp / "arts"
    arts.mkdir()
    for name, text in make_wire_reports(200).items():
        (arts / name).write_text(text, encoding="utf-8")
    seed = next(Path(__file__).resolve().parent.parent.joinpath("seeds").glob("*.txt"))
    (arts / seed.name).write_bytes(seed.read_bytes())
    p, base = start_server(tmp, arts)
    yield base
    p.terminate()
    p.wait(10)


def open_map(browser, base: str, size=(1400, 900)):
    blocked: list[str] = []
    ctx, page = offline_page(browser, blocked, size)
    page.goto(base)
    return ctx, page, map_frame(page), blocked


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_load_labels_oblasts_and_layout(browser, wire, tmp_path, size):
    ctx, page, frame, blocked = open_map(browser, wire, size)
    folder = shots(tmp_path)
    # clusters show their mix of event families as a ring
    frame.locator(".map-app-cluster").first.wait_for(timeout=30000)
    assert "conic-gradient" in frame.locator(".map-app-cluster div").first.get_attribute("style")
    frame.locator(".map-app-label").first.wait_for(state="attached", timeout=30000)
    frame.locator("#map-app-timeline rect").first.wait_for(state="attached", timeout=30000)
    # the timeline counts what the page says is shown (markers and regions' incidents)
    n = caption_counts(page)[0]
    assert frame.locator(".map-app-count").inner_text() == f"{n} incidents"
    # the map is the page: most of its width at 1400 px
    box = page.locator("iframe[title='streamlit_folium.st_folium']").first.bounding_box()
    if size[0] == 1400:
        assert box["width"] >= 0.7 * size[0], box
        assert box["height"] >= 0.6 * size[1], box
    shot(page, frame, folder, f"load_{size[0]}", both=False)
    # zoom 9 on the north-east: settlement and raion names, oblast and raion lines
    frame.evaluate("void MapApp.state.map.setView([50.0, 36.3], 9, {animate: false})")
    page.wait_for_timeout(1500)
    names = frame.locator(".map-app-label").all_inner_texts()
    assert len(names) >= 10 and "Kharkiv" in names, names[:20]
    assert frame.locator(".map-app-label-district").count() >= 1
    assert frame.evaluate("document.querySelectorAll('path[stroke-dasharray=\"2 3\"]').length")\
        > 5  # raion lines
    shot(page, frame, folder, f"zoom9_{size[0]}", both=False)
    # a popup opens clear of the legend, the layer control and the timeline
    inner_marker(frame).click()
    frame.locator(".map-app-popup").wait_for(timeout=10000)
    page.wait_for_timeout(800)  # the popup's pan
    shot(page, frame, folder, f"popup_{size[0]}", both=False)
    assert blocked == [], blocked
    ctx.close()


def test_search_jumps_to_a_place(browser, wire, tmp_path):
    ctx, page, frame, _ = open_map(browser, wire)
    page.get_by_placeholder(re.compile("Find a place")).fill("Pokrovsk")
    page.keyboard.press("Enter")
    page.get_by_text(re.compile("Found Pokrovsk")).wait_for(timeout=30000)
    deadline = time.time() + 30
    while time.time() < deadline:
        frame = map_frame(page)
        if frame.locator(".map-app-found").count():
            break
        page.wait_for_timeout(300)
    c = frame.evaluate("[MapApp.state.map.getCenter(), MapApp.state.map.getZoom()]")
    assert c[1] == 9 and abs(c[0]["lat"] - 48.28) < 0.1 and abs(c[0]["lng"] - 37.18) < 0.1
    # its popup is open, saying where it is
    assert "Donetsk" in frame.locator(".leaflet-popup-content").inner_text(timeout=10000)
    shot(page, frame, shots(tmp_path), "search")
    ctx.close()


def test_timeline_range_filters_map_table_and_export(browser, wire, tmp_path):
    ctx, page, frame, _ = open_map(browser, wire)
    before = caption_counts(page)
    shown_before = frame.evaluate("MapApp.state.items.filter(i => i.shown).length")
    # the range's start, 30 days on (one day a key press)
    thumb = page.get_by_role("slider").first
    thumb.focus()
    for _ in range(30):
        page.keyboard.press("ArrowRight")
    after = wait_rerun(page, before)
    assert after[0] < before[0]
    frame = map_frame(page)
    page.wait_for_timeout(1000)
    shown_after = frame.evaluate("MapApp.state.items.filter(i => i.shown).length")
    assert shown_after < shown_before
    # what is exported is what is shown: the same places, all within the range
    lo = re.search(r"from=(\d{4}-\d{2}-\d{2})", page.url)
    assert lo
    with page.expect_download(timeout=30000) as dl:
        page.get_by_role("button", name="Download GeoJSON").click()
    fc = json.loads(Path(dl.value.path()).read_text())
    assert len(fc["features"]) == sum(after)
    days = [f["properties"].get("event_date") or f["properties"].get("article_date")
            for f in fc["features"]]
    assert all(d is None or d[:10] >= lo.group(1) for d in days)
    shot(page, frame, shots(tmp_path), "timeline_range")
    ctx.close()


def test_play_steps_through_the_days(browser, wire, tmp_path):
    ctx, page, frame, _ = open_map(browser, wire)
    total = frame.evaluate("MapApp.state.items.filter(i => i.shown).length")
    # each day of the histogram names its events by type
    day = frame.locator("#map-app-timeline .map-app-day title").first.text_content()
    assert re.match(r"\d{4}-\d{2}-\d{2}: \d+ incidents?: ", day), day
    assert any(label in day for label in ("Shelling / missile attack", "Armed clash",
                                          "Territory captured", "Air / drone strike")), day
    frame.locator(".map-app-play").click()
    page.wait_for_timeout(2500)
    state = frame.evaluate("[MapApp.state.play, MapApp.state.timer !== null, "
                           "MapApp.state.items.filter(i => i.shown).length]")
    assert state[0] is not None and state[1] and state[2] < total
    assert "up to" in frame.locator(".map-app-when").inner_text()
    shot(page, frame, shots(tmp_path), "play")
    frame.locator(".map-app-play").click()  # pause
    day = frame.evaluate("MapApp.state.play")
    frame.locator(".map-app-next").click()
    assert frame.evaluate("MapApp.state.play") == day + 1
    ctx.close()


def test_row_and_marker_select_each_other(browser, wire, tmp_path):
    ctx, page, frame, _ = open_map(browser, wire)
    # a table row: the map flies to its place and opens its popup
    grid = page.locator("[data-testid='stDataFrame']").first
    scroll_to(page, grid)
    b = grid.bounding_box()
    page.mouse.click(b["x"] + 18, b["y"] + 35 + 35 * 4 + 17)  # the fifth row's selector
    page.get_by_text(re.compile(r"^Selected: .*row 5$")).wait_for(timeout=30000)
    place = re.search(r"Selected: (.+?) \(", page.get_by_text(
        re.compile(r"^Selected: ")).first.inner_text()).group(1)
    frame = map_frame(page)
    frame.locator(".map-app-popup").wait_for(timeout=30000)
    assert place in frame.locator(".map-app-popup").inner_text()
    scroll_to(page, page.locator("iframe[title='streamlit_folium.st_folium']").first)
    shot(page, frame, shots(tmp_path), "row_to_marker")
    # a marker: its row is marked in the table
    frame.evaluate("void MapApp.state.map.closePopup()")
    frame.evaluate("void MapApp.state.map.setView([50.9, 34.8], 10, {animate: false})")
    page.wait_for_timeout(1200)
    inner_marker(frame).click()
    clicked = frame.locator(".map-app-popup b").first.inner_text()
    page.get_by_text(re.compile(r"^Selected: " + re.escape(clicked))).wait_for(timeout=30000)
    scroll_to(page, page.get_by_text(re.compile(r"^Selected: ")).first)
    page.screenshot(path=str(shots(tmp_path) / "marker_to_row.png"))
    ctx.close()


def test_measure_draws_lines_to_the_border(browser, wire, tmp_path):
    ctx, page, frame, _ = open_map(browser, wire)
    frame.evaluate("void MapApp.state.map.setView([50.3, 36.0], 8, {animate: false})")
    page.wait_for_timeout(800)
    # an empty spot: the map's left middle, away from markers and controls
    box = frame.locator(".leaflet-container").bounding_box()
    frame.locator(".leaflet-container").click(position={"x": box["width"] * 0.35,
                                                        "y": box["height"] * 0.45})
    page.locator("#map-app-distance").wait_for(timeout=30000)
    deadline = time.time() + 30
    while time.time() < deadline:
        frame = map_frame(page)
        if frame.locator("path.map-app-measure-line").count():
            break
        page.wait_for_timeout(300)
    assert frame.locator("path.map-app-measure-line").count() >= 1
    label = frame.locator(".map-app-measure-label").first.inner_text()
    assert re.search(r"\d+\.\d km to RU-UA", label), label
    # the line's label says what the panel says
    km = re.search(r"([\d.]+) km", page.locator("#map-app-distance").inner_text()).group(1)
    assert label.startswith(km)
    shot(page, frame, shots(tmp_path), "measure")
    ctx.close()


def test_heatmap_draws_density(browser, wire, tmp_path):
    ctx, page, frame, _ = open_map(browser, wire)
    # the layer control opens on hover; on a slow machine a late redraw may close it between
    # the hover and the click, so it is held open and the click tried again
    for attempt in range(4):
        frame.locator(".leaflet-control-layers").hover()
        frame.evaluate("document.querySelector('.leaflet-control-layers')"
                       ".classList.add('leaflet-control-layers-expanded')")
        try:
            frame.get_by_text("Heatmap (incident density)").click(timeout=8000)
            break
        except PlaywrightTimeoutError:
            if attempt == 3:
                raise
    frame.locator("canvas.map-app-heat").wait_for(timeout=10000)
    painted = frame.evaluate("""(() => { var c = document.querySelector('canvas.map-app-heat');
      var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, n = 0;
      for (var i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; })()""")
    assert painted > 1000
    page.mouse.move(10, 10)
    page.wait_for_timeout(500)
    shot(page, frame, shots(tmp_path), "heatmap")
    ctx.close()


def test_compare_two_articles(browser, wire, tmp_path):
    ctx, page, frame, _ = open_map(browser, wire)
    head = page.get_by_text("Compare two articles")
    scroll_to(page, head)
    page.get_by_text(re.compile(r"^\d+ shared places?:")).wait_for(timeout=30000)
    for _ in range(40):
        f = next((f for f in page.frames if "st_folium" in f.url
                  and f.locator(".map-app-compare-A, .map-app-compare-both").count()), None)
        if f:
            break
        page.wait_for_timeout(300)
    assert f is not None, "the comparison map did not draw"
    page.screenshot(path=str(shots(tmp_path) / "compare.png"))
    ctx.close()


def test_two_pastes_and_an_html_article(browser, tmp_path):
    html = ("<html><head><title>Strike on Sumy | Example News</title>"
            "<meta content='Example News' property='og:site_name'>"
            "<link rel='canonical' href='https://news.example.org/sumy-strike'></head><body>"
            "<p>date 2025-06-04</p><p>Russian shelling hit Sumy overnight, killing two "
            "people.</p></body></html>")
    with serving(tmp_path, {"sumy.html": html}) as (_, base):
        ctx, page, frame, blocked = open_map(browser, base)
        # the popup names the article by its title, with its site and link
        frame.locator(".map-app-incident").first.click()
        popup = frame.locator(".map-app-popup")
        popup.wait_for(timeout=10000)
        assert "Strike on Sumy" in popup.inner_text() and "Example News" in popup.inner_text()
        assert popup.locator("a").get_attribute("href") == "https://news.example.org/sumy-strike"
        shot(page, frame, shots(tmp_path), "html_popup")
        idle(page)
        # two pastes: two articles, each with its own name and text
        for text in ("Drones struck Odesa overnight, officials said.",
                     "Shelling hit Kherson on Tuesday, wounding three people."):
            idle(page)
            page.get_by_label("…or paste text").fill(text)
            page.get_by_role("button", name="Add to map").click()
            page.get_by_text("1 article(s) added").wait_for(timeout=60000)
        page.get_by_text(re.compile(r"· 3 articles ·")).first.wait_for(timeout=30000)
        box = page.get_by_role("combobox", name="Article", exact=True)
        scroll_to(page, box)
        from playwright.sync_api import expect

        for name, mine, other in (("Drones struck Odesa", "Odesa", "Kherson"),
                                  ("Shelling hit Kherson", "Kherson", "Odesa")):
            idle(page)
            box.click()
            page.get_by_role("option", name=re.compile(name)).click()
            # the page reruns with the chosen article: its own text, not the other paste's
            article = page.locator(".map-app-article")
            expect(article).to_contain_text(mine, timeout=30000)
            assert other not in article.inner_text()
        page.screenshot(path=str(shots(tmp_path) / "pasted.png"))
        assert blocked == [], blocked
        ctx.close()


# A post in the style of a regional administration's channel, in our own words
_UKRAINIAN = """date 2026-11-27
Сумська ОВА: наслідки нічних обстрілів

Уночі російські війська обстріляли Суми: загинули двоє людей, ще п'ятеро дістали поранення.

Ворог також атакував дронами Шостку та Конотоп. У селі Андріївка Сумського району, що за
5 кілометрів від кордону з Росією, пошкоджено три приватні будинки.

На Харківщині під обстрілом опинилися Вовчанськ і Куп'янськ; у Харкові пролунали вибухи.
"""


def test_a_ukrainian_article(browser, tmp_path):
    with serving(tmp_path, {"sumy-ova.txt": _UKRAINIAN}) as (_, base):
        ctx, page, frame, blocked = open_map(browser, base)
        marker = frame.locator(".map-app-incident").first
        marker.wait_for(timeout=30000)
        # the places as written, each with its English name
        frame.evaluate("void MapApp.state.map.setView([50.6, 35.4], 8, {animate: false})")
        page.wait_for_timeout(1000)
        frame.locator(".map-app-incident").first.click()
        popup = frame.locator(".map-app-popup")
        popup.wait_for(timeout=10000)
        head = popup.locator("b").first.inner_text()
        assert re.search(r"[A-Za-z]", head) and re.search(r"[\u0400-\u04ff]",
                                                            popup.inner_text()), head
        page.wait_for_timeout(800)
        shot(page, frame, shots(tmp_path), "ukrainian", both=False)
        assert blocked == [], blocked
        ctx.close()
