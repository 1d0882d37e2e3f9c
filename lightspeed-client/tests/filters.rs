//! Contract tests: custom filters, filter values and product filter values.

mod common;

use common::contract::client;
use lightspeed_client::models::{FilterCreate, FilterValueCreate, ProductFilterValueCreate};
use serde_json::json;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

contract_suite!(
    filter_suite,
    case!(
        "filters",
        7169,
        "filter",
        "filters",
        ("filter.json", "filter"),
        |c| c.filters()
    )
);
contract_suite!(
    filter_value_suite,
    case!(
        "filters/7169/values",
        26785,
        "filterValue",
        "filterValues",
        ("filterValue.json", "filterValue"),
        |c| c.filters().values(7169)
    )
);
// The live shop uses `productFiltervalue` (lower-case v) for lists and single objects.
contract_suite!(
    product_filter_value_suite,
    case!(
        "products/20967267/filtervalues",
        3928,
        "productFiltervalue",
        "productFiltervalue",
        ("productFilterValue.json", "productFilterValue"),
        |c| c.products().filter_values(20967267)
    )
);

#[tokio::test]
async fn writes_use_the_live_keys() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/nl/products/20967267/filtervalues.json"))
        .and(body_json(
            json!({"productFiltervalue": {"filter": 3934, "filtervalue": 29110}}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(
            json!({"productFiltervalue": {"id": 3928, "filter": false, "filtervalue": false}}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/nl/filters.json"))
        .and(body_json(
            json!({"filter": {"title": "Spanning", "isActive": true}}),
        ))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"filter": {"id": 1, "title": "Spanning"}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/nl/filters/1/values.json"))
        .and(body_json(
            json!({"filterValue": {"title": "3V", "position": 1}}),
        ))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"filterValue": {"id": 2, "title": "3V"}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/nl/products/20967267/filtervalues/3928.json"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let set = client
        .products()
        .filter_values(20_967_267)
        .create(&ProductFilterValueCreate {
            filter: 3934,
            filter_value: 29_110,
        })
        .await
        .unwrap();
    assert_eq!(set.id, 3928);
    let filter = client
        .filters()
        .create(&FilterCreate {
            title: Some("Spanning".into()),
            is_active: Some(true),
            ..Default::default()
        })
        .await
        .unwrap();
    let value = client
        .filters()
        .values(filter.id)
        .create(&FilterValueCreate {
            title: Some("3V".into()),
            position: Some(1),
        })
        .await
        .unwrap();
    assert_eq!(value.id, 2);
    client
        .products()
        .filter_values(20_967_267)
        .delete(3928)
        .await
        .unwrap();
}
