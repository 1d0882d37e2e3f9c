//! Order → [`SalesDocument`]: the money side of the order flow, as a pure function.
//!
//! Amounts are taken as the shop states them (unit prices before discount, line totals after), rounded
//! half away from zero to cents, and every line carries its VAT code (per country and rate), its revenue
//! account (per country) and its amounts incl. and excl. VAT. Shipping and payment costs become lines with
//! their own VAT; order-level discounts become lines (split over the VAT rates in proportion to the goods)
//! or a header discount — but only when the shop's line totals do not already include them. The booked
//! total must equal the shop's total including VAT to the cent: a difference within the configured
//! tolerance goes on the rounding article and is reported, a larger one is an error.

use rust_decimal::Decimal;

use crate::config::{DiscountMode, OrdersConfig};
use crate::domain::{
    BookingLine, BookingLineKind, Charge, CountryCode, CreditNote, DebtorRef, ExternalReference,
    Order, OrderLine, SalesDocument, SalesDocumentKind, VatRate, round_cents,
};
use crate::error::SyncError;

/// Everything besides the order that a document needs.
#[derive(Debug, Clone)]
pub struct DocumentContext<'a> {
    /// The flow settings.
    pub config: &'a OrdersConfig,
    /// Sales order or sales invoice.
    pub kind: SalesDocumentKind,
    /// The reference stamped on the booking.
    pub reference: ExternalReference,
    /// The debtor (and delivery address) to book on.
    pub debtor: DebtorRef,
    /// The ledger article code per order line, in line order.
    pub article_codes: &'a [String],
}

/// The tax facts of an order: where it is taxed and whether the customer is a VAT-registered business.
#[derive(Debug, Clone, Copy)]
struct TaxContext<'a> {
    config: &'a OrdersConfig,
    country: Option<CountryCode>,
    has_vat_number: bool,
    include_vat: bool,
    needs_account: bool,
}

impl TaxContext<'_> {
    fn country_name(&self) -> String {
        self.country
            .map_or_else(|| "(unknown)".to_owned(), |c| c.as_str().to_owned())
    }

    fn vat_code(&self, rate: VatRate) -> Result<String, SyncError> {
        self.config
            .vat_code(self.country, rate, self.has_vat_number)
            .map(str::to_owned)
            .ok_or_else(|| {
                SyncError::mapping(format!(
                    "no VAT code configured for country {} at {} % (add a rule to orders.vat_codes)",
                    self.country_name(),
                    rate.percentage().normalize()
                ))
            })
    }

    fn revenue_account(&self) -> Result<Option<String>, SyncError> {
        let account = self.config.revenue_account(self.country).map(str::to_owned);
        if account.is_none() && self.needs_account {
            return Err(SyncError::mapping(format!(
                "no revenue account configured for country {} (add a rule to orders.revenue_accounts)",
                self.country_name()
            )));
        }
        Ok(account)
    }

    /// One booking line from amounts as the shop states them.
    #[allow(clippy::too_many_arguments)]
    fn line(
        &self,
        kind: BookingLineKind,
        article_code: &str,
        description: &str,
        quantity: Decimal,
        (unit_excl, unit_incl): (Decimal, Decimal),
        (amount_excl, amount_incl): (Decimal, Decimal),
        rate: VatRate,
    ) -> Result<BookingLine, SyncError> {
        let amount_excl = round_cents(amount_excl);
        let amount_incl = round_cents(amount_incl);
        Ok(BookingLine {
            kind,
            article_code: Some(article_code.to_owned()),
            description: description.to_owned(),
            quantity,
            unit_price: if self.include_vat {
                unit_incl
            } else {
                unit_excl
            },
            amount_excl,
            amount_incl,
            vat_amount: amount_incl - amount_excl,
            // A rounding line must never block a booking for want of a VAT code.
            vat_code: if kind == BookingLineKind::Rounding {
                self.vat_code(rate).ok()
            } else {
                Some(self.vat_code(rate)?)
            },
            vat_rate: rate,
            revenue_account: self.revenue_account()?,
        })
    }
}

/// The country an order is taxed in: the delivery country (place of supply for distance sales), else the
/// billing country, else the customer's.
pub fn tax_country(order: &Order) -> Option<CountryCode> {
    [
        &order.shipping_address,
        &order.billing_address,
        &order.customer.address,
    ]
    .into_iter()
    .flatten()
    .find_map(|a| a.country)
}

