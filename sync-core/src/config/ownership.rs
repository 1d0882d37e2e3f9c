//! Field ownership: which shop fields Koppel writes on create and which it keeps in sync
//! (the "update checkbox"), so merchants can enrich products without Koppel overwriting them.

use serde::{Deserialize, Serialize};

/// Who owns a shop field: the "update checkbox".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ownership {
    /// Written when the product is created, then left to the merchant.
    CreateOnly,
    /// Written on create and kept in sync on every change.
    Sync,
    /// Never written.
    Never,
}

impl Ownership {
    /// Whether the field is written when the product is created.
    pub fn on_create(self) -> bool {
        matches!(self, Self::CreateOnly | Self::Sync)
    }

    /// Whether the field is written when the product is updated.
    pub fn on_update(self) -> bool {
        self == Self::Sync
    }
}

/// Ownership per shop field. Defaults: title, SKU, EAN and price kept in sync; descriptions,
/// visibility, brand, categories and images on create only (so merchant edits survive); attributes
/// and filter values kept in sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FieldOwnership {
    /// Product title.
    pub title: Ownership,
    /// Variant SKU.
    pub sku: Ownership,
    /// Variant EAN.
    pub ean: Ownership,
    /// Variant price.
    pub price: Ownership,
    /// Short description.
    pub short_description: Ownership,
    /// Long description.
    pub long_description: Ownership,
    /// Visibility.
    pub visible: Ownership,
    /// Brand.
    pub brand: Ownership,
    /// Categories.
    pub categories: Ownership,
    /// Images.
    pub images: Ownership,
    /// Attributes/specifications.
    pub attributes: Ownership,
    /// Filter values.
    pub filter_values: Ownership,
}

impl Default for FieldOwnership {
    fn default() -> Self {
        use Ownership::{CreateOnly, Sync};
        Self {
            title: Sync,
            sku: Sync,
            ean: Sync,
            price: Sync,
            short_description: CreateOnly,
            long_description: CreateOnly,
            visible: CreateOnly,
            brand: CreateOnly,
            categories: CreateOnly,
            images: CreateOnly,
            attributes: Sync,
            filter_values: Sync,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ownership_defaults_protect_merchant_content() {
        let o = FieldOwnership::default();
        assert!(o.title.on_update());
        assert!(o.price.on_update());
        assert!(o.long_description.on_create() && !o.long_description.on_update());
        assert!(!o.visible.on_update());
        assert!(!Ownership::Never.on_create());
    }
}
