//! Building orders the way Lightspeed shows them: lines, shipping and payment costs, discounts,
//! VAT per destination and totals consistent to the cent (documents: `documents.rs`).
//!
//! Price rules (they reproduce the live sample `priceExcl 2.8843 / priceIncl 3.49`):
//! - a line's unit price excl. VAT is the variant's `priceExcl` (4 decimals); the unit price incl.
//!   is that times (1 + rate), rounded to cents;
//! - the line total incl. is unit incl. × quantity less the discount, to cents; the line total
//!   excl. is the total incl. divided by (1 + rate), to cents; discounts are the differences;
//! - shipping and payment costs follow the same rule from a nominal price incl. 21 % VAT;
//! - `order.priceIncl = Σ line.priceIncl + shipmentPriceIncl + paymentPriceIncl` (likewise excl.),
//!   and `taxRates` holds Σ(incl − excl) per rate.
//!
//! VAT per destination: NL and EU consumers pay their country's rate (high or low, by the
//! variant's tax class); EU companies outside NL with a VAT number are reverse-charged (0 %,
//! `isVatShifted` on the invoice); outside the EU the rate is 0 % (export).

use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::kinds::Kind;
use super::order_spec::{OrderSpec, Party};
use super::state::LsState;
use super::store::link_id;
use crate::SandboxError;
use crate::clock::ls_time;
use crate::geo;
use crate::money::{dec, num, round, round2};

/// Amounts of one priced component (line, shipping, payment).
#[derive(Debug, Clone, Copy, Default)]
struct Priced {
    rate: Decimal,
    excl: Decimal,
    incl: Decimal,
}

/// The VAT regime of an order's destination.
#[derive(Debug, Clone, Copy)]
enum Regime {
    /// Rates of the destination country (NL, or OSS for EU consumers).
    Country { high: Decimal, low: Decimal },
    /// EU business customer outside NL with a VAT number.
    ReverseCharge,
    /// Outside the EU.
    Export,
}

impl Regime {
    fn rate(self, shop_rate: Decimal) -> Decimal {
        match self {
            Regime::Country { high, low } => {
                if shop_rate.is_zero() {
                    Decimal::ZERO
                } else if shop_rate < Decimal::new(15, 2) {
                    low
                } else {
                    high
                }
            }
            Regime::ReverseCharge | Regime::Export => Decimal::ZERO,
        }
    }

    fn standard(self) -> Decimal {
        self.rate(Decimal::new(21, 2))
    }
}

fn regime(country: &str, company_vat: &str) -> Regime {
    match geo::country(country) {
        Some(c) if c.code == "NL" => Regime::Country {
            high: c.high,
            low: c.low,
        },
        Some(c) if c.eu && !company_vat.trim().is_empty() => Regime::ReverseCharge,
        Some(c) if c.eu => Regime::Country {
            high: c.high,
            low: c.low,
        },
        Some(_) => Regime::Export,
        None => Regime::Country {
            high: Decimal::new(21, 2),
            low: Decimal::new(9, 2),
        },
    }
}

/// A nominal price incl. 21 % VAT turned into base excl./incl. (4 decimals) for a rate.
fn from_nominal(nominal_incl: Decimal, rate: Decimal) -> (Decimal, Decimal) {
    let base_excl = round(nominal_incl / Decimal::new(121, 2), 4);
    let base_incl = round(base_excl * (Decimal::ONE + rate), 4);
    (base_excl, base_incl)
}

fn incl_to_excl(incl: Decimal, rate: Decimal) -> Decimal {
    round2(incl / (Decimal::ONE + rate))
}

fn tax_rates(parts: &[Priced]) -> Value {
    let mut rates: Vec<(Decimal, Decimal)> = Vec::new();
    for p in parts {
        match rates.iter_mut().find(|(r, _)| *r == p.rate) {
            Some((_, amount)) => *amount += p.incl - p.excl,
            None => rates.push((p.rate, p.incl - p.excl)),
        }
    }
    Value::Array(
        rates
            .into_iter()
            .map(
                |(rate, amount)| json!({ "name": "BTW", "rate": num(rate), "amount": num(amount) }),
            )
            .collect(),
    )
}

fn one_rate(p: Priced) -> Value {
    tax_rates(&[p])
}

