//! shoutrrr's forms, as its services (`pkg/services/<service>/`) read them. Its e-mail form,
//! `smtp://`, is read with Apprise's in `mail.rs`.

use super::{each, list, one, Form, Translation};
use crate::url::percent_encode;

pub(super) fn read(f: &Form) -> Option<Translation> {
    let host = f.host;
    let path = f.path;
    match (f.scheme.as_str(), f.userinfo) {
        ("discord", Some(token)) => one(format!("https://discord.com/api/webhooks/{host}/{token}")),
        // slack://hook:T…-B…-X…@webhook: an incoming webhook, its path with `-` for `/`.
        ("slack", Some(userinfo)) => match userinfo.split_once(':') {
            Some(("hook", hook)) => one(format!(
                "https://hooks.slack.com/services/{}",
                hook.replace('-', "/")
            )),
            _ => None,
        },
        ("telegram", Some(token)) if host.eq_ignore_ascii_case("telegram") => each(
            list(f.param("chats").or_else(|| f.param("channels"))),
            "name a chat: telegram://BOT_TOKEN@telegram?chats=CHAT_ID",
            |chat| format!("telegram://{token}/{}", percent_encode(chat, b"-._~@")),
        ),
        // pushover://shoutrrr:APP_TOKEN@USER_KEY: the keys the other way round from crier's.
        ("pushover", Some(userinfo)) if userinfo.starts_with("shoutrrr:") => one(format!(
            "pushover://{host}@{}",
            &userinfo["shoutrrr:".len()..]
        )),
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
        ("teams", _) => teams(f),
        ("generic", _) => one(format!("webhook+https://{host}/{path}")),
        ("ntfy", _) if !path.is_empty() => one(format!("ntfy+https://{host}/{path}")),
        (s, _) if s.starts_with("generic+") => one(format!("webhook+{}://{}", &s[8..], f.rest)),
        _ => None,
    }
}

/// `teams://GROUP@TENANT/ALT_ID/OWNER[/EXTRA]?host=ORG.webhook.office.com`, or the oldest
/// `teams://A/B/C`: the Office 365 connector URL they abbreviate, which the Teams service
/// serves with a warning that Microsoft is retiring it.
fn teams(f: &Form) -> Option<Translation> {
    let parts = f.segments();
    let url = match (f.userinfo, &parts[..]) {
        (Some(group), [alt, owner, extra @ ..]) if extra.len() <= 1 => {
            let tenant = f.host;
            match f.param("host") {
                Some(org) => {
                    let mut url = format!(
                        "https://{org}/webhookb2/{group}@{tenant}/IncomingWebhook/{alt}/{owner}"
                    );
                    if let [extra] = extra {
                        url.push_str(&format!("/{extra}"));
                    }
                    url
                }
                None => format!(
                    "https://outlook.office.com/webhook/{group}@{tenant}/IncomingWebhook/{alt}/{owner}"
                ),
            }
        }
        (None, [b, c]) => format!(
            "https://outlook.office.com/webhook/{}/IncomingWebhook/{b}/{c}",
            f.host
        ),
        _ => {
            return Some(Err(
                "expected teams://GROUP@TENANT/ALT_ID/OWNER/EXTRA_ID?host=ORG.webhook.office.com; \
                 better, a Teams Workflows webhook's https:// URL"
                    .into(),
            ))
        }
    };
    one(format!("teams+{url}"))
}

#[cfg(test)]
mod tests {
    use super::super::translate;

    #[test]
    fn teams_forms_become_connector_urls() {
        for (from, to) in [
            (
                "teams://g-1@t-2/a1b2/o-3/V2xyz?host=acme.webhook.office.com",
                "teams+https://acme.webhook.office.com/webhookb2/g-1@t-2/IncomingWebhook/a1b2/o-3/V2xyz",
            ),
            (
                "teams://g-1@t-2/a1b2/o-3",
                "teams+https://outlook.office.com/webhook/g-1@t-2/IncomingWebhook/a1b2/o-3",
            ),
        ] {
            assert_eq!(translate(from), Some(Ok(vec![to.to_owned()])), "{from}");
        }
        assert!(translate("teams://only-one").unwrap().is_err());
    }
}
