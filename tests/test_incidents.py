from datetime import date

import pytest

from map_app.incidents import (article_date, classify, event_date, event_type_of,
                               find_casualties)
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


def test_article_dates():
    assert article_date("date 2025-06-04\nText") == date(2025, 6, 4)
    assert article_date('<html><meta property="article:published_time" '
                        'content="2024-02-01T10:00:00Z"></html>') == date(2024, 2, 1)
    assert article_date("no date") is None


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
