//! The datamapper: field-to-field rules with transforms over JSON records, previewable step by step.
//!
//! A [`Rule`] reads a `source` path from the input record (dotted: `customer.email`, or a flat key such
//! as `addressBillingCity`), runs its [`Transform`]s in order, and writes the result to a `target` path
//! of the output. Rules are configuration (serde/TOML); a [`Datamapper`] is their checked, compiled
//! form. [`Datamapper::preview`] shows every step so a merchant can see what a rule does to a record.
//!
//! ```
//! use serde_json::json;
//! use sync_core::datamapper::{Datamapper, Rule};
//!
//! let rules: Vec<Rule> = toml::from_str::<toml::Table>(r#"
//!     [[rules]]
//!     target = "debtor.name"
//!     transforms = [{ op = "template", text = "{firstname} {lastname}" }, { op = "trim" }]
//!
//!     [[rules]]
//!     target = "debtor.country"
//!     source = "country"
//!     transforms = [{ op = "upper" }, { op = "default", value = "NL" }]
//! "#).unwrap()["rules"].clone().try_into().unwrap();
//!
//! let mapper = Datamapper::new(rules).unwrap();
//! let out = mapper.apply(&json!({"firstname": "Jan", "lastname": "Jansen", "country": "be"})).unwrap();
//! assert_eq!(out["debtor"]["name"], "Jan Jansen");
//! assert_eq!(out["debtor"]["country"], "BE");
//! ```

mod path;
mod template;

use std::collections::BTreeMap;

use regex::Regex;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{ErrorKind, SyncError};

pub use path::{get as get_path, set as set_path, text as value_text};
pub use template::{Template, TemplateError};

/// One step of a rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Transform {
    /// Replace the value with a constant.
    Constant {
        /// The constant.
        value: Value,
    },
    /// Use `value` when the current value is missing, null or blank text.
    Default {
        /// The fallback.
        value: Value,
    },
    /// Trim whitespace from text.
    Trim,
    /// Uppercase text.
    Upper,
    /// Lowercase text.
    Lower,
    /// Cut text to at most `max` characters (never inside a character).
    Truncate {
        /// The maximum number of characters.
        max: usize,
    },
    /// Render a template: `{value}` is the current value, any other `{path}` a path in the record.
    Template {
        /// The template text.
        text: String,
    },
    /// Replace the value by its entry in `table` (exact key first, then ignoring case); `default`
    /// when there is none; an error when there is no default either.
    Lookup {
        /// Key → replacement.
        table: BTreeMap<String, Value>,
        /// The value for keys not in the table.
        #[serde(default)]
        default: Option<Value>,
    },
    /// Replace every match of a regular expression in text (`$1` refers to a group).
    RegexReplace {
        /// The pattern.
        pattern: String,
        /// The replacement.
        replacement: String,
    },
}

impl Transform {
    /// A short description for previews (`"truncate(40)"`).
    pub fn describe(&self) -> String {
        match self {
            Self::Constant { value } => format!("constant({value})"),
            Self::Default { value } => format!("default({value})"),
            Self::Trim => "trim".into(),
            Self::Upper => "upper".into(),
            Self::Lower => "lower".into(),
            Self::Truncate { max } => format!("truncate({max})"),
            Self::Template { text } => format!("template({text:?})"),
            Self::Lookup { table, .. } => format!("lookup({} entries)", table.len()),
            Self::RegexReplace {
                pattern,
                replacement,
            } => format!("regex_replace({pattern:?} → {replacement:?})"),
        }
    }
}

/// A field-to-field rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Where the result goes in the output (dotted path).
    pub target: String,
    /// Where the value comes from in the input (dotted path); none for constants and templates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The steps, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transforms: Vec<Transform>,
}

