import pytest

from map_app.gazetteer import KINDS
from map_app.toponyms import find_toponyms


def _texts(text, gaz):
    return [t.text for t in find_toponyms(text, gaz)]


def test_seed_places_found_and_people_agencies_left_out(gaz, seed_text):
    found = _texts(seed_text, gaz)
    for name in ("Sumy", "Kharkiv region", "Andriivka", "Crimean bridge", "Kyiv", "Moscow",
                 "Pyongyang", "Washington", "North Korean", "Sumy region", "Russian"):
        assert name in found, name
    for not_place in ("Zelenskyy", "Kellogg", "Kim", "Getty Images", "Getty", "Images",
                      "Peskov", "Yermak", "Wednesday", "January", "Sybiha", "Kobzar", "Witkoff",
                      "Shoigu", "Erdogan", "Trump", "Putin"):
        assert not_place not in found, not_place


def test_offsets_point_at_the_text(gaz, seed_text):
    for t in find_toponyms(seed_text, gaz):
        assert seed_text[t.start:t.end] == t.text


def test_multiword_and_longest_match(gaz):
    text = "Troops moved from North Korea to the Sumy region and then to Ivano-Frankivsk."
    assert _texts(text, gaz) == ["North Korea", "Sumy region", "Ivano-Frankivsk"]


def test_titles_and_given_names_make_people(gaz):
    text = ("President George Washington met Mayor Kobzar. Later Washington visited Paris. "
            "Victoria Smith said Paris was lovely.")
    found = _texts(text, gaz)
    assert "Washington" not in found and "Victoria" not in found and "Kobzar" not in found
    assert found.count("Paris") == 2


def test_common_words_need_evidence(gaz):
    text = "Police said in March that the Bank would reopen. May was warm in Reading."
    found = _texts(text, gaz)
    for w in ("Police", "March", "Bank", "May"):
        assert w not in found
    assert "Reading" in found  # "in Reading": a locative makes a common word a place


def test_abbreviations_keep_their_dot(gaz):
    found = find_toponyms("He lives in Riverdale, N.J., near St. Louis in the U.S. and Calif.", gaz)
    texts = [t.text for t in found]
    assert "N.J." in texts and "St. Louis" in texts and "U.S." in texts and "Calif." in texts


def test_state_abbreviation_after_a_town_is_no_common_word(gaz):
    # "ill", "mo", "wash" are English words; dotted, after "Town, " they are the state
    for text, abbr in (("SPRINGFIELD, Ill. (AP) - Officials say", "Ill."),
                       ("PARIS, Mo. — In 1999, they moved", "Mo."),
                       ("The Walker County (Ga.) Sheriff's Office", "Ga.")):
        assert abbr in _texts(text, gaz)
    assert "Ill." not in _texts("He felt Ill. Then he left.", gaz)


def test_a_street_named_after_a_place_is_no_mention_of_it(gaz):
    found = _texts("He lived on Hertford Road in Edmonton, then at 69 Wooster St. in Danbury.",
                   gaz)
    assert "Hertford" not in found and "Wooster" not in found and "Edmonton" in found
    assert "Wall Street" in _texts("Shares fell on Wall Street.", gaz)


def test_a_demonym_standing_for_a_language_names_no_place(gaz):
    assert _texts("The sign says it in English. She speaks fluent French.", gaz) == []
    assert "English" in _texts("A star of English football moved to Spain.", gaz)
    assert "French" in _texts("French troops left.", gaz)
    # a bare demonym after a function word, before a verb or the end: the language
    assert _texts("The status of English will change. They mix Arabic and English.", gaz) == []
    # the people take the article; coordinated adjectives keep their noun
    assert "French" in _texts("He said the French were angry.", gaz)
    assert _texts("Both French and German officials left.", gaz) == ["French", "German"]


def test_sentence_final_period_is_not_part_of_the_name(gaz):
    assert _texts("Prices fell in China.", gaz) == ["China"]


def test_agencies_and_contractions(gaz):
    found = _texts("Xinhua reported it. I've seen Reuters say so. Christmas came.", gaz)
    assert found == []


def test_empty_and_placeless(gaz):
    assert find_toponyms("", gaz) == []
    assert find_toponyms("nothing here at all, only lower case words", gaz) == []


def test_names_joined_by_and_of(gaz):
    text = ("Troops moved between Kyiv and Kharkiv, then to Bosnia and Herzegovina, the Sea of "
            "Azov, Stratford-upon-Avon and Trinidad and Tobago.")
    assert _texts(text, gaz) == ["Kyiv", "Kharkiv", "Bosnia and Herzegovina", "Sea of Azov",
                                 "Stratford-upon-Avon", "Trinidad and Tobago"]


def test_names_across_links_in_longer_stretches(gaz):
    # a stretch of several links, a capitalised link word, a name after a plain "and"
    text = ("Aid reached Trinidad and Tobago and Sierra Leone, the Republic of The Congo and "
            "Kyiv and Santiago de Cuba.")
    assert _texts(text, gaz) == ["Trinidad and Tobago", "Sierra Leone", "Republic of The Congo",
                                 "Kyiv", "Santiago de Cuba"]


