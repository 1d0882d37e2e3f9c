//! The documents around an order: events, invoices (and credit notes) and shipments.

use serde_json::{Map, Value, json};

use super::kinds::Kind;
use super::state::LsState;
use super::store::link_id;
use crate::SandboxError;
use crate::money::dec;

impl LsState {
    /// Adds an order event.
    pub(crate) fn add_event(
        &mut self,
        order: u64,
        kind: &str,
        message: &str,
        invoice: Option<u64>,
        shipment: Option<u64>,
        at: &str,
    ) {
        let mut e = self.fresh(Kind::OrderEvent, at);
        e.insert(
            "channel".into(),
            json!(if at == self.now() { "api" } else { "auto" }),
        );
        e.insert("type".into(), json!(kind));
        e.insert("message".into(), json!(message));
        e.insert("order".into(), self.links.to(Kind::Order, None, order));
        if let Some(i) = invoice {
            e.insert("invoice".into(), self.links.to(Kind::Invoice, None, i));
        }
        if let Some(s) = shipment {
            e.insert("shipment".into(), self.links.to(Kind::Shipment, None, s));
        }
        let id = self.store.insert(Kind::OrderEvent, None, e);
        self.order_docs
            .entry(order)
            .or_default()
            .push((Kind::OrderEvent, id));
    }

    /// Creates the invoice of an order (or a credit note linked to `original`); returns its id.
    pub(crate) fn create_invoice(
        &mut self,
        order_id: u64,
        credit: bool,
        original: Option<u64>,
        at: &str,
    ) -> Result<u64, SandboxError> {
        let order = self
            .store
            .get(Kind::Order, None, order_id)
            .map(|o| o.obj.clone())
            .ok_or_else(|| SandboxError::NotFound {
                kind: "order",
                id: order_id.to_string(),
            })?;
        self.numbers.invoice += 1;
        let mut inv = self.fresh(Kind::Invoice, at);
        let id = inv.get("id").and_then(Value::as_u64).unwrap_or(0);
        let reverse = order
            .get("taxRates")
            .and_then(Value::as_array)
            .is_some_and(|r| {
                r.iter()
                    .all(|t| t.get("rate").and_then(dec).unwrap_or_default().is_zero())
            })
            && !order
                .get("companyVatNumber")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .is_empty();
        for (k, v) in [
            ("number", json!(format!("INV{:05}", self.numbers.invoice))),
            ("status", json!(if credit { "not_paid" } else { "paid" })),
            ("isVatShifted", json!(reverse)),
            (
                "priceExcl",
                order.get("priceExcl").cloned().unwrap_or(json!(0)),
            ),
            (
                "priceIncl",
                order.get("priceIncl").cloned().unwrap_or(json!(0)),
            ),
            ("isCreditNote", json!(credit)),
            ("order", self.links.to(Kind::Order, None, order_id)),
            (
                "customer",
                order.get("customer").cloned().unwrap_or(json!(false)),
            ),
        ] {
            inv.insert(k.into(), v);
        }
        if let Some(orig) = original {
            inv.insert("invoice".into(), self.links.to(Kind::Invoice, None, orig));
        }
        self.store.insert(Kind::Invoice, None, inv);
        self.order_docs
            .entry(order_id)
            .or_default()
            .push((Kind::Invoice, id));
        // Items: the lines, then shipping and payment costs.
        let lines: Vec<Map<String, Value>> = self
            .store
            .under(Kind::OrderProduct, Some(order_id))
            .into_iter()
            .map(|i| i.obj.clone())
            .collect();
        for l in lines {
            let mut item = self.fresh(Kind::InvoiceItem, at);
            item.insert("type".into(), json!("product"));
            item.insert(
                "title".into(),
                l.get("productTitle").cloned().unwrap_or(json!("")),
            );
            item.insert(
                "variant".into(),
                l.get("variantTitle").cloned().unwrap_or(json!("")),
            );
            item.insert(
                "orderProductId".into(),
                l.get("id").cloned().unwrap_or(json!(null)),
            );
            for k in [
                "articleCode",
                "ean",
                "sku",
                "taxRate",
                "basePriceExcl",
                "basePriceIncl",
                "priceExcl",
                "priceIncl",
                "discountExcl",
                "discountIncl",
            ] {
                item.insert(k.into(), l.get(k).cloned().unwrap_or(json!(0)));
            }
            item.insert(
                "quantity".into(),
                l.get("quantityOrdered").cloned().unwrap_or(json!(1)),
            );
            self.store.insert(Kind::InvoiceItem, Some(id), item);
        }
        for (kind, title, prefix, variant_key) in [
            ("shipment", "_shipmentcosts_", "shipment", "shipmentTitle"),
            ("payment", "_paymentcosts_", "payment", "paymentTitle"),
        ] {
            let mut item = self.fresh(Kind::InvoiceItem, at);
            item.insert("type".into(), json!(kind));
            item.insert("title".into(), json!(title));
            item.insert(
                "variant".into(),
                order.get(variant_key).cloned().unwrap_or(json!("")),
            );
            let get = |s: &str| {
                order
                    .get(&format!("{prefix}{s}"))
                    .cloned()
                    .unwrap_or(json!(0))
            };
            item.insert("taxRate".into(), get("TaxRate"));
            item.insert("basePriceExcl".into(), get("BasePriceExcl"));
            item.insert("basePriceIncl".into(), get("BasePriceIncl"));
            item.insert("priceExcl".into(), get("PriceExcl"));
            item.insert("priceIncl".into(), get("PriceIncl"));
            if kind == "shipment" {
                item.insert("discountExcl".into(), get("DiscountExcl"));
                item.insert("discountIncl".into(), get("DiscountIncl"));
            }
            self.store.insert(Kind::InvoiceItem, Some(id), item);
        }
        self.add_event(order_id, "invoice", "new", Some(id), None, at);
        Ok(id)
    }

