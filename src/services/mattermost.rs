//! Mattermost incoming webhooks (`mattermost+https://…` only: the host says nothing).
//! Slack-compatible attachments, since Mattermost does not render Block Kit. `@channel`,
//! `@all`, `@here` and `<!channel>` in user text are made inert. Success is `200 ok`.

use super::json::JsonApi;
use super::Spec;
use crate::http::{judge_ok_body, Reply};
use crate::verdict::Verdict;

pub struct Mattermost;

static SPEC: Spec = Spec {
    name: "mattermost",
    about: "Mattermost incoming webhook (Slack-style attachments)",
    forms: &["mattermost+https://HOST/hooks/KEY"],
    schemes: &[],
    hosts: &[],
    can_edit: false,
    template: Some(include_str!("../../templates/mattermost.json")),
    max_bytes: None,
};

impl JsonApi for Mattermost {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn judge(&self, _url: &str, reply: &Reply) -> Verdict {
        judge_ok_body("Mattermost", reply)
    }
}
