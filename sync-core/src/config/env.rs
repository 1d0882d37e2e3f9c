//! `${ENV_VAR}` placeholders in configuration strings, so secrets stay out of files.
//!
//! `${NAME}` is replaced by the variable's value, `${NAME:-fallback}` uses `fallback` when the variable
//! is unset, and `$${` is a literal `${`. A missing variable is an error naming it — never an empty
//! string. Error messages never contain resolved values.

use super::ConfigError;

/// Resolve placeholders in `text` from the process environment.
pub fn resolve_env(text: &str) -> Result<String, ConfigError> {
    resolve_env_with(text, &|name| std::env::var(name).ok(), "")
}

/// Resolve placeholders in `text` with `lookup`; `path` names the setting in errors.
pub fn resolve_env_with(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    path: &str,
) -> Result<String, ConfigError> {
    let bad = |message: String| ConfigError::BadPlaceholder {
        path: path.to_owned(),
        message,
    };
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('$') {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        if let Some(tail) = after.strip_prefix("$${") {
            out.push_str("${");
            rest = tail;
        } else if let Some(body) = after.strip_prefix("${") {
            let end = body
                .find('}')
                .ok_or_else(|| bad("a `${` is not closed with `}`".to_owned()))?;
            let inner = &body[..end];
            let (name, fallback) = match inner.split_once(":-") {
                Some((n, f)) => (n, Some(f)),
                None => (inner, None),
            };
            let valid = name
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !valid {
                return Err(bad(format!("`{name}` is not a valid variable name")));
            }
            match lookup(name).or_else(|| fallback.map(str::to_owned)) {
                Some(value) => out.push_str(&value),
                None => {
                    return Err(ConfigError::MissingEnv {
                        name: name.to_owned(),
                        path: path.to_owned(),
                    });
                }
            }
            rest = &body[end + 1..];
        } else {
            out.push('$');
            rest = &after[1..];
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// Resolve placeholders in every string of a TOML value (keys are left alone). Errors name the
/// setting's dotted path.
pub fn resolve_env_in_value(
    value: &mut toml::Value,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<(), ConfigError> {
    walk(value, lookup, String::new())
}

fn walk(
    value: &mut toml::Value,
    lookup: &dyn Fn(&str) -> Option<String>,
    path: String,
) -> Result<(), ConfigError> {
    match value {
        toml::Value::String(s) if s.contains('$') => {
            *s = resolve_env_with(s, lookup, &path)?;
        }
        toml::Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                walk(item, lookup, format!("{path}[{i}]"))?;
            }
        }
        toml::Value::Table(table) => {
            for (key, item) in table.iter_mut() {
                let child = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                walk(item, lookup, child)?;
            }
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        match name {
            "LS_SECRET" => Some("s3cr3t".into()),
            "EMPTY" => Some(String::new()),
            _ => None,
        }
    }

    #[test]
    fn replaces_placeholders_and_keeps_other_dollars() {
        let out = resolve_env_with("key=${LS_SECRET}; price $5; ${EMPTY}|", &env, "x").unwrap();
        assert_eq!(out, "key=s3cr3t; price $5; |");
        assert_eq!(
            resolve_env_with("$${LS_SECRET}", &env, "x").unwrap(),
            "${LS_SECRET}"
        );
        assert_eq!(
            resolve_env_with("${NOPE:-dflt}", &env, "x").unwrap(),
            "dflt"
        );
        assert_eq!(
            resolve_env_with("${LS_SECRET:-dflt}", &env, "x").unwrap(),
            "s3cr3t"
        );
        assert_eq!(
            resolve_env_with("trailing $", &env, "x").unwrap(),
            "trailing $"
        );
    }

    #[test]
    fn missing_variable_is_named_without_values() {
        let err =
            resolve_env_with("${LS_SECRET}-${AV_CLIENT_SECRET}", &env, "av.secret").unwrap_err();
        assert_eq!(
            err,
            ConfigError::MissingEnv {
                name: "AV_CLIENT_SECRET".into(),
                path: "av.secret".into()
            }
        );
        let message = err.to_string();
        assert!(message.contains("AV_CLIENT_SECRET") && message.contains("av.secret"));
        assert!(!message.contains("s3cr3t"));
        assert!(matches!(
            resolve_env_with("${OPEN", &env, "p").unwrap_err(),
            ConfigError::BadPlaceholder { .. }
        ));
        assert!(matches!(
            resolve_env_with("${1BAD}", &env, "p").unwrap_err(),
            ConfigError::BadPlaceholder { .. }
        ));
    }

    #[test]
    fn walks_tables_and_arrays_naming_the_path() {
        let mut value: toml::Value = toml::from_str(
            r#"
            [lightspeed]
            secret = "${LS_SECRET}"
            list = ["a", "${LS_SECRET}"]
            n = 5
            [[shops]]
            key = "${MISSING}"
            "#,
        )
        .unwrap();
        let err = resolve_env_in_value(&mut value, &env).unwrap_err();
        assert_eq!(
            err,
            ConfigError::MissingEnv {
                name: "MISSING".into(),
                path: "shops[0].key".into()
            }
        );
        let mut value: toml::Value =
            toml::from_str("[lightspeed]\nsecret = \"${LS_SECRET}\"\nlist = [\"${LS_SECRET}\"]\n")
                .unwrap();
        resolve_env_in_value(&mut value, &env).unwrap();
        assert_eq!(value["lightspeed"]["secret"].as_str(), Some("s3cr3t"));
        assert_eq!(value["lightspeed"]["list"][0].as_str(), Some("s3cr3t"));
    }

    #[test]
    fn process_environment_is_used_by_default() {
        // PATH is set in every test environment; no variable is modified here.
        assert!(!resolve_env("${PATH}").unwrap().is_empty());
        assert!(matches!(
            resolve_env("${KOPPEL_SURELY_UNSET_VARIABLE_4711}").unwrap_err(),
            ConfigError::MissingEnv { .. }
        ));
    }
}
