//! The customer and the addresses of a Lightspeed order, as sync-core's [`Party`] and [`Address`].

use sync_core::domain::{Address, CountryCode, Email, Party, PartyKind};

use crate::models::{self, Order};

/// Trimmed text, or `None` when blank.
pub(crate) fn text(value: Option<&String>) -> Option<String> {
    value
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// The uppercase ISO code of a Lightspeed country object; an unusable code is dropped with a
/// warning (the address is still useful without it).
pub(crate) fn country(country: Option<&models::Country>, order: &str) -> Option<CountryCode> {
    let code = country.and_then(|c| c.code.as_deref())?;
    match CountryCode::parse(code) {
        Ok(code) => Some(code),
        Err(e) => {
            tracing::warn!(order, error = %e, "ignoring an unusable country code");
            None
        }
    }
}

/// A Lightspeed address as a neutral one; `None` when Lightspeed sent no part of it.
pub(crate) fn address(address: &models::Address, order: &str) -> Option<Address> {
    let mapped = Address {
        name: text(address.name.as_ref()),
        company: text(address.company.as_ref()),
        street: text(address.street.as_ref()),
        number: text(address.number.as_ref()),
        extension: text(address.extension.as_ref()),
        street2: text(address.street2.as_ref()),
        postcode: text(address.zipcode.as_ref()),
        city: text(address.city.as_ref()),
        region: text(address.region.as_ref()),
        country: country(address.country.as_ref(), order),
    };
    (mapped != Address::default()).then_some(mapped)
}

/// The buyer of an order. A non-blank `companyName` makes the party a company (what the customer
/// typed, not the `isCompany` flag); the e-mail address is normalised, and an invalid one is
/// dropped with a warning rather than failing the order (the flow can still use a default
/// debtor). The billing address is the party's address; `external_id` is the customer id.
pub fn party(order: &Order) -> Party {
    let key = order.number.as_deref().unwrap_or("?");
    let company_name = text(order.company_name.as_ref());
    let email = order
        .email
        .as_deref()
        .filter(|e| !e.trim().is_empty())
        .and_then(|raw| match Email::parse(raw) {
            Ok(email) => Some(email),
            Err(e) => {
                tracing::warn!(order = key, error = %e, "ignoring an invalid e-mail address");
                None
            }
        });
    Party {
        kind: if company_name.is_some() {
            PartyKind::Company
        } else {
            PartyKind::Person
        },
        first_name: text(order.firstname.as_ref()),
        middle_name: text(order.middlename.as_ref()),
        last_name: text(order.lastname.as_ref()),
        company_name,
        contact_person: None,
        vat_number: text(order.company_vat_number.as_ref()),
        coc_number: text(order.company_co_c_number.as_ref()),
        email,
        phone: text(order.phone.as_ref()),
        mobile: text(order.mobile.as_ref()),
        address: address(&order.billing_address(), key),
        external_id: order
            .customer
            .as_ref()
            .and_then(|c| c.id)
            .map(|id| id.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(json: serde_json::Value) -> Order {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn company_by_name_with_kvk_vat_and_contact_data() {
        let o = order(serde_json::json!({
            "id": 1, "number": "ORD1",
            "isCompany": false,
            "companyName": " Berg BV ", "companyCoCNumber": "12345678", "companyVatNumber": "NL123B01",
            "firstname": "Marie", "middlename": "van der", "lastname": "Berg",
            "email": " Marie@Berg.NL ", "phone": "020 123", "mobile": "06 123",
            "addressBillingStreet": "Kerkstraat", "addressBillingNumber": "12", "addressBillingExtension": "A",
            "addressBillingZipcode": "1234 AB", "addressBillingCity": "Amsterdam",
            "addressBillingCountry": {"id": 150, "code": "nl", "code3": "nld", "title": "Nederland"},
            "customer": {"resource": {"id": 42, "url": "customers/42", "link": "x"}}
        }));
        let p = party(&o);
        assert_eq!(p.kind, PartyKind::Company);
        assert!(p.is_company());
        assert_eq!(p.company_name.as_deref(), Some("Berg BV"));
        assert_eq!(p.coc_number.as_deref(), Some("12345678"));
        assert_eq!(p.vat_number.as_deref(), Some("NL123B01"));
        assert_eq!(p.full_name(), "Marie van der Berg");
        assert_eq!(p.email.as_ref().map(Email::as_str), Some("marie@berg.nl"));
        assert_eq!(p.external_id.as_deref(), Some("42"));
        let a = p.address.unwrap();
        assert_eq!(a.one_line(), "Kerkstraat 12 A");
        assert_eq!(a.country, Some(CountryCode::NL));
        assert_eq!(a.company.as_deref(), Some("Berg BV"));
    }

    #[test]
    fn invalid_email_and_country_are_dropped_not_fatal() {
        let o = order(serde_json::json!({
            "id": 1, "email": "not an address", "isCompany": true, "companyName": "",
            "addressBillingCountry": {"code": "nld"}, "addressBillingCity": "Gent"
        }));
        let p = party(&o);
        assert_eq!(
            p.kind,
            PartyKind::Person,
            "isCompany without a name is a person"
        );
        assert_eq!(p.email, None);
        let a = p.address.unwrap();
        assert_eq!(a.country, None);
        assert_eq!(a.city.as_deref(), Some("Gent"));
    }

    #[test]
    fn empty_addresses_are_none() {
        let o = order(serde_json::json!({"id": 1, "addressShippingCompany": false}));
        assert_eq!(address(&o.shipping_address(), "ORD1"), None);
        assert_eq!(party(&o).external_id, None);
    }
}
