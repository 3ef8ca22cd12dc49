//! What one attempt at sending came to. A leaf: every transport judges its answer into a
//! [`Verdict`], and delivery acts on it.

use std::time::Duration;

#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Delivered {
        detail: String,
        message_id: Option<String>,
    },
    /// Worth another attempt; `after` is the wait the server asked for, if it asked.
    Retry {
        reason: String,
        after: Option<Duration>,
    },
    Failed {
        reason: String,
    },
}

impl Verdict {
    pub fn delivered(detail: impl Into<String>) -> Verdict {
        Verdict::Delivered {
            detail: detail.into(),
            message_id: None,
        }
    }

    pub fn retry(reason: impl Into<String>) -> Verdict {
        Verdict::Retry {
            reason: reason.into(),
            after: None,
        }
    }

    pub fn failed(reason: impl Into<String>) -> Verdict {
        Verdict::Failed {
            reason: reason.into(),
        }
    }
}
