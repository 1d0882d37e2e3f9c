//! Contract tests: taxes, payment methods and shipping methods.

mod common;

use common::contract::client;
use lightspeed_client::models::TaxCreate;
use rust_decimal_macros::dec;
use serde_json::json;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

contract_suite!(
    tax_suite,
    case!("taxes", 26998, "tax", "taxes", ("tax.json", "tax"), |c| c
        .taxes())
);
contract_suite!(
    payment_method_suite,
    case!(
        "paymentmethods",
        126,
        "paymentmethod",
        "paymentmethods",
        ("paymentmethod.json", "paymentmethod"),
        |c| c.payment_methods()
    )
);
contract_suite!(
    shipping_method_suite,
    case!(
        "shippingmethods",
        33265,
        "shippingmethod",
        "shippingmethods",
        ("shippingmethod.json", "shippingmethod"),
        |c| c.shipping_methods()
    )
);

#[tokio::test]
async fn tax_rates_are_written_as_fractions() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/nl/taxes.json"))
        .and(body_json(
            json!({"tax": {"title": "BTW laag", "rate": 0.09}}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(
            json!({"tax": {"id": 5, "rate": 0.09, "title": "BTW laag", "isDefault": false}}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let tax = client(&server)
        .taxes()
        .create(&TaxCreate {
            title: Some("BTW laag".into()),
            rate: Some(dec!(0.09)),
            is_default: None,
        })
        .await
        .unwrap();
    assert_eq!(tax.rate, Some(dec!(0.09)));
    assert_eq!(tax.rate_percent(), Some(dec!(9)));
}
