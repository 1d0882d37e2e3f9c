//! Discovery: what a Lightspeed shop and an AccountView administration hold that Koppel's mappings
//! refer to — the shop's id, currency, API permissions and payment/shipping methods; the
//! administration's VAT codes, ledger accounts, journals, payment conditions, service articles and
//! column dictionaries.
//!
//! `koppel init` turns a [`Discovery`] into proposed mappings ([`super::proposal`]); `koppel check`
//! reads the same facts to test a configuration. Nothing here prints or asks: a web wizard can reuse
//! it as it is.

use std::collections::{BTreeMap, BTreeSet};

use accountview_client::{
    AccountViewClient, BusinessObjectInfo, Company, FieldDictionaryEntry, Filter, Journal,
    LedgerAccount, Query, VatCode,
};
use futures::TryStreamExt;
use lightspeed_client::LightspeedClient;
use lightspeed_client::models::{AccountPermissions, PaymentMethod, ShippingMethod, Shop};
use rust_decimal::Decimal;
use serde::Serialize;

/// The business object of payment conditions (the sandbox's assumption; not confirmed by the
/// reference, so a tenant without it is reported, never an error).
pub const PAYMENT_CONDITIONS_OBJECT: &str = "PC1";
/// The table of [`PAYMENT_CONDITIONS_OBJECT`].
pub const PAYMENT_CONDITIONS_TABLE: &str = "PAY_COND";

/// The tables whose column dictionaries the wizard reads: every table a column plan may name.
pub const DICTIONARY_TABLES: [&str; 7] = accountview_client::sync::PLAN_TABLES;

/// What the shop says about itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShopFacts {
    /// The shop id (stamped on bookings).
    pub shop_id: String,
    /// A name to recognise the shop by (its domain, as `shop.json` has no title).
    pub name: Option<String>,
    /// The ISO currency of order amounts.
    pub currency: Option<String>,
    /// What the API key may do.
    #[serde(skip)]
    pub permissions: AccountPermissions,
}

/// A permission the flows need, and which flow needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct NeededPermission {
    /// The scope, e.g. `orders`.
    pub scope: &'static str,
    /// `read` or `write`.
    pub access: &'static str,
    /// Why Koppel needs it.
    pub used_for: &'static str,
    /// Whether the order flow (the flow of this build) cannot work without it.
    pub required_by_orders: bool,
}

/// The permissions Koppel's flows use: orders read+write, customers read, products read+write.
pub const NEEDED_PERMISSIONS: [NeededPermission; 5] = [
    NeededPermission {
        scope: "orders",
        access: "read",
        used_for: "reading orders to book",
        required_by_orders: true,
    },
    NeededPermission {
        scope: "orders",
        access: "write",
        used_for: "writing the booking number back",
        required_by_orders: false,
    },
    NeededPermission {
        scope: "customers",
        access: "read",
        used_for: "the customer flow",
        required_by_orders: false,
    },
    NeededPermission {
        scope: "products",
        access: "read",
        used_for: "matching variants for stock and products",
        required_by_orders: false,
    },
    NeededPermission {
        scope: "products",
        access: "write",
        used_for: "writing stock levels and products",
        required_by_orders: false,
    },
];

impl ShopFacts {
    /// Reads the facts from `shop.json`.
    pub fn from_shop(shop: &Shop, permissions: AccountPermissions) -> Self {
        let name = shop
            .extra
            .get("title")
            .and_then(|v| v.as_str())
            .map(str::to_owned)
            .or_else(|| shop.main_domain.clone())
            .or_else(|| shop.sub_domain.clone());
        Self {
            shop_id: shop.id.to_string(),
            name,
            currency: shop
                .currency
                .as_ref()
                .and_then(|c| c.shortcode.clone())
                .map(|c| c.to_ascii_uppercase()),
            permissions,
        }
    }

