//! The mapping on the real fixtures (`fixtures/lightspeed/`), and the money test: `order.json`
//! through the mapping and sync-core's `sales_document` reconciles to the cent.

use chrono::NaiveDate;
use rust_decimal_macros::dec;
use serde_json::Value;
use sync_core::config::{CountryMatch, OrdersConfig, VatCodeRule};
use sync_core::domain::{
    BookingLineKind, CountryCode, Currency, DebtorRef, ExternalReference, Order, PartyKind,
    SalesDocumentKind, VatRate,
};
use sync_core::flows::orders::document::{DocumentContext, sales_document};

use super::mapping::{MapContext, map_credit_note, map_order, order_line};
use crate::models::{self, Invoice, InvoiceItem, OrderProduct};

fn fixture(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/lightspeed")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    serde_json::from_str(&text).unwrap()
}

fn ctx() -> MapContext {
    MapContext::new(Some("356891".into()), Currency::EUR)
}

/// A fixture order mapped the way `fetch_order` maps it (embedded lines and invoices).
fn mapped(name: &str) -> Order {
    let json = fixture(name)["order"].clone();
    let order: models::Order = serde_json::from_value(json.clone()).unwrap();
    let lines = order.embedded_lines().unwrap_or_default();
    let invoices = order.embedded_invoices().unwrap_or_default();
    map_order(&order, lines, invoices, json, &ctx()).unwrap()
}

#[test]
fn vendor_order_header_statuses_and_raw() {
    let order = mapped("order.json");
    assert_eq!(order.source_id, "1623550");
    assert_eq!(order.number, "ORD00018");
    assert_eq!(order.shop_id.as_deref(), Some("356891"));
    assert_eq!(order.created_at.to_rfc3339(), "2019-08-21T17:15:00+00:00");
    assert_eq!(order.updated_at.to_rfc3339(), "2019-09-16T19:46:01+00:00");
    assert_eq!(order.placed_on, NaiveDate::from_ymd_opt(2019, 8, 21));
    assert_eq!(order.status.as_str(), "awaiting_shipment");
    assert_eq!(order.payment_status.as_str(), "paid");
    assert_eq!(order.shipment_status.as_str(), "not_shipped");
    assert_eq!(order.payment_method.as_deref(), Some("invoice"));
    assert_eq!(order.shipping_method.as_deref(), Some("Default Shipping"));
    assert_eq!(order.currency, Currency::EUR);
    let invoice = order.invoice.as_ref().unwrap();
    assert_eq!(invoice.number, "INV00033");
    assert_eq!(invoice.date, NaiveDate::from_ymd_opt(2019, 8, 21));
    assert!(!invoice.is_credit_note);
    assert_eq!(
        order.raw,
        fixture("order.json")["order"],
        "raw is the JSON as received"
    );
}

#[test]
fn vendor_order_party_and_addresses() {
    let order = mapped("order.json");
    let c = &order.customer;
    assert_eq!(c.kind, PartyKind::Person);
    assert_eq!(c.full_name(), "Lightspeed Test");
    assert_eq!(c.middle_name, None, "an empty middle name is absent");
    assert_eq!(c.email.as_ref().unwrap().as_str(), "info@lightspeedhq.com");
    assert_eq!(c.phone.as_deref(), Some("+1 5555555555"));
    assert_eq!(c.mobile, None);
    assert_eq!(c.company_name, None);
    assert_eq!(c.external_id.as_deref(), Some("2026523"));
    let ca = CountryCode::parse("CA").unwrap();
    let billing = order.billing_address.as_ref().unwrap();
    assert_eq!(billing.name.as_deref(), Some("Lightspeed Test"));
    assert_eq!(billing.street.as_deref(), Some("123 viger"));
    assert_eq!(billing.number, None);
    assert_eq!(billing.postcode.as_deref(), Some("h4a4r4"));
    assert_eq!(billing.city.as_deref(), Some("montreal"));
    assert_eq!(billing.region.as_deref(), Some("Quebec"));
    assert_eq!(billing.country, Some(ca));
    let shipping = order.shipping_address.as_ref().unwrap();
    assert_eq!(shipping.company, None, "addressShippingCompany is false");
    assert_eq!(shipping.country, Some(ca));
    assert_eq!(c.address.as_ref(), Some(billing));
}

