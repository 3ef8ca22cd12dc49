//! Slack's Web API, for messages that can be edited: `slack://CHANNEL` with `slack-token`
//! (or `slack://BOT_TOKEN@CHANNEL`, a token of its own) posts with `chat.postMessage`, and with a message to edit sends `chat.update` (the whole
//! message again: Slack drops blocks an update leaves out). `slack+https://HOST/api?channel=C…`
//! points the API elsewhere. Errors come back as HTTP 200 with `"ok": false`.

use super::super::json::{JsonApi, JsonDestination, Shape};
use super::super::{Setup, Spec};
use crate::http::{describe, judge_http, Reply, Request};
use crate::render::Payload;
use crate::url::percent_decode;
use crate::verdict::Verdict;

pub struct SlackApi;

/// Slack's Web API.
pub const API: &str = "https://slack.com/api";

/// `slack://[BOT_TOKEN@]CHANNEL` as the Web API's URL, with the URL's token or `slack-token`.
pub fn open(url: &str, setup: &Setup) -> Result<JsonDestination, String> {
    let mut own_token = None;
    let url = match url.split_once("://") {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("slack") => {
            let (token, channel) = match rest.split_once('@') {
                Some((token, channel)) => (Some(crate::url::percent_decode(token)), channel),
                None => (None, rest),
            };
            own_token = token.filter(|t| !t.is_empty());
            let channel = channel.trim_matches('/').replace('#', "%23");
            if channel.is_empty() {
                return Err("expected slack://CHANNEL".into());
            }
            format!("{API}?channel={channel}")
        }
        _ => url.to_owned(),
    };
    let token = own_token
        .as_deref()
        .or(setup.settings.slack_token.as_deref())
        .ok_or("slack:// destinations need `slack-token` (a bot token with chat:write)")?;
    Ok(JsonDestination::new(&SlackApi, &url).with_secret_header(
        "Authorization",
        format!("Bearer {token}"),
        token,
    ))
}

impl JsonApi for SlackApi {
    fn spec(&self) -> &'static Spec {
        &super::SPEC
    }

    fn mention_advice(&self, mention: &str) -> Option<String> {
        super::mention_advice(mention)
    }

    fn check(&self, payload: &Payload) -> Option<String> {
        super::webhook::check_blocks(&payload.value())
    }

    /// The channel is not a secret (its id comes back in the message handle); the token,
    /// declared with the header, is.
    fn secrets(&self, url: &str) -> Vec<String> {
        let base = url.split('?').next().unwrap_or(url);
        crate::redact::url_secrets(base)
    }

    fn request(&self, url: &str, payload: Payload, shape: &Shape) -> Result<Request, String> {
        let mut payload = payload.value();
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let channel = query
            .split('&')
            .find_map(|p| p.strip_prefix("channel="))
            .filter(|c| !c.is_empty())
            .ok_or("the URL names no channel (?channel=)")?;
        let method = match shape.edit {
            Some(handle) => {
                // A handle is CHANNEL_ID/TS: an update needs the channel's id, not its name.
                let (channel, ts) = handle.split_once('/').ok_or_else(|| {
                    format!("`{handle}` is not a Slack message handle (CHANNEL/TS)")
                })?;
                payload["channel"] = channel.into();
                payload["ts"] = ts.into();
                "chat.update"
            }
            None => {
                payload["channel"] = percent_decode(channel).into();
                "chat.postMessage"
            }
        };
        if let Some(thread) = shape.thread {
            // A thread is given as a handle (CHANNEL/TS) or a bare ts.
            let ts = thread.rsplit('/').next().unwrap_or(thread);
            payload["thread_ts"] = ts.into();
        }
        Ok(Request::post_json(
            format!("{}/{method}", base.trim_end_matches('/')),
            payload.to_string(),
        ))
    }

    fn judge(&self, _url: &str, reply: &Reply) -> Verdict {
        if reply.status != 200 {
            return judge_http(reply);
        }
        let body = reply.json();
        if body["ok"] == true {
            let channel = body["channel"].as_str().unwrap_or_default();
            let ts = body["ts"].as_str().unwrap_or_default();
            return Verdict::Delivered {
                detail: "HTTP 200 ok".into(),
                message_id: (!channel.is_empty() && !ts.is_empty())
                    .then(|| format!("{channel}/{ts}")),
            };
        }
        match body["error"].as_str() {
            Some("ratelimited") => Verdict::Retry {
                reason: "Slack: ratelimited".into(),
                after: reply.retry_after,
            },
            Some(error) => Verdict::Failed {
                reason: format!("Slack: {error}"),
            },
            None => Verdict::Failed {
                reason: format!(
                    "{} (Slack's Web API answers \"ok\": true on success)",
                    describe(reply)
                ),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn payload(value: Value) -> Payload {
        Payload::of(&value)
    }

    #[test]
    fn posts_and_updates() {
        let options = Shape::default();
        let post = SlackApi
            .request(
                "https://slack.com/api?channel=%23builds",
                payload(json!({"text": "t"})),
                &options,
            )
            .unwrap();
        assert_eq!(post.url, "https://slack.com/api/chat.postMessage");
        assert_eq!(
            serde_json::from_str::<Value>(&post.body).unwrap(),
            json!({"text": "t", "channel": "#builds"})
        );
        let edit = Shape {
            edit: Some("C123/1700.1"),
            thread: Some("C123/1600.5"),
        };
        let update = SlackApi
            .request(
                "https://slack.com/api?channel=%23builds",
                payload(json!({"text": "t"})),
                &edit,
            )
            .unwrap();
        assert_eq!(update.url, "https://slack.com/api/chat.update");
        assert_eq!(
            serde_json::from_str::<Value>(&update.body).unwrap(),
            json!({"text": "t", "channel": "C123", "ts": "1700.1", "thread_ts": "1600.5"})
        );
        assert!(SlackApi
            .request("https://slack.com/api", payload(json!({})), &options)
            .is_err());
    }

    #[test]
    fn ok_false_is_a_failure() {
        let reply = |body: &str| Reply::new(200, body);
        match SlackApi.judge("", &reply(r#"{"ok":true,"channel":"C1","ts":"17.5"}"#)) {
            Verdict::Delivered { message_id, .. } => {
                assert_eq!(message_id.as_deref(), Some("C1/17.5"))
            }
            other => panic!("{other:?}"),
        }
        match SlackApi.judge("", &reply(r#"{"ok":false,"error":"channel_not_found"}"#)) {
            Verdict::Failed { reason } => assert_eq!(reason, "Slack: channel_not_found"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            SlackApi.judge("", &reply(r#"{"ok":false,"error":"ratelimited"}"#)),
            Verdict::Retry { .. }
        ));
    }
}
