"""Name normalisation, hashing and Cyrillic transliteration.

Every name that goes into the gazetteer and every span looked up in it passes through
:func:`normalize`, so matching is insensitive to case, diacritics, apostrophes and hyphens.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

import numpy as np

# Apostrophe-like characters news and transliterations use ("Vovchans'k", "Kyiv’s").
_APOSTROPHES = "'’‘`´ʼʹ′"
_DASHES = "-‐‑‒–—―"
_APOS_RE = re.compile(f"[{re.escape(_APOSTROPHES)}]")
_SEP_RE = re.compile(f"[{re.escape(_DASHES)}_/.,]+")
_SPACE_RE = re.compile(r"\s+")
# Letters that NFKD does not decompose but that readers treat as plain Latin letters.
_FOLD = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae",
                       "œ": "oe", "ß": "ss", "ı": "i", "ħ": "h"})


@lru_cache(maxsize=200_000)
def normalize(name: str) -> str:
    """Return the lookup key of a name.

    Case-folded, diacritics stripped, apostrophes removed, hyphens, dots and slashes turned
    into spaces, white space collapsed.

    Parameters
    ----------
    name : str
        A place name as written.

    Returns
    -------
    str
        The key, e.g. ``normalize("Kyiv’s Podil-district") == "kyivs podil district"``.
    """
    # apostrophes first: NFKD splits an acute accent used as one ("Tavrijs´ke") into a blank
    # and a combining mark
    s = unicodedata.normalize("NFKD", _APOS_RE.sub("", name.casefold()))
    s = "".join(c for c in s if not unicodedata.combining(c)).translate(_FOLD)
    s = _SEP_RE.sub(" ", s)
    return _SPACE_RE.sub(" ", s).strip()


# Lower-case words that join the parts of a name ("Bosnia and Herzegovina", "Sea of Azov").
LINK_WORDS = frozenset({"of", "the", "and", "upon", "on", "de", "del", "la", "le", "al", "el",
                        "du", "des", "da", "do", "dos", "das", "am", "im", "an", "sur", "y", "i",
                        "на"})  # Ростов-на-Дону, Франкфурт-на-Майні


def link_windows(key: str) -> list[str]:
    """Every run of link words inside the key ``key``, with the word on each side.

    ``link_windows("democratic republic of the congo")`` lists "republic of the",
    "republic of the congo" and "of the congo". A name can span "X and Y" in a text only if the
    gazetteer has such a window around the link, so these windows let the recogniser skip the
    search for names across a link in the many texts that join names with "and".
    """
    words = key.split(" ")
    out = []
    for p in range(1, len(words) - 1):
        q = p
        while q < len(words) - 1 and words[q] in LINK_WORDS:
            q += 1
            out.append(" ".join(words[p - 1:q + 1]))
    return out


@lru_cache(maxsize=100_000)  # a text's names recur: half the keys hashed are repeats
def name_hash(key: str) -> int:
    """Return a stable 64-bit hash of a normalised key (same in every process)."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(),
                          "little")


def name_hashes(keys) -> np.ndarray:
    """Vectorised :func:`name_hash` over an iterable of keys, as ``uint64``."""
    return np.fromiter((name_hash(k) for k in keys), dtype=np.uint64)


# The longest stretch read as one sentence. Text without sentence punctuation (a scraped dump,
# a transcript) is cut into windows of at most this many characters, so what a sentence holds
# (an event, its casualties, a distance to a border) is looked for near where it is said, never
# across megabytes, and reading a window costs a bounded amount. 2,000 characters never cut a
# real sentence: the longest of the 33,861 in the bench articles and evaluation corpora has 775
# (news sentences rarely pass 500), and a list of villages shelled in one breath fits.
MAX_SENTENCE = 2000


