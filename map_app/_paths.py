"""Where things live: the shipped data, the user's cache and the default store."""
from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    """Return the folder of run-time data (gazetteer, borders).

    ``MAP_APP_DATA`` overrides the default, the ``data/`` folder beside the package.
    """
    env = os.environ.get("MAP_APP_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "data"


def cache_dir() -> Path:
    """The user's map_app cache (the app's files, the geocoders' answers).

    ``MAP_APP_CACHE`` overrides ``$XDG_CACHE_HOME/map_app`` (``~/.cache/map_app``).
    """
    env = os.environ.get("MAP_APP_CACHE")
    if env:
        return Path(env)
    return Path(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")) / "map_app"


def default_store() -> Path:
    """The store ``map-app ingest``/``export`` and the app use when given none.

    ``MAP_APP_STORE`` overrides ``$XDG_DATA_HOME/map_app/store.gpkg``
    (``~/.local/share/map_app/store.gpkg``): one store, so what is added in the browser is
    what ``map-app export`` reads, wherever either is started.
    """
    env = os.environ.get("MAP_APP_STORE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share")
    return Path(base) / "map_app" / "store.gpkg"
