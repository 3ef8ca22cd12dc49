//! Microsoft Teams through a Workflows (Power Automate) webhook: a `message` envelope around
//! an Adaptive Card (version 1.4, which both Teams and the "post card" step render).
//! Workflows answer 202 with an empty body. Legacy Office 365 connector URLs
//! (`*.webhook.office.com`) are still served, with a warning: Microsoft is retiring them, and
//! they report errors inside a 200 whose body is not `1`.

use serde_json::Value;

use super::{describe, host_is, judge_http, Format, Reply, Verdict};

pub struct Teams;

/// "The message size limit is 28 KB", for the whole JSON.
pub const MAX_BYTES: usize = 28 * 1024;

fn is_legacy(url: &str) -> bool {
    let host = url
        .split_once("://")
        .map_or("", |(_, rest)| {
            rest.split(['/', ':', '?']).next().unwrap_or("")
        })
        .to_ascii_lowercase();
    host_is(&host, "webhook.office.com") || host == "outlook.office.com"
}

impl Format for Teams {
    fn name(&self) -> &'static str {
        "teams"
    }

    fn detects(&self, host: &str, _path: &str) -> bool {
        [
            "webhook.office.com",
            "logic.azure.com",
            "powerplatform.com",
            "powerautomate.com",
        ]
        .iter()
        .any(|domain| host_is(host, domain))
            || host == "outlook.office.com"
    }

    fn template(&self) -> &'static str {
        include_str!("../../templates/teams.json")
    }

    fn notice(&self, url: &str) -> Option<String> {
        is_legacy(url).then(|| {
            "this is an Office 365 connector URL, which Microsoft is retiring; \
             create a Workflows webhook (\"When a Teams webhook request is received\") instead"
                .to_owned()
        })
    }

    fn check(&self, _payload: &Value, body: &str) -> Option<String> {
        (body.len() > MAX_BYTES).then(|| {
            format!(
                "the payload is {} bytes; Teams accepts at most 28 KB",
                body.len()
            )
        })
    }

    fn judge(&self, url: &str, reply: &Reply) -> Verdict {
        if !is_legacy(url) {
            return judge_http(reply);
        }
        // Connectors "return 200 for what they think are retry-able" errors; only a number
        // in the body means success.
        match reply.status {
            200 if reply.body.trim() == "1" => Verdict::Delivered {
                detail: "HTTP 200 1".into(),
                message_id: None,
            },
            200 if reply.body.contains("429") => Verdict::Retry {
                reason: describe(reply),
                after: reply.retry_after,
            },
            200 => Verdict::Failed {
                reason: describe(reply),
            },
            _ => judge_http(reply),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, body: &str) -> Reply {
        Reply {
            status,
            retry_after: None,
            body: body.into(),
        }
    }

    #[test]
    fn workflows_accept_any_2xx_and_connectors_only_1() {
        let workflows = "https://x.environment.api.powerplatform.com/powerautomate/a";
        let legacy = "https://acme.webhook.office.com/webhookb2/x";
        assert!(matches!(
            Teams.judge(workflows, &reply(202, "")),
            Verdict::Delivered { .. }
        ));
        assert!(matches!(
            Teams.judge(workflows, &reply(200, "done")),
            Verdict::Delivered { .. }
        ));
        assert!(matches!(
            Teams.judge(legacy, &reply(200, "1")),
            Verdict::Delivered { .. }
        ));
        let failed = reply(
            200,
            "Webhook message delivery failed with error: HTTP error 413",
        );
        assert!(matches!(
            Teams.judge(legacy, &failed),
            Verdict::Failed { .. }
        ));
        let throttled = reply(200, "Microsoft Teams endpoint returned HTTP error 429");
        assert!(matches!(
            Teams.judge(legacy, &throttled),
            Verdict::Retry { .. }
        ));
        assert!(Teams.notice(legacy).is_some());
        assert!(Teams.notice(workflows).is_none());
    }
}
