//! Contract tests: variants (price and stock) and stock movements.

mod common;

use common::contract::{KEY, SECRET, client};
use common::fixture_item;
use lightspeed_client::models::{StockTracking, VariantCreate, VariantUpdate};
use rust_decimal_macros::dec;
use serde_json::json;
use wiremock::matchers::{basic_auth, body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

contract_suite!(
    variant_suite,
    case!(
        "variants",
        36285796,
        "variant",
        "variants",
        ("variant.json", "variant"),
        |c| c.variants()
    )
);
contract_suite!(
    movement_suite,
    case!(
        "variants/movements",
        114586434,
        "variantMovement",
        "variantsMovements",
        ("variantMovement.json", "variantMovement"),
        |c| c.variants().movements()
    )
);

#[tokio::test]
async fn stock_and_price_update_writes_exact_numbers() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/nl/variants/322925834.json"))
        .and(basic_auth(KEY, SECRET))
        .and(body_json(
            json!({"variant": {"priceExcl": 2.8843, "stockTracking": "enabled", "stockLevel": 5}}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"variant": fixture_item("variants.live-eu1-nl.json", "variants")}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let update = VariantUpdate {
        price_excl: Some(dec!(2.8843)),
        stock_tracking: Some(StockTracking::Enabled),
        stock_level: Some(5),
        ..Default::default()
    };
    let variant = client(&server)
        .variants()
        .update(322_925_834, &update)
        .await
        .unwrap();
    assert_eq!(variant.price_excl, Some(dec!(2.8843)));
}

#[tokio::test]
async fn the_raw_write_body_is_byte_exact() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/nl/variants.json"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"variant": fixture_item("variant.json", "variant")})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let body = VariantCreate {
        product: Some(163_090_479),
        article_code: Some("LABL26".into()),
        price_incl: Some(dec!(3.49)),
        stock_level: Some(0),
        tax: Some(1_207_266),
        ..Default::default()
    };
    client(&server).variants().create(&body).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        String::from_utf8_lossy(&requests[0].body),
        r#"{"variant":{"product":163090479,"articleCode":"LABL26","priceIncl":3.49,"stockLevel":0,"tax":1207266}}"#
    );
    assert_eq!(
        requests[0].headers.get("content-type").unwrap(),
        "application/json"
    );
}

#[tokio::test]
async fn relation_and_code_filters() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/nl/variants.json"))
        .and(query_param("product", "163090479"))
        .and(query_param("sku", "SKU-1"))
        .and(query_param("articleCode", "LABL26"))
        .and(query_param("ean", "8712345678906"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"variants": [fixture_item("variants.live-eu1-nl.json", "variants")]}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/nl/variants/movements.json"))
        .and(query_param("variant", "322925834"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"variantsMovements": [{"id": 99, "type": "manual", "amount": -1}]}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let found = client
        .variants()
        .list()
        .product(163_090_479)
        .sku("SKU-1")
        .article_code("LABL26")
        .ean("8712345678906")
        .all()
        .await
        .unwrap();
    assert_eq!(found[0].id, 322_925_834);
    let moves = client
        .variants()
        .movements()
        .list()
        .variant(322_925_834)
        .all()
        .await
        .unwrap();
    assert_eq!(
        (moves[0].kind.as_deref(), moves[0].amount),
        (Some("manual"), Some(-1))
    );
}
