"""Start the Streamlit app headless, with Leaflet & co. served locally."""
from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from ._guard import ENV_EXTRA, ENV_HOSTS, normalise_host, served_hosts
from ._paths import cache_dir
from .plot import install_static, write_static_layers

_STUB = "from map_app.app import main\n\nmain()\n"


def app_dir() -> Path:
    """Folder holding the app's entry script and its ``static/`` assets (a user cache)."""
    d = cache_dir() / "app"
    d.mkdir(parents=True, exist_ok=True)
    script = d / "map_app_main.py"
    if not script.exists() or script.read_text() != _STUB:
        script.write_text(_STUB)
    install_static(d / "static")
    write_static_layers(d / "static")
    return d


def serve(port: int = 8501, address: str = "127.0.0.1", articles: list[str] | None = None,
          store: str | None = None, allow_hosts: Sequence[str] = (),
          control: str | None = None, references: Sequence[str] = (),
          collection: bool = False) -> int:
    """Run ``streamlit run`` on the app until interrupted; returns its exit code.

    Only loopback, `address` and `allow_hosts` are served, as ``Host`` and as ``Origin``
    (:mod:`map_app._guard`); a bad name in `address` or `allow_hosts` raises ValueError.
    With `collection`, the startup articles are read as one collection
    (:func:`map_app.ingest.ingest`) and the sidebar reads what it adds the same way.
    """
    extra = [normalise_host(h) for h in allow_hosts]
    hosts = served_hosts(address, extra)
    d = app_dir()
    env = dict(os.environ)
    env[ENV_HOSTS] = ",".join(sorted(hosts))
    env[ENV_EXTRA] = ",".join(extra)
    if articles:
        env["MAP_APP_ARTICLES"] = os.pathsep.join(str(Path(a).resolve()) for a in articles)
    if store:
        env["MAP_APP_STORE"] = str(Path(store).resolve())
    if control:  # the user's control layer, read by the app (map_app.control)
        env["MAP_APP_CONTROL"] = str(Path(control).resolve())
    if collection:  # the startup articles read together (map_app.ingest)
        env["MAP_APP_COLLECTION"] = "1"
    if references:  # NAME=FILE specs, one per line (paths may hold any other separator)
        env["MAP_APP_REFERENCES"] = "\n".join(
            f"{n}={Path(f).resolve()}" for n, _, f in (r.partition("=") for r in references))
    # uploads are checked against our own limit; Streamlit's is the hard stop above it
    cmd_extra = ["--server.maxUploadSize", "25"]
    # Streamlit's command line with the Host/Origin guard installed first (its XSRF check stays)
    cmd = [sys.executable, "-m", "map_app._guarded_streamlit", "run", str(d / "map_app_main.py"),
           "--server.headless", "true", "--server.port", str(port),
           "--server.address", address, "--server.enableStaticServing", "true",
           "--browser.gatherUsageStats", "false", "--global.developmentMode", "false",
           "--server.fileWatcherType", "none", "--client.toolbarMode", "viewer", *cmd_extra]
    # become the Streamlit server: signals (Ctrl-C, a test's terminate) reach it directly
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, cmd, env)
    return 0  # not reached
