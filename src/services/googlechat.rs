//! Google Chat incoming webhooks: a card (cards v2) with a text fallback. User text in the
//! card is HTML-escaped; in the text, `<` is made inert so nothing can mention `<users/all>`.
//! Success is a 2xx with the message; its `name` is the message id.

use super::json::JsonApi;
use super::{Host, Spec};
use crate::http::{judge_http, Reply};
use crate::verdict::Verdict;

pub struct GoogleChat;

static SPEC: Spec = Spec {
    name: "googlechat",
    about: "Google Chat incoming webhook (card)",
    forms: &["https://chat.googleapis.com/v1/spaces/…"],
    schemes: &[],
    hosts: &[Host::Exact("chat.googleapis.com")],
    can_edit: false,
    template: Some(include_str!("../../templates/googlechat.json")),
    // The largest message Google Chat accepts.
    max_bytes: Some(32_000),
};

impl JsonApi for GoogleChat {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn judge(&self, _url: &str, reply: &Reply) -> Verdict {
        match judge_http(reply) {
            Verdict::Delivered { detail, .. } => Verdict::Delivered {
                detail,
                message_id: reply.json()["name"].as_str().map(str::to_owned),
            },
            other => other,
        }
    }
}
