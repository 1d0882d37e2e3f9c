//! The external reference stamped on bookings (lookup-before-create).

use serde::{Deserialize, Serialize};

use super::Problems;
use crate::datamapper::Template;
use crate::domain::{CreditNote, ExternalReference, Order, OrderSummary};

/// The text stamped on a booking so it can be found again (lookup-before-create).
///
/// Credit notes get references of their own that no order reference can equal, whatever the
/// format: the format rendered with the credit note's own number and id, then [`CREDIT_SUFFIX`].
/// Order references never end in it (the format may not end in it, and shop order numbers and ids do
/// not), and two credit notes differ in their number or id — so an order's booking can never be
/// mistaken for its credit note's, nor one credit note's for another's.
///
/// Only the *format* lives here: which ledger field holds the text is the ledger connector's business
/// (for AccountView see `accountview_client::sync::LedgerOptions`), because sync-core knows no vendor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExternalReferenceConfig {
    /// The format; placeholders `{shop_id}`, `{number}` and `{id}` (the order's shop id). Must contain
    /// `{number}` or `{id}` so it is unique per order. Keep it short: ledgers store it in fields of
    /// limited length (40 characters is a safe bound).
    pub format: String,
}

impl Default for ExternalReferenceConfig {
    fn default() -> Self {
        Self {
            format: "LS-{shop_id}-{number}".into(),
        }
    }
}

const REFERENCE_FIELDS: [&str; 3] = ["shop_id", "number", "id"];

/// What every credit-note reference ends with (and no order reference may).
pub const CREDIT_SUFFIX: &str = "-CR";

impl ExternalReferenceConfig {
    /// Render the reference for an order. A malformed format renders as the order number (and is
    /// reported by `validate()`).
    pub fn render(&self, order: &Order) -> ExternalReference {
        self.render_parts(order.shop_id.as_deref(), &order.number, &order.source_id)
    }

    /// Render the reference for a listed order (the same text as for the complete order).
    pub fn render_summary(&self, order: &OrderSummary) -> ExternalReference {
        self.render_parts(order.shop_id.as_deref(), &order.number, &order.source_id)
    }

    fn render_parts(&self, shop_id: Option<&str>, number: &str, id: &str) -> ExternalReference {
        let Ok(template) = Template::parse(&self.format) else {
            return ExternalReference::new(number.to_owned());
        };
        ExternalReference::new(template.render(&|name| match name {
            "shop_id" => Some(shop_id.unwrap_or_default().to_owned()),
            "number" => Some(number.to_owned()),
            "id" => Some(id.to_owned()),
            _ => None,
        }))
    }

    /// Render the reference for a credit note: the format over the note's own shop id, number and
    /// id, then [`CREDIT_SUFFIX`] (see the type's docs for why this never equals an order's).
    pub fn render_credit_note(
        &self,
        note: &CreditNote,
        shop_id: Option<&str>,
    ) -> ExternalReference {
        let base = match Template::parse(&self.format) {
            Ok(template) => template.render(&|name| match name {
                "shop_id" => Some(shop_id.unwrap_or_default().to_owned()),
                "number" => Some(note.number.clone()),
                "id" => Some(note.source_id.clone()),
                _ => None,
            }),
            Err(_) => note.number.clone(),
        };
        ExternalReference::new(format!("{base}{CREDIT_SUFFIX}"))
    }

    pub(super) fn validate(&self, p: &mut Problems) {
        let path = "orders.external_reference.format";
        match Template::parse(&self.format) {
            Err(e) => p.add(path, e.to_string()),
            Ok(t) => {
                let fields: Vec<&str> = t.fields().collect();
                for f in fields.iter().filter(|f| !REFERENCE_FIELDS.contains(f)) {
                    p.add(
                        path,
                        format!("unknown placeholder `{{{f}}}` (use shop_id, number or id)"),
                    );
                }
                if !fields.iter().any(|f| *f == "number" || *f == "id") {
                    p.add(
                        path,
                        "must contain {number} or {id}, or references are not unique",
                    );
                }
                if self.format.trim_end().ends_with(CREDIT_SUFFIX) {
                    p.add(
                        path,
                        format!(
                            "may not end in `{CREDIT_SUFFIX}`: credit-note references end in it"
                        ),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::OrderBuilder;

    fn note(id: &str, number: &str) -> CreditNote {
        serde_json::from_value(serde_json::json!({
            "source_id": id, "number": number, "date": "2024-05-01",
            "totals": {"excl": "0", "incl": "0"}
        }))
        .unwrap()
    }

    #[test]
    fn credit_note_references_never_equal_their_orders_whatever_the_format() {
        for format in [
            "{id}",
            "{number}",
            "LS-{shop_id}-{number}",
            "{shop_id}{id}",
            "X{number}Y",
        ] {
            let config = ExternalReferenceConfig {
                format: format.into(),
            };
            // The worst case: the credit note has the order's own id and number.
            let order = OrderBuilder::new("5").source_id("5").shop_id("1").build();
            let credit = config.render_credit_note(&note("5", "5"), Some("1"));
            assert_ne!(config.render(&order), credit, "{format}");
            assert!(credit.as_str().ends_with(CREDIT_SUFFIX));
            // Two credit notes of one order differ.
            let other = config.render_credit_note(&note("6", "6"), Some("1"));
            assert_ne!(credit, other, "{format}");
        }
    }

    #[test]
    fn a_format_ending_in_the_credit_suffix_is_refused() {
        let mut p = Problems::default();
        ExternalReferenceConfig {
            format: "{number}-CR".into(),
        }
        .validate(&mut p);
        assert!(format!("{p:?}").contains("may not end in"), "{p:?}");
    }
}
