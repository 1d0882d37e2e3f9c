//! Contract tests: specification types, attributes, their links and product attribute values.

mod common;

use common::contract::client;
use common::fixture_item;
use lightspeed_client::models::{AttributeCreate, ProductAttributeUpdate, TypesAttributeCreate};
use serde_json::json;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

contract_suite!(
    type_suite,
    case!("types", 3029, "type", "types", ("type.json", "type"), |c| c
        .types())
);
contract_suite!(
    attribute_suite,
    case!(
        "attributes",
        15992,
        "attribute",
        "attributes",
        ("attribute.json", "attribute"),
        |c| c.attributes()
    )
);
contract_suite!(
    types_attribute_suite,
    case!(
        "types/attributes",
        8273,
        "typesAttribute",
        "typesAttributes",
        ("typesAttribute.json", "typesAttribute"),
        |c| c.types_attributes()
    )
);
contract_suite!(
    product_attribute_suite,
    case!(
        "products/20967267/attributes",
        14973,
        "productAttribute",
        "productAttributes",
        ("productAttribute.json", "productAttribute"),
        |c| c.products().attributes(20967267)
    )
);

#[tokio::test]
async fn link_an_attribute_the_create_answer_uses_the_plural_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/nl/types/attributes.json"))
        .and(body_json(
            json!({"typesAttribute": {"type": 3052, "attribute": 7214}}),
        ))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"typesAttributes": {"id": 8273, "sortOrder": null}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/nl/types/attributes.json"))
        .and(query_param("type", "3052"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"typesAttributes": [fixture_item("typesAttribute.json", "typesAttribute")]}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let link = client
        .types_attributes()
        .create(&TypesAttributeCreate {
            product_type: 3052,
            attribute: 7214,
            sort_order: None,
        })
        .await
        .unwrap();
    assert_eq!(link.id, 8273);
    let links = client
        .types_attributes()
        .list()
        .product_type(3052)
        .all()
        .await
        .unwrap();
    assert_eq!(links[0].attribute.as_ref().and_then(|a| a.id), Some(7214));
}

#[tokio::test]
async fn product_attribute_values_are_put_and_attributes_created() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/nl/products/20967267/attributes/14973.json"))
        .and(body_json(json!({"productAttribute": {"value": "USA"}})))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"productAttribute": fixture_item("productAttribute.json", "productAttribute")}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/nl/attributes.json"))
        .and(body_json(
            json!({"attribute": {"title": "Made in", "defaultValue": "NL"}}),
        ))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"attribute": fixture_item("attribute.json", "attribute")})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let value = client
        .products()
        .attributes(20_967_267)
        .update(
            14_973,
            &ProductAttributeUpdate {
                value: "USA".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(value.value.as_deref(), Some("USA"));
    let attribute = client
        .attributes()
        .create(&AttributeCreate {
            title: Some("Made in".into()),
            default_value: Some("NL".into()),
        })
        .await
        .unwrap();
    assert_eq!(attribute.id, 15_992);
}
