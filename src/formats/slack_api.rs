//! Slack's Web API, for messages that can be edited: `slack://CHANNEL` with `slack-token`
//! posts with `chat.postMessage`, and with a message to edit sends `chat.update` (the whole
//! message again: Slack drops blocks an update leaves out). `slack+https://HOST/api?channel=C…`
//! points the API elsewhere. Errors come back as HTTP 200 with `"ok": false`.

use serde_json::Value;

use super::{describe, judge_http, Format, Options, Reply, Request, Verdict};

pub struct SlackApi;

/// Slack's Web API.
pub const API: &str = "https://slack.com/api";

impl Format for SlackApi {
    fn name(&self) -> &'static str {
        "slack"
    }

    fn detects(&self, _host: &str, _path: &str) -> bool {
        // Only by form: slack:// or slack+https://…?channel=.
        false
    }

    fn template(&self) -> &'static str {
        include_str!("../../templates/slack.json")
    }

    fn request(&self, url: &str, mut payload: Value, options: &Options) -> Result<Request, String> {
        let token = options
            .slack_token
            .ok_or("slack:// destinations need `slack-token` (a bot token with chat:write)")?;
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let channel = query
            .split('&')
            .find_map(|p| p.strip_prefix("channel="))
            .filter(|c| !c.is_empty())
            .ok_or("the URL names no channel (?channel=)")?;
        let method = match options.edit {
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
                payload["channel"] = crate::destination::percent_decode(channel).into();
                "chat.postMessage"
            }
        };
        if let Some(thread) = options.thread {
            // A thread is given as a handle (CHANNEL/TS) or a bare ts.
            let ts = thread.rsplit('/').next().unwrap_or(thread);
            payload["thread_ts"] = ts.into();
        }
        Ok(Request {
            method: "POST",
            url: format!("{}/{method}", base.trim_end_matches('/')),
            headers: vec![("Authorization".into(), format!("Bearer {token}"))],
            body: payload.to_string(),
        })
    }

    fn can_edit(&self) -> bool {
        true
    }

    fn judge(&self, _url: &str, reply: &Reply) -> Verdict {
        if reply.status != 200 {
            return judge_http(reply);
        }
        let body: Value = serde_json::from_str(&reply.body).unwrap_or(Value::Null);
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
    use serde_json::json;

    #[test]
    fn posts_and_updates() {
        let options = Options {
            slack_token: Some("xoxb-1"),
            ..Options::default()
        };
        let post = SlackApi
            .request(
                "https://slack.com/api?channel=%23builds",
                json!({"text": "t"}),
                &options,
            )
            .unwrap();
        assert_eq!(post.url, "https://slack.com/api/chat.postMessage");
        assert_eq!(
            post.headers,
            [("Authorization".to_owned(), "Bearer xoxb-1".to_owned())]
        );
        assert_eq!(
            serde_json::from_str::<Value>(&post.body).unwrap(),
            json!({"text": "t", "channel": "#builds"})
        );
        let edit = Options {
            edit: Some("C123/1700.1"),
            thread: Some("C123/1600.5"),
            ..options
        };
        let update = SlackApi
            .request(
                "https://slack.com/api?channel=%23builds",
                json!({"text": "t"}),
                &edit,
            )
            .unwrap();
        assert_eq!(update.url, "https://slack.com/api/chat.update");
        assert_eq!(
            serde_json::from_str::<Value>(&update.body).unwrap(),
            json!({"text": "t", "channel": "C123", "ts": "1700.1", "thread_ts": "1600.5"})
        );
        assert!(SlackApi
            .request(
                "https://slack.com/api?channel=x",
                json!({}),
                &Options::default()
            )
            .is_err());
    }

    #[test]
    fn ok_false_is_a_failure() {
        let reply = |body: &str| Reply {
            status: 200,
            retry_after: None,
            body: body.into(),
        };
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
