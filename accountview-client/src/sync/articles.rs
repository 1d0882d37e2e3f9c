//! Articles: AccountView's `ARTICLE` rows to sync-core's [`ArticleRef`] (the per-run index) and
//! neutral [`Article`](sync_core::domain::Article) (the article source), and `ART_GRP` to groups.

use std::collections::BTreeMap;

use sync_core::domain;
use sync_core::traits::ArticleRef;

use super::options::LedgerOptions;
use super::text::filled;
use crate::dataset::Row;
use crate::records::{Article, ArticleGroup};

/// The columns the article index needs: code, description, and the configured EAN, SKU and blocked
/// columns (each once).
pub(super) fn index_fields(options: &LedgerOptions) -> Vec<String> {
    let mut fields: Vec<String> = vec!["ART_CODE".into(), "ART_DESC1".into()];
    for column in [
        &options.ean_column,
        &options.sku_column,
        &options.article_blocked_column,
    ]
    .into_iter()
    .flatten()
    {
        if !fields.iter().any(|f| f.eq_ignore_ascii_case(column)) {
            fields.push(column.clone());
        }
    }
    fields
}

/// A logical column read leniently: unreadable values count as "not blocked" (and are logged), so one
/// odd row never hides an article from the index.
fn flag(row: &Row, column: Option<&str>) -> bool {
    let Some(column) = column else { return false };
    row.bool(column)
        .inspect_err(|e| tracing::debug!(column, error = %e, "unreadable article flag"))
        .ok()
        .flatten()
        .unwrap_or(false)
}

/// One index entry from an `ARTICLE` row; `None` (with a warning) when the row has no article code.
pub(super) fn article_ref_from_row(row: &Row, options: &LedgerOptions) -> Option<ArticleRef> {
    let Some(code) = row.text_lossy("ART_CODE").and_then(|c| filled(Some(&c))) else {
        tracing::warn!("AK1 row without ART_CODE ignored");
        return None;
    };
    let column = |c: &Option<String>| c.as_deref().and_then(|c| row.text_lossy(c));
    Some(ArticleRef {
        code,
        sku: column(&options.sku_column).and_then(|s| filled(Some(&s))),
        ean: column(&options.ean_column).and_then(|s| filled(Some(&s))),
        description: row.text_lossy("ART_DESC1").unwrap_or_default(),
        blocked: flag(row, options.article_blocked_column.as_deref()),
    })
}

/// A typed article as sync-core's neutral article; `None` without an article code. Every `QTY_*`
/// column goes to `quantities`; every other column the record does not model goes to `fields` (the
/// EAN, SKU, blocked and VAT-code columns are also read into their own fields).
pub(super) fn neutral_article(
    article: Article,
    options: &LedgerOptions,
) -> Option<domain::Article> {
    let code = filled(article.art_code.as_deref())?;
    let extra = &article.extra;
    let column = |c: &Option<String>| {
        c.as_deref()
            .and_then(|c| extra.text_lossy(c))
            .and_then(|v| filled(Some(&v)))
    };
    let fields: BTreeMap<String, serde_json::Value> = extra
        .iter()
        .map(|(k, v)| (k.to_owned(), v.clone()))
        .collect();
    Some(domain::Article {
        description: article.art_desc1.clone().unwrap_or_default(),
        long_description: None,
        group: filled(article.ag_code.as_deref()).map(|code| domain::ArticleGroup {
            code,
            name: String::new(),
        }),
        ean: column(&options.ean_column),
        sku: column(&options.sku_column),
        price: article.px_sell,
        price_includes_vat: None,
        vat_code: column(&options.article_vat_code_column),
        quantities: article.qty.clone(),
        blocked: flag(extra, options.article_blocked_column.as_deref()),
        changed_at: article.cng_date.map(|dt| dt.and_utc()),
        fields,
        code,
    })
}

/// An article group; `None` without a code.
pub(super) fn neutral_group(group: ArticleGroup) -> Option<domain::ArticleGroup> {
    Some(domain::ArticleGroup {
        code: filled(group.ag_code.as_deref())?,
        name: group.ag_desc.unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::Record;
    use rust_decimal_macros::dec;
    use serde_json::json;

    fn row(v: serde_json::Value) -> Row {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn index_fields_follow_the_options() {
        let o = LedgerOptions::default();
        assert_eq!(
            index_fields(&o),
            ["ART_CODE", "ART_DESC1", "BAR_CODE", "REC_BLK"]
        );
        let o = LedgerOptions {
            ean_column: None,
            sku_column: Some("K1_SKU".into()),
            article_blocked_column: Some("art_code".into()),
            ..LedgerOptions::default()
        };
        assert_eq!(index_fields(&o), ["ART_CODE", "ART_DESC1", "K1_SKU"]);
    }

    #[test]
    fn index_entries_read_code_ean_sku_and_blocked() {
        let o = LedgerOptions {
            sku_column: Some("K1_SKU".into()),
            ..LedgerOptions::default()
        };
        let r = article_ref_from_row(
            &row(json!({"ART_CODE": "FB-1001  ", "ART_DESC1": "Fietsbel", "BAR_CODE": 8712345678906u64,
                        "K1_SKU": " ", "REC_BLK": "T"})),
            &o,
        )
        .unwrap();
        assert_eq!(r.code, "FB-1001");
        assert_eq!(r.ean.as_deref(), Some("8712345678906"));
        assert_eq!(r.sku, None);
        assert!(r.blocked);
        assert!(article_ref_from_row(&row(json!({"ART_DESC1": "x"})), &o).is_none());
        let odd = article_ref_from_row(&row(json!({"ART_CODE": "A", "REC_BLK": "maybe"})), &o);
        assert!(!odd.unwrap().blocked);
    }

    #[test]
    fn neutral_articles_keep_quantities_and_custom_fields() {
        let a = Article::from_row(&row(json!({
            "ART_CODE": "FB-1001", "ART_DESC1": "Fietsbel chroom", "AG_CODE": "ACC",
            "PX_SELL": 4.95, "QTY_TECH": 42, "QTY_AVAIL": 37, "BAR_CODE": "8712345678906",
            "VAT_CODE": "2", "REC_BLK": false, "K1_WEBSHOP": true, "CNG_DATE": "2024-05-01T16:40:12"
        })))
        .unwrap();
        let n = neutral_article(a, &LedgerOptions::default()).unwrap();
        assert_eq!(n.code, "FB-1001");
        assert_eq!(n.description, "Fietsbel chroom");
        assert_eq!(n.group.as_ref().unwrap().code, "ACC");
        assert_eq!(n.price, Some(dec!(4.95)));
        assert_eq!(n.quantity("QTY_AVAIL"), Some(dec!(37)));
        assert_eq!(n.ean.as_deref(), Some("8712345678906"));
        assert_eq!(n.vat_code.as_deref(), Some("2"));
        assert!(!n.blocked);
        assert_eq!(n.field("K1_WEBSHOP"), Some(&json!(true)));
        assert_eq!(
            n.changed_at.unwrap().to_rfc3339(),
            "2024-05-01T16:40:12+00:00"
        );
        assert!(neutral_article(Article::default(), &LedgerOptions::default()).is_none());
        let g = neutral_group(ArticleGroup {
            ag_code: Some("ACC".into()),
            ag_desc: Some("Accessoires".into()),
            ..ArticleGroup::default()
        })
        .unwrap();
        assert_eq!((g.code.as_str(), g.name.as_str()), ("ACC", "Accessoires"));
    }
}
