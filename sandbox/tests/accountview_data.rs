//! AccountView data endpoint over plain HTTP: reads, positional writes, validation errors and
//! discovery.

mod common;

use common::{Av, small, start, write_body};
use reqwest::Method;
use sandbox::SandboxConfig;
use serde_json::{Value, json};

fn contact_fields() -> Vec<(&'static str, &'static str)> {
    vec![
        ("RowId", "C"),
        ("ACCT_NR", "C"),
        ("SRC_CODE", "C"),
        ("ACCT_NAME", "C"),
        ("POST_CODE", "C"),
        ("CNT_CODE", "C"),
        ("MAIL_BUS", "C"),
    ]
}

fn contact(name: &str, post: &str, mail: &str) -> Vec<Value> {
    vec![
        json!("1"),
        json!("1300"),
        json!("TEST"),
        json!(name),
        json!(post),
        json!("NL"),
        json!(mail),
    ]
}

#[tokio::test]
async fn reads_filters_paging_fields_and_table_keyed_rows() {
    let sb = start(small()).await;
    let av = Av::connect(sb.accountview()).await;
    let all = av
        .get("accountviewdata?BusinessObject=AK1&PageSize=1000")
        .await;
    assert_eq!(all.status, 200);
    let rows = all.json["ARTICLE"].as_array().unwrap();
    assert_eq!(
        rows.len(),
        40 + 4,
        "the seeded articles and four service articles"
    );
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r["ARTICLE_Id"], i);
        assert!(r["EXT_KEY"].is_number());
        assert!(
            r["ART_CODE"].is_string() && r["QTY_RES_SO"].is_number() && r["BAR_CODE"].is_string()
        );
    }
    let default_page = av.get("accountviewdata?BusinessObject=AK1").await;
    assert_eq!(
        default_page.json["ARTICLE"].as_array().unwrap().len(),
        44,
        "default page size 100"
    );
    let p2 = av.get("accountviewdata?BusinessObject=AK1&PageSize=15&PageNumber=2&SortFields=ART_CODE&SortOrder=Ascending").await;
    let mut codes: Vec<&str> = rows
        .iter()
        .map(|r| r["ART_CODE"].as_str().unwrap())
        .collect();
    codes.sort_unstable();
    let page: Vec<&str> = p2.json["ARTICLE"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ART_CODE"].as_str().unwrap())
        .collect();
    assert_eq!(page, codes[15..30]);
    let desc = av.get("accountviewdata?BusinessObject=AK1&PageSize=1&SortFields=ART_CODE&SortOrder=Descending").await;
    assert_eq!(
        desc.json["ARTICLE"]["ART_CODE"],
        *codes.last().unwrap(),
        "one ARTICLE row comes as an object"
    );
    let fields = av
        .get("accountviewdata?BusinessObject=AK1&Fields=article.art_code,QTY_TECH&PageSize=2")
        .await;
    let keys: Vec<&String> = fields.json["ARTICLE"][0]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(keys, ["ART_CODE", "QTY_TECH", "EXT_KEY", "ARTICLE_Id"]);

    let webshop = av.get("accountviewdata?BusinessObject=AK1&PageSize=1000&FilterControlSource1=K1_WEBSHOP&FilterOperator1=Equal&FilterValueType1=L&FilterValue1=true").await;
    let expected = sb.seed_data().articles.iter().filter(|a| a.webshop).count();
    assert_eq!(
        webshop.json["ARTICLE"].as_array().map_or(1, Vec::len),
        expected
    );
    let first = &sb.seed_data().articles[0];
    let by_code = av.get(&format!("accountviewdata?businessobject=ak1&filtercontrolsource1=ART_CODE&filteroperator1=Equal&filtervaluetype1=C&filtervalue1={}", first.art_code)).await;
    assert_eq!(by_code.json["ARTICLE"]["BAR_CODE"], first.ean);
    let changed = av.get("accountviewdata?BusinessObject=AK1&PageSize=1000&FilterControlSource1=CNG_DATE&FilterOperator1=DateOnOrAfterDate&FilterValueType1=T&FilterValue1=%7B%5E2026-05-01%2000:00:00%7D").await;
    let n_changed = changed.json["ARTICLE"].as_array().map_or(1, Vec::len);
    assert!(n_changed > 0 && n_changed < 40, "{n_changed}");
    let list = av.get(&format!("accountviewdata?BusinessObject=AK1&FilterControlSource1=ART_CODE&FilterValue1={},{}&FilterIsListOfValues1=true&PageSize=10", codes[0], codes[1])).await;
    assert_eq!(list.json["ARTICLE"].as_array().unwrap().len(), 2);
    let any = av.get(&format!("accountviewdata?BusinessObject=AK1&FilterControlSource1=ART_CODE&FilterValue1={}&FilterControlSource2=ART_CODE&FilterValue2={}&matchAnyFilter=true", codes[0], codes[1])).await;
    assert_eq!(any.json["ARTICLE"].as_array().unwrap().len(), 2);

    let none = av.get("accountviewdata?BusinessObject=AK1&FilterControlSource1=ART_CODE&FilterOperator1=Equal&FilterValueType1=C&FilterValue1=NOPE").await;
    assert_eq!(none.status, 404, "a filtered read without rows is a 404");
    assert_eq!(none.json["ErrorType"], "AccountViewError");
    let bad_field = av
        .get("accountviewdata?BusinessObject=AK1&FilterControlSource1=NOPE&FilterValue1=x")
        .await;
    assert_eq!(bad_field.status, 400);
    let bad_op = av.get("accountviewdata?BusinessObject=AK1&FilterControlSource1=ART_CODE&FilterOperator1=Like&FilterValue1=x").await;
    assert_eq!(bad_op.status, 400);
    assert_eq!(
        av.get("accountviewdata?BusinessObject=ZZ9").await.status,
        400
    );

    let debtors = av
        .get("accountviewdata?BusinessObject=AR1&PageSize=1000")
        .await;
    assert!(debtors.json["CONTACT"].as_array().unwrap().len() > 3);
    assert_eq!(debtors.json["USR_LINK"], json!([]));
    let vat = av.get("accountviewdata?BusinessObject=VA1").await;
    assert!(
        vat.json["VAT"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["VAT_CODE"] == "2" && v["VAT_PCT"] == 21.0)
    );
    for (bo, table) in [
        ("GL1", "LEDGER"),
        ("DJ1", "DAILY"),
        ("PC1", "PAY_COND"),
        ("AG1", "ART_GRP"),
        ("ADDR", "DEL_ADDR"),
        ("SO1", "SO_HDR"),
        ("DJ2", "DJ_PAGE"),
    ] {
        let a = av
            .get(&format!("accountviewdata?BusinessObject={bo}"))
            .await;
        assert_eq!(a.status, 200, "{bo}");
        assert!(
            a.json[table].is_array() || a.json[table].is_object(),
            "{bo} → {table}: {}",
            a.text
        );
    }
}

