//! Product images: list, get, count, delete, and upload from a URL, base64 or multipart.

use base64::Engine as _;
use http::Method;
use serde::Serialize;

use crate::entity::Entity;
use crate::envelope::Single;
use crate::error::Result;
use crate::execute::Body;
use crate::handler::Handler;
use crate::models::{ImageSource, Product, ProductImage, sanitize_filename};
use crate::multipart::Multipart;

impl Handler<Product> {
    /// The images of a product (`products/{id}/images`).
    pub fn images(&self, product_id: u64) -> Handler<ProductImage> {
        Handler::new(&self.client, format!("products/{product_id}/images"))
    }
}

#[derive(Serialize)]
struct Attachment<'a> {
    attachment: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    filename: Option<String>,
}

/// Builds the request body for an image source.
pub(crate) fn image_body(source: &ImageSource) -> Result<Body> {
    let key = ProductImage::KEYS.write;
    match source {
        ImageSource::Url(url) => Body::envelope(
            key,
            &Attachment {
                attachment: url,
                filename: None,
            },
        ),
        ImageSource::Base64 { data, filename } => {
            let encoded = base64::engine::general_purpose::STANDARD.encode(data);
            Body::envelope(
                key,
                &Attachment {
                    attachment: &encoded,
                    filename: Some(sanitize_filename(filename)),
                },
            )
        }
        ImageSource::Multipart {
            bytes,
            filename,
            mime,
        } => {
            // The official client sends multipart fields flat (no `productImage` wrapper).
            let (content_type, body) = Multipart::new()
                .file("attachment", &sanitize_filename(filename), mime, bytes)
                .finish();
            Ok(Body::Multipart {
                bytes: body,
                content_type,
            })
        }
    }
}

impl Handler<ProductImage> {
    /// Uploads an image: `POST products/{id}/images.json`. Not retried once it may have reached
    /// the server.
    pub async fn create(&self, source: &ImageSource) -> Result<ProductImage> {
        let body = image_body(source)?;
        let Single(image) = self
            .client
            .call::<Single<ProductImage>>(Method::POST, &self.path, &[], body, self.keys.single)
            .await?;
        Ok(image)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    fn json(body: Body) -> serde_json::Value {
        match body {
            Body::Json(b) => serde_json::from_slice(&b).unwrap(),
            other => panic!("expected JSON, got {other:?}"),
        }
    }

    #[test]
    fn url_source() {
        let body = image_body(&ImageSource::Url("https://x/a.png".into())).unwrap();
        assert_eq!(
            json(body),
            serde_json::json!({"productImage": {"attachment": "https://x/a.png"}})
        );
    }

    #[test]
    fn base64_source_with_sanitised_name() {
        let body = image_body(&ImageSource::Base64 {
            data: Bytes::from_static(b"hi"),
            filename: "dir/front (1).png".into(),
        })
        .unwrap();
        assert_eq!(
            json(body),
            serde_json::json!({"productImage": {"attachment": "aGk=", "filename": "front 1.png"}})
        );
    }

    #[test]
    fn multipart_source() {
        let body = image_body(&ImageSource::Multipart {
            bytes: Bytes::from_static(b"PNGDATA"),
            filename: "a(1).png".into(),
            mime: "image/png".into(),
        })
        .unwrap();
        match body {
            Body::Multipart {
                bytes,
                content_type,
            } => {
                assert!(content_type.starts_with("multipart/form-data; boundary="));
                let text = String::from_utf8_lossy(&bytes);
                assert!(text.contains("name=\"attachment\"; filename=\"a1.png\""));
                assert!(text.contains("PNGDATA"));
            }
            other => panic!("expected multipart, got {other:?}"),
        }
    }
}