def windows(text: str, start: int, end: int, limit: int = MAX_SENTENCE
            ) -> list[tuple[int, int]]:
    """``text[start:end]`` cut into spans of at most ``limit`` characters.

    Each span but the last ends just after the last blank (space or tab) before the limit,
    so no word is cut; a word longer than ``limit`` is cut at the limit.

    Parameters
    ----------
    text : str
    start, end : int
        The stretch to cut (a sentence).
    limit : int
        The longest span.

    Returns
    -------
    list of (int, int)
        Consecutive spans covering ``start:end``; one when it is no longer than ``limit``.
    """
    out = []
    while end - start > limit:
        # the last blank strictly inside the window: the span then ends with it
        cut = max(text.rfind(" ", start + 1, start + limit),
                  text.rfind("\t", start + 1, start + limit))
        cut = cut + 1 if cut > start else start + limit
        out.append((start, cut))
        start = cut
    out.append((start, end))
    return out


_SKELETON = str.maketrans({"j": "i", "y": "i"})
_RUNS_OF_I = re.compile(r"i{2,}")


def skeleton(key: str) -> str:
    """A normalised key with the letters transliterations of Cyrillic disagree on merged:
    y, j and runs of i are one i, so "Hulyaipole", "Huliaipole", "Huljajpole" and
    "Hulyaypole" share ``"huliaipole"``, and "Avdiivka" and "Avdiyivka" share "avdivka".
    The gazetteer holds the skeletons of Ukrainian names; the recogniser tries a span's
    skeleton only when the span itself is unknown."""
    return _RUNS_OF_I.sub("i", key.translate(_SKELETON))


# Sound keys: what the Latin spellings of one Ukrainian or Russian name keep in common, its
# consonants, with the letters the two languages' transliterations trade merged (Russian g
# is Ukrainian h, kh is h in some, j is y or i), vowels dropped and doubles single: Rabotino,
# Robotyn and Robotyne are "rbtn"; Chasov Yar and Chasiv Yar "4svr"; Orekhovo and Orikhove
# "rhv"; Nevskoye and Nevske "nvsk".
_SOUND_DIGRAPHS = re.compile(r"shch|sch|sh|ch|zh|kh|ts|tz|ph")
_SOUND_OF = {"shch": "2", "sch": "2", "sh": "2", "ch": "4", "zh": "3", "kh": "h", "ts": "c",
             "tz": "c", "ph": "f"}  # (digits: a key stays as it is through normalize)
_SOUND_LETTERS = str.maketrans({"g": "h", "w": "v", "x": "h", "q": "k"})
_SOUND_DROP = re.compile(r"[^bcdfhklmnprstvz234]+")
_SOUND_DOUBLE = re.compile(r"(.)\1+")


SOUND_MARK = "~"  # opens a sound key in the gazetteer's name index: no word of a text does
SOUND_MIN = 3  # consonants of a sound key worth indexing


def sound_key(key: str) -> str:
    """The sound key of a normalised Latin name (see above); empty for a name without
    consonants."""
    s = _SOUND_DIGRAPHS.sub(lambda m: _SOUND_OF[m.group()], key).translate(_SOUND_LETTERS)
    return _SOUND_DOUBLE.sub(r"\1", _SOUND_DROP.sub("", s))


def is_latin(name: str) -> bool:
    """True when every letter of ``name`` is Latin (after stripping diacritics)."""
    return all(("a" <= c <= "z") for c in normalize(name) if c.isalpha())


