//! A destination is a URL. Its format comes from an explicit `FORMAT+` prefix
//! (`slack+https://chat.example.com/hooks/x`), else from the host; any other `http(s)` URL is
//! a generic webhook, and `mailto:` is e-mail.

use lettre::message::Mailbox;

use crate::error::UsageError;
use crate::formats::{self, Format, FORMATS};
use crate::redact::display_url;

pub struct Destination {
    /// Position in the run, from 1, so messages can tell two destinations on one host apart.
    pub index: usize,
    pub kind: Kind,
}

/// How a destination is reached.
pub enum Kind {
    /// A Pushover message (a form POST).
    Pushover(crate::pushover::Target),
    /// Lines said in an IRC channel.
    Irc(crate::irc::Target),
    /// A JSON payload POSTed to `url` (without any `FORMAT+` prefix).
    Http {
        format: &'static dyn Format,
        url: String,
    },
    /// An e-mail to these recipients.
    Email { to: Vec<Mailbox> },
}

impl std::fmt::Debug for Destination {
    /// Shows the masked URL only: a destination's URL is a credential.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.label())
    }
}

impl Destination {
    /// Parses a destination. Errors show the URL masked (see [`display_url`]).
    pub fn parse(index: usize, raw: &str) -> Result<Destination, UsageError> {
        let raw = raw.trim();
        let shown = display_url(raw);
        let refuse = |why: String| UsageError::new(format!("destination {index} ({shown}): {why}"));

        let (scheme, rest) = raw
            .split_once("://")
            .or_else(|| raw.split_once(':'))
            .ok_or_else(|| refuse("not a URL".into()))?;
        let scheme = scheme.to_ascii_lowercase();
        let kind = match scheme.as_str() {
            "mailto" => Kind::Email {
                to: crate::email::parse_recipients(raw).map_err(refuse)?,
            },
            "pushover" | "pushover+https" | "pushover+http" => Kind::Pushover(
                crate::pushover::Target::parse(raw).map_err(|e| refuse(e.to_owned()))?,
            ),
            "irc" | "ircs" => Kind::Irc(crate::irc::Target::parse(raw).map_err(refuse)?),
            "slack" => {
                let channel = rest.trim_matches('/').replace('#', "%23");
                if channel.is_empty() {
                    return Err(refuse("expected slack://CHANNEL".into()));
                }
                Kind::Http {
                    format: &formats::SlackApi,
                    url: format!("{}?channel={channel}", formats::slack_api::API),
                }
            }
            _ => {
                let (forced, scheme) = match scheme.split_once('+') {
                    Some((format, inner)) => (Some(format), inner),
                    None => (None, scheme.as_str()),
                };
                if scheme != "http" && scheme != "https" {
                    return Err(refuse(format!(
                        "unsupported scheme `{scheme}`; use http(s), FORMAT+URL with a format of {}, \
                         mailto:, pushover:// or irc://",
                        format_names()
                    )));
                }
                let url = format!("{scheme}://{rest}");
                let uri: ureq::http::Uri =
                    url.parse().map_err(|_| refuse("not a valid URL".into()))?;
                let host = uri
                    .host()
                    .filter(|h| !h.is_empty())
                    .ok_or_else(|| refuse("the URL has no host".into()))?
                    .to_ascii_lowercase();
                let names_channel = uri
                    .query()
                    .is_some_and(|q| q.split('&').any(|p| p.starts_with("channel=")));
                let format = match forced {
                    // slack+https://HOST/api?channel=C… is Slack's Web API somewhere else.
                    Some("slack") if names_channel => &formats::SlackApi,
                    Some(name) => formats::by_name(name).ok_or_else(|| {
                        refuse(format!(
                            "unknown format `{name}`; formats: {}",
                            format_names()
                        ))
                    })?,
                    None => detect(&host, uri.path()),
                };
                Kind::Http { format, url }
            }
        };
        Ok(Destination { index, kind })
    }

    /// The format's name: `slack`, `email`, …
    pub fn format_name(&self) -> &'static str {
        match &self.kind {
            Kind::Http { format, .. } => format.name(),
            Kind::Email { .. } => "email",
            Kind::Pushover(_) => "pushover",
            Kind::Irc(_) => "irc",
        }
    }

    /// `[1] slack https://hooks.slack.com/***`: how messages name this destination.
    pub fn label(&self) -> String {
        let target = match &self.kind {
            Kind::Http { url, .. } => display_url(url),
            Kind::Email { to } => to
                .iter()
                .map(|m| m.email.to_string())
                .collect::<Vec<_>>()
                .join(","),
            Kind::Pushover(target) => display_url(&target.endpoint),
            Kind::Irc(target) => target.shown(),
        };
        format!("[{}] {} {target}", self.index, self.format_name())
    }
}

