//! The URLs of the tools people come from, Apprise and shoutrrr, read the way each tool means
//! them and rewritten into crier's own forms before routing. Where a scheme means different
//! things in crier and in such a tool, the form decides (shoutrrr's `slack://hook:…@webhook`
//! has an `@`, crier's `slack://CHANNEL` none), and crier's wins where the form cannot.

use crate::url::{parts, percent_encode, query_pairs, split_tail};

/// Crier's form of `raw`, and the tool whose form it was; `None` for a URL that is not one.
pub fn translate(raw: &str) -> Option<(String, &'static str)> {
    let (scheme, rest) = raw.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let p = parts(rest);
    let (path, query, _) = split_tail(p.tail);
    let path = path.trim_matches('/');
    let param = |key: &str| {
        query_pairs(query)
            .into_iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.to_owned())
    };
    let host = p.hostport;
    Some(match (scheme.as_str(), p.userinfo) {
        // Apprise
        ("tgram", _) => (format!("telegram://{host}/{path}"), "Apprise"),
        ("json", _) => (format!("webhook+http://{host}/{path}"), "Apprise"),
        ("jsons", _) => (format!("webhook+https://{host}/{path}"), "Apprise"),
        ("mmost", _) => (format!("mattermost+http://{host}/hooks/{path}"), "Apprise"),
        ("mmosts", _) => (format!("mattermost+https://{host}/hooks/{path}"), "Apprise"),
        ("pover", Some(user)) => (format!("pushover://{user}@{host}"), "Apprise"),
        ("ntfys", _) => (format!("ntfy+https://{host}/{path}"), "Apprise"),
        ("gotifys", _) => (format!("gotify://{host}/{path}"), "Apprise"),
        ("discord", None) if path.split('/').count() == 1 && !path.is_empty() => (
            format!("https://discord.com/api/webhooks/{host}/{path}"),
            "Apprise",
        ),
        ("pagerduty", Some(integration)) => (format!("pagerduty://{integration}"), "Apprise"),
        ("matrixs", Some(token)) if !token.contains(':') => (
            format!("matrix://{token}@{host}/{}", room_in(p.tail)?),
            "Apprise",
        ),
        ("gchat", None) if path.split('/').count() == 2 => {
            let (key, token) = path.split_once('/')?;
            (
                format!(
                    "https://chat.googleapis.com/v1/spaces/{host}/messages?key={key}&token={token}"
                ),
                "Apprise",
            )
        }
        // slack://A/B/C: an incoming webhook's three tokens (crier's slack://CHANNEL has one part).
        ("slack", None)
            if path
                .split('/')
                .filter(|s| !s.starts_with(['#', '@']))
                .count()
                == 2 =>
        {
            let mut tokens = path.split('/').filter(|s| !s.starts_with(['#', '@']));
            let (b, c) = (tokens.next()?, tokens.next()?);
            (
                format!("https://hooks.slack.com/services/{host}/{b}/{c}"),
                "Apprise",
            )
        }
        // shoutrrr
        ("discord", Some(token)) => (
            format!("https://discord.com/api/webhooks/{host}/{token}"),
            "shoutrrr",
        ),
        ("slack", Some(userinfo)) => match userinfo.split_once(':') {
            // slack://hook:T…-B…-X…@webhook: an incoming webhook, its path with `-` for `/`.
            Some(("hook", hook)) => (
                format!(
                    "https://hooks.slack.com/services/{}",
                    hook.replace('-', "/")
                ),
                "shoutrrr",
            ),
            _ => return None,
        },
        ("telegram", Some(token)) if host.eq_ignore_ascii_case("telegram") => {
            let chat = param("chats")?.split(',').next()?.to_owned();
            (format!("telegram://{token}/{chat}"), "shoutrrr")
        }
        // pushover://shoutrrr:APP_TOKEN@USER_KEY: the keys the other way round from crier's.
        ("pushover", Some(userinfo)) if userinfo.starts_with("shoutrrr:") => (
            format!("pushover://{host}@{}", &userinfo["shoutrrr:".len()..]),
            "shoutrrr",
        ),
        // matrix://:TOKEN@HOST/?rooms=ROOM: no user, so the password is the access token.
        ("matrix", Some(userinfo)) if userinfo.starts_with(':') => {
            let room = param("rooms").or_else(|| param("room"))?;
            let room = room.split(',').next()?;
            let room = match room.chars().next()? {
                '!' | '#' => room.to_owned(),
                _ => format!("#{room}"),
            };
            let tls = !matches!(param("disableTLS").as_deref(), Some("yes" | "true" | "1"));
            let scheme = if tls { "matrix" } else { "matrix+http" };
            let token = &userinfo[1..];
            (
                format!(
                    "{scheme}://{token}@{host}/{}",
                    percent_encode(&room, b"-._~:")
                ),
                "shoutrrr",
            )
        }
        ("generic", _) => (format!("webhook+https://{host}/{path}"), "shoutrrr"),
        ("ntfy", _) if !path.is_empty() => (format!("ntfy+https://{host}/{path}"), "shoutrrr"),
        (s, _) if s.starts_with("generic+") => {
            (raw.replacen("generic+", "webhook+", 1), "shoutrrr")
        }
        _ => return None,
    })
}

