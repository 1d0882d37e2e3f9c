//! [`ColumnPlan`]: every AccountView column the configured flows read or write, per table, each
//! optional or required and the option that chose it; [`ColumnCheck`]: that plan held against an
//! administration's field dictionary.
//!
//! One description for `koppel init` (which proposes only columns that exist), `koppel check` (which
//! lists exactly the columns a run uses, with their lengths) and every run ([`Ledger::prepare`],
//! [`ArticleSource::prepare`]), so the three agree on every column by construction:
//!
//! * an **optional** column the administration lacks (the blocked flag, the EAN, a line's discount
//!   amount, a debtor's mobile phone…) is dropped for the run: left out of every query and write
//!   (its option is off for the run, and the client's field facts omit it from writes), with one
//!   warning;
//! * a **required** one (an article code, a reference column, a quantity column of the stock
//!   formula) is a fatal configuration error naming the option to set;
//! * a table the dictionary does not describe is a warning: its columns are used unverified.
//!
//! [`Ledger::prepare`]: sync_core::traits::Ledger::prepare
//! [`ArticleSource::prepare`]: sync_core::traits::ArticleSource::prepare

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;
use sync_core::config::{BookingTarget, DiscountMode, OrdersConfig, StockConfig};
use sync_core::domain::MatchKey;
use sync_core::error::SyncError;

use super::options::LedgerOptions;
use crate::discovery::FieldDictionaryEntry;
use crate::write::FieldType;

/// A flow that uses the administration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Flow {
    /// Shop orders booked in AccountView.
    Orders,
    /// AccountView stock written to the shop.
    Stock,
}

impl fmt::Display for Flow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Orders => "orders",
            Self::Stock => "stock",
        })
    }
}

/// Whether a run can do without a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Need {
    /// Absent: dropped for the run, with a warning.
    Optional,
    /// Absent: the run stops with a configuration error naming the option.
    Required,
}

/// The option whose column a run leaves out (or keeps) for a dropped column. Columns without one are
/// only omitted from writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// No option to switch off: the column is omitted from writes.
    Omit,
    Ean,
    Sku,
    Blocked,
    LineDiscount,
    LineDescription,
    LineVatCode,
    LineRevenueAccount,
    ShippingMethod,
    PaymentMethod,
    ShopId,
    DebtorRevenueAccount,
}

impl Slot {
    /// Switches the option off in `options`.
    fn switch_off(self, options: &mut LedgerOptions) {
        let slot = match self {
            Self::Omit => return,
            Self::Ean => &mut options.ean_column,
            Self::Sku => &mut options.sku_column,
            Self::Blocked => &mut options.article_blocked_column,
            Self::LineDiscount => &mut options.order_line_discount_column,
            Self::LineDescription => &mut options.order_line_description_column,
            Self::LineVatCode => &mut options.order_line_vat_code_column,
            Self::LineRevenueAccount => &mut options.order_line_revenue_account_column,
            Self::ShippingMethod => &mut options.shipping_method_column,
            Self::PaymentMethod => &mut options.payment_method_column,
            Self::ShopId => &mut options.shop_id_column,
            Self::DebtorRevenueAccount => &mut options.debtor_revenue_account_column,
        };
        *slot = None;
    }
}

/// One use of a column by a flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ColumnUse {
    /// The flow.
    pub flow: Flow,
    /// Whether it can do without the column.
    pub need: Need,
    /// The configuration option that chose the column (`[accountview.ledger] ean_column`), or
    /// `None` for a column Koppel always uses.
    pub option: Option<String>,
    /// What the column is for.
    pub purpose: String,
    #[serde(skip)]
    slot: Slot,
}

/// A column of the plan: its table, its name, and every use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PlannedColumn {
    /// The business objects it is read or written through (`AK1`, `SO1`…).
    pub business_objects: Vec<String>,
    /// The table, e.g. `ARTICLE`.
    pub table: String,
    /// The column, e.g. `BAR_CODE`.
    pub column: String,
    /// Its uses, by flow.
    pub uses: Vec<ColumnUse>,
}

impl PlannedColumn {
    /// The strongest need of `flow` (`None`: the flow does not use the column).
    pub fn need(&self, flow: Flow) -> Option<Need> {
        self.uses
            .iter()
            .filter(|u| u.flow == flow)
            .map(|u| u.need)
            .max()
    }

    /// The strongest need of any flow.
    pub fn strongest_need(&self) -> Need {
        self.uses
            .iter()
            .map(|u| u.need)
            .max()
            .unwrap_or(Need::Optional)
    }

    /// Whether `flow` uses the column.
    pub fn used_by(&self, flow: Flow) -> bool {
        self.uses.iter().any(|u| u.flow == flow)
    }

