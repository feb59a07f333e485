import itertools
from datetime import date

import pytest

from map_app.incidents import classify, event_date, event_type_of, find_casualties
from map_app.pipeline import analyse


@pytest.fixture(scope="module")
def seed(seed_text):
    return analyse(seed_text)


def _all(records, text):
    return [r for r in records if r["text"] == text]


def test_seed_roles(seed):
    for name in ("Sumy", "Andriivka", "Kharkiv region", "Crimean bridge"):
        assert any(r["role"] == "incident" for r in _all(seed, name)), name
    for name in ("Washington", "Pyongyang"):
        assert all(r["role"] == "mention" for r in _all(seed, name)), name


def test_seed_casualties_and_dates(seed):
    # one incident for Sumy's one attack: its other mentions point to it and add nothing
    sumy = [r for r in _all(seed, "Sumy") if r["role"] == "incident"]
    assert len(sumy) == 1 and sumy[0]["killed"] == 4 and sumy[0]["wounded"] == 20
    assert sumy[0]["claim"]["verdict"] == "consistent" and len(sumy[0]["quotes"]) >= 2
    assert all(r["event_id"] == sumy[0]["event_id"] and r["killed"] is None
               for r in _all(seed, "Sumy") if r["role"] == "mention")
    andriivka = [r for r in _all(seed, "Andriivka") if r["role"] == "incident"]
    assert len(andriivka) == 1 and andriivka[0]["claim"]["verdict"] == "consistent"
    assert sum(r["killed"] or 0 for r in seed) == 7  # the article's 4 and 3, once each
    kharkiv = _all(seed, "Kharkiv region")[0]
    assert kharkiv["killed"] == 3 and kharkiv["event_type"] == "shelling_missile_attack"
    assert _all(seed, "Andriivka")[0]["event_type"] == "territory_captured"
    for r in seed:
        assert r["event_date"] is None or r["event_date"] <= "2025-06-04"


def test_seed_distances_and_claims(seed):
    sumy = _all(seed, "Sumy")[0]
    assert 24 <= sumy["distance_to_border_km"] <= 31 and sumy["nearest_border"] == "RU-UA"
    assert sumy["claim"]["verdict"] == "consistent" and sumy["claim"]["claimed_km"] == 30
    a = _all(seed, "Andriivka")[0]
    assert 3 <= a["distance_to_border_km"] <= 8
    assert a["claim"]["verdict"] == "consistent" and a["claim"]["border"] == "RU-UA"


def test_inconsistent_claim():
    recs = analyse("date 2025-01-01\nShelling hit Lviv, some 10km from the Russian border.")
    lviv = _all(recs, "Lviv")[0]
    assert lviv["claim"]["verdict"] == "inconsistent"


@pytest.mark.parametrize("sentence,killed,wounded", [
    ("A rocket attack killed four people and wounded 20.", 4, 20),
    ("Three people were also killed in a rocket attack.", 3, None),
    ("A 7-year-old girl was among 20 wounded.", None, 20),
    ("The death toll rose to 15, with 40 injured.", 15, 40),
    ("Twenty-one civilians were killed.", 21, None),
])
def test_casualties(sentence, killed, wounded):
    c = find_casualties(sentence)
    assert c.get("killed") == killed and c.get("wounded") == wounded


@pytest.mark.parametrize("sentence,etype", [
    ("A drone attack on Odesa", "air_drone_strike"),
    ("Russian shelling of Kherson", "shelling_missile_attack"),
    ("Troops captured the village", "territory_captured"),
    ("Talks were held in Istanbul", None),
    # words of the air make an air strike, whatever the weapon
    ("Enemy air forces launched a missile strike at the town", "air_drone_strike"),
    ("Warplanes dropped guided bombs on the port", "air_drone_strike"),
    # a weapon shot down or intercepted, or seized, struck nothing: disrupted weapons use
    ("Air defence shot down a strike drone over the district", "disrupted_weapons_use"),
    ("Two missiles were intercepted over the city", "disrupted_weapons_use"),
    ("Police seized a cache of weapons and explosives in a garage", "disrupted_weapons_use"),
    # …unless something else struck near the place
    ("Missiles struck the city; air defence intercepted 20 of 30 missiles",
     "shelling_missile_attack"),
    # a manned aircraft shot down is an attack on it
    ("Troops shot down a Su-25 aircraft near the village", "shelling_missile_attack"),
    ("Troops attacked near the village but were repelled", "armed_clash"),
    ("A car ran over an explosive near the village", "remote_explosive"),
    ("Forces destroyed a fuel depot near the town", "attack"),
    ("Rioters looted shops in the centre", "property_destruction"),
])
def test_event_types(sentence, etype):
    assert event_type_of(sentence) == etype


