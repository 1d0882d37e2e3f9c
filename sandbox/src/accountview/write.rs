//! `POST`/`PUT /accountviewdata`: validation, generated keys and the side effects of booking
//! (sales reservations on articles). Parsing the body is `parse.rs`.

use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

use super::db::{AvError, BASE_QUANTITIES, Db, Row, codes, derive_quantities};
use super::dictionary::{self, TableDef};
use super::layout::AvLayout;
use super::parse::malformed;
pub(crate) use super::parse::{WriteRequest, business_object_of, declared_columns, parse};
use crate::money::{dec, num, round2};

/// Checks uppercase format, length and (for inserts) mandatory columns of a row.
fn validate(table: &TableDef, row: &Row, insert: bool) -> Result<(), AvError> {
    for fd in table.fields {
        let value = row.get(fd.name);
        let text = value.and_then(Value::as_str).unwrap_or_default();
        let provided = value.is_some();
        if fd.mand && !fd.generated && (insert || provided) {
            let empty = match value {
                None => true,
                Some(Value::String(s)) => s.trim().is_empty(),
                Some(v) => fd.ty == 'N' && dec(v).is_none_or(|d| d.is_zero()),
            };
            if empty {
                return Err(AvError::validation(
                    codes::MANDATORY,
                    format!(
                        "Veld {} ({}) in tabel {} is verplicht.",
                        fd.name, fd.desc, table.name
                    ),
                ));
            }
        }
        if matches!(fd.ty, 'C') && !text.is_empty() {
            if fd.upper && text != text.to_uppercase() {
                return Err(AvError::validation(
                    codes::UPPERCASE,
                    format!(
                        "Veld {} ({}) mag alleen hoofdletters bevatten: '{}'.",
                        fd.name, fd.desc, text
                    ),
                ));
            }
            let len = text.chars().count();
            if fd.len > 0 && len > usize::from(fd.len) {
                return Err(AvError::validation(
                    codes::TOO_LONG,
                    format!(
                        "Waarde voor veld {} ({}) is te lang: {} tekens, maximaal {}.",
                        fd.name, fd.desc, len, fd.len
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn s(row: &Row, k: &str) -> String {
    row.get(k)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim()
        .to_owned()
}

fn unknown(what: &str, code: &str) -> AvError {
    AvError::validation(
        codes::UNKNOWN_REFERENCE,
        format!("{what} {code} bestaat niet."),
    )
}

fn duplicate(what: &str, code: &str) -> AvError {
    AvError::validation(codes::DUPLICATE, format!("{what} {code} bestaat al."))
}

/// Reference checks shared by inserts and updates.
fn check_references(db: &Db, table: &str, row: &Row) -> Result<(), AvError> {
    let check = |column: &str, target: &str, target_col: &str, what: &str| -> Result<(), AvError> {
        let v = s(row, column);
        if row.contains_key(column) && !v.is_empty() && !db.exists(target, target_col, &v) {
            return Err(unknown(what, &v));
        }
        Ok(())
    };
    match table {
        "CONTACT" => {
            check("ACCT_NR", "LEDGER", "ACCT_NR", "Grootboekrekening")?;
            check("DISC_CODE", "PAY_COND", "DISC_CODE", "Betalingsconditie")?;
            check("VAT_CODE", "VAT", "VAT_CODE", "Btw-code")?;
        }
        "DEL_ADDR" => check("SUB_NR", "CONTACT", "SUB_NR", "Debiteur")?,
        "ARTICLE" => {
            check("AG_CODE", "ART_GRP", "AG_CODE", "Artikelgroep")?;
            check("VAT_CODE", "VAT", "VAT_CODE", "Btw-code")?;
        }
        "ART_GRP" => check("ACCT_NR", "LEDGER", "ACCT_NR", "Grootboekrekening")?,
        "SO_HDR" => {
            check("RPL_INV", "CONTACT", "SUB_NR", "Debiteur")?;
            check("RPL_DEL", "CONTACT", "SUB_NR", "Debiteur")?;
            check("DEL_CODE", "DEL_ADDR", "REC_ID", "Afleveradres")?;
            check("DISC_CODE", "PAY_COND", "DISC_CODE", "Betalingsconditie")?;
        }
        "SO_LINE" => {
            check("ART_CODE", "ARTICLE", "ART_CODE", "Artikel")?;
            check("VAT_CODE", "VAT", "VAT_CODE", "Btw-code")?;
            check("ACCT_NR", "LEDGER", "ACCT_NR", "Grootboekrekening")?;
        }
        "DJ_PAGE" => {
            check("DJ_CODE", "DAILY", "DJ_CODE", "Dagboek")?;
            check("SUB_NR", "CONTACT", "SUB_NR", "Debiteur")?;
            check("DISC_CODE", "PAY_COND", "DISC_CODE", "Betalingsconditie")?;
        }
        "DJ_LINE" => {
            check("ACCT_NR", "LEDGER", "ACCT_NR", "Grootboekrekening")?;
            check("VAT_CODE", "VAT", "VAT_CODE", "Btw-code")?;
        }
        _ => {}
    }
    Ok(())
}

/// What a successful write answers: rows per table in the read shape.
pub(crate) type Written = Vec<(&'static str, Vec<u64>)>;

/// Applies an insert; everything is validated before anything is stored.
pub(crate) fn insert(
    db: &mut Db,
    req: &WriteRequest,
    now: &str,
    layout: &AvLayout,
) -> Result<Written, AvError> {
    let bo = req.bo;
    // An administration without a blocked flag on articles blocks none.
    let articles_block = layout.external("ARTICLE", "REC_BLK").is_some();
    if !bo.insert {
        return Err(AvError::validation(
            codes::NOT_ALLOWED,
            format!("Invoer is niet toegestaan voor bedrijfsobject {}.", bo.code),
        ));
    }
    let lines = req
        .detail
        .as_ref()
        .map(|d| d.rows.clone())
        .unwrap_or_default();
    for (_, _, row) in &req.header.rows {
        validate(req.header.table, row, true)?;
        check_references(db, req.header.table.name, row)?;
    }
    if let Some(detail) = &req.detail {
        for (_, header, row) in &detail.rows {
            if !req
                .header
                .rows
                .iter()
                .any(|(id, _, _)| Some(id) == header.as_ref())
            {
                return Err(malformed(format!(
                    "Detailregel verwijst naar onbekende HeaderId {}.",
                    header.clone().unwrap_or_default()
                )));
            }
            validate(detail.table, row, true)?;
            check_references(db, detail.table.name, row)?;
            if detail.table.name == "SO_LINE"
                && articles_block
                && db
                    .find("ARTICLE", "ART_CODE", &s(row, "ART_CODE"))
                    .is_some_and(|a| a.get("REC_BLK") == Some(&json!(true)))
            {
                return Err(AvError::validation(
                    codes::NOT_ALLOWED,
                    format!("Artikel {} is geblokkeerd.", s(row, "ART_CODE")),
                ));
            }
        }
    }
    // Duplicates, also within the request.
    let key = bo.key;
    let mut seen: Vec<String> = Vec::new();
    for (_, _, row) in &req.header.rows {
        let k = s(row, key);
        if k.is_empty() {
            continue;
        }
        let exists = match bo.code {
            "DJ2" => db
                .rows("DJ_PAGE")
                .iter()
                .any(|r| s(r, "PAGE_NR") == k && s(r, "DJ_CODE") == s(row, "DJ_CODE")),
            _ => db.exists(bo.table, key, &k),
        };
        if exists || seen.contains(&k) {
            let what = match bo.code {
                "AR1" => "Debiteur",
                "AK1" => "Artikel",
                "AG1" => "Artikelgroep",
                "ADDR" => "Afleveradres",
                "SO1" => "Verkooporder",
                _ => "Boekstuk",
            };
            return Err(duplicate(what, &k));
        }
        seen.push(k);
    }

    let mut header_keys = Vec::new();
    let mut line_keys = Vec::new();
    for (row_id, _, values) in &req.header.rows {
        let mut row = values.clone();
        match bo.code {
            "AR1" => {
                if s(&row, "SUB_NR").is_empty() {
                    row.insert(
                        "SUB_NR".into(),
                        json!(db.next_number("CONTACT", "SUB_NR", 10001).to_string()),
                    );
                }
                row.insert("INP_DATE".into(), json!(now));
                row.insert("CNG_DATE".into(), json!(now));
            }
            "ADDR" => {
                if s(&row, "REC_ID").is_empty() {
                    row.insert(
                        "REC_ID".into(),
                        json!(format!("{:010}", db.next_number("DEL_ADDR", "REC_ID", 1))),
                    );
                }
                row.insert("CNG_DATE".into(), json!(now));
            }
            "AK1" => {
                row.insert("INP_DATE".into(), json!(now));
                row.insert("CNG_DATE".into(), json!(now));
                derive_quantities(&mut row);
            }
            "AG1" => {
                row.insert("CNG_DATE".into(), json!(now));
            }
            "SO1" => {
                let ord_nr = if s(&row, "ORD_NR").is_empty() {
                    db.next_number("SO_HDR", "ORD_NR", 24_000_001).to_string()
                } else {
                    s(&row, "ORD_NR")
                };
                row.insert("ORD_NR".into(), json!(ord_nr));
                if s(&row, "RPL_DEL").is_empty() {
                    row.insert("RPL_DEL".into(), json!(s(&row, "RPL_INV")));
                }
                if s(&row, "ORD_DATE").is_empty() {
                    row.insert("ORD_DATE".into(), json!(now));
                }
                row.insert("INP_DATE".into(), json!(now));
                let mut nr = 0;
                for (_, header, line) in lines
                    .iter()
                    .filter(|(_, h, _)| h.as_deref() == Some(row_id.as_str()))
                {
                    let _ = header;
                    nr += 1;
                    let mut l = line.clone();
                    let art_code = s(&l, "ART_CODE");
                    let article = db
                        .find("ARTICLE", "ART_CODE", &art_code)
                        .cloned()
                        .unwrap_or_default();
                    l.insert("ORD_NR".into(), json!(ord_nr));
                    l.insert("LINE_NR".into(), json!(nr));
                    if s(&l, "ART_DESC").is_empty() {
                        l.insert(
                            "ART_DESC".into(),
                            article.get("ART_DESC1").cloned().unwrap_or(json!("")),
                        );
                    }
                    if !l.contains_key("ART_PX") {
                        l.insert(
                            "ART_PX".into(),
                            article.get("PX_SELL").cloned().unwrap_or(json!(0)),
                        );
                    }
                    if s(&l, "VAT_CODE").is_empty() {
                        l.insert(
                            "VAT_CODE".into(),
                            article.get("VAT_CODE").cloned().unwrap_or(json!("")),
                        );
                    }
                    if s(&l, "DEL_DATE").is_empty() {
                        l.insert(
                            "DEL_DATE".into(),
                            row.get("DEL_DATE").cloned().unwrap_or(json!("")),
                        );
                    }
                    let qty = l.get("ORD_QTY").and_then(dec).unwrap_or_default();
                    let px = l.get("ART_PX").and_then(dec).unwrap_or_default();
                    let disc = l.get("DISC_PCT").and_then(dec).unwrap_or_default();
                    let disc_amt = l.get("DISC_AMT").and_then(dec).unwrap_or_default();
                    l.insert(
                        "LINE_AMT".into(),
                        num(round2(
                            qty * px * (Decimal::ONE - disc / Decimal::from(100)) - disc_amt,
                        )),
                    );
                    if let Some(a) = db.find_mut("ARTICLE", "ART_CODE", &art_code) {
                        let res = a.get("QTY_RES_SO").and_then(dec).unwrap_or_default();
                        a.insert("QTY_RES_SO".into(), num(res + qty));
                        a.insert("CNG_DATE".into(), json!(now));
                        derive_quantities(a);
                    }
                    line_keys.push(db.insert("SO_LINE", l));
                }
            }
            "DJ2" => {
                let dj = s(&row, "DJ_CODE");
                let page_nr = if s(&row, "PAGE_NR").is_empty() {
                    let next = db
                        .rows("DJ_PAGE")
                        .iter()
                        .filter(|r| s(r, "DJ_CODE") == dj)
                        .filter_map(|r| s(r, "PAGE_NR").parse::<u64>().ok())
                        .max()
                        .map_or(24_000_001, |m| m + 1);
                    next.to_string()
                } else {
                    s(&row, "PAGE_NR")
                };
                row.insert("PAGE_NR".into(), json!(page_nr));
                if s(&row, "TRN_DATE").is_empty() {
                    row.insert("TRN_DATE".into(), json!(now));
                }
                row.insert("INP_DATE".into(), json!(now));
                for (_, _, line) in lines
                    .iter()
                    .filter(|(_, h, _)| h.as_deref() == Some(row_id.as_str()))
                {
                    let mut l = line.clone();
                    l.insert(
                        "REC_ID".into(),
                        json!(format!("{:010}", db.next_number("DJ_LINE", "REC_ID", 1))),
                    );
                    l.insert("DJ_CODE".into(), json!(dj));
                    l.insert("PAGE_NR".into(), json!(page_nr));
                    l.insert("SRC_TYPE".into(), json!("V"));
                    if s(&l, "TRN_DATE").is_empty() {
                        l.insert(
                            "TRN_DATE".into(),
                            row.get("TRN_DATE").cloned().unwrap_or(json!("")),
                        );
                    }
                    if s(&l, "SUB_NR").is_empty() {
                        l.insert("SUB_NR".into(), json!(s(&row, "SUB_NR")));
                    }
                    line_keys.push(db.insert("DJ_LINE", l));
                }
            }
            _ => {}
        }
        header_keys.push(db.insert(bo.table, row));
    }
    let mut out: Written = vec![(
        dictionary::table(bo.table).map_or("", |t| t.name),
        header_keys,
    )];
    if let Some(child) = bo.child.and_then(dictionary::table) {
        out.push((child.name, line_keys));
    }
    Ok(out)
}

/// Applies an update: each row names its record by the key column (or the top-level `id`).
pub(crate) fn update(db: &mut Db, req: &WriteRequest, now: &str) -> Result<Written, AvError> {
    let bo = req.bo;
    if !bo.update {
        return Err(AvError::validation(
            codes::NOT_ALLOWED,
            format!(
                "Wijzigen is niet toegestaan voor bedrijfsobject {}.",
                bo.code
            ),
        ));
    }
    let mut keys = Vec::new();
    let mut planned: Vec<(String, Row)> = Vec::new();
    for (_, _, values) in &req.header.rows {
        let key = match s(values, bo.key) {
            k if !k.is_empty() => k,
            _ => req.id.clone().unwrap_or_default(),
        };
        if key.is_empty() || !db.exists(bo.table, bo.key, &key) {
            return Err(AvError::validation(
                codes::NOT_FOUND,
                format!("Record {key} niet gevonden in {}.", bo.table),
            ));
        }
        validate(req.header.table, values, false)?;
        check_references(db, req.header.table.name, values)?;
        planned.push((key, values.clone()));
    }
    for (key, values) in planned {
        if let Some(row) = db.find_mut(bo.table, bo.key, &key) {
            let base_changed = values.keys().any(|k| BASE_QUANTITIES.contains(&k.as_str()));
            for (k, v) in values {
                if k != bo.key {
                    row.insert(k, v);
                }
            }
            if row.contains_key("CNG_DATE") {
                row.insert("CNG_DATE".into(), json!(now));
            }
            if bo.table == "ARTICLE" && base_changed {
                derive_quantities(row);
            }
            keys.push(row.get("EXT_KEY").and_then(Value::as_u64).unwrap_or(0));
        }
    }
    Ok(vec![(
        dictionary::table(bo.table).map_or("", |t| t.name),
        keys,
    )])
}

/// Renders written rows (by `EXT_KEY`) in the read shape.
pub(crate) fn answer(db: &Db, written: &Written) -> Value {
    let mut out = Map::new();
    for (table, keys) in written {
        let rows: Vec<Value> = db
            .rows(table)
            .iter()
            .filter(|r| {
                r.get("EXT_KEY")
                    .and_then(Value::as_u64)
                    .is_some_and(|k| keys.contains(&k))
            })
            .enumerate()
            .map(|(i, r)| {
                let mut m = r.clone();
                m.insert(format!("{table}_Id"), json!(i));
                Value::Object(m)
            })
            .collect();
        out.insert((*table).to_owned(), Value::Array(rows));
    }
    Value::Object(out)
}
