//! Slack Workflow Builder webhook triggers (`hooks.slack.com/triggers/…` and the older
//! `/workflows/…`): they start a workflow with a flat object of text variables, not a Block
//! Kit message. Success is a 200 with `"ok": true`.

use super::super::json::JsonApi;
use super::super::Spec;
use crate::http::{describe, judge_http, Reply};
use crate::verdict::Verdict;

pub struct Trigger;

/// Whether a `hooks.slack.com` path is a workflow trigger's.
pub fn is_trigger(path: &str) -> bool {
    path.starts_with("/triggers/") || path.starts_with("/workflows/")
}

impl JsonApi for Trigger {
    fn spec(&self) -> &'static Spec {
        &super::SPEC
    }

    fn template(&self) -> &'static str {
        include_str!("../../../templates/slack-workflow.json")
    }

    fn can_edit(&self) -> bool {
        false
    }

    fn judge(&self, _url: &str, reply: &Reply) -> Verdict {
        if reply.status != 200 {
            return judge_http(reply);
        }
        match reply.json()["ok"].as_bool() {
            Some(false) => {
                Verdict::failed(format!("{} (Slack refused the trigger)", describe(reply)))
            }
            _ => Verdict::delivered("HTTP 200 ok"),
        }
    }
}
