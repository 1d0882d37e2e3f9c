//! End-to-end: orders booked as sales-journal invoices (DJ2) with the Lightspeed invoice number, credit
//! notes booked once as credit postings on the same debtor, and the booking number written back to the
//! shop — through the real clients against the sandbox.

use koppel::app::config::KoppelConfig;
use koppel::app::runtime::Runtime;
use koppel::app::sandbox_config::sandbox_toml;
use rust_decimal::Decimal;
use sandbox::{Sandbox, SandboxConfig};
use serde_json::Value;
use sync_core::config::BookingTarget;
use sync_core::flows::RunRequest;
use sync_core::report::Outcome;
use sync_core::traits::WriteBack;

fn dec(v: &Value) -> Decimal {
    match v {
        Value::Number(n) => n.to_string().parse().unwrap(),
        Value::String(s) => s.parse().unwrap(),
        other => panic!("not a number: {other}"),
    }
}

async fn start(edit: impl FnOnce(&mut KoppelConfig)) -> (Sandbox, Runtime) {
    let sb = Sandbox::start(SandboxConfig::default().seed(11).orders(25).articles(60))
        .await
        .unwrap();
    let mut config = KoppelConfig::parse(&sandbox_toml(&sb, "memory://")).unwrap();
    edit(&mut config);
    let runtime = Runtime::build(&config).await.unwrap();
    (sb, runtime)
}

#[tokio::test]
async fn paid_orders_become_journal_invoices_with_the_shop_invoice_number() {
    let (sb, runtime) = start(|c| {
        // The invoice numbers are fetched because the target is a sales invoice.
        c.orders.target = BookingTarget::SalesInvoice;
    })
    .await;
    let report = runtime.connections[0]
        .orders
        .run(RunRequest::poll())
        .await
        .unwrap();
    assert_eq!(report.outcome, Outcome::Success, "{report:#?}");
    let shop = sb.lightspeed().shop_id();
    let invoices = sb.lightspeed().invoices();
    let pages = sb.accountview().journal_pages();
    let paid: Vec<Value> = sb
        .lightspeed()
        .orders()
        .into_iter()
        .filter(|o| o["paymentStatus"] == "paid")
        .collect();
    assert_eq!(pages.len(), paid.len());
    for order in &paid {
        let reference = format!("LS-{shop}-{}", order["number"].as_str().unwrap());
        let page = pages
            .iter()
            .find(|p| p.header["HDR_DESC"] == reference.as_str())
            .unwrap_or_else(|| panic!("{reference} not posted"));
        let invoice = invoices
            .iter()
            .find(|i| i["order"]["resource"]["id"] == order["id"] && i["isCreditNote"] == false)
            .expect("the shop invoiced the paid order");
        assert_eq!(page.header["INV_NR"], invoice["number"], "{reference}");
        assert_eq!(page.header["DJ_CODE"], "700");
        // Revenue is a credit: the page's lines add up to minus the shop total incl. VAT.
        let total: Decimal = page
            .lines
            .iter()
            .map(|l| dec(&l["AMOUNT"]) + dec(&l["VAT_AMT"]))
            .sum();
        assert_eq!(
            -total,
            dec(&order["priceIncl"]),
            "{reference} reconciles to the cent"
        );
        assert!(
            page.lines
                .iter()
                .all(|l| l["ACCT_NR"].as_str().is_some_and(|a| !a.is_empty()))
        );
    }
}

#[tokio::test]
async fn a_credit_note_is_booked_once_on_the_same_debtor_and_the_number_is_written_back() {
    let (sb, runtime) = start(|c| {
        c.orders.credit_notes = true;
        c.orders.write_back = WriteBack::Metafield {
            key: "accountview".into(),
        };
    })
    .await;
    let flow = &runtime.connections[0].orders;
    let report = flow.run(RunRequest::poll()).await.unwrap();
    assert_eq!(report.outcome, Outcome::Success, "{report:#?}");

    // The booking number is on the shop order.
    let order = sb
        .lightspeed()
        .orders()
        .into_iter()
        .find(|o| o["paymentStatus"] == "paid")
        .unwrap();
    let id = order["id"].as_u64().unwrap();
    let reference = format!(
        "LS-{}-{}",
        sb.lightspeed().shop_id(),
        order["number"].as_str().unwrap()
    );
    let booked = sb
        .accountview()
        .sales_orders()
        .into_iter()
        .find(|d| d.header["COMMENT1"] == reference.as_str())
        .unwrap();
    let metafields = sb.lightspeed().order_metafields(id);
    assert!(
        metafields
            .iter()
            .any(|m| m["key"] == "accountview" && m["value"] == booked.header["ORD_NR"]),
        "{metafields:?}"
    );

    // A refund: the shop makes a credit note; the next run posts it once, on the order's debtor.
    sb.lightspeed().create_credit_note(id).unwrap();
    let report = flow.run(RunRequest::poll()).await.unwrap();
    assert_eq!(report.counts.created, 1, "{report:#?}");
    let credits: Vec<_> = sb
        .accountview()
        .journal_pages()
        .into_iter()
        .filter(|p| p.lines.iter().all(|l| dec(&l["AMOUNT"]) >= Decimal::ZERO))
        .collect();
    assert_eq!(credits.len(), 1);
    assert_eq!(credits[0].header["SUB_NR"], booked.header["RPL_INV"]);
    let credited: Decimal = credits[0]
        .lines
        .iter()
        .map(|l| dec(&l["AMOUNT"]) + dec(&l["VAT_AMT"]))
        .sum();
    assert_eq!(
        credited,
        dec(&order["priceIncl"]),
        "a full refund credits the whole order"
    );

    let report = flow.run(RunRequest::poll()).await.unwrap();
    assert_eq!(report.counts.created, 0);
    assert_eq!(sb.accountview().journal_pages().len(), 1, "booked once");
}
