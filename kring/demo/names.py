"""Word lists for the demo municipality: names, places, streets and languages. All fictional combinations.

Swedish first and last names come from Faker's `sv_SE` lists (with their weights); the few lists for families
with another language are our own. Nothing here names a real person: a name is only ever drawn at random and
paired with a test-series identity number.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from itertools import accumulate

from faker.providers.person.sv_SE import Provider as SwedishNames

MUNICIPALITY_NAME = "Demokommun"
MUNICIPALITY_CODE = "9980"  # real municipality codes run from 0114 to 2584: 9xxx is never a real one
EMAIL_DOMAIN = "demokommun.example"
POLICE_EMAIL_DOMAIN = "polisen.example"
REGION_EMAIL_DOMAIN = "regiondemo.example"
HOME_EMAIL_DOMAINS = ("post.example", "hem.example", "familj.example")

# Post- och telestyrelsen reserves 070-174 06 05 to 070-174 06 99 for fiction: never a real subscriber.
FICTIONAL_MOBILE_NUMBERS = tuple(f"070-174 06 {n:02d}" for n in range(5, 100))

# Localities of the municipality; postal codes 990 xx-999 xx are not in use in Sweden.
LOCALITIES = (
    ("Demköping", 990),
    ("Demby", 991),
    ("Demvik", 992),
    ("Demsjö", 993),
    ("Demhult", 994),
    ("Demstorp", 995),
)
OUTSIDE_LOCALITY = ("Grannstad", 998)  # where a guardian outside the household may live

AREA_NAMES = ("Centrum", "Norr", "Söder", "Öster", "Väster", "Sjöstaden", "Skogsbrynet", "Dalen")

STREET_STEMS = (
    "Björk", "Lönn", "Hassel", "Rönn", "Sälg", "Ekorr", "Tall", "Gran", "Ljung", "Mås", "Lärk", "Trast", "Hägg",
    "Syren", "Nypon", "Blåbärs", "Lingon", "Vårdkase", "Smedje", "Skolhus", "Kvarn", "Mejeri", "Tegel", "Humle",
    "Klöver", "Vallmo", "Kastanj", "Al", "Asp", "Måns", "Stor", "Lill", "Kyrk", "Torg", "Hamn", "Åker",
)  # fmt: skip
STREET_SUFFIXES = ("vägen", "gatan", "stigen", "gränd", "backen", "allén", "slingan")

PLACE_STEMS = (
    "Björk", "Ek", "Lind", "Sjö", "Berg", "Äng", "Hag", "Lönn", "Al", "Rönn", "Hassel", "Tall", "Gran", "Ljung",
    "Sol", "Vind", "Kvarn", "Bäck", "Strand", "Mo", "Ås", "Hed", "Kull", "Sten", "Vik", "Näs", "Holm", "Udd",
    "Lunda", "Tuna", "Fors", "Myr", "Kärr", "Lövs", "Hägg", "Sälg", "Ros", "Ljus", "Klock", "Sippe", "Vall",
    "Torp", "Gärde", "Tegel", "Smed",
)  # fmt: skip
SCHOOL_SUFFIXES = ("skolan", "dalsskolan", "backeskolan", "bergsskolan", "hagaskolan", "ängsskolan", "vallskolan")
PRESCHOOL_SUFFIXES = (
    "backens förskola", "hagens förskola", "gläntans förskola", "lundens förskola", "dalens förskola",
    "ängens förskola", "torpets förskola", "stigens förskola", "kullens förskola", "bäckens förskola",
    "gårdens förskola",
)  # fmt: skip
PRESCHOOL_GROUPS = (
    "Blåbäret", "Lingonet", "Myran", "Ekorren", "Igelkotten", "Nyckelpigan", "Humlan", "Räven", "Ugglan",
    "Fjärilen", "Snigeln", "Grodan", "Haren", "Tranan",
)  # fmt: skip
JOINT_TEAM_NAMES = ("Kompassen", "Fyren", "Ankaret", "Ledstjärnan", "Bryggan", "Hamnen", "Tornet", "Navet")


@dataclass(frozen=True)
class NameList:
    """Names with cumulative weights, so that `pick` is one bisect."""

    names: tuple[str, ...]
    cumulative: tuple[float, ...]

    @classmethod
    def weighted(cls, weights: dict[str, float]) -> NameList:
        return cls(tuple(weights), tuple(accumulate(weights.values())))

    @classmethod
    def plain(cls, names: tuple[str, ...]) -> NameList:
        return cls(names, tuple(float(n) for n in range(1, len(names) + 1)))

    def pick(self, rng: random.Random) -> str:
        return rng.choices(self.names, cum_weights=self.cumulative)[0]


@dataclass(frozen=True)
class LanguageNames:
    female: NameList
    male: NameList
    last: NameList


def _plain(female: str, male: str, last: str) -> LanguageNames:
    return LanguageNames(
        NameList.plain(tuple(female.split())), NameList.plain(tuple(male.split())), NameList.plain(tuple(last.split()))
    )


SWEDISH = LanguageNames(
    NameList.weighted(dict(SwedishNames.first_names_female)),
    NameList.weighted(dict(SwedishNames.first_names_male)),
    NameList.weighted(dict(SwedishNames.last_names)),
)

# Mother tongues other than Swedish, with the names such families often give. Latin spelling, as in the
# population register.
OTHER_LANGUAGES: dict[str, LanguageNames] = {
    "ar": _plain(
        "Amira Fatima Leila Mariam Nour Rana Salma Yasmin Zainab Hiba Lina Sara",
        "Ahmad Ali Hassan Karim Mohammed Omar Yusuf Khaled Mustafa Ibrahim Adam Sami",
        "Al-Hassan Haddad Khalil Mansour Nasser Saleh Haidari Aziz Rahman Younes",
    ),
    "so": _plain(
        "Hodan Ifrah Khadra Sagal Faduma Amina Hibo Ayan Nasra Ubah",
        "Abdirahman Abdullahi Farah Liban Mahad Yasin Hamza Abdi Guled Ilyas",
        "Warsame Mohamed Hussein Jama Osman Aden Ismail Nur Farah Egal",
    ),
    "fa": _plain(
        "Darya Mahsa Parisa Shirin Tara Yasaman Nazanin Laleh Roya Setareh",
        "Arash Babak Darius Kian Navid Reza Soroush Omid Payam Farid",
        "Ahmadi Hosseini Karimi Mohammadi Rezaei Sadeghi Tehrani Moradi Jafari Rostami",
    ),
    "fi": _plain(
        "Aino Eveliina Helmi Iida Kaisa Linnea Minja Saara Venla Elina",
        "Aleksi Eino Juho Lauri Matias Onni Tuomas Väinö Eetu Veeti",
        "Korhonen Mäkinen Nieminen Virtanen Heikkinen Laine Koskinen Järvinen Lehtonen Salo",
    ),
    "pl": _plain(
        "Agnieszka Zofia Maja Lena Julia Natalia Wiktoria Oliwia Alicja Hanna",
        "Jakub Kacper Szymon Filip Mateusz Bartosz Wojciech Antoni Jan Piotr",
        "Nowak Kowalski Wiśniewski Wójcik Kamiński Lewandowski Zieliński Szymański Dąbrowski Mazur",
    ),
    "ti": _plain(
        "Senait Helen Selam Eden Feven Lidia Saba Meron Ruth Winta",
        "Yonas Daniel Samuel Filmon Robel Mussie Biniam Henok Natnael Teklay",
        "Tesfay Gebremedhin Haile Berhane Kidane Tekle Woldu Asfaha Ghebre Habte",
    ),
    "bs": _plain(
        "Amra Lejla Emina Ajla Merima Selma Dženana Aida Naida Sara",
        "Adnan Emir Haris Mirza Tarik Kenan Amar Edin Armin Jasmin",
        "Hodžić Begić Delić Mehmedović Hadžić Kovačević Husić Salihović Mujić Omerović",
    ),
    "ku": _plain(
        "Rojda Berfin Zilan Dilan Hêvî Roj Nesrin Evîn Bêrîvan Jiyan",
        "Azad Baran Dilshad Rêzan Serhat Shivan Zana Kawa Rênas Hozan",
        "Barzani Doski Kurdi Rashid Zebari Amedi Hawrami Bakir Sorani Baban",
    ),
    "en": _plain(
        "Amelia Charlotte Emily Grace Isla Olivia Poppy Ruby Sophie Freya",
        "Alfie Archie George Harry Jack Noah Oliver Oscar Thomas William",
        "Brown Clarke Evans Hughes Johnson Roberts Smith Taylor Walker Wright",
    ),
    "uk": _plain(
        "Anastasiia Daryna Kateryna Mariia Oleksandra Sofiia Viktoriia Yuliia Polina Zlata",
        "Andrii Bohdan Danylo Dmytro Maksym Mykola Oleksii Taras Yaroslav Artem",
        "Bondarenko Kovalenko Melnyk Shevchenko Tkachenko Kravchenko Boiko Oliinyk Moroz Lysenko",
    ),
    "tr": _plain(
        "Elif Zeynep Defne Ecrin Ayşe Eylül Nehir Melek Asya Yağmur",
        "Yusuf Emir Mert Kerem Efe Burak Deniz Kaan Arda Cem",
        "Yılmaz Kaya Demir Şahin Çelik Yıldız Aydın Öztürk Arslan Doğan",
    ),
}

# Mother tongue of a family: roughly the mix of a mid-sized Swedish municipality.
LANGUAGE_WEIGHTS: dict[str, float] = {
    "sv": 74.0,
    "ar": 7.0,
    "so": 3.0,
    "fa": 2.5,
    "fi": 2.5,
    "pl": 2.0,
    "ti": 1.5,
    "bs": 1.5,
    "ku": 1.5,
    "en": 1.5,
    "uk": 1.5,
    "tr": 1.5,
}
LANGUAGES = NameList.weighted(LANGUAGE_WEIGHTS)

# Children at the demo teacher's school whose names are easy to search for ("Alv" finds Alva and Alvin).
EASY_FEMALE_NAMES = ("Alva", "Alma", "Alice", "Alva")
EASY_MALE_NAMES = ("Alvin", "Alfred", "Albin", "Alvin")


def names_for(language: str) -> LanguageNames:
    return OTHER_LANGUAGES.get(language, SWEDISH)


_ASCII = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u", "ß": "ss", "ø": "o", "æ": "ae"})


def email_local_part(*words: str) -> str:
    """`Åsa Öberg-Lind` → `asa.oberg-lind`: lower-case ASCII letters, digits, dots and hyphens only."""
    text = ".".join(word.casefold().translate(_ASCII) for word in words)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(char for char in text if char.isalnum() or char in ".-").strip(".-")
