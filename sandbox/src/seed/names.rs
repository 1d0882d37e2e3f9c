//! Word lists for the generated Dutch bicycle shop "Fietsenwinkel De Spaak".

/// An article group with its catalogue.
pub(crate) struct Group {
    pub(crate) code: &'static str,
    pub(crate) desc: &'static str,
    /// Reduced VAT rate (books, food).
    pub(crate) low_vat: bool,
    /// Price range incl. VAT in whole euros.
    pub(crate) price: (u32, u32),
    pub(crate) items: &'static [&'static str],
    /// The shop category this group sits under.
    pub(crate) parent_category: &'static str,
}

pub(crate) const GROUPS: &[Group] = &[
    Group {
        code: "ACC",
        desc: "Accessoires",
        low_vat: false,
        price: (4, 60),
        parent_category: "Fietsaccessoires",
        items: &[
            "Fietsbel chroom",
            "Fietsbel messing",
            "Bidonhouder aluminium",
            "Bidon 750 ml",
            "Spatbordset 28 inch",
            "Standaard verstelbaar",
            "Fietstas enkel",
            "Dubbele fietstas 46 l",
            "Stuurtas",
            "Telefoonhouder stuur",
            "Spiegel links",
            "Snelbinders set",
            "Fietsmand riet",
            "Kettingkast 28 inch",
            "Regencape",
        ],
    },
    Group {
        code: "BND",
        desc: "Banden",
        low_vat: false,
        price: (5, 45),
        parent_category: "Fietsonderdelen",
        items: &[
            "Buitenband 28x1.75 reflectie",
            "Buitenband 26x2.10",
            "Binnenband 28 inch AV",
            "Binnenband 26 inch FV",
            "Racefietsband 700x25C",
            "Lekvrije band 28x1.40",
            "Bandenlichters set",
            "Plakset",
        ],
    },
    Group {
        code: "VER",
        desc: "Verlichting",
        low_vat: false,
        price: (6, 70),
        parent_category: "Fietsonderdelen",
        items: &[
            "LED koplamp USB",
            "LED achterlicht",
            "Naafdynamo 6V",
            "Verlichtingsset batterij",
            "Spaakreflectoren set",
        ],
    },
    Group {
        code: "SLT",
        desc: "Sloten",
        low_vat: false,
        price: (12, 90),
        parent_category: "Fietsaccessoires",
        items: &[
            "Kettingslot 110 cm",
            "Ringslot ART-2",
            "Vouwslot",
            "Beugelslot",
            "Kabelslot 180 cm",
        ],
    },
    Group {
        code: "ONR",
        desc: "Onderdelen",
        low_vat: false,
        price: (3, 80),
        parent_category: "Fietsonderdelen",
        items: &[
            "Ketting 1/2x3/32",
            "Remblokken V-brake",
            "Remkabel RVS",
            "Versnellingskabel",
            "Trapas BSA 68 mm",
            "Pedalen aluminium",
            "Zadel comfort",
            "Zadelpen 27.2",
            "Handvatten ergonomisch",
            "Cassette 8-speed",
            "Derailleur achter",
        ],
    },
    Group {
        code: "GER",
        desc: "Gereedschap",
        low_vat: false,
        price: (4, 40),
        parent_category: "Fietsaccessoires",
        items: &[
            "Multitool 12-delig",
            "Kettingpons",
            "Inbusset",
            "Minipomp",
            "Kettingolie 100 ml",
            "Fietsreiniger 1 l",
        ],
    },
    Group {
        code: "BOE",
        desc: "Boeken en kaarten",
        low_vat: true,
        price: (8, 30),
        parent_category: "Boeken en voeding",
        items: &[
            "Fietsrouteboek Nederland",
            "Fietskaart Veluwe",
            "Knooppuntenkaart Zeeland",
            "Reparatiehandboek fiets",
        ],
    },
    Group {
        code: "VOE",
        desc: "Sportvoeding",
        low_vat: true,
        price: (1, 20),
        parent_category: "Boeken en voeding",
        items: &[
            "Energiereep banaan",
            "Energiegel cola",
            "Sportdrank poeder 500 g",
            "Eiwitreep chocolade",
        ],
    },
];

