//! Personal-data redaction for activity-log payloads.
//!
//! Walks a JSON value and replaces the values of known personal keys by [`REDACTED`]. Keys match
//! case-insensitively and ignore `_`/`-`, so Lightspeed's camelCase (`email`, `addressBillingStreet`,
//! `companyCoCNumber`) and AccountView's UPPERCASE columns (`MAIL_BUS`, `ACCT_NAME`, `ADDRESS1`,
//! `POST_CODE`) are both covered. AccountView write bodies are positional (column names in
//! `Table.Definition.Fields`, values in `TableData.Data.Rows[].Values`); their personal columns are
//! redacted too.
//!
//! Only strings and numbers are replaced: `null`, `false` and `""` carry nothing personal and stay,
//! so the log still shows that a field was empty. Objects and arrays under a personal key are
//! walked, not replaced (AccountView's `CONTACT` key holds the debtor rows).
//!
//! Hand-written because no maintained crate redacts JSON by key pattern; it is a small recursive walk.

use serde_json::{Map, Value};

/// What a personal value is replaced by.
pub const REDACTED: &str = "[redacted]";

/// Keys that are personal as a whole (after normalising: lowercase, letters and digits only).
const EXACT: &[&str] = &[
    "address",
    "acctname",
    "birthdate",
    "clientip",
    "companyname",
    "contact",
    "contactname",
    "contactperson",
    "dateofbirth",
    "deladdr",
    "delname",
    "familyname",
    "fax",
    "firstname",
    "fullname",
    "gender",
    "givenname",
    "housenumber",
    "initials",
    "ip",
    "ipaddress",
    "lastname",
    "login",
    "middlename",
    "nationalid",
    "password",
    "recoveryhash",
    "remoteaddr",
    "remoteip",
    "stextra",
    "stnr",
    "surname",
    "useragent",
];

/// Fragments that make any key containing them personal (`MAIL_BUS`, `emailAddress`,
/// `addressBillingZipcode`, `companyVatNumber`, `TEL_MOB` does not contain one but starts with `tel`).
const CONTAINS: &[&str] = &[
    "bankaccount",
    "cocnr",
    "cocnumber",
    "iban",
    "kvk",
    "mail",
    "mobile",
    "phone",
    "postalcode",
    "postcode",
    "street",
    "vatid",
    "vatnr",
    "vatnumber",
    "zipcode",
];

/// Suffixes that make an `address…` key personal (`addressBillingName`, `addressShippingCompany`,
/// `addressBillingNumber`, `addressBillingExtension`); `addressBillingCity`/`…Country` stay.
const ADDRESS_PARTS: &[&str] = &["name", "company", "number", "extension"];

fn normalise(key: &str) -> String {
    key.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Whether a key names personal data (e-mail, names, phones, street and address lines, postcodes,
/// VAT and KvK numbers, IP addresses, birth dates…).
pub fn is_personal_key(key: &str) -> bool {
    let key = normalise(key);
    if EXACT.contains(&key.as_str()) || CONTAINS.iter().any(|part| key.contains(part)) {
        return true;
    }
    if key.starts_with("tel") {
        return true;
    }
    if let Some(rest) = key.strip_prefix("address") {
        let numbered_line = !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit());
        return numbered_line
            || rest.starts_with("line")
            || ADDRESS_PARTS.iter().any(|part| rest.ends_with(part));
    }
    false
}

/// Redacts `value` in place; returns whether anything was replaced.
pub fn redact_personal_data(value: &mut Value) -> bool {
    match value {
        Value::Object(map) => redact_object(map),
        Value::Array(items) => items
            .iter_mut()
            .fold(false, |changed, item| redact_personal_data(item) | changed),
        _ => false,
    }
}

fn redact_object(map: &mut Map<String, Value>) -> bool {
    let mut changed = redact_positional_tables(map);
    for (key, value) in map.iter_mut() {
        changed |= if is_personal_key(key) {
            redact_personal_value(value)
        } else {
            redact_personal_data(value)
        };
    }
    changed
}

/// A value under a personal key: scalars are replaced, containers walked (array elements that are
/// scalars belong to the key, so they are replaced too).
fn redact_personal_value(value: &mut Value) -> bool {
    match value {
        Value::String(text) if text.is_empty() => false,
        Value::String(_) | Value::Number(_) => {
            *value = Value::String(REDACTED.to_owned());
            true
        }
        Value::Array(items) => items
            .iter_mut()
            .fold(false, |changed, item| redact_personal_value(item) | changed),
        Value::Object(map) => redact_object(map),
        Value::Null | Value::Bool(_) => false,
    }
}

/// Looks a property up case-insensitively (AccountView accepts `name`/`values` in any case).
fn get_ci<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    map.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

fn get_ci_mut<'a>(map: &'a mut Map<String, Value>, key: &str) -> Option<&'a mut Value> {
    map.iter_mut()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