#[test]
fn vendor_order_lines_charges_and_totals() {
    let order = mapped("order.json");
    let five = VatRate::from_percentage(5);
    assert_eq!(order.lines.len(), 1);
    let line = &order.lines[0];
    assert_eq!(line.line_id, "3515302");
    assert_eq!(line.article_code.as_deref(), Some("anacampseros"));
    assert_eq!((line.sku.as_deref(), line.ean.as_deref()), (None, None));
    assert_eq!(line.description, "anacampseros");
    assert_eq!(line.quantity, dec!(6));
    assert_eq!(
        (line.unit_price_excl, line.unit_price_incl),
        (dec!(7), dec!(7.35))
    );
    assert_eq!((line.total_excl, line.total_incl), (dec!(42), dec!(44.1)));
    assert_eq!((line.discount_excl, line.discount_incl), (dec!(0), dec!(0)));
    assert_eq!(line.vat_rate, five);

    let shipping = order.shipping.as_ref().unwrap();
    assert_eq!(shipping.code.as_deref(), Some("core|33265|55707"));
    assert_eq!(shipping.title, "Default Shipping");
    assert_eq!(
        (shipping.net_excl(), shipping.net_incl()),
        (dec!(5.95), dec!(6.25))
    );
    assert_eq!(shipping.vat_rate, five);
    assert_eq!(order.payment, None, "zero payment costs are no charge");
    assert!(order.discounts.is_empty());

    assert_eq!(
        (order.totals.excl, order.totals.incl),
        (dec!(47.95), dec!(50.35))
    );
    assert_eq!(order.totals.vat_by_rate.len(), 1);
    let vat = &order.totals.vat_by_rate[0];
    assert_eq!(
        (vat.rate, vat.vat, vat.base_excl),
        (five, dec!(2.1), dec!(42))
    );
}

#[test]
fn order_product_fixture_keeps_discounts_and_unit_prices() {
    let line: OrderProduct =
        serde_json::from_value(fixture("orderProduct.json")["orderProduct"].clone()).unwrap();
    let l = order_line(&line, "ORD00018").unwrap();
    assert_eq!(l.line_id, "3661590");
    assert_eq!(
        l.description, "Butterprint Bowl",
        "the variant title repeats the product"
    );
    assert_eq!(l.quantity, dec!(1));
    assert_eq!((l.unit_price_excl, l.unit_price_incl), (dec!(40), dec!(42)));
    assert_eq!((l.total_excl, l.total_incl), (dec!(19), dec!(19.95)));
    assert_eq!((l.discount_excl, l.discount_incl), (dec!(21), dec!(22.05)));
    assert_eq!(
        l.unit_price_excl * l.quantity - l.discount_excl,
        l.total_excl
    );
    assert_eq!(l.vat_rate, VatRate::from_percentage(5));
}

#[test]
fn live_trimmed_order_maps_with_its_sparse_fields() {
    let order = mapped("order.live-eu1-nl-trimmed.json");
    assert_eq!(order.number, "ORD00001");
    // 00:56 in Amsterdam is the previous day in UTC; the order belongs to the local day.
    assert_eq!(order.created_at.to_rfc3339(), "2026-06-02T22:56:12+00:00");
    assert_eq!(order.placed_on, NaiveDate::from_ymd_opt(2026, 6, 3));
    assert_eq!(order.status.as_str(), "awaiting_pickup");
    assert_eq!(order.payment_status.as_str(), "not_paid");
    assert_eq!(
        order.customer.email.as_ref().unwrap().as_str(),
        "buyer1@example.com"
    );
    assert_eq!(order.customer.external_id.as_deref(), Some("226983112"));
    assert_eq!(
        order.billing_address.as_ref().and_then(|a| a.country),
        Some(CountryCode::NL)
    );
    assert_eq!(order.shipping_address, None);
    assert!(order.lines.is_empty());
    assert_eq!(
        (order.shipping.as_ref(), order.payment.as_ref()),
        (None, None)
    );
    assert_eq!(order.payment_method.as_deref(), Some("pickup"));
    assert_eq!(
        (order.totals.excl, order.totals.incl),
        (dec!(2.88), dec!(3.49))
    );
    assert_eq!(order.invoice, None);
}

#[test]
fn missing_number_or_totals_are_skippable_mapping_errors() {
    let mut json = fixture("order.live-eu1-nl-trimmed.json")["order"].clone();
    json["priceIncl"] = Value::Bool(false);
    let order: models::Order = serde_json::from_value(json.clone()).unwrap();
    let err = map_order(&order, &[], &[], json.clone(), &ctx()).unwrap_err();
    assert!(err.is_skippable());
    assert!(
        err.message().contains("ORD00001") && err.message().contains("priceIncl"),
        "{err}"
    );
    json["number"] = Value::String(String::new());
    let order: models::Order = serde_json::from_value(json.clone()).unwrap();
    let err = map_order(&order, &[], &[], json, &ctx()).unwrap_err();
    assert!(err.message().contains("`number`"), "{err}");
}

