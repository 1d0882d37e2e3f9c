//! Decoding what live shops really send: every fixture in `fixtures/lightspeed/`, mutated the
//! ways PHP shops differ, must still decode through the public API, and must not invent values.
//!
//! For each fixture and each JSON path of its payload the generator makes one document per
//! applicable mutation:
//!
//! - an integer → the same integer as a string (`"sortOrder": "1"`), ids included; a decimal
//!   number → the same number as a string. The decoded model must equal the original's.
//! - a scalar that is not an id (`id`) → `null`; an object or array → each of `false`, `null`,
//!   `""` and `[]`. The decoded model must be the original's with the value at that path absent
//!   (`null`/missing when serialised, or an empty list where the model uses a list), and nothing
//!   else changed.
//! - a string at an enum-typed key → an unknown value, which must be kept verbatim.
//! - one document with an extra field on every object, which must change nothing.
//!
//! Models are compared through their serialised JSON, which has the wire's shape (camelCase
//! keys, links as `{"resource": …}`), so a path in the payload is a path in the model. A value a
//! model keeps as free-form JSON (unknown fields in `extra`, `customFields`, `matrix`…) may come
//! back verbatim; that is counted separately, and cannot hide an invented value because a typed
//! field never serialises to the mutated form (a string where a number was, `false` where an
//! object was).
//!
//! Not mutated to absent: ids (`id`, required to identify the object), the entity itself under
//! its envelope key, and list elements (an element is not optional: absent means a shorter list).

mod fixture_table;

use std::collections::BTreeMap;
use std::fmt;

use fixture_table::{FixtureVisitor, Model, fixture_files, visit};
use lightspeed_client::Entity;
use lightspeed_client::envelope::{decode, decode_list};
use serde::Serialize;
use serde_json::{Map, Value};

/// Wire keys whose value is one of the open enums of `models/enums.rs` (`OrderStatus`,
/// `PaymentStatus`, `ShipmentStatus`, `InvoiceStatus`, `StockTracking`, `DiscountType`,
/// `Channel`, `Visibility`, `WebhookItemGroup`, `WebhookItemAction`, `WebhookFormat`).
/// A string under one of these keys that is not an enum (the shop's `status`) must be kept
/// verbatim too, so the list may be generous.
const ENUM_KEYS: &[&str] = &[
    "status",
    "paymentStatus",
    "shipmentStatus",
    "stockTracking",
    "discountType",
    "channel",
    "visibility",
    "itemGroup",
    "itemAction",
    "format",
];

const UNKNOWN_ENUM_VALUE: &str = "koppel_unknown_value";
const EXTRA_FIELD: &str = "koppelUnknownField";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    IntegerString,
    DecimalString,
    Null,
    False,
    EmptyString,
    EmptyArray,
    UnknownEnum,
    ExtraField,
}

impl Kind {
    const ALL: [Kind; 8] = [
        Kind::IntegerString,
        Kind::DecimalString,
        Kind::Null,
        Kind::False,
        Kind::EmptyString,
        Kind::EmptyArray,
        Kind::UnknownEnum,
        Kind::ExtraField,
    ];

    fn label(self) -> &'static str {
        match self {
            Kind::IntegerString => "integer strings",
            Kind::DecimalString => "decimal strings",
            Kind::Null => "null",
            Kind::False => "false",
            Kind::EmptyString => "\"\"",
            Kind::EmptyArray => "[]",
            Kind::UnknownEnum => "unknown enum values",
            Kind::ExtraField => "extra fields",
        }
    }
}

/// How a decoded mutation compared with the original.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    /// The same model.
    Equal,
    /// The value at the path is absent (`null` or missing) and nothing else changed.
    Absent,
    /// The value at the path is an empty list (the model uses a list for absence).
    EmptyList,
    /// Kept verbatim in a free-form value (unknown fields, `customFields`…).
    Verbatim,
    /// The model does not keep the field at all (unmodelled, no `extra`).
    NotModelled,
    /// The unknown enum value is kept as `Other`.
    KeptUnknown,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Key(String),
    Index(usize),
}

