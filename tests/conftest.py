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


@pytest.fixture()
def store(tmp_path, seed_text):
    """A store holding the seed and one more article: ``(path, folder of the articles)``."""
    from map_app.ingest import ingest

    p = tmp_path / "store.gpkg"
    art = tmp_path / "arts"
    art.mkdir()
    (art / "seed.txt").write_text(seed_text, encoding="utf-8")
    (art / "other.txt").write_text("date 2025-06-01\nA drone attack hit Odesa overnight.",
                                   encoding="utf-8")
    stats = ingest([art], p)
    assert stats["stored"] == 2 and not stats["failed"]
    return p, art


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, driven by Playwright (the browser tests)."""
    from browser import ARGS, CHROMIUM
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()
