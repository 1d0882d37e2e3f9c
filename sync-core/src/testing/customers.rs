//! In-memory customers (shop side) and debtors (ledger side).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;

use super::{Faults, lock};
use crate::domain::{Customer, DebtorDraft, DebtorRecord, Email, Party};
use crate::error::{ErrorKind, SyncError};
use crate::traits::{
    Clock, DebtorNumberRange, LedgerDebtors, ReadWindow, ShopCustomers, SystemClock,
};

#[derive(Debug, Default)]
struct CustomerState {
    customers: BTreeMap<String, Customer>,
    next_id: u64,
}

/// A [`ShopCustomers`] over an in-memory customer list. Created customers get ids `c1`, `c2`, …
/// and the clock's time as `updated_at`. Clones share state.
#[derive(Debug, Clone)]
pub struct MemoryShopCustomers {
    state: Arc<Mutex<CustomerState>>,
    clock: Arc<dyn Clock>,
    faults: Faults,
}

impl Default for MemoryShopCustomers {
    fn default() -> Self {
        Self::with_clock(Arc::new(SystemClock))
    }
}

impl MemoryShopCustomers {
    /// An empty customer list on the system clock.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty customer list that stamps changes with `clock`.
    pub fn with_clock(clock: Arc<dyn Clock>) -> Self {
        Self {
            state: Arc::default(),
            clock,
            faults: Faults::default(),
        }
    }

    /// Add or replace a customer (by source id).
    pub fn upsert(&self, customer: Customer) {
        lock(&self.state)
            .customers
            .insert(customer.source_id.clone(), customer);
    }

    /// All customers.
    pub fn customers(&self) -> Vec<Customer> {
        lock(&self.state).customers.values().cloned().collect()
    }

    /// Fault injection and call counts.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }
}

#[async_trait]
impl ShopCustomers for MemoryShopCustomers {
    async fn changed_customers(&self, window: &ReadWindow) -> Result<Vec<Customer>, SyncError> {
        self.faults.check("changed_customers")?;
        Ok(lock(&self.state)
            .customers
            .values()
            .filter(|c| c.updated_at.is_some_and(|at| window.contains(at)))
            .cloned()
            .collect())
    }

    async fn find_customers_by_email(&self, email: &Email) -> Result<Vec<Customer>, SyncError> {
        self.faults.check("find_customers_by_email")?;
        Ok(lock(&self.state)
            .customers
            .values()
            .filter(|c| c.party.email.as_ref() == Some(email))
            .cloned()
            .collect())
    }

    async fn create_customer(&self, party: &Party) -> Result<Customer, SyncError> {
        self.faults.check("create_customer")?;
        let mut state = lock(&self.state);
        state.next_id += 1;
        let customer = Customer {
            source_id: format!("c{}", state.next_id),
            party: party.clone(),
            updated_at: Some(self.clock.now()),
            raw: serde_json::Value::Null,
        };
        state
            .customers
            .insert(customer.source_id.clone(), customer.clone());
        Ok(customer)
    }

    async fn update_customer(&self, id: &str, party: &Party) -> Result<Customer, SyncError> {
        self.faults.check("update_customer")?;
        let now = self.clock.now();
        let mut state = lock(&self.state);
        let customer = state.customers.get_mut(id).ok_or_else(|| {
            SyncError::skippable(ErrorKind::NotFound, format!("no customer `{id}`"))
        })?;
        customer.party = party.clone();
        customer.updated_at = Some(now);
        Ok(customer.clone())
    }
}

/// A [`LedgerDebtors`] over an in-memory debtor list; also the debtor half of
/// [`MemoryLedger`](super::MemoryLedger). Debtors created without a number get the next number above
/// the highest numeric one (starting at 10000). Clones share state.
#[derive(Debug, Clone)]
pub struct MemoryLedgerDebtors {
    debtors: Arc<Mutex<BTreeMap<String, DebtorRecord>>>,
    clock: Arc<dyn Clock>,
    faults: Faults,
}

impl Default for MemoryLedgerDebtors {
    fn default() -> Self {
        Self::with_clock(Arc::new(SystemClock))
    }
}

impl MemoryLedgerDebtors {
    /// An empty debtor list on the system clock.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty debtor list that stamps changes with `clock`.
    pub fn with_clock(clock: Arc<dyn Clock>) -> Self {
        Self {
            debtors: Arc::default(),
            clock,
            faults: Faults::default(),
        }
    }

    /// Add or replace a debtor (by number).
    pub fn upsert(&self, debtor: DebtorRecord) {
        lock(&self.debtors).insert(debtor.number.clone(), debtor);
    }

    /// All debtors, by number.
    pub fn debtors(&self) -> Vec<DebtorRecord> {
        lock(&self.debtors).values().cloned().collect()
    }

    /// Fault injection and call counts.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    fn numbers(&self) -> Vec<u64> {
        lock(&self.debtors)
            .keys()
            .filter_map(|n| n.parse().ok())
            .collect()
    }
}

#[async_trait]
impl LedgerDebtors for MemoryLedgerDebtors {
    async fn changed_debtors(&self, window: &ReadWindow) -> Result<Vec<DebtorRecord>, SyncError> {
        self.faults.check("changed_debtors")?;
        Ok(lock(&self.debtors)
            .values()
            .filter(|d| d.changed_at.is_some_and(|at| window.contains(at)))
            .cloned()
            .collect())
    }

    async fn find_debtor_by_email(&self, email: &Email) -> Result<Vec<DebtorRecord>, SyncError> {
        self.faults.check("find_debtor_by_email")?;
        Ok(lock(&self.debtors)
            .values()
            .filter(|d| d.details.email.as_ref() == Some(email))
            .cloned()
            .collect())
    }