/// Build the sales document for `order`.
pub fn sales_document(
    order: &Order,
    ctx: &DocumentContext<'_>,
) -> Result<SalesDocument, SyncError> {
    let config = ctx.config;
    if ctx.article_codes.len() != order.lines.len() {
        return Err(SyncError::fatal(
            crate::error::ErrorKind::Internal,
            "article codes do not match the order lines",
        ));
    }
    let tax = TaxContext {
        config,
        country: tax_country(order),
        has_vat_number: order
            .customer
            .vat_number
            .as_deref()
            .is_some_and(|v| !v.trim().is_empty()),
        include_vat: config.amounts_include_vat,
        needs_account: ctx.kind != SalesDocumentKind::SalesOrder,
    };

    let mut lines = Vec::with_capacity(order.lines.len() + 3);
    for (line, code) in order.lines.iter().zip(ctx.article_codes) {
        lines.push(article_line(&tax, line, code)?);
    }
    for (charge, kind, article) in [
        (
            &order.shipping,
            BookingLineKind::Shipping,
            &config.articles.shipping,
        ),
        (
            &order.payment,
            BookingLineKind::PaymentCost,
            &config.articles.payment_cost,
        ),
    ] {
        if let Some(charge) = charge.as_ref().filter(|c| !c.net_incl().is_zero()) {
            lines.push(charge_line(&tax, charge, kind, article)?);
        }
    }

    // Order-level discounts: shops such as Lightspeed already spread them over the line totals, so they
    // are booked only when the lines do not add up to the shop total without them.
    let mut header_discount = (Decimal::ZERO, Decimal::ZERO);
    let discount_incl: Decimal = order
        .discounts
        .iter()
        .map(|d| round_cents(d.amount_incl))
        .sum();
    let discount_excl: Decimal = order
        .discounts
        .iter()
        .map(|d| round_cents(d.amount_excl))
        .sum();
    let lines_incl: Decimal = lines.iter().map(|l| l.amount_incl).sum();
    let expected = round_cents(order.totals.incl);
    if !discount_incl.is_zero()
        && (lines_incl - discount_incl - expected).abs() < (lines_incl - expected).abs()
    {
        match config.order_discount {
            DiscountMode::Line => lines.extend(discount_lines(
                &tax,
                &lines,
                discount_incl,
                &config.articles.discount,
            )?),
            DiscountMode::Header => header_discount = (discount_excl, discount_incl),
        }
    }

    let booked_incl: Decimal =
        lines.iter().map(|l| l.amount_incl).sum::<Decimal>() - header_discount.1;
    let difference = expected - booked_incl;
    if !difference.is_zero() {
        if difference.abs() > config.rounding_tolerance {
            return Err(SyncError::mapping(format!(
                "order {}: the booked lines total {booked_incl} but the shop total is {expected}; the \
                 difference {difference} exceeds the rounding tolerance {}",
                order.number, config.rounding_tolerance
            )));
        }
        lines.push(tax.line(
            BookingLineKind::Rounding,
            &config.articles.rounding,
            "Afronding",
            Decimal::ONE,
            (difference, difference),
            (difference, difference),
            VatRate::from_percentage(0),
        )?);
    }

    let total_incl: Decimal =
        lines.iter().map(|l| l.amount_incl).sum::<Decimal>() - header_discount.1;
    let total_excl: Decimal =
        lines.iter().map(|l| l.amount_excl).sum::<Decimal>() - header_discount.0;
    let payment = order
        .payment_method
        .as_deref()
        .map(|m| config.payment(m))
        .unwrap_or_else(|| config.payment(""));
    let invoice = order.invoice.as_ref().filter(|i| !i.is_credit_note);
    let is_invoice = ctx.kind != SalesDocumentKind::SalesOrder;
    Ok(SalesDocument {
        kind: ctx.kind,
        reference: ctx.reference.clone(),
        debtor: ctx.debtor.clone(),
        delivery_address: None,
        order_date: order.order_date(),
        invoice_number: invoice.filter(|_| is_invoice).map(|i| i.number.clone()),
        invoice_date: invoice.filter(|_| is_invoice).and_then(|i| i.date),
        description: format!("Webshop order {}", order.number),
        email: order.customer.email.clone(),
        payment_condition: payment.condition,
        payment_method_code: payment.code,
        shipping_method_code: order
            .shipping_method
            .as_deref()
            .and_then(|m| config.shipping_code(m))
            .map(str::to_owned),
        shop_id: order.shop_id.clone(),
        currency: order.currency,
        amounts_include_vat: config.amounts_include_vat,
        lines,
        header_discount: if config.amounts_include_vat {
            header_discount.1
        } else {
            header_discount.0
        },
        total_excl,
        total_incl,
        vat_total: total_incl - total_excl,
        rounding_difference: difference,
    })
}

