//! Fills the shop from the shared seed: settings, catalogue, customers and order history.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

use super::kinds::Kind;
use super::order_spec::{OrderSpec, full_name};
use super::state::{LsState, Tariff};
use crate::clock::ls_time;
use crate::geo::{self, country_json};
use crate::money::{fixed_str, num, round};
use crate::seed::catalog::ArticleDraft;
use crate::seed::names::BRANDS;
use crate::seed::people::PersonDraft;
use crate::seed::{SeedCustomer, SeedOrder};

/// Ids the shop gave to seeded articles: `(product, variant)` per article index.
pub(crate) type ArticleIds = Vec<Option<(u64, u64)>>;

fn set(m: &mut Map<String, Value>, pairs: Vec<(&str, Value)>) {
    for (k, v) in pairs {
        m.insert(k.to_owned(), v);
    }
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let c = match c {
            'é' | 'è' | 'ë' => 'e',
            'ü' => 'u',
            'ö' => 'o',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

impl LsState {
    fn insert_new(
        &mut self,
        kind: Kind,
        parent: Option<u64>,
        at: &str,
        fields: Vec<(&str, Value)>,
    ) -> u64 {
        let mut m = self.fresh(kind, at);
        set(&mut m, fields);
        self.store.insert(kind, parent, m)
    }

    /// Shop, account, taxes, methods, brands, statuses, categories, specs and filters.
    fn seed_settings(
        &mut self,
        now: DateTime<Utc>,
        api_key: &str,
    ) -> (BTreeMap<&'static str, u64>, u64, u64) {
        let at = ls_time(now - Duration::days(900));
        let links = self.links.clone();
        let nl = geo::country("NL").map(country_json).unwrap_or(json!(false));
        let shop_id = self.shop_id;
        self.shop = json!({
            "id": shop_id, "createdAt": at, "status": "live", "isB2b": true, "isRetail": true,
            "subDomain": "despaak", "mainDomain": "www.despaak.example", "email": "info@despaak.example",
            "phone": "030-1234567", "fax": "", "street": "Vismarkt", "street2": "", "zipcode": "3512 JK",
            "city": "Utrecht", "region": "Utrecht", "country": nl, "vatNumber": "NL812345678B01",
            "cocNumber": "30123456", "industry": "sports",
            "currency": { "shortcode": "EUR", "symbol": "€", "title": "Euro", "isDefault": true, "currencyRate": "1.000000" },
            "company": links.coll("shop/company"), "limits": links.coll("shop/limits"),
            "javascript": links.coll("shop/javascript"), "website": links.coll("shop/website"),
            "scripts": links.coll("shop/scripts"), "metafields": links.coll("shop/metafields"),
        })
        .as_object()
        .cloned()
        .unwrap_or_default();
        self.account = json!({
            "id": shop_id + 33_000, "appId": false, "apiKey": api_key,
            "signout": links.coll("account/signout"), "permissions": links.coll("account/permissions"),
            "ratelimit": links.coll("account/ratelimit"), "metafields": links.coll("account/metafields"),
        })
        .as_object()
        .cloned()
        .unwrap_or_default();

        let mut taxes = BTreeMap::new();
        for (key, rate, title, default) in [
            ("high", 21, "21% BTW", true),
            ("low", 9, "9% BTW", false),
            ("zero", 0, "0% BTW", false),
        ] {
            let id = self.insert_new(
                Kind::Tax,
                None,
                &at,
                vec![
                    ("isDefault", json!(default)),
                    ("rate", num(Decimal::new(rate, 2))),
                    ("title", json!(title)),
                ],
            );
            taxes.insert(key, id);
        }
        for (key, title, cost) in [
            ("ideal", "Mollie - iDEAL", 0),
            ("bancontact", "Mollie - Bancontact", 0),
            ("creditcard", "Mollie - Creditcard", 0),
            ("paypal", "PayPal - PayPal", 35),
            ("invoice", "Achteraf betalen - Op rekening", 150),
            ("cash", "Betalen bij afhalen", 0),
        ] {
            self.insert_new(
                Kind::PaymentMethod,
                None,
                &at,
                vec![("key", json!(key)), ("title", json!(title))],
            );
            if cost > 0 {
                self.payment_costs
                    .insert(key.to_owned(), Decimal::new(cost, 2));
            }
        }
        for (i, (zone, title, price, free)) in [
            ("nl", "PostNL Pakket Nederland", 695, Some(7500)),
            ("eu", "PostNL Pakket Europa", 995, Some(15000)),
            ("world", "DHL Express Wereld", 2495, None),
            ("pickup", "Afhalen in de winkel", 0, None),
        ]
        .into_iter()
        .enumerate()
        {
            let id = self.insert_new(
                Kind::ShippingMethod,
                None,
                &at,
                vec![
                    (
                        "type",
                        json!(if zone == "pickup" {
                            "pickup"
                        } else {
                            "default"
                        }),
                    ),
                    ("sortOrder", json!(i + 1)),
                    (
                        "freeAbove",
                        free.map(|f| num(Decimal::new(f, 2)))
                            .unwrap_or(json!(1_000_000)),
                    ),
                    ("title", json!(title)),
                    ("tax", links.to(Kind::Tax, None, taxes["high"])),
                ],
            );
            self.tariffs.insert(
                id,
                Tariff {
                    value_id: 3_298_300 + i as u64,
                    price_incl: Decimal::new(price, 2),
                    free_above: free.map(|f| Decimal::new(f, 2)),
                    pickup: zone == "pickup",
                    zone,
                },
            );
        }
        for name in BRANDS {
            self.insert_new(
                Kind::Brand,
                None,
                &at,
                vec![("url", json!(slug(name))), ("title", json!(name))],
            );
        }
        self.insert_new(
            Kind::Supplier,
            None,
            &at,
            vec![
                ("title", json!("Fietsgroothandel Jansen B.V.")),
                ("attention_of", json!("Inkoop")),
                ("street", json!("Industrieweg")),
                ("number", json!("12")),
                ("zip_code", json!("3542 AD")),
                ("city", json!("Utrecht")),
                ("region", json!("Utrecht")),
                ("country_id", nl.clone()),
            ],
        );
        self.insert_new(
            Kind::CustomStatus,
            None,
            &at,
            vec![
                ("title", json!("Wacht op leverancier")),
                ("color", json!("#f5a623")),
            ],
        );
        self.insert_new(
            Kind::CustomStatus,
            None,
            &at,
            vec![
                ("title", json!("Geboekt in AccountView")),
                ("color", json!("#2e7d32")),
            ],
        );

        let type_id = self.insert_new(
            Kind::Type,
            None,
            &at,
            vec![("title", json!("Fietsartikel"))],
        );
        let origin_attr = self.insert_new(
            Kind::Attribute,
            None,
            &at,
            vec![
                ("title", json!("Land van herkomst")),
                ("defaultValue", json!("")),
            ],
        );
        let delivery_attr = self.insert_new(
            Kind::Attribute,
            None,
            &at,
            vec![
                ("title", json!("Levertijd")),
                ("defaultValue", json!("1-2 werkdagen")),
            ],
        );
        for (i, attr) in [origin_attr, delivery_attr].into_iter().enumerate() {
            self.insert_new(
                Kind::TypesAttribute,
                None,
                &at,
                vec![
                    ("sortOrder", json!(i + 1)),
                    ("type", links.to(Kind::Type, None, type_id)),
                    ("attribute", links.to(Kind::Attribute, None, attr)),
                ],
            );
        }
        let _ = taxes.insert("type", type_id);
        let _ = taxes.insert("origin", origin_attr);
        (taxes, origin_attr, delivery_attr)
    }

    /// Seeds everything; returns the ids given to articles, customers and orders.
    pub(crate) fn seed(
        &mut self,
        rng: &mut fastrand::Rng,
        now: DateTime<Utc>,
        api_key: &str,
        articles: &[ArticleDraft],
        people: &[PersonDraft],
        orders: usize,
    ) -> (ArticleIds, Vec<SeedCustomer>, Vec<SeedOrder>) {
        let (ids, origin_attr, _) = self.seed_settings(now, api_key);
        let links = self.links.clone();
        let lang = self.language_json();
        let at = ls_time(now - Duration::days(800));

        // Categories: a parent per theme, a child per article group.
        let mut categories: BTreeMap<String, u64> = BTreeMap::new();
        let mut sort = 0;
        for a in articles {
            if !categories.contains_key(a.parent_category) {
                sort += 1;
                let id = self.insert_new(
                    Kind::Category,
                    None,
                    &at,
                    vec![
                        ("sortOrder", json!(sort)),
                        ("url", json!(slug(a.parent_category))),
                        ("title", json!(a.parent_category)),
                        ("fulltitle", json!(a.parent_category)),
                    ],
                );
                categories.insert(a.parent_category.to_owned(), id);
            }
            let key = format!("{}/{}", a.parent_category, a.group_desc);
            if !categories.contains_key(&key) {
                let parent = categories[a.parent_category];
                sort += 1;
                let id = self.store.next_id(Kind::Category);
                let mut m = super::templates::template(Kind::Category, id, &at, &links, &lang);
                set(
                    &mut m,
                    vec![
                        ("depth", json!(2)),
                        ("path", json!([id.to_string(), parent.to_string()])),
                        ("sortOrder", json!(sort)),
                        (
                            "url",
                            json!(format!(
                                "{}/{}",
                                slug(a.parent_category),
                                slug(a.group_desc)
                            )),
                        ),
                        ("title", json!(a.group_desc)),
                        ("fulltitle", json!(a.group_desc)),
                        ("parent", links.to(Kind::Category, None, parent)),
                    ],
                );
                self.store.insert(Kind::Category, None, m);
                categories.insert(key, id);
            }
        }

        let brand_ids: Vec<u64> = self.store.all(Kind::Brand).map(|b| b.id()).collect();

        // Filters for the variant families.
        let color_filter = self.insert_new(
            Kind::Filter,
            None,
            &at,
            vec![("title", json!("Kleur")), ("position", json!(1))],
        );
        let size_filter = self.insert_new(
            Kind::Filter,
            None,
            &at,
            vec![("title", json!("Maat")), ("position", json!(2))],
        );
        let mut filter_values: BTreeMap<(u64, String), u64> = BTreeMap::new();

        // Products and variants.
        let mut out: ArticleIds = vec![None; articles.len()];
        let mut family_products: BTreeMap<String, (u64, u64)> = BTreeMap::new();
        for (idx, a) in articles.iter().enumerate() {
            if !a.in_shop {
                continue;
            }
            let created = now - Duration::days(i64::from(rng.u32(60..700)));
            let updated = created + Duration::minutes(i64::from(rng.u32(1..50_000)));
            let (c, u) = (
                ls_time(created),
                ls_time(updated.min(now - Duration::days(1))),
            );
            let existing = a
                .model
                .as_ref()
                .and_then(|(m, _)| family_products.get(m).copied());
            let (product_id, sort_order) = match existing {
                Some((pid, n)) => (pid, n + 1),
                None => {
                    let title = a
                        .model
                        .as_ref()
                        .map(|(_, name)| name.clone())
                        .unwrap_or_else(|| a.desc1.clone());
                    let pid = self.insert_new(
                        Kind::Product,
                        None,
                        &c,
                        vec![
                            ("updatedAt", json!(u)),
                            ("url", json!(slug(&title))),
                            ("title", json!(title)),
                            ("fulltitle", json!(title)),
                            (
                                "description",
                                json!(if a.model.is_some() {
                                    "Verkrijgbaar in meerdere maten en kleuren".to_owned()
                                } else {
                                    a.desc2.clone()
                                }),
                            ),
                            ("content", json!(format!("<p>{}</p>", a.memo))),
                            (
                                "brand",
                                a.brand
                                    .and_then(|b| brand_ids.get(b))
                                    .map(|b| links.to(Kind::Brand, None, *b))
                                    .unwrap_or(json!(false)),
                            ),
                            (
                                "type",
                                if idx % 3 != 0 {
                                    links.to(Kind::Type, None, ids["type"])
                                } else {
                                    json!(false)
                                },
                            ),
                        ],
                    );
                    if let Some(cat) =
                        categories.get(&format!("{}/{}", a.parent_category, a.group_desc))
                    {
                        self.insert_new(
                            Kind::CategoriesProduct,
                            None,
                            &c,
                            vec![
                                ("sortOrder", json!(1)),
                                ("category", links.to(Kind::Category, None, *cat)),
                                ("product", links.to(Kind::Product, None, pid)),
                            ],
                        );
                    }
                    if idx % 3 != 0 {
                        let country = geo::country(a.origin).map(|c| c.dutch).unwrap_or(a.origin);
                        let mut pa = super::templates::template(
                            Kind::ProductAttribute,
                            origin_attr,
                            &c,
                            &links,
                            &lang,
                        );
                        pa.insert("value".into(), json!(country));
                        self.store.insert(Kind::ProductAttribute, Some(pid), pa);
                    }
                    if let Some(img) = &a.image {
                        let iid = self.store.next_id(Kind::ProductImage);
                        let file = 497_000_000 + iid % 1_000_000;
                        let stem = img.trim_end_matches(".jpg");
                        let shop = self.shop_id;
                        let mut m =
                            super::templates::template(Kind::ProductImage, iid, &c, &links, &lang);
                        set(
                            &mut m,
                            vec![
                                ("size", json!(40_000 + (iid % 200_000))),
                                ("title", json!(stem)),
                                (
                                    "thumb",
                                    json!(format!(
                                        "https://cdn.webshopapp.com/shops/{shop}/files/{file}/50x50x2/{img}"
                                    )),
                                ),
                                (
                                    "src",
                                    json!(format!(
                                        "https://cdn.webshopapp.com/shops/{shop}/files/{file}/{img}"
                                    )),
                                ),
                            ],
                        );
                        let image = json!({
                            "createdAt": c, "updatedAt": c, "extension": "jpg", "size": m["size"].clone(),
                            "title": stem, "thumb": m["thumb"].clone(), "src": m["src"].clone(),
                        });
                        self.store.insert(Kind::ProductImage, Some(pid), m);
                        if let Some(p) = self.store.get_mut(Kind::Product, None, pid) {
                            p.obj.insert("image".into(), image);
                        }
                    }
                    (pid, 1)
                }
            };
            if let Some((model, _)) = &a.model {
                family_products.insert(model.clone(), (product_id, sort_order));
                for (filter, value) in [(color_filter, &a.color), (size_filter, &a.size)] {
                    let key = (filter, value.clone());
                    let vid = match filter_values.get(&key) {
                        Some(v) => *v,
                        None => {
                            let pos =
                                filter_values.keys().filter(|(f, _)| *f == filter).count() + 1;
                            let v = self.insert_new(
                                Kind::FilterValue,
                                Some(filter),
                                &at,
                                vec![("title", json!(value)), ("position", json!(pos))],
                            );
                            filter_values.insert(key, v);
                            v
                        }
                    };
                    let has = self
                        .store
                        .under(Kind::ProductFilterValue, Some(product_id))
                        .iter()
                        .any(|i| super::store::link_id(&i.obj["filtervalue"]) == Some(vid));
                    if !has {
                        self.insert_new(
                            Kind::ProductFilterValue,
                            Some(product_id),
                            &at,
                            vec![
                                ("filter", links.to(Kind::Filter, None, filter)),
                                (
                                    "filtervalue",
                                    links.to(Kind::FilterValue, Some(filter), vid),
                                ),
                            ],
                        );
                    }
                }
            }
            let rate = a.rate();
            let excl = round(a.price_incl / (Decimal::ONE + rate), 4);
            let title = if a.model.is_some() {
                format!("{} / {}", a.color, a.size)
            } else {
                a.desc1.clone()
            };
            let vid = self.insert_new(
                Kind::Variant,
                None,
                &c,
                vec![
                    ("updatedAt", json!(u)),
                    ("isDefault", json!(sort_order == 1)),
                    ("sortOrder", json!(sort_order)),
                    ("articleCode", json!(a.code)),
                    ("ean", json!(a.ean)),
                    ("sku", json!(a.code)),
                    ("priceExcl", num(excl)),
                    ("priceIncl", num(a.price_incl)),
                    ("priceCost", num(a.cost)),
                    ("stockLevel", json!(a.shop_stock)),
                    ("stockAlert", json!(2)),
                    ("weight", json!(250)),
                    ("weightValue", fixed_str(Decimal::new(250, 0), 3)),
                    ("title", json!(title)),
                    (
                        "tax",
                        links.to(
                            Kind::Tax,
                            None,
                            if a.low_vat { ids["low"] } else { ids["high"] },
                        ),
                    ),
                    ("product", links.to(Kind::Product, None, product_id)),
                ],
            );
            out[idx] = Some((product_id, vid));
        }

        // Customers.
        let mut customers = Vec::new();
        for p in people {
            let created = now - Duration::days(i64::from(p.age_days));
            let c = ls_time(created);
            let u = ls_time(created + Duration::minutes(i64::from(rng.u32(1..20_000))));
            let mut m = self.fresh(Kind::Customer, &c);
            m.extend(p.party.customer_fields());
            set(
                &mut m,
                vec![
                    ("updatedAt", json!(u)),
                    ("gender", json!(p.gender)),
                    ("mobile", json!(p.mobile)),
                    ("lastOnlineAt", json!(u)),
                    ("language", lang.clone()),
                ],
            );
            if let Some((name, street, number, zip, city)) = &p.shipping {
                set(
                    &mut m,
                    vec![
                        ("addressShippingName", json!(name)),
                        ("addressShippingStreet", json!(street)),
                        ("addressShippingNumber", json!(number)),
                        ("addressShippingExtension", json!("")),
                        ("addressShippingZipcode", json!(zip)),
                        ("addressShippingCity", json!(city)),
                    ],
                );
            }
            let id = self.store.insert(Kind::Customer, None, m);
            customers.push(SeedCustomer {
                id,
                email: p.party.email.clone(),
                name: p.party.company.clone().unwrap_or_else(|| {
                    full_name(&p.party.firstname, &p.party.middlename, &p.party.lastname)
                }),
                is_company: p.party.company.is_some(),
                country: p.party.country.clone(),
                debtor: None,
            });
        }

        // Orders over the last 60 days.
        self.sku_hint = self
            .store
            .all(Kind::Variant)
            .filter_map(|v| Some((v.obj.get("sku")?.as_str()?.to_owned(), v.id())))
            .collect();
        let sellable: Vec<&ArticleDraft> = articles
            .iter()
            .filter(|a| a.in_shop && !a.blocked)
            .collect();
        let mut times: Vec<i64> = (0..orders)
            .map(|_| i64::from(rng.u32(600..60 * 86_400)))
            .collect();
        times.sort_unstable_by(|a, b| b.cmp(a));
        let mut seeded = Vec::new();
        for secs_ago in times {
            if sellable.is_empty() {
                break;
            }
            let created = now - Duration::seconds(secs_ago);
            let mut spec = OrderSpec::new().created_at(created);
            let person = if !people.is_empty() && rng.u32(0..10) < 9 {
                let i = rng.usize(0..people.len());
                spec.customer_id = Some(customers[i].id);
                &people[i].party
            } else {
                let guest = crate::seed::people::generate(rng, 1, 0).remove(0).party;
                spec.guest = Some(guest);
                spec.guest.as_ref().unwrap_or(&people[0].party)
            };
            let country = person.country.clone();
            let n_lines = 1 + rng.usize(0..5);
            let mut used = Vec::new();
            for _ in 0..n_lines {
                let a = sellable[rng.usize(0..sellable.len())];
                if used.contains(&a.code) {
                    continue;
                }
                used.push(a.code.clone());
                let qty = match rng.u32(0..10) {
                    0..=6 => 1,
                    7 | 8 => 2,
                    _ => 3,
                };
                let discount = if rng.u32(0..10) == 0 {
                    Decimal::new(i64::from(rng.u32(2..=5)) * 5, 2)
                } else {
                    Decimal::ZERO
                };
                spec = spec.discounted_line(a.code.clone(), qty, discount);
            }
            if rng.u32(0..100) < 12 {
                spec = if rng.bool() {
                    spec.coupon("WELKOM10", Decimal::new(10, 2))
                } else {
                    spec.coupon("ZOMER15", Decimal::new(15, 2))
                };
            }
            let pickup = matches!(country.as_str(), "NL" | "BE") && rng.u32(0..100) < 8;
            if pickup {
                spec.shipping_method_id = self
                    .tariffs
                    .iter()
                    .find(|(_, t)| t.pickup)
                    .map(|(id, _)| *id);
            }
            spec.payment_method = match (country.as_str(), pickup, rng.u32(0..10)) {
                (_, true, 0..=4) => "cash",
                ("NL", _, 0..=4) => "ideal",
                ("BE", _, 0..=4) => "bancontact",
                ("NL" | "BE", _, 5) => "invoice",
                (_, _, 0..=6) => "paypal",
                _ => "creditcard",
            }
            .to_owned();
            let days_old = secs_ago / 86_400;
            let roll = rng.u32(0..100);
            let (status, pay, ship) = match roll {
                0..=69 if pickup => {
                    if days_old > 2 {
                        ("completed_picked_up", "paid", "shipped")
                    } else {
                        ("processing_ready_for_pickup", "paid", "not_shipped")
                    }
                }
                0..=69 => {
                    if days_old > 3 && rng.u32(0..10) < 8 {
                        ("completed_shipped", "paid", "shipped")
                    } else {
                        ("processing_awaiting_shipment", "paid", "not_shipped")
                    }
                }
                70..=81 => ("processing_awaiting_payment", "not_paid", "not_shipped"),
                82..=87 => ("cancelled", "cancelled", "cancelled"),
                88..=93 => ("on_hold", "not_paid", "not_shipped"),
                _ => ("processing_awaiting_shipment", "paid", "partially_shipped"),
            };
            spec = spec.statuses(status, pay, ship);
            let later = created + Duration::minutes(i64::from(rng.u32(1..4_000)));
            spec.updated_at = Some(if pay == "not_paid" {
                created + Duration::seconds(3)
            } else {
                later.min(now - Duration::seconds(30))
            });
            if let Ok(id) = self.place_order(&spec) {
                let number = self
                    .store
                    .get(Kind::Order, None, id)
                    .and_then(|o| o.obj.get("number"))
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                seeded.push(SeedOrder {
                    id,
                    number,
                    customer_id: spec.customer_id,
                    status: status.to_owned(),
                    payment_status: pay.to_owned(),
                });
            }
        }
        self.sku_hint.clear();
        // Seeding is history, not news: no webhooks for it.
        self.changes.clear();
        (out, customers, seeded)
    }
}
