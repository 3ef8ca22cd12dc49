//! Zulip: `zulip://BOT_EMAIL:API_KEY@HOST?stream=STREAM[&topic=TOPIC]` (HTTPS), or
//! `zulip+https://BOT_EMAIL:API_KEY@HOST/api/v1/messages?stream=…`. A form `POST` of a stream
//! message with the bot's e-mail and key as Basic auth; the topic is the repository and
//! branch unless the URL names one. Edits `PATCH /api/v1/messages/ID`. Success is
//! `"result": "success"`.

use base64::Engine;

use super::json::{JsonApi, JsonDestination, Shape};
use super::{Setup, Spec};
use crate::http::{describe, judge_http, seconds_wait, Reply, Request, FORM};
use crate::render::Payload;
use crate::url::{credential_parts, form_encode, percent_decode, query_pairs, split_tail};
use crate::verdict::Verdict;

pub struct Zulip;

static SPEC: Spec = Spec {
    name: "zulip",
    about: "Zulip stream message from a bot (messages can be edited)",
    forms: &[
        "zulip://BOT_EMAIL:API_KEY@HOST?stream=STREAM",
        "zulip+https://BOT_EMAIL:API_KEY@HOST/api/v1/messages?stream=STREAM",
    ],
    schemes: &["zulip"],
    hosts: &[],
    can_edit: true,
    template: Some(include_str!("../../templates/zulip.json")),
    max_bytes: None,
};

impl JsonApi for Zulip {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn open(&'static self, url: &str, _setup: &Setup) -> Result<JsonDestination, String> {
        let (scheme, rest) = url.split_once("://").ok_or("not a URL")?;
        let p = credential_parts(rest);
        let (email, key) = p
            .userinfo
            .and_then(|u| u.split_once(':'))
            .map(|(e, k)| (percent_decode(e), percent_decode(k)))
            .filter(|(e, k)| !e.is_empty() && !k.is_empty())
            .ok_or("expected zulip://BOT_EMAIL:API_KEY@HOST?stream=STREAM")?;
        let (path, query, _) = split_tail(p.tail);
        if !query_pairs(query).iter().any(|(k, _)| *k == "stream") {
            return Err("the URL names no stream (?stream=)".into());
        }
        let url = match scheme.eq_ignore_ascii_case("zulip") {
            true => format!("https://{}/api/v1/messages?{query}", p.hostport),
            false => format!("{scheme}://{}{path}?{query}", p.hostport),
        };
        let basic = base64::engine::general_purpose::STANDARD.encode(format!("{email}:{key}"));
        Ok(JsonDestination::new(self, &url).with_secret_header(
            "Authorization",
            format!("Basic {basic}"),
            &key,
        ))
    }

    fn secrets(&self, url: &str) -> Vec<String> {
        crate::redact::url_secrets(url)
            .into_iter()
            .filter(|s| !s.contains("stream=") && !s.contains("topic="))
            .collect()
    }

    /// The payload's fields as a form, with the URL's stream and topic.
    fn request(&self, url: &str, payload: Payload, shape: &Shape) -> Result<Request, String> {
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let mut fields = payload.value();
        for (key, value) in query_pairs(query) {
            match key {
                "stream" => fields["to"] = percent_decode(value).into(),
                "topic" => fields["topic"] = percent_decode(value).into(),
                _ => {}
            }
        }
        let (method, url, keep): (&'static str, String, &[&str]) = match shape.edit {
            Some(id) => (
                "PATCH",
                format!("{}/{id}", base.trim_end_matches('/')),
                &["content"],
            ),
            None => ("POST", base.to_owned(), &["type", "to", "topic", "content"]),
        };
        let body = keep
            .iter()
            .filter_map(|k| {
                fields[*k]
                    .as_str()
                    .map(|v| format!("{k}={}", form_encode(v)))
            })
            .collect::<Vec<_>>()
            .join("&");
        let mut request = Request::post_json(url, body);
        request.method = method;
        request.content_type = FORM;
        Ok(request)
    }

    fn judge(&self, _url: &str, reply: &Reply) -> Verdict {
        let body = reply.json();
        match (reply.status, body["result"].as_str()) {
            (200, Some("success")) => Verdict::Delivered {
                detail: "HTTP 200 success".into(),
                message_id: body["id"].as_i64().map(|id| id.to_string()),
            },
            (200, _) => Verdict::failed(format!(
                "{} (Zulip answers \"result\": \"success\")",
                describe(reply)
            )),
            // "RATE_LIMIT_HIT", with the seconds to wait in the body.
            (429, _) => Verdict::Retry {
                reason: describe(reply),
                after: seconds_wait(&body["retry-after"]).or(reply.retry_after),
            },
            _ => judge_http(reply),
        }
    }
}