def test_event_dates():
    d = date(2025, 6, 4)  # a Wednesday
    assert event_date("It happened yesterday.", d) == (date(2025, 6, 3), "day")
    assert event_date("On Monday troops advanced.", d) == (date(2025, 6, 2), "day")
    assert event_date("On Wednesday talks were held.", d) == (d, "day")
    assert event_date("Last week it rained.", d)[0] == date(2025, 5, 28)
    assert event_date("Today it rained.", d) == (d, "day")
    assert event_date("No word.", None) == (None, "unknown")


def test_classify_without_places():
    assert classify("Nothing happened.", []) == []


@pytest.mark.parametrize("text, where", [
    ("KYIV, July 14 (Reuters) – Russian drones struck Kharkiv overnight.", "Kharkiv"),
    ("LONDON — A Russian missile hit Odesa on Monday, killing two.", "Odesa"),
    ("Kharkiv, 5 June 2025 (AFP) - Shelling killed three people in Sumy.", "Sumy"),
    ("KYIV, June 5 /Newswire/ - Russian forces attacked Kupiansk.", "Kupiansk"),
    ("KYIV: Russian forces shelled Kupiansk.", "Kupiansk"),
    ("LVIV (AFP) Russian forces shelled Kupiansk.", "Kupiansk"),
])
def test_a_dateline_is_never_an_incident(gaz, text, where):
    from map_app.pipeline import analyse

    roles = {r["text"]: r["role"] for r in analyse(text, None, gaz)}
    assert roles[where] == "incident"
    assert all(role == "mention" for name, role in roles.items()
               if text.startswith(name) or name.isupper())


# ---------------------------------------------------------------- long sentences, linear work
def _unpunctuated(gaz, size=30_000, seed=4):
    from synthetic import make_report

    from map_app.places import resolve_records

    text = make_report(size, seed=seed, punctuated=False, newlines=False)
    return text, resolve_records(text, gaz)


def test_a_sentence_without_punctuation_is_cut_into_bounded_windows(gaz):
    from map_app._text import MAX_SENTENCE
    from map_app.incidents import sentences

    text, _ = _unpunctuated(gaz)
    spans = sentences(text)
    assert len(spans) >= len(text) // MAX_SENTENCE
    assert all(e - s <= MAX_SENTENCE for s, e in spans)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a == b for (_, a), (b, _) in itertools.pairwise(spans))
    assert all(text[e - 1] == " " for _, e in spans[:-1])  # cut after a blank, no word cut


def test_a_long_sentence_reads_as_its_windows_on_lines_of_their_own(gaz):
    # the windows of an endless sentence classify its places as the same text with each
    # window on a line of its own (a sentence each) does
    import copy

    from map_app.incidents import sentences

    text, records = _unpunctuated(gaz)
    spans = sentences(text)
    chars = list(text)
    for _, e in spans[:-1]:
        chars[e - 1] = "\n"
    lined = "".join(chars)
    assert sentences(lined) == spans
    day = date(2025, 6, 4)
    windowed = classify(text, copy.deepcopy(records), day)
    assert windowed == classify(lined, copy.deepcopy(records), day)
    assert any(r["role"] == "incident" for r in windowed)
    assert any(r["killed"] for r in windowed)


