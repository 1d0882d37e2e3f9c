//! A notifier that remembers what it was asked to send.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;

use super::{Faults, lock};
use crate::error::{ErrorClass, ErrorKind, SyncError};
use crate::traits::{Notification, Notifier};

/// A [`Notifier`] that records every delivered notification. Clones share state.
#[derive(Debug, Clone, Default)]
pub struct RecordingNotifier {
    sent: Arc<Mutex<Vec<Notification>>>,
    faults: Faults,
}

impl RecordingNotifier {
    /// An empty recorder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Everything delivered so far.
    pub fn notifications(&self) -> Vec<Notification> {
        lock(&self.sent).clone()
    }

    /// Make every delivery fail with a retryable error of `kind`.
    pub fn fail_with(&self, kind: ErrorKind) {
        self.faults
            .fail("notify", ErrorClass::Retryable, kind, None);
    }

    /// Fault injection and call counts (operation `"notify"`).
    pub fn faults(&self) -> &Faults {
        &self.faults
    }
}

#[async_trait]
impl Notifier for RecordingNotifier {
    async fn notify(&self, notification: &Notification) -> Result<(), SyncError> {
        self.faults.check("notify")?;
        lock(&self.sent).push(notification.clone());
        Ok(())
    }
}
