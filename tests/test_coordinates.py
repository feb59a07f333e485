import pytest

from map_app.coordinates import find_coordinates


@pytest.mark.parametrize("text, lat, lon", [
    ("Geolocated at 48.5912, 37.8571.", 48.5912, 37.8571),
    ("Poima (46.643950, 32.815829)", 46.64395, 32.815829),
    ("Position: 48.590721 37.857033", 48.590721, 37.857033),
    ("48.5N 37.9E", 48.5, 37.9),
    ("48.5912 N, 37.8571 E", 48.5912, 37.8571),
    ("at 33.9S 18.4E", -33.9, 18.4),
    ("the crater at 48°35'28\"N 37°51'26\"E", 48.591111, 37.857222),
    ("48°35′N, 37°51′E", 48.583333, 37.85),
])
def test_a_stated_point(text, lat, lon):
    (c,) = find_coordinates(text)
    assert (c.lat, c.lon) == (lat, lon)
    assert text[c.start:c.end].strip()[0].isdigit()


@pytest.mark.parametrize("text", [
    "Prices rose 12.5, 30.2 and 4.1 percent.",  # statistics have too few decimals
    "Version 1.234.567 is out.",
    "95.123, 200.456",                           # out of range
    "No digits here.",
])
def test_no_point(text):
    assert find_coordinates(text) == []


def test_points_in_text_order():
    text = "From 50.4501, 30.5234 to 49.9935, 36.2304."
    assert [(c.lat, c.lon) for c in find_coordinates(text)] == [(50.4501, 30.5234),
                                                               (49.9935, 36.2304)]
