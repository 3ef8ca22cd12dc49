//! Services: one file per service (a folder for one that needs several), each declaring what
//! it is as data ([`Spec`]) and owning its URL parsing, its secrets, its message and the
//! attempt that sends it. The registry ([`SERVICES`]) is the only list of them: routing,
//! `--help`, the docs test and the error messages all read it.
//!
//! Adding a service: write `services/NAME.rs` with a `Spec` and either a [`json::JsonApi`]
//! (for JSON over HTTP: a template, and what is particular to the service) or a [`Service`]
//! of its own, then add it to [`SERVICES`].

mod discord;
mod dropin;
pub mod email;
mod googlechat;
mod gotify;
mod irc;
pub mod json;
mod matrix;
mod mattermost;
mod ntfy;
mod pagerduty;
mod pushover;
mod ringcentral;
mod rocketchat;
mod slack;
mod teams;
mod telegram;
mod webex;
mod webhook;
mod zulip;

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use crate::env::Env;
use crate::net::Net;
pub use crate::redact::Secret;
use crate::render::{Data, Renderer};
use crate::settings::{Settings, TemplateSource};
use crate::url;
use crate::verdict::Verdict;

use json::Json;

/// What a service is, as data.
pub struct Spec {
    /// The `NAME+` prefix, the handle prefix (`NAME:ID`) and the name in messages.
    pub name: &'static str,
    /// One line for `--help` and the docs.
    pub about: &'static str,
    /// The URL forms users write, as documented.
    pub forms: &'static [&'static str],
    /// URL schemes that are this service's own (`mailto`, `irc`).
    pub schemes: &'static [&'static str],
    /// Hosts whose `http(s)` URLs are this service's.
    pub hosts: &'static [Host],
    /// Whether a message it posted can be edited later (its id comes back).
    pub can_edit: bool,
    /// The built-in payload template, for services that send one.
    pub template: Option<&'static str>,
    /// The most bytes one payload may have, where the service documents it.
    pub max_bytes: Option<usize>,
}

/// A host rule of a [`Spec`].
pub enum Host {
    /// This host exactly.
    Exact(&'static str),
    /// This domain and its subdomains.
    Domain(&'static str),
    /// This domain and its subdomains, for paths that hold this text.
    DomainPath(&'static str, &'static str),
}

impl Host {
    fn matches(&self, host: &str, path: &str) -> bool {
        match self {
            Host::Exact(h) => host == *h,
            Host::Domain(d) => url::host_is(host, d),
            Host::DomainPath(d, p) => url::host_is(host, d) && path.contains(p),
        }
    }
}

/// What a service may read when it opens a destination.
pub struct Setup<'a> {
    pub settings: &'a Settings,
    pub env: &'a Env,
}

pub trait Service: Sync {
    fn spec(&self) -> &'static Spec;

    /// Parses one of this service's URLs (without a `NAME+` prefix). Errors never quote the
    /// URL: it is a credential.
    fn open(&'static self, url: &str, setup: &Setup) -> Result<Box<dyn Destination>, String>;
}

/// One destination, parsed and ready to render for.
pub trait Destination: Send + Sync {
    fn spec(&self) -> &'static Spec;

    /// Where it goes, without secrets: `https://hooks.slack.com/***`.
    fn shown(&self) -> String;

    /// The server it goes through, where that is not in what [`Destination::shown`] says.
    fn relay(&self) -> Option<String> {
        None
    }

    /// Whether everything it needs to be sent is there; asked only of destinations this run
    /// sends to.
    fn ready(&self) -> Result<(), String> {
        Ok(())
    }

    /// Every secret it holds, raw.
    fn secrets(&self) -> Vec<Secret>;

    /// Something the user should know about it (a retiring URL kind).
    fn notice(&self) -> Option<String> {
        None
    }

    /// Whether a message it posted can be edited later.
    fn can_edit(&self) -> bool {
        self.spec().can_edit
    }

