//! A minimal `multipart/form-data` encoder.
//!
//! Written here because the [`Transport`](crate::Transport) carries finished body bytes (so that
//! requests can be retried and replayed by in-memory transports), while `reqwest::multipart::Form`
//! only streams into a reqwest request and cannot hand out its bytes. Only what the image upload
//! needs: file parts (RFC 7578).

use bytes::{BufMut, Bytes, BytesMut};

/// A form being built.
#[derive(Debug)]
pub(crate) struct Multipart {
    boundary: String,
    body: BytesMut,
}

impl Multipart {
    pub(crate) fn new() -> Self {
        Self::with_boundary(format!(
            "koppel-{:016x}{:016x}",
            fastrand::u64(..),
            fastrand::u64(..)
        ))
    }

    pub(crate) fn with_boundary(boundary: String) -> Self {
        Self {
            boundary,
            body: BytesMut::new(),
        }
    }

    /// Adds a file part.
    pub(crate) fn file(mut self, name: &str, filename: &str, mime: &str, bytes: &[u8]) -> Self {
        self.open_part();
        self.body.put_slice(
            format!(
                "Content-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: {}\r\n\r\n",
                quote(name),
                quote(filename),
                mime.replace(['\r', '\n'], "")
            )
            .as_bytes(),
        );
        self.body.put_slice(bytes);
        self.body.put_slice(b"\r\n");
        self
    }

    fn open_part(&mut self) {
        self.body.put_slice(b"--");
        self.body.put_slice(self.boundary.as_bytes());
        self.body.put_slice(b"\r\n");
    }

    /// The `Content-Type` header value and the body.
    pub(crate) fn finish(mut self) -> (String, Bytes) {
        self.body.put_slice(b"--");
        self.body.put_slice(self.boundary.as_bytes());
        self.body.put_slice(b"--\r\n");
        (
            format!("multipart/form-data; boundary={}", self.boundary),
            self.body.freeze(),
        )
    }
}

/// Escapes a value for a quoted header parameter.
fn quote(value: &str) -> String {
    value
        .chars()
        .filter(|c| !matches!(c, '\r' | '\n'))
        .map(|c| if c == '"' { '\'' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_files() {
        let (content_type, body) = Multipart::with_boundary("B".into())
            .file("attachment", "a.png", "image/png", b"\x89PNG")
            .finish();
        assert_eq!(content_type, "multipart/form-data; boundary=B");
        let expected: &[u8] = b"--B\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\
--B--\r\n";
        assert_eq!(&body[..], expected);
    }

    #[test]
    fn header_values_cannot_break_out() {
        let (_, body) = Multipart::with_boundary("B".into())
            .file("attachment", "x\"\r\ny.png", "image/png\r\nX: 1", b"")
            .finish();
        let text = String::from_utf8_lossy(&body);
        assert!(text.contains("filename=\"x'y.png\""));
        assert!(text.contains("Content-Type: image/pngX: 1\r\n"));
    }
}
