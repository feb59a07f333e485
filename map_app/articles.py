"""Articles: read text files and folders of them, with their dates."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_DATE_LINE = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b", re.I)


@dataclass
class Article:
    """One input document."""

    source: str
    text: str
    date: str | None = None


def expand_paths(paths) -> list[Path]:
    """Files named and every file in folders named (sorted by name), in input order."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(q for q in p.iterdir() if q.is_file() and not q.name.startswith(".")))
        else:
            out.append(p)
    return out


def read_article(path: Path) -> Article:
    """Read one UTF-8 text file; a first line ``date YYYY-MM-DD`` gives the article date."""
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    m = _DATE_LINE.match(text)
    return Article(source=str(path), text=text, date=m.group(1) if m else None)


def read_articles(paths) -> list[Article]:
    """Read every article in ``paths`` (files or folders)."""
    return [read_article(p) for p in expand_paths(paths)]