    /// Whether it is told of a run with this status at all (PagerDuty: failures and
    /// successes only).
    fn takes(&self, _status: crate::status::Status) -> bool {
        true
    }

    /// The message for this run.
    fn prepare(&self, draft: &Draft) -> Result<Prepared, String>;
}

/// What a message is rendered from.
pub struct Draft<'a> {
    pub renderer: &'a Renderer,
    /// The template context.
    pub data: &'a Data,
    /// The user's payload template, if any.
    pub template: Option<&'a TemplateSource>,
    /// The id of an earlier message to edit (a handle without its `NAME:`).
    pub edit: Option<&'a str>,
    /// The message or thread to reply under.
    pub thread: Option<&'a str>,
    /// Extra HTTP headers: the settings' with the route's over them.
    pub headers: &'a [(String, String)],
    pub settings: &'a Settings,
}

/// A rendered message, and what rendering it found worth telling.
pub struct Prepared {
    pub message: Arc<dyn Message>,
    pub notes: Notes,
}

/// Cuts made to fit limits, limits broken anyway, what the user should change, and other
/// remarks.
#[derive(Default)]
pub struct Notes {
    pub cuts: Vec<String>,
    pub problems: Vec<String>,
    pub warnings: Vec<String>,
    pub remarks: Vec<String>,
}

/// A message ready to send.
pub trait Message: Send + Sync {
    /// The message exactly as it would be sent, for `--print-payload`.
    fn printable(&self) -> Cow<'_, str>;

    /// One attempt at sending it, within `timeout`.
    fn send(&self, net: &Net, timeout: Duration) -> Verdict;
}

/// Every service, in the order host detection tries them; the generic webhook is last and
/// takes any other `http(s)` URL.
pub static SERVICES: &[&dyn Service] = &[
    &slack::SLACK,
    &Json(teams::Teams),
    &Json(discord::Discord),
    &Json(ringcentral::RingCentral),
    &Json(googlechat::GoogleChat),
    &Json(mattermost::Mattermost),
    &email::Email,
    &pushover::Pushover,
    &irc::Irc,
    &Json(telegram::Telegram),
    &Json(ntfy::Ntfy),
    &Json(pagerduty::PagerDuty),
    &Json(gotify::Gotify),
    &Json(rocketchat::RocketChat),
    &Json(zulip::Zulip),
    &Json(webex::Webex),
    &Json(matrix::Matrix),
    &Json(webhook::Webhook),
];

pub fn by_name(name: &str) -> Option<&'static dyn Service> {
    SERVICES.iter().copied().find(|s| s.spec().name == name)
}