/// What to write instead of another tool's form that crier does not read.
pub fn not_read(scheme: &str) -> Option<&'static str> {
    Some(match scheme {
        "msteams" | "teams" => {
            "Apprise's and shoutrrr's Teams forms are not read: give the Teams webhook's \
             https:// URL (a Workflows webhook) as it is"
        }
        "mailtos" | "smtp" | "smtps" => {
            "e-mail is `mailto:ADDRESS`, with the server in the smtp-url setting \
             (smtp://USER:PASSWORD@HOST:PORT)"
        }
        "wxteams" => "Webex is webex://BOT_TOKEN@ROOM_ID (a bot's token and a room)",
        _ => return None,
    })
}

/// The room of Apprise's `…/#ROOM` (a fragment) or `…/ROOM`, percent-encoded for a path.
fn room_in(tail: &str) -> Option<String> {
    let room = match tail.split_once('#') {
        Some((_, alias)) => format!("#{alias}"),
        None => tail.trim_matches('/').split('?').next()?.to_owned(),
    };
    (!room.is_empty()).then(|| percent_encode(&room, b"-._~:!%"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_are_read_as_their_tool_means_them() {
        for (from, to) in [
            ("tgram://123:ABC/-100555", "telegram://123:ABC/-100555"),
            (
                "json://ci.example.com/hook",
                "webhook+http://ci.example.com/hook",
            ),
            (
                "jsons://ci.example.com/hook",
                "webhook+https://ci.example.com/hook",
            ),
            (
                "mmosts://chat.example.com/abc123",
                "mattermost+https://chat.example.com/hooks/abc123",
            ),
            ("pover://uUser@aToken", "pushover://uUser@aToken"),
            (
                "discord://1234/Tok3n",
                "https://discord.com/api/webhooks/1234/Tok3n",
            ),
            (
                "discord://Tok3n@1234",
                "https://discord.com/api/webhooks/1234/Tok3n",
            ),
            (
                "slack://hook:T0-B0-XYZ@webhook",
                "https://hooks.slack.com/services/T0/B0/XYZ",
            ),
            (
                "telegram://123:ABC@telegram?chats=-100555,-100666",
                "telegram://123:ABC/-100555",
            ),
            (
                "pushover://shoutrrr:aToken@uUser",
                "pushover://uUser@aToken",
            ),
            (
                "generic+https://ci.example.com/hook",
                "webhook+https://ci.example.com/hook",
            ),
            (
                "gchat://AAAAspace/keyK3y/tokT0k",
                "https://chat.googleapis.com/v1/spaces/AAAAspace/messages?key=keyK3y&token=tokT0k",
            ),
            (
                "slack://T0AAA/B0BBB/XyZsecret9",
                "https://hooks.slack.com/services/T0AAA/B0BBB/XyZsecret9",
            ),
            (
                "matrixs://syt_Tok3n@matrix.example.com/#builds:example.com",
                "matrix://syt_Tok3n@matrix.example.com/%23builds:example.com",
            ),
            (
                "matrix://:syt_Tok3n@matrix.example.com/?rooms=!abc:example.com,#other:x",
                "matrix://syt_Tok3n@matrix.example.com/%21abc:example.com",
            ),
            (
                "matrix://:syt_Tok3n@localhost:8008/?rooms=builds:localhost&disableTLS=yes",
                "matrix+http://syt_Tok3n@localhost:8008/%23builds:localhost",
            ),
            (
                "ntfy://ntfy.example.com/builds",
                "ntfy+https://ntfy.example.com/builds",
            ),
        ] {
            assert_eq!(
                translate(from).map(|(u, _)| u).as_deref(),
                Some(to),
                "{from}"
            );
        }
        for ours in [
            "slack://C0123",
            "ntfy://topic",
            "pushover://uUser@aToken",
            "telegram://123:ABC/-1",
            "matrix://syt_Tok3n@matrix.example.com/!abc:example.com",
            "https://x/y",
        ] {
            assert_eq!(translate(ours), None, "{ours}");
        }
    }
}