def test_cached_runs_give_the_same_answer(seed_text):
    # the per-run caches live on the gazetteer: a fresh one, a warm one and a document seen
    # in pieces first all agree
    from map_app.gazetteer import Gazetteer

    fresh = Gazetteer()
    first = [(t.start, t.text) for t in find_toponyms(seed_text, fresh)]
    assert [(t.start, t.text) for t in find_toponyms(seed_text, fresh)] == first
    warm = Gazetteer()
    for part in seed_text.split("\n"):
        find_toponyms(part, warm)
    assert [(t.start, t.text) for t in find_toponyms(seed_text, warm)] == first


def test_names_glued_by_punctuation_are_separate_runs(gaz):
    # "Uzoaru,Owerri": a name after a comma is no part of the name before it
    found = _texts("Reported by Stanley Uzoaru,Owerri. Students in Owerri protested.", gaz)
    assert found.count("Owerri") == 2


def test_an_all_caps_dateline_is_its_place(gaz):
    # capitals hide that "berlin", "manila" are common words and "KYIV" no code
    for text, place in (("BERLIN — The government said", "BERLIN"),
                        ("MANILA, Philippines – Ahead of Easter", "MANILA"),
                        ("By Nate Raymond. BOSTON (Reuters) - The owner", "BOSTON"),
                        ("KYIV, Ukraine (AP) — Russia", "KYIV")):
        assert place in _texts(text, gaz), text
    assert _texts("UPDATE - the road reopened. WATCH: the video", gaz) == []


def test_a_surname_with_a_particle_after_a_given_name_is_no_place(gaz):
    text = ("Ursula von der Leyen met trainer Mike de Kock in Dubai, where Mario de Santiago "
            "paints. Later de Kock and Van Boxtel flew on, said Roger van Boxtel.")
    found = _texts(text, gaz)
    for not_place in ("Leyen", "Kock", "Santiago", "Boxtel"):
        assert not_place not in found, not_place
    assert "Dubai" in found
    # a place name across the particle stays one place
    assert _texts("He flew to Santiago de Chile and Rio de Janeiro.", gaz) == [
        "Santiago de Chile", "Rio de Janeiro"]


def test_a_name_next_to_an_age_is_a_person(gaz):
    text = ("INNISFAIL - Nine-year-old Georgia Stevens is lacing her skates. Georgia began "
            "skating at four. Police found his wife, Dora, 62. They arrested Vernon Adkins, "
            "40, of McKee.")
    found = _texts(text, gaz)
    for not_place in ("Georgia", "Dora", "Vernon", "Adkins"):
        assert not_place not in found, not_place
    # with an article or before a noun the age qualifies, the name is the place
    assert "Georgia" in _texts("A 12-year-old Georgia girl won.", gaz)
    assert "Texas" in _texts("Twelve-year-old Texas girl wins.", gaz)
    assert _texts("Cases rose in Kyiv, 25, Kharkiv, 30, and Odesa.", gaz) == [
        "Kyiv", "Kharkiv", "Odesa"]


def test_a_pair_whose_last_word_recurs_alone_is_a_person(gaz):
    text = ("The talk was given by Preston Wiginton, a former student. Critics of Wiginton "
            "gathered in Preston.")
    found = find_toponyms(text, gaz)
    assert [t.text for t in found] == ["Preston"] and found[0].start > text.index("Critics")
    # an article, a demonym or a common last word keeps the place
    for text, place in (("Experts of the Venice Commission met. Members of Commission left.",
                         "Venice"),
                        ("A Japanese Twitter user posted it, and Twitter removed it.",
                         "Japanese"),
                        ("Orange County sued, and County officials left. "
                         "Officials of County court spoke.",
                         "Orange County")):
        assert place in _texts(text, gaz), text


def test_a_faith_is_no_place(gaz):
    assert _texts("Christian and Muslim leaders met in Cairo.", gaz) == ["Cairo"]


def test_a_saints_building_is_no_mention_of_the_town(gaz):
    text = "She was taken to St. Michael's Hospital, then to St. Peter's Basilica in Rome."
    assert _texts(text, gaz) == ["Rome"]
    assert "St. Paul" in _texts("St. Paul's mayor spoke in St. Paul, Minn.", gaz)


def test_a_university_named_after_a_place_is_no_mention_of_it(gaz):
    found = _texts("She studied at Arizona State University and Washington University, "
                   "then moved to Arizona.", gaz)
    assert found == ["Arizona"]
    assert "Wake Forest" not in _texts("He trained at Wake Forest University.", gaz)


def test_a_name_that_holds_a_comma_is_taken_whole(gaz):
    assert _texts("Murals are visible in Washington, D.C., which has more.", gaz) \
        == ["Washington, D.C."]
    assert _texts("He flew to Washington, D.C. Today he is back.", gaz) == ["Washington, D.C."]
    # a town and its state are two names
    assert _texts("He was born in Paris, Texas, and moved to Kyiv, Ukraine.", gaz) \
        == ["Paris", "Texas", "Kyiv", "Ukraine"]


def test_a_common_word_is_the_region_the_document_names_otherwise(gaz):
    # Webster's has "montana"; after "Mont." the word is the state
    found = _texts("HELENA, Mont. (AP) - Montana and CoreCivic are at an impasse.", gaz)
    assert found == ["HELENA", "Mont.", "Montana"]
    assert "Montana" not in _texts("The deal failed - Montana and CoreCivic disagree.", gaz)
    # the word itself taken elsewhere is no other name: "the West" does not make "West Wing"
    assert _texts("Many in the West Wing agreed.", gaz) == []


