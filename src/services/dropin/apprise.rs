//! Apprise's forms, as its plugins (`apprise/plugins/<service>.py`) read them: the schemes only
//! Apprise uses, and its `slack://A/B/C`, `discord://ID/TOKEN`, `webex://TOKEN/ROOM` and
//! `zulip://BOT@ORG/TOKEN`, told apart from crier's by their shape.

use super::{each, one, teams, webhook, with_fields, Form, Translation};
use crate::url::{percent_decode, percent_encode};

pub(super) fn read(f: &Form) -> Option<Translation> {
    let (host, path) = (f.host, f.path);
    let parts = f.segments();
    match (f.scheme.as_str(), f.userinfo) {
        ("tgram", _) => telegram(f),
        ("json" | "jsons", _) => webhook::apprise(f),
        ("mmost" | "mmosts", _) => mattermost(f),
        // pover://USER_KEY@APP_TOKEN/DEVICE/…: the devices, as crier's form has them.
        ("pover", Some(user)) => {
            let devices: Vec<String> = f.targets(0).iter().map(|d| encode(d)).collect();
            one(format!("pushover://{user}@{host}/{}", devices.join("/")))
        }
        ("ntfys", _) => ntfy(f),
        ("gotifys", _) => one(format!("gotify://{host}/{path}")),
        ("discord", None) if parts.len() == 1 => one(discord(host, path, f.param("thread"))),
        ("pagerduty", Some(integration)) => match f.param("region") {
            Some(r) if r.eq_ignore_ascii_case("eu") => one(format!(
                "pagerduty+https://events.eu.pagerduty.com/v2/enqueue?routing_key={integration}"
            )),
            _ => one(format!("pagerduty://{integration}")),
        },
        // An access token, or USER:PASSWORD to log in with.
        ("matrixs", Some(login)) => each(
            f.targets(0),
            "name a room: matrixs://TOKEN@HOST/#ROOM",
            |room| format!("matrix://{login}@{host}/{}", encode_room(room)),
        ),
        ("gchat", None) if parts.len() == 2 => one(format!(
            "https://chat.googleapis.com/v1/spaces/{host}/messages?key={}&token={}",
            parts[0], parts[1]
        )),
        // slack://A/B/C: an incoming webhook's three tokens (crier's slack://CHANNEL has one;
        // shoutrrr's older form has a bot name before them). slack://xoxb-…/#CHANNEL: a bot.
        ("slack", user) if !user.is_some_and(|u| u.contains(':')) => {
            if host.starts_with("xoxb-") || host.starts_with("xoxp-") {
                return each(
                    f.targets(0),
                    "name a channel: slack://BOT_TOKEN/#CHANNEL",
                    |c| format!("slack://{host}@{}", encode(c)),
                );
            }
            let tokens: Vec<&str> = parts
                .iter()
                .copied()
                .filter(|s| !s.starts_with(['#', '@']))
                .collect();
            match tokens[..] {
                [b, c] => one(format!("https://hooks.slack.com/services/{host}/{b}/{c}")),
                _ => None,
            }
        }
        ("workflow" | "workflows", _) => teams::workflow(f),
        ("msteams", _) => teams::connector(f),
        ("wxteams", _) | ("webex", None) => webex(f),
        ("rocket" | "rockets", _) => rocket(f),
        // irc://USER:PASSWORD@HOST/#a/#b: crier's own form names one channel and no password.
        ("irc" | "ircs", _)
            if f.userinfo.is_some_and(|u| u.contains(':')) || f.targets(0).len() > 1 =>
        {
            irc(f)
        }
        ("zulip", Some(bot)) if !bot.contains(':') => zulip(f, bot),
        ("ringc", _) => Some(Err(
            "Apprise's ringc:// sends RingCentral text messages (SMS), which crier does not; \
             give a RingCentral team messaging webhook's https:// URL"
                .into(),
        )),
        _ => None,
    }
}

