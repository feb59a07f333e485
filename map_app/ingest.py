"""Ingest: read articles, analyse them and write them to a store, serially or on Dask.

The one way articles reach a store: ``map-app ingest``, the app's startup folder and its
uploads and pastes all come through :func:`ingest` or :func:`ingest_articles`; a user's
correction of a pick through :func:`correct`. :mod:`map_app.store` only stores;
:mod:`map_app.pipeline` only analyses.
"""
from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable
from contextlib import closing, contextmanager
from pathlib import Path

from ._paths import default_store
from .articles import Article, ArticleError, expand_paths, read_article
from .control import load_control
from .pipeline import correct as corrected
from .pipeline import document_record, read_collection, read_together
from .places import Collection
from .references import load_reference
from .store import (
    connect,
    content_hash,
    has_article,
    has_other_version,
    plain,
    prepare,
    read_record,
    replace_record,
    write_batch,
)


def analyse_file(path: str, view: str, art: Article | None = None,
                 progress: Callable[[float], None] | None = None, control: str | None = None,
                 references: tuple[str, ...] = ()) -> tuple[str, dict | None, str | None]:
    """Read (unless ``art`` is given), analyse and prepare one file (runs in a worker):
    ``(path, rows, error)``, the rows as :func:`map_app.store.prepare` makes them
    (``progress``: as for :func:`map_app.pipeline.analyse`)."""
    return _read_file(path, view, art, progress, control, references)[:3]


def _read_file(path: str, view: str, art: Article | None = None,
               progress: Callable[[float], None] | None = None, control: str | None = None,
               references: tuple[str, ...] = (), collection: Collection | None = None
               ) -> tuple[str, dict | None, str | None, list[dict]]:
    """:func:`analyse_file`'s ``(path, rows, error)`` and the place records, read in the
    light of ``collection`` if one is given."""
    if art is None:
        try:
            art = read_article(Path(path))
        except ArticleError as exc:
            return path, None, str(exc), []
    layer = load_control(control) if control else None
    refs = tuple(load_reference(r) for r in references)
    rec = document_record(art, view=view, progress=progress, control=layer, references=refs,
                          collection=collection)
    return path, prepare(art, rec["date"], rec["places"]), None, rec["places"]


def _analyse_batch(paths: list[str], view: str, control: str | None = None,
                   references: tuple[str, ...] = (), collection: Collection | None = None,
                   evidence: bool = False) -> str:
    """A partition's prepared rows as one JSON string: far cheaper for Dask to move than
    pickled records, and the writer has only to insert them. With ``evidence``, each
    file's ``(path, rows, error)`` carries what a collection reads of its records
    (:meth:`map_app.places.Collection.evidence`) as a fourth item."""
    out = []
    for p in paths:
        path, rows, error, places = _read_file(p, view, control=control,
                                               references=references, collection=collection)
        out.append((path, rows, error, Collection.evidence(places)) if evidence
                   else (path, rows, error))
    return json.dumps(out, ensure_ascii=False, default=plain)


def _analyse_and_store(paths: list[str], view: str, store: str, keep_versions: bool = False,
                       control: str | None = None, references: tuple[str, ...] = ()
                       ) -> list[tuple]:
    """Analyse a partition and write it to ``store`` in one transaction, in the worker: for
    workers on the store's machine, this spares sending every row to one writer and
    decoding it there. Returns ``(path, new, error)`` per file (``new``: stored now)."""
    results = [analyse_file(p, view, control=control, references=references) for p in paths]
    # rows are None exactly when there is an error
    ok = [rows for _, rows, error in results if error is None and rows is not None]
    with closing(connect(store)) as con:  # concurrent writers queue on the write lock
        new = iter(write_batch(con, ok, keep_versions) if ok else ())
    return [(path, None, error) if error else (path, next(new), None)
            for path, _, error in results]


