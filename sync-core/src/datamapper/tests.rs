use super::*;
use serde_json::json;

fn rule(target: &str, source: Option<&str>, transforms: Vec<Transform>) -> Rule {
    Rule {
        target: target.into(),
        source: source.map(Into::into),
        transforms,
    }
}

fn apply_one(
    source_value: Value,
    transforms: Vec<Transform>,
) -> Result<Option<Value>, MapperError> {
    let mapper = Datamapper::new([rule("out", Some("in"), transforms)])?;
    Ok(mapper
        .apply(&json!({ "in": source_value }))?
        .get("out")
        .cloned())
}

#[test]
fn constant_and_default() {
    let m = Datamapper::new([rule(
        "k",
        None,
        vec![Transform::Constant { value: json!(5) }],
    )])
    .unwrap();
    assert_eq!(m.apply(&json!({})).unwrap()["k"], json!(5));
    let default = || vec![Transform::Default { value: json!("NL") }];
    assert_eq!(
        apply_one(json!("  "), default()).unwrap(),
        Some(json!("NL"))
    );
    assert_eq!(
        apply_one(json!(null), default()).unwrap(),
        Some(json!("NL"))
    );
    assert_eq!(
        apply_one(json!("BE"), default()).unwrap(),
        Some(json!("BE"))
    );
    assert_eq!(
        apply_one(json!(0), default()).unwrap(),
        Some(json!(0)),
        "0 is a value"
    );
    // Missing source: default applies.
    let m = Datamapper::new([rule("k", Some("absent"), default())]).unwrap();
    assert_eq!(m.apply(&json!({})).unwrap()["k"], json!("NL"));
}

#[test]
fn text_transforms_leave_non_text_alone() {
    assert_eq!(
        apply_one(json!("  a b "), vec![Transform::Trim]).unwrap(),
        Some(json!("a b"))
    );
    assert_eq!(
        apply_one(json!("Straße"), vec![Transform::Upper]).unwrap(),
        Some(json!("STRASSE"))
    );
    assert_eq!(
        apply_one(json!("ABC"), vec![Transform::Lower]).unwrap(),
        Some(json!("abc"))
    );
    assert_eq!(
        apply_one(json!(12), vec![Transform::Upper]).unwrap(),
        Some(json!(12))
    );
}

#[test]
fn truncate_is_char_safe() {
    let t = || vec![Transform::Truncate { max: 3 }];
    assert_eq!(
        apply_one(json!("Ærøskøbing"), t()).unwrap(),
        Some(json!("Ærø"))
    );
    assert_eq!(apply_one(json!("ab"), t()).unwrap(), Some(json!("ab")));
    assert_eq!(
        apply_one(json!("😀😀😀😀"), t()).unwrap(),
        Some(json!("😀😀😀"))
    );
}

#[test]
fn template_reads_value_and_record_paths() {
    let m = Datamapper::new([
        rule(
            "name",
            None,
            vec![Transform::Template {
                text: "{firstname} {customer.last}".into(),
            }],
        ),
        rule(
            "ref",
            Some("number"),
            vec![Transform::Template {
                text: "LS-{value}".into(),
            }],
        ),
    ])
    .unwrap();
    let out = m
        .apply(&json!({"firstname": "Jan", "customer": {"last": "Jansen"}, "number": 42}))
        .unwrap();
    assert_eq!(out["name"], "Jan Jansen");
    assert_eq!(out["ref"], "LS-42");
}

#[test]
fn lookup_with_and_without_default() {
    let table = BTreeMap::from([
        ("ideal".to_owned(), json!("14")),
        ("Invoice".to_owned(), json!("30")),
    ]);
    let lookup = |default| {
        vec![Transform::Lookup {
            table: table.clone(),
            default,
        }]
    };
    assert_eq!(
        apply_one(json!("ideal"), lookup(None)).unwrap(),
        Some(json!("14"))
    );
    assert_eq!(
        apply_one(json!("INVOICE"), lookup(None)).unwrap(),
        Some(json!("30"))
    );
    assert_eq!(
        apply_one(json!("cash"), lookup(Some(json!("0")))).unwrap(),
        Some(json!("0"))
    );
    let err = apply_one(json!("cash"), lookup(None)).unwrap_err();
    assert_eq!(
        err,
        MapperError::LookupMiss {
            target: "out".into(),
            key: "cash".into()
        }
    );
    let sync: SyncError = err.into();
    assert!(sync.is_skippable());
}