# --- villages in war reports: evidence for names too weak to stand alone --------------------
def _found(gaz, text):
    return {t.text for t in find_toponyms(text, gaz)}


def _readings(gaz, text, found):
    """The names of the readings of the first span of ``text`` that reads ``found`` (none
    when no span does)."""
    tops = [t for t in find_toponyms(text, gaz) if t.text == found]
    return {gaz.name_of(int(i)) for i in tops[0].entries} if tops else set()


@pytest.mark.parametrize("text, name", [
    ("Russian forces shelled Novomykhailivka, Donetsk region.", "Novomykhailivka"),
    ("Novomykhailivka, Donetsk region, came under fire.", "Novomykhailivka"),
    ("Vremivka (Donetsk oblast) was hit.", "Vremivka"),
    ("Ukrainian forces liberated Robotyne.", "Robotyne"),
    ("The enemy attacked in the Novopavlivka direction.", "Novopavlivka"),
    ("Kurdiumivka, Bakhmut raion.", "Kurdiumivka"),
    ("Fighting in Terny in the Lymanska community.", "Terny"),
    ("Novoselivka, Berestove and Vremivka, Donetsk region, were shelled.", "Vremivka"),
])
def test_a_village_is_found_by_its_qualifier_or_the_words_of_war(gaz, text, name):
    assert name in _found(gaz, text)


def test_a_village_whose_qualifier_does_not_hold_it_stays_out(gaz):
    # Novoprokopivka lies in Zaporizhzhia oblast: "Lviv region" is no evidence for it
    assert "Novoprokopivka" not in _found(gaz, "Novoprokopivka, Lviv region, was quiet.")


def test_a_location_field_lists_places(gaz):
    found = _found(gaz, "Terny, Lymanska urban community, Kramatorsk District, Donetsk Oblast")
    assert found == {"Terny", "Lymanska urban community", "Kramatorsk District",
                     "Donetsk Oblast"}


def test_a_common_word_gains_nothing_from_the_words_after_it(gaz):
    assert "Hills" not in _found(gaz, "Thieves struck in the St. Louis Hills area.")
    assert "Shell" not in _found(gaz, "Russian Missiles Hit Shell Depot")


def test_a_model_number_is_no_place(gaz):
    assert _found(gaz, "Russian forces shot down a Su-27 near Lozova.") == {"Russian", "Lozova"}


def test_a_common_word_is_placed_by_a_qualifier_that_holds_it(gaz):
    assert "Pisky" in _found(gaz, "Pisky, Pokrovsk raion, was shelled.")
    assert "Pisky" not in _found(gaz, "Pisky were seen in the woods.")


def test_a_generic_word_after_an_unknown_name_is_no_place(gaz):
    # "Island" alone is Iceland in German: here it ends an island's name
    assert "Island" not in _found(gaz, "Fighting in the area of Frolov Island.")


@pytest.mark.parametrize("text, name", [
    ("Shelling near Illich Stadium in Mariupol.", "Illich"),
    ("A strike on Gagarin Stadium in Chernihiv.", "Gagarin"),
    ("Wagner group fighters at the town hall of Popasna.", "Wagner"),
    ("A Su 25 flew above Popasna.", "Su"),
    ("A plant was hit by Russian Iskander missiles.", "Iskander"),
])
def test_a_facility_an_armed_group_or_a_model_is_no_place(gaz, text, name):
    assert name not in _found(gaz, text)


def test_a_facility_in_a_town_keeps_the_town(gaz):
    assert "Polohy" in _found(gaz, "Strikes on Russian equipment in the Polohy factory.")
    assert "Kharkiv" in _found(gaz, "A strike hit the Kharkiv Tractor Plant.")


# ---------------------------------------------------------------- linear work on long texts
class _CountingText(str):
    """A text that counts the characters its substring searches read."""

    read = 0

    def find(self, sub, *args):
        at = str.find(self, sub, *args)
        self.read += len(self) if at < 0 else at + len(sub)
        return at

    def __contains__(self, sub):
        self.read += len(self)
        return str.__contains__(self, sub)


def _long_report():
    from synthetic import make_report

    return make_report(60_000, seed=12)


def test_lower_case_words_listed_or_scanned_give_the_same_places(gaz, monkeypatch):
    from synthetic import make_articles

    from map_app import toponyms

    texts = [*make_articles(20, seed=31), _long_report()]

    def spans(scans):
        monkeypatch.setattr(toponyms, "_SEEN_SCANS", scans)
        return [[(t.start, t.end, t.key) for t in find_toponyms(text, gaz)] for text in texts]

    assert spans(0) == spans(10**9)


def test_the_document_is_scanned_a_bounded_number_of_times(gaz):
    # every "used in lower case?" question once searched the whole document
    from map_app.toponyms import _SEEN_SCANS

    text = _CountingText(_long_report())
    assert len(find_toponyms(text, gaz)) > 500
    assert text.read <= (_SEEN_SCANS + 2) * len(text)


@pytest.mark.parametrize("text, found", [
    ("У Харківській області через обстріл загинули двоє людей.", ["Харківській області"]),
    ("В Харьковской области погибли три человека.", ["Харьковской области"]),
    ("Обстріл у Сумському районі тривав усю ніч.", ["Сумському районі"]),
    ("Ворог атакував село у Сумській області.", ["Сумській області"]),
])
def test_oblasts_and_raions_in_ukrainian_and_russian_in_any_case(gaz, text, found):
    assert [t.text for t in find_toponyms(text, gaz)] == found