def ingest(paths, store: str | Path | None = None, view: str = "de_jure",
           on_error=None, on_warning=None, workers: int = 0, scheduler: str | None = None,
           partition_size: int = 8, keep_versions: bool = False,
           control: str | None = None, references: tuple[str, ...] = (),
           collection: bool = False) -> dict:
    """Geoparse and store every article in ``paths`` (files or folders).

    Parameters
    ----------
    paths : iterable of path-like
    store : path-like, optional
        The GeoPackage (created when missing; default: :func:`map_app._paths.default_store`).
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
    collection : bool
        Read the new articles as one collection (:func:`map_app.pipeline.read_collection`):
        where one leaves two namesakes level, the others' sure places choose. All are read
        before any is stored, by this process (on workers too: with ``workers`` or
        ``scheduler``, each is read alone on them, the collection made here, and the few
        texts it may read otherwise read again on them).

    Returns
    -------
    dict
        ``{"stored": n, "unchanged": n, "replaced": n, "failed": [(path, message), …],
        "warnings": [message, …]}``; ``replaced`` counts the stored articles that replaced
        an older text of their source.
    """
    control = str(Path(control).resolve()) if control else None  # for workers
    references = tuple(_absolute(r) for r in references)
    store = Path(store or default_store())
    files = [str(p) for p in expand_paths(paths)]
    with closing(connect(store)) as con:
        run = _Run(con, keep_versions, on_error, on_warning)
        if workers or scheduler:
            new = run.new_files(files)
            first = next(new, None)
            if first is not None:  # no cluster for a folder that is all stored already
                with _client(workers, scheduler) as client:
                    if collection:
                        run.keep(_dask_collection(client, [first, *new], view,
                                                  partition_size, control, references))
                    else:
                        for results in _dask_results(
                                client, itertools.chain([first], new), view, partition_size,
                                store, keep_versions, control, references):
                            run.keep(results)  # a partition: one transaction
        elif collection:
            new = [(f, art) for f in files if (art := run.read_new(f)) is not None]
            run.keep(_analyse_collection(new, view, control, references))
        else:
            for f in files:
                art = run.read_new(f)
                if art is not None:
                    run.keep([analyse_file(f, view, art, control=control,
                                           references=references)])
    return run.stats


def _analyse_collection(new: list[tuple[str, Article]], view: str, control: str | None,
                        references: tuple[str, ...],
                        progress: Callable[[float], None] | None = None
                        ) -> list[tuple[str, dict | None, str | None]]:
    """Analyse and prepare articles read together (``(path, article)`` each), as
    :func:`analyse_file` does one; ``progress`` is called after each reading with the share
    of the first readings done (the second readings, of the few texts a collection may read
    otherwise, come after it reaches 1)."""
    done = [0]

    def read(item: tuple[str, Article], collection: Collection | None) -> tuple:
        path, art = item
        path, rows, error, places = _read_file(path, view, art, control=control,
                                               references=references, collection=collection)
        done[0] += 1
        if progress is not None:
            progress(min(1.0, done[0] / len(new)))
        return path, rows, error, Collection.evidence(places)  # the records not kept twice

    return [r[:3] for r in read_together(new, read, lambda r: r[3])]


def _dask_collection(client, files: list[str], view: str, partition_size: int,
                     control: str | None, references: tuple[str, ...]
                     ) -> list[tuple[str, dict | None, str | None]]:
    """:func:`_analyse_collection` of files on Dask: the workers read each file alone and
    send back its rows and what a collection reads of its records; the collection is made
    here and sent to them once to read the few files it may read otherwise again."""
    def read_many(paths: list[str], collection: Collection | None) -> list[tuple]:
        got: dict[str, tuple] = {}
        for results in _dask_results(client, paths, view, partition_size, control=control,
                                     references=references, collection=collection,
                                     evidence=True):
            got.update((r[0], r) for r in results)
        return [got[p] for p in paths]

    return [tuple(r[:3]) for r in read_collection(files, read_many, lambda r: r[3])]


class _Run:
    """One ingest's tally and its writes to the open store."""

    def __init__(self, con, keep_versions: bool, on_error=None, on_warning=None):
        self.con, self.keep_versions = con, keep_versions
        self.on_error, self.on_warning = on_error, on_warning
        self.stats: dict = {"stored": 0, "unchanged": 0, "replaced": 0, "failed": [],
                            "warnings": []}

    def fail(self, path: str, error: str) -> None:
        self.stats["failed"].append((path, error))
        if self.on_error:
            self.on_error(path, error)

    def keep(self, results) -> None:
        """Store a batch of ``(path, rows, error)`` in one transaction; rows already
        written by a worker come as True (stored) or False (already there)."""
        batch = []
        for path, rows, error in results:
            if error:
                self.fail(path, error)
            elif isinstance(rows, bool):
                self.stats["stored" if rows else "unchanged"] += 1
            else:
                batch.append(rows)
        for new in write_batch(self.con, batch, self.keep_versions) if batch else ():
            self.stats["stored" if new else "unchanged"] += 1

    def read_new(self, path: str) -> Article | None:
        """The article of a file not stored yet (None when it is, or cannot be read): an
        article already stored is not analysed again."""
        try:
            art = read_article(Path(path))
        except ArticleError as exc:
            self.fail(path, str(exc))
            return None
        self.stats["warnings"].extend(art.warnings)
        for w in art.warnings if self.on_warning else ():
            self.on_warning(path, w)
        return art if self.is_new(art) else None

    def is_new(self, art: Article) -> bool:
        """Whether ``art`` is not stored yet (counted as unchanged when it is, and as
        replacing an older version when its source is stored with another text)."""
        aid = content_hash(art.text)
        if has_article(self.con, aid):
            self.stats["unchanged"] += 1
            return False
        if not self.keep_versions and has_other_version(self.con, art.source, aid):
            self.stats["replaced"] += 1
        return True

    def new_files(self, files: list[str]):
        """The files not stored yet, for workers: paths travel, not texts (they read them
        again)."""
        for f in files:
            if self.read_new(f) is not None:
                yield f


