//! Rocket.Chat incoming webhooks: `rocketchat://HOST/ID/TOKEN` (HTTPS), or
//! `rocketchat+https://HOST/hooks/ID/TOKEN`. An attachment coloured by status; success is a
//! 200 with `"success": true`, and `"success": false` is a failure.

use super::json::{JsonApi, JsonDestination};
use super::{Setup, Spec};
use crate::http::{describe, judge_http, Reply};
use crate::verdict::Verdict;

pub struct RocketChat;

static SPEC: Spec = Spec {
    name: "rocketchat",
    about: "Rocket.Chat incoming webhook (attachment coloured by status)",
    forms: &[
        "rocketchat://HOST/ID/TOKEN",
        "rocketchat+https://HOST/hooks/ID/TOKEN",
    ],
    schemes: &["rocketchat"],
    hosts: &[],
    can_edit: false,
    template: Some(include_str!("../../templates/rocketchat.json")),
    max_bytes: None,
};

impl JsonApi for RocketChat {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn open(&'static self, url: &str, _setup: &Setup) -> Result<JsonDestination, String> {
        let url = match url.split_once("://") {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("rocketchat") => {
                let (host, hook) = rest
                    .split_once('/')
                    .ok_or("expected rocketchat://HOST/ID/TOKEN")?;
                let hook = hook.trim_matches('/');
                if hook.split('/').count() < 2 {
                    return Err("expected rocketchat://HOST/ID/TOKEN".into());
                }
                format!("https://{host}/hooks/{hook}")
            }
            _ => url.to_owned(),
        };
        Ok(JsonDestination::new(self, &url))
    }

    fn judge(&self, _url: &str, reply: &Reply) -> Verdict {
        match (reply.status, reply.json()["success"].as_bool()) {
            (200, Some(true)) => Verdict::delivered("HTTP 200 success"),
            (200, _) => Verdict::failed(format!(
                "{} (Rocket.Chat answers \"success\": true)",
                describe(reply)
            )),
            _ => judge_http(reply),
        }
    }
}
