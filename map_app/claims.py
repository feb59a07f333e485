"""Statements of distance to a border in text ("some 30km from the Russian border")."""
from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass

from ._text import MAX_SENTENCE, has_cyrillic

_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
                 "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
                 "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "a hundred": 100,
                 "a few": 3, "several": 5, "a couple of": 2, "a dozen": 12, "dozens of": 30}
_HEDGES = {"some": 0.25, "around": 0.25, "about": 0.25, "approximately": 0.2, "roughly": 0.25,
           "nearly": 0.15, "almost": 0.15, "up to": 0.3, "less than": 0.3, "under": 0.3,
           "more than": 0.3, "over": 0.3, "just": 0.15, "only": 0.15, "barely": 0.15,
           "within": 0.5, "about a": 0.25, "an estimated": 0.25}
_UNITS = {"km": 1.0, "kilometres": 1.0, "kilometers": 1.0, "kilometre": 1.0, "kilometer": 1.0,
          "kms": 1.0, "miles": 1.609344, "mile": 1.609344, "mi": 1.609344}

# "1,500 km" is fifteen hundred (a comma before exactly three digits groups thousands);
# "1,5 km" and "1.5 km" are one and a half.
_GROUPED = r"\d{1,3}(?:,\d{3})+"  # 1,500 and 12,345,678: thousands grouped by commas
_NUMBERS = _GROUPED + r"(?![\d,])(?:\.\d+)?|\d+(?:[.,]\d+)?|" + "|".join(
    sorted((re.escape(w) for w in _NUMBER_WORDS), key=len, reverse=True))
_HEDGE_WORDS = "|".join(sorted((re.escape(h) for h in _HEDGES), key=len, reverse=True))
_NUM = rf"(?P<num>{_NUMBERS})"
_HEDGE = rf"(?:(?P<hedge>{_HEDGE_WORDS})\s+)?"
_UNIT = r"\s*-?\s*(?P<unit>" + "|".join(sorted(_UNITS, key=len, reverse=True)) + r")\b"
_FROM = (r"\s*(?:\([^)]{0,30}\)\s*)?(?:away\s+)?(?:from|of|off|to)\s+(?:the\s+)?"
         r"(?P<demonym>[A-Z][\w’'-]+\s+)?(?:\w+\s+)?border")
CLAIM_RE = re.compile(_HEDGE + _NUM + _UNIT + _FROM, re.I)
# A claim starts with a hedge or a number: trying CLAIM_RE only where one starts is what
# CLAIM_RE.finditer does, without its attempt at every character.
_START_WORDS = tuple(sorted(set(_HEDGES) | set(_NUMBER_WORDS)))
_DIGIT = re.compile(r"\d+")


def _starts(text: str, lo: int, hi: int) -> list[int]:
    """Offsets in ``text[lo:hi]`` where a hedge or a number starts (any case), ascending."""
    window = text[lo:hi].lower()
    if len(window) != hi - lo:  # lower-casing changed the length: try everywhere
        return list(range(lo, hi))
    out = {lo + m.start() for m in _DIGIT.finditer(window)}
    for w in _START_WORDS:
        i = window.find(w)
        while i >= 0:
            out.add(lo + i)
            i = window.find(w, i + 1)
    return sorted(out)


_BORDER = re.compile(r"\bborder\b", re.I)


@dataclass(frozen=True)
class DistanceClaim:
    """A stated distance to a border.

    Attributes
    ----------
    text : str
        The statement as written ("some 30km from the Russian border").
    start, end : int
        Character offsets in the document.
    claimed_km : float
    hedge : str or None
        "some", "around" …; hedges widen the tolerance.
    border_word : str or None
        The word naming the border's country ("Russian"), if any.
    tolerance_km : float
        How far the computed distance may be from the claim and still agree.
    """

    text: str
    start: int
    end: int
    claimed_km: float
    hedge: str | None
    border_word: str | None
    tolerance_km: float


def _number(s: str) -> float:
    s = s.lower()
    if s in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[s])
    if _THOUSANDS.fullmatch(s):
        return float(s.replace(",", ""))
    return float(s.replace(",", "."))


_THOUSANDS = re.compile(_GROUPED + r"(?:\.\d+)?")


def tolerance_km(claimed_km: float, hedge: str | None, vague: bool = False) -> float:
    """How far a computed distance may differ from a claim and still be consistent.

    A flat 2 km (border data and where a town's point sits) plus a share of the claim: 15 %
    when stated plainly, more for hedges ("some", "around": 25 %) and vague quantities.
    """
    share = _HEDGES.get((hedge or "").lower(), 0.15)
    if vague:
        share = max(share, 0.6)
    return round(2.0 + share * claimed_km, 2)


