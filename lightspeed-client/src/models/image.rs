//! Product images (`products/{id}/images`) and how to upload one.

use bytes::Bytes;
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::entity::entity;
use crate::serde_util::{false_as_none, int, opt_int};

/// A product image (`{"productImage": {...}}`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductImage {
    /// Image id.
    #[serde(deserialize_with = "int")]
    pub id: u64,
    /// Position.
    #[serde(default, deserialize_with = "opt_int")]
    pub sort_order: Option<i64>,
    /// Upload time.
    #[serde(default, deserialize_with = "false_as_none")]
    pub created_at: Option<DateTime<FixedOffset>>,
    /// Last change.
    #[serde(default, deserialize_with = "false_as_none")]
    pub updated_at: Option<DateTime<FixedOffset>>,
    /// File extension.
    #[serde(default, deserialize_with = "false_as_none")]
    pub extension: Option<String>,
    /// Size in bytes.
    #[serde(default, deserialize_with = "opt_int")]
    pub size: Option<u64>,
    /// Title.
    #[serde(default, deserialize_with = "false_as_none")]
    pub title: Option<String>,
    /// Thumbnail URL.
    #[serde(default, deserialize_with = "false_as_none")]
    pub thumb: Option<String>,
    /// Full-size URL.
    #[serde(default, deserialize_with = "false_as_none")]
    pub src: Option<String>,
}

entity!(
    ProductImage,
    single: ["productImage", "productsImage"],
    list: ["productImages", "productsImages"],
    write: "productImage",
    delete: true
);

/// Where a new product image comes from. The API field is `attachment` in every case.
///
/// Which forms a live shop accepts is not fully confirmed: a URL is supported by design (the
/// server fetches it), base64 + filename is what a production integration shipped, and multipart
/// is the official client's route for local files.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ImageSource {
    /// A public URL the shop downloads: `{"productImage": {"attachment": url}}`.
    Url(String),
    /// Raw image bytes sent base64-encoded in JSON with a file name:
    /// `{"productImage": {"attachment": "<base64>", "filename": "…"}}`.
    Base64 {
        /// The image bytes (not yet encoded).
        data: Bytes,
        /// File name (sanitised before sending).
        filename: String,
    },
    /// Raw image bytes sent as `multipart/form-data` with a file part named `attachment`.
    Multipart {
        /// The image bytes.
        bytes: Bytes,
        /// File name (sanitised before sending).
        filename: String,
        /// MIME type (`image/png`).
        mime: String,
    },
}

impl std::fmt::Debug for ImageSource {
    // Manual so that debug output does not dump whole images.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Url(url) => f.debug_tuple("Url").field(url).finish(),
            Self::Base64 { data, filename } => f
                .debug_struct("Base64")
                .field("bytes", &data.len())
                .field("filename", filename)
                .finish(),
            Self::Multipart {
                bytes,
                filename,
                mime,
            } => f
                .debug_struct("Multipart")
                .field("bytes", &bytes.len())
                .field("filename", filename)
                .field("mime", mime)
                .finish(),
        }
    }
}

/// Makes a file name safe to send: drops directories, path separators, parentheses (which a
/// production integration found the API rejects), quotes and control characters. Falls back to
/// `image` when nothing is left.
pub fn sanitize_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base
        .chars()
        .filter(|c| !matches!(c, '(' | ')' | '"' | '/' | '\\') && !c.is_control())
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.').trim();
    if trimmed.is_empty() {
        "image".to_owned()
    } else {
        trimmed.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filenames_are_sanitised() {
        assert_eq!(sanitize_filename("photo (1).jpg"), "photo 1.jpg");
        assert_eq!(sanitize_filename("../../etc/passwd"), "passwd");
        assert_eq!(sanitize_filename("C:\\pics\\a(b).png"), "ab.png");
        assert_eq!(sanitize_filename("we\"ird\r\n.png"), "weird.png");
        assert_eq!(sanitize_filename("()"), "image");
        assert_eq!(sanitize_filename(".hidden"), "hidden");
    }

    #[test]
    fn debug_does_not_dump_bytes() {
        let src = ImageSource::Base64 {
            data: Bytes::from_static(b"\x89PNG-secret-pixels"),
            filename: "a.png".into(),
        };
        let dbg = format!("{src:?}");
        assert!(dbg.contains("a.png"));
        assert!(!dbg.contains("secret-pixels"));
    }
}
