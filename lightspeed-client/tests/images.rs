//! Contract tests: product images (URL, base64 and multipart uploads).

mod common;

use bytes::Bytes;
use common::contract::{KEY, SECRET, client};
use common::fixture_item;
use lightspeed_client::Error;
use lightspeed_client::models::ImageSource;
use serde_json::json;
use wiremock::matchers::{basic_auth, body_json, body_string_contains, header_regex, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

contract_suite!(
    image_suite,
    case!(
        "products/163090479/images",
        445094675,
        "productImage",
        "productImages",
        ("productImage.live-eu1-nl.json", "productImage"),
        |c| c.products().images(163090479)
    )
);

fn created() -> ResponseTemplate {
    ResponseTemplate::new(201).set_body_json(
        json!({"productImage": fixture_item("productImage.live-eu1-nl.json", "productImage")}),
    )
}

#[tokio::test]
async fn upload_from_a_url() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/nl/products/163090479/images.json"))
        .and(basic_auth(KEY, SECRET))
        .and(body_json(
            json!({"productImage": {"attachment": "https://cdn.example.com/relais.png"}}),
        ))
        .respond_with(created())
        .expect(1)
        .mount(&server)
        .await;
    let image = client(&server)
        .products()
        .images(163_090_479)
        .create(&ImageSource::Url(
            "https://cdn.example.com/relais.png".into(),
        ))
        .await
        .unwrap();
    assert_eq!(image.id, 445_094_675);
}

#[tokio::test]
async fn upload_base64_with_a_sanitised_filename() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/nl/products/163090479/images.json"))
        .and(body_json(
            json!({"productImage": {"attachment": "iVBORw==", "filename": "relais 3V.png"}}),
        ))
        .respond_with(created())
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .products()
        .images(163_090_479)
        .create(&ImageSource::Base64 {
            data: Bytes::from_static(&[0x89, 0x50, 0x4e, 0x47]),
            filename: "uploads/relais (3V).png".into(),
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn upload_multipart_with_an_attachment_part() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/nl/products/163090479/images.json"))
        .and(header_regex("content-type", "^multipart/form-data; boundary=.+"))
        .and(body_string_contains(
            "Content-Disposition: form-data; name=\"attachment\"; filename=\"relais.png\"\r\nContent-Type: image/png\r\n\r\nPNGBYTES\r\n",
        ))
        .respond_with(created())
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .products()
        .images(163_090_479)
        .create(&ImageSource::Multipart {
            bytes: Bytes::from_static(b"PNGBYTES"),
            filename: "relais.png".into(),
            mime: "image/png".into(),
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn a_rejected_upload_is_an_api_error_and_delete_works() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/nl/products/84137615/images.json"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {"code": 400, "method": "CREATE", "request": "/nl/products/84137615/images.json", "message": "Invalid data input."}})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/nl/products/84137615/images/1.json"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let images = client.products().images(84_137_615);
    match images
        .create(&ImageSource::Url("https://x/y.png".into()))
        .await
    {
        Err(Error::Api {
            method, message, ..
        }) => {
            assert_eq!(method, "CREATE");
            assert_eq!(message, "Invalid data input.");
        }
        other => panic!("expected an API error, got {other:?}"),
    }
    images.delete(1).await.unwrap();
}