#[derive(Debug, Clone)]
struct JsonPath(Vec<Seg>);

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(every object)");
        }
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) if i == 0 => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

struct Mutation {
    kind: Kind,
    path: JsonPath,
    /// The value put at `path` (unused for [`Kind::ExtraField`]).
    value: Value,
}

/// Decodes a body through the public API and serialises the model(s).
struct Decoder {
    decode: fn(&[u8]) -> lightspeed_client::Result<Value>,
    list: bool,
}

struct ToJson;

impl FixtureVisitor for ToJson {
    type Out = Decoder;

    fn single<T: Model>(&mut self, _name: &str, _body: &[u8]) -> Decoder {
        Decoder {
            decode: |b| decode::<T>(b).map(|t| serde_json::to_value(&t).expect("serialise")),
            list: false,
        }
    }

    fn single_secret<T: Entity + Serialize>(&mut self, _name: &str, _body: &[u8]) -> Decoder {
        Decoder {
            decode: |b| decode::<T>(b).map(|t| serde_json::to_value(&t).expect("serialise")),
            list: false,
        }
    }

    fn list<T: Model>(&mut self, _name: &str, _body: &[u8]) -> Decoder {
        Decoder {
            decode: |b| decode_list::<T>(b).map(|t| serde_json::to_value(&t).expect("serialise")),
            list: true,
        }
    }
}

fn is_numeric_keyed_map(map: &Map<String, Value>) -> bool {
    !map.is_empty() && map.keys().all(|k| k.chars().all(|c| c.is_ascii_digit()))
}

/// Every mutation of `raw` (see the module docs).
fn mutations(raw: &Value, list: bool) -> Vec<Mutation> {
    fn walk(v: &Value, path: &mut Vec<Seg>, in_array: bool, list: bool, out: &mut Vec<Mutation>) {
        let key = match path.last() {
            Some(Seg::Key(k)) => Some(k.as_str()),
            _ => None,
        };
        let is_id = key == Some("id");
        // The entity itself under its envelope key: decoding it as absent makes no sense.
        let is_entity = !list && path.len() == 1;
        let mut push = |kind, value| {
            out.push(Mutation {
                kind,
                path: JsonPath(path.clone()),
                value,
            })
        };
        match v {
            Value::Null => {}
            Value::Bool(_) | Value::Number(_) | Value::String(_) => {
                if let Value::Number(n) = v {
                    let kind = if n.is_i64() || n.is_u64() {
                        Kind::IntegerString
                    } else {
                        Kind::DecimalString
                    };
                    push(kind, Value::String(n.to_string()));
                }
                if !is_id && !in_array && !path.is_empty() {
                    push(Kind::Null, Value::Null);
                }
                if let (Value::String(_), Some(k)) = (v, key)
                    && ENUM_KEYS.contains(&k)
                {
                    push(Kind::UnknownEnum, Value::String(UNKNOWN_ENUM_VALUE.into()));
                }
            }
            Value::Array(_) | Value::Object(_) => {
                if !in_array && !is_entity && !path.is_empty() {
                    push(Kind::False, Value::Bool(false));
                    push(Kind::Null, Value::Null);
                    push(Kind::EmptyString, Value::String(String::new()));
                    if v.as_array().is_none_or(|a| !a.is_empty()) {
                        push(Kind::EmptyArray, Value::Array(Vec::new()));
                    }
                }
                match v {
                    Value::Array(items) => {
                        for (i, item) in items.iter().enumerate() {
                            path.push(Seg::Index(i));
                            walk(item, path, true, list, out);
                            path.pop();
                        }
                    }
                    Value::Object(map) => {
                        for (k, item) in map {
                            path.push(Seg::Key(k.clone()));
                            walk(item, path, false, list, out);
                            path.pop();
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(raw, &mut Vec::new(), false, list, &mut out);
    out.push(Mutation {
        kind: Kind::ExtraField,
        path: JsonPath(Vec::new()),
        value: Value::Null,
    });
    out
}

fn get<'a>(v: &'a Value, path: &[Seg]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, seg| match seg {
        Seg::Key(k) => v.get(k.as_str()),
        Seg::Index(i) => v.get(*i),
    })
}

/// Puts `new` at `path` (`None` removes it). `false` when the parent does not exist.
fn set(v: &mut Value, path: &[Seg], new: Option<Value>) -> bool {
    let Some((last, parents)) = path.split_last() else {
        if let Some(new) = new {
            *v = new;
        }
        return true;
    };
    let mut cur = v;
    for seg in parents {
        let next = match seg {
            Seg::Key(k) => cur.get_mut(k.as_str()),
            Seg::Index(i) => cur.get_mut(*i),
        };
        match next {
            Some(n) => cur = n,
            None => return new.is_none(),
        }
    }
    match (last, cur, new) {
        (Seg::Key(k), Value::Object(map), Some(new)) => {
            map.insert(k.clone(), new);
        }
        (Seg::Key(k), Value::Object(map), None) => {
            map.remove(k);
        }
        (Seg::Index(i), Value::Array(items), Some(new)) if *i < items.len() => items[*i] = new,
        (_, _, None) => {}
        _ => return false,
    }
    true
}

fn add_extra_fields(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for item in map.values_mut() {
                add_extra_fields(item);
            }
            if !is_numeric_keyed_map(map) {
                map.insert(
                    EXTRA_FIELD.into(),
                    serde_json::json!({"note": "not in any model", "n": [1, "2", null]}),
                );
            }
        }
        Value::Array(items) => items.iter_mut().for_each(add_extra_fields),
        _ => {}
    }
}

fn strip_extra_fields(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.remove(EXTRA_FIELD);
            map.values_mut().for_each(strip_extra_fields);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_extra_fields),
        _ => {}
    }
}