def _borders(text: str):
    """The word "border" in any case, as :data:`_BORDER` finds it (a case-folded copy and
    ``str.find`` are several times faster than a case-insensitive regex scan)."""
    low = text.lower()
    if len(low) != len(text):
        yield from _BORDER.finditer(text)
        return
    i = low.find("border")
    while i >= 0:
        m = _BORDER.match(text, i)
        if m and (i == 0 or not _WORD_CHAR.match(text, i - 1)):
            yield m
        i = low.find("border", i + 1)


_WORD_CHAR = re.compile(r"\w")


# Ukrainian and Russian: "за 5 кілометрів від кордону з Росією", "в 30 км от границы", "у
# кількох кілометрах від російського кордону", "в 10 км від лінії фронту".
_HEDGES_CY = {"близько": "about", "приблизно": "approximately", "майже": "nearly",
              "лише": "only", "всього": "only", "усього": "only", "понад": "more than",
              "менш ніж": "less than", "менше ніж": "less than", "до": "up to",
              "около": "about", "примерно": "approximately", "почти": "nearly",
              "лишь": "only", "всего": "only", "более": "more than", "менее": "less than",
              "менее чем": "less than", "свыше": "more than"}
_VAGUE_CY = {"кількох": 3, "декількох": 3, "кілька": 3, "кількох десятків": 30,
             "нескольких": 3, "несколько": 3, "нескольких десятков": 30}
_NUM_CY = (r"(?P<num>\d+(?:[.,]\d+)?|" + "|".join(
    sorted(map(re.escape, _VAGUE_CY), key=len, reverse=True)) + ")")
_HEDGE_CY = (r"(?:(?P<hedge>" + "|".join(sorted(map(re.escape, _HEDGES_CY), key=len,
                                                reverse=True)) + r")\s+(?:(?:за|в|у|во)\s+)?)?")
_UNIT_CY = r"\s*(?P<unit>км|кілометр\w*|километр\w*)(?!\w)"
_FROM_CY = r"\s+(?:від|от)\s+"
# a border's country: an adjective before it ("російського кордону") or a name after it
# ("кордону з Росією"), each read as the country's name
_BORDER_CY = (r"(?:(?P<adj>[а-яіїєґё]+(?:ськ|цьк|ск|цк)\w*)\s+)?(?:кордон\w*|границ\w*)"
              r"(?:\s+(?:з|із|с|со)\s+(?P<with>[А-ЯІЇЄҐЁ][\w’'-]+))?")
CLAIM_RE_CY = re.compile(r"(?<!\w)" + _HEDGE_CY + _NUM_CY + _UNIT_CY + _FROM_CY + _BORDER_CY,
                         re.I)
FRONT_RE_CY = re.compile(r"(?<!\w)" + _HEDGE_CY + _NUM_CY + _UNIT_CY + _FROM_CY
                         + r"(?:лінії\s+(?:фронту|бойового\s+зіткнення|зіткнення)|"
                         r"линии\s+(?:фронта|боевого\s+соприкосновения|соприкосновения)|"
                         r"фронту|фронта)(?!\w)", re.I)
# country adjectives of the war's borders, by stem, as the country's name
_BORDER_ADJ_CY = {"росій": "Росія", "россий": "Россия", "білорус": "Білорусь",
                  "белорус": "Беларусь", "польськ": "Польща", "польск": "Польша",
                  "румун": "Румунія", "молдов": "Молдова", "молдав": "Молдова",
                  "угорськ": "Угорщина", "венгер": "Венгрия", "словацьк": "Словаччина",
                  "словацк": "Словакия", "українськ": "Україна", "украинск": "Украина"}


def _cyrillic_claims(text: str) -> list[DistanceClaim]:
    """The distance-to-border statements of a Ukrainian or Russian text."""
    out = []
    for m in CLAIM_RE_CY.finditer(text):
        km, hedge, vague = _cyrillic_km(m)
        word = m.group("with")
        adj = (m.group("adj") or "").lower()
        if not word and adj:
            word = next((v for k, v in _BORDER_ADJ_CY.items() if adj.startswith(k)), None)
        out.append(DistanceClaim(m.group(0), m.start(), m.end(), round(km, 3), hedge, word,
                                 tolerance_km(km, hedge, vague)))
    return out


def _cyrillic_km(m: re.Match) -> tuple[float, str | None, bool]:
    """The kilometres, the English hedge and vagueness of a Cyrillic claim's match."""
    raw = m.group("num").lower()
    vague = raw in _VAGUE_CY
    km = float(_VAGUE_CY[raw]) if vague else float(raw.replace(",", "."))
    hedge = _HEDGES_CY.get((m.group("hedge") or "").lower())
    return km, hedge, vague


_CYRILLIC_BORDER = re.compile(r"кордон|границ", re.I)
_CYRILLIC_FRONT = re.compile(r"фронт|зіткнен|соприкоснов", re.I)


