//! Pushover: `pushover://USER_KEY@APP_TOKEN[/DEVICE/…]` posts a form to Pushover's message
//! API (to those devices only, if named: `/DEVICE` or `?device=a,b`);
//! `pushover+https://HOST/PATH?user=…&token=…` posts to another endpoint, with `user` and
//! `token` moved from the query into the form, so credentials never stay in a requested URL.
//! Success is `"status": 1`; a 4xx is final (its `errors` are shown), and 429 means the
//! month's quota is spent, so it is not retried either.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use super::{Destination, Draft, Message, Notes, Prepared, Secret, Service, Setup, Spec};
use crate::http::{describe, judge_http, Reply, Request, FORM};
use crate::markup;
use crate::net::Net;
use crate::redact;
use crate::url::{form_encode, query_pairs};
use crate::verdict::Verdict;

pub struct Pushover;

static SPEC: Spec = Spec {
    name: "pushover",
    about: "Pushover notification to a phone",
    forms: &[
        "pushover://USER_KEY@APP_TOKEN",
        "pushover+https://HOST/PATH?user=USER_KEY&token=APP_TOKEN",
    ],
    schemes: &["pushover"],
    hosts: &[],
    can_edit: false,
    template: None,
    max_bytes: None,
};

impl Service for Pushover {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn open(&'static self, url: &str, _setup: &Setup) -> Result<Box<dyn Destination>, String> {
        Ok(Box::new(Target::parse(url)?))
    }
}

/// Pushover's public message API.
pub const API: &str = "https://api.pushover.net/1/messages.json";

/// Pushover's limits, in characters.
const MAX_TITLE: usize = 250;
const MAX_MESSAGE: usize = 1024;
const MAX_URL: usize = 512;
const MAX_URL_TITLE: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub endpoint: String,
    pub user: String,
    pub token: String,
    /// The user's devices to notify (comma-separated), or all of them.
    pub device: Option<String>,
}

impl Target {
    /// `pushover://USER@TOKEN`, or (its `pushover+` prefix taken off)
    /// `https://HOST/PATH?user=…&token=…`.
    pub fn parse(raw: &str) -> Result<Target, String> {
        let raw = raw.strip_prefix("pushover+").unwrap_or(raw);
        let (scheme, rest) = raw.split_once("://").ok_or("not a URL")?;
        if scheme.eq_ignore_ascii_case("pushover") {
            let (authority, tail) = rest.split_at(rest.find(['/', '?', '#']).unwrap_or(rest.len()));
            let (user, token) = authority
                .split_once('@')
                .ok_or("expected pushover://USER_KEY@APP_TOKEN")?;
            let (path, query, _) = crate::url::split_tail(tail);
            let mut devices: Vec<String> = path
                .split('/')
                .filter(|d| !d.is_empty())
                .map(str::to_owned)
                .collect();
            for (key, value) in query_pairs(query) {
                match key {
                    "device" | "devices" => devices.extend(
                        crate::url::percent_decode(value)
                            .split(',')
                            .filter(|d| !d.is_empty())
                            .map(str::to_owned),
                    ),
                    _ => {
                        return Err(format!(
                            "unknown option `{key}`; the one option is ?device="
                        ))
                    }
                }
            }
            let mut target = Target::new(API.into(), user, token)?;
            target.device = devices_of(devices)?;
            return Ok(target);
        }
        if scheme != "https" && scheme != "http" {
            return Err("expected pushover:// or pushover+https://".into());
        }
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        let mut user = "";
        let mut token = "";
        let mut devices = Vec::new();
        let mut others = Vec::new();
        for (key, value) in query_pairs(query) {
            match key {
                "user" => user = value,
                "token" => token = value,
                "device" => devices.push(crate::url::percent_decode(value)),
                _ => others.push(format!("{key}={value}")),
            }
        }
        let mut endpoint = format!("{scheme}://{path}");
        if !others.is_empty() {
            endpoint = format!("{endpoint}?{}", others.join("&"));
        }
        let mut target = Target::new(endpoint, user, token)?;
        target.device = devices_of(devices)?;
        Ok(target)
    }

    fn new(endpoint: String, user: &str, token: &str) -> Result<Target, String> {
        if user.is_empty() || token.is_empty() {
            return Err("the user key and the app token are both required".into());
        }
        Ok(Target {
            endpoint,
            user: user.to_owned(),
            token: token.to_owned(),
            device: None,
        })
    }
}