/// A family of articles that differ in size and colour (one shop product with variants).
pub(crate) struct Family {
    pub(crate) group: &'static str,
    pub(crate) group_desc: &'static str,
    pub(crate) name: &'static str,
    pub(crate) sizes: &'static [&'static str],
    pub(crate) colors: &'static [(&'static str, &'static str)],
    pub(crate) price: (u32, u32),
}

pub(crate) const FAMILIES: &[Family] = &[
    Family {
        group: "KLD",
        group_desc: "Kleding",
        name: "Fietsshirt Classic",
        sizes: &["S", "M", "L", "XL"],
        colors: &[("RD", "Rood"), ("BL", "Blauw")],
        price: (30, 60),
    },
    Family {
        group: "KLD",
        group_desc: "Kleding",
        name: "Regenjas Pro",
        sizes: &["S", "M", "L", "XL"],
        colors: &[("GL", "Geel"), ("ZW", "Zwart")],
        price: (60, 120),
    },
    Family {
        group: "HLM",
        group_desc: "Helmen",
        name: "Fietshelm Urban",
        sizes: &["S", "M", "L"],
        colors: &[("MZ", "Mat zwart"), ("WT", "Wit")],
        price: (40, 90),
    },
    Family {
        group: "KLD",
        group_desc: "Kleding",
        name: "Fietshandschoenen",
        sizes: &["S", "M", "L"],
        colors: &[("ZW", "Zwart")],
        price: (15, 35),
    },
    Family {
        group: "HLM",
        group_desc: "Helmen",
        name: "Kinderhelm",
        sizes: &["XS", "S"],
        colors: &[("BL", "Blauw"), ("RZ", "Roze")],
        price: (25, 45),
    },
    Family {
        group: "KLD",
        group_desc: "Kleding",
        name: "Fietsbroek kort",
        sizes: &["S", "M", "L", "XL"],
        colors: &[("ZW", "Zwart")],
        price: (35, 70),
    },
];

pub(crate) const BRANDS: &[&str] = &["De Spaak", "Velox", "Rijwiel Pro", "Noordkaap"];
pub(crate) const ORIGINS: &[&str] = &["NL", "DE", "TW", "CN", "IT", "BE"];
pub(crate) const ENDINGS: &[(u32, u32)] = &[(0, 95), (0, 99), (0, 49), (0, 50), (1, 0)];

pub(crate) const FIRST_NAMES: &[(&str, &str)] = &[
    ("Jan", "male"),
    ("Pieter", "male"),
    ("Sanne", "female"),
    ("Emma", "female"),
    ("Daan", "male"),
    ("Lotte", "female"),
    ("Bram", "male"),
    ("Fleur", "female"),
    ("Thijs", "male"),
    ("Anouk", "female"),
    ("Ruben", "male"),
    ("Noor", "female"),
    ("Kees", "male"),
    ("Marieke", "female"),
    ("Wouter", "male"),
    ("Ilse", "female"),
    ("Joris", "male"),
    ("Femke", "female"),
    ("Sven", "male"),
    ("Eva", "female"),
];
pub(crate) const LAST_NAMES: &[(&str, &str)] = &[
    ("", "Jansen"),
    ("de", "Vries"),
    ("van den", "Berg"),
    ("", "Bakker"),
    ("", "Visser"),
    ("", "Smit"),
    ("", "Meijer"),
    ("de", "Boer"),
    ("", "Mulder"),
    ("de", "Groot"),
    ("", "Bos"),
    ("", "Vos"),
    ("", "Peters"),
    ("", "Hendriks"),
    ("van", "Leeuwen"),
    ("", "Dekker"),
    ("", "Brouwer"),
    ("de", "Wit"),
    ("", "Dijkstra"),
    ("van der", "Linden"),
];
pub(crate) const FOREIGN_FIRST: &[(&str, &str)] = &[
    ("Lukas", "male"),
    ("Anna", "female"),
    ("Louis", "male"),
    ("Chloé", "female"),
    ("Thomas", "male"),
    ("Sophie", "female"),
    ("James", "male"),
    ("Olivia", "female"),
];
pub(crate) const FOREIGN_LAST: &[&str] = &[
    "Müller", "Schmidt", "Dubois", "Lefebvre", "Peeters", "Maes", "Smith", "Brown", "Keller",
    "Meier",
];
pub(crate) const COMPANY_WORDS: &[&str] = &[
    "Bakkerij Van Dam",
    "Fietskoerier Snel",
    "Groenrijders",
    "Hollandse Wielen",
    "Koeriersdienst Noord",
    "Stadsfiets",
    "Tweewieler Service",
    "Velo Centrum",
    "Rijwielhandel Oost",
    "Bike Partners",
];