/// Build the credit-note document for `note` (amounts stay positive; the ledger books them as a credit).
pub fn credit_note_document(
    note: &CreditNote,
    order: &Order,
    ctx: &DocumentContext<'_>,
) -> Result<SalesDocument, SyncError> {
    // A credit note is an order-shaped document of its own: reuse the order mapping with its amounts.
    let credited = Order {
        number: note.number.clone(),
        lines: note.lines.clone(),
        shipping: note.shipping.clone(),
        payment: note.payment.clone(),
        discounts: Vec::new(),
        totals: note.totals.clone(),
        currency: note.currency,
        placed_on: Some(note.date),
        invoice: Some(crate::domain::InvoiceInfo {
            number: note.number.clone(),
            date: Some(note.date),
            is_credit_note: false,
        }),
        raw: note.raw.clone(),
        ..order.clone()
    };
    let mut document = sales_document(&credited, ctx)?;
    document.description = format!(
        "Credit note {} for webshop order {}",
        note.number, order.number
    );
    Ok(document)
}

fn article_line(
    tax: &TaxContext<'_>,
    line: &OrderLine,
    code: &str,
) -> Result<BookingLine, SyncError> {
    tax.line(
        BookingLineKind::Article,
        code,
        &line.description,
        line.quantity,
        (line.unit_price_excl, line.unit_price_incl),
        (line.total_excl, line.total_incl),
        line.vat_rate,
    )
}

fn charge_line(
    tax: &TaxContext<'_>,
    charge: &Charge,
    kind: BookingLineKind,
    article: &str,
) -> Result<BookingLine, SyncError> {
    tax.line(
        kind,
        article,
        &charge.title,
        Decimal::ONE,
        (charge.price_excl, charge.price_incl),
        (charge.net_excl(), charge.net_incl()),
        charge.vat_rate,
    )
}

/// Negative discount lines, one per VAT rate of the goods, in proportion to the goods' amounts at each
/// rate (the last rate takes the remainder, so the parts add up to the discount exactly).
fn discount_lines(
    tax: &TaxContext<'_>,
    lines: &[BookingLine],
    discount_incl: Decimal,
    article: &str,
) -> Result<Vec<BookingLine>, SyncError> {
    let mut by_rate: Vec<(VatRate, Decimal)> = Vec::new();
    for line in lines.iter().filter(|l| l.kind == BookingLineKind::Article) {
        match by_rate.iter_mut().find(|(rate, _)| *rate == line.vat_rate) {
            Some((_, amount)) => *amount += line.amount_incl,
            None => by_rate.push((line.vat_rate, line.amount_incl)),
        }
    }
    let base: Decimal = by_rate.iter().map(|(_, a)| *a).sum();
    if by_rate.is_empty() || base.is_zero() {
        return Err(SyncError::mapping(
            "an order-level discount on an order without goods cannot be split over VAT rates",
        ));
    }
    let mut remaining = discount_incl;
    let mut out = Vec::with_capacity(by_rate.len());
    for (i, (rate, amount)) in by_rate.iter().enumerate() {
        let share_incl = if i + 1 == by_rate.len() {
            remaining
        } else {
            round_cents(discount_incl * *amount / base)
        };
        remaining -= share_incl;
        let share_excl = round_cents(rate.excl_from_incl(share_incl));
        out.push(tax.line(
            BookingLineKind::Discount,
            article,
            "Korting",
            Decimal::ONE,
            (-share_excl, -share_incl),
            (-share_excl, -share_incl),
            *rate,
        )?);
    }
    Ok(out)
}