def ingest_articles(articles: Iterable[Article], store: str | Path | None = None,
                    view: str = "de_jure", keep_versions: bool = False,
                    control: str | None = None,
                    progress: Callable[[float], None] | None = None,
                    collection: bool = False) -> dict:
    """Analyse and store articles already read (uploads, pastes), one transaction each.

    Parameters
    ----------
    articles : iterable of Article
    store : path-like, optional
        The GeoPackage (default: :func:`map_app._paths.default_store`).
    view : {"de_jure", "de_facto"}
    keep_versions : bool
        As for :func:`ingest`.
    progress : callable, optional
        Called with the share of the work done (0–1) after each chunk of each article: an
        exception it raises (Streamlit's, when the browser session has ended) stops the
        ingest, and the article under way is not stored.
    collection : bool
        Read the new articles as one collection (as :func:`ingest`), stored in one
        transaction once all are read.

    Returns
    -------
    dict
        As :func:`ingest` returns.
    """
    arts = list(articles)
    with closing(connect(store or default_store())) as con:
        run = _Run(con, keep_versions)
        if collection:
            new = [(art.source, art) for art in arts if run.is_new(art)]
            if new:
                run.keep(_analyse_collection(new, view, control, (), progress))
            elif progress is not None:
                progress(1.0)
            return run.stats
        for k, art in enumerate(arts):
            def done(share: float, k: int = k) -> None:
                if progress is not None:
                    progress((k + share) / len(arts))

            if run.is_new(art):
                run.keep([analyse_file(art.source, view, art, done, control)])
            else:
                done(1.0)
    return run.stats


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


@contextmanager
def _client(workers: int, scheduler: str | None):
    """A Dask client: of the scheduler at ``scheduler``, else of a ``LocalCluster`` of
    ``workers`` single-threaded processes, closed on leaving."""
    import dask
    from dask.distributed import Client, LocalCluster

    dask.config.set(WORKER_CONFIG)
    cluster = None
    if scheduler:
        client = Client(scheduler, timeout="30s")
    else:
        cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1,
                               processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _dask_results(client, files, view: str, partition_size: int, store: Path | None = None,
                  keep_versions: bool = False, control: str | None = None,
                  references: tuple[str, ...] = (), collection: Collection | None = None,
                  evidence: bool = False):
    """Analyse partitions of ``files`` on Dask and yield each partition's results (a list
    of ``(path, rows, error)``) as it finishes. Workers on this machine write their
    partitions to ``store`` themselves (then ``rows`` is True or False: stored now or
    already there); remote workers send the rows back to this process. With ``evidence``
    (a collection's readings, the second in the light of ``collection``), nothing is
    written: each result carries what a collection reads of its records
    (:func:`_analyse_batch`)."""
    from dask.distributed import as_completed

    # submit each partition as soon as it is full: the workers start while this process
    # is still checking which files are new
    write_there = store is not None and not evidence and _local_workers(client)
    # the collection is sent to each worker once, not with every partition
    coll = client.scatter(collection, broadcast=True) if collection is not None else None

    def submit(part):
        if write_there:
            return client.submit(_analyse_and_store, part, view=view,
                                 store=str(store.resolve()), keep_versions=keep_versions,
                                 control=control, references=references, pure=False)
        return client.submit(_analyse_batch, part, view=view, control=control,
                             references=references, collection=coll,
                             evidence=evidence, pure=False)

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


def correct(store: str | Path, article_id: str, start: int, entry: str,
            view: str = "de_jure") -> dict:
    """Replace the pick of the place stored at ``start`` in an article by gazetteer ``entry``
    (a runner-up's ``id``), every derived field computed again
    (:func:`map_app.pipeline.correct`), and store it marked as the user's; returns the new
    record.

    Raises
    ------
    ValueError
        When no place is stored there, or the entry is unknown.
    """
    rec, text = read_record(store, article_id, start)
    new = corrected(rec, entry, text, view=view)
    replace_record(store, article_id, start, new)
    return new


def _absolute(spec: str) -> str:
    """A ``NAME=FILE`` reference spec with an absolute path, for workers elsewhere."""
    name, _, file = spec.partition("=")
    return f"{name}={Path(file.strip()).resolve()}" if file.strip() else spec
