//! Unit tests of the SO1 and DJ2 mappings against the request fixtures.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde_json::{Value, json};
use sync_core::domain::{
    BookingLine, BookingLineKind, Currency, DebtorRef, Email, ExternalReference, SalesDocument,
    SalesDocumentKind, VatRate,
};
use sync_core::error::ErrorKind;

use super::journal::journal_posting;
use super::options::LedgerOptions;
use super::sales_order::sales_order;
use crate::validate::FieldFacts;

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn line(
    code: &str,
    description: &str,
    qty: Decimal,
    unit_incl: Decimal,
    excl: Decimal,
) -> BookingLine {
    let incl = qty * unit_incl;
    BookingLine {
        kind: if code == "VERZEND" {
            BookingLineKind::Shipping
        } else {
            BookingLineKind::Article
        },
        article_code: Some(code.into()),
        description: description.into(),
        quantity: qty,
        unit_price: unit_incl,
        amount_excl: excl,
        amount_incl: incl,
        vat_amount: incl - excl,
        vat_code: Some("2".into()),
        vat_rate: VatRate::from_percentage(21),
        revenue_account: Some("8000".into()),
    }
}

/// The order behind `so1_sales_order_create_request.json` (amounts incl. VAT).
fn order_document() -> SalesDocument {
    SalesDocument {
        kind: SalesDocumentKind::SalesOrder,
        reference: ExternalReference::new("LS-ORDER 100234 P. Pietersen"),
        debtor: DebtorRef {
            number: "10025".into(),
            delivery_address_id: Some("0000000413".into()),
        },
        delivery_address: None,
        order_date: date("2024-05-02"),
        invoice_number: None,
        invoice_date: Some(date("2024-05-02")),
        description: "Webshop order 100234".into(),
        email: Some(Email::parse("p.pietersen@example.nl").unwrap()),
        payment_condition: None,
        payment_method_code: None,
        shipping_method_code: None,
        shop_id: None,
        currency: Currency::EUR,
        amounts_include_vat: true,
        lines: vec![
            line(
                "FB-1001",
                "Fietsbel chroom 2x",
                dec!(2),
                dec!(4.95),
                dec!(8.18),
            ),
            line(
                "BND-2654",
                "Buitenband 26x1.75",
                dec!(1),
                dec!(21.50),
                dec!(17.77),
            ),
            line("VERZEND", "Verzendkosten", dec!(1), dec!(6.95), dec!(5.74)),
        ],
        total_excl: dec!(31.69),
        total_incl: dec!(38.35),
        vat_total: dec!(6.66),
        header_discount: Decimal::ZERO,
        rounding_difference: Decimal::ZERO,
    }
}

/// The invoice behind `dj2_sales_invoice_journal_create_request.json`.
fn invoice_document() -> SalesDocument {
    let mut doc = order_document();
    doc.kind = SalesDocumentKind::SalesInvoice;
    doc.reference = ExternalReference::new("Webshop order 100234");
    doc.invoice_number = Some("20240412".into());
    doc.lines.truncate(2);
    doc
}

fn body(request: crate::WriteRequest) -> Value {
    request.to_json().unwrap()
}

fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/../fixtures/accountview/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Column name → value of row `row` of the header (`None`) or detail table `Some(i)`.
fn columns(body: &Value, detail: Option<usize>, row: usize) -> serde_json::Map<String, Value> {
    let (def, data) = match detail {
        None => (&body["Table"]["Definition"], &body["TableData"]["Data"]),
        Some(i) => (
            &body["Table"]["DetailDefinitions"][i],
            &body["TableData"]["DetailData"][i],
        ),
    };
    let names = def["Fields"].as_array().unwrap().iter();
    let values = data["Rows"][row]["Values"].as_array().unwrap().iter();
    names
        .zip(values)
        .map(|(f, v)| (f["Name"].as_str().unwrap().to_owned(), v.clone()))
        .collect()
}

fn so1(doc: &SalesDocument, options: &LedgerOptions) -> Value {
    body(
        sales_order(doc, options, &FieldFacts::builtin())
            .unwrap()
            .to_write_request()
            .unwrap(),
    )
}

