//! RingCentral team messaging incoming webhooks: an `activity` line and an Adaptive Card
//! (version 1.3, what RingCentral implements) as a bare attachment. Success is only HTTP 200
//! with `{"status":"OK"}`; anything else in a 200 is a failure the service reported.

use super::json::JsonApi;
use super::{Host, Spec};
use crate::http::{describe, judge_http, Reply};
use crate::verdict::Verdict;

pub struct RingCentral;

static SPEC: Spec = Spec {
    name: "ringcentral",
    about: "RingCentral incoming webhook (Adaptive Card)",
    forms: &[
        "https://hooks.ringcentral.com/webhook/…",
        "https://hooks.glip.com/webhook/…",
    ],
    schemes: &[],
    hosts: &[
        Host::Exact("hooks.ringcentral.com"),
        Host::Exact("hooks.glip.com"),
        Host::Exact("hooks-glip.devtest.ringcentral.com"),
    ],
    can_edit: false,
    template: Some(include_str!("../../templates/ringcentral.json")),
    max_bytes: None,
};

impl JsonApi for RingCentral {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn judge(&self, _url: &str, reply: &Reply) -> Verdict {
        if reply.status != 200 {
            return judge_http(reply);
        }
        match reply.json()["status"].as_str() {
            Some("OK") => Verdict::delivered("HTTP 200 status OK"),
            _ => Verdict::failed(format!(
                "{} (RingCentral answers {{\"status\":\"OK\"}} on success)",
                describe(reply)
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_status_ok_is_success() {
        let reply = Reply::new;
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
