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


def _claims_by_full_scan(text):
    # the plain reading of the rule: the last CLAIM_RE match in a window that ends at "border"
    from map_app.claims import _BORDER, CLAIM_RE

    out = []
    for b in _BORDER.finditer(text):
        lo = max(0, b.start() - 120)
        lo = text.rfind(" ", 0, lo) + 1 if lo else 0
        m = None
        for m in CLAIM_RE.finditer(text, lo, b.end()):  # noqa: B007 (the last match is kept)
            pass
        if m is None or m.end() != b.end() or (out and out[-1] == m.start()):
            continue
        out.append(m.start())
    return out


@pytest.mark.parametrize("text", [
    "Someone said the village, some 30km (about 19 miles) from the Russian border, was hit.",
    "Often ten trucks crossed, nearly two kilometres off the border; OVER 5 KM FROM THE BORDER.",
    "Handsome 12 km-from the border. It lies within 3 miles of the Polish border, not the BORDER.",
    "border border-crossing cross-border Borderlands, 40km to the border",
])
def test_fast_matcher_finds_what_a_full_scan_finds(text):
    assert [c.start for c in find_distance_claims(text)] == _claims_by_full_scan(text)


@pytest.mark.parametrize("text,km", [
    ("1,500 km from the Russian border", 1500),  # a thousands comma, not a decimal one
    ("12,345 km from the border", 12345),
    ("2,000.5 km from the border", 2000.5),
    ("1,5 km from the border", 1.5),
    ("1.5km from the border", 1.5),
])
def test_thousands_and_decimal_commas(text, km):
    (c,) = find_distance_claims(text)
    assert c.claimed_km == pytest.approx(km)


def test_an_endless_number_is_no_claim():
    # 400 digits overflow to infinity: no claim, so no "Infinity" in the JSON output
    assert find_distance_claims("Sumy, " + "9" * 400 + " km from the border") == []


# ---------------------------------------------------------------- claims in long sentences
def test_the_last_sentence_end_answers_as_a_search_of_each_stretch():
    import re

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from map_app.claims import _last_break

    @settings(max_examples=400, deadline=None)
    @given(st.text(alphabet="a .!?\n\t", max_size=40), st.data())
    def check(text, data):
        pos = data.draw(st.integers(0, len(text)))
        limit = data.draw(st.integers(1, 45))
        a = data.draw(st.integers(max(0, pos - limit), pos))
        expected = re.search(r"[.!?]\s|\n", text[a:pos]) is not None
        assert (a <= _last_break(text, pos, limit)) == expected

    check()


def test_a_claim_is_tied_within_one_window_of_an_endless_sentence():
    from map_app._text import MAX_SENTENCE
    from map_app.claims import tie_claims

    claim = " some 30 km from the Russian border"
    near = "Sumy" + " and more" * 100 + claim
    far = "Sumy" + " and more" * (MAX_SENTENCE // 9 + 1) + claim
    assert [i for i, _ in tie_claims(near, [(0, 4, False)])] == [0]
    assert tie_claims(far, [(0, 4, False)]) == []


@pytest.mark.parametrize("text, kind, km", [
    ("Nikopol, some 10 km from the front line, was shelled.", "distance", 10.0),
    ("The town lies 15 kilometres behind the line of contact.", "distance", 15.0),
    ("Drones hit Russian-occupied Melitopol.", "occupied", None),
    ("Strikes in the occupied part of the Zaporizhzhia region.", "occupied", None),
    ("Russian forces captured Avdiivka.", "captured", None),
    ("Ukrainian forces liberated the village of Robotyne.", "liberated", None),
])
def test_statements_about_the_front(text, kind, km):
    from map_app.claims import find_front_claims

    (c,) = find_front_claims(text)
    assert c.kind == kind and c.claimed_km == km


def test_no_front_statement_in_ordinary_text():
    from map_app.claims import find_front_claims

    assert find_front_claims("Talks were held in Istanbul on the front page news.") == []


@pytest.mark.parametrize("text, km, word", [
    ("село Андріївка, що за 5 кілометрів від кордону з Росією", 5.0, "Росією"),
    ("Белгород в 30 км от границы", 30.0, None),
    ("у кількох кілометрах від російського кордону", 3.0, "Росія"),
    ("приблизно в 12 км від кордону", 12.0, None),
])
def test_claims_in_ukrainian_and_russian(text, km, word):
    (c,) = find_distance_claims(text)
    assert (c.claimed_km, c.border_word) == (km, word)


def test_front_claims_in_ukrainian_and_russian():
    from map_app.claims import find_front_claims

    (c,) = find_front_claims("Курахове приблизно в 10 км від лінії фронту.")
    assert (c.kind, c.claimed_km) == ("distance", 10.0)
    (c,) = find_front_claims("Город в 15 километрах от линии фронта.")
    assert c.claimed_km == 15.0
