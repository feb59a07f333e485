import pytest

from map_app.gazetteer import load_gazetteer


@pytest.fixture(scope="session")
def gaz():
    return load_gazetteer()


@pytest.fixture(scope="session")
def seed_text():
    from pathlib import Path

    return (Path(__file__).resolve().parent.parent / "seeds" / "000_ee4feb28f2632e87.txt"
            ).read_text(encoding="utf-8")
