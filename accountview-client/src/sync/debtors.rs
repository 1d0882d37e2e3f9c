//! Debtors: sync-core's [`DebtorDraft`] to AccountView's `CONTACT` columns and back.

use sync_core::domain::{Address, CountryCode, DebtorDraft, DebtorRecord, Email, PartyKind};

use super::options::LedgerOptions;
use super::text::{filled, search_code, truncate_with_warning};
use crate::records::Debtor;

/// `CONTACT.ACCT_NAME` and `CONTACT.MAIN_CONT` hold at most 40 characters.
const NAME_LEN: usize = 40;

/// A VAT number as AccountView formats it: uppercase, without spaces, dots or dashes.
fn vat_number(text: &str) -> Option<String> {
    let cleaned: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '.' && *c != '-')
        .flat_map(char::to_uppercase)
        .collect();
    (!cleaned.is_empty()).then_some(cleaned)
}

fn upper(value: Option<&str>) -> Option<String> {
    filled(value).map(|v| v.to_uppercase())
}

/// Sets every `CONTACT` column the draft has a value for (shared by create and update).
fn apply_draft(debtor: &mut Debtor, draft: &DebtorDraft, options: &LedgerOptions) {
    if let Some(name) = filled(Some(&draft.name)) {
        debtor.acct_name = Some(truncate_with_warning(&name, NAME_LEN, "CONTACT.ACCT_NAME"));
    }
    debtor.acct_nr = upper(draft.control_account.as_deref());
    debtor.main_cont = filled(draft.contact_person.as_deref())
        .map(|c| truncate_with_warning(&c, NAME_LEN, "CONTACT.MAIN_CONT"));
    if let Some(address) = &draft.address {
        debtor.address1 = filled(Some(&address.one_line()));
        for (column, value) in [
            ("ST_STREET", &address.street),
            ("ST_NR", &address.number),
            ("ST_EXTRA", &address.extension),
        ] {
            if let Some(v) = filled(value.as_deref()) {
                debtor.extra.insert(column, v);
            }
        }
        debtor.post_code = upper(address.postcode.as_deref());
        debtor.city = filled(address.city.as_deref());
    }
    debtor.cnt_code = draft
        .country
        .or_else(|| draft.address.as_ref().and_then(|a| a.country))
        .map(|c| c.as_str().to_owned());
    debtor.mail_bus = draft.email.as_ref().map(|e| e.as_str().to_owned());
    debtor.tel_bus = filled(draft.phone.as_deref());
    debtor.tel_mob = filled(draft.mobile.as_deref());
    debtor.vat_nr = draft.vat_number.as_deref().and_then(vat_number);
    debtor.coc_code = filled(draft.coc_number.as_deref());
    debtor.disc_code = upper(draft.payment_condition.as_deref());
    debtor.vat_code = upper(draft.default_vat_code.as_deref());
    debtor.deb_nr = filled(draft.external_customer_id.as_deref());
    debtor.lng_code = upper(draft.language.as_deref());
    if let (Some(column), Some(account)) = (
        options.debtor_revenue_account_column.as_deref(),
        filled(draft.revenue_account.as_deref()),
    ) {
        debtor.extra.insert(column, account);
    }
}

/// The debtor to create. `number` (uppercased) becomes `SUB_NR`; without it AccountView numbers the
/// debtor. The search code is derived from the name (see [`search_code`]).
pub(super) fn debtor_for_create(
    draft: &DebtorDraft,
    number: Option<&str>,
    options: &LedgerOptions,
) -> Debtor {
    let mut debtor = Debtor {
        sub_nr: upper(number),
        ..Debtor::default()
    };
    apply_draft(&mut debtor, draft, options);
    let local_part = draft
        .email
        .as_ref()
        .and_then(|e| e.as_str().split('@').next());
    debtor.src_code = Some(search_code(
        &draft.name,
        draft.kind == PartyKind::Person,
        local_part,
    ));
    debtor
}

/// The partial debtor for an update (`PUT`): `SUB_NR` and only the mapped columns the draft sets. The
/// search code is left alone (merchants curate it).
pub(super) fn debtor_for_update(
    number: &str,
    draft: &DebtorDraft,
    options: &LedgerOptions,
) -> Debtor {
    let mut debtor = Debtor {
        sub_nr: upper(Some(number)),
        ..Debtor::default()
    };
    apply_draft(&mut debtor, draft, options);
    debtor
}

