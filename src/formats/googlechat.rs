//! Google Chat incoming webhooks: a card (cards v2) with a text fallback. User text in the
//! card is HTML-escaped; in the text, `<` is made inert so nothing can mention `<users/all>`.
//! Success is a 2xx with the message; its `name` is the message id.

use serde_json::Value;

use super::{judge_http, Format, Reply, Verdict};

pub struct GoogleChat;

/// The largest message Google Chat accepts.
const MAX_BYTES: usize = 32_000;

impl Format for GoogleChat {
    fn name(&self) -> &'static str {
        "googlechat"
    }

    fn detects(&self, host: &str, _path: &str) -> bool {
        host == "chat.googleapis.com"
    }

    fn template(&self) -> &'static str {
        include_str!("../../templates/googlechat.json")
    }

    fn check(&self, _payload: &Value, body: &str) -> Option<String> {
        (body.len() > MAX_BYTES).then(|| {
            format!(
                "the payload is {} bytes; Google Chat accepts at most {MAX_BYTES}",
                body.len()
            )
        })
    }

    fn judge(&self, _url: &str, reply: &Reply) -> Verdict {
        match judge_http(reply) {
            Verdict::Delivered { detail, .. } => Verdict::Delivered {
                detail,
                message_id: serde_json::from_str::<Value>(&reply.body)
                    .ok()
                    .and_then(|v| v["name"].as_str().map(str::to_owned)),
            },
            other => other,
        }
    }
}
