//! Gotify: `gotify://HOST/APP_TOKEN` (HTTPS), or `gotify+https://HOST/message?token=APP_TOKEN`.
//! `POST /message` with the application token in `X-Gotify-Key` (never in the URL requested),
//! Markdown by the `client::display` extra, the priority by status. Success is a 200 with the
//! message.

use super::json::{JsonApi, JsonDestination};
use super::{Setup, Spec};
use crate::url::{parts, percent_decode, query_pairs, split_tail};

pub struct Gotify;

static SPEC: Spec = Spec {
    name: "gotify",
    about: "Gotify push notification, with the application's token",
    forms: &[
        "gotify://HOST/APP_TOKEN",
        "gotify+https://HOST/message?token=APP_TOKEN",
    ],
    schemes: &["gotify"],
    hosts: &[],
    can_edit: false,
    template: Some(include_str!("../../templates/gotify.json")),
    max_bytes: None,
};

impl JsonApi for Gotify {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn open(&'static self, url: &str, _setup: &Setup) -> Result<JsonDestination, String> {
        let (scheme, rest) = url.split_once("://").ok_or("not a URL")?;
        let p = parts(rest);
        let (path, query, _) = split_tail(p.tail);
        let (base, token) = if scheme.eq_ignore_ascii_case("gotify") {
            let (prefix, token) = path
                .trim_end_matches('/')
                .rsplit_once('/')
                .unwrap_or(("", ""));
            (
                format!("https://{}{prefix}/message", p.hostport),
                token.to_owned(),
            )
        } else {
            let token = query_pairs(query)
                .into_iter()
                .find(|(k, _)| *k == "token")
                .map(|(_, v)| percent_decode(v))
                .unwrap_or_default();
            (format!("{scheme}://{}{path}", p.hostport), token)
        };
        if token.is_empty() {
            return Err(
                "expected gotify://HOST/APP_TOKEN, or ?token= after gotify+https://".into(),
            );
        }
        Ok(JsonDestination::new(self, &base).with_secret_header(
            "X-Gotify-Key",
            token.clone(),
            &token,
        ))
    }
}
