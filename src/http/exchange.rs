//! One HTTP exchange as the services see it: the [`Request`] a service builds, the [`Reply`]
//! it judges, and plain HTTP's judgement ([`judge_http`]) that services start from.

use std::time::{Duration, SystemTime};

use crate::verdict::Verdict;

pub const JSON: &str = "application/json; charset=utf-8";
pub const FORM: &str = "application/x-www-form-urlencoded";

/// One HTTP request, exactly as it will be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: &'static str,
    pub url: String,
    /// Besides `Content-Type`.
    pub headers: Vec<(String, String)>,
    pub content_type: &'static str,
    pub body: String,
}

impl Request {
    /// A POST of a JSON body.
    pub fn post_json(url: impl Into<String>, body: String) -> Request {
        Request {
            method: "POST",
            url: url.into(),
            headers: Vec::new(),
            content_type: JSON,
            body,
        }
    }
}

/// A server's answer to one HTTP attempt.
#[derive(Debug, Clone, Default)]
pub struct Reply {
    pub status: u16,
    /// `Retry-After`, already turned into a wait (seconds or an HTTP date).
    pub retry_after: Option<Duration>,
    pub body: String,
    /// The headers, names lower-cased.
    pub headers: Vec<(String, String)>,
}

impl Reply {
    pub fn new(status: u16, body: &str) -> Reply {
        Reply {
            status,
            body: body.to_owned(),
            ..Reply::default()
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The `rel="next"` target of a `Link` header (RFC 8288), for pagination.
    pub fn next_link(&self) -> Option<String> {
        let link = self.header("link")?;
        link.split(',').find_map(|part| {
            let (target, params) = part.split_once(';')?;
            let is_next = params
                .split(';')
                .any(|p| p.trim().replace(' ', "") == "rel=\"next\"");
            let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
            is_next.then(|| target.to_owned())
        })
    }

    /// The body as JSON, or `Null` when it is not JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }
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
        200..=299 => Verdict::delivered(format!("HTTP {}", reply.status)),
        300..=399 => Verdict::failed(format!("HTTP {}: redirects are not followed", reply.status)),
        status if is_retryable_status(status) => Verdict::Retry {
            reason: describe(reply),
            after: reply.retry_after,
        },
        _ => Verdict::failed(describe(reply)),
    }
}

/// Success for services that answer `200 ok` in plain text (Slack and Mattermost webhooks):
/// another 200 body is a failure the service reported.
pub fn judge_ok_body(service: &str, reply: &Reply) -> Verdict {
    match reply.status {
        200 if reply.body.trim() == "ok" => Verdict::delivered("HTTP 200 ok"),
        200 => Verdict::failed(format!(
            "{} ({service} answers `ok` on success)",
            describe(reply)
        )),
        _ => judge_http(reply),
    }
}

/// `HTTP 404: channel_not_found`: the status and the body. The body is neither folded nor
/// shortened here: the report masks secrets in the whole text first (a secret split by a
/// line break included), then makes it one line and shortens it.
pub fn describe(reply: &Reply) -> String {
    let body = reply.body.trim();
    if body.is_empty() {
        format!("HTTP {}", reply.status)
    } else {
        format!("HTTP {}: {body}", reply.status)
    }
}

/// `Retry-After`: whole seconds, or an HTTP date (RFC 9110 §10.2.3).
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// A wait a service gave in its body (float seconds), if it is a sane one.
pub fn seconds_wait(value: &serde_json::Value) -> Option<Duration> {
    value
        .as_f64()
        .filter(|s| s.is_finite() && *s >= 0.0 && *s < 86_400.0)
        .map(Duration::from_secs_f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_retries_only_what_is_worth_retrying() {
        for status in [408, 425, 429, 500, 502, 503, 504] {
            assert!(
                matches!(judge_http(&Reply::new(status, "")), Verdict::Retry { .. }),
                "{status}"
            );
        }
        for status in [301, 302, 307, 400, 401, 403, 404, 405, 410, 413, 422, 501] {
            assert!(
                matches!(judge_http(&Reply::new(status, "")), Verdict::Failed { .. }),
                "{status}"
            );
        }
        for status in [200, 201, 202, 204] {
            assert!(
                matches!(
                    judge_http(&Reply::new(status, "")),
                    Verdict::Delivered { .. }
                ),
                "{status}"
            );
        }
    }

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after(" 0 "), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("Fri, 31 Dec 1999 23:59:59 GMT"),
            Some(Duration::ZERO),
            "a date in the past means now"
        );
        let future = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(30));
        let wait = parse_retry_after(&future).unwrap();
        assert!(
            wait > Duration::from_secs(25) && wait <= Duration::from_secs(30),
            "{wait:?}"
        );
        assert_eq!(parse_retry_after("soon"), None);
        assert_eq!(parse_retry_after("-1"), None);
    }
}
