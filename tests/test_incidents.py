import itertools
from datetime import date

import pytest

from map_app.incidents import classify, event_date, event_type_of, find_casualties
from map_app.pipeline import analyse


@pytest.fixture(scope="module")
def seed(seed_text):
    return analyse(seed_text)


def _all(records, text):
    return [r for r in records if r["text"] == text]


def test_seed_roles(seed):
    for name in ("Sumy", "Andriivka", "Kharkiv region", "Crimean bridge"):
        assert any(r["role"] == "incident" for r in _all(seed, name)), name
    for name in ("Washington", "Pyongyang"):
        assert all(r["role"] == "mention" for r in _all(seed, name)), name


def test_seed_casualties_and_dates(seed):
    sumy = [r for r in _all(seed, "Sumy") if r["role"] == "incident"]
    assert sumy and all(r["killed"] == 4 and r["wounded"] == 20 for r in sumy)
    kharkiv = _all(seed, "Kharkiv region")[0]
    assert kharkiv["killed"] == 3 and kharkiv["event_type"] == "shelling_missile_attack"
    assert _all(seed, "Andriivka")[0]["event_type"] == "territory_captured"
    for r in seed:
        assert r["event_date"] is None or r["event_date"] <= "2025-06-04"


def test_seed_distances_and_claims(seed):
    sumy = _all(seed, "Sumy")[0]
    assert 24 <= sumy["distance_to_border_km"] <= 31 and sumy["nearest_border"] == "RU-UA"
    assert sumy["claim"]["verdict"] == "consistent" and sumy["claim"]["claimed_km"] == 30
    a = _all(seed, "Andriivka")[0]
    assert 3 <= a["distance_to_border_km"] <= 8
    assert a["claim"]["verdict"] == "consistent" and a["claim"]["border"] == "RU-UA"


def test_inconsistent_claim():
    recs = analyse("date 2025-01-01\nShelling hit Lviv, some 10km from the Russian border.")
    lviv = _all(recs, "Lviv")[0]
    assert lviv["claim"]["verdict"] == "inconsistent"


@pytest.mark.parametrize("sentence,killed,wounded", [
    ("A rocket attack killed four people and wounded 20.", 4, 20),
    ("Three people were also killed in a rocket attack.", 3, None),
    ("A 7-year-old girl was among 20 wounded.", None, 20),
    ("The death toll rose to 15, with 40 injured.", 15, 40),
    ("Twenty-one civilians were killed.", 21, None),
])
def test_casualties(sentence, killed, wounded):
    c = find_casualties(sentence)
    assert c.get("killed") == killed and c.get("wounded") == wounded


@pytest.mark.parametrize("sentence,etype", [
    ("A drone attack on Odesa", "air_drone_strike"),
    ("Russian shelling of Kherson", "shelling_missile_attack"),
    ("Troops captured the village", "territory_captured"),
    ("Talks were held in Istanbul", None),
])
def test_event_types(sentence, etype):
    assert event_type_of(sentence) == etype


def test_event_dates():
    d = date(2025, 6, 4)  # a Wednesday
    assert event_date("It happened yesterday.", d) == (date(2025, 6, 3), "day")
    assert event_date("On Monday troops advanced.", d) == (date(2025, 6, 2), "day")
    assert event_date("On Wednesday talks were held.", d) == (d, "day")
    assert event_date("Last week it rained.", d)[0] == date(2025, 5, 28)
    assert event_date("Today it rained.", d) == (d, "day")
    assert event_date("No word.", None) == (None, "unknown")


def test_classify_without_places():
    assert classify("Nothing happened.", []) == []


@pytest.mark.parametrize("text, where", [
    ("KYIV, July 14 (Reuters) – Russian drones struck Kharkiv overnight.", "Kharkiv"),
    ("LONDON — A Russian missile hit Odesa on Monday, killing two.", "Odesa"),
    ("Kharkiv, 5 June 2025 (AFP) - Shelling killed three people in Sumy.", "Sumy"),
])
def test_a_dateline_is_never_an_incident(gaz, text, where):
    from map_app.pipeline import analyse

    roles = {r["text"]: r["role"] for r in analyse(text, None, gaz)}
    assert roles[where] == "incident"
    assert all(role == "mention" for name, role in roles.items()
               if text.startswith(name) or name.isupper())


# ---------------------------------------------------------------- long sentences, linear work
def _unpunctuated(gaz, size=30_000, seed=4):
    from synthetic import make_report

    from map_app.places import resolve_records

    text = make_report(size, seed=seed, punctuated=False, newlines=False)
    return text, resolve_records(text, gaz)


def test_a_sentence_without_punctuation_is_cut_into_bounded_windows(gaz):
    from map_app._text import MAX_SENTENCE
    from map_app.incidents import sentences

    text, _ = _unpunctuated(gaz)
    spans = sentences(text)
    assert len(spans) >= len(text) // MAX_SENTENCE
    assert all(e - s <= MAX_SENTENCE for s, e in spans)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a == b for (_, a), (b, _) in itertools.pairwise(spans))
    assert all(text[e - 1] == " " for _, e in spans[:-1])  # cut after a blank, no word cut


def test_a_long_sentence_reads_as_its_windows_on_lines_of_their_own(gaz):
    # the windows of an endless sentence classify its places as the same text with each
    # window on a line of its own (a sentence each) does
    import copy

    from map_app.incidents import sentences

    text, records = _unpunctuated(gaz)
    spans = sentences(text)
    chars = list(text)
    for _, e in spans[:-1]:
        chars[e - 1] = "\n"
    lined = "".join(chars)
    assert sentences(lined) == spans
    day = date(2025, 6, 4)
    windowed = classify(text, copy.deepcopy(records), day)
    assert windowed == classify(lined, copy.deepcopy(records), day)
    assert any(r["role"] == "incident" for r in windowed)
    assert any(r["killed"] for r in windowed)


def test_triggers_found_once_answer_as_event_type_of():
    from map_app.incidents import _Triggers

    sentence = ("Officials said the drone came down near the market while artillery shelled "
                "the village and troops captured the bridge after heavy fighting; two houses "
                "were damaged and residents were evacuated from the area by the river")
    triggers = _Triggers(sentence)
    for start in range(0, len(sentence), 7):
        for length in (1, 9, 30):
            span = (start, start + length)
            assert triggers.near(span) == event_type_of(sentence, span), span


class _Counting:
    """A trigger pattern that counts the characters it is asked to read."""

    def __init__(self, pattern, counter):
        self.pattern, self.counter = pattern, counter

    def finditer(self, s, *args):
        self.counter[0] += len(s)
        return self.pattern.finditer(s, *args)

    def search(self, s, *args):
        self.counter[0] += len(s)
        return self.pattern.search(s, *args)


def test_event_words_are_read_a_bounded_number_of_times(gaz, monkeypatch):
    # work, not time: every place of an endless sentence once made the trigger patterns read
    # the whole sentence again; now each window is read at most twice per pattern
    from map_app import incidents

    text, records = _unpunctuated(gaz)
    read = [0]
    monkeypatch.setattr(incidents, "_TRIGGERS",
                        [(name, _Counting(p, read)) for name, p in incidents._TRIGGERS])
    classify(text, records, date(2025, 6, 4))
    assert len(records) > 300
    assert read[0] <= 2 * len(incidents._TRIGGERS) * len(text)
