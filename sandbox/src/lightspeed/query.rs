//! List parameters: paging, `since_id`, date windows, field selection and relation filters.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::store::{Item, link_id};
use crate::clock::{parse_ls_filter, parse_ls_time};

/// The default page size.
pub(crate) const DEFAULT_LIMIT: usize = 50;
/// The largest page size; larger requests are capped to it.
pub(crate) const MAX_LIMIT: usize = 250;

/// Parsed list parameters.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ListQuery {
    pub(crate) page: usize,
    pub(crate) limit: usize,
    pub(crate) since_id: Option<u64>,
    pub(crate) created_min: Option<DateTime<Utc>>,
    pub(crate) created_max: Option<DateTime<Utc>>,
    pub(crate) updated_min: Option<DateTime<Utc>>,
    pub(crate) updated_max: Option<DateTime<Utc>>,
    pub(crate) fields: Option<Vec<String>>,
    /// Every other parameter: matched against the object's field of that name.
    pub(crate) filters: Vec<(String, String)>,
}

impl Default for ListQuery {
    fn default() -> Self {
        Self {
            page: 1,
            limit: DEFAULT_LIMIT,
            since_id: None,
            created_min: None,
            created_max: None,
            updated_min: None,
            updated_max: None,
            fields: None,
            filters: Vec::new(),
        }
    }
}

fn number<T: std::str::FromStr>(name: &str, v: &str) -> Result<T, String> {
    v.trim()
        .parse()
        .map_err(|_| format!("Invalid value for parameter {name}."))
}

fn date(name: &str, v: &str) -> Result<Option<DateTime<Utc>>, String> {
    parse_ls_filter(v)
        .map(Some)
        .ok_or_else(|| format!("Invalid date for parameter {name}."))
}

impl ListQuery {
    /// Parses a raw query string.
    pub(crate) fn parse(query: &str) -> Result<Self, String> {
        let mut q = Self::default();
        for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
            match k.as_ref() {
                "page" => q.page = number::<usize>("page", &v)?.max(1),
                "limit" => q.limit = number::<usize>("limit", &v)?.clamp(1, MAX_LIMIT),
                "since_id" => q.since_id = Some(number("since_id", &v)?),
                "created_at_min" => q.created_min = date("created_at_min", &v)?,
                "created_at_max" => q.created_max = date("created_at_max", &v)?,
                "updated_at_min" => q.updated_min = date("updated_at_min", &v)?,
                "updated_at_max" => q.updated_max = date("updated_at_max", &v)?,
                "fields" => {
                    q.fields = Some(
                        v.split(',')
                            .map(|s| s.trim().to_owned())
                            .filter(|s| !s.is_empty())
                            .collect(),
                    )
                }
                _ => q.filters.push((k.into_owned(), v.into_owned())),
            }
        }
        Ok(q)
    }

    fn in_window(
        obj: &Map<String, Value>,
        key: &str,
        min: Option<DateTime<Utc>>,
        max: Option<DateTime<Utc>>,
    ) -> bool {
        if min.is_none() && max.is_none() {
            return true;
        }
        let Some(t) = obj.get(key).and_then(Value::as_str).and_then(parse_ls_time) else {
            return false;
        };
        min.is_none_or(|m| t >= m) && max.is_none_or(|m| t <= m)
    }

    /// Whether an object passes every filter (not paging).
    pub(crate) fn matches(&self, item: &Item) -> bool {
        let obj = &item.obj;
        if self.since_id.is_some_and(|s| item.id() <= s) {
            return false;
        }
        if !Self::in_window(obj, "createdAt", self.created_min, self.created_max)
            || !Self::in_window(obj, "updatedAt", self.updated_min, self.updated_max)
        {
            return false;
        }
        self.filters.iter().all(|(k, want)| match obj.get(k) {
            // A parameter that names no field of the resource is ignored, as the API does.
            None => true,
            Some(v) => value_matches(k, v, want),
        })
    }

    /// Applies filters and paging to objects already in ascending id order.
    pub(crate) fn page_of<'a>(&self, items: Vec<&'a Item>) -> Vec<&'a Item> {
        items
            .into_iter()
            .filter(|i| self.matches(i))
            .skip((self.page - 1).saturating_mul(self.limit))
            .take(self.limit)
            .collect()
    }

    /// Keeps only the selected fields (`id` always stays).
    pub(crate) fn project(&self, v: Value) -> Value {
        match (&self.fields, v) {
            (Some(fields), Value::Object(m)) => Value::Object(
                m.into_iter()
                    .filter(|(k, _)| k == "id" || fields.iter().any(|f| f == k))
                    .collect(),
            ),
            (_, v) => v,
        }
    }
}

/// Whether a field value matches a filter value: links by id, country/language objects by code,
/// strings exactly (e-mail case-insensitively), numbers and booleans by their text.
fn value_matches(key: &str, v: &Value, want: &str) -> bool {
    if let Some(id) = link_id(v) {
        return id.to_string() == want;
    }
    match v {
        Value::String(s) if key == "email" => s.eq_ignore_ascii_case(want),
        Value::String(s) => s == want,
        Value::Number(n) => {
            n.to_string() == want || crate::money::dec(v) == crate::money::parse(want)
        }
        Value::Bool(b) => match want {
            "1" | "true" => *b,
            "0" | "false" => !*b,
            _ => false,
        },
        Value::Object(o) => o
            .get("code")
            .and_then(Value::as_str)
            .is_some_and(|c| c.eq_ignore_ascii_case(want)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn item(v: Value) -> Item {
        Item {
            parent: None,
            obj: v.as_object().cloned().unwrap_or_default(),
        }
    }

    #[test]
    fn parses_and_caps() {
        let q = ListQuery::parse("limit=900&page=2&since_id=5&fields=id,sku&sku=A-1&updated_at_min=2026-06-01%2010:00:00").unwrap();
        assert_eq!(q.limit, MAX_LIMIT);
        assert_eq!(q.page, 2);
        assert_eq!(q.since_id, Some(5));
        assert_eq!(
            q.fields.as_deref(),
            Some(&["id".to_owned(), "sku".to_owned()][..])
        );
        assert_eq!(q.filters, vec![("sku".to_owned(), "A-1".to_owned())]);
        assert!(q.updated_min.is_some());
        assert!(ListQuery::parse("limit=x").is_err());
        assert!(ListQuery::parse("updated_at_min=yesterday").is_err());
    }

    #[test]
    fn filters_by_links_strings_and_dates() {
        let a = item(
            json!({"id": 10, "sku": "A", "email": "X@Y.nl", "updatedAt": "2026-06-02T10:00:00+02:00",
            "product": {"resource": {"id": 7, "url": "products/7", "link": "l"}}}),
        );
        let q = ListQuery::parse("product=7&sku=A&email=x@y.nl").unwrap();
        assert!(q.matches(&a));
        assert!(!ListQuery::parse("product=8").unwrap().matches(&a));
        assert!(
            ListQuery::parse("updated_at_min=2026-06-02 08:00:00")
                .unwrap()
                .matches(&a)
        );
        assert!(
            !ListQuery::parse("updated_at_min=2026-06-02 08:00:01")
                .unwrap()
                .matches(&a)
        );
        assert!(!ListQuery::parse("since_id=10").unwrap().matches(&a));
        assert!(ListQuery::parse("unknown=1").unwrap().matches(&a));
    }
}