@pytest.mark.parametrize("text, entry", [
    ("Ворог атакував Харківщину.", "adm1:UA.07"),
    ("Обстріли на Донеччині тривали всю ніч.", "adm1:UA.05"),
    ("Ночью беспилотники атаковали Харьковщину.", "adm1:UA.07"),
    ("Вибухи пролунали на Сумщині.", "adm1:UA.21"),
])
def test_an_oblast_by_its_everyday_name_in_any_case(gaz, text, entry):
    from map_app.places import resolve_records

    found = find_toponyms(text, gaz)
    assert len(found) == 1
    assert [r["entry"] for r in resolve_records(text, gaz)] == [entry]


@pytest.mark.parametrize("text, entry", [
    ("Ракети летіли з території Росії.", "country:RU"),
    ("Удар нанесли вооружённые силы РФ по объектам в Украине.", "country:UA"),
    ("Дрон впав на території Румунії.", "country:RO"),
])
def test_countries_by_their_ukrainian_and_russian_names(gaz, text, entry):
    from map_app.places import resolve_records

    assert entry in [r["entry"] for r in resolve_records(text, gaz)]


@pytest.mark.parametrize("text, found", [
    # settlements in any case, found by the case forms the data build adds
    ("Удар по Сумах: загинули четверо.", ["Сумах"]),
    ("В среду российские войска нанесли удар по Сумам.", ["Сумам"]),
    ("Вибухи у Харкові та Запоріжжі.", ["Харкові", "Запоріжжі"]),
    ("Обстріл Великої Писарівки триває.", ["Великої Писарівки"]),
    # a village with its raion after it is no person's name
    ("В селі Андріївка Сумського району пошкоджено будинки.",
     ["Андріївка", "Сумського району"]),
    # a sentence's first word: a preposition, or a common word, opens no name
    ("У Курдюмовки противник продвинулся.", ["Курдюмовки"]),
    ("Ночью Шостку атаковали шахеды.", ["Шостку"]),
    ("Мешканців Іллінівки евакуювали.", ["Іллінівки"]),
    # a weak village name is placed by the raion after it
    ("Понятівку Херсонського району обстріляли.", ["Понятівку", "Херсонського району"]),
    # a Cyrillic name does not run into a Latin word
    ("В Семеновке FPV-дрон ударил по автомобилю.", ["Семеновке"]),
    # generic nouns and compounds
    ("Дрони летіли з боку Чорного моря.", ["Чорного моря"]),
    ("Обстріл Новгород-Сіверського району.", ["Новгород-Сіверського району"]),
    ("Ракета летіла з Ростова-на-Дону.", ["Ростова-на-Дону"]),
    ("Біля Часового Яру тривають бої.", ["Часового Яру"]),
])
def test_places_in_ukrainian_and_russian_in_any_case(gaz, text, found):
    assert [t.text for t in find_toponyms(text, gaz)] == found


def test_a_latin_word_before_a_cyrillic_one_reads_as_before(gaz):
    # "Cafe Аист" names a café: "Cafe" alone is no place in the Philippines
    assert [t.text for t in find_toponyms("Cafe Аист in Tavriiske destroyed", gaz)] == [
        "Tavriiske"]


@pytest.mark.parametrize("text, found", [
    ("Володимир Зеленський прибув до Харкова.", ["Харкова"]),
    ("Майя Санду заявила про підтримку.", []),
    ("Песков заявил, что переговоров не будет.", []),
    ("Захарова прокомментировала удар по Курску.", ["Курску"]),
    ("Олександр Сирський заявив про бої біля Покровська.", ["Покровська"]),
    ("Атака на Володимир-Волинський.", ["Володимир-Волинський"]),
])
def test_people_in_ukrainian_and_russian_are_no_places(gaz, text, found):
    assert [t.text for t in find_toponyms(text, gaz)] == found


@pytest.mark.parametrize("text, found", [
    ("Ракети летіли з Брянської та Курської областей.",
     ["Брянської", "Курської областей"]),
    ("В Брянской, Курской и Белгородской областях объявлена тревога.",
     ["Брянской", "Курской", "Белгородской областях"]),
])
def test_adjectives_sharing_a_plural_noun_name_each_oblast(gaz, text, found):
    from map_app.places import resolve_records

    assert [t.text for t in find_toponyms(text, gaz)] == found
    assert len({r["entry"] for r in resolve_records(text, gaz)}) == len(found)


@pytest.mark.parametrize("text, found", [
    # a settlement's noun makes a common word a place, and the list after it too
    ("Fighting continued near the village of Pisky.", ["Pisky"]),
    ("Shelling hit the settlements of Berestove, Pisky and Synkivka.",
     ["Berestove", "Pisky", "Synkivka"]),
    # "N.P." (a populated point, as translated reports write it) is no one's initials
    ("Strikes near N.P. Bakhmut, Bakhmut district.", ["Bakhmut", "Bakhmut district"]),
    # an apostrophe for a soft sign is no possessive
    ("Artillery fire in Nevel's'ke and Mykil's'ke.", ["Nevel's'ke", "Mykil's'ke"]),
])
def test_settlement_nouns_and_transliteration_marks(gaz, text, found):
    assert _texts(text, gaz) == found