    async fn get_debtor(&self, number: &str) -> Result<Option<DebtorRecord>, SyncError> {
        self.faults.check("get_debtor")?;
        Ok(lock(&self.debtors).get(number).cloned())
    }

    async fn create_debtor(
        &self,
        draft: &DebtorDraft,
        number: Option<&str>,
    ) -> Result<DebtorRecord, SyncError> {
        self.faults.check("create_debtor")?;
        let number = match number {
            Some(n) => n.to_owned(),
            None => (self.numbers().into_iter().max().unwrap_or(9_999) + 1).to_string(),
        };
        let mut debtors = lock(&self.debtors);
        if debtors.contains_key(&number) {
            return Err(SyncError::skippable(
                ErrorKind::Conflict,
                format!("debtor `{number}` already exists"),
            ));
        }
        let record = DebtorRecord {
            number: number.clone(),
            details: draft.clone(),
            blocked: false,
            changed_at: Some(self.clock.now()),
        };
        debtors.insert(number, record.clone());
        Ok(record)
    }

    async fn update_debtor(
        &self,
        number: &str,
        draft: &DebtorDraft,
    ) -> Result<DebtorRecord, SyncError> {
        self.faults.check("update_debtor")?;
        let now = self.clock.now();
        let mut debtors = lock(&self.debtors);
        let record = debtors.get_mut(number).ok_or_else(|| {
            SyncError::skippable(ErrorKind::NotFound, format!("no debtor `{number}`"))
        })?;
        record.details = draft.clone();
        record.changed_at = Some(now);
        Ok(record.clone())
    }

    async fn next_debtor_number(&self, range: &DebtorNumberRange) -> Result<String, SyncError> {
        self.faults.check("next_debtor_number")?;
        let highest = self
            .numbers()
            .into_iter()
            .filter(|n| range.contains(*n))
            .max();
        let next = highest.map_or(Some(range.from), |n| n.checked_add(1));
        match next {
            Some(n) if range.contains(n) => Ok(n.to_string()),
            _ => Err(SyncError::fatal(
                ErrorKind::Config,
                format!(
                    "the debtor number range {}..={} is full",
                    range.from, range.to
                ),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::ManualClock;
    use chrono::TimeDelta;

    fn draft(email: &str) -> DebtorDraft {
        DebtorDraft {
            name: "Jan".into(),
            email: Email::parse(email).ok(),
            ..DebtorDraft::default()
        }
    }

    #[tokio::test]
    async fn debtors_create_find_update_and_number() {
        let clock = ManualClock::default();
        let debtors = MemoryLedgerDebtors::with_clock(Arc::new(clock.clone()));
        let range = DebtorNumberRange {
            from: 20000,
            to: 20001,
        };
        assert_eq!(debtors.next_debtor_number(&range).await.unwrap(), "20000");
        let created = debtors
            .create_debtor(&draft("jan@x.nl"), Some("20000"))
            .await
            .unwrap();
        assert_eq!(created.number, "20000");
        assert_eq!(debtors.next_debtor_number(&range).await.unwrap(), "20001");
        debtors
            .create_debtor(&draft("b@x.nl"), Some("20001"))
            .await
            .unwrap();
        let full = debtors.next_debtor_number(&range).await.unwrap_err();
        assert!(full.stops_run());

        let auto = debtors.create_debtor(&draft("c@x.nl"), None).await.unwrap();
        assert_eq!(auto.number, "20002");
        let dup = debtors
            .create_debtor(&draft("d@x.nl"), Some("20000"))
            .await
            .unwrap_err();
        assert_eq!(dup.kind(), ErrorKind::Conflict);

        let email = Email::parse("JAN@x.nl").unwrap();
        assert_eq!(debtors.find_debtor_by_email(&email).await.unwrap().len(), 1);

        clock.advance(std::time::Duration::from_secs(60));
        let mut changed = draft("jan@x.nl");
        changed.name = "Jan Jansen".into();
        let updated = debtors.update_debtor("20000", &changed).await.unwrap();
        assert_eq!(updated.details.name, "Jan Jansen");
        let since = clock.now() - TimeDelta::seconds(1);
        let window = ReadWindow::new(Some(since), clock.now());
        let recent = debtors.changed_debtors(&window).await.unwrap();
        assert_eq!(recent.len(), 1);
        assert!(debtors.update_debtor("nope", &changed).await.is_err());
        assert!(debtors.get_debtor("20001").await.unwrap().is_some());
    }

    #[tokio::test]
    async fn shop_customers_create_update_find() {
        let clock = ManualClock::default();
        let shop = MemoryShopCustomers::with_clock(Arc::new(clock.clone()));
        let party = Party {
            email: Email::parse("a@b.nl").ok(),
            ..Party::default()
        };
        let created = shop.create_customer(&party).await.unwrap();
        assert_eq!(created.source_id, "c1");
        let found = shop
            .find_customers_by_email(&Email::parse("A@B.NL").unwrap())
            .await
            .unwrap();
        assert_eq!(found.len(), 1);
        let mut changed = party.clone();
        changed.first_name = Some("Anna".into());
        let updated = shop.update_customer("c1", &changed).await.unwrap();
        assert_eq!(updated.party.first_name.as_deref(), Some("Anna"));
        assert!(shop.update_customer("c9", &changed).await.is_err());
        let window = ReadWindow::up_to(clock.now());
        assert_eq!(shop.changed_customers(&window).await.unwrap().len(), 1);
        shop.faults().fail(
            "create_customer",
            crate::error::ErrorClass::Retryable,
            ErrorKind::Timeout,
            Some(1),
        );
        assert!(shop.create_customer(&party).await.is_err());
        assert_eq!(shop.customers().len(), 1);
    }
}
