"""`map-app serve` starts the real Streamlit server and serves Leaflet & co. locally, to the
host names and origins it is meant for only (issue 13: DNS rebinding, cross-origin pages)."""
import base64
import http.client
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from map_app._guard import allowed, normalise_host, served_hosts


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.status, r.read()


def _serve(tmp_path_factory, *args: str):
    """`map-app serve --port FREE ARGS…` until healthy; yields its base URL, then stops it."""
    port = _free_port()
    env = dict(os.environ, MAP_APP_CACHE=str(tmp_path_factory.mktemp("cache")))
    p = subprocess.Popen([sys.executable, "-m", "map_app.cli", "serve", "--port", str(port),
                          *args],
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


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from _serve(tmp_path_factory)


@pytest.fixture(scope="module")
def team_server(tmp_path_factory):
    """Served to a team as `maps.example.org` too (directly or behind a TLS proxy)."""
    yield from _serve(tmp_path_factory, "--allow-host", "maps.example.org")


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


# ------------------------------------------------------ Host and Origin (issue 13 item 4)
def _port(base: str) -> int:
    return int(base.rsplit(":", 1)[1])


def _request(base: str, path: str, headers: dict[str, str],
             method: str = "GET") -> tuple[int, bytes]:
    """One request to the server at `base` with these headers (a `Host` here replaces ours)."""
    c = http.client.HTTPConnection("127.0.0.1", _port(base), timeout=10)
    try:
        c.request(method, path, headers=headers)
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


def _ws_handshake(base: str, host: str, origin: str | None) -> tuple[int, bytes]:
    """Status and body of a WebSocket upgrade to /_stcore/stream, as a browser sends it."""
    lines = ["GET /_stcore/stream HTTP/1.1", f"Host: {host}", "Upgrade: websocket",
             "Connection: Upgrade", "Sec-WebSocket-Version: 13",
             "Sec-WebSocket-Key: " + base64.b64encode(os.urandom(16)).decode(),
             "Sec-WebSocket-Protocol: streamlit"]
    if origin is not None:
        lines.append(f"Origin: {origin}")
    with socket.create_connection(("127.0.0.1", _port(base)), timeout=10) as s:
        s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        if head.startswith(b"HTTP/1.1 403"):  # refused: the body follows, then the close
            while chunk := s.recv(4096):
                body += chunk
    return int(head.split()[1]), body


LOCAL = served_hosts("127.0.0.1")
TEAM = served_hosts("0.0.0.0", ["maps.example.org"])


@pytest.mark.parametrize("host,origin", [
    ("127.0.0.1:8501", None),                         # curl, health checks: no Origin
    ("127.0.0.1:8501", "http://127.0.0.1:8501"),
    ("localhost:8501", "http://localhost:8501"),
    ("LocalHost.:8501", "HTTP://LOCALHOST:8501"),
    ("[::1]:8501", "http://[::1]:8501"),
    ("[0:0::1]:8501", "http://127.0.0.1:8501"),       # another loopback name of this server
    ("localhost", "http://localhost:8501"),           # a Host's port is not checked
])
def test_guard_serves_loopback_on_this_port(host, origin):
    assert allowed(host, origin, LOCAL, 8501)


@pytest.mark.parametrize("host,origin", [
    (None, None),                                     # no Host at all
    ("evil.example:8501", None),                      # DNS rebinding: the rebound name
    ("evil.example:8501", "http://evil.example:8501"),
    ("127.0.0.1:8501", "http://evil.example:8501"),   # another site's page
    ("127.0.0.1:8501", "http://localhost:3000"),      # another local server's page
    ("127.0.0.1:8501", "http://localhost"),
    ("127.0.0.1:8501", "null"),                       # sandboxed frame, file: page
    ("127.0.0.1:8501", "file://"),
    ("127.0.0.1:8501", "ftp://127.0.0.1:8501"),
    ("127.0.0.1:8501", "http://127.0.0.1:8501/path"),
    ("127.0.0.1:8501", "http://user@127.0.0.1:8501"),
    ("evil.example@127.0.0.1:8501", None),
    ("127.0.0.1:8501:80", None),
    ("::1", None),                                    # an IPv6 Host needs its brackets
    ("127.0.0.1.evil.example", None),
    ("127.0.0.1:99999", None),
    ("maps.example.org", "https://maps.example.org"),  # a team name it was not given
])
def test_guard_refuses_other_hosts_and_origins(host, origin):
    assert not allowed(host, origin, LOCAL, 8501)


@pytest.mark.parametrize("host,origin,ok", [
    ("maps.example.org", "https://maps.example.org", True),      # a TLS proxy in front
    ("maps.example.org:8501", "http://maps.example.org:8501", True),  # straight to the port
    ("maps.example.org", "http://maps.example.org", True),
    ("maps.example.org", "https://maps.example.org:8443", False),
    ("0.0.0.0:8501", "http://0.0.0.0:8501", True),                # the --address itself
    ("0.0.0.0:8501", "http://0.0.0.0", False),                    # but only on this port
    ("localhost:8501", "http://localhost", False),
    ("evil.example", "https://maps.example.org", False),
    ("maps.example.org", "https://evil.example", False),
])
def test_guard_serves_team_hosts_directly_or_behind_a_proxy(host, origin, ok):
    assert allowed(host, origin, TEAM, 8501, proxied_hosts={"maps.example.org"}) is ok


@pytest.mark.parametrize("name", ["https://maps.example.org", "maps.example.org:443",
                                  "maps.example.org/", "", "a b", "[evil]", "*"])
def test_only_bare_host_names_can_be_allowed(name):
    with pytest.raises(ValueError, match="bare host name"):
        normalise_host(name)


def test_install_refuses_a_streamlit_it_cannot_guard(monkeypatch):
    from streamlit.web.server.starlette import starlette_server

    from map_app._guard import LOOPBACK, install

    monkeypatch.delattr(starlette_server, "create_starlette_app")
    with pytest.raises(RuntimeError, match="cannot guard"):  # rather than serve unguarded
        install(LOOPBACK)


def test_serve_refuses_a_url_as_allowed_host():
    r = subprocess.run([sys.executable, "-m", "map_app.cli", "serve", "--port", str(_free_port()),
                        "--allow-host", "https://maps.example.org"],
                       check=False, capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "bare host name" in r.stderr


@pytest.mark.parametrize("path", ["/", "/_stcore/health", "/_stcore/host-config",
                                  "/app/static/leaflet/leaflet.js", "/media/x", "/nowhere"])
def test_foreign_host_is_refused_on_every_endpoint(server, path):
    status, body = _request(server, path, {"Host": f"evil.example:{_port(server)}"})
    assert status == 403
    assert body.count(b"\n") == 1 and b"--allow-host" in body


def test_foreign_origin_is_refused_over_http(server):
    port = _port(server)
    status, _ = _request(server, "/_stcore/host-config", {"Origin": f"http://evil.example:{port}"})
    assert status == 403
    status, _ = _request(server, "/_stcore/upload_file/s/f", {"Origin": "http://localhost:3000"},
                         method="PUT")
    assert status == 403


@pytest.mark.parametrize("host,origin", [
    ("{local}", "http://evil.example:{port}"),           # another site's page
    ("evil.example:{port}", "http://evil.example:{port}"),  # the same, DNS-rebound to us
    ("{local}", "http://localhost:3000"),               # another local server's page
    ("{local}", "null"),
])
def test_websocket_from_another_origin_is_refused(server, host, origin):
    port = _port(server)
    local = f"127.0.0.1:{port}"
    status, body = _ws_handshake(server, host.format(local=local, port=port),
                                 origin.format(port=port))
    # refused by our guard (the body says so), before Streamlit's own origin check, which
    # refuses the first and last with an empty 403 but lets the rebound and other-port ones in
    assert status == 403 and b"--allow-host" in body


@pytest.mark.parametrize("host,origin", [
    ("127.0.0.1:{port}", "http://127.0.0.1:{port}"),
    ("localhost:{port}", "http://localhost:{port}"),
    ("[::1]:{port}", "http://[::1]:{port}"),
    ("127.0.0.1:{port}", None),
])
def test_websocket_from_this_origin_is_accepted(server, host, origin):
    port = _port(server)
    status, _ = _ws_handshake(server, host.format(port=port),
                              origin and origin.format(port=port))
    assert status == 101


def test_team_host_is_served_directly_and_behind_a_proxy(team_server):
    port = _port(team_server)
    assert _request(team_server, "/", {"Host": "maps.example.org"})[0] == 200
    assert _ws_handshake(team_server, "maps.example.org", "https://maps.example.org")[0] == 101
    assert _ws_handshake(team_server, f"maps.example.org:{port}",
                         f"http://maps.example.org:{port}")[0] == 101
    assert _ws_handshake(team_server, f"127.0.0.1:{port}", f"http://127.0.0.1:{port}")[0] == 101
    assert _ws_handshake(team_server, "evil.example", "https://evil.example")[0] == 403
    assert _request(team_server, "/", {"Host": "evil.example"})[0] == 403


def test_serve_collection_tells_the_app(monkeypatch, tmp_path):
    from map_app import _serve
    from map_app.cli import main

    seen = {}

    def execve(path, cmd, env):  # the server it would become
        seen.update(env)
        raise SystemExit(0)

    monkeypatch.setattr(_serve.os, "execve", execve)
    monkeypatch.delenv("MAP_APP_COLLECTION", raising=False)
    with pytest.raises(SystemExit):
        main(["serve", str(tmp_path), "--collection"])
    assert seen["MAP_APP_COLLECTION"] == "1"
    seen.clear()
    with pytest.raises(SystemExit):
        main(["serve", str(tmp_path)])
    assert "MAP_APP_COLLECTION" not in seen
