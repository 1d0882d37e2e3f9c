//! Every fixture in `fixtures/accountview/` decodes (responses) or is reproduced JSON-equal from typed
//! input (requests). The array-shaped responses (companies, business objects), the token response and
//! the error body go through the client in `reading.rs`, `auth.rs` and `errors.rs`.

mod common;

use accountview_client::{
    Article, ArticleGroup, DataSet, Debtor, DeliveryAddress, FieldDictionaryEntry, FieldFacts,
    JournalLine, JournalPage, JournalPosting, LedgerAccount, Record, SalesOrder, SalesOrderHeader,
    SalesOrderLine, VatCode, WritableRecord, WriteMode, WriteRequest,
};
use chrono::{NaiveDate, NaiveDateTime};
use common::{fixture, fixture_json, fixture_path};
use rust_decimal_macros::dec;

fn dt(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
}

fn dataset(name: &str) -> DataSet {
    DataSet::from_slice(fixture(name).as_bytes()).unwrap()
}

/// Encodes after the same validation a real create runs, and checks validation changed nothing.
fn encode_validated(request: &WriteRequest) -> serde_json::Value {
    let mut validated = request.clone();
    FieldFacts::builtin()
        .apply(&mut validated, WriteMode::Create)
        .unwrap();
    assert_eq!(
        &validated, request,
        "validation must accept the fixture request unchanged"
    );
    validated.to_json().unwrap()
}

#[test]
fn every_fixture_file_is_covered() {
    let covered = [
        "addr_delivery_address_create_request.json",
        "addr_delivery_addresses_get_response.json",
        "ag1_article_groups_get_response.json",
        "ak1_articles_get_response.json",
        "ar1_debtor_create_request.json",
        "ar1_debtor_create_response.json",
        "ar1_debtors_get_response.json",
        "business_objects_get_response.json",
        "companies_get_response.json",
        "dj2_sales_invoice_journal_create_request.json",
        "error_response.json",
        "fld_dictionary_contact_get_response.json",
        "gl1_ledger_get_response.json",
        "so1_sales_order_create_request.json",
        "token_response.json",
        "va1_vat_codes_get_response.json",
    ];
    let mut on_disk: Vec<String> = std::fs::read_dir(fixture_path(""))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    on_disk.sort();
    assert_eq!(
        on_disk, covered,
        "a fixture was added or removed: cover it in a test"
    );
}

#[test]
fn debtors_decode_with_every_column_kept() {
    let data = dataset("ar1_debtors_get_response.json");
    assert!(data.table("USR_LINK").is_empty());
    let debtors = data.decode_rows("CONTACT", Debtor::from_row).unwrap();
    assert_eq!(debtors.len(), 2);
    let d = &debtors[1];
    assert_eq!(d.sub_nr.as_deref(), Some("10024"));
    assert_eq!(d.acct_name.as_deref(), Some("Bakkerij Van Dam B.V."));
    assert_eq!(d.vat_nr.as_deref(), Some("NL001234567B01"));
    assert_eq!(d.disc_code.as_deref(), Some("30"));
    assert_eq!(d.cred_lim, Some(2500));
    assert_eq!(d.rec_blk, Some(false));
    assert_eq!(d.cng_date, Some(dt("2024-05-02 08:01:44")));
    assert_eq!(d.deb_nr, None, "empty text reads as absent");
    assert_eq!(d.extra.text("ST_STREET"), Some("Dorpsweg"));
    assert_eq!(d.extra.int("EXT_KEY").unwrap(), Some(4712));
    assert!(d.extra.contains("CONTACT_Id"));
    assert!(!d.extra.contains("SUB_NR"));
    assert_eq!(debtors[0].deb_nr.as_deref(), Some("LS-88123"));
}

#[test]
fn debtor_create_response_carries_the_key() {
    let data = dataset("ar1_debtor_create_response.json");
    let d = Debtor::from_row(&data.table("CONTACT")[0]).unwrap();
    assert_eq!(d.sub_nr.as_deref(), Some("10025"));
    assert_eq!(d.deb_nr.as_deref(), Some("LS-90211"));
}

#[test]
fn articles_decode_with_all_quantity_columns() {
    let data = dataset("ak1_articles_get_response.json");
    let articles = data.decode_rows(Article::TABLE, Article::from_row).unwrap();
    let a = &articles[0];
    assert_eq!(a.art_code.as_deref(), Some("FB-1001"));
    assert_eq!(a.px_sell, Some(dec!(4.95)));
    assert_eq!(a.cost_px, Some(dec!(1.8)));
    assert_eq!(a.qty_tech(), Some(dec!(42)));
    assert_eq!(a.qty_avail(), Some(dec!(37)));
    assert_eq!(a.qty_free2(), Some(dec!(37)));
    assert_eq!(a.qty("avail"), Some(dec!(37)));
    assert_eq!(a.qty.len(), 3);
    assert_eq!(a.cng_date, Some(dt("2024-05-01 16:40:12")));
    assert!(!a.extra.contains("QTY_TECH"));
    assert_eq!(articles[1].qty_avail(), Some(dec!(0)));
    assert_eq!(articles[1].px_sell, Some(dec!(21.5)));
}

