import json

from map_app.cli import main
from map_app.evaluate import Span, match, parse_line, score


def test_parse_line():
    line = "Kyiv,,Kyiv,,50.45,,30.52,,10,,14||Sumy,,Sumy,,50.92,,34.8,,30,,34||"
    assert parse_line(line) == [Span("Kyiv", 10, 14, 50.45, 30.52),
                                Span("Sumy", 30, 34, 50.92, 34.8)]


def test_match_rule_surface_and_centre():
    g = [Span("Kyiv", 10, 14, 50.45, 30.52)]
    assert match([Span("kyiv", 12, 16, 50.4, 30.5)], g)          # case-insensitive, centre near
    assert not match([Span("Kyiv", 30, 34, 50.4, 30.5)], g)       # centre too far
    assert not match([Span("Kiev", 10, 14, 50.4, 30.5)], g)       # other surface


def test_scores():
    g = [[Span("Kyiv", 0, 4, 50.45, 30.52), Span("Sumy", 10, 14, 50.92, 34.8)]]
    p = [[Span("Kyiv", 0, 4, 50.45, 30.52), Span("Lviv", 20, 24, 49.8, 24.0)]]
    s = score("x", p, g)
    assert s.precision == 0.5 and s.recall == 0.5 and s.f1 == 0.5
    assert s.acc161 == 1.0 and s.median_km < 0.01 and s.auc < 0.01


def test_cli_evaluate_on_a_tiny_corpus(tmp_path, capsys):
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "0").write_text("Shelling hit Sumy and Kyiv.")
    (tmp_path / "texts" / "1").write_text("Nothing here.")
    (tmp_path / "gold.txt").write_text(
        "Sumy,,Sumy,,50.9216,,34.80029,,13,,17||Kyiv,,Kyiv,,50.45466,,30.5238,,22,,26||\n\n")
    (tmp_path / "peers").mkdir()
    (tmp_path / "peers" / "Dummy.txt").write_text("Sumy,,Sumy,,0,,0,,13,,17||\n\n")
    assert main(["evaluate", str(tmp_path), "--peers"]) == 0
    out = capsys.readouterr().out
    assert "| map_app | 1.000 | 1.000 | 1.000 | 1.000 |" in out
    assert "| Dummy |" in out
    assert main(["evaluate", str(tmp_path / "nope")]) == 2


def test_events_csv_scored_per_source_and_precision(tmp_path, capsys):
    csv = tmp_path / "events.csv"
    csv.write_text(
        "id,source,date,text,lat,lon,precision\n"
        "a,X,2024-02-16,Russian forces shelled Sumy overnight.,50.9216,34.8003,1\n"
        "b,X,16 February 2024,\"Fighting near Kyiv, then calm.\",50.4547,30.5238,2\n"
        "c,Y,,A quiet day in Lviv.,50.9216,34.8003,\n"
        "d,Y,,no place at all,50.0,30.0,\n"
        "e,Y,,bad point,x,30.0,\n", encoding="utf-8")
    assert main(["evaluate", str(csv), "--errors"]) == 0
    out = capsys.readouterr().out
    assert "| X | 2 | 1.000 | 1.000 | 1.000 |" in out
    assert "| X precision 1 | 1 |" in out and "| X precision 2 | 1 |" in out
    assert "| Y | 2 | 0.000 | 0.000 | 0.000 |" in out
    assert "| all | 4 | 0.500 |" in out
    assert "## c [Y]" in out and "'Lviv' -> Lviv" in out and "(no places)" in out


def test_each_sources_events_are_read_as_one_collection(tmp_path, capsys):
    # X's other note places the table at Lozova; Y's note is alone
    csv = tmp_path / "events.csv"
    csv.write_text(
        "id,source,text,lat,lon\n"
        "a,X,\"Russian forces shelled Nove, Kharkiv region.\",48.9174,36.2166\n"
        "b,X,Russian forces shelled Lozova.,48.8907,36.3141\n"
        "c,Y,\"Russian forces shelled Nove, Kharkiv region.\",48.9174,36.2166\n",
        encoding="utf-8")
    assert main(["evaluate", str(csv)]) == 0
    out = capsys.readouterr().out
    assert "| X | 2 | 1.000 |" in out and "| Y | 1 | 0.000 |" in out