/// The first place two values differ, for failure messages.
fn first_diff(a: &Value, b: &Value, at: &mut Vec<Seg>) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys()) {
                at.push(Seg::Key(k.clone()));
                let d = match (x.get(k), y.get(k)) {
                    (Some(p), Some(q)) => first_diff(p, q, at),
                    (p, q) => Some(format!("{}: {p:?} vs {q:?}", JsonPath(at.clone()))),
                };
                at.pop();
                if d.is_some() {
                    return d;
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            x.iter().zip(y).enumerate().find_map(|(i, (p, q))| {
                at.push(Seg::Index(i));
                let d = first_diff(p, q, at);
                at.pop();
                d
            })
        }
        _ if a == b => None,
        _ => Some(format!(
            "{}: {a} vs {b}",
            if at.is_empty() {
                "(root)".to_owned()
            } else {
                JsonPath(at.clone()).to_string()
            }
        )),
    }
}

fn diff(a: &Value, b: &Value) -> String {
    first_diff(a, b, &mut Vec::new()).unwrap_or_else(|| "(no difference)".into())
}

/// Checks a decoded mutation against the original's decoded model.
fn check(m: &Mutation, rest: &[Seg], s0: &Value, s1: &Value) -> Result<Outcome, String> {
    match m.kind {
        Kind::ExtraField => {
            let mut stripped = s1.clone();
            strip_extra_fields(&mut stripped);
            if &stripped == s0 {
                Ok(Outcome::Equal)
            } else {
                Err(format!(
                    "an extra field changed the model: {}",
                    diff(s0, &stripped)
                ))
            }
        }
        Kind::IntegerString | Kind::DecimalString => {
            if s1 == s0 {
                return Ok(Outcome::Equal);
            }
            let mut verbatim = s0.clone();
            if set(&mut verbatim, rest, Some(m.value.clone())) && &verbatim == s1 {
                return Ok(Outcome::Verbatim);
            }
            Err(format!("decoded differently: {}", diff(s0, s1)))
        }
        Kind::UnknownEnum => {
            let mut expected = s0.clone();
            if set(&mut expected, rest, Some(m.value.clone())) && &expected == s1 {
                Ok(Outcome::KeptUnknown)
            } else {
                Err(format!("unknown value not kept: {}", diff(&expected, s1)))
            }
        }
        Kind::Null | Kind::False | Kind::EmptyString | Kind::EmptyArray => {
            let before = get(s0, rest);
            let after = get(s1, rest);
            let outcome = match after {
                None if before.is_none() => Outcome::NotModelled,
                None | Some(Value::Null) => Outcome::Absent,
                Some(Value::Array(a)) if a.is_empty() && before.is_some_and(Value::is_array) => {
                    Outcome::EmptyList
                }
                Some(v) if v == &m.value => Outcome::Verbatim,
                Some(v) => {
                    return Err(format!(
                        "invented a value: {v} (was {})",
                        before.map_or_else(|| "missing".to_owned(), Value::to_string)
                    ));
                }
            };
            let mut expected = s0.clone();
            if !set(&mut expected, rest, after.cloned()) {
                return Err(format!(
                    "{} appeared where the original had nothing",
                    after.map_or_else(String::new, Value::to_string)
                ));
            }
            if &expected == s1 {
                Ok(outcome)
            } else {
                Err(format!("other values changed: {}", diff(&expected, s1)))
            }
        }
    }
}

