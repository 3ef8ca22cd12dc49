//! Mattermost incoming webhooks (`mattermost+https://…` only: the host says nothing).
//! Slack-compatible attachments, since Mattermost does not render Block Kit. `@channel`,
//! `@all`, `@here` and `<!channel>` in user text are made inert. Success is `200 ok`.

use super::{judge_ok_body, Format, Reply, Verdict};

pub struct Mattermost;

impl Format for Mattermost {
    fn name(&self) -> &'static str {
        "mattermost"
    }

    fn detects(&self, _host: &str, _path: &str) -> bool {
        false
    }

    fn template(&self) -> &'static str {
        include_str!("../../templates/mattermost.json")
    }

    fn judge(&self, _url: &str, reply: &Reply) -> Verdict {
        judge_ok_body("Mattermost", reply)
    }
}
