//! What a ledger books, in vendor-neutral terms: sales documents, debtors and delivery addresses.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Address, CountryCode, Currency, Email, Party, PartyKind, VatRate};

/// The kind of document a ledger books for a shop order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SalesDocumentKind {
    /// A sales order (the ledger invoices it later).
    SalesOrder,
    /// A sales invoice posted in the sales journal.
    SalesInvoice,
    /// A credit note posted in the sales journal.
    CreditNote,
}

/// Text stamped on a booking so that the booking can be found again (lookup-before-create: the
/// idempotency key neither API offers). Rendered from the configured format, e.g. `LS-1234-ORD00018`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ExternalReference(pub String);

impl ExternalReference {
    /// A reference with the given text (trimmed).
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into().trim().to_owned())
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ExternalReference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The debtor a document is booked on.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DebtorRef {
    /// The debtor number in the ledger.
    pub number: String,
    /// The delivery address id, when the document ships elsewhere than the debtor's address.
    #[serde(default)]
    pub delivery_address_id: Option<String>,
}

impl DebtorRef {
    /// A reference to debtor `number` without a delivery address.
    pub fn new(number: impl Into<String>) -> Self {
        Self {
            number: number.into(),
            delivery_address_id: None,
        }
    }
}

/// What a booking line stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingLineKind {
    /// An article the customer bought.
    Article,
    /// Shipping costs.
    Shipping,
    /// Payment costs.
    PaymentCost,
    /// A discount (negative amounts).
    Discount,
    /// The rounding difference that makes the booked total equal the shop total.
    Rounding,
}

/// One line of a sales document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BookingLine {
    /// What the line stands for.
    pub kind: BookingLineKind,
    /// The ledger article code.
    #[serde(default)]
    pub article_code: Option<String>,
    /// The description.
    pub description: String,
    /// The quantity.
    pub quantity: Decimal,
    /// The unit price, including or excluding VAT according to
    /// [`SalesDocument::amounts_include_vat`].
    pub unit_price: Decimal,
    /// The line amount excluding VAT, rounded to cents.
    pub amount_excl: Decimal,
    /// The line amount including VAT, rounded to cents.
    pub amount_incl: Decimal,
    /// The VAT amount, rounded to cents.
    pub vat_amount: Decimal,
    /// The ledger's VAT code.
    #[serde(default)]
    pub vat_code: Option<String>,
    /// The VAT rate.
    pub vat_rate: VatRate,
    /// The revenue (general ledger) account.
    #[serde(default)]
    pub revenue_account: Option<String>,
}

/// A document for the ledger to book: a sales order, a sales invoice or a credit note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SalesDocument {
    /// The kind of document.
    pub kind: SalesDocumentKind,
    /// The text stamped on the booking so it can be found again.
    pub reference: ExternalReference,
    /// The debtor.
    pub debtor: DebtorRef,
    /// A free-text delivery address, when the ledger takes one on the document.
    #[serde(default)]
    pub delivery_address: Option<String>,
    /// The order date.
    pub order_date: NaiveDate,
    /// The invoice number (sales invoices and credit notes).
    #[serde(default)]
    pub invoice_number: Option<String>,
    /// The invoice date.
    #[serde(default)]
    pub invoice_date: Option<NaiveDate>,
    /// A description.
    #[serde(default)]
    pub description: String,
    /// The e-mail address for the document.
    #[serde(default)]
    pub email: Option<Email>,
    /// The ledger's payment condition code.
    #[serde(default)]
    pub payment_condition: Option<String>,
    /// The ledger's payment method code.
    #[serde(default)]
    pub payment_method_code: Option<String>,
    /// The ledger's shipping method code.
    #[serde(default)]
    pub shipping_method_code: Option<String>,
    /// The shop (store) id stamped on the booking.
    #[serde(default)]
    pub shop_id: Option<String>,
    /// The currency.
    #[serde(default)]
    pub currency: Currency,
    /// Whether unit prices include VAT (the administration's gross/net entry setting).
    pub amounts_include_vat: bool,
    /// The lines, including shipping, payment cost, discount and rounding lines.
    pub lines: Vec<BookingLine>,
    /// An order-level discount booked on the document header instead of as a line (positive amount,
    /// on the same incl/excl basis as the unit prices); zero when none.
    #[serde(default)]
    pub header_discount: Decimal,
    /// Total excluding VAT.
    pub total_excl: Decimal,
    /// Total including VAT (equals the shop total to the cent).
    pub total_incl: Decimal,
    /// The VAT total.
    pub vat_total: Decimal,
    /// The rounding difference booked on the rounding line (zero when none).
    #[serde(default)]
    pub rounding_difference: Decimal,
}

