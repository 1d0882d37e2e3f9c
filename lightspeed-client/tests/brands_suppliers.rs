//! Contract tests: brands and suppliers.

mod common;

use common::contract::client;
use lightspeed_client::models::{BrandCreate, SupplierCreate};
use serde_json::json;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

contract_suite!(
    brand_suite,
    case!(
        "brands",
        1171202,
        "brand",
        "brands",
        ("brand.json", "brand"),
        |c| c.brands()
    )
);
contract_suite!(
    supplier_suite,
    case!(
        "suppliers",
        82171,
        "supplier",
        "suppliers",
        ("supplier.json", "supplier"),
        |c| c.suppliers()
    )
);

#[tokio::test]
async fn supplier_writes_keep_the_snake_case_fields() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/nl/suppliers.json"))
        .and(body_json(json!({"supplier": {"title": "Delta BV", "attention_of": "Inkoop", "zip_code": "1234AB"}})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"supplier": {"id": 9, "title": "Delta BV", "zip_code": "1234AB", "country_id": false}})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/nl/brands.json"))
        .and(body_json(
            json!({"brand": {"title": "Delta", "isVisible": true}}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(
            json!({"brand": {"id": 5000916, "title": "Delta", "content": false, "image": false}}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let supplier = client
        .suppliers()
        .create(&SupplierCreate {
            title: Some("Delta BV".into()),
            attention_of: Some("Inkoop".into()),
            zip_code: Some("1234AB".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(supplier.zip_code.as_deref(), Some("1234AB"));
    assert!(supplier.country.is_none());
    let brand = client
        .brands()
        .create(&BrandCreate {
            title: Some("Delta".into()),
            is_visible: Some(true),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(brand.content.is_none() && brand.image.is_none());
}
