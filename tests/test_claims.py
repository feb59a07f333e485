import pytest

from map_app.claims import find_distance_claims, tolerance_km


@pytest.mark.parametrize("text,km,hedge,word", [
    ("the city of Sumy, some 30km from the Russian border", 30, "some", "Russian"),
    ("located around 5 km from the border", 5, "around", None),
    ("about 30 kilometres from the Ukrainian border", 30, "about", "Ukrainian"),
    ("just 20 miles from the border", 32.187, "just", None),
    ("a few kilometres from the Russian border", 3, None, "Russian"),
])
def test_claims(text, km, hedge, word):
    (c,) = find_distance_claims(text)
    assert c.claimed_km == pytest.approx(km, rel=1e-3)
    assert c.hedge == hedge and c.border_word == word
    assert text[c.start:c.end] == c.text
    assert c.tolerance_km > 0


def test_hedges_widen_tolerance():
    assert tolerance_km(30, "some") > tolerance_km(30, None)


def test_no_claims():
    assert find_distance_claims("He ran 5km yesterday.") == []
