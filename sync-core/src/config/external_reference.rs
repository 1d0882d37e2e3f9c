//! The external reference stamped on bookings (lookup-before-create).

use serde::{Deserialize, Serialize};

use super::Problems;
use crate::datamapper::Template;
use crate::domain::{ExternalReference, Order, SalesDocumentKind};

/// The text stamped on a booking so it can be found again, and where the ledger keeps it.
///
/// The field names are defaults for AccountView (`COMMENT1` on sales orders, `INV_NR` on journal
/// postings) and must be checked on the first live tenant; Koppel never hard-codes them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExternalReferenceConfig {
    /// The ledger field on sales orders.
    pub sales_order_field: String,
    /// The ledger field on sales invoices / journal postings.
    pub sales_invoice_field: String,
    /// The format; placeholders `{shop_id}`, `{number}` and `{id}` (the order's shop id). Must contain
    /// `{number}` or `{id}` so it is unique per order.
    pub format: String,
}

impl Default for ExternalReferenceConfig {
    fn default() -> Self {
        Self {
            sales_order_field: "COMMENT1".into(),
            sales_invoice_field: "INV_NR".into(),
            format: "LS-{shop_id}-{number}".into(),
        }
    }
}

const REFERENCE_FIELDS: [&str; 3] = ["shop_id", "number", "id"];

impl ExternalReferenceConfig {
    /// The ledger field for a document kind.
    pub fn field_for(&self, kind: SalesDocumentKind) -> &str {
        match kind {
            SalesDocumentKind::SalesOrder => &self.sales_order_field,
            SalesDocumentKind::SalesInvoice | SalesDocumentKind::CreditNote => {
                &self.sales_invoice_field
            }
        }
    }

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
        p.require(
            "orders.external_reference.sales_order_field",
            &self.sales_order_field,
        );
        p.require(
            "orders.external_reference.sales_invoice_field",
            &self.sales_invoice_field,
        );
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
