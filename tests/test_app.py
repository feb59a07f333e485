"""The Streamlit app's logic, run headless with AppTest."""
from streamlit.testing.v1 import AppTest

from map_app._serve import app_dir


def test_app_runs_and_lists_seed_places(tmp_path, monkeypatch):
    monkeypatch.setenv("MAP_APP_CACHE", str(tmp_path))
    from map_app.cli import default_seeds

    monkeypatch.setenv("MAP_APP_ARTICLES", str(default_seeds()))
    at = AppTest.from_file(str(app_dir() / "map_app_main.py"), default_timeout=120).run()
    assert not at.exception
    df = at.dataframe[0].value
    assert "Sumy" in set(df["name"])
    assert "Pyongyang" in set(df["name"])
