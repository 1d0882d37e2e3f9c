//! The external reference stamped on bookings (lookup-before-create).

use serde::{Deserialize, Serialize};

use super::Problems;
use crate::datamapper::Template;
use crate::domain::{ExternalReference, Order};

/// The text stamped on a booking so it can be found again (lookup-before-create).
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

impl ExternalReferenceConfig {
    /// Render the reference for an order. A malformed format renders as the order number (and is
    /// reported by `validate()`).
    pub fn render(&self, order: &Order) -> ExternalReference {
        let Ok(template) = Template::parse(&self.format) else {
            return ExternalReference::new(order.number.clone());
        };
        ExternalReference::new(template.render(&|name| match name {
            "shop_id" => Some(order.shop_id.clone().unwrap_or_default()),
            "number" => Some(order.number.clone()),
            "id" => Some(order.source_id.clone()),
            _ => None,
        }))
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
            }
        }
    }
}