/// The address a debtor row holds: the split street columns when present, else `ADDRESS1` as the
/// street line.
fn address_of(debtor: &Debtor) -> Option<Address> {
    let street = debtor.extra.text_lossy("ST_STREET");
    let address = Address {
        number: street
            .as_ref()
            .and_then(|_| debtor.extra.text_lossy("ST_NR")),
        extension: street
            .as_ref()
            .and_then(|_| debtor.extra.text_lossy("ST_EXTRA")),
        street: street.or_else(|| debtor.address1.clone()),
        postcode: debtor.post_code.clone(),
        city: debtor.city.clone(),
        country: debtor.cnt_code.as_deref().and_then(country),
        ..Address::default()
    };
    (!address.is_empty() || address.country.is_some()).then_some(address)
}

fn country(code: &str) -> Option<CountryCode> {
    CountryCode::parse(code)
        .inspect_err(|e| tracing::debug!(error = %e, "debtor with an unreadable country code"))
        .ok()
}

/// A debtor row as sync-core's [`DebtorRecord`]; `None` when the row has no `SUB_NR`. A company is a
/// debtor with a contact person (`MAIN_CONT`) or a KvK number; every other debtor reads as a person.
pub(super) fn record_from_debtor(debtor: &Debtor, options: &LedgerOptions) -> Option<DebtorRecord> {
    let number = filled(debtor.sub_nr.as_deref())?;
    let address = address_of(debtor);
    let is_company = debtor.main_cont.is_some() || debtor.coc_code.is_some();
    let email = debtor.mail_bus.as_deref().and_then(|m| {
        Email::parse(m)
            .inspect_err(|e| tracing::debug!(debtor = %number, error = %e, "unreadable MAIL_BUS"))
            .ok()
    });
    let details = DebtorDraft {
        name: debtor.acct_name.clone().unwrap_or_default(),
        kind: if is_company {
            PartyKind::Company
        } else {
            PartyKind::Person
        },
        contact_person: debtor.main_cont.clone(),
        country: address.as_ref().and_then(|a| a.country),
        address,
        email,
        phone: debtor.tel_bus.clone(),
        mobile: debtor.tel_mob.clone(),
        vat_number: debtor.vat_nr.clone(),
        coc_number: debtor.coc_code.clone(),
        payment_condition: debtor.disc_code.clone(),
        revenue_account: options
            .debtor_revenue_account_column
            .as_deref()
            .and_then(|c| debtor.extra.text_lossy(c)),
        default_vat_code: debtor.vat_code.clone(),
        control_account: debtor.acct_nr.clone(),
        external_customer_id: debtor.deb_nr.clone(),
        language: debtor.lng_code.clone(),
    };
    Some(DebtorRecord {
        number,
        details,
        blocked: debtor.rec_blk.unwrap_or(false),
        changed_at: debtor.cng_date.map(|dt| dt.and_utc()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::WritableRecord;
    use serde_json::json;

    fn person() -> DebtorDraft {
        DebtorDraft {
            name: "Piet Pietersen".into(),
            kind: PartyKind::Person,
            address: Some(Address {
                street: Some("Stationsplein".into()),
                number: Some("3".into()),
                extension: Some("bis".into()),
                postcode: Some("9711aa".into()),
                city: Some("GRONINGEN".into()),
                country: Some(CountryCode::NL),
                ..Address::default()
            }),
            email: Some(Email::parse("P.Pietersen@Example.nl").unwrap()),
            phone: Some("0501112233".into()),
            control_account: Some("1300".into()),
            external_customer_id: Some("90211".into()),
            payment_condition: Some("14".into()),
            default_vat_code: Some("2".into()),
            language: Some("nl".into()),
            ..DebtorDraft::default()
        }
    }

    fn values(debtor: &Debtor) -> serde_json::Value {
        let body = debtor.to_write_request().unwrap().to_json().unwrap();
        let fields: Vec<String> = body["Table"]["Definition"]["Fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["Name"].as_str().unwrap().to_owned())
            .collect();
        let values = body["TableData"]["Data"]["Rows"][0]["Values"]
            .as_array()
            .unwrap();
        fields
            .into_iter()
            .zip(values.iter().cloned())
            .collect::<serde_json::Map<_, _>>()
            .into()
    }

    #[test]
    fn person_draft_maps_to_contact_columns() {
        let d = debtor_for_create(&person(), Some("10025"), &LedgerOptions::default());
        assert_eq!(
            values(&d),
            json!({
                "RowId": "1",
                "SUB_NR": "10025", "ACCT_NR": "1300", "SRC_CODE": "PIETERSEN",
                "ACCT_NAME": "Piet Pietersen", "ADDRESS1": "Stationsplein 3 bis",
                "POST_CODE": "9711AA", "CITY": "GRONINGEN", "CNT_CODE": "NL",
                "TEL_BUS": "0501112233", "MAIL_BUS": "p.pietersen@example.nl",
                "DEB_NR": "90211", "VAT_CODE": "2", "DISC_CODE": "14", "LNG_CODE": "NL",
                "ST_STREET": "Stationsplein", "ST_NR": "3", "ST_EXTRA": "bis"
            })
        );
    }

    #[test]
    fn company_draft_with_long_name_vat_and_revenue_account() {
        let draft = DebtorDraft {
            name: "Stichting Vrienden van het Grote Fietsenmakersgilde Noord".into(),
            kind: PartyKind::Company,
            contact_person: Some("Marie Berg".into()),
            vat_number: Some(" nl 0012.34.567 b01 ".into()),
            coc_number: Some("12345678".into()),
            revenue_account: Some("8010".into()),
            email: Some(Email::parse("info@gilde.example").unwrap()),
            ..DebtorDraft::default()
        };
        let options = LedgerOptions {
            debtor_revenue_account_column: Some("K1_OMZET".into()),
            ..LedgerOptions::default()
        };
        let d = debtor_for_create(&draft, Some("abc1"), &options);
        assert_eq!(d.sub_nr.as_deref(), Some("ABC1"));
        assert_eq!(
            d.acct_name.as_deref(),
            Some("Stichting Vrienden van het Grote Fietsen")
        );
        assert_eq!(d.acct_name.as_ref().unwrap().chars().count(), 40);
        assert_eq!(d.src_code.as_deref(), Some("STICHTING"));
        assert_eq!(d.main_cont.as_deref(), Some("Marie Berg"));
        assert_eq!(d.vat_nr.as_deref(), Some("NL001234567B01"));
        assert_eq!(d.coc_code.as_deref(), Some("12345678"));
        assert_eq!(d.extra.text("K1_OMZET"), Some("8010"));
        assert_eq!(d.acct_nr, None, "no control account in the draft");
        // without a number hint AccountView numbers the debtor
        assert_eq!(debtor_for_create(&draft, None, &options).sub_nr, None);
    }

    #[test]
    fn update_sends_only_what_the_draft_sets_and_keeps_the_search_code() {
        let draft = DebtorDraft {
            phone: Some("0612345678".into()),
            ..DebtorDraft::default()
        };
        let d = debtor_for_update("10025", &draft, &LedgerOptions::default());
        assert_eq!(
            values(&d),
            json!({"RowId": "1", "SUB_NR": "10025", "TEL_BUS": "0612345678"})
        );
        assert_eq!(
            d.to_write_request().unwrap().id,
            None,
            "the PUT id is set by update()"
        );
    }

    #[test]
    fn reads_a_debtor_row_back_into_a_record() {
        let row: crate::Row = serde_json::from_value(json!({
            "SUB_NR": "10024", "ACCT_NR": "1300", "ACCT_NAME": "Bakkerij Van Dam B.V.",
            "ADDRESS1": "Dorpsweg 5", "ST_STREET": "Dorpsweg", "ST_NR": "5", "ST_EXTRA": "",
            "POST_CODE": "3512 JK", "CITY": "UTRECHT", "CNT_CODE": "NL",
            "MAIL_BUS": "Inkoop@BakkerijVanDam.example", "VAT_NR": "NL001234567B01",
            "COC_CODE": "30123456", "MAIN_CONT": "Kees van Dam", "DISC_CODE": "30",
            "REC_BLK": true, "CNG_DATE": "2024-05-02T08:01:44", "K1_OMZET": "8000"
        }))
        .unwrap();
        let debtor = <Debtor as crate::Record>::from_row(&row).unwrap();
        let options = LedgerOptions {
            debtor_revenue_account_column: Some("K1_OMZET".into()),
            ..LedgerOptions::default()
        };
        let r = record_from_debtor(&debtor, &options).unwrap();
        assert_eq!(r.number, "10024");
        assert!(r.blocked);
        assert_eq!(r.details.kind, PartyKind::Company);
        assert_eq!(r.details.contact_person.as_deref(), Some("Kees van Dam"));
        assert_eq!(
            r.details.email.as_ref().map(Email::as_str),
            Some("inkoop@bakkerijvandam.example")
        );
        let a = r.details.address.as_ref().unwrap();
        assert_eq!(a.one_line(), "Dorpsweg 5");
        assert_eq!(a.country, Some(CountryCode::NL));
        assert_eq!(r.details.revenue_account.as_deref(), Some("8000"));
        assert_eq!(r.details.control_account.as_deref(), Some("1300"));
        assert_eq!(
            r.changed_at.unwrap().to_rfc3339(),
            "2024-05-02T08:01:44+00:00"
        );
        assert!(record_from_debtor(&Debtor::default(), &options).is_none());
    }
}