def test_triggers_found_once_answer_as_event_type_of():
    from map_app.incidents import _Triggers

    sentence = ("Officials said the drone came down near the market while artillery shelled "
                "the village and troops captured the bridge after heavy fighting; two houses "
                "were damaged and residents were evacuated from the area by the river")
    triggers = _Triggers(sentence)
    for start in range(0, len(sentence), 7):
        for length in (1, 9, 30):
            span = (start, start + length)
            assert triggers.near(span) == event_type_of(sentence, span), span


class _Counting:
    """A trigger pattern that counts the characters it is asked to read."""

    def __init__(self, pattern, counter):
        self.pattern, self.counter = pattern, counter

    def finditer(self, s, *args):
        self.counter[0] += len(s)
        return self.pattern.finditer(s, *args)

    def search(self, s, *args):
        self.counter[0] += len(s)
        return self.pattern.search(s, *args)


def test_event_words_are_read_a_bounded_number_of_times(gaz, monkeypatch):
    # work, not time: every place of an endless sentence once made the trigger patterns read
    # the whole sentence again; now each window is read at most twice per pattern
    from map_app import incidents

    text, records = _unpunctuated(gaz)
    read = [0]
    monkeypatch.setattr(incidents, "_TRIGGERS",
                        [(name, _Counting(p, read)) for name, p in incidents._TRIGGERS])
    classify(text, records, date(2025, 6, 4))
    assert len(records) > 300
    assert read[0] <= 2 * len(incidents._TRIGGERS) * len(text)


def _incidents(records, name):
    return [r for r in records if r["text"] == name and r["role"] == "incident"]


def test_one_event_at_a_place_is_one_incident_with_the_largest_counts(gaz):
    text = ("date 2025-03-10\nRussian missiles hit Kupiansk, killing two people. "
            "Officials later said four people were killed and 12 wounded in Kupiansk. "
            "The strike on Kupiansk damaged a school.")
    recs = analyse(text, gazetteer=gaz)
    (inc,) = _incidents(recs, "Kupiansk")
    assert inc["killed"] == 4 and inc["wounded"] == 12  # the largest figure, not a sum
    assert inc["event_type"] == "shelling_missile_attack" and len(inc["quotes"]) == 3
    others = [r for r in recs if r["text"] == "Kupiansk" and r is not inc]
    assert len(others) == 2 and all(r["role"] == "mention" and r["event_id"] == inc["event_id"]
                                    for r in others)


def test_distinct_events_at_one_place_stay_distinct(gaz):
    text = ("date 2025-03-10\nRussian artillery shelled Kupiansk in the morning. "
            "At night a drone strike hit Kupiansk, wounding three people.")
    incs = _incidents(analyse(text, gazetteer=gaz), "Kupiansk")
    assert [r["event_type"] for r in incs] == ["shelling_missile_attack", "air_drone_strike"]
    assert incs[0]["event_id"] != incs[1]["event_id"]
    assert incs[0]["wounded"] is None and incs[1]["wounded"] == 3
    # another stated day is another event too
    text = ("date 2025-03-12\nRussian forces shelled Kupiansk on Monday. "
            "Russian forces shelled Kupiansk again on Wednesday.")
    assert len(_incidents(analyse(text, gazetteer=gaz), "Kupiansk")) == 2


def test_an_oblast_after_a_district_only_says_where_it_is(gaz):
    # as after a village: one event, in the district; its dead counted once
    recs = analyse("Russian forces shelled the Pavlohrad district, Dnipropetrovsk region, "
                   "killing two people.", gazetteer=gaz)
    incs = [r for r in recs if r["role"] == "incident"]
    assert [(r["name"], r["killed"]) for r in incs] == [("Pavlohradskyi Raion", 2)]
    oblast = next(r for r in recs if r["name"] == "Dnipropetrovsk Oblast")
    assert oblast["role"] == "mention"
    # two areas named side by side, neither qualifying the other, are each a place of it
    recs = analyse("Russian forces shelled the Kharkiv region and the Sumy region.",
                   gazetteer=gaz)
    assert len([r for r in recs if r["role"] == "incident"]) == 2


