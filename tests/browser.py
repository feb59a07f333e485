"""What the browser tests share: the real server on a free port, a Chromium page that can
reach nothing but 127.0.0.1, and the map's frame once it has drawn."""
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SEEDS = Path(__file__).resolve().parent.parent / "seeds"

needs_chromium = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason="Debian chromium not installed (apt-get install -y chromium)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(tmp: Path, articles: Path = SEEDS, extra: tuple[str, ...] = ()
                 ) -> tuple[subprocess.Popen, str]:
    """`map-app serve` on a free port with its own store and cache; waits until healthy."""
    port = _free_port()
    env = dict(os.environ, MAP_APP_CACHE=str(tmp / "cache"))
    p = subprocess.Popen([sys.executable, "-m", "map_app.cli", "serve", str(articles),
                          "--port", str(port), "--store", str(tmp / "store.gpkg"), *extra],
                         env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return p, base
        except OSError:
            time.sleep(0.3)
    p.kill()
    raise RuntimeError("server did not start: " + p.stdout.read().decode(errors="replace"))


@contextmanager
def serving(tmp: Path, articles: dict[str, str | bytes]):
    """`map-app serve` of a folder holding ``articles`` (name → text or bytes); yields
    ``(process, base URL)`` and stops the server after."""
    arts = tmp / "arts"
    arts.mkdir()
    for name, text in articles.items():
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        (arts / name).write_bytes(data)
    p, base = start_server(tmp, arts)
    try:
        yield p, base
    finally:
        p.terminate()
        p.wait(10)


def offline_page(browser, blocked: list, size: tuple[int, int] = (1400, 1100)):
    """A page whose every request off 127.0.0.1 fails, as with no internet."""
    ctx = browser.new_context(viewport={"width": size[0], "height": size[1]},
                              accept_downloads=True)

    def route(r):
        if r.request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    ctx.route("**/*", route)
    return ctx, ctx.new_page()


def map_frame(page):
    """The st_folium iframe, once Leaflet has drawn markers into it."""
    deadline = time.time() + 60
    while time.time() < deadline:
        for f in page.frames:
            if "st_folium" in f.url:
                try:
                    if f.evaluate("!!(window.MapApp && MapApp.ready) && document."
                                  "querySelectorAll('.map-app-incident, .map-app-cluster')"
                                  ".length > 0"):
                        return f
                except Exception:
                    pass
        page.wait_for_timeout(300)
    raise AssertionError("the map did not render its markers")


def open_popup(page):
    """Click the first incident marker until its popup shows (a Streamlit rerun can redraw
    the map between the click and the popup); returns the popup locator."""
    for _ in range(3):
        frame = map_frame(page)
        frame.locator(".map-app-incident").first.click(force=True)
        popup = frame.locator(".map-app-popup")
        try:
            popup.wait_for(timeout=10000)
            return popup
        except Exception:
            continue
    raise AssertionError("no popup opened on a marker")


def idle(page, timeout: float = 60) -> None:
    """Wait until Streamlit has finished running the page (a click during a rerun is lost)."""
    page.wait_for_timeout(300)
    deadline = time.time() + timeout
    while time.time() < deadline:
        if not page.locator("[data-testid='stStatusWidget']").is_visible():
            return
        page.wait_for_timeout(200)
