//! [`LedgerOptions`]: which AccountView columns the connector reads and writes.
//!
//! Every column the reference marks as inferred or open is an option here with a documented default,
//! so a live tenant can correct it in configuration instead of code. An optional column is switched
//! off with an empty string (`ean_column = ""`), because TOML has no `null`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sync_core::error::SyncError;

use crate::query::MAX_PAGE_SIZE;

/// Where the connector finds and puts things in an AccountView administration.
///
/// Deserialises from the binary's `[accountview.ledger]` table; unknown keys are an error (a typo must
/// not silently fall back to a default). See each field for its default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LedgerOptions {
    /// `SO_HDR` column that holds the external reference of a sales order, and that
    /// [`find_booking`](sync_core::traits::Ledger::find_booking) filters on. Default `COMMENT1`.
    pub sales_order_reference_column: String,
    /// `DJ_PAGE` column that holds the external reference of a sales invoice or credit note.
    /// Default `HDR_DESC`.
    pub sales_invoice_reference_column: String,
    /// `SO_HDR` column with the order number AccountView generates. Default `ORD_NR`.
    pub sales_order_number_column: String,
    /// Business object that reads journal pages back (lookups). Default `DJ2`; real tenants may need
    /// `DJ2P`.
    pub journal_read_object: String,
    /// `DJ_PAGE` column with the booking's number; `PAGE_NR` is the fallback when it is empty.
    /// Default `INV_NR`.
    pub journal_number_column: String,
    /// The sales journal (`DJ_CODE`) invoices and credit notes are posted in. Default `700`.
    pub sales_journal: String,
    /// `ARTICLE` column with the EAN/GTIN. Default `BAR_CODE`.
    #[serde(with = "optional_column")]
    pub ean_column: Option<String>,
    /// `ARTICLE` column with a SKU kept apart from the article code. Default none: `ART_CODE` is the
    /// SKU.
    #[serde(with = "optional_column")]
    pub sku_column: Option<String>,
    /// `ARTICLE` column with the blocked flag. Default `REC_BLK` (as on debtors; not confirmed for
    /// articles).
    #[serde(with = "optional_column")]
    pub article_blocked_column: Option<String>,
    /// `ARTICLE` column with the article's VAT code. Default `VAT_CODE` (not confirmed).
    #[serde(with = "optional_column")]
    pub article_vat_code_column: Option<String>,
    /// `SO_LINE` column for a line's discount amount. Default `DISC_AMT`. When none, a discounted line
    /// is sent with its net unit price (line amount / quantity, 4 decimals) as `ART_PX`.
    #[serde(with = "optional_column")]
    pub order_line_discount_column: Option<String>,
    /// `SO_LINE` column for the line description. Default none (AccountView takes the article's).
    #[serde(with = "optional_column")]
    pub order_line_description_column: Option<String>,
    /// `SO_LINE` column for the line's VAT code. Default none (AccountView takes the article's).
    #[serde(with = "optional_column")]
    pub order_line_vat_code_column: Option<String>,
    /// `SO_LINE` column for the line's revenue account. Default none (AccountView takes the
    /// article's).
    #[serde(with = "optional_column")]
    pub order_line_revenue_account_column: Option<String>,
    /// Header column (`SO_HDR` and `DJ_PAGE`) for the payment condition. Default `DISC_CODE`.
    #[serde(with = "optional_column")]
    pub payment_condition_column: Option<String>,
    /// `SO_HDR` column for the shipping method code. Default `SHIP_MTH`.
    #[serde(with = "optional_column")]
    pub shipping_method_column: Option<String>,
    /// `SO_HDR` column for the payment method code. Default none.
    #[serde(with = "optional_column")]
    pub payment_method_column: Option<String>,
    /// `SO_HDR` column for the shop (store) id. Default none.
    #[serde(with = "optional_column")]
    pub shop_id_column: Option<String>,
    /// Extra `SO_HDR` columns with fixed text values (e.g. `EMP_NR = "WEB"`).
    pub header_constants: BTreeMap<String, String>,
    /// Extra `SO_LINE` columns with fixed text values.
    pub line_constants: BTreeMap<String, String>,
    /// Extra `DJ_PAGE` columns with fixed text values.
    pub journal_header_constants: BTreeMap<String, String>,
    /// Extra `DJ_LINE` columns with fixed text values.
    pub journal_line_constants: BTreeMap<String, String>,
    /// `CONTACT` column for a debtor's revenue account. Default none.
    #[serde(with = "optional_column")]
    pub debtor_revenue_account_column: Option<String>,
    /// Rows per page when reading articles. Default 1000 (the largest size seen working).
    pub article_page_size: u32,
    /// Rows per page when scanning debtors (debtor numbers, changed debtors). Default 1000.
    pub debtor_page_size: u32,
}