#[test]
fn article_groups_delivery_addresses_vat_and_ledger_decode() {
    let groups = dataset("ag1_article_groups_get_response.json")
        .decode_rows(ArticleGroup::TABLE, ArticleGroup::from_row)
        .unwrap();
    assert_eq!(groups[1].ag_code.as_deref(), Some("BND"));
    assert_eq!(groups[1].ag_desc.as_deref(), Some("Banden"));

    let addresses = dataset("addr_delivery_addresses_get_response.json")
        .decode_rows(DeliveryAddress::TABLE, DeliveryAddress::from_row)
        .unwrap();
    assert_eq!(addresses[0].rec_id.as_deref(), Some("0000000412"));
    assert_eq!(addresses[0].city.as_deref(), Some("ZEIST"));

    let vat = dataset("va1_vat_codes_get_response.json")
        .decode_rows(VatCode::TABLE, VatCode::from_row)
        .unwrap();
    assert_eq!(vat[2].vat_code.as_deref(), Some("2"));
    assert_eq!(vat[2].vat_pct, Some(dec!(21)));
    assert_eq!(vat[2].rate(), Some(dec!(0.21)));
    assert_eq!(vat[1].vat_pct, Some(dec!(9)));
    assert_eq!(vat[0].vat_pct, Some(dec!(0)));
    assert_eq!(vat[0].vat_link, None);
    assert_eq!(vat[2].is_reverse, Some(false));

    let ledger = dataset("gl1_ledger_get_response.json")
        .decode_rows(LedgerAccount::TABLE, LedgerAccount::from_row)
        .unwrap();
    assert_eq!(ledger[0].acct_name.as_deref(), Some("Debiteuren"));
    assert_eq!(ledger[0].acct_link, Some(1));
    assert_eq!(ledger[1].stat_sell, Some(true));
    assert_eq!(ledger[1].vat_code.as_deref(), Some("2"));
}

#[test]
fn field_dictionary_decodes_and_extends_facts() {
    let entries = dataset("fld_dictionary_contact_get_response.json")
        .decode_rows("DCT_FLD", FieldDictionaryEntry::from_row)
        .unwrap();
    assert_eq!(entries.len(), 5);
    assert_eq!(entries[0].field.as_deref(), Some("SUB_NR"));
    assert_eq!(entries[0].length, Some(10));
    assert_eq!(entries[0].mandatory, Some(true));
    assert_eq!(entries[0].format.as_deref(), Some("!"));
    assert_eq!(entries[3].description.as_deref(), Some("E-mail zakelijk"));
    let mut facts = FieldFacts::builtin();
    let before = facts.len();
    facts.extend_from_dictionary(&entries);
    assert_eq!(facts.len(), before, "all five are built-in facts already");
    assert_eq!(facts.get("CONTACT", "MAIL_BUS").unwrap().max_len, Some(50));
}

#[test]
fn ar1_debtor_request_is_reproduced() {
    let debtor = Debtor {
        sub_nr: Some("10025".into()),
        acct_nr: Some("1300".into()),
        src_code: Some("PIETERSEN".into()),
        acct_name: Some("P. Pietersen".into()),
        address1: Some("Stationsplein 3".into()),
        post_code: Some("9711 AA".into()),
        city: Some("GRONINGEN".into()),
        cnt_code: Some("NL".into()),
        tel_bus: Some("0501112233".into()),
        mail_bus: Some("p.pietersen@example.nl".into()),
        vat_nr: Some(String::new()),
        deb_nr: Some("LS-90211".into()),
        ..Debtor::default()
    };
    let request = debtor
        .to_write_request()
        .unwrap()
        .with_book_date(dt("2024-05-02 10:15:00"));
    assert_eq!(
        encode_validated(&request),
        fixture_json("ar1_debtor_create_request.json")
    );
}

#[test]
fn addr_delivery_address_request_is_reproduced() {
    let address = DeliveryAddress {
        sub_nr: Some("10025".into()),
        del_name: Some("P. Pietersen".into()),
        address1: Some("Vismarkt 1".into()),
        post_code: Some("9712 CA".into()),
        city: Some("GRONINGEN".into()),
        cnt_code: Some("NL".into()),
        mail_bus: Some("p.pietersen@example.nl".into()),
        tel_bus: Some("0501112233".into()),
        ..DeliveryAddress::default()
    };
    let request = address
        .to_write_request()
        .unwrap()
        .with_book_date(dt("2024-05-02 10:15:00"));
    assert_eq!(
        encode_validated(&request),
        fixture_json("addr_delivery_address_create_request.json")
    );
}

