//! The money parts of orders and credit notes: lines, shipping and payment charges, the order
//! discount, VAT rates and totals per rate. Pure functions; amounts stay exactly as Lightspeed
//! states them (rounding happens once, in the flow, when a document is booked).

use rust_decimal::Decimal;
use sync_core::domain::{Charge, OrderDiscount, OrderLine, VatBreakdown, VatRate, round_cents};
use sync_core::error::SyncError;

use super::party::text;
use crate::models::{Order, OrderProduct, TaxRateLine};

/// A required amount, or a mapping error naming the field.
pub(crate) fn required(
    value: Option<Decimal>,
    field: &str,
    record: &str,
) -> Result<Decimal, SyncError> {
    value.ok_or_else(|| SyncError::mapping(format!("{record}: `{field}` is missing")))
}

/// The VAT rate of an amount: the stated fraction, else the first tax line's, else 0 % when the
/// amounts incl. and excl. VAT are equal. Lightspeed states rates as fractions (`0.21`).
pub(crate) fn vat_rate(
    rate: Option<Decimal>,
    tax_lines: &[TaxRateLine],
    (excl, incl): (Decimal, Decimal),
    record: &str,
) -> Result<VatRate, SyncError> {
    let fraction = rate
        .or_else(|| tax_lines.iter().find_map(|t| t.rate))
        .or_else(|| (excl == incl).then_some(Decimal::ZERO))
        .ok_or_else(|| SyncError::mapping(format!("{record}: no tax rate is stated")))?;
    VatRate::from_fraction(fraction).map_err(|e| SyncError::mapping(format!("{record}: {e}")))
}

