//! Regression cases from the mutation test (`mutations.rs`, issue 11): each is one mutated
//! fixture that failed to decode, or decoded into an invented value, before the types were fixed.

mod fixture_table;

use fixture_table::fixture_dir;
use lightspeed_client::envelope::{decode, decode_list};
use lightspeed_client::models::*;
use lightspeed_client::{Entity, Error};
use serde_json::{Value, json};

/// `fixture` with the value at the JSON pointer `at` replaced by `value`.
fn mutated(fixture: &str, at: &str, value: Value) -> Vec<u8> {
    let text = std::fs::read_to_string(fixture_dir().join(fixture)).unwrap();
    let mut doc: Value = serde_json::from_str(&text).unwrap();
    *doc.pointer_mut(at)
        .unwrap_or_else(|| panic!("{fixture} has no {at}")) = value;
    serde_json::to_vec(&doc).unwrap()
}

fn one<T: Entity>(fixture: &str, at: &str, value: Value) -> T {
    decode(&mutated(fixture, at, value))
        .unwrap_or_else(|e| panic!("{fixture} with {at} mutated: {e}"))
}

// --- integers as numeric strings -----------------------------------------------------------

#[test]
fn ids_arrive_as_numeric_strings() {
    // was: invalid type: string "389694", expected u64 at `account.id`
    let account: Account = one("account.live-eu1-nl.json", "/account/id", json!("389694"));
    assert_eq!(account.id, 389_694);
    // a link's target id
    let order: Order = one(
        "order.json",
        "/order/customer/resource/id",
        json!("2026523"),
    );
    assert_eq!(order.customer.and_then(|l| l.id), Some(2_026_523));
}

#[test]
fn counts_positions_sizes_and_stock_arrive_as_numeric_strings() {
    // was: invalid type: string "1", expected i64 at `categories[0].sortOrder`
    let body = mutated(
        "categories.live-eu1-nl.json",
        "/categories/0/sortOrder",
        json!("1"),
    );
    let categories: Vec<Category> = decode_list(&body).unwrap();
    assert_eq!(categories[0].sort_order, Some(1));
    // was: invalid type: string "2", expected u32 at `categories[0].depth`
    let body = mutated(
        "categories.live-eu1-nl.json",
        "/categories/0/depth",
        json!("2"),
    );
    assert_eq!(decode_list::<Category>(&body).unwrap()[0].depth, Some(2));
    // was: invalid type: string "8016", expected u64 at `brand.image.size`
    let brand: Brand = one("brand.json", "/brand/image/size", json!("8016"));
    assert_eq!(brand.image.and_then(|i| i.size), Some(8016));
    // was: invalid type: string "-10", expected i64 at `variantMovement.stockLevelChange`
    let movement: VariantMovement = one(
        "variantMovement.json",
        "/variantMovement/stockLevelChange",
        json!("-10"),
    );
    assert_eq!(movement.stock_level_change, Some(-10));
    let variant: Variant = one("variant.json", "/variant/stockLevel", json!(" 100 "));
    assert_eq!(variant.stock_level, Some(100));
    let rl: AccountRatelimit = one(
        "accountRatelimit.json",
        "/accountRatelimit/limit5Min/remaining",
        json!("-1"),
    );
    assert_eq!(rl.limit_5_min.as_ref().and_then(|w| w.remaining), Some(-1));
    let order: Order = one(
        "order.json",
        "/order/quote/resource/embedded/productsCount",
        json!("1"),
    );
    let quote = order.quote.as_ref().and_then(|q| q.embedded()).unwrap();
    assert_eq!(quote.products_count, Some(1));
}

#[test]
fn optional_integers_read_absent_forms_as_none_and_zero_as_zero() {
    for absent in [json!(null), json!(false), json!(""), json!([])] {
        let variant: Variant = one("variant.json", "/variant/stockLevel", absent.clone());
        assert_eq!(variant.stock_level, None, "{absent}");
    }
    let variant: Variant = one("variant.json", "/variant/stockLevel", json!("0"));
    assert_eq!(variant.stock_level, Some(0));
}

#[test]
fn integer_errors_name_the_path() {
    for (bad, path) in [
        (json!("lots"), "variant.stockLevel"),
        (json!("1.5"), "variant.stockLevel"),
        (json!(1.5), "variant.stockLevel"),
        (json!(true), "variant.stockLevel"),
    ] {
        let body = mutated("variant.json", "/variant/stockLevel", bad.clone());
        match decode::<Variant>(&body) {
            Err(Error::Decode { path: p, .. }) => assert_eq!(p, path, "{bad}"),
            other => panic!("{bad}: expected a decode error, got {other:?}"),
        }
    }
    let body = mutated("variant.json", "/variant/id", json!("x1"));
    match decode::<Variant>(&body) {
        Err(Error::Decode { path, .. }) => assert_eq!(path, "variant.id"),
        other => panic!("expected a decode error, got {other:?}"),
    }
}