/// Why rules could not be built or applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MapperError {
    /// A rule without a target.
    #[error("rule {index} has an empty target")]
    EmptyTarget {
        /// The rule's position (0-based).
        index: usize,
    },
    /// A regular expression that does not compile.
    #[error("rule for `{target}`: invalid pattern {pattern:?}: {message}")]
    InvalidPattern {
        /// The rule's target.
        target: String,
        /// The pattern.
        pattern: String,
        /// The regex crate's explanation.
        message: String,
    },
    /// A malformed template.
    #[error("rule for `{target}`: {source}")]
    InvalidTemplate {
        /// The rule's target.
        target: String,
        /// What is wrong.
        source: TemplateError,
    },
    /// A lookup without an entry for the value and without a default.
    #[error("rule for `{target}`: no lookup entry for {key:?} and no default")]
    LookupMiss {
        /// The rule's target.
        target: String,
        /// The value looked up.
        key: String,
    },
}

impl From<MapperError> for SyncError {
    /// A lookup miss concerns one record (skippable `mapping`); malformed rules are configuration
    /// errors (fatal).
    fn from(error: MapperError) -> Self {
        let kind = match error {
            MapperError::LookupMiss { .. } => ErrorKind::Mapping,
            _ => ErrorKind::Config,
        };
        SyncError::new(kind, error.to_string()).with_source(error)
    }
}

#[derive(Debug, Clone)]
enum Step {
    Plain(Transform),
    Template(Template),
    Regex(Regex, String),
}

#[derive(Debug, Clone)]
struct CompiledRule {
    rule: Rule,
    steps: Vec<Step>,
}

/// One step as [`Datamapper::preview`] shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreviewStep {
    /// The transform, described.
    pub transform: String,
    /// The value after this step (`None` = missing).
    pub value: Option<Value>,
}

/// What one rule does to a record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PreviewRow {
    /// The target path.
    pub target: String,
    /// The source path.
    pub source: Option<String>,
    /// The value read from the source.
    pub source_value: Option<Value>,
    /// Each step's result.
    pub steps: Vec<PreviewStep>,
    /// The final value (`None` when missing or on error).
    pub result: Option<Value>,
    /// The error, when the rule failed.
    pub error: Option<String>,
}

/// Compiled rules, ready to apply.
#[derive(Debug, Clone, Default)]
pub struct Datamapper {
    rules: Vec<CompiledRule>,
}

impl Datamapper {
    /// Check and compile `rules` (patterns and templates).
    pub fn new(rules: impl IntoIterator<Item = Rule>) -> Result<Self, MapperError> {
        let mut compiled = Vec::new();
        for (index, rule) in rules.into_iter().enumerate() {
            if rule.target.trim().is_empty() {
                return Err(MapperError::EmptyTarget { index });
            }
            let steps = rule
                .transforms
                .iter()
                .map(|t| compile(&rule.target, t))
                .collect::<Result<_, _>>()?;
            compiled.push(CompiledRule { rule, steps });
        }
        Ok(Self { rules: compiled })
    }

    /// The rules, as configured.
    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.rules.iter().map(|c| &c.rule)
    }

    /// Apply every rule to `record` and return the output object. Rules whose result is missing set
    /// nothing.
    pub fn apply(&self, record: &Value) -> Result<Map<String, Value>, MapperError> {
        let mut out = Map::new();
        self.apply_onto(record, &mut out)?;
        Ok(out)
    }

    /// Apply every rule to `record`, writing into an existing output (to put extra rules on top of a
    /// connector's default mapping).
    pub fn apply_onto(
        &self,
        record: &Value,
        out: &mut Map<String, Value>,
    ) -> Result<(), MapperError> {
        for rule in &self.rules {
            let mut value = source_value(&rule.rule, record);
            for step in &rule.steps {
                value = run(step, value, record, &rule.rule.target)?;
            }
            if let Some(value) = value {
                path::set(out, &rule.rule.target, value);
            }
        }
        Ok(())
    }

    /// What each rule does to `record`, step by step. Errors are shown per rule, never returned.
    pub fn preview(&self, record: &Value) -> Vec<PreviewRow> {
        self.rules
            .iter()
            .map(|rule| {
                let start = source_value(&rule.rule, record);
                let mut row = PreviewRow {
                    target: rule.rule.target.clone(),
                    source: rule.rule.source.clone(),
                    source_value: start.clone(),
                    steps: Vec::new(),
                    result: None,
                    error: None,
                };
                let mut value = start;
                for (step, transform) in rule.steps.iter().zip(&rule.rule.transforms) {
                    match run(step, value, record, &rule.rule.target) {
                        Ok(next) => {
                            row.steps.push(PreviewStep {
                                transform: transform.describe(),
                                value: next.clone(),
                            });
                            value = next;
                        }
                        Err(error) => {
                            row.error = Some(error.to_string());
                            return row;
                        }
                    }
                }
                row.result = value;
                row
            })
            .collect()
    }
}

