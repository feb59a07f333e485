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
