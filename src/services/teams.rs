//! Microsoft Teams through a Workflows (Power Automate) webhook: a `message` envelope around
//! an Adaptive Card (version 1.4, which both Teams and the "post card" step render).
//! Workflows answer 202 with an empty body. Legacy Office 365 connector URLs
//! (`*.webhook.office.com`) are still served, with a warning: Microsoft is retiring them, and
//! they report errors inside a 200 whose body is not `1`.

use super::json::JsonApi;
use super::{Host, Spec};
use crate::http::{describe, judge_http, Reply};
use crate::url::{host_is, host_of};
use crate::verdict::Verdict;

pub struct Teams;

static SPEC: Spec = Spec {
    name: "teams",
    about: "Microsoft Teams Workflows webhook (Adaptive Card)",
    forms: &[
        "https://*.logic.azure.com/…",
        "https://*.powerplatform.com/…",
    ],
    schemes: &[],
    hosts: &[
        Host::Domain("webhook.office.com"),
        Host::Domain("logic.azure.com"),
        Host::Domain("powerplatform.com"),
        Host::Domain("powerautomate.com"),
        Host::Exact("outlook.office.com"),
    ],
    can_edit: false,
    template: Some(include_str!("../../templates/teams.json")),
    // "The message size limit is 28 KB", for the whole JSON.
    max_bytes: Some(28 * 1024),
};

fn is_legacy(url: &str) -> bool {
    let host = host_of(url);
    host_is(&host, "webhook.office.com") || host == "outlook.office.com"
}

impl JsonApi for Teams {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn notice(&self, url: &str) -> Option<String> {
        is_legacy(url).then(|| {
            "this is an Office 365 connector URL, which Microsoft is retiring; \
             create a Workflows webhook (\"When a Teams webhook request is received\") instead"
                .to_owned()
        })
    }

    fn judge(&self, url: &str, reply: &Reply) -> Verdict {
        if !is_legacy(url) {
            return judge_http(reply);
        }
        // Connectors "return 200 for what they think are retry-able" errors; only a number
        // in the body means success.
        match reply.status {
            200 if reply.body.trim() == "1" => Verdict::delivered("HTTP 200 1"),
            200 if reply.body.contains("429") => Verdict::Retry {
                reason: describe(reply),
                after: reply.retry_after,
            },
            200 => Verdict::failed(describe(reply)),
            _ => judge_http(reply),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflows_accept_any_2xx_and_connectors_only_1() {
        let reply = Reply::new;
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