    /// The options that chose it (each once).
    pub fn options(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for o in self.uses.iter().filter_map(|u| u.option.as_deref()) {
            if !out.contains(&o) {
                out.push(o);
            }
        }
        out
    }

    /// What it is for (each purpose once), joined.
    pub fn purpose(&self) -> String {
        let mut out: Vec<&str> = Vec::new();
        for p in self.uses.iter().map(|u| u.purpose.as_str()) {
            if !out.contains(&p) {
                out.push(p);
            }
        }
        out.join("; ")
    }

    /// `TABLE.COLUMN`.
    pub fn label(&self) -> String {
        format!("{}.{}", self.table, self.column)
    }
}

/// How the orders flow uses the administration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct OrdersScope {
    /// Orders are booked as sales orders (`SO1`).
    pub sales_orders: bool,
    /// Sales invoices or credit notes are posted as journal pages (`DJ2`).
    pub journal: bool,
    /// Debtors are found and created per customer (no default debtor).
    pub debtors: bool,
    /// Order-level discounts go on the sales-order header (`SO_HDR.PD_AMT`).
    pub header_discount: bool,
}

impl OrdersScope {
    /// The scope of `[orders]`.
    pub fn from_config(config: &OrdersConfig) -> Self {
        Self {
            sales_orders: config.target == BookingTarget::SalesOrder,
            journal: config.target == BookingTarget::SalesInvoice || config.credit_notes,
            debtors: config.default_debtor.is_none(),
            header_discount: config.order_discount == DiscountMode::Header,
        }
    }
}

impl Default for OrdersScope {
    /// Both bookings, per-customer debtors, discounts as lines.
    fn default() -> Self {
        Self {
            sales_orders: true,
            journal: true,
            debtors: true,
            header_discount: false,
        }
    }
}

/// How the stock flow uses the administration.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StockScope {
    /// The quantity columns the formula reads, each with the option that chose it.
    pub quantity_columns: Vec<(String, String)>,
    /// Articles are matched to shop variants by EAN.
    pub match_ean: bool,
    /// Articles are matched to shop variants by SKU.
    pub match_sku: bool,
}

impl StockScope {
    /// The scope of `[stock]`; a formula that does not compile reads no column (the flow reports
    /// it).
    pub fn from_config(config: &StockConfig) -> Self {
        let c = &config.columns;
        let options = [
            ("[stock.columns] technical", &c.technical),
            ("[stock.columns] available", &c.available),
            ("[stock.columns] reserved_sales", &c.reserved_sales),
            ("[stock.columns] economic", &c.economic),
        ];
        let quantity_columns = config
            .calculator()
            .map(|calc| calc.expression().columns())
            .unwrap_or_default()
            .into_iter()
            .map(|column| {
                let option = options
                    .iter()
                    .find(|(_, c)| c.eq_ignore_ascii_case(&column))
                    .map_or("[stock] formula", |(o, _)| *o)
                    .to_owned();
                (column, option)
            })
            .collect();
        Self {
            quantity_columns,
            match_ean: config.match_order.contains(&MatchKey::Ean),
            match_sku: config.match_order.contains(&MatchKey::Sku),
        }
    }
}

/// Which flows use the administration, and how: what a [`ColumnPlan`] is made from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PlanScope {
    /// The orders flow, when enabled.
    pub orders: Option<OrdersScope>,
    /// The stock flow, when enabled.
    pub stock: Option<StockScope>,
}

impl Default for PlanScope {
    /// The orders flow with both kinds of booking (the connector's use without a configuration
    /// that says more); no stock flow.
    fn default() -> Self {
        Self {
            orders: Some(OrdersScope::default()),
            stock: None,
        }
    }
}

impl PlanScope {
    /// The scope of the enabled flows (`None`: the flow is off).
    pub fn from_config(orders: Option<&OrdersConfig>, stock: Option<&StockConfig>) -> Self {
        Self {
            orders: orders.map(OrdersScope::from_config),
            stock: stock.map(StockScope::from_config),
        }
    }

    /// No flow.
    pub fn none() -> Self {
        Self {
            orders: None,
            stock: None,
        }
    }
}

/// Every AccountView column the configured flows read or write, per table, each optional or
/// required and the option that chose it. [`ColumnPlan::check`] holds it against a field dictionary:
/// an optional column the administration lacks is dropped for the run (with a warning), a required
/// one is a configuration error naming the option to set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColumnPlan {
    columns: Vec<PlannedColumn>,
}

/// Every table a plan may name, in plan order.
pub const PLAN_TABLES: [&str; 7] = [
    "ARTICLE", "CONTACT", "DEL_ADDR", "SO_HDR", "SO_LINE", "DJ_PAGE", "DJ_LINE",
];

