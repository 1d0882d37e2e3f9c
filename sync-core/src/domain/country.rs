//! ISO 3166-1 alpha-2 country codes and EU membership.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::DomainError;

/// An ISO 3166-1 alpha-2 country code, stored uppercase (`NL`, `BE`, `DE`).
///
/// ```
/// use sync_core::domain::CountryCode;
/// let be = CountryCode::parse(" be ").unwrap();
/// assert_eq!(be.as_str(), "BE");
/// assert!(be.is_eu());
/// assert!(!CountryCode::parse("CH").unwrap().is_eu());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode([u8; 2]);

/// The 27 member states of the European Union (since 1 February 2020), as ISO alpha-2 codes.
///
/// Greece is `GR` in ISO 3166 (the EU's VAT prefix `EL` is not a country code).
const EU_MEMBERS: [&str; 27] = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
];

impl CountryCode {
    /// The Netherlands.
    pub const NL: Self = Self(*b"NL");
    /// Belgium.
    pub const BE: Self = Self(*b"BE");
    /// Germany.
    pub const DE: Self = Self(*b"DE");

    /// Trim, uppercase and check that `text` is two ASCII letters. (Whether the code is assigned is not
    /// checked: a webshop may send any code its country list offers.)
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let trimmed = text.trim();
        match trimmed.as_bytes() {
            [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
                Ok(Self([a.to_ascii_uppercase(), b.to_ascii_uppercase()]))
            }
            _ => Err(DomainError::InvalidCountry(trimmed.to_owned())),
        }
    }

    /// The uppercase code.
    pub fn as_str(&self) -> &str {
        // The bytes are two ASCII letters by construction, so this never falls back.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }

    /// Whether the country is one of the 27 EU member states.
    pub fn is_eu(&self) -> bool {
        EU_MEMBERS.contains(&self.as_str())
    }
}

impl fmt::Debug for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CountryCode({})", self.as_str())
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for CountryCode {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<CountryCode> for String {
    fn from(value: CountryCode) -> Self {
        value.as_str().to_owned()
    }
}

impl std::str::FromStr for CountryCode {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eu_membership() {
        for eu in ["NL", "BE", "DE", "FR", "LU", "AT", "GR", "HR", "IE", "SE"] {
            assert!(CountryCode::parse(eu).unwrap().is_eu(), "{eu} is EU");
        }
        for non_eu in ["GB", "CH", "NO", "US", "IS", "LI", "EL", "TR"] {
            assert!(
                !CountryCode::parse(non_eu).unwrap().is_eu(),
                "{non_eu} is not EU"
            );
        }
        assert_eq!(EU_MEMBERS.len(), 27);
    }

    #[test]
    fn parsing_normalises_and_rejects() {
        assert_eq!(CountryCode::parse(" nl ").unwrap(), CountryCode::NL);
        for bad in ["", "N", "NLD", "1A", "É"] {
            assert!(CountryCode::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn serde_as_string() {
        let c: CountryCode = serde_json::from_str("\"de\"").unwrap();
        assert_eq!(c, CountryCode::DE);
        assert_eq!(serde_json::to_string(&CountryCode::BE).unwrap(), "\"BE\"");
        assert!(serde_json::from_str::<CountryCode>("\"Nederland\"").is_err());
    }
}