@pytest.mark.parametrize("text, town, landmark", [
    ("Antonivka near Kherson was shelled, wounding two people.", "Antonivka", "Kherson"),
    ("Антонівку під Херсоном обстріляли, поранено двох людей.", "Антонівку", "Херсоном"),
])
def test_a_town_named_as_near_another_is_the_place_of_the_event(gaz, text, town, landmark):
    recs = {r["text"]: r for r in analyse(text, gazetteer=gaz)}
    assert recs[town]["role"] == "incident" and recs[town]["wounded"] == 2
    assert recs[landmark]["role"] == "mention"  # only says where the town is
    # named alone, "near Kherson" is where it happened
    (r,) = analyse("Shelling near Kherson wounded two.", gazetteer=gaz)
    assert r["role"] == "incident"


@pytest.mark.parametrize("text, target, origin", [
    ("Парутине обстріляли з Кінбурнської коси, поранено жінку.", "Парутине",
     "Кінбурнської коси"),
    ("Очаков снова под огнем артиллерии с Кинбурнской косы, ранен мужчина.", "Очаков",
     "Кинбурнской косы"),
])
def test_where_the_fire_came_from_is_no_place_of_the_event(gaz, text, target, origin):
    recs = {r["text"]: r for r in analyse(text, gazetteer=gaz)}
    assert recs[target]["role"] == "incident" and recs[origin]["role"] == "mention"
    # while where people were taken from is where the evacuation was
    recs = {r["text"]: r for r in analyse("З Вільчі евакуювали 40 людей.", gazetteer=gaz)}
    assert recs["Вільчі"]["role"] == "incident"


@pytest.mark.parametrize("text, spoken, struck", [
    ("Bakhmut was almost completely destroyed, Zelensky said in Hiroshima.", "Hiroshima",
     "Bakhmut"),
    ("Zelensky in Washington discussed air defence after the night strikes on Kharkiv.",
     "Washington", "Kharkiv"),
    ("Зеленський у Вашингтоні обговорив посилення ППО після нічних ударів по Харкову.",
     "Вашингтоні", "Харкову"),
])
def test_where_words_were_said_is_no_place_of_the_event(gaz, text, spoken, struck):
    recs = {r["text"]: r for r in analyse(text, gazetteer=gaz)}
    assert recs[spoken]["role"] == "mention" and recs[struck]["role"] == "incident"
    # the place of the event, whoever reports it
    (r,) = analyse("In Kharkiv, officials said three people were killed.", gazetteer=gaz)
    assert r["role"] == "incident" and r["killed"] == 3
    (r,) = analyse("Після удару по Сумах Зеленський заявив про нові санкції.", gazetteer=gaz)
    assert r["role"] == "incident"  # struck, then spoken of: not where he spoke


@pytest.mark.parametrize("text, left, went", [
    ("Civilians were evacuated from Pokrovsk to Dnipro.", "Pokrovsk", "Dnipro"),
    ("Мешканців Іллінівки евакуювали до Дніпра.", "Іллінівки", "Дніпра"),
])
def test_where_people_were_taken_is_no_place_of_the_event(gaz, text, left, went):
    recs = {r["text"]: r for r in analyse(text, gazetteer=gaz)}
    assert recs[left]["role"] == "incident" and recs[went]["role"] == "mention"
    # troops that move to a town fight there
    recs = {r["text"]: r for r in analyse("Russian troops moved to Kupiansk and shelled it.",
                                          gazetteer=gaz)}
    assert recs["Kupiansk"]["role"] == "incident"


def test_a_genitive_qualifier_is_no_place_of_the_event(gaz):
    # "у Новгород-Сіверському районі Чернігівської області": the oblast only says where
    recs = analyse("У Новгород-Сіверському районі Чернігівської області загинула жінка "
                   "після обстрілу.", gazetteer=gaz)
    roles = {r["text"]: r["role"] for r in recs}
    assert roles["Новгород-Сіверському районі"] == "incident"
    assert roles["Чернігівської області"] == "mention"