# --- Cyrillic -> Latin: the spellings news uses for Ukrainian places -----------------------
# Ukrainian, national standard (Cabinet of Ministers resolution 55, 2010): (initial form,
# elsewhere); the standard writes ye/yi/y/yu/ya only at the start of a word, and a letter
# after an apostrophe is not at the start (Кам'янка -> Kamianka).
_UK_KMU = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": ("ye", "ie"),
    "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": ("yi", "i"), "й": ("y", "i"), "к": "k",
    "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": ("yu", "iu"),
    "я": ("ya", "ia"), "'": "", "’": "", "ʼ": "",
}
# The spelling most English-language news used before the standard took hold (Andriyivka,
# Kamyanka).
_UK_POPULAR = dict(_UK_KMU, **{"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"})
# The j-spellings of scholarly and many OSINT and UCDP sources (Zajtseve, Vidrodzhennja).
_UK_J = dict(_UK_KMU, **{"є": "je", "ї": "ji", "й": "j", "ю": "ju", "я": "ja"})
# Russian -> Latin, the plain newspaper style (Andreevka) and the "ye" style (Andreyevka).
_RU_PLAIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}
_RU_J = dict(_RU_PLAIN, **{"й": "j", "ю": "ju", "я": "ja", "ё": "jo"})
_VOWELS = set("аеєиіїоуюяёэыaeiouy")
_APOS = set(_APOSTROPHES) | {"ʼ"}
# Letters only one of the two languages writes (apostrophes count as Ukrainian).
_UK_ONLY = set("іїєґ") | _APOS
_RU_ONLY = set("ыэёъ")
# Russian adjective endings, as news shortens them (Krasnyy -> Krasny, Krasnyi).
_RU_ENDINGS = {"ый": ("y", "yi"), "ий": ("y", "i", "yi"), "ой": ("oy", "oi")}


def _translit(word: str, table: dict, ye_after_vowel: bool = False) -> str:
    out = []
    prev = ""
    for i, ch in enumerate(word):
        low = ch.lower()
        rep = table.get(low)
        if rep is None:
            out.append(ch)
            prev = low
            continue
        initial = i == 0 or (not word[i - 1].isalpha() and word[i - 1] not in _APOS)
        if isinstance(rep, tuple):
            rep = rep[0] if initial else rep[1]
        if ye_after_vowel and low == "е" and (initial or prev in _VOWELS or prev in "ьъ"):
            rep = "ye"
        # зг -> zgh keeps it from reading "zh"
        if low == "г" and table.get("г") == "h" and prev == "з":
            rep = "gh"
        if ch.isupper() and rep:
            rep = rep[0].upper() + rep[1:]
        out.append(rep)
        prev = low
    return "".join(out)


def translit_uk(name: str) -> str:
    """Transliterate Ukrainian Cyrillic by the national standard (Андріївка → Andriivka)."""
    return _translit(name, _UK_KMU)


def cyrillic_language(name: str) -> str:
    """"uk", "ru" or "" (either) for a Cyrillic name, by the letters only one language has."""
    low = set(name.lower())
    if low & _UK_ONLY:
        return "uk"
    if low & _RU_ONLY:
        return "ru"
    return ""


def _unique(names) -> list[str]:
    seen: list[str] = []
    for v in names:
        if v and v not in seen:
            seen.append(v)
    return seen


def uk_latin(name: str) -> list[str]:
    """Latin spellings of a Ukrainian Cyrillic name: the national standard first (Kamianka),
    then the popular (Kamyanka) and the j-spelling (Kamjanka)."""
    return _unique([translit_uk(name), _translit(name, _UK_POPULAR), _translit(name, _UK_J)])


def ru_latin(name: str) -> list[str]:
    """Latin spellings of a Russian Cyrillic name: plain (Andreevka, Lozovaya), "ye" style
    (Andreyevka, Neskuchnoye), j-spelling (Lozovaja) and short adjective endings (Krasny
    Liman, Krasnyi Liman for Красный Лиман)."""
    out = [_translit(name, _RU_PLAIN), _translit(name, _RU_PLAIN, ye_after_vowel=True),
           _translit(name, _RU_J)]
    words = name.split(" ")
    for k, w in enumerate(words):
        for end, reps in _RU_ENDINGS.items():
            if len(w) > 3 and w.lower().endswith(end):
                for r in reps:
                    short = " ".join([*words[:k], w[:-2], *words[k + 1:]])
                    v = _translit(short, _RU_PLAIN).split(" ")
                    v[k] += r
                    out.append(" ".join(v))
    return _unique(out)


