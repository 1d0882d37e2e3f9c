//! Regression cases from the mutation test (`mutations.rs`, issue 11): rows of the fixtures with one
//! column dropped, which decoded into made-up values (`""`, `false`) before the types were fixed.

mod common;

use accountview_client::{
    BusinessObjectInfo, Company, DataSet, Error, FieldDictionaryEntry, FieldFacts, Row,
};
use common::fixture_json;
use serde_json::Value;

/// Row `i` of a top-level array fixture, or of `table` in a data fixture, without `column`.
fn row_without(fixture: &str, table: Option<&str>, i: usize, column: &str) -> Row {
    let doc = fixture_json(fixture);
    let rows = match table {
        Some(t) => &doc[t],
        None => &doc,
    };
    let Value::Object(mut map) = rows[i].clone() else {
        panic!("{fixture}: no row {i}");
    };
    assert!(
        map.shift_remove(column).is_some(),
        "{fixture} has no {column}"
    );
    Row::from_iter(map)
}

#[test]
fn a_business_object_without_its_rights_or_code_states_nothing() {
    // was: insert_allowed false, a refusal AccountView did not send
    let row = row_without(
        "business_objects_get_response.json",
        None,
        0,
        "InsertAllowed",
    );
    let info = BusinessObjectInfo::from_row(&row).unwrap();
    assert_eq!(info.insert_allowed, None);
    assert_eq!(info.update_allowed, Some(true));
    // was: code ""
    let row = row_without("business_objects_get_response.json", None, 0, "Code");
    let info = BusinessObjectInfo::from_row(&row).unwrap();
    assert_eq!(info.code, None);
    assert!(!info.is(""));
}

#[test]
fn a_company_without_code_or_description_has_none() {
    // was: code "" and description ""
    let row = row_without("companies_get_response.json", None, 0, "Code");
    let company = Company::from_row(&row).unwrap();
    assert_eq!(company.code, None);
    assert!(!company.has_code(""));
    assert_eq!(
        company.label(),
        format!("{} (Fietsenwinkel De Spaak B.V.)", company.id)
    );
    let row = row_without("companies_get_response.json", None, 0, "Description");
    let company = Company::from_row(&row).unwrap();
    assert_eq!(company.description, None);
    assert_eq!(company.label(), "SPAAK");
    // the id stays required: an administration without it cannot be addressed
    let row = row_without("companies_get_response.json", None, 0, "Id");
    match Company::from_row(&row) {
        Err(Error::Decode { path, .. }) => assert_eq!(path, "Id"),
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[test]
fn a_dictionary_entry_without_its_names_or_flags_states_nothing() {
    let fixture = "fld_dictionary_contact_get_response.json";
    // was: mandatory false
    let row = row_without(fixture, Some("DCT_FLD"), 0, "INP_MAND");
    let entry = FieldDictionaryEntry::from_row(&row).unwrap();
    assert_eq!(entry.mandatory, None);
    // was: field ""
    let row = row_without(fixture, Some("DCT_FLD"), 0, "FIELD_NAME");
    let nameless = FieldDictionaryEntry::from_row(&row).unwrap();
    assert_eq!(nameless.field, None);
    assert!(!nameless.is_field(""));
    // was: table ""
    let row = row_without(fixture, Some("DCT_FLD"), 0, "DBF_NAME");
    let tableless = FieldDictionaryEntry::from_row(&row).unwrap();
    assert_eq!(tableless.table, None);
    assert!(!tableless.is_in_table(""));

    // Such entries describe no column: the facts learn nothing from them (before, a fact for
    // the column "" of CONTACT, or for SUB_NR of the table "", was added).
    let mut facts = FieldFacts::builtin();
    let before = facts.len();
    facts.extend_from_dictionary(&[nameless, tableless]);
    assert_eq!(facts.len(), before);
    assert!(facts.get("CONTACT", "").is_none());
    assert!(facts.get("", "SUB_NR").is_none());
}

#[test]
fn the_dataset_reads_a_dropped_column_as_nothing() {
    let mut doc = fixture_json("ar1_debtors_get_response.json");
    doc["CONTACT"][0]
        .as_object_mut()
        .unwrap()
        .shift_remove("CRED_LIM");
    let data = DataSet::from_value(doc).unwrap();
    let row = &data.table("CONTACT")[0];
    assert_eq!(row.int("CRED_LIM").unwrap(), None);
    assert_eq!(row.text_lossy("CRED_LIM"), None);
}