// --- `[]` (PHP's empty map) for an optional object -------------------------------------------

#[test]
fn empty_array_for_an_optional_object_is_absent_not_an_empty_object() {
    // was: Some(Country { id: None, code: None, code3: None, title: None }), an object nobody sent
    let customer: Customer = one(
        "customer.json",
        "/customer/addressBillingCountry",
        json!([]),
    );
    assert_eq!(customer.address_billing_country, None);
    // was: Some(Image { every field None })
    let brand: Brand = one("brand.json", "/brand/image", json!([]));
    assert_eq!(brand.image, None);
    // was: Some(Currency { every field None })
    let shop: Shop = one("shop.json", "/shop/currency", json!([]));
    assert_eq!(shop.currency, None);
    // was: Some(RegionData { every field None })
    let order: Order = one("order.json", "/order/addressBillingRegionData", json!([]));
    assert_eq!(order.address_billing_region_data, None);
    // free-form values and maps: `[]` is an empty PHP map, i.e. absent
    let variant: Variant = one("variant.json", "/variant/matrix", json!([]));
    assert_eq!(variant.matrix, None);
    let product: Product = one("product.json", "/product/set", json!([]));
    assert_eq!(product.set, None);
}

#[test]
fn empty_array_stays_an_empty_list_where_the_model_is_a_list() {
    let order: Order = one("order.json", "/order/products/resource/embedded", json!([]));
    assert_eq!(order.embedded_lines().map(<[_]>::len), Some(0));
    let order: Order = one("order.json", "/order/taxRates", json!([]));
    assert!(order.tax_rates.is_empty());
}

// --- links: absent resource, absent URLs ------------------------------------------------------

#[test]
fn a_link_without_resource_is_an_empty_link() {
    for absent in [json!(false), json!(null), json!(""), json!([])] {
        // was: invalid type: boolean `false`, expected struct ResourceWire at
        // `order.customer.resource` (and `[]` gave a link with the invented URL "")
        let order: Order = one("order.json", "/order/customer/resource", absent.clone());
        let customer = order.customer.as_ref().unwrap();
        assert_eq!(
            (
                customer.id,
                customer.url.as_deref(),
                customer.link.as_deref()
            ),
            (None, None, None),
            "{absent}"
        );
        assert!(order.embedded_customer().is_none());
        // it serialises as `{"resource": null}` and decodes back to the same link
        let json = serde_json::to_value(&order).unwrap();
        assert_eq!(json["customer"], json!({"resource": null}));
    }
}

#[test]
fn link_urls_may_be_null() {
    // was: invalid type: null, expected a string at `account.signout.resource.url`
    let account: Account = one(
        "account.live-eu1-nl.json",
        "/account/signout/resource/url",
        json!(null),
    );
    let signout = account.signout.unwrap();
    assert_eq!(signout.url, None);
    assert!(signout.link.is_some());
    let variant: Variant = one(
        "variant.json",
        "/variant/product/resource/link",
        json!(null),
    );
    let product = variant.product.unwrap();
    assert_eq!(product.link, None);
    assert_eq!(product.url.as_deref(), Some("products/21881217"));
}

// --- permission groups and rate-limit windows --------------------------------------------------

#[test]
fn permission_groups_and_flags_may_be_absent() {
    for absent in [json!(false), json!(null), json!(""), json!([])] {
        // was: invalid type: boolean `false`, expected struct Permission at
        // `accountPermissions.orders`, and `[]` gave read: false, write: false (invented)
        let p: AccountPermissions = one(
            "accountPermissions.json",
            "/accountPermissions/orders",
            absent.clone(),
        );
        assert_eq!(p.orders, None, "{absent}");
        assert!(!p.grants("orders", "read"), "not stated is not granted");
        assert!(
            p.grants("customers", "read"),
            "the other scopes are untouched"
        );
    }
    // was: invalid type: null, expected a boolean at `accountPermissions.orders.write`
    let p: AccountPermissions = one(
        "accountPermissions.json",
        "/accountPermissions/orders/write",
        json!(null),
    );
    assert_eq!(
        p.orders,
        Some(Permission {
            read: Some(true),
            write: None
        })
    );
}

#[test]
fn rate_limit_windows_may_be_absent() {
    for absent in [json!(false), json!(null), json!(""), json!([])] {
        // was: invalid type: boolean `false`, expected struct RatelimitWindowInfo at
        // `accountRatelimit.limitHour`, and `[]` gave a window with every field None
        let rl: AccountRatelimit = one(
            "accountRatelimit.json",
            "/accountRatelimit/limitHour",
            absent.clone(),
        );
        assert_eq!(rl.limit_hour, None, "{absent}");
        assert!(rl.limit_day.is_some());
    }
}