impl Default for LedgerOptions {
    fn default() -> Self {
        let some = |s: &str| Some(s.to_owned());
        Self {
            sales_order_reference_column: "COMMENT1".into(),
            sales_invoice_reference_column: "HDR_DESC".into(),
            sales_order_number_column: "ORD_NR".into(),
            journal_read_object: "DJ2".into(),
            journal_number_column: "INV_NR".into(),
            sales_journal: "700".into(),
            ean_column: some("BAR_CODE"),
            sku_column: None,
            article_blocked_column: some("REC_BLK"),
            article_vat_code_column: some("VAT_CODE"),
            order_line_discount_column: some("DISC_AMT"),
            order_line_description_column: None,
            order_line_vat_code_column: None,
            order_line_revenue_account_column: None,
            payment_condition_column: some("DISC_CODE"),
            shipping_method_column: some("SHIP_MTH"),
            payment_method_column: None,
            shop_id_column: None,
            header_constants: BTreeMap::new(),
            line_constants: BTreeMap::new(),
            journal_header_constants: BTreeMap::new(),
            journal_line_constants: BTreeMap::new(),
            debtor_revenue_account_column: None,
            article_page_size: MAX_PAGE_SIZE,
            debtor_page_size: MAX_PAGE_SIZE,
        }
    }
}

/// An optional column as text: `""` (or only blanks) is "off", and "off" is written as `""`, so a
/// written configuration reads back the same instead of falling back to the default column.
mod optional_column {
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        let value = Option::<String>::deserialize(d)?;
        Ok(value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()))
    }

    pub(super) fn serialize<S: Serializer>(
        value: &Option<String>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.serialize_str(value.as_deref().unwrap_or(""))
    }
}

/// Columns the `SO_HDR` mapping always writes itself; an option may not name them.
pub(super) const SO_HEADER_FIXED: [&str; 6] = [
    "ORD_DATE", "INV_DATE", "RPL_INV", "RPL_DEL", "DEL_CODE", "TO_EMAIL",
];
/// Columns the `SO_LINE` mapping always writes itself.
pub(super) const SO_LINE_FIXED: [&str; 3] = ["ART_CODE", "ORD_QTY", "ART_PX"];
/// Columns the `DJ_PAGE` mapping always writes itself (`HDR_DESC` may hold the reference).
pub(super) const DJ_PAGE_FIXED: [&str; 7] = [
    "DJ_CODE",
    "SUB_NR",
    "INV_NR",
    "TRN_DATE",
    "PERIOD",
    "GROSS_FLG",
    "CUR_CODE",
];
/// Columns the `DJ_LINE` mapping always writes itself.
pub(super) const DJ_LINE_FIXED: [&str; 6] = [
    "ACCT_NR", "TRN_DESC", "AMOUNT", "VAT_CODE", "VAT_AMT", "TRN_QTY",
];

/// Whether `name` looks like an AccountView column or business-object code (letters, digits, `_`).
fn is_column_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Collects the problems of one table's configured columns.
struct TableCheck<'a> {
    table: &'static str,
    fixed: &'a [&'a str],
    used: Vec<(String, &'static str)>,
    problems: &'a mut Vec<String>,
}

impl TableCheck<'_> {
    fn column(&mut self, option: &'static str, column: Option<&str>) {
        let Some(column) = column else { return };
        if !is_column_name(column) {
            self.problems.push(format!(
                "{option}: `{column}` is not a column name (letters, digits and `_` only)"
            ));
            return;
        }
        if self.fixed.iter().any(|f| f.eq_ignore_ascii_case(column)) {
            self.problems.push(format!(
                "{option}: `{column}` is already written by the connector on {}",
                self.table
            ));
            return;
        }
        if let Some((_, other)) = self
            .used
            .iter()
            .find(|(c, _)| c.eq_ignore_ascii_case(column))
        {
            self.problems.push(format!(
                "{option}: `{column}` is also set by {other} on {}",
                self.table
            ));
            return;
        }
        self.used.push((column.to_owned(), option));
    }

    fn constants(&mut self, option: &'static str, constants: &BTreeMap<String, String>) {
        for column in constants.keys() {
            self.column(option, Some(column));
        }
    }
}

