"""Property tests: the recogniser, the claim parser and the date parser never raise, offsets
stay inside the text, distances are never negative."""
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from map_app.claims import find_distance_claims
from map_app.incidents import event_date, find_casualties
from map_app.places import resolve_records
from map_app.toponyms import find_toponyms

# Text that looks like news: real place words, capitals, numbers, units, punctuation, unicode.
WORDS = st.sampled_from([
    "Sumy", "Kyiv", "the", "Kharkiv", "region", "of", "in", "Andriivka", "km", "30km", "some",
    "around", "border", "Russian", "from", "President", "Mr", "U.S.", "N.J.", "St.", "’s", "-",
    ",", ".", "\n", "killed", "wounded", "four", "20", "yesterday", "on", "Wednesday", "last",
    "week", "Москва", "Київ", "São", "Paulo", "“", "”", "(", ")", "miles", "a few", "Sea",
    "Azov", "New", "York", "Police", "March", "<script>", "&amp;", "\u2028", "ﬁ", "İstanbul"])
NEWS = st.lists(st.one_of(WORDS, st.text(max_size=12)), max_size=80).map(" ".join)
SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(NEWS)
def test_recogniser_offsets_inside_text(gaz, text):
    for t in find_toponyms(text, gaz):
        assert 0 <= t.start < t.end <= len(text)
        assert text[t.start:t.end] == t.text


@SETTINGS
@given(NEWS)
def test_resolution_never_raises(gaz, text):
    for r in resolve_records(text, gaz):
        assert -90 <= r["lat"] <= 90 and -180 <= r["lon"] <= 180
        assert text[r["start"]:r["end"]] == r["text"]


@SETTINGS
@given(NEWS)
def test_claims_offsets_and_distances(text):
    for c in find_distance_claims(text):
        assert 0 <= c.start < c.end <= len(text) and text[c.start:c.end] == c.text
        assert c.claimed_km >= 0 and c.tolerance_km > 0


@SETTINGS
@given(NEWS, st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1)))
def test_dates_never_after_the_article(text, published):
    d, precision = event_date(text, published)
    assert d is not None and d <= published and precision
    cas = find_casualties(text)
    assert all(v >= 0 for v in cas.values())
