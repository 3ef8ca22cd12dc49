//! RingCentral team messaging incoming webhooks: an `activity` line and an Adaptive Card
//! (version 1.3, what RingCentral implements) as a bare attachment. Success is only HTTP 200
//! with `{"status":"OK"}`; anything else in a 200 is a failure the service reported.

use serde_json::Value;

use super::{describe, judge_http, Format, Reply, Verdict};

pub struct RingCentral;

impl Format for RingCentral {
    fn name(&self) -> &'static str {
        "ringcentral"
    }

    fn detects(&self, host: &str, _path: &str) -> bool {
        matches!(
            host,
            "hooks.ringcentral.com" | "hooks.glip.com" | "hooks-glip.devtest.ringcentral.com"
        )
    }

    fn template(&self) -> &'static str {
        include_str!("../../templates/ringcentral.json")
    }

    fn judge(&self, _url: &str, reply: &Reply) -> Verdict {
        if reply.status != 200 {
            return judge_http(reply);
        }
        let status = serde_json::from_str::<Value>(&reply.body)
            .ok()
            .and_then(|v| v["status"].as_str().map(str::to_owned));
        match status.as_deref() {
            Some("OK") => Verdict::Delivered {
                detail: "HTTP 200 status OK".into(),
                message_id: None,
            },
            _ => Verdict::Failed {
                reason: format!(
                    "{} (RingCentral answers {{\"status\":\"OK\"}} on success)",
                    describe(reply)
                ),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_status_ok_is_success() {
        let reply = |status, body: &str| Reply {
            status,
            retry_after: None,
            body: body.into(),
        };
        let judge = |r| RingCentral.judge("", &r);
        assert!(matches!(
            judge(reply(200, r#"{"status":"OK"}"#)),
            Verdict::Delivered { .. }
        ));
        assert!(matches!(
            judge(reply(200, r#"{"status":"error","message":"bad"}"#)),
            Verdict::Failed { .. }
        ));
        assert!(matches!(judge(reply(200, "")), Verdict::Failed { .. }));
        assert!(matches!(judge(reply(503, "")), Verdict::Retry { .. }));
    }
}
