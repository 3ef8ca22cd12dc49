//! Any other HTTP endpoint: the whole template context as JSON, or the user's `template`.
//! Success is any 2xx.

use super::Format;

pub struct Webhook;

impl Format for Webhook {
    fn name(&self) -> &'static str {
        "webhook"
    }

    fn detects(&self, _host: &str, _path: &str) -> bool {
        true
    }

    fn template(&self) -> &'static str {
        include_str!("../../templates/webhook.json")
    }
}
