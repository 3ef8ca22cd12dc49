//! A destination is a URL. Its format comes from an explicit `FORMAT+` prefix
//! (`slack+https://chat.example.com/hooks/x`), else from the host; any other `http(s)` URL is
//! a generic webhook, and `mailto:` is e-mail.

use lettre::message::Mailbox;

use crate::error::UsageError;
use crate::formats::{self, Format, FORMATS, NOT_YET_AVAILABLE};
use crate::redact::display_url;

pub struct Destination {
    /// Position in the run, from 1, so messages can tell two destinations on one host apart.
    pub index: usize,
    pub kind: Kind,
}

/// How a destination is reached.
pub enum Kind {
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
        let (forced, scheme) = match scheme.split_once('+') {
            Some((format, inner)) => (Some(format.to_owned()), inner.to_owned()),
            None => (None, scheme),
        };

        let forced = forced
            .map(|name| formats::by_name(&name).ok_or_else(|| refuse(unknown_format(&name))))
            .transpose()?;
        if scheme == "mailto" && forced.is_none() {
            let to = crate::email::parse_recipients(raw).map_err(refuse)?;
            return Ok(Destination {
                index,
                kind: Kind::Email { to },
            });
        }
        if scheme != "http" && scheme != "https" {
            // mailto:, slack://, pushover://, irc:// name formats of their own.
            let format = match scheme.as_str() {
                "ircs" => "irc",
                other => other,
            };
            return Err(match planned(forced.map_or(format, |f| f.name())) {
                Some(name) => refuse(not_yet(name)),
                None => refuse(format!(
                    "unsupported scheme `{scheme}`; use http(s), or FORMAT+URL with a format of: {}",
                    format_names()
                )),
            });
        }

        let url = format!("{scheme}://{rest}");
        let uri: ureq::http::Uri = url.parse().map_err(|_| refuse("not a valid URL".into()))?;
        let host = uri
            .host()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| refuse("the URL has no host".into()))?
            .to_ascii_lowercase();

        let format = match forced {
            Some(format) => format,
            None => detect(&host, uri.path()).map_err(|name| refuse(not_yet(name)))?,
        };
        Ok(Destination {
            index,
            kind: Kind::Http { format, url },
        })
    }

    /// The format's name: `slack`, `email`, …
    pub fn format_name(&self) -> &'static str {
        match &self.kind {
            Kind::Http { format, .. } => format.name(),
            Kind::Email { .. } => "email",
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
        };
        format!("[{}] {} {target}", self.index, self.format_name())
    }
}

/// The format for a host, or the name of a format this build cannot send yet.
fn detect(host: &str, path: &str) -> Result<&'static dyn Format, &'static str> {
    let specific = FORMATS.iter().copied().filter(|f| f.name() != "webhook");
    if let Some(format) = specific.into_iter().find(|f| f.detects(host, path)) {
        return Ok(format);
    }
    for (name, hosts) in NOT_YET_AVAILABLE {
        let matches = hosts.iter().any(|pattern| match pattern.strip_prefix('.') {
            Some(suffix) => host.ends_with(&format!(".{suffix}")),
            None => host == *pattern || host.ends_with(&format!(".{pattern}")),
        });
        if matches {
            return Err(name);
        }
    }
    Ok(&formats::Webhook)
}

fn planned(name: &str) -> Option<&'static str> {
    NOT_YET_AVAILABLE
        .iter()
        .map(|(n, _)| *n)
        .find(|n| *n == name)
}

fn not_yet(name: &str) -> String {
    format!("the `{name}` format is not available in this version of crier")
}

fn unknown_format(name: &str) -> String {
    match planned(name) {
        Some(planned) => not_yet(planned),
        None => format!("unknown format `{name}`; formats: {}", format_names()),
    }
}

fn format_names() -> String {
    FORMATS
        .iter()
        .map(|f| f.name())
        .chain(NOT_YET_AVAILABLE.iter().map(|(n, _)| *n))
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
            Kind::Email { .. } => panic!("{raw} is e-mail"),
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
    fn formats_not_yet_built_are_refused_rather_than_sent_as_webhooks() {
        for raw in [
            "pushover://user@token",
            "irc://crier@irc.example.com/builds",
            "pushover+https://example.com/1/messages.json",
        ] {
            let err = parse(raw).unwrap_err().to_string();
            assert!(err.contains("not available"), "{raw}: {err}");
        }
    }
}
