//! Variant administrations (`AvLayout`) and FoxPro text comparison, over plain HTTP: renamed columns
//! under their new names everywhere, dropped columns unknown everywhere, a field dictionary that
//! tells the truth, `Equal` that matches prefixes.

mod common;

use common::{Av, small, start, write_body};
use sandbox::AvLayout;
use serde_json::{Value, json};

fn names(dictionary: &Value, table: &str) -> Vec<String> {
    dictionary["DCT_FLD"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["DBF_NAME"] == table)
        .map(|r| r["FIELD_NAME"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_variant_administration_renames_and_drops_columns_and_its_dictionary_says_so() {
    let sb = start(small().av_layout(AvLayout::variant())).await;
    let av = Av::connect(sb.accountview()).await;

    let fld = av
        .get("accountviewsystemdata?BusinessObject=fld&PageSize=1000&FilterControlSource1=DBF_NAME&FilterOperator1=Contains&FilterValueType1=C&FilterValue1=ARTICLE")
        .await;
    assert_eq!(fld.status, 200, "{}", fld.text);
    let article = names(&fld.json, "ARTICLE");
    assert!(article.contains(&"EAN_CODE".to_owned()), "{article:?}");
    assert!(article.contains(&"QTY_RESERV".to_owned()), "{article:?}");
    for gone in ["BAR_CODE", "QTY_RES_SO", "REC_BLK", "VAT_CODE"] {
        assert!(!article.contains(&gone.to_owned()), "{gone} in {article:?}");
    }
    let ean = fld.json["DCT_FLD"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["FIELD_NAME"] == "EAN_CODE")
        .unwrap();
    assert_eq!(
        ean["FLD_DESC"], "Streepjescode (EAN)",
        "the description stays"
    );

    // Rows come under the administration's names.
    let rows = av
        .get("accountviewdata?BusinessObject=AK1&PageSize=5&SortFields=ART_CODE")
        .await;
    assert_eq!(rows.status, 200, "{}", rows.text);
    let first = &rows.json["ARTICLE"][0];
    assert!(
        first.get("EAN_CODE").is_some() && first.get("QTY_RESERV").is_some(),
        "{first}"
    );
    assert!(
        first.get("BAR_CODE").is_none() && first.get("REC_BLK").is_none(),
        "{first}"
    );
    assert_eq!(
        sb.accountview().rows("ARTICLE")[0].get("REC_BLK"),
        None,
        "the helpers show the administration's view"
    );

    // A dropped or renamed-away column is unknown in Fields, filters and sorts.
    for query in [
        "accountviewdata?BusinessObject=AK1&Fields=ART_CODE,REC_BLK",
        "accountviewdata?BusinessObject=AK1&Fields=ART_CODE,BAR_CODE",
        "accountviewdata?BusinessObject=AK1&FilterControlSource1=QTY_RES_SO&FilterValueType1=N&FilterValue1=0",
        "accountviewdata?BusinessObject=AK1&SortFields=REC_BLK",
    ] {
        let a = av.get(query).await;
        assert_eq!(a.status, 400, "{query}: {}", a.text);
        assert_eq!(a.json["ErrorNumbers"], json!([1009]), "{query}: {}", a.text);
        assert!(
            a.json["ErrorMessage"]
                .as_str()
                .unwrap()
                .contains("bestaat niet"),
            "{}",
            a.text
        );
    }
    let by_ean = av
        .get("accountviewdata?BusinessObject=AK1&Fields=ART_CODE,EAN_CODE&FilterControlSource1=EAN_CODE&FilterOperator1=NotEqual&FilterValue1=&PageSize=1000")
        .await;
    assert_eq!(by_ean.status, 200, "{}", by_ean.text);

    // Writes: a dropped column is refused, a renamed one is written under its name.
    let art = sb.seed_data().articles.iter().find(|a| !a.blocked).unwrap();
    let line = |extra: (&'static str, &'static str), value: Value| {
        write_body(
            "SO1",
            "SO_HDR",
            &[("RowId", "C"), ("RPL_INV", "C"), ("COMMENT1", "C")],
            &[vec![json!("1"), json!("99999"), json!("LS-VARIANT")]],
            Some((
                "SO_LINE",
                &[
                    ("RowId", "C"),
                    ("HeaderId", "C"),
                    ("ART_CODE", "C"),
                    ("ORD_QTY", "N"),
                    extra,
                ],
                &[vec![
                    json!("1"),
                    json!("1"),
                    json!(art.art_code),
                    json!(1),
                    value,
                ]],
            )),
        )
    };
    let refused = av.post(&line(("DISC_AMT", "N"), json!(1))).await;
    assert_eq!(refused.status, 400, "{}", refused.text);
    assert!(
        refused
            .text
            .contains("Veld DISC_AMT bestaat niet in tabel SO_LINE"),
        "{}",
        refused.text
    );
    let before = sb.accountview().article(&art.art_code).unwrap()["QTY_RESERV"].clone();
    let booked = av.post(&line(("ART_PX", "N"), json!(2))).await;
    assert_eq!(booked.status, 200, "{}", booked.text);
    assert!(
        booked.json["SO_LINE"][0].get("VAT_CODE").is_none(),
        "{}",
        booked.text
    );
    let after = sb.accountview().article(&art.art_code).unwrap()["QTY_RESERV"].clone();
    assert_eq!(
        after.as_f64().unwrap(),
        before.as_f64().unwrap() + 1.0,
        "the booking reserves stock in the renamed column"
    );

    let named = sb.accountview().columns_named();
    assert!(
        named.contains(&("SO_LINE".to_owned(), "DISC_AMT".to_owned())),
        "{named:?}"
    );
    assert!(
        named.contains(&("ARTICLE".to_owned(), "REC_BLK".to_owned())),
        "{named:?}"
    );
    assert!(
        named.contains(&("ARTICLE".to_owned(), "EAN_CODE".to_owned())),
        "{named:?}"
    );

    // No payment conditions.
    let objects = av.get("accountviewsystembusinessobjects").await;
    assert!(!objects.text.contains("\"PC1\""), "{}", objects.text);
    let pc1 = av.get("accountviewdata?BusinessObject=PC1").await;
    assert_eq!(pc1.status, 400, "{}", pc1.text);
}

#[tokio::test]
async fn unknown_fields_are_refused_in_the_standard_administration_too() {
    let sb = start(small()).await;
    let av = Av::connect(sb.accountview()).await;
    let a = av
        .get("accountviewdata?BusinessObject=AK1&Fields=ART_CODE,K1_NOPE")
        .await;
    assert_eq!(a.status, 400, "{}", a.text);
    assert!(
        a.text
            .contains("Veld K1_NOPE bestaat niet in tabel ARTICLE"),
        "{}",
        a.text
    );
    let detail = av
        .get("accountviewdata?BusinessObject=SO1&Fields=so_hdr.ord_nr,so_line.art_code")
        .await;
    assert_eq!(
        detail.status, 200,
        "qualified detail columns are known: {}",
        detail.text
    );
}

#[tokio::test]
async fn text_equal_matches_prefixes_as_foxpro_unless_exact() {
    let sb = start(small()).await;
    let av = Av::connect(sb.accountview()).await;
    let numbers = |a: &common::Answer| -> Vec<String> {
        a.json["CONTACT"]
            .as_array()
            .map(|rows| {
                rows.iter()
                    .map(|r| r["SUB_NR"].as_str().unwrap().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    };
    let q = "accountviewdata?BusinessObject=AR1&FilterControlSource1=SUB_NR&FilterValue1=1000&SortFields=SUB_NR&PageSize=100";
    let found = numbers(&av.get(q).await);
    assert!(found.len() > 1, "{found:?}");
    assert!(found.iter().all(|n| n.starts_with("1000")), "{found:?}");
    let one = numbers(
        &av.get(
            "accountviewdata?BusinessObject=AR1&FilterControlSource1=SUB_NR&FilterValue1=10001",
        )
        .await,
    );
    assert_eq!(one, ["10001"]);
    // An empty value matches only empty text.
    let none = av
        .get("accountviewdata?BusinessObject=AR1&FilterControlSource1=SUB_NR&FilterValue1=")
        .await;
    assert_eq!(none.status, 404, "{}", none.text);

    let exact = start(small().av_exact_text_filters(true)).await;
    let av = Av::connect(exact.accountview()).await;
    assert!(
        numbers(&av.get(q).await).is_empty(),
        "exact: nothing is 1000"
    );
}