def find_distance_claims(text: str) -> list[DistanceClaim]:
    """Every "N km from the (X) border" statement in ``text`` (in English, Ukrainian or
    Russian: "за 5 кілометрів від кордону з Росією", "в 30 км от границы")."""
    out: list[DistanceClaim] = []
    if has_cyrillic(text) and _CYRILLIC_BORDER.search(text):
        out.extend(_cyrillic_claims(text))
    # the pattern ends with "border": look only just before each occurrence of the word
    for b in _borders(text):
        lo = max(0, b.start() - 120)
        lo = text.rfind(" ", 0, lo) + 1 if lo else 0  # start on a word, not inside "some"
        m = None
        pos = lo
        for start in _starts(text, lo, b.end()):
            if start < pos:
                continue
            hit = CLAIM_RE.match(text, start, b.end())
            if hit:
                m, pos = hit, hit.end()
        if m is None or m.end() != b.end() or (out and out[-1].start == m.start()):
            continue
        raw = m.group("num")
        km = _number(raw) * _UNITS[m.group("unit").lower()]
        if not math.isfinite(km):  # a 400-digit number is no distance (and no valid JSON)
            continue
        vague = raw.lower() in ("a few", "several", "a couple of", "dozens of")
        hedge = m.group("hedge")
        dem = m.group("demonym")
        out.append(DistanceClaim(m.group(0), m.start(), m.end(), round(km, 3),
                                 hedge.lower() if hedge else None,
                                 dem.strip() if dem else None,
                                 tolerance_km(km, hedge, vague)))
    return sorted(out, key=lambda c: c.start) if len(out) > 1 else out


# ---------------------------------------------------------------- statements about the front
# "some 10 km from the front line", "15 kilometres behind the line of contact"
_FRONT_WORDS = r"(?:front[\s-]*lines?|frontlines?|front|line of contact|contact line)"
FRONT_RE = re.compile(_HEDGE + _NUM + _UNIT + r"\s*(?:away\s+)?(?:from|of|behind|to)\s+"
                      r"(?:the\s+)?" + _FRONT_WORDS + r"\b", re.I)
# Statements of who holds a place, and the state they assert: "the occupied part of the
# Zaporizhzhia region", "Russian-occupied Melitopol" (occupied); "Russian forces captured
# Avdiivka" (occupied after the event); "Ukrainian forces liberated Kupiansk", "retook"
# (not occupied after it). The place named next is the one described.
_CONTROL_RE = re.compile(
    r"\b(?P<occupied>(?:Russian[\s-]+)?occupied(?:\s+part\s+of)?|under\s+Russian\s+"
    r"(?:control|occupation)\s+(?:in|of))"
    r"|\b(?P<captured>captured|seized|took\s+control\s+of|occupied)"
    r"|\b(?P<liberated>liberated|retook|recaptured|regained\s+control\s+of|de-?occupied)"
    r"(?=\s+(?:the\s+)?(?:(?:city|town|village|settlement|region|oblast)\s+of\s+)?[A-Z])",
    re.I)


@dataclass(frozen=True)
class FrontClaim:
    """A statement about the front: a distance to it (``kind`` "distance", with
    ``claimed_km`` and ``tolerance_km``) or who holds a place (``kind`` "occupied",
    "captured" or "liberated")."""

    text: str
    start: int
    end: int
    kind: str
    claimed_km: float | None = None
    tolerance_km: float | None = None


def find_front_claims(text: str) -> list[FrontClaim]:
    """Every statement of a distance to the front, or of who holds a place, in ``text``."""
    cyrillic = has_cyrillic(text) and _CYRILLIC_FRONT.search(text) is not None
    if "front" not in text.lower() and "contact" not in text.lower() \
            and not _CONTROL_HINT.search(text) and not cyrillic:
        return []
    out = []
    for m in FRONT_RE_CY.finditer(text) if cyrillic else ():
        km, hedge, vague = _cyrillic_km(m)
        out.append(FrontClaim(m.group(0), m.start(), m.end(), "distance", round(km, 3),
                              tolerance_km(km, hedge, vague)))
    for m in FRONT_RE.finditer(text):
        km = _number(m.group("num")) * _UNITS[m.group("unit").lower()]
        if math.isfinite(km):
            hedge = m.group("hedge")
            out.append(FrontClaim(m.group(0), m.start(), m.end(), "distance", round(km, 3),
                                  tolerance_km(km, hedge)))
    for m in _CONTROL_RE.finditer(text):
        out.append(FrontClaim(m.group(0), m.start(), m.end(), m.lastgroup or "occupied"))
    return sorted(out, key=lambda c: c.start)


_CONTROL_HINT = re.compile(r"occupied|captured|seized|took control|liberated|retook|"
                           r"recaptured|regained control|under Russian", re.I)


