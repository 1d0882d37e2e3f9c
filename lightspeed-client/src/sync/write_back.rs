//! Writing the ledger's booking number back to the Lightspeed order.

use sync_core::domain::{BookingRef, Order};
use sync_core::error::{ErrorKind, SyncError};
use sync_core::traits::WriteBack;

use super::LightspeedShop;
use super::errors::{Operation, map_error};
use super::source::ORDERS_SCOPE;
use crate::models::{MetafieldUpdate, OrderUpdate};

impl LightspeedShop {
    pub(crate) async fn write_back_to(
        &self,
        order: &Order,
        booking: &BookingRef,
        target: &WriteBack,
    ) -> Result<(), SyncError> {
        if *target == WriteBack::None {
            return Ok(());
        }
        let order_id = order.source_id.trim().parse::<u64>().map_err(|_| {
            SyncError::skippable(
                ErrorKind::Validation,
                format!("`{}` is not a Lightspeed order id", order.source_id),
            )
        })?;
        match target {
            WriteBack::None => Ok(()),
            WriteBack::CustomStatus { id } => self.set_custom_status(order, order_id, id).await,
            WriteBack::Metafield { key } => {
                self.set_metafield(order_id, key.trim(), &booking.number)
                    .await
            }
        }
    }

    async fn set_custom_status(
        &self,
        order: &Order,
        order_id: u64,
        status: &str,
    ) -> Result<(), SyncError> {
        let status_id = status.trim().parse::<u64>().map_err(|_| {
            SyncError::config(format!(
                "orders.write_back.id must be the number of a Lightspeed custom status, got `{status}`"
            ))
        })?;
        if order
            .raw
            .get("customStatusId")
            .and_then(serde_json::Value::as_u64)
            == Some(status_id)
        {
            tracing::debug!(
                order = order_id,
                status_id,
                "the order already has the custom status"
            );
            return Ok(());
        }
        let update = OrderUpdate {
            custom_status_id: Some(status_id),
            ..OrderUpdate::default()
        };
        self.client
            .orders()
            .update(order_id, &update)
            .await
            .map_err(|e| {
                let context = format!("setting custom status {status_id} on order {order_id}");
                map_error(e, Operation::Write, ORDERS_SCOPE, &context)
            })?;
        tracing::debug!(order = order_id, status_id, "custom status set");
        Ok(())
    }

    async fn set_metafield(&self, order_id: u64, key: &str, value: &str) -> Result<(), SyncError> {
        let metafields = self.client.orders().metafields(order_id);
        let existing = metafields
            .list()
            .limit(self.options.page_size)
            .all()
            .await
            .map_err(|e| {
                let context = format!("reading the metafields of order {order_id}");
                map_error(e, Operation::Read, ORDERS_SCOPE, &context)
            })?;
        let body = MetafieldUpdate {
            key: Some(key.to_owned()),
            value: Some(value.to_owned()),
        };
        let context = format!("writing metafield `{key}` of order {order_id}");
        let written = match existing.iter().find(|m| m.key.as_deref() == Some(key)) {
            Some(m) if m.value.as_deref() == Some(value) => {
                tracing::debug!(
                    order = order_id,
                    key,
                    "the metafield already holds the number"
                );
                return Ok(());
            }
            Some(m) => metafields.update(m.id, &body).await,
            None => metafields.create(&body).await,
        };
        written.map_err(|e| map_error(e, Operation::Write, ORDERS_SCOPE, &context))?;
        tracing::debug!(order = order_id, key, "metafield written");
        Ok(())
    }
}
