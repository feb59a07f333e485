"""Articles: read text files and folders of them, with their dates."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

_DATE_LINE = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b", re.I)
# Larger inputs are refused: no news article comes close, and 20 MB still parses in seconds.
MAX_BYTES = 50_000_000


class ArticleError(ValueError):
    """An input that cannot be read as an article (one-line message)."""


@dataclass
class Article:
    """One input document; ``warnings`` says what was repaired on reading."""

    source: str
    text: str
    date: str | None = None
    warnings: tuple[str, ...] = ()


def decode(data: bytes, source: str = "input") -> tuple[str, tuple[str, ...]]:
    """Bytes → text: UTF-8 (with or without BOM); anything else decoded with replacement
    characters, and said so. Binary data (NUL bytes) and empty input are refused."""
    if not data.strip():
        raise ArticleError(f"{source}: empty file")
    if b"\x00" in data[:8192]:
        raise ArticleError(f"{source}: binary file, not text")
    try:
        return data.decode("utf-8-sig"), ()
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", errors="replace")
        return text, (f"{source}: not valid UTF-8 (first bad byte at {exc.start}); "
                      "undecodable bytes replaced with U+FFFD",)


def expand_paths(paths) -> list[Path]:
    """Files named and every file in folders named (sorted by name), in input order."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(q for q in p.iterdir() if q.is_file() and not q.name.startswith(".")))
        else:
            out.append(p)
    return out


_BLOCK = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr",
          "section", "article", "header", "footer", "blockquote", "figcaption", "title"}
_META_DATE = re.compile(
    r"<meta[^>]+(?:property|name|itemprop)=[\"'](?:article:published_time|datePublished|date|"
    r"pubdate|publishdate|og:published_time|dc\.date)[\"'][^>]*content=[\"'](\d{4}-\d{2}-\d{2})",
    re.I)


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "noscript", "template", "svg"):
            self.skip += 1
        elif tag in _BLOCK:
            self.out.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "noscript", "template", "svg"):
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK:
            self.out.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.out.append(data)


def article_date(text: str) -> date | None:
    """The article's date: a first line ``date YYYY-MM-DD`` or an HTML ``<meta>`` date."""
    m = _DATE_LINE.match(text) or _META_DATE.search(text[:20000])
    if not m:
        return None
    try:
        return date.fromisoformat(m.group(1))
    except ValueError:
        return None


def looks_like_html(text: str) -> bool:
    head = text[:2000].lower()
    return "<html" in head or "<!doctype html" in head or "<body" in head or "<p>" in head


def html_to_text(html: str) -> str:
    """Visible text of an HTML page: script and style dropped, blocks on their own lines."""
    p = _Text()
    p.feed(html)
    p.close()
    text = "".join(p.out)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    return re.sub(r"\n\s*\n+", "\n\n", text).strip()


def article_from_text(text: str, source: str) -> Article:
    """An article from raw text or HTML (the date from a ``date`` line or a <meta> tag)."""
    if looks_like_html(text):
        m = _META_DATE.search(text)
        body = html_to_text(text)
        return Article(source=source, text=body, date=m.group(1) if m else None)
    m = _DATE_LINE.match(text)
    return Article(source=source, text=text, date=m.group(1) if m else None)


def read_article(path: Path) -> Article:
    """Read one UTF-8 text or HTML file; a first line ``date YYYY-MM-DD`` gives the date.

    Raises
    ------
    ArticleError
        Missing, unreadable, empty, binary or oversized files (one-line messages).
    """
    path = Path(path)
    if not path.exists():
        raise ArticleError(f"{path}: no such file")
    if path.is_dir():
        raise ArticleError(f"{path}: is a folder")
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ArticleError(f"{path}: {size / 1e6:.0f} MB is over the "
                               f"{MAX_BYTES / 1e6:.0f} MB limit")
        data = path.read_bytes()
    except OSError as exc:
        raise ArticleError(f"{path}: {exc.strerror or exc}") from None
    text, warnings = decode(data, str(path))
    art = article_from_text(text, str(path))
    art.warnings = warnings
    return art
