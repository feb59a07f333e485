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

# A word: letters/digits with inner apostrophes and dots ("U.S.", "Kyiv’s"); a hyphen splits
# words ("London-based", "Ivano-Frankivsk" is matched as a two-word span).
_WORD = re.compile(r"[^\W_](?:\w|['’.&](?=\w))*\.?", re.UNICODE)
_POSSESSIVE = re.compile(r"['’]s?$", re.I)
_ABBREV = re.compile(r"(?:[A-Za-z]\.){2,}|[A-Z]\.")
# Abbreviations whose full stop belongs to them ("Calif.", "St. Louis").
_DOTTED = {"calif", "cal", "colo", "conn", "del", "fla", "ga", "ill", "ind", "kan", "kans", "ky",
           "la", "md", "mass", "mich", "minn", "miss", "mo", "mont", "neb", "nebr", "nev",
           "okla", "ore", "oreg", "pa", "penn", "tenn", "tex", "vt", "va", "wash", "wis", "wisc",
           "wyo", "ala", "ariz", "ark", "alta", "sask", "ont", "que", "st", "mt", "ft", "pt",
           "mr", "mrs", "ms", "dr", "gen", "gov", "sen", "rep", "lt", "col", "capt", "sgt", "prof",
           "jr", "sr", "rev", "ave", "blvd", "rd", "co", "inc", "corp", "ltd", "no", "vs", "w"}
# Lower-case words allowed inside a name ("Bosnia and Herzegovina", "Sea of Azov").
_INNER = {"of", "the", "and", "upon", "on", "de", "del", "la", "le", "al", "el", "du", "des",
          "da", "do", "dos", "das", "am", "im", "an", "sur", "y", "i", "-", "&"}
# Lower-case words that may end a name ("the Sumy region", "Kharkiv oblast").
_TRAILING = {"region", "oblast", "province", "state", "governorate", "prefecture", "county",
             "district", "island", "islands", "river", "sea", "bridge", "strait",
             "peninsula", "mountains", "valley", "bay", "gulf", "lake", "canal", "raion"}
_SENTENCE_END = set(".!?:;\"“”\n")
MAX_WORDS = 6

_COUNTRY, _REGION = KINDS.index("country"), KINDS.index("region")
_OTHER = KINDS.index("other")
_STRONG = np.zeros(len(FLAG), dtype=bool)  # flag -> trusted enough to name a place alone
_STRONG[[FLAG[m] for m in ("name", "ascii", "alternate", "other-script", "demonym",
                           "phrase")]] = True
_ABBREV_KINDS = np.zeros(len(KINDS), dtype=bool)
_ABBREV_KINDS[[_COUNTRY, _REGION, _OTHER]] = True
_STOP = (lex.FUNCTION_WORDS | lex.MONTHS | lex.WEEKDAYS | lex.NUMBER_WORDS | lex.TITLES
         | lex.NOT_PLACES)
_CONTRACTION = re.compile(r"['’](?:ve|d|ll|re|m|t)$", re.I)


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


class _Word:
    __slots__ = ("start", "end", "text", "lower", "cap", "sent_start", "prev")

    def __init__(self, start, end, text, lower, cap, sent_start, prev=""):
        self.start, self.end, self.text = start, end, text
        self.lower, self.cap, self.sent_start, self.prev = lower, cap, sent_start, prev


def _upper_class() -> str:
    """A regex character class of the upper-case letters of Latin, Greek and Cyrillic."""
    chars = [chr(c) for c in range(0x41, 0x530) if chr(c).isupper()]
    ranges, first, last = [], None, None
    for ch in chars:
        if last is not None and ord(ch) == ord(last) + 1:
            last = ch
            continue
        if first is not None:
            ranges.append((first, last))
        first = last = ch
    ranges.append((first, last))
    return "[" + "".join(re.escape(a) if a == b else f"{re.escape(a)}-{re.escape(b)}"
                         for a, b in ranges) + "]"


# Where a capitalised word starts: only there can a place name start.
_CAP_START = re.compile(r"(?<![\w'’.\-])" + _upper_class())
_PREV_WORD = re.compile(r"([\w'’.]+)[ \t]*\(?[ \t]*$")
_LOWER_WORD = re.compile(r"\b[a-z][a-z]+\b")
_RUN_GAP = re.compile(r"[ \t]{1,2}|-")


