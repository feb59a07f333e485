"""The language an article is written in: English, Ukrainian, Russian (the war's languages) or
another, per article and per paragraph (a Telegram post may quote a Russian statement in a
Ukrainian text).

Detection is by lingua (``lingua-language-detector``), restricted to the languages the war is
reported in and those map_app's users meet beside them, and only where it is needed: a text with
no Cyrillic letter whose common words are English's is English without asking lingua, so an
English article costs a few microseconds, not a model load.
"""
from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any

from ._text import has_cyrillic

#: ISO 639-1 codes of the languages told apart; anything else reads ``"und"``.
LANGUAGES = ("en", "uk", "ru", "be", "bg", "pl", "de", "fr", "es", "it")

_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_LATIN = re.compile(r"[A-Za-z]")
# the commonest English words: in an English text of a few sentences, several of every ten
_EN_WORDS = frozenset("the of and to in a is was that for on with by as at from said were "
                      "has have had it its be are which this an after".split())
_WORD = re.compile(r"[A-Za-z]+")
# how much of a text is read to decide (a paragraph or two is plenty)
SAMPLE = 1500


@cache
def _detector() -> Any:
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, c.upper()) for c in LANGUAGES]
    # built once per process; models load lazily, the first time a language is asked about
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


def _looks_english(sample: str) -> bool:
    words = [w.lower() for w in _WORD.findall(sample)]
    return len(words) >= 8 and sum(w in _EN_WORDS for w in words) >= 0.12 * len(words)


def detect(text: str) -> str:
    """The language of ``text`` as an ISO 639-1 code (``"en"``, ``"uk"``, ``"ru"``, …), or
    ``"und"`` when it has too few letters to tell.

    Examples
    --------
    >>> detect("Russian shelling hit Sumy overnight, killing four people, officials said.")
    'en'
    >>> detect("У середу російські війська обстріляли Суми, загинули четверо людей.")
    'uk'
    >>> detect("В среду российские войска нанесли удар по Сумам.")
    'ru'
    """
    return _detect_sample(text[:SAMPLE])


@lru_cache(maxsize=256)
def _detect_sample(sample: str) -> str:
    """:func:`detect` of a text's first :data:`SAMPLE` characters, cached: the pipeline asks
    it of the same article for its output and for its places."""
    cyrillic = len(_CYRILLIC.findall(sample))
    latin = len(_LATIN.findall(sample))
    if cyrillic + latin < 12:
        return "und"
    if not cyrillic and _looks_english(sample):
        return "en"
    found = _detector().detect_language_of(sample)
    return found.iso_code_639_1.name.lower() if found is not None else "und"


def paragraphs(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, language)`` of each paragraph (text between blank lines) of ``text``
    with letters enough to tell; adjacent paragraphs of one language are merged."""
    out: list[tuple[int, int, str]] = []
    for m in re.finditer(r"\S(?:.|\n(?!\s*\n))*", text):
        lang = detect(m.group())
        if lang == "und":
            continue
        if out and out[-1][2] == lang:
            out[-1] = (out[-1][0], m.end(), lang)
        else:
            out.append((m.start(), m.end(), lang))
    return out


def describe(text: str) -> dict:
    """The article's language and, when its paragraphs are in more than one, each one's:
    ``{"language": "uk", "languages": [[start, end, "uk"], [start, end, "ru"], …]}``
    (``languages`` only for a mixed text)."""
    if not has_cyrillic(text) and _looks_english(text[:600]):
        return {"language": "en"}  # the common case, at the cost of one scan
    parts = paragraphs(text) if "\n" in text.strip() else []
    if len({p[2] for p in parts}) > 1:
        # the language of most of the text is the article's
        size: dict[str, int] = {}
        for s, e, lang in parts:
            size[lang] = size.get(lang, 0) + e - s
        return {"language": max(size, key=lambda k: size[k]),
                "languages": [list(p) for p in parts]}
    return {"language": parts[0][2] if parts else detect(text)}
