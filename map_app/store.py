"""The store: articles and their places in a GeoPackage (opens in QGIS).

Layers: ``articles`` (attribute table: id = SHA-256 of the text, source, date, text) and
``places`` (points, EPSG:4326, one row per place mention, flat fields plus JSON for the
runners-up and the claim). The layers are created once by GDAL (through pyogrio), then every
article is written with SQLite in one transaction: a crash leaves whole articles only, and
re-ingesting an article already stored changes nothing.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import os
import sqlite3
import struct
import tempfile
import time
from contextlib import closing
from pathlib import Path

import numpy as np

from .articles import Article

DEFAULT_STORE = "map_app.gpkg"

# (name, SQLite type) of the places layer's fields, after the geometry.
PLACE_COLUMNS = [
    ("article_id", "TEXT"), ("source", "TEXT"), ("article_date", "TEXT"), ("place", "TEXT"),
    ("text", "TEXT"), ("start", "INTEGER"), ("end_", "INTEGER"), ("quote", "TEXT"),
    ("lat", "REAL"), ("lon", "REAL"), ("geonameid", "INTEGER"), ("entry", "TEXT"),
    ("feature_code", "TEXT"), ("kind", "TEXT"), ("country_code", "TEXT"), ("admin1", "TEXT"),
    ("score", "REAL"), ("role", "TEXT"), ("event_type", "TEXT"), ("event_category", "TEXT"),
    ("killed", "INTEGER"), ("wounded", "INTEGER"), ("event_date", "TEXT"),
    ("distance_to_border_km", "REAL"), ("nearest_border", "TEXT"), ("claim_verdict", "TEXT"),
    ("claim_json", "TEXT"), ("alternatives_json", "TEXT"), ("chosen", "INTEGER"),
]
ARTICLE_COLUMNS = [("id", "TEXT"), ("source", "TEXT"), ("date", "TEXT"), ("title", "TEXT"),
                   ("text", "TEXT"), ("ingested_at", "TEXT"), ("n_places", "INTEGER")]


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
    return con


def _title(text: str) -> str:
    for line in text.splitlines():
        line = line.strip()
        if line and not line.lower().startswith("date "):
            return line[:200]
    return ""


def _quote(text: str, start: int, end: int, width: int = 160) -> str:
    """The sentence-ish window around a mention."""
    lo = max(0, text.rfind("\n", 0, start) + 1, start - width)
    hi = min(len(text), end + width)
    nl = text.find("\n", end)
    if 0 <= nl < hi:
        hi = nl
    return text[lo:hi].strip()


def has_article(con: sqlite3.Connection, article_id: str) -> bool:
    return con.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() \
        is not None


def prepare(article: Article, date: str | None, places: list[dict]) -> dict:
    """The rows one article adds to the store, as plain JSON-able values.

    Done apart from :func:`write_rows` so parallel workers can do it and the single writer
    only inserts.
    """
    aid = content_hash(article.text)
    cols = [n for n, _ in PLACE_COLUMNS]
    rows = []
    for p in places:
        claim = p.get("claim")
        row = {
            "article_id": aid, "source": article.source, "article_date": date,
            "place": p["name"], "text": p["text"], "start": p["start"], "end_": p["end"],
            "quote": _quote(article.text, p["start"], p["end"]), "lat": p["lat"],
            "lon": p["lon"], "geonameid": p.get("geonameid"), "entry": p.get("entry"),
            "feature_code": p.get("feature_code"), "kind": p.get("kind"),
            "country_code": p.get("country_code"), "admin1": p.get("admin1"),
            "score": p.get("score"), "role": p.get("role"),
            "event_type": p.get("event_type"), "event_category": p.get("event_category"),
            "killed": p.get("killed"), "wounded": p.get("wounded"),
            "event_date": p.get("event_date"),
            "distance_to_border_km": p.get("distance_to_border_km"),
            "nearest_border": p.get("nearest_border"),
            "claim_verdict": claim["verdict"] if claim else None,
            "claim_json": json.dumps(claim, ensure_ascii=False) if claim else None,
            "alternatives_json": json.dumps(p.get("alternatives") or [], ensure_ascii=False),
            "chosen": 0,
        }
        rows.append([_plain(row[c]) for c in cols])
    return {"id": aid, "article": [aid, article.source, date, _title(article.text),
                                   article.text, len(places)], "places": rows}


def write_rows(con: sqlite3.Connection, prepared: dict, keep_versions: bool = False) -> bool:
    """Insert one :func:`prepare`-d article in one transaction (False: already stored)."""
    return write_batch(con, [prepared], keep_versions)[0]


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
            aid, source, date, title, text, n = prepared["article"]
            if not keep_versions:
                _drop_versions(con, source)
            con.execute(
                "INSERT INTO articles (id, source, date, title, text, ingested_at, n_places) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (aid, source, date, title, text, time.strftime("%Y-%m-%dT%H:%M:%S"), n))
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


def write_article(con: sqlite3.Connection, article: Article, date: str | None,
                  places: list[dict], keep_versions: bool = False) -> bool:
    """Store one analysed article and its places in one transaction.

    Returns False (and writes nothing) when the same text is already stored; an older text
    of the same source is replaced unless ``keep_versions`` (see :func:`write_batch`).
    """
    return write_rows(con, prepare(article, date, places), keep_versions)


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


def _plain(v):
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, float) and v != v:
        return None
    return v


def _touch_contents(con: sqlite3.Connection) -> None:
    con.execute("UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now')")


def _analyse_one(path: str, view: str, art: Article | None = None
                 ) -> tuple[str, dict | None, str | None]:
    """Read (unless ``art`` is given), analyse and prepare one file (runs in a worker):
    (path, rows, error)."""
    from .articles import ArticleError, read_article
    from .pipeline import document_record

    if art is None:
        try:
            art = read_article(Path(path))
        except ArticleError as exc:
            return path, None, str(exc)
    rec = document_record(art, view=view)
    return path, prepare(art, rec["date"], rec["places"]), None


def _analyse_batch(paths: list[str], view: str) -> str:
    """A partition's prepared rows as one JSON string: far cheaper for Dask to move than
    pickled records, and the writer has only to insert them."""
    return json.dumps([_analyse_one(p, view) for p in paths], ensure_ascii=False,
                      default=_plain)


def _analyse_and_store(paths: list[str], view: str, store: str, keep_versions: bool = False
                       ) -> list[tuple]:
    """Analyse a partition and write it to ``store`` in one transaction, in the worker: for
    workers on the store's machine, this spares sending every row to one writer and
    decoding it there. Returns ``(path, new, error)`` per file (``new``: stored now)."""
    results = [_analyse_one(p, view) for p in paths]
    ok = [r for r in results if r[2] is None]
    with closing(connect(store)) as con:  # concurrent writers queue on the write lock
        new = iter(write_batch(con, [rows for _, rows, _ in ok], keep_versions) if ok
                   else ())
    return [(path, None, error) if error else (path, next(new), None)
            for path, _, error in results]


def ingest(paths, store: str | Path = DEFAULT_STORE, view: str = "de_jure",
           on_error=None, on_warning=None, workers: int = 0, scheduler: str | None = None,
           partition_size: int = 8, keep_versions: bool = False) -> dict:
    """Geoparse and store every article in ``paths`` (files or folders).

    Parameters
    ----------
    paths : iterable of path-like
    store : path-like
        The GeoPackage (created when missing).
    view : {"de_jure", "de_facto"}
    on_error : callable, optional
        Called as ``on_error(path, message)`` for each file that cannot be read.
    on_warning : callable, optional
        Called as ``on_warning(path, message)`` for what was repaired or flagged on reading
        (bad bytes, an impossible or implausible date); the file is stored.
    workers : int
        With N > 0, geoparse partitions of articles in parallel on a Dask
        ``LocalCluster`` of N single-threaded worker processes. Workers on this machine
        write their partitions to the store themselves (one transaction each; writers queue
        on SQLite's lock); remote workers send their rows to this process, which writes them.
    scheduler : str, optional
        Address of an existing Dask scheduler (``tcp://HOST:PORT``) to use instead.
    partition_size : int
        Articles per Dask task.
    keep_versions : bool
        Keep an older text of a source when a new one is stored (default: replace it).

    Returns
    -------
    dict
        ``{"stored": n, "unchanged": n, "replaced": n, "failed": [(path, message), …],
        "warnings": [message, …]}``; ``replaced`` counts the stored articles that replaced
        an older text of their source.
    """
    from .articles import ArticleError, expand_paths, read_article

    stats: dict = {"stored": 0, "unchanged": 0, "replaced": 0, "failed": [], "warnings": []}
    files = [str(p) for p in expand_paths(paths)]
    with closing(connect(store)) as con:
        def keep(results):
            """Store a batch of (path, rows, error) in one transaction; rows already
            written by a worker come as True (stored) or False (already there)."""
            batch = []
            for path, rows, error in results:
                if error:
                    stats["failed"].append((path, error))
                    if on_error:
                        on_error(path, error)
                elif isinstance(rows, bool):
                    stats["stored" if rows else "unchanged"] += 1
                else:
                    batch.append(rows)
            for new in write_batch(con, batch, keep_versions) if batch else ():
                stats["stored" if new else "unchanged"] += 1

        # an article already stored is not analysed again
        def read_new(f: str):
            """(article, error) of a file not stored yet; (None, None) when stored."""
            try:
                art = read_article(Path(f))
            except ArticleError as exc:
                return None, str(exc)
            stats["warnings"].extend(art.warnings)
            if on_warning:
                for w in art.warnings:
                    on_warning(f, w)
            aid = content_hash(art.text)
            if has_article(con, aid):
                stats["unchanged"] += 1
                return None, None
            if not keep_versions and con.execute(
                    "SELECT 1 FROM articles WHERE source = ? AND id != ?",
                    (art.source, aid)).fetchone():
                stats["replaced"] += 1
            return art, None

        if workers or scheduler:
            def todo():
                for f in files:
                    art, error = read_new(f)
                    if error:
                        keep([(f, None, error)])
                    elif art is not None:
                        yield f  # the workers read it again: paths travel, not texts

            new = todo()
            first = next(new, None)
            if first is not None:  # no cluster for a folder that is all stored already
                for results in _dask_results(itertools.chain([first], new), view, workers,
                                             scheduler, partition_size, Path(store),
                                             keep_versions):
                    keep(results)  # a partition: one transaction
        else:
            for f in files:
                art, error = read_new(f)
                if error:
                    keep([(f, None, error)])
                elif art is not None:
                    keep([_analyse_one(f, view, art)])
    return stats


# A worker's own housekeeping shares its GIL with the task: the sampling profiler, the 20 ms
# event-loop tick and the dashboard's system monitor cost a few per cent of every task, and a
# batch job needs none of them at that rate. (Memory is still checked every second.)
WORKER_CONFIG = {"distributed.worker.profile.enabled": False,
                 "distributed.admin.tick.interval": "1s",
                 "distributed.admin.system-monitor.interval": "5s",
                 "distributed.worker.memory.monitor-interval": "1s"}


def _local_workers(client) -> bool:
    """Whether every worker of ``client`` runs on this machine (and so sees the store)."""
    import socket
    from urllib.parse import urlparse

    here = {"127.0.0.1", "::1", "localhost", socket.gethostname(), socket.getfqdn()}
    try:
        here.update(socket.gethostbyname_ex(socket.gethostname())[2])
    except OSError:
        pass
    workers = client.scheduler_info().get("workers", {})
    return bool(workers) and all(urlparse(a).hostname in here for a in workers)


def _dask_results(files, view: str, workers: int, scheduler: str | None,
                  partition_size: int, store: Path | None = None, keep_versions: bool = False):
    """Analyse partitions of ``files`` on Dask and yield each partition's results (a list
    of ``(path, rows, error)``) as it finishes. Workers on this machine write their
    partitions to ``store`` themselves (then ``rows`` is True or False: stored now or
    already there); remote workers send the rows back to this process."""
    import dask
    from dask.distributed import Client, LocalCluster, as_completed

    dask.config.set(WORKER_CONFIG)
    cluster = None
    if scheduler:
        client = Client(scheduler, timeout="30s")
    else:
        cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1,
                               processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        # submit each partition as soon as it is full: the workers start while this process
        # is still checking which files are new
        write_there = store is not None and _local_workers(client)

        def submit(part):
            if write_there:
                return client.submit(_analyse_and_store, part, view=view,
                                     store=str(store.resolve()), keep_versions=keep_versions,
                                     pure=False)
            return client.submit(_analyse_batch, part, view=view, pure=False)

        futures, part = [], []
        for f in files:
            part.append(f)
            if len(part) == partition_size:
                futures.append(submit(part))
                part = []
        if part:
            futures.append(submit(part))
        for fut in as_completed(futures):
            result = fut.result()
            yield result if write_there else json.loads(result)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def read_places(store: str | Path):
    """All stored places as a GeoDataFrame (EPSG:4326)."""
    import geopandas as gpd

    path = Path(store)
    if not path.exists():
        raise FileNotFoundError(f"no store at {path}: run `map-app ingest` first")
    check_store(path)
    gdf = gpd.read_file(path, layer="places", engine="pyogrio")
    return gdf.rename(columns={"end_": "end"})


def choose(store: str | Path, article_id: str, start: int, alternative: dict) -> None:
    """Replace the pick of one place mention by a runner-up (a user's correction)."""
    with closing(connect(store)) as con, _transaction(con):
        row = con.execute("SELECT alternatives_json, place, lat, lon, score FROM places "
                          "WHERE article_id = ? AND start = ?", (article_id, start)).fetchone()
        if row is None:
            raise ValueError(f"no place at {start} in article {article_id}")
        alts = json.loads(row[0] or "[]")
        old = {"name": row[1], "lat": row[2], "lon": row[3], "score": row[4]}
        alts = [a for a in alts if a.get("name") != alternative["name"]
                or a.get("lat") != alternative["lat"]] + [old]
        con.execute("UPDATE places SET place = ?, lat = ?, lon = ?, geom = ?, entry = ?, "
                    "geonameid = NULL, alternatives_json = ?, chosen = 1 "
                    "WHERE article_id = ? AND start = ?",
                    (alternative["name"], alternative["lat"], alternative["lon"],
                     _gpkg_point(alternative["lon"], alternative["lat"]),
                     alternative.get("id"), json.dumps(alts, ensure_ascii=False),
                     article_id, start))
        _touch_contents(con)