const LEDGER: &str = "[accountview.ledger]";

/// Builds a plan, merging the uses of one column: columns are added to the current business
/// object and table ([`Builder::at`]) for the current flow.
struct Builder {
    flow: Flow,
    object: String,
    table: &'static str,
    columns: Vec<PlannedColumn>,
}

impl Builder {
    /// Columns added next are read or written through `object`, in `table`.
    fn at(&mut self, object: &str, table: &'static str) -> &mut Self {
        object.clone_into(&mut self.object);
        self.table = table;
        self
    }

    fn add(
        &mut self,
        column: &str,
        need: Need,
        option: Option<String>,
        slot: Slot,
        purpose: &str,
    ) -> &mut Self {
        let column = column.trim();
        if column.is_empty() {
            return self;
        }
        let usage = ColumnUse {
            flow: self.flow,
            need,
            option,
            purpose: purpose.to_owned(),
            slot,
        };
        let (object, table) = (self.object.clone(), self.table);
        match self
            .columns
            .iter_mut()
            .find(|c| c.table.eq_ignore_ascii_case(table) && c.column.eq_ignore_ascii_case(column))
        {
            Some(c) => {
                if !c.business_objects.contains(&object) {
                    c.business_objects.push(object);
                }
                if !c.uses.contains(&usage) {
                    c.uses.push(usage);
                }
            }
            None => self.columns.push(PlannedColumn {
                business_objects: vec![object],
                table: table.to_owned(),
                column: column.to_ascii_uppercase(),
                uses: vec![usage],
            }),
        }
        self
    }

    /// A column Koppel always uses.
    fn fixed(&mut self, column: &str, need: Need, purpose: &str) -> &mut Self {
        self.add(column, need, None, Slot::Omit, purpose)
    }

    /// A column an `[accountview.ledger]` option names (nothing when the option is off).
    fn option(
        &mut self,
        option: &str,
        column: Option<&str>,
        need: Need,
        slot: Slot,
        purpose: &str,
    ) -> &mut Self {
        match column {
            Some(column) => {
                let option = Some(format!("{LEDGER} {option}"));
                self.add(column, need, option, slot, purpose)
            }
            None => self,
        }
    }

    /// The extra columns of a constants table (optional, omitted when absent).
    fn constants(&mut self, option: &str, constants: &BTreeMap<String, String>) -> &mut Self {
        let purpose = format!("a fixed value set by {LEDGER} {option}");
        for column in constants.keys() {
            let option = Some(format!("{LEDGER} {option}"));
            self.add(column, Need::Optional, option, Slot::Omit, &purpose);
        }
        self
    }
}

use Need::{Optional, Required};

impl ColumnPlan {
    /// The plan of `options` for the flows in `scope`.
    pub fn new(options: &LedgerOptions, scope: &PlanScope) -> Self {
        let mut b = Builder {
            flow: Flow::Orders,
            object: String::new(),
            table: "",
            columns: Vec::new(),
        };
        if let Some(orders) = &scope.orders {
            orders_columns(&mut b, options, orders);
        }
        if let Some(stock) = &scope.stock {
            b.flow = Flow::Stock;
            stock_columns(&mut b, options, stock);
        }
        let mut columns = b.columns;
        columns.sort_by_key(|c| {
            PLAN_TABLES
                .iter()
                .position(|t| t.eq_ignore_ascii_case(&c.table))
                .unwrap_or(PLAN_TABLES.len())
        });
        Self { columns }
    }

    /// Every column, grouped by table (in [`PLAN_TABLES`] order).
    pub fn columns(&self) -> &[PlannedColumn] {
        &self.columns
    }

    /// The tables the plan names (each once, in plan order).
    pub fn tables(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for c in &self.columns {
            if !out.contains(&c.table.as_str()) {
                out.push(&c.table);
            }
        }
        out
    }

    /// The column `table.column`, if planned.
    pub fn column(&self, table: &str, column: &str) -> Option<&PlannedColumn> {
        self.columns
            .iter()
            .find(|c| c.table.eq_ignore_ascii_case(table) && c.column.eq_ignore_ascii_case(column))
    }

    /// Holds the plan against `dictionary` (the field dictionary of the plan's tables; a table
    /// without entries is not described).
    pub fn check(&self, dictionary: &[FieldDictionaryEntry]) -> ColumnCheck {
        let columns = self
            .columns
            .iter()
            .map(|planned| {
                let mut of_table = dictionary
                    .iter()
                    .filter(|e| e.is_in_table(&planned.table))
                    .peekable();
                let status = if of_table.peek().is_none() {
                    ColumnStatus::Unverified
                } else {
                    match of_table.find(|e| e.is_field(&planned.column)) {
                        Some(e) => ColumnStatus::Present {
                            field_type: e.field_type.map(FieldType::as_char),
                            length: e.length,
                            uppercase: e.format.as_deref().is_some_and(|f| f.contains('!')),
                        },
                        None => ColumnStatus::Missing,
                    }
                };
                CheckedColumn {
                    planned: planned.clone(),
                    status,
                }
            })
            .collect();
        ColumnCheck {
            columns,
            dictionary_error: None,
        }
    }

