"""Word lists the recogniser uses to tell place names from other capitalised words.

Hand-written by map_app (function words, titles, given names …) plus ``data/lexicon.txt``:
gazetteer names that are also lower-case English words ("march", "police", "orange"), built by
``map-app data build`` from Webster's Second International word list (public domain).
"""
from __future__ import annotations

from functools import lru_cache

from ._paths import data_dir

# Capitalised at the start of a sentence, never places on their own.
FUNCTION_WORDS = set("""a about above across after afterwards again against all almost alone along
already also although always am among an and another any anyone anything anywhere are around as at
back be became because been before behind being below beside besides between beyond both but by can
cannot could did do does doing done down during each either else elsewhere enough even ever every
everyone everything except few for from further had has have having he hence her here hers herself
him himself his how however i if in indeed instead into is it its itself just last later least less
many may me meanwhile might mine more moreover most mostly much must my myself neither never
nevertheless next no nobody none nor not nothing now of off often on once one only onto or other
others otherwise our ours ourselves out over own per perhaps please rather same several she should
since so some someone something sometimes still such than that the their theirs them themselves
then there thereafter therefore these they this those though through throughout thus to together
too toward towards under unless until up upon us very via was we well were what whatever when
whenever where whereas whether which while who whoever whole whom whose why will with within
without would yet you your yours yourself yourselves yes ok okay oh mr mrs ms dr st today yesterday
tomorrow tonight""".split())

MONTHS = set("""january february march april may june july august september october november
december jan feb mar apr jun jul aug sep sept oct nov dec""".split())
WEEKDAYS = set("""monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu
thur thurs fri sat sun""".split())
NUMBER_WORDS = set("""one two three four five six seven eight nine ten eleven twelve twenty thirty
forty fifty hundred thousand million billion first second third fourth fifth""".split())

# News agencies, photo credits and holidays: capitalised, never places here.
NOT_PLACES = set("""xinhua reuters afp ap interfax tass ria ukrinform yonhap kyodo bernama anadolu
getty images shutterstock epa bloomberg christmas easter thanksgiving ramadan hanukkah diwali
halloween eid niño""".split()) | {"el niño", "el nino", "la niña", "la nina"}
# Faiths and their followers: capitalised adjectives and nouns, never places ("Christian
# leaders"; the gazetteer's "Christian" is Christian County, named in full when meant).
NOT_PLACES |= set("""christian christians muslim muslims jewish jew jews catholic catholics
protestant protestants buddhist buddhists hindu hindus sikh sikhs orthodox evangelical
evangelicals islamic baptist baptists methodist methodists lutheran lutherans anglican anglicans
mormon mormons coptic copts shiite shiites sunni sunnis shia episcopal pentecostal presbyterian
quaker quakers""".split())
# British spellings missing from the (American) word list.
EXTRA_COMMON = set("""centre centres theatre metre harbour labour defence offence colour favour
honour neighbour council""".split())

# Words that precede a person's name ("President Volodymyr Zelenskyy", "Mr Kim").
TITLES = set("""mr mrs ms miss dr prof sir dame lord lady president vice premier chancellor
minister secretary senator sen rep representative congressman congresswoman governor gov mayor
judge justice general gen colonel col major maj captain capt lieutenant lt sergeant sgt admiral
commander officer detective inspector chief ceo chairman chairwoman chair director spokesman
spokeswoman spokesperson ambassador envoy king queen prince princess pope cardinal bishop
archbishop rabbi imam sheikh father brother sister coach manager striker midfielder defender
goalkeeper quarterback pitcher actor actress singer rapper author professor dean principal editor
reporter correspondent leader chancellor marshal emir sultan ayatollah patriarch deputy attorney
councillor councilman councilwoman assemblyman assemblywoman superintendent commissioner sheriff
constable pastor reverend rev saint""".split())