#[test]
fn regex_replace_and_invalid_definitions() {
    let strip = vec![Transform::RegexReplace {
        pattern: r"\s+".into(),
        replacement: "".into(),
    }];
    assert_eq!(
        apply_one(json!("1234 ab"), strip).unwrap(),
        Some(json!("1234ab"))
    );
    let groups = vec![Transform::RegexReplace {
        pattern: r"^(\d{4})\s*([A-Za-z]{2})$".into(),
        replacement: "$1 $2".into(),
    }];
    assert_eq!(
        apply_one(json!("1234AB"), groups).unwrap(),
        Some(json!("1234 AB"))
    );

    let bad = Datamapper::new([rule(
        "x",
        None,
        vec![Transform::RegexReplace {
            pattern: "(".into(),
            replacement: String::new(),
        }],
    )])
    .unwrap_err();
    assert!(matches!(bad, MapperError::InvalidPattern { .. }));
    assert!(SyncError::from(bad).stops_run());
    let bad = Datamapper::new([rule(
        "x",
        None,
        vec![Transform::Template {
            text: "{oops".into(),
        }],
    )])
    .unwrap_err();
    assert!(matches!(bad, MapperError::InvalidTemplate { .. }));
    assert_eq!(
        Datamapper::new([rule(" ", None, vec![])]).unwrap_err(),
        MapperError::EmptyTarget { index: 0 }
    );
}

#[test]
fn missing_results_set_nothing_and_apply_onto_overlays() {
    let m = Datamapper::new([
        rule("a.b", Some("missing"), vec![Transform::Trim]),
        rule("c", Some("x"), vec![]),
    ])
    .unwrap();
    let mut out = Map::new();
    out.insert("c".into(), json!("old"));
    out.insert("keep".into(), json!(1));
    m.apply_onto(&json!({"x": "new"}), &mut out).unwrap();
    assert_eq!(Value::Object(out), json!({"c": "new", "keep": 1}));
    assert_eq!(m.rules().count(), 2);
}

#[test]
fn preview_shows_every_step_and_errors_per_rule() {
    let m = Datamapper::new([
        rule(
            "name",
            Some("name"),
            vec![
                Transform::Trim,
                Transform::Upper,
                Transform::Truncate { max: 4 },
            ],
        ),
        rule(
            "method",
            Some("method"),
            vec![Transform::Lookup {
                table: BTreeMap::new(),
                default: None,
            }],
        ),
    ])
    .unwrap();
    let rows = m.preview(&json!({"name": "  janssen ", "method": "cash"}));
    assert_eq!(rows.len(), 2);
    let name = &rows[0];
    assert_eq!(name.source_value, Some(json!("  janssen ")));
    let steps: Vec<_> = name
        .steps
        .iter()
        .map(|s| (s.transform.as_str(), s.value.clone()))
        .collect();
    assert_eq!(
        steps,
        [
            ("trim", Some(json!("janssen"))),
            ("upper", Some(json!("JANSSEN"))),
            ("truncate(4)", Some(json!("JANS")))
        ]
    );
    assert_eq!(name.result, Some(json!("JANS")));
    assert_eq!(name.error, None);
    assert!(
        rows[1]
            .error
            .as_deref()
            .unwrap()
            .contains("no lookup entry")
    );
    assert_eq!(rows[1].result, None);
}

#[test]
fn rules_deserialise_from_toml_and_reject_unknown_keys() {
    #[derive(Debug, Deserialize)]
    struct Doc {
        rules: Vec<Rule>,
    }
    let doc: Doc = toml::from_str(
        r#"
        [[rules]]
        target = "city"
        source = "addressBillingCity"
        transforms = [
            { op = "trim" },
            { op = "truncate", max = 35 },
            { op = "lookup", table = { "Den Haag" = "'s-Gravenhage" }, default = "?" },
            { op = "regex_replace", pattern = "a", replacement = "b" },
            { op = "constant", value = 1 },
            { op = "default", value = "x" },
            { op = "template", text = "{value}" },
            { op = "upper" },
            { op = "lower" },
        ]
        "#,
    )
    .unwrap();
    assert_eq!(doc.rules[0].transforms.len(), 9);
    assert_eq!(doc.rules[0].transforms[1], Transform::Truncate { max: 35 });
    let err = toml::from_str::<Doc>(
        r#"
        [[rules]]
        target = "x"
        transforms = [{ op = "truncate", max = 3, min = 1 }]
        "#,
    )
    .unwrap_err();
    assert!(err.to_string().contains("min"), "{err}");
    let err = toml::from_str::<Doc>("[[rules]]\ntarget = \"x\"\nsorce = \"y\"\n").unwrap_err();
    assert!(err.to_string().contains("sorce"), "{err}");
}