    /// The plan unchecked, because the dictionary could not be read (`why`): every column is used
    /// unverified, and that is one warning.
    pub fn unchecked(&self, why: impl Into<String>) -> ColumnCheck {
        ColumnCheck {
            columns: self
                .columns
                .iter()
                .map(|planned| CheckedColumn {
                    planned: planned.clone(),
                    status: ColumnStatus::Unverified,
                })
                .collect(),
            dictionary_error: Some(why.into()),
        }
    }
}

/// The orders flow's columns.
fn orders_columns(b: &mut Builder, o: &LedgerOptions, scope: &OrdersScope) {
    b.at("AK1", "ARTICLE")
        .fixed(
            "ART_CODE",
            Required,
            "article code: order lines are matched on it",
        )
        .fixed(
            "ART_DESC1",
            Required,
            "article description, in the article index",
        )
        .option(
            "ean_column",
            o.ean_column.as_deref(),
            Optional,
            Slot::Ean,
            "EAN: order lines are matched on it",
        )
        .option(
            "sku_column",
            o.sku_column.as_deref(),
            Optional,
            Slot::Sku,
            "SKU: order lines are matched on it",
        )
        .option(
            "article_blocked_column",
            o.article_blocked_column.as_deref(),
            Optional,
            Slot::Blocked,
            "blocked flag: a line on a blocked article is refused before booking",
        );

    if scope.debtors {
        b.at("AR1", "CONTACT");
        for (column, purpose) in [
            ("SUB_NR", "debtor number"),
            ("MAIL_BUS", "e-mail address: debtors are found by it"),
            ("ACCT_NR", "collective account of new debtors"),
            ("SRC_CODE", "search code of new debtors"),
            ("ACCT_NAME", "debtor name"),
        ] {
            b.fixed(column, Required, purpose);
        }
        for (column, purpose) in [
            ("ADDRESS1", "debtor address"),
            ("ST_STREET", "debtor street"),
            ("ST_NR", "debtor house number"),
            ("ST_EXTRA", "debtor house number addition"),
            ("POST_CODE", "debtor postcode"),
            ("CITY", "debtor city"),
            ("CNT_CODE", "debtor country"),
            ("TEL_BUS", "debtor phone"),
            ("TEL_MOB", "debtor mobile phone"),
            ("VAT_NR", "debtor VAT number"),
            ("COC_CODE", "debtor KvK number"),
            ("MAIN_CONT", "contact person of a company debtor"),
            ("DISC_CODE", "payment condition of new debtors"),
            ("VAT_CODE", "default VAT code of debtors"),
            ("DEB_NR", "the shop's customer id"),
            ("LNG_CODE", "debtor language"),
        ] {
            b.fixed(column, Optional, purpose);
        }
        b.option(
            "debtor_revenue_account_column",
            o.debtor_revenue_account_column.as_deref(),
            Optional,
            Slot::DebtorRevenueAccount,
            "revenue account of debtors",
        );
    }

    b.at("ADDR", "DEL_ADDR")
        .fixed("REC_ID", Required, "delivery address code")
        .fixed(
            "SUB_NR",
            Required,
            "debtor of a delivery address: addresses are found by it",
        )
        .fixed("DEL_NAME", Required, "addressee");
    for column in [
        "ADDRESS1",
        "POST_CODE",
        "CITY",
        "CNT_CODE",
        "MAIL_BUS",
        "TEL_BUS",
    ] {
        b.fixed(column, Optional, "delivery address");
    }

    if scope.sales_orders {
        b.at("SO1", "SO_HDR")
            .option(
                "sales_order_reference_column",
                Some(&o.sales_order_reference_column),
                Required,
                Slot::Omit,
                "the shop order's reference: bookings are found by it",
            )
            .option(
                "sales_order_number_column",
                Some(&o.sales_order_number_column),
                Required,
                Slot::Omit,
                "the order number AccountView gives",
            )
            .fixed("ORD_DATE", Required, "order date")
            .fixed("RPL_INV", Required, "invoice debtor")
            .fixed("INV_DATE", Optional, "invoice date")
            .fixed("RPL_DEL", Optional, "delivery debtor")
            .fixed("DEL_CODE", Optional, "delivery address of the order")
            .fixed("TO_EMAIL", Optional, "e-mail address of the order");
        if scope.header_discount {
            b.add(
                "PD_AMT",
                Required,
                Some("[orders] order_discount".into()),
                Slot::Omit,
                "order discount on the header",
            );
        }
        b.option(
            "payment_condition_column",
            o.payment_condition_column.as_deref(),
            Optional,
            Slot::Omit,
            "payment condition",
        )
        .option(
            "shipping_method_column",
            o.shipping_method_column.as_deref(),
            Optional,
            Slot::ShippingMethod,
            "shipping method",
        )
        .option(
            "payment_method_column",
            o.payment_method_column.as_deref(),
            Optional,
            Slot::PaymentMethod,
            "payment method",
        )
        .option(
            "shop_id_column",
            o.shop_id_column.as_deref(),
            Optional,
            Slot::ShopId,
            "shop id",
        )
        .constants("header_constants", &o.header_constants);

        b.at("SO1", "SO_LINE")
            .fixed("ART_CODE", Required, "article of an order line")
            .fixed("ORD_QTY", Required, "quantity")
            .fixed("ART_PX", Required, "unit price")
            .option(
                "order_line_discount_column",
                o.order_line_discount_column.as_deref(),
                Optional,
                Slot::LineDiscount,
                "line discount amount; without it a discounted line carries its net unit price",
            )
            .option(
                "order_line_description_column",
                o.order_line_description_column.as_deref(),
                Optional,
                Slot::LineDescription,
                "line description",
            )
            .option(
                "order_line_vat_code_column",
                o.order_line_vat_code_column.as_deref(),
                Optional,
                Slot::LineVatCode,
                "line VAT code; without it AccountView takes the article's",
            )
            .option(
                "order_line_revenue_account_column",
                o.order_line_revenue_account_column.as_deref(),
                Optional,
                Slot::LineRevenueAccount,
                "line revenue account; without it AccountView takes the article's",
            )
            .constants("line_constants", &o.line_constants);
    }

    if scope.journal {
        let object = if o.journal_read_object.eq_ignore_ascii_case("DJ2") {
            "DJ2".to_owned()
        } else {
            format!("DJ2/{}", o.journal_read_object)
        };
        b.at(&object, "DJ_PAGE")
            .option(
                "sales_invoice_reference_column",
                Some(&o.sales_invoice_reference_column),
                Required,
                Slot::Omit,
                "the shop document's reference: bookings are found by it",
            )
            .option(
                "journal_number_column",
                Some(&o.journal_number_column),
                Required,
                Slot::Omit,
                "the booking's number",
            );
        for (column, purpose) in [
            ("DJ_CODE", "journal"),
            ("SUB_NR", "debtor"),
            ("INV_NR", "invoice number"),
            ("TRN_DATE", "booking date"),
            ("HDR_DESC", "description"),
            (
                "PAGE_NR",
                "page number: the booking's number when the invoice number is empty",
            ),
            ("GROSS_FLG", "amounts excluding VAT"),
        ] {
            b.fixed(column, Required, purpose);
        }
        b.fixed("PERIOD", Optional, "period")
            .fixed("CUR_CODE", Optional, "currency")
            .option(
                "payment_condition_column",
                o.payment_condition_column.as_deref(),
                Optional,
                Slot::Omit,
                "payment condition",
            )
            .constants("journal_header_constants", &o.journal_header_constants);

        b.at("DJ2", "DJ_LINE");
        for (column, purpose) in [
            ("ACCT_NR", "revenue account"),
            ("AMOUNT", "amount excluding VAT"),
            ("VAT_CODE", "VAT code"),
            ("VAT_AMT", "VAT amount"),
        ] {
            b.fixed(column, Required, purpose);
        }
        b.fixed("TRN_DESC", Optional, "line description")
            .fixed("TRN_QTY", Optional, "quantity")
            .constants("journal_line_constants", &o.journal_line_constants);
    }
}