def uk_variants(name: str) -> list[str]:
    """Latin spellings news uses for a Ukrainian settlement name, official one first.

    Covers the national standard (Andriivka), the older popular style (Andriyivka), the
    j-spelling (Andrijivka) and renderings of the Russian form of the name (Andreevka,
    Andreyevka). The Russian form is guessed with the regular Ukrainian/Russian vowel
    correspondences (і/ї ↔ и, е, о), so some variants are not real Russian names; they only
    ever add candidates for a name, never take one away.
    """
    out = uk_latin(name)
    for ru in _russify(name):
        out.extend(ru_latin(ru))
    # and with the Russian endings (Покровське → Pokrovskoye, Роботине → Robotino, Мала
    # Рогань → Malaya Rogan): the forms Russian sources' English reports use
    for ru in ru_spellings(name):
        out.extend(ru_latin(ru))
    return _unique(out)


def _russify(name: str) -> list[str]:
    """Plausible Russian forms of a Ukrainian name (Андріївка → Андреевка, Харків → Харков)."""
    base = name.replace("'", "").replace("’", "").replace("ʼ", "")
    # и (Ukrainian y) is Russian ы only rarely in place names; Russian и is the usual match.
    forms = []
    for i_to, yi_to in (("и", "и"), ("е", "е"), ("о", "е")):
        s = base.replace("ії", "е" + yi_to if i_to == "е" else i_to + yi_to)
        s = s.replace("ї", yi_to).replace("і", i_to).replace("є", "е")
        s = s.replace("ий", "ый") if s.endswith("ий") else s
        forms.append(s)
    # -івка is usually -овка (Петрівка → Петровка); -іївка usually -еевка.
    if "івка" in base:
        forms.append(base.replace("івка", "овка").replace("і", "и").replace("ї", "и"))
    return list(dict.fromkeys(forms))


# Ukrainian endings and their usual Russian counterparts, longest first: Покровське
# (Покровское), Торецьк (Торецк), Шахове (Шахово), Роботине (Роботино), Рясне (Рясное),
# Миропілля (Миропилье), Велика (Великая), Новий (Новый).
_RU_ENDS = (("ського", "ского"), ("цького", "цкого"), ("ське", "ское"), ("цьке", "цкое"),
            ("ський", "ский"), ("цький", "цкий"), ("ська", "ская"), ("цька", "цкая"),
            ("ськ", "ск"), ("цьк", "цк"), ("ове", "ово"), ("еве", "ево"), ("ине", "ино"),
            ("не", "ное"), ("лля", "лье"), ("ння", "нье"), ("ття", "тье"), ("ий", "ый"),
            ("ка", "кая"), ("на", "ная"), ("ва", "вая"), ("ла", "лая"), ("ра", "рая"))
# of those, the ones only an adjective before a noun takes ("Велика Писарівка")
_RU_ADJ_ENDS = frozenset({"ка", "на", "ва", "ла", "ра"})


def ru_spellings(name: str) -> list[str]:
    """Russian spellings of a Ukrainian place name that Russian-language news would write
    (Басівка → Басовка, Андріївка → Андреевка, Покровське → Покровское, Миропілля →
    Миропилье), guessed by the regular correspondences of letters and endings; with the
    vowel ``і`` read as ``и`` and, where it differs, as ``е`` (Новосілка → Новоселка).

    >>> ru_spellings("Велика Новосілка")
    ['Великая Новосилка', 'Великая Новоселка']
    """
    base = _APOS_RE.sub("", name)
    out = []
    for i_to in ("и", "е"):
        words = base.split(" ")
        for k, w in enumerate(words):
            low = w.lower()
            s = low.replace("іїв", "еев").replace("ївка", "евка").replace("івка", "овка")
            s = s.replace("ії", "ии").replace("ї", "и").replace("і", i_to).replace("є", "е")
            s = s.replace("ґ", "г")
            if s[:1] == "е":  # Есмань, Енергодар: Russian writes Эсмань, Энергодар
                s = "э" + s[1:]
            for uk, ru in _RU_ENDS:
                if s.endswith(uk) and len(s) > len(uk) + 1 and (
                        uk not in _RU_ADJ_ENDS or k < len(words) - 1):
                    s = s[: -len(uk)] + ru
                    break
            words[k] = _recase(s, w)
        out.append(" ".join(words))
    return _unique(out)


