//! Destination formats: one file per service, each owning its detection, its built-in
//! template (in `templates/`) and what counts as success in its answers.

mod discord;
mod googlechat;
mod mattermost;
mod ringcentral;
mod slack;
pub mod slack_api;
mod teams;
mod webhook;

use std::time::Duration;

use serde_json::Value;

pub use discord::Discord;
pub use googlechat::GoogleChat;
pub use mattermost::Mattermost;
pub use ringcentral::RingCentral;
pub use slack::Slack;
pub use slack_api::SlackApi;
pub use teams::Teams;
pub use webhook::Webhook;

/// What shapes a request besides the payload.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options<'a> {
    /// The id of an earlier message to edit instead of posting (a handle without its
    /// `format:` prefix).
    pub edit: Option<&'a str>,
    /// The message (or thread) to reply under.
    pub thread: Option<&'a str>,
    /// The Slack bot token, for the Web API.
    pub slack_token: Option<&'a str>,
}

/// One HTTP request, exactly as it will be sent (and printed by `--print-payload`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: &'static str,
    pub url: String,
    /// Besides `Content-Type: application/json`.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

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

    /// The request that sends `payload` to `url`: by default a POST of the payload as it is.
    /// A service that edits messages or threads replies shapes it from `options`.
    fn request(&self, url: &str, payload: Value, _options: &Options) -> Result<Request, String> {
        Ok(Request {
            method: "POST",
            url: url.to_owned(),
            headers: Vec::new(),
            body: payload.to_string(),
        })
    }

    /// Whether a message this format posted can be edited later (its id comes back).
    fn can_edit(&self) -> bool {
        false
    }

    /// Something the user should know about this destination (a retiring URL kind).
    fn notice(&self, _url: &str) -> Option<String> {
        None
    }

    /// Where a rendered payload breaks the service's documented limits. The built-in
    /// templates stay within them; a user's template may not, and is warned about.
    fn check(&self, _payload: &Value, _body: &str) -> Option<String> {
        None
    }

    /// Judges the service's answer to a request to `url`. The default is plain HTTP: any
    /// 2xx is success.
    fn judge(&self, _url: &str, reply: &Reply) -> Verdict {
        judge_http(reply)
    }
}

/// Every format, in the order detection tries them; the generic webhook comes last and takes
/// any other `http(s)` URL.
pub const FORMATS: &[&dyn Format] = &[
    &Slack,
    &SlackApi,
    &Teams,
    &Discord,
    &RingCentral,
    &GoogleChat,
    &Mattermost,
    &Webhook,
];

/// Whether `host` is `domain` or one of its subdomains.
pub fn host_is(host: &str, domain: &str) -> bool {
    host == domain
        || host
            .strip_suffix(domain)
            .is_some_and(|prefix| prefix.ends_with('.'))
}

/// Success for services that answer `200 ok` in plain text (Slack and Mattermost webhooks):
/// another 200 body is a failure the service reported.
pub fn judge_ok_body(service: &str, reply: &Reply) -> Verdict {
    match reply.status {
        200 if reply.body.trim() == "ok" => Verdict::Delivered {
            detail: "HTTP 200 ok".into(),
            message_id: None,
        },
        200 => Verdict::Failed {
            reason: format!("{} ({service} answers `ok` on success)", describe(reply)),
        },
        _ => judge_http(reply),
    }
}

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

    #[test]
    fn hosts_match_themselves_and_their_subdomains_only() {
        assert!(host_is("discord.com", "discord.com"));
        assert!(host_is("ptb.discord.com", "discord.com"));
        assert!(!host_is("evildiscord.com", "discord.com"));
        assert!(!host_is("discord.com.evil.example", "discord.com"));
    }
}
