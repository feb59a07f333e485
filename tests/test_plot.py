import json
import re

import folium
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


def test_event_families_have_one_colour_and_sub_types_a_shape():
    from map_app.incidents import EVENT_CATEGORY, EVENT_LABELS
    from map_app.plot import EVENT_COLOURS, EVENT_SHAPES, FAMILY_COLOURS, SHAPE_PATHS

    assert set(EVENT_COLOURS) == set(EVENT_LABELS) == set(EVENT_SHAPES)
    for t, fam in EVENT_CATEGORY.items():
        assert EVENT_COLOURS[t] == FAMILY_COLOURS[fam]
        assert EVENT_SHAPES[t] in SHAPE_PATHS
    # within a family, every sub-type is told apart by its shape
    for fam in FAMILY_COLOURS:
        shapes = [EVENT_SHAPES[t] for t, f in EVENT_CATEGORY.items() if f == fam]
        assert len(shapes) == len(set(shapes)), fam


def test_legend_lists_the_families_present_with_their_shapes():
    from map_app.plot import legend_html

    html = legend_html(["air_drone_strike", "armed_clash"])
    assert "Explosions/Remote violence" in html and "Battles" in html
    assert "Protests" not in html and "Air / drone strike" in html
    assert html.count("<svg") == 3  # two types and the mention


def test_label_rows_put_big_places_first_and_areas_inside_their_outlines():
    from map_app.areas import area_of
    from map_app.plot import label_rows

    rows = label_rows()
    kinds = [r[5] for r in rows]
    assert kinds[0] == "sea" and "country" in kinds[:20]
    names = [r[0] for r in rows]
    assert names.index("Kyiv") < names.index("Kharkiv") < names.index("Sumy")
    kyiv = rows[names.index("Kyiv")]
    assert kyiv[3] == 5  # a capital of millions shows from zoom 5
    import shapely

    oblast = rows[names.index("Kharkiv Oblast")]
    assert oblast[5] == "region" and oblast[3:5] == [6, 8]
    assert area_of("adm1:UA.07").contains(shapely.Point(oblast[2], oblast[1]))
    assert any(r[5] == "district" and r[3] == 9 for r in rows)


def test_compact_days_and_keys():
    from map_app.plot import _compact, _days, row_keys

    assert _days(["1970-01-02", None, float("nan"), "2025-06-04T10:00", "bad"]) == \
        [1, None, None, 20243, None]
    df = pd.DataFrame({"article_id": ["abc" * 10, "abc" * 10], "start": [5, 40]})
    assert row_keys(df) == ["abcabcabcabcabca:5", "abcabcabcabcabca:40"]
    d = _compact(synthetic_places(3).assign(event_date=["2025-03-02", None, None],
                                            article_date=[None, "2025-03-03", None]))
    assert d["day"] == [20149, 20150, None]  # an event's day, else its article's


def test_region_incidents_are_one_outline_per_region():
    from map_app.plot import _area_rows, areas_layer

    df = pd.DataFrame({"role": ["incident"] * 3, "kind": ["region"] * 3,
                       "entry": ["adm1:UA.07", "adm1:UA.07", "adm1:UA.19"],
                       "place": ["Kharkiv Oblast", "Kharkiv Oblast", "Sumy Oblast"],
                       "event_type": ["shelling_missile_attack"] * 2 + ["armed_clash"],
                       "killed": [2.0, 3.0, None], "event_date": ["2025-03-01", None, None],
                       "article_date": [None, "2025-03-05", None]})
    rows, geoms = _area_rows(df, "de_jure")
    m = folium.Map()
    areas_layer(rows, geoms).add_to(m)
    html = m.get_root().render()
    assert html.count('"tip":') == 2
    assert "Kharkiv Oblast: 2 incidents (Shelling / missile attack \u00d72), 5 killed" in \
        html.encode().decode("unicode_escape")
    assert '"days": [20148, 20152]' in html and '"days": [null]' in html


def test_app_overlay_sets_the_range_and_selects_by_key():
    from map_app.plot import app_overlay

    m = folium.Map()
    app_overlay("2025-03-01", None, False, select="abc:12").add_to(m)
    js = m.get_root().render()
    assert 'MapApp.setRange("2025-03-01", null, false);' in js
    assert 'MapApp.select("abc:12");' in js


def test_measure_lines_run_to_the_nearest_border_point():
    from map_app.distance import nearest_border
    from map_app.plot import measure_layer

    items = measure_layer(35.1233, 50.4015)  # near Okhtyrka
    near = nearest_border(35.1233, 50.4015)
    lines = [i for i in items if isinstance(i, folium.PolyLine)]
    assert len(lines) == 1  # RU–UA is the nearest border: one line
    end = lines[0].locations[-1]
    assert abs(end[0] - near["near_lat"]) < 1e-9 and abs(end[1] - near["near_lon"]) < 1e-9
    m = folium.Map()
    for i in items:
        i.add_to(m)
    assert f"{near['distance_km']:.1f} km to RU-UA" in m.get_root().render()
    # in Kyiv the nearest border is Belarus's: a second line goes to RU–UA
    assert len([i for i in measure_layer(30.52, 50.45) if isinstance(i, folium.PolyLine)]) == 2


def test_compare_map_marks_shared_places():
    from map_app.plot import compare_map

    df = pd.DataFrame({"article_id": ["a", "a", "b"], "entry": ["e1", "e2", "e1"],
                       "lat": [50.9, 49.9, 50.9], "lon": [34.8, 36.2, 34.8],
                       "place": ["Sumy", "Kharkiv", "Sumy"]})
    html = compare_map(df, "a", "b").get_root().render()
    assert "map-app-compare-both" in html and "map-app-compare-A" in html
    assert "map-app-compare-B" not in html


def test_measure_line_to_the_line_of_contact(tmp_path):
    from datetime import date

    from synthetic import box_snapshots

    from map_app.control import read_control
    from map_app.plot import measure_layer

    layer = read_control(str(box_snapshots(tmp_path / "c", {"20250601": (36.0, 48.0, 37.0,
                                                                           49.0)})))
    items = measure_layer(35.5, 48.5, control=layer, control_day=date(2025, 6, 1))
    lines = [i for i in items if isinstance(i, folium.PolyLine)]
    front = lines[-1].locations[-1]
    # the box's west edge, about 37 km east of the point
    assert abs(front[1] - 36.0) < 0.01 and abs(front[0] - 48.5) < 0.05
    m = folium.Map()
    for i in items:
        i.add_to(m)
    assert re.search(r"3[67]\.\d km to the line of contact \(2025-06-01\)", m.get_root().render())


def test_a_map_of_region_outlines_only_still_finishes():
    from map_app.plot import _style

    df = pd.DataFrame({"role": ["incident"], "kind": ["region"], "entry": ["adm1:UA.07"],
                       "place": ["Kharkiv Oblast"], "event_type": ["armed_clash"],
                       "killed": [None], "lat": [49.6], "lon": [36.5],
                       "event_date": ["2025-03-01"], "article_date": [None]})
    html = _html(df)
    # the page's map code gets the palette from the finishing call, not from any places
    assert "MapApp.finish(" in html and json.dumps(_style()["familyColours"],
                                                   separators=(",", ":")) in html
