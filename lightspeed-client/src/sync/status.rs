//! Lightspeed order, payment and shipment statuses ⇄ sync-core's neutral statuses.
//!
//! Reading maps every Lightspeed status onto a neutral one (unknown values are kept as `Other`);
//! the push-down direction turns a single neutral filter value back into the one Lightspeed value
//! that means exactly the same, and gives up (no push-down, the flow filters) where there is none —
//! for example neutral `completed`, which is three Lightspeed statuses.

use sync_core::domain::status as neutral;

use crate::models::{OrderStatus, PaymentStatus, ShipmentStatus};

/// The neutral order status of a Lightspeed order status.
///
/// `processing_awaiting_*` and `processing_ready_for_pickup` lose their `processing_` prefix, the
/// three `completed*` statuses become `completed`, and the SEOshop-era `processing` stays
/// `processing`. Anything else (`offer`, `processing_partially_paid`…) is kept as `Other`.
pub fn order_status(status: Option<&OrderStatus>) -> neutral::OrderStatus {
    let Some(status) = status else {
        return neutral::OrderStatus::default();
    };
    match status {
        OrderStatus::New => neutral::OrderStatus::New,
        OrderStatus::OnHold => neutral::OrderStatus::OnHold,
        OrderStatus::ProcessingAwaitingPayment => neutral::OrderStatus::AwaitingPayment,
        OrderStatus::ProcessingAwaitingShipment => neutral::OrderStatus::AwaitingShipment,
        OrderStatus::ProcessingAwaitingPickup => neutral::OrderStatus::AwaitingPickup,
        OrderStatus::ProcessingReadyForPickup => neutral::OrderStatus::ReadyForPickup,
        OrderStatus::Processing => neutral::OrderStatus::Processing,
        OrderStatus::Completed | OrderStatus::CompletedShipped | OrderStatus::CompletedPickedUp => {
            neutral::OrderStatus::Completed
        }
        OrderStatus::Cancelled => neutral::OrderStatus::Cancelled,
        other => neutral::OrderStatus::Other(neutral::normalize_status(other.as_str())),
    }
}

/// The neutral payment status (`paid`, `not_paid`, `partially_paid`, `cancelled`; others as text).
/// A missing status reads as `not_paid`, so an order is never booked as paid by accident.
pub fn payment_status(status: Option<&PaymentStatus>) -> neutral::PaymentStatus {
    status.map_or_else(neutral::PaymentStatus::default, |s| {
        neutral::PaymentStatus::parse(s.as_str())
    })
}

/// The neutral shipment status (`shipped`, `not_shipped`, `partially_shipped`, `cancelled`; others
/// as text). A missing status reads as `not_shipped`.
pub fn shipment_status(status: Option<&ShipmentStatus>) -> neutral::ShipmentStatus {
    status.map_or_else(neutral::ShipmentStatus::default, |s| {
        neutral::ShipmentStatus::parse(s.as_str())
    })
}

/// The only element of a one-value filter list, parsed; `None` for an empty or longer list.
fn single<T>(values: &[String], parse: impl Fn(&str) -> T) -> Option<T> {
    match values {
        [one] => Some(parse(one)),
        _ => None,
    }
}

/// The Lightspeed `status` filter for a filter list that names exactly one neutral status with
/// exactly one Lightspeed equivalent.
pub(crate) fn order_status_filter(values: &[String]) -> Option<OrderStatus> {
    match single(values, neutral::OrderStatus::parse)? {
        neutral::OrderStatus::New => Some(OrderStatus::New),
        neutral::OrderStatus::OnHold => Some(OrderStatus::OnHold),
        neutral::OrderStatus::AwaitingPayment => Some(OrderStatus::ProcessingAwaitingPayment),
        neutral::OrderStatus::AwaitingShipment => Some(OrderStatus::ProcessingAwaitingShipment),
        neutral::OrderStatus::AwaitingPickup => Some(OrderStatus::ProcessingAwaitingPickup),
        neutral::OrderStatus::ReadyForPickup => Some(OrderStatus::ProcessingReadyForPickup),
        neutral::OrderStatus::Processing => Some(OrderStatus::Processing),
        neutral::OrderStatus::Cancelled => Some(OrderStatus::Cancelled),
        // `completed` is three Lightspeed statuses; unknown values are not pushed down.
        _ => None,
    }
}

