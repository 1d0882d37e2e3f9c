//! The article catalogue both systems share: simple articles and size/colour families.

use rust_decimal::Decimal;

use super::names::{BRANDS, ENDINGS, FAMILIES, GROUPS, ORIGINS};
use crate::money::round2;

/// One generated article (an AccountView `ARTICLE` row and, if in the shop, a variant).
#[derive(Debug, Clone)]
pub(crate) struct ArticleDraft {
    pub(crate) code: String,
    pub(crate) desc1: String,
    pub(crate) desc2: String,
    pub(crate) memo: String,
    pub(crate) group: &'static str,
    pub(crate) group_desc: &'static str,
    pub(crate) parent_category: &'static str,
    /// Variant family key (`K1_MODEL`) and its display name.
    pub(crate) model: Option<(String, String)>,
    pub(crate) size: String,
    pub(crate) color: String,
    /// Retail price incl. 21 % (or 9 %) VAT.
    pub(crate) price_incl: Decimal,
    pub(crate) low_vat: bool,
    pub(crate) cost: Decimal,
    pub(crate) ean: String,
    pub(crate) qty_tech: i64,
    pub(crate) qty_res_so: i64,
    pub(crate) qty_bestel: i64,
    /// `K1_WEBSHOP`: publish to the shop.
    pub(crate) webshop: bool,
    /// Already in the shop.
    pub(crate) in_shop: bool,
    /// Stock level the shop shows (roughly `QTY_AVAIL`).
    pub(crate) shop_stock: i64,
    pub(crate) origin: &'static str,
    pub(crate) image: Option<String>,
    pub(crate) brand: Option<usize>,
    pub(crate) blocked: bool,
}

impl ArticleDraft {
    /// The VAT rate as a fraction.
    pub(crate) fn rate(&self) -> Decimal {
        if self.low_vat {
            Decimal::new(9, 2)
        } else {
            Decimal::new(21, 2)
        }
    }
}

/// An EAN-13 with prefix 871 (Netherlands) and a valid check digit.
pub(crate) fn ean13(rng: &mut fastrand::Rng) -> String {
    let mut digits: Vec<u32> = vec![8, 7, 1];
    for _ in 0..9 {
        digits.push(rng.u32(0..10));
    }
    digits.push(ean_check_digit(&digits));
    digits.iter().map(|d| char::from(b'0' + *d as u8)).collect()
}

/// The EAN-13 check digit of the first twelve digits.
pub(crate) fn ean_check_digit(first12: &[u32]) -> u32 {
    let sum: u32 = first12
        .iter()
        .enumerate()
        .map(|(i, d)| if i % 2 == 0 { *d } else { d * 3 })
        .sum();
    (10 - sum % 10) % 10
}

fn price(rng: &mut fastrand::Rng, range: (u32, u32)) -> Decimal {
    let euros = rng.u32(range.0..=range.1);
    let (extra, cents) = ENDINGS[rng.usize(0..ENDINGS.len())];
    Decimal::new(i64::from((euros + extra) * 100 + cents), 2)
}