/// The stock flow's columns.
fn stock_columns(b: &mut Builder, o: &LedgerOptions, scope: &StockScope) {
    b.at("AK1", "ARTICLE").fixed(
        "ART_CODE",
        Required,
        "article code: articles are matched to shop variants on it",
    );
    for (column, option) in &scope.quantity_columns {
        b.add(
            column,
            Required,
            Some(option.clone()),
            Slot::Omit,
            "a quantity of the stock formula",
        );
    }
    if scope.match_ean {
        b.option(
            "ean_column",
            o.ean_column.as_deref(),
            Optional,
            Slot::Ean,
            "EAN: articles are matched to shop variants on it",
        );
    }
    if scope.match_sku {
        b.option(
            "sku_column",
            o.sku_column.as_deref(),
            Optional,
            Slot::Sku,
            "SKU: articles are matched to shop variants on it",
        );
    }
}

/// What the field dictionary says about a planned column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ColumnStatus {
    /// The administration has it.
    Present {
        /// Its FoxPro type letter.
        field_type: Option<char>,
        /// Its length.
        length: Option<usize>,
        /// Whether it takes upper case only (`FLD_FMT "!"`).
        uppercase: bool,
    },
    /// The dictionary describes the table, without this column.
    Missing,
    /// The dictionary does not describe the table (or could not be read): used unverified.
    Unverified,
}

