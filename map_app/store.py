"""The store: articles and their places in a GeoPackage (opens in QGIS). Storage only:
what is analysed and how it gets here is :mod:`map_app.ingest`.

Layers: ``articles`` (attribute table: id = SHA-256 of the text, source, date, title, the
page's site and URL when it was HTML, text) and
``places`` (points, EPSG:4326, one row per place mention, flat fields plus JSON for the
runners-up and the claim). The layers are created once by GDAL (through pyogrio), then every
article is written with SQLite in one transaction: a crash leaves whole articles only, and
re-ingesting an article already stored changes nothing.
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
import struct
import tempfile
import time
from contextlib import closing
from pathlib import Path

import numpy as np

from .articles import Article
from .record import READ_RENAMES, STORE_COLUMNS, from_row, store_row

# (name, SQLite type) of the places layer's fields, after the geometry: see map_app.record
PLACE_COLUMNS = list(STORE_COLUMNS)
ARTICLE_COLUMNS = [("id", "TEXT"), ("source", "TEXT"), ("date", "TEXT"), ("title", "TEXT"),
                   ("site", "TEXT"), ("url", "TEXT"), ("text", "TEXT"),
                   ("ingested_at", "TEXT"), ("n_places", "INTEGER")]


class StoreError(Exception):
    """A store that cannot be used: not a store, corrupted, unwritable (one-line message)."""


_SQLITE_MAGIC = b"SQLite format 3\x00"
# stores already checked by this process, with the (size, mtime) they had then
_CHECKED: dict[str, tuple[int, int]] = {}


def check_store(path: str | Path) -> None:
    """Refuse a file that is not a sound map_app store, with a one-line :class:`StoreError`.

    Checked: the SQLite header, ``PRAGMA quick_check`` (a page-corrupted store would
    otherwise take new rows and report them stored) and both layers. Each file is checked
    once per process until its size or time changes.
    """
    path = Path(path)
    try:
        st = path.stat()
        with open(path, "rb") as f:
            head = f.read(len(_SQLITE_MAGIC))
    except OSError as exc:
        raise StoreError(f"store {path}: {exc.strerror or exc}") from None
    key = (st.st_size, st.st_mtime_ns)
    if _CHECKED.get(str(path)) == key:
        return
    if st.st_size == 0:
        raise StoreError(f"store {path}: empty file, not a map_app store")
    if head != _SQLITE_MAGIC:
        raise StoreError(f"store {path}: not a GeoPackage (SQLite) file")
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=60)) as con:
            problems = [r[0] for r in con.execute("PRAGMA quick_check(3)")]
            tables = {r[0] for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.OperationalError as exc:  # locked, unreadable: not a verdict on the file
        raise StoreError(f"store {path}: cannot be read ({exc})") from None
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"store {path} is corrupted ({exc}): restore a copy or ingest into "
                         "a new store") from None
    if problems != ["ok"]:
        first = " ".join(problems[0].replace("*** in database main ***", "").split())
        raise StoreError(f"store {path} is corrupted (SQLite: {first}): restore a copy "
                         "or ingest into a new store")
    if not {"places", "articles"} <= tables:
        raise StoreError(f"store {path}: a GeoPackage, but not a map_app store "
                         "(no places and articles layers)")
    _CHECKED[str(path)] = key


def content_hash(text: str) -> str:
    """The id of an article: SHA-256 of its text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _gpkg_point(lon: float, lat: float, srs_id: int = 4326) -> bytes:
    # GeoPackage binary: "GP", version 0, flags (little-endian, no envelope), srs id, then WKB
    return b"GP" + bytes([0, 0b00000001]) + struct.pack("<i", srs_id) + \
        struct.pack("<BIdd", 1, 1, float(lon), float(lat))


def _create(path: Path) -> None:
    """Create an empty store with both layers (GDAL writes the GeoPackage metadata)."""
    import geopandas as gpd
    import pandas as pd
    import pyogrio

    tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=".map_app-")) / path.name
    dtypes = {"TEXT": "object", "INTEGER": "int64", "REAL": "float64"}
    places = gpd.GeoDataFrame(
        {n: pd.Series([], dtype=dtypes[t]) for n, t in PLACE_COLUMNS},
        geometry=gpd.GeoSeries([], crs="EPSG:4326"))
    # no spatial index: its triggers need GDAL's SQL functions, which plain SQLite lacks
    pyogrio.write_dataframe(places, tmp, layer="places", driver="GPKG", geometry_type="Point",
                            layer_options={"SPATIAL_INDEX": "NO"})
    articles = pd.DataFrame({n: pd.Series([], dtype=dtypes[t]) for n, t in ARTICLE_COLUMNS})
    pyogrio.write_dataframe(articles, tmp, layer="articles", driver="GPKG", append=False)
    with closing(sqlite3.connect(tmp)) as con:
        con.execute("CREATE INDEX IF NOT EXISTS places_article ON places(article_id)")
        con.execute("CREATE UNIQUE INDEX IF NOT EXISTS articles_id ON articles(id)")
        con.execute("PRAGMA journal_mode=WAL")
        con.commit()
    os.replace(tmp, path)  # the store appears whole or not at all
    try:
        tmp.parent.rmdir()
    except OSError:
        pass


