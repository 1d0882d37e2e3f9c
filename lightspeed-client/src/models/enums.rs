//! Open enums: the documented values plus `Other(String)` for anything new.
//!
//! Lightspeed adds statuses over time (the SEOshop-era order statuses differ from today's), and a
//! closed enum breaks decoding the day a new value appears. Each enum here is
//! `#[non_exhaustive]`, keeps unknown values verbatim in `Other`, and serialises back to the exact
//! wire string.

/// Declares an open, string-valued enum with serde, `Display`, `FromStr` and `as_str`.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $wire:literal $(| $alias:literal)* ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this crate does not know (yet), kept exactly as received.
            Other(String),
        }

        impl $name {
            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )+
                    Self::Other(s) => s.as_str(),
                }
            }

            /// Parses a wire value; unknown values become `Other`.
            pub fn parse(s: &str) -> Self {
                match s {
                    $( $wire $(| $alias)* => Self::$variant, )+
                    other => {
                        ::tracing::debug!(
                            value = other,
                            r#type = stringify!($name),
                            "unknown enum value kept as Other"
                        );
                        Self::Other(other.to_owned())
                    }
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(Self::parse(s))
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self::parse(s)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(d)?;
                Ok(Self::parse(&s))
            }
        }
    };
}

pub(crate) use open_enum;

open_enum! {
    /// Order status (`order.status`, filter `status`).
    OrderStatus {
        /// `on_hold`
        OnHold => "on_hold",
        /// `processing_awaiting_payment`
        ProcessingAwaitingPayment => "processing_awaiting_payment",
        /// `processing_awaiting_shipment`
        ProcessingAwaitingShipment => "processing_awaiting_shipment",
        /// `processing_awaiting_pickup`
        ProcessingAwaitingPickup => "processing_awaiting_pickup",
        /// `processing_ready_for_pickup`
        ProcessingReadyForPickup => "processing_ready_for_pickup",
        /// `completed`
        Completed => "completed",
        /// `completed_shipped`
        CompletedShipped => "completed_shipped",
        /// `completed_picked_up`
        CompletedPickedUp => "completed_picked_up",
        /// `cancelled`
        Cancelled => "cancelled",
        /// `new` (SEOshop era)
        New => "new",
        /// `offer` (SEOshop era)
        Offer => "offer",
        /// `processing` (SEOshop era)
        Processing => "processing",
        /// `processing_partially_paid` (SEOshop era)
        ProcessingPartiallyPaid => "processing_partially_paid",
        /// `processing_partially_shipped` (SEOshop era)
        ProcessingPartiallyShipped => "processing_partially_shipped",
        /// `processing_partially_picked_up` (SEOshop era)
        ProcessingPartiallyPickedUp => "processing_partially_picked_up",
    }
}

open_enum! {
    /// Payment status of an order (`paymentStatus`).
    PaymentStatus {
        /// `not_paid`
        NotPaid => "not_paid",
        /// `partially_paid`
        PartiallyPaid => "partially_paid",
        /// `paid`
        Paid => "paid",
        /// `cancelled`
        Cancelled => "cancelled",
    }
}

open_enum! {
    /// Shipment status of an order or a shipment (`shipmentStatus`, `shipment.status`).
    ShipmentStatus {
        /// `not_shipped`
        NotShipped => "not_shipped",
        /// `partially_shipped`
        PartiallyShipped => "partially_shipped",
        /// `shipped`
        Shipped => "shipped",
        /// `cancelled`
        Cancelled => "cancelled",
    }
}

open_enum! {
    /// Invoice status (`invoice.status`).
    InvoiceStatus {
        /// `not_paid`
        NotPaid => "not_paid",
        /// `paid`
        Paid => "paid",
        /// `cancelled`
        Cancelled => "cancelled",
    }
}

open_enum! {
    /// Whether the shop tracks a variant's stock (`stockTracking`).
    StockTracking {
        /// `enabled`: stock is tracked and `stockLevel` matters.
        Enabled => "enabled",
        /// `disabled`: stock is not tracked.
        Disabled => "disabled",
        /// `indicator`: only an in-stock indicator is shown.
        Indicator => "indicator",
    }
}

open_enum! {
    /// Discount type of an order or quote (`discountType`).
    DiscountType {
        /// `amount`: a fixed amount.
        Amount => "amount",
        /// `percentage`: a fraction of the total.
        Percentage => "percentage",
    }
}

open_enum! {
    /// Sales channel of an order, event or stock movement (`channel`).
    Channel {
        /// `main`: the web shop.
        Main => "main",
        /// `facebook`
        Facebook => "facebook",
        /// `api`: created through the API.
        Api => "api",
        /// `mobile`
        Mobile => "mobile",
        /// `auto`: generated by the system (events, stock movements).
        Auto => "auto",
    }
}

open_enum! {
    /// Product visibility (`visibility`).
    Visibility {
        /// `hidden`
        Hidden => "hidden",
        /// `visible`
        Visible => "visible",
        /// `auto`
        Auto => "auto",
    }
}

open_enum! {
    /// Webhook item group (`itemGroup`; the first half of `X-Event`).
    WebhookItemGroup {
        /// `customers`
        Customers => "customers",
        /// `orders`
        Orders => "orders",
        /// `invoices`
        Invoices => "invoices",
        /// `shipments`
        Shipments => "shipments",
        /// `products`
        Products => "products",
        /// `variants`
        Variants => "variants",
        /// `quotes`
        Quotes => "quotes",
        /// `reviews`
        Reviews => "reviews",
        /// `returns`
        Returns => "returns",
        /// `tickets`
        Tickets => "tickets",
        /// `subscriptions`
        Subscriptions => "subscriptions",
        /// `contacts`
        Contacts => "contacts",
    }
}

open_enum! {
    /// Webhook item action (`itemAction`; the second half of `X-Event`).
    WebhookItemAction {
        /// `*`: every action (subscriptions only; deliveries name the action).
        All => "*",
        /// `created`
        Created => "created",
        /// `updated`
        Updated => "updated",
        /// `deleted`
        Deleted => "deleted",
    }
}

open_enum! {
    /// Webhook payload format (`format`, `X-Format`).
    WebhookFormat {
        /// `json`
        Json => "json",
        /// `xml`
        Xml => "xml",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_round_trip() {
        let s: OrderStatus = serde_json::from_str("\"processing_awaiting_shipment\"").unwrap();
        assert_eq!(s, OrderStatus::ProcessingAwaitingShipment);
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            "\"processing_awaiting_shipment\""
        );
        assert_eq!(WebhookItemAction::parse("*"), WebhookItemAction::All);
    }

    #[test]
    fn unknown_values_are_kept_verbatim() {
        let s: PaymentStatus = serde_json::from_str("\"refunded_partially\"").unwrap();
        assert_eq!(s, PaymentStatus::Other("refunded_partially".into()));
        assert_eq!(s.to_string(), "refunded_partially");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"refunded_partially\"");
    }
}
