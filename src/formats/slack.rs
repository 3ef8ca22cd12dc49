//! Slack incoming webhooks (`hooks.slack.com`). Block Kit for the text, a legacy attachment
//! for the colour bar. Success is HTTP 200 with the body `ok`; errors come back as real
//! statuses with a plain-text code (`400 invalid_blocks`, `404 channel_not_found`).

use super::{describe, judge_http, Format, Reply, Verdict};

pub struct Slack;

impl Format for Slack {
    fn name(&self) -> &'static str {
        "slack"
    }

    fn detects(&self, host: &str, _path: &str) -> bool {
        host == "hooks.slack.com"
    }

    fn template(&self) -> &'static str {
        include_str!("../../templates/slack.json")
    }

    fn judge(&self, reply: &Reply) -> Verdict {
        match reply.status {
            200 if reply.body.trim() == "ok" => Verdict::Delivered {
                detail: "HTTP 200 ok".into(),
                message_id: None,
            },
            200 => Verdict::Failed {
                reason: format!("{} (Slack answers `ok` on success)", describe(reply)),
            },
            _ => judge_http(reply),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_ok_is_success() {
        let reply = |status, body: &str| Reply {
            status,
            retry_after: None,
            body: body.into(),
        };
        assert!(matches!(
            Slack.judge(&reply(200, "ok")),
            Verdict::Delivered { .. }
        ));
        assert!(matches!(
            Slack.judge(&reply(200, "no_text")),
            Verdict::Failed { .. }
        ));
        assert!(matches!(
            Slack.judge(&reply(404, "channel_not_found")),
            Verdict::Failed { .. }
        ));
        assert!(matches!(
            Slack.judge(&reply(429, "")),
            Verdict::Retry { .. }
        ));
    }
}
