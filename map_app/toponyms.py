"""Find the place names (toponyms) in a text.

Candidate spans are runs of capitalised words (with the few lower-case words that occur inside
place names: "of", "upon", "region" …) looked up, longest first, in the gazetteer's name index.
A span is kept when the gazetteer knows it and the words around it do not say otherwise: people
("President Volodymyr Zelenskyy", and later "Zelenskyy"), titles, months, weekdays and
capitalised common words ("Police", "March") are dropped unless the evidence for a place is
strong (a country, a big city, "in Orange").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from . import _lexicon as lex
from ._text import name_hash, normalize
from .gazetteer import FLAG, KINDS, Gazetteer, load_gazetteer

# A word: letters/digits with inner apostrophes, hyphens and dots ("U.S.", "Ivano-Frankivsk").
_WORD = re.compile(r"[^\W_](?:\w|['’\-.&](?=\w))*\.?", re.UNICODE)
_POSSESSIVE = re.compile(r"['’]s?$", re.I)
_ABBREV = re.compile(r"(?:[A-Za-z]\.)+|[A-Z][a-z]{0,4}\.")
# Lower-case words allowed inside a name ("Bosnia and Herzegovina", "Sea of Azov").
_INNER = {"of", "the", "and", "upon", "on", "de", "del", "la", "le", "al", "el", "du", "des",
          "da", "do", "dos", "das", "am", "im", "an", "sur", "y", "i", "-", "&"}
# Lower-case words that may end a name ("the Sumy region", "Kharkiv oblast").
_TRAILING = {"region", "oblast", "province", "state", "governorate", "prefecture", "county",
             "district", "city", "island", "islands", "river", "sea", "bridge", "strait",
             "peninsula", "mountains", "valley", "bay", "gulf", "lake", "canal", "raion"}
_SENTENCE_END = set(".!?:;\"“”\n")
MAX_WORDS = 6

_COUNTRY, _REGION, _CITY = KINDS.index("country"), KINDS.index("region"), KINDS.index("city")
_OTHER = KINDS.index("other")
_STRONG_FLAGS = np.array([FLAG[m] for m in ("name", "ascii", "alternate", "other-script",
                                             "demonym", "phrase")])
_STOP = lex.FUNCTION_WORDS | lex.MONTHS | lex.WEEKDAYS | lex.NUMBER_WORDS | lex.TITLES


@dataclass
class Toponym:
    """A span of text that names a place in the gazetteer.

    ``entries`` and ``flags`` are the matching gazetteer rows and how each matched.
    """

    text: str
    start: int
    end: int
    key: str
    entries: np.ndarray = field(repr=False)
    flags: np.ndarray = field(repr=False)
    locative: bool = False  # after "in", "near", "from" …


@dataclass
class _Word:
    start: int
    end: int
    text: str
    lower: str
    cap: bool
    sent_start: bool


def _words(text: str) -> list[_Word]:
    out: list[_Word] = []
    for m in _WORD.finditer(text):
        s, e = m.start(), m.end()
        w = m.group()
        # "Kyiv’s" names Kyiv; a sentence's full stop is no part of a name, an abbreviation's is
        pm = _POSSESSIVE.search(w)
        if pm and len(w) > len(pm.group()) + 1:
            e -= len(pm.group())
            w = w[: len(w) - len(pm.group())]
        if w.endswith(".") and not _ABBREV.fullmatch(w):
            e -= 1
            w = w[:-1]
        if not w:
            continue
        j = s - 1
        while j >= 0 and text[j] in " \t\r([‘'\"“":
            j -= 1
        sent = j < 0 or text[j] in _SENTENCE_END or (text[j] == "." and True)
        out.append(_Word(s, e, w, w.lower().rstrip("."), w[0].isupper(), sent))
    return out


def _person_words(words: list[_Word]) -> tuple[set[int], set[str]]:
    """Indices of words that belong to people's names, and the surnames seen."""
    person: set[int] = set()
    surnames: set[str] = set()
    n = len(words)

    def run_from(i: int) -> int:
        j = i
        while j < n and words[j].cap and j - i < 3 and (
                j == i or words[j].start - words[j - 1].end <= 1):
            j += 1
        return j

    for i, w in enumerate(words):
        if w.lower in lex.TITLES and i + 1 < n and words[i + 1].cap \
                and words[i + 1].start - w.end <= 1:
            j = run_from(i + 1)
            person.update(range(i + 1, j))
            surnames.add(words[j - 1].lower)
        elif w.cap and w.lower in lex.GIVEN_NAMES and i + 1 < n and words[i + 1].cap \
                and words[i + 1].start - w.end == 1 and words[i + 1].lower not in _STOP:
            j = run_from(i)
            person.update(range(i, j))
            surnames.add(words[j - 1].lower)
    for i, w in enumerate(words):
        if w.cap and w.lower in surnames:
            person.add(i)
    return person, surnames