/// Lowercase letters and digits only, to compare titles ("Butterprint Bowl" ~ "butterprintbowl").
fn squash(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The product title, followed by the variant title when that adds something (Lightspeed's
/// variant title often repeats the product title or is the product's slug).
pub(crate) fn description(product: Option<&String>, variant: Option<&String>) -> Option<String> {
    let product = text(product);
    let variant = text(variant);
    match (product, variant) {
        (Some(p), Some(v)) if !squash(&p).contains(&squash(&v)) => Some(format!("{p} - {v}")),
        (Some(p), _) => Some(p),
        (None, v) => v,
    }
}

/// The unit price as stated, else derived from the line total before discount.
fn unit_price(
    base: Option<Decimal>,
    total: Decimal,
    discount: Decimal,
    quantity: Decimal,
) -> Decimal {
    base.unwrap_or_else(|| {
        if quantity.is_zero() {
            Decimal::ZERO
        } else {
            (total + discount) / quantity
        }
    })
}

/// One order line: `quantityOrdered`, unit prices `basePrice*` (before discount), totals `price*`
/// (after discount), discounts `discount*`, VAT rate `taxRate`.
pub fn order_line(line: &OrderProduct, order: &str) -> Result<OrderLine, SyncError> {
    let record = format!("order {order} line {}", line.id);
    let quantity = required(line.quantity_ordered, "quantityOrdered", &record)?;
    let total_excl = required(line.price_excl, "priceExcl", &record)?;
    let total_incl = required(line.price_incl, "priceIncl", &record)?;
    let discount_excl = line.discount_excl.unwrap_or_default();
    let discount_incl = line.discount_incl.unwrap_or_default();
    let vat_rate = vat_rate(
        line.tax_rate,
        &line.tax_rates,
        (total_excl, total_incl),
        &record,
    )?;
    let article_code = text(line.article_code.as_ref());
    let sku = text(line.sku.as_ref());
    let description = description(line.product_title.as_ref(), line.variant_title.as_ref())
        .or_else(|| article_code.clone())
        .or_else(|| sku.clone())
        .unwrap_or_else(|| format!("line {}", line.id));
    Ok(OrderLine {
        line_id: line.id.to_string(),
        article_code,
        sku,
        ean: text(line.ean.as_ref()),
        description,
        quantity,
        unit_price_excl: unit_price(line.base_price_excl, total_excl, discount_excl, quantity),
        unit_price_incl: unit_price(line.base_price_incl, total_incl, discount_incl, quantity),
        total_excl,
        total_incl,
        discount_excl,
        discount_incl,
        vat_rate,
    })
}

/// The parts of a charge as Lightspeed states them.
pub(crate) struct ChargeParts<'a> {
    pub(crate) code: Option<&'a String>,
    pub(crate) title: Option<&'a String>,
    pub(crate) default_title: &'a str,
    /// Amounts after discount.
    pub(crate) net: (Option<Decimal>, Option<Decimal>),
    pub(crate) discount: (Option<Decimal>, Option<Decimal>),
    pub(crate) rate: Option<Decimal>,
    pub(crate) tax_lines: &'a [TaxRateLine],
}

/// A charge with `price = net + discount`, so that `Charge::net_*` is what Lightspeed charged;
/// `None` when nothing was charged or discounted.
pub(crate) fn charge(parts: ChargeParts<'_>, record: &str) -> Result<Option<Charge>, SyncError> {
    let (net_excl, net_incl) = (
        parts.net.0.unwrap_or_default(),
        parts.net.1.unwrap_or_default(),
    );
    let (discount_excl, discount_incl) = (
        parts.discount.0.unwrap_or_default(),
        parts.discount.1.unwrap_or_default(),
    );
    let price_excl = net_excl + discount_excl;
    let price_incl = net_incl + discount_incl;
    if [price_excl, price_incl, discount_excl, discount_incl]
        .iter()
        .all(Decimal::is_zero)
    {
        return Ok(None);
    }
    let vat_rate = vat_rate(
        parts.rate,
        parts.tax_lines,
        (net_excl, net_incl),
        &format!("{record} {}", parts.default_title.to_lowercase()),
    )?;
    Ok(Some(Charge {
        code: text(parts.code),
        title: text(parts.title).unwrap_or_else(|| parts.default_title.to_owned()),
        price_excl,
        price_incl,
        discount_excl,
        discount_incl,
        vat_rate,
    }))
}

/// Shipping costs: code `shipmentId`, title `shipmentTitle`, net `shipmentPrice*`, discount
/// `shipmentDiscount*`, rate `shipmentTaxRate`.
pub fn shipping(order: &Order, record: &str) -> Result<Option<Charge>, SyncError> {
    charge(
        ChargeParts {
            code: order.shipment_id.as_ref(),
            title: order.shipment_title.as_ref(),
            default_title: "Shipping",
            net: (order.shipment_price_excl, order.shipment_price_incl),
            discount: (order.shipment_discount_excl, order.shipment_discount_incl),
            rate: order.shipment_tax_rate,
            tax_lines: &order.shipment_tax_rates,
        },
        record,
    )
}

/// Payment costs: code `paymentId`, title `paymentTitle`, amounts `paymentPrice*` (Lightspeed
/// states no payment discount), rate `paymentTaxRate`.
pub fn payment(order: &Order, record: &str) -> Result<Option<Charge>, SyncError> {
    charge(
        ChargeParts {
            code: order.payment_id.as_ref(),
            title: order.payment_title.as_ref(),
            default_title: "Payment costs",
            net: (order.payment_price_excl, order.payment_price_incl),
            discount: (None, None),
            rate: order.payment_tax_rate,
            tax_lines: &order.payment_tax_rates,
        },
        record,
    )
}

/// The order-level discount, when `isDiscounted` is set or `discountAmount` is positive.
///
/// Lightspeed spreads such a discount over the line totals already; the flow books it only when the
/// lines do not add up to the order total without it. What the reference leaves open, and how it is
/// read here: `discountAmount` is taken as the amount including VAT; for a percentage discount
/// without an amount it is the percentage of the lines' gross amount (needs the lines); the amount
/// excluding VAT follows the lines' (else the order's) ratio of excl. to incl.
pub fn order_discount(order: &Order, lines: &[OrderLine]) -> Option<OrderDiscount> {
    let amount = order.discount_amount.unwrap_or_default();
    let percentage = order.discount_percentage.unwrap_or_default();
    if !order.is_discounted.unwrap_or(false) && amount <= Decimal::ZERO {
        return None;
    }
    let amount_incl = if amount > Decimal::ZERO {
        amount
    } else if percentage > Decimal::ZERO && !lines.is_empty() {
        let gross: Decimal = lines.iter().map(|l| l.total_incl + l.discount_incl).sum();
        round_cents(gross * percentage)
    } else {
        return None;
    };
    let (excl, incl) = if lines.is_empty() {
        (
            order.price_excl.unwrap_or_default(),
            order.price_incl.unwrap_or_default(),
        )
    } else {
        lines
            .iter()
            .fold((Decimal::ZERO, Decimal::ZERO), |(e, i), l| {
                (e + l.total_excl, i + l.total_incl)
            })
    };
    let amount_excl = if incl.is_zero() {
        amount_incl
    } else {
        round_cents(amount_incl * excl / incl)
    };
    let code = text(order.discount_coupon_code.as_ref());
    Some(OrderDiscount {
        description: code
            .as_ref()
            .map_or_else(|| "Order discount".to_owned(), |c| format!("Coupon {c}")),
        code,
        amount_excl,
        amount_incl,
    })
}

/// VAT per rate from Lightspeed tax lines (`{name, rate, amount}`), one entry per rate; the base is
/// the VAT divided by the rate (zero for 0 %), rounded to cents.
pub(crate) fn vat_by_rate(
    tax_lines: &[TaxRateLine],
    record: &str,
) -> Result<Vec<VatBreakdown>, SyncError> {
    let mut out: Vec<VatBreakdown> = Vec::new();
    for line in tax_lines {
        let Some(fraction) = line.rate else { continue };
        let rate = VatRate::from_fraction(fraction)
            .map_err(|e| SyncError::mapping(format!("{record} tax rates: {e}")))?;
        let vat = line.amount.unwrap_or_default();
        match out.iter_mut().find(|b| b.rate == rate) {
            Some(b) => b.vat += vat,
            None => out.push(VatBreakdown {
                rate,
                base_excl: Decimal::ZERO,
                vat,
            }),
        }
    }
    for b in &mut out {
        if !b.rate.is_zero() {
            b.base_excl = round_cents(b.vat / b.rate.fraction());
        }
    }
    Ok(out)
}

/// VAT per rate computed from lines and charges (credit notes state no tax lines).
pub(crate) fn vat_from_amounts(amounts: &[(VatRate, Decimal, Decimal)]) -> Vec<VatBreakdown> {
    let mut out: Vec<VatBreakdown> = Vec::new();
    for (rate, excl, incl) in amounts {
        match out.iter_mut().find(|b| b.rate == *rate) {
            Some(b) => {
                b.base_excl += excl;
                b.vat += incl - excl;
            }
            None => out.push(VatBreakdown {
                rate: *rate,
                base_excl: *excl,
                vat: incl - excl,
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn line(json: serde_json::Value) -> OrderProduct {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn descriptions_add_the_variant_only_when_it_says_something() {
        let s = |t: &str| Some(t.to_owned());
        assert_eq!(
            description(
                s("Butterprint Bowl").as_ref(),
                s("butterprintbowl").as_ref()
            ),
            s("Butterprint Bowl")
        );
        assert_eq!(
            description(s("T-shirt").as_ref(), s("Red, L").as_ref()),
            s("T-shirt - Red, L")
        );
        assert_eq!(description(None, s("Red").as_ref()), s("Red"));
        assert_eq!(description(s(" ").as_ref(), None), None);
    }

    #[test]
    fn vat_rates_fall_back_to_tax_lines_then_zero() {
        let lines = [TaxRateLine {
            name: None,
            rate: Some(dec!(0.21)),
            amount: None,
        }];
        let r = |rate, lines: &[TaxRateLine], ex, inc| vat_rate(rate, lines, (ex, inc), "x");
        assert_eq!(
            r(Some(dec!(0.09)), &lines, dec!(1), dec!(1.09)).unwrap(),
            VatRate::from_percentage(9)
        );
        assert_eq!(
            r(None, &lines, dec!(1), dec!(1.21)).unwrap(),
            VatRate::from_percentage(21)
        );
        assert!(r(None, &[], dec!(1), dec!(1)).unwrap().is_zero());
        assert!(r(None, &[], dec!(1), dec!(1.21)).is_err());
        let err = r(Some(dec!(21)), &[], dec!(1), dec!(1.21)).unwrap_err();
        assert!(err.is_skippable(), "a percentage where a fraction belongs");
    }

    #[test]
    fn lines_derive_a_missing_unit_price_and_need_totals() {
        let l = order_line(
            &line(serde_json::json!({
                "id": 9, "quantityOrdered": 2, "priceExcl": 18, "priceIncl": 21.78,
                "discountExcl": 2, "discountIncl": 2.42, "taxRate": 0.21, "sku": "SKU-1"
            })),
            "ORD1",
        )
        .unwrap();
        assert_eq!(l.unit_price_excl, dec!(10));
        assert_eq!(l.unit_price_incl, dec!(12.10));
        assert_eq!(l.description, "SKU-1");
        let err = order_line(
            &line(serde_json::json!({"id": 9, "quantityOrdered": 1})),
            "ORD1",
        )
        .unwrap_err();
        assert!(err.message().contains("`priceExcl`"), "{err}");
    }

    #[test]
    fn discount_amount_percentage_and_none() {
        let order = |json| serde_json::from_value::<Order>(json).unwrap();
        let goods = order_line(
            &line(serde_json::json!({
                "id": 1, "quantityOrdered": 1, "basePriceExcl": 100, "basePriceIncl": 121,
                "priceExcl": 90, "priceIncl": 108.9, "discountExcl": 10, "discountIncl": 12.1, "taxRate": 0.21
            })),
            "ORD1",
        )
        .unwrap();
        let fixed = order(serde_json::json!({
            "id": 1, "isDiscounted": true, "discountType": "amount", "discountAmount": 12.1,
            "discountCouponCode": "SPRING"
        }));
        let d = order_discount(&fixed, std::slice::from_ref(&goods)).unwrap();
        assert_eq!((d.amount_incl, d.amount_excl), (dec!(12.1), dec!(10)));
        assert_eq!(d.code.as_deref(), Some("SPRING"));
        let pct = order(serde_json::json!({
            "id": 1, "isDiscounted": true, "discountType": "percentage", "discountAmount": 0,
            "discountPercentage": 0.1
        }));
        let d = order_discount(&pct, std::slice::from_ref(&goods)).unwrap();
        assert_eq!(d.amount_incl, dec!(12.10));
        assert_eq!(order_discount(&pct, &[]), None, "percentage without lines");
        let none = order(serde_json::json!({"id": 1, "isDiscounted": false, "discountAmount": 0}));
        assert_eq!(order_discount(&none, &[]), None);
    }

    #[test]
    fn vat_breakdowns_merge_rates() {
        let t = |rate, amount| TaxRateLine {
            name: None,
            rate: Some(rate),
            amount: Some(amount),
        };
        let b = vat_by_rate(
            &[
                t(dec!(0.21), dec!(2.1)),
                t(dec!(0.210), dec!(4.2)),
                t(dec!(0), dec!(0)),
            ],
            "x",
        )
        .unwrap();
        assert_eq!(b.len(), 2);
        assert_eq!((b[0].vat, b[0].base_excl), (dec!(6.3), dec!(30)));
        let nine = VatRate::from_percentage(9);
        let b = vat_from_amounts(&[(nine, dec!(10), dec!(10.9)), (nine, dec!(1), dec!(1.09))]);
        assert_eq!((b[0].base_excl, b[0].vat), (dec!(11), dec!(0.99)));
    }
}
