//! What a test (or the seeder) asks for when it places an order: [`OrderSpec`] and [`Party`].

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

use crate::geo::{self, country_json};

/// A test or seeder's description of an order to place in the shop.
#[derive(Debug, Clone)]
pub struct OrderSpec {
    /// The registered customer, or `None` for a guest checkout (see `guest`).
    pub customer_id: Option<u64>,
    /// The buyer of a guest checkout (default: a generated Dutch person).
    pub guest: Option<Party>,
    /// The lines.
    pub lines: Vec<OrderLineSpec>,
    /// Order `status` (default `processing_awaiting_shipment`).
    pub status: String,
    /// `paymentStatus` (default `paid`).
    pub payment_status: String,
    /// `shipmentStatus` (default `not_shipped`).
    pub shipment_status: String,
    /// Payment method key (`ideal`, `invoice`, `paypal`, ...; default `ideal`).
    pub payment_method: String,
    /// Shipping method id; `None` picks the method for the destination country.
    pub shipping_method_id: Option<u64>,
    /// An order-level discount code applied to every line.
    pub coupon: Option<Coupon>,
    /// When the order was placed (default: now).
    pub created_at: Option<DateTime<Utc>>,
    /// When it was last changed (default: `created_at`).
    pub updated_at: Option<DateTime<Utc>>,
}

impl Default for OrderSpec {
    fn default() -> Self {
        Self {
            customer_id: None,
            guest: None,
            lines: Vec::new(),
            status: "processing_awaiting_shipment".into(),
            payment_status: "paid".into(),
            shipment_status: "not_shipped".into(),
            payment_method: "ideal".into(),
            shipping_method_id: None,
            coupon: None,
            created_at: None,
            updated_at: None,
        }
    }
}

impl OrderSpec {
    /// A paid order with no lines yet.
    pub fn new() -> Self {
        Self::default()
    }
    /// Placed by this registered customer.
    pub fn customer(mut self, id: u64) -> Self {
        self.customer_id = Some(id);
        self
    }
    /// Placed by a guest.
    pub fn guest(mut self, party: Party) -> Self {
        self.customer_id = None;
        self.guest = Some(party);
        self
    }
    /// Adds a line for the variant with this SKU (or article code, or EAN).
    pub fn line(mut self, sku: impl Into<String>, quantity: u32) -> Self {
        self.lines.push(OrderLineSpec {
            sku: sku.into(),
            quantity,
            discount: Decimal::ZERO,
        });
        self
    }
    /// Adds a line with a line discount (fraction, e.g. `0.10`).
    pub fn discounted_line(
        mut self,
        sku: impl Into<String>,
        quantity: u32,
        discount: Decimal,
    ) -> Self {
        self.lines.push(OrderLineSpec {
            sku: sku.into(),
            quantity,
            discount,
        });
        self
    }
    /// Sets the three statuses.
    pub fn statuses(mut self, status: &str, payment: &str, shipment: &str) -> Self {
        self.status = status.into();
        self.payment_status = payment.into();
        self.shipment_status = shipment.into();
        self
    }
    /// Sets the payment method key.
    pub fn payment(mut self, key: &str) -> Self {
        self.payment_method = key.into();
        self
    }
    /// Sets the shipping method.
    pub fn shipping(mut self, method_id: u64) -> Self {
        self.shipping_method_id = Some(method_id);
        self
    }
    /// Applies a discount code.
    pub fn coupon(mut self, code: &str, percentage: Decimal) -> Self {
        self.coupon = Some(Coupon {
            code: code.into(),
            percentage,
        });
        self
    }
    /// Sets the placement time.
    pub fn created_at(mut self, at: DateTime<Utc>) -> Self {
        self.created_at = Some(at);
        self
    }
}

/// One order line of an [`OrderSpec`].
#[derive(Debug, Clone)]
pub struct OrderLineSpec {
    /// SKU (or article code, or EAN) of the variant.
    pub sku: String,
    /// Quantity ordered (at least 1).
    pub quantity: u32,
    /// Line discount as a fraction (0 for none).
    pub discount: Decimal,
}

/// An order-level discount code.
#[derive(Debug, Clone)]
pub struct Coupon {
    /// The code the buyer entered.
    pub code: String,
    /// The discount as a fraction (e.g. `0.10`).
    pub percentage: Decimal,
}

/// A buyer's details for a guest order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    /// First name.
    pub firstname: String,
    /// Dutch name particle (`van der`), may be empty.
    pub middlename: String,
    /// Last name.
    pub lastname: String,
    /// E-mail address.
    pub email: String,
    /// Phone number.
    pub phone: String,
    /// Company name for a business buyer.
    pub company: Option<String>,
    /// Chamber of commerce (KvK) number.
    pub coc_number: String,
    /// VAT number.
    pub vat_number: String,
    /// Street.
    pub street: String,
    /// House number.
    pub number: String,
    /// House number extension.
    pub extension: String,
    /// Postal code.
    pub zipcode: String,
    /// City.
    pub city: String,
    /// ISO country code (`NL`).
    pub country: String,
}

impl Party {
    /// A person with an address in `country`.
    pub fn person(firstname: &str, lastname: &str, email: &str, country: &str) -> Self {
        Self {
            firstname: firstname.into(),
            middlename: String::new(),
            lastname: lastname.into(),
            email: email.into(),
            phone: "0612345678".into(),
            company: None,
            coc_number: String::new(),
            vat_number: String::new(),
            street: "Dorpsstraat".into(),
            number: "1".into(),
            extension: String::new(),
            zipcode: "1234 AB".into(),
            city: "Amsterdam".into(),
            country: country.into(),
        }
    }

    /// The customer-shaped JSON fields of this party (names, company, both addresses).
    pub(crate) fn customer_fields(&self) -> Map<String, Value> {
        let country = geo::country(&self.country)
            .map(country_json)
            .unwrap_or(json!(false));
        let full = full_name(&self.firstname, &self.middlename, &self.lastname);
        let mut m = Map::new();
        for (k, v) in [
            ("email", &self.email),
            ("firstname", &self.firstname),
            ("middlename", &self.middlename),
            ("lastname", &self.lastname),
            ("phone", &self.phone),
        ] {
            m.insert(k.into(), json!(v));
        }
        m.insert("isCompany".into(), json!(self.company.is_some()));
        m.insert(
            "companyName".into(),
            json!(self.company.clone().unwrap_or_default()),
        );
        m.insert("companyCoCNumber".into(), json!(self.coc_number));
        m.insert("companyVatNumber".into(), json!(self.vat_number));
        for side in ["Billing", "Shipping"] {
            m.insert(format!("address{side}Name"), json!(full));
            m.insert(format!("address{side}Street"), json!(self.street));
            m.insert(format!("address{side}Street2"), json!(""));
            m.insert(format!("address{side}Number"), json!(self.number));
            m.insert(format!("address{side}Extension"), json!(self.extension));
            m.insert(format!("address{side}Zipcode"), json!(self.zipcode));
            m.insert(format!("address{side}City"), json!(self.city));
            m.insert(format!("address{side}Region"), json!(""));
            m.insert(format!("address{side}Country"), country.clone());
        }
        m.insert(
            "addressShippingCompany".into(),
            self.company
                .clone()
                .map(Value::String)
                .unwrap_or(json!(false)),
        );
        m
    }
}

/// `Jan van der Berg`.
pub(crate) fn full_name(first: &str, middle: &str, last: &str) -> String {
    [first, middle, last]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}
