//! A Matrix user's log-in (`matrix://USER:PASSWORD@HOMESERVER/ROOM`, the form Apprise and
//! shoutrrr also write): `POST /login` with `m.login.password` for an access token, kept for
//! the run's other attempts of the same destination (a transaction id is scoped to its token,
//! so a retry with a new one could land twice), and `POST /logout` once the message is in, so
//! runs leave no devices behind.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::http::{describe, judge_http, Request};
use crate::net::Net;
use crate::url::{parts, percent_decode};
use crate::verdict::Verdict;

/// Access tokens by destination URL, for this run.
static SESSIONS: Mutex<Option<HashMap<String, String>>> = Mutex::new(None);

/// A destination URL that carries a user and password, split.
pub struct Login {
    /// The URL without them.
    pub url: String,
    /// `scheme://host`, where `/_matrix/client/v3/…` starts.
    base: String,
    user: String,
    password: String,
    key: String,
}

impl Login {
    /// The log-in in `url` (`https://USER:PASSWORD@HOST/_matrix/…`), if it has one.
    pub fn of(url: &str) -> Option<Login> {
        let (scheme, rest) = url.split_once("://")?;
        let p = parts(rest);
        let (user, password) = p.userinfo?.split_once(':')?;
        Some(Login {
            url: format!("{scheme}://{}{}", p.hostport, p.tail),
            base: format!("{scheme}://{}", p.hostport),
            user: percent_decode(user),
            password: percent_decode(password),
            key: url.to_owned(),
        })
    }

    /// This destination's access token: the one of an earlier attempt, or a new log-in's,
    /// which `net` learns as a secret.
    pub fn token(&self, net: &Net, until: Instant) -> Result<String, Verdict> {
        if let Some(token) = sessions(|s| s.get(&self.key).cloned()) {
            return Ok(token);
        }
        let body = json!({
            "type": "m.login.password",
            "identifier": {"type": "m.id.user", "user": self.user},
            "password": self.password,
            "initial_device_display_name": "crier",
        });
        let request = Request::post_json(
            format!("{}/_matrix/client/v3/login", self.base),
            body.to_string(),
        );
        let reply = net
            .http()
            .send(&request, left(until))
            .map_err(Verdict::from)?;
        let token = reply.json()["access_token"].as_str().map(str::to_owned);
        match (reply.status, token) {
            (200, Some(token)) => {
                net.learn(&token);
                sessions(|s| s.insert(self.key.clone(), token.clone()));
                Ok(token)
            }
            (200, None) => Err(Verdict::failed(
                "the homeserver's log-in answer has no access_token",
            )),
            (403, _) => Err(Verdict::failed(format!(
                "the homeserver refused the log-in ({}): check the user and password",
                describe(&reply)
            ))),
            (429, _) => Err(Verdict::Retry {
                reason: format!("log-in: {}", describe(&reply)),
                after: reply.json()["retry_after_ms"]
                    .as_u64()
                    .map(Duration::from_millis)
                    .or(reply.retry_after),
            }),
            _ => Err(match judge_http(&reply) {
                Verdict::Delivered { .. } => Verdict::failed(describe(&reply)),
                other => other,
            }),
        }
    }

    /// Ends the session once the message is in; best effort, within what is left.
    pub fn log_out(&self, net: &Net, token: &str, until: Instant) {
        sessions(|s| s.remove(&self.key));
        let mut request = Request::post_json(
            format!("{}/_matrix/client/v3/logout", self.base),
            "{}".into(),
        );
        request
            .headers
            .push(("Authorization".into(), format!("Bearer {token}")));
        let _ = net
            .http()
            .send(&request, left(until).min(Duration::from_secs(5)));
    }
}

/// The time left before `until`, never zero (which a transport could read as "no limit").
pub fn left(until: Instant) -> Duration {
    until
        .saturating_duration_since(Instant::now())
        .max(Duration::from_millis(1))
}

fn sessions<T>(f: impl FnOnce(&mut HashMap<String, String>) -> T) -> T {
    let mut guard = SESSIONS.lock().unwrap_or_else(|e| e.into_inner());
    f(guard.get_or_insert_with(HashMap::new))
}