/// The Lightspeed `paymentStatus` filter for a one-value filter list.
pub(crate) fn payment_status_filter(values: &[String]) -> Option<PaymentStatus> {
    match single(values, neutral::PaymentStatus::parse)? {
        neutral::PaymentStatus::Paid => Some(PaymentStatus::Paid),
        neutral::PaymentStatus::NotPaid => Some(PaymentStatus::NotPaid),
        neutral::PaymentStatus::PartiallyPaid => Some(PaymentStatus::PartiallyPaid),
        neutral::PaymentStatus::Cancelled => Some(PaymentStatus::Cancelled),
        _ => None,
    }
}

/// The Lightspeed `shipmentStatus` filter for a one-value filter list.
pub(crate) fn shipment_status_filter(values: &[String]) -> Option<ShipmentStatus> {
    match single(values, neutral::ShipmentStatus::parse)? {
        neutral::ShipmentStatus::Shipped => Some(ShipmentStatus::Shipped),
        neutral::ShipmentStatus::NotShipped => Some(ShipmentStatus::NotShipped),
        neutral::ShipmentStatus::PartiallyShipped => Some(ShipmentStatus::PartiallyShipped),
        neutral::ShipmentStatus::Cancelled => Some(ShipmentStatus::Cancelled),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_statuses_lose_the_processing_prefix() {
        let cases = [
            ("processing_awaiting_payment", "awaiting_payment"),
            ("processing_awaiting_shipment", "awaiting_shipment"),
            ("processing_awaiting_pickup", "awaiting_pickup"),
            ("processing_ready_for_pickup", "ready_for_pickup"),
            ("completed", "completed"),
            ("completed_shipped", "completed"),
            ("completed_picked_up", "completed"),
            ("on_hold", "on_hold"),
            ("cancelled", "cancelled"),
            ("new", "new"),
            ("processing", "processing"),
            ("offer", "offer"),
            ("processing_partially_paid", "processing_partially_paid"),
            ("brand_new_status", "brand_new_status"),
        ];
        for (lightspeed, expected) in cases {
            let mapped = order_status(Some(&OrderStatus::parse(lightspeed)));
            assert_eq!(mapped.as_str(), expected, "{lightspeed}");
        }
        assert!(matches!(
            order_status(Some(&OrderStatus::parse("offer"))),
            neutral::OrderStatus::Other(_)
        ));
        assert_eq!(order_status(None), neutral::OrderStatus::New);
    }

    #[test]
    fn payment_and_shipment_statuses() {
        for s in ["paid", "not_paid", "partially_paid", "cancelled"] {
            let mapped = payment_status(Some(&PaymentStatus::parse(s)));
            assert_eq!(mapped.as_str(), s);
            assert!(!matches!(mapped, neutral::PaymentStatus::Other(_)), "{s}");
        }
        assert_eq!(payment_status(None), neutral::PaymentStatus::NotPaid);
        assert_eq!(
            payment_status(Some(&PaymentStatus::parse("refunded"))),
            neutral::PaymentStatus::Refunded
        );
        for s in ["shipped", "not_shipped", "partially_shipped", "cancelled"] {
            let mapped = shipment_status(Some(&ShipmentStatus::parse(s)));
            assert_eq!(mapped.as_str(), s);
            assert!(!matches!(mapped, neutral::ShipmentStatus::Other(_)), "{s}");
        }
        assert_eq!(shipment_status(None), neutral::ShipmentStatus::NotShipped);
    }

    #[test]
    fn only_single_unambiguous_values_are_pushed_down() {
        let one = |s: &str| vec![s.to_owned()];
        assert_eq!(
            payment_status_filter(&one("Paid")),
            Some(PaymentStatus::Paid)
        );
        assert_eq!(
            payment_status_filter(&one("not paid")),
            Some(PaymentStatus::NotPaid)
        );
        assert_eq!(payment_status_filter(&one("refunded")), None);
        assert_eq!(payment_status_filter(&[]), None);
        assert_eq!(
            payment_status_filter(&["paid".into(), "partially_paid".into()]),
            None
        );
        assert_eq!(
            order_status_filter(&one("awaiting_shipment")),
            Some(OrderStatus::ProcessingAwaitingShipment)
        );
        assert_eq!(order_status_filter(&one("completed")), None);
        assert_eq!(
            shipment_status_filter(&one("not_shipped")),
            Some(ShipmentStatus::NotShipped)
        );
        assert_eq!(shipment_status_filter(&one("lost")), None);
    }
}
