//! Countries and languages the sandbox knows, with their VAT rates (as fractions).

use rust_decimal::Decimal;

/// A country as both systems need it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Country {
    /// ISO code, uppercase (`NL`), as AccountView stores it.
    pub(crate) code: &'static str,
    /// Lightspeed country id.
    pub(crate) id: u32,
    /// ISO alpha-3, lowercase (`nld`).
    pub(crate) code3: &'static str,
    /// Lightspeed's English title.
    pub(crate) title: &'static str,
    /// Dutch name (AccountView `COUNTRY`).
    pub(crate) dutch: &'static str,
    /// EU member state.
    pub(crate) eu: bool,
    /// Standard VAT rate (fraction).
    pub(crate) high: Decimal,
    /// Reduced VAT rate (fraction).
    pub(crate) low: Decimal,
}

const fn pct(units: i64, scale: u32) -> Decimal {
    Decimal::from_parts(units as u32, 0, 0, false, scale)
}

/// The countries used by the seed data (NL, BE, DE, FR and three outside the EU).
pub(crate) const COUNTRIES: &[Country] = &[
    Country {
        code: "NL",
        id: 150,
        code3: "nld",
        title: "Netherlands, The",
        dutch: "Nederland",
        eu: true,
        high: pct(21, 2),
        low: pct(9, 2),
    },
    Country {
        code: "BE",
        id: 21,
        code3: "bel",
        title: "Belgium",
        dutch: "België",
        eu: true,
        high: pct(21, 2),
        low: pct(6, 2),
    },
    Country {
        code: "DE",
        id: 81,
        code3: "deu",
        title: "Germany",
        dutch: "Duitsland",
        eu: true,
        high: pct(19, 2),
        low: pct(7, 2),
    },
    Country {
        code: "FR",
        id: 74,
        code3: "fra",
        title: "France",
        dutch: "Frankrijk",
        eu: true,
        high: pct(20, 2),
        low: pct(55, 3),
    },
    Country {
        code: "US",
        id: 226,
        code3: "usa",
        title: "United States",
        dutch: "Verenigde Staten",
        eu: false,
        high: pct(0, 0),
        low: pct(0, 0),
    },
    Country {
        code: "CH",
        id: 204,
        code3: "che",
        title: "Switzerland",
        dutch: "Zwitserland",
        eu: false,
        high: pct(0, 0),
        low: pct(0, 0),
    },
    Country {
        code: "GB",
        id: 225,
        code3: "gbr",
        title: "United Kingdom",
        dutch: "Verenigd Koninkrijk",
        eu: false,
        high: pct(0, 0),
        low: pct(0, 0),
    },
];

/// Looks a country up by ISO code (any case).
pub(crate) fn country(code: &str) -> Option<&'static Country> {
    COUNTRIES.iter().find(|c| c.code.eq_ignore_ascii_case(code))
}

/// The Lightspeed country object `{id, code, code3, title}`.
pub(crate) fn country_json(c: &Country) -> serde_json::Value {
    serde_json::json!({
        "id": c.id,
        "code": c.code.to_ascii_lowercase(),
        "code3": c.code3,
        "title": c.title,
    })
}

/// A shop language.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Language {
    pub(crate) id: u32,
    pub(crate) code: &'static str,
    pub(crate) locale: &'static str,
    pub(crate) title: &'static str,
}

/// The languages active in the simulated shop.
pub(crate) const LANGUAGES: &[Language] = &[
    Language {
        id: 1,
        code: "nl",
        locale: "nl_NL",
        title: "Nederlands",
    },
    Language {
        id: 2,
        code: "en",
        locale: "en_GB",
        title: "English",
    },
    Language {
        id: 3,
        code: "de",
        locale: "de_DE",
        title: "Deutsch",
    },
];

/// Looks an active language up by code.
pub(crate) fn language(code: &str) -> Option<&'static Language> {
    LANGUAGES.iter().find(|l| l.code.eq_ignore_ascii_case(code))
}

/// The Lightspeed language object `{id, code, locale, title}`.
pub(crate) fn language_json(l: &Language) -> serde_json::Value {
    serde_json::json!({ "id": l.id, "code": l.code, "locale": l.locale, "title": l.title })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn rates_are_fractions() {
        assert_eq!(country("fr").map(|c| c.low), Some(dec!(0.055)));
        assert_eq!(country("NL").map(|c| c.high), Some(dec!(0.21)));
        assert_eq!(country_json(country("nl").unwrap())["code"], "nl");
    }
}