    /// The needed permissions the key lacks.
    pub fn missing_permissions(&self) -> Vec<NeededPermission> {
        // A permission the API did not state (scope or flag absent) is not assumed granted.
        NEEDED_PERMISSIONS
            .into_iter()
            .filter(|n| !self.permissions.grants(n.scope, n.access))
            .collect()
    }
}

/// Tests a shop connection: `shop.json` and `account/permissions.json` (two requests).
pub async fn shop_facts(client: &LightspeedClient) -> Result<ShopFacts, lightspeed_client::Error> {
    let shop = client.shop().get().await?;
    let permissions = client.account().permissions().await?;
    Ok(ShopFacts::from_shop(&shop, permissions))
}

/// The shop's payment and shipping methods.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ShopMethods {
    /// Payment methods (`key` matches an order's payment method).
    pub payment: Vec<PaymentMethod>,
    /// Shipping methods (`title` matches an order's shipping method).
    pub shipping: Vec<ShippingMethod>,
}

/// Reads the shop's payment and shipping methods.
pub async fn shop_methods(
    client: &LightspeedClient,
) -> Result<ShopMethods, lightspeed_client::Error> {
    Ok(ShopMethods {
        payment: client.payment_methods().list().all().await?,
        shipping: client.shipping_methods().list().all().await?,
    })
}

/// A payment condition (`PC1` / `PAY_COND`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PaymentCondition {
    /// `DISC_CODE`.
    pub code: String,
    /// `DISC_DESC`.
    pub description: Option<String>,
    /// `CRED_DAYS`: days to pay.
    pub credit_days: Option<Decimal>,
    /// `PD_PCT`: prompt-payment discount.
    pub discount_pct: Option<Decimal>,
}

impl PaymentCondition {
    /// Reads one `PAY_COND` row; `None` without a code.
    pub fn from_row(row: &accountview_client::Row) -> Option<Self> {
        Some(Self {
            code: row.text_lossy("DISC_CODE")?.trim().to_owned(),
            description: row.text_lossy("DISC_DESC"),
            credit_days: row.decimal("CRED_DAYS").ok().flatten(),
            discount_pct: row.decimal("PD_PCT").ok().flatten(),
        })
    }

    /// Paid at once: no credit days and no prompt-payment discount.
    pub fn is_immediate(&self) -> bool {
        self.credit_days.unwrap_or_default().is_zero()
            && self.discount_pct.unwrap_or_default().is_zero()
    }
}

/// The payment conditions, or why they could not be read.
#[derive(Debug, Clone, PartialEq)]
pub enum PaymentConditions {
    /// Read from `PC1`.
    Found(Vec<PaymentCondition>),
    /// The administration does not offer them (or refused the read): the reason.
    Unavailable(String),
}

impl PaymentConditions {
    /// The conditions read (none when unavailable).
    pub fn list(&self) -> &[PaymentCondition] {
        match self {
            Self::Found(list) => list,
            Self::Unavailable(_) => &[],
        }
    }

    /// Whether `code` is a known condition (`None` when they could not be read).
    pub fn contains(&self, code: &str) -> Option<bool> {
        match self {
            Self::Found(list) => Some(list.iter().any(|c| c.code.eq_ignore_ascii_case(code))),
            Self::Unavailable(_) => None,
        }
    }
}

/// What one AccountView administration holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Administration {
    /// The business objects it offers (`None` when the list could not be read).
    pub business_objects: Option<Vec<BusinessObjectInfo>>,
    /// VAT codes (`VA1`).
    pub vat_codes: Vec<VatCode>,
    /// Ledger accounts (`GL1`).
    pub ledger_accounts: Vec<LedgerAccount>,
    /// Journals (`DJ1`).
    pub journals: Vec<Journal>,
    /// Payment conditions (`PC1`).
    pub payment_conditions: PaymentConditions,
    /// Whether articles (`AK1`) can be read (one `PageSize=1` read).
    pub articles_readable: bool,
    /// Which of the asked-for article codes exist (upper case).
    pub existing_articles: BTreeSet<String>,
    /// Column dictionaries per table (read by [`read_dictionaries`]); a table that could not be
    /// read is absent or empty.
    pub dictionaries: BTreeMap<String, Vec<FieldDictionaryEntry>>,
    /// When the payment conditions cannot be read: the condition codes the debtors use
    /// (`CONTACT.DISC_CODE`), with how many debtors use each, most used first.
    pub debtor_payment_codes: Vec<(String, usize)>,
}

