"""The case forms of Ukrainian and Russian place names, from a morphological analyser.

Both languages decline names: Суми, Сумам, у Сумах; Харків, Харкова, у Харкові; Велика
Писарівка, Великої Писарівки; в Харьковской области. The data build adds every case of every
Cyrillic name it ships (:func:`case_forms`), so the geoparser finds an inflected name by the
same hash look-up as any other and needs no analyser at run time for it. The analyser is
pymorphy3 with its Ukrainian and Russian dictionaries; a word the dictionaries lack (most
villages) is declined by the paradigm of the words it ends like (Кругляківка as Андріївка).
"""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import product

from ._text import cyrillic_language

# The cases a name takes in running text; the vocative never names a place.
_ORDER = ("nomn", "gent", "datv", "accs", "ablt", "loct", "loc2", "gen2")
_CASES = frozenset(_ORDER)
_SPLIT = re.compile(r"([ \-]+)")
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'"})
_POETIC = ("ая", "яя", "ую", "юю", "еє", "єє", "ії")
_MAX_FORMS = 64  # per name: a name of many declinable words stops at the common cases


@lru_cache(maxsize=2)
def analyser(lang: str):
    """The pymorphy3 analyser of ``lang`` ("uk" or "ru"), loaded once (0.1 s each)."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang=lang)


def _pick(parses, word: str, last: bool):
    """The parse of ``word`` as the nominative it is written in: an adjective before the
    name's last word ("Велика", "Старий"), else a noun, a place's first ("Geox")."""
    # the Russian dictionary writes ё where news writes е ("черное" is "чёрное")
    plain = word.replace("ё", "е")
    nominative = [p for p in parses if p.word.replace("ё", "е") == plain
                  and {"nomn"} <= p.tag.grammemes and p.tag.POS in ("NOUN", "ADJF")]
    if not nominative:
        return None

    def rank(p) -> tuple[int, int, int]:
        g = p.tag.grammemes
        return (p.tag.POS == ("NOUN" if last else "ADJF"), "Geox" in g,
                not ({"Name", "Surn", "Patr", "anim"} & g))

    return max(nominative, key=rank)


@lru_cache(maxsize=200_000)
def word_forms(word: str, lang: str, last: bool = True) -> dict[str, tuple[str, ...]]:
    """The forms of one word of a name by case (lower case), keeping its number and, for an
    adjective, its gender; {} when the word is not a nominative noun or adjective (a
    preposition, an inflected complement: "на" and "Дону" of Ростов-на-Дону stay). ``last``:
    the name's last word, a noun rather than an adjective where it may be either."""
    low = word.lower().translate(_APOSTROPHES)
    m = analyser(lang)
    p = _pick(m.parse(low), low, last)
    if p is None:
        return _possessive(low) if not last and lang == "uk" else {}
    # the Ukrainian dictionary marks only the plural: a singular name keeps to forms without
    plural = "plur" in p.tag.grammemes
    keep = {"masc", "femn", "neut"} & p.tag.grammemes if p.tag.POS == "ADJF" else set()
    # Ukrainian's poetic full adjective forms ("великая", "новеє") are no names' forms
    poetic = _POETIC if lang == "uk" and p.tag.POS == "ADJF" else ()
    out: dict[str, list[str]] = {}
    for f in p.lexeme:
        g = f.tag.grammemes
        case = g & _CASES
        if case and keep <= g and ("plur" in g) == plural and f.tag.POS == p.tag.POS \
                and not (poetic and f.word.endswith(poetic)):
            out.setdefault(next(iter(case)), []).append(f.word)
    return {c: tuple(dict.fromkeys(v)) for c, v in out.items()}


def _possessive(word: str) -> dict[str, tuple[str, ...]]:
    """The cases of a Ukrainian possessive adjective before a masculine noun, which the
    dictionary lacks: Часів Яр, Часового Яру, у Часовому Яру; {} for any other word."""
    if not word.endswith(("ів", "їв")) or len(word) < 4:
        return {}
    stem = word[:-2] + ("ов" if word.endswith("ів") else "єв")
    return {"gent": (stem + "ого",), "datv": (stem + "ому",), "ablt": (stem + "им",),
            "loct": (stem + "ому", stem + "ім")}


def _restore(form: str, word: str) -> str:
    """``form`` written as ``word`` is: capitalised, or in capitals."""
    if word.isupper() and len(word) > 1:
        return form.upper()
    return form[:1].upper() + form[1:] if word[:1].isupper() else form