impl LsState {
    /// Places an order from a spec; returns its id. Records `orders/created`.
    pub(crate) fn place_order(&mut self, spec: &OrderSpec) -> Result<u64, SandboxError> {
        if spec.lines.is_empty() {
            return Err(SandboxError::Invalid(
                "an order needs at least one line".into(),
            ));
        }
        let created = spec.created_at.unwrap_or_else(|| self.clock.now());
        let updated = spec.updated_at.unwrap_or(created).max(created);
        let created_s = ls_time(created);
        let updated_s = ls_time(updated);

        // The buyer.
        let (party, customer_link) = match spec.customer_id {
            Some(cid) => {
                let c = self.store.get(Kind::Customer, None, cid).ok_or_else(|| {
                    SandboxError::NotFound {
                        kind: "customer",
                        id: cid.to_string(),
                    }
                })?;
                (c.obj.clone(), self.links.to(Kind::Customer, None, cid))
            }
            None => {
                let guest = spec
                    .guest
                    .clone()
                    .unwrap_or_else(|| Party::person("Gast", "Klant", "gast@example.com", "NL"));
                (guest.customer_fields(), json!(false))
            }
        };
        let text = |k: &str| {
            party
                .get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let country = party
            .get("addressShippingCountry")
            .and_then(|c| c.get("code"))
            .and_then(Value::as_str)
            .unwrap_or("nl")
            .to_ascii_uppercase();
        let regime = regime(&country, &text("companyVatNumber"));
        let coupon_pct = spec
            .coupon
            .as_ref()
            .map(|c| c.percentage)
            .unwrap_or_default();

        // Lines.
        let order_id = self.store.next_id(Kind::Order);
        let mut parts = Vec::new();
        let mut lines = Vec::new();
        let mut goods_incl = Decimal::ZERO;
        let mut coupon_incl = Decimal::ZERO;
        let mut cost = Decimal::ZERO;
        for line in &spec.lines {
            let qty = Decimal::from(line.quantity.max(1));
            let variant =
                self.variant_by_code(&line.sku)
                    .ok_or_else(|| SandboxError::NotFound {
                        kind: "variant",
                        id: line.sku.clone(),
                    })?;
            let v = variant.obj.clone();
            let variant_id = variant.id();
            let shop_rate = self.variant_tax_rate(variant);
            let rate = regime.rate(shop_rate);
            let product_id = v.get("product").and_then(link_id).unwrap_or(0);
            let product = self
                .store
                .get(Kind::Product, None, product_id)
                .map(|p| p.obj.clone())
                .unwrap_or_default();
            let base_excl = v.get("priceExcl").and_then(dec).unwrap_or_default();
            let base_incl = round2(base_excl * (Decimal::ONE + rate));
            let pct = Decimal::ONE - (Decimal::ONE - line.discount) * (Decimal::ONE - coupon_pct);
            let gross_incl = round2(base_incl * qty);
            let price_incl = round2(gross_incl * (Decimal::ONE - pct));
            let price_excl = incl_to_excl(price_incl, rate);
            let disc_incl = gross_incl - price_incl;
            let disc_excl = (round2(base_excl * qty) - price_excl).max(Decimal::ZERO);
            if !coupon_pct.is_zero() {
                coupon_incl +=
                    round2(round2(gross_incl * (Decimal::ONE - line.discount)) * coupon_pct);
            }
            goods_incl += price_incl;
            let p = Priced {
                rate,
                excl: price_excl,
                incl: price_incl,
            };
            parts.push(p);
            let unit_cost = v.get("priceCost").and_then(dec).unwrap_or_default();
            cost += unit_cost * qty;
            let now = created_s.clone();
            let mut l = self.fresh(Kind::OrderProduct, &now);
            let brand_title = product
                .get("brand")
                .and_then(link_id)
                .and_then(|b| self.store.get(Kind::Brand, None, b))
                .and_then(|b| b.obj.get("title").cloned())
                .unwrap_or(json!(""));
            let shipped = match spec.shipment_status.as_str() {
                "shipped" => qty,
                _ => Decimal::ZERO,
            };
            let invoiced = if spec.payment_status == "paid" {
                qty
            } else {
                Decimal::ZERO
            };
            for (k, val) in [
                ("brandTitle", brand_title),
                (
                    "productTitle",
                    product.get("title").cloned().unwrap_or(json!("")),
                ),
                ("variantTitle", v.get("title").cloned().unwrap_or(json!(""))),
                ("taxRate", num(rate)),
                ("taxRates", one_rate(p)),
                ("quantityOrdered", num(qty)),
                ("quantityInvoiced", num(invoiced)),
                ("quantityShipped", num(shipped)),
                (
                    "articleCode",
                    v.get("articleCode").cloned().unwrap_or(json!("")),
                ),
                ("ean", v.get("ean").cloned().unwrap_or(json!(""))),
                ("sku", v.get("sku").cloned().unwrap_or(json!(""))),
                ("priceCost", num(unit_cost)),
                ("basePriceExcl", num(base_excl)),
                ("basePriceIncl", num(base_incl)),
                ("priceExcl", num(price_excl)),
                ("priceIncl", num(price_incl)),
                ("discountExcl", num(disc_excl)),
                ("discountIncl", num(disc_incl)),
                ("product", self.links.to(Kind::Product, None, product_id)),
                ("variant", self.links.to(Kind::Variant, None, variant_id)),
            ] {
                l.insert(k.into(), val);
            }
            lines.push(l);
        }

        // Shipping.
        let method_id = spec
            .shipping_method_id
            .or_else(|| self.default_shipping_method(&country))
            .unwrap_or(0);
        let method = self
            .store
            .get(Kind::ShippingMethod, None, method_id)
            .map(|m| m.obj.clone());
        let tariff = self.tariffs.get(&method_id).cloned();
        let ship_rate = regime.standard();
        let (ship_base_excl, ship_base_incl) = from_nominal(
            tariff.as_ref().map(|t| t.price_incl).unwrap_or_default(),
            ship_rate,
        );
        let free = tariff
            .as_ref()
            .and_then(|t| t.free_above)
            .is_some_and(|limit| goods_incl >= limit);
        let ship_full_incl = round2(ship_base_incl);
        let ship_full_excl = incl_to_excl(ship_full_incl, ship_rate);
        let ship = if free {
            Priced {
                rate: ship_rate,
                excl: Decimal::ZERO,
                incl: Decimal::ZERO,
            }
        } else {
            Priced {
                rate: ship_rate,
                excl: ship_full_excl,
                incl: ship_full_incl,
            }
        };
        let (ship_disc_excl, ship_disc_incl) = if free {
            (ship_full_excl, ship_full_incl)
        } else {
            Default::default()
        };
        parts.push(ship);

        // Payment costs.
        let pay_rate = regime.standard();
        let pay_nominal = self
            .payment_costs
            .get(&spec.payment_method)
            .copied()
            .unwrap_or_default();
        let (pay_base_excl, pay_base_incl) = from_nominal(pay_nominal, pay_rate);
        let pay_incl = round2(pay_base_incl);
        let pay = Priced {
            rate: pay_rate,
            excl: incl_to_excl(pay_incl, pay_rate),
            incl: pay_incl,
        };
        if !pay_nominal.is_zero() {
            parts.push(pay);
        }
        let pay_title = self
            .store
            .all(Kind::PaymentMethod)
            .find(|m| {
                m.obj.get("key").and_then(Value::as_str) == Some(spec.payment_method.as_str())
            })
            .and_then(|m| m.obj.get("title").cloned())
            .unwrap_or_else(|| json!(spec.payment_method));

        let total_excl: Decimal = parts.iter().map(|p| p.excl).sum();
        let total_incl: Decimal = parts.iter().map(|p| p.incl).sum();

        // The order object.
        self.numbers.order += 1;
        let number = format!("ORD{:05}", self.numbers.order);
        let lang = self.language_json();
        let mut o =
            super::templates::template(Kind::Order, order_id, &created_s, &self.links, &lang);
        for key in [
            "email",
            "firstname",
            "middlename",
            "lastname",
            "phone",
            "mobile",
            "gender",
            "birthDate",
            "isCompany",
            "companyName",
            "companyCoCNumber",
            "companyVatNumber",
            "addressShippingCompany",
        ] {
            if let Some(v) = party.get(key) {
                o.insert(key.into(), v.clone());
            }
        }
        for side in ["Billing", "Shipping"] {
            for f in [
                "Name",
                "Street",
                "Street2",
                "Number",
                "Extension",
                "Zipcode",
                "City",
                "Region",
                "Country",
            ] {
                let key = format!("address{side}{f}");
                if let Some(v) = party.get(&key) {
                    o.insert(key, v.clone());
                }
            }
        }
        let method_title = method
            .as_ref()
            .and_then(|m| m.get("title").cloned())
            .unwrap_or(json!(""));
        let method_type = method
            .as_ref()
            .and_then(|m| m.get("type").cloned())
            .unwrap_or(json!("default"));
        let value_id = tariff.as_ref().map(|t| t.value_id).unwrap_or(0);
        let pickup = tariff.as_ref().is_some_and(|t| t.pickup);
        let is_new = spec
            .customer_id
            .is_none_or(|cid| self.customers_with_orders.insert(cid));
        for (k, v) in [
            ("updatedAt", json!(updated_s)),
            ("number", json!(number)),
            ("status", json!(spec.status)),
            (
                "remoteIp",
                json!(format!(
                    "84.{}.{}.{}",
                    order_id % 200 + 20,
                    order_id % 250,
                    order_id % 97 + 1
                )),
            ),
            (
                "userAgent",
                json!(
                    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
                ),
            ),
            ("priceCost", num(round2(cost))),
            ("priceExcl", num(total_excl)),
            ("priceIncl", num(total_incl)),
            ("paymentId", json!(spec.payment_method)),
            ("paymentStatus", json!(spec.payment_status)),
            ("paymentIsPost", json!(spec.payment_method == "invoice")),
            ("paymentTaxRate", num(pay_rate)),
            (
                "paymentTaxRates",
                one_rate(if pay_nominal.is_zero() {
                    Priced {
                        rate: pay_rate,
                        ..Default::default()
                    }
                } else {
                    pay
                }),
            ),
            ("paymentBasePriceExcl", num(pay_base_excl)),
            ("paymentBasePriceIncl", num(pay_base_incl)),
            (
                "paymentPriceExcl",
                num(if pay_nominal.is_zero() {
                    Decimal::ZERO
                } else {
                    pay.excl
                }),
            ),
            (
                "paymentPriceIncl",
                num(if pay_nominal.is_zero() {
                    Decimal::ZERO
                } else {
                    pay.incl
                }),
            ),
            ("paymentTitle", pay_title),
            ("paymentData", json!({ "method": spec.payment_method })),
            ("shipmentId", json!(format!("core|{method_id}|{value_id}"))),
            ("shipmentStatus", json!(spec.shipment_status)),
            ("shipmentIsPickup", json!(pickup)),
            ("shipmentTaxRate", num(ship_rate)),
            ("shipmentTaxRates", one_rate(ship)),
            ("shipmentBasePriceExcl", num(ship_base_excl)),
            ("shipmentBasePriceIncl", num(ship_base_incl)),
            ("shipmentPriceExcl", num(ship.excl)),
            ("shipmentPriceIncl", num(ship.incl)),
            ("shipmentDiscountExcl", num(ship_disc_excl)),
            ("shipmentDiscountIncl", num(ship_disc_incl)),
            ("shipmentTitle", method_title),
            (
                "shipmentData",
                json!({ "method": method_type, "shipment_id": method_id, "shipping_value_id": value_id }),
            ),
            ("isDiscounted", json!(spec.coupon.is_some())),
            (
                "discountType",
                json!(if spec.coupon.is_some() {
                    "percentage"
                } else {
                    "amount"
                }),
            ),
            ("discountAmount", num(coupon_incl)),
            ("discountPercentage", num(coupon_pct)),
            (
                "discountCouponCode",
                json!(
                    spec.coupon
                        .as_ref()
                        .map(|c| c.code.clone())
                        .unwrap_or_default()
                ),
            ),
            ("taxRates", tax_rates(&parts)),
            ("isNewCustomer", json!(is_new)),
            ("customer", customer_link),
        ] {
            o.insert(k.into(), v);
        }
        if spec.shipment_status == "shipped" {
            o.insert(
                "shippingDate".into(),
                json!(updated.format("%Y-%m-%d").to_string()),
            );
        }
        self.store.insert(Kind::Order, None, o);
        for l in lines {
            self.store.insert(Kind::OrderProduct, Some(order_id), l);
        }
        self.add_event(order_id, "order", "new", None, None, &created_s);
        if spec.payment_status == "paid" {
            let inv = self.create_invoice(order_id, false, None, &created_s)?;
            self.add_event(order_id, "invoice", "paid", Some(inv), None, &updated_s);
        }
        if matches!(
            spec.shipment_status.as_str(),
            "shipped" | "partially_shipped"
        ) {
            self.create_shipment(order_id, &spec.shipment_status, &updated_s);
        }
        self.changed("orders", "created", order_id);
        Ok(order_id)
    }

    fn default_shipping_method(&self, country: &str) -> Option<u64> {
        let zone = match geo::country(country) {
            Some(c) if c.code == "NL" => "nl",
            Some(c) if c.eu => "eu",
            Some(_) => "world",
            None => "nl",
        };
        let mut ids: Vec<u64> = self
            .tariffs
            .iter()
            .filter(|(_, t)| t.zone == zone)
            .map(|(id, _)| *id)
            .collect();
        ids.sort_unstable();
        ids.first().copied()
    }
}
