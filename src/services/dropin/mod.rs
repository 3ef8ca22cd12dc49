//! The URLs of the tools people come from, Apprise and shoutrrr, read the way each tool means
//! them and rewritten into crier's own forms before routing: one file per tool, and one each
//! for their e-mail forms (which name a mail server), Teams forms (which abbreviate a
//! webhook) and generic webhooks (whose query options are partly the tool's).
//!
//! Where a scheme means different things in crier and in such a tool, the form decides
//! (shoutrrr's `slack://hook:…@webhook` has an `@`, crier's `slack://CHANNEL` none), and
//! crier's wins where the form cannot.
//!
//! A form that names several targets (chats, rooms, topics, streams) becomes one of crier's
//! destinations per target, so none is dropped quietly.

mod apprise;
mod mail;
mod shoutrrr;
mod teams;
mod webhook;

use crate::url::{parts, percent_decode, percent_encode, query_pairs, split_tail};

/// What another tool's form becomes: crier's URLs, one per target it names, or why it cannot
/// be sent (a message that never quotes the URL).
pub type Translation = Result<Vec<String>, String>;

/// Crier's forms of `raw`; `None` for a URL that is not another tool's.
pub fn translate(raw: &str) -> Option<Translation> {
    let form = Form::read(raw)?;
    apprise::read(&form)
        .or_else(|| shoutrrr::read(&form))
        .or_else(|| mail::read(&form))
}

/// One URL of crier's.
fn one(url: String) -> Option<Translation> {
    Some(Ok(vec![url]))
}

/// Crier's URL for each target, or `none` (what to write) when there is no target.
fn each(targets: Vec<String>, none: &str, url: impl Fn(&str) -> String) -> Option<Translation> {
    if targets.is_empty() {
        return Some(Err(none.to_owned()));
    }
    Some(Ok(targets.iter().map(|t| url(t)).collect()))
}

/// A URL split the way both tools split theirs (the authority ends at the first `/`).
struct Form<'a> {
    scheme: String,
    /// Everything after `scheme://`.
    rest: &'a str,
    userinfo: Option<&'a str>,
    /// `host[:port]`.
    host: &'a str,
    /// The path without its outer slashes.
    path: &'a str,
    query: &'a str,
    fragment: &'a str,
}

impl<'a> Form<'a> {
    fn read(raw: &'a str) -> Option<Form<'a>> {
        let (scheme, rest) = raw.split_once("://")?;
        let p = parts(rest);
        let (path, query, fragment) = split_tail(p.tail);
        Some(Form {
            scheme: scheme.to_ascii_lowercase(),
            rest,
            userinfo: p.userinfo,
            host: p.hostport,
            path: path.trim_matches('/'),
            query,
            fragment,
        })
    }

    /// A query option by its name in any case, as written (still percent-encoded); an empty
    /// value is no value.
    fn param(&self, key: &str) -> Option<&'a str> {
        query_pairs(self.query)
            .into_iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
            .filter(|v| !v.is_empty())
    }

    /// Whether the query has an option of this name, in any case.
    fn has(&self, key: &str) -> bool {
        query_pairs(self.query)
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case(key))
    }

    fn segments(&self) -> Vec<&'a str> {
        self.path.split('/').filter(|s| !s.is_empty()).collect()
    }

    /// The targets as Apprise lists them: the path's parts, a `/#channel/@user` tail (which a
    /// URL parser takes for a fragment), then `?to=` split at commas and spaces; decoded.
    fn targets(&self, skip: usize) -> Vec<String> {
        let mut targets: Vec<String> = self
            .segments()
            .into_iter()
            .skip(skip)
            .map(percent_decode)
            .collect();
        if !self.fragment.is_empty() {
            let mut pieces = self.fragment.split('/').filter(|s| !s.is_empty());
            if let Some(first) = pieces.next() {
                targets.push(format!("#{}", percent_decode(first)));
            }
            targets.extend(pieces.map(percent_decode));
        }
        targets.extend(list(self.param("to")));
        targets
    }
}

/// `url` with the payload fields a webhook's form names (`#channel=…&username=…`, read by
/// the service and never sent); the fields without a value are left out.
fn with_fields(url: &str, fields: &[(&str, Option<&str>)]) -> String {
    let fields: Vec<String> = fields
        .iter()
        .filter_map(|(key, value)| {
            let value = value.filter(|v| !v.is_empty())?;
            Some(format!("{key}={}", percent_encode(value, b"-._~")))
        })
        .collect();
    match fields.is_empty() {
        true => url.to_owned(),
        false => format!("{url}#{}", fields.join("&")),
    }
}

