"""Ukraine's part of the gazetteer build, on a tiny oblast drawn here (never ../shared)."""
import csv
import gzip
import json
import zipfile
from pathlib import Path

import pytest

from map_app._build_areas import build_areas
from map_app._build_gazetteer import build_gazetteer
from map_app.gazetteer import Gazetteer

CURATED = Path(__file__).resolve().parent.parent / "data" / "curated"


def _row(gid, name, alts, lat, lon, fclass, fcode, a1="21", a2="", pop=0):
    cols = [str(gid), name, name, ",".join(alts), str(lat), str(lon), fclass, fcode, "UA", "",
            a1, a2, "", "", str(pop), "", "100", "Europe/Kyiv", "2026-07-01"]
    return "\t".join(cols) + "\n"


def _box(x0, y0, x1, y1):
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1],
                                                [x0, y0]]]}


def _geojson(path, features):
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": props, "geometry": geom} for props, geom in features]}
    with gzip.open(path, "wt", encoding="utf-8") as f:
        json.dump(fc, f)


def _csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    d = tmp_path_factory.mktemp("ua")
    admin = d / "ukraine-admin"
    admin.mkdir()
    # Sumy oblast; its raions Sumskyi (east) and Romenskyi (west); three hromadas
    _geojson(admin / "ukr_osm_adm1.geojson.gz",
             [({"codab_pcode": "UA59", "name": "Сумська область"}, _box(33.0, 50.0, 36.0, 52.5))])
    _geojson(admin / "ukr_osm_adm2.geojson.gz", [
        ({"codab_pcode": "UA5908", "name": "Сумський район"}, _box(34.3, 50.0, 36.0, 52.5)),
        ({"codab_pcode": "UA5906", "name": "Роменський район"}, _box(33.0, 50.0, 34.3, 52.5))])
    _geojson(admin / "ukr_osm_adm3.geojson.gz", [
        ({"codab_pcode": "UA5908017", "name": "Сумська міська громада"},
         _box(34.3, 50.0, 36.0, 51.0)),
        ({"codab_pcode": "UA5908003", "name": "Хотінська селищна громада"},
         _box(34.3, 51.0, 36.0, 52.5)),
        ({"codab_pcode": "UA5906001", "name": "Андріївська сільська громада"},
         _box(33.0, 50.0, 34.3, 52.5))])
    head = ["pcode", "parent", "name_en", "name_uk", "name_ru", "lat_centroid", "lon_centroid"]
    _csv(admin / "codab_raions.csv", head, [
        ["UA5908", "UA59", "Sumskyi", "Сумський", "Сумский", 51.0, 35.0],
        ["UA5906", "UA59", "Romenskyi", "Роменський", "Роменский", 51.0, 33.5]])
    _csv(admin / "codab_hromadas.csv", head, [
        ["UA5908017", "UA5908", "Sumska", "Сумська", "Сумская", 50.5, 35.0],
        ["UA5908003", "UA5908", "Khotinska", "Хотінська", "Хотинская", 51.5, 35.0],
        ["UA5906001", "UA5906", "Andriivska", "Андріївська", "Андреевская", 51.0, 33.5]])
    _csv(admin / "codab_settlements.csv",
         ["pcode", "adm3_pcode", "adm2_pcode", "adm1_pcode", "name_en", "name_uk"], [
             ["UA5908017001", "UA5908017", "UA5908", "UA59", "Sumy", "Суми"],
             ["UA5908003001", "UA5908003", "UA5908", "UA59", "Khotin", "Хотінь"],
             ["UA5908003002", "UA5908003", "UA5908", "UA59", "Andriivka", "Андріївка"],
             ["UA5908003003", "UA5908003", "UA5908", "UA59", "Novoselytsia", "Новоселиця"],
             ["UA5908003004", "UA5908003", "UA5908", "UA59", "Kamianka", "Кам'янка"],
             ["UA5908003005", "UA5908003", "UA5908", "UA59", "Pavlivka", "Павлівка"],
             ["UA5906001001", "UA5906001", "UA5906", "UA59", "Andriivka", "Андріївка"],
             ["UA5906001002", "UA5906001", "UA5906", "UA59", "Chervone", "Червоне"]])
    dump = d / "UA.zip"
    with zipfile.ZipFile(dump, "w") as z:
        z.writestr("UA.txt", "".join([
            _row(692194, "Sumy", ["Суми", "Сумы", "Sumi"], 50.9174, 34.7991, "P", "PPLA",
                 pop=256474),
            # Sumy's parts: three within 10 km (their middle 50.89, 34.83), one 30 km off
            _row(690001, "Zarichnyi", ["Зарічний"], 50.89, 34.83, "P", "PPLX"),
            _row(690002, "Kovpakivskyi", ["Ковпаківський"], 50.88, 34.82, "P", "PPLX"),
            _row(690003, "Tokari", ["Токарі"], 50.90, 34.84, "P", "PPLX"),
            _row(690004, "Vilshana", ["Вільшана"], 50.65, 34.70, "P", "PPLX"),
            _row(7668510, "Sumy Airport", ["Суми", "UKHS"], 50.8583, 34.7625, "S", "AIRP"),
            _row(704000, "Khotin", ["Хотінь", "Хотень"], 51.08, 34.93, "P", "PPLA3", pop=3000),
            _row(713416, "Andriivka", ["Andreyevka", "Андріївка"], 51.1264, 34.8252, "P", "PPL"),
            _row(713417, "Andriivka", ["Андріївка", "Андреевка"], 50.5151, 33.5185, "P", "PPL"),
            _row(713418, "Kam'yanka", ["Кам’янка", "Каменка"], 51.3, 35.1, "P", "PPL", pop=600),
            _row(713500, "Pavlivka", ["Павлівка"], 50.99, 35.2, "P", "PPL"),  # just outside
            # renamed since the official list was made: GeoNames has the new name
            _row(713600, "Zelene", ["Зелене", "Chervone", "Червоне"], 51.5, 33.8, "P", "PPL"),
            _row(700001, "Sumy Raion", ["Sums'kyi rayon", "Сумський район"], 50.9, 34.8, "A",
                 "ADM2", a2="5908"),
            _row(700002, "Sumskiy Rayon", ["Сумский район"], 50.95, 34.9, "A", "ADM2H"),
            _row(700003, "Psel", ["Псел", "Псёл"], 50.7, 34.5, "H", "STM"),
        ]))
    postal = d / "UA_postal.txt.gz"
    with gzip.open(postal, "wt", encoding="utf-8") as f:
        for code, name, lat, lon in [("40000", "Суми", 50.92, 34.80),
                                     ("42316", "Андріївка", 51.13, 34.83),
                                     ("42317", "Новоселиця", 51.2, 35.3)]:
            f.write(f"UA\t{code}\t{name}\tSumska\t21\tSumskyi\t\t\t\t{lat}\t{lon}\t4\n")
    out = d / "gaz"
    regions = d / "regions.parquet"
    stats = build_gazetteer(out_dir=out, curated_dir=CURATED, ua_dump=dump, ua_admin=admin,
                            ua_postal=postal, regions_out=regions, log=lambda m: None)
    stats["areas"] = build_areas(d / "areas.parquet", out, admin, regions, log=lambda m: None)
    stats["areas_path"] = d / "areas.parquet"
    return Gazetteer(out), stats