/// A planned column and what the dictionary says about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CheckedColumn {
    /// The column.
    #[serde(flatten)]
    pub planned: PlannedColumn,
    /// What the dictionary says.
    #[serde(flatten)]
    pub status: ColumnStatus,
}

impl CheckedColumn {
    /// Whether a run uses it (present or unverified; a missing column is left out or stops the
    /// run).
    pub fn in_use(&self) -> bool {
        self.status != ColumnStatus::Missing
    }

    /// The column with its type and length as the dictionary has them (`SO_HDR.COMMENT1 C60`).
    pub fn describe(&self) -> String {
        match &self.status {
            ColumnStatus::Present {
                field_type,
                length,
                uppercase,
            } => {
                let mut out = self.planned.label();
                if let Some(t) = field_type {
                    out.push(' ');
                    out.push(*t);
                    if let Some(l) = length.filter(|l| *l > 0) {
                        out.push_str(&l.to_string());
                    }
                }
                if *uppercase {
                    out.push_str(" upper case");
                }
                out
            }
            ColumnStatus::Missing => format!("{} (absent)", self.planned.label()),
            ColumnStatus::Unverified => format!("{} (not verified)", self.planned.label()),
        }
    }
}

/// A [`ColumnPlan`] held against a field dictionary: which columns a run uses, which it drops
/// (with a warning each) and which it cannot do without.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ColumnCheck {
    /// Every planned column with what the dictionary says.
    pub columns: Vec<CheckedColumn>,
    /// Why the dictionary could not be read, if it could not.
    pub dictionary_error: Option<String>,
}

impl ColumnCheck {
    /// The columns of `flow` (every flow for `None`).
    fn of(&self, flow: Option<Flow>) -> impl Iterator<Item = &CheckedColumn> {
        self.columns
            .iter()
            .filter(move |c| flow.is_none_or(|f| c.planned.used_by(f)))
    }

    /// The columns a run of `flow` (every flow for `None`) reads or writes.
    pub fn in_use(&self, flow: Option<Flow>) -> Vec<&CheckedColumn> {
        self.of(flow).filter(|c| c.in_use()).collect()
    }

    /// The columns the administration lacks that a run of `flow` drops.
    pub fn dropped(&self, flow: Option<Flow>) -> Vec<&CheckedColumn> {
        self.of(flow)
            .filter(|c| c.status == ColumnStatus::Missing)
            .filter(|c| match flow {
                Some(f) => c.planned.need(f) == Some(Need::Optional),
                None => c.planned.strongest_need() == Need::Optional,
            })
            .collect()
    }

    /// The columns the administration lacks that a run of `flow` cannot do without.
    pub fn missing_required(&self, flow: Option<Flow>) -> Vec<&CheckedColumn> {
        self.of(flow)
            .filter(|c| c.status == ColumnStatus::Missing)
            .filter(|c| match flow {
                Some(f) => c.planned.need(f) == Some(Need::Required),
                None => c.planned.strongest_need() == Need::Required,
            })
            .collect()
    }

