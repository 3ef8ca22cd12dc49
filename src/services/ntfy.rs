//! ntfy: `ntfy://TOPIC` on ntfy.sh, or `ntfy+https://HOST/TOPIC` on a server of your own, with
//! an access token as `?token=tk_…` (or `user:password@` for Basic auth). Published as JSON
//! to the server's root, so titles may be any text. Success is a 200 with the message; a 429
//! is retried. Every message carries a sequence id of crier's (`X-Sequence-ID` and
//! `sequence_id`), which is its handle: publishing again with it replaces the notification
//! on ntfy 2.16 and later (older servers post a new one).

use std::time::Duration;

use super::json::{JsonApi, JsonDestination, Shape};
use super::{Setup, Spec};
use crate::http::Request;
use crate::net::Net;
use crate::render::Payload;
use crate::url::{parts, percent_decode, query_pairs, split_tail};
use crate::verdict::Verdict;

pub struct Ntfy;

static SPEC: Spec = Spec {
    name: "ntfy",
    about:
        "ntfy push notification (ntfy.sh or a server of your own; notifications can be replaced)",
    forms: &["ntfy://TOPIC", "ntfy+https://HOST/TOPIC?token=TOKEN"],
    schemes: &["ntfy"],
    hosts: &[],
    can_edit: true,
    template: Some(include_str!("../../templates/ntfy.json")),
    max_bytes: None,
};

impl JsonApi for Ntfy {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn open(&'static self, url: &str, _setup: &Setup) -> Result<JsonDestination, String> {
        let url = match url.split_once("://") {
            Some((scheme, topic)) if scheme.eq_ignore_ascii_case("ntfy") => {
                format!("https://ntfy.sh/{}", topic.trim_matches('/'))
            }
            _ => url.to_owned(),
        };
        let rest = url.split_once("://").map_or("", |(_, r)| r);
        let p = parts(rest);
        let (path, query, _) = split_tail(p.tail);
        let topic = path.trim_matches('/');
        if topic.is_empty() || topic.contains('/') {
            return Err("expected ntfy://TOPIC or ntfy+https://HOST/TOPIC".into());
        }
        let mut destination = JsonDestination::new(self, &url);
        for (key, value) in query_pairs(query) {
            match key {
                "token" => {
                    let token = percent_decode(value);
                    destination = destination.with_secret_header(
                        "Authorization",
                        format!("Bearer {token}"),
                        &token,
                    );
                }
                _ => return Err(format!("unknown option `{key}`; the one option is ?token=")),
            }
        }
        if let Some((user, password)) = p.userinfo.and_then(|u| u.split_once(':')) {
            use base64::Engine;
            let (user, password) = (percent_decode(user), percent_decode(password));
            let basic =
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
            destination = destination.with_secret_header(
                "Authorization",
                format!("Basic {basic}"),
                &password,
            );
        }
        Ok(destination)
    }

    /// On ntfy.sh a topic is as good as a password: whoever knows it reads it.
    fn secrets(&self, url: &str) -> Vec<String> {
        let rest = url.split_once("://").map_or(url, |(_, r)| r);
        let (path, _, _) = split_tail(parts(rest).tail);
        let mut secrets = crate::redact::url_secrets(url);
        secrets.push(percent_decode(path.trim_matches('/')));
        secrets
    }

    /// The topic and the sequence id (the edited message's, or a new one) go into the JSON,
    /// which goes to the server's root.
    fn request(&self, url: &str, payload: Payload, shape: &Shape) -> Result<Request, String> {
        let (scheme, rest) = url.split_once("://").ok_or("not a URL")?;
        let p = parts(rest);
        let (path, _, _) = split_tail(p.tail);
        let sequence = match shape.edit {
            Some(id)
                if id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b)) =>
            {
                id.to_owned()
            }
            Some(_) => return Err("an ntfy handle is letters, digits, - and _".into()),
            None => format!("crier{}", super::unique_id()),
        };
        let mut body = payload.value();
        body["topic"] = percent_decode(path.trim_matches('/')).into();
        body["sequence_id"] = sequence.clone().into();
        let mut request =
            Request::post_json(format!("{scheme}://{}/", p.hostport), body.to_string());
        request.headers.push(("X-Sequence-ID".into(), sequence));
        Ok(request)
    }

    /// Delivered messages are known by their sequence id, which a later run edits.
    fn send(&self, net: &Net, request: &Request, timeout: Duration) -> Verdict {
        let sequence = request
            .headers
            .iter()
            .find(|(name, _)| name == "X-Sequence-ID")
            .map(|(_, value)| value.clone());
        match net
            .http()
            .attempt(request, timeout, |reply| self.judge(&request.url, reply))
        {
            Verdict::Delivered { detail, .. } => Verdict::Delivered {
                detail,
                message_id: sequence,
            },
            other => other,
        }
    }
}