# Given names frequent in news (any language); a capitalised word after one is a surname.
GIVEN_NAMES = set("""aaron abdul abdullah abraham adam adrian ahmad ahmed aidan alan albert alberto
alejandro aleksandr aleksei alex alexander alexandra alexei alfred ali alice alicia alison allan
allison amanda amber amy ana andre andrea andreas andrei andrew andrey andrii andriy andy angela
angelina ann anna anne annie anthony antonio arnold arthur artem ashley barack barbara barry ben
benjamin bernard bernie beth betty bill billy bob bobby boris brad bradley brandon brenda brian
bruce bryan carl carla carlos carol caroline carolyn catherine charles charlie charlotte chris
christian christina christine christopher chuck cindy claire clara claude colin connor craig
cynthia dan daniel danielle danny darren dave david dean deborah debra dennis denis derek diana
diane dmitry dmitri dmitro dmytro donald donna doris dorothy doug douglas dylan earl ed eddie
edward elena eli elijah elizabeth ellen emily emma emmanuel eric erik erin ethan eugene evan evelyn
fatima felix fernando frances francis francisco frank fred frederick gabriel gary gavin george
gerald gloria gordon grace greg gregory hakan hannah harold harry hassan heather heidi helen henry
hillary holly howard hugh hussein ian igor ilya irina isaac ivan jack jackie jacob jake james jamie
jan jane janet janice jared jason javier jean jeff jeffrey jennifer jeremy jerome jerry jesse
jessica jesus jill jim jimmy jo joan joanna joe joel john johnny jon jonathan jordan jorge jose
joseph josh joshua joyce juan judith judy julia julian julie justin karen karl kate katherine
kathleen kathryn kathy katie keith kelly ken kenneth kevin kim kimberly kirill kyle larry laura
lauren lawrence leah lee leo leonard leslie liam linda lisa liz lori louis louise lucas luis luke
lynn maria marie marina mario mark martha martin mary matt matthew maxim megan melissa michael
michelle miguel mike mikhail mohamed mohammad mohammed muhammad nancy natalia natalie nathan neil
nicholas nick nicolas nicole nikita nikolai noah oleg oleksandr oleksii olena olga oliver olivia
omar oscar pablo pamela pat patricia patrick paul paula pavel pedro peter petro petr philip phillip
rachel ralph randy raymond rebecca recep richard rick rita rob robert roberto robin roger roman
ronald rose ross roy ruslan russell ruth ryan sally sam samantha samuel sandra sara sarah scott
sean serhiy sergei sergey sergiy sharon shawn shirley simon sophia sophie stacy stanley stefan
stephanie stephen steve steven stuart susan svetlana taras taylor ted teresa terry theresa thomas
tiffany tim timothy tina todd tom tommy tony tracy travis valentina valery vanessa victor victoria
viktor vincent virginia vitalii vitaly vladimir vladislav volodymyr walter wayne wendy william
willie xi yana yevgeny yulia yuri yuriy zachary abigail aisha alejandra alexis alma amir andres
angel antoine ariel arturo audrey avery bianca blake bonnie brett brittany bruno caleb cameron
camila carmen cesar chad chase chen chloe christophe clint cody cole conor courtney curtis dale
dana darius darryl dave deepak delia desmond diego dominic duncan dustin edgar eduardo elias elise
emilio enrique erica esther eva fabian faisal farah felipe florian francesca gareth gemma genevieve
gerard gilbert giovanni gonzalo graham guillaume gustavo hamid hans harvey hector helena hugo
ibrahim ines isabel isabella ismail jacqueline jaime jasmine javed jeremiah jin joao johan jonas
josé julio kamala karim katrina keira khalid kurt lars laurent leila leon lorenzo lucia luca luka
magdalena malik manuel marco marcus margaret mariana marta mateo matteo maurice max maya mehmet
melanie mia miles miranda mohammed moses nadia naomi natasha nelson nikolas nina olivier orlando
pascal patrice pierre priya rafael rahul raj ramon rana raul reza ricardo rodrigo rosa ruben
sabrina salma salvador sami sandro santiago sebastian sergio shane sofia soren stella sven tanya
teodor thiago tobias tristan ulrich valentin vera vivek wang wei yasmin yusuf zoe""".split())
GIVEN_NAMES.discard("jordan")  # also a country: "Jordan" alone is the country far more often
GIVEN_NAMES.discard("georgia")

# Who acts in a war report: after a demonym ("Russian drones", "Ukrainian forces") these name
# the actor, and the demonym says nothing about where the event happened.
ACTOR_NOUNS = set("""forces force troops army armies military soldiers servicemen units unit
brigade brigades battalion battalions regiment division drones drone uavs uav missiles missile
rockets rocket shelling shells shell artillery strikes strike airstrikes airstrike attacks attack
attackers aircraft jets jet warplanes planes helicopters tanks tank navy fleet warships ships
fighters militants occupiers invaders occupation side command commanders commander officials
authorities government ministry president leader leaders regime bombers bombing bombardment
offensive counteroffensive advance assault assaults positions position sabotage saboteurs
mercenaries shahed shaheds guns gunners defence defense defenders personnel soldier serviceman
fighter snipers sniper crews crew patrols patrol infantry marines paratroopers sappers spetsnaz
special-forces vehicles vehicle convoy convoys column columns equipment armour armor howitzers
howitzer mortars mortar munitions munition warship helicopter plane bomber depot depots ammo
ammunition losses pows prisoners flag flags media bloggers propaganda""".split())

