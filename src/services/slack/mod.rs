//! Slack: incoming webhooks (`hooks.slack.com`), and the Web API for messages that can be
//! edited (`slack://CHANNEL` with `slack-token`, or `slack+https://HOST/api?channel=C…` for
//! another endpoint). One service, one name: both send the same Block Kit message.

mod api;
mod trigger;
mod webhook;

use super::json::{Json, JsonApi, JsonDestination};
use super::{Host, Setup, Spec};

/// The registry entry: a URL is the Web API's when it is `slack://` or names a channel.
pub struct Slack;

pub static SLACK: Json<Slack> = Json(Slack);

/// Slack pings `<@U123>`, `<!subteam^S123>` and `<!here>`; `@name` is only text.
fn mention_advice(mention: &str) -> Option<String> {
    let pings = mention
        .split_whitespace()
        .all(|word| word.starts_with("<@") || word.starts_with("<!"));
    (!pings).then(|| {
        format!(
            "mention {mention:?} will not ping on Slack: write a member as <@U0123ABCD> (their \
             member ID), a group as <!subteam^S0123ABCD>, or <!here> / <!channel>"
        )
    })
}

static SPEC: Spec = Spec {
    name: "slack",
    about: "Slack incoming webhook, or the Web API with slack-token (messages can be edited)",
    forms: &[
        "https://hooks.slack.com/services/…",
        "https://hooks.slack.com/triggers/…",
        "slack://CHANNEL",
        "slack://BOT_TOKEN@CHANNEL",
        "slack+https://HOST/api?channel=C…",
    ],
    schemes: &["slack"],
    hosts: &[Host::Exact("hooks.slack.com")],
    can_edit: true,
    template: Some(include_str!("../../../templates/slack.json")),
    max_bytes: None,
};

impl JsonApi for Slack {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn open(&'static self, url: &str, setup: &Setup) -> Result<JsonDestination, String> {
        let names_channel = url
            .split_once('?')
            .is_some_and(|(_, q)| q.split('&').any(|p| p.starts_with("channel=")));
        let path = url
            .split_once("://")
            .map(|(_, rest)| crate::url::parts(rest).tail)
            .unwrap_or("");
        if url.to_ascii_lowercase().starts_with("slack://") || names_channel {
            api::open(url, setup)
        } else if trigger::is_trigger(path) {
            Ok(JsonDestination::new(&trigger::Trigger, url))
        } else {
            Ok(JsonDestination::new(&webhook::Webhook, url))
        }
    }
}
