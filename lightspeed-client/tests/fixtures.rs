//! Every real payload in `fixtures/lightspeed/` decodes into its typed model.

mod fixture_table;

use fixture_table::{FixtureVisitor, Model, fixture_dir, fixture_files, visit};
use lightspeed_client::envelope::{decode, decode_list};
use lightspeed_client::models::*;
use lightspeed_client::{Entity, Result};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde::Serialize;

fn read(name: &str) -> Vec<u8> {
    std::fs::read(fixture_dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Decodes a single-object fixture, checks that it survives a serialise/decode round trip, and
/// returns it.
fn one<T: Model>(body: &[u8]) -> Result<T> {
    let value: T = decode(body)?;
    let mut envelope = serde_json::Map::new();
    envelope.insert(
        T::KEYS.single[0].to_owned(),
        serde_json::to_value(&value).expect("serialise"),
    );
    let again: T = decode(&serde_json::to_vec(&envelope).expect("encode")).expect("re-decode");
    assert_eq!(again, value, "round trip changed the value");
    Ok(value)
}

fn many<T: Entity>(body: &[u8]) -> Result<Vec<T>> {
    let items: Vec<T> = decode_list(body)?;
    assert!(!items.is_empty(), "list fixture decoded to nothing");
    Ok(items)
}

/// The fixture walk's visit: decode (and round-trip where the model allows), yield the number of
/// objects decoded.
struct Walk;

impl FixtureVisitor for Walk {
    type Out = Result<usize>;

    fn single<T: Model>(&mut self, _name: &str, body: &[u8]) -> Result<usize> {
        one::<T>(body).map(|_| 1)
    }

    fn single_secret<T: Entity + Serialize>(&mut self, _name: &str, body: &[u8]) -> Result<usize> {
        decode::<T>(body).map(|_| 1)
    }

    fn list<T: Model>(&mut self, _name: &str, body: &[u8]) -> Result<usize> {
        many::<T>(body).map(|v| v.len())
    }
}

/// The match table: which model each fixture file is. Returns the number of objects decoded.
fn decode_fixture(name: &str, body: &[u8]) -> Option<Result<usize>> {
    visit(name, body, &mut Walk)
}

#[test]
fn every_fixture_decodes_into_its_model() {
    let entries = fixture_files();
    assert!(
        entries.len() >= 40,
        "expected the full fixture set, found {}",
        entries.len()
    );

    let mut failures = Vec::new();
    for path in &entries {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let body = std::fs::read(path).unwrap();
        match decode_fixture(&name, &body) {
            None => failures.push(format!("{name}: no model mapped for this file")),
            Some(Err(e)) => failures.push(format!("{name}: {e}")),
            Some(Ok(count)) => assert!(count > 0, "{name}"),
        }
    }
    assert!(
        failures.is_empty(),
        "fixtures that failed:\n{}",
        failures.join("\n")
    );
}

#[test]
fn unmapped_files_are_reported() {
    assert!(decode_fixture("brandNew.json", b"{}").is_none());
}

#[test]
fn live_variant_price_is_exact() {
    let variants: Vec<Variant> = decode_list(&read("variants.live-eu1-nl.json")).unwrap();
    let v = &variants[0];
    assert_eq!(v.price_excl, Some(dec!(2.8843)));
    assert_eq!(v.price_excl.unwrap().to_string(), "2.8843");
    assert_eq!(v.price_incl, Some(dec!(3.49)));
    assert_eq!(v.stock_tracking, Some(StockTracking::Enabled));
    assert_eq!(v.stock_level, Some(148));
    assert_eq!(v.article_code.as_deref(), Some("LABL26"));
    // `""` and `null` read as absent; numeric strings as decimals
    assert_eq!(v.ean, None);
    assert_eq!(v.hs, None);
    assert_eq!(v.weight_value, Some(dec!(0.000)));
    assert_eq!(v.tax.as_ref().and_then(|t| t.id), Some(1_207_266));
    assert_eq!(v.product_id(), Some(163_090_479));
    assert!(v.image.is_none() && v.matrix.is_none() && v.options.is_empty());
    assert!(
        v.extra.is_empty(),
        "unmodelled variant fields: {:?}",
        v.extra.keys()
    );
}

#[test]
fn order_totals_lines_and_embedded_resources() {
    let order: Order = decode(&read("order.json")).unwrap();
    assert_eq!(order.price_incl, Some(dec!(50.35)));
    assert_eq!(order.price_excl, Some(dec!(47.95)));
    assert_eq!(order.status, Some(OrderStatus::ProcessingAwaitingShipment));
    assert_eq!(order.payment_status, Some(PaymentStatus::Paid));
    assert_eq!(order.shipment_status, Some(ShipmentStatus::NotShipped));
    assert_eq!(order.channel, Some(Channel::Main));
    assert_eq!(order.referral_id, None); // false
    assert_eq!(order.birth_date, None); // false
    assert_eq!(order.address_shipping_company, None); // false
    assert_eq!(order.shipment_base_price_incl, Some(dec!(6.2475)));
    assert_eq!(order.tax_rates[0].rate, Some(dec!(0.05)));
    assert_eq!(order.tax_rates[0].rate_percent(), Some(dec!(5)));
    assert_eq!(
        order
            .payment_data
            .as_ref()
            .and_then(|p| p.method.as_deref()),
        Some("invoice")
    );
    let shipment_data = order.shipment_data.as_ref().unwrap();
    assert_eq!(shipment_data.shipment_id, Some(33_265));
    assert_eq!(shipment_data.shipping_value_id, Some(55_707));
    assert_eq!(
        order.billing_address().country.unwrap().code.as_deref(),
        Some("ca")
    );

    let lines = order.embedded_lines().expect("lines are embedded");
    assert_eq!(lines.len(), 1);
    let line = &lines[0];
    assert_eq!(line.quantity_ordered, Some(dec!(6)));
    assert_eq!(
        line.base_price_excl.unwrap() * dec!(6),
        line.price_excl.unwrap()
    );
    assert_eq!(line.variant_id(), Some(34_771_159));
    // order total = lines + shipping
    assert_eq!(
        line.price_excl.unwrap() + order.shipment_price_excl.unwrap(),
        order.price_excl.unwrap()
    );
    assert_eq!(
        line.price_incl.unwrap() + order.shipment_price_incl.unwrap(),
        order.price_incl.unwrap()
    );

    let customer = order.embedded_customer().expect("customer is embedded");
    assert_eq!(customer.id, 2_026_523);
    assert_eq!(customer.email.as_deref(), Some("info@lightspeedhq.com"));
    assert_eq!(order.customer.as_ref().unwrap().id, Some(2_026_523));
    assert_eq!(
        order.embedded_invoices().unwrap()[0].number.as_deref(),
        Some("INV00033")
    );
    let quote = order.quote.as_ref().and_then(|q| q.embedded()).unwrap();
    assert_eq!(quote.additional_cost_incl, Some(dec!(0.0000)));
    // the quote sends paymentData as a JSON string
    assert_eq!(
        quote
            .payment_data
            .as_ref()
            .and_then(|p| p.method.as_deref()),
        Some("invoice")
    );
    let events = order.events.as_ref().and_then(|e| e.embedded()).unwrap();
    assert_eq!(events.len(), 9);
    assert_eq!(
        events[1].invoice.as_ref().and_then(|l| l.id),
        Some(1_741_975)
    );
    assert!(events[0].invoice.is_none());
    assert_eq!(
        order
            .metafields
            .as_ref()
            .and_then(|m| m.embedded())
            .map(Vec::len),
        Some(0)
    );
    assert!(
        order.extra.is_empty(),
        "unmodelled order fields: {:?}",
        order.extra.keys()
    );
}

#[test]
fn trimmed_live_order_decodes_with_missing_fields() {
    let order: Order = decode(&read("order.live-eu1-nl-trimmed.json")).unwrap();
    assert_eq!(order.status, Some(OrderStatus::ProcessingAwaitingPickup));
    assert_eq!(order.channel, Some(Channel::Api));
    assert_eq!(order.price_excl, Some(dec!(2.88)));
    assert_eq!(order.shipment_id.as_deref(), Some("core|747283|3298308"));
    assert_eq!(order.custom_status_id, None);
    assert_eq!(order.payment_data, None);
    assert!(order.tax_rates.is_empty());
}

#[test]
fn order_line_prices() {
    let line: OrderProduct = decode(&read("orderProduct.json")).unwrap();
    assert_eq!(line.base_price_excl, Some(dec!(40)));
    assert_eq!(line.discount_excl, Some(dec!(21)));
    assert_eq!(line.price_excl, Some(dec!(19)));
    assert_eq!(line.price_incl, Some(dec!(19.95)));
    assert_eq!(line.discount_incl, Some(dec!(22.05)));
    assert_eq!(line.custom_fields, None);
    assert!(line.extra.is_empty(), "{:?}", line.extra.keys());
}

#[test]
fn shop_currency_and_string_id() {
    let shop: Shop = decode(&read("shop.json")).unwrap();
    assert_eq!(shop.id.as_str(), "000001");
    assert_eq!(shop.id.as_u64(), Some(1));
    let currency = shop.currency.unwrap();
    assert_eq!(currency.currency_rate, Some(dec!(1.227560)));
    assert_eq!(currency.shortcode.as_deref(), Some("USD"));
    assert!(shop.extra.is_empty(), "{:?}", shop.extra.keys());
}

#[test]
fn account_key_stays_out_of_debug() {
    let account: Account = decode(&read("account.live-eu1-nl.json")).unwrap();
    assert_eq!(account.id, 389_694);
    assert_eq!(account.app_id, None);
    assert!(account.api_key.is_some());
    assert!(!format!("{account:?}").contains("test-api-key"));
    assert!(
        !serde_json::to_string(&account)
            .unwrap()
            .contains("test-api-key")
    );
}

#[test]
fn rate_limit_and_permissions() {
    let rl: AccountRatelimit = decode(&read("accountRatelimit.json")).unwrap();
    assert_eq!(rl.limit_5_min.as_ref().and_then(|w| w.limit), Some(1000));
    assert_eq!(
        rl.limit_day.as_ref().and_then(|w| w.remaining),
        Some(287_993)
    );
    let perms: AccountPermissions = decode(&read("accountPermissions.json")).unwrap();
    assert_eq!(perms.orders.and_then(|p| p.write), Some(true));
    assert_eq!(perms.products.and_then(|p| p.write), Some(false));
    assert!(perms.grants("orders", "write") && !perms.grants("products", "write"));
}

#[test]
fn catalogue_details() {
    let product: Product = decode(&read("product.json")).unwrap();
    assert_eq!(product.visibility, Some(Visibility::Visible));
    assert_eq!(product.set.as_ref().unwrap().options[0].values.len(), 3);
    assert_eq!(product.brand.as_ref().and_then(|b| b.id), Some(1_171_202));
    assert!(product.product_type.is_none()); // false
    assert_eq!(
        product.variants.as_ref().unwrap().url.as_deref(),
        Some("variants?product=20967267")
    );
    assert!(product.extra.is_empty(), "{:?}", product.extra.keys());

    let categories: Vec<Category> = decode_list(&read("categories.live-eu1-nl.json")).unwrap();
    assert_eq!(categories[0].path_ids(), vec![13_881_645, 13_881_644]);
    assert_eq!(categories[0].parent_id(), Some(13_881_644));
    assert_eq!(categories[0].description, None); // ""

    let pfv: ProductFilterValue = decode(&read("productFilterValue.json")).unwrap();
    assert_eq!(pfv.filter_value.as_ref().and_then(|l| l.id), Some(29_110));

    let attr: ProductAttribute = decode(&read("productAttribute.json")).unwrap();
    assert_eq!(attr.value.as_deref(), Some("USA"));
    assert_eq!(
        attr.attribute
            .as_ref()
            .and_then(|a| a.default_value.as_deref()),
        Some("Canada")
    );

    let supplier: Supplier = decode(&read("supplier.json")).unwrap();
    assert_eq!(supplier.zip_code.as_deref(), Some("H2Y1A6"));
    assert_eq!(
        supplier.country.as_ref().and_then(|c| c.code.as_deref()),
        Some("ca")
    );

    let tax: Tax = decode(&read("tax.json")).unwrap();
    assert_eq!(tax.rate, Some(Decimal::new(1, 1)));
    assert_eq!(tax.rate_percent(), Some(dec!(10)));
}

#[test]
fn invoices_and_webhooks() {
    let invoice: Invoice = decode(&read("invoice.json")).unwrap();
    assert_eq!(invoice.status, Some(InvoiceStatus::NotPaid));
    assert_eq!(invoice.is_credit_note, Some(true));
    assert!(invoice.credit_note.is_none());
    assert_eq!(invoice.invoice.as_ref().and_then(|l| l.id), Some(1_742_004));
    let item: InvoiceItem = decode(&read("invoiceItem.json")).unwrap();
    assert_eq!(item.order_product_id, None);
    assert_eq!(item.variant.as_deref(), Some("Pay by invoice"));

    let hook: Webhook = decode(&read("webhook.json")).unwrap();
    assert_eq!(hook.item_action, Some(WebhookItemAction::All));
    assert_eq!(hook.format, Some(WebhookFormat::Xml));
    let live: Webhook = decode(&read("webhook.live.json")).unwrap();
    assert_eq!(live.item_group, Some(WebhookItemGroup::Products));
    assert_eq!(live.address.as_deref(), Some("https://example.com/hook"));
}
