//! The article filter: which ledger articles go to the shop.

use serde::{Deserialize, Serialize};

use crate::domain::Article;

/// A test on an article field, for the article filter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConditionOp {
    /// The field is true: `true`, a non-zero number, or text such as `1`, `true`, `yes`, `ja`, `j`,
    /// `y`, `t`, `x` (case-insensitive).
    #[default]
    Truthy,
    /// The field is absent or not truthy.
    Falsy,
    /// The field equals `value` (text comparison, case-insensitive).
    Equals,
    /// The field does not equal `value`.
    NotEquals,
    /// The field is one of `value` (an array).
    OneOf,
    /// The field is present and not blank.
    Present,
}

/// One condition of the article filter: `{ field = "K1_WEBSHOP", op = "truthy" }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArticleCondition {
    /// The article field.
    pub field: String,
    /// The test (default `truthy`).
    #[serde(default)]
    pub op: ConditionOp,
    /// The value for `equals`, `not_equals` and `one_of`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<serde_json::Value>,
}

fn is_truthy(value: Option<&serde_json::Value>) -> bool {
    match value {
        Some(serde_json::Value::Bool(b)) => *b,
        Some(serde_json::Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        Some(serde_json::Value::String(s)) => matches!(
            s.trim().to_lowercase().as_str(),
            "1" | "true" | "yes" | "ja" | "j" | "y" | "t" | "x"
        ),
        _ => false,
    }
}

fn text_of(value: &serde_json::Value) -> String {
    crate::datamapper::value_text(value).trim().to_lowercase()
}

impl ArticleCondition {
    /// Whether `article` passes.
    pub fn matches(&self, article: &Article) -> bool {
        let field = article.field(&self.field);
        let field_text = field.map(text_of).unwrap_or_default();
        match self.op {
            ConditionOp::Truthy => is_truthy(field),
            ConditionOp::Falsy => !is_truthy(field),
            ConditionOp::Present => !field_text.is_empty(),
            ConditionOp::Equals => self
                .value
                .as_ref()
                .is_some_and(|v| text_of(v) == field_text),
            ConditionOp::NotEquals => self.value.as_ref().is_none_or(|v| text_of(v) != field_text),
            ConditionOp::OneOf => match &self.value {
                Some(serde_json::Value::Array(items)) => {
                    items.iter().any(|v| text_of(v) == field_text)
                }
                _ => false,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::ArticleBuilder;
    use serde_json::json;

    #[test]
    fn article_filter_conditions() {
        let absent = ArticleBuilder::new("C").build();
        let webshop = |value: serde_json::Value| {
            ArticleCondition {
                field: "k1_webshop".into(),
                op: ConditionOp::Truthy,
                value: None,
            }
            .matches(&ArticleBuilder::new("A").field("K1_WEBSHOP", value).build())
        };
        for yes in [
            json!(true),
            json!(1),
            json!("J"),
            json!(" ja "),
            json!("Y"),
            json!("x"),
            json!(2.5),
        ] {
            assert!(webshop(yes.clone()), "{yes}");
        }
        for no in [
            json!(false),
            json!(0),
            json!("N"),
            json!(""),
            json!(null),
            json!("nee"),
        ] {
            assert!(!webshop(no.clone()), "{no}");
        }

        let cond = |op, value| ArticleCondition {
            field: "K1_BRAND".into(),
            op,
            value,
        };
        let a = ArticleBuilder::new("E").field("K1_BRAND", " Acme ").build();
        assert!(cond(ConditionOp::Equals, Some(json!("acme"))).matches(&a));
        assert!(!cond(ConditionOp::NotEquals, Some(json!("ACME"))).matches(&a));
        assert!(cond(ConditionOp::OneOf, Some(json!(["x", "acme"]))).matches(&a));
        assert!(cond(ConditionOp::Present, None).matches(&a));
        assert!(cond(ConditionOp::Falsy, None).matches(&a));
        assert!(!cond(ConditionOp::Present, None).matches(&absent));
    }
}