/// Device names as Pushover takes them: up to 25 letters, digits, `_` and `-` each.
fn devices_of(devices: Vec<String>) -> Result<Option<String>, String> {
    for device in &devices {
        let fits = device.len() <= 25
            && device
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !fits {
            return Err("a device name is up to 25 letters, digits, _ and -".into());
        }
    }
    Ok((!devices.is_empty()).then(|| devices.join(",")))
}

impl Destination for Target {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn shown(&self) -> String {
        redact::display_url(&self.endpoint)
    }

    fn secrets(&self) -> Vec<Secret> {
        let mut secrets = vec![
            Secret::Text(self.user.clone()),
            Secret::Text(self.token.clone()),
        ];
        secrets.extend(
            redact::url_secrets(&self.endpoint)
                .into_iter()
                .map(Secret::Text),
        );
        secrets
    }

    fn prepare(&self, draft: &Draft) -> Result<Prepared, String> {
        let (fields, cuts) = form(self, draft.data.value());
        let body = form_urlencode(&fields);
        let mut request = Request::post_json(self.endpoint.clone(), body);
        request.content_type = FORM;
        Ok(Prepared {
            message: Arc::new(Post { fields, request }),
            notes: Notes {
                cuts,
                ..Notes::default()
            },
        })
    }
}

/// The form fields for the run in `ctx` (the template context), credentials first.
pub fn form(target: &Target, ctx: &Value) -> (Vec<(String, String)>, Vec<String>) {
    let mut cuts = Vec::new();
    let mut fit = |name: &str, text: &str, max: usize| {
        let (fitted, cut) = markup::fit(text, max, markup::plain);
        if cut {
            cuts.push(format!(
                "{name} cut from {} to {max} characters",
                text.chars().count()
            ));
        }
        fitted
    };
    let text = |key: &str| ctx[key].as_str().unwrap_or_default().to_owned();
    let title = text("title");
    let mention = text("mention");
    let mut message = text("message");
    if !mention.is_empty() {
        message = format!("{mention} {message}");
    }
    if let Some(failed) = super::failed_jobs_line(ctx) {
        message = match message.trim().is_empty() {
            true => failed,
            false => format!("{failed}\n{message}"),
        };
    }
    if message.trim().is_empty() {
        // Pushover requires a message.
        message.clone_from(&title);
    }
    let mut fields = vec![
        ("token".to_owned(), target.token.clone()),
        ("user".to_owned(), target.user.clone()),
        ("title".to_owned(), fit("title", &title, MAX_TITLE)),
        ("message".to_owned(), fit("message", &message, MAX_MESSAGE)),
        (
            "priority".to_owned(),
            priority(ctx["status"].as_str().unwrap_or("")).to_owned(),
        ),
    ];
    if let Some(device) = &target.device {
        fields.push(("device".into(), device.clone()));
    }
    let run_url = ctx["run"]["url"].as_str().unwrap_or_default();
    if !run_url.is_empty() && run_url.chars().count() <= MAX_URL {
        fields.push(("url".into(), run_url.to_owned()));
        let number = ctx["run"]["number"]
            .as_str()
            .map(|n| format!(" #{n}"))
            .unwrap_or_default();
        fields.push((
            "url_title".into(),
            fit("url_title", &format!("View run{number}"), MAX_URL_TITLE),
        ));
    }
    (fields, cuts)
}

/// Failures are high priority (they bypass quiet hours); starts and skips are low.
fn priority(status: &str) -> &'static str {
    match status {
        "failure" => "1",
        "started" | "skipped" => "-1",
        _ => "0",
    }
}

/// The form as it would be sent, with the credentials masked, for `--print-payload`.
fn printable(fields: &[(String, String)]) -> String {
    let shown: Vec<(String, String)> = fields
        .iter()
        .map(|(k, v)| {
            let v = if k == "token" || k == "user" {
                crate::redact::MASK.to_owned()
            } else {
                v.clone()
            };
            (k.clone(), v)
        })
        .collect();
    form_urlencode(&shown)
}

