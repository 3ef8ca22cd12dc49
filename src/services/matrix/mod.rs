//! Matrix, through the client-server API v3: `matrix://ACCESS_TOKEN@HOMESERVER/ROOM` (HTTPS),
//! or `matrix+https://…` / `matrix+http://…` to name the scheme (a homeserver on plain HTTP,
//! or behind a path); ROOM is a room
//! id (`!id:server`) or an alias (`#name:server`, resolved on each attempt), percent-encoded
//! or not. `PUT …/send/m.room.message/TXN` with a transaction id made once per message, so a
//! retried send lands once; an edit is an `m.replace`. A 429 waits `retry_after_ms`.
//! `matrix://USER:PASSWORD@HOMESERVER/ROOM` logs in first (`login.rs`).

mod login;

use std::time::{Duration, Instant};

use serde_json::json;

use super::json::{JsonApi, JsonDestination, Shape};
use super::{Setup, Spec};
use crate::http::{describe, judge_http, Reply, Request};
use crate::net::Net;
use crate::render::Payload;
use crate::url::{credential_parts, percent_decode, percent_encode};
use crate::verdict::Verdict;

pub struct Matrix;

static SPEC: Spec = Spec {
    name: "matrix",
    about: "Matrix room message (messages can be edited)",
    forms: &[
        "matrix://ACCESS_TOKEN@HOMESERVER/ROOM",
        "matrix+https://ACCESS_TOKEN@HOMESERVER/ROOM",
        "matrix://USER:PASSWORD@HOMESERVER/ROOM",
    ],
    schemes: &["matrix"],
    hosts: &[],
    can_edit: true,
    template: Some(include_str!("../../../templates/matrix.json")),
    max_bytes: Some(60 * 1024),
};

/// The homeserver's base URL and the room, from a destination URL (token already taken).
fn room_of(url: &str) -> Option<(&str, String)> {
    let at = url.find("/_matrix/client/v3/rooms/")?;
    let room = url[at + "/_matrix/client/v3/rooms/".len()..]
        .split('/')
        .next()?;
    Some((&url[..at], percent_decode(room)))
}

impl JsonApi for Matrix {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn open(&'static self, url: &str, _setup: &Setup) -> Result<JsonDestination, String> {
        let (scheme, rest) = url.split_once("://").ok_or("not a URL")?;
        let p = credential_parts(rest);
        let token = p.userinfo.map(percent_decode).filter(|t| !t.is_empty());
        let room = percent_decode(
            p.tail
                .trim_start_matches('/')
                .split(['?', '#'])
                .next()
                .unwrap_or(""),
        );
        let room = match (room.is_empty(), p.tail.split_once('#')) {
            // `#alias:server` unencoded reads as a fragment.
            (true, Some((_, alias))) => format!("#{alias}"),
            _ => room,
        };
        let (Some(token), false) = (token, room.is_empty()) else {
            return Err("expected matrix://ACCESS_TOKEN@HOMESERVER/ROOM".into());
        };
        let alias = room.starts_with('#') && room.contains(':');
        if !(room.starts_with('!') || alias) {
            return Err("the room is a room id (!id) or an alias (#name:server)".into());
        }
        let scheme = if scheme.eq_ignore_ascii_case("matrix") {
            "https"
        } else {
            scheme
        };
        let room = percent_encode(&room, b"-._~:");
        // USER:PASSWORD rides in the URL, masked like any, until `send` logs in with it.
        if let Some((user, password)) = p.userinfo.and_then(|u| u.split_once(':')) {
            if user.is_empty() || password.is_empty() {
                return Err("expected matrix://USER:PASSWORD@HOMESERVER/ROOM".into());
            }
            let url = format!(
                "{scheme}://{user}:{password}@{}/_matrix/client/v3/rooms/{room}",
                p.hostport
            );
            return Ok(JsonDestination::new(self, &url));
        }
        let url = format!("{scheme}://{}/_matrix/client/v3/rooms/{room}", p.hostport);
        Ok(JsonDestination::new(self, &url).with_secret_header(
            "Authorization",
            format!("Bearer {token}"),
            &token,
        ))
    }

