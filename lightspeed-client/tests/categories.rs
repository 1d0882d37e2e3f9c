//! Contract tests: categories and category–product links.

mod common;

use common::contract::client;
use common::fixture_item;
use lightspeed_client::models::{CategoryCreate, CategoryProductCreate};
use serde_json::json;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

contract_suite!(
    category_suite,
    case!(
        "categories",
        1541387,
        "category",
        "categories",
        ("category.json", "category"),
        |c| c.categories()
    )
);
contract_suite!(
    category_link_suite,
    case!(
        "categories/products",
        5622228,
        "categoriesProduct",
        "categoriesProducts",
        ("categoriesProduct.json", "categoriesProduct"),
        |c| c.categories().products()
    )
);

#[tokio::test]
async fn link_a_product_and_filter_links() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/nl/categories/products.json"))
        .and(body_json(json!({"categoriesProduct": {"category": 13881645, "product": 163090479}})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"categoriesProduct": fixture_item("categoriesProducts.live-eu1-nl.json", "categoriesProducts")})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/nl/categories/products.json"))
        .and(query_param("product", "163090479"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"categoriesProducts": [fixture_item("categoriesProducts.live-eu1-nl.json", "categoriesProducts")]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/nl/categories/products/1171906066.json"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let link = client
        .category_products()
        .create(&CategoryProductCreate {
            category: 13_881_645,
            product: 163_090_479,
            sort_order: None,
        })
        .await
        .unwrap();
    assert_eq!(link.category_id(), Some(13_881_645));
    let links = client
        .categories()
        .products()
        .list()
        .product(163_090_479)
        .all()
        .await
        .unwrap();
    assert_eq!(links[0].product_id(), Some(163_090_479));
    client
        .categories()
        .products()
        .delete(1_171_906_066)
        .await
        .unwrap();
}

#[tokio::test]
async fn create_a_child_category_and_list_children() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/nl/categories.json"))
        .and(body_json(
            json!({"category": {"title": "Relais", "isVisible": true, "parent": 13881644}}),
        ))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"category": fixture_item("category.json", "category")})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/nl/categories.json"))
        .and(query_param("parent", "13881644"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"categories": []})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let body = CategoryCreate {
        title: Some("Relais".into()),
        is_visible: Some(true),
        parent: Some(13_881_644),
        ..Default::default()
    };
    client.categories().create(&body).await.unwrap();
    assert!(
        client
            .categories()
            .list()
            .parent(13_881_644)
            .all()
            .await
            .unwrap()
            .is_empty()
    );
}
