"""Where the shipped data lives."""
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
    """The user's map_app cache (the app's files, its default store).

    ``MAP_APP_CACHE`` overrides ``$XDG_CACHE_HOME/map_app`` (``~/.cache/map_app``).
    """
    env = os.environ.get("MAP_APP_CACHE")
    if env:
        return Path(env)
    return Path(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")) / "map_app"
