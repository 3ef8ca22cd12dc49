//! Discord webhooks: an embed with colour, title linking to the run, description, fields and
//! footer. `allowed_mentions` is always sent, so user text cannot ping anyone unless
//! `mention` asks for it. Requests go to API v10 with `?wait=true`, so Discord answers with
//! the message (and its id) instead of a silent 204. A 429 carries `retry_after` in seconds.

use serde_json::Value;

use super::json::{JsonApi, Shape};
use super::{Host, Spec};
use crate::http::{describe, judge_http, seconds_wait, Reply, Request};
use crate::render::Payload;
use crate::verdict::Verdict;

pub struct Discord;

static SPEC: Spec = Spec {
    name: "discord",
    about: "Discord webhook (embed)",
    forms: &["https://discord.com/api/webhooks/ID/TOKEN"],
    schemes: &[],
    hosts: &[
        Host::DomainPath("discord.com", "/webhooks/"),
        Host::DomainPath("discordapp.com", "/webhooks/"),
    ],
    can_edit: true,
    template: Some(include_str!("../../templates/discord.json")),
    max_bytes: None,
};

/// Discord's documented embed limits.
const MAX_EMBED_TOTAL: usize = 6000;
const MAX_CONTENT: usize = 2000;

impl JsonApi for Discord {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    /// A new message goes to API v10 with `?wait=true`, so Discord answers with the message
    /// (and its id) instead of a silent 204; an edit is a PATCH of that message. Both carry
    /// the payload's `allowed_mentions`: Discord does not remember them for an edit.
    fn request(&self, url: &str, payload: Payload, shape: &Shape) -> Result<Request, String> {
        // The unversioned API is v6, where retry_after was in milliseconds.
        let url = url.replacen("/api/webhooks/", "/api/v10/webhooks/", 1);
        let (base, query) = url.split_once('?').unwrap_or((&url, ""));
        // The URL's own `thread_id` stands unless the `thread` setting names another.
        let mut params: Vec<String> = query
            .split('&')
            .filter(|p| !p.is_empty() && !p.starts_with("wait="))
            .filter(|p| shape.thread.is_none() || !p.starts_with("thread_id="))
            .map(str::to_owned)
            .collect();
        if let Some(thread) = shape.thread {
            params.push(format!("thread_id={thread}"));
        }
        let (method, target) = match shape.edit {
            Some(id) => (
                "PATCH",
                format!("{}/messages/{id}", base.trim_end_matches('/')),
            ),
            None => {
                params.push("wait=true".into());
                ("POST", base.to_owned())
            }
        };
        let url = match params.is_empty() {
            true => target,
            false => format!("{target}?{}", params.join("&")),
        };
        let mut request = Request::post_json(url, payload.text);
        request.method = method;
        // "Client requests that do not have a valid User Agent specified may be blocked."
        request.headers.push((
            "User-Agent".into(),
            concat!(
                "DiscordBot (https://github.com/town-crier/town-crier, ",
                env!("CARGO_PKG_VERSION"),
                ")"
            )
            .into(),
        ));
        Ok(request)
    }

    /// Discord pings `<@id>`, `<@&role>`, `@here` and `@everyone`; `@name` is only text.
    fn mention_advice(&self, mention: &str) -> Option<String> {
        let pings = mention
            .split_whitespace()
            .all(|word| word.starts_with("<@") || word == "@here" || word == "@everyone");
        (!pings).then(|| {
            format!(
                "mention {mention:?} will not ping on Discord: write a member as <@123456789> \
                 (their user ID), a role as <@&987654321>, or @here"
            )
        })
    }

    fn check(&self, payload: &Payload) -> Option<String> {
        let payload = payload.value();
        let chars = |v: &Value| v.as_str().map_or(0, |s| s.chars().count());
        if chars(&payload["content"]) > MAX_CONTENT {
            return Some(format!("content over {MAX_CONTENT} characters"));
        }
        let total: usize = payload["embeds"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| {
                chars(&e["title"])
                    + chars(&e["description"])
                    + chars(&e["footer"]["text"])
                    + chars(&e["author"]["name"])
                    + e["fields"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|f| chars(&f["name"]) + chars(&f["value"]))
                        .sum::<usize>()
            })
            .sum();
        (total > MAX_EMBED_TOTAL).then(|| {
            format!("the embeds hold {total} characters; Discord accepts at most {MAX_EMBED_TOTAL}")
        })
    }

