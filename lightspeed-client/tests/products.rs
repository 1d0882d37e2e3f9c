//! Contract tests: products and option sets.

mod common;

use common::contract::{KEY, SECRET, client};
use common::fixture_item;
use lightspeed_client::models::{ProductCreate, ProductUpdate, Visibility};
use serde_json::json;
use wiremock::matchers::{basic_auth, body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

contract_suite!(
    product_suite,
    case!(
        "products",
        20967267,
        "product",
        "products",
        ("product.json", "product"),
        |c| c.products()
    )
);
contract_suite!(
    option_set_suite,
    case!("sets", 2785, "set", "sets", ("set.json", "set"), |c| c
        .option_sets())
);

#[tokio::test]
async fn create_sends_relations_as_ids() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/nl/products.json"))
        .and(basic_auth(KEY, SECRET))
        .and(body_json(json!({"product": {
            "title": "Relais board",
            "visibility": "visible",
            "brand": 1171202,
            "supplier": 78794,
            "type": 3029
        }})))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"product": fixture_item("product.json", "product")})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let body = ProductCreate {
        title: Some("Relais board".into()),
        visibility: Some(Visibility::Visible),
        brand: Some(1_171_202),
        supplier: Some(78_794),
        product_type: Some(3029),
        ..Default::default()
    };
    let product = client(&server).products().create(&body).await.unwrap();
    assert_eq!(product.id, 20_967_267);
}

#[tokio::test]
async fn brand_filter_update_and_delete() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/nl/products.json"))
        .and(query_param("brand", "1171202"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"products": [fixture_item("product.json", "product")]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/nl/products/20967267.json"))
        .and(body_json(json!({"product": {"isVisible": false}})))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"product": fixture_item("product.json", "product")})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/nl/products/20967267.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let found = client
        .products()
        .list()
        .brand(1_171_202)
        .all()
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    let update = ProductUpdate {
        is_visible: Some(false),
        ..Default::default()
    };
    client.products().update(20_967_267, &update).await.unwrap();
    client.products().delete(20_967_267).await.unwrap();
}