def test_city_noun_keeps_the_city_readings(gaz):
    (t,) = find_toponyms("Russian troops left the city of Liman.", gaz)[1:]
    kinds = {KINDS[k] for k in gaz.col("kind")[t.entries]}
    assert kinds == {"city"}


@pytest.mark.parametrize("text, found, name", [
    # a town one slip of the keys away, after a locative (a city) or a war verb or settlement
    # noun (any settlement), where the gazetteer holds every village
    ("Incendiary weapons used in Popsana.", "Popsana", "Popasna"),
    ("Heavy fighting in the town of Vulhedar.", "Vulhedar", "Vuhledar"),
    ("Shelling near the settlement of Berestov, Bakhmut district.", "Berestov", "Berestove"),
    # a side or the outskirts of a place is a place's slot, as a war verb's object is
    ("Fighting north of Klischiivka.", "Klischiivka", "Klishchiivka"),
    ("Fighting on the outskirts of Klischiivka.", "Klischiivka", "Klishchiivka"),
    # a city typed in lower case after "in", "near" … (its own name: not the oblast, bigger,
    # that only bears its capital's name)
    ("Smoke rising in mariupol this morning.", "mariupol", "Mariupol"),
    ("A palace of culture damaged in donetsk.", "donetsk", "Donetsk"),
    # an acute accent for the soft sign's apostrophe is inside the word
    ("Russian forces shelled the town of Tavrijs´ke, Kherson Oblast.", "Tavrijs´ke", "Tavriiske"),
])
def test_slips_and_lower_case_cities(gaz, text, found, name):
    assert name in _readings(gaz, text, found), text


@pytest.mark.parametrize("text", [
    "Prices rose in January at the Convention.",   # English words are no slips
    "A landslide buried the village of Xinmo.",    # no near miss where villages are missing
    "He flew to metro stations in cars.",          # lower-case common words stay words
])
def test_no_slips_in_plain_english(gaz, text):
    assert _texts(text, gaz) == []


@pytest.mark.parametrize("text, found", [
    # a text or a tab-separated cell that is only a name is a place's label, however common
    # or unknown the word: the place column of a dataset
    ("Pisky", ["Pisky"]),
    ("Opytne.", ["Opytne"]),
    ("Kharkiv Oblast\tBohodukhiv District\tZolochiv", ["Kharkiv Oblast", "Bohodukhiv District",
                                                      "Zolochiv"]),
])
def test_a_label_is_a_place(gaz, text, found):
    assert _texts(text, gaz) == found


@pytest.mark.parametrize("text, found, name", [
    # a location line (a short text naming no other place): after a mere locative a village
    # one slip away or sounding alike is read, as after a war verb
    ("Damage near Novolugansk.", "Novolugansk", "Novoluhanske"),
    ("Fighting in Veletensky", "Veletensky", "Veletenske"),
    # "above" places what it names, as "over" does
    ("A drone was seen above Dovhenke", "Dovhenke", "Dovhenke"),
    # a settlement's noun after the name, as translated reports put it: a slip is read, and
    # a city's part that was a village is one
    ("Artillery fire near the Robotyn village of the Polohy district", "Robotyn", "Robotyne"),
    ("Fighting in the area of the Netailove settlement", "Netailove", "Netailove"),
    ("Drones struck the Volonterovka settlement", "Volonterovka", "Volonterivka"),
    ("Fighting in the area of Urozhane settlement", "Urozhane", "Urozhaine"),
    # "village" may end a name: a hromada's type ("сільська")
    ("Shelling of Ivanivka of the Darivsk village community", "Darivsk village community",
     "Darivska Rural Hromada"),
    # a war noun and "on": its target
    ("Footage of a missile strike on Dovhen'ke", "Dovhen'ke", "Dovhenke"),
    # one of a list whose neighbour is a town of the country: by its sound too (the Russian
    # masculine form of Nevske)
    ("Fighting near Hrekivka, Nevsky and Kreminna.", "Nevsky", "Nevskoye"),
    ("Shelling in the areas of Staromayorsky and Vodiane in the DPR", "Staromayorsky",
     "Staromaiorske"),
])
def test_a_location_line_or_a_noun_after_places_the_word(gaz, text, found, name):
    assert name in _readings(gaz, text, found), text


def test_a_settlement_noun_before_of_and_a_name_is_that_names(gaz):
    # "the Pologiv settlement of Mala Tokmachka": Pologiv is the raion's adjective
    text = "Shelling near the Pologiv settlement of Mala Tokmachka, Zaporizhzhia region"
    assert "Pologiv" not in _texts(text, gaz)


def test_a_strike_on_a_facility_is_no_strike_on_a_village(gaz):
    text = "Aftermath of a strike on Prydniprovska thermal power plant in Dnipro"
    assert _texts(text, gaz) == ["Dnipro"]


@pytest.mark.parametrize("text", [
    # a person after a city's name and a comma is no item of a list of villages
    "In Kyiv, Zelensky said the war would end.",
    # a long text is no location line; "of" is no locative of place
    "Several more schools are now requesting training of this type in Ministry of Education "
    "approved courses, and the board will meet to discuss all of their requests next week.",
    "Training of Ministry staff",
])
def test_no_location_line_reading(gaz, text):
    assert [t for t in _texts(text, gaz) if t != "Kyiv"] == []



