import json
import re

import pandas as pd
import pytest
from synthetic import synthetic_places

from map_app.plot import (
    CLUSTER_ABOVE,
    border_bands,
    highlight_html,
    incident_map,
    write_static_layers,
)


def _html(df, **kw):
    return incident_map(df, **kw).get_root().render()


def test_map_uses_only_local_assets():
    html = _html(synthetic_places(20))
    urls = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert urls and all(u.startswith("/app/static/") for u in urls), urls
    # the only remote URL is the optional OSM tile template (a layer off by default)
    remote = set(re.findall(r"https?://[^\s\"']+", html))
    assert all("tile.openstreetmap.org" in u or "openstreetmap.org/copyright" in u
               or "leafletjs.com" in u for u in remote), remote


def test_places_layer_escapes_article_text():
    df = synthetic_places(3)
    df.loc[0, "quote"] = 'Boom </script><script>alert("x")</script> in Settlement 0'
    df.loc[0, "place"] = "<img src=x onerror=alert(1)>"
    html = _html(df)
    assert "<img src=x" not in html and "</script><script>alert" not in html
    assert "\\u003cimg src=x" in html  # kept as data, escaped for the page


def test_clusters_only_when_many():
    assert "markerClusterGroup" not in _html(synthetic_places(CLUSTER_ABOVE))
    assert "markerClusterGroup" in _html(synthetic_places(CLUSTER_ABOVE + 1))


def test_mentions_off_by_default_and_legend():
    df = synthetic_places(4)
    df.loc[2:, "role"] = "mention"
    html = _html(df)
    assert "Incidents (2)" in html and "Mentions (2)" in html and "map-app-legend" in html


def test_empty_map():
    html = _html(synthetic_places(0))
    assert "Incidents (0)" in html


def test_border_bands_are_rings():
    fc = json.loads(border_bands("de_jure"))
    assert [f["properties"]["km"] for f in fc["features"]] == [5, 10, 30]


def test_static_layers_written(tmp_path):
    out = write_static_layers(tmp_path)
    names = sorted(p.name for p in out.iterdir())
    assert "countries_de_jure.geojson" in names and "bands_de_facto.geojson" in names
    fc = json.loads((out / "borders_de_jure.geojson").read_text())
    assert any(f["properties"]["pair"] == "RU-UA" for f in fc["features"])


def test_highlight_html_escapes_and_marks():
    text = "Shelling hit <b>Sumy</b> & Kyiv."
    s, k = text.index("Sumy"), text.index("Kyiv")
    out = highlight_html(text, [(s, s + 4), (k, k + 4)], ["incident", "mention"])
    assert "&lt;b&gt;" in out and "<mark class='incident'>Sumy</mark>" in out
    assert "<mark class='mention'>Kyiv</mark>" in out and "&amp;" in out


def test_dataframe_without_optional_columns():
    df = pd.DataFrame({"place": ["A"], "text": ["A"], "lat": [50.0], "lon": [30.0],
                       "role": ["incident"]})
    assert "Incidents (1)" in _html(df)


@pytest.mark.parametrize("eol", ["\r\n", "\r", "\n", "\u2028"])
def test_highlight_html_is_one_line_whatever_the_line_endings(eol):
    # a Markdown renderer ends an HTML block at a line ending: there must be none left
    text = f"Shelling hit Sumy.{eol}{eol}![x](http://example.org/i.png) **bold**{eol}end"
    out = highlight_html(text, [(13, 17)], ["incident"])
    assert "\r" not in out and "\n" not in out and "\u2028" not in out
    assert out.count("<br>") == 3 and "![x](http://example.org/i.png) **bold**" in out


def test_every_event_type_has_a_colour_and_a_label():
    from map_app.incidents import EVENT_CATEGORY, EVENT_LABELS
    from map_app.plot import EVENT_COLOURS

    assert set(EVENT_CATEGORY) == set(EVENT_COLOURS) == set(EVENT_LABELS)


def test_a_found_place_opens_the_map_on_it():
    import pandas as pd

    from map_app.plot import incident_map

    df = pd.DataFrame({"place": ["Sumy"], "text": ["Sumy"], "lat": [50.9], "lon": [34.8],
                       "role": ["incident"], "event_type": ["attack"], "kind": ["city"],
                       "entry": ["geonames:692194"]})
    m = incident_map(df, tiles=False, focus=("Pokrovsk", 48.28, 37.18))
    assert m.location == [48.28, 37.18] and m.options["zoom"] == 9
    assert "map-app-found" in m.get_root().render()
