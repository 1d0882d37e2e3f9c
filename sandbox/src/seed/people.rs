//! Generated customers: persons and companies in NL, BE, DE, FR and outside the EU.

use super::names::{
    COMPANY_WORDS, COUNTRY_SHARES, FIRST_NAMES, FOREIGN_FIRST, FOREIGN_LAST, LAST_NAMES, LOCALES,
    Locale,
};
use crate::lightspeed::Party;

/// One generated customer.
#[derive(Debug, Clone)]
pub(crate) struct PersonDraft {
    pub(crate) party: Party,
    pub(crate) gender: &'static str,
    pub(crate) mobile: String,
    /// A separate delivery address (name, street, number, zipcode, city).
    pub(crate) shipping: Option<(String, String, String, String, String)>,
    /// Already a debtor in AccountView.
    pub(crate) is_debtor: bool,
    /// The debtor's e-mail is stored with different capitals (tests e-mail normalisation).
    pub(crate) email_case_variant: bool,
    /// Days before "now" the account was made.
    pub(crate) age_days: u32,
}

fn pick<'a, T>(rng: &mut fastrand::Rng, items: &'a [T]) -> &'a T {
    &items[rng.usize(0..items.len())]
}

fn locale(code: &str) -> &'static Locale {
    LOCALES
        .iter()
        .find(|l| l.country == code)
        .unwrap_or(&LOCALES[0])
}

fn country(rng: &mut fastrand::Rng) -> &'static str {
    let roll = rng.u32(0..1000);
    let mut acc = 0;
    for (code, share) in COUNTRY_SHARES {
        acc += share;
        if roll < acc {
            return code;
        }
    }
    "NL"
}

fn digits(rng: &mut fastrand::Rng, n: usize) -> String {
    (0..n).map(|_| char::from(b'0' + rng.u8(0..10))).collect()
}

fn vat_number(rng: &mut fastrand::Rng, country: &str) -> String {
    match country {
        "NL" => format!("NL{}B01", digits(rng, 9)),
        "BE" => format!("BE0{}", digits(rng, 9)),
        "DE" => format!("DE{}", digits(rng, 9)),
        "FR" => format!("FR{}", digits(rng, 11)),
        "GB" => format!("GB{}", digits(rng, 9)),
        "CH" => format!("CHE{}", digits(rng, 9)),
        _ => String::new(),
    }
}

fn ascii_local(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            'é' | 'è' | 'ë' => Some('e'),
            'ü' => Some('u'),
            'ö' => Some('o'),
            'ä' => Some('a'),
            c if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// Generates `n` customers; `debtor_share` per mille are already AccountView debtors.
pub(crate) fn generate(rng: &mut fastrand::Rng, n: usize, debtor_share: u16) -> Vec<PersonDraft> {
    (0..n)
        .map(|i| {
            let code = country(rng);
            let loc = locale(code);
            let dutch = matches!(code, "NL" | "BE");
            let ((first, gender), (middle, last)) = if dutch {
                (*pick(rng, FIRST_NAMES), *pick(rng, LAST_NAMES))
            } else {
                (*pick(rng, FOREIGN_FIRST), ("", *pick(rng, FOREIGN_LAST)))
            };
            let is_company = rng.u32(0..4) == 0;
            let company =
                is_company.then(|| format!("{} {}", pick(rng, COMPANY_WORDS), loc.suffix));
            let (zipcode, city) = *pick(rng, loc.cities);
            let street = (*pick(rng, loc.streets)).to_owned();
            let number = rng.u32(1..250).to_string();
            let extension = if rng.u32(0..6) == 0 {
                "A".to_owned()
            } else {
                String::new()
            };
            let email = match &company {
                Some(c) => format!("inkoop{}@{}.example.com", i + 1, ascii_local(c)),
                None => format!(
                    "{}.{}{}@{}",
                    ascii_local(first),
                    ascii_local(last),
                    i + 1,
                    loc.mail_domain
                ),
            };
            let phone = format!("{}{}", loc.phone, digits(rng, 8));
            let mobile = if rng.bool() {
                format!("{}{}", loc.phone, digits(rng, 8))
            } else {
                String::new()
            };
            let coc = match (&company, code) {
                (Some(_), "NL") => digits(rng, 8),
                (Some(_), "BE") => format!("0{}", digits(rng, 9)),
                _ => String::new(),
            };
            let vat = if company.is_some() {
                vat_number(rng, code)
            } else {
                String::new()
            };
            let shipping = (rng.u32(0..7) == 0).then(|| {
                let (z, c) = *pick(rng, loc.cities);
                (
                    company
                        .clone()
                        .map(|c| format!("{c} - magazijn"))
                        .unwrap_or_else(|| format!("{first} {last}")),
                    (*pick(rng, loc.streets)).to_owned(),
                    rng.u32(1..120).to_string(),
                    z.to_owned(),
                    c.to_owned(),
                )
            });
            PersonDraft {
                party: Party {
                    firstname: first.to_owned(),
                    middlename: middle.to_owned(),
                    lastname: last.to_owned(),
                    email,
                    phone,
                    company,
                    coc_number: coc,
                    vat_number: vat,
                    street,
                    number,
                    extension,
                    zipcode: zipcode.to_owned(),
                    city: city.to_owned(),
                    country: code.to_owned(),
                },
                gender,
                mobile,
                shipping,
                is_debtor: rng.u16(0..1000) < debtor_share,
                email_case_variant: rng.u32(0..5) == 0,
                age_days: rng.u32(70..900),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mixes_countries_persons_and_companies() {
        let mut rng = fastrand::Rng::with_seed(11);
        let people = generate(&mut rng, 200, 400);
        assert!(
            people
                .iter()
                .any(|p| p.party.company.is_some() && !p.party.vat_number.is_empty())
        );
        assert!(people.iter().any(|p| p.party.company.is_none()));
        for c in ["NL", "BE", "DE", "FR"] {
            assert!(people.iter().any(|p| p.party.country == c), "{c}");
        }
        assert!(
            people
                .iter()
                .any(|p| matches!(p.party.country.as_str(), "US" | "CH" | "GB"))
        );
        let mut emails: Vec<_> = people.iter().map(|p| p.party.email.clone()).collect();
        emails.sort();
        emails.dedup();
        assert_eq!(emails.len(), 200);
    }
}
