"""Find the place names (toponyms) in a text.

Candidate spans are runs of capitalised words (with the few lower-case words that occur inside
place names: "of", "upon", "region" …) looked up, longest first, in the gazetteer's name index.
A span is kept when the gazetteer knows it and the words around it do not say otherwise: people
("President Volodymyr Zelenskyy", and later "Zelenskyy"), titles, months, weekdays and
capitalised common words ("Police", "March") are dropped unless the evidence for a place is
strong (a country, a big city, "in Orange").

Speed comes from caching what does not depend on where a name occurs: every stretch of
capitalised words is split, looked up and checked for people once per distinct string, on the
gazetteer object (:meth:`Gazetteer.memo`); only the words around each occurrence (sentence
start, the word before, "said" after) are read per document.
"""
from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Container, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

import numpy as np

from . import _lexicon as lex
from ._inflect import SHARED_NOUNS, is_common_word, is_given_name
from ._text import (
    LINK_WORDS,
    SOUND_MARK,
    SOUND_MIN,
    has_cyrillic,
    name_hashes,
    normalize,
    skeleton,
    sound_key,
    starts_cyrillic,
)
from .gazetteer import FLAG, KINDS, MATCH_TYPES, Gazetteer, load_gazetteer

# A word: letters/digits with inner apostrophes and dots ("U.S.", "Kyiv’s"); a hyphen splits
# words ("London-based", "Ivano-Frankivsk" is matched as a two-word span).
_WORD = re.compile(r"[^\W_]\w*(?:['’´′.&](?=\w)\w*)*\.?", re.UNICODE)
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
_INNER = LINK_WORDS | {"-", "&"}
# Lower-case words that may end a name ("the Sumy region", "Kharkiv oblast").
_TRAILING = {"region", "oblast", "province", "state", "governorate", "prefecture", "county",
             "district", "island", "islands", "river", "sea", "bridge", "strait",
             "peninsula", "mountains", "valley", "bay", "gulf", "lake", "canal", "raion",
             "rayon", "community", "hromada", "municipality", "urban", "rural", "settlement",
             "village", "territorial", "reservoir", "spit"} | lex.CYRILLIC_TRAILING
# Ukrainian and Russian prepositions that open a sentence before a place ("У Сумах", "В
# Харьковской области", "Біля Покровська").
_CYRILLIC_PREPOSITIONS = {"у", "в", "на", "з", "із", "зі", "до", "під", "біля", "по", "від",
                          "над", "за", "во", "из", "от", "под", "около", "возле", "при",
                          "через", "після", "после", "поблизу", "вблизи", "неподалік"}
# Capitalised words that make the name before them a street's ("Hertford Road", "Wooster St."):
# the street is no mention of the town it is named after.
_STREET = {"street", "st", "road", "rd", "avenue", "ave", "boulevard", "blvd", "drive", "dr",
           "lane", "ln", "way", "highway", "hwy", "terrace", "crescent", "parkway", "pkwy"}
# After a small place's name, capitalised words before a street's head or a river's, a
# lake's … generic word ("Zhon Myronosyts Street", "the Siverskiy Donets River")
_STREET_GAP = 2
_WATERS = {"river", "lake", "reservoir", "canal", "creek", "stream"}
# Head nouns of a university's name. A place name opening one ("Arizona State University",
# "Washington University", "Wake Forest University") names the institution, and the campus is
# often elsewhere (Washington University is in St. Louis, Arizona State in Tempe): the name is
# no mention of the place.
_ACADEMIC = {"university", "college", "polytechnic"}
_ACADEMIC_GAP = 2  # capitalised words allowed between the place and the head ("State")
# After a city's name, words that open the name of a school in that city ("Kharkiv National
# University", "Kharkiv Polytechnic", "Kramatorsk Technological College")
_CITY_SCHOOLS = frozenset("national state polytechnic technical technological industrial "
                          "vocational medical pedagogical agrarian agricultural".split())
_SENTENCE_END = set(".!?:;\"“”\n")
_COMPASS_WORDS = (r"(?:(?:north|south)(?:-?(?:east|west))?(?:ern)?|(?:east|west)(?:ern)?|"
                  r"central)[ \t]+")
MAX_WORDS = 6
# A compass word alone right before another name is its adjective ("Central Kharkiv",
# "Eastern Donetsk", "Northern Kherson"): not Paraguay's Central or Cameroon's East
_COMPASS = frozenset(
    [point + end for point in ("north", "south", "east", "west", "northeast", "northwest",
                               "southeast", "southwest", "north-east", "north-west",
                               "south-east", "south-west") for end in ("", "ern")]
    + ["central"])

_COUNTRY, _REGION_KIND = KINDS.index("country"), KINDS.index("region")
_DISTRICT_KIND = KINDS.index("district")
_LANDMARK_KIND = KINDS.index("landmark")
_OTHER = KINDS.index("other")
_AREA_KINDS = (_COUNTRY, _REGION_KIND)
# flag -> trusted enough to name a place alone
_STRONG_FLAGS = [m in ("name", "ascii", "alternate", "other-script", "demonym", "phrase")
                 for m in MATCH_TYPES]
_CODE, _VARIANT, _DEMONYM = FLAG["code"], FLAG["variant"], FLAG["demonym"]
_ASCII = FLAG["ascii"]
_SOUND = FLAG["sound"]
_ALTERNATE = FLAG["alternate"]
_SMALL_KINDS = [KINDS[k] in ("village", "district") for k in range(len(KINDS))]
_SMALL_ALTERNATE = 1.5
_ABBREV_KINDS = [k in (_COUNTRY, _REGION_KIND, _OTHER) for k in range(len(KINDS))]
_STOP = (lex.FUNCTION_WORDS | lex.MONTHS | lex.WEEKDAYS | lex.NUMBER_WORDS | lex.TITLES
         | lex.NOT_PLACES)
_POSSESSIVE_ENDS = ("’s", "'s", "s’", "s'")
_CONTRACTION = re.compile(r"['’](?:ve|d|ll|re|m|t)$", re.I)


@dataclass(slots=True)
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


class _Word(NamedTuple):
    start: int
    end: int
    text: str
    lower: str
    cap: bool
    sent_start: bool = False
    prev: str = ""


_START, _END, _TEXT, _LOWER, _CAP, _SENT, _PREV = range(7)  # _Word's fields by position


def _upper_class() -> str:
    """A regex character class of the upper-case letters of the alphabets before U+2000
    (Latin with its extensions such as "Ḩ", Greek, Cyrillic, Armenian, Georgian …)."""
    chars = [chr(c) for c in range(0x41, 0x2000) if chr(c).isupper()]
    ranges: list[tuple[str, str]] = []
    first = last = chars[0]
    for ch in chars[1:]:
        if ord(ch) == ord(last) + 1:
            last = ch
            continue
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
_BEFORE_RUN = " \t\r([‘'\"“"  # what may stand between a sentence's end and its first word
_A_TITLE = min(lex.TITLES)  # stands for the title before a run in the person rules


def _token(text: str, pos: int, sent_start: bool = False, prev: str = "") -> _Word | None:
    """The word at ``pos`` (None if none starts there), with the context given."""
    m = _WORD.match(text, pos)
    if not m:
        return None
    s, e = m.span()
    w = m.group()
    # "Kyiv’s" names Kyiv; a sentence's full stop is no part of a name, an abbreviation's is
    if "'" in w or "’" in w:
        pm = _POSSESSIVE.search(w)
        if pm and len(w) > len(pm.group()) + 1 and w[:-2].lower() != "people":
            e -= len(pm.group())
            w = w[: len(w) - len(pm.group())]
    if w[-1] == "." and not _ABBREV.fullmatch(w) and w[:-1].lower() not in _DOTTED:
        e -= 1
        w = w[:-1]
    return _Word(s, e, w, w.lower().rstrip("."), w[0].isupper(), sent_start, prev) if w else None


def _same_script(a: str, b: str) -> bool:
    """Whether the word ``b`` may continue a name after the word ``a``: not when a Cyrillic
    name runs into a Latin word ("Семеновке FPV-дрон"). The other way round stays as it was
    ("Cafe Аист" names a café, not Cafe in the Philippines)."""
    return not starts_cyrillic(a) or starts_cyrillic(b)


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
        while j >= 0 and text[j] in _BEFORE_RUN:
            j -= 1
        sent = j < 0 or text[j] in _SENTENCE_END
        if sent and w.lower in _CYRILLIC_PREPOSITIONS:
            # "У Харківській області …": a sentence's first word, capitalised only for that,
            # opens no name (English has its own: "In" is a common word)
            pos = w.end
            continue
        pm = _PREV_WORD.search(text, max(0, w.start - 25), w.start)
        w = _Word(*w[:5], sent, pm.group(1).lower().rstrip(".") if pm else "")
        if w.prev in lex.TITLES and not w.sent_start and pm is not None:
            # "mayor Kobzar": keep the lower-case title for the person rules (a title is
            # only ever read from a match: pm is set)
            ps = pm.start(1)
            out.append(_Word(ps, ps + len(pm.group(1)), pm.group(1), w.prev, False, False))
        out.append(w)
        end = w.end
        while True:
            gap = _RUN_GAP.match(text, end)
            if not gap:
                break
            nxt = _token(text, gap.end(), False, out[-1].lower)
            if nxt is None or not (nxt.cap or nxt.lower in _INNER or nxt.lower in _TRAILING):
                break
            if not _same_script(out[-1].text, nxt.text):
                break  # "Семеновке FPV-дрон": no name runs from Cyrillic into Latin
            out.append(nxt)
            end = nxt.end
        pos = max(end, m.start() + 1)
    return out


_SPEECH = re.compile(r"[ \t]+(?:said|says|told|added|wrote|explained|noted|argued|insisted|"
                     r"asked|replied|tweeted|stated|recalled|admitted|testified|warned|"
                     # Ukrainian and Russian: "Песков заявил", "Сирський повідомив"
                     r"заяви\w*|заявл\w*|сказа\w*|повідоми\w*|повідомл\w*|сообщи\w*|"
                     r"наголоси\w*|подчеркну\w*|зазначи\w*|отмети\w*|написа\w*|дода\w*|"
                     r"добави\w*|пояснил\w*|поясни\w*|розповіл\w*|рассказа\w*|"
                     r"прокоментува\w*|прокомментирова\w*|відповіл\w*|ответил\w*|"
                     r"пообіця\w*|пообеща\w*|звинуват\w*|обвинил\w*|назва\w*)(?!\w)")
_SPEECH_BEFORE = {"said", "says", "told", "added", "asked", "wrote", "according",
                  "заявив", "заявила", "заявил", "сказав", "сказала", "сказал", "повідомив",
                  "повідомила", "сообщил", "сообщила", "наголосив", "наголосила",
                  "подчеркнул", "подчеркнула", "зазначив", "зазначила", "отметил", "отметила",
                  "написав", "написала", "написал", "додав", "додала", "добавил", "добавила",
                  "пише", "пишет", "каже", "говорит", "повідомляє", "сообщает", "вважає",
                  "считает"}


def _opens_no_name(w: _Word) -> bool:
    """Whether the capitalised word ``w`` cannot open a person's name: a settlement's noun
    ("N.P. Roty"), a preposition or a war verb ("Near Izyum", "Shelled Lysychansk"), or a
    sentence's first word in the past tense that is no given name ("Destroyed Bohorodychne")."""
    lw = w.lower
    return lw in lex.SETTLEMENT_NOUNS or lw in lex.LOCATIVE or lw in lex.WAR_VERBS or (
        w.sent_start and len(lw) > 4 and lw.endswith("ed") and lw not in lex.GIVEN_NAMES)