def test_an_unknown_label_is_read_as_a_slip(gaz):
    tops = find_toponyms("Vuhledarr", gaz)  # (one letter too many)
    assert tops and "Vuhledar" in {gaz.name_of(int(i)) for i in tops[0].entries}


@pytest.mark.parametrize("text, found, name", [
    # a Russian form beyond one slip sounds like the village's own name; the qualifier picks
    ("Shelling near the village of Zybino, Chuhuiv district.", "Zybino", "Zybyne"),
    ("Kharkiv region: troops shelled Zybino.", "Zybino", "Zybyne"),
])
def test_a_settlement_by_its_sound(gaz, text, found, name):
    assert name in _readings(gaz, text, found)


def test_a_slip_ranks_above_a_sound_alike(gaz):
    # a letter dropped from Klishchiivka, or a word sounding like Kulishivka: the slip is
    # the likelier reading, the sound-alike stays a runner-up
    from map_app.gazetteer import FLAG
    from map_app.places import resolve_records

    (t,) = find_toponyms("Heavy fighting near Klischiivka.", gaz)
    names = [gaz.name_of(int(i)) for i in t.entries]
    flags = dict(zip(names, t.flags.tolist()))
    assert flags["Klishchiivka"] == FLAG["variant"] and flags["Kulishivka"] == FLAG["sound"]
    (r,) = resolve_records("Heavy fighting near Klischiivka.", gaz)
    assert r["name"] == "Klishchiivka" and r["admin1"] == "Donetsk Oblast"
    assert "Kulishivka" in {a["name"] for a in r["alternatives"]}


def test_no_sound_alike_settlements_far_from_the_country(gaz):
    # a person after a war verb in a report naming no Ukrainian place sounds like no village
    text = "In Chicago a bullet ricocheted off a wall and hit Mohanna in the back."
    assert "Mohanna" not in _texts(text, gaz)


def test_a_taking_verb_places_a_common_word(gaz):
    # "pisky" is an English word too; after "shelled" it is the village
    assert _texts("Troops shelled Pisky near Donetsk.", gaz) == ["Pisky", "Donetsk"]


@pytest.mark.parametrize("text, found, name", [
    # a run of words no name covers, in a place's slot: the settlement that sounds like it
    ("Damage to houses in the village of Malaya Rohan.", "Malaya Rohan", "Mala Rohan"),
    ("In Cherkasskaya Lozova, Kharkiv region.", "Cherkasskaya Lozova", "Cherkaska Lozova"),
    ("Chasovoy Yar", "Chasovoy Yar", "Chasiv Yar"),
    # a very long sound is a name's own even after a mere locative
    ("Russian forces in the centre of Kamyanka-Dniprovsk.", "Kamyanka-Dniprovsk",
     "Kamianka-Dniprovska"),
    # in a document about the country, a shorter one after a locative too
    ("Kharkiv region - fighting in Chasovoy Yar.", "Chasovoy Yar", "Chasiv Yar"),
    # and in a location line, which names nothing else (as a word there is read)
    ("in Chasovoy Yar", "Chasovoy Yar", "Chasiv Yar"),
])
def test_a_run_by_its_sound(gaz, text, found, name):
    tops = {t.text: t for t in find_toponyms(text, gaz)}
    assert found in tops and name in {gaz.name_of(int(i)) for i in tops[found].entries}
    assert not any(t != found and t in found for t in tops)  # nor its words alone


def test_a_label_is_only_a_short_text(gaz):
    # in running text a lone sentence-opening common word stays a word
    assert "Pisky" not in _texts("Pisky " + "and more words of a longer text " * 5, gaz)


@pytest.mark.parametrize("text, found", [
    # a capitalised preposition opening a sentence is no given name ("Near Izyum" no person)
    ("Near Izyum in the Kharkiv region.", ["Izyum", "Kharkiv region"]),
    # a state's "People's" is no possessive: the whole name is one span
    ("Shelling in the Donetsk People's Republic.", ["Donetsk People's Republic"]),
])
def test_openers_and_peoples_republics(gaz, text, found):
    assert _texts(text, gaz) == found


def test_an_old_name_before_a_facility_is_the_facilitys(gaz):
    # Gorky was Nizhny Novgorod's name: in "Gorky Park" it names the park, not the city
    assert _texts("Shelling of Gorky Park, Kharkiv.", gaz) == ["Kharkiv"]
    assert _texts("Workers at the Kharkiv Tractor Plant.", gaz) == ["Kharkiv"]


@pytest.mark.parametrize("text, found", [
    # a name, a facility in lower case and the town it is in: the name is the facility's
    ("Strike on the Druzhba theatre in Lysychansk.", ["Lysychansk"]),
    ("Bodies near the Ilyich plant in Mariupol.", ["Mariupol"]),
    ("The Alice hotel burning in Enerhodar.", ["Enerhodar"]),
    ("An Ilyich plant explosion in Mariupol.", ["Mariupol"]),
    ("A reported Iskander ballistic missile strike on Kyiv.", ["Kyiv"]),
    # alone, a town's facility is in the town
    ("Workers of the Polohy factory walked out.", ["Polohy"]),
    # a facility named after a place, then the town it stands in, whatever the place's size
    ("A strike on the Dnipro Hydroelectric Power Plant in Zaporizhzhia", ["Zaporizhzhia"]),
    ("Damage to Sumy market in Kharkiv", ["Kharkiv"]),
    ("Chechens at DK Lenina Community Center in Popasnaya", ["Popasnaya"]),
    # a unit named for its town, however big the town
    ("The Mykolaiv artillery destroyed several vehicles in Shandryholove.", ["Shandryholove"]),
    # a past tense opening a sentence is no given name
    ("Shelled Lysychansk overnight.", ["Lysychansk"]),
])
def test_facilities_and_sentence_openers(gaz, text, found):
    assert _texts(text, gaz) == found


