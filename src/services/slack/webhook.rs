//! Slack incoming webhooks (`hooks.slack.com`). Block Kit for the text, a legacy attachment
//! for the colour bar. Success is HTTP 200 with the body `ok`; errors come back as real
//! statuses with a plain-text code (`400 invalid_blocks`, `404 channel_not_found`).

use serde_json::Value;

use super::super::json::JsonApi;
use super::super::Spec;
use crate::http::{judge_ok_body, Reply};
use crate::render::Payload;
use crate::verdict::Verdict;

pub struct Webhook;

/// Block Kit's documented limits.
const MAX_BLOCKS: usize = 50;
const MAX_HEADER: usize = 150;
const MAX_TEXT: usize = 3000;

impl JsonApi for Webhook {
    fn spec(&self) -> &'static Spec {
        &super::SPEC
    }

    fn can_edit(&self) -> bool {
        false
    }

    fn mention_advice(&self, mention: &str) -> Option<String> {
        super::mention_advice(mention)
    }

    fn check(&self, payload: &Payload) -> Option<String> {
        check_blocks(&payload.value())
    }

    fn judge(&self, _url: &str, reply: &Reply) -> Verdict {
        judge_ok_body("Slack", reply)
    }
}

/// Block Kit's limits, for the webhook and the Web API alike.
pub fn check_blocks(payload: &Value) -> Option<String> {
    let top = items(&payload["blocks"]);
    let attached: Vec<Vec<&Value>> = items(&payload["attachments"])
        .iter()
        .map(|a| items(&a["blocks"]))
        .collect();
    if std::iter::once(&top)
        .chain(&attached)
        .any(|blocks| blocks.len() > MAX_BLOCKS)
    {
        return Some(format!(
            "more than {MAX_BLOCKS} blocks in one list; Slack refuses that"
        ));
    }
    for block in top.iter().chain(attached.iter().flatten()) {
        let limit = if block["type"] == "header" {
            MAX_HEADER
        } else {
            MAX_TEXT
        };
        let fields = items(&block["fields"]);
        let texts =
            std::iter::once(&block["text"]["text"]).chain(fields.iter().map(|f| &f["text"]));
        for text in texts.filter_map(Value::as_str) {
            let n = text.chars().count();
            if n > limit {
                return Some(format!(
                    "a {} block's text has {n} characters; Slack accepts at most {limit}",
                    block["type"].as_str().unwrap_or("")
                ));
            }
        }
    }
    None
}

/// The elements of a JSON list, or none.
fn items(value: &Value) -> Vec<&Value> {
    value
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_ok_is_success() {
        let reply = Reply::new;
        let judge = |r| Webhook.judge("", &r);
        assert!(matches!(judge(reply(200, "ok")), Verdict::Delivered { .. }));
        assert!(matches!(
            judge(reply(200, "no_text")),
            Verdict::Failed { .. }
        ));
        assert!(matches!(
            judge(reply(404, "channel_not_found")),
            Verdict::Failed { .. }
        ));
        assert!(matches!(judge(reply(429, "")), Verdict::Retry { .. }));
    }

    #[test]
    fn limits_are_checked() {
        let header = json!({"blocks": [{"type": "header", "text": {"type": "plain_text", "text": "x".repeat(151)}}]});
        assert!(check_blocks(&header).unwrap().contains("150"));
        let many = json!({"blocks": vec![json!({"type": "divider"}); 51]});
        assert!(check_blocks(&many).unwrap().contains("50 blocks"));
        let fine = json!({"blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "x".repeat(3000)}}]});
        assert_eq!(check_blocks(&fine), None);
    }
}
