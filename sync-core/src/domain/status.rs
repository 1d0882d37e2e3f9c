//! Open status enums for orders, payments and shipments.
//!
//! Each enum has the neutral values flows filter on and keeps anything else as `Other(text)`. All three
//! serialise as normalised snake_case text and are parsed through [`normalize_status`], so a filter
//! written as `"Paid"` or `"not paid"` in configuration compares equal to the status a connector produced.
//! Connectors translate their vendor's wording into these neutral values.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Normalise status text: trim, lowercase, and turn spaces and hyphens into underscores
/// (`" Not-Paid "` → `"not_paid"`).
pub fn normalize_status(text: &str) -> String {
    text.trim()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .flat_map(char::to_lowercase)
        .collect()
}

macro_rules! open_status {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident => $text:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(from = "String", into = "String")]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// Any other value, kept as normalised text.
            Other(String),
        }

        impl $name {
            /// Parse text (normalised with [`normalize_status`]); unknown values become `Other`.
            pub fn parse(text: &str) -> Self {
                let normalized = normalize_status(text);
                match normalized.as_str() {
                    $( $text => Self::$variant, )+
                    _ => Self::Other(normalized),
                }
            }

            /// The normalised text of this status.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $text, )+
                    Self::Other(text) => text,
                }
            }

            /// Whether this status equals filter text after normalisation.
            pub fn matches(&self, filter: &str) -> bool {
                self.as_str() == normalize_status(filter)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self::parse(&value)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self::parse(value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.as_str().to_owned()
            }
        }
    };
}

open_status! {
    /// The life-cycle status of an order.
    OrderStatus {
        /// Just placed.
        #[default]
        New => "new",
        /// Put on hold by the merchant.
        OnHold => "on_hold",
        /// Waiting for the customer's payment.
        AwaitingPayment => "awaiting_payment",
        /// Paid or approved, waiting to be shipped.
        AwaitingShipment => "awaiting_shipment",
        /// Waiting to be picked up by the customer.
        AwaitingPickup => "awaiting_pickup",
        /// Ready for pickup.
        ReadyForPickup => "ready_for_pickup",
        /// Being processed (no finer status known).
        Processing => "processing",
        /// Done (shipped or picked up).
        Completed => "completed",
        /// Cancelled.
        Cancelled => "cancelled",
    }
}

open_status! {
    /// Whether an order has been paid.
    PaymentStatus {
        /// Not paid.
        #[default]
        NotPaid => "not_paid",
        /// Partly paid.
        PartiallyPaid => "partially_paid",
        /// Fully paid.
        Paid => "paid",
        /// Payment cancelled.
        Cancelled => "cancelled",
        /// Paid and refunded.
        Refunded => "refunded",
    }
}

open_status! {
    /// Whether an order has been shipped.
    ShipmentStatus {
        /// Not shipped.
        #[default]
        NotShipped => "not_shipped",
        /// Partly shipped.
        PartiallyShipped => "partially_shipped",
        /// Fully shipped.
        Shipped => "shipped",
        /// Shipment cancelled.
        Cancelled => "cancelled",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_parse_and_unknown_are_kept() {
        assert_eq!(PaymentStatus::parse(" Paid "), PaymentStatus::Paid);
        assert_eq!(PaymentStatus::parse("not-paid"), PaymentStatus::NotPaid);
        assert_eq!(
            OrderStatus::parse("Awaiting Shipment"),
            OrderStatus::AwaitingShipment
        );
        let odd = ShipmentStatus::parse("Lost In Transit");
        assert_eq!(odd, ShipmentStatus::Other("lost_in_transit".into()));
        assert_eq!(odd.as_str(), "lost_in_transit");
    }

    #[test]
    fn filters_compare_normalised_text() {
        assert!(PaymentStatus::Paid.matches("PAID"));
        assert!(!PaymentStatus::PartiallyPaid.matches("paid"));
        assert!(OrderStatus::Other("x_y".into()).matches("X Y"));
    }

    #[test]
    fn serde_round_trip_as_text() {
        let s: OrderStatus = serde_json::from_str("\"cancelled\"").unwrap();
        assert_eq!(s, OrderStatus::Cancelled);
        assert_eq!(
            serde_json::to_string(&OrderStatus::Other("custom_one".into())).unwrap(),
            "\"custom_one\""
        );
        assert_eq!(OrderStatus::default().to_string(), "new");
        assert_eq!(String::from(ShipmentStatus::Shipped), "shipped");
    }
}
