"""Static tables the synthetic generator draws from.

Values follow the protocol facts in ``shared/research/broadworks-exports.md``:
real device types and User-Agents, real version suffixes, the time-zone
display names (which follow DST) and the free-text countries operators type.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Release:
    """The response versions one BroadWorks release answers with."""

    name: str
    user_versions: tuple[str, ...]
    group: str
    device: str
    service_provider: str
    hunt_group: str
    call_center: str
    auto_attendant: str
    utf8_share: float  # share of this release's service providers whose documents declare UTF-8


RELEASES: tuple[Release, ...] = (
    Release("R20", ("20",), "14sp7", "18sp1", "17sp1", "20", "19", "20", 0.0),
    Release("R21", ("21", "21sp1"), "14sp7", "18sp1", "17sp1", "20", "19", "20", 0.0),
    Release("R22", ("22", "22V2", "22V5"), "22", "22V2", "22V4", "20", "22", "20", 0.2),
    Release("R23", ("22V9", "23"), "22V5", "22V2", "22V4", "20", "22", "20", 0.4),
    Release("R24", ("23V2",), "22V5", "24V3", "22V4", "20", "22", "24", 0.5),
    Release("R25", ("23V2",), "22V5", "24V3", "22V4", "20", "22", "24", 0.6),
)

# Order of the UserGetResponse chain: the fields a version carries depend on it.
USER_RANK: dict[str, int] = {
    v: i for i, v in enumerate(("20", "21", "21sp1", "22", "22V2", "22V5", "22V9", "23", "23V2"))
}
# Responses that echo their keys can be saved without their request.
ECHOING_DEVICE_VERSIONS = frozenset({"22V2", "24V3"})
ECHOING_GROUP_VERSIONS = frozenset({"22V5"})
ECHOING_SP_VERSIONS = frozenset({"22V4"})


@dataclass(frozen=True)
class Country:
    code: str  # ISO alpha-2, for the generator only (BroadWorks has free text)
    calling_code: str
    national_prefix: str
    spellings: tuple[str, ...]  # what operators type in address/country
    zones: tuple[tuple[str, str, str], ...]  # (timeZone, summer display, winter display)
    languages: tuple[str, ...]
    cities: tuple[tuple[str, str, str], ...]  # (city, stateOrProvince, postal code)
    streets: tuple[str, ...]


COUNTRIES: tuple[Country, ...] = (
    Country(
        "US",
        "1",
        "",
        ("US", "USA", "United States"),
        (
            ("America/New_York", "(GMT-04:00) (US) Eastern Time", "(GMT-05:00) (US) Eastern Time"),
            ("US/Eastern", "(GMT-04:00) (US) Eastern Time", "(GMT-05:00) (US) Eastern Time"),
            ("America/Chicago", "(GMT-05:00) (US) Central Time", "(GMT-06:00) (US) Central Time"),
            ("America/Denver", "(GMT-06:00) (US) Mountain Time", "(GMT-07:00) (US) Mountain Time"),
            (
                "America/Los_Angeles",
                "(GMT-07:00) (US) Pacific Time",
                "(GMT-08:00) (US) Pacific Time",
            ),
            ("US/Pacific", "(GMT-07:00) (US) Pacific Time", "(GMT-08:00) (US) Pacific Time"),
        ),
        ("English", "English", "English", "English", "Spanish"),
        (
            ("New York", "New York", "10036"),
            ("Chicago", "Illinois", "60601"),
            ("Denver", "Colorado", "80202"),
            ("San José", "California", "95113"),
            ("Boston", "Massachusetts", "02109"),
            ("Cincinnati", "Ohio", "45202"),
        ),
        ("Main Street", "Avenue of the Americas", "Market Street", "Elm Street", "Broadway"),
    ),
    Country(
        "CA",
        "1",
        "",
        ("Canada", "CA"),
        (
            (
                "America/Toronto",
                "(GMT-04:00) (Canada) Eastern Time",
                "(GMT-05:00) (Canada) Eastern Time",
            ),
            (
                "Canada/Eastern",
                "(GMT-04:00) (Canada) Eastern Time",
                "(GMT-05:00) (Canada) Eastern Time",
            ),
            (
                "America/Vancouver",
                "(GMT-07:00) (Canada) Pacific Time",
                "(GMT-08:00) (Canada) Pacific Time",
            ),
        ),
        ("French", "French", "English"),
        (
            ("Montréal", "Québec", "H3B 4W5"),
            ("Québec", "Québec", "G1R 4P5"),
            ("Toronto", "Ontario", "M5H 2N2"),
            ("Vancouver", "British Columbia", "V6B 1A1"),
        ),
        ("rue Sainte-Catherine", "boulevard René-Lévesque", "Bay Street", "rue Saint-Denis"),
    ),
    Country(
        "GB",
        "44",
        "0",
        ("United Kingdom", "UK", "GB"),
        (("Europe/London", "(GMT+01:00) British Summer Time", "(GMT) Greenwich Mean Time"),),
        ("English",),
        (("London", "Greater London", "EC2V 7HH"), ("Manchester", "Greater Manchester", "M1 1AE")),
        ("King Street", "High Street", "Deansgate"),
    ),
    Country(
        "DE",
        "49",
        "0",
        ("Germany", "Deutschland", "DE"),
        (
            (
                "Europe/Berlin",
                "(GMT+02:00) Central European Summer Time",
                "(GMT+01:00) Central European Time",
            ),
        ),
        ("German",),
        (
            ("München", "Bayern", "80807"),
            ("Köln", "Nordrhein-Westfalen", "50667"),
            ("Düsseldorf", "Nordrhein-Westfalen", "40213"),
        ),
        ("Leopoldstraße", "Königsallee", "Hohe Straße"),
    ),
    Country(
        "FR",
        "33",
        "0",
        ("France", "FR"),
        (
            (
                "Europe/Paris",
                "(GMT+02:00) Central European Summer Time",
                "(GMT+01:00) Central European Time",
            ),
        ),
        ("French",),
        (("Paris", "Île-de-France", "75008"), ("Lyon", "Auvergne-Rhône-Alpes", "69002")),
        ("rue de Rivoli", "avenue des Champs-Élysées", "rue de la République"),
    ),
)
# Weights of COUNTRIES for a group's site.
COUNTRY_WEIGHTS: tuple[int, ...] = (60, 15, 10, 10, 5)

# National number blocks: each country's numbers come from its own counter, so
# E.164 numbers never collide (different calling codes, fixed lengths).
NATIONAL_BASE: dict[str, tuple[int, int]] = {
    # calling code -> (first national number, digits)
    "1": (2012000000, 10),
    "44": (2079000000, 10),
    "49": (3012000000, 10),
    "33": (140000000, 9),
}

TIME_ZONE_TABLE: tuple[tuple[str, str], ...] = (
    ("America/New_York", "(GMT-04:00) (US) Eastern Time"),
    ("America/Chicago", "(GMT-05:00) (US) Central Time"),
    ("America/Denver", "(GMT-06:00) (US) Mountain Time"),
    ("America/Los_Angeles", "(GMT-07:00) (US) Pacific Time"),
    ("America/Toronto", "(GMT-04:00) (Canada) Eastern Time"),
    ("America/Vancouver", "(GMT-07:00) (Canada) Pacific Time"),
    ("Europe/London", "(GMT+01:00) British Summer Time"),
    ("Europe/Berlin", "(GMT+02:00) Central European Summer Time"),
    ("Europe/Paris", "(GMT+02:00) Central European Summer Time"),
)
LANGUAGE_TABLE: tuple[tuple[str, str, str], ...] = (
    ("English", "en_US", "ISO-8859-1"),
    ("French", "fr_FR", "ISO-8859-1"),
    ("German", "de_DE", "ISO-8859-1"),
    ("Spanish", "es_ES", "ISO-8859-1"),
)

# Names by language; every character has a latin-1 form, so any document can carry them.
FIRST_NAMES: dict[str, tuple[str, ...]] = {
    "English": (
        "James",
        "Mary",
        "Robert",
        "Patricia",
        "John",
        "Jennifer",
        "Michael",
        "Linda",
        "David",
        "Elizabeth",
        "William",
        "Susan",
        "Richard",
        "Jessica",
        "Joseph",
        "Sarah",
        "Thomas",
        "Karen",
        "Chloë",
        "Renée",
        "Zoë",
        "Noël",
        "Seán",
        "Siobhán",
    ),
    "French": (
        "François",
        "Hélène",
        "Jérôme",
        "Zoë",
        "Émilie",
        "Loïc",
        "Gaëlle",
        "Benoît",
        "Céline",
        "Mathéo",
        "Anaïs",
        "Stéphane",
        "Amélie",
        "Raphaël",
        "Inès",
        "Léa",
    ),
    "German": (
        "Jürgen",
        "Jörg",
        "Björn",
        "Günther",
        "Uwe",
        "Anna",
        "Lukas",
        "Käthe",
        "Sören",
        "Mia",
        "Jonas",
        "Lea",
        "Felix",
        "Hannah",
        "Maximilian",
        "Sophie",
    ),
    "Spanish": (
        "José",
        "María",
        "Sofía",
        "Martín",
        "Lucía",
        "Andrés",
        "Begoña",
        "Íñigo",
        "Mónica",
        "Ramón",
        "Inés",
        "Joaquín",
    ),
}
LAST_NAMES: dict[str, tuple[str, ...]] = {
    "English": (
        "Smith",
        "Johnson",
        "Williams",
        "Brown",
        "Jones",
        "Garcia",
        "Miller",
        "Davis",
        "Wilson",
        "Anderson",
        "Taylor",
        "Thomas",
        "Moore",
        "Martin",
        "Jackson",
        "O'Brien",
        "Nguyen",
        "Okafor",
        "Park",
        "Lee",
    ),
    "French": (
        "Lefèvre",
        "Tremblay",
        "Côté",
        "Gagnon",
        "Bélanger",
        "Gauthier",
        "Dubé",
        "Lévesque",
        "Bouchard",
        "Pelletier",
        "Girard",
        "Mercier",
        "Lemaître",
        "Roussel",
    ),
    "German": (
        "Müller",
        "Schmidt",
        "Schneider",
        "Fischer",
        "Weiß",
        "Groß",
        "Schäfer",
        "Köhler",
        "Bäcker",
        "Hoffmann",
        "Krüger",
        "Vogel",
        "Jäger",
        "Böhm",
    ),
    "Spanish": (
        "Ramírez",
        "García",
        "Fernández",
        "López",
        "Martínez",
        "Sánchez",
        "Pérez",
        "Gómez",
        "Muñoz",
        "Jiménez",
        "Núñez",
        "Peña",
    ),
}
# Names only a UTF-8 document can carry (no latin-1 form).
UTF8_ONLY_NAMES: tuple[tuple[str, str], ...] = (
    ("Łukasz", "Dvořák"),
    ("Zdeněk", "Nováček"),
    ("Œdipe", "Dœuff"),
    ("Małgorzata", "Wójcik"),
)
TITLES: tuple[str, ...] = (
    "Sales Manager",
    "Accountant",
    "Engineer",
    "Receptionist",
    "Director",
    "Technician",
    "Consultant",
    "Analyst",
    "Nurse",
    "Dispatcher",
)
DEPARTMENTS: tuple[str, ...] = ("Sales", "Support", "Finance", "Operations", "Engineering", "HR")
COMPANY_WORDS: tuple[str, ...] = (
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark",
    "Wayne",
    "Hooli",
    "Vandelay",
    "Soylent",
    "Cyberdyne",
    "Tyrell",
    "Wonka",
    "Gringotts",
    "Monarch",
    "Oscorp",
    "Aperture",
)
COMPANY_KINDS: tuple[str, ...] = (
    "Dental",
    "Logistics",
    "Law Firm",
    "Bakery",
    "Clinic",
    "Motors",
    "Realty",
    "Pizza",
    "Consulting",
    "Hotel",
    "Plumbing",
    "School",
)


@dataclass(frozen=True)
class DeviceModel:
    """A device a user can have; ``ua_in`` says where its User-Agent shows up."""

    key: str
    device_type: str
    user_agent: str | None
    oui: str | None  # None: a soft client, no MAC
    ports: int | None  # None: unlimited
    ua_in: str  # "version" (GroupAccessDeviceGet), "registration" only, "both", or "none"
    weight: int


MPP = "Cisco-CP-78xx-88xx-68xx-3PCC"
DEVICE_MODELS: tuple[DeviceModel, ...] = (
    DeviceModel("8851", MPP, "Cisco-CP-8851-3PCC/11.3.7_MPP_0001", "6C710D", 10, "both", 22),
    DeviceModel("8865", MPP, "Cisco-CP-8865-3PCC/12.0.3", "70B317", 10, "registration", 8),
    DeviceModel("7841", MPP, "Cisco-CP-7841-3PCC/11.3.7_MPP_0001", "F4CFE2", 4, "version", 12),
    DeviceModel("8841", MPP, "Cisco-CP-8841-3PCC/11.0 (00562b043615)", "00562B", 10, "version", 4),
    DeviceModel(
        "vvx400", "Polycom VVX 400 DM", "PolycomVVX-VVX_400-UA/5.9.0", "0004F2", 12, "both", 9
    ),
    DeviceModel(
        "vvx500",
        "Polycom_VVX500",
        "PolycomVVX-VVX_500-UA/5.4.1.14510",
        "0004F2",
        12,
        "registration",
        3,
    ),
    DeviceModel("t46u", "Yealink-T46U", "Yealink SIP-T46U 108.86.0.45", "805EC0", 16, "both", 8),
    DeviceModel(
        "generic",
        "Generic SIP Phone",
        "Grandstream GXP2170 1.0.11.23",
        "000B82",
        None,
        "registration",
        4,
    ),
    DeviceModel("ata", "Cisco-ATA19x-3PCC", "Cisco-ATA192-3PCC/11.1.0", "7C2A31", 2, "both", 3),
    DeviceModel(
        "bc-pc",
        "Business Communicator - PC",
        "BroadWorks UC-One/22.9.12.1 (Windows 10)",
        None,
        None,
        "version",
        10,
    ),
    DeviceModel("bc-mobile", "Business Communicator - Mobile", None, None, None, "none", 7),
)
# Common-area phones are desk phones.
PLACE_MODELS: tuple[str, ...] = ("7841", "generic", "vvx400")

# Services: the packs an SP defines and the extras users may have on top.
BASIC_SERVICES: tuple[str, ...] = (
    "Authentication",
    "Call Forwarding Always",
    "Call Forwarding Busy",
    "Call Forwarding No Answer",
    "Call Waiting",
    "Do Not Disturb",
    "Three-Way Call",
    "Voice Messaging User",
)
UC_SERVICES: tuple[str, ...] = (
    "Client License 17",
    "Integrated IMP",
    "Shared Call Appearance",
    "Busy Lamp Field",
)
AGENT_SERVICES: tuple[str, ...] = ("Call Center - Premium", "Call Center Monitoring")
PLACE_SERVICES: tuple[str, ...] = ("Authentication", "Call Waiting", "Three-Way Call")
EXTRA_SERVICES: tuple[str, ...] = (
    "BroadWorks Receptionist - Office",
    "Call Recording",
    "Sequential Ring",
    "Executive",
    "Executive-Assistant",
    "Simultaneous Ring Personal",
    "BroadWorks Anywhere",
)
PACK_NAMES: tuple[tuple[str, str], ...] = (
    ("Standard", "Standard seat"),
    ("UC-Bundle", "UC-One clients and shared lines"),
    ("Agent", "Contact centre agent"),
    ("Premium", "Everything"),
)

# Unknown columns a later release could add (clients must look columns up by heading).
EXTRA_USER_COLUMN = "Name Dialing Name"
EXTRA_DEVICE_COLUMN = "Tags"