def test_every_entry_has_its_oblast_raion_and_hromada(built):
    g, _ = built
    sumy = g.lookup("Sumy")[0]
    assert sumy.geonameid == 692194 and sumy.kind == "city" and sumy.admin1_name == "Sumy Oblast"
    assert (sumy.admin2, sumy.admin2_code) == ("Sumskyi", "UA5908")
    assert (sumy.admin3, sumy.admin3_code) == ("Sumska", "UA5908017")
    assert {(c.admin2, c.admin3) for c in g.lookup("Andriivka") if c.kind == "village"} == {
        ("Sumskyi", "Khotinska"), ("Romenskyi", "Andriivska")}


# halfway between GeoNames' point for Sumy (50.9174, 34.7991) and the middle of its parts
SUMY_CENTRED = (50.9037, 34.81455)


def test_a_big_city_lies_halfway_to_the_middle_of_its_parts(built):
    g, _ = built
    sumy = g.lookup("Sumy")[0]
    assert (sumy.lat, sumy.lon) == pytest.approx(SUMY_CENTRED)
    assert (sumy.admin2_code, sumy.admin3_code) == ("UA5908", "UA5908017")
    # a district keeps its own point; a small town (Khotin) has no parts to move it
    assert (g.lookup("Zarichnyi")[0].lat, g.lookup("Khotin")[0].lat) == (50.89, 51.08)


def test_a_landmark_never_outranks_the_town_it_is_named_after(built):
    g, _ = built
    assert [c.name for c in g.lookup("Суми")][:1] == ["Sumy"]
    assert g.lookup("Sumy Airport")[0].kind == "landmark"


@pytest.mark.parametrize("spelling", ["Andriivka", "Andriyivka", "Andrijivka", "Andreevka",
                                      "Andreyevka", "андріївка"])
def test_news_spellings_find_both_villages(built, spelling):
    g, _ = built
    assert {c.geonameid for c in g.lookup(spelling)} >= {713416, 713417}


def test_a_letter_after_an_apostrophe_is_not_word_initial(built):
    g, _ = built
    for spelling in ("Kamianka", "Kamyanka", "Kamjanka", "Kamenka"):
        assert [c.geonameid for c in g.lookup(spelling)] == [713418], spelling


def test_settlements_are_found_by_their_sound(built):
    from map_app._text import SOUND_MARK, sound_key
    from map_app.toponyms import sounding

    g, _ = built
    # a Russian form no rule spells: Andriivka's consonants
    assert SOUND_MARK + sound_key("andreevka") == "~ndrvk"
    assert {int(g.col("geonameid")[i]) for i in sounding(g, "andreyivka")} >= {713416, 713417}
    assert sounding(g, "zzzqx").size == 0


