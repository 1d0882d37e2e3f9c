//! What the client needs to know about a resource type: its envelope keys and its id, and which
//! writes the API allows on it.
//!
//! The capabilities are traits so that an unsupported call does not compile: orders have no
//! `create` (orders come from checkouts), payment methods are read-only, and so on.

use serde::Serialize;
use serde::de::DeserializeOwned;

/// The envelope keys of a resource: `{"order": {...}}` / `{"orders": [...]}`.
///
/// Each slice lists the key the documentation shows first and then the aliases seen on live
/// shops (for example `productFiltervalue` next to `productFilterValue`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Keys {
    /// Keys accepted for a single object.
    pub single: &'static [&'static str],
    /// Keys accepted for a list.
    pub list: &'static [&'static str],
    /// The key write bodies are wrapped in (always the singular form).
    pub write: &'static str,
}

/// A Lightspeed resource model that can be decoded from its envelope.
pub trait Entity: DeserializeOwned + Send + Sync + 'static {
    /// Envelope keys.
    const KEYS: Keys;

    /// The object's id, where it has one (singletons such as the shop's permissions have none).
    fn id(&self) -> Option<u64>;
}

/// A resource the API lets you create with `POST {resource}.json`.
pub trait Creatable: Entity {
    /// The request body (without envelope).
    type Create: Serialize + Send + Sync;
}

/// A resource the API lets you change with `PUT {resource}/{id}.json`.
pub trait Updatable: Entity {
    /// The request body (without envelope).
    type Update: Serialize + Send + Sync;
}

/// A resource the API lets you remove with `DELETE {resource}/{id}.json`.
pub trait Deletable: Entity {}

/// Implements [`Entity`] (and optionally the write capabilities) for a model.
macro_rules! entity {
    (
        $ty:ty,
        single: [$($single:literal),+ $(,)?],
        list: [$($list:literal),+ $(,)?],
        write: $write:literal
        $(, create: $create:ty)?
        $(, update: $update:ty)?
        $(, delete: $delete:tt)?
        $(, id: $idfn:expr)?
    ) => {
        impl $crate::entity::Entity for $ty {
            const KEYS: $crate::entity::Keys = $crate::entity::Keys {
                single: &[$($single),+],
                list: &[$($list),+],
                write: $write,
            };

            fn id(&self) -> Option<u64> {
                $crate::entity::entity!(@id self $(, $idfn)?)
            }
        }
        $( impl $crate::entity::Creatable for $ty { type Create = $create; } )?
        $( impl $crate::entity::Updatable for $ty { type Update = $update; } )?
        $( $crate::entity::entity!(@delete $ty, $delete); )?
    };
    (@id $self:ident) => { Some($self.id) };
    (@id $self:ident, $idfn:expr) => { ($idfn)($self) };
    (@delete $ty:ty, true) => { impl $crate::entity::Deletable for $ty {} };
}

pub(crate) use entity;