def find_toponyms(text: str, gazetteer: Gazetteer | None = None) -> list[Toponym]:
    """Spans of ``text`` that name places, longest match first, left to right.

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
        w = words[i]
        if not w.cap or w.lower == "the":
            continue
        for j in range(i + 1, min(n, i + MAX_WORDS) + 1):
            wj = words[j - 1]
            if j - 1 > i:
                gap = text[words[j - 2].end:wj.start]
                if not re.fullmatch(r"[ \t]{1,2}|-|[ \t]?[-–][ \t]?", gap):
                    break
                if not wj.cap and wj.lower not in _INNER and wj.lower not in _TRAILING:
                    break
            spans.append((i, j, normalize(text[w.start:wj.end])))
    if not spans:
        return []
    hashes = np.fromiter((name_hash(k) for _, _, k in spans), dtype=np.uint64, count=len(spans))
    lo, hi = g.matches_hashes(hashes)
    found = [(i, j, k, int(a), int(b)) for (i, j, k), a, b in zip(spans, lo, hi) if b > a
             and words[j - 1].lower not in _INNER]
    found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
    person, _ = _person_words(words)
    lower_seen = {w.lower for w in words if not w.cap}
    common = lex.common_words()
    taken = np.zeros(n, dtype=bool)
    out = []
    imp = g.col("importance")
    kind = g.col("kind")
    for i, j, key, a, b in found:
        if taken[i:j].any():
            continue
        entries, flags = g.rows(a, b)
        first = words[i]
        locative = i > 0 and words[i - 1].lower in lex.LOCATIVE
        if not _is_place(words, i, j, key, entries, flags, imp, kind, person, lower_seen,
                         common, locative):
            continue
        taken[i:j] = True
        s, e = first.start, words[j - 1].end
        out.append(Toponym(text[s:e], s, e, key, entries, flags, locative))
    out.sort(key=lambda t: t.start)
    return out


def _is_place(words, i, j, key, entries, flags, imp, kind, person, lower_seen, common,
              locative) -> bool:
    """Decide whether words ``i:j`` (matching ``entries``) name a place here."""
    single = j - i == 1
    w = words[i]
    surface = w.text
    if any(k in person for k in range(i, j)):
        # a person's name, unless the whole run is itself a known multi-word place
        if single or not all(k in person for k in range(i, j)):
            return False
    strong = np.isin(flags, _STRONG_FLAGS)
    is_code = flags == FLAG["code"]
    upper = surface.isupper() and surface.replace(".", "").isalpha()
    if single and upper and len(surface.replace(".", "")) <= 4:
        # "US", "UK", "EU", "UAE": codes and abbreviations of countries and regions only
        ok = (strong | is_code) & np.isin(kind[entries], [_COUNTRY, _REGION, _OTHER])
        if not ok.any():
            return False
        best = float(np.max(imp[entries[ok]].astype(float)))
        return best >= 6.0
    cand = strong | (flags == FLAG["variant"])
    if not cand.any():
        return False
    best = float(np.max(imp[entries[cand]].astype(float)))
    best_kind = int(kind[entries[cand]][np.argmax(imp[entries[cand]].astype(float))])
    if not single:
        return True
    lw = w.lower
    if lw in _STOP and not (w.text.isupper() and len(w.text) > 3):
        return False
    is_common = lw in common or lw in lower_seen
    if best_kind in (_COUNTRY,) or (best_kind == _OTHER and best >= 7):
        return True
    if is_common:
        # a capitalised common word is a place only with strong evidence
        if best >= 6.0 and (locative or best_kind == _REGION):
            return True
        return best >= 6.5 and not w.sent_start
    if w.sent_start and not locative and best < 3.0:
        return False
    return best >= 2.5 or locative