def _token(text: str, pos: int) -> _Word | None:
    m = _WORD.match(text, pos)
    if not m:
        return None
    s, e = m.span()
    w = m.group()
    # "Kyiv’s" names Kyiv; a sentence's full stop is no part of a name, an abbreviation's is
    if "'" in w or "’" in w:
        pm = _POSSESSIVE.search(w)
        if pm and len(w) > len(pm.group()) + 1:
            e -= len(pm.group())
            w = w[: len(w) - len(pm.group())]
    if w[-1] == "." and not _ABBREV.fullmatch(w) and w[:-1].lower() not in _DOTTED:
        e -= 1
        w = w[:-1]
    return _Word(s, e, w, w.lower().rstrip("."), w[0].isupper(), False) if w else None


def _words(text: str) -> list[_Word]:
    """The words of every capitalised run ("Kyiv", "Sea of Azov", "the Kharkiv region" from
    "Kharkiv"), in text order; each run's first word knows the word before it.

    Only runs can hold place names, and they are a small part of a text: walking just them is
    what keeps the recogniser fast.
    """
    out: list[_Word] = []
    pos = 0
    n = len(text)
    while pos < n:
        m = _CAP_START.search(text, pos)
        if not m:
            break
        w = _token(text, m.start())
        if w is None:
            pos = m.start() + 1
            continue
        j = w.start - 1
        while j >= 0 and text[j] in " \t\r([‘'\"“":
            j -= 1
        w.sent_start = j < 0 or text[j] in _SENTENCE_END
        pm = _PREV_WORD.search(text, max(0, w.start - 25), w.start)
        w.prev = pm.group(1).lower().rstrip(".") if pm else ""
        if w.prev in lex.TITLES and not w.sent_start:
            # "mayor Kobzar": keep the lower-case title for the person rules
            ps = pm.start(1)
            out.append(_Word(ps, ps + len(pm.group(1)), pm.group(1), w.prev, False, False))
        out.append(w)
        end = w.end
        while True:
            g = _RUN_GAP.match(text, end)
            if not g:
                break
            nxt = _token(text, g.end())
            if nxt is None or not (nxt.cap or nxt.lower in _INNER or nxt.lower in _TRAILING):
                break
            nxt.prev = out[-1].lower
            out.append(nxt)
            end = nxt.end
        pos = max(end, m.start() + 1)
    return out


_SPEECH = re.compile(r"[ \t]+(?:said|says|told|added|wrote|explained|noted|argued|insisted|"
                     r"asked|replied|tweeted|stated|recalled|admitted|testified|warned)\b")
_SPEECH_BEFORE = {"said", "says", "told", "added", "asked", "wrote", "according"}


def _person_words(words: list[_Word], place_weight, multi: set[tuple[int, int]],
                  text: str = "") -> set[int]:
    """Indices of words that belong to people's names.

    A person is a capitalised run after a title ("Foreign Minister Andriy Sybiha"), a run that
    starts with a given name ("Artem Kobzar"), or a pair whose first word is no place
    ("Conor McGregor"); a surname seen so is a person everywhere in the document.
    ``place_weight(i)`` is the importance of word ``i``'s best place reading (-1 if none).
    """
    person: set[int] = set()
    surnames: set[str] = set()
    n = len(words)

    def run_from(i: int) -> int:
        j = i
        while j < n and words[j].cap and j - i < 3 and (
                j == i or words[j].start - words[j - 1].end == 1):
            j += 1
        return j

    def mark(i: int, j: int, sure: bool) -> None:
        # unless the run is surely a name, a strong place in it stays a place
        # ("Global Images Ukraine")
        for k in range(i, j):
            if sure or place_weight(k) < 5.0 or k == i:
                person.add(k)
        if sure or place_weight(j - 1) < 5.0:
            surnames.add(words[j - 1].lower)

    # "Johnson said", "said Johnson": a speaker, unless a real place (Moscow said …)
    for i, w in enumerate(words):
        if w.cap and place_weight(i) < 5.5 and (
                _SPEECH.match(text, w.end) or (w.prev in _SPEECH_BEFORE and not w.sent_start)):
            person.add(i)
            surnames.add(w.lower)
    i = 0
    while i < n:
        w = words[i]
        nxt = words[i + 1] if i + 1 < n else None
        adjacent = nxt is not None and nxt.cap and nxt.start - w.end == 1 \
            and nxt.lower not in _STOP
        if w.lower in lex.TITLES and adjacent:
            j = run_from(i + 1)
            if (i + 1, j) not in multi:
                mark(i + 1, j, True)
            i = j
            continue
        if w.cap and adjacent and w.lower not in _STOP:
            j = run_from(i)
            if (i, j) not in multi and not any((i, k) in multi for k in range(i + 2, j + 1)):
                given = w.lower in lex.GIVEN_NAMES
                if given or (j - i == 2 and place_weight(i) < 4.0 and place_weight(i + 1) < 5.0):
                    mark(i, j, given)
                    i = j
                    continue
        i += 1
    for i, w in enumerate(words):
        if w.cap and w.lower in surnames:
            person.add(i)
    return person


