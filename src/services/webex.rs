//! Webex: `webex://BOT_TOKEN@ROOM_ID`, or `webex+https://HOST/v1/messages?roomId=ROOM_ID&token=BOT_TOKEN`
//! for another endpoint. `POST /v1/messages` with the bot's token as a Bearer header, Markdown
//! with a text fallback; an edit is a `PUT` of the message. Success is a 200 with the message.
//! An incoming webhook (`https://webexapis.com/v1/webhooks/incoming/TOKEN`) takes the same
//! `markdown` and `text` and answers 204; it cannot edit.

use super::json::{JsonApi, JsonDestination, Shape};
use super::{Host, Setup, Spec};
use crate::http::{judge_http, Reply, Request};
use crate::render::Payload;
use crate::url::{credential_parts, percent_decode, query_pairs};
use crate::verdict::Verdict;

pub struct Webex;

const API: &str = "https://webexapis.com/v1/messages";

static SPEC: Spec = Spec {
    name: "webex",
    about: "Webex space message from a bot (messages can be edited)",
    forms: &[
        "webex://BOT_TOKEN@ROOM_ID",
        "webex+https://HOST/v1/messages?roomId=ROOM_ID&token=BOT_TOKEN",
        "https://webexapis.com/v1/webhooks/incoming/TOKEN",
    ],
    schemes: &["webex"],
    hosts: &[
        Host::DomainPath("webexapis.com", "/v1/webhooks/incoming/"),
        Host::DomainPath("ciscospark.com", "/v1/webhooks/incoming/"),
    ],
    can_edit: true,
    template: Some(include_str!("../../templates/webex.json")),
    max_bytes: Some(7439),
};

/// An incoming webhook's URL, whose path is its secret.
fn is_incoming_webhook(url: &str) -> bool {
    !url.to_ascii_lowercase().starts_with("webex://") && url.contains("/v1/webhooks/incoming/")
}

impl JsonApi for Webex {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn open(&'static self, url: &str, _setup: &Setup) -> Result<JsonDestination, String> {
        let (scheme, rest) = url.split_once("://").ok_or("not a URL")?;
        if is_incoming_webhook(url) {
            return Ok(JsonDestination::new(self, url));
        }
        let (base, room, token) = if scheme.eq_ignore_ascii_case("webex") {
            let p = credential_parts(rest);
            let token = p.userinfo.map(percent_decode).unwrap_or_default();
            (
                API.to_owned(),
                p.hostport.trim_matches('/').to_owned(),
                token,
            )
        } else {
            let (base, query) = url.split_once('?').unwrap_or((url, ""));
            let get = |key: &str| {
                query_pairs(query)
                    .into_iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, v)| percent_decode(v))
                    .unwrap_or_default()
            };
            (base.to_owned(), get("roomId"), get("token"))
        };
        if room.is_empty() || token.is_empty() {
            return Err("expected webex://BOT_TOKEN@ROOM_ID".into());
        }
        let url = format!("{base}?roomId={room}");
        Ok(JsonDestination::new(self, &url).with_secret_header(
            "Authorization",
            format!("Bearer {token}"),
            &token,
        ))
    }

    fn request(&self, url: &str, payload: Payload, shape: &Shape) -> Result<Request, String> {
        if is_incoming_webhook(url) {
            return Ok(Request::post_json(url, payload.text));
        }
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let mut body = payload.value();
        if let Some((_, room)) = query_pairs(query).into_iter().find(|(k, _)| *k == "roomId") {
            body["roomId"] = percent_decode(room).into();
        }
        Ok(match shape.edit {
            Some(id) => {
                let mut request = Request::post_json(
                    format!("{}/{id}", base.trim_end_matches('/')),
                    body.to_string(),
                );
                request.method = "PUT";
                request
            }
            None => Request::post_json(base, body.to_string()),
        })
    }

    fn judge(&self, _url: &str, reply: &Reply) -> Verdict {
        match judge_http(reply) {
            Verdict::Delivered { detail, .. } => Verdict::Delivered {
                detail,
                message_id: reply.json()["id"].as_str().map(str::to_owned),
            },
            other => other,
        }
    }
}