/// The format for a host, or the name of a format this build cannot send yet.
/// `%XX` escapes decoded; anything that is not one is kept as it is.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The format whose service owns `host`; any other host is a generic webhook.
fn detect(host: &str, path: &str) -> &'static dyn Format {
    FORMATS
        .iter()
        .copied()
        .filter(|f| f.name() != "webhook")
        .find(|f| f.detects(host, path))
        .unwrap_or(&formats::Webhook)
}

fn format_names() -> String {
    FORMATS
        .iter()
        .map(|f| f.name())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &str) -> Result<Destination, UsageError> {
        Destination::parse(1, raw)
    }

    fn format(raw: &str) -> &'static str {
        parse(raw).unwrap().format_name()
    }

    fn url(raw: &str) -> String {
        match parse(raw).unwrap().kind {
            Kind::Http { url, .. } => url,
            _ => panic!("{raw} is not an HTTP destination"),
        }
    }

    #[test]
    fn formats_are_detected_from_the_host() {
        for (url, expected) in [
            ("https://hooks.slack.com/services/T/B/X", "slack"),
            ("https://acme.webhook.office.com/webhookb2/x", "teams"),
            (
                "https://prod-01.westus.logic.azure.com:443/workflows/x",
                "teams",
            ),
            (
                "https://abc.01.environment.api.powerplatform.com:443/powerautomate/x",
                "teams",
            ),
            ("https://discord.com/api/webhooks/1/t", "discord"),
            ("https://ptb.discord.com/api/webhooks/1/t", "discord"),
            ("https://canary.discordapp.com/api/webhooks/1/t", "discord"),
            ("https://discord.com/channels/1", "webhook"),
            (
                "https://hooks.ringcentral.com/webhook/v2/abc",
                "ringcentral",
            ),
            ("https://hooks.glip.com/webhook/abc", "ringcentral"),
            (
                "https://chat.googleapis.com/v1/spaces/S/messages?key=k&token=t",
                "googlechat",
            ),
            (
                "mattermost+https://chat.example.com/hooks/abc",
                "mattermost",
            ),
            ("https://chat.example.com/hooks/abc", "webhook"),
            ("https://ci.example.com/hook", "webhook"),
            ("http://127.0.0.1:9/x", "webhook"),
            ("mailto:a@example.com,b@example.com", "email"),
            ("pushover://USERKEY@APPTOKEN", "pushover"),
            (
                "pushover+https://push.example.com/1/messages.json?user=U&token=T",
                "pushover",
            ),
            ("irc://crier@irc.example.com/builds", "irc"),
            ("ircs://crier@irc.example.com:6697/builds", "irc"),
        ] {
            assert_eq!(format(url), expected, "{url}");
        }
    }

    #[test]
    fn a_prefix_forces_the_format_and_is_not_part_of_the_url() {
        assert_eq!(format("slack+http://127.0.0.1:8080/hooks/abc"), "slack");
        assert_eq!(
            url("slack+http://127.0.0.1:8080/hooks/abc"),
            "http://127.0.0.1:8080/hooks/abc"
        );
        assert_eq!(
            format("webhook+https://hooks.slack.com/services/T/B/X"),
            "webhook"
        );
    }

    #[test]
    fn bad_destinations_are_refused_without_showing_secrets() {
        for raw in [
            "nonsense",
            "ftp://example.com/secretpath",
            "bogus+https://example.com/secretpath",
            "https:///secretpath",
        ] {
            let err = parse(raw).unwrap_err().to_string();
            assert!(!err.contains("secretpath"), "{err}");
        }
        let err = parse("bogus+https://example.com/x")
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown format `bogus`"), "{err}");
    }

    #[test]
    fn malformed_pushover_and_irc_urls_are_refused_clearly() {
        for (raw, expected) in [
            ("pushover://onlyatoken", "USER_KEY@APP_TOKEN"),
            ("pushover+https://example.com/1/messages.json", "user key"),
            ("irc://crier@irc.example.com", "channel"),
            ("irc://crier@irc.example.com:port/x", "port"),
        ] {
            let err = parse(raw).unwrap_err().to_string();
            assert!(err.contains(expected), "{raw}: {err}");
        }
    }
}