def test_a_town_that_names_a_road_is_no_place_of_the_event(gaz):
    recs = analyse("Russian forces shelled the Bakhmut–Kostiantynivka road near Chasiv Yar.",
                   gazetteer=gaz)
    assert [r["text"] for r in recs if r["role"] == "incident"] == ["Chasiv Yar"]
    recs = analyse("Противник вышел к трассе Покровск–Павлоград у Котлино.", gazetteer=gaz)
    assert [r["text"] for r in recs if r["role"] == "incident"] == ["Котлино"]
    # unless it is all the sentence names: near it, then
    (r,) = analyse("A car was hit on the road to Kupiansk.", gazetteer=gaz)
    assert r["role"] == "incident"


def test_a_count_without_a_place_belongs_to_the_incident_before_it(gaz):
    recs = analyse("Russian forces shelled Lozova. One civilian was killed.", gazetteer=gaz)
    assert _incidents(recs, "Lozova")[0]["killed"] == 1
    # its places only actors: the same
    recs = analyse("Russian forces shelled Lozova. Ukrainian officials said 2 civilians were "
                   "killed.", gazetteer=gaz)
    assert _incidents(recs, "Lozova")[0]["killed"] == 2
    # a new paragraph is another story
    recs = analyse("Russian forces shelled Lozova.\n\nOne civilian was killed.", gazetteer=gaz)
    assert _incidents(recs, "Lozova")[0]["killed"] is None


@pytest.mark.parametrize("text, name, precision", [
    ("Russian forces shelled Lozova, Kharkiv region.", "Lozova", 1),
    ("Russian forces launched an air strike near Lozova, Kharkiv region.", "Lozova", 2),
    ("Fighting continued in the Bakhmut direction.", "Bakhmut", 2),
    ("Russian forces shelled the Lozova district.", "Lozova district", 2),
    ("Russian forces shelled the Lozova district (coded to Lozova).", "Lozova", 2),
    ("Russian forces shelled the Kharkiv region.", "Kharkiv region", 3),
    ("Russian forces shelled Ukraine.", "Ukraine", 3),
])
def test_geo_precision_as_acled_codes_it(gaz, text, name, precision):
    (r,) = [r for r in analyse(text, gazetteer=gaz) if r["text"] == name]
    assert r["geo_precision"] == precision


def test_evacuated_from_a_town_is_an_event_there(gaz):
    (r,) = analyse("About 27,000 people were evacuated from Lozova.", gazetteer=gaz)
    assert r["role"] == "incident" and r["event_type"] == "evacuation"


def test_wire_reports_never_make_their_dateline_an_incident(gaz):
    # 60 made-up wire reports: a dateline of every common form, then an event elsewhere
    import random

    rng = random.Random(5)
    filed = ["KYIV", "LONDON", "Kyiv", "MOSCOW", "WARSAW", "Kharkiv"]
    forms = ["{c}, June 5 (Reuters) - ", "{c} (AP) — ", "{c}, Ukraine — ", "{C}: ",
             "{c}, 5 June 2025 (AFP) - ", "{c}, June 5 /Newswire/ - ", "{C} — "]
    towns = ["Kupiansk", "Pokrovsk", "Kherson", "Nikopol", "Izium"]
    incidents = 0
    for _ in range(60):
        c = rng.choice(filed)
        dateline = rng.choice(forms).format(c=c, C=c.upper())
        text = (dateline + f"Russian drones struck {rng.choice(towns)} overnight, killing "
                f"{rng.randint(2, 9)} people, officials said.\nRepairs began in the morning.")
        for r in analyse(text, gazetteer=gaz):
            assert not (r["start"] < len(dateline) and r["role"] == "incident"), text
            incidents += r["role"] == "incident"
    assert incidents == 60  # the town struck, in every report