/// The Discord webhook, in a thread if one is named (both tools' forms).
pub(super) fn discord(id: &str, token: &str, thread: Option<&str>) -> String {
    let url = format!("https://discord.com/api/webhooks/{id}/{token}");
    match thread.filter(|t| t.bytes().all(|b| b.is_ascii_digit())) {
        Some(thread) => format!("{url}?thread_id={thread}"),
        None => url,
    }
}

/// A path segment, percent-encoded.
fn encode(text: &str) -> String {
    percent_encode(text, b"-._~")
}

/// A Matrix room for a path: `#alias:server` or `!id:server`.
fn encode_room(room: &str) -> String {
    percent_encode(room, b"-._~:")
}

/// `ntfys://[USER:PASSWORD@|TOKEN@]HOST/TOPIC/…[?token=]`: a destination per topic, with
/// Basic auth or the access token.
fn ntfy(f: &Form) -> Option<Translation> {
    let (login, token) = match f.userinfo {
        Some(u) if u.contains(':') => (format!("{u}@"), f.param("token")),
        Some(token) => (String::new(), Some(token)),
        None => (String::new(), f.param("token")),
    };
    let token = token.map(|t| format!("?token={t}")).unwrap_or_default();
    each(f.targets(0), "name a topic: ntfys://HOST/TOPIC", |topic| {
        format!("ntfy+https://{login}{}/{}{token}", f.host, encode(topic))
    })
}

/// `tgram://BOT_TOKEN/CHAT_ID[:TOPIC]/…`: a chat (or `@channel`) per target.
/// `?topic=` (or `?thread=`) is the topic of the chats that name none.
fn telegram(f: &Form) -> Option<Translation> {
    let token = f.host;
    let default = f
        .param("topic")
        .or_else(|| f.param("thread"))
        .filter(|t| t.bytes().all(|b| b.is_ascii_digit()));
    each(
        f.targets(0),
        "name a chat: tgram://BOT_TOKEN/CHAT_ID",
        |target| match target.rsplit_once(':') {
            Some((chat, topic)) if topic.bytes().all(|b| b.is_ascii_digit()) => {
                format!("telegram://{token}/{}?topic={topic}", encode(chat))
            }
            _ => match default {
                Some(topic) => format!("telegram://{token}/{}?topic={topic}", encode(target)),
                None => format!("telegram://{token}/{}", encode(target)),
            },
        },
    )
}

/// `wxteams://TOKEN` (an incoming webhook, 80 to 160 letters and digits) or
/// `wxteams://BOT_TOKEN/ROOM_ID/…` (a bot posting to each room); `?mode=` forces one.
fn webex(f: &Form) -> Option<Translation> {
    let token = f.host;
    let rooms = f.targets(0);
    let looks_like_hook =
        (80..=160).contains(&token.len()) && token.bytes().all(|b| b.is_ascii_alphanumeric());
    let hook = match f.param("mode") {
        Some(m) if "webhook".starts_with(m) => true,
        Some(m) if "bot".starts_with(m) => false,
        Some(_) => return Some(Err("mode= is webhook or bot".into())),
        None => rooms.is_empty() && looks_like_hook,
    };
    if hook {
        return one(format!(
            "webex+https://webexapis.com/v1/webhooks/incoming/{token}"
        ));
    }
    each(
        rooms,
        "name a room: webex://BOT_TOKEN@ROOM_ID (or an incoming webhook's token alone)",
        |room| format!("webex://{token}@{}", encode(room)),
    )
}