/// Per country: streets, (zipcode pattern, city) pairs, phone prefix, company suffix.
pub(crate) struct Locale {
    pub(crate) country: &'static str,
    pub(crate) streets: &'static [&'static str],
    pub(crate) cities: &'static [(&'static str, &'static str)],
    pub(crate) phone: &'static str,
    pub(crate) suffix: &'static str,
    pub(crate) mail_domain: &'static str,
}

pub(crate) const LOCALES: &[Locale] = &[
    Locale {
        country: "NL",
        streets: &[
            "Kerkstraat",
            "Dorpsweg",
            "Stationsplein",
            "Molenweg",
            "Vismarkt",
            "Slotlaan",
            "Hoofdstraat",
        ],
        cities: &[
            ("1012 AB", "Amsterdam"),
            ("3512 JK", "Utrecht"),
            ("9712 CA", "Groningen"),
            ("3701 GN", "Zeist"),
            ("5611 EM", "Eindhoven"),
            ("2511 BT", "Den Haag"),
        ],
        phone: "06",
        suffix: "B.V.",
        mail_domain: "example.nl",
    },
    Locale {
        country: "BE",
        streets: &["Kerkstraat", "Stationsstraat", "Meir", "Grote Markt"],
        cities: &[
            ("2000", "Antwerpen"),
            ("9000", "Gent"),
            ("3000", "Leuven"),
            ("8000", "Brugge"),
        ],
        phone: "+32 4",
        suffix: "BV",
        mail_domain: "example.be",
    },
    Locale {
        country: "DE",
        streets: &["Hauptstraße", "Bahnhofstraße", "Gartenweg"],
        cities: &[
            ("10115", "Berlin"),
            ("47533", "Kleve"),
            ("48143", "Münster"),
        ],
        phone: "+49 15",
        suffix: "GmbH",
        mail_domain: "example.de",
    },
    Locale {
        country: "FR",
        streets: &["Rue de la Paix", "Avenue Victor Hugo", "Rue du Moulin"],
        cities: &[("75001", "Paris"), ("59000", "Lille"), ("69001", "Lyon")],
        phone: "+33 6",
        suffix: "SARL",
        mail_domain: "example.fr",
    },
    Locale {
        country: "US",
        streets: &["Main Street", "Oak Avenue"],
        cities: &[("10001", "New York"), ("97201", "Portland")],
        phone: "+1 555",
        suffix: "Inc.",
        mail_domain: "example.com",
    },
    Locale {
        country: "CH",
        streets: &["Bahnhofstrasse", "Seestrasse"],
        cities: &[("8001", "Zürich"), ("3011", "Bern")],
        phone: "+41 79",
        suffix: "AG",
        mail_domain: "example.ch",
    },
    Locale {
        country: "GB",
        streets: &["High Street", "Station Road"],
        cities: &[("SW1A 1AA", "London"), ("CB2 1TN", "Cambridge")],
        phone: "+44 7",
        suffix: "Ltd",
        mail_domain: "example.co.uk",
    },
];

/// Country shares in per mille (NL, BE, DE, FR, US, CH, GB).
pub(crate) const COUNTRY_SHARES: &[(&str, u32)] = &[
    ("NL", 580),
    ("BE", 150),
    ("DE", 90),
    ("FR", 60),
    ("US", 40),
    ("CH", 40),
    ("GB", 40),
];