def test_event_place_prefers_incidents_then_non_countries():
    from map_app.evaluate import event_place

    ru = {"kind": "country", "role": "mention"}
    town = {"kind": "village", "role": "mention"}
    hit = {"kind": "city", "role": "incident"}
    assert event_place([ru, town, hit]) == 2
    assert event_place([ru, town]) == 1
    assert event_place([ru]) == 0
    assert event_place([]) == -1
    # a country as the incident's place, where the text names a town: the town
    ru_hit = {"kind": "country", "role": "incident"}
    assert event_place([town, ru_hit]) == 0
    assert event_place([ru_hit]) == 0


def test_event_place_is_no_place_the_event_lies_to_one_side_of():
    from map_app.evaluate import event_place

    text = "Shelling south of Bakhmut, at the eastern side of Odradivka"
    bakhmut = {"kind": "city", "role": "incident", "start": 18, "end": 25}
    village = {"kind": "village", "role": "incident", "start": text.index("Odradivka"),
               "end": len(text)}
    assert event_place([bakhmut, village], text) == 1
    assert event_place([bakhmut], text) == 0


def test_events_csv_errors_are_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("id,body\n1,x\n", encoding="utf-8")
    assert main(["evaluate", str(bad)]) == 2
    assert "not an events CSV" in capsys.readouterr().err


def test_event_place_prefers_the_most_specific_place_without_an_incident():
    from map_app.evaluate import event_place

    region = {"kind": "region", "role": "mention"}
    town = {"kind": "city", "role": "mention"}
    assert event_place([region, town]) == 1


def test_event_place_is_no_direction_where_a_village_is_named():
    from map_app.evaluate import event_place

    text = "Lyman direction: the area of Terny"
    axis = {"kind": "city", "role": "mention", "end": 5}
    village = {"kind": "village", "role": "mention", "end": len(text)}
    assert event_place([axis, village], text) == 1
    # a direction alone is still the place; so is a town named otherwise
    assert event_place([axis], text) == 0
    assert event_place([axis, village], "Lyman, then the area of Terny") == 0
    # directions named together, or as a road between two towns
    two = "Lyman and Siversk directions: the area of Terny"
    assert event_place([axis, {**village, "end": len(two)}], two) == 1


def test_event_place_without_a_settlement_is_the_most_specific_area():
    from map_app.evaluate import event_place

    oblast = {"kind": "region", "role": "mention", "feature_code": "ADM1"}
    raion = {"kind": "region", "role": "mention", "feature_code": "ADM2"}
    hromada = {"kind": "region", "role": "mention", "feature_code": "ADM3"}
    assert event_place([oblast, raion, hromada]) == 2
    assert event_place([oblast, raion]) == 1
    # a stated point is as specific as a settlement
    point = {"kind": "point", "role": "mention"}
    assert event_place([oblast, point, {"kind": "city", "role": "mention"}]) == 1
    assert event_place([{"kind": "country"}, oblast, oblast]) == 1


