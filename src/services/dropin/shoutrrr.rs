//! shoutrrr's forms, as its services (`pkg/services/<service>/`) read them. Its e-mail form,
//! `smtp://`, is read with Apprise's in `mail.rs`.

use super::{each, list, one, teams, webhook, with_fields, Form, Translation};
use crate::url::{percent_decode, percent_encode};

pub(super) fn read(f: &Form) -> Option<Translation> {
    let host = f.host;
    let path = f.path;
    match (f.scheme.as_str(), f.userinfo) {
        ("discord", Some(token)) => one(super::apprise::discord(
            host,
            token,
            f.param("thread_id").or_else(|| f.param("threadid")),
        )),
        // slack://hook:T…-B…-X…@webhook: an incoming webhook, its path with `-` for `/`.
        ("slack", Some(userinfo)) => match userinfo.split_once(':') {
            Some(("hook", hook)) => one(format!(
                "https://hooks.slack.com/services/{}",
                hook.replace('-', "/")
            )),
            // slack://xoxb:REST@CHANNEL: the bot token `xoxb-REST`, posting to CHANNEL.
            Some((kind @ ("xoxb" | "xoxp"), rest)) => one(format!("slack://{kind}-{rest}@{host}")),
            _ => None,
        },
        ("telegram", Some(token)) if host.eq_ignore_ascii_case("telegram") => each(
            list(f.param("chats").or_else(|| f.param("channels"))),
            "name a chat: telegram://BOT_TOKEN@telegram?chats=CHAT_ID",
            |chat| format!("telegram://{token}/{}", percent_encode(chat, b"-._~@")),
        ),
        // pushover://shoutrrr:APP_TOKEN@USER_KEY: the keys the other way round from crier's.
        ("pushover", Some(userinfo)) if userinfo.starts_with("shoutrrr:") => {
            let devices = list(f.param("devices")).join(",");
            let devices = match devices.is_empty() {
                true => String::new(),
                false => format!("?device={}", percent_encode(&devices, b"-._~,")),
            };
            one(format!(
                "pushover://{host}@{}{devices}",
                &userinfo["shoutrrr:".len()..]
            ))
        }
        // matrix://:TOKEN@HOST/?rooms=ROOM: no user, so the password is the access token;
        // matrix://USER:PASSWORD@HOST/?rooms=ROOM logs in.
        ("matrix", Some(userinfo))
            if userinfo.starts_with(':') || f.has("rooms") || f.has("room") =>
        {
            let tls = !matches!(f.param("disableTLS"), Some("yes" | "true" | "1"));
            let scheme = if tls { "matrix" } else { "matrix+http" };
            let token = userinfo.strip_prefix(':').unwrap_or(userinfo);
            each(
                list(f.param("rooms").or_else(|| f.param("room"))),
                "name a room: matrix://:TOKEN@HOST/?rooms=ROOM",
                |room| {
                    let room = match room.starts_with(['!', '#']) {
                        true => room.to_owned(),
                        false => format!("#{room}"),
                    };
                    format!(
                        "{scheme}://{token}@{host}/{}",
                        percent_encode(&room, b"-._~:")
                    )
                },
            )
        }
        ("teams", _) => teams::shoutrrr(f),
        ("mattermost", _) => mattermost(f),
        ("googlechat", _) => one(format!(
            "https://{}/{}{}",
            host,
            path,
            match f.query {
                "" => String::new(),
                q => format!("?{q}"),
            }
        )),
        ("generic", _) => webhook::shoutrrr(f),
        // ntfy://[USER:PASSWORD@]HOST/TOPIC, over HTTPS unless `scheme=http`.
        ("ntfy", _) if !path.is_empty() => {
            let web = match f.param("scheme") {
                Some("http") => "http",
                _ => "https",
            };
            let login = f.userinfo.map(|u| format!("{u}@")).unwrap_or_default();
            one(format!("ntfy+{web}://{login}{host}/{path}"))
        }
        (s, _) if s.starts_with("generic+") => webhook::shoutrrr(f),
        _ => None,
    }
}

/// `mattermost://[USER@]HOST[:PORT]/TOKEN[/CHANNEL]` (and the older `/TOKEN/USER/CHANNEL`):
/// the incoming webhook over HTTPS (`?disabletls=yes`: HTTP), posting as USER to CHANNEL.
fn mattermost(f: &Form) -> Option<Translation> {
    let parts: Vec<&str> = f.path.split('/').collect();
    let (token, user, channel) = match parts[..] {
        [token] => (token, f.userinfo, None),
        [token, channel] => (token, f.userinfo, Some(channel)),
        [token, user, channel] => (token, Some(user).filter(|u| !u.is_empty()), Some(channel)),
        _ => {
            return Some(Err(
                "expected mattermost://[USER@]HOST/TOKEN[/CHANNEL]".into()
            ))
        }
    };
    if token.is_empty() {
        return Some(Err(
            "expected mattermost://[USER@]HOST/TOKEN[/CHANNEL]".into()
        ));
    }
    let web = match f.param("disabletls") {
        Some("yes" | "true" | "1") => "http",
        _ => "https",
    };
    let base = format!("mattermost+{web}://{}/hooks/{token}", f.host);
    let (channel, user) = (channel.map(percent_decode), user.map(percent_decode));
    one(with_fields(
        &base,
        &[
            ("channel", channel.as_deref()),
            ("username", user.as_deref()),
        ],
    ))
}

#[cfg(test)]
mod tests {
    use super::super::translate;

    #[test]
    fn mattermost_and_google_chat_forms() {
        for (from, to) in [
            (
                "mattermost://ci@chat.example.com/tok3n/builds",
                "mattermost+https://chat.example.com/hooks/tok3n#channel=builds&username=ci",
            ),
            (
                "mattermost://chat.example.com/tok3n/ci/builds",
                "mattermost+https://chat.example.com/hooks/tok3n#channel=builds&username=ci",
            ),
            (
                "mattermost://chat.example.com:8065/tok3n?disabletls=yes",
                "mattermost+http://chat.example.com:8065/hooks/tok3n",
            ),
            (
                "googlechat://chat.googleapis.com/v1/spaces/FOO/messages?key=bar&token=baz",
                "https://chat.googleapis.com/v1/spaces/FOO/messages?key=bar&token=baz",
            ),
        ] {
            assert_eq!(translate(from), Some(Ok(vec![to.to_owned()])), "{from}");
        }
    }
}