/// What a ledger returned for a booking.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BookingRef {
    /// The ledger's number (or id) for the booking.
    pub number: String,
    /// The kind of document booked.
    pub kind: SalesDocumentKind,
    /// The debtor the booking is on, when the ledger says so (a booking found by its reference
    /// carries it, so credit notes of a recovered order go to the same debtor).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub debtor: Option<String>,
}

/// The fields to create or update a debtor with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DebtorDraft {
    /// The debtor name: the company name, or a person's full name.
    pub name: String,
    /// Company or person.
    pub kind: PartyKind,
    /// The contact person (companies).
    pub contact_person: Option<String>,
    /// The main address.
    pub address: Option<Address>,
    /// E-mail address (the match key).
    pub email: Option<Email>,
    /// Phone number.
    pub phone: Option<String>,
    /// Mobile number.
    pub mobile: Option<String>,
    /// VAT identification number.
    pub vat_number: Option<String>,
    /// Chamber of Commerce number (KvK).
    pub coc_number: Option<String>,
    /// The country (also used for per-country defaults).
    pub country: Option<CountryCode>,
    /// The ledger's payment condition code.
    pub payment_condition: Option<String>,
    /// The revenue account for this debtor.
    pub revenue_account: Option<String>,
    /// The default VAT code for this debtor.
    pub default_vat_code: Option<String>,
    /// The debtors control (collective) account.
    pub control_account: Option<String>,
    /// The customer's id in the shop.
    pub external_customer_id: Option<String>,
    /// Language code.
    pub language: Option<String>,
}

impl DebtorDraft {
    /// The identity and contact fields of a party: name (company name or full name), kind, contact
    /// person, address, e-mail, phones, VAT and KvK numbers, country and external id. Accounting fields
    /// (payment condition, accounts, VAT code) are left for the flow to fill from configuration.
    pub fn from_party(party: &Party) -> Self {
        let is_company = party.is_company();
        Self {
            name: party.display_name(),
            kind: if is_company {
                PartyKind::Company
            } else {
                PartyKind::Person
            },
            contact_person: if is_company {
                party.contact_name()
            } else {
                None
            },
            address: party.address.clone(),
            email: party.email.clone(),
            phone: party.phone.clone(),
            mobile: party.mobile.clone(),
            vat_number: party.vat_number.clone(),
            coc_number: party.coc_number.clone(),
            country: party.address.as_ref().and_then(|a| a.country),
            external_customer_id: party.external_id.clone(),
            ..Self::default()
        }
    }
}

/// A debtor as the ledger knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DebtorRecord {
    /// The debtor number.
    pub number: String,
    /// The debtor's fields as the ledger holds them.
    pub details: DebtorDraft,
    /// Whether the debtor is blocked.
    #[serde(default)]
    pub blocked: bool,
    /// When the ledger last changed the debtor.
    #[serde(default)]
    pub changed_at: Option<DateTime<Utc>>,
}

/// The fields to create a delivery address with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeliveryAddressDraft {
    /// The address (its `name` is the addressee).
    pub address: Address,
    /// E-mail address for the delivery.
    pub email: Option<Email>,
    /// Phone number for the delivery.
    pub phone: Option<String>,
}

/// A delivery address stored under a debtor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryAddressRecord {
    /// The ledger's id for the address.
    pub id: String,
    /// The debtor number it belongs to.
    pub debtor: String,
    /// The address and contact fields.
    pub details: DeliveryAddressDraft,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debtor_draft_from_company_and_person() {
        let mut party = Party {
            first_name: Some("Marie".into()),
            last_name: Some("Berg".into()),
            company_name: Some("Berg BV".into()),
            vat_number: Some("NL123456789B01".into()),
            address: Some(Address {
                country: Some(CountryCode::NL),
                ..Address::default()
            }),
            ..Party::default()
        };
        let draft = DebtorDraft::from_party(&party);
        assert_eq!(draft.kind, PartyKind::Company);
        assert_eq!(draft.name, "Berg BV");
        assert_eq!(draft.contact_person.as_deref(), Some("Marie Berg"));
        assert_eq!(draft.country, Some(CountryCode::NL));
        assert_eq!(draft.vat_number.as_deref(), Some("NL123456789B01"));

        party.company_name = None;
        let draft = DebtorDraft::from_party(&party);
        assert_eq!(draft.kind, PartyKind::Person);
        assert_eq!(draft.name, "Marie Berg");
        assert_eq!(draft.contact_person, None);
    }

    #[test]
    fn external_reference_is_trimmed_text() {
        let r = ExternalReference::new(" LS-1-ORD1 ");
        assert_eq!(r.as_str(), "LS-1-ORD1");
        assert_eq!(serde_json::to_string(&r).unwrap(), "\"LS-1-ORD1\"");
        assert_eq!(DebtorRef::new("10001").number, "10001");
    }
}