#[tokio::test]
async fn quirks_are_configurable() {
    let cfg = small()
        .av_not_found_on_empty(false)
        .av_single_row_object(sandbox::SingleRowObject::Never);
    let sb = start(cfg).await;
    let av = Av::connect(sb.accountview()).await;
    let none = av
        .get("accountviewdata?BusinessObject=AK1&FilterControlSource1=ART_CODE&FilterValue1=NOPE")
        .await;
    assert_eq!(none.status, 200);
    assert_eq!(none.json["ARTICLE"], json!([]));
    let one = av
        .get("accountviewdata?BusinessObject=AK1&PageSize=1")
        .await;
    assert!(one.json["ARTICLE"].is_array());
    let sb2 = start(small().av_single_row_object(sandbox::SingleRowObject::Always)).await;
    let av2 = Av::connect(sb2.accountview()).await;
    assert!(
        av2.get("accountviewdata?BusinessObject=GL1&PageSize=1")
            .await
            .json["LEDGER"]
            .is_object()
    );
}

#[tokio::test]
async fn ar1_and_addr_writes_generate_keys() {
    let sb = start(small()).await;
    let av = Av::connect(sb.accountview()).await;
    let fixture: Value = serde_json::from_str(
        &std::fs::read_to_string(format!(
            "{}/../fixtures/accountview/ar1_debtor_create_request.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap(),
    )
    .unwrap();
    let created = av.post(&fixture).await;
    assert_eq!(created.status, 200, "{}", created.text);
    assert_eq!(created.json["CONTACT"][0]["SUB_NR"], "10025");
    assert_eq!(created.json["CONTACT"][0]["ACCT_NAME"], "P. Pietersen");
    assert_eq!(created.json["CONTACT"][0]["CONTACT_Id"], 0);
    let dup = av.post(&fixture).await;
    assert_eq!(dup.status, 400);
    assert_eq!(dup.json["ErrorMessage"], "Debiteur 10025 bestaat al.");

    let generated = av
        .post(&write_body(
            "AR1",
            "CONTACT",
            &contact_fields(),
            &[contact("Nieuwe Klant", "1234 AB", "nieuw@example.nl")],
            None,
        ))
        .await;
    assert_eq!(generated.status, 200, "{}", generated.text);
    let sub_nr = generated.json["CONTACT"][0]["SUB_NR"]
        .as_str()
        .unwrap()
        .to_owned();
    let expected = sb
        .accountview()
        .debtors()
        .iter()
        .filter_map(|d| d["SUB_NR"].as_str()?.parse::<u64>().ok())
        .filter(|n| *n != 99999 && n.to_string() != sub_nr)
        .max()
        .unwrap()
        + 1;
    assert!(
        sub_nr.parse::<u64>().unwrap() >= expected.min(99999),
        "next free number: {sub_nr}"
    );
    assert!(
        !generated.json["CONTACT"][0]["CNG_DATE"]
            .as_str()
            .unwrap()
            .is_empty()
    );
    assert!(
        sb.accountview()
            .debtor_by_email("NIEUW@example.nl")
            .is_some()
    );

    let update = json!({
        "BookDate": "", "BusinessObject": "AR1", "id": sub_nr,
        "Table": {"Definition": {"Name": "CONTACT", "Fields": [{"Name": "RowId", "FieldType": "C"}, {"Name": "TEL_BUS", "FieldType": "C"}]}},
        "TableData": {"Data": {"Rows": [{"Values": ["1", "0301234567"]}]}},
    });
    let upd = av.write(Method::PUT, &update).await;
    assert_eq!(upd.status, 200, "{}", upd.text);
    assert_eq!(upd.json["CONTACT"][0]["TEL_BUS"], "0301234567");
    assert_eq!(upd.json["CONTACT"][0]["ACCT_NAME"], "Nieuwe Klant");

    let addr: Value = serde_json::from_str(
        &std::fs::read_to_string(format!(
            "{}/../fixtures/accountview/addr_delivery_address_create_request.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap(),
    )
    .unwrap();
    let a = av.post(&addr).await;
    assert_eq!(a.status, 200, "{}", a.text);
    let rec_id = a.json["DEL_ADDR"][0]["REC_ID"].as_str().unwrap();
    assert_eq!(rec_id.len(), 10);
    assert!(rec_id.chars().all(|c| c.is_ascii_digit()));
    let mut orphan = addr.clone();
    orphan["TableData"]["Data"]["Rows"][0]["Values"][1] = json!("77777");
    let o = av.post(&orphan).await;
    assert_eq!(o.json["ErrorMessage"], "Debiteur 77777 bestaat niet.");
}

#[tokio::test]
async fn so1_books_an_order_reserves_stock_and_generates_the_number() {
    let sb = start(small()).await;
    let av = Av::connect(sb.accountview()).await;
    let art = sb.seed_data().articles.iter().find(|a| !a.blocked).unwrap();
    let before = av.sim.article(&art.art_code).unwrap();
    let debtor = sb.seed_data().collective_debtor.clone();
    let body = write_body(
        "SO1",
        "SO_HDR",
        &[
            ("RowId", "C"),
            ("ORD_DATE", "T"),
            ("RPL_INV", "C"),
            ("COMMENT1", "C"),
            ("TO_EMAIL", "C"),
        ],
        &[vec![
            json!("1"),
            json!("2026-06-15T10:20:00.000Z"),
            json!(debtor),
            json!("LS-ORDER ORD00001"),
            json!("a@b.nl"),
        ]],
        Some((
            "SO_LINE",
            &[
                ("RowId", "C"),
                ("HeaderId", "C"),
                ("ART_CODE", "C"),
                ("ORD_QTY", "N"),
                ("ART_PX", "N"),
            ],
            &[
                vec![
                    json!("1"),
                    json!("1"),
                    json!(art.art_code),
                    json!(3),
                    json!("4.95"),
                ],
                vec![
                    json!("2"),
                    json!("1"),
                    json!(art.art_code),
                    json!("1"),
                    json!(10),
                ],
            ],
        )),
    );
    let booked = av.post(&body).await;
    assert_eq!(booked.status, 200, "{}", booked.text);
    let ord_nr = booked.json["SO_HDR"][0]["ORD_NR"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(!ord_nr.is_empty());
    assert_eq!(
        booked.json["SO_HDR"][0]["RPL_DEL"], debtor,
        "delivery debtor defaults to the invoice debtor"
    );
    assert_eq!(booked.json["SO_LINE"].as_array().unwrap().len(), 2);
    assert_eq!(booked.json["SO_LINE"][0]["ORD_NR"], ord_nr);
    assert_eq!(booked.json["SO_LINE"][0]["LINE_AMT"], 14.85);
    assert_eq!(booked.json["SO_LINE"][0]["ART_DESC"], art.description);
    let after = av.sim.article(&art.art_code).unwrap();
    let res = |a: &Value| a["QTY_RES_SO"].as_f64().unwrap();
    assert_eq!(res(&after), res(&before) + 4.0, "booking reserves stock");
    assert_eq!(
        after["QTY_FREE2"].as_f64().unwrap(),
        (after["QTY_TECH"].as_f64().unwrap() - res(&after)).max(0.0),
        "the free stock drops by the reservation"
    );
    assert_ne!(after["CNG_DATE"], before["CNG_DATE"]);
    let second = av.post(&body).await;
    assert_ne!(second.json["SO_HDR"][0]["ORD_NR"], ord_nr);
    assert_eq!(av.sim.sales_orders().len(), 2);
    assert_eq!(av.sim.sales_orders()[0].lines.len(), 2);
    let read = av
        .get(&format!(
            "accountviewdata?BusinessObject=SO1&FilterControlSource1=ORD_NR&FilterValue1={ord_nr}"
        ))
        .await;
    assert_eq!(
        read.json["SO_LINE"].as_array().unwrap().len(),
        2,
        "lines of the selected order only"
    );
    let by_comment = av.get("accountviewdata?BusinessObject=SO1&FilterControlSource1=COMMENT1&FilterOperator1=Contains&FilterValue1=ORD00001").await;
    assert_eq!(
        by_comment.json["SO_HDR"].as_array().unwrap().len(),
        2,
        "lookup by external reference"
    );

    let put = av.write(Method::PUT, &body).await;
    assert_eq!(put.status, 400, "SO1 cannot be updated");

    // The request fixture uses codes of its own administration: they are unknown here.
    let fixture: Value = serde_json::from_str(
        &std::fs::read_to_string(format!(
            "{}/../fixtures/accountview/so1_sales_order_create_request.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap(),
    )
    .unwrap();
    let f = av.post(&fixture).await;
    assert_eq!(f.status, 400);
    assert_eq!(f.json["ErrorMessage"], "Debiteur 10025 bestaat niet.");
}

#[tokio::test]
async fn dj2_posts_a_sales_invoice_page_and_cannot_be_updated() {
    let sb = start(small()).await;
    let av = Av::connect(sb.accountview()).await;
    let mut body: Value = serde_json::from_str(
        &std::fs::read_to_string(format!(
            "{}/../fixtures/accountview/dj2_sales_invoice_journal_create_request.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap(),
    )
    .unwrap();
    let debtor = sb.seed_data().collective_debtor.clone();
    body["TableData"]["Data"]["Rows"][0]["Values"][2] = json!(debtor);
    let posted = av.post(&body).await;
    assert_eq!(posted.status, 200, "{}", posted.text);
    let page = &posted.json["DJ_PAGE"][0];
    assert_eq!(page["DJ_CODE"], "700");
    let page_nr = page["PAGE_NR"].as_str().unwrap().to_owned();
    assert!(!page_nr.is_empty(), "PAGE_NR generated");
    let lines = posted.json["DJ_LINE"].as_array().unwrap();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["PAGE_NR"], page_nr);
    assert_eq!(lines[0]["AMOUNT"], -8.18);
    assert_eq!(lines[0]["TRN_DATE"], "2024-05-02T00:00:00");
    assert_eq!(av.sim.journal_pages()[0].lines.len(), 2);
    let again = av.post(&body).await;
    assert_ne!(again.json["DJ_PAGE"][0]["PAGE_NR"], page_nr.as_str());
    assert_eq!(
        av.write(Method::PUT, &body).await.json["ErrorMessage"],
        "Wijzigen is niet toegestaan voor bedrijfsobject DJ2."
    );
    let mut unknown_journal = body.clone();
    unknown_journal["TableData"]["Data"]["Rows"][0]["Values"][1] = json!("999");
    assert_eq!(
        av.post(&unknown_journal).await.json["ErrorMessage"],
        "Dagboek 999 bestaat niet."
    );
    let mut fixed_page = body.clone();
    let defs = fixed_page["Table"]["Definition"]["Fields"]
        .as_array_mut()
        .unwrap();
    defs.push(json!({"Name": "PAGE_NR", "FieldType": "C"}));
    fixed_page["TableData"]["Data"]["Rows"][0]["Values"]
        .as_array_mut()
        .unwrap()
        .push(json!(page_nr));
    assert_eq!(
        av.post(&fixed_page).await.json["ErrorNumbers"],
        json!([1005]),
        "duplicate page"
    );
}

#[tokio::test]
async fn each_validation_error_is_answered_with_the_accountview_body() {
    let sb = start(small()).await;
    let av = Av::connect(sb.accountview()).await;
    let art = sb.seed_data().articles[0].art_code.clone();
    let expect = |a: &common::Answer, number: u64, contains: &str| {
        assert_eq!(a.status, 400, "{}", a.text);
        assert_eq!(a.json["ErrorType"], "AccountViewError");
        assert_eq!(a.json["ErrorNumbers"], json!([number]), "{}", a.text);
        assert!(
            a.json["ErrorMessage"].as_str().unwrap().contains(contains),
            "{}",
            a.text
        );
    };
    // Missing mandatory field.
    let no_name = write_body(
        "AR1",
        "CONTACT",
        &[("RowId", "C"), ("ACCT_NR", "C"), ("SRC_CODE", "C")],
        &[vec![json!("1"), json!("1300"), json!("X")]],
        None,
    );
    expect(&av.post(&no_name).await, 1001, "ACCT_NAME");
    // Lowercase in an uppercase field.
    expect(
        &av.post(&write_body(
            "AR1",
            "CONTACT",
            &contact_fields(),
            &[contact("Klant", "1234 ab", "k@x.nl")],
            None,
        ))
        .await,
        1002,
        "POST_CODE",
    );
    let mut lower_art = write_body(
        "AK1",
        "ARTICLE",
        &[("RowId", "C"), ("ART_CODE", "C"), ("ART_DESC1", "C")],
        &[vec![json!("1"), json!("fb-9999"), json!("Bel")]],
        None,
    );
    expect(&av.post(&lower_art).await, 1002, "ART_CODE");
    // Too long.
    expect(
        &av.post(&write_body(
            "AR1",
            "CONTACT",
            &contact_fields(),
            &[contact(&"X".repeat(41), "1234 AB", "k@x.nl")],
            None,
        ))
        .await,
        1003,
        "maximaal 40",
    );
    let long_sub = write_body(
        "AR1",
        "CONTACT",
        &[
            ("RowId", "C"),
            ("SUB_NR", "C"),
            ("ACCT_NR", "C"),
            ("SRC_CODE", "C"),
            ("ACCT_NAME", "C"),
        ],
        &[vec![
            json!("1"),
            json!("12345678901"),
            json!("1300"),
            json!("X"),
            json!("Y"),
        ]],
        None,
    );
    expect(&av.post(&long_sub).await, 1003, "SUB_NR");
    // Unknown article on an order line, unknown debtor on an order.
    let order = |debtor: &str, article: &str| {
        write_body(
            "SO1",
            "SO_HDR",
            &[("RowId", "C"), ("RPL_INV", "C")],
            &[vec![json!("1"), json!(debtor)]],
            Some((
                "SO_LINE",
                &[
                    ("RowId", "C"),
                    ("HeaderId", "C"),
                    ("ART_CODE", "C"),
                    ("ORD_QTY", "N"),
                ],
                &[vec![json!("1"), json!("1"), json!(article), json!(1)]],
            )),
        )
    };
    expect(
        &av.post(&order("99999", "NOPE-1")).await,
        1004,
        "Artikel NOPE-1 bestaat niet",
    );
    expect(
        &av.post(&order("55555", &art)).await,
        1004,
        "Debiteur 55555 bestaat niet",
    );
    // Duplicate key.
    lower_art["TableData"]["Data"]["Rows"][0]["Values"][1] = json!(art);
    expect(&av.post(&lower_art).await, 1005, "bestaat al");
    // Wrong type, unknown column, read-only business object.
    let mut bad_qty = order("99999", &art);
    bad_qty["TableData"]["DetailData"][0]["Rows"][0]["Values"][3] = json!("veel");
    expect(&av.post(&bad_qty).await, 1006, "ORD_QTY");
    let unknown_col = write_body(
        "AK1",
        "ARTICLE",
        &[("RowId", "C"), ("ART_CODE", "C"), ("NO_SUCH", "C")],
        &[vec![json!("1"), json!("X-1"), json!("?")]],
        None,
    );
    expect(&av.post(&unknown_col).await, 1009, "NO_SUCH");
    expect(
        &av.post(&write_body(
            "VA1",
            "VAT",
            &[("RowId", "C"), ("VAT_CODE", "C"), ("VAT_NAME", "C")],
            &[vec![json!("1"), json!("99"), json!("x")]],
            None,
        ))
        .await,
        1007,
        "VA1",
    );
    // Malformed bodies are 400 whatever the configuration.
    let malformed = av
        .client
        .post(av.url("accountviewdata"))
        .bearer_auth(&av.token)
        .header("X-Company", av.sim.company_id())
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);
    let wrong_count = write_body(
        "AK1",
        "ARTICLE",
        &[("RowId", "C"), ("ART_CODE", "C")],
        &[vec![json!("1")]],
        None,
    );
    expect(&av.post(&wrong_count).await, 1008, "waarden");
    // Nothing of the refused writes was stored.
    assert!(av.sim.sales_orders().is_empty());
    assert!(av.sim.article("X-1").is_none());
}

#[tokio::test]
async fn validation_errors_can_come_inside_a_200() {
    let sb = start(small().av_validation_status(200)).await;
    let av = Av::connect(sb.accountview()).await;
    let a = av
        .post(&write_body(
            "AR1",
            "CONTACT",
            &contact_fields(),
            &[contact("Klant", "1234 ab", "k@x.nl")],
            None,
        ))
        .await;
    assert_eq!(a.status, 200);
    assert_eq!(a.json["ErrorType"], "AccountViewError");
}

#[tokio::test]
async fn positional_writes_accept_lowercase_property_names_and_coerce_values() {
    let sb = start(small()).await;
    let av = Av::connect(sb.accountview()).await;
    let body = json!({
        "bookdate": "2023-9-7T10:39:05.276Z", "businessobject": "AK1",
        "table": {"definition": {"name": "ARTICLE", "fields": [
            {"name": "RowId", "fieldtype": "C"}, {"name": "ART_CODE", "fieldtype": "C"}, {"name": "ART_DESC1", "fieldtype": "C"},
            {"name": "PX_SELL", "fieldtype": "N"}, {"name": "QTY_TECH", "fieldtype": "N"}, {"name": "K1_WEBSHOP", "fieldtype": "L"},
            {"name": "AG_CODE", "fieldtype": "C"}]}},
        "tabledata": {"data": {"rows": [{"values": ["1", "NEW-1", "Nieuw artikel", "12.50", 7, "TRUE", "ACC"]}]}},
    });
    let a = av.post(&body).await;
    assert_eq!(a.status, 200, "{}", a.text);
    let row = &a.json["ARTICLE"][0];
    assert_eq!(row["PX_SELL"], 12.5);
    assert_eq!(row["K1_WEBSHOP"], true);
    assert_eq!(row["QTY_AVAIL"], 7);
    assert_eq!(row["QTY_FREE2"], 7);
    let mut bad_group = body.clone();
    bad_group["tabledata"]["data"]["rows"][0]["values"][1] = json!("NEW-2");
    bad_group["tabledata"]["data"]["rows"][0]["values"][6] = json!("ZZZ");
    assert_eq!(
        av.post(&bad_group).await.json["ErrorMessage"],
        "Artikelgroep ZZZ bestaat niet."
    );
}

#[tokio::test]
async fn discovery_endpoints_describe_the_administration() {
    let sb = start(small()).await;
    let av = Av::connect(sb.accountview()).await;
    let bos = av.get("accountviewsystembusinessobjects").await;
    let list = bos.json.as_array().unwrap();
    for code in [
        "AR1", "ADDR", "AK1", "AG1", "SO1", "DJ2", "VA1", "GL1", "DJ1", "PC1",
    ] {
        assert!(list.iter().any(|b| b["Code"] == code), "{code}");
    }
    let so1 = list.iter().find(|b| b["Code"] == "SO1").unwrap();
    assert_eq!(
        (so1["InsertAllowed"].clone(), so1["UpdateAllowed"].clone()),
        (json!(true), json!(false))
    );
    let fld = av.get("accountviewsystemdata?businessobject=fld&pagesize=256&fields=dct_fld.FLD_DESC,dct_fld.FIELD_NAME,dct_fld.DBF_NAME,dct_fld.FIELD_LEN,dct_fld.FIELD_TYPE,dct_fld.INP_MAND,dct_fld.FLD_FMT&FilterControlSource1=DBF_NAME&FilterOperator1=Contains&FilterValueType1=C&FilterValue1=ARTICLE").await;
    let rows = fld.json["DCT_FLD"].as_array().unwrap();
    assert!(rows.iter().all(|r| r["DBF_NAME"] == "ARTICLE"));
    for col in [
        "QTY_TECH",
        "QTY_AVAIL",
        "QTY_RES_SO",
        "QTY_FREE2",
        "QTY_BESTEL",
        "QTY_ECON",
        "BAR_CODE",
        "K1_WEBSHOP",
        "ART_MEMO",
    ] {
        let r = rows
            .iter()
            .find(|r| r["FIELD_NAME"] == col)
            .unwrap_or_else(|| panic!("{col}"));
        assert!(!r["FLD_DESC"].as_str().unwrap().is_empty());
    }
    let art = rows.iter().find(|r| r["FIELD_NAME"] == "ART_CODE").unwrap();
    assert_eq!(
        (art["FLD_FMT"].clone(), art["INP_MAND"].clone()),
        (json!("!"), json!(true))
    );
    for table in [
        "CONTACT", "DEL_ADDR", "ART_GRP", "SO_HDR", "SO_LINE", "DJ_PAGE", "DJ_LINE", "VAT",
        "LEDGER", "DAILY",
    ] {
        let a = av.get(&format!("accountviewsystemdata?businessobject=fld&pagesize=1000&FilterControlSource1=DBF_NAME&FilterValue1={table}")).await;
        assert!(
            a.json["DCT_FLD"].as_array().is_some_and(|r| !r.is_empty()),
            "{table}"
        );
    }
    let dbf = av
        .get("accountviewsystemdata?businessobject=dbf&pagesize=1000")
        .await;
    assert!(
        dbf.json["DCT_FILE"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["OBJ_CODE"] == "SO1" && r["TBL_CHILD"] == "SO_LINE")
    );
    let adl = av.get("accountviewsystemdata?businessobject=ADL").await;
    assert_eq!(adl.json["ADM_LIST"][0]["ADM_CODE"], av.sim.company_code());
    let fields = av
        .get("accountviewfields?BusinessObject=SO1&PageSize=500")
        .await;
    assert!(
        fields
            .json
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["TableName"] == "SO_LINE" && f["FieldName"] == "ART_CODE")
    );
    let _ = SandboxConfig::default();
}