# Russian endings and their Ukrainian counterparts (Брянск → Брянськ, Глушково → Глушкове,
# Красное → Красне, Белая → Біла), and the Russian letters Ukrainian writes otherwise.
_UK_ENDS = (("ское", "ське"), ("цкое", "цьке"), ("ский", "ський"), ("цкий", "цький"),
            ("ская", "ська"), ("цкая", "цька"), ("ск", "ськ"), ("цк", "цьк"), ("ово", "ове"),
            ("ево", "еве"), ("ное", "не"), ("ый", "ий"), ("ая", "а"), ("ое", "е"))
_UK_LETTERS = str.maketrans({"ы": "и", "э": "е", "ъ": "'"})
_HUSHING = set("жчшщц")


def uk_spellings(name: str) -> list[str]:
    """The Ukrainian spelling of a Russian place name that Ukrainian news would write
    (Брянск → Брянськ, Шебекино → Шебекіно, Глушково → Глушкове, Тёткино → Тьоткіно,
    Энгельс → Енгельс), by the regular correspondences of letters and endings.

    >>> uk_spellings("Тёткино")
    ['Тьоткіно']
    """
    words = []
    for w in name.split(" "):
        low = w.lower()
        chars = []
        for k, ch in enumerate(low):
            prev = low[k - 1] if k else ""
            if ch == "и" and prev not in _HUSHING and prev.isalpha() and k < len(low) - 1:
                ch = "і"
            elif ch == "ё":
                ch = "ьо" if prev.isalpha() and prev not in _VOWELS else "йо"
            chars.append(ch)
        # a Russian double consonant is single in Ukrainian (Новороссийск → Новоросійськ)
        s = "".join(chars).translate(_UK_LETTERS).replace("сс", "с")
        for ru, uk in _UK_ENDS:
            # the ending as written, its и already read as і ("-ский" is "-скій" by now)
            end = next((e for e in (ru.replace("и", "і"), ru) if s.endswith(e)), None)
            if end and len(s) > len(end) + 1:
                s = s[: -len(end)] + uk
                break
        words.append(_recase(s, w))
    return [" ".join(words)]


def _recase(spelled: str, word: str) -> str:
    """The lower-case ``spelled`` with each hyphen-joined part capitalised where ``word``'s
    is ("зноб-новгородское" as "Зноб-Новгородське" is written)."""
    return "-".join(p[:1].upper() + p[1:] if q[:1].isupper() else p
                    for p, q in zip(spelled.split("-"), word.split("-")))


_CYRILLIC_LEADS = (b"\xd0", b"\xd1", b"\xd2", b"\xd3")


def starts_cyrillic(word: str) -> bool:
    """Whether ``word`` starts with a Cyrillic letter (a comparison, not a regex: this is
    asked of every pair of words in a run)."""
    return "\u0400" <= word[:1] <= "\u04ff"


def has_cyrillic(text: str) -> bool:
    """Whether ``text`` holds a Cyrillic letter (U+0400–U+04FF). Asked of every document, so
    by the bytes that lead those letters' UTF-8 (a byte search), not a regex scan: a few
    microseconds for an English article instead of tens."""
    raw = text.encode("utf-8", "surrogatepass")
    return any(lead in raw for lead in _CYRILLIC_LEADS)