def connect(path: str | Path) -> sqlite3.Connection:
    """Open (creating if needed) a store; waits on a busy store instead of failing.

    The connection is in autocommit mode: writers take the write lock up front
    (``BEGIN IMMEDIATE``), so concurrent ingests queue instead of failing. A file that is
    not a sound store is refused with a :class:`StoreError` (:func:`check_store`).
    """
    import fcntl

    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # two processes creating one store: the second waits, then finds it made
        with open(path.with_name(f".{path.name}.lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not path.exists():
                _create(path)
    check_store(path)
    con = sqlite3.connect(path, timeout=60, isolation_level=None)
    con.execute("PRAGMA busy_timeout=60000")
    _add_new_columns(con)
    return con


def _add_new_columns(con: sqlite3.Connection) -> None:
    """Give a store made by an older map_app the newer columns of both layers (empty for
    the rows stored then), so it takes new rows; nothing else changes."""
    def missing() -> list[tuple[str, str, str]]:
        out = []
        for table, columns in (("places", PLACE_COLUMNS), ("articles", ARTICLE_COLUMNS)):
            have = {r[1] for r in con.execute(f"PRAGMA table_info({table})")}
            out += [(table, n, t) for n, t in columns if n not in have]
        return out

    if not missing():
        return
    with _transaction(con):  # another process may be adding them too: ask again, locked
        for table, name, kind in missing():
            con.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")


def _title(text: str) -> str:
    for line in text.splitlines():
        line = line.strip()
        if line and not line.lower().startswith("date "):
            return line[:200]
    return ""


def has_article(con: sqlite3.Connection, article_id: str) -> bool:
    return con.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() \
        is not None


def has_other_version(con: sqlite3.Connection, source: str, article_id: str) -> bool:
    """Whether ``source`` is stored with another text than ``article_id``'s."""
    return con.execute("SELECT 1 FROM articles WHERE source = ? AND id != ?",
                       (source, article_id)).fetchone() is not None


def prepare(article: Article, date: str | None, places: list[dict]) -> dict:
    """The rows one article adds to the store, as plain JSON-able values.

    Done apart from :func:`write_batch` so parallel workers can do it and the single writer
    only inserts.
    """
    aid = content_hash(article.text)
    cols = [n for n, _ in PLACE_COLUMNS]
    rows = []
    for p in places:
        row = store_row(p, {"article_id": aid, "source": article.source, "article_date": date})
        rows.append([plain(row[c]) for c in cols])
    # a page's own title names it better than its first line, often a menu or a byline
    title = article.title or _title(article.text)
    return {"id": aid, "article": [aid, article.source, date, title, article.site,
                                   article.url, article.text, len(places)], "places": rows}


def write_batch(con: sqlite3.Connection, batch: list[dict], keep_versions: bool = False
                ) -> list[bool]:
    """Insert :func:`prepare`-d articles in one transaction, all or none; for each, whether
    it was new (False: already stored). One commit per batch, not per article: a commit
    costs more than an article's rows.

    A new text from a source already stored (a file edited since) replaces the older
    version and its places, unless ``keep_versions``: two versions of one report would count
    its casualties twice.
    """
    cols = [n for n, _ in PLACE_COLUMNS]
    ilon, ilat = cols.index("lon"), cols.index("lat")
    out = []
    with _transaction(con):
        for prepared in batch:
            if has_article(con, prepared["id"]):
                out.append(False)
                continue
            aid, source, date, title, site, url, text, n = prepared["article"]
            if not keep_versions:
                _drop_versions(con, source)
            con.execute(
                "INSERT INTO articles (id, source, date, title, site, url, text, ingested_at, "
                "n_places) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (aid, source, date, title, site, url, text,
                 time.strftime("%Y-%m-%dT%H:%M:%S"), n))
            con.executemany(
                f"INSERT INTO places (geom, {', '.join(cols)}) "
                f"VALUES (?, {', '.join('?' * len(cols))})",
                ([_gpkg_point(r[ilon], r[ilat]), *r] for r in prepared["places"]))
            out.append(True)
        if any(out):
            _touch_contents(con)
    return out


def _drop_versions(con: sqlite3.Connection, source: str) -> None:
    """Delete the stored versions of ``source`` (in the caller's transaction)."""
    old = [r[0] for r in con.execute("SELECT id FROM articles WHERE source = ?", (source,))]
    for aid in old:
        con.execute("DELETE FROM places WHERE article_id = ?", (aid,))
        con.execute("DELETE FROM articles WHERE id = ?", (aid,))


class _transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT`` (``ROLLBACK`` on any error)."""

    def __init__(self, con: sqlite3.Connection):
        self.con = con

    def __enter__(self):
        self.con.execute("BEGIN IMMEDIATE")
        return self.con

    def __exit__(self, exc_type, exc, tb):
        self.con.execute("ROLLBACK" if exc_type else "COMMIT")
        return False


def plain(v):
    """A NumPy scalar as a Python one, NaN as None: what SQLite and JSON take."""
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, float) and v != v:
        return None
    return v


def _touch_contents(con: sqlite3.Connection) -> None:
    con.execute("UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now')")


def read_places(store: str | Path):
    """All stored places as a GeoDataFrame (EPSG:4326), each with its article's name
    (``article``), publication (``article_site``) and address (``article_url``); the last
    two missing (NaN, as pandas reads any NULL) when the article had none."""
    import geopandas as gpd

    path = Path(store)
    if not path.exists():
        raise FileNotFoundError(f"no store at {path}: run `map-app ingest` first")
    check_store(path)
    gdf = gpd.read_file(path, layer="places", engine="pyogrio")
    gdf = gdf.rename(columns=READ_RENAMES)
    # each place's article by name: its title, else its file's name (never a local path)
    with closing(connect(path)) as con:
        arts = con.execute("SELECT id, source, title, site, url FROM articles").fetchall()
    names = {aid: article_name(source, title) for aid, source, title, _, _ in arts}
    sites = {aid: site for aid, _, _, site, _ in arts}
    urls = {aid: url for aid, _, _, _, url in arts}
    for col, values in (("article", names), ("article_site", sites), ("article_url", urls)):
        gdf[col] = gdf["article_id"].map(values) if len(gdf) else []
    return gdf


def article_name(source: str | None, title: str | None) -> str:
    """How an article is named to users: its title, else the file name of its source (not
    the folders of the machine that read it)."""
    if title and title.strip():
        return title.strip()
    return Path(source or "").name or (source or "")


def article_text(store: str | Path, article_id: str) -> str | None:
    """The stored text of one article (None when there is none with that id)."""
    with closing(connect(store)) as con:
        row = con.execute("SELECT text FROM articles WHERE id = ?", (article_id,)).fetchone()
    return row[0] if row else None


def read_record(store: str | Path, article_id: str, start: int) -> tuple[dict, str]:
    """The record of the place stored at ``start`` in an article, and the article's text.

    Raises
    ------
    ValueError
        When no place is stored there.
    """
    cols = [c for c, _ in PLACE_COLUMNS]
    with closing(connect(store)) as con:
        row = con.execute(f"SELECT {', '.join(cols)} FROM places WHERE article_id = ? AND "
                          "start = ?", (article_id, start)).fetchone()
        text = con.execute("SELECT text FROM articles WHERE id = ?", (article_id,)).fetchone()
    if row is None or text is None:
        raise ValueError(f"no place at {start} in article {article_id}")
    return from_row(dict(zip(cols, row))), text[0]


def replace_record(store: str | Path, article_id: str, start: int, rec: dict,
                   chosen: bool = True) -> None:
    """Write a place's record over the stored one (a user's correction: ``chosen``), point
    and every column, in one transaction."""
    cols = [c for c, _ in PLACE_COLUMNS if c not in _KEEP_ON_REPLACE]
    with closing(connect(store)) as con, _transaction(con):
        ctx = con.execute("SELECT source, article_date FROM places WHERE article_id = ? AND "
                          "start = ?", (article_id, start)).fetchone()
        if ctx is None:
            raise ValueError(f"no place at {start} in article {article_id}")
        row = store_row(rec, {"article_id": article_id, "source": ctx[0],
                              "article_date": ctx[1]})
        row["chosen"] = int(chosen)
        con.execute(f"UPDATE places SET geom = ?, {', '.join(c + ' = ?' for c in cols)} "
                    "WHERE article_id = ? AND start = ?",
                    (_gpkg_point(rec["lon"], rec["lat"]), *(plain(row[c]) for c in cols),
                     article_id, start))
        _touch_contents(con)


# what a correction never changes: which article and where in it
_KEEP_ON_REPLACE = ("article_id", "source", "article_date", "start")
