//! Mattermost incoming webhooks (`mattermost+https://…` only: the host says nothing).
//! Slack-compatible attachments, since Mattermost does not render Block Kit. `@channel`,
//! `@all`, `@here` and `<!channel>` in user text are made inert. Success is `200 ok`. A
//! `#channel=…&username=…` fragment (how Apprise's and shoutrrr's forms arrive) sets the
//! webhook's channel and name.

use super::json::{post_with_fragment_fields, JsonApi, Shape};
use super::Spec;
use crate::http::{judge_ok_body, Reply, Request};
use crate::render::Payload;
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

    fn request(&self, url: &str, payload: Payload, _shape: &Shape) -> Result<Request, String> {
        Ok(post_with_fragment_fields(url, payload))
    }

    fn judge(&self, _url: &str, reply: &Reply) -> Verdict {
        judge_ok_body("Mattermost", reply)
    }
}
