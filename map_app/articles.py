"""Articles: read text files and folders of them, with their dates."""
from __future__ import annotations

import codecs
import re
import stat
from dataclasses import dataclass
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

_DATE_LINE = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b", re.I)
# News about the wars we map is not older than this; a date before it is a typo or a default.
EARLIEST_YEAR = 1900
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
    title: str | None = None  # an HTML page's og:title, else its <title>
    site: str | None = None   # the publication: og:site_name
    url: str | None = None    # the canonical http(s) address, else og:url


# Byte-order marks, longest first (UTF-32 LE starts with UTF-16 LE's mark).
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def decode(data: bytes, source: str = "input") -> tuple[str, tuple[str, ...]]:
    """Bytes → text: UTF-8 (with or without BOM), UTF-16 or UTF-32 with a BOM; anything else
    decoded with replacement characters, and said so. Binary data (NUL bytes) and empty input
    are refused."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            # UTF-16/32 text is full of NUL bytes: its BOM, not the NUL test, decides
            text = data[len(bom):].decode(codec, errors="replace")
            if not text.strip():
                raise ArticleError(f"{source}: empty file")
            bad = "\ufffd" in text
            return text, ((f"{source}: not valid {codec.upper()}; undecodable bytes "
                           "replaced with U+FFFD",) if bad else ())
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
    """Files named and every file in folders named (sorted by name), in input order.

    A folder that cannot be listed stays in the list as itself: reading it then fails with
    a one-line message, and the batch goes on.
    """
    out: list[Path] = []
    for p in map(Path, paths):
        try:
            if p.is_dir():
                out.extend(sorted(q for q in p.iterdir()
                                  if q.is_file() and not q.name.startswith(".")))
                continue
        except OSError:
            pass
        out.append(p)
    return out


_BLOCK = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr",
          "section", "article", "header", "footer", "blockquote", "figcaption", "title"}
_META_DATE = re.compile(
    r"<meta[^>]+(?:property|name|itemprop)=[\"'](?:article:published_time|datePublished|date|"
    r"pubdate|publishdate|og:published_time|dc\.date)[\"'][^>]*content=[\"'](\d{4}-\d{2}-\d{2})",
    re.I)


# Longest title and site name kept: popups show a line, not a paragraph.
MAX_TITLE = 200
# Longer addresses are dropped, not cut: a cut URL leads somewhere else.
MAX_URL = 2000
_SKIP = ("script", "style", "noscript", "template", "svg")
_NOT_IN_URL = frozenset('"<>\\`\x7f')


class _Text(HTMLParser):
    """Visible text (``out``) and the page's metadata: ``meta`` (og:… property → content,
    first of each), ``titles`` (the first <title>'s text) and ``canonical`` (hrefs)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0
        self.meta: dict[str, str] = {}
        self.titles: list[str] = []
        self.canonical: list[str] = []
        self.in_title = False
        self.title_done = False

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self.skip += 1
        elif tag in _BLOCK:
            self.out.append("\n")
        a = {k: v for k, v in reversed(attrs) if v is not None}  # the first of a name wins
        if tag == "meta":
            # Open Graph says property=, but many pages write name=
            key = (a.get("property") or a.get("name") or "").strip().lower()
            if key.startswith("og:") and "content" in a:
                self.meta.setdefault(key, a["content"])
        elif tag == "link" and "canonical" in a.get("rel", "").lower().split() \
                and "href" in a:
            self.canonical.append(a["href"])
        # an <svg> has <title>s of its own, never the page's
        elif tag == "title" and not self.skip and not self.title_done:
            self.in_title = True

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK:
            self.out.append("\n")
        if tag == "title" and self.in_title:
            self.in_title, self.title_done = False, True

    def handle_data(self, data):
        if not self.skip:
            self.out.append(data)
        if self.in_title:
            self.titles.append(data)


def _one_line(value: str | None, limit: int = MAX_TITLE) -> str | None:
    """Whitespace collapsed, at most ``limit`` characters; None when nothing is left."""
    value = " ".join((value or "").split())[:limit].rstrip()
    return value or None


def safe_url(value: str | None) -> str | None:
    """``value`` when it is an absolute http(s) URL of at most :data:`MAX_URL` characters,
    else None: a popup links to it, so ``javascript:``, ``data:`` and relative addresses
    never get through. Spaces, control characters and ``"<>\\`` (never unencoded in a
    URL; a backslash reads as ``/`` to browsers) are refused too."""
    value = (value or "").strip()
    if not value or len(value) > MAX_URL or any(c <= " " or c in _NOT_IN_URL for c in value):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. a malformed IPv6 host
        return None
    return value if parts.scheme.lower() in ("http", "https") and parts.hostname else None


def parse_date(value: str | None, source: str = "input", today: date | None = None
               ) -> tuple[date | None, tuple[str, ...]]:
    """A stated ``YYYY-MM-DD`` date, checked: ``(date, warnings)``.

    An impossible date (2025-02-30, 0000-00-00) is ignored, an implausible one (before
    :data:`EARLIEST_YEAR`, after tomorrow) is kept and flagged; either way with a warning,
    never an exception.
    """
    if not value:
        return None, ()
    try:
        d = date.fromisoformat(value)
    except ValueError:
        return None, (f"{source}: date {value} is not a calendar date: ignored",)
    latest = (today or date.today()) + timedelta(days=1)
    if d.year < EARLIEST_YEAR or d > latest:
        when = f"before {EARLIEST_YEAR}" if d.year < EARLIEST_YEAR else "in the future"
        return d, (f"{source}: date {value} is {when}: kept, check it",)
    return d, ()


def _stated_date(text: str, html: bool | None) -> str | None:
    """The date an article states: a page's <meta> date, a text's first line ``date …``;
    ``html=None``: either (the line first, a <meta> tag near the top)."""
    if html:
        m = _META_DATE.search(text)
    else:
        m = _DATE_LINE.match(text)
        if m is None and html is None:
            m = _META_DATE.search(text[:20000])
    return m.group(1) if m else None


def article_date(text: str) -> date | None:
    """The article's date: a first line ``date YYYY-MM-DD`` or an HTML ``<meta>`` date
    (None when there is none or it is not a calendar date)."""
    return parse_date(_stated_date(text, None))[0]


def looks_like_html(text: str) -> bool:
    head = text[:2000].lower()
    return "<html" in head or "<!doctype html" in head or "<body" in head or "<p>" in head


def _parse(html: str) -> _Text:
    """One pass of the parser over a page: its text and metadata both come from it."""
    p = _Text()
    p.feed(html)
    p.close()
    return p


def html_to_text(html: str) -> str:
    """Visible text of an HTML page: script and style dropped, blocks on their own lines."""
    return _visible(_parse(html))


def _visible(p: _Text) -> str:
    """The parsed page's text: runs of spaces as one, at most one blank line in a row."""
    text = "".join(p.out)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    return re.sub(r"\n\s*\n+", "\n\n", text).strip()


def article_from_text(text: str, source: str) -> Article:
    """An article from raw text or HTML (the date from a ``date`` line or a <meta> tag,
    checked by :func:`parse_date`: its warnings are the article's).

    A page also gives its ``title`` (og:title, else <title>), ``site`` (og:site_name) and
    ``url`` (<link rel="canonical">, else og:url; http(s) only, see :func:`safe_url`);
    plain text has none of them.
    """
    html = looks_like_html(text)
    when, warnings = parse_date(_stated_date(text, html), source)
    art = Article(source=source, text=text, date=when.isoformat() if when else None,
                  warnings=warnings)
    if html:
        p = _parse(text)
        art.text = _visible(p)
        # the parser has decoded entities in attributes and text alike
        art.title = _one_line(p.meta.get("og:title")) or _one_line("".join(p.titles))
        art.site = _one_line(p.meta.get("og:site_name"))
        art.url = next(filter(None, map(safe_url, [*p.canonical, p.meta.get("og:url")])),
                       None)
    return art


def read_article(path: Path) -> Article:
    """Read one UTF-8 text or HTML file; a first line ``date YYYY-MM-DD`` gives the date.

    Raises
    ------
    ArticleError
        Missing, unreadable, empty, binary or oversized files (one-line messages).
    """
    path = Path(path)
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            # a folder named inside a folder, or one that could not be listed
            raise ArticleError(f"{path}: is a folder" + ("" if _listable(path)
                                                         else " that cannot be read"))
        if not stat.S_ISREG(mode):
            # a FIFO would hang and /dev/zero never ends: only regular files are articles
            raise ArticleError(f"{path}: not a regular file")
        with open(path, "rb") as f:
            data = f.read(MAX_BYTES + 1)  # bounded, whatever the size says
    except FileNotFoundError:
        raise ArticleError(f"{path}: no such file") from None
    except OSError as exc:
        raise ArticleError(f"{path}: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise ArticleError(f"{path}: over the {MAX_BYTES / 1e6:.0f} MB limit")
    text, warnings = decode(data, str(path))
    art = article_from_text(text, str(path))
    art.warnings = warnings + art.warnings
    return art


def _listable(path: Path) -> bool:
    try:
        next(path.iterdir(), None)
        return True
    except OSError:
        return False