    fn judge(&self, _url: &str, reply: &Reply) -> Verdict {
        match reply.status {
            200..=299 => Verdict::Delivered {
                detail: format!("HTTP {}", reply.status),
                message_id: reply.json()["id"].as_str().map(str::to_owned),
            },
            429 => {
                // The body's float seconds are more precise than the header's whole ones.
                let asked = seconds_wait(&reply.json()["retry_after"]);
                Verdict::Retry {
                    reason: describe(reply),
                    after: asked.or(reply.retry_after),
                }
            }
            404 => Verdict::Failed {
                reason: format!("{}: the webhook no longer exists", describe(reply)),
            },
            _ => judge_http(reply),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::time::Duration;

    fn payload(value: Value) -> Payload {
        Payload::of(&value)
    }

    fn request(url: &str, shape: Shape) -> (&'static str, String) {
        let r = Discord.request(url, payload(json!({})), &shape).unwrap();
        (r.method, r.url)
    }

    #[test]
    fn posts_ask_for_the_message_back_and_edits_patch_it() {
        let none = Shape::default();
        assert_eq!(
            request("https://discord.com/api/webhooks/1/tok", none),
            (
                "POST",
                "https://discord.com/api/v10/webhooks/1/tok?wait=true".into()
            )
        );
        let edit = Shape {
            edit: Some("99"),
            ..none
        };
        assert_eq!(
            request("https://discord.com/api/webhooks/1/tok", edit),
            (
                "PATCH",
                "https://discord.com/api/v10/webhooks/1/tok/messages/99".into()
            )
        );
        let thread = Shape {
            thread: Some("555"),
            ..none
        };
        assert_eq!(
            request("https://discord.com/api/webhooks/1/tok?wait=false", thread),
            (
                "POST",
                "https://discord.com/api/v10/webhooks/1/tok?thread_id=555&wait=true".into()
            )
        );
        // The URL's own thread stands, unless the setting names another.
        assert_eq!(
            request("https://discord.com/api/webhooks/1/tok?thread_id=777", none).1,
            "https://discord.com/api/v10/webhooks/1/tok?thread_id=777&wait=true"
        );
        assert_eq!(
            request(
                "https://discord.com/api/webhooks/1/tok?thread_id=777",
                thread
            )
            .1,
            "https://discord.com/api/v10/webhooks/1/tok?thread_id=555&wait=true"
        );
    }

    #[test]
    fn answers_are_judged_as_discord_means_them() {
        let reply = |status, body: &str| Reply {
            retry_after: Some(Duration::from_secs(2)),
            ..Reply::new(status, body)
        };
        match Discord.judge("", &reply(200, r#"{"id": "1234", "channel_id": "5"}"#)) {
            Verdict::Delivered { message_id, .. } => {
                assert_eq!(message_id.as_deref(), Some("1234"))
            }
            other => panic!("{other:?}"),
        }
        match Discord.judge("", &reply(429, r#"{"retry_after": 0.25, "global": false}"#)) {
            Verdict::Retry { after, .. } => assert_eq!(after, Some(Duration::from_millis(250))),
            other => panic!("{other:?}"),
        }
        match Discord.judge("", &reply(429, "<html>banned</html>")) {
            Verdict::Retry { after, .. } => assert_eq!(after, Some(Duration::from_secs(2))),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            Discord.judge("", &reply(404, "")),
            Verdict::Failed { .. }
        ));
    }

    #[test]
    fn the_embed_total_is_checked() {
        let big = json!({"embeds": [{"title": "t", "description": "d".repeat(4000), "fields": [{"name": "n", "value": "v".repeat(1000)}, {"name": "n", "value": "v".repeat(1000)}]}]});
        assert!(Discord.check(&payload(big)).is_some());
        assert!(Discord
            .check(&payload(json!({"embeds": [{"title": "ok"}]})))
            .is_none());
    }
}