#[derive(Default)]
struct Counts {
    generated: usize,
    decoded: usize,
}

fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[test]
fn every_fixture_decodes_under_every_mutation_without_inventing_values() {
    let files = fixture_files();
    assert!(files.len() >= 40, "expected the full fixture set");

    let mut per_kind: BTreeMap<Kind, Counts> = BTreeMap::new();
    let mut outcomes: BTreeMap<Outcome, usize> = BTreeMap::new();
    let mut per_fixture: Vec<(String, usize)> = Vec::new();
    let mut enum_keys_seen: BTreeMap<&str, usize> = BTreeMap::new();
    let mut failures: Vec<String> = Vec::new();
    let mut not_modelled: std::collections::BTreeSet<String> = Default::default();

    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let body = std::fs::read(path).unwrap();
        let Some(decoder) = visit(&name, &body, &mut ToJson) else {
            failures.push(format!("{name}: no model mapped for this file"));
            continue;
        };
        let raw: Value = serde_json::from_slice(&body).unwrap();
        let s0 = match (decoder.decode)(&body) {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!("{name}: the fixture itself does not decode: {e}"));
                continue;
            }
        };
        let all = mutations(&raw, decoder.list);
        per_fixture.push((name.clone(), all.len()));
        for m in &all {
            let counts = per_kind.entry(m.kind).or_default();
            counts.generated += 1;
            let mut doc = raw.clone();
            if m.kind == Kind::ExtraField {
                add_extra_fields(&mut doc);
            } else {
                assert!(set(&mut doc, &m.path.0, Some(m.value.clone())));
            }
            if m.kind == Kind::UnknownEnum
                && let Some(Seg::Key(k)) = m.path.0.last()
                && let Some(known) = ENUM_KEYS.iter().find(|e| *e == k)
            {
                *enum_keys_seen.entry(known).or_default() += 1;
            }
            let bytes = serde_json::to_vec(&doc).unwrap();
            let s1 = match (decoder.decode)(&bytes) {
                Ok(v) => v,
                Err(e) => {
                    failures.push(format!(
                        "{name}: {:?} at {}: does not decode: {e}",
                        m.kind, m.path
                    ));
                    continue;
                }
            };
            counts.decoded += 1;
            // The model's serialisation has no envelope: drop the envelope key.
            let rest = m.path.0.get(1..).unwrap_or(&[]);
            match check(m, rest, &s0, &s1) {
                Ok(o) => {
                    if o == Outcome::NotModelled {
                        not_modelled.insert(m.path.to_string());
                    }
                    *outcomes.entry(o).or_default() += 1
                }
                Err(msg) => failures.push(format!("{name}: {:?} at {}: {msg}", m.kind, m.path)),
            }
        }
    }

    let generated: usize = per_kind.values().map(|c| c.generated).sum();
    let decoded: usize = per_kind.values().map(|c| c.decoded).sum();
    let kinds: Vec<String> = Kind::ALL
        .iter()
        .map(|k| {
            let c = per_kind.get(k);
            let g = c.map_or(0, |c| c.generated);
            let d = c.map_or(0, |c| c.decoded);
            if g == d {
                format!("{} {}", k.label(), thousands(g))
            } else {
                format!("{} {} ({} decoded)", k.label(), thousands(g), thousands(d))
            }
        })
        .collect();
    println!(
        "lightspeed mutations: {} documents, {} decoded: {}",
        thousands(generated),
        thousands(decoded),
        kinds.join(", ")
    );
    let outcome_text: Vec<String> = outcomes
        .iter()
        .map(|(o, n)| format!("{o:?} {}", thousands(*n)))
        .collect();
    println!("  outcomes: {}", outcome_text.join(", "));
    let fixture_text: Vec<String> = per_fixture
        .iter()
        .map(|(n, c)| format!("{n} {}", thousands(*c)))
        .collect();
    println!("  per fixture: {}", fixture_text.join(", "));
    if !not_modelled.is_empty() {
        let paths: Vec<&str> = not_modelled.iter().map(String::as_str).collect();
        println!(
            "  not kept by their model (no field, no `extra`), so nothing to compare: {}",
            paths.join(", ")
        );
    }

    for key in ENUM_KEYS {
        assert!(
            enum_keys_seen.contains_key(key),
            "no fixture has the enum key {key}: the list is stale or a fixture is missing"
        );
    }
    if !failures.is_empty() {
        let mut by_kind: BTreeMap<String, usize> = BTreeMap::new();
        for f in &failures {
            let kind = f
                .split(": ")
                .nth(1)
                .and_then(|s| s.split(' ').next())
                .unwrap_or("?");
            *by_kind.entry(kind.to_owned()).or_default() += 1;
        }
        panic!(
            "{} of {} mutated documents failed ({by_kind:?}):\n{}",
            thousands(failures.len()),
            thousands(generated),
            failures.join("\n")
        );
    }
}