# Nouns of areas that adjectives share in the plural: "Брянської та Курської областей", "в
# Белгородской и Курской областях" name two oblasts, each adjective in the singular
SHARED_NOUNS = frozenset({"область", "район", "громада", "округ", "край"})


def _shared_forms(words: list[str], tables: list[dict]) -> list[str]:
    """"<adjective> <noun>" with the adjective in the singular and the noun in the plural of
    the same case ("Курської областей"): how the last of several adjectives sharing the noun
    reads. [] for a name of another shape."""
    if len(words) != 2 or words[1].lower() not in SHARED_NOUNS or not tables[0]:
        return []
    plural = _plural_forms(words[1].lower())
    return [f"{_restore(a, words[0])} {n}" for case, adjs in tables[0].items()
            for a in adjs for n in plural.get(case, ())]


@lru_cache(maxsize=16)
def _plural_forms(noun: str) -> dict[str, tuple[str, ...]]:
    """The plural forms of one of :data:`SHARED_NOUNS` by case, Ukrainian and Russian."""
    out: dict[str, list[str]] = {}
    for lang in ("uk", "ru"):
        for p in analyser(lang).parse(noun):
            if p.tag.POS != "NOUN" or p.word != noun:
                continue
            for f in p.lexeme:
                case = f.tag.grammemes & _CASES
                if case and "plur" in f.tag.grammemes:
                    out.setdefault(next(iter(case)), []).append(f.word)
            break
    return {c: tuple(dict.fromkeys(v)) for c, v in out.items()}


def case_forms(name: str) -> list[str]:
    """Every case of a Ukrainian or Russian place name, each declinable word in the same case
    (an adjective agreeing with its noun); the name itself first. A name with letters of only
    one language is declined in it, any other in both.

    >>> case_forms("Велика Писарівка")[:3]
    ['Велика Писарівка', 'Великої Писарівки', 'Великій Писарівці']
    >>> "Сумам" in case_forms("Суми") and "Харькове" in case_forms("Харьков")
    True
    """
    parts = _SPLIT.split(name.strip())
    words = parts[::2]
    langs = {"uk": ("uk",), "ru": ("ru",)}.get(cyrillic_language(name), ("uk", "ru"))
    out = [name]
    for lang in langs:
        tables = [word_forms(w, lang, k == len(words) - 1) if w[:1].isalpha() else {}
                  for k, w in enumerate(words)]
        if not any(tables):
            continue
        present = set().union(*(t.keys() for t in tables))
        for case in (c for c in _ORDER if c in present):
            options = [[_restore(f, w) for f in t.get(case, ())] or [w]
                       for w, t in zip(words, tables)]
            for k, sep in enumerate(parts[1::2]):
                # the first part of a compound may stay as it is (Новгород-Сіверського,
                # Білгород-Дністровського) or decline with the rest (Куп'янська-Вузлового)
                if sep.strip() == "-" and words[k] not in options[k]:
                    options[k].append(words[k])
            for combo in product(*options):
                joined = "".join(x for pair in zip(combo, [*parts[1::2], ""]) for x in pair)
                if joined not in out:
                    out.append(joined)
                if len(out) >= _MAX_FORMS:
                    return out
        out.extend(f for f in _shared_forms(words, tables) if f not in out)
    return out


_NAME_TAGS = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn", "Trad", "Abbr"})


@lru_cache(maxsize=50_000)
def is_common_word(word: str) -> bool:
    """Whether a Cyrillic word (lower case) is a common word of Ukrainian or Russian — one the
    dictionaries know, none of whose readings is a name ("обстріл", "ночью", "мешканців"),
    as against "володимир", "шойгу", "харкова" — so that, capitalised as a sentence's first
    word, it opens no name."""
    known = False
    for lang in ("uk", "ru"):
        m = analyser(lang)
        if m.word_is_known(word):
            known = True
            if any(_NAME_TAGS & p.tag.grammemes for p in m.parse(word)):
                return False
    return known


@lru_cache(maxsize=50_000)
def is_given_name(word: str) -> bool:
    """Whether a Cyrillic word (lower case) is a given name by the Ukrainian or Russian
    dictionary ("володимир", "майя", "олександр"): a reading tagged as one."""
    for lang in ("uk", "ru"):
        m = analyser(lang)
        if m.word_is_known(word) and any("Name" in p.tag.grammemes for p in m.parse(word)):
            return True
    return False