impl LedgerOptions {
    /// Checks the options: column names are names, no two options write the same column of a table,
    /// no option names a column the connector writes itself, page sizes lie in 1..=1000. A problem is a
    /// fatal configuration error listing every problem found.
    pub fn validate(&self) -> Result<(), SyncError> {
        let mut problems = Vec::new();
        for (option, value) in [
            ("sales_order_number_column", &self.sales_order_number_column),
            ("journal_read_object", &self.journal_read_object),
            ("journal_number_column", &self.journal_number_column),
        ] {
            if !is_column_name(value) {
                problems.push(format!(
                    "{option}: `{value}` is not a column or object name"
                ));
            }
        }
        if self.sales_journal.trim().is_empty() {
            problems.push("sales_journal: must not be empty".to_owned());
        }
        for (option, column) in [
            ("ean_column", &self.ean_column),
            ("sku_column", &self.sku_column),
            ("article_blocked_column", &self.article_blocked_column),
            ("article_vat_code_column", &self.article_vat_code_column),
            (
                "debtor_revenue_account_column",
                &self.debtor_revenue_account_column,
            ),
        ] {
            if let Some(c) = column.as_deref().filter(|c| !is_column_name(c)) {
                problems.push(format!("{option}: `{c}` is not a column name"));
            }
        }

        let mut header = TableCheck {
            table: "SO_HDR",
            fixed: &SO_HEADER_FIXED,
            used: Vec::new(),
            problems: &mut problems,
        };
        header.column(
            "sales_order_reference_column",
            Some(&self.sales_order_reference_column),
        );
        header.column(
            "payment_condition_column",
            self.payment_condition_column.as_deref(),
        );
        header.column(
            "shipping_method_column",
            self.shipping_method_column.as_deref(),
        );
        header.column(
            "payment_method_column",
            self.payment_method_column.as_deref(),
        );
        header.column("shop_id_column", self.shop_id_column.as_deref());
        header.constants("header_constants", &self.header_constants);

        let mut line = TableCheck {
            table: "SO_LINE",
            fixed: &SO_LINE_FIXED,
            used: Vec::new(),
            problems: &mut problems,
        };
        line.column(
            "order_line_discount_column",
            self.order_line_discount_column.as_deref(),
        );
        line.column(
            "order_line_description_column",
            self.order_line_description_column.as_deref(),
        );
        line.column(
            "order_line_vat_code_column",
            self.order_line_vat_code_column.as_deref(),
        );
        line.column(
            "order_line_revenue_account_column",
            self.order_line_revenue_account_column.as_deref(),
        );
        line.constants("line_constants", &self.line_constants);

        let mut page = TableCheck {
            table: "DJ_PAGE",
            fixed: &DJ_PAGE_FIXED,
            used: Vec::new(),
            problems: &mut problems,
        };
        page.column(
            "sales_invoice_reference_column",
            Some(&self.sales_invoice_reference_column),
        );
        page.column(
            "payment_condition_column",
            self.payment_condition_column.as_deref(),
        );
        page.constants("journal_header_constants", &self.journal_header_constants);

        let mut journal_line = TableCheck {
            table: "DJ_LINE",
            fixed: &DJ_LINE_FIXED,
            used: Vec::new(),
            problems: &mut problems,
        };
        journal_line.constants("journal_line_constants", &self.journal_line_constants);

        for (option, size) in [
            ("article_page_size", self.article_page_size),
            ("debtor_page_size", self.debtor_page_size),
        ] {
            if !(1..=MAX_PAGE_SIZE).contains(&size) {
                problems.push(format!("{option}: {size} is outside 1..={MAX_PAGE_SIZE}"));
            }
        }

        if problems.is_empty() {
            Ok(())
        } else {
            Err(SyncError::config(format!(
                "invalid AccountView ledger options: {}",
                problems.join("; ")
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_documented_ones_and_valid() {
        let o = LedgerOptions::default();
        assert_eq!(o.sales_order_reference_column, "COMMENT1");
        assert_eq!(o.sales_invoice_reference_column, "HDR_DESC");
        assert_eq!(o.sales_order_number_column, "ORD_NR");
        assert_eq!(o.journal_read_object, "DJ2");
        assert_eq!(o.journal_number_column, "INV_NR");
        assert_eq!(o.sales_journal, "700");
        assert_eq!(o.ean_column.as_deref(), Some("BAR_CODE"));
        assert_eq!(o.sku_column, None);
        assert_eq!(o.order_line_discount_column.as_deref(), Some("DISC_AMT"));
        assert_eq!(o.payment_condition_column.as_deref(), Some("DISC_CODE"));
        assert_eq!(o.shipping_method_column.as_deref(), Some("SHIP_MTH"));
        assert_eq!(o.article_page_size, 1000);
        o.validate().unwrap();
    }

    #[test]
    fn deserialises_with_blank_as_off_and_rejects_unknown_keys() {
        let o: LedgerOptions = from_json(
            r#"{"ean_column": "", "sku_column": "K1_SKU", "journal_read_object": "DJ2P",
                "header_constants": {"EMP_NR": "WEB"}, "article_page_size": 250}"#,
        );
        assert_eq!(o.ean_column, None);
        assert_eq!(o.sku_column.as_deref(), Some("K1_SKU"));
        assert_eq!(o.journal_read_object, "DJ2P");
        assert_eq!(o.header_constants["EMP_NR"], "WEB");
        assert_eq!(o.article_page_size, 250);
        // untouched keys keep their defaults
        assert_eq!(o.order_line_discount_column.as_deref(), Some("DISC_AMT"));
        assert!(serde_json::from_str::<LedgerOptions>(r#"{"ean_colum": "X"}"#).is_err());
    }

    #[test]
    fn reads_an_embedded_toml_table() {
        #[derive(Deserialize)]
        struct Binary {
            accountview: AccountView,
        }
        #[derive(Deserialize)]
        struct AccountView {
            ledger: LedgerOptions,
        }
        let config: Binary = toml::from_str(
            r#"
            [accountview.ledger]
            sales_invoice_reference_column = "COMMENT1"
            order_line_discount_column = ""
            debtor_page_size = 500
            [accountview.ledger.header_constants]
            EMP_NR = "WEB"
            "#,
        )
        .unwrap();
        let o = config.accountview.ledger;
        assert_eq!(o.sales_invoice_reference_column, "COMMENT1");
        assert_eq!(o.order_line_discount_column, None);
        assert_eq!(o.debtor_page_size, 500);
        assert_eq!(o.header_constants["EMP_NR"], "WEB");
        o.validate().unwrap();
        let text = toml::to_string(&o).unwrap();
        let back: LedgerOptions = toml::from_str(&text).unwrap();
        assert_eq!(back, o, "serialises and reads back the same");
    }

    fn from_json(json: &str) -> LedgerOptions {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn validation_names_every_problem() {
        let mut o = LedgerOptions {
            shipping_method_column: Some("TO_EMAIL".into()),
            payment_method_column: Some("COMMENT1".into()),
            order_line_description_column: Some("ART DESC".into()),
            article_page_size: 0,
            ..LedgerOptions::default()
        };
        o.line_constants.insert("ART_PX".into(), "1".into());
        o.journal_header_constants
            .insert("HDR_DESC".into(), "x".into());
        let err = o.validate().unwrap_err();
        assert!(err.stops_run());
        let m = err.message();
        assert!(
            m.contains("shipping_method_column: `TO_EMAIL` is already written"),
            "{m}"
        );
        assert!(
            m.contains(
                "payment_method_column: `COMMENT1` is also set by sales_order_reference_column"
            ),
            "{m}"
        );
        assert!(m.contains("`ART DESC` is not a column name"), "{m}");
        assert!(m.contains("line_constants: `ART_PX`"), "{m}");
        assert!(
            m.contains("journal_header_constants: `HDR_DESC` is also set"),
            "{m}"
        );
        assert!(m.contains("article_page_size: 0"), "{m}");
    }
}