impl Administration {
    /// Whether article `code` exists (asked for in [`discover_administration`]).
    pub fn has_article(&self, code: &str) -> bool {
        self.existing_articles
            .contains(&code.trim().to_ascii_uppercase())
    }

    /// The dictionary of `table` when it could be read and is not empty.
    pub fn dictionary(&self, table: &str) -> Option<&[FieldDictionaryEntry]> {
        self.dictionaries
            .get(table)
            .map(Vec::as_slice)
            .filter(|d| !d.is_empty())
    }

    /// Whether `table` has `column`: `None` when the table's dictionary is unknown.
    pub fn has_column(&self, table: &str, column: &str) -> Option<bool> {
        self.dictionary(table)
            .map(|d| d.iter().any(|f| f.is_field(column)))
    }

    /// Every dictionary entry read, of every table.
    pub fn dictionary_entries(&self) -> Vec<FieldDictionaryEntry> {
        self.dictionaries.values().flatten().cloned().collect()
    }
}

/// Reads an administration: its business objects, VAT codes, ledger accounts, journals, payment
/// conditions (or, when they cannot be read, the codes its debtors use), whether `article_codes`
/// exist and one page of articles. The column dictionaries are read apart
/// ([`read_dictionaries`]). `client` must be bound to the company.
///
/// A missing `PC1` object is recorded, not an error; an error reading the core reference data
/// (token, relay offline, …) is returned.
pub async fn discover_administration(
    client: &AccountViewClient,
    article_codes: &[&str],
) -> accountview_client::Result<Administration> {
    let business_objects = match client.business_objects().await {
        Ok(list) => Some(list),
        Err(e) if is_fatal(&e) => return Err(e),
        Err(e) => {
            tracing::warn!(error = %e, "cannot list the business objects");
            None
        }
    };
    let vat_codes = client.vat_codes().all().await?;
    let ledger_accounts = client.ledger_accounts().all().await?;
    let journals = client.journals().all().await?;
    let payment_conditions = payment_conditions(client, business_objects.as_deref()).await?;
    client
        .query(Query::new("AK1").table("ARTICLE"))
        .first()
        .await?;
    let codes: Vec<String> = article_codes
        .iter()
        .map(|c| c.trim().to_ascii_uppercase())
        .filter(|c| !c.is_empty())
        .collect();
    let existing_articles = if codes.is_empty() {
        BTreeSet::new()
    } else {
        // One `Equal` per code, OR'ed (a code may hold a comma, which a list filter would split);
        // `Equal` also matches longer codes that start with one, so only the codes asked for count.
        let mut query = Query::new("AK1")
            .table("ARTICLE")
            .fields(["ART_CODE"])
            .match_any(true);
        for code in &codes {
            query = query.filter(Filter::equal("ART_CODE", code.as_str()));
        }
        let wanted = &codes;
        client
            .query(query)
            .stream()
            .try_filter_map(|row| async move {
                Ok(row
                    .text_lossy("ART_CODE")
                    .map(|c| c.trim().to_ascii_uppercase())
                    .filter(|c| wanted.contains(c)))
            })
            .try_collect()
            .await?
    };
    let debtor_payment_codes = match &payment_conditions {
        PaymentConditions::Found(_) => Vec::new(),
        PaymentConditions::Unavailable(_) => debtor_payment_codes(client).await?,
    };
    Ok(Administration {
        business_objects,
        vat_codes,
        ledger_accounts,
        journals,
        payment_conditions,
        articles_readable: true,
        existing_articles,
        dictionaries: BTreeMap::new(),
        debtor_payment_codes,
    })
}

