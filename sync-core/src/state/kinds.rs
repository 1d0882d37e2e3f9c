//! The closed vocabularies of the state store, as types: what an id-map entry or a content hash is
//! about, the key of a dead letter, and the stage, outcome and direction of an activity entry.
//!
//! Each is stored as text (the spellings below never change: they are in existing databases) and
//! keeps a variant for values of an embedder's own — or written by a newer Koppel — so reading a
//! record never fails on a word this build does not know.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::StateError;

/// Text-backed enums: the listed variants with their stored spellings, plus an open variant.
macro_rules! spelled {
    (
        $(#[$doc:meta])*
        $name:ident, $open:ident($open_ty:ty) {
            $($(#[$vdoc:meta])* $variant:ident => $text:literal,)*
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vdoc])* $variant,)*
            /// A value this build has no variant for (an embedder's own, or a newer Koppel's).
            $open($open_ty),
        }

        impl $name {
            /// The stored spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $text,)*
                    Self::$open(text) => text.as_ref(),
                }
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                match text {
                    $($text => Self::$variant,)*
                    other => Self::$open(other.to_owned().into()),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                Ok(Self::from(text.as_str()))
            }
        }
    };
}

spelled! {
    /// What an id-map entry links (the id map is per connection and kind).
    IdKind, Custom(std::borrow::Cow<'static, str>) {
        /// Shop order id → ledger booking number.
        Order => "order",
        /// Shop order id → the debtor number it was booked on (its credit notes go there too).
        OrderDebtor => "order_debtor",
        /// Normalised e-mail address → debtor number.
        DebtorEmail => "debtor_email",
        /// `{debtor}|{address match key}` → delivery address id.
        DeliveryAddress => "delivery_address",
        /// Shop credit note id → ledger booking number.
        CreditNote => "credit_note",
        /// Shop credit note id → the shop id of its order, while that order is not booked yet.
        CreditNoteWaiting => "credit_note_waiting",
        /// Ledger article code → shop variant id.
        Variant => "variant",
        /// Ledger article code → when it was last found missing from the shop (RFC 3339).
        VariantMissing => "variant_missing",
    }
}

spelled! {
    /// What a content hash describes (hashes are per connection, kind and target id).
    HashKind, Custom(std::borrow::Cow<'static, str>) {
        /// A ledger debtor: the mapped fields Koppel last wrote or saw.
        Debtor => "debtor",
        /// A shop variant's stock level Koppel last wrote or saw.
        Stock => "stock",
    }
}

spelled! {
    /// The step of a record's processing an activity entry is about.
    ActivityStage, Other(String) {
        /// Looking the record up in the target (lookup-before-create).
        Lookup => "lookup",
        /// Writing the record to the target.
        Book => "book",
        /// Writing the result back to the source.
        WriteBack => "write_back",
        /// Writing a stock level.
        Stock => "stock",
    }
}

spelled! {
    /// How a record's step ended, as the activity log shows it.
    ActivityOutcome, Other(String) {
        /// Written to the target.
        Created => "created",
        /// An existing target record was changed.
        Updated => "updated",
        /// Found in the target already (written before, confirmation lost) and linked.
        Recovered => "recovered",
        /// A dry run: would have been written.
        WouldCreate => "would_create",
        /// Failed with a reason that a retry will not fix by itself: kept as a dead letter.
        DeadLettered => "dead_lettered",
        /// Failed; the run stopped or will retry it.
        Failed => "failed",
        /// A write whose outcome is unknown; looked up again before it is written again.
        OutcomeUnknown => "outcome_unknown",
    }
}

spelled! {
    /// Which way a record travelled.
    Direction, Other(String) {
        /// From the shop into the ledger (orders, credit notes, customers).
        ShopToLedger => "shop→ledger",
        /// From the ledger into the shop (stock, products, customers).
        LedgerToShop => "ledger→shop",
    }
}

spelled! {
    /// What a dead letter holds.
    RecordKind, Other(String) {
        /// A shop order.
        Order => "order",
        /// A shop credit note.
        CreditNote => "credit",
        /// The write-back of a booking to its shop order.
        WriteBack => "writeback",
    }
}

/// The key of a dead letter: what kind of record, and its id in the source (`order/1234`). One
/// letter per (connection, flow, key).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RecordKey {
    /// What the record is.
    pub kind: RecordKind,
    /// Its id in the system it came from.
    pub id: String,
}

impl RecordKey {
    /// A key of `kind` for `id`.
    pub fn new(kind: RecordKind, id: impl Into<String>) -> Self {
        Self {
            kind,
            id: id.into(),
        }
    }

    /// A shop order's key.
    pub fn order(id: impl Into<String>) -> Self {
        Self::new(RecordKind::Order, id)
    }

    /// A shop credit note's key.
    pub fn credit_note(id: impl Into<String>) -> Self {
        Self::new(RecordKind::CreditNote, id)
    }

    /// The key of a shop order's write-back.
    pub fn write_back(id: impl Into<String>) -> Self {
        Self::new(RecordKind::WriteBack, id)
    }
}

impl fmt::Display for RecordKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.kind, self.id)
    }
}

impl FromStr for RecordKey {
    type Err = StateError;

    /// `kind/id`; the id may contain `/` itself (only the first separates).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (kind, id) = text
            .split_once('/')
            .filter(|(kind, id)| !kind.is_empty() && !id.is_empty())
            .ok_or_else(|| StateError::corrupt("dead-letter key", text))?;
        Ok(Self::new(RecordKind::from(kind), id))
    }
}

impl Serialize for RecordKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for RecordKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_spellings_round_trip_and_unknown_words_survive() {
        for kind in [
            IdKind::Order,
            IdKind::CreditNoteWaiting,
            IdKind::VariantMissing,
        ] {
            assert_eq!(IdKind::from(kind.as_str()), kind);
        }
        assert_eq!(IdKind::from("mine"), IdKind::Custom("mine".into()));
        assert_eq!(
            ActivityOutcome::from("dead_lettered"),
            ActivityOutcome::DeadLettered
        );
        assert_eq!(Direction::ShopToLedger.to_string(), "shop→ledger");
        let json = serde_json::to_string(&ActivityStage::WriteBack).unwrap();
        assert_eq!(json, "\"write_back\"");
        let back: ActivityStage = serde_json::from_str("\"resize\"").unwrap();
        assert_eq!(back, ActivityStage::Other("resize".into()));
    }

    #[test]
    fn record_keys_print_and_parse() {
        let key = RecordKey::credit_note("123");
        assert_eq!(key.to_string(), "credit/123");
        assert_eq!("credit/123".parse::<RecordKey>().unwrap(), key);
        let odd: RecordKey = "order/a/b".parse().unwrap();
        assert_eq!((odd.kind, odd.id.as_str()), (RecordKind::Order, "a/b"));
        assert!("nokey".parse::<RecordKey>().is_err());
        assert!("/1".parse::<RecordKey>().is_err());
        let json = serde_json::to_string(&key).unwrap();
        assert_eq!(serde_json::from_str::<RecordKey>(&json).unwrap(), key);
    }
}
