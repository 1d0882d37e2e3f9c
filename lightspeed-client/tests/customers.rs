//! Contract tests: customers.

mod common;

use common::contract::{KEY, SECRET, client};
use common::fixture_item;
use lightspeed_client::models::{CustomerCreate, CustomerUpdate, MetafieldCreate};
use serde_json::json;
use wiremock::matchers::{basic_auth, body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

contract_suite!(
    customer_suite,
    case!(
        "customers",
        2178882,
        "customer",
        "customers",
        ("customer.json", "customer"),
        |c| c.customers()
    )
);

#[tokio::test]
async fn create_sends_the_country_as_an_iso_code() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/nl/customers.json"))
        .and(basic_auth(KEY, SECRET))
        .and(body_json(json!({"customer": {
            "email": "jan@example.nl",
            "firstname": "Jan",
            "lastname": "Jansen",
            "isCompany": true,
            "companyName": "Jansen BV",
            "companyCoCNumber": "12345678",
            "companyVatNumber": "NL001234567B01",
            "addressBillingCountry": "nl",
            "doNotifyRegistered": false
        }})))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"customer": fixture_item("customer.json", "customer")})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let body = CustomerCreate {
        email: Some("jan@example.nl".into()),
        firstname: Some("Jan".into()),
        lastname: Some("Jansen".into()),
        is_company: Some(true),
        company_name: Some("Jansen BV".into()),
        company_co_c_number: Some("12345678".into()),
        company_vat_number: Some("NL001234567B01".into()),
        address_billing_country: Some("nl".into()),
        do_notify_registered: Some(false),
        ..Default::default()
    };
    let created = client(&server).customers().create(&body).await.unwrap();
    // countries are objects on read
    assert_eq!(
        created
            .address_billing_country
            .and_then(|c| c.code)
            .as_deref(),
        Some("ca")
    );
}

#[tokio::test]
async fn email_filter_update_delete_and_metafields() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/nl/customers.json"))
        .and(query_param("email", "qwerty@uiop.com"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"customers": [fixture_item("customer.json", "customer")]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/nl/customers/2178882.json"))
        .and(body_json(json!({"customer": {"phone": "+31 20 1234567"}})))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"customer": fixture_item("customer.json", "customer")})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/nl/customers/2178882.json"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/nl/customers/2178882/metafields.json"))
        .and(body_json(
            json!({"customerMetafield": {"key": "debtor", "value": "D1000"}}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(
            json!({"customerMetafield": {"id": 1, "key": "debtor", "value": "D1000"}}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let found = client
        .customers()
        .list()
        .email("qwerty@uiop.com")
        .all()
        .await
        .unwrap();
    assert_eq!(found[0].id, 2_178_882);
    let update = CustomerUpdate {
        phone: Some("+31 20 1234567".into()),
        ..Default::default()
    };
    client.customers().update(2_178_882, &update).await.unwrap();
    client.customers().delete(2_178_882).await.unwrap();
    let field = client
        .customers()
        .metafields(2_178_882)
        .create(&MetafieldCreate {
            key: Some("debtor".into()),
            value: Some("D1000".into()),
        })
        .await
        .unwrap();
    assert_eq!(field.key.as_deref(), Some("debtor"));
}
