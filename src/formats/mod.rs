//! Destination formats: one file per service, each owning its detection, its built-in
//! template (in `templates/`) and what counts as success in its answers.

mod slack;
mod webhook;

use std::time::Duration;

pub use slack::Slack;
pub use webhook::Webhook;

/// A server's answer to one HTTP attempt.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    /// `Retry-After`, already turned into a wait (seconds or an HTTP date).
    pub retry_after: Option<Duration>,
    pub body: String,
}

/// What an attempt came to.
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

pub trait Format: Sync {
    /// The name used in `FORMAT+URL` and in messages.
    fn name(&self) -> &'static str;

    /// Whether a URL with this host (lower case) and path is this service's.
    fn detects(&self, host: &str, path: &str) -> bool;

    /// The built-in payload template.
    fn template(&self) -> &'static str;

    /// Judges the service's answer. The default is plain HTTP: any 2xx is success.
    fn judge(&self, reply: &Reply) -> Verdict {
        judge_http(reply)
    }
}

/// Every format, in the order detection tries them; the generic webhook comes last and takes
/// any other `http(s)` URL.
pub const FORMATS: &[&dyn Format] = &[&Slack, &Webhook];

/// Formats of the contract that this build cannot send yet, with the hosts that identify them.
/// A destination naming one is refused rather than posted as a generic webhook.
pub const NOT_YET_AVAILABLE: &[(&str, &[&str])] = &[
    (
        "teams",
        &[
            ".webhook.office.com",
            ".logic.azure.com",
            ".powerplatform.com",
            ".powerautomate.com",
        ],
    ),
    ("discord", &["discord.com", "discordapp.com"]),
    ("ringcentral", &["hooks.ringcentral.com", "hooks.glip.com"]),
    ("googlechat", &["chat.googleapis.com"]),
    ("mattermost", &[]),
    ("email", &[]),
    ("pushover", &[]),
    ("irc", &[]),
];

pub fn by_name(name: &str) -> Option<&'static dyn Format> {
    FORMATS.iter().copied().find(|f| f.name() == name)
}

/// Statuses worth another attempt (RFC 9110 and RFC 6585): the request may not have been
/// processed, or the server asks us to come back.
pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 408 | 425 | 429 | 500 | 502 | 503 | 504)
}

/// Plain HTTP semantics: 2xx delivered, retryable statuses retried, anything else failed.
/// Redirects are failures: following one could carry the secret URL elsewhere.
pub fn judge_http(reply: &Reply) -> Verdict {
    match reply.status {
        200..=299 => Verdict::Delivered {
            detail: format!("HTTP {}", reply.status),
            message_id: None,
        },
        300..=399 => Verdict::Failed {
            reason: format!("HTTP {}: redirects are not followed", reply.status),
        },
        status if is_retryable_status(status) => Verdict::Retry {
            reason: describe(reply),
            after: reply.retry_after,
        },
        _ => Verdict::Failed {
            reason: describe(reply),
        },
    }
}

/// `HTTP 404: channel_not_found`: the status and the start of the body, on one line.
pub fn describe(reply: &Reply) -> String {
    let body: String = reply.body.split_whitespace().collect::<Vec<_>>().join(" ");
    if body.is_empty() {
        format!("HTTP {}", reply.status)
    } else {
        format!(
            "HTTP {}: {}",
            reply.status,
            crate::render::truncate(&body, 200)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16) -> Reply {
        Reply {
            status,
            retry_after: None,
            body: String::new(),
        }
    }

    #[test]
    fn plain_http_retries_only_what_is_worth_retrying() {
        for status in [408, 425, 429, 500, 502, 503, 504] {
            assert!(
                matches!(judge_http(&reply(status)), Verdict::Retry { .. }),
                "{status}"
            );
        }
        for status in [301, 302, 307, 400, 401, 403, 404, 405, 410, 413, 422, 501] {
            assert!(
                matches!(judge_http(&reply(status)), Verdict::Failed { .. }),
                "{status}"
            );
        }
        for status in [200, 201, 202, 204] {
            assert!(
                matches!(judge_http(&reply(status)), Verdict::Delivered { .. }),
                "{status}"
            );
        }
    }
}
