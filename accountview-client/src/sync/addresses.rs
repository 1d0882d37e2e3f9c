//! Delivery addresses: sync-core's drafts and records to AccountView's `DEL_ADDR` and back.

use sync_core::domain::{Address, CountryCode, DeliveryAddressDraft, DeliveryAddressRecord, Email};

use super::text::{filled, truncate_with_warning};
use crate::records::DeliveryAddress;

/// `DEL_ADDR.DEL_NAME` is a name column like `CONTACT.ACCT_NAME` (40 characters).
const DEL_NAME_LEN: usize = 40;

/// The `DEL_ADDR` row to create under debtor `debtor`. The addressee is the company at the address when
/// there is one, else the person's name.
pub(super) fn delivery_address_for_create(
    debtor: &str,
    draft: &DeliveryAddressDraft,
) -> DeliveryAddress {
    let a = &draft.address;
    DeliveryAddress {
        sub_nr: filled(Some(debtor)).map(|d| d.to_uppercase()),
        del_name: filled(a.company.as_deref())
            .or_else(|| filled(a.name.as_deref()))
            .map(|n| truncate_with_warning(&n, DEL_NAME_LEN, "DEL_ADDR.DEL_NAME")),
        address1: filled(Some(&a.one_line())),
        post_code: filled(a.postcode.as_deref()).map(|p| p.to_uppercase()),
        city: filled(a.city.as_deref()),
        cnt_code: a.country.map(|c| c.as_str().to_owned()),
        mail_bus: draft.email.as_ref().map(|e| e.as_str().to_owned()),
        tel_bus: filled(draft.phone.as_deref()),
        ..DeliveryAddress::default()
    }
}

/// A `DEL_ADDR` row as a record; `None` without a `REC_ID`. `ADDRESS1` is one line, so it becomes the
/// street with number and extension left empty ([`Address::one_line`] and
/// [`Address::same_place`] still compare it with a split address).
pub(super) fn record_from_delivery_address(
    row: &DeliveryAddress,
    debtor: &str,
) -> Option<DeliveryAddressRecord> {
    let id = filled(row.rec_id.as_deref())?;
    let address = Address {
        name: row.del_name.clone(),
        street: row.address1.clone(),
        postcode: row.post_code.clone(),
        city: row.city.clone(),
        country: row
            .cnt_code
            .as_deref()
            .and_then(|c| CountryCode::parse(c).ok()),
        ..Address::default()
    };
    Some(DeliveryAddressRecord {
        id,
        debtor: filled(row.sub_nr.as_deref()).unwrap_or_else(|| debtor.to_owned()),
        details: DeliveryAddressDraft {
            address,
            email: row.mail_bus.as_deref().and_then(|m| Email::parse(m).ok()),
            phone: row.tel_bus.clone(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::WritableRecord;

    fn draft() -> DeliveryAddressDraft {
        DeliveryAddressDraft {
            address: Address {
                name: Some("P. Pietersen".into()),
                street: Some("Vismarkt".into()),
                number: Some("1".into()),
                postcode: Some("9712 ca".into()),
                city: Some("GRONINGEN".into()),
                country: Some(CountryCode::NL),
                ..Address::default()
            },
            email: Some(Email::parse("p.pietersen@example.nl").unwrap()),
            phone: Some("0501112233".into()),
        }
    }

    #[test]
    fn create_matches_the_fixture_request() {
        let row = delivery_address_for_create("10025", &draft());
        let mut body = row.to_write_request().unwrap().to_json().unwrap();
        let fixture: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../fixtures/accountview/addr_delivery_address_create_request.json"
            ))
            .unwrap(),
        )
        .unwrap();
        body["BookDate"] = fixture["BookDate"].clone();
        assert_eq!(body, fixture);
    }

    #[test]
    fn company_is_the_addressee_and_rows_read_back() {
        let mut d = draft();
        d.address.company = Some("Pietersen Fietsen".into());
        assert_eq!(
            delivery_address_for_create("10025", &d).del_name.as_deref(),
            Some("Pietersen Fietsen")
        );
        let stored = DeliveryAddress {
            rec_id: Some("0000000413".into()),
            ..delivery_address_for_create("10025", &draft())
        };
        let record = record_from_delivery_address(&stored, "10025").unwrap();
        assert_eq!(record.id, "0000000413");
        assert_eq!(record.debtor, "10025");
        assert!(record.details.address.same_place(&draft().address));
        assert_eq!(record.details.phone.as_deref(), Some("0501112233"));
        assert!(record_from_delivery_address(&DeliveryAddress::default(), "1").is_none());
    }
}