/// `mmosts://[BOT@]HOST[:PORT]/[PATH/]TOKEN[?channel=a,b]`: the incoming webhook
/// `https://HOST/PATH/hooks/TOKEN`, posting as BOT, to each channel (none: its own).
fn mattermost(f: &Form) -> Option<Translation> {
    if f.param("mode")
        .is_some_and(|m| m.eq_ignore_ascii_case("bot"))
        || f.has("team")
    {
        return Some(Err(
            "Mattermost's bot mode is not read: write the incoming webhook, mmosts://HOST/TOKEN"
                .into(),
        ));
    }
    let web = match f.scheme.as_str() {
        "mmosts" => "https",
        _ => "http",
    };
    let mut parts = f.segments();
    let Some(token) = parts.pop() else {
        return Some(Err("expected mmosts://HOST/TOKEN".into()));
    };
    let prefix: String = parts.iter().map(|p| format!("/{p}")).collect();
    let base = format!("mattermost+{web}://{}{prefix}/hooks/{token}", f.host);
    let name = f
        .userinfo
        .map(percent_decode)
        .or_else(|| f.param("botname").map(percent_decode));
    let mut channels: Vec<String> = super::list(f.param("channel"));
    channels.extend(super::list(f.param("channels")));
    channels.extend(super::list(f.param("to")));
    let fields = |channel: Option<&str>| {
        with_fields(
            &base,
            &[("channel", channel), ("username", name.as_deref())],
        )
    };
    if channels.is_empty() {
        return one(fields(None));
    }
    each(channels, "", |channel| fields(Some(channel)))
}

/// `ircs://NICK:PASSWORD@HOST[:PORT]/#a/#b`: a destination per channel, the password the
/// server's (Apprise's default mode; its NickServ and ZNC modes are not read).
fn irc(f: &Form) -> Option<Translation> {
    if f.param("mode")
        .is_some_and(|m| !"server".starts_with(&m.to_ascii_lowercase()))
    {
        return Some(Err(
            "Apprise's IRC NickServ and ZNC modes are not read: a server password goes in \
             ?password="
                .into(),
        ));
    }
    let (nick, password) = match f.userinfo.map(|u| u.split_once(':').unwrap_or((u, ""))) {
        Some((nick, password)) => (format!("{nick}@"), password),
        None => (String::new(), ""),
    };
    let password = match password.is_empty() {
        true => String::new(),
        false => format!("?password={password}"),
    };
    each(
        f.targets(0),
        "name a channel: irc://NICK@HOST/#CHANNEL",
        |channel| {
            let channel = channel.trim_start_matches('#');
            format!(
                "{}://{nick}{}/%23{}{password}",
                f.scheme,
                f.host,
                encode(channel)
            )
        },
    )
}

/// `rockets://ID/TOKEN@HOST[:PORT]/#channel/@user`: an incoming webhook, to each target
/// (none: the integration's own channel). A user's log-in (`USER:PASSWORD@HOST`) is not read.
fn rocket(f: &Form) -> Option<Translation> {
    let web = match f.scheme.as_str() {
        "rockets" => "https",
        _ => "http",
    };
    let hook = f.rest.split_once('@').and_then(|(before, after)| {
        let webhook = before.rsplit_once(':').map_or(before, |(_, w)| w);
        let (id, token) = webhook
            .split_once('/')
            .or_else(|| webhook.split_once("%2F"))
            .or_else(|| webhook.split_once("%2f"))?;
        let word = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric());
        (word(id) && word(token)).then(|| (id.to_owned(), token.to_owned(), after))
    });
    let Some((id, token, after)) = hook else {
        return Some(Err(
            "Rocket.Chat through a user's log-in is not read: create an incoming webhook and \
             write rocketchat://HOST/ID/TOKEN"
                .into(),
        ));
    };
    // What follows the webhook is an ordinary URL's host and targets.
    let after = format!("{}://{after}", f.scheme);
    let at = Form::read(&after)?;
    let (host, targets) = (at.host, at.targets(0));
    let base = format!("rocketchat+{web}://{host}/hooks/{id}/{token}");
    if targets.is_empty() {
        return one(base);
    }
    each(targets, "", |target| {
        with_fields(&base, &[("channel", Some(target))])
    })
}