#[test]
fn sales_order_incl_vat_carries_the_fixture_values() {
    let body = so1(&order_document(), &LedgerOptions::default());
    assert_eq!(body["BusinessObject"], "SO1");
    assert_eq!(body["BookDate"], "2024-05-02T00:00:00.000Z");
    assert_eq!(
        Value::Object(columns(&body, None, 0)),
        json!({
            "RowId": "1", "ORD_DATE": "2024-05-02T00:00:00.000Z", "INV_DATE": "2024-05-02T00:00:00.000Z",
            "RPL_INV": "10025", "RPL_DEL": "10025", "DEL_CODE": "0000000413",
            "TO_EMAIL": "p.pietersen@example.nl", "COMMENT1": "LS-ORDER 100234 P. Pietersen"
        })
    );
    // The lines carry exactly the fixture's article, quantity and unit price (incl. VAT).
    let expected = fixture("so1_sales_order_create_request.json");
    for row in 0..3 {
        let ours = columns(&body, Some(0), row);
        let theirs = columns(&expected, Some(0), row);
        for column in ["RowId", "HeaderId", "ART_CODE", "ORD_QTY", "ART_PX"] {
            assert_eq!(ours[column], theirs[column], "row {row} {column}");
        }
        assert_eq!(
            ours.len(),
            5,
            "no discount, description or VAT columns by default"
        );
    }
    let header_types = &body["Table"]["Definition"]["Fields"];
    assert_eq!(
        header_types[1],
        json!({"Name": "ORD_DATE", "FieldType": "T"})
    );
}

#[test]
fn sales_order_excl_vat_sends_excl_unit_prices() {
    let mut doc = order_document();
    doc.amounts_include_vat = false;
    for l in &mut doc.lines {
        l.unit_price = l.amount_excl / l.quantity;
    }
    let body = so1(&doc, &LedgerOptions::default());
    assert_eq!(columns(&body, Some(0), 0)["ART_PX"], json!(4.09));
    assert_eq!(columns(&body, Some(0), 1)["ART_PX"], json!(17.77));
    assert!(!columns(&body, Some(0), 0).contains_key("DISC_AMT"));
}

fn discounted() -> SalesDocument {
    let mut doc = order_document();
    // 3 × 4.95 = 14.85 list, 2.00 discount → 12.85 incl.
    doc.lines[0].quantity = dec!(3);
    doc.lines[0].amount_incl = dec!(12.85);
    doc.lines[0].amount_excl = dec!(10.62);
    doc.lines[0].vat_amount = dec!(2.23);
    doc
}

#[test]
fn discount_goes_to_the_discount_column_when_configured() {
    let body = so1(&discounted(), &LedgerOptions::default());
    let l = columns(&body, Some(0), 0);
    assert_eq!(l["ART_PX"], json!(4.95));
    assert_eq!(l["ORD_QTY"], json!(3));
    assert_eq!(l["DISC_AMT"], json!(2));
    // Lines without a discount get no value in the shared column.
    assert_eq!(columns(&body, Some(0), 1)["DISC_AMT"], Value::Null);
}

#[test]
fn without_a_discount_column_the_net_unit_price_is_sent() {
    let options = LedgerOptions {
        order_line_discount_column: None,
        ..LedgerOptions::default()
    };
    let body = so1(&discounted(), &options);
    let l = columns(&body, Some(0), 0);
    assert_eq!(l["ART_PX"], json!(4.2833), "12.85 / 3 to 4 decimals");
    assert!(!l.contains_key("DISC_AMT"));
}

#[test]
fn sub_cent_differences_are_not_discounts() {
    let mut doc = order_document();
    doc.lines[0].quantity = dec!(3);
    doc.lines[0].unit_price = dec!(4.1322);
    doc.lines[0].amount_incl = dec!(12.40); // 12.3966 rounded
    let body = so1(&doc, &LedgerOptions::default());
    let l = columns(&body, Some(0), 0);
    assert_eq!(l["ART_PX"], json!(4.1322));
    assert!(!l.contains_key("DISC_AMT"), "no line has a discount");
}

