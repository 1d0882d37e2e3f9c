//! Customers (`customers`).

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use super::common::{Address, Country, Language, Link, Metafield, RawLink, RegionData};
use super::invoice::Invoice;
use super::order::Order;
use super::shipment::Shipment;
use crate::entity::entity;
use crate::serde_util::{false_as_none, int};

/// A customer account (`GET customers/{id}.json`). Countries are objects on read.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Customer {
    /// Customer id.
    #[serde(deserialize_with = "int")]
    pub id: u64,
    /// Creation time.
    #[serde(default, deserialize_with = "false_as_none")]
    pub created_at: Option<DateTime<FixedOffset>>,
    /// Last change.
    #[serde(default, deserialize_with = "false_as_none")]
    pub updated_at: Option<DateTime<FixedOffset>>,
    /// E-mail address confirmed.
    #[serde(default)]
    pub is_confirmed: Option<bool>,
    /// Account type (`registered`…).
    #[serde(default, rename = "type", deserialize_with = "false_as_none")]
    pub customer_type: Option<String>,
    /// Last visit.
    #[serde(default, deserialize_with = "false_as_none")]
    pub last_online_at: Option<DateTime<FixedOffset>>,
    /// Last IP address.
    #[serde(default, deserialize_with = "false_as_none")]
    pub remote_ip: Option<String>,
    /// Last browser.
    #[serde(default, deserialize_with = "false_as_none")]
    pub user_agent: Option<String>,
    /// Referral id.
    #[serde(default, deserialize_with = "false_as_none")]
    pub referral_id: Option<String>,
    /// Gender.
    #[serde(default, deserialize_with = "false_as_none")]
    pub gender: Option<String>,
    /// Birth date.
    #[serde(default, deserialize_with = "false_as_none")]
    pub birth_date: Option<NaiveDate>,
    /// National id.
    #[serde(default, deserialize_with = "false_as_none")]
    pub national_id: Option<String>,
    /// E-mail address.
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
    /// A company account.
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
    /// Merchant memo.
    #[serde(default, deserialize_with = "false_as_none")]
    pub memo: Option<String>,
    /// Mail on registration.
    #[serde(default)]
    pub do_notify_registered: Option<bool>,
    /// Mail on confirmation.
    #[serde(default)]
    pub do_notify_confirmed: Option<bool>,
    /// Mail on password change.
    #[serde(default)]
    pub do_notify_password: Option<bool>,
    /// Preferred language (`false` when unset).
    #[serde(default, deserialize_with = "false_as_none")]
    pub language: Option<Language>,
    /// Customer groups.
    #[serde(default, deserialize_with = "false_as_none")]
    pub groups: Option<RawLink>,
    /// Invoices (`invoices?customer=`).
    #[serde(default, deserialize_with = "false_as_none")]
    pub invoices: Option<Link<Vec<Invoice>>>,
    /// Orders (`orders?customer=`).
    #[serde(default, deserialize_with = "false_as_none")]
    pub orders: Option<Link<Vec<Order>>>,
    /// Reviews.
    #[serde(default, deserialize_with = "false_as_none")]
    pub reviews: Option<RawLink>,
    /// Shipments (`shipments?customer=`).
    #[serde(default, deserialize_with = "false_as_none")]
    pub shipments: Option<Link<Vec<Shipment>>>,
    /// Support tickets.
    #[serde(default, deserialize_with = "false_as_none")]
    pub tickets: Option<RawLink>,
    /// Metafields.
    #[serde(default, deserialize_with = "false_as_none")]
    pub metafields: Option<Link<Vec<Metafield>>>,
    /// Single sign-on login.
    #[serde(default, deserialize_with = "false_as_none")]
    pub login: Option<RawLink>,
    /// Fields this model does not know.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Customer {
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
}

/// Body to create or update a customer. Only the fields that are set are sent; countries are
/// ISO 3166-1 alpha-2 codes (`"nl"`), not objects.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerUpdate {
    /// E-mail address (required on create).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// First name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub firstname: Option<String>,
    /// Middle name / infix.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub middlename: Option<String>,
    /// Last name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lastname: Option<String>,
    /// Gender.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    /// Birth date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<NaiveDate>,
    /// Phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Mobile phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mobile: Option<String>,
    /// A company account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_company: Option<bool>,
    /// Company name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_name: Option<String>,
    /// Chamber of commerce number (KvK).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_co_c_number: Option<String>,
    /// VAT number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_vat_number: Option<String>,
    /// Billing addressee.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_billing_name: Option<String>,
    /// Billing street.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_billing_street: Option<String>,
    /// Billing street, second line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_billing_street2: Option<String>,
    /// Billing house number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_billing_number: Option<String>,
    /// Billing house number extension.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_billing_extension: Option<String>,
    /// Billing postal code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_billing_zipcode: Option<String>,
    /// Billing city.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_billing_city: Option<String>,
    /// Billing region.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_billing_region: Option<String>,
    /// Billing country as an ISO code (`"nl"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_billing_country: Option<String>,
    /// Shipping company.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_shipping_company: Option<String>,
    /// Shipping addressee.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_shipping_name: Option<String>,
    /// Shipping street.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_shipping_street: Option<String>,
    /// Shipping street, second line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_shipping_street2: Option<String>,
    /// Shipping house number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_shipping_number: Option<String>,
    /// Shipping house number extension.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_shipping_extension: Option<String>,
    /// Shipping postal code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_shipping_zipcode: Option<String>,
    /// Shipping city.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_shipping_city: Option<String>,
    /// Shipping region.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_shipping_region: Option<String>,
    /// Shipping country as an ISO code (`"nl"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_shipping_country: Option<String>,
    /// Language code (`"nl"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Merchant memo.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memo: Option<String>,
    /// Mail on registration.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub do_notify_registered: Option<bool>,
    /// Mail on confirmation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub do_notify_confirmed: Option<bool>,
    /// Mail on password change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub do_notify_password: Option<bool>,
}

/// Body to create a customer (same shape as [`CustomerUpdate`]).
pub type CustomerCreate = CustomerUpdate;

entity!(
    Customer,
    single: ["customer"],
    list: ["customers"],
    write: "customer",
    create: CustomerCreate,
    update: CustomerUpdate,
    delete: true
);