/// The checker itself: it must catch an invented value, not only a decode error.
#[test]
fn the_checker_catches_invented_values() {
    use serde_json::json;
    let at = |kind, path: &[&str], value| Mutation {
        kind,
        path: JsonPath(
            std::iter::once("x")
                .chain(path.iter().copied())
                .map(|k| Seg::Key(k.to_owned()))
                .collect(),
        ),
        value,
    };
    let run = |m: &Mutation, s0: Value, s1: Value| check(m, &m.path.0[1..], &s0, &s1);
    let null = at(Kind::Null, &["flag"], Value::Null);
    // a boolean that became `false` instead of absent
    assert!(run(&null, json!({"flag": true}), json!({"flag": false})).is_err());
    // a number that became 0, a string that became ""
    let n = at(Kind::Null, &["n"], Value::Null);
    assert!(run(&n, json!({"n": 5}), json!({"n": 0})).is_err());
    let t = at(Kind::Null, &["t"], Value::Null);
    assert!(run(&t, json!({"t": "a"}), json!({"t": ""})).is_err());
    // an object that became an object of defaults
    let o = at(Kind::EmptyArray, &["o"], json!([]));
    assert!(run(&o, json!({"o": {"r": true}}), json!({"o": {"r": false}})).is_err());
    // absent, with something else changed on the way
    assert!(
        run(
            &null,
            json!({"flag": true, "b": 1}),
            json!({"flag": null, "b": 2})
        )
        .is_err()
    );
    // the good cases
    assert_eq!(
        run(
            &null,
            json!({"flag": true, "b": 1}),
            json!({"flag": null, "b": 1})
        ),
        Ok(Outcome::Absent)
    );
    assert_eq!(
        run(&o, json!({"o": [1]}), json!({"o": []})),
        Ok(Outcome::EmptyList)
    );
    let s = at(Kind::IntegerString, &["n"], json!("5"));
    assert_eq!(
        run(&s, json!({"n": 5}), json!({"n": 5})),
        Ok(Outcome::Equal)
    );
    assert!(run(&s, json!({"n": 5}), json!({"n": 6})).is_err());
}