fn compile(target: &str, transform: &Transform) -> Result<Step, MapperError> {
    Ok(match transform {
        Transform::Template { text } => {
            Step::Template(Template::parse(text).map_err(|source| {
                MapperError::InvalidTemplate {
                    target: target.to_owned(),
                    source,
                }
            })?)
        }
        Transform::RegexReplace {
            pattern,
            replacement,
        } => {
            let regex = Regex::new(pattern).map_err(|e| MapperError::InvalidPattern {
                target: target.to_owned(),
                pattern: pattern.clone(),
                message: e.to_string(),
            })?;
            Step::Regex(regex, replacement.clone())
        }
        other => Step::Plain(other.clone()),
    })
}

fn source_value(rule: &Rule, record: &Value) -> Option<Value> {
    rule.source
        .as_deref()
        .and_then(|source| path::get(record, source))
        .cloned()
}

fn map_text(value: Option<Value>, f: impl FnOnce(&str) -> String) -> Option<Value> {
    match value {
        Some(Value::String(s)) => Some(Value::String(f(&s))),
        other => other,
    }
}

fn is_blank(value: &Option<Value>) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.trim().is_empty(),
        Some(_) => false,
    }
}

fn run(
    step: &Step,
    value: Option<Value>,
    record: &Value,
    target: &str,
) -> Result<Option<Value>, MapperError> {
    Ok(match step {
        Step::Template(template) => {
            let current = value.as_ref().map(path::text);
            Some(Value::String(template.render(&|name| {
                if name == "value" {
                    current.clone()
                } else {
                    path::get(record, name).map(path::text)
                }
            })))
        }
        Step::Regex(regex, replacement) => map_text(value, |s| {
            regex.replace_all(s, replacement.as_str()).into_owned()
        }),
        Step::Plain(transform) => match transform {
            Transform::Constant { value } => Some(value.clone()),
            Transform::Default { value: fallback } => {
                if is_blank(&value) {
                    Some(fallback.clone())
                } else {
                    value
                }
            }
            Transform::Trim => map_text(value, |s| s.trim().to_owned()),
            Transform::Upper => map_text(value, str::to_uppercase),
            Transform::Lower => map_text(value, str::to_lowercase),
            Transform::Truncate { max } => map_text(value, |s| s.chars().take(*max).collect()),
            Transform::Lookup { table, default } => {
                let key = value.as_ref().map(path::text).unwrap_or_default();
                let hit = table.get(&key).or_else(|| {
                    table
                        .iter()
                        .find(|(k, _)| k.to_lowercase() == key.to_lowercase())
                        .map(|(_, v)| v)
                });
                match hit.or(default.as_ref()) {
                    Some(found) => Some(found.clone()),
                    None => {
                        return Err(MapperError::LookupMiss {
                            target: target.to_owned(),
                            key,
                        });
                    }
                }
            }
            // Compiled into their own steps.
            Transform::Template { .. } | Transform::RegexReplace { .. } => value,
        },
    })
}

#[cfg(test)]
mod tests;
