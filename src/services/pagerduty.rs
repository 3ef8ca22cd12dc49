//! PagerDuty, through the Events API v2: `pagerduty://ROUTING_KEY`, or
//! `pagerduty+https://HOST/v2/enqueue?routing_key=ROUTING_KEY` for another endpoint. A
//! failure triggers an alert and a success resolves it, by one `dedup_key` per repository,
//! workflow and branch; other statuses are not sent (an incident is for something broken).
//! Success is a 202 with `"status": "success"`.

use super::json::{JsonApi, JsonDestination, Shape};
use super::{Setup, Spec};
use crate::http::{describe, judge_http, Reply, Request};
use crate::render::Payload;
use crate::status::Status;
use crate::url::{percent_decode, query_pairs};
use crate::verdict::Verdict;

pub struct PagerDuty;

const API: &str = "https://events.pagerduty.com/v2/enqueue";

static SPEC: Spec = Spec {
    name: "pagerduty",
    about: "PagerDuty alert: a failure triggers it, the run that succeeds resolves it",
    forms: &[
        "pagerduty://ROUTING_KEY",
        "pagerduty+https://HOST/v2/enqueue?routing_key=ROUTING_KEY",
    ],
    schemes: &["pagerduty"],
    hosts: &[],
    can_edit: false,
    template: Some(include_str!("../../templates/pagerduty.json")),
    max_bytes: Some(512 * 1024),
};

impl JsonApi for PagerDuty {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn open(&'static self, url: &str, _setup: &Setup) -> Result<JsonDestination, String> {
        let url = match url.split_once("://") {
            Some((scheme, key)) if scheme.eq_ignore_ascii_case("pagerduty") => {
                let key = key.trim_matches('/');
                if key.is_empty() || key.contains(['/', '?']) {
                    return Err("expected pagerduty://ROUTING_KEY".into());
                }
                format!("{API}?routing_key={key}")
            }
            _ => url.to_owned(),
        };
        if routing_key(&url).is_none() {
            return Err("the URL names no routing key (?routing_key=)".into());
        }
        Ok(JsonDestination::new(self, &url))
    }

    fn takes(&self, status: Status) -> bool {
        matches!(status, Status::Failure | Status::Success)
    }

    /// The routing key moves from the query into the event, where the API wants it.
    fn request(&self, url: &str, payload: Payload, _shape: &Shape) -> Result<Request, String> {
        let key = routing_key(url).ok_or("no routing key")?;
        let base = url.split('?').next().unwrap_or(url);
        let mut event = payload.value();
        event["routing_key"] = key.into();
        Ok(Request::post_json(base, event.to_string()))
    }

    fn judge(&self, _url: &str, reply: &Reply) -> Verdict {
        let body = reply.json();
        match reply.status {
            200..=299 if body["status"] == "success" => {
                Verdict::delivered(format!("HTTP {} success", reply.status))
            }
            200..=299 => Verdict::failed(format!(
                "{} (PagerDuty answers \"status\": \"success\")",
                describe(reply)
            )),
            _ => judge_http(reply),
        }
    }
}

fn routing_key(url: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    query_pairs(query)
        .into_iter()
        .find(|(k, _)| *k == "routing_key")
        .map(|(_, v)| percent_decode(v))
        .filter(|v| !v.is_empty())
}