def _person_marks(words: Sequence[_Word], place_weight, multi: set[tuple[int, int]]
                  ) -> tuple[set[int], set[str]]:
    """Indices of the words of one run of text that belong to people's names, and the
    surnames among them.

    A person is a capitalised run after a title ("Foreign Minister Andriy Sybiha"), a run that
    starts with a given name ("Artem Kobzar"), or a pair whose first word is no place
    ("Conor McGregor"). ``place_weight(i)`` is the importance of word ``i``'s best place
    reading (-1 if none); ``multi`` the multi-word spans the gazetteer knows.
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

    # words inside a known multi-word place start no person ("Metcalfe County Coroner")
    inside = {k for a, b in multi for k in range(a + 1, b)}
    i = 0
    while i < n:
        w = words[i]
        nxt = words[i + 1] if i + 1 < n else None
        adjacent = nxt is not None and nxt.cap and nxt.start - w.end == 1 \
            and nxt.lower not in _STOP and _same_script(w.text, nxt.text)
        if w.lower in lex.TITLES and adjacent:
            j = run_from(i + 1)
            if (i + 1, j) not in multi:
                mark(i + 1, j, True)
            i = j
            continue
        if w.cap and adjacent and w.lower not in _STOP and i not in inside \
                and not _opens_no_name(w) \
                and not any(ch.isdigit() for ch in w.text):  # "A429 Cirencester": a road
            j = run_from(i)
            if (i, j) not in multi and not any((i, k) in multi for k in range(i + 2, j + 1)):
                # a given name by the Ukrainian or Russian dictionary ("Майя Санду") too
                given = w.lower in lex.GIVEN_NAMES or starts_cyrillic(w.text) \
                    and is_given_name(w.lower)
                # "Андріївка Сумського району": a village and its raion, not a person
                admin = j < n and words[j].lower in lex.CYRILLIC_TRAILING
                # "Ночью Шостку": a common word capitalised for opening the sentence names
                # no one (:func:`map_app._inflect.is_common_word`)
                common = starts_cyrillic(w.text) and is_common_word(w.lower)
                if given or (j - i == 2 and place_weight(i) < 4.0 and place_weight(i + 1) < 5.0
                             and not admin and not common):
                    mark(i, j, given)
                    i = j
                    continue
        i += 1
    return person, surnames


def _key_info(g: Gazetteer, a: int, b: int) -> tuple:
    """The context-free facts about one name (rows ``a:b`` of the name index): (entries, flags,
    best strong importance, best abbreviation importance, best candidate importance, its
    kind, whether it matches a demonym, best importance of an entry so called by its own
    name)."""
    cache = g.memo("toponyms.key", 200_000)
    hit = cache.get(a)
    if hit is None:
        entries, flags = g.rows(a, b)
        imp = g.col("importance")[entries].tolist()
        kind = g.col("kind")[entries].tolist()
        # most names have a handful of entries: plain Python beats NumPy's per-call cost
        pw = abbr = best = own = -1.0
        best_kind = -1
        for x, f, k in zip(imp, flags.tolist(), kind):
            strong = _STRONG_FLAGS[f]
            if f == _ALTERNATE and _SMALL_KINDS[k]:
                # a village's other-language or old names ("Putin" for Putyatintsy) name it
                # in its own region's press, rarely in ours: it needs more evidence
                x -= _SMALL_ALTERNATE
            if strong and x > pw:
                pw = x
            if (strong or f == _CODE) and _ABBREV_KINDS[k] and x > abbr:
                abbr = x
            if (strong or f == _VARIANT) and x > best:
                best, best_kind = x, k
            if f <= _ASCII and x > own:
                own = x
        hit = cache[a] = (entries, flags, pw, abbr, best, best_kind, _DEMONYM in flags.tolist(),
                          own)
    return hit


# Only a key with y, j or a double i before its last letter has a skeleton of its own
_SKELETAL = re.compile(r"[yj]|ii")


def _skeleton_of(key: str) -> str:
    """The :func:`~map_app._text.skeleton` a key is also tried by: empty when the key has
    none of its own, or when the two differ in the last letter alone ("Sony", "NIMBY": no
    transliteration)."""
    if not _SKELETAL.search(key):
        return ""
    sk = skeleton(key)
    return sk if sk[:-1] != key[:-1] else ""


def _weak_info(info: tuple) -> tuple:
    """:func:`_key_info` of a name found only by its skeleton ("Sony" is "Soni"): no
    strength of its own, so only the evidence of war reports places it ("in Hulyaipole",
    "Hulyaipole, Zaporizhzhia region")."""
    entries, flags, _, _, _, kind, demonym, _ = info
    return entries, flags, -1.0, -1.0, 0.0, kind, demonym, -1.0


# A stretch of text that holds one or more runs: a capitalised word, then words joined by one
# or two spaces or a hyphen that are capitalised or may sit inside a name ("of", "region" …,
# in lower case), never ending on "of", "and", "the". A word keeps a final full stop only as an
# abbreviation ("St.", "U.S.") and never takes a possessive "’s", so the stretch ends where a
# run does. It can still hold several runs; :func:`_words` splits it exactly.
def _alternation(words) -> str:
    """A regex alternation of the alphabetic ``words``, longest first."""
    return "|".join(sorted((re.escape(w) for w in words if w.isalpha()), key=len,
                           reverse=True))


def _region_pattern(inner_words: bool = True, after_link: bool = False) -> re.Pattern:
    """The pattern of a stretch; without ``inner_words`` of a chunk, and ``after_link`` of a
    chunk that follows a link ("Avon" in "Stratford-upon-Avon": no look back)."""
    alt = _alternation
    by_len: dict[int, list[str]] = {}
    for w in _DOTTED:
        by_len.setdefault(len(w), []).append(w)
    abbrev = "|".join([r"(?<=\b[A-Z]\.)", r"(?<=[A-Za-z]\.[A-Za-z]\.)"]
                      + [rf"(?<=\b(?i:{alt(ws)})\.)" for ws in by_len.values()])
    up = _upper_class()
    # letters, then inner marks each followed by more letters ("U.S", "O'Brien", "AT&T"), but
    # no possessive: written as a loop of runs (\w*), which the engine walks far faster than
    # a choice per character. A soft sign's apostrophe (also written ´ or ′) is no possessive
    # ("Nevel's'ke", "Tavrijs´ke"), nor is a state's "People's" ("Donetsk People's Republic",
    # "Lao People's Democratic …")
    body = (r"\w*(?:(?<=[Pp]eople)['’]s|(?!['’][sS](?![\w'’]))['’´′.&](?=\w)\w*)*"
            + rf"(?:\.(?:{abbrev}))?")
    # the capital first, then the look back: the scan can skip to the next capital at once
    first = up + ("" if after_link else r"(?<![\w'’.\-].)") + body
    tail = r"(?=(?:['’][sS])?\.?(?![\w'’´′.&]))"
    inner, trailing = rf"(?:{alt(_INNER)}){tail}", rf"(?:{alt(_TRAILING)}){tail}"
    join = rf"(?:{_RUN_GAP.pattern})"
    links = rf"(?:{join}{inner})*" if inner_words else ""
    return re.compile(first + rf"(?:{links}{join}(?:{up}{body}|{trailing}))*")


_REGION = _region_pattern()
# A chunk is a stretch without its lower-case inner words: "Kyiv and Kharkiv" is two chunks
# and a link. News joins names with "and" in endless combinations, and a combination is one
# place only when the gazetteer knows a name across the link ("Bosnia and Herzegovina").
_CHUNK_AT = _region_pattern(inner_words=False, after_link=True)
_INNER_WORD = re.compile(r"[^\W\d_]+")
_LINK = re.compile(rf"(?:{_RUN_GAP.pattern})"
                   rf"(?:(?:{_alternation(_INNER)})(?:{_RUN_GAP.pattern}))+")


class _Region:
    """Everything about one stretch of text that does not depend on where it occurs: its words,
    the spans the gazetteer knows, and the people the words alone reveal. Cached per string,
    so a name seen before costs one dictionary look-up."""

    # tuples, not lists or sets: a cache of many runs stays cheap for the garbage collector
    __slots__ = ("words", "keys", "found", "speech", "caps", "cap_lowers", "_plain",
                 "_multi", "_weight")
    words: Sequence[Any]  # _Word until the end of finish(), then plain tuples
    keys: tuple[str, ...]
    found: Sequence[tuple[Any, ...]]  # (i, j, key) until finish(), then (…, info, verdict)
    speech: tuple[int, ...]
    caps: tuple[int, ...]
    cap_lowers: tuple[str, ...]
    _plain: tuple[tuple[int, ...], tuple[str, ...]]
    _multi: tuple[tuple[int, int], ...]
    _weight: tuple[float, ...]

    def __init__(self, s: str):
        """Split ``s`` into words and list its candidate spans; :meth:`finish` completes the
        region once the spans' keys are looked up (a document looks up all its new regions'
        keys in one search)."""
        # word 0's sentence start and previous word depend on the text around: see _context
        w = _token(s, 0, True)
        if w is not None and w.end == len(s):
            # one word, as most new stretches are (a new town's name): what _words would give
            words = [w]
            keys = [normalize(w.text)]
            spans = [(0, 1, keys[0])] if w.cap and w.lower != "the" else []
        else:
            words = _words(s)
            keys = [normalize(w.text) for w in words]
            spans = list(_spans(s, [(k, w.cap, w.lower, w.start, w.end)
                                    for k, w in zip(keys, words)]))
        self.words, self.found = words, spans  # until finish()
        self.keys = tuple(keys)

    def finish(self, g: Gazetteer, s: str, lo: list[int], hi: list[int],
               by_skeleton: Container[int] = frozenset()) -> None:
        """Complete the region with the name-index rows ``lo:hi`` of each candidate span
        (those in ``by_skeleton`` found by their skeleton only)."""
        words: Sequence[_Word] = self.words
        spans: Sequence[tuple[int, int, str]] = self.found
        n = len(words)
        found = [(i, j, k, _key_info(g, a, b) if m not in by_skeleton else
                  _weak_info(_key_info(g, a, b)))
                 for m, ((i, j, k), a, b) in enumerate(zip(spans, lo, hi))
                 if b > a and words[j - 1].lower not in _INNER]
        if len(found) > 1:
            found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
        weight = [-1.0] * n
        for i, j, _, info in found:
            if j == i + 1:
                weight[i] = info[2]
        self.caps = tuple(i for i in range(n) if words[i].cap)
        self.cap_lowers = tuple({words[i].lower for i in self.caps})
        # speakers ("Johnson said"): not the last word of a known multi-word place
        # ("Tamil Nadu said")
        ends = {j - 1 for i, j, _, _ in found if j > i + 1}
        self.speech = tuple(i for i in self.caps if weight[i] < 5.5 and i not in ends)
        kept = []
        for i, j, k, info in found:
            # "Kherson-Ivanov": a name glued to a word the gazetteer does not know is no place
            glued = j < n and s[words[j - 1].end:words[j].start] == "-" and words[j].cap \
                and weight[j] < 0
            if not glued:
                kept.append((i, j, k, info, _verdict(words[i].text, words[i].lower, j == i + 1,
                                                     k, info)))
        self.found = tuple(kept)
        self._multi = tuple((i, j) for i, j, _, _ in found if j > i + 1)
        self._weight = tuple(weight)
        if n == 1:
            self._plain = ((), ())  # one word alone names no person by these rules
        else:
            person, surnames = _person_marks(words, weight.__getitem__, set(self._multi))
            self._plain = (tuple(sorted(person)), tuple(sorted(surnames)))
        # plain tuples (fields _START … _PREV): the collector skips them, not NamedTuples
        self.words = tuple(tuple(w) for w in words)

    def frozen(self) -> tuple:
        """The region as the cache keeps it: a plain tuple of tuples (fields ``_R_*``), which
        the garbage collector stops tracking, unlike an object."""
        r = (self.words, self.keys, self.found, self.speech, self.caps, self.cap_lowers,
             self._plain, self._multi, self._weight)
        return (*r, _pair_like(r))

    @staticmethod
    def build(g: Gazetteer, strings: list[str]) -> list[tuple]:
        """The regions of ``strings`` (:meth:`frozen`), with one look-up for all their
        candidate spans."""
        regions = [_Region(s) for s in strings]
        keys = [k for r in regions for _, _, k in r.found]
        lo, hi = g.matches_hashes(name_hashes(keys))
        lo, hi = lo.tolist(), hi.tolist()
        # an unknown span may be a mixed transliteration ("Hulyaipole"): try its skeleton
        # ("Sony", "NIMBY": a word whose last letter alone differs is no transliteration)
        miss = [(k, sk) for k, (key, a, b) in enumerate(zip(keys, lo, hi))
                if a == b and (sk := _skeleton_of(key))]
        by_skeleton = set()
        if miss:
            lo2, hi2 = g.matches_hashes(name_hashes([sk for _, sk in miss]))
            for (k, _), a, b in zip(miss, lo2.tolist(), hi2.tolist()):
                lo[k], hi[k] = a, b
                by_skeleton.add(k)
        at = 0
        out = []
        for r, s in zip(regions, strings):
            n = len(r.found)
            r.finish(g, s, lo[at:at + n], hi[at:at + n],
                     {k - at for k in by_skeleton if at <= k < at + n} if by_skeleton else ())
            out.append(r.frozen())
            at += n
        return out


(_R_WORDS, _R_KEYS, _R_FOUND, _R_SPEECH, _R_CAPS, _R_CAP_LOWERS, _R_PLAIN, _R_MULTI, _R_WEIGHT,
 _R_PAIR) = range(10)  # the fields of a frozen region


def _titled(r: tuple) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """(words that are people, surnames) of frozen region ``r`` after a title ("mayor
    Kobzar": the run starts with a person). Rare enough to compute when needed."""
    words = [_Word(-2, -1, "", _A_TITLE, False, False), *(_Word(*w) for w in r[_R_WORDS])]
    weight = r[_R_WEIGHT]
    person, surnames = _person_marks(words, lambda i: weight[i - 1] if i else -1.0,
                                     {(i + 1, j + 1) for i, j in r[_R_MULTI]})
    return tuple(sorted(i - 1 for i in person)), tuple(sorted(surnames))


# Lower-case particles inside surnames ("Mike de Kock", "Ursula von der Leyen", "Vincent van
# Gogh", "Mohammed bin Rashid"): after a given name, the capitalised words past them are the
# surname.
_PARTICLES = {"de", "van", "von", "der", "den", "da", "di", "le", "la", "du", "del", "della",
              "dos", "das", "ten", "ter", "bin", "ibn", "bint"}
_PARTICLE_BEFORE = re.compile(
    r"\b([A-Z][\w'’]*)[ \t]+(?:(?:{p})[ \t]+(?:[A-Z][\w'’-]*[ \t]+)?)*(?:{p})[ \t]+$".format(
        p="|".join(sorted(_PARTICLES))))


# An age before a name, with no article ("Nine-year-old Georgia Stevens", "35-year-old
# Herbert Lattin"; "a 35-year-old Ohio man" is a place), or in apposition after it ("Georgia,
# 9, said", "Dora, 62.", "Vernon Adkins, aged 40,"; not after "in" or in a list of counts
# "in Kyiv, 25, Kharkiv, 30, and Odesa").
_AGE_BEFORE = re.compile(r"(?:(\w+)[ \t]+)?[\w-]+[- ](?:year|month)s?[- ]old[ \t]*$", re.I)
_DETERMINERS = {"a", "an", "the", "this", "that", "his", "her", "their", "our", "my", "its",
                "one", "another"}
_COUNT_BEFORE = re.compile(r"\d[ \t]*,[ \t]*$")
_AGE_AFTER = re.compile(r",[ \t]*(?:aged[ \t]+)?\d{1,3}[ \t]*(?:[;)]|\.(?!\d)|,(?![ \t]*[A-Z]))")
# Nouns an age and a place qualify together ("12-year-old Texas girl"): then the name is the
# place.
_PERSON_NOUNS = {"man", "woman", "boy", "girl", "men", "women", "boys", "girls", "teen",
                 "teenager", "child", "student", "resident", "native", "mother", "father",
                 "driver", "son", "daughter", "player", "person", "pupil", "youth", "male",
                 "female", "veteran", "soldier", "officer", "worker"}
_NEXT_WORD = re.compile(r"[ \t]+([a-z]+)")


def _aged_before(text: str, start: int, r: tuple) -> bool:
    """Whether the region ``r`` at ``start`` follows an age with no article before it and is
    no place qualifying a noun after it ("12-year-old Texas girl")."""
    m = _AGE_BEFORE.search(text, max(0, start - 30), start)
    if m is None or (m.group(1) or "").lower() in _DETERMINERS:
        return False
    nxt = _NEXT_WORD.match(text, start + r[_R_WORDS][-1][_END])
    return nxt is None or nxt.group(1) not in _PERSON_NOUNS


def _particle_before(text: str, start: int) -> bool:
    """Whether the name at ``start`` follows a given name and surname particles ("Mike de",
    "Ursula von der", "Hamdan bin Mohammed bin"), so it ends a person's name."""
    m = _PARTICLE_BEFORE.search(text, max(0, start - 60), start)
    return m is not None and m.group(1).lower() in lex.GIVEN_NAMES


def _aged(r: tuple) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """(words that are people, names to drop elsewhere) of frozen region ``r`` next to an age:
    besides the people its words alone reveal, its first run of up to three capitalised words
    is a person, unless the gazetteer knows the run as one place; each word of that run may
    stand for the person later (a feature calls a child "Georgia")."""
    words = r[_R_WORDS]
    n = len(words)
    j = 0
    while j < n and j < 3 and words[j][_CAP] and words[j][_LOWER] not in _STOP and (
            j == 0 or words[j][_START] - words[j - 1][_END] <= 2):
        j += 1
    marks, names = r[_R_PLAIN]
    if not j or (0, j) in r[_R_MULTI]:
        return marks, names
    # with the people the words alone reveal ("Master Sgt Johnathan J. Dunbar")
    return (tuple(sorted({*marks, *range(j)})),
            tuple({*names, *(words[k][_LOWER] for k in range(j))}))


def _pair_like(r: tuple) -> bool:
    """Whether frozen region ``r`` is two or three capitalised words one blank apart, none a
    function word or title, that the gazetteer knows as no one place and whose last word is
    no strong place: the shape of a given name and a surname ("Sidney Crosby")."""
    words = r[_R_WORDS]
    n = len(words)
    if not 2 <= n <= 3 or r[_R_WEIGHT][-1] >= 5.0 or any((0, k) in r[_R_MULTI]
                                                          for k in range(2, n + 1)):
        return False
    if words[-1][_TEXT].isupper() or words[0][_TEXT].isupper() \
            or any(ch.isdigit() for ch in words[0][_TEXT]):
        return False  # "California DMV", "SME Mauritius", "A429 Cirencester"
    if any(i == 0 and j == 1 and info[6] for i, j, _, info, _ in r[_R_FOUND]):
        return False  # "Japanese Twitter", "Georgian Ministry": a demonym qualifies a noun
    return all(w[_CAP] and w[_LOWER] not in _STOP
               and (k == 0 or w[_START] - words[k - 1][_END] == 1) for k, w in enumerate(words))


def _chunks(s: str) -> list[tuple[int, str]]:
    """The chunks of a stretch (offset, text): its parts between lower-case inner words."""
    out: list[tuple[int, str]] = []
    pos = 0
    while True:
        m = _CHUNK_AT.match(s, pos)
        if not m:
            return out
        out.append((pos, m.group()))
        link = _LINK.match(s, m.end())
        if not link:
            return out
        pos = link.end()


def _cross_keys(s: str, parts: list[tuple[int, str]], memo: dict) -> list[str]:
    """The keys of the candidate spans of stretch ``s`` that cross a link between its chunks
    ``parts`` (whose regions are in ``memo``): the only spans its chunks do not cover."""
    seq: list[tuple[str, bool, str, int, int]] = []  # (key, cap, lower, start, end) per word
    links = set()  # positions in seq of the links' words
    for k, (off, cs) in enumerate(parts):
        if k:
            prev_end = parts[k - 1][0] + len(parts[k - 1][1])
            for lm in _INNER_WORD.finditer(s, prev_end, off):
                links.add(len(seq))
                w = lm.group()
                seq.append((w, False, w, lm.start(), lm.end()))
        r = memo[cs]
        for w, key in zip(r[_R_WORDS], r[_R_KEYS]):
            seq.append((key, w[_CAP], w[_LOWER], off + w[_START], off + w[_END]))
    return [key for i, j, key in _spans(s, seq)
            if seq[j - 1][2] not in _INNER and not links.isdisjoint(range(i + 1, j))]


def _link_windows(s: str, parts: list[tuple[int, str]], memo: dict) -> list[str] | None:
    """The window around each link between the chunks ``parts`` of stretch ``s`` — the last
    word before it, its words, the first word after (:func:`map_app._text.link_windows`) — or
    None when a chunk's edge word has no key: then no window rules a name out."""
    out = []
    for k in range(1, len(parts)):
        (o1, c1), (o2, c2) = parts[k - 1], parts[k]
        left = memo[c1][_R_KEYS][-1].rpartition(" ")[2]
        right = memo[c2][_R_KEYS][0].partition(" ")[0]
        if not (left and right):
            return None
        out.append(" ".join([left, *_INNER_WORD.findall(s, o1 + len(c1), o2), right]))
    return out


def _spans(s: str, words: list[tuple]):
    """``(i, j, key)`` of every candidate span of ``words`` — ``(key, cap, lower, start,
    end)`` of each word of ``s`` in order: at most :data:`MAX_WORDS` words, starting on a
    capitalised word, joined by one or two blanks or a hyphen, each capitalised or one that may
    sit inside a name. A span's key is its words' keys joined by spaces (the gaps normalise to
    one space), and words recur far more than spans."""
    n = len(words)
    for i in range(n):
        key, cap, lower, st, _ = words[i]
        if not cap or lower == "the":
            continue
        yield i, i + 1, key
        for j in range(i + 2, min(n, i + MAX_WORDS) + 1):
            a, b = words[j - 2], words[j - 1]
            if not _RUN_GAP.fullmatch(s, a[4], b[3]):
                break
            if not b[1] and b[2] not in _INNER and b[2] not in _TRAILING \
                    or not _same_script(a[0], b[0]):
                break
            key = f"{key} {b[0]}" if key and b[0] else normalize(s[st:b[4]])
            yield i, j, key



# Read backwards from a run's first word: the blanks and opening marks before it, and the
# word before it (as _PREV_WORD would find it).
_BACK_SENT = re.compile(f"[{re.escape(_BEFORE_RUN)}]*")
_BACK_WORD = re.compile(r"[ \t]*\(?[ \t]*([\w'’.]*)")
_BACK_LETTERS = re.compile(r"[\w'’.]*")


def _context(text: str, start: int) -> tuple[bool, str, bool]:
    """Whether the word at ``start`` opens a sentence, the word before it (lower case), and
    whether that word is a title right before it ("mayor Kobzar")."""
    lo = max(0, start - 25)
    back = text[lo:start][::-1]
    if back[:1] == " " and back[1:2].isalpha():
        # the usual case, "… in Kyiv": one blank after a word, mid-sentence
        word = _BACK_LETTERS.match(back, 1).group()  # type: ignore[union-attr]  # matches ""
        prev = word[::-1].lower().rstrip(".")
        return False, prev, prev in lex.TITLES
    k = _BACK_SENT.match(back).end()  # type: ignore[union-attr]  # matches "": never None
    if k < len(back):
        sent = back[k] in _SENTENCE_END
    elif lo == 0:
        sent = True
    else:  # a long stretch of blanks: walk on
        j = lo - 1
        while j >= 0 and text[j] in _BEFORE_RUN:
            j -= 1
        sent = j < 0 or text[j] in _SENTENCE_END
    m: re.Match[str] = _BACK_WORD.match(back)  # type: ignore[assignment]  # matches "" always
    word = m.group(1)
    if not word:
        return sent, "", False
    prev = word[::-1].lower().rstrip(".")
    return sent, prev, prev in lex.TITLES and not sent and m.start(1) == 1


def _remember(g: Gazetteer, memo: dict, strings: set[str]) -> None:
    """Put the regions of new stretches in ``memo``, building them in batches: a stretch
    joined by "and", "of" … is kept as its chunks unless the gazetteer knows a name across a
    link, so "Kyiv and Kharkiv" costs two cached look-ups, not a new region."""
    whole, composite = [], {}
    for s in strings:
        if " " not in s and "\t" not in s and "-" not in s:
            whole.append(s)  # one word: no link to split at
            continue
        parts = _chunks(s)
        if len(parts) < 2:
            whole.append(s)
        else:
            composite[s] = parts
    chunk_strings = {cs for parts in composite.values() for _, cs in parts if cs not in memo}
    todo = list(dict.fromkeys(whole + sorted(chunk_strings)))
    if todo:
        memo.update(zip(todo, _Region.build(g, todo)))
    if not composite:
        return
    # most stretches join names no gazetteer name spans ("Kyiv and Kharkiv"): the windows
    # around their links say so without listing the names that cross them
    windows = {s: _link_windows(s, parts, memo) for s, parts in composite.items()}
    flat = [w for ws in windows.values() if ws for w in ws]
    known = iter(g.has_link_window(name_hashes(flat)).tolist())
    keys = {}
    for s, ws in windows.items():
        if ws is None or any([next(known) for _ in ws]):
            keys[s] = _cross_keys(s, composite[s], memo)
        else:
            memo[s] = (None, tuple(composite[s]))
    if not keys:
        return
    flat = [k for ks in keys.values() for k in ks]
    lo, hi = g.matches_hashes(name_hashes(flat))
    hits = iter((hi > lo).tolist())
    crossing = []
    for s, ks in keys.items():
        if any([next(hits) for _ in ks]):
            crossing.append(s)  # "Bosnia and Herzegovina": one region, as written
        else:
            memo[s] = (None, tuple(composite[s]))  # its chunks, not a region
    if crossing:
        memo.update(zip(crossing, _Region.build(g, crossing)))


# Whole-text substring tests a document's "used in lower case?" questions may cost before its
# lower-case words are listed once (listing them costs about 40 tests). A news article stays
# under the limit (with 64, none of the 300 bench articles and two corpora lists its words
# sooner than with none): only a long text lists them early, which keeps its cost linear.
_SEEN_SCANS = 100

# A run as the passes hand it on: (start, _Region, opens a sentence, word before it, indices
# of its words marked as a person's name, indices of speakers). Tuples, for speed.
_Todo = tuple[int, Any, bool, str, tuple[int, ...], tuple[int, ...]]


class _Document:
    """What the passes of :func:`find_toponyms` share about one document: its text, the
    surnames it reveals, whether a word is used in lower case in it, and the decisions so far
    (kept names, names deferred as common words, and :class:`_Evidence` for weak ones)."""

    __slots__ = ("g", "text", "common", "surnames", "out", "deferred", "ev", "_lower",
                 "_scans", "_nouns", "cells")

    def __init__(self, g: Gazetteer, text: str):
        self.g, self.text = g, text
        self.common = lex.common_words()
        self.surnames: set[str] = set()
        self.out: list[Toponym] = []
        self.deferred: list[Toponym] = []  # region and country names left out as common words
        self._lower: set[str] | None = None
        self._scans = _SEEN_SCANS  # substring tests left before the words are listed
        self._nouns: list[tuple[int, int, int]] | None = None
        self.ev = _Evidence(g, text, self.seen)  # what a name too weak alone may be placed by
        self.cells = _label_cells(text)

    def seen(self, lw: str, plural: bool = False) -> bool:
        """Whether ``lw`` is used in lower case in the document (or, with ``plural``, its
        plural too). Most names never are, and a substring test says so without listing the
        document's words (a text without "bank" has no "banks" either). But each test reads
        up to the whole text: after :data:`_SEEN_SCANS` of them the words are listed, and
        every later question is a set look-up (linear in the text however many names ask)."""
        if self._lower is None:
            if self._scans:
                self._scans -= 1
                if lw not in self.text:
                    return False
            self._lower = set(_LOWER_WORD.findall(self.text))
        return lw in self._lower or (plural and lw + "s" in self._lower)

    def nouns(self) -> list[tuple[int, int, int]]:
        """Spans of the document's settlement nouns (:func:`_settlement_nouns`), found once."""
        if self._nouns is None:
            self._nouns = _settlement_nouns(self.text)
        return self._nouns

    def _settlement(self, s: int, e: int, info: tuple) -> np.ndarray | None:
        """Which readings of the name at ``s:e`` (:func:`_key_info` ``info``) a settlement's
        noun before it (:func:`_settlement_noun`) or right after it (:data:`_NOUN_AFTER`)
        leaves: its settlements, its cities after "city" ("the city of Liman" is Lyman, not
        the village Liman); None without the noun or when no reading is a settlement."""
        nouns = self.nouns()
        noun = _settlement_noun(self.text, nouns, s) if nouns else None
        if not noun and self.text[e:e + 2] in _NOUN_AFTER_OPENS \
                and _NOUN_AFTER.match(self.text, e):
            noun = "village"  # "the Volonterovka settlement"
        if not noun:
            return None
        kinds = self.g.col("kind")[info[0]]
        keep = _SETTLEMENT_KINDS[kinds]
        if not keep.any():
            # a city's part that was a village of its own ("the Volonterovka settlement" of
            # Mariupol): the news still calls it one
            keep = kinds == _DISTRICT_KIND
            if not keep.any():
                return None
        if noun in _CITY_NOUNS:
            # a city, or a seat of its area too small to be counted one (Zolochiv, a hromada's
            # seat of 8,000 people, is "the city of Zolochiv" in Ukraine's own usage)
            seat = np.isin(self.g.col("fcode")[info[0]], _seat_codes(self.g))
            town = (kinds == _CITY_KIND) | seat
            if town.any():
                keep = town
        return keep

    def place(self, verdict: bool | str | None, key: str, info: tuple, first: tuple,
              sent: bool, locative: bool, s: int, e: int, single: bool) -> bool:
        """Settle the verdict on the span ``s:e`` (the name ``key``, :func:`_key_info`
        ``info``, its first word ``first``) and keep it when it is a place: among the names,
        the pending ones, or (a lone region or country name left out as a common word) the
        deferred ones. Whether it was kept."""
        text = self.text
        # (a name placed on its own strength keeps its readings: "the city of Kyiv")
        if verdict is not True and (s, e) in self.cells:
            verdict = True  # a label: the whole text or cell is this name ("Pisky")
        keep = self._settlement(s, e, info) if verdict is not True else None
        if keep is not None:
            # "the village of Pisky", "the city of Liman": a place however common the word,
            # and one of its settlements
            verdict = True
            if not keep.all():
                info = (info[0][keep], info[1][keep], *info[2:])
        if verdict is None:
            verdict = _is_place(first[_TEXT], first[_LOWER], sent, info, self.seen, self.common,
                                locative, first[_TEXT][-1] == "." and _after_place(text, s))
        if verdict is False and info[5] not in _AREA_KINDS and first[_LOWER] not in _STOP:
            verdict = self.ev.weak(s, e, info, first[_LOWER])
        if not verdict:
            if verdict is False and single and info[5] in _AREA_KINDS:
                self.deferred.append(Toponym(text[s:e], s, e, key, info[0], info[1], locative))
            return False
        t = Toponym(text[s:e], s, e, key, info[0], info[1], locative)
        (self.ev.pending if verdict is _PENDING else self.out).append(t)
        return True


_LABEL_MAX = 120  # characters of a text read as a label or a row of labels
_LABEL_END = " \t\r\n.;:!?"


def _label_cells(text: str) -> frozenset[tuple[int, int]]:
    """The spans of a short text that hold nothing but a name if a name fills them: the whole
    text and each of its tab-separated cells, trimmed of blanks and end punctuation. A place
    column of a spreadsheet or an event dataset ("Pisky", "Donetsk Oblast\tBakhmut District
    \tZaitseve") is a place's name by its slot, however common the word."""
    if len(text) > _LABEL_MAX:
        return frozenset()
    cells = set()
    at = 0
    for cell in text.split("\t"):
        stripped = cell.rstrip(_LABEL_END)
        a = len(cell) - len(cell.lstrip())
        if len(stripped) > a:
            cells.add((at + a, at + len(stripped)))
        at += len(cell) + 1
    return frozenset(cells)


def find_toponyms(text: str, gazetteer: Gazetteer | None = None) -> list[Toponym]:
    """Spans of ``text`` that name places, longest match first, left to right.

    The passes: the document's runs of capitalised words and their candidate spans
    (:func:`_runs`); the people the whole document reveals (:func:`_people`,
    :func:`_surname_runs`); the decision on each span (:func:`_decide_word`,
    :func:`_decide_run`); then the names only the others place (:func:`_named_otherwise`,
    :meth:`_Evidence.qualified`) and names holding a comma (:func:`_comma_names`).

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
    doc = _Document(g, text)
    regions, place_words = _runs(g, text)
    # lone capitalised Latin words the gazetteer does not know: perhaps a town mistyped
    # (and such a word before a settlement's noun: "the Robotyn village of …")
    unknown = [(st + w[_START], w[_TEXT]) for st, r in regions
               if not r[_R_FOUND] and (len(r[_R_WORDS]) == 1 or len(r[_R_WORDS]) == 2
                                       and r[_R_WORDS][1][_LOWER] in _NOUNS_AFTER)
               and len((w := r[_R_WORDS][0])[_TEXT]) >= _SLIP_MIN[1] and w[_TEXT].isascii()]
    todo = _surname_runs(doc, *_people(doc, regions, place_words))
    for run in todo:
        if len(run[1][_R_WORDS]) == 1:
            _decide_word(doc, *run)  # the common case, a lone word ("Kyiv")
        else:
            _decide_run(doc, *run)
    out = doc.out
    if doc.deferred and out:
        out.extend(_named_otherwise(g, doc.deferred, out))
    if doc.ev.pending:
        out.extend(doc.ev.qualified(out))
    out.sort(key=lambda t: t.start)
    unknown += _area_adjectives(text, regions, out)
    tails = _lower_tails(doc, unknown) if unknown else []
    if tails:  # the word is the name's first, not a slip of a name of its own
        unknown = [u for u in unknown if not any(t.start == u[0] for t in tails)]
    loose = _loose_names(doc, unknown) + tails
    # the runs of several words, with the word before when the people pass read it
    multi: list[tuple] = [t for t in todo if len(t[1][_R_WORDS]) > 1]
    multi += [(st, r, False, None, (), ()) for st, r in regions
              if not r[_R_FOUND] and len(r[_R_WORDS]) > 1]
    if multi:
        runs = _sound_runs(doc, multi)
        if runs:  # the whole run, not the words of it taken for names ("Malaya" of Malaya Rohan)
            out = [t for t in out if not any(x.start < t.end and t.start < x.end for x in runs)]
            loose += runs
    if "istrict" in text or "aion" in text or "ayon" in text:
        districts = _district_names(doc, out + loose)
        if districts:  # the whole "Swativ district", not the town in it read alone
            out = [t for t in out if not any(x.start < t.end and t.start < x.end
                                             for x in districts)]
            loose += districts
    if loose:
        out = sorted(out + loose, key=lambda t: t.start)
    if ", " in text:
        out = _comma_names(text, g, out)
    if out and has_cyrillic(text):
        out = _shared_noun_names(text, g, out)
    if any(t.key in lex.WEAPON_NAMES for t in out) and _at_home(doc):
        out = [t for t in out if t.key not in lex.WEAPON_NAMES]  # "a Bayraktar near Lozova"
    return out


# A name's next word written in lower case ("Chasiv yar", "Kryvyi rih")
_LOWER_TAIL = re.compile(r"[ \t-]([a-z][a-z'’]+)\b")


def _lower_tails(doc: _Document, unknown: list[tuple[int, str]]) -> list[Toponym]:
    """An unknown capitalised word and the lower-case word after it that together name a
    town or village of a country the gazetteer holds completely, by its own name or a
    spelling of it ("Destroyed school in Chasiv yar": Chasiv Yar)."""
    text, g = doc.text, doc.g
    spans, keys = [], []
    for s, w in unknown:
        m = _LOWER_TAIL.match(text, s + len(w))
        if m is not None and m.group(1) not in _STOP:
            spans.append((s, m.end()))
            keys.append(normalize(text[s:m.end()]))
    if not keys:
        return []
    lo, hi = g.matches_hashes(name_hashes(keys))
    res = []
    for (s, e), key, a, b in zip(spans, keys, lo.tolist(), hi.tolist()):
        if a < b:
            entries, flags = g.rows(a, b)
            keep = _home_towns(g, entries)
            if keep.any():
                res.append(Toponym(text[s:e], s, e, key, entries[keep], flags[keep], True))
    return res


def _area_adjectives(text: str, regions: list[tuple[int, Any]], out: list[Toponym]
                     ) -> list[tuple[int, str]]:
    """(start, text) of the lone words known only as areas, left out, before "direction",
    "axis" …: a town's adjective that an old raion's name shares ("the Lymansky direction"
    is Lyman's, not the raion of Odesa oblast), for :func:`_axis` to read."""
    starts = set()
    for word in _PLACE_WORDS:  # (:data:`_PLACE_AFTER`'s words, as lower case writes them)
        i = text.find(word)
        while i >= 0:
            # a capitalised word before, one blank apart ("Lymansky direction")
            if i and text[i - 1] == " ":
                j = text.rfind(" ", 0, i - 1) + 1
                if text[j].isupper() and not text[i + len(word):i + len(word) + 1].isalpha():
                    starts.add(j)
            i = text.find(word, i + 1)
    if not starts:
        return []
    placed = {t.start for t in out}
    keys = [st for st, _ in regions]
    res = []
    for s in sorted(starts - placed):
        k = bisect.bisect_left(keys, s)
        if k < len(keys) and keys[k] == s:
            r = regions[k][1]
            found = r[_R_FOUND]
            if found and len(r[_R_WORDS]) == 1 and found[0][3][5] in _AREA_KINDS:
                res.append((s, r[_R_WORDS][0][_TEXT]))
    return res


def _runs(g: Gazetteer, text: str) -> tuple[list[tuple[int, Any]], set[str]]:
    """Tokenising: ``(start, _Region)`` of each run of capitalised words of ``text`` (a
    stretch joined by "and", "of" … split into its chunks unless a name crosses a link), and
    the lower-case capitalised words of the runs that may name a place. Regions are cached by
    stretch across documents."""
    memo = g.memo("toponyms.region", 100_000)  # ~1 KB each
    stretches = [(m.start(), m.group()) for m in _REGION.finditer(text)]
    new = {s for _, s in stretches if s not in memo}
    if new:
        _remember(g, memo, new)
    regions = []
    place_words: set[str] = set()
    for st, s in stretches:
        r = memo[s]
        if r[0] is None:
            for off, cs in r[1]:
                r = memo[cs]
                regions.append((st + off, r))
                if r[_R_FOUND]:
                    place_words.update(r[_R_CAP_LOWERS])
        else:
            regions.append((st, r))
            if r[_R_FOUND]:
                place_words.update(r[_R_CAP_LOWERS])
    return regions, place_words


def _people(doc: _Document, regions: list[tuple[int, Any]], place_words: set[str]
            ) -> tuple[list[_Todo], list[tuple[int, str]], set[str]]:
    """People and organisations: each run that may name a place with the words of it that
    name a person (titles, ages, particles, speakers), the surnames it reveals (into
    ``doc.surnames``), the runs that may be a given name and a surname (``(index, last
    word)``) and the words that stand alone as a run somewhere."""
    text = doc.text
    todo: list[_Todo] = []
    lone: set[str] = set()
    pairs = []
    for st, r in regions:
        if not r[_R_FOUND] and place_words.isdisjoint(r[_R_CAP_LOWERS]):
            continue  # names no place and shares no word with one: it cannot matter
        words = r[_R_WORDS]
        # "У Курдюмовки …": the preposition opening the sentence is the name's word before
        sent0, prev0, title = _context(text, st + words[0][_START] if words[0][_START]
                                       and starts_cyrillic(text[st]) else st)
        if not sent0 and len(words) == 1 and prev0 not in _DETERMINERS \
                and not prev0.endswith(_POSSESSIVE_ENDS) and not words[0][_TEXT].isupper():
            # capitalised mid-sentence with no article or possessive: a name ("Crosby", not
            # "the Police", "Oregon's Guard")
            lone.add(words[0][_LOWER])
        if title or prev0 in _PARTICLES or prev0 == "old" \
                or text.startswith(",", st + words[-1][_END]):
            marks, names = _run_marks(text, st, r, prev0, title)
        else:
            marks, names = r[_R_PLAIN]  # the common case, without a call
        if names:
            doc.surnames.update(names)
        speech = _speakers(text, st, words, r[_R_SPEECH], sent0, prev0) if r[_R_SPEECH] else ()
        if speech:
            doc.surnames.update([words[i][_LOWER] for i in speech])
        if r[_R_FOUND]:
            if r[_R_PAIR] and not marks and prev0 not in lex.LOCATIVE \
                    and prev0 not in _DETERMINERS:  # "the Venice Commission" is no person
                pairs.append((len(todo), words[-1][_LOWER]))
            todo.append((st, r, sent0, prev0, marks, speech))
    return todo, pairs, lone


def _run_marks(text: str, st: int, r: tuple, prev0: str, title: bool
               ) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """The indices of the run's words that name a person, and the surnames they reveal."""
    if title or (prev0 in _PARTICLES and _particle_before(text, st)):
        # "mayor Kobzar"; "Mike de Kock", "Ursula von der Leyen": the run is a person
        return _titled(r)
    end = st + r[_R_WORDS][-1][_END]
    if prev0 == "old" and _aged_before(text, st, r) or (
            text.startswith(",", end) and len(r[_R_WORDS]) <= 3
            and prev0 not in lex.LOCATIVE and _AGE_AFTER.match(text, end)
            and not _COUNT_BEFORE.search(text, max(0, st - 6), st)):
        # "Nine-year-old Georgia Stevens", "Georgia, 9,": a person, whom a feature then
        # calls by either name ("Georgia began skating")
        return _aged(r)
    return r[_R_PLAIN]


def _speakers(text: str, st: int, words: tuple, candidates: tuple[int, ...], sent0: bool,
              prev0: str) -> tuple[int, ...]:
    """The indices of the run's words that are speakers: "Johnson said", "said Johnson",
    unless a real place ("Moscow said …")."""
    speech: tuple[int, ...] = ()
    for i in candidates:
        w = words[i]
        p, ss = (w[_PREV], w[_SENT]) if i else (prev0, sent0)
        if p in lex.LOCATIVE:
            continue  # "from Dewsbury said": the place the speaker is from
        if (p in _SPEECH_BEFORE and not ss) or _SPEECH.match(text, st + w[_END]):
            speech = (*speech, i)
    return speech


def _surname_runs(doc: _Document, todo: list[_Todo], pairs: list[tuple[int, str]],
                  lone: set[str]) -> list[_Todo]:
    """"Sidney Crosby … Crosby scored": a run whose last word recurs alone is a person,
    unless that word is a common one ("Orange County … the County", "London Police …
    Police say")."""
    surnames = doc.surnames
    for k, last in pairs:
        if (last in lone or last in surnames) and not _is_common(last, doc.common, doc.seen):
            st, r, sent0, prev0, marks, speech = todo[k]
            todo[k] = (st, r, sent0, prev0, tuple(range(len(r[_R_WORDS]))), speech)
            surnames.add(last)
    return todo


def _decide_word(doc: _Document, st: int, r: tuple, sent0: bool, prev0: str,
                 marks: tuple[int, ...], speech: tuple[int, ...]) -> None:
    """The decision on a run of one word, with no spans to weigh against each other."""
    (w,) = r[_R_WORDS]
    _, _, key, info, verdict = r[_R_FOUND][0]
    text = doc.text
    is_person = bool(marks or speech) or w[_LOWER] in doc.surnames
    s, e = st + w[_START], st + w[_END]
    if _is_language(text, prev0, e, info):
        return  # "in English.", "speaks French": the language
    if _named_thing(text, e, prev0, info, len(w[_TEXT])):
        return  # "Su-27", "Gagarin Stadium", "Wagner group": no place
    if _institution(doc, e, info):
        return  # "the Kremlin said": the government, not the building
    if sent0 and not verdict and _dateline(text, e, w[_TEXT], key, info):
        verdict, is_person = True, False  # "BERLIN —", "KYIV, Ukraine"
    if not is_person:
        doc.place(verdict, key, info, w, sent0, prev0 in _PLACE_BEFORE, s, e, True)


def _decide_run(doc: _Document, st: int, r: tuple, sent0: bool, prev0: str,
                marks: tuple[int, ...], speech: tuple[int, ...]) -> None:
    """The decisions on the spans of a run of several words, longest first: a span kept
    takes its words from the spans that overlap it."""
    words = r[_R_WORDS]
    person = set(marks)
    if speech:
        person.update(speech)
    surnames = doc.surnames
    if surnames:
        for i in r[_R_CAPS]:
            if words[i][_LOWER] in surnames:
                person.add(i)
    taken = [False] * len(words)
    for i, j, key, info, verdict in r[_R_FOUND]:
        if True in taken[i:j]:
            continue
        if j < len(words) and _town_facility(doc, st + words[j - 1][_END], info):
            # "Hulyaipole House of Culture", "Kramatorsk College of Technology": in the town
            # (and "Hulyaipole House" is no person's name)
            person.difference_update(range(i, j + 1))
            prev, sent = (prev0, sent0) if i == 0 else (words[i][_PREV], words[i][_SENT])
            if doc.place(True, key, info, words[i], sent, True, st + words[i][_START],
                         st + words[j - 1][_END], j == i + 1):
                taken[i:j + 1] = [True] * (j + 1 - i)
            continue
        if _inside_other_name(words, i, j, info[5] == _CITY_KIND,
                              info[7] < _WEIGHTY and info[5] not in _AREA_KINDS):
            taken[i:j] = [True] * (j - i)  # nor "Mont" of "Mont-Royal Avenue"
            continue
        if j == i + 1 and i and (words[i][_LOWER] in _TRAILING or words[i][_LOWER] in _STREET) \
                and words[i - 1][_CAP] and words[i][_START] - words[i - 1][_END] == 1:
            continue  # "Frolov Island", "Kupiansk District", "Hertford Road": a name's generic
        if j == i + 1 and j < len(words) and words[i][_LOWER] in _COMPASS \
                and words[j][_CAP] and words[j][_START] - words[i][_END] == 1:
            continue  # "Central Kharkiv": the compass word of the name after it
        prev, sent = (prev0, sent0) if i == 0 else (words[i][_PREV], words[i][_SENT])
        if _decide_span(doc, st, words, i, j, key, info, verdict, prev, sent, person):
            taken[i:j] = [True] * (j - i)


# After a town's name, a facility of the town named for it ("Hulyaipole House of Culture",
# "Komyshuvakha School of …", "Mariupol Drama Theatre", "Kharkiv University")
_TOWN_FACILITY = re.compile(
    r"[ \t](?:(?:Regional|City|District|Central|Drama|Art|Music|Sports?|Secondary|Special|"
    r"Children's|Children’s|Medical|Pedagogical|Polytechnic|Technical|Technological|"
    r"Vocational|Agrarian|National|State)[ \t]+){0,2}"
    r"(?:(?:House|Palace)[ \t]+of[ \t]+Culture|School|Lyceum|Gymnasium|College|University|"
    r"Hospital|Clinic|Substation|Church|Cathedral|Monastery|Theatre|Theater|Library|Museum|"
    r"Market|Bus[ \t]+Station|Railway[ \t]+Station)\b")


# The rest of a facility's name, then the town it is in
_ELSEWHERE = re.compile(r"(?:[ \t]+(?:of|and|&|[A-Z][\w'’-]*)){0,4}[ \t]+(?:in|at)[ \t]+"
                        r"(?:the[ \t]+)?(?:city[ \t]+of[ \t]+)?[A-Z]")


def _town_facility(doc: _Document, end: int, info: tuple) -> bool:
    """Whether the name ending at ``end`` (:func:`_key_info` ``info``) opens the name of a
    facility of the town (:data:`_TOWN_FACILITY`) that the text places nowhere else, the
    name's likeliest reading being a town of a country the gazetteer holds completely: where
    a school, a hospital or a house of culture bears its town's name. Elsewhere such a name
    may be an institution's far from the town ("Washington University" is in St. Louis)."""
    m = _TOWN_FACILITY.match(doc.text, end)
    if m is None or _ELSEWHERE.match(doc.text, m.end()):
        return False  # "Sumy market in Kharkiv": named for a town, in another
    g, entries = doc.g, info[0]
    return bool(_home_towns(g, entries[g.col("importance")[entries].argmax()]))


def _inside_other_name(words: tuple, i: int, j: int, city: bool = False,
                       light: bool = False) -> bool:
    """Whether the span of words ``i:j`` opens the name of something else: a street named
    after a place ("Hertford Road"; a ``light`` name, of little importance, also with up to
    :data:`_STREET_GAP` words between, and a river's: "Zhon Myronosyts Street", "the
    Siverskiy Donets River") or a university ("Arizona State University"), unless a
    ``city``'s national, state or specialised school ("Kharkiv National University",
    "Kramatorsk Technological College": in the city, as such schools are;
    :data:`_CITY_SCHOOLS`)."""
    if j < len(words) and words[j][_CAP] and words[j][_START] - words[j - 1][_END] == 1:
        if words[j][_LOWER] in _STREET:
            return True
        for k in range(j + 1, min(len(words), j + _STREET_GAP + 1) if light else 0):
            if not words[k][_CAP] or words[k][_START] - words[k - 1][_END] != 1:
                break
            if words[k][_LOWER] in _STREET or words[k][_LOWER] in _WATERS:
                return True  # "Zhon Myronosyts Street", "the Siverskiy Donets River"
    if city and j < len(words) and words[j][_LOWER] in _CITY_SCHOOLS:
        return False
    return _academic(words, j)


def _decide_span(doc: _Document, st: int, words: tuple, i: int, j: int, key: str, info: tuple,
                 verdict: bool | None, prev: str, sent: bool, person: set[int]) -> bool:
    """The decision on the span of words ``i:j`` of a run (after the word ``prev``): whether
    it takes its words, as a place or as a saint's building."""
    text = doc.text
    if j == i + 1:
        is_person = i in person
    else:
        hit = person.intersection(range(i, j))
        is_person = bool(hit) and len(hit) < j - i
    s, e = st + words[i][_START], st + words[j - 1][_END]
    if j == i + 1 and _is_language(text, prev, e, info):
        return False  # "in English.", "speaks French": the language
    if _named_thing(text, e, prev, info, e - s):
        return False  # "Su-27", "Gagarin Stadium", "Wagner group": no place
    if _institution(doc, e, info):
        return False  # "the White House said", "White House aides": the government
    if i == 0 and j == len(words) and sent and not verdict \
            and _dateline(text, e, text[s:e], key, info):
        verdict, is_person = True, False  # "BOSTON (AP)", "LOS ANGELES —"
    if is_person:
        return False
    if key.startswith(_SAINT) and _SAINTS_OWN.match(text, e):
        # "St. Paul's Hospital", "St. Peter's Basilica": the saint's building, not the town
        # named after the saint ("St. John's, Newfoundland" has no name after)
        return True
    return doc.place(verdict, key, info, words[i], sent, prev in _PLACE_BEFORE, s, e, j == i + 1)


# Words before a name that make it a place: the locatives ("in", "near", "of" …) and the
# verbs of war reports ("shelled Novomykhailivka", "liberated Robotyne").
_PLACE_BEFORE = lex.LOCATIVE | lex.WAR_VERBS
# After a name: "the Avdiivka direction", "the Bakhmut axis", "Krasnohorivka area".
_PLACE_WORDS = ("direction", "axis", "front", "sector", "area", "outskirts", "vicinity",
                "bridgehead", "salient", "pocket", "forest", "forestry")
_PLACE_AFTER = re.compile(r"[ \t]+(?:" + "|".join(_PLACE_WORDS) + r")\b", re.I)
# Between a name and what qualifies it: "X, Donetsk region", "X (Kharkiv oblast)", "X in the
# Khotin community", "X of the Luhansk People's Republic"; or the next name of a list.
# "of" and a name that is no area's ("Port of Odessa", not "Pisky of the Donetsk region")
_OF_TOWN = re.compile(r"[ \t]+of[ \t]+(?!the\b|(?:[A-Z][\w'’-]*[ \t]+){1,3}(?:[Rr]egion|[Oo]blast|"
                      r"[Dd]istrict|[Rr]aion|[Rr]ayon|[Cc]ommunity|[Hh]romada|[Pp]rovince|"
                      r"People))[A-Z]")
_HELD = r"(?:(?:" + "|".join(lex.HELD_WORDS) + r")[ \t]+)?"  # "…, occupied Donetsk region"
# (a short aside in brackets may come between: "Novobakhmutivka (Soloviove rada), Pokrovsk
# raion")
_CHAIN_GAP = re.compile(r"(?:[ \t]*\([^()\n]{1,30}\))?[ \t]*(?:,|\(|;|/)[ \t]*(?:and[ \t]+)?"
                        + _HELD
                        + r"|[ \t]+(?:and|or|in|of)[ \t]+(?:the[ \t]+)?" + _HELD
                        + r"(?:" + _COMPASS_WORDS + r")?"
                        # Ukrainian and Russian: "Понятівку Херсонського району", "Тягинка и
                        # Львово", "Калинівки на Вінниччині" (only before a Cyrillic name)
                        r"|[ \t]*,?[ \t]*(?:(?:та|і|й|и|або|или|на|у|в|во)[ \t]+)?"
                        r"(?=[А-ЯІЇЄҐЁ])")
_CHAIN_MAX = 8  # names in a list before its qualifier
# A settlement's noun before a name, or before the list the name ends ("the village of Pisky",
# "the settlements of Berestove, Synkivka and Pishchane", "N.P. Roty"): see
# :data:`map_app._lexicon.SETTLEMENT_NOUNS`.
_UPPER = r"[^\W\d_a-zа-яіїєґё]"  # an upper-case letter, Latin or Cyrillic
_SETTLEMENT_TAIL = re.compile(
    r"(?:[ \t]+(?:of|called|named))?(?:[ \t]+the)?[ \t]+"
    rf"(?:{_UPPER}[\w'’\-]*(?:[ \t]+{_UPPER}[\w'’\-]*){{0,3}}"
    r"(?:[ \t]*,[ \t]*(?:(?:and|or)[ \t]+)?|[ \t]+(?:and|or|та|і|и)[ \t]+))*")


def _seat_codes(g: Gazetteer) -> list[int]:
    """The gazetteer's codes of the seats of capitals and admin areas (PPLC, PPLA…PPLA4)."""
    memo = g.memo("toponyms.seats", 1)
    if "codes" not in memo:
        memo["codes"] = [k for k, c in enumerate(g.table("fcode"))
                         if c == "PPLC" or c.startswith("PPLA")]
    return memo["codes"]


def _settlement_nouns(text: str) -> list[tuple[int, int, int]]:
    """Spans of the settlement nouns of ``text`` (:data:`map_app._lexicon.SETTLEMENT_NOUNS`,
    any case, as whole words before a blank), in order, each with the start of the last name
    of the list after it. A search per stem, then the word there: one regex of them all
    costs five times as much on a news article."""
    low = text.lower()
    out = []
    for stem in _NOUN_STEMS:
        i = low.find(stem)
        while i >= 0:
            m = _NOUN_WORD.match(low, i)
            j = m.end() if m else i + len(stem)
            if m and m.group() in _NOUN_WORDS and low[j:j + 1] in (" ", "\t") \
                    and (i == 0 or not (low[i - 1].isalnum() or low[i - 1] in "._")):
                # where the list after a noun can reach: the start of its last name; a verb
                # reaches the word after it only ("shelled Ivanivka, Kherson": Kherson is
                # the qualifier, not a second object)
                tail = _SETTLEMENT_TAIL.match(text, j, j + 160) \
                    if stem not in _VERB_STEMS else None
                out.append((i, j, tail.end() if tail else j + 1))
            i = low.find(stem, j)
    out.sort()
    return out


_NOUN_WORD = re.compile(r"[^\W\d_]+\.?(?:[^\W\d_]\.)?")  # a word, or "n.p." and "n.p"
# The nouns, and the verbs whose object is a place and hardly ever a thing or a person
# (:data:`map_app._lexicon.TAKING_VERBS`: "shelled Pisky", "liberated Robotyne and Urozhaine"):
# after one a settlement's name is a place however common the word, as after a noun.
_NOUN_WORDS = lex.SETTLEMENT_NOUNS | lex.TAKING_VERBS
# their distinct beginnings: each word of _NOUN_WORDS starts with one
_VERB_STEMS = ("shell", "bomb", "liberat", "recaptur", "retook", "storm", "encircl", "besieg",
               "occupied")
_NOUN_STEMS = ("villag", "town", "city", "citie", "settlement", "hamlet", "n.p", "smt", "pgt",
               "сел", "міст", "посел", "посёл", "дерев", "город") + _VERB_STEMS


def _settlement_noun(text: str, nouns: list[tuple[int, int, int]], s: int) -> str | None:
    """The settlement's noun (lower case) whose name or list of names the word at ``s`` is
    in, of the document's ``nouns`` (see :func:`_settlement_nouns`), or None."""
    k = bisect.bisect_left(nouns, (s,)) - 1
    if k < 0:
        return None
    a, b, reach = nouns[k]
    if s > reach or s <= b:
        return None  # past the list, as almost every name is
    if s < reach and not _SETTLEMENT_TAIL.fullmatch(text, b, s):
        return None  # inside the list, but not where a name of it starts
    return text[a:b].lower()


_SETTLEMENT_KINDS = np.array([KINDS[k] in ("city", "village") for k in range(len(KINDS))])
_CITY_KIND = KINDS.index("city")
_VILLAGE_KIND = KINDS.index("village")
_CITY_NOUNS = {"city", "cities", "місто", "міста", "місті", "город", "города", "городе"}
_PENDING = "pending"  # a verdict: a place if what follows holds it


# A war noun and "on" or "against" before a name: the name is its target ("a drone strike on
# Dovhenke", "the attack against Novomykhailivka")
_STRIKE_ON = re.compile(r"\b(?:strikes?|attacks?|raids?|assaults?|shelling|bombardment|"
                        r"offensive|counteroffensive|advance)[ \t]+(?:on|against|upon)[ \t]+$",
                        re.I)


# (unless a facility's name goes on: "a strike on Prydniprovska thermal power plant")
_FACILITY_AFTER = re.compile(r"(?:[ \t]+[a-z]+){0,3}[ \t]+(?:plant|station|factory|works|"
                             r"depot|base|airfield|port|bridge|dam)\b")


def _strike_on(text: str, s: int, e: int) -> bool:
    """Whether the name at ``s:e`` follows a war noun and "on" (:data:`_STRIKE_ON`) and no
    facility's name goes on after it."""
    return text[s - 3:s] in ("on ", "st ") \
        and _STRIKE_ON.search(text, max(0, s - 40), s) is not None \
        and _FACILITY_AFTER.match(text, e) is None


class _Evidence:
    """What places a name too weak to stand alone (a village of no recorded population): a
    word of place after it ("the Avdiivka direction"), a line that only lists places (a
    location field: "Terny, Lymanska urban community, Kramatorsk District"), or a qualifier
    that holds one of its readings ("Novomykhailivka, Donetsk region"; decided once every
    strong name is known, by :meth:`qualified`)."""

    __slots__ = ("g", "text", "seen", "pending", "_lines")

    def __init__(self, g: Gazetteer, text: str, seen):
        self.g, self.text, self.seen = g, text, seen
        self.pending: list[Toponym] = []
        self._lines: list[tuple[int, int]] | None = None

    def weak(self, s: int, e: int, info: tuple, lw: str) -> bool | str:
        """The verdict on the weak name at ``s:e`` (:func:`_key_info` ``info``, ``lw`` its
        first word in lower case): True, :data:`_PENDING` (a place if its qualifier holds it)
        or False. A common word ("the Hills area") is placed only by a qualifier."""
        text = self.text
        pending = _PENDING if _CHAIN_GAP.match(text, e) else False
        if info[5] < 0:
            # known only by other names of small places ("Ivano-Dar'yivka", an old spelling
            # of Ivano-Darivka): a qualifier that holds one of them places it, nothing else
            return pending if info[0].size else False
        if _is_common(lw, lex.common_words(), self.seen):
            if pending and _OF_TOWN.match(text, e):
                return False  # "the Port of Odessa": the common thing of a town
            return pending  # "Pisky, Pokrovsk raion": only a qualifier that holds it places it
        if _PLACE_AFTER.match(text, e) or self._in_line(s) or _strike_on(text, s, e):
            return True
        return pending

    def _in_line(self, pos: int) -> bool:
        if self._lines is None:
            self._lines = _location_lines(self.text)
        k = bisect.bisect_right(self._lines, (pos, len(self.text))) - 1
        return k >= 0 and self._lines[k][0] <= pos < self._lines[k][1]

    def qualified(self, out: list[Toponym]) -> list[Toponym]:
        """The pending names that a qualifier holds: the first region, country or regional
        seat after them, across a list of names ("Novoselivka, Berestove and Pisky, Donetsk
        region"), that holds one of their readings."""
        text = self.text
        merged = sorted([*((t, False) for t in out), *((t, True) for t in self.pending)],
                        key=lambda x: x[0].start)
        ok = []
        for k, (p, pending) in enumerate(merged):
            if not pending:
                continue
            end = p.end
            for q, q_pending in merged[k + 1:k + 1 + _CHAIN_MAX]:
                m = _CHAIN_GAP.match(text, end)
                if m is None or m.end() != q.start:
                    break
                if not q_pending and (_holds(self.g, q, p) or _holds_sound(self.g, q, p)):
                    ok.append(p)
                    break
                end = q.end
        return ok


def _holds(g: Gazetteer, q: Toponym, p: Toponym) -> bool:
    """Whether some area reading of ``q`` — a country, a region at its own level (oblast,
    raion, hromada), or a regional seat read as its region — holds some reading of ``p``."""
    _, ints = g.ranking_columns()
    qi, pi = ints[q.entries], ints[p.entries]
    for row in qi.tolist():
        country, a1, kind, a2, a3, level, seat = row
        if kind == _COUNTRY:
            hit = pi[:, 0] == country
        elif level == 3:
            hit = pi[:, 4] == a3
        elif level == 2:
            hit = pi[:, 3] == a2
        elif (kind == _REGION_KIND or seat) and a1 >= 0:
            hit = pi[:, 1] == a1
        else:
            continue
        if hit.any():
            return True
    return False


def _holds_sound(g: Gazetteer, q: Toponym, p: Toponym) -> bool:
    """Whether an area reading of ``q`` holds a settlement that sounds like ``p``: a
    spelling of a village known there by another name ("Ternov, Kharkiv district" is
    Ternova there, not Ternuv of Lviv oblast; the places pass reads it so)."""
    if len(sound_key(p.key)) < _SOUND_RUN:
        return False  # "Store in Maryinka, Donetsk Oblast" is no Stari of Donetsk oblast
    entries = sounding(g, p.key)
    return bool(entries.size) and _holds(g, q, replace(p, entries=entries))


_LINE = re.compile(r"[^\n]+")
_LINE_TOKEN = re.compile(r"[^\W\d_][\w'’.-]*|\d+\w*")
# Lower-case words a location field holds besides names ("near the village of X, Y
# district", "areas of the settlements of X and Y").
_LINE_WORDS = {"of", "the", "and", "in", "near", "area", "areas", "village", "villages",
               "settlement", "settlements", "town", "city", "district", "raion", "rayon",
               "region", "oblast", "community", "hromada", "urban", "rural", "territorial",
               "direction", "directions", "outskirts", "vicinity", "around", "towards", "between",
               "east", "west", "north", "south", "on", "bank", "left", "right"}


def _location_lines(text: str) -> list[tuple[int, int]]:
    """Spans of the lines of ``text`` that only list places: a location field ("Terny,
    Lymanska urban community, Kramatorsk District", "near the village of X, Y region").
    Every word is a name (capitalised, and no common English word, which a title-case
    headline has: "Russian Missiles Hit Kyiv") or a word of :data:`_LINE_WORDS`."""
    common = lex.common_words()
    out = []
    for m in _LINE.finditer(text):
        line = m.group()
        if len(line) > 300:
            continue
        words = _LINE_TOKEN.findall(line)
        if not words or not any(w[0].isupper() for w in words):
            continue
        for w in words:
            low = w.lower()
            if low in _LINE_WORDS:
                continue
            if not w[0].isupper() or low in common or low in lex.FUNCTION_WORDS \
                    or w[0].isdigit():
                break
        else:
            out.append(m.span())
    return out


def _named_otherwise(g: Gazetteer, deferred: list[Toponym], out: list[Toponym]
                     ) -> list[Toponym]:
    """The names left out as common words or weak abbreviations ("Montana offered …":
    Webster's has "montana"; "N.M.", "KY") whose likeliest reading, a region or country, the
    document names by another name ("HELENA, Mont."; "New Mexico"): the place, as the
    document's other name for it shows (one sense per discourse)."""
    memo = g.memo("toponyms.top", 100_000)  # a name's likeliest entry: no context changes it

    def top(t: Toponym) -> int:
        hit = memo.get(t.key)
        if hit is None:
            hit = memo[t.key] = int(t.entries[int(np.argmax(g.prior(t.entries, t.flags)))])
        return hit

    # only the deferred names' readings matter: the kept names' cached readings are looked
    # up inline (a call per kept name costs more than the rest of this)
    named: dict[int, set[str]] = {top(t): set() for t in deferred}
    get = memo.get
    for t in out:
        e = get(t.key)
        if e is None:
            e = top(t)
        if e in named:
            named[e].add(t.key)
    spans = sorted((t.start, t.end) for t in out)
    starts = [a for a, _ in spans]
    reach = list(itertools.accumulate((b for _, b in spans), max))  # furthest end so far

    def overlaps(t: Toponym) -> bool:
        # some kept span starting before ``t`` ends reaches past its start: a bisection, not
        # a scan of every kept span per left-out name (a long text has thousands of both)
        k = bisect.bisect_left(starts, t.end)
        return k > 0 and reach[k - 1] > t.start

    # another name: the word itself taken elsewhere proves nothing ("the West", "West Wing")
    return [t for t in deferred if named[top(t)] - {t.key} and not overlaps(t)]


# After a word that places what follows ("in", "near", "shelled", "the village of"), a word the
# other passes left: a city's name typed in lower case ("in kharkiv", as hurried posts write)
# or a town's name one slip of the keys away ("in Popsana", "the town of Vulhedar").
_SLIP_CUES = lex.LOCATIVE | lex.WAR_VERBS | lex.SETTLEMENT_NOUNS
# After a word: the area it lies in, named with its generic word ("Zybino, Chuhuiv district",
# "Tokarevka (Kherson region)")
_QUALIFIED = re.compile(r"(?:,| ?\()[ \t]*(?:[A-Z][\w'’\-]*[ \t]+){1,3}(?:region|oblast|"
                        r"district|raion|rayon|community|hromada|province)\b", re.I)
# the words before a name a settlement's noun may reach ("the villages of A, B and C")
_LIST_WORDS = lex.SETTLEMENT_NOUNS | {"of", "the", "and", "or", "та", "і", "и"}
# (the first letter as a class, then the word's rest: the engine skips to the letters fast)
_LOWER_AFTER = re.compile(r"[IiNnAaOo](?<![\w.].)(?:(?<=[Ii])n|(?<=[Nn])ear|(?<=[Aa])t|"
                          r"(?<=[Oo])utside)[ \t]+([a-z]{4,}(?:['’][a-z]+)*)(?![\w'’@/-]|\.\w)")
_LOWER_CITY = 4.5   # a lower-case word is a city of about 30,000 people or more
_SLIP_MIN = (7, 5)  # letters of a slipped word: after a locative; after a war verb or noun
_SLIP_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_LOCATION_LINE = 160  # characters: a text no longer that names no place is a location line
_LINE_CUES = frozenset("in near at outside around towards toward over above".split())


def _loose_names(doc: _Document, unknown: list[tuple[int, str]]) -> list[Toponym]:
    """Names in lower case or one slip from a town, in a slot that places them: a
    lower-case word after "in", "near" … that is no common word and names a city by its own
    name; an ``unknown`` capitalised word (start, text) that is a label, comes before the
    area it lies in, or after a locative, a war verb or a settlement's noun (or in the list
    after one), read as the settlements one edit away (:func:`_slipped`; after a mere
    locative only if a city is among them) and, in a strong slot of a document about a
    country the gazetteer holds completely or of a location line, those that sound like it
    (:func:`_sounded`), for the places pass to choose from by context."""
    text, g = doc.text, doc.g
    res = []
    home: bool | None = None  # whether the document is about a complete country, once asked
    line = not doc.out and len(text) <= _LOCATION_LINE
    for s, w in unknown:
        slot = _slot(doc, s, s + len(w), seats=False)
        if slot is None:
            axis = _axis(g, w, text, s + len(w))
            if axis is not None:
                res.append(Toponym(w, s, s + len(w), *axis, True))
            continue
        # in a location line ("near Robotyn": a short text naming no other place) a locative
        # of place is a strong slot, nothing else being the place it reports
        strong = slot is not False or line and _word_before(text, s) in _LINE_CUES
        key = normalize(w)
        if key in _STOP or not key.isalpha() or len(key) < _SLIP_MIN[strong] \
                or key in lex.GIVEN_NAMES:
            continue
        hit = _slipped(g, key, strong)
        if slot == _LABEL or strong and (
                line or home is None and (home := _at_home(doc)) or home):
            hit = _sounded(g, key, hit)
        if hit is not None:
            res.append(Toponym(w, s, s + len(w), *hit, True))
    if " in " in text or " near " in text or " at " in text or "outside " in text \
            or "In " in text:
        res.extend(_lower_cities(text, g, doc.out))
    return res


# The endings of a town's adjective and the shapes its name may have without them: "the
# Vugledarsky direction" (Vuhledar), "the Chervonopopovsky area" (Chervonopopivka), "the
# Kupyan direction" (Kupiansk), "Orekhovsky" (Orikhiv)
_ADJECTIVE_ENDS = ("skyi", "skiy", "skii", "skoy", "sky", "ski", "sk")
_STEM_SHAPES = ("", "ka", "sk", "e")


def _axis(g: Gazetteer, word: str, text: str, end: int
          ) -> tuple[str, np.ndarray, np.ndarray] | None:
    """An unknown word before "direction", "axis", "area" … read as the adjective of a town
    of a country the gazetteer holds completely: the towns and villages whose sound is the
    word's without the adjective's ending, or with one of :data:`_STEM_SHAPES`."""
    if not _PLACE_AFTER.match(text, end):
        return None
    key = normalize(word)
    if not key.isalpha() or key in _STOP:
        return None
    stem = next((key[:-len(a)] for a in _ADJECTIVE_ENDS
                 if key.endswith(a) and len(key) - len(a) >= 4), key)
    entries = _towns(g, np.unique(np.concatenate([sounding(g, stem + shape)
                                                  for shape in _STEM_SHAPES])))
    if not entries.size:
        return None
    return key, entries, np.full(entries.size, _VARIANT)


# A capitalised word and the generic word of a raion or a city's district after it
_DISTRICT_AFTER = re.compile(r"\b([A-Z][\w'’-]{2,})[ \t]+(?i:district|raion|rayon)\b")


def _district_names(doc: _Document, found: list[Toponym]) -> list[Toponym]:
    """"<Word> district" that no name covers, where the word is a spelling of a town of a
    country the gazetteer holds completely or of its adjective ("Swativ district" is
    Svatove's raion, "Sieverodonetsk District" Sievierodonetsk's, "Synelnyk district"
    Synelnykove's): read as the areas named "<town> district" (a raion, or a city's
    district), for the places pass to choose from by context."""
    text, g = doc.text, doc.g
    memo = g.memo("toponyms.district", 20_000)
    common = lex.common_words()
    res = []
    for m in _DISTRICT_AFTER.finditer(text):
        s, e = m.span()
        if any(t.start <= s and e <= t.end for t in found):
            continue  # a known name ("Pokrovsk district")
        key = normalize(m.group(1))
        if key in common or key in _STOP or not key.isalpha():
            continue
        entries = memo.get(key)
        if entries is None:
            entries = memo[key] = _districts_of(g, key)
        town = next((t for t in found if t.start == s and t.end == m.end(1)), None)
        if town is not None and entries.size:
            # a known town's name: its own raion ("Orihiv district"), not another that
            # sounds alike ("the Toretsk district" is no Troitske raion of Luhansk oblast)
            admin2 = g.ranking_columns()[1][:, 3]
            entries = entries[np.isin(admin2[entries], admin2[town.entries])]
        if entries.size:
            res.append(Toponym(text[s:e], s, e, normalize(text[s:e]), entries,
                               np.full(entries.size, _VARIANT), True))
    return res


def _districts_of(g: Gazetteer, key: str) -> np.ndarray:
    """The raions and city districts of the countries the gazetteer holds completely whose
    name's stem opens with the letter and sounds like a stem of ``key`` (:func:`_area_stems`)."""
    index = g.memo("toponyms.district_sounds", 1)
    if not index:
        index[0] = _district_sounds(g)
    by_sound: dict[str, list[int]] = index[0]
    hits = {i for stem in _area_stems(key) for i in by_sound.get(stem[0] + sound_key(stem), ())}
    return np.array(sorted(hits), dtype=np.int64)


def _district_sounds(g: Gazetteer) -> dict[str, list[int]]:
    """First letter and sound of each stem of every raion's (old or new) and city district's
    own name -> the entries, for the countries the gazetteer holds completely."""
    _, ints = g.ranking_columns()
    fcodes = g.table("fcode")
    kind, level = ints[:, 2], ints[:, 5]
    complete = g.complete_mask()[g.col("country")]
    fcode = g.col("fcode")
    areas = np.flatnonzero(complete & ((kind == _REGION_KIND) & (level == 2)
                                       | (kind == _DISTRICT_KIND)))
    out: dict[str, list[int]] = {}
    for i in areas.tolist():
        if kind[i] == _DISTRICT_KIND and fcodes[fcode[i]] != "ADM4":
            continue  # a quarter named as a place ("Zaliska"), not as a district
        words = normalize(g.name_of(i)).split()
        if len(words) < 2 or words[-1] not in _AREA_GENERIC:
            continue
        for stem in _area_stems(" ".join(words[:-1])):
            # (and by the first letter: "Orihiv" is Orikhiv's, not Rakhiv's)
            out.setdefault(stem[0] + sound_key(stem), []).append(i)
    return out


# The generic last word of a raion's or a city district's name
_AREA_GENERIC = frozenset({"raion", "rayon", "district"})
# Endings of an area's adjective, and of the possessive a town's name may end in
_AREA_ADJECTIVE = ("skyi", "skyy", "skiy", "skii", "sky", "ski", "ske", "ska", "sk")
_OF_TOWN_ENDS = ("iv", "ov", "ev", "yn", "in")


def _area_stems(key: str) -> set[str]:
    """The stems an area's name is matched by: without its adjective's ending, and without a
    possessive or a final vowel too ("Svativskyi" and "Swativ": svativ, svat; "Synelnykivskyi"
    and "Synelnyk": synelnyk) — each of at least four letters and three consonants."""
    stems = {key}
    for ends in (_AREA_ADJECTIVE, _OF_TOWN_ENDS, tuple("aeiouy")):
        key = next((key[:-len(a)] for a in ends if key.endswith(a) and len(key) - len(a) >= 4),
                   key)
        stems.add(key)
    return {x for x in stems if " " not in x and len(sound_key(x)) >= SOUND_MIN}


_LABEL = "label"  # a slot: the whole text or cell
_SOUND_LONG = 5  # consonants of a sound no common phrase has by chance
_SOUND_VERY_LONG = 8  # and of one that is a name's own in any slot
_SOUND_RUN = 4  # of a run of words after a locative in a document about the country


# A settlement's noun after a name (the word order of translated reports): "the Robotyn
# village of the Pologiv district"; not before "of" and a name, whose noun it is ("the Pologiv
# settlement of Mala Tokmachka": Polohy raion's)
_NOUNS_AFTER = frozenset({"village", "settlement"})
_NOUN_AFTER = re.compile(r" (?:" + "|".join(sorted(_NOUNS_AFTER)) + r")\b(?![ \t]+of[ \t]+[A-Z])")
_NOUN_AFTER_OPENS = frozenset(" " + w[0] for w in _NOUNS_AFTER)  # a quick check before it


def _slot(doc: _Document, s: int, e: int, prev: str | None = None, seats: bool = True
          ) -> bool | str | None:
    """How strongly the words at ``s:e`` sit in a place's slot: :data:`_LABEL` (the whole
    text or cell), True (before the area it lies in or a settlement's noun, after a war
    verb or a settlement's noun or in the list after one), False (after a mere locative),
    None (no slot: "over the Siverski Donets"). ``prev``: the word before, when the caller
    has read it; ``seats``: whether a regional seat's bare name after the words is their
    area (for a run of words that sounds like a settlement; a single word one letter from
    many needs the region)."""
    text = doc.text
    if doc.cells and (s, e) in doc.cells:
        return _LABEL  # "Zajtseve"
    c = text[e:e + 1]
    if (c == "," or c == "(" or c == " " and text[e + 1:e + 2] == "(") \
            and (_QUALIFIED.match(text, e) or _area_after(doc, e, seats)):
        return True  # "Zybino, Chuhuiv district", "Malaya Rohan, Kharkiv": of that area
    if c == " " and _NOUN_AFTER.match(text, e):
        return True  # "the Robotyn village", "in the area of Urozhane settlement"
    if prev is None:
        prev = _word_before(text, s)
    if not prev:
        return None
    if prev in lex.WAR_VERBS or (prev in _LIST_WORDS or prev[-1:] == ",") \
            and _settlement_noun(text, doc.nouns(), s) or _strike_on(text, s, e):
        return True
    if prev == "of" and _RELATIVE_OF.search(text, max(0, s - 24), s):
        return True  # "west of Klischiivka", "the outskirts of …": what follows is a place
    if _in_town_list(doc, s, e):
        return True  # "near Grekivka, Nevsky, Novosadovo": one of a list of villages
    return False if prev in _SLIP_CUES else None


# A side or the surroundings of a place, then "of": "west of", "on the outskirts of"
_RELATIVE_OF = re.compile(r"\b(?:(?:north|south)(?:-?(?:east|west))?|east|west|outskirts|"
                          r"vicinity|environs|suburbs)[ \t]+of[ \t]+$", re.I)
_LIST_BEFORE = re.compile(r"(?:,|[ \t]+(?:and|or))[ \t]+$")
_LIST_AFTER = re.compile(r"(?:,|[ \t]+(?:and|or))[ \t]+")
# what may follow an item of a list of places: the next item, the list's end, a word of place
# (not a verb: "In Kyiv, Zelensky said" names a person)
_LIST_ITEM_END = re.compile(r"[ \t]*(?:[,;.:)\]\n]|$|(?:and|or|in|of|areas?|directions?|"
                            r"forests?|forestry)\b)")


def _in_town_list(doc: _Document, s: int, e: int) -> bool:
    """Whether the words at ``s:e`` stand in a list of villages: next to a name placed
    already (right before them after a comma or "and", or right after them) that may be a
    village of a country the gazetteer holds completely and names nothing of weight, and
    followed by what may follow a list's item (:data:`_LIST_ITEM_END`)."""
    text, out, g = doc.text, doc.out, doc.g
    if not _LIST_ITEM_END.match(text, e):
        return False
    # (the names kept so far are in text order when the loose passes ask)
    near = []
    m = _LIST_BEFORE.search(text, max(0, s - 6), s)
    if m:  # the name ending at the comma or "and" before
        k = bisect.bisect_left(out, m.start(), key=lambda t: t.start) - 1
        if k >= 0 and out[k].end == m.start():
            near.append(out[k])
    m = _LIST_AFTER.match(text, e)
    if m:  # the name starting after the comma or "and"
        k = bisect.bisect_left(out, m.end(), key=lambda t: t.start)
        if k < len(out) and out[k].start == m.end():
            near.append(out[k])
    # a village's name: no reading of weight (not "In Kyiv, Zelensky said"), a village of a
    # complete country among them
    return any(g.col("importance")[t.entries].max() < _WEIGHTY
               and (_home_towns(g, t.entries) & (g.col("kind")[t.entries] == _VILLAGE_KIND)).any()
               for t in near)


def _word_before(text: str, s: int) -> str | None:
    """The word before the one at ``s``, lower case, read cheaply (most unknown words,
    people's and bodies', have no cue before them); None after no blank."""
    if s < 2 or text[s - 1] not in " \t":
        return None
    return text[text.rfind(" ", max(0, s - 24), s - 1) + 1:s - 1].lower().rstrip(".")


def _area_after(doc: _Document, e: int, seats: bool) -> bool:
    """Whether a name placed already, right after the comma or bracket at ``e``, is a region
    (or, with ``seats``, the seat of one) in a country the gazetteer holds completely, by its
    likeliest reading ("Makeivka, Luhansk": the oblast; "Malaya Rohan, Kharkiv": the seat's
    bare name stands for its region)."""
    m = _GAP_TO_NAME.match(doc.text, e)
    if m is None:
        return False
    # (the names kept so far are in text order when the loose passes ask)
    out = doc.out
    k = bisect.bisect_left(out, m.end(), key=lambda t: t.start)
    if k == len(out) or out[k].start != m.end():
        return False
    g, t = doc.g, out[k]
    best = t.entries[g.col("importance")[t.entries].argmax()]
    return bool(g.complete_mask()[g.col("country")[best]]) and (
        g.col("kind")[best] == _REGION_KIND
        or seats and g.table("fcode")[g.col("fcode")[best]] in ("PPLA", "PPLC"))


_GAP_TO_NAME = re.compile(r"[ \t]*[,(][ \t]*")


def _sound_runs(doc: _Document, runs: list[tuple]) -> list[Toponym]:
    """Of ``runs`` (of several words, as :func:`_people` lists them: with the word before, or
    None), those of two or three capitalised Latin words
    that no name covers whole, in a strong place's slot (:func:`_slot`) of a label, of a
    document about a country the gazetteer holds completely, or with a long sound (any
    place's slot with a very long one), read as
    the settlements that sound like them: the Russian forms of Ukrainian names with an
    adjective ("Chasovoy Yar", "Malaya Rohan", "Cherkasskaya Lozova")."""
    res: list[Toponym] = []
    home: bool | None = None
    line = not doc.out and len(doc.text) <= _LOCATION_LINE  # as :func:`_loose_names` reads
    for st, r, _, prev, _, _ in runs:
        words, found = r[_R_WORDS], r[_R_FOUND]
        if len(words) > 4 or found and found[0][0] == 0 and found[0][1] == len(words):
            continue  # (the longest span comes first: the whole run is a name)
        if words[0][_LOWER] in _STOP:
            prev = words[0][_LOWER]
            words = words[1:]  # "In Cherkasskaya Lozova" opening a sentence
        if not 2 <= len(words) <= 3:
            continue
        s, e = st + words[0][_START], st + words[-1][_END]
        surface = doc.text[s:e]
        if not surface.isascii() or not all(w[_CAP] for w in words):
            continue
        slot = _slot(doc, s, e, prev)
        if slot is None:
            continue
        key = normalize(surface)
        # a long sound is a name's own; a short one may be a word's by chance ("Big Ben"); a
        # very long one is, even after a mere locative ("in the centre of Kamyanka-Dniprovsk")
        sound = len(sound_key(key))
        # (at home, a run after a mere locative needs a sound of some length: "in Chasovoy
        # Yar", not "of Orion-E UAV"; so does one right after the locative that opens a
        # location line, "in Chasovoy Yar" alone, not a sentence's "The fighting in …")
        if slot is not _LABEL and sound < (_SOUND_VERY_LONG if slot is False else _SOUND_LONG) \
                and not ((line and doc.text[:s].strip().lower() in _LINE_CUES
                          or home is None and (home := _at_home(doc)) or home)
                         and (slot is True or sound >= _SOUND_RUN)):
            continue
        entries = sounding(doc.g, key)
        if entries.size:
            res.append(Toponym(surface, s, e, key, entries, np.full(entries.size, _VARIANT),
                               True))
    return res


def _lower_cities(text: str, g: Gazetteer, out: list[Toponym]) -> list[Toponym]:
    """Cities named in lower case after "in", "near" … ("in kharkiv")."""
    memo = g.memo("toponyms.lower", 50_000)
    common = lex.common_words()
    spans: list[tuple[int, int]] | None = None
    res = []
    for m in _LOWER_AFTER.finditer(text):
        w = m.group(1)
        hit = memo.get(w, False)
        if hit is False:
            key = w if w.isalpha() else normalize(w)
            hit = memo[w] = None if key in _STOP or key in common or key[-1] == "s" \
                and key[:-1] in common else _lower_city(g, key)
        if hit is None:
            continue
        s, e = m.span(1)
        if spans is None:
            spans = [(t.start, t.end) for t in out]
        k = bisect.bisect_right(spans, (s, len(text))) - 1
        if k < 0 or spans[k][1] <= s:
            key, entries, flags = hit
            res.append(Toponym(w, s, e, key, entries, flags, True))
    return res


def _lower_city(g: Gazetteer, key: str) -> tuple[str, np.ndarray, np.ndarray] | None:
    """The readings of the lower-case ``key`` when its best is a city (:data:`_LOWER_CITY`)
    called so by its own name ("kharkiv"; not "hang", an other name of Hangzhou)."""
    lo, hi = g.matches_hashes(name_hashes([key]))
    if hi[0] == lo[0]:
        return None
    entries, flags = g.rows(int(lo[0]), int(hi[0]))
    # the likeliest of the places so called by their own name ("donetsk" is the city; the
    # oblast, bigger, is called so only by its capital's name)
    imp = np.where(flags <= FLAG["ascii"], g.col("importance")[entries], -np.inf)
    best = int(np.argmax(imp))
    if g.col("kind")[entries[best]] != _CITY_KIND or imp[best] < _LOWER_CITY:
        return None
    return key, entries, flags


def _slipped(g: Gazetteer, key: str, strong: bool) -> tuple[str, np.ndarray, np.ndarray] | None:
    """The settlements one edit (a letter dropped, added, changed, or two swapped) from the
    unknown ``key``, in a country whose every settlement the gazetteer holds: ``key`` and
    their entries; unless ``strong`` only when one of them is a city."""
    memo = g.memo("toponyms.slip", 20_000)
    hit = memo.get(key, False)
    if hit is False:
        hit = memo[key] = _one_edit(g, key)
    if hit is None or strong:
        return hit
    return hit if (g.col("kind")[hit[1]] == _CITY_KIND).any() else None


def _one_edit(g: Gazetteer, key: str) -> tuple[str, np.ndarray, np.ndarray] | None:
    """:func:`_slipped`'s readings of ``key``, whatever the cue."""
    sk = _skeleton_of(key)
    lo, hi = g.matches_hashes(name_hashes([key, sk] if sk else [key]))
    if (hi > lo).any():
        return None  # known as written: the other passes decided on it
    n, abc = len(key), _SLIP_LETTERS
    variants = {key[:i] + key[i + 1:] for i in range(n)}
    variants |= {key[:i] + key[i + 1] + key[i] + key[i + 2:] for i in range(n - 1)}
    variants |= {key[:i] + c + key[i + 1:] for i in range(n) for c in abc if c != key[i]}
    variants |= {key[:i] + c + key[i:] for i in range(n + 1) for c in abc}
    variants.discard(key)
    lo, hi = g.matches_hashes(name_hashes(sorted(variants)))
    # a near miss is trusted only where the gazetteer holds every village: elsewhere the
    # word may name a village it lacks ("the village of Xinmo" is no Xinzo)
    found = []
    for a, b in zip(lo.tolist(), hi.tolist()):
        if a < b:
            entries, _ = g.rows(a, b)
            found.append(entries[_home_towns(g, entries)])
    entries = np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)
    if not entries.size:
        return None
    # every spelling's settlements: the context picks ("Robotyn, Zaporizhzhia region" is
    # Robotyne, not Rybotyn)
    return key, entries, np.full(entries.size, _VARIANT)


def _at_home(doc: _Document) -> bool:
    """Whether the document names a place of a country the gazetteer holds completely (by
    its first reading): where a word that only sounds like a settlement may be one
    ("Kharkiv region: Pechenegy"; not "hit Mohanna" in Chicago)."""
    g = doc.g
    complete, country, importance = g.complete_mask(), g.col("country"), g.col("importance")
    return any(complete[country[t.entries[importance[t.entries].argmax()]]] for t in doc.out)


def sounding(g: Gazetteer, key: str) -> np.ndarray:
    """The settlements (of the countries the gazetteer holds completely) one of whose Latin
    names sounds like the normalised ``key`` (:func:`~map_app._text.sound_key`); empty when
    none does or the key is too short to tell."""
    memo = g.memo("toponyms.sounding", 20_000)
    hit = memo.get(key)
    if hit is None:
        sound = sound_key(key)
        if len(sound) < SOUND_MIN:
            hit = np.zeros(0, dtype=np.int64)
        else:
            lo, hi = g.matches_hashes(name_hashes([SOUND_MARK + sound]))
            hit = np.unique(g.rows(int(lo[0]), int(hi[0]))[0])
        memo[key] = hit
    return hit


def _home_towns(g: Gazetteer, entries: np.ndarray) -> np.ndarray:
    """Which of ``entries`` are towns and villages of a country the gazetteer holds
    completely (a boolean mask)."""
    return _SETTLEMENT_KINDS[g.col("kind")[entries]] \
        & g.complete_mask()[g.col("country")[entries]]


def _towns(g: Gazetteer, entries: np.ndarray) -> np.ndarray:
    """The towns and villages of ``entries``: what a slip or a sound of a single word may
    read as (a city's district is named with its generic word)."""
    return entries[_SETTLEMENT_KINDS[g.col("kind")[entries]]]


def _sounded(g: Gazetteer, key: str, hit: tuple[str, np.ndarray, np.ndarray] | None
             ) -> tuple[str, np.ndarray, np.ndarray] | None:
    """``hit`` (:func:`_slipped`'s readings of ``key``) with the settlements that sound like
    ``key`` (:func:`sounding`): a Russian form or a spelling of its own ("Rabotin",
    "Orekhovo", "Zybino" are Robotyne, Orikhove, Zybyne). Those only sounding like it match
    as "sound", below the slips'."""
    extra = _towns(g, sounding(g, key))
    if not extra.size:
        return hit
    flags = np.full(extra.size, _SOUND)
    if hit is not None:
        extra = np.union1d(hit[1], extra)
        flags = np.where(np.isin(extra, hit[1]), _VARIANT, _SOUND)
    return key, extra, flags


# "Washington, D.C.": a place whose own name holds a comma and the words after it
_COMMA_NAME = re.compile(r",[ \t]*[A-Z][\w.]*(?:[ \t]+[A-Z][\w.]*)?")


def _comma_names(text: str, g: Gazetteer, out: list[Toponym]) -> list[Toponym]:
    """Spans extended over ", <Name>" when the whole is a name the gazetteer holds for one
    of the span's own candidates ("Washington, D.C." is the city's full name, not the city
    and a qualifier); the spans it swallows go."""
    memo = g.memo("toponyms.comma", 20_000)
    res: list[Toponym] = []
    end = -1
    for t in out:
        if t.start < end:
            continue  # inside the name before
        if not text.startswith(",", t.end):
            res.append(t)  # no comma after it: the common case, without the pattern
            continue
        m = _COMMA_NAME.match(text, t.end)
        found = None
        # the longest name first: "Washington, D.C. Today" is "Washington, D.C."
        for tail in (_comma_tails(m.group()) if m else ()):
            whole = text[t.start:t.end] + tail
            key = normalize(whole)
            hit = memo.get(key)
            if hit is None:
                s0, e0 = g.matches_hashes(name_hashes([key]))
                hit = memo[key] = g.rows(int(s0[0]), int(e0[0]))
            entries, flags = hit
            if entries.size and np.isin(entries, t.entries).any():
                found = Toponym(whole, t.start, t.end + len(tail), key, entries, flags,
                                t.locative)
                break
        if found is not None:
            end = found.end
            res.append(found)
            continue
        res.append(t)
    return res


# "Брянской, Курской и": a capitalised Cyrillic word and what joins it to the next, read
# backwards from a name whose noun the adjectives before it share
_SHARED_BEFORE = re.compile(r"([А-ЯІЇЄҐЁ][\w'’-]*)[ \t]*(?:,|[ \t](?:и|і|та|й))[ \t]*$")


def _shared_noun_names(text: str, g: Gazetteer, out: list[Toponym]) -> list[Toponym]:
    """The adjectives that share the plural noun of the name after them: "Брянської та
    Курської областей", "в Белгородской и Курской областях" name two oblasts. The build gives
    each oblast its adjective with the plural noun ("Курської областей",
    :func:`map_app._inflect.case_forms`); each adjective before it, joined by a comma or
    "і/та/и", is looked up with the same noun."""
    added: list[Toponym] = []
    taken = {t.start: t for t in out}
    for t in list(out):
        words = t.text.split()
        if len(words) != 2 or not starts_cyrillic(words[1]) \
                or not words[1].lower().startswith(tuple(n[:4] for n in SHARED_NOUNS)):
            continue
        pos = t.start
        while True:
            m = _SHARED_BEFORE.search(text, max(0, pos - 40), pos)
            if m is None:
                break
            # a word read alone before ("Курской", a hamlet) is the adjective of the oblast
            alone = taken.get(m.start(1))
            if alone is not None and (alone.end != m.end(1) or alone in added):
                break
            key = normalize(f"{m.group(1)} {words[1]}")
            s0, e0 = g.matches_hashes(name_hashes([key]))
            entries, flags = g.rows(int(s0[0]), int(e0[0]))
            if not entries.size:
                break
            if alone is not None:
                out.remove(alone)
            new = Toponym(m.group(1), m.start(1), m.end(1), key, entries, flags, t.locative)
            added.append(new)
            taken[m.start(1)] = new
            pos = m.start(1)
    return sorted(out + added, key=lambda t: t.start) if added else out


def _comma_tails(tail: str) -> list[str]:
    """", D.C. Today" -> [", D.C. Today", ", D.C."]: each ending on a word, a sentence's full
    stop dropped (an abbreviation keeps its own)."""
    out = []
    for m in reversed(list(_TAIL_WORD.finditer(tail))):
        t = tail[:m.end()]
        out.append(t[:-1] if t.endswith(".") and not _ABBREV.fullmatch(m.group()) else t)
    return out


_TAIL_WORD = re.compile(r"[A-Z][\w.]*")


# After a name of little weight, the head of a facility's name (capitalised: "Gagarin
# Stadium", "Gorky Park"; "the Polohy factory" is a factory in Polohy), an armed group's
# ("Wagner group", "Azov fighters") or a weapon's ("Iskander missiles"): the name is the
# thing's, not a town's. A town of some size keeps it ("Kharkiv Tractor Plant").
_THING_AFTER = re.compile(
    r"[ \t]+(?:(?-i:Plant|Factory|Works|Steel|Stadium|Park|Market|Mall|Square|Theatre|Theater|"
    r"Hall|Museum|Cathedral|Church|Monastery|Arena|Cinema|Hotel)|group|battalion|regiment|"
    r"brigade|forces|fighters|militia|detachment|unit|company|cocktails?|"
    # a weapon named after a place or a word ("Iskander missiles", "Tornado rockets",
    # "Iskander ballistic missile", "Iskander SRBM")
    r"(?:(?:ballistic|cruise|guided|tactical)[ \t]+)?(?:missiles?|rockets?|launchers?|"
    r"howitzers?|missile systems?|srbms?)|"
    # a facility in lower case and the town it is in: "the Ilyich plant in Mariupol", "the
    # Druzhba theatre in Lysychansk" (alone, "the Polohy factory" is a factory in Polohy)
    r"(?:plant|factory|works|park|market|theatre|theater|cinema|hotel|museum|church|"
    r"monastery|stadium|mall|hall)(?:[ \t]+[a-z]+){0,2}?[ \t]+(?:in|at|of)[ \t]+"
    r"(?=(?-i:[A-Z])))\b", re.I)
# Before one: "battalion Sparta", "the Wagner" is another rule's
_THING_BEFORE = {"battalion", "regiment", "brigade", "group", "unit", "detachment", "company",
                 "ship", "vessel", "cruiser", "frigate", "operation"}
# Prefixes a capitalised compound opens with ("Pre-trial detention centre")
_PREFIXES = frozenset("pre post anti non pro counter semi multi inter ultra sub co re de ex mid "
                      "neo self mini micro mega super over under out".split())
_ABBR_MIN = (6.0, 5.5)  # importance of a country or region an abbreviation names: 2; 3-4 letters
_WEIGHTY = 5.0  # importance from which a name keeps its place before such a word (~100,000)


# A facility named after a place, then the town it stands in: "the Dnipro Hydroelectric Power
# Plant in Zaporizhzhia", "Sumy market in Kharkiv" (the name is the facility's, whatever the
# town's size)
_FACILITY_NAMED = re.compile(r"(?:[ \t]+[A-Z][\w'’-]*){0,3}[ \t]+(?:[Pp]lant|[Ss]tation|"
                             r"[Ff]actory|[Mm]arket|[Hh]ospital|[Tt]heatre|[Tt]heater|"
                             r"[Cc]ent(?:er|re)|[Ss]chool|[Mm]useum|[Cc]hurch|[Cc]athedral|"
                             r"[Ss]tadium)\b")
# A unit named for its town, whatever the town's size ("the Mykolaiv artillery", "a Kharkiv
# brigade"): the unit, not the town
_UNIT_AFTER = re.compile(r"[ \t]+(?:artillery|brigade|battalion|regiment|detachment)\b", re.I)
_FACILITY_IN = re.compile(r"[ \t]+(?:in|at)[ \t]+(?:the[ \t]+)?(?:city[ \t]+of[ \t]+)?[A-Z]")


def _named_thing(text: str, end: int, prev: str, info: tuple, length: int) -> bool:
    """Whether the name ending at ``end`` (after the word ``prev``; :func:`_key_info`
    ``info``; ``length`` characters) names a thing: a model with its number ("Su-27",
    "S-300"; "Su 25", "Mi 8" after a blank when two or three letters), or a facility or an
    armed group (:data:`_THING_AFTER`, :data:`_THING_BEFORE`)."""
    after = text[end:end + 1]
    if (after == "-" or after == " " and length <= 3) and text[end + 1:end + 2].isdigit():
        return True
    if after == "-" and text[end + 1:end + 2].islower() \
            and text[end - length:end].lower() in _PREFIXES:
        return True  # "Pre-trial", "Post-war": a prefix, not Prato or Post
    m = _FACILITY_NAMED.match(text, end)
    if m is not None and _FACILITY_IN.match(text, m.end()):
        return True  # "the Dnipro Hydroelectric Power Plant in Zaporizhzhia": named, not in it
    if info[5] not in _AREA_KINDS and _UNIT_AFTER.match(text, end):
        return True  # "Nikolaev artillery destroyed …": a unit's home, not where it fought
    if info[7] >= _WEIGHTY or info[5] in _AREA_KINDS:
        return False  # a town of some size by its own name: an old name keeps nothing
        # ("Gorky Park" is no Nizhny Novgorod, once Gorky)
    # (a name in brackets after the unit is where it stands: "the 3rd Brigade (Bakhmut)")
    return prev in _THING_BEFORE and text[end - length - 1:end - length] != "(" \
        or _THING_AFTER.match(text, end) is not None


# After the name of a seat of government, what makes it the government: its people, or a
# verb of speech ("White House aides", "the Kremlin said", "the Pentagon has denied")
_INSTITUTION_AFTER = re.compile(
    r"['’]?s?[ \t]+(?:(?:has|had|have|also|again|on \w+)[ \t]+)?(?:aides?|staff(?:ers)?|"
    r"officials?|press|spokes(?:man|woman|person|people)|correspondents?|chiefs?|counsel|"
    r"lawyers?|advis[eo]rs?|budget|said|says|say|declined|denied|announced|confirmed|"
    r"condemned|stated|warned|rejected|insisted|responded|refused|welcomed|dismissed|"
    r"accused|claimed|urged|called|added|told|noted|argued|acknowledged)\b")


def _institution(doc: _Document, end: int, info: tuple) -> bool:
    """Whether the name ending at ``end`` (:func:`_key_info` ``info``), one of whose readings
    is a landmark, names the government that sits there: its people or its speech follow
    (:data:`_INSTITUTION_AFTER`)."""
    if not _INSTITUTION_AFTER.match(doc.text, end):
        return False
    return bool((doc.g.col("kind")[info[0]] == _LANDMARK_KIND).any())


def _academic(words: tuple, j: int) -> bool:
    """Whether the place name ending before word ``j`` of a run opens a university's name:
    capitalised words one blank apart from it, ending on a head of :data:`_ACADEMIC` within
    :data:`_ACADEMIC_GAP` words ("Colorado State University", "Georgetown College")."""
    for k in range(j, min(len(words), j + _ACADEMIC_GAP + 1)):
        w = words[k]
        if not w[_CAP] or w[_START] - words[k - 1][_END] != 1:
            return False
        if w[_LOWER] in _ACADEMIC:
            return True
    return False


# A demonym is also a language: "in English", "speaks French", "printed in Chinese". After one
# of these words and before no noun it qualifies ("in English football" is England's), it is the
# language and names no place.
_LANGUAGE_BEFORE = {"in", "into", "speak", "speaks", "spoke", "speaking", "fluent", "learn",
                    "learning", "learned", "learnt", "teach", "teaching", "taught", "translated",
                    "translate", "plus"}
_LANGUAGE_AFTER = re.compile(r"[ \t]*(?:[.,;:!?)\"”’]|$|(?:and|or|as|but|with|to|is|was|were|"
                             r"will|would|for|at|on|by|from|after|before|when|while|which|"
                             r"that|than|if)\b)")


def _is_language(text: str, prev: str, end: int, info: tuple) -> bool:
    """Whether a demonym after the word ``prev`` and ending at ``end`` (``info`` of
    :func:`_key_info`) is the language: alone after "in", "speaks" … rather than before a
    noun ("English football"), or a bare noun after a function word that is no determiner
    (see :data:`_BARE_AFTER`)."""
    if not info[6]:
        return False
    if prev in _LANGUAGE_BEFORE and _LANGUAGE_AFTER.match(text, end):
        return True
    return prev in lex.FUNCTION_WORDS and prev not in _DETERMINERS \
        and _BARE_AFTER.match(text, end) is not None


# A demonym as a bare noun, after a function word that is no determiner and before a verb or
# the sentence's end ("the learning of English will", "Arabic and English."), is the language:
# the people take the article ("the English"), the adjective a noun ("English football").
_BARE_AFTER = re.compile(r"[ \t]*(?:[.;:!?)\"”’]|$|(?:is|was|were|will|would|has|had)\b)")


# What follows a dateline's place: a comma and the qualifying state or country ("MANILA,
# Philippines", "PARIS, Mo."), the agency in brackets ("BOSTON (AP)") or a dash ("BERLIN —").
_DATELINE_AFTER = re.compile(r"[ \t]*(?:,[ \t]*[A-Z]|\(|[—–]|-[ \t])")


def _dateline(text: str, end: int, surface: str, key: str, info: tuple) -> bool:
    """Whether an all-caps name opening a sentence and ending at ``end`` (``surface``, the
    name ``key`` with :func:`_key_info` ``info``) is a dateline's place.

    News opens an article or paragraph with its place in capitals, then a comma, bracket or
    dash. Capitals hide the clues the other rules read: "BERLIN" and "MANILA" look like the
    common words "berlin" and "manila", "KYIV" like a four-letter code. In that slot a name the
    gazetteer knows as written (not only as a code) is the place.
    """
    return (key not in lex.NOT_PLACES and info[2] >= 0.0 and surface.isupper()
            and len(surface.replace(".", "")) >= 4 and _DATELINE_AFTER.match(text, end) is not None)


_SAINT = ("st ", "saint ")
_SAINTS_OWN = re.compile(r"['’]s?[ \t]+[A-Z]")

# "Springfield, Ill.", "Walker County (Ga.)": a place, then a comma or an opening bracket
_QUALIFIER_BEFORE = re.compile(r"\w[.’']?(?:,[ \t]*|[ \t]*\([ \t]*)$")


def _after_place(text: str, start: int) -> bool:
    """Whether the word at ``start`` follows a word and a comma or an opening bracket, the
    slot of a state or province that qualifies a town ("Springfield, Ill.")."""
    return _QUALIFIER_BEFORE.search(text, max(0, start - 4), start) is not None


def _verdict(surface: str, lw: str, single: bool, key: str, info: tuple) -> bool | None:
    """Whether a span (its first word ``surface``/``lw``, the name ``key`` with
    :func:`_key_info` ``info``) names a place wherever it occurs and is no person's name, or
    None when that depends on where it occurs (then :func:`_is_place` decides)."""
    if key in lex.NOT_PLACES:
        return False
    _, _, _, abbr, best, best_kind, _, _ = info
    upper = surface.isupper() and surface.replace(".", "").isalpha()
    n = len(surface.replace(".", ""))
    if single and upper and n <= 4:
        # "US", "UK", "EU", "UAE": codes and abbreviations of countries and regions only; two
        # letters are often a word's ("IN", "BY"), three or four rarely ("LPR")
        return abbr >= _ABBR_MIN[n > 2]
    if best_kind < 0:
        return False
    if not single:
        return True
    if lw in _STOP and not (surface.isupper() and len(surface) > 3) or _CONTRACTION.search(lw):
        return False
    if best_kind == _COUNTRY and (info[7] >= best or lw not in lex.common_words()) \
            or best_kind == _OTHER and best >= 7:
        return True
    # (a common word that is a country's name only in another language, "Island" for
    # Iceland, is decided where it stands, as any common word is)
    return None


def _is_place(surface: str, lw: str, sent_start: bool, info: tuple, seen, common,
              locative: bool, qualifying: bool = False) -> bool:
    """Decide whether a lone word whose :func:`_verdict` is None (``surface``/``lw``, with
    :func:`_key_info` ``info``) names a place here; ``qualifying``: it comes right after
    "<word>, " or "<word> (" (see :func:`_after_place`)."""
    best, best_kind = info[4], info[5]
    if qualifying and surface[-1] == "." and best_kind == _REGION_KIND:
        # "Springfield, Ill.", "Paris, Mo.": an abbreviation, dot and all, in the slot of a
        # state after a town is that state, not the common word ("ill", "mo", "wash")
        return True

    # a capitalised common word ("Police", "March") is a place only with strong evidence:
    # after "in", "near" … a name of some importance, elsewhere a big one, not opening a
    # sentence; other names need less. Ask whether the word is common only when it decides.
    if locative:
        return best >= 5.0 or not _is_common(lw, common, seen)
    if best < 2.5:
        return False
    if best >= 7.0 and not sent_start:
        return True
    if _is_common(lw, common, seen):
        return False
    return not (sent_start and best < 3.0)


def _is_common(lw: str, common, seen) -> bool:
    """Whether the lower-case word ``lw`` is a common word (in ``common``) or used in lower
    case in the document (``seen``, the closure of :func:`find_toponyms`); a plural counts as
    its singular."""
    if lw in common:
        return True
    if lw[-1:] != "s":
        return seen(lw)
    return lw[:-1] in common or seen(lw[:-1], plural=True)