@pytest.mark.parametrize("name", ["Sumskyi raion", "Sumskyi district", "Sumy raion",
                                  "Sumy district", "Sums'kyi rayon", "Sumsky district"])
def test_raions_by_the_names_news_uses_at_their_centre(built, name):
    g, _ = built
    r = g.lookup(name)[0]
    assert r.feature_code == "ADM2" and r.admin2_code == "UA5908", name
    assert (r.lat, r.lon) == pytest.approx(SUMY_CENTRED)  # the raion's centre, Sumy


@pytest.mark.parametrize("name", ["Khotinska community", "Khotinska settlement community",
                                  "Khotin hromada", "Khotin community", "Khotinska hromada",
                                  # the adjective without its ending, as translations leave it
                                  "Khotinsk community"])
def test_hromadas_by_the_names_news_uses(built, name):
    g, _ = built
    h = g.lookup(name)[0]
    assert h.feature_code == "ADM3" and h.admin3_code == "UA5908003", name
    assert (h.lat, h.lon) == (51.08, 34.93)  # Khotin, its centre


@pytest.mark.parametrize("name, code", [("Andriivska village community", "UA5906001"),
                                        ("Andriivska rural community", "UA5906001"),
                                        ("Sumska city community", "UA5908017"),
                                        ("Sumy city hromada", "UA5908017")])
def test_a_hromada_type_in_either_translation(built, name, code):
    g, _ = built
    assert g.lookup(name)[0].admin3_code == code, name


def test_an_old_raion_sits_in_the_raion_that_holds_it(built):
    g, _ = built
    old = g.lookup("Sumskiy district")
    assert any(c.feature_code == "ADM2H" and c.admin2_code == "UA5908" for c in old)


def test_oblast_point_inside_its_polygon(built):
    g, _ = built
    ob = g.lookup("Sumy Oblast")[0]
    assert ob.feature_code == "ADM1" and (ob.lat, ob.lon) == (51.25, 34.5)


def test_a_settlement_geonames_lacks_is_added_where_the_postal_point_agrees(built):
    g, stats = built
    n = g.lookup("Novoselytsia")
    assert [c.id for c in n] == ["codab:UA5908003003"] and n[0].admin3 == "Khotinska"
    assert stats["entries"] > 10


def test_a_settlement_is_shown_by_its_official_spelling(built):
    g, _ = built
    # GeoNames' "Kam'yanka" is spelt Kamianka by the official list: shown so, and still
    # found by either spelling
    assert [c.name for c in g.lookup("Kam'yanka")] == ["Kamianka"]
    assert [c.name for c in g.lookup("Kamianka")] == ["Kamianka"]
    # another name (other consonants) is a renaming the official list predates: it stays
    assert [c.name for c in g.lookup("Chervone")] == ["Zelene"]


def test_rivers_answer_to_their_generic_word(built):
    g, _ = built
    assert g.lookup("Psel river")[0].feature_code == "STM"


def test_the_official_list_decides_the_hromada_of_a_point_just_off_it(built):
    g, _ = built
    assert [c.admin3_code for c in g.lookup("Pavlivka")] == ["UA5908003"]


def test_oblast_takes_geonames_point_when_inside(tmp_path):
    from shapely.geometry import box

    from map_app._build_ukraine import Admin, oblast_points

    admin = Admin({"UA59": box(33.0, 50.0, 36.0, 52.5), "UA63": box(36.0, 48.5, 38.5, 50.5)},
                  {}, {}, {}, {}, [])
    rows = [["692196", "Sumska Oblast", "", "", "51.08", "34.03", "A", "ADM1", "UA", "", "21"],
            ["706482", "Kharkiv Oblast", "", "", "10.0", "10.0", "A", "ADM1", "UA", "", "07"]]
    pts = oblast_points(admin, {"UA59": "21", "UA63": "07"}, rows)
    assert pts["UA.21"] == (51.08, 34.03)
    assert pts["UA.07"] == (49.5, 37.25)  # GeoNames' point off the polygon: the polygon's


def test_areas_are_the_outlines_of_the_oblast_raions_and_hromadas(built):
    import geopandas as gpd
    import shapely

    g, stats = built
    assert stats["areas"] == {"level1": 1, "level2": 2, "level3": 3, "hulls": 0}
    areas = gpd.read_parquet(stats["areas_path"]).set_index("id")
    # keyed by the gazetteer's own ids: the oblast's by the votes of its places
    assert {"adm1:UA.21", "adm2:UA5908", "adm2:UA5906", "adm3:UA5908017"} <= set(areas.index)
    oblast = g.get("adm1:UA.21")
    assert shapely.contains_xy(areas.geometry["adm1:UA.21"], oblast.lon, oblast.lat)
    assert areas["exact"].all()
