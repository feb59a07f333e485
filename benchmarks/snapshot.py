"""``python -m benchmarks.snapshot``: a digest of what ``map-app parse`` writes, for checking
that a restructuring leaves the output byte-identical.

It parses the seed articles, the dev corpora of ``../shared/eval`` (GeoWebNews, TR-News, the
ukraine-events texts) and 1,000 generated articles, writes each document's JSON Line as
``map-app parse`` does, and prints one SHA-256 per set. Run it before and after a change::

    git stash; python -m benchmarks.snapshot > /tmp/before; git stash pop
    python -m benchmarks.snapshot > /tmp/after; diff /tmp/before /tmp/after

``--out DIR`` also keeps the lines, one file per set, to find where two runs differ.
"""
from __future__ import annotations

import argparse
import hashlib
import io
from collections.abc import Iterator
from pathlib import Path

from map_app.articles import Article, read_article
from map_app.cli import write_json_line
from map_app.evaluate import read_corpus, read_events
from map_app.pipeline import document_record
from tests.synthetic import make_articles

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"


def _sets(generated: int) -> Iterator[tuple[str, list[Article]]]:
    yield "seeds", [read_article(p) for p in sorted((ROOT / "seeds").iterdir())]
    for name in ("GeoWebNews", "TR-News"):
        texts = read_corpus(EVAL / name)[0]
        yield name, [Article(source=f"{name}/{k}", text=t) for k, t in enumerate(texts)]
    events = read_events(EVAL / "ukraine-events" / "events.csv")
    yield "ukraine-events", [Article(source=f"event/{k}", text=e.text)
                             for k, e in enumerate(events)]
    yield "generated", [Article(source=f"generated/{k}", text=t)
                        for k, t in enumerate(make_articles(generated))]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.snapshot")
    ap.add_argument("--generated", type=int, default=1000, help="generated articles")
    ap.add_argument("--out", type=Path, help="keep each set's JSON Lines in this folder")
    a = ap.parse_args(argv)
    if a.out:
        a.out.mkdir(parents=True, exist_ok=True)
    for name, arts in _sets(a.generated):
        buf = io.StringIO()
        for art in arts:
            write_json_line(document_record(art), buf)
        data = buf.getvalue().encode()
        if a.out:
            (a.out / f"{name}.jsonl").write_bytes(data)
        print(f"{name:15} {len(arts):5} documents  {hashlib.sha256(data).hexdigest()}")


if __name__ == "__main__":
    main()