@pytest.mark.parametrize("sentence, expected", [
    ("У середу російські війська обстріляли Суми.", "shelling_missile_attack"),
    ("В среду российские войска нанесли ракетный удар по Сумам.", "shelling_missile_attack"),
    ("Вночі ворожі дрони атакували Харків.", "air_drone_strike"),
    ("Ночью беспилотники атаковали Белгород.", "air_drone_strike"),
    ("Сили ППО збили над Київщиною 20 дронів.", "disrupted_weapons_use"),
    ("Силами ПВО сбиты три беспилотника над Курской областью.", "disrupted_weapons_use"),
    ("Російські війська захопили село Андріївка.", "territory_captured"),
    ("ВСУ освободили Клещеевку.", "territory_captured"),
    ("Тривають запеклі бої за Часів Яр.", "armed_clash"),
    ("У Сумах пролунали вибухи.", "explosion"),
    ("З Покровська евакуювали 300 людей.", "evacuation"),
    ("В Симферополе задержаны двое мужчин.", "arrest"),
    # "наступного дня" is the next day, not an offensive
    ("Наступного дня у Сумах відкрили новий міст.", None),
    # a weapon shot down, in quotes or in a list, its debris, air defence heard at work
    ("Уночі над Конотопом збили шість «шахедів», уламки пошкодили дах школи.",
     "disrupted_weapons_use"),
    ("Над Дніпропетровщиною збили 8 дронів і 2 крилаті ракети.", "disrupted_weapons_use"),
    ("Над Харківською областю знищено 17 ударних безпілотників.", "disrupted_weapons_use"),
    ("Таганрог: уламки збитої ракети пошкодили дах авіазаводу.", "disrupted_weapons_use"),
    ("У Рівному лунали вибухи — працювала протиповітряна оборона.", "disrupted_weapons_use"),
    ("Херсон знову під артобстрілом.", "shelling_missile_attack"),
    ("Под Покровском продолжаются тяжелые бои.", "armed_clash"),
    ("В районе Авдеевки отражены пять атак.", "armed_clash"),
    # ammunition ("боеприпас") is no battle
    ("В Балаклее во время взрыва неразорвавшегося боеприпаса погиб сапер.", "explosion"),
    ("Ворог вибив наші підрозділи з Родинського.", "territory_captured"),
    ("Глушковка перешла под контроль ВС РФ.", "territory_captured"),
    # an arrest is the event, whatever the arrested did
    ("У Кам'янському поліція затримала чоловіка, який підпалював автомобілі.", "arrest"),
    ("Генічеськ: партизани спалили автомобіль.", "property_destruction"),
    ("В Запорожье прошла акция в поддержку военнопленных.", "protest"),
    # the evacuation, not the strike that caused it; positions taken are no capture
    ("В Изюме вчера эвакуировали жителей после удара по соседнему кварталу.", "evacuation"),
    ("ВС РФ заняли позиции у Юнаковки.", "armed_clash"),
    ("На прошлой неделе армия России заняла Очеретино.", "territory_captured"),
    ("В направлении Лимана уничтожены до 60 военнослужащих.", "armed_clash"),
])
def test_event_words_in_ukrainian_and_russian(sentence, expected):
    from map_app.incidents import event_type_of

    assert event_type_of(sentence) == expected


@pytest.mark.parametrize("sentence, expected", [
    ("У середу російські війська обстріляли Суми, загинули четверо людей.", {"killed": 4}),
    ("Внаслідок удару поранено 20 людей.", {"wounded": 20}),
    ("Є троє загиблих і двоє поранених.", {"killed": 3, "wounded": 2}),
    ("В Харьковской области погибли три человека.", {"killed": 3}),
    ("Ранены 20 человек, среди них трое детей.", {"wounded": 20}),
    ("Загинули 1 200 військових.", {"killed": 1200}),
    # a date's day is no count
    ("14 березня загинули двоє людей.", {"killed": 2}),
    ("Обстріл 14 березня зруйнував 3 будинки.", {}),
    # one victim, by a verb in the singular; an age is no count
    ("Поблизу Білопілля загинув 52-річний чоловік.", {"killed": 1}),
    ("В Купянске погиб 62-летний мужчина, в Волчанске ранена женщина.",
     {"killed": 1, "wounded": 1}),
    ("Дрон влучив у подвір'я, поранено 14-річного хлопця.", {"wounded": 1}),
    ("Загинули четверо людей, ще 11 дістали поранення.", {"killed": 4, "wounded": 11}),
    ("Водій загинув, п'ятеро пасажирів травмовані.", {"killed": 1, "wounded": 5}),
    ("За добу росіяни вбили 5 цивільних.", {"killed": 5}),
    ("У Черкасах постраждали 11 людей.", {"wounded": 11}),
    ("Пострадавших нет.", {}),
])
def test_casualties_in_ukrainian_and_russian(sentence, expected):
    from map_app.incidents import find_casualties

    assert find_casualties(sentence) == expected