fn slug(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

struct Stock {
    tech: i64,
    res: i64,
    bestel: i64,
    shop: i64,
}

fn stock(rng: &mut fastrand::Rng) -> Stock {
    let tech = if rng.u32(0..10) == 0 {
        0
    } else {
        i64::from(rng.u32(1..150))
    };
    let res = if tech > 0 && rng.bool() {
        i64::from(rng.u32(0..=5)).min(tech)
    } else {
        0
    };
    let bestel = if rng.u32(0..4) == 0 {
        i64::from(rng.u32(10..50))
    } else {
        0
    };
    let avail = tech - res;
    let shop = if rng.u32(0..10) < 7 {
        avail
    } else {
        (avail + i64::from(rng.u32(1..=5)) * if rng.bool() { 1 } else { -1 }).max(0)
    };
    Stock {
        tech,
        res,
        bestel,
        shop,
    }
}

/// Generates `n` articles; `shop_share` per mille of the web-shop articles are already in the shop.
pub(crate) fn generate(rng: &mut fastrand::Rng, n: usize, shop_share: u16) -> Vec<ArticleDraft> {
    let mut out: Vec<ArticleDraft> = Vec::with_capacity(n);
    let mut next_family = 0usize;
    let mut uses = vec![0usize; GROUPS.len()];
    let mut number = 1000u32;
    while out.len() < n {
        let family_turn = rng.u32(0..5) == 0;
        if family_turn && next_family < FAMILIES.len() * 3 {
            let f = &FAMILIES[next_family % FAMILIES.len()];
            let round = next_family / FAMILIES.len();
            next_family += 1;
            number += 1;
            let model = format!("{}-{}", f.group, number);
            let name = if round == 0 {
                f.name.to_owned()
            } else {
                format!("{} {}", f.name, 2024 + round)
            };
            let base = price(rng, f.price);
            let webshop = rng.u32(0..100) < 95;
            let in_shop = webshop && rng.u16(0..1000) < shop_share;
            let brand = Some(rng.usize(0..BRANDS.len()));
            let origin = ORIGINS[rng.usize(0..ORIGINS.len())];
            let cost =
                round2(base / Decimal::new(121, 2) * Decimal::new(i64::from(rng.u32(40..65)), 2));
            'family: for (ccode, cname) in f.colors {
                for size in f.sizes {
                    if out.len() >= n {
                        break 'family;
                    }
                    let s = stock(rng);
                    out.push(ArticleDraft {
                        code: format!("{model}-{ccode}-{size}"),
                        desc1: format!("{name} {cname} {size}"),
                        desc2: format!("Maat {size}, kleur {}", cname.to_lowercase()),
                        memo: format!(
                            "{name} in de kleur {}. Verkrijgbaar in de maten {}.",
                            cname.to_lowercase(),
                            f.sizes.join(", ")
                        ),
                        group: f.group,
                        group_desc: f.group_desc,
                        parent_category: "Kleding en helmen",
                        model: Some((model.clone(), name.clone())),
                        size: (*size).to_owned(),
                        color: (*cname).to_owned(),
                        price_incl: base,
                        low_vat: false,
                        cost,
                        ean: ean13(rng),
                        qty_tech: s.tech,
                        qty_res_so: s.res,
                        qty_bestel: s.bestel,
                        webshop,
                        in_shop,
                        shop_stock: s.shop,
                        origin,
                        image: Some(format!(
                            "{}-{}.jpg",
                            slug(&model),
                            ccode.to_ascii_lowercase()
                        )),
                        brand,
                        blocked: false,
                    });
                }
            }
            continue;
        }
        let gi = rng.usize(0..GROUPS.len());
        let g = &GROUPS[gi];
        let item = g.items[uses[gi] % g.items.len()];
        let round = uses[gi] / g.items.len();
        uses[gi] += 1;
        number += 1;
        let desc1 = if round == 0 {
            item.to_owned()
        } else {
            format!("{item} type {}", round + 1)
        };
        let p = price(rng, g.price);
        let s = stock(rng);
        let blocked = rng.u32(0..50) == 0;
        let webshop = !blocked && rng.u32(0..100) < 92;
        let vat = if g.low_vat {
            Decimal::new(109, 2)
        } else {
            Decimal::new(121, 2)
        };
        out.push(ArticleDraft {
            code: format!("{}-{}", g.code, number),
            desc2: format!("Artikelgroep {}", g.desc.to_lowercase()),
            memo: format!("{desc1}: degelijke kwaliteit voor dagelijks gebruik, uit het assortiment van De Spaak."),
            desc1,
            group: g.code,
            group_desc: g.desc,
            parent_category: g.parent_category,
            model: None,
            size: String::new(),
            color: String::new(),
            price_incl: p,
            low_vat: g.low_vat,
            cost: round2(p / vat * Decimal::new(i64::from(rng.u32(40..65)), 2)),
            ean: ean13(rng),
            qty_tech: s.tech,
            qty_res_so: s.res,
            qty_bestel: s.bestel,
            webshop,
            in_shop: webshop && rng.u16(0..1000) < shop_share,
            shop_stock: s.shop,
            origin: ORIGINS[rng.usize(0..ORIGINS.len())],
            image: if rng.u32(0..10) < 7 { Some(format!("{}.jpg", slug(&format!("{}-{}", g.code, number)))) } else { None },
            brand: if rng.bool() { Some(rng.usize(0..BRANDS.len())) } else { None },
            blocked,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eans_have_valid_check_digits() {
        let mut rng = fastrand::Rng::with_seed(5);
        for _ in 0..50 {
            let ean = ean13(&mut rng);
            assert_eq!(ean.len(), 13);
            let d: Vec<u32> = ean.chars().filter_map(|c| c.to_digit(10)).collect();
            assert_eq!(ean_check_digit(&d[..12]), d[12]);
        }
        // A known EAN-13: 4006381333931.
        assert_eq!(ean_check_digit(&[4, 0, 0, 6, 3, 8, 1, 3, 3, 3, 9, 3]), 1);
    }

    #[test]
    fn catalogue_has_the_requested_size_and_unique_fitting_codes() {
        let mut rng = fastrand::Rng::with_seed(42);
        let arts = generate(&mut rng, 150, 850);
        assert_eq!(arts.len(), 150);
        let mut codes: Vec<_> = arts.iter().map(|a| a.code.clone()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), 150);
        assert!(
            arts.iter()
                .all(|a| a.code.len() <= 15 && a.desc1.chars().count() <= 40)
        );
        assert!(arts.iter().any(|a| a.model.is_some()));
        assert!(arts.iter().any(|a| a.webshop && !a.in_shop));
        assert!(arts.iter().all(|a| a.qty_res_so <= a.qty_tech));
    }
}
