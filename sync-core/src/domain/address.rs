//! Postal addresses.

use serde::{Deserialize, Serialize};

use super::CountryCode;

/// A postal address. Every part is optional because real payloads leave parts out; `street`,
/// `number` and `extension` are kept apart (Dutch addresses: "Kerkstraat 12 A").
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct Address {
    /// The addressee (person name).
    pub name: Option<String>,
    /// The company at the address.
    pub company: Option<String>,
    /// The street name.
    pub street: Option<String>,
    /// The house number.
    pub number: Option<String>,
    /// The house-number extension ("A", "bis", "-3").
    pub extension: Option<String>,
    /// A second address line.
    pub street2: Option<String>,
    /// The postcode as given (not reformatted: postcode formats differ per country).
    pub postcode: Option<String>,
    /// The city.
    pub city: Option<String>,
    /// The region or province.
    pub region: Option<String>,
    /// The country.
    pub country: Option<CountryCode>,
}

fn non_blank(value: Option<&String>) -> Option<&str> {
    value.map(|v| v.trim()).filter(|v| !v.is_empty())
}

impl Address {
    /// Street, number and extension on one line, separated by single spaces: `"Kerkstraat 12 A"`.
    pub fn one_line(&self) -> String {
        [&self.street, &self.number, &self.extension]
            .into_iter()
            .filter_map(|part| non_blank(part.as_ref()))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// A comparison key that ignores case and whitespace: street + number + extension, postcode, city
    /// and country. Two addresses with the same key are the same place, so "matched or created" does
    /// not create a new delivery address for `"1234ab"` vs `"1234 AB"`.
    pub fn match_key(&self) -> String {
        let squash = |value: Option<&str>| -> String {
            value
                .unwrap_or_default()
                .chars()
                .filter(|c| !c.is_whitespace())
                .flat_map(char::to_lowercase)
                .collect()
        };
        let country = self.country.map(|c| c.as_str().to_owned());
        [
            squash(Some(&self.one_line())),
            squash(self.postcode.as_deref()),
            squash(self.city.as_deref()),
            squash(country.as_deref()),
        ]
        .join("|")
    }

    /// Whether both addresses have the same [`match_key`](Self::match_key).
    pub fn same_place(&self, other: &Self) -> bool {
        self.match_key() == other.match_key()
    }

    /// Whether no part that locates the address (street line, postcode, city) is filled in.
    pub fn is_empty(&self) -> bool {
        self.one_line().is_empty()
            && non_blank(self.street2.as_ref()).is_none()
            && non_blank(self.postcode.as_ref()).is_none()
            && non_blank(self.city.as_ref()).is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kerkstraat() -> Address {
        Address {
            street: Some("Kerkstraat".into()),
            number: Some("12".into()),
            extension: Some("A".into()),
            postcode: Some("1234 AB".into()),
            city: Some("Amsterdam".into()),
            country: Some(CountryCode::NL),
            ..Address::default()
        }
    }

    #[test]
    fn one_line_joins_the_present_parts() {
        assert_eq!(kerkstraat().one_line(), "Kerkstraat 12 A");
        let no_ext = Address {
            extension: Some("  ".into()),
            ..kerkstraat()
        };
        assert_eq!(no_ext.one_line(), "Kerkstraat 12");
        assert_eq!(Address::default().one_line(), "");
    }

    #[test]
    fn match_key_ignores_case_and_spaces() {
        let other = Address {
            street: Some("KERKSTRAAT".into()),
            number: Some(" 12".into()),
            extension: Some("a".into()),
            postcode: Some("1234ab".into()),
            city: Some("amsterdam ".into()),
            name: Some("Someone else".into()),
            ..kerkstraat()
        };
        assert!(kerkstraat().same_place(&other));
        let elsewhere = Address {
            number: Some("14".into()),
            ..kerkstraat()
        };
        assert!(!kerkstraat().same_place(&elsewhere));
    }

    #[test]
    fn emptiness() {
        assert!(Address::default().is_empty());
        assert!(
            Address {
                country: Some(CountryCode::NL),
                ..Address::default()
            }
            .is_empty()
        );
        assert!(!kerkstraat().is_empty());
    }
}