#[test]
fn header_discount_goes_to_pd_amt_and_is_refused_on_journal_postings() {
    let mut doc = order_document();
    doc.header_discount = dec!(5.00);
    let body = so1(&doc, &LedgerOptions::default());
    assert_eq!(columns(&body, None, 0)["PD_AMT"], json!(5));
    assert!(!columns(&order_document_body(), None, 0).contains_key("PD_AMT"));

    let mut invoice = invoice_document();
    invoice.header_discount = dec!(5.00);
    let err =
        journal_posting(&invoice, &LedgerOptions::default(), &FieldFacts::builtin()).unwrap_err();
    assert!(err.stops_run());
    assert!(err.message().contains("orders.order_discount"), "{err}");
}

fn order_document_body() -> Value {
    so1(&order_document(), &LedgerOptions::default())
}

#[test]
fn sales_order_options_are_honoured() {
    let mut doc = order_document();
    doc.payment_condition = Some("14".into());
    doc.shipping_method_code = Some("POSTNL".into());
    doc.payment_method_code = Some("IDEAL".into());
    doc.shop_id = Some("1234".into());
    let mut options = LedgerOptions {
        sales_order_reference_column: "A8_INV_NR".into(),
        payment_method_column: Some("PAY_MTH".into()),
        shop_id_column: Some("K1_SHOP".into()),
        order_line_description_column: Some("ART_DESC".into()),
        order_line_vat_code_column: Some("VAT_CODE".into()),
        order_line_revenue_account_column: Some("ACCT_NR".into()),
        ..LedgerOptions::default()
    };
    options
        .header_constants
        .insert("EMP_NR".into(), "WEB".into());
    options.line_constants.insert("K1_SRC".into(), "LS".into());
    options.validate().unwrap();
    let body = so1(&doc, &options);
    let h = columns(&body, None, 0);
    assert_eq!(h["A8_INV_NR"], "LS-ORDER 100234 P. Pietersen");
    assert!(!h.contains_key("COMMENT1"));
    assert_eq!(h["DISC_CODE"], "14");
    assert_eq!(h["SHIP_MTH"], "POSTNL");
    assert_eq!(h["PAY_MTH"], "IDEAL");
    assert_eq!(h["K1_SHOP"], "1234");
    assert_eq!(h["EMP_NR"], "WEB");
    let l = columns(&body, Some(0), 2);
    assert_eq!(l["ART_CODE"], "VERZEND");
    assert_eq!(l["ART_DESC"], "Verzendkosten");
    assert_eq!(l["VAT_CODE"], "2");
    assert_eq!(l["ACCT_NR"], "8000");
    assert_eq!(l["K1_SRC"], "LS");
}

#[test]
fn sales_order_refuses_lines_without_an_article_and_long_references() {
    let mut doc = order_document();
    doc.lines[1].article_code = Some("  ".into());
    let err = sales_order(&doc, &LedgerOptions::default(), &FieldFacts::builtin()).unwrap_err();
    assert!(err.is_skippable());
    assert_eq!(err.kind(), ErrorKind::Mapping);
    assert!(
        err.message().contains("line 2 (`Buitenband 26x1.75`)"),
        "{err}"
    );

    let mut facts = FieldFacts::builtin();
    facts.insert(
        crate::FieldFact::new("SO_HDR", "COMMENT1", crate::FieldType::C)
            .max_len(20, crate::OverflowPolicy::Truncate),
    );
    let err = sales_order(&order_document(), &LedgerOptions::default(), &facts).unwrap_err();
    assert!(err.is_skippable());
    assert!(err.message().contains("SO_HDR.COMMENT1 holds 20"), "{err}");
}

fn dj2(doc: &SalesDocument, options: &LedgerOptions) -> Value {
    body(
        journal_posting(doc, options, &FieldFacts::builtin())
            .unwrap()
            .to_write_request()
            .unwrap(),
    )
}

