//! Telegram, through the Bot API: `telegram://BOT_TOKEN/CHAT_ID` (`?thread=TOPIC` for a forum
//! topic), or `telegram+https://HOST/botBOT_TOKEN?chat_id=CHAT_ID` for a self-hosted Bot API
//! server. `sendMessage` with HTML text, `editMessageText` to edit; success is
//! `{"ok": true}`, and `{"ok": false, …}` is a failure even in a 200. A 429 waits
//! `parameters.retry_after` seconds.

use std::time::Duration;

use serde_json::Value;

use super::json::{JsonApi, JsonDestination, Shape};
use super::{Setup, Spec};
use crate::http::{describe, judge_http, Reply, Request};
use crate::render::Payload;
use crate::url::{percent_decode, query_pairs, split_tail};
use crate::verdict::Verdict;

pub struct Telegram;

/// The public Bot API.
const API: &str = "https://api.telegram.org";

static SPEC: Spec = Spec {
    name: "telegram",
    about: "Telegram chat or forum topic, through a bot (messages can be edited)",
    forms: &[
        "telegram://BOT_TOKEN/CHAT_ID",
        "telegram+https://HOST/botBOT_TOKEN?chat_id=CHAT_ID",
    ],
    schemes: &["telegram"],
    hosts: &[],
    can_edit: true,
    template: Some(include_str!("../../templates/telegram.json")),
    max_bytes: None,
};

impl JsonApi for Telegram {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    /// `telegram://TOKEN/CHAT` becomes the Bot API's URL, with the chat in the query.
    fn open(&'static self, url: &str, _setup: &Setup) -> Result<JsonDestination, String> {
        let (scheme, rest) = url.split_once("://").ok_or("not a URL")?;
        let url = match scheme.eq_ignore_ascii_case("telegram") {
            true => {
                let (path, query, _) = split_tail(rest);
                let (token, chat) = path
                    .split_once('/')
                    .filter(|(t, c)| !t.is_empty() && !c.trim_matches('/').is_empty())
                    .ok_or("expected telegram://BOT_TOKEN/CHAT_ID")?;
                let mut url = format!("{API}/bot{token}?chat_id={}", chat.trim_matches('/'));
                for (key, value) in query_pairs(query) {
                    match key {
                        "thread" | "topic" => url.push_str(&format!("&message_thread_id={value}")),
                        _ => {
                            return Err(format!(
                                "unknown option `{key}`; the one option is ?thread="
                            ))
                        }
                    }
                }
                url
            }
            false => url.to_owned(),
        };
        if !url
            .split('?')
            .nth(1)
            .is_some_and(|q| q.contains("chat_id="))
        {
            return Err("the URL names no chat (?chat_id=)".into());
        }
        Ok(JsonDestination::new(self, &url))
    }

    fn request(&self, url: &str, payload: Payload, shape: &Shape) -> Result<Request, String> {
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let mut body = payload.value();
        for (key, value) in query_pairs(query) {
            if key == "chat_id" || key == "message_thread_id" {
                let value = percent_decode(value);
                body[key] = value
                    .parse::<i64>()
                    .map(Value::from)
                    .unwrap_or(Value::String(value));
            }
        }
        let method = match shape.edit {
            Some(id) => {
                body["message_id"] = id
                    .parse::<i64>()
                    .map(Value::from)
                    .map_err(|_| format!("`{id}` is not a Telegram message id"))?;
                body.as_object_mut().map(|b| b.remove("message_thread_id"));
                "editMessageText"
            }
            None => "sendMessage",
        };
        if let (Some(thread), None) = (shape.thread, shape.edit) {
            body["reply_parameters"] =
                serde_json::json!({"message_id": thread.parse::<i64>().unwrap_or(0)});
        }
        Ok(Request::post_json(
            format!("{}/{method}", base.trim_end_matches('/')),
            body.to_string(),
        ))
    }

    /// The bot's token is the secret; the chat id comes back in handles and is not.
    fn secrets(&self, url: &str) -> Vec<String> {
        let rest = url.split_once("://").map_or(url, |(_, r)| r);
        let (path, _, _) = split_tail(crate::url::parts(rest).tail);
        path.split('/')
            .filter_map(|segment| segment.strip_prefix("bot"))
            .filter(|token| !token.is_empty())
            .flat_map(|token| [token.to_owned(), format!("bot{token}")])
            .collect()
    }

    fn check(&self, payload: &Payload) -> Option<String> {
        let n = payload.value()["text"]
            .as_str()
            .map_or(0, |t| t.chars().count());
        (n > 4096).then(|| format!("the text has {n} characters; Telegram takes at most 4096"))
    }

    fn judge(&self, _url: &str, reply: &Reply) -> Verdict {
        let body = reply.json();
        match (reply.status, body["ok"].as_bool()) {
            (200, Some(true)) => Verdict::Delivered {
                detail: "HTTP 200 ok".into(),
                message_id: body["result"]["message_id"]
                    .as_i64()
                    .map(|id| id.to_string()),
            },
            (429, _) => Verdict::Retry {
                reason: describe(reply),
                after: body["parameters"]["retry_after"]
                    .as_u64()
                    .map(Duration::from_secs)
                    .or(reply.retry_after),
            },
            // An edit that changes nothing is not a failure.
            (400, _)
                if body["description"]
                    .as_str()
                    .is_some_and(|d| d.contains("message is not modified")) =>
            {
                Verdict::delivered("HTTP 400 message is not modified")
            }
            (200, _) => Verdict::failed(format!(
                "{} (Telegram answers \"ok\": true on success)",
                describe(reply)
            )),
            _ => judge_http(reply),
        }
    }
}