/// `zulip://BOT@ORG[.HOST]/TOKEN/STREAM/…`: the bot `BOT-bot@ORG.HOST` (on zulipchat.com
/// unless the organisation names a host), to each stream (`general` if none).
fn zulip(f: &Form, bot: &str) -> Option<Translation> {
    let bot = percent_decode(bot);
    let bot = bot.strip_suffix("-bot").unwrap_or(&bot);
    let server = match f.host.contains('.') {
        true => f.host.to_owned(),
        false => format!("{}.zulipchat.com", f.host),
    };
    let (token, skip) = match f.param("token") {
        Some(token) => (token.to_owned(), 0),
        None => match f.segments().first() {
            Some(token) => (token.to_string(), 1),
            None => return Some(Err("expected zulip://BOT@ORGANIZATION/TOKEN/STREAM".into())),
        },
    };
    let mut streams = f.targets(skip);
    if streams.is_empty() {
        streams.push("general".into());
    }
    if streams.iter().any(|s| s.contains('@')) {
        return Some(Err(
            "Zulip private messages are not sent: name streams only".into(),
        ));
    }
    let email = percent_encode(&format!("{bot}-bot@{server}"), b"-._~");
    each(streams, "", |stream| {
        format!("zulip://{email}:{token}@{server}?stream={}", encode(stream))
    })
}

#[cfg(test)]
mod tests {
    use super::super::{read, translate};

    #[test]
    fn mattermost_and_irc_forms_name_channels_and_names() {
        assert_eq!(
            read("mmost://chat.example.com:8065/tok3n"),
            ["mattermost+http://chat.example.com:8065/hooks/tok3n"]
        );
        assert_eq!(
            read("mmosts://ci@chat.example.com/mm/tok3n?channel=builds,ops"),
            [
                "mattermost+https://chat.example.com/mm/hooks/tok3n#channel=builds&username=ci",
                "mattermost+https://chat.example.com/mm/hooks/tok3n#channel=ops&username=ci"
            ]
        );
        assert!(translate("mmosts://chat.example.com/tok3n?mode=bot")
            .unwrap()
            .is_err());
        assert_eq!(
            read("ircs://ci:pw@irc.example.com:6697/#builds/#ops"),
            [
                "ircs://ci@irc.example.com:6697/%23builds?password=pw",
                "ircs://ci@irc.example.com:6697/%23ops?password=pw"
            ]
        );
        assert!(translate("irc://ci@irc.example.com/#builds").is_none());
    }

    #[test]
    fn webex_rocket_chat_and_zulip_forms() {
        let hook = "a".repeat(100);
        assert_eq!(
            read(&format!("wxteams://{hook}")),
            [format!(
                "webex+https://webexapis.com/v1/webhooks/incoming/{hook}"
            )]
        );
        assert_eq!(
            read("webex://BotTok3n/Y2lz1/Y2lz2"),
            ["webex://BotTok3n@Y2lz1", "webex://BotTok3n@Y2lz2"]
        );
        assert_eq!(
            read("rockets://abc123/def456@chat.example.com/#general/@ada"),
            [
                "rocketchat+https://chat.example.com/hooks/abc123/def456#channel=%23general",
                "rocketchat+https://chat.example.com/hooks/abc123/def456#channel=%40ada"
            ]
        );
        assert_eq!(
            read("rocket://abc123%2Fdef456@chat.example.com:3000"),
            ["rocketchat+http://chat.example.com:3000/hooks/abc123/def456"]
        );
        assert!(
            translate("rockets://ada:hunter22@chat.example.com/#general")
                .unwrap()
                .unwrap_err()
                .contains("incoming webhook")
        );
        assert_eq!(
            read("zulip://ci-bot@acme/K3yK3yK3y/builds"),
            ["zulip://ci-bot%40acme.zulipchat.com:K3yK3yK3y@acme.zulipchat.com?stream=builds"]
        );
        assert_eq!(
            read("zulip://ci@acme.example.com/K3yK3yK3y"),
            ["zulip://ci-bot%40acme.example.com:K3yK3yK3y@acme.example.com?stream=general"]
        );
    }
}