/// The money test of issue 6: the vendor order reconciles to the cent without a rounding line.
#[test]
fn vendor_order_books_to_the_cent() {
    let order = mapped("order.json");
    let mut config = OrdersConfig::default();
    let ca = CountryCode::parse("CA").unwrap();
    config
        .vat_codes
        .push(VatCodeRule::new(CountryMatch::Country(ca), Some(5), "GST5"));
    let codes = vec!["anacampseros".to_owned()];
    for kind in [
        SalesDocumentKind::SalesOrder,
        SalesDocumentKind::SalesInvoice,
    ] {
        let document = sales_document(
            &order,
            &DocumentContext {
                config: &config,
                kind,
                reference: ExternalReference::new("LS-356891-ORD00018"),
                debtor: DebtorRef::new("10001"),
                article_codes: &codes,
            },
        )
        .unwrap();
        assert_eq!(document.total_incl, dec!(50.35), "{kind:?}");
        assert_eq!(document.total_excl, dec!(47.95));
        assert_eq!(document.vat_total, dec!(2.40));
        assert!(document.rounding_difference.is_zero());
        let amounts: Vec<_> = document
            .lines
            .iter()
            .map(|l| (l.kind, l.amount_incl, l.amount_excl, l.vat_code.as_deref()))
            .collect();
        assert_eq!(
            amounts,
            vec![
                (
                    BookingLineKind::Article,
                    dec!(44.10),
                    dec!(42.00),
                    Some("GST5")
                ),
                (
                    BookingLineKind::Shipping,
                    dec!(6.25),
                    dec!(5.95),
                    Some("GST5")
                ),
            ]
        );
        assert_eq!(document.shop_id.as_deref(), Some("356891"));
        let expected_invoice = (kind == SalesDocumentKind::SalesInvoice).then_some("INV00033");
        assert_eq!(document.invoice_number.as_deref(), expected_invoice);
    }
}

#[test]
fn credit_invoice_fixture_maps_to_a_positive_credit_note() {
    let json = fixture("invoice.json")["invoice"].clone();
    let invoice: Invoice = serde_json::from_value(json.clone()).unwrap();
    let payment: InvoiceItem =
        serde_json::from_value(fixture("invoiceItem.json")["invoiceItem"].clone()).unwrap();
    let product: InvoiceItem = serde_json::from_value(serde_json::json!({
        "id": 7041126, "type": "product", "title": "Butterprint Bowl", "variant": "butterprintbowl",
        "orderProductId": 3661590, "articleCode": "butterprintbowl", "ean": "", "sku": "",
        "taxRate": 0, "basePriceExcl": -44.95, "basePriceIncl": -44.95, "priceExcl": -44.95,
        "priceIncl": -44.95, "discountExcl": 0, "discountIncl": 0, "quantity": -1
    }))
    .unwrap();
    let note = map_credit_note(&invoice, &[product, payment], json.clone(), &ctx()).unwrap();
    assert_eq!(note.source_id, "1742005");
    assert_eq!(note.number, "INV00038");
    assert_eq!(note.date, NaiveDate::from_ymd_opt(2019, 8, 21).unwrap());
    assert_eq!(note.order_source_id.as_deref(), Some("1623573"));
    assert_eq!(note.lines.len(), 1);
    let line = &note.lines[0];
    assert_eq!(line.article_code.as_deref(), Some("butterprintbowl"));
    assert_eq!(
        (line.quantity, line.total_incl, line.unit_price_incl),
        (dec!(1), dec!(44.95), dec!(44.95))
    );
    assert_eq!(
        note.payment, None,
        "the zero payment-cost item is no charge"
    );
    assert_eq!(note.shipping, None);
    assert_eq!(
        (note.totals.excl, note.totals.incl),
        (dec!(44.95), dec!(44.95))
    );
    assert_eq!(note.totals.vat_by_rate.len(), 1);
    assert_eq!(note.raw, json);
}

#[test]
fn credit_note_cost_items_become_charges() {
    let invoice: Invoice =
        serde_json::from_value(fixture("invoice.json")["invoice"].clone()).unwrap();
    let item = |json: Value| serde_json::from_value::<InvoiceItem>(json).unwrap();
    let shipment = item(serde_json::json!({
        "id": 1, "type": "shipment", "title": "_shipmentcosts_", "variant": "PostNL",
        "taxRate": 0.21, "priceExcl": 5, "priceIncl": 6.05, "discountExcl": 0, "discountIncl": 0, "quantity": 1
    }));
    let payment = item(serde_json::json!({
        "id": 2, "type": "payment", "title": "_paymentcosts_", "variant": "iDEAL",
        "taxRate": 0.21, "priceExcl": 0.5, "priceIncl": 0.61, "quantity": 1
    }));
    let note = map_credit_note(&invoice, &[shipment, payment], Value::Null, &ctx()).unwrap();
    let s = note.shipping.unwrap();
    assert_eq!((s.title.as_str(), s.net_incl()), ("PostNL", dec!(6.05)));
    let p = note.payment.unwrap();
    assert_eq!((p.title.as_str(), p.net_excl()), ("iDEAL", dec!(0.5)));
    assert!(note.lines.is_empty());
}