/// `application/x-www-form-urlencoded`.
fn form_urlencode(fields: &[(String, String)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", form_encode(k), form_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// One Pushover message, posted as a form.
struct Post {
    fields: Vec<(String, String)>,
    request: Request,
}

impl Message for Post {
    fn printable(&self) -> Cow<'_, str> {
        Cow::Owned(printable(&self.fields))
    }

    fn send(&self, net: &Net, timeout: Duration) -> Verdict {
        net.http().attempt(&self.request, timeout, judge)
    }
}

pub fn judge(reply: &Reply) -> Verdict {
    let body: Option<Value> = serde_json::from_str(&reply.body).ok();
    let errors = body
        .as_ref()
        .and_then(|b| b["errors"].as_array())
        .map(|e| {
            e.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("; ")
        })
        .filter(|e| !e.is_empty());
    match reply.status {
        200..=299 if body.as_ref().is_some_and(|b| b["status"] == 1) => Verdict::Delivered {
            detail: format!("HTTP {} status 1", reply.status),
            message_id: body.and_then(|b| b["request"].as_str().map(str::to_owned)),
        },
        429 => Verdict::Failed {
            reason: "HTTP 429: the application's monthly message quota is used up".into(),
        },
        400..=499 => Verdict::Failed {
            reason: match errors {
                Some(errors) => format!("HTTP {}: {errors}", reply.status),
                None => describe(reply),
            },
        },
        200..=299 => Verdict::Failed {
            reason: format!(
                "{} (Pushover answers \"status\": 1 on success)",
                describe(reply)
            ),
        },
        _ => judge_http(reply),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn targets_are_parsed_with_credentials_out_of_the_url() {
        assert_eq!(
            Target::parse(
                "pushover://uQiRzpo4DXghDmr9QzzfQu27cmVRsG@azGDORePK8gMaC0QOYAMyEEuzJnyUi"
            )
            .unwrap(),
            Target {
                endpoint: API.into(),
                user: "uQiRzpo4DXghDmr9QzzfQu27cmVRsG".into(),
                token: "azGDORePK8gMaC0QOYAMyEEuzJnyUi".into(),
                device: None,
            }
        );
        let t = Target::parse("http://127.0.0.1:8080/1/messages.json?user=U&token=T&x=1").unwrap();
        assert_eq!(t.endpoint, "http://127.0.0.1:8080/1/messages.json?x=1");
        assert_eq!((t.user.as_str(), t.token.as_str()), ("U", "T"));
        assert!(Target::parse("pushover://nouser").is_err());
        assert!(Target::parse("https://x/y?user=U").is_err());
    }

    #[test]
    fn fields_keep_within_limits_and_priority_follows_the_status() {
        let target = Target::parse("pushover://U@T").unwrap();
        let ctx = json!({"title": "t".repeat(300), "message": "m".repeat(2000), "status": "failure",
                          "mention": "", "run": {"url": "https://ci/run/1", "number": "7"}});
        let (fields, cuts) = form(&target, &ctx);
        let get = |k: &str| {
            fields
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
                .unwrap()
        };
        assert_eq!(get("title").chars().count(), 250);
        assert_eq!(get("message").chars().count(), 1024);
        assert_eq!(get("priority"), "1");
        assert_eq!(get("url_title"), "View run #7");
        assert_eq!(cuts.len(), 2);
        assert!(!printable(&fields).contains("token=T&"));
    }

    #[test]
    fn answers_are_judged_as_pushover_means_them() {
        let reply = Reply::new;
        match judge(&reply(200, r#"{"status":1,"request":"abc-123"}"#)) {
            Verdict::Delivered { message_id, .. } => {
                assert_eq!(message_id.as_deref(), Some("abc-123"))
            }
            other => panic!("{other:?}"),
        }
        match judge(&reply(
            400,
            r#"{"user":"invalid","errors":["user identifier is invalid"],"status":0}"#,
        )) {
            Verdict::Failed { reason } => assert!(reason.contains("user identifier is invalid")),
            other => panic!("{other:?}"),
        }
        assert!(matches!(judge(&reply(429, "")), Verdict::Failed { .. }));
        assert!(matches!(
            judge(&reply(200, r#"{"status":0}"#)),
            Verdict::Failed { .. }
        ));
        assert!(matches!(judge(&reply(503, "")), Verdict::Retry { .. }));
    }
}
