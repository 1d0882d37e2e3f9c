//! The stock target through the real client against wiremock: the variant list in pages of 250
//! mapped for matching, absolute stock writes with stock tracking, and the error mapping.
#![cfg(feature = "sync")]

mod common;

use common::contract::client;
use common::fixture;
use lightspeed_client::sync::{LightspeedShop, ShopOptions};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde_json::{Value, json};
use sync_core::domain::MatchKey;
use sync_core::error::ErrorKind;
use sync_core::traits::StockTarget;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn shop(server: &MockServer) -> LightspeedShop {
    let options = ShopOptions {
        shop_id: Some("356891".into()),
        currency: Some("EUR".into()),
        ..ShopOptions::default()
    };
    LightspeedShop::new(client(server), options).unwrap()
}

/// The live variant sample with another id, SKU and level.
fn variant(id: u64, sku: &str, level: i64) -> Value {
    let mut v = fixture("variants.live-eu1-nl.json")["variants"][0].clone();
    v["id"] = json!(id);
    v["sku"] = json!(sku);
    v["articleCode"] = json!(sku);
    v["ean"] = json!(format!("871000{id:07}"));
    v["stockLevel"] = json!(level);
    v
}

#[tokio::test]
async fn the_variant_list_is_read_in_pages_and_indexed_by_sku_ean_and_article_code() {
    let server = MockServer::start().await;
    for (page, ids) in [(1u64, 1..251u64), (2, 251..261)] {
        let variants: Vec<Value> = ids
            .map(|i| variant(i, &format!("ART-{i}"), i as i64))
            .collect();
        Mock::given(method("GET"))
            .and(path("/nl/variants.json"))
            .and(query_param("limit", "250"))
            .and(query_param("page", page.to_string()))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "variants": variants })))
            .expect(1)
            .mount(&server)
            .await;
    }
    let index = shop(&server).variant_index().await.unwrap();
    assert_eq!(index.len(), 260);
    let found = index.get(MatchKey::Sku, "art-7").unwrap().unwrap();
    assert_eq!(found.variant_id, "7");
    assert_eq!(found.stock_level, Some(dec!(7)));
    assert_eq!(
        found.stock_managed,
        Some(true),
        "the live sample tracks stock"
    );
    assert!(!found.product_id.is_empty());
    let by_ean = index.get(MatchKey::Ean, "8710000000255").unwrap().unwrap();
    assert_eq!(by_ean.variant_id, "255");
    assert!(
        index
            .get(MatchKey::ArticleCode, "ART-260")
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn stock_is_written_as_an_absolute_level_with_tracking() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/nl/variants/322925834.json"))
        .and(body_json(
            json!({"variant": {"stockTracking": "enabled", "stockLevel": 7}}),
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"variant": variant(322925834, "A", 7)})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/nl/variants/5.json"))
        .and(body_json(json!({"variant": {"stockLevel": 2}})))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"variant": variant(5, "B", 2)})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let shop = shop(&server);
    shop.set_stock("322925834", dec!(7), Some(true))
        .await
        .unwrap();
    // Lightspeed keeps whole units: a fraction is rounded down, never up.
    shop.set_stock("5", Decimal::new(29, 1), None)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_vanished_variant_is_a_skippable_not_found_and_bad_ids_never_reach_the_shop() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/nl/variants/9.json"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "error": {"code": 404, "method": "PUT", "request": "/nl/variants/9.json", "message": "Not found."}
        })))
        .mount(&server)
        .await;
    let shop = shop(&server);
    let error = shop.set_stock("9", dec!(1), None).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound, "{error:?}");
    assert!(error.is_skippable());
    let error = shop.set_stock("v-9", dec!(1), None).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Validation);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}
