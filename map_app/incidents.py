"""Incidents: which places had something happen there, what, when, and to how many people.

The event taxonomy is modelled on ACLED's (event type → sub-event type):

===========================  ====================================  ============================
``event_type``               ACLED sub-event type                  ACLED event type
===========================  ====================================  ============================
``shelling_missile_attack``  Shelling/artillery/missile attack     Explosions/Remote violence
``air_drone_strike``         Air/drone strike                      Explosions/Remote violence
``remote_explosive``         Remote explosive/landmine/IED         Explosions/Remote violence
``armed_clash``              Armed clash                           Battles
``territory_captured``       Government regains territory /        Battles
                             Non-state actor overtakes territory
``attack_on_civilians``      Attack                                Violence against civilians
``explosion``                (explosion of unstated cause)         Explosions/Remote violence
``attack``                   (attack, hit or strike of unstated     Explosions/Remote violence
                             means)
``property_destruction``     Looting/property destruction          Strategic developments
``evacuation``               Other (civilian evacuation)           Strategic developments
``arrest``                   Arrests                               Strategic developments
``protest``                  Peaceful protest                      Protests
``disrupted_weapons_use``    Disrupted weapons use (a drone or     Strategic developments
                             missile shot down or intercepted)
===========================  ====================================  ============================

Every place also gets ACLED's ``geo_precision`` (:func:`add_precision`): 1 when the text puts
the event at the named settlement, 2 near it ("near Lozova", "the Bakhmut direction") or in a
part of a region (a raion or hromada, coded to it), 3 when only a region or country is known.
UCDP's ``where_prec`` corresponds as 1 → 1, 2 → 2 (within 25 km) or 3 (a second-order area),
3 → 4 (a first-order area) or 6 (only the country).

A place is an ``incident`` when a sentence that names it reports such an event (or casualties)
and the place is where it happened — not the actor ("Moscow's army", "Russian troops"), not a
region that only qualifies another place ("Andriivka in the Sumy region"), not a country named
in passing. Every other place is a ``mention``.
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from datetime import date, timedelta

from ._text import MAX_SENTENCE, has_cyrillic, windows
from .coordinates import OFFSET_RULE
from .places import QUALIFYING_RULES

EVENT_CATEGORY = {
    "shelling_missile_attack": "Explosions/Remote violence",
    "air_drone_strike": "Explosions/Remote violence",
    "remote_explosive": "Explosions/Remote violence",
    "explosion": "Explosions/Remote violence",
    "armed_clash": "Battles",
    "territory_captured": "Battles",
    "attack_on_civilians": "Violence against civilians",
    "attack": "Explosions/Remote violence",
    "property_destruction": "Strategic developments",
    "evacuation": "Strategic developments",
    "arrest": "Strategic developments",
    "protest": "Protests",
    "disrupted_weapons_use": "Strategic developments",
}

#: How each event type reads to people (the app's table, filters, legend and popups).
EVENT_LABELS = {
    "shelling_missile_attack": "Shelling / missile attack",
    "air_drone_strike": "Air / drone strike",
    "remote_explosive": "Remote explosive / landmine",
    "explosion": "Explosion",
    "attack": "Attack (means unstated)",
    "armed_clash": "Armed clash",
    "territory_captured": "Territory captured",
    "attack_on_civilians": "Attack on civilians",
    "property_destruction": "Property destruction",
    "evacuation": "Evacuation",
    "arrest": "Arrest",
    "protest": "Protest",
    "disrupted_weapons_use": "Weapon shot down / intercepted",
}

#: Our event types as ACLED's sub-event types (one definition: the ACLED export and the
#: scorer). ``explosion`` (of unstated cause) is coded as ACLED codes unexploded ordnance;
#: ``attack`` (a hit or strike of unstated means) as remote violence by shelling, how ACLED
#: codes most such reports of this war; a capture as either side's taking of territory.
ACLED_SUB_EVENT: dict[str, tuple[str, ...]] = {
    "shelling_missile_attack": ("Shelling/artillery/missile attack",),
    "air_drone_strike": ("Air/drone strike",),
    "remote_explosive": ("Remote explosive/landmine/IED",),
    "explosion": ("Remote explosive/landmine/IED",),
    "attack": ("Shelling/artillery/missile attack",),
    "armed_clash": ("Armed clash",),
    "territory_captured": ("Non-state actor overtakes territory", "Government regains territory"),
    "attack_on_civilians": ("Attack",),
    "property_destruction": ("Looting/property destruction",),
    "evacuation": ("Other",),
    "arrest": ("Arrests",),
    "protest": ("Peaceful protest",),
    "disrupted_weapons_use": ("Disrupted weapons use",),
}

# The same event words in Ukrainian and Russian: stems, as both languages decline and
# conjugate them ("обстріляли", "обстрілу"; "обстрел", "обстреляли"). A Cyrillic stem never
# matches Latin text, so English reads exactly as before.
_CYRILLIC_TRIGGERS = {
    # "авіабомби", "авиаудар", "авіація", not "авіазавод" (an aircraft plant)
    "air_drone_strike": r"дрон\w*|безпілотник\w*|беспилотник\w*|БпЛА|БПЛА|шахед\w*|"
                        r"авіа(?:бомб|удар|ці|наліт)\w*|авиа(?:бомб|удар|ци|налет)\w*|КАБ\w*|"
                        r"керован\w* бомб\w*|управляем\w* бомб\w*|з повітря|с воздуха",
    "shelling_missile_attack": r"(?:арт)?обстр[іе]л\w*|артилер\w*|артиллер\w*|ракет\w*|"
                               r"мін?омет\w*|РСЗВ|РСЗО|Град(?:ів|ами|ом|ы|а)?\b|Іскандер\w*|"
                               r"Искандер\w*|балісти\w*|баллисти\w*|касетн\w*|кассетн\w*|"
                               r"снаряд\w*|осколк\w*|Кинджал\w*|Кинжал\w*|Калібр\w*|"
                               r"Калибр\w*|HIMARS|ATACMS|Storm Shadow|(?<=\d )(?:мін|мин)\b",
    "remote_explosive": r"вибухов\w* пристр\w*|взрывн\w* устр\w*|підірвал\w*|подорвал\w*|"
                        r"розмінуван\w*|разминировани\w*|"
                        r"мін[аиуі]\b|мин[аыуе]\b|розтяжк\w*|растяжк\w*",
    "territory_captured": r"захопи\w*|захопл\w*|захвати\w*|захвач\w*|звільни\w*|звільн\w*|"
                          r"освободи\w*|освобожд\w*|окупува\w*|оккупир\w*|"
                          r"під контрол\w*|под контрол\w*|контроль над|"
                          # "заняли Очеретино", not "заняли позиции" (took up positions)
                          r"(?:зайня|заня)\w*\b(?!\s+позиц)|"
                          r"увійшл\w*|увійшов|вошл\w*|вош[её]л|зайшл\w*|зайшов|"
                          r"вийшл\w* з|вийшов з|(?:вибил\w*|вибив|выбил\w*)(?:\s+\S+){0,3}?"
                          r"\s+(?:з|із|из)\b|"
                          r"оставлен\w*|оставил\w*|отошл\w*|залишил\w*",
    # "наступ" is an offensive, "наступного" the next (day): only the first
    # "бої", "бои", "боях", not "боєприпаси"/"боеприпасы" (ammunition)
    "armed_clash": r"бо(?!єприпас|еприпас)[йїяеи]\w*|боїв|зіткн\w*|столкн\w*|штурм\w*|"
                   r"наступ(?:у|ом|і)?\b|прорва\w*|прорив\w*|прорыв\w*|"
                   r"просунул\w*|продвинул\w*|продвинут\w*|відбит\w*|отбит\w*|"
                   r"отражен\w*|оточ\w*|окруж\w*|обійт\w*|обойт\w*|позиці\w*|позици\w*|"
                   r"плацдарм\w*|(?:знищ|уничтож)\w*\s+(?:до\s+)?(?:\d+\s+)?(?:військов|"
                   r"окупант|бойовик|солдат|военнослужащ|военн|боевик)\w*|"
                   r"(?:вийшл\w*|вийшов|вышл\w*|вышел)\s+(?:к|до)\b|"
                   r"наступа[юєе]\w*|наступлен\w*|наступальн\w*|"
                   r"просува\w*|продвига\w*|продвижен\w*|відбил\w*|отбил\w*|"
                   r"відбива\w*|отража\w*|контрнаступ\w*",
    "attack_on_civilians": r"розстріля\w*|расстреля\w*|закатува\w*|заручник\w*|"
                           r"заложник\w*|викрал\w*|похитил\w*",
    "explosion": r"вибух\w*|взрыв\w*|детонац\w*",
    "attack": r"удар\w*|атак\w*|влуча\w*|влучи\w*|влучан\w*|попал\w*|попадан\w*|"
              r"поцілил\w*|знищ\w*|уничтож\w*|пошкодж\w*|поврежд\w*|зруйн\w*|разруш\w*|"
              r"вбил\w*|убил\w*|прил[её]т\w*|приліт\w*|прильот\w*|врази\w*|уразил\w*|"
              r"поразил\w*",
    "property_destruction": r"підпал\w*|поджог\w*|поджечь|поджег\w*|мародер\w*|мародёр\w*|"
                            r"стерт\w* с лица земли|стерт\w* з лиця землі|"
                            r"спалил\w*|сожгл\w*|сжег\w*|сжёг\w*",
    "protest": r"протест\w*|мітинг\w*|митинг\w*|демонстрац\w*|акці[яюї]\b|акци[яюи]\b",
}

# Trigger patterns, most specific first: the first that matches a sentence names its event.
# Words of the air (air forces, aerial, bombs dropped) come first: "air forces launched a
# missile strike" is an air strike, as coders code it.
_TRIGGERS: list[tuple[str, re.Pattern]] = [
    (t, re.compile(p + (rf"|\b(?:{_CYRILLIC_TRIGGERS[t]})" if t in _CYRILLIC_TRIGGERS else ""),
                   re.I)) for t, p in [
    # a Ukrainian or Russian sentence of an evacuation reports the evacuation, not the strikes
    # that caused it ("евакуюють через обстріли", "эвакуировали жителей после удара"); an
    # evacuation bus ("евакуаційний автобус") is no evacuation
    ("evacuation", r"\b(?:евакуац(?!ійн|ионн)\w*|эвакуац(?!ионн)\w*|евакуйов\w*|эвакуир\w*|"
                   r"евакуюва\w*|евакую\w*|вивез\w*|вывез\w*|вивоз\w*|вывоз\w*|виселя\w*|"
                   r"выселя\w*|депортува\w*|депортир\w*)"),
    ("air_drone_strike", r"\b(air ?strikes?|air raids?|drones?|UAVs?|Shaheds?|bombers?|"
                         r"glide bombs?|guided (?:aerial |air )?bombs?|air bombs?|aerial bombs?|"
                         r"airstrikes?|air forces?|aerial|airborne|aviation|warplanes?|"
                         r"fighter jets?|dropped (?:\w+ )?bombs?|KABs?)\b"),
    ("shelling_missile_attack", r"\b(shell(ing|ed|s)?|artillery|rockets?|missiles?|mortars?|"
                                r"MLRS|Grad|Iskanders?|ballistic|cluster munitions?|"
                                r"bombard(ed|ment)?|fired (?:\w+ )?(?:at|on|upon|in|into)|"
                                r"opened fire)\b"),
    ("remote_explosive", r"\b(explosive devices?|IEDs?|landmines?|mines?|car bombs?|"
                         r"sabotage|booby[- ]trap|tripwire|unexploded|UXO|ordnance|"
                         r"(?:ran|drove|driven|stepped) (?:over|on) (?:an? )?(?:\w+ )?"
                         r"(?:explosive|mine))\b"),
    ("territory_captured", r"\b(captur(ed|es|e|ing)|seiz(ed|es|e|ing)|took control|taken control|"
                           r"took (?:over )?(?:the )?(?:village|town|city|settlement)|"
                           r"liberat(ed|es|e|ing)|retook|recaptur(ed|e)|occupied|overran)\b"),
    ("armed_clash", r"\b(clash(es|ed)?|fighting (?:in|around|near|on|erupted|raged)|"
                    r"heavy fighting|fought|battles? (?:for|of|in|took place)|positional battles?|"
                    r"assaults?|offensive|counter-?offensive|advanc(e|ed|ing)|gunfire|"
                    r"firefights?|skirmish(es)?|ambush(ed)?|repell?(ed|ing)?|repuls(ed|e|ing))\b"),
    ("attack_on_civilians", r"\b(targeting civilians|massacre|executed|abducted|hostages?)\b"),
    ("explosion", r"\b(explosions?|blasts?|exploded|detonat(ed|ion))\b"),
    # a Ukrainian or Russian sentence of an arrest reports the arrest, whatever the arrested
    # did ("затримали чоловіка, який підпалював авто", "задержал корректировщика ударов")
    ("arrest", r"\b(?:затрима\w*|затриман\w*|задерж\w*|заарешт\w*|арестова\w*|"
               r"арештува\w*)"),
    # in a war report, what was destroyed or damaged was hit by something unstated
    ("attack", r"\b(hit|struck|strikes?|attack(s|ed)?|target(ed|ing)|destroy(ed|s|ing)?|"
               r"damag(ed|ing))\b"),
    ("property_destruction", r"\b(set on fire|burn(ed|t) down|arson|loot(ed|ing)|"
                             r"vandali[sz]ed)\b"),
    ("evacuation", r"\b(evacuat(ed|ion|e|ing)|flee(ing)?|fled)\b"),
    ("arrest", r"\b(arrest(ed|s)?|detain(ed|s)?)\b"),
    ("protest", r"\b(protest(s|ers|ed)?|demonstrat(ors|ion|ions)|rall(y|ies))\b"),
]]
# Phrases whose words claim a type of their own: the words of a weapon or craft inside one
# report no strike of it ("shot down a Russian strike drone"), and the phrase's type goes to a
# place only when no other event word is near it. A weapon shot down or intercepted, or
# seized, is ACLED's "Disrupted weapons use"; a manned aircraft shot down is an attack on it,
# as ACLED codes it (remote violence).
_WEAPON = r"(?:drones?|UAVs?|Shaheds?|missiles?|rockets?|bombs?|(?:Kh)-\d+\w*)"
_CRAFT = r"(?:aircrafts?|planes?|jets?|helicopters?|(?:Su|MiG|Mi|Ka|Tu|Il)-\d+\w*)"
_DOWN = (r"(?:shot down|shoots? down|shooting down|downed|intercept(?:ed|s|ing|ion|ions)?|"
         r"destroyed by air defen[cs]e)")
# the same in Ukrainian and Russian: shot down, intercepted, destroyed by air defence
_WEAPON_CY = (r"(?:дрон\w*|безпілотник\w*|беспилотник\w*|БпЛА|БПЛА|шахед\w*|ракет\w*|"
              r"КАБ\w*|бомб\w*|катер\w*|безекіпажн\w*|безэкипажн\w*)")
# the debris of a weapon shot down, and what it damaged: "уламки збитої ракети", "обломками
# беспилотника поврежден склад" (ACLED: disrupted weapons use)
_DEBRIS_CY = r"(?:уламк\w*|обломк\w*)"
_QUOTE_CY = "['‘’«»\"“”]"
# one weapon or a list of them ("8 дронів і 2 крилаті ракети")
_WEAPONS_CY = (rf"{_WEAPON_CY}(?:\s*(?:,|і|и|та|й)\s+(?:\d+\s+)?(?:[\w-]+\s+)?{_QUOTE_CY}?"
               rf"{_WEAPON_CY})*")
_AIR_DEFENCE_CY = r"(?:ППО|ПВО|протиповітрян\w*|противовоздушн\w*)"
_DOWN_CY = (r"(?:збил\w*|збит\w*|збиван\w*|сбил\w*|сбит\w*|знешкод\w*|перехоп\w*|"
            rf"перехват\w*|{_AIR_DEFENCE_CY})")


def _object_phrase(verbs: str, things: str, gap: int = 4, quote: str = "['‘’]") -> str:
    """"<verb> … <thing>" (up to ``gap`` words between) or "<thing> was/were <verb>";
    ``quote``: the marks a thing may stand in ("«шахедів»")."""
    return (rf"\b{verbs}\s+(?:[\w'’-]+\s+){{0,{gap}}}?{quote}?{things}{quote}?\b"
            rf"|\b{things}\s+(?:were|was|have been|had been)\s+{verbs}\b")


# A word every phrase holds: most sentences have none, and one search says so.
_PHRASE_HINT = re.compile(r"down|intercept|air defen|seiz|found|discovered|"
                          r"збил|збит|збиван|сбил|сбит|знешкод|перехоп|перехват|ППО|ПВО|"
                          r"протиповітрян|противовоздушн|знищ|уничтож|уламк|обломк|отраж",
                          re.I)
_PHRASES: list[tuple[str, re.Pattern]] = [(t, re.compile(p, re.I)) for t, p in [
    ("shelling_missile_attack", _object_phrase(_DOWN, _CRAFT)),
    ("disrupted_weapons_use", _object_phrase(_DOWN, _WEAPON) + rf"|\b{_DOWN}\b"),
    # explosions heard while air defence worked: the defence is the event
    ("disrupted_weapons_use", rf"\b(?:вибух\w*|взрыв\w*)[^.;]{{0,80}}?{_AIR_DEFENCE_CY}|"
                              rf"\b{_AIR_DEFENCE_CY}[^.;]{{0,80}}?(?:вибух\w*|взрыв\w*)"),
    ("disrupted_weapons_use", _object_phrase(_DOWN_CY, _WEAPONS_CY, 6, _QUOTE_CY) + "|"
     + _object_phrase(r"(?:знищ\w*|уничтож\w*|отражен\w*)", r"(?:атак\w* )?" + _WEAPONS_CY,
                      6, _QUOTE_CY)
     + rf"|\b{_DOWN_CY}|\b{_DEBRIS_CY}(?:\s+[\w«»\"-]+){{0,6}}?\s+(?:{_WEAPON_CY}|"
       r"пошкод\w*|поврежд\w*|впал\w*|упал\w*|поранил\w*|ранил\w*|зруйн\w*|разруш\w*)"
     + rf"|\b{_DEBRIS_CY}"),
    ("disrupted_weapons_use", _object_phrase(r"(?:seized|seizure of|found|discovered)",
                                             r"(?:weapons|explosives|ammunition|arms)", 6)),
]]

# Any event word at all, in one scan: most sentences have none
_ANY_EVENT = re.compile("|".join(f"(?:{p.pattern})" for _, p in _TRIGGERS + _PHRASES), re.I)

# Places named as actors or as the owners of forces, not as where something happened.
_ACTOR_AFTER = re.compile(
    r"^(?:['’]s)?\s+(?:\w+\s+){0,2}?(army|troops|forces|military|soldiers|navy|air force|"
    r"security service|government|officials?|authorities|ministry|leaders?|president|"
    r"negotiators?|delegation|defen[cs]e|units?|drones|missiles|accused|said|says|claimed|"
    r"claims|launched|fired|demanded|demands|offered|wants|warned|insists|denied|announced|deployed|"
    r"pressed|rejected|agreed|sent|sending)\b", re.I)
_ACTOR_BEFORE = re.compile(r"\b(accused|by|from|blamed|urged|told|with)\s+(the\s+)?$"
                           # where the fire came from: "обстріляли з Кінбурнської коси", "под
                           # огнем … с Кинбурнской косы", "з-під Бєлгорода"
                           r"|(?<![\w-])(?:з-під|из-под)\s+$"
                           r"|\b(?:обстріл|обстрел|атаку|атаков|удари|ударил|ударя|стріля|"
                           r"стреля|огн|вогн|запуск)\w*\s+(?:[\w’'-]+\s+){0,4}?"
                           r"(?:з|із|зі|с|со|из)\s+$", re.I)
# Where someone spoke or met: after a verb or noun of speech or talks and "in" ("said in
# Hiroshima", "заявив Зеленський у Хіросімі", "talks in Istanbul", "Переговори у Стамбулі"), or
# before such a verb ("Zelensky in Washington discussed", "У Кремлі заявили")
_SPEECH_WORDS = (r"said|says|told|spoke|speaking|met|meeting|talks|summit|conference|discussed|"
                 r"заяви\w*|сказа\w*|зустрі\w*|переговор\w*|саміт\w*|обговори\w*|"
                 r"встрети\w*|встреч\w*|саммит\w*|обсуди\w*")
_SPOKEN_BEFORE = re.compile(rf"\b(?:{_SPEECH_WORDS})(?:\s+[\w’'-]+){{0,2}}?\s+(?:in|at|у|в|на)"
                            r"\s+$", re.I)
_SPOKEN_AFTER = re.compile(rf"^\s+(?:[\w’'-]+\s+)??(?:{_SPEECH_WORDS})\b", re.I)
# (before such a verb, a place where someone was: "у Вашингтоні", not a strike's "по Сумах")
_AT_BEFORE = re.compile(r"(?<![\w-])(?:in|at|у|в|во)\s+$", re.I)
# Where people were taken or went: "evacuated to Dnipro", "евакуювали до Дніпра", "прибули до
# Павлограда", "закликають виїхати до Запоріжжя", "эвакуировать в Курск" (not the event's place:
# where they left is)
_MOVED_TO = re.compile(r"\b(?:evacuat|relocat|евакуй|евакую|"
                       r"евакуа|эвакуи|эвакуа|прибул|прибыл|виїх|выех|вивез|вывез|переїх|"
                       r"переех|перевез)\w*\s+(?:[\w’'-]+\s+){0,3}?(?:to|до|в|у|во)\s+"
                       r"(?:the\s+)?$", re.I)
# A town that names a road's end ("the Bakhmut–Kostiantynivka road", "the Pokrovsk highway",
# "трасса Покровск–Павлоград", "трасу на Добропілля"): the road is the place, not the town
_ROAD_WORDS = r"трас\w*|дорог\w*|шосе|шоссе|автодорог\w*|автотрас\w*|highway|road|route|motorway"
_ROAD_BEFORE = re.compile(rf"\b(?:{_ROAD_WORDS})\s+(?:(?:на|to)\s+|[\w’'-]+\s*[–—-]\s*)?$",
                          re.I)
_ROAD_AFTER = re.compile(r"^(?:\s*[–—-]\s*[\w’'-]+)?\s+(?:highway|road|route|motorway)\b",
                         re.I)
# "evacuated from Lozova", "fled from Bakhmut": where people left is where it happened
_LEFT_FROM = re.compile(r"\b(evacuated|fled|displaced|deported|withdrew|retreated|expelled)"
                        r"\s+(?:[\w’'-]+\s+){0,3}?from\s+(the\s+)?$", re.I)
_LOCATIVE_BEFORE = re.compile(
    r"\b(in|on|at|near|into|inside|outside|of|across|around|over|toward|towards|against|"
    r"hit|struck|shelled|captured|seized|took|liberated|attacked|targeted|bombed|"
    r"the (?:city|town|village|settlement|region|oblast|district|port|suburbs?) of)\s+"
    r"(?:the\s+)?(?:[\w’'-]+\s+){0,2}$"
    # Ukrainian and Russian: "у", "на", "біля", "по" … right before the name
    r"|(?:^|\s)(?:у|в|во|на|біля|під|поблизу|по|над|около|возле|под|вблизи|к|до)\s+$", re.I)
# (a dot between digits is a decimal point, not a sentence's end: "1.5 million", "48.5912")
_SENTENCE = re.compile(r"(?:[^.!?\n]|(?<=\d)\.(?=\d))+(?:[.!?]+[”\"’']?|\n|$)")

_NUM_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
              "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
              "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
              "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
              "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
              "hundred": 100, "dozens": 24, "dozen": 12, "hundreds": 200}
_NUM = (r"(?:at least |more than |over |some |about |around |nearly |almost |up to )?"
        r"(?P<n>\d[\d,]*|(?:" + "|".join(sorted(_NUM_WORDS, key=len, reverse=True))
        + r")(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?)")
_PEOPLE = (r"(?:\s+(?:other\s+)?(?:people|persons?|civilians?|children|child|soldiers?|"
           r"residents?|man|woman|boy|girl|serviceman|servicemen|policeman|officer|worker|"
           r"others|men|women|servicemen|troops|police(?:men)?|officers|workers))?")
_KILLED = r"(?:killed|dead|died|deaths?|lost their lives|fatalities)"
_WOUNDED = r"(?:wounded|injured|hurt|injuries)"


def _casualty_patterns() -> list[tuple[str, re.Pattern]]:
    pats = []
    for kind, word, verb in (("killed", _KILLED, r"kill(?:ed|ing|s)"),
                             ("wounded", _WOUNDED, r"(?:wound|injur)(?:ed|ing|es|s)")):
        # "four people were killed", "20 wounded"
        pats.append((kind, re.compile(_NUM + _PEOPLE + r"\s+(?:were\s+|was\s+|have been\s+|"
                                      r"had been\s+)?(?:also\s+)?(?:reported\s+)?" + word
                                      + r"\b", re.I)))
        # "killed four people", "injuring 30"
        pats.append((kind, re.compile(r"\b" + verb + r"\s+" + _NUM + _PEOPLE + r"\b", re.I)))
        # "among 20 wounded"
        pats.append((kind, re.compile(r"\bamong\s+(?:the\s+)?" + _NUM + r"\s+" + word, re.I)))
    pats.append(("killed", re.compile(r"\b(?:death\s+)?toll\s+(?:rose|rises|climbed|reached|"
                                      r"stands|stood)\s+(?:to|at)\s+" + _NUM, re.I)))
    return pats


# Counts in Ukrainian and Russian: the cardinals and the collective numerals news uses for
# people ("четверо", "троє"/"трое"), in the forms that follow a verb or precede a noun.
_NUM_WORDS_CY = {
    "один": 1, "одна": 1, "одного": 1, "одну": 1, "одну людину": 1,
    "два": 2, "дві": 2, "две": 2, "двоє": 2, "двое": 2, "двох": 2, "двух": 2,
    "три": 3, "троє": 3, "трое": 3, "трьох": 3, "трех": 3, "трёх": 3,
    "чотири": 4, "четверо": 4, "чотирьох": 4, "четыре": 4, "четырех": 4, "четырёх": 4,
    "п'ять": 5, "п’ять": 5, "пʼять": 5, "пять": 5, "п'ятеро": 5, "п’ятеро": 5, "пятеро": 5,
    "шість": 6, "шесть": 6, "шестеро": 6, "сім": 7, "семь": 7, "семеро": 7,
    "вісім": 8, "восемь": 8, "восьмеро": 8, "дев'ять": 9, "дев’ять": 9, "девять": 9,
    "десять": 10, "одинадцять": 11, "одиннадцать": 11, "дванадцять": 12, "двенадцать": 12,
    "двадцять": 20, "двадцать": 20, "тридцять": 30, "тридцать": 30,
}
_MONTHS_CY = ("січня", "лютого", "березня", "квітня", "травня", "червня", "липня", "серпня",
              "вересня", "жовтня", "листопада", "грудня", "января", "февраля", "марта",
              "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября",
              "декабря")
_NUM_CY = (r"(?:щонайменше |щонайменш |не менше |понад |близько |майже |до |"
           r"не менее |по меньшей мере |более |свыше |около |почти )?"
           r"(?P<n>\d{1,3}(?:\s\d{3})+|\d+|" + "|".join(sorted(map(re.escape, _NUM_WORDS_CY),
                                                     key=len, reverse=True)) + r")"
           # "52-річний чоловік", "62-летний мужчина": an age, not a count; nor a date, a
           # year, a distance or a number of times ("14 березня", "87 раз")
           r"(?![\w’'-]*-?(?:річн|летн|літн))(?!\s+(?:" + "|".join(_MONTHS_CY) + r"|року|году|"
           r"рік|год|раз\w*|км|кілометр\w*|километр\w*)\b)")
_PEOPLE_CY = (r"(?:\s+(?:\w+\s+)?(?:людей|людини|людина|люди|осіб|особи|дітей|дитина|"
              r"дитини|жителів|жителей|мешканців|цивільних|військових|военных|человек|"
              r"человека|детей|ребенок|ребёнка|мирних|мирных))?")
_KILLED_CY = r"(?:загину\w*|загинул\w*|загибл\w*|вбит\w*|убит\w*|погиб\w*|жертв\w*)"
_WOUNDED_CY = (r"(?:поран\w*|ранен\w*|ранил\w*|травмован\w*|травмир\w*|постражда\w*|"
               r"пострада\w*|(?:дістал\w*|дістав|отримал\w*|отримав|получил\w*|получив)\s+"
               r"(?:\w+\s+)?(?:поранен\w*|травм\w*|ранени\w*))")
# A verb in the singular, or the impersonal passive with a person in the singular, counts
# one ("загинув чоловік", "погибла женщина", "поранено дитину", "водій отримав травми")
_ONE_CY = {
    "killed": re.compile(r"\b(?:загинув|загинула|погиб|погибла|убит|убита|вбитий|вбита)\b",
                         re.I),
    "wounded": re.compile(r"\b(?:поранений|поранена|ранен|ранена|травмований|травмована|"
                          r"постраждав|постраждала|пострадал|пострадала|госпіталізован\w*|"
                          r"(?:дістав|дістала|отримав|отримала|получил|получила)\s+"
                          r"(?:\w+\s+)?(?:поранен\w*|травм\w*|ранени\w*)|"
                          r"(?:поранено|поранило|ранило|травмовано)\s+(?:[\w-]+\s+)?(?:"
                          r"чоловіка|жінку|дитину|хлопця|дівчину|дівчинку|водія|пенсіонерку|"
                          r"пенсіонера|продавчиню|підлітка|військового|мужчину|женщину|"
                          r"ребенка|мальчика|девочку|подростка|водителя))\b", re.I),
}


def _casualty_patterns_cy() -> list[tuple[str, re.Pattern]]:
    pats = []
    for kind, word in (("killed", _KILLED_CY), ("wounded", _WOUNDED_CY)):
        # "загинули четверо людей", "поранено 20 людей", "погибли три человека"
        pats.append((kind, re.compile(r"\b" + word + r"\s+" + _NUM_CY + _PEOPLE_CY + r"\b",
                                      re.I)))
        # "троє загиблих", "20 людей поранені", "трое погибших", "ще 11 дістали поранення",
        # "п'ятеро пасажирів травмовані"
        pats.append((kind, re.compile(r"(?<!\w)" + _NUM_CY + r"(?:\s+[\w'’-]+){0,2}?\s+"
                                      + word, re.I)))
    # "росіяни вбили 5 цивільних"
    pats.append(("killed", re.compile(r"\b(?:вбил\w*|убил\w*)\s+" + _NUM_CY + _PEOPLE_CY,
                                      re.I)))
    return pats


_CASUALTY_PATTERNS = _casualty_patterns() + _casualty_patterns_cy()
# A word every casualty pattern holds (a count killed or wounded, a toll): most sentences have
# none, and one search for them costs less than the patterns' seven (case-insensitive alike).
_CASUALTY_WORD = re.compile(r"kill|dead|died|death|lost their lives|fatalit|wound|injur|hurt|"
                            r"toll|загин|загибл|вбит|убит|погиб|жертв|поран|ранен|ранил|травм|"
                            r"вбил|убил|постражд|пострада|госпіталіз",
                            re.IGNORECASE)
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def _number(s: str) -> int:
    s = s.lower().replace(",", "")
    if s.replace(" ", "").isdigit():  # "1 200": Ukrainian and Russian group with spaces
        return int(s.replace(" ", ""))
    if s in _NUM_WORDS_CY:
        return _NUM_WORDS_CY[s]
    parts = re.split(r"[- ]", s)
    return sum(_NUM_WORDS.get(p, 0) for p in parts)


def find_casualties(sentence: str) -> dict[str, int]:
    """Killed and wounded counts stated in one sentence ("killed four people", "20 wounded").

    Returns
    -------
    dict
        ``{"killed": n, "wounded": m}`` with only the counts found.
    """
    out: dict[str, int] = {}
    if _CASUALTY_WORD.search(sentence) is None:
        return out
    for kind, pat in _CASUALTY_PATTERNS:
        for m in pat.finditer(sentence):
            n = _number(m.group("n"))
            if n:
                out[kind] = max(out.get(kind, 0), n)
    for kind, pat in _ONE_CY.items():
        if kind not in out and pat.search(sentence):
            out[kind] = 1
    return out


# How far (characters) an event word may be from a place and still be about it.
TRIGGER_WINDOW = 100


def event_type_of(sentence: str, near: tuple[int, int] | None = None) -> str | None:
    """The event a sentence reports, by the taxonomy above (None when it reports none).

    With ``near`` (a span inside ``sentence``), only event words within
    :data:`TRIGGER_WINDOW` characters of it count, the most specific type first; a phrase of
    :data:`_PHRASES` (a weapon shot down) counts only where no other event word does.
    """
    if near is None:
        # the type needs the phrases' masks only when both kinds of words are there
        if not _PHRASE_HINT.search(sentence):
            return next((name for name, pat in _TRIGGERS if pat.search(sentence)), None)
        return _Triggers(sentence).near(None, window=len(sentence))
    return _Triggers(sentence).near(near, window=TRIGGER_WINDOW)


class _Triggers:
    """The event words of one sentence, found once: :func:`event_type_of` with ``near`` for
    each of its places, without reading the sentence again per place (a sentence may name
    hundreds of places)."""

    __slots__ = ("_found", "_phrases", "sentence")

    def __init__(self, sentence: str):
        self.sentence = sentence
        # per trigger, the (starts, ends) of its matches outside the phrases of disrupted
        # weapons; found when first asked for, since most places are placed by the first
        # trigger or two
        self._found: list[tuple[list[int], list[int]] | None] = [None] * len(_TRIGGERS)
        self._phrases = [(m.start(), m.end(), name) for name, pat in _PHRASES
                         for m in pat.finditer(sentence)] \
            if _PHRASE_HINT.search(sentence) else []

    def near(self, span: tuple[int, int] | None, window: int = TRIGGER_WINDOW) -> str | None:
        """:func:`event_type_of` ``(sentence, span)`` (the whole sentence when ``span`` is
        None), with event words up to ``window`` characters from the span."""
        if span is None:
            span = (0, len(self.sentence))
        lo, hi = span[0] - window, span[1] + window
        for k, (name, _) in enumerate(_TRIGGERS):
            starts, ends = self._matches(k)
            # the matches do not overlap, so starts and ends both ascend: the first match
            # ending at or after ``lo`` is the only one to test against ``hi``
            j = bisect.bisect_left(ends, lo)
            if j < len(ends) and starts[j] <= hi:
                return name
        for a, b, name in self._phrases:
            if b >= lo and a <= hi:
                return name
        return None

    def _matches(self, k: int) -> tuple[list[int], list[int]]:
        found = self._found[k]
        if found is None:
            spans = [m.span() for m in _TRIGGERS[k][1].finditer(self.sentence)]
            if self._phrases:
                spans = [(a, b) for a, b in spans
                         if not any(a < p1 and b > p0 for p0, p1, _ in self._phrases)]
            found = self._found[k] = ([a for a, _ in spans], [b for _, b in spans])
        return found


def event_date(sentence: str, published: date | None) -> tuple[date | None, str]:
    """When the event of ``sentence`` happened, from relative words and the article date.

    Returns
    -------
    (date or None, str)
        The date and its precision: ``day``, ``week`` or ``article`` (no relative word: the
        article's date is the best estimate). Never later than the article date.
    """
    if published is None:
        return None, "unknown"
    try:
        return _relative_date(sentence.lower(), published)
    except OverflowError:  # "yesterday" of 0001-01-01: the article's date is all we have
        return published, "article"


# Ukrainian and Russian: the days of the week as "у середу", "в среду", "во вторник" say them
_WEEKDAYS_CY = [("понеділок", "понедельник"), ("вівторок", "вторник"), ("середу", "среду"),
                ("четвер", "четверг"), ("п'ятницю", "пятницу"), ("суботу", "субботу"),
                ("неділю", "воскресенье")]
_CY_DATE = re.compile(
    r"(?P<yesterday>\b(?:вчора|учора|вчера|минулої ночі|прошлой ночью|минулого вечора|"
    r"вчерашн\w*|вчорашн\w*)\b)"
    r"|(?P<today>\b(?:сьогодні|сегодня|уночі|вночі|ночью|цієї ночі|этой ночью|зранку|утром|"
    r"цього ранку|этим утром)\b)"
    r"|(?P<week>\b(?:минулого тижня|на минулому тижні|на прошлой неделе)\b)"
    r"|(?P<month>\b(?:минулого місяця|в прошлом месяце)\b)"
    r"|\b(?:у|в|во)\s+(?:минул\w+\s+|цю\s+|прошл\w+\s+|эт\w+\s+)?(?P<weekday>"
    + "|".join(w for pair in _WEEKDAYS_CY for w in pair) + r")\b")


def _relative_date_cy(s: str, published: date) -> tuple[date, str] | None:
    """The date a Ukrainian or Russian sentence's relative words give, or None."""
    m = _CY_DATE.search(s.replace("’", "'"))
    if m is None:
        return None
    if m.group("yesterday"):
        return published - timedelta(days=1), "day"
    if m.group("today"):
        return published, "day"
    if m.group("week"):
        return published - timedelta(days=7), "week"
    if m.group("month"):
        return published - timedelta(days=30), "month"
    day = next(k for k, pair in enumerate(_WEEKDAYS_CY) if m.group("weekday") in pair)
    return published - timedelta(days=(published.weekday() - day) % 7), "day"


def _relative_date(s: str, published: date) -> tuple[date, str]:
    if has_cyrillic(s):
        found = _relative_date_cy(s, published)
        if found:
            return found
    if re.search(r"\b(today|this morning|this afternoon|tonight|overnight|on \w+ night)\b", s) \
            and "last night" not in s:
        return published, "day"
    if re.search(r"\b(yesterday|last night)\b", s):
        return published - timedelta(days=1), "day"
    if re.search(r"\blast week\b", s):
        return published - timedelta(days=7), "week"
    if re.search(r"\blast month\b", s):
        return published - timedelta(days=30), "month"
    m = re.search(r"\b(?:on|last|this)\s+(" + "|".join(_WEEKDAYS) + r")\b", s)
    if m:
        back = (published.weekday() - _WEEKDAYS.index(m.group(1))) % 7
        return published - timedelta(days=back), "day"
    return published, "article"


def sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text``, none longer than
    :data:`~map_app._text.MAX_SENTENCE` characters: a longer one (text without sentence
    punctuation) is cut into windows at blanks (:func:`map_app._text.windows`)."""
    out = []
    for m in _SENTENCE.finditer(text):
        s, e = m.span()
        if _NONBLANK.search(text, s, e) is None:
            continue
        if e - s <= MAX_SENTENCE:
            out.append((s, e))
        else:
            out.extend(windows(text, s, e))
    return out


_NONBLANK = re.compile(r"\S")


def classify(text: str, places: list[dict], published: date | None = None,
             spans: list[tuple[int, int]] | None = None) -> list[dict]:
    """Add the incident fields (``role``, ``event_id``, ``event_type``, ``event_category``,
    ``killed``, ``wounded``, ``event_date``, ``quote``, ``quotes`` …) to each place record
    (dicts from :func:`map_app.places.resolve_records`).

    One incident per event and place: the mentions of one resolved place that report one
    event (:func:`_same_event`) are one incident, carried by the first of them; the others
    stay mentions that point to it by ``event_id``. The incident counts its casualties once
    (the largest figure any of its sentences states, not a sum; a sentence that names no
    place but counts the dead continues the incident before it in its paragraph), keeps every
    supporting sentence in ``quotes`` and the claim any of its mentions states. ``published``
    is the article's date as :func:`map_app.pipeline.analyse` worked it out (None: unknown);
    ``spans`` the text's :func:`sentences` when the caller has them.
    """
    spans = sentences(text) if spans is None else spans
    lines = _Spans(datelines(text))
    events = _Events()
    # Ukrainian and Russian administrations' posts name the strikes, then the casualties and
    # damage place by place ("Ворог 87 разів обстріляв громади. У Куп'янську загинув
    # чоловік.", "… атаковал FPV-дронами громаду. В Краснополье поврежден автобус."): a
    # casualty sentence with no event word of its own, or one whose only word is a strike
    # by something unstated, takes the type of the sentence before it in its paragraph
    before = _Before() if has_cyrillic(text) else None
    for (s0, s1), idx in sorted(_by_sentence(text, spans, places).items()):
        sent = text[s0:s1]
        cas = find_casualties(sent)
        carried = triggers = None
        if before is not None:
            carried = before.carry(text, s0)
            # the sentence's event words, found once: for the post's running type and for
            # the sentence's own places
            if _ANY_EVENT.search(sent):
                triggers = _Triggers(sent)
                before.saw(triggers.near(None, window=len(sent)), s1)
        if not idx:
            events.more_casualties(text, (s0, s1), cas)
            continue
        when, precision = event_date(sent, published)
        when_iso = when.isoformat() if when else None  # one string per sentence, not per place
        # (with ``before``, an event word is there exactly when ``triggers`` is)
        scene = _scene(text, places, idx, s0, lines) if cas or triggers is not None \
            or before is None and _ANY_EVENT.search(sent) else set()
        if cas and not scene:  # its places are actors or countries in passing
            events.more_casualties(text, (s0, s1), cas)
        if scene and triggers is None:
            triggers = _Triggers(sent)
        moment = _moment(sent) if scene else None
        quote = _quote(sent)  # one string per sentence: a long text has 100,000s of places
        for i in idx:
            p = places[i]
            p["event_date"], p["event_date_precision"] = when_iso, precision
            p["quote"] = quote
            if i not in scene:
                continue
            etype = triggers.near((p["start"] - s0, p["end"] - s0)) if triggers else None
            if carried and (etype is None and cas or etype == "attack"
                            and carried in _REMOTE):
                etype = carried
            events.add(i, p.get("entry") or p["name"], etype, cas, (s0, s1), quote,
                       (when_iso, precision, moment))
    events.finish(places)
    return places


def _locates(text: str, p: dict, q: dict) -> bool:
    """Whether place ``q``, right after ``p``, only says where ``p`` is: a region or country
    after a place ("Andriivka in the Sumy region", "Lozova, Kharkiv region"), or after an
    area where the resolver read it so ("Pavlohrad district, Dnipropetrovsk region"; in the
    genitive, no comma: "в Кондрашовке Купянского района"), or a town named as near another
    ("Antonivka near Kherson", "Антонівка під Херсоном")."""
    gap = text[p["end"]:q["start"]]
    if p["kind"] in _TOWNS and q["kind"] in _TOWNS:
        return _NEAR_TOWN.fullmatch(gap) is not None
    if q["kind"] not in ("region", "country"):
        return False
    read_so = q.get("rule") in QUALIFYING_RULES
    if p["kind"] in ("region", "country") and not read_so:
        return False
    return _QUALIFIER_GAP.fullmatch(gap) is not None or read_so and gap.isspace()


_QUALIFIER_GAP = re.compile(r",\s*|\s+in\s+(the\s+)?(\S+\s+)?")
# Between two towns, what makes the second only a landmark for the first: "Antonivka near
# Kherson", "Stepne, outside Zaporizhzhia", "Антонівка під Херсоном", "Гусарівка біля Балаклії"
_TOWNS = ("city", "village")
_NEAR_TOWN = re.compile(r",?\s+(?:near|outside|close\s+to|not\s+far\s+from|під|біля|поблизу|"
                        r"неподалік\s+від|под|возле|около|недалеко\s+от)\s+"
                        r"(?:the\s+)?(?:(?:city|town|village)\s+of\s+)?", re.I)


# the types of a strike whose weapon is stated
_REMOTE = frozenset({"air_drone_strike", "shelling_missile_attack"})


class _Before:
    """The event type of the last sentence that had one, and where it ended (see
    :func:`classify`)."""

    __slots__ = ("type", "end")

    def __init__(self) -> None:
        self.type: str | None = None
        self.end = -1

    def saw(self, kind: str | None, end: int) -> None:
        """A sentence ending at ``end`` whose event words give the type ``kind``."""
        if kind:
            self.type, self.end = kind, end

    def carry(self, text: str, start: int) -> str | None:
        """The type a sentence starting at ``start`` carries over: the last one's, when no
        paragraph break lies between them."""
        if self.type is None or "\n" in text[self.end:start]:
            return None
        return self.type


def _by_sentence(text: str, spans: list[tuple[int, int]], places: list[dict]
                 ) -> dict[tuple[int, int], list[int]]:
    """The places of each sentence, by index; sentences that name none but may count
    casualties map to an empty list."""
    starts = [s for s, _ in spans]
    out: dict[tuple[int, int], list[int]] = {}
    for i, p in enumerate(places):
        k = max(0, bisect.bisect_right(starts, p["start"]) - 1)
        out.setdefault(spans[k] if spans else (0, len(text)), []).append(i)
    if places:
        for sp in spans:
            if sp not in out and _CASUALTY_WORD.search(text, *sp):
                out[sp] = []
    return out


# When in the day: "shelled in the morning … a drone strike at night" are two events
_MOMENT = re.compile(r"\b(morning|afternoon|evening|night|overnight|dawn|midday|noon)\b", re.I)
_QUOTE_CHARS = 400
# Types that say what happened only vaguely: they never split a place's events
_VAGUE = {"attack", "explosion", "property_destruction"}


def _moment(sentence: str) -> str | None:
    m = _MOMENT.search(sentence)
    if m is None:
        return None
    w = m.group(1).lower()
    return "night" if w == "overnight" else w


def _quote(sentence: str) -> str:
    """A sentence as a quote: trimmed, at most :data:`_QUOTE_CHARS` characters, cut at a
    blank."""
    q = " ".join(sentence.split())
    if len(q) <= _QUOTE_CHARS:
        return q
    cut = q.rfind(" ", 0, _QUOTE_CHARS - 1)
    return q[:cut if cut > 0 else _QUOTE_CHARS - 1] + "…"


def _same_event(ev: dict, etype: str | None, when: tuple) -> bool:
    """Whether a later sentence about a place reports the event ``ev`` there: it does unless
    it states another day, or another specific kind of event at another time of day."""
    date, precision, moment = when
    if precision == "day" and ev["precision"] == "day" and date != ev["date"]:
        return False
    if etype and etype not in _VAGUE and ev["own_type"] and ev["own_type"] not in _VAGUE \
            and etype != ev["own_type"]:
        return not (moment and ev["moment"] and moment != ev["moment"])
    return True


class _Events:
    """The incidents of one article as its sentences are read: per place (entry) its latest
    event, and every event's mentions, casualties and sentences."""

    __slots__ = ("events", "current", "last")

    def __init__(self) -> None:
        self.events: list[dict] = []
        self.current: dict[str, dict] = {}  # entry -> its latest event
        self.last: tuple[dict, int] | None = None  # the latest event and its sentence's end

    def add(self, i: int, key: str, etype: str | None, cas: dict[str, int],
            sentence: tuple[int, int], quote: str, when: tuple) -> None:
        """Place ``i`` (entry ``key``) is where a sentence's event happened, of type
        ``etype`` near it, with casualties ``cas``; ``quote`` is the sentence's."""
        ev = self.current.get(key)
        if ev is None or not _same_event(ev, etype, when):
            if not (etype or cas):
                return  # neither an event word near it nor a count: no incident of its own
            ev = {"id": len(self.events) + 1, "first": i, "members": [], "own_type": etype,
                  "type": etype or "attack", "date": when[0], "precision": when[1],
                  "moment": when[2], "casualties": {}, "quotes": []}
            self.events.append(ev)
            self.current[key] = ev
        ev["members"].append(i)
        if quote not in ev["quotes"][-1:]:
            ev["quotes"].append(quote)
        self._count(ev, cas)
        if self.last is None or self.last[1] != sentence[1]:
            self.last = (ev, sentence[1])  # a sentence's first incident place

    def more_casualties(self, text: str, sentence: tuple[int, int], cas: dict[str, int]
                        ) -> None:
        """A sentence naming no place where something happened counts casualties: they are
        the latest event's when no paragraph break lies between."""
        if cas and self.last is not None and "\n\n" not in text[self.last[1]:sentence[0]]:
            ev = self.last[0]
            self._count(ev, cas)
            ev["quotes"].append(_quote(text[sentence[0]:sentence[1]]))

    @staticmethod
    def _count(ev: dict, cas: dict[str, int]) -> None:
        t = ev["casualties"]
        for k, v in cas.items():
            t[k] = max(t.get(k, 0), v)

    def finish(self, places: list[dict]) -> None:
        """Write the incident fields: the first mention of each event is its incident."""
        for p in places:
            p["role"], p["event_id"], p["event_type"], p["quotes"] = "mention", None, None, None
            p["killed"] = p["wounded"] = p["event_category"] = None
        for ev in self.events:
            for i in ev["members"]:
                places[i]["event_id"] = ev["id"]
            p = places[ev["first"]]
            t = ev["casualties"]
            p.update(role="incident", event_type=ev["type"],
                     event_category=EVENT_CATEGORY.get(ev["type"]), quotes=ev["quotes"],
                     killed=t.get("killed"), wounded=t.get("wounded"))
            if p.get("claim") is None:
                # the event's claim, whichever of its mentions states it
                p["claim"] = next((places[i]["claim"] for i in ev["members"]
                                   if places[i].get("claim")), None)


# What puts an event near a place rather than at it: "near Lozova", "on the outskirts of
# Kupiansk", "10 km south of Izium", "between Bakhmut and Soledar" (before the name), "the
# Avdiivka direction", "the Robotyne area" (after it).
_NEAR_BEFORE = re.compile(
    r"\b(?:near|nearby|outside|around|close to|not far from|outskirts of|vicinity of|"
    r"environs of|surroundings of|approaches to|area of|areas of|direction of|towards?|"
    r"between|\d+(?:[.,]\d+)?\s*(?:km|kilometres|kilometers|miles)\s+(?:\w+[ -])?(?:of|from))"
    r"\s+(?:the\s+)?(?:(?:city|town|village|settlement|urban-type settlement|hamlet)\s+of\s+)?"
    r"(?:[\w’'-]+\s+(?:and|or)\s+)?$", re.I)
_NEAR_AFTER = re.compile(r"\s+(?:direction|axis|area|areas|outskirts|vicinity|surroundings|"
                         r"environs|front|sector|bridgehead|salient)\b", re.I)
_SETTLEMENT_KINDS = ("city", "village", "district", "landmark")


def add_precision(text: str, places: list[dict],
                  spans: list[tuple[int, int]] | None = None) -> list[dict]:
    """Add ACLED's ``geo_precision`` to each place record: 1, the named settlement or
    landmark; 2, near one (:data:`_NEAR_BEFORE`, :data:`_NEAR_AFTER`), a settlement named
    with the raion or hromada that holds it ("shelled the Lozova district … Lozova": the
    event is somewhere in the area, coded to its town), or a part of a region (a raion or
    hromada itself, a river, a sea, an island); 3, a first-level region or a country.
    ``spans``: the text's :func:`sentences`, when the caller has them (found here only when
    a raion or hromada is named)."""
    areas: dict[tuple[int, int], set[str]] = {}  # sentence -> codes of raions/hromadas named
    for p in places:
        if p["kind"] == "region" and p["feature_code"] in ("ADM2", "ADM3"):
            spans = sentences(text) if spans is None else spans
            sp = _sentence_at(spans, p["start"])
            areas.setdefault(sp, set()).update(c for c in (p.get("admin2_code"),
                                                            p.get("admin3_code")) if c)
    for p in places:
        p["geo_precision"] = _precision(text, p, areas, spans or [])
    return places


def _sentence_at(spans: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    k = bisect.bisect_right(spans, (pos, float("inf"))) - 1
    return spans[max(k, 0)] if spans else (0, 0)


def _precision(text: str, p: dict, areas: dict[tuple[int, int], set[str]],
               spans: list[tuple[int, int]]) -> int:
    kind = p["kind"]
    if kind == "point":
        # coordinates the text states; near a place, a position stated by distance and bearing
        return 2 if p.get("rule") == OFFSET_RULE else 1
    if kind == "country":
        return 3
    if kind == "region":
        return 3 if p["feature_code"] in ("ADM1", "ADM1H") else 2
    if kind not in _SETTLEMENT_KINDS:
        return 2
    if _NEAR_BEFORE.search(text, max(0, p["start"] - 60), p["start"]) is not None \
            or _NEAR_AFTER.match(text, p["end"]) is not None:
        return 2
    if areas:
        named = areas.get(_sentence_at(spans, p["start"]), ())
        if p.get("admin2_code") in named or p.get("admin3_code") in named:
            return 2
    return 1


# A dateline: where a report was filed, not where anything happened. At the start of a line,
# a place (and its qualifier), then a date, an agency in brackets, and a dash: "KYIV, July 14
# (Reuters) –", "Kharkiv, 5 June 2025 (AFP) -", "MANILA, Philippines (AP) —", "LONDON —".
_DATELINE = re.compile(
    r"(?m)^[ \t]*[A-Z][\w'’.-]*(?:[ \t]+[A-Z][\w'’.-]*){0,3}"
    r"(?:,[ \t]*[A-Z][\w.]*(?:[ \t]+[A-Z][\w.]*)?(?=[ \t]*[,(/—–-]))?"
    r"(?:,?[ \t]*(?:[A-Z][a-z]{2,8}\.?[ \t]+\d{1,2}|\d{1,2}[ \t]+[A-Z][a-z]{2,8})"
    r"(?:,?[ \t]+\d{4})?)?"
    # the agency in brackets or slashes ("(Reuters)", "/PRNewswire/"), then a dash; or, with
    # an agency, no dash at all ("Kyiv (AFP) Russian drones …")
    r"[ \t]*(?:(?:\([^()\n]{1,40}\)|/[^/\n]{1,40}/)[ \t]*(?:(?:—|–|--?)[ \t]|(?=[A-Z]))"
    r"|(?:—|–|--?)[ \t])"
    # or a place in capitals and a colon: "KYIV: Russian forces …"
    r"|(?m:^[ \t]*[A-Z][A-Z'’.-]+(?:[ \t]+[A-Z][A-Z'’.-]+){0,3}:[ \t])")


def datelines(text: str) -> list[tuple[int, int]]:
    """Spans of the datelines of ``text`` (see :data:`_DATELINE`)."""
    return [m.span() for m in _DATELINE.finditer(text)]


class _Spans:
    """Sorted, non-overlapping spans (a text's datelines) that say in log time whether a
    position lies in one: a long text has thousands, and each place asks."""

    __slots__ = ("ends", "starts")

    def __init__(self, spans):
        self.starts = [a for a, _ in spans]
        self.ends = [b for _, b in spans]

    def __contains__(self, pos: int) -> bool:
        # only the last span starting at or before ``pos`` can hold it
        k = bisect.bisect_right(self.starts, pos) - 1
        return k >= 0 and pos < self.ends[k]


_POINT_GAP = re.compile(r"\s*[(\[,:\-–—]?\s*(?:(?:at|around|near|approx\.?|approximately|"
                        r"coordinates|coords|location)\s*:?\s*)?", re.I)


def _scene(text: str, places: list[dict], idx: list[int], s0: int,
           lines: Sequence[tuple[int, int]] | _Spans = ()) -> set[int]:
    """Which places of an event sentence are where the event happened (none in a
    dateline: ``lines``, spans or :class:`_Spans` of them)."""
    if not isinstance(lines, _Spans):
        lines = _Spans(lines)
    loc: list[int] = []
    roads: list[int] = []
    for i in idx:
        p = places[i]
        if p["start"] in lines:
            continue  # "KYIV, July 14 (Reuters) –": where the report was filed
        before = text[max(s0, p["start"] - 60):p["start"]]
        after = text[p["end"]:p["end"] + 60]
        if _ACTOR_AFTER.match(after) and not _LOCATIVE_BEFORE.search(before):
            continue  # "Moscow’s army said", "Russian troops"
        if p["kind"] in ("country", "other") and not _LOCATIVE_BEFORE.search(before):
            continue  # "Russia", "Russian", "Europe": named in passing or as an actor
        if _ACTOR_BEFORE.search(before) and not _LEFT_FROM.search(before):
            continue  # "accused Russia", "from Russia"
        if _SPOKEN_BEFORE.search(before) \
                or (_SPOKEN_AFTER.match(after) and _AT_BEFORE.search(before)):
            continue  # "Zelensky said in Hiroshima", "У Кремлі заявили": where words were said
        if _MOVED_TO.search(before):
            continue  # "evacuated to Dnipro", "прибули до Павлограда": where people went
        if _ROAD_BEFORE.search(before) or _ROAD_AFTER.match(after):
            # "the Bakhmut–Kostiantynivka road", "трасса на Доброполье": a road's end, the
            # event's place only when it names none else ("hit on the road to Kupiansk")
            roads.append(i)
            continue
        loc.append(i)
    qualifiers = {b for a, b in zip(idx, idx[1:]) if _locates(text, places[a], places[b])}
    # a name with the point that places it ("Poima (46.6439, 32.8158)"): the point is where
    located = {a for a, b in zip(idx, idx[1:]) if places[b]["kind"] == "point"
               and places[a]["kind"] != "point"
               and _POINT_GAP.fullmatch(text, places[a]["end"], places[b]["start"])}
    # a place a stated offset is measured from ("17km NE of Chernihiv"): the point is where
    located.update(b for a, b in zip(idx, idx[1:]) if places[a].get("rule") == OFFSET_RULE)
    loc = [i for i in loc if i not in qualifiers and i not in located] or roads
    if not loc:
        return set()
    # the most specific places carry the incident; countries only when nothing else does
    rank = {"point": 0, "landmark": 0, "village": 0, "city": 0, "region": 1, "other": 2,
            "country": 3}
    best = min(rank.get(places[i]["kind"], 2) for i in loc)
    return {i for i in loc if rank.get(places[i]["kind"], 2) == best}
