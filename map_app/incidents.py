"""Incidents: which places had something happen there, what, when, and to how many people.

The event taxonomy is modelled on ACLED's (event type → sub-event type):

===========================  ====================================  ============================
``event_type``               ACLED sub-event type                  ACLED event type
===========================  ====================================  ============================
``shelling_missile_attack``  Shelling/artillery/missile attack     Explosions/Remote violence
``air_drone_strike``         Air/drone strike                      Explosions/Remote violence
``remote_explosive``         Remote explosive/landmine/IED         Explosions/Remote violence
``armed_clash``              Armed clash                           Battles
``territory_captured``       Government regains territory /        Battles
                             Non-state actor overtakes territory
``attack_on_civilians``      Attack                                Violence against civilians
``explosion``                (explosion of unstated cause)         Explosions/Remote violence
``attack``                   (attack, hit or strike of unstated     Explosions/Remote violence
                             means)
``property_destruction``     Looting/property destruction          Strategic developments
``evacuation``               Other (civilian evacuation)           Strategic developments
``arrest``                   Arrests                               Strategic developments
``protest``                  Peaceful protest                      Protests
===========================  ====================================  ============================

A place is an ``incident`` when a sentence that names it reports such an event (or casualties)
and the place is where it happened — not the actor ("Moscow's army", "Russian troops"), not a
region that only qualifies another place ("Andriivka in the Sumy region"), not a country named
in passing. Every other place is a ``mention``.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from datetime import date, timedelta

from ._text import MAX_SENTENCE, windows

EVENT_CATEGORY = {
    "shelling_missile_attack": "Explosions/Remote violence",
    "air_drone_strike": "Explosions/Remote violence",
    "remote_explosive": "Explosions/Remote violence",
    "explosion": "Explosions/Remote violence",
    "armed_clash": "Battles",
    "territory_captured": "Battles",
    "attack_on_civilians": "Violence against civilians",
    "attack": "Explosions/Remote violence",
    "property_destruction": "Strategic developments",
    "evacuation": "Strategic developments",
    "arrest": "Strategic developments",
    "protest": "Protests",
}

# Trigger patterns, most specific first: the first that matches a sentence names its event.
_TRIGGERS: list[tuple[str, re.Pattern]] = [(t, re.compile(p, re.I)) for t, p in [
    ("air_drone_strike", r"\b(air ?strikes?|air raids?|drones?|UAVs?|Shaheds?|bombers?|"
                         r"glide bombs?|airstrikes?)\b"),
    ("shelling_missile_attack", r"\b(shell(ing|ed|s)?|artillery|rockets?|missiles?|mortars?|"
                                r"MLRS|Grad|Iskanders?|ballistic|cluster munitions?|"
                                r"bombard(ed|ment)?)\b"),
    ("remote_explosive", r"\b(explosive devices?|IEDs?|landmines?|mines?|car bombs?|"
                         r"sabotage|booby[- ]trap)\b"),
    ("territory_captured", r"\b(captur(ed|es|e|ing)|seiz(ed|es|e|ing)|took control|taken control|"
                           r"liberat(ed|es|e|ing)|retook|recaptur(ed|e)|occupied|overran)\b"),
    ("armed_clash", r"\b(clash(es|ed)?|fighting (?:in|around|near|on|erupted|raged)|"
                    r"heavy fighting|fought|battles? (?:for|of|in)|assaults?|offensive|"
                    r"counter-?offensive|advanc(e|ed|ing)|gunfire|firefight|ambush(ed)?)\b"),
    ("attack_on_civilians", r"\b(targeting civilians|massacre|executed|abducted|hostages?)\b"),
    ("explosion", r"\b(explosions?|blasts?|exploded|detonat(ed|ion))\b"),
    ("property_destruction", r"\b(destroy(ed|s)?|damag(ed|ing)|set on fire|burn(ed|t) down)\b"),
    ("attack", r"\b(hit|struck|strikes?|attack(s|ed)?|target(ed|ing))\b"),
    ("evacuation", r"\b(evacuat(ed|ion|e|ing)|flee(ing)?|fled)\b"),
    ("arrest", r"\b(arrest(ed|s)?|detain(ed|s)?)\b"),
    ("protest", r"\b(protest(s|ers|ed)?|demonstrat(ors|ion|ions)|rall(y|ies))\b"),
]]
# Places named as actors or as the owners of forces, not as where something happened.
_ACTOR_AFTER = re.compile(
    r"^(?:['’]s)?\s+(?:\w+\s+){0,2}?(army|troops|forces|military|soldiers|navy|air force|"
    r"security service|government|officials?|authorities|ministry|leaders?|president|"
    r"negotiators?|delegation|defen[cs]e|units?|drones|missiles|accused|said|says|claimed|"
    r"claims|launched|fired|demanded|demands|offered|wants|warned|insists|denied|announced|deployed|"
    r"pressed|rejected|agreed|sent|sending)\b", re.I)
_ACTOR_BEFORE = re.compile(r"\b(accused|by|from|blamed|urged|told|with)\s+(the\s+)?$", re.I)
_LOCATIVE_BEFORE = re.compile(
    r"\b(in|on|at|near|into|inside|outside|of|across|around|over|toward|towards|against|"
    r"hit|struck|shelled|captured|seized|took|liberated|attacked|targeted|bombed|"
    r"the (?:city|town|village|settlement|region|oblast|district|port|suburbs?) of)\s+"
    r"(?:the\s+)?(?:[\w’'-]+\s+){0,2}$", re.I)
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+[”\"’']?|\n|$)")

_NUM_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
              "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
              "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
              "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
              "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
              "hundred": 100, "dozens": 24, "dozen": 12, "hundreds": 200}
_NUM = (r"(?:at least |more than |over |some |about |around |nearly |almost |up to )?"
        r"(?P<n>\d[\d,]*|(?:" + "|".join(sorted(_NUM_WORDS, key=len, reverse=True))
        + r")(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?)")
_PEOPLE = (r"(?:\s+(?:other\s+)?(?:people|persons|civilians|children|soldiers|residents|"
           r"others|men|women|servicemen|troops|police(?:men)?|officers|workers))?")
_KILLED = r"(?:killed|dead|died|deaths?|lost their lives|fatalities)"
_WOUNDED = r"(?:wounded|injured|hurt|injuries)"


def _casualty_patterns() -> list[tuple[str, re.Pattern]]:
    pats = []
    for kind, word, verb in (("killed", _KILLED, r"kill(?:ed|ing|s)"),
                             ("wounded", _WOUNDED, r"(?:wound|injur)(?:ed|ing|es|s)")):
        # "four people were killed", "20 wounded"
        pats.append((kind, re.compile(_NUM + _PEOPLE + r"\s+(?:were\s+|was\s+|have been\s+|"
                                      r"had been\s+)?(?:also\s+)?(?:reported\s+)?" + word
                                      + r"\b", re.I)))
        # "killed four people", "injuring 30"
        pats.append((kind, re.compile(r"\b" + verb + r"\s+" + _NUM + _PEOPLE + r"\b", re.I)))
        # "among 20 wounded"
        pats.append((kind, re.compile(r"\bamong\s+(?:the\s+)?" + _NUM + r"\s+" + word, re.I)))
    pats.append(("killed", re.compile(r"\b(?:death\s+)?toll\s+(?:rose|rises|climbed|reached|"
                                      r"stands|stood)\s+(?:to|at)\s+" + _NUM, re.I)))
    return pats


_CASUALTY_PATTERNS = _casualty_patterns()
# A word every casualty pattern holds (a count killed or wounded, a toll): most sentences have
# none, and one search for them costs less than the patterns' seven (case-insensitive alike).
_CASUALTY_WORD = re.compile(r"kill|dead|died|death|lost their lives|fatalit|wound|injur|hurt|"
                            r"toll", re.IGNORECASE)
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def _number(s: str) -> int:
    s = s.lower().replace(",", "")
    if s.isdigit():
        return int(s)
    parts = re.split(r"[- ]", s)
    return sum(_NUM_WORDS.get(p, 0) for p in parts)


def find_casualties(sentence: str) -> dict[str, int]:
    """Killed and wounded counts stated in one sentence ("killed four people", "20 wounded").

    Returns
    -------
    dict
        ``{"killed": n, "wounded": m}`` with only the counts found.
    """
    out: dict[str, int] = {}
    if _CASUALTY_WORD.search(sentence) is None:
        return out
    for kind, pat in _CASUALTY_PATTERNS:
        for m in pat.finditer(sentence):
            n = _number(m.group("n"))
            if n:
                out[kind] = max(out.get(kind, 0), n)
    return out


# How far (characters) an event word may be from a place and still be about it.
TRIGGER_WINDOW = 100


def event_type_of(sentence: str, near: tuple[int, int] | None = None) -> str | None:
    """The event a sentence reports, by the taxonomy above (None when it reports none).

    With ``near`` (a span inside ``sentence``), only event words within
    :data:`TRIGGER_WINDOW` characters of it count, the most specific type first.
    """
    lo, hi = (near[0] - TRIGGER_WINDOW, near[1] + TRIGGER_WINDOW) if near else (0, len(sentence))
    for name, pat in _TRIGGERS:
        for m in pat.finditer(sentence):
            if m.end() >= lo and m.start() <= hi:
                return name
    return None


class _Triggers:
    """The event words of one sentence, found once: :func:`event_type_of` with ``near`` for
    each of its places, without reading the sentence again per place (a sentence may name
    hundreds of places)."""

    __slots__ = ("_found", "sentence")

    def __init__(self, sentence: str):
        self.sentence = sentence
        # per trigger, the (starts, ends) of its matches; found when first asked for, since
        # most places are placed by the first trigger or two
        self._found: list[tuple[list[int], list[int]] | None] = [None] * len(_TRIGGERS)

    def near(self, span: tuple[int, int]) -> str | None:
        """:func:`event_type_of` ``(sentence, span)``."""
        lo, hi = span[0] - TRIGGER_WINDOW, span[1] + TRIGGER_WINDOW
        for k, (name, pat) in enumerate(_TRIGGERS):
            found = self._found[k]
            if found is None:
                spans = [m.span() for m in pat.finditer(self.sentence)]
                found = self._found[k] = ([a for a, _ in spans], [b for _, b in spans])
            starts, ends = found
            # the matches do not overlap, so starts and ends both ascend: the first match
            # ending at or after ``lo`` is the only one to test against ``hi``
            j = bisect.bisect_left(ends, lo)
            if j < len(ends) and starts[j] <= hi:
                return name
        return None


def event_date(sentence: str, published: date | None) -> tuple[date | None, str]:
    """When the event of ``sentence`` happened, from relative words and the article date.

    Returns
    -------
    (date or None, str)
        The date and its precision: ``day``, ``week`` or ``article`` (no relative word: the
        article's date is the best estimate). Never later than the article date.
    """
    if published is None:
        return None, "unknown"
    try:
        return _relative_date(sentence.lower(), published)
    except OverflowError:  # "yesterday" of 0001-01-01: the article's date is all we have
        return published, "article"


def _relative_date(s: str, published: date) -> tuple[date, str]:
    if re.search(r"\b(today|this morning|this afternoon|tonight|overnight|on \w+ night)\b", s) \
            and "last night" not in s:
        return published, "day"
    if re.search(r"\b(yesterday|last night)\b", s):
        return published - timedelta(days=1), "day"
    if re.search(r"\blast week\b", s):
        return published - timedelta(days=7), "week"
    if re.search(r"\blast month\b", s):
        return published - timedelta(days=30), "month"
    m = re.search(r"\b(?:on|last|this)\s+(" + "|".join(_WEEKDAYS) + r")\b", s)
    if m:
        back = (published.weekday() - _WEEKDAYS.index(m.group(1))) % 7
        return published - timedelta(days=back), "day"
    return published, "article"


def sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text``, none longer than
    :data:`~map_app._text.MAX_SENTENCE` characters: a longer one (text without sentence
    punctuation) is cut into windows at blanks (:func:`map_app._text.windows`)."""
    out = []
    for m in _SENTENCE.finditer(text):
        s, e = m.span()
        if _NONBLANK.search(text, s, e) is None:
            continue
        if e - s <= MAX_SENTENCE:
            out.append((s, e))
        else:
            out.extend(windows(text, s, e))
    return out


_NONBLANK = re.compile(r"\S")


def classify(text: str, places: list[dict], published: date | None = None) -> list[dict]:
    """Add ``role``, ``event_type``, ``event_category``, ``killed``, ``wounded`` and
    ``event_date`` to each place record (dicts from :func:`map_app.places.resolve_records`).

    Casualties stated anywhere about an incident place are gathered on that place's incident:
    every incident mention of the same entry in the article carries the totals. ``published``
    is the article's date as :func:`map_app.pipeline.analyse` worked it out (None: unknown).
    """
    spans = sentences(text)
    lines = _Spans(datelines(text))
    starts = [s for s, _ in spans]

    def sentence_of(pos: int) -> tuple[int, int]:
        k = max(0, bisect.bisect_right(starts, pos) - 1)
        return spans[k] if spans else (0, len(text))

    by_sentence: dict[tuple[int, int], list[int]] = {}
    for i, p in enumerate(places):
        by_sentence.setdefault(sentence_of(p["start"]), []).append(i)
    totals: dict[str, dict[str, int]] = {}
    first_type: dict[str, str] = {}
    for (s0, s1), idx in sorted(by_sentence.items()):
        sent = text[s0:s1]
        cas = find_casualties(sent)
        if not cas and event_type_of(sent) is None:
            scene: set[int] = set()
        else:
            scene = _scene(text, places, idx, s0, lines)
        triggers = _Triggers(sent) if scene else None
        when, precision = event_date(sent, published)
        when_iso = when.isoformat() if when else None  # one string per sentence, not per place
        for i in idx:
            p = places[i]
            key = p.get("entry") or p["name"]
            p["event_date"] = when_iso
            p["event_date_precision"] = precision
            etype = triggers.near((p["start"] - s0, p["end"] - s0)) \
                if triggers is not None and i in scene else None
            if i in scene and (etype or cas or key in first_type):
                p["role"] = "incident"
                # later sentences about the same place ("Sumy's mayor said 20 were wounded")
                # continue its first incident
                p["event_type"] = first_type.setdefault(key, etype or "attack")
                t = totals.setdefault(key, {})
                for k, v in cas.items():
                    t[k] = max(t.get(k, 0), v)
            else:
                p["role"] = "mention"
                p["event_type"] = None
    for p in places:
        p.setdefault("role", "mention")
        p.setdefault("event_type", None)
        p["event_category"] = EVENT_CATEGORY.get(p["event_type"]) if p["event_type"] else None
        t = totals.get(p.get("entry") or p["name"], {}) if p["role"] == "incident" else {}
        p["killed"] = t.get("killed")
        p["wounded"] = t.get("wounded")
        p["casualties"] = {"killed": t.get("killed"), "wounded": t.get("wounded")} \
            if t else None
    return places


# A dateline: where a report was filed, not where anything happened. At the start of a line,
# a place (and its qualifier), then a date, an agency in brackets, and a dash: "KYIV, July 14
# (Reuters) –", "Kharkiv, 5 June 2025 (AFP) -", "MANILA, Philippines (AP) —", "LONDON —".
_DATELINE = re.compile(
    r"(?m)^[ \t]*[A-Z][\w'’.-]*(?:[ \t]+[A-Z][\w'’.-]*){0,3}"
    r"(?:,[ \t]*[A-Z][\w.]*(?:[ \t]+[A-Z][\w.]*)?(?=[ \t]*[,(—–-]))?"
    r"(?:,?[ \t]*(?:[A-Z][a-z]{2,8}\.?[ \t]+\d{1,2}|\d{1,2}[ \t]+[A-Z][a-z]{2,8})"
    r"(?:,?[ \t]+\d{4})?)?"
    r"[ \t]*(?:\([^()\n]{1,40}\))?[ \t]*(?:—|–|--?)[ \t]")


def datelines(text: str) -> list[tuple[int, int]]:
    """Spans of the datelines of ``text`` (see :data:`_DATELINE`)."""
    return [m.span() for m in _DATELINE.finditer(text)]


class _Spans:
    """Sorted, non-overlapping spans (a text's datelines) that say in log time whether a
    position lies in one: a long text has thousands, and each place asks."""

    __slots__ = ("ends", "starts")

    def __init__(self, spans):
        self.starts = [a for a, _ in spans]
        self.ends = [b for _, b in spans]

    def __contains__(self, pos: int) -> bool:
        # only the last span starting at or before ``pos`` can hold it
        k = bisect.bisect_right(self.starts, pos) - 1
        return k >= 0 and pos < self.ends[k]


def _scene(text: str, places: list[dict], idx: list[int], s0: int,
           lines: Sequence[tuple[int, int]] | _Spans = ()) -> set[int]:
    """Which places of an event sentence are where the event happened (none in a
    dateline: ``lines``, spans or :class:`_Spans` of them)."""
    if not isinstance(lines, _Spans):
        lines = _Spans(lines)
    loc: list[int] = []
    for i in idx:
        p = places[i]
        if p["start"] in lines:
            continue  # "KYIV, July 14 (Reuters) –": where the report was filed
        before = text[max(s0, p["start"] - 60):p["start"]]
        after = text[p["end"]:p["end"] + 60]
        if _ACTOR_AFTER.match(after) and not _LOCATIVE_BEFORE.search(before):
            continue  # "Moscow’s army said", "Russian troops"
        if p["kind"] in ("country", "other") and not _LOCATIVE_BEFORE.search(before):
            continue  # "Russia", "Russian", "Europe": named in passing or as an actor
        if _ACTOR_BEFORE.search(before):
            continue  # "accused Russia", "from Russia"
        loc.append(i)
    # a region or country right after a place only says where that place is
    qualifiers = set()
    for a, b in zip(idx, idx[1:]):
        gap = text[places[a]["end"]:places[b]["start"]]
        if places[b]["kind"] in ("region", "country") and places[a]["kind"] not in (
                "region", "country") and re.fullmatch(r",\s*|\s+in\s+(the\s+)?(\S+\s+)?", gap):
            qualifiers.add(b)
    loc = [i for i in loc if i not in qualifiers]
    if not loc:
        return set()
    # the most specific places carry the incident; countries only when nothing else does
    rank = {"landmark": 0, "village": 0, "city": 0, "region": 1, "other": 2, "country": 3}
    best = min(rank.get(places[i]["kind"], 2) for i in loc)
    return {i for i in loc if rank.get(places[i]["kind"], 2) == best}
