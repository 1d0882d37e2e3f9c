//! Orders (`orders`): the order itself and its update body.

use chrono::{DateTime, FixedOffset, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::common::{Address, Country, Language, Link, Metafield, RegionData, TaxRateLine};
use super::customer::Customer;
use super::enums::{Channel, DiscountType, OrderStatus, PaymentStatus, ShipmentStatus};
use super::invoice::Invoice;
use super::order_extra::OrderEvent;
use super::order_product::OrderProduct;
use super::quote::{PaymentData, Quote, ShipmentData};
use super::shipment::Shipment;
use crate::entity::entity;
use crate::serde_util::{false_as_none, int, items, json_object, opt_decimal, opt_int};

/// An order (`GET orders/{id}.json`).
///
/// Amounts are in the shop's default currency (orders carry no currency field; see
/// [`Shop::currency`](super::Shop::currency)). `price_excl`/`price_incl` include shipping and
/// payment costs. Fields the model does not know are kept in `extra`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    /// Order id.
    #[serde(deserialize_with = "int")]
    pub id: u64,
    /// Creation time.
    #[serde(default, deserialize_with = "false_as_none")]
    pub created_at: Option<DateTime<FixedOffset>>,
    /// Last change.
    #[serde(default, deserialize_with = "false_as_none")]
    pub updated_at: Option<DateTime<FixedOffset>>,
    /// Order number (`ORD00018`).
    #[serde(default, deserialize_with = "false_as_none")]
    pub number: Option<String>,
    /// Order status.
    #[serde(default, deserialize_with = "false_as_none")]
    pub status: Option<OrderStatus>,
    /// Custom status id (`orders/customstatuses/{id}`).
    #[serde(default, deserialize_with = "opt_int")]
    pub custom_status_id: Option<u64>,
    /// Sales channel.
    #[serde(default, deserialize_with = "false_as_none")]
    pub channel: Option<Channel>,
    /// Buyer's IP address.
    #[serde(default, deserialize_with = "false_as_none")]
    pub remote_ip: Option<String>,
    /// Buyer's browser.
    #[serde(default, deserialize_with = "false_as_none")]
    pub user_agent: Option<String>,
    /// Referral id.
    #[serde(default, deserialize_with = "false_as_none")]
    pub referral_id: Option<String>,
    /// Cost price total.
    #[serde(default, with = "opt_decimal")]
    pub price_cost: Option<Decimal>,
    /// Total excluding VAT.
    #[serde(default, with = "opt_decimal")]
    pub price_excl: Option<Decimal>,
    /// Total including VAT.
    #[serde(default, with = "opt_decimal")]
    pub price_incl: Option<Decimal>,
    /// Weight.
    #[serde(default, with = "opt_decimal")]
    pub weight: Option<Decimal>,
    /// Volume.
    #[serde(default, with = "opt_decimal")]
    pub volume: Option<Decimal>,
    /// Number of packages.
    #[serde(default, with = "opt_decimal")]
    pub colli: Option<Decimal>,
    /// Buyer's gender.
    #[serde(default, deserialize_with = "false_as_none")]
    pub gender: Option<String>,
    /// Buyer's birth date.
    #[serde(default, deserialize_with = "false_as_none")]
    pub birth_date: Option<NaiveDate>,
    /// National id.
    #[serde(default, deserialize_with = "false_as_none")]
    pub national_id: Option<String>,
    /// Buyer's e-mail address.
    #[serde(default, deserialize_with = "false_as_none")]
    pub email: Option<String>,
    /// First name.
    #[serde(default, deserialize_with = "false_as_none")]
    pub firstname: Option<String>,
    /// Middle name / infix.
    #[serde(default, deserialize_with = "false_as_none")]
    pub middlename: Option<String>,
    /// Last name.
    #[serde(default, deserialize_with = "false_as_none")]
    pub lastname: Option<String>,
    /// Phone.
    #[serde(default, deserialize_with = "false_as_none")]
    pub phone: Option<String>,
    /// Mobile phone.
    #[serde(default, deserialize_with = "false_as_none")]
    pub mobile: Option<String>,
    /// Subscribed to the newsletter.
    #[serde(default)]
    pub newsletter_subscribed: Option<bool>,
    /// Ordered as a company.
    #[serde(default)]
    pub is_company: Option<bool>,
    /// Company name.
    #[serde(default, deserialize_with = "false_as_none")]
    pub company_name: Option<String>,
    /// Chamber of commerce number (KvK).
    #[serde(default, deserialize_with = "false_as_none")]
    pub company_co_c_number: Option<String>,
    /// VAT number.
    #[serde(default, deserialize_with = "false_as_none")]
    pub company_vat_number: Option<String>,
    /// Billing addressee.
    #[serde(default, deserialize_with = "false_as_none")]
    pub address_billing_name: Option<String>,
    /// Billing street.
    #[serde(default, deserialize_with = "false_as_none")]
    pub address_billing_street: Option<String>,
    /// Billing street, second line.
    #[serde(default, deserialize_with = "false_as_none")]
    pub address_billing_street2: Option<String>,
    /// Billing house number.
    #[serde(default, deserialize_with = "false_as_none")]
    pub address_billing_number: Option<String>,
    /// Billing house number extension.
    #[serde(default, deserialize_with = "false_as_none")]
    pub address_billing_extension: Option<String>,
    /// Billing postal code.
    #[serde(default, deserialize_with = "false_as_none")]
    pub address_billing_zipcode: Option<String>,
    /// Billing city.
    #[serde(default, deserialize_with = "false_as_none")]
    pub address_billing_city: Option<String>,
    /// Billing region.
    #[serde(default, deserialize_with = "false_as_none")]
    pub address_billing_region: Option<String>,
    /// Billing country.
    #[serde(default, deserialize_with = "false_as_none")]
    pub address_billing_country: Option<Country>,
    /// Billing region details.
    #[serde(default, deserialize_with = "false_as_none")]
    pub address_billing_region_data: Option<RegionData>,
    /// Shipping company.
    #[serde(default, deserialize_with = "false_as_none")]
    pub address_shipping_company: Option<String>,
    /// Shipping addressee.
    #[serde(default, deserialize_with = "false_as_none")]
    pub address_shipping_name: Option<String>,
    /// Shipping street.
    #[serde(default, deserialize_with = "false_as_none")]
    pub address_shipping_street: Option<String>,
    /// Shipping street, second line.
    #[serde(default, deserialize_with = "false_as_none")]
    pub address_shipping_street2: Option<String>,
    /// Shipping house number.
    #[serde(default, deserialize_with = "false_as_none")]
    pub address_shipping_number: Option<String>,
    /// Shipping house number extension.
    #[serde(default, deserialize_with = "false_as_none")]
    pub address_shipping_extension: Option<String>,
    /// Shipping postal code.
    #[serde(default, deserialize_with = "false_as_none")]
    pub address_shipping_zipcode: Option<String>,
    /// Shipping city.
    #[serde(default, deserialize_with = "false_as_none")]
    pub address_shipping_city: Option<String>,
    /// Shipping region.
    #[serde(default, deserialize_with = "false_as_none")]
    pub address_shipping_region: Option<String>,
    /// Shipping country.
    #[serde(default, deserialize_with = "false_as_none")]
    pub address_shipping_country: Option<Country>,
    /// Shipping region details.
    #[serde(default, deserialize_with = "false_as_none")]
    pub address_shipping_region_data: Option<RegionData>,
    /// Payment method key (`invoice`, `pickup`…; matches a payment method's `key`).
    #[serde(default, deserialize_with = "false_as_none")]
    pub payment_id: Option<String>,
    /// Payment status.
    #[serde(default, deserialize_with = "false_as_none")]
    pub payment_status: Option<PaymentStatus>,
    /// Payment happens by post.
    #[serde(default)]
    pub payment_is_post: Option<bool>,
    /// Invoice is handled externally.
    #[serde(default)]
    pub payment_is_invoice_external: Option<bool>,
    /// Tax rate of the payment costs (fraction).
    #[serde(default, with = "opt_decimal")]
    pub payment_tax_rate: Option<Decimal>,
    /// Tax lines of the payment costs.
    #[serde(default, deserialize_with = "items")]
    pub payment_tax_rates: Vec<TaxRateLine>,
    /// Payment costs before discount, excluding VAT.
    #[serde(default, with = "opt_decimal")]
    pub payment_base_price_excl: Option<Decimal>,
    /// Payment costs before discount, including VAT.
    #[serde(default, with = "opt_decimal")]
    pub payment_base_price_incl: Option<Decimal>,
    /// Payment costs excluding VAT.
    #[serde(default, with = "opt_decimal")]
    pub payment_price_excl: Option<Decimal>,
    /// Payment costs including VAT.
    #[serde(default, with = "opt_decimal")]
    pub payment_price_incl: Option<Decimal>,
    /// Payment title (`PSP - Method`).
    #[serde(default, deserialize_with = "false_as_none")]
    pub payment_title: Option<String>,
    /// Provider data of the payment.
    #[serde(default, deserialize_with = "json_object")]
    pub payment_data: Option<PaymentData>,
    /// Shipping method id (`core|{shippingMethodId}|{valueId}`).
    #[serde(default, deserialize_with = "false_as_none")]
    pub shipment_id: Option<String>,
    /// Shipment status.
    #[serde(default, deserialize_with = "false_as_none")]
    pub shipment_status: Option<ShipmentStatus>,
    /// Cash on delivery.
    #[serde(default)]
    pub shipment_is_cash_on_delivery: Option<bool>,
    /// Picked up by the buyer.
    #[serde(default)]
    pub shipment_is_pickup: Option<bool>,
    /// Tax rate of the shipping costs (fraction).
    #[serde(default, with = "opt_decimal")]
    pub shipment_tax_rate: Option<Decimal>,
    /// Tax lines of the shipping costs.
    #[serde(default, deserialize_with = "items")]
    pub shipment_tax_rates: Vec<TaxRateLine>,
    /// Shipping costs before discount, excluding VAT.
    #[serde(default, with = "opt_decimal")]
    pub shipment_base_price_excl: Option<Decimal>,
    /// Shipping costs before discount, including VAT.
    #[serde(default, with = "opt_decimal")]
    pub shipment_base_price_incl: Option<Decimal>,
    /// Shipping costs excluding VAT.
    #[serde(default, with = "opt_decimal")]
    pub shipment_price_excl: Option<Decimal>,
    /// Shipping costs including VAT.
    #[serde(default, with = "opt_decimal")]
    pub shipment_price_incl: Option<Decimal>,
    /// Shipping discount excluding VAT.
    #[serde(default, with = "opt_decimal")]
    pub shipment_discount_excl: Option<Decimal>,
    /// Shipping discount including VAT.
    #[serde(default, with = "opt_decimal")]
    pub shipment_discount_incl: Option<Decimal>,
    /// Shipping method title.
    #[serde(default, deserialize_with = "false_as_none")]
    pub shipment_title: Option<String>,
    /// Provider data of the shipment.
    #[serde(default, deserialize_with = "json_object")]
    pub shipment_data: Option<ShipmentData>,
    /// Planned shipping date.
    #[serde(default, deserialize_with = "false_as_none")]
    pub shipping_date: Option<NaiveDate>,
    /// Planned delivery date.
    #[serde(default, deserialize_with = "false_as_none")]
    pub delivery_date: Option<NaiveDate>,
    /// A discount applies.
    #[serde(default)]
    pub is_discounted: Option<bool>,
    /// Kind of discount.
    #[serde(default, deserialize_with = "false_as_none")]
    pub discount_type: Option<DiscountType>,
    /// Discount amount.
    #[serde(default, with = "opt_decimal")]
    pub discount_amount: Option<Decimal>,
    /// Discount as a fraction.
    #[serde(default, with = "opt_decimal")]
    pub discount_percentage: Option<Decimal>,
    /// Coupon code.
    #[serde(default, deserialize_with = "false_as_none")]
    pub discount_coupon_code: Option<String>,
    /// Tax lines of the total.
    #[serde(default, deserialize_with = "items")]
    pub tax_rates: Vec<TaxRateLine>,
    /// First order of this customer.
    #[serde(default)]
    pub is_new_customer: Option<bool>,
    /// The buyer's comment.
    #[serde(default, deserialize_with = "false_as_none")]
    pub comment: Option<String>,
    /// The merchant's memo.
    #[serde(default, deserialize_with = "false_as_none")]
    pub memo: Option<String>,
    /// Notifications allowed.
    #[serde(default)]
    pub allow_notifications: Option<bool>,
    /// Send the "new order" mail.
    #[serde(default)]
    pub do_notify_new: Option<bool>,
    /// Send reminders.
    #[serde(default)]
    pub do_notify_reminder: Option<bool>,
    /// Send the cancellation mail.
    #[serde(default)]
    pub do_notify_cancelled: Option<bool>,
    /// Order language.
    #[serde(default, deserialize_with = "false_as_none")]
    pub language: Option<Language>,
    /// The customer (`false` for some guest orders).
    #[serde(default, deserialize_with = "false_as_none")]
    pub customer: Option<Link<Customer>>,
    /// Invoices (`invoices?order=`).
    #[serde(default, deserialize_with = "false_as_none")]
    pub invoices: Option<Link<Vec<Invoice>>>,
    /// Shipments (`shipments?order=`).
    #[serde(default, deserialize_with = "false_as_none")]
    pub shipments: Option<Link<Vec<Shipment>>>,
    /// Order lines (`orders/{id}/products`).
    #[serde(default, deserialize_with = "false_as_none")]
    pub products: Option<Link<Vec<OrderProduct>>>,
    /// Metafields.
    #[serde(default, deserialize_with = "false_as_none")]
    pub metafields: Option<Link<Vec<Metafield>>>,
    /// The quote (cart) the order came from.
    #[serde(default, deserialize_with = "false_as_none")]
    pub quote: Option<Link<Quote>>,
    /// Status history (`orders/events?order=`).
    #[serde(default, deserialize_with = "false_as_none")]
    pub events: Option<Link<Vec<OrderEvent>>>,
    /// Fields this model does not know.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Order {
    /// The billing address as one value.
    pub fn billing_address(&self) -> Address {
        Address {
            company: self.company_name.clone(),
            name: self.address_billing_name.clone(),
            street: self.address_billing_street.clone(),
            street2: self.address_billing_street2.clone(),
            number: self.address_billing_number.clone(),
            extension: self.address_billing_extension.clone(),
            zipcode: self.address_billing_zipcode.clone(),
            city: self.address_billing_city.clone(),
            region: self.address_billing_region.clone(),
            country: self.address_billing_country.clone(),
        }
    }

    /// The shipping address as one value.
    pub fn shipping_address(&self) -> Address {
        Address {
            company: self.address_shipping_company.clone(),
            name: self.address_shipping_name.clone(),
            street: self.address_shipping_street.clone(),
            street2: self.address_shipping_street2.clone(),
            number: self.address_shipping_number.clone(),
            extension: self.address_shipping_extension.clone(),
            zipcode: self.address_shipping_zipcode.clone(),
            city: self.address_shipping_city.clone(),
            region: self.address_shipping_region.clone(),
            country: self.address_shipping_country.clone(),
        }
    }

    /// The order lines, when the API embedded them (`products.resource.embedded`).
    pub fn embedded_lines(&self) -> Option<&[OrderProduct]> {
        self.products
            .as_ref()
            .and_then(|l| l.embedded())
            .map(Vec::as_slice)
    }

    /// The customer, when the API embedded it.
    pub fn embedded_customer(&self) -> Option<&Customer> {
        self.customer.as_ref().and_then(|l| l.embedded())
    }

    /// The invoices, when the API embedded them.
    pub fn embedded_invoices(&self) -> Option<&[Invoice]> {
        self.invoices
            .as_ref()
            .and_then(|l| l.embedded())
            .map(Vec::as_slice)
    }
}

/// Body of `PUT orders/{id}.json`. Only the fields that are set are sent.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderUpdate {
    /// New order status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<OrderStatus>,
    /// New payment status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_status: Option<PaymentStatus>,
    /// New shipment status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipment_status: Option<ShipmentStatus>,
    /// Custom status id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_status_id: Option<u64>,
    /// Merchant memo.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memo: Option<String>,
}

entity!(Order, single: ["order"], list: ["orders"], write: "order", update: OrderUpdate);