/// Positions of the personal columns in a `{ "Name": …, "Fields": [{ "Name": … }] }` definition.
fn personal_columns(definition: &Value) -> Vec<usize> {
    let Some(fields) = definition
        .as_object()
        .and_then(|d| get_ci(d, "Fields"))
        .and_then(Value::as_array)
    else {
        return Vec::new();
    };
    fields
        .iter()
        .enumerate()
        .filter(|(_, field)| {
            field
                .as_object()
                .and_then(|f| get_ci(f, "Name"))
                .and_then(Value::as_str)
                .is_some_and(is_personal_key)
        })
        .map(|(index, _)| index)
        .collect()
}

/// Replaces the personal columns of every `Rows[].Values` array in a `{ "Rows": [...] }` block.
fn redact_rows(block: &mut Value, columns: &[usize]) -> bool {
    let Some(rows) = block
        .as_object_mut()
        .and_then(|b| get_ci_mut(b, "Rows"))
        .and_then(Value::as_array_mut)
    else {
        return false;
    };
    let mut changed = false;
    for row in rows {
        let Some(values) = row
            .as_object_mut()
            .and_then(|r| get_ci_mut(r, "Values"))
            .and_then(Value::as_array_mut)
        else {
            continue;
        };
        for &column in columns {
            if let Some(value) = values.get_mut(column) {
                changed |= redact_personal_value(value);
            }
        }
    }
    changed
}