    /// The warnings of a run of `flow`: an unreadable dictionary, tables it does not describe, and
    /// one per dropped column.
    pub fn warnings(&self, flow: Option<Flow>) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(why) = &self.dictionary_error {
            out.push(format!(
                "the field dictionary cannot be read ({why}): the columns Koppel uses are not \
                 checked against the administration, and lengths AccountView knows but Koppel does \
                 not (such as the reference column's) are not checked before writing"
            ));
            return out;
        }
        let mut unverified: Vec<&str> = Vec::new();
        for c in self.of(flow) {
            if c.status == ColumnStatus::Unverified
                && !unverified.contains(&c.planned.table.as_str())
            {
                unverified.push(&c.planned.table);
            }
        }
        for table in unverified {
            out.push(format!(
                "the field dictionary has no table {table}: its columns are used without being \
                 verified"
            ));
        }
        for c in self.dropped(flow) {
            out.push(dropped_warning(c));
        }
        out
    }

    /// One problem per required column the administration lacks, naming the option to set.
    pub fn problems(&self, flow: Option<Flow>) -> Vec<String> {
        self.missing_required(flow)
            .into_iter()
            .map(missing_problem)
            .collect()
    }

    /// The fatal configuration error of a run of `flow`, if a required column is missing.
    pub fn error(&self, flow: Option<Flow>) -> Option<SyncError> {
        let problems = self.problems(flow);
        (!problems.is_empty()).then(|| SyncError::config(problems.join("; ")))
    }

    /// `options` for a run: every optional option whose column the administration lacks is
    /// switched off.
    pub fn run_options(&self, options: &LedgerOptions) -> LedgerOptions {
        let mut out = options.clone();
        for c in self
            .columns
            .iter()
            .filter(|c| c.status == ColumnStatus::Missing)
        {
            for u in c.planned.uses.iter().filter(|u| u.need == Need::Optional) {
                u.slot.switch_off(&mut out);
            }
        }
        out
    }

    /// The `(table, column)` pairs the administration lacks: left out of every write.
    pub fn omitted(&self) -> Vec<(&str, &str)> {
        self.columns
            .iter()
            .filter(|c| c.status == ColumnStatus::Missing)
            .map(|c| (c.planned.table.as_str(), c.planned.column.as_str()))
            .collect()
    }
}

/// The warning for a dropped optional column.
fn dropped_warning(c: &CheckedColumn) -> String {
    let p = &c.planned;
    match p.options().first() {
        Some(option) => format!(
            "{} has no column {}: {option} is left out of this run ({})",
            p.table,
            p.column,
            p.purpose()
        ),
        None => format!(
            "{} has no column {}: Koppel leaves it out ({})",
            p.table,
            p.column,
            p.purpose()
        ),
    }
}