/// `a,b c` as its items, decoded.
fn list(value: Option<&str>) -> Vec<String> {
    percent_decode(value.unwrap_or_default())
        .split([',', ' '])
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The URL (or URLs) `from` becomes, for the tests of every form.
#[cfg(test)]
fn read(from: &str) -> Vec<String> {
    match translate(from) {
        Some(Ok(urls)) => urls,
        other => panic!("{from}: {other:?}"),
    }
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
            ("pover://uUser@aToken", "pushover://uUser@aToken/"),
            (
                "pover://uUser@aToken/phone",
                "pushover://uUser@aToken/phone",
            ),
            (
                "discord://1234/Tok3n",
                "https://discord.com/api/webhooks/1234/Tok3n",
            ),
            (
                "discord://Tok3n@1234",
                "https://discord.com/api/webhooks/1234/Tok3n",
            ),
            (
                "discord://1234/Tok3n?thread=987",
                "https://discord.com/api/webhooks/1234/Tok3n?thread_id=987",
            ),
            (
                "discord://Tok3n@1234?thread_id=987",
                "https://discord.com/api/webhooks/1234/Tok3n?thread_id=987",
            ),
            (
                "slack://hook:T0-B0-XYZ@webhook",
                "https://hooks.slack.com/services/T0/B0/XYZ",
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
                "slack://ci-bot@T0AAA/B0BBB/XyZsecret9",
                "https://hooks.slack.com/services/T0AAA/B0BBB/XyZsecret9",
            ),
            (
                "slack://xoxb:123-456-Secret@C0123",
                "slack://xoxb-123-456-Secret@C0123",
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
                "matrix://:syt_Tok3n@localhost:8008/?rooms=builds:localhost&disableTLS=yes",
                "matrix+http://syt_Tok3n@localhost:8008/%23builds:localhost",
            ),
            (
                "ntfy://ntfy.example.com/builds",
                "ntfy+https://ntfy.example.com/builds",
            ),
            (
                "ntfys://tk_Tok3n@ntfy.example.com/builds",
                "ntfy+https://ntfy.example.com/builds?token=tk_Tok3n",
            ),
            (
                "ntfys://ci:pw@ntfy.example.com/builds",
                "ntfy+https://ci:pw@ntfy.example.com/builds",
            ),
            (
                "ntfy://ci:pw@ntfy.example.com/builds?scheme=http",
                "ntfy+http://ci:pw@ntfy.example.com/builds",
            ),
            (
                "pagerduty://R0utingKey@ApiKey?region=eu",
                "pagerduty+https://events.eu.pagerduty.com/v2/enqueue?routing_key=R0utingKey",
            ),
            (
                "matrixs://ci:pw@matrix.example.com/#builds:example.com",
                "matrix://ci:pw@matrix.example.com/%23builds:example.com",
            ),
            (
                "matrix://ci:pw@matrix.example.com/?rooms=!abc:example.com",
                "matrix://ci:pw@matrix.example.com/%21abc:example.com",
            ),
        ] {
            assert_eq!(read(from), [to], "{from}");
        }
        for ours in [
            "slack://C0123",
            "ntfy://topic",
            "pushover://uUser@aToken",
            "telegram://123:ABC/-1",
            "matrix://syt_Tok3n@matrix.example.com/!abc:example.com",
            "webex://Tok3n@Y2lzY29zcGFyazovL3Jvb20",
            "zulip://bot%40example.com:K3y@chat.example.com?stream=ci",
            "smtp://user:pass@mail.example.com:587?to=dev@example.com",
            "https://x/y",
        ] {
            assert!(translate(ours).is_none(), "{ours}");
        }
    }

    #[test]
    fn a_form_with_several_targets_is_one_destination_per_target() {
        assert_eq!(
            read("telegram://123:ABC@telegram?chats=-100555,-100666"),
            ["telegram://123:ABC/-100555", "telegram://123:ABC/-100666"]
        );
        assert_eq!(
            read("tgram://123:ABC/-100555/-100666?topic=7"),
            [
                "telegram://123:ABC/-100555?topic=7",
                "telegram://123:ABC/-100666?topic=7"
            ]
        );
        assert_eq!(
            read("tgram://123:ABC/-100555/-100666:42"),
            [
                "telegram://123:ABC/-100555",
                "telegram://123:ABC/-100666?topic=42"
            ]
        );
        assert_eq!(
            read("matrix://:syt_Tok3n@matrix.example.com/?rooms=!abc:example.com,%23other:x"),
            [
                "matrix://syt_Tok3n@matrix.example.com/%21abc:example.com",
                "matrix://syt_Tok3n@matrix.example.com/%23other:x"
            ]
        );
        assert_eq!(
            read("ntfys://ntfy.example.com/builds/deploys"),
            [
                "ntfy+https://ntfy.example.com/builds",
                "ntfy+https://ntfy.example.com/deploys"
            ]
        );
    }

    #[test]
    fn apprise_s_slack_bot_posts_to_each_channel() {
        assert_eq!(
            read("slack://xoxb-123-456-Secret/#builds/C0123"),
            [
                "slack://xoxb-123-456-Secret@%23builds",
                "slack://xoxb-123-456-Secret@C0123"
            ]
        );
    }

    #[test]
    fn a_form_with_no_target_says_what_to_write() {
        for form in [
            "tgram://123:ABC",
            "telegram://123:ABC@telegram",
            "wxteams://ShortBotToken",
        ] {
            let why = translate(form).unwrap().unwrap_err();
            assert!(why.contains("://"), "{form}: {why}");
            assert!(!why.contains("ABC") && !why.contains("ShortBot"), "{why}");
        }
    }
}
