//! The in-memory Lightspeed data: objects per kind, kept as the JSON the API shows.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value, json};

use super::kinds::Kind;

/// Builds resource links with the simulator's own base URL.
#[derive(Debug, Clone)]
pub(crate) struct Links {
    /// `http://127.0.0.1:PORT/nl/`
    base: String,
}

impl Links {
    pub(crate) fn new(base_with_lang: String) -> Self {
        Self {
            base: base_with_lang,
        }
    }

    /// A link to one object: `{"resource": {"id", "url", "link"}}`.
    pub(crate) fn item(&self, path: &str, id: u64) -> Value {
        json!({ "resource": { "id": id, "url": path, "link": format!("{}{}.json", self.base, path) } })
    }

    /// A link to one object of a kind.
    pub(crate) fn to(&self, kind: Kind, parent: Option<u64>, id: u64) -> Value {
        self.item(&kind.item_path(parent, id), id)
    }

    /// A link to a collection (`id: false`); `url` may carry a query (`invoices?order=1`).
    pub(crate) fn coll(&self, url: &str) -> Value {
        let link = match url.split_once('?') {
            Some((path, query)) => format!("{}{}.json?{}", self.base, path, query),
            None => format!("{}{}.json", self.base, url),
        };
        json!({ "resource": { "id": false, "url": url, "link": link } })
    }
}

/// One stored object.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Item {
    pub(crate) parent: Option<u64>,
    pub(crate) obj: Map<String, Value>,
}

impl Item {
    pub(crate) fn id(&self) -> u64 {
        self.obj.get("id").and_then(Value::as_u64).unwrap_or(0)
    }
}

/// All objects, per kind, ordered by (parent, id).
#[derive(Debug, Default)]
pub(crate) struct Store {
    items: HashMap<Kind, BTreeMap<(u64, u64), Item>>,
    next: HashMap<Kind, u64>,
}

impl Store {
    /// Hands out the next id of a kind.
    pub(crate) fn next_id(&mut self, kind: Kind) -> u64 {
        let next = self.next.entry(kind).or_insert(kind.spec().id_base);
        let id = *next;
        *next += 1;
        id
    }

    /// Stores an object (its `id` field is the key).
    pub(crate) fn insert(
        &mut self,
        kind: Kind,
        parent: Option<u64>,
        obj: Map<String, Value>,
    ) -> u64 {
        let item = Item { parent, obj };
        let id = item.id();
        let next = self.next.entry(kind).or_insert(kind.spec().id_base);
        if id >= *next {
            *next = id + 1;
        }
        self.items
            .entry(kind)
            .or_default()
            .insert((parent.unwrap_or(0), id), item);
        id
    }

    pub(crate) fn get(&self, kind: Kind, parent: Option<u64>, id: u64) -> Option<&Item> {
        self.items.get(&kind)?.get(&(parent.unwrap_or(0), id))
    }

    pub(crate) fn get_mut(
        &mut self,
        kind: Kind,
        parent: Option<u64>,
        id: u64,
    ) -> Option<&mut Item> {
        self.items
            .get_mut(&kind)?
            .get_mut(&(parent.unwrap_or(0), id))
    }

    /// Finds a top-level object by id (or a nested one when its parent is unknown).
    pub(crate) fn find(&self, kind: Kind, id: u64) -> Option<&Item> {
        self.items.get(&kind)?.values().find(|i| i.id() == id)
    }

    pub(crate) fn remove(&mut self, kind: Kind, parent: Option<u64>, id: u64) -> Option<Item> {
        self.items
            .get_mut(&kind)?
            .remove(&(parent.unwrap_or(0), id))
    }

    /// All objects of a kind (ascending parent, then id).
    pub(crate) fn all(&self, kind: Kind) -> impl Iterator<Item = &Item> {
        self.items.get(&kind).into_iter().flat_map(|m| m.values())
    }

    /// The objects of a kind under one parent (or top-level ones for `None`), ascending id.
    pub(crate) fn under(&self, kind: Kind, parent: Option<u64>) -> Vec<&Item> {
        let key = parent.unwrap_or(0);
        self.items
            .get(&kind)
            .map(|m| {
                m.range((key, 0)..=(key, u64::MAX))
                    .map(|(_, v)| v)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Removes every object of a kind under a parent.
    pub(crate) fn remove_under(&mut self, kind: Kind, parent: u64) {
        if let Some(m) = self.items.get_mut(&kind) {
            m.retain(|(p, _), _| *p != parent);
        }
    }

    /// Removes objects of a kind that match a predicate.
    pub(crate) fn remove_where(&mut self, kind: Kind, pred: impl Fn(&Item) -> bool) {
        if let Some(m) = self.items.get_mut(&kind) {
            m.retain(|_, v| !pred(v));
        }
    }
}

/// The id inside a resource link (`{"resource": {"id": 5}}`), if the value is one.
pub(crate) fn link_id(v: &Value) -> Option<u64> {
    v.get("resource")?.get("id")?.as_u64()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_put_json_before_the_query() {
        let l = Links::new("http://h/nl/".into());
        assert_eq!(
            l.coll("invoices?order=5")["resource"]["link"],
            "http://h/nl/invoices.json?order=5"
        );
        assert_eq!(l.item("orders/5", 5)["resource"]["id"], 5);
        assert_eq!(link_id(&l.item("orders/5", 5)), Some(5));
    }

    #[test]
    fn nested_items_with_equal_ids_do_not_collide() {
        let mut s = Store::default();
        s.insert(
            Kind::ProductAttribute,
            Some(1),
            json!({"id": 9}).as_object().cloned().unwrap_or_default(),
        );
        s.insert(
            Kind::ProductAttribute,
            Some(2),
            json!({"id": 9}).as_object().cloned().unwrap_or_default(),
        );
        assert_eq!(s.under(Kind::ProductAttribute, Some(1)).len(), 1);
        assert_eq!(s.all(Kind::ProductAttribute).count(), 2);
        let id = s.next_id(Kind::Order);
        assert_eq!(id, Kind::Order.spec().id_base);
    }
}
