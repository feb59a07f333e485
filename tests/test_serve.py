"""`map-app serve` starts the real Streamlit server and serves Leaflet & co. locally."""
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.status, r.read()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = _free_port()
    env = dict(os.environ, MAP_APP_CACHE=str(tmp_path_factory.mktemp("cache")))
    p = subprocess.Popen([sys.executable, "-m", "map_app.cli", "serve", "--port", str(port)],
                         env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if _get(base + "/_stcore/health")[0] == 200:
                break
        except OSError:
            time.sleep(0.3)
    else:
        p.kill()
        pytest.fail("server did not start: " + p.stdout.read().decode(errors="replace")[-2000:])
    yield base
    p.terminate()
    try:
        p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()


@pytest.mark.parametrize("path,needle", [
    ("/app/static/leaflet/leaflet.js", b"Leaflet"),
    ("/app/static/leaflet/leaflet.css", b".leaflet"),
    ("/app/static/jquery/jquery.min.js", b"jQuery"),
    ("/app/static/markercluster/leaflet.markercluster.js", b"MarkerCluster"),
])
def test_static_assets_are_served_locally(server, path, needle):
    status, body = _get(server + path)
    assert status == 200 and needle in body


def test_app_page_is_served(server):
    status, body = _get(server + "/")
    assert status == 200 and b"<html" in body.lower()