/// The field dictionaries of `tables`; a table that cannot be read is left out (with a log line),
/// an error of the connection itself is returned.
pub async fn read_dictionaries(
    client: &AccountViewClient,
    tables: &[&str],
) -> accountview_client::Result<BTreeMap<String, Vec<FieldDictionaryEntry>>> {
    let mut dictionaries = BTreeMap::new();
    for table in tables {
        match client.field_dictionary(table).await {
            Ok(entries) => {
                dictionaries.insert((*table).to_owned(), entries);
            }
            Err(e) if is_fatal(&e) => return Err(e),
            Err(e) => tracing::warn!(table, error = %e, "cannot read the field dictionary"),
        }
    }
    Ok(dictionaries)
}

/// The payment-condition codes the debtors use (`CONTACT.DISC_CODE`, one scan of that column),
/// most used first; none when the column cannot be read.
async fn debtor_payment_codes(
    client: &AccountViewClient,
) -> accountview_client::Result<Vec<(String, usize)>> {
    let query = Query::new("AR1")
        .table("CONTACT")
        .fields(["SUB_NR", "DISC_CODE"])
        .page_size(1000);
    let rows = match client.query(query).collect().await {
        Ok(rows) => rows,
        Err(e) if is_fatal(&e) => return Err(e),
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the debtors' payment conditions");
            return Ok(Vec::new());
        }
    };
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for code in rows
        .iter()
        .filter_map(|r| r.text_lossy("DISC_CODE"))
        .map(|c| c.trim().to_ascii_uppercase())
        .filter(|c| !c.is_empty())
    {
        *counts.entry(code).or_default() += 1;
    }
    let mut codes: Vec<(String, usize)> = counts.into_iter().collect();
    codes.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(codes)
}

/// Errors that end discovery (the connection itself is broken), as opposed to one object or
/// dictionary the tenant does not offer.
fn is_fatal(error: &accountview_client::Error) -> bool {
    use accountview_client::Error as E;
    matches!(
        error,
        E::Unauthorized
            | E::ReauthorizationRequired
            | E::OAuth { .. }
            | E::Gateway { .. }
            | E::Transport { .. }
            | E::Timeout
            | E::TokenStore { .. }
            | E::Config(_)
    )
}

async fn payment_conditions(
    client: &AccountViewClient,
    business_objects: Option<&[BusinessObjectInfo]>,
) -> accountview_client::Result<PaymentConditions> {
    if let Some(list) = business_objects
        && !list.iter().any(|b| b.is(PAYMENT_CONDITIONS_OBJECT))
    {
        return Ok(PaymentConditions::Unavailable(format!(
            "the administration offers no {PAYMENT_CONDITIONS_OBJECT} business object"
        )));
    }
    let query = Query::new(PAYMENT_CONDITIONS_OBJECT).table(PAYMENT_CONDITIONS_TABLE);
    match client.query(query).collect().await {
        Ok(rows) => Ok(PaymentConditions::Found(
            rows.iter().filter_map(PaymentCondition::from_row).collect(),
        )),
        Err(e) if is_fatal(&e) => Err(e),
        Err(e) => Ok(PaymentConditions::Unavailable(format!(
            "{PAYMENT_CONDITIONS_OBJECT} cannot be read: {e}"
        ))),
    }
}

/// Everything the wizard learnt: the shop, its methods, the chosen company and its administration.
#[derive(Debug, Clone, PartialEq)]
pub struct Discovery {
    /// The shop.
    pub shop: ShopFacts,
    /// Its payment and shipping methods.
    pub methods: ShopMethods,
    /// The chosen administration.
    pub company: Company,
    /// What it holds.
    pub administration: Administration,
}