def tie_front_claims(text: str, spans: list[tuple[int, int, bool]],
                     claims: list[FrontClaim]) -> list[tuple[int, FrontClaim]]:
    """Pair each front claim with its place: a distance describes the nearest place before
    it in its sentence (as :func:`tie_claims`), a statement of control the place named next
    (within 80 characters, in the sentence)."""
    ends = [end for _, end, _ in spans]
    starts = [start for start, _, _ in spans]
    out = []
    for c in claims:
        if c.kind == "distance":
            k = bisect.bisect_right(ends, c.start) - 1
            if k >= 0 and _last_break(text, c.start) < spans[k][1] \
                    and c.start - spans[k][1] <= MAX_SENTENCE:
                out.append((k, c))
            continue
        k = bisect.bisect_left(starts, c.end)
        if k < len(spans) and spans[k][0] - c.end <= 80 \
                and not _SENTENCE_BREAK.search(text, c.end, spans[k][0]):
            out.append((k, c))
    return out


_SENTENCE_BREAK = re.compile(r"[.!?](?=\s)|\n")


# A sentence ends at ".", "!" or "?" before a blank, or at a newline: the last such end in a
# stretch, where the match after the greedy run stops (see _last_break)
_LAST_BREAK = re.compile(r"(?s:.*)(?:[.!?](?=\s)|\n)")


def tie_claims(text: str, spans: list[tuple[int, int, bool]], claims=None):
    """Pair each distance claim with the place it describes.

    ``spans`` are the places as ``(start, end, is_area)`` in text order; ``claims`` those of
    :func:`map_app.claims.find_distance_claims` when already found. A claim describes the
    nearest place before it in the same sentence, skipping the regions and countries that only
    qualify that place ("Andriivka in the Sumy region, located around 5km from the Russian
    border" describes Andriivka).
    """
    out = []
    ends = [end for _, end, _ in spans]
    for claim in find_distance_claims(text) if claims is None else claims:
        best = None
        stop = None  # where the claim's sentence starts: after the last break before it
        # from the last place that ends before the claim, backwards (spans in text order),
        # within one sentence: text without punctuation is read as windows of MAX_SENTENCE
        for i in range(bisect.bisect_right(ends, claim.start) - 1, -1, -1):
            _, end, area = spans[i]
            if claim.start - end > MAX_SENTENCE:
                break
            if stop is None:
                stop = _last_break(text, claim.start)
            if end <= stop:
                break  # a sentence ends between the place and the claim
            if area:
                best = i if best is None else best
                continue
            best = i
            break
        if best is not None:
            out.append((best, claim))
    return out


def _last_break(text: str, pos: int, limit: int = MAX_SENTENCE) -> int:
    """Where the last sentence end in the ``limit`` characters before ``pos`` lies: a stop
    (".", "!", "?") with a blank after it before ``pos``, or a newline; -1 if none.

    A sentence ends in ``text[a:pos]`` (``a`` no more than ``limit`` before ``pos``) exactly
    when this is ``a`` or more: one read of a bounded stretch per claim, instead of one of the
    stretch before each place tried.
    """
    m = _LAST_BREAK.match(text, max(0, pos - limit), pos)
    return m.end() - 1 if m else -1


def border_country(claim: DistanceClaim, gazetteer) -> str | None:
    """The country whose border a claim names ("the Russian border" → "RU"), if it names one
    (cached per word on the gazetteer)."""
    if not claim.border_word:
        return None
    memo = gazetteer.memo("claims.border-country", 10_000)
    if claim.border_word not in memo:
        memo[claim.border_word] = next((c.country_code for c in gazetteer.lookup(
            claim.border_word, limit=3) if c.kind == "country"), None)
    return memo[claim.border_word]


def check_claim(claim: DistanceClaim, kind: str, computed_km: float | None,
                border: str | None) -> dict:
    """Compare a claim with the computed distance of the place it describes.

    Returns
    -------
    dict
        ``{"text", "claimed_km", "border", "computed_km", "tolerance_km", "verdict"}``;
        the verdict is ``consistent``, ``inconsistent`` or ``unverifiable`` (no border found,
        or the place is a country: its point says nothing about its border).
    """
    # None unless the distance can be checked (NaN != NaN: no border found)
    km = (computed_km if computed_km is not None and computed_km == computed_km
          and kind != "country" else None)
    if km is None:
        verdict = "unverifiable"
    elif abs(km - claim.claimed_km) <= claim.tolerance_km:
        verdict = "consistent"
    else:
        verdict = "inconsistent"
    return {"text": claim.text, "claimed_km": claim.claimed_km, "border": border,
            "computed_km": round(float(km), 2) if km is not None else None,
            "tolerance_km": claim.tolerance_km, "verdict": verdict}