/// AccountView write bodies: `Table.Definition` ↔ `TableData.Data` and
/// `Table.DetailDefinitions[i]` ↔ `TableData.DetailData[i]`.
fn redact_positional_tables(map: &mut Map<String, Value>) -> bool {
    let Some(table) = get_ci(map, "Table").and_then(Value::as_object) else {
        return false;
    };
    let header_columns = get_ci(table, "Definition").map_or_else(Vec::new, personal_columns);
    let detail_columns: Vec<Vec<usize>> = get_ci(table, "DetailDefinitions")
        .and_then(Value::as_array)
        .map_or_else(Vec::new, |defs| defs.iter().map(personal_columns).collect());

    let Some(data) = get_ci_mut(map, "TableData").and_then(Value::as_object_mut) else {
        return false;
    };
    let mut changed =
        get_ci_mut(data, "Data").is_some_and(|block| redact_rows(block, &header_columns));
    if let Some(details) = get_ci_mut(data, "DetailData").and_then(Value::as_array_mut) {
        for (block, columns) in details.iter_mut().zip(&detail_columns) {
            changed |= redact_rows(block, columns);
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn personal_keys_in_both_column_styles() {
        for key in [
            "email",
            "MAIL_BUS",
            "firstname",
            "lastname",
            "ACCT_NAME",
            "addressBillingStreet",
            "addressShippingName",
            "addressBillingNumber",
            "ADDRESS1",
            "POST_CODE",
            "addressBillingZipcode",
            "phone",
            "TEL_BUS",
            "TEL_MOB",
            "mobile",
            "VAT_NR",
            "companyVatNumber",
            "companyCoCNumber",
            "kvk_nummer",
            "remoteIp",
            "ST_STREET",
            "ST_NR",
            "DEL_NAME",
            "birthDate",
        ] {
            assert!(is_personal_key(key), "{key} should be personal");
        }
    }

    #[test]
    fn business_keys_are_not_personal() {
        for key in [
            "VAT_CODE",
            "ART_CODE",
            "SUB_NR",
            "number",
            "title",
            "Name",
            "FIELD_NAME",
            "DBF_NAME",
            "addressBillingCity",
            "addressBillingCountry",
            "CNT_CODE",
            "CITY",
            "priceIncl",
            "shipmentTitle",
            "status",
            "id",
        ] {
            assert!(!is_personal_key(key), "{key} should not be personal");
        }
    }

    #[test]
    fn lightspeed_order_is_redacted_recursively() {
        let mut order = json!({
            "order": {
                "number": "ORD-1001",
                "email": "j.jansen@example.nl",
                "firstname": "Jan",
                "lastname": "Jansen",
                "phone": "0612345678",
                "companyVatNumber": "",
                "addressBillingStreet": "Kerkstraat",
                "addressBillingNumber": 12,
                "addressBillingCity": "Amsterdam",
                "remoteIp": "203.0.113.9",
                "priceIncl": 121.0,
                "isCompany": false,
                "middlename": null,
                "customer": { "resource": { "embedded": { "email": "j.jansen@example.nl" } } }
            }
        });
        assert!(redact_personal_data(&mut order));
        let o = &order["order"];
        assert_eq!(o["number"], "ORD-1001");
        assert_eq!(o["email"], REDACTED);
        assert_eq!(o["firstname"], REDACTED);
        assert_eq!(o["lastname"], REDACTED);
        assert_eq!(o["phone"], REDACTED);
        assert_eq!(o["addressBillingStreet"], REDACTED);
        assert_eq!(o["addressBillingNumber"], REDACTED);
        assert_eq!(o["remoteIp"], REDACTED);
        assert_eq!(
            o["companyVatNumber"], "",
            "empty values stay visible as empty"
        );
        assert_eq!(o["middlename"], Value::Null);
        assert_eq!(o["isCompany"], false);
        assert_eq!(o["addressBillingCity"], "Amsterdam");
        assert_eq!(o["priceIncl"], 121.0);
        assert_eq!(o["customer"]["resource"]["embedded"]["email"], REDACTED);
    }

    #[test]
    fn accountview_rows_under_a_personal_table_key_are_walked() {
        let mut response = json!({
            "CONTACT": [
                { "SUB_NR": "10023", "ACCT_NAME": "J. Jansen", "MAIL_BUS": "j@example.nl",
                  "ADDRESS1": "Kerkstraat 12", "POST_CODE": "1234 AB", "CNT_CODE": "NL",
                  "VAT_NR": "NL001234567B01", "VAT_CODE": "1" }
            ]
        });
        assert!(redact_personal_data(&mut response));
        let row = &response["CONTACT"][0];
        assert_eq!(row["SUB_NR"], "10023");
        assert_eq!(row["CNT_CODE"], "NL");
        assert_eq!(row["VAT_CODE"], "1");
        for key in ["ACCT_NAME", "MAIL_BUS", "ADDRESS1", "POST_CODE", "VAT_NR"] {
            assert_eq!(row[key], REDACTED, "{key}");
        }
    }

    #[test]
    fn accountview_positional_write_body_is_redacted_by_column() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../fixtures/accountview/ar1_debtor_create_request.json"
        );
        let mut body: Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let before = body.clone();
        assert!(redact_personal_data(&mut body));
        let values = body["TableData"]["Data"]["Rows"][0]["Values"]
            .as_array()
            .unwrap();
        let fields = before["Table"]["Definition"]["Fields"].as_array().unwrap();
        for (field, value) in fields.iter().zip(values) {
            let name = field["Name"].as_str().unwrap();
            match name {
                "ACCT_NAME" | "ADDRESS1" | "POST_CODE" | "TEL_BUS" | "MAIL_BUS" => {
                    assert_eq!(value, REDACTED, "{name}")
                }
                "VAT_NR" => assert_eq!(value, "", "empty VAT number stays empty"),
                _ => assert_ne!(value, REDACTED, "{name}"),
            }
        }
        assert_eq!(
            body["Table"], before["Table"],
            "column definitions stay intact"
        );
    }

    #[test]
    fn positional_detail_rows_follow_their_definitions_case_insensitively() {
        let mut body = json!({
            "table": {
                "definition": { "fields": [ { "name": "RowId" }, { "name": "SUB_NR" } ] },
                "detailDefinitions": [
                    { "Fields": [ { "Name": "RowId" }, { "Name": "DEL_NAME" }, { "Name": "ART_CODE" } ] }
                ]
            },
            "tableData": {
                "data": { "rows": [ { "values": ["1", "10025"] } ] },
                "detailData": [ { "Rows": [ { "Values": ["1", "P. Pietersen", "FB-1001"] } ] } ]
            }
        });
        assert!(redact_personal_data(&mut body));
        assert_eq!(
            body["tableData"]["data"]["rows"][0]["values"],
            json!(["1", "10025"])
        );
        assert_eq!(
            body["tableData"]["detailData"][0]["Rows"][0]["Values"],
            json!(["1", REDACTED, "FB-1001"])
        );
    }

    #[test]
    fn nothing_personal_means_unchanged() {
        let mut value = json!({ "sku": "FB-1001", "stock": 4, "tags": ["a", "b"] });
        let before = value.clone();
        assert!(!redact_personal_data(&mut value));
        assert_eq!(value, before);
    }

    #[test]
    fn arrays_under_personal_keys_are_redacted_element_wise() {
        let mut value = json!({ "emails": ["a@example.nl", "", null] });
        assert!(redact_personal_data(&mut value));
        assert_eq!(value["emails"], json!([REDACTED, "", null]));
    }
}