    pub(crate) fn create_shipment(&mut self, order_id: u64, status: &str, at: &str) {
        self.numbers.shipment += 1;
        let customer = self
            .store
            .get(Kind::Order, None, order_id)
            .and_then(|o| o.obj.get("customer").cloned())
            .unwrap_or(json!(false));
        let mut s = self.fresh(Kind::Shipment, at);
        let id = s.get("id").and_then(Value::as_u64).unwrap_or(0);
        s.insert(
            "number".into(),
            json!(format!("SHIP{:05}", self.numbers.shipment)),
        );
        s.insert("status".into(), json!(status));
        s.insert(
            "trackingCode".into(),
            json!(format!("3SSPK{:09}", id % 1_000_000_000)),
        );
        s.insert("customer".into(), customer);
        s.insert("order".into(), self.links.to(Kind::Order, None, order_id));
        self.store.insert(Kind::Shipment, None, s);
        self.order_docs
            .entry(order_id)
            .or_default()
            .push((Kind::Shipment, id));
        self.add_event(order_id, "shipment", status, None, Some(id), at);
    }

    /// Creates a credit note for an order's invoice; returns the credit invoice id.
    pub(crate) fn credit_order(&mut self, order_id: u64) -> Result<u64, SandboxError> {
        let now = self.now();
        let original = self
            .store
            .all(Kind::Invoice)
            .find(|i| {
                i.obj.get("order").and_then(link_id) == Some(order_id)
                    && i.obj.get("isCreditNote") != Some(&json!(true))
            })
            .map(|i| i.id())
            .ok_or_else(|| SandboxError::NotFound {
                kind: "invoice of order",
                id: order_id.to_string(),
            })?;
        let credit = self.create_invoice(order_id, true, Some(original), &now)?;
        let link = self.links.to(Kind::Invoice, None, credit);
        if let Some(orig) = self.store.get_mut(Kind::Invoice, None, original) {
            orig.obj.insert("creditNote".into(), link);
            orig.obj.insert("updatedAt".into(), json!(now));
        }
        for line in self
            .store
            .under(Kind::OrderProduct, Some(order_id))
            .into_iter()
            .map(|i| i.id())
            .collect::<Vec<_>>()
        {
            if let Some(l) = self.store.get_mut(Kind::OrderProduct, Some(order_id), line) {
                let q = l.obj.get("quantityOrdered").cloned().unwrap_or(json!(0));
                l.obj.insert("quantityRefunded".into(), q);
            }
        }
        if let Some(o) = self.store.get_mut(Kind::Order, None, order_id) {
            o.obj.insert("updatedAt".into(), json!(now));
        }
        self.changed("invoices", "created", credit);
        self.changed("orders", "updated", order_id);
        Ok(credit)
    }
}
