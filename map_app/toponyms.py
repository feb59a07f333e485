"""Find the place names (toponyms) in a text.

Candidate spans are runs of capitalised words (with the few lower-case words that occur inside
place names: "of", "upon", "region" …) looked up, longest first, in the gazetteer's name index.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from ._text import name_hash, normalize
from .gazetteer import Gazetteer, load_gazetteer

# A word: letters, digits, inner apostrophes, hyphens and dots ("U.S.", "Kyiv’s", "Ivano-Frankivsk").
_WORD = re.compile(r"[^\W_](?:[\w]|['’\-.](?=\w))*\.?", re.UNICODE)
_POSSESSIVE = re.compile(r"['’]s$", re.I)
# Lower-case words allowed inside a name ("Bosnia and Herzegovina", "Sea of Azov").
_INNER = {"of", "the", "and", "upon", "on", "de", "del", "la", "le", "al", "el", "du", "des",
          "da", "do", "dos", "das", "am", "im", "an", "sur", "y", "i"}
# Lower-case words that may end a name ("the Sumy region", "Kharkiv oblast").
_TRAILING = {"region", "oblast", "province", "state", "governorate", "prefecture", "county",
             "district", "city", "island", "islands", "river", "sea", "bridge", "strait",
             "peninsula", "mountains", "valley", "bay", "gulf", "lake", "canal"}
MAX_WORDS = 6


@dataclass
class Toponym:
    """A span of text that names a place in the gazetteer.

    ``candidates`` holds (entry, flag) rows of the gazetteer's name index.
    """

    text: str
    start: int
    end: int
    key: str
    entries: np.ndarray = field(repr=False)
    flags: np.ndarray = field(repr=False)


def _words(text: str) -> list[tuple[int, int, str]]:
    out = []
    for m in _WORD.finditer(text):
        s, e = m.start(), m.end()
        w = m.group()
        # "Kyiv’s" names Kyiv; the trailing full stop of a sentence is no part of a name
        pm = _POSSESSIVE.search(w)
        if pm:
            e -= len(pm.group())
            w = w[: len(w) - len(pm.group())]
        if w.endswith(".") and not re.fullmatch(r"(?:[A-Z]\.)+|[A-Z][a-z]{0,3}\.", w):
            e -= 1
            w = w[:-1]
        if w:
            out.append((s, e, w))
    return out


def _capitalised(w: str) -> bool:
    return w[0].isupper()


def find_toponyms(text: str, gazetteer: Gazetteer | None = None) -> list[Toponym]:
    """Spans of ``text`` that match a gazetteer name, longest match first, left to right.

    Parameters
    ----------
    text : str
        The document.
    gazetteer : Gazetteer, optional
        Defaults to the shipped gazetteer.

    Returns
    -------
    list of Toponym
        Non-overlapping spans in text order, each with its candidate entries.
    """
    g = gazetteer or load_gazetteer()
    words = _words(text)
    n = len(words)
    spans: list[tuple[int, int, str]] = []  # (first word, last word + 1, key)
    for i in range(n):
        if not _capitalised(words[i][2]):
            continue
        for j in range(i + 1, min(n, i + MAX_WORDS) + 1):
            w = words[j - 1][2]
            if j - 1 > i:
                gap = text[words[j - 2][1]:words[j - 1][0]]
                if not re.fullmatch(r"[ \t\-]{1,3}", gap):
                    break
                if not _capitalised(w) and w.lower() not in _INNER and w.lower() not in _TRAILING:
                    break
            spans.append((i, j, normalize(text[words[i][0]:words[j - 1][1]])))
    if not spans:
        return []
    hashes = np.fromiter((name_hash(k) for _, _, k in spans), dtype=np.uint64, count=len(spans))
    lo, hi = g.matches_hashes(hashes)
    found = [(i, j, k, int(a), int(b)) for (i, j, k), a, b in zip(spans, lo, hi) if b > a]
    # longest first, then leftmost; a span may not end on an inner connector word
    found = [f for f in found if words[f[1] - 1][2].lower() not in _INNER]
    found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
    taken = np.zeros(n, dtype=bool)
    out = []
    for i, j, key, a, b in found:
        if taken[i:j].any():
            continue
        taken[i:j] = True
        entries, flags = g.rows(a, b)
        s, e = words[i][0], words[j - 1][1]
        out.append(Toponym(text[s:e], s, e, key, entries, flags))
    out.sort(key=lambda t: t.start)
    return out