def test_events_coded_as_the_coders_code_them(tmp_path, capsys):
    # sub-event type (ACLED's words), fatalities, admin areas (spellings of either
    # convention), the location's name (as the coder spells it: the official "Nadiia",
    # which the text wrote "Nadiya"; a raion's seat) and precision, each over the events that
    # have the field
    csv = tmp_path / "events.csv"
    csv.write_text(
        "id,source,date,text,lat,lon,precision,admin1,admin2,admin3,sub_event_type,fatalities,"
        "location\n"
        "a,ACLED,2024-02-16,\"Russian forces shelled Lozova, Kharkiv region. One civilian was "
        "killed.\",48.8892,36.3161,1,Kharkiv,Lozivskyi,Lozivska,"
        "Shelling/artillery/missile attack,1,Lozova\n"
        "b,ACLED,2024-02-17,\"Russian forces launched an air strike near Lozova, Kharkiv.\","
        "48.8892,36.3161,2,Kharkiv,Lozivskyi,Lozivska,Air/drone strike,0,Lozova\n"
        "d,ACLED,2024-02-18,\"Russian forces shelled Nadiya, Luhansk region.\","
        "49.3722,37.9277,1,Luhansk,Svativskyi,Kolomyichyska,"
        "Shelling/artillery/missile attack,0,Nadiia\n"
        "e,ACLED,2024-02-19,\"Russian forces shelled Lozivskyi raion, Kharkiv region.\","
        "48.8892,36.3161,2,Kharkiv,Lozivskyi,Lozivska,"
        "Shelling/artillery/missile attack,0,Lozova\n"
        "c,UCDP,2023-01-01,\"Kupiansk, Kupiansk raion\",49.7106,37.6154,,Kharkiv oblast,"
        "Kupiansk raion,,,3,\n", encoding="utf-8")
    assert main(["evaluate", str(csv), "--json"]) == 0
    coding = {c["group"]: c for c in json.loads(capsys.readouterr().out)["coding"]}
    acled = coding["ACLED"]
    assert acled["sub_event_type"] == 1.0 and acled["fatalities"] == 1.0
    assert acled["admin1"] == acled["admin2"] == acled["admin3"] == 1.0
    assert acled["precision"] == 1.0 and acled["precision_events"] == 4
    # the raion, placed at its seat, is located there, as the coder locates it
    assert acled["location"] == 1.0 and acled["location_events"] == 4
    ucdp = coding["UCDP"]
    assert ucdp["admin1"] == ucdp["admin2"] == 1.0 and ucdp["admin3"] is None
    assert ucdp["fatalities"] == 0.0 and ucdp["sub_event_type"] is None
    assert ucdp["location"] is None


def test_admin_names_of_either_convention_match():
    from map_app.evaluate import same_admin

    assert same_admin("Zaporizhzhya oblast", "Zaporizhzhia Oblast")
    assert same_admin("Bakhmut raion", "Bakhmutskyi")
    assert same_admin("Polohy raion", "Polohivskyi")
    assert same_admin("Kharkiv", "Kharkiv Oblast")
    assert not same_admin("Kharkiv", "Kherson Oblast")
    assert not same_admin("", "Kyiv") and not same_admin(None, None)


def test_place_corpus_scores_places_points_and_coding(tmp_path, capsys):
    import json

    from map_app.cli import main
    from map_app.evaluate import read_place_corpus, score_place_corpus

    text = "Russian shelling hit Sumy overnight, killing four people. Kyiv condemned it."
    rows = [{"id": "en-1", "language": "en", "text": text, "places": [
        {"start": 21, "end": 25, "text": "Sumy", "id": "geonames:692194", "role": "incident",
         "event_type": "shelling_missile_attack", "killed": 4, "wounded": None},
        {"start": 58, "end": 62, "text": "Kyiv", "id": "geonames:703448", "role": "mention"},
    ]}, {"id": "en-2", "language": "en", "text": "Nothing happened in Xqzvillage.",
         "places": [{"start": 20, "end": 30, "text": "Xqzvillage", "id": "geonames:692194",
                     "role": "mention"}]}]
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    [s] = score_place_corpus(read_place_corpus(path))
    d = s.as_dict()
    assert s.docs == 2 and s.score.n_gold == 3 and s.score.n_match == 2
    assert d["R"] == round(2 / 3, 3) and d["within_10km"] == round(2 / 3, 3)
    assert s.incidents == 1 and d["event_type"] == 1.0 and d["casualties"] == 1.0
    assert main(["evaluate", str(path)]) == 0
    assert "| en | 2 |" in capsys.readouterr().out
    path.write_text("{not json\n", encoding="utf-8")
    assert main(["evaluate", str(path)]) != 0
    assert "not JSON" in capsys.readouterr().err
