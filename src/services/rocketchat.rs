//! Rocket.Chat incoming webhooks: `rocketchat://HOST/ID/TOKEN` (HTTPS; `/CHANNEL` and `USER@`
//! as shoutrrr writes them override the integration's channel and name), or
//! `rocketchat+https://HOST/hooks/ID/TOKEN`. An attachment coloured by status; success is a
//! 200 with `"success": true`, and `"success": false` is a failure.

use super::json::{post_with_fragment_fields, JsonApi, JsonDestination, Shape};
use super::{Setup, Spec};
use crate::http::{describe, judge_http, Reply, Request};
use crate::render::Payload;
use crate::url::{parts, percent_decode, percent_encode};
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

    /// `rocketchat://[USER@]HOST/ID/TOKEN[/CHANNEL]` (shoutrrr's form too): a CHANNEL of
    /// `@name` is a direct message, any other a channel; USER posts under that name. Both
    /// ride in the URL's fragment, which is never sent, to [`Self::request`].
    fn open(&'static self, url: &str, _setup: &Setup) -> Result<JsonDestination, String> {
        const FORM: &str =
            "expected rocketchat://HOST/ID/TOKEN or rocketchat://HOST/ID/TOKEN/CHANNEL";
        let url = match url.split_once("://") {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("rocketchat") => {
                let p = parts(rest);
                let (path, fragment) = p.tail.split_once('#').unwrap_or((p.tail, ""));
                let path = path.split('?').next().unwrap_or("");
                let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
                let (hook, channel) = match segments[..] {
                    [id, token] => (format!("{id}/{token}"), fragment.to_owned()),
                    [id, token, channel] if fragment.is_empty() => {
                        (format!("{id}/{token}"), percent_decode(channel))
                    }
                    _ => return Err(FORM.into()),
                };
                let mut overrides = Vec::new();
                if !channel.is_empty() {
                    let channel = match channel.starts_with(['#', '@']) {
                        true => channel,
                        false => format!("#{channel}"),
                    };
                    overrides.push(format!("channel={}", percent_encode(&channel, b"-._~")));
                }
                if let Some(user) = p.userinfo.filter(|u| !u.is_empty()) {
                    overrides.push(format!(
                        "alias={}",
                        percent_encode(&percent_decode(user), b"-._~")
                    ));
                }
                let base = format!("https://{}/hooks/{hook}", p.hostport);
                match overrides.is_empty() {
                    true => base,
                    false => format!("{base}#{}", overrides.join("&")),
                }
            }
            _ => url.to_owned(),
        };
        Ok(JsonDestination::new(self, &url))
    }

    /// The payload with the URL's channel and user name, to the URL without its fragment.
    fn request(&self, url: &str, payload: Payload, _shape: &Shape) -> Result<Request, String> {
        Ok(post_with_fragment_fields(url, payload))
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
