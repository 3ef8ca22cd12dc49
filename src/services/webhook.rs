//! Any other HTTP endpoint: the whole template context as JSON, or the user's `template`.
//! Success is any 2xx.

use super::json::JsonApi;
use super::Spec;

pub struct Webhook;

static SPEC: Spec = Spec {
    name: "webhook",
    about: "any other http(s) URL: the template context as JSON, or your template",
    forms: &["https://HOST/PATH", "webhook+https://HOST/PATH"],
    schemes: &[],
    hosts: &[],
    can_edit: false,
    template: Some(include_str!("../../templates/webhook.json")),
    max_bytes: None,
};

impl JsonApi for Webhook {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }
}
