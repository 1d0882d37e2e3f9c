//! People and companies: customers on the shop side, debtors on the ledger side.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Address, Email};

/// Whether a party is a person or a company.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyKind {
    /// A private person.
    #[default]
    Person,
    /// A company (with a contact person).
    Company,
}

/// A person or a company with its contact data.
///
/// Flows decide between a company debtor and a person debtor with [`Party::is_company`], which looks at
/// the company name: shops mark the kind unreliably, the company name is what the customer typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Party {
    /// What the source said the party is.
    pub kind: PartyKind,
    /// First name.
    pub first_name: Option<String>,
    /// Middle name or Dutch infix ("van der").
    pub middle_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// The company name.
    pub company_name: Option<String>,
    /// The contact person at the company.
    pub contact_person: Option<String>,
    /// VAT identification number.
    pub vat_number: Option<String>,
    /// Chamber of Commerce number (KvK).
    pub coc_number: Option<String>,
    /// E-mail address, normalised.
    pub email: Option<Email>,
    /// Phone number.
    pub phone: Option<String>,
    /// Mobile number.
    pub mobile: Option<String>,
    /// The main (billing) address.
    pub address: Option<Address>,
    /// The id of this party in the system it came from.
    pub external_id: Option<String>,
}

fn filled(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

impl Party {
    /// Whether a company name is present (the rule for "company debtor with a contact person").
    pub fn is_company(&self) -> bool {
        filled(&self.company_name).is_some()
    }

    /// First, middle and last name joined by single spaces.
    pub fn full_name(&self) -> String {
        [&self.first_name, &self.middle_name, &self.last_name]
            .into_iter()
            .filter_map(filled)
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The company name for companies, the full name for persons (falling back to the e-mail address
    /// when no name is known).
    pub fn display_name(&self) -> String {
        if let Some(company) = filled(&self.company_name) {
            return company.to_owned();
        }
        let name = self.full_name();
        if name.is_empty() {
            self.email
                .as_ref()
                .map(|e| e.as_str().to_owned())
                .unwrap_or_default()
        } else {
            name
        }
    }

    /// The contact person for a company: the explicit contact person, else the person's full name.
    pub fn contact_name(&self) -> Option<String> {
        filled(&self.contact_person).map(str::to_owned).or_else(|| {
            let name = self.full_name();
            (!name.is_empty()).then_some(name)
        })
    }
}

/// A shop customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Customer {
    /// The customer's id in the shop.
    pub source_id: String,
    /// Names, contact data and address.
    pub party: Party,
    /// When the shop last changed the customer.
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    /// The original payload, for the activity log and dead letters.
    #[serde(default)]
    pub raw: serde_json::Value,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person() -> Party {
        Party {
            first_name: Some("Jan".into()),
            middle_name: Some("van der".into()),
            last_name: Some("Berg".into()),
            email: Some(Email::parse("jan@example.nl").unwrap()),
            ..Party::default()
        }
    }

    #[test]
    fn person_display_name_is_the_full_name() {
        let p = person();
        assert!(!p.is_company());
        assert_eq!(p.display_name(), "Jan van der Berg");
        assert_eq!(p.contact_name().as_deref(), Some("Jan van der Berg"));
    }

    #[test]
    fn company_is_decided_by_the_company_name() {
        let mut p = person();
        p.company_name = Some("  ".into());
        assert!(!p.is_company(), "a blank company name is no company");
        p.company_name = Some("Berg BV".into());
        assert!(p.is_company());
        assert_eq!(p.display_name(), "Berg BV");
        p.contact_person = Some("Marie Berg".into());
        assert_eq!(p.contact_name().as_deref(), Some("Marie Berg"));
    }

    #[test]
    fn nameless_party_falls_back_to_email() {
        let p = Party {
            email: Some(Email::parse("x@y.nl").unwrap()),
            ..Party::default()
        };
        assert_eq!(p.display_name(), "x@y.nl");
        assert_eq!(Party::default().display_name(), "");
        assert_eq!(Party::default().contact_name(), None);
    }
}
