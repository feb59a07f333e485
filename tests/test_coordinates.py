import pytest

from map_app.coordinates import find_coordinates, find_offsets


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


@pytest.mark.parametrize("text, km, bearing, said", [
    ("Firing positions 17km NE of Chernihiv.", 17.0, 45.0, "17km NE of"),
    ("A depot 10 kilometres south-east of the town of Bakhmut", 10.0, 135.0,
     "10 kilometres south-east of"),
    ("Columns 5 miles north of Izium", 5 * 1.609344, 0.0, "5 miles north of"),
    ("A crater 2.5 km WSW of Lyman", 2.5, 247.5, "2.5 km WSW of"),
    # Ukrainian and Russian
    ("Позиції за 17 км на північний схід від Чернігова", 17.0, 45.0,
     "17 км на північний схід від"),
    ("Позиции в 10 км к юго-западу от Бахмута", 10.0, 225.0, "10 км к юго-западу от"),
    ("у 5 км на південь від Ізюму", 5.0, 180.0, "5 км на південь від"),
])
def test_a_position_stated_by_distance_and_bearing(text, km, bearing, said):
    (o,) = find_offsets(text)
    assert (o.km, o.bearing, text[o.start:o.end]) == (pytest.approx(km), bearing, said)
    assert text[o.ref:].split()[0].strip(".") in {"Chernihiv", "Bakhmut", "Izium", "Lyman",
                                                  "Чернігова", "Бахмута", "Ізюму"}


@pytest.mark.parametrize("text", [
    "some 30 km from the Russian border",  # a distance to a border, not a bearing
    "E of Kyiv", "5 e of Kyiv",             # no distance; a lower-case letter is no bearing
    "the 2022 north of Kharkiv",
])
def test_no_offset(text):
    assert find_offsets(text) == []