@pytest.mark.parametrize("sentence, expected", [
    ("У середу російські війська обстріляли Суми.", ("2026-11-25", "day")),
    ("В среду российские войска нанесли удар по Сумам.", ("2026-11-25", "day")),
    ("Вчора в Андріївці загинув чоловік.", ("2026-11-26", "day")),
    ("Вчера в Белгороде прогремели взрывы.", ("2026-11-26", "day")),
    ("Уночі дрони атакували Харків.", ("2026-11-27", "day")),
    ("Минулого тижня ворог атакував Херсон.", ("2026-11-20", "week")),
    ("На прошлой неделе армия заняла Очеретино.", ("2026-11-20", "week")),
    ("Обстріл тривав.", ("2026-11-27", "article")),
])
def test_dates_in_ukrainian_and_russian(sentence, expected):
    from datetime import date

    from map_app.incidents import event_date

    when, precision = event_date(sentence, date(2026, 11, 27))  # a Friday
    assert (when.isoformat(), precision) == expected


@pytest.mark.parametrize("text, place, expected", [
    # casualties place by place after the sentence that names the strikes
    ("Ворог 87 разів обстріляв громади Харківщини. У Куп'янську загинув чоловік.",
     "Куп'янську", "shelling_missile_attack"),
    # damage "by something unstated" after the sentence that states it
    ("Днем враг атаковал FPV-дронами Краснопольскую громаду. В Краснополье поврежден "
     "автобус.", "Краснополье", "air_drone_strike"),
    # not across a paragraph
    ("Ворог обстріляв громади.\n\nУ Куп'янську загинув чоловік.", "Куп'янську", "attack"),
    # an evacuation is the event of its sentence, whatever caused it
    ("На Чернігівщині через обстріли евакуюють мешканців Семенівки.", "Семенівки",
     "evacuation"),
])
def test_ukrainian_and_russian_posts_carry_the_strike_to_their_casualties(text, place,
                                                                         expected):
    recs = {r["text"]: r for r in analyse(text)}
    assert recs[place]["event_type"] == expected


def test_a_decimal_point_ends_no_sentence():
    from map_app.incidents import sentences

    text = "Shelling near Poima (46.643950, 32.815829) killed 1.5 dozen. Then quiet."
    assert [text[a:b].strip() for a, b in sentences(text)] == [
        "Shelling near Poima (46.643950, 32.815829) killed 1.5 dozen.", "Then quiet."]


def test_a_stated_point_carries_the_incident_of_the_name_it_places(gaz):
    recs = analyse("Russian shelling near Poima (46.643950, 32.815829) killed two people.",
                   gazetteer=gaz)
    roles = {r["text"]: r["role"] for r in recs}
    assert roles["46.643950, 32.815829"] == "incident" and roles["Poima"] == "mention"
    point = next(r for r in recs if r["kind"] == "point")
    assert point["geo_precision"] == 1 and point["killed"] == 2


def test_a_stated_offset_carries_the_incident_of_the_place_it_is_measured_from(gaz):
    recs = analyse("Russian artillery shelled positions 17km NE of Chernihiv on Monday.",
                   gazetteer=gaz)
    roles = {r["text"]: r["role"] for r in recs}
    assert roles["17km NE of"] == "incident" and roles["Chernihiv"] == "mention"
    point = next(r for r in recs if r["kind"] == "point")
    assert point["geo_precision"] == 2  # near a place, as ACLED codes it