/// The problem for a required column the administration lacks.
fn missing_problem(c: &CheckedColumn) -> String {
    let p = &c.planned;
    let (table, column) = (&p.table, &p.column);
    match p.options().first() {
        Some(option) => format!(
            "{option}: {table} has no column {column} in this administration's field dictionary \
             ({}); set {option} to a column of {table} the administration has",
            p.purpose()
        ),
        None => {
            let fix = match table.as_str() {
                "SO_HDR" | "SO_LINE" => {
                    "; book orders as sales invoices instead ([orders] target = \"sales_invoice\")"
                }
                "DJ_PAGE" | "DJ_LINE" => {
                    "; book orders as sales orders instead ([orders] target = \"sales_order\", \
                     [orders] credit_notes = false)"
                }
                "CONTACT" => "; or book every order on one debtor ([orders] default_debtor)",
                _ => "",
            };
            format!(
                "{table} has no column {column} in this administration's field dictionary, and \
                 Koppel needs it ({}){fix}",
                p.purpose()
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(table: &str, field: &str, ty: &str, len: i64, fmt: &str) -> FieldDictionaryEntry {
        let row: crate::dataset::Row = serde_json::from_value(serde_json::json!({
            "DBF_NAME": table, "FIELD_NAME": field, "FIELD_TYPE": ty, "FIELD_LEN": len,
            "FLD_FMT": fmt, "INP_MAND": false
        }))
        .unwrap();
        FieldDictionaryEntry::from_row(&row).unwrap()
    }

    /// A dictionary with every planned column of `plan` but `without`.
    fn dictionary(plan: &ColumnPlan, without: &[(&str, &str)]) -> Vec<FieldDictionaryEntry> {
        plan.columns()
            .iter()
            .filter(|c| {
                !without
                    .iter()
                    .any(|(t, col)| c.table == *t && c.column == *col)
            })
            .map(|c| entry(&c.table, &c.column, "C", 10, ""))
            .collect()
    }

    fn both() -> PlanScope {
        PlanScope::from_config(
            Some(&OrdersConfig::default()),
            Some(&StockConfig::default()),
        )
    }

    #[test]
    fn the_plan_names_every_column_with_its_option_and_need() {
        let plan = ColumnPlan::new(&LedgerOptions::default(), &both());
        assert_eq!(
            plan.tables(),
            ["ARTICLE", "CONTACT", "DEL_ADDR", "SO_HDR", "SO_LINE"],
            "sales orders, no journal (no credit notes)"
        );
        let ean = plan.column("ARTICLE", "BAR_CODE").unwrap();
        assert_eq!(ean.options(), ["[accountview.ledger] ean_column"]);
        assert_eq!(ean.need(Flow::Orders), Some(Need::Optional));
        assert_eq!(ean.need(Flow::Stock), Some(Need::Optional));
        let reserved = plan.column("ARTICLE", "QTY_RES_SO").unwrap();
        assert_eq!(reserved.need(Flow::Stock), Some(Need::Required));
        assert_eq!(reserved.need(Flow::Orders), None);
        assert_eq!(reserved.options(), ["[stock.columns] reserved_sales"]);
        let reference = plan.column("SO_HDR", "COMMENT1").unwrap();
        assert_eq!(reference.strongest_need(), Need::Required);
        assert!(plan.column("ARTICLE", "REC_BLK").is_some());
        assert!(plan.column("SO_LINE", "DISC_AMT").is_some());
        assert!(plan.column("DJ_PAGE", "HDR_DESC").is_none());

        let invoices = OrdersConfig {
            target: BookingTarget::SalesInvoice,
            default_debtor: Some("99999".into()),
            ..OrdersConfig::default()
        };
        let plan = ColumnPlan::new(
            &LedgerOptions::default(),
            &PlanScope::from_config(Some(&invoices), None),
        );
        assert_eq!(plan.tables(), ["ARTICLE", "DEL_ADDR", "DJ_PAGE", "DJ_LINE"]);
    }

    #[test]
    fn an_expression_names_its_columns_and_the_formula_option() {
        let stock = StockConfig {
            formula: sync_core::config::StockFormula::Expression("QTY_TECH - K1_RES".into()),
            ..StockConfig::default()
        };
        let scope = StockScope::from_config(&stock);
        assert_eq!(
            scope.quantity_columns,
            [
                (
                    "QTY_TECH".to_owned(),
                    "[stock.columns] technical".to_owned()
                ),
                ("K1_RES".to_owned(), "[stock] formula".to_owned())
            ]
        );
    }

    #[test]
    fn absent_optional_columns_are_dropped_and_required_ones_named() {
        let options = LedgerOptions::default();
        let plan = ColumnPlan::new(&options, &both());
        let check = plan.check(&dictionary(
            &plan,
            &[
                ("ARTICLE", "REC_BLK"),
                ("SO_LINE", "DISC_AMT"),
                ("CONTACT", "TEL_MOB"),
                ("ARTICLE", "QTY_RES_SO"),
            ],
        ));
        let orders = check.warnings(Some(Flow::Orders));
        assert_eq!(orders.len(), 3, "{orders:#?}");
        assert!(orders.iter().any(|w| w.contains(
            "ARTICLE has no column REC_BLK: [accountview.ledger] article_blocked_column is left out"
        )));
        assert!(
            orders
                .iter()
                .any(|w| w.contains("CONTACT has no column TEL_MOB: Koppel leaves it out"))
        );
        assert!(check.error(Some(Flow::Orders)).is_none(), "orders can run");
        let stock = check.error(Some(Flow::Stock)).expect("stock cannot");
        assert!(stock.stops_run());
        assert!(
            stock
                .message()
                .contains("[stock.columns] reserved_sales: ARTICLE has no column QTY_RES_SO"),
            "{stock}"
        );
        assert!(check.warnings(Some(Flow::Stock)).is_empty());

        let run = check.run_options(&options);
        assert_eq!(run.article_blocked_column, None);
        assert_eq!(run.order_line_discount_column, None);
        assert_eq!(run.ean_column.as_deref(), Some("BAR_CODE"));
        assert!(check.omitted().contains(&("CONTACT", "TEL_MOB")));
        assert_eq!(check.in_use(None).len() + 4, check.columns.len());
    }

    #[test]
    fn undescribed_tables_and_an_unreadable_dictionary_are_warnings() {
        let plan = ColumnPlan::new(&LedgerOptions::default(), &PlanScope::default());
        let only_so: Vec<FieldDictionaryEntry> = dictionary(&plan, &[])
            .into_iter()
            .filter(|e| e.is_in_table("SO_HDR"))
            .collect();
        let check = plan.check(&only_so);
        let warnings = check.warnings(None);
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("the field dictionary has no table ARTICLE")),
            "{warnings:#?}"
        );
        assert!(check.error(None).is_none());
        let unchecked = plan.unchecked("403 Forbidden");
        assert_eq!(unchecked.warnings(None).len(), 1);
        assert!(unchecked.omitted().is_empty());
    }

    #[test]
    fn a_column_is_described_with_type_length_and_case() {
        let plan = ColumnPlan::new(&LedgerOptions::default(), &PlanScope::default());
        let mut entries = dictionary(&plan, &[("SO_HDR", "COMMENT1")]);
        entries.push(entry("SO_HDR", "COMMENT1", "C", 60, ""));
        entries.push(entry("SO_HDR", "RPL_INV", "C", 10, "!"));
        let check = plan.check(&entries);
        let described: Vec<String> = check.in_use(None).iter().map(|c| c.describe()).collect();
        assert!(
            described.contains(&"SO_HDR.COMMENT1 C60".to_owned()),
            "{described:?}"
        );
    }
}