def test_a_citys_national_university_is_in_the_city(gaz):
    assert _texts("Damage to Kharkiv National University.", gaz) == ["Kharkiv"]
    assert _texts("He studied at Arizona State University.", gaz) == []
    # and its specialised schools
    assert _texts("Damage to the Kharkiv Polytechnic.", gaz) == ["Kharkiv"]
    assert _texts("Kramatorsk Technological College was hit.", gaz) == ["Kramatorsk"]
    assert _texts("Bakhmut Industrial Vocational College damaged.", gaz) == ["Bakhmut"]


def test_every_settlement_noun_has_a_stem():
    from map_app import _lexicon as lex
    from map_app.toponyms import _NOUN_STEMS, _settlement_nouns

    assert all(any(w.startswith(st) for st in _NOUN_STEMS) for w in lex.SETTLEMENT_NOUNS)
    text = "The cities of A and B, the village of C; citizens of N.P. Roty"
    assert [text[a:b] for a, b, _ in _settlement_nouns(text)] == ["cities", "village", "N.P."]


@pytest.mark.parametrize("text, found", [
    # a compass word right before a name is its adjective, not a place of its own
    ("Damage to a school in Central Kharkiv.", ["Kharkiv"]),
    ("Fighting goes on in Eastern Ukraine.", ["Ukraine"]),
    ("Shelling of North-Eastern Kharkiv.", ["Kharkiv"]),
    # names that open with one keep it
    ("Elections in Northern Ireland and the Western Cape.", ["Northern Ireland", "Western Cape"]),
])
def test_a_compass_word_before_a_name_is_its_adjective(gaz, text, found):
    assert _texts(text, gaz) == found


@pytest.mark.parametrize("text, found", [
    # a prefix before a hyphen opens a compound, not a name (Pre: Prato's other name)
    ("A pre-trial centre and the Pre-trial Detention Centre in Kherson burned.", ["Kherson"]),
    # a small place's name may open a street's with words between; the street's head and
    # generic word are no places either
    ("Damage on Zhon Myronosyts Street in Kharkiv.", ["Kharkiv"]),
    ("Traffic on Hertford Road in London.", ["London"]),
    # a small place's name may open a river's too (Siverskiy, a town near St Petersburg)
    ("In Izium on the left bank of the Siverskiy Donets River.", ["Izium"]),
])
def test_prefixes_and_streets_are_no_places(gaz, text, found):
    assert _texts(text, gaz) == found


@pytest.mark.parametrize("text, found", [
    # a common word before "of" and a town is the town's thing, not a village of that name
    ("The Port of Odessa was struck by missiles.", ["Odessa"]),
    # a common word that is a village's name is still placed by "of" and its region
    ("Fighting near Pisky of the Donetsk region.", ["Pisky", "Donetsk region"]),
])
def test_a_common_word_of_a_town_is_no_place(gaz, text, found):
    assert _texts(text, gaz) == found


def test_a_sound_read_run_before_a_regional_seat(gaz):
    # a Russian adjective with the Ukrainian noun, qualified by the seat of its oblast
    out = find_toponyms("Clashes in Malaya Rohan, Kharkiv.", gaz)
    assert [t.text for t in out] == ["Malaya Rohan", "Kharkiv"]
    assert {gaz.name_of(int(e)) for e in out[0].entries} == {"Mala Rohan"}


def test_a_slip_before_a_regional_seat_read_as_its_region(gaz):
    # a mixed spelling of Makiivka, labelled with its oblast's seat: Luhansk reads as the
    # oblast, which holds a Makiivka one letter away
    out = find_toponyms("Makeivka, Luhansk", gaz)
    assert [t.text for t in out] == ["Makeivka", "Luhansk"]


@pytest.mark.parametrize("text, name", [
    # a town's adjective (or its stem) before "direction", "area" … names the town's axis
    ("Fighting on the Vugledarsky direction.", "Vuhledar"),
    ("Shelling in the Chervonopopovsky area.", "Chervonopopivka"),
    ("Attacks on the Kupyan direction.", "Kupiansk"),
    # also when the adjective is known only as an old raion's name elsewhere ("Lymanskyi"
    # raion of Odesa oblast; the Donetsk one was "Krasnolymanskyi")
    ("Krasnolymansky direction: areas of the Torsky salient.", "Lyman"),
    # a forest named for the village beside it
    ("Fighting in the Serebryansky forest.", "Serebrianka"),
])
def test_a_towns_adjective_before_direction_is_the_town(gaz, text, name):
    out = find_toponyms(text, gaz)
    assert name in {gaz.name_of(int(e)) for e in out[0].entries}


def test_a_common_word_that_is_a_country_only_in_another_language(gaz):
    # "Island" is Iceland's name in Icelandic and German; "Turkey" is the country's own
    assert _texts("Island near Kherson was shelled.", gaz) == ["Kherson"]
    assert _texts("Turkey said it would help.", gaz) == ["Turkey"]