_INFO: dict[int, dict[int, tuple]] = {}


def _key_info(g: Gazetteer, a: int, b: int) -> tuple:
    """The context-free facts about one name (rows ``a:b`` of the name index), cached across
    documents: (entries, flags, best strong importance, best abbreviation importance, best
    candidate importance, its kind)."""
    cache = _INFO.setdefault(id(g), {})
    hit = cache.get(a)
    if hit is None:
        if len(cache) > 200_000:
            cache.clear()
        entries, flags = g.rows(a, b)
        imp, kind = g.col("importance"), g.col("kind")
        strong = _STRONG[flags]
        pw = float(imp[entries[strong]].max()) if strong.any() else -1.0
        ok = (strong | (flags == FLAG["code"])) & _ABBREV_KINDS[kind[entries]]
        abbr = float(imp[entries[ok]].max()) if ok.any() else -1.0
        cand = strong | (flags == FLAG["variant"])
        best, best_kind = -1.0, -1
        if cand.any():
            ci = entries[cand]
            k = int(np.argmax(imp[ci]))
            best, best_kind = float(imp[ci[k]]), int(kind[ci[k]])
        hit = cache[a] = (entries, flags, pw, abbr, best, best_kind)
    return hit


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
                if not re.fullmatch(r"[ \t]{1,2}|-", gap):
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
    single = {i: (a, b) for i, j, _, a, b in found if j == i + 1}
    multi = {(i, j) for i, j, _, _, _ in found if j > i + 1}

    def place_weight(i: int) -> float:
        return _key_info(g, *single[i])[2] if i in single else -1.0

    person = _person_words(words, place_weight, multi, text)
    lower_seen = set(_LOWER_WORD.findall(text))
    common = lex.common_words()
    taken = [False] * n
    out = []
    for i, j, key, a, b in found:
        if True in taken[i:j]:
            continue
        info = _key_info(g, a, b)
        first = words[i]
        if j < n and text[words[j - 1].end:words[j].start] == "-" and words[j].cap \
                and place_weight(j) < 0:
            continue
        locative = first.prev in lex.LOCATIVE
        if not _is_place(words, i, j, key, info, person, lower_seen, common, locative):
            continue
        taken[i:j] = [True] * (j - i)
        entries, flags = info[0], info[1]
        s, e = first.start, words[j - 1].end
        out.append(Toponym(text[s:e], s, e, key, entries, flags, locative))
    out.sort(key=lambda t: t.start)
    return out


def _is_place(words, i, j, key, info, person, lower_seen, common, locative) -> bool:
    """Decide whether words ``i:j`` (the name with :func:`_key_info` ``info``) name a place
    here."""
    single = j - i == 1
    w = words[i]
    surface = w.text
    if key in lex.NOT_PLACES:
        return False
    if (i in person if single else not person.isdisjoint(range(i, j))):
        # a person's name, unless the whole run is itself a known multi-word place
        if single or not person.issuperset(range(i, j)):
            return False
    _, _, _, abbr, best, best_kind = info
    upper = surface.isupper() and surface.replace(".", "").isalpha()
    if single and upper and len(surface.replace(".", "")) <= 4:
        # "US", "UK", "EU", "UAE": codes and abbreviations of countries and regions only
        return abbr >= 6.0
    if best_kind < 0:
        return False
    if not single:
        return True
    lw = w.lower
    if lw in _STOP and not (w.text.isupper() and len(w.text) > 3) or _CONTRACTION.search(lw):
        return False
    is_common = (lw in common or lw in lower_seen
                 or (lw.endswith("s") and (lw[:-1] in common or lw[:-1] in lower_seen)))
    if best_kind in (_COUNTRY,) or (best_kind == _OTHER and best >= 7):
        return True
    if is_common:
        # a capitalised common word is a place only with strong evidence
        if locative and best >= 5.0:
            return True
        return best >= 7.0 and not w.sent_start
    if w.sent_start and not locative and best < 3.0:
        return False
    return best >= 2.5 or locative