#[test]
fn sales_invoice_equals_the_dj2_fixture() {
    let mut ours = dj2(&invoice_document(), &LedgerOptions::default());
    let mut expected = fixture("dj2_sales_invoice_journal_create_request.json");
    // The fixture also sends CRED_DAYS (not part of a document) and a time in BookDate.
    let fields = expected["Table"]["Definition"]["Fields"]
        .as_array_mut()
        .unwrap();
    assert_eq!(fields.pop().unwrap()["Name"], "CRED_DAYS");
    expected["TableData"]["Data"]["Rows"][0]["Values"]
        .as_array_mut()
        .unwrap()
        .pop();
    assert_eq!(ours["BookDate"], "2024-05-02T00:00:00.000Z");
    ours["BookDate"] = expected["BookDate"].clone();
    assert_eq!(ours, expected);
}

#[test]
fn credit_note_posts_positive_amounts_with_a_derived_invoice_number() {
    let mut doc = invoice_document();
    doc.kind = SalesDocumentKind::CreditNote;
    doc.reference = ExternalReference::new("LS-1234-ORD00018-C1");
    doc.invoice_number = None;
    doc.invoice_date = None;
    doc.order_date = date("2024-11-30");
    doc.payment_condition = Some("14".into());
    doc.lines[1].kind = BookingLineKind::Discount;
    doc.lines[1].amount_excl = dec!(-1.00);
    doc.lines[1].vat_amount = dec!(-0.21);
    let options = LedgerOptions {
        sales_invoice_reference_column: "COMMENT1".into(),
        ..LedgerOptions::default()
    };
    let body = dj2(&doc, &options);
    let page = columns(&body, None, 0);
    assert_eq!(
        page["INV_NR"], "34ORD00018C1",
        "the last 12 letters and digits"
    );
    assert_eq!(page["TRN_DATE"], "2024-11-30T00:00:00.000Z");
    assert_eq!(page["PERIOD"], 11);
    assert_eq!(page["HDR_DESC"], "Webshop order 100234", "the description");
    assert_eq!(page["COMMENT1"], "LS-1234-ORD00018-C1");
    assert_eq!(page["DISC_CODE"], "14");
    let first = columns(&body, Some(0), 0);
    assert_eq!(first["AMOUNT"], json!(8.18));
    assert_eq!(first["VAT_AMT"], json!(1.72));
    let discount = columns(&body, Some(0), 1);
    assert_eq!(discount["AMOUNT"], json!(-1));
    assert_eq!(discount["VAT_AMT"], json!(-0.21));
}

#[test]
fn journal_lines_need_a_revenue_account_and_constants_are_added() {
    let mut doc = invoice_document();
    doc.lines[1].revenue_account = None;
    let err = journal_posting(&doc, &LedgerOptions::default(), &FieldFacts::builtin()).unwrap_err();
    assert!(err.is_skippable());
    assert_eq!(err.kind(), ErrorKind::Mapping);
    assert!(
        err.message()
            .contains("line 2 (`Buitenband 26x1.75`) has no revenue account")
    );

    let mut options = LedgerOptions::default();
    options
        .journal_header_constants
        .insert("CRED_DAYS".into(), "14".into());
    options
        .journal_line_constants
        .insert("CST_CODE".into(), "WEB".into());
    let body = dj2(&invoice_document(), &options);
    assert_eq!(columns(&body, None, 0)["CRED_DAYS"], "14");
    assert_eq!(columns(&body, Some(0), 1)["CST_CODE"], "WEB");

    let mut long = invoice_document();
    long.reference = ExternalReference::new("x".repeat(41));
    let err =
        journal_posting(&long, &LedgerOptions::default(), &FieldFacts::builtin()).unwrap_err();
    assert!(err.message().contains("DJ_PAGE.HDR_DESC holds 40"), "{err}");
    let mut order = invoice_document();
    order.kind = SalesDocumentKind::SalesOrder;
    assert!(
        journal_posting(&order, &LedgerOptions::default(), &FieldFacts::builtin())
            .unwrap_err()
            .stops_run()
    );
}