# The names of weapon systems that the gazetteer also has as places abroad (Bayraktar is
# another name of Karayazı, Turkey; Buk and Krasnopol are Polish towns, Zala a Hungarian
# county): in a report of a war in a country the gazetteer holds completely they name the
# weapon ("a Bayraktar near Lozova", "a Buk launcher").
WEAPON_NAMES = set("""bayraktar buk krasnopol zala pantsir iskander tochka kinzhal kalibr
uragan smerch msta""".split())

# Who holds an area, said between a name and its area ("Kamianka in occupied Zaporizhzhia
# region", "Novomykhailivka, occupied Donetsk region"): the area still qualifies the name
HELD_WORDS = ("occupied", "held", "controlled", "liberated", "frontline", "front-line")

# Verbs of war reports whose object is a place ("shelled Novomykhailivka", "liberated
# Robotyne"): before a name they are evidence of a place, as "in" and "near" are.
WAR_VERBS = set("""shelled shelling struck hit hitting attacked attacking targeted targeting bombed
bombing captured capturing liberated liberating recaptured retook seized seizing stormed storming
entered reached approached encircled surrounded occupied besieged evacuated towards advanced
defended abandoned""".split())

# Of those, the verbs whose object is a place and hardly ever a thing or a person: after
# one a settlement's name is a place however common the word ("shelled Pisky").
TAKING_VERBS = set("""shelled shelling bombed bombing liberated liberating recaptured retook
stormed storming encircled besieged occupied""".split())

# Ukrainian and Russian: the verbs of war reports in the forms before their object
# ("обстріляли Суми", "атаковали Белгород", "звільнили Роботине"), and the prepositions of
# place ("у Сумах", "біля Покровська", "под Курском"). A Cyrillic word never stands before an
# English name, so English reads as before.
WAR_VERBS |= set("""обстріляв обстріляла обстріляли обстрілюють обстрілює атакував атакувала
атакували атакують атакує вдарив вдарила вдарили вдарять уразили уразив поцілили захопили
захопив захопила звільнили звільнив звільнила окупували оточили увійшли штурмують штурмували
бомбардували зайняли обстрелял обстреляла обстреляли обстреливают обстреливает атаковал
атаковала атаковали атакуют атакует ударили ударил ударила поразили поразил захватили захватил
захватила освободили освободил освободила оккупировали окружили вошли штурмуют штурмовали
бомбили заняли взяли""".split())
CYRILLIC_LOCATIVE = set("""у в на біля під поблизу неподалік поруч довкола навколо до від з
із зі через по над за околицях околиці районі напрямку напрямках бік бік около возле под
вблизи недалеко рядом вокруг к от из со окрестностях окраине районе направлении
околиця околицю окраїні окраїна окраина окраину окраины жителів жителі мешканців мешканці
жителей жители обстріл обстрілу обстрілі обстрел обстрела обстреле штурм штурму бої бої""".split())

# Nouns of a settlement before its name ("the village of Pisky", "the settlements of
# Berestove and Synkivka", "N.P. Roty", "the town Vuhledar"), in English and in the Ukrainian
# and Russian of translated reports ("n.p." is населений/населённый пункт, "smt" and "pgt" the
# urban-type settlement): a name that has a settlement reading is that settlement, however
# common the word ("the city of Liman").
SETTLEMENT_NOUNS = set("""village villages town towns city cities settlement settlements hamlet
hamlets township townships n.p n.p. smt pgt село села селі селище селища місто міста місті
містечко поселок посёлок поселка посёлка поселке посёлке деревня деревни деревне город
города городе""".split())

# Words before a name that make it a place ("in Sumy", "near Kharkiv").
LOCATIVE = set("""in at near from to into towards toward outside inside across around via through
throughout of within between along off onto over above beyond""".split()) | CYRILLIC_LOCATIVE

# Lower-case nouns that may end a Ukrainian or Russian name, in every case the news uses them
# ("у Харківській області", "в Сумском районе", "на Кримському мосту", "Чорного моря").
CYRILLIC_TRAILING = set("""область області областю области областью областей областях
областями областям район району районі райони районів районах районами районам районов
край краю краї краєм края крае краем округ округу округа окрузі округе округом
районом районові района районе громада громади громаді громаду громадою громады громаде
море моря морі морем морю міст мосту мості мостом мост моста мосте коса коси косі косу
косою косы косе косой протока протоки протоці протокою пролив пролива проливе проливом
острів острова острові островом остров острове водосховище водосховища водосховищі
водохранилище водохранилища водохранилище""".split())


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Gazetteer names that are also common lower-case English words (``data/lexicon.txt``)."""
    p = data_dir() / "lexicon.txt"
    words = set(p.read_text(encoding="utf-8").split()) if p.exists() else set()
    return frozenset(words | EXTRA_COMMON)
