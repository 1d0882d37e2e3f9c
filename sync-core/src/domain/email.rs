//! E-mail addresses, normalised in exactly one place.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::DomainError;

/// A normalised e-mail address: trimmed and lowercased.
///
/// Every comparison of e-mail addresses in Koppel (debtor lookup, customer matching, echo suppression)
/// goes through this type, so `" Jan@Example.NL "` and `"jan@example.nl"` are the same customer.
///
/// ```
/// use sync_core::domain::Email;
/// let email = Email::parse("  Jan.Jansen@Example.NL ").unwrap();
/// assert_eq!(email.as_str(), "jan.jansen@example.nl");
/// assert!(Email::parse("not an address").is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    /// Normalise and check `text`. Rejects text that is obviously not an address: no `@`, more than
    /// one `@`, an empty local part, a domain without a dot, or whitespace inside.
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let normalised = Self::normalize(text);
        let invalid = || DomainError::InvalidEmail(text.trim().to_owned());
        let (local, domain) = normalised.split_once('@').ok_or_else(invalid)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..");
        if local.is_empty()
            || !domain_ok
            || domain.contains('@')
            || normalised.chars().any(char::is_whitespace)
        {
            return Err(invalid());
        }
        Ok(Self(normalised))
    }

    /// Parse optional text the way APIs send it: blank or absent becomes `None`, anything else must parse.
    pub fn parse_optional(text: Option<&str>) -> Result<Option<Self>, DomainError> {
        match text.map(str::trim) {
            None | Some("") => Ok(None),
            Some(t) => Self::parse(t).map(Some),
        }
    }

    /// The normalisation rule (trim, lowercase) on its own, for keys built from raw text.
    pub fn normalize(text: &str) -> String {
        text.trim().to_lowercase()
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after the `@`.
    pub fn domain(&self) -> &str {
        self.0.split_once('@').map_or("", |(_, d)| d)
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Email({})", self.0)
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Email {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Email> for String {
    fn from(value: Email) -> Self {
        value.0
    }
}

impl std::str::FromStr for Email {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_and_whitespace() {
        let a = Email::parse("  Piet@Voorbeeld.NL\t").unwrap();
        let b = Email::parse("piet@voorbeeld.nl").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.as_str(), "piet@voorbeeld.nl");
        assert_eq!(a.domain(), "voorbeeld.nl");
        assert_eq!(Email::normalize(" A@B.C "), "a@b.c");
    }

    #[test]
    fn rejects_obvious_garbage() {
        for bad in [
            "",
            "   ",
            "no-at-sign",
            "@example.nl",
            "jan@",
            "jan@localhost",
            "jan@@example.nl",
            "jan@exa mple.nl",
            "a@b@c.nl",
            "jan@.nl",
            "jan@example.",
            "jan@example..nl",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn optional_parsing_treats_blank_as_absent() {
        assert_eq!(Email::parse_optional(None).unwrap(), None);
        assert_eq!(Email::parse_optional(Some("  ")).unwrap(), None);
        assert_eq!(
            Email::parse_optional(Some("X@Y.NL"))
                .unwrap()
                .unwrap()
                .as_str(),
            "x@y.nl"
        );
        assert!(Email::parse_optional(Some("nope")).is_err());
    }

    #[test]
    fn serde_normalises_and_validates() {
        let e: Email = serde_json::from_str("\" Jan@Shop.NL \"").unwrap();
        assert_eq!(serde_json::to_string(&e).unwrap(), "\"jan@shop.nl\"");
        assert!(serde_json::from_str::<Email>("\"garbage\"").is_err());
        let parsed: Email = "a@b.nl".parse().unwrap();
        assert_eq!(parsed.to_string(), "a@b.nl");
    }
}