#[test]
fn so1_sales_order_request_is_reproduced() {
    let ordered = dt("2024-05-02 10:20:00");
    let delivery = dt("2024-05-03 00:00:00");
    let line = |code: &str, qty, px| SalesOrderLine {
        del_date: Some(delivery),
        art_code: Some(code.into()),
        ord_qty: Some(qty),
        art_px: Some(px),
        ..SalesOrderLine::default()
    };
    let order = SalesOrder {
        book_date: Some(ordered),
        header: SalesOrderHeader {
            ord_date: Some(ordered),
            inv_date: Some(ordered),
            del_date: Some(delivery),
            rpl_inv: Some("10025".into()),
            rpl_del: Some("10025".into()),
            del_code: Some("0000000413".into()),
            comment1: Some("LS-ORDER 100234 P. Pietersen".into()),
            to_email: Some("p.pietersen@example.nl".into()),
            ..SalesOrderHeader::default()
        },
        lines: vec![
            line("FB-1001", dec!(2), dec!(4.95)),
            line("BND-2654", dec!(1), dec!(21.50)),
            line("VERZEND", dec!(1), dec!(6.95)),
        ],
    };
    let request = order.to_write_request().unwrap();
    assert_eq!(
        encode_validated(&request),
        fixture_json("so1_sales_order_create_request.json")
    );
}

#[test]
fn dj2_journal_posting_request_is_reproduced() {
    let line = |desc: &str, amount, vat, qty| JournalLine {
        acct_nr: Some("8000".into()),
        trn_desc: Some(desc.into()),
        amount: Some(amount),
        vat_code: Some("2".into()),
        vat_amt: Some(vat),
        trn_qty: Some(qty),
        ..JournalLine::default()
    };
    let posting = JournalPosting {
        book_date: Some(dt("2024-05-02 10:30:00")),
        page: JournalPage {
            dj_code: Some("700".into()),
            sub_nr: Some("10025".into()),
            inv_nr: Some("20240412".into()),
            trn_date: NaiveDate::from_ymd_opt(2024, 5, 2),
            period: Some(5),
            hdr_desc: Some("Webshop order 100234".into()),
            gross_flg: Some(false),
            cur_code: Some("EUR".into()),
            cred_days: Some(14),
            ..JournalPage::default()
        },
        lines: vec![
            line("Fietsbel chroom 2x", dec!(-8.18), dec!(-1.72), dec!(2)),
            line("Buitenband 26x1.75", dec!(-17.77), dec!(-3.73), dec!(1)),
        ],
    };
    let request = posting.to_write_request().unwrap();
    assert_eq!(
        encode_validated(&request),
        fixture_json("dj2_sales_invoice_journal_create_request.json")
    );
}

#[test]
fn read_shape_round_trips_through_typed_records() {
    // A debtor read and written back declares its extra columns too, but never system columns.
    let data = dataset("ar1_debtors_get_response.json");
    let debtor = Debtor::from_row(&data.table("CONTACT")[0]).unwrap();
    let body = debtor
        .to_write_request()
        .unwrap()
        .with_id("10023")
        .to_json()
        .unwrap();
    let names: Vec<&str> = body["Table"]["Definition"]["Fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["Name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"ST_STREET"));
    assert!(names.contains(&"COUNTRY"));
    for system in ["EXT_KEY", "CONTACT_Id", "CNG_DATE", "INP_DATE"] {
        assert!(!names.contains(&system), "{system} must not be written");
    }
    assert_eq!(body["id"], "10023");

    let order = SalesOrder::from_dataset(&DataSet::from_slice(br#"{"SO_HDR":{"RPL_INV":"10025","A8_INV_NR":"LS-1"},"SO_LINE":[{"ART_CODE":"FB-1001","ORD_QTY":"2"}]}"#).unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(order.header.rpl_inv.as_deref(), Some("10025"));
    assert_eq!(order.header.extra.text("A8_INV_NR"), Some("LS-1"));
    assert_eq!(order.lines[0].ord_qty, Some(dec!(2)));
    assert!(
        SalesOrder::from_dataset(&DataSet::default())
            .unwrap()
            .is_none()
    );

    let posting = JournalPosting::from_dataset(
        &DataSet::from_slice(
            br#"{"DJ_PAGE":[{"INV_NR":"20240412","TRN_DATE":"2024-05-02T00:00:00"}],"DJ_LINE":[]}"#,
        )
        .unwrap(),
    )
    .unwrap()
    .unwrap();
    assert_eq!(posting.page.inv_nr.as_deref(), Some("20240412"));
    assert_eq!(posting.page.trn_date, NaiveDate::from_ymd_opt(2024, 5, 2));
}
