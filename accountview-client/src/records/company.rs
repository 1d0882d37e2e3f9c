//! Administrations (companies) the user may access: `GET /companies`.

use http::Method;

use super::RowReader;
use crate::client::{AccountViewClient, Call};
use crate::dataset::Row;
use crate::discovery::array_rows;
use crate::error::{Error, Result};

/// An administration. Data calls name it by [`Company::id`] in `X-Company`; users know it by its code.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Company {
    /// `Id`: the value for `X-Company` (required: an entry without it cannot be used).
    pub id: String,
    /// `Code`, e.g. `SPAAK` (`None` when the entry has none).
    pub code: Option<String>,
    /// `Description` (`None` when the entry has none).
    pub description: Option<String>,
    /// Every other field.
    pub extra: Row,
}

impl Company {
    /// Reads one entry of `/companies`.
    pub fn from_row(row: &Row) -> Result<Self> {
        let mut r = RowReader::new(row);
        let id = r
            .text("Id")
            .ok_or_else(|| Error::decode("Id", "company without Id", ""))?;
        Ok(Self {
            id,
            code: r.text("Code"),
            description: r.text("Description"),
            extra: r.extra(),
        })
    }

    /// Whether the administration has the code `code` (case-insensitive, trimmed).
    pub fn has_code(&self, code: &str) -> bool {
        self.code
            .as_deref()
            .is_some_and(|c| c.trim().eq_ignore_ascii_case(code.trim()))
    }

    /// `CODE (Description)` for people, with what is missing left out (the id when both are).
    pub fn label(&self) -> String {
        match (self.code.as_deref(), self.description.as_deref()) {
            (Some(code), Some(description)) => format!("{code} ({description})"),
            (Some(code), None) => code.to_owned(),
            (None, Some(description)) => format!("{} ({description})", self.id),
            (None, None) => self.id.clone(),
        }
    }
}

impl AccountViewClient {
    /// The administrations the authorised user may access (no `X-Company` needed).
    pub async fn companies(&self) -> Result<Vec<Company>> {
        let call = Call {
            path: "companies",
            params: Vec::new(),
            body: None,
            business_object: None,
            needs_company: false,
        };
        let response = self.send(Method::GET, call).await?;
        array_rows(&response.body)?
            .iter()
            .enumerate()
            .map(|(i, row)| Company::from_row(row).map_err(|e| e.at_path(&format!("[{i}]"))))
            .collect()
    }

    /// The administration with code `code` (case-insensitive, trimmed), if the user has it.
    pub async fn company_by_code(&self, code: &str) -> Result<Option<Company>> {
        Ok(self
            .companies()
            .await?
            .into_iter()
            .find(|c| c.has_code(code)))
    }
}