    /// A PUT with a transaction id of its own, the same for every attempt of this message.
    fn request(&self, url: &str, payload: Payload, shape: &Shape) -> Result<Request, String> {
        let content = payload.value();
        let body = match shape.edit {
            Some(event_id) => json!({
                "msgtype": content["msgtype"],
                "body": format!("* {}", content["body"].as_str().unwrap_or("")),
                // An edit mentions no one anew: its body must not notify either.
                "m.mentions": {},
                "m.new_content": content,
                "m.relates_to": {"rel_type": "m.replace", "event_id": event_id},
            }),
            None => content,
        };
        let mut request = Request::post_json(
            format!("{url}/send/m.room.message/crier-{}", super::unique_id()),
            body.to_string(),
        );
        request.method = "PUT";
        Ok(request)
    }

    /// A log-in first, if the URL has one; an alias is resolved to the room's id
    /// (`GET /directory/room/{alias}`); all within the attempt's time.
    fn send(&self, net: &Net, request: &Request, timeout: Duration) -> Verdict {
        let until = Instant::now() + timeout;
        let mut request = request.clone();
        let login = login::Login::of(&request.url);
        let mut session = None;
        if let Some(login) = &login {
            let token = match login.token(net, until) {
                Ok(token) => token,
                Err(verdict) => return verdict,
            };
            request.url = login.url.clone();
            request
                .headers
                .push(("Authorization".into(), format!("Bearer {token}")));
            session = Some(token);
        }
        let verdict = self.send_to_room(net, request, until);
        if let (Some(login), Some(token), Verdict::Delivered { .. }) = (&login, &session, &verdict)
        {
            login.log_out(net, token, until);
        }
        verdict
    }

    fn judge(&self, _url: &str, reply: &Reply) -> Verdict {
        let body = reply.json();
        match reply.status {
            200 => match body["event_id"].as_str() {
                Some(id) => Verdict::Delivered {
                    detail: "HTTP 200".into(),
                    message_id: Some(id.to_owned()),
                },
                None => Verdict::failed(format!(
                    "{} (Matrix answers with the event_id)",
                    describe(reply)
                )),
            },
            429 => Verdict::Retry {
                reason: describe(reply),
                after: body["retry_after_ms"]
                    .as_u64()
                    .map(Duration::from_millis)
                    .or(reply.retry_after),
            },
            _ => judge_http(reply),
        }
    }
}

impl Matrix {
    /// The message to its room, an alias resolved first.
    fn send_to_room(&self, net: &Net, mut request: Request, until: Instant) -> Verdict {
        let Some((base, room)) = room_of(&request.url) else {
            return Verdict::failed("not a Matrix room URL");
        };
        if room.starts_with('#') {
            let alias = percent_encode(&room, b"-._~:");
            let directory = format!("{base}/_matrix/client/v3/directory/room/{alias}");
            let auth: Vec<(String, String)> = request
                .headers
                .iter()
                .filter(|(n, _)| n == "Authorization")
                .cloned()
                .collect();
            let reply = match net.http().get(&directory, &auth, login::left(until)) {
                Ok(reply) => reply,
                Err(no_answer) => return no_answer.into(),
            };
            let Some(id) = reply.json()["room_id"].as_str().map(str::to_owned) else {
                return match reply.status {
                    200 => Verdict::failed("the homeserver did not name the alias's room"),
                    _ => self.judge(&directory, &reply),
                };
            };
            request.url = request.url.replacen(
                &percent_encode(&room, b"-._~:"),
                &percent_encode(&id, b"-._~:"),
                1,
            );
        }
        net.http().attempt(&request, login::left(until), |reply| {
            self.judge(&request.url, reply)
        })
    }
}