def test_a_short_run_after_a_locative_is_no_sound_abroad(gaz):
    # no place of the country named: a run after "in" must sound long to be a village
    assert "Chasovoy Yar" not in _texts("The fighting in Chasovoy Yar went on.", gaz)
    # nor a model's name after "of" in a document about the country
    assert _texts("A video of Orion-E UAV striking a target in Mariupol.", gaz) == ["Mariupol"]


@pytest.mark.parametrize("text, found", [
    # three letters name a region of lesser weight too; two need more
    ("Makiivka, LPR", ["Makiivka", "LPR"]),
    ("Shelling in the LPR.", ["LPR"]),
    # a unit's town in brackets after it is a place, not part of the unit's name
    ("The 3rd Separate Assault Brigade (Bakhmut).", ["Bakhmut"]),
    ("Soldiers of the Bakhmut brigade.", []),
    # a short aside in brackets between a village and its area keeps the area its qualifier
    ("Novobakhmutivka (Soloviove rada), Pokrovsk raion", ["Novobakhmutivka", "Pokrovsk raion"]),
])
def test_abbreviations_units_and_asides(gaz, text, found):
    assert _texts(text, gaz) == found


def test_a_known_name_abroad_before_an_area_holding_its_sound(gaz):
    # "Ternov" is known only as Ternuv of Lviv oblast: before "Kharkiv district", which holds
    # Ternova, it is a place; not "Store" (a common word of three consonants) before a town
    assert _texts("Ternov, Kharkiv district, Kharkiv region", gaz)[0] == "Ternov"
    assert "Store" not in _texts("Damage to a Store in Maryinka, Donetsk Oblast", gaz)


@pytest.mark.parametrize("text, found, name", [
    # a spelling of a raion's town, or of its adjective, before "district": the raion
    ("Ploschanka of the Swativ district of the Luhansk region", "Swativ district",
     "Svativskyi Raion"),
    ("Shelling in the Synelnyk district of the Dnipropetrovsk region.", "Synelnyk district",
     "Synelnykivskyi Raion"),
    ("Sieverodonetsk District\tLysychanska urban community\tBilohorivka",
     "Sieverodonetsk District", "Sievierodonetskyi Raion"),
])
def test_a_raion_named_by_a_spelling_of_its_town(gaz, text, found, name):
    tops = {t.text: t for t in find_toponyms(text, gaz)}
    assert found in tops and name in {gaz.name_of(int(i)) for i in tops[found].entries}


def test_a_known_towns_district_is_only_its_own_raion(gaz):
    # Toretsk's name sounds like Troitske's raion (Luhansk oblast), which does not hold it
    assert "Toretsk" in _texts("Donetsk region, in the Toretsk district", gaz)
    # an adjective that is a common word stays a word
    assert _texts("Damage in the industrial district of Kharkiv", gaz) == ["Kharkiv"]


@pytest.mark.parametrize("text, found", [
    # a facility named for its town, where the gazetteer holds every village: in the town
    ("Damage to Hulyaipole House of Culture", ["Hulyaipole"]),
    ("Damage to Kramatorsk College of Technology and Design", ["Kramatorsk"]),
    ("Shelling near the Kharkiv University", ["Kharkiv"]),
    ("The Mariupol Drama Theatre was destroyed.", ["Mariupol"]),
    # elsewhere the institution may be far from the town it is named for; so may one the
    # text places in another town
    ("Students of Washington University in St. Louis", ["St. Louis"]),
    ("Staff of the Hulyaipole House of Culture in Zaporizhzhia", ["Zaporizhzhia"]),
])
def test_a_facility_named_for_its_town(gaz, text, found):
    assert _texts(text, gaz) == found


def test_a_weapons_name_is_no_place_in_a_war_report(gaz):
    # Bayraktar is also a name of Karayazı (Turkey), Pantsir of a Russian town, Buk a Polish
    # town: in a report naming a place of a country the gazetteer holds completely, weapons
    assert _texts("Russian forces intercepted a Bayraktar near Lozova.", gaz) == ["Russian",
                                                                                   "Lozova"]
    assert _texts("Ukrainian forces hit a Pantsir near Lozova.", gaz) == ["Ukrainian", "Lozova"]
    # elsewhere the town
    assert _texts("Buk is a town in Poland.", gaz) == ["Buk", "Poland"]


def test_a_name_whose_next_word_is_in_lower_case(gaz):
    # "Chasiv" alone names nothing; with its next word in lower case it is Chasiv Yar
    tops = find_toponyms("Destroyed art school and library in Chasiv yar", gaz)
    assert [t.text for t in tops] == ["Chasiv yar"]
    assert "Chasiv Yar" in {gaz.name_of(int(e)) for e in tops[0].entries}
    # a word that opens no name with the next stays unread
    assert _texts("Chasiv is here", gaz) == []


@pytest.mark.parametrize("text, found", [
    # a seat of government followed by its people or its speech is the government
    ("The White House said on Monday that talks would go on in Geneva.", ["Geneva"]),
    ("White House aides met in Washington.", ["Washington"]),
    ("The Pentagon has denied the report.", []),
    # where something happens it is the building
    ("Protesters gathered outside the White House in Washington.",
     ["White House", "Washington"]),
])
def test_a_seat_of_government_that_speaks_is_the_government(gaz, text, found):
    assert _texts(text, gaz) == found