/// The names of every service, for messages: `slack, teams, …`.
pub fn names() -> String {
    SERVICES
        .iter()
        .map(|s| s.spec().name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The built-in payload templates of every service, for checks.
pub fn templates() -> impl Iterator<Item = &'static str> {
    SERVICES
        .iter()
        .filter_map(|s| s.spec().template)
        .chain([include_str!("../../templates/slack-workflow.json")])
}

/// The destinations of crier's a destination as written stands for: itself, or what
/// Apprise's or shoutrrr's form becomes (one per target it names).
pub fn resolve(raw: &str) -> Result<Vec<String>, String> {
    dropin::translate(raw).unwrap_or_else(|| Ok(vec![raw.to_owned()]))
}

/// The service a destination URL of crier's is for, and the URL it is sent to, looked up in
/// this order: an explicit `NAME+` prefix, then the scheme, then the native host, then the
/// generic webhook for any other `http(s)` URL.
pub fn route(raw: &str) -> Result<(&'static dyn Service, String), String> {
    let (scheme, rest) = url::split_scheme(raw).ok_or_else(|| {
        let first = raw.split('/').next().unwrap_or("");
        match first.contains('.') && !first.contains(['@', ' ']) {
            true => "not a URL: it has no scheme; add `https://` in front".to_owned(),
            false => "not a URL".to_owned(),
        }
    })?;
    if let Some((name, inner)) = scheme.split_once('+') {
        let service = by_name(name)
            .ok_or_else(|| format!("unknown format `{name}`; formats: {}", names()))?;
        if inner != "http" && inner != "https" {
            return Err(format!(
                "`{name}+` goes before an http:// or https:// URL, not {inner}://"
            ));
        }
        return Ok((service, format!("{inner}://{rest}")));
    }
    if let Some(service) = SERVICES
        .iter()
        .copied()
        .find(|s| s.spec().schemes.contains(&scheme.as_str()))
    {
        return Ok((service, raw.to_owned()));
    }
    if scheme != "http" && scheme != "https" {
        return Err(format!(
            "unsupported scheme `{scheme}`; use http(s), FORMAT+URL with a format of {}, {}",
            names(),
            own_schemes()
        ));
    }
    let host = url::host_of(raw);
    if host.is_empty() {
        return Err("the URL has no host".into());
    }
    let (path, _, _) = url::split_tail(url::parts(rest).tail);
    let native = SERVICES
        .iter()
        .copied()
        .find(|s| s.spec().hosts.iter().any(|h| h.matches(&host, path)));
    if let (Some(service), "http") = (native, scheme.as_str()) {
        return Err(format!(
            "{host} ({}) is served over HTTPS only, and http:// would send the secret URL in \
             clear text: use https://",
            service.spec().name
        ));
    }
    Ok((native.unwrap_or(&Json(webhook::Webhook)), raw.to_owned()))
}

/// `Failed: test (Run tests), lint`: the run's failed jobs and steps, on one line.
pub(crate) fn failed_jobs_line(ctx: &serde_json::Value) -> Option<String> {
    let jobs = ctx["failed_jobs"].as_array().filter(|j| !j.is_empty())?;
    let named: Vec<String> = jobs
        .iter()
        .take(10)
        .map(|job| {
            let name = job["name"].as_str().unwrap_or_default();
            let steps: Vec<&str> = job["failed_steps"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(serde_json::Value::as_str)
                .take(3)
                .collect();
            match steps.is_empty() {
                true => name.to_owned(),
                false => format!("{name} ({})", steps.join(", ")),
            }
        })
        .collect();
    let more = jobs.len().saturating_sub(10);
    let tail = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    Some(format!("Failed: {}{tail}", named.join(", ")))
}

/// An id unique enough for one message (a Matrix transaction, an ntfy sequence): the time and
/// a random number, in letters and digits.
pub(crate) fn unique_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    let random = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    format!("{now:x}{random:016x}")
}

/// `mailto:, irc://, …`: the schemes services own.
fn own_schemes() -> String {
    SERVICES
        .iter()
        .flat_map(|s| s.spec().schemes.iter())
        .map(|s| match *s {
            "mailto" => "mailto:".to_owned(),
            s => format!("{s}://"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_every_service_has_a_form() {
        let mut names: Vec<_> = SERVICES.iter().map(|s| s.spec().name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), SERVICES.len());
        assert!(SERVICES.iter().all(|s| !s.spec().forms.is_empty()));
    }

    #[test]
    fn routing_follows_prefix_then_scheme_then_host() {
        let name = |raw: &str| route(raw).map(|(s, _)| s.spec().name);
        assert_eq!(
            name("webhook+https://hooks.slack.com/services/x"),
            Ok("webhook")
        );
        assert_eq!(name("https://hooks.slack.com/services/x"), Ok("slack"));
        assert_eq!(name("slack://C123"), Ok("slack"));
        assert_eq!(name("mailto:a@example.com"), Ok("email"));
        assert_eq!(name("https://ci.example.com/x"), Ok("webhook"));
        assert!(name("ftp://x/y")
            .unwrap_err()
            .contains("unsupported scheme"));
        assert!(name("bogus+https://x")
            .unwrap_err()
            .contains("unknown format `bogus`"));
        assert_eq!(
            route("discord+http://127.0.0.1:1/api/webhooks/1/t")
                .unwrap()
                .1,
            "http://127.0.0.1:1/api/webhooks/1/t"
        );
    }
}
