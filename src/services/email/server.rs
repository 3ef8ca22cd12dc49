//! How mail leaves: an SMTP server from `smtp-url`, or Amazon SES's SMTP interface for
//! `ses-region` with the password derived from the AWS secret key.
//!
//! TLS is never optional unless asked for: `smtp://` requires STARTTLS (port 587), `smtps://`
//! is implicit TLS (port 465), and only `?tls=none` allows plaintext.

use base64::Engine;
use lettre::message::Mailbox;

use super::letter::parse_sender;
use crate::env::Env;
use crate::error::UsageError;
use crate::settings::Settings;
use crate::url;

/// How mail leaves: server, port, TLS and credentials.
#[derive(Clone, Debug)]
pub struct MailServer {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    pub user: Option<String>,
    pub password: Option<String>,
    /// How to show the server in messages, without credentials.
    pub shown: String,
    /// Whether the password was derived here (SES) rather than given by the user.
    pub derived: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TlsMode {
    /// STARTTLS, and refuse to go on without it.
    StartTls,
    /// TLS from the first byte (SMTPS).
    Implicit,
    /// Plaintext, only when `?tls=none` asks for it.
    None,
}

impl MailServer {
    /// `smtp://[user[:password]@]host[:port][?tls=none]` or `smtps://…`, the `smtp-url`
    /// setting; credentials are percent-decoded.
    pub fn from_url(url: &str) -> Result<MailServer, UsageError> {
        let bad = |why: String| {
            UsageError::setting_value("smtp-url", &crate::redact::display_url(url), &why)
        };
        let (server, options) = MailServer::parse(url).map_err(bad)?;
        match options.first() {
            Some(_) => Err(bad("the only option is ?tls=none".into())),
            None => Ok(server),
        }
    }

    /// The server of an `smtp://` or `smtps://` URL, and the URL's options other than
    /// `tls` (percent-decoded), for a destination that carries its own.
    pub fn parse(url: &str) -> Result<(MailServer, Vec<(String, String)>), String> {
        let (scheme, rest) = url
            .split_once("://")
            .ok_or("expected smtp://host[:port] or smtps://host[:port]")?;
        let (mut tls, default_port) = match scheme.to_ascii_lowercase().as_str() {
            "smtp" => (TlsMode::StartTls, 587),
            "smtps" => (TlsMode::Implicit, 465),
            _ => return Err("the scheme must be smtp:// or smtps://".into()),
        };
        // A password is often pasted unencoded: the user information runs to the last `@`,
        // unless that `@` is in the query (`?to=dev@example.com`).
        let parts = match rest.rfind('@') {
            Some(at) if !rest[at..].contains('?') && rest[..at].contains('?') => {
                let (head, query) = rest.split_at(rest.find('?').unwrap_or(rest.len()));
                let head = url::credential_parts(head);
                url::Parts {
                    tail: &rest[rest.len() - query.len() - head.tail.len()..],
                    ..head
                }
            }
            _ => url::credential_parts(rest),
        };
        let (path, query, _) = url::split_tail(parts.tail);
        if !path.trim_matches('/').is_empty() {
            return Err("expected no path after the host".into());
        }
        let mut options = Vec::new();
        for (key, value) in url::query_pairs(query) {
            match (key, value) {
                ("tls", "none") if tls == TlsMode::StartTls => tls = TlsMode::None,
                ("tls", "none") => {
                    return Err("smtps:// is TLS by definition; use smtp:// with ?tls=none".into())
                }
                ("tls", "starttls" | "required") => {}
                ("tls", _) => return Err("the one choice of tls= is tls=none".into()),
                _ => options.push((key.to_owned(), url::percent_decode(value))),
            }
        }
        let (user, password) = match parts.userinfo {
            Some(info) => {
                let (u, p) = info
                    .split_once(':')
                    .map_or((info, None), |(u, p)| (u, Some(p)));
                (Some(url::percent_decode(u)), p.map(url::percent_decode))
            }
            None => (None, None),
        };
        let (host, port) = url::split_host_port(parts.hostport, default_port)?;
        let shown = format!("{scheme}://{host}:{port}");
        let server = MailServer {
            host,
            port,
            tls,
            user,
            password,
            shown,
            derived: false,
        };
        Ok((server, options))
    }

    /// The password, if crier derived it (and so must see that it is masked).
    pub fn derived_password(&self) -> Option<&str> {
        self.password.as_deref().filter(|_| self.derived)
    }

    /// Amazon SES's SMTP interface for `region`, or `endpoint` (`host:port`) instead, with the
    /// SMTP password derived from the secret access key. STARTTLS is required.
    pub fn ses(region: &str, endpoint: Option<&str>, env: &Env) -> Result<MailServer, UsageError> {
        let region = region.trim();
        if region.is_empty()
            || !region
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(UsageError::setting_value(
                "ses-region",
                region,
                "expected a region such as us-east-1",
            ));
        }
        let key_id = env.get("AWS_ACCESS_KEY_ID").ok_or_else(|| {
            UsageError::setting("ses-region", "needs AWS_ACCESS_KEY_ID in the environment")
        })?;
        let secret = env.get("AWS_SECRET_ACCESS_KEY").ok_or_else(|| {
            UsageError::setting(
                "ses-region",
                "needs AWS_SECRET_ACCESS_KEY in the environment",
            )
        })?;
        let (host, port) = match endpoint {
            Some(e) => url::split_host_port(e, 587)
                .map_err(|why| UsageError::setting_value("ses-endpoint", e, &why))?,
            None => (format!("email-smtp.{region}.amazonaws.com"), 587),
        };
        Ok(MailServer {
            shown: format!("ses {region} smtp://{host}:{port}"),
            host,
            port,
            tls: TlsMode::StartTls,
            user: Some(key_id.to_owned()),
            password: Some(ses_smtp_password(secret, region)),
            derived: true,
        })
    }
}

/// What every e-mail of a run shares: its sender and the server it leaves through.
pub struct Outbox {
    pub from: Mailbox,
    pub server: MailServer,
}

impl Outbox {
    /// From `email-from`, and `smtp-url` or `ses-region` (exactly one of them). A value that
    /// is wrong is an error at once; a setting that is missing only for a run that sends
    /// e-mail (the inner error), so a routes file's e-mail route that does not match needs
    /// no mail server.
    pub fn from_settings(
        settings: &Settings,
        env: &Env,
    ) -> Result<Result<Outbox, String>, UsageError> {
        let from = settings
            .email_from
            .as_deref()
            .map(parse_sender)
            .transpose()?;
        let server = match (&settings.smtp_url, &settings.ses_region) {
            (Some(_), Some(_)) => {
                return Err(UsageError::new(
                    "settings `smtp-url` and `ses-region` both name a mail server; set one",
                ))
            }
            (Some(url), None) => Some(MailServer::from_url(url)?),
            (None, Some(region)) => Some(MailServer::ses(
                region,
                settings.ses_endpoint.as_deref(),
                env,
            )?),
            (None, None) => None,
        };
        Ok(match (from, server) {
            (Some(from), Some(server)) => Ok(Outbox { from, server }),
            (None, _) => Err("setting `email-from` is required for mailto: destinations".into()),
            (_, None) => Err(
                "mailto: destinations need a mail server: set `smtp-url`, or \
                 `ses-region` for Amazon SES"
                    .into(),
            ),
        })
    }
}

/// The SES SMTP password for an IAM secret access key, by AWS's documented algorithm: a SigV4
/// signing key with the fixed date `11111111`, one more HMAC over `SendRawEmail`, the version
/// byte 4 in front, in Base64.
pub fn ses_smtp_password(secret: &str, region: &str) -> String {
    use ring::hmac;
    let sign = |key: &[u8], data: &str| -> Vec<u8> {
        let key = hmac::Key::new(hmac::HMAC_SHA256, key);
        hmac::sign(&key, data.as_bytes()).as_ref().to_vec()
    };
    let mut signature = format!("AWS4{secret}").into_bytes();
    for part in ["11111111", region, "ses", "aws4_request", "SendRawEmail"] {
        signature = sign(&signature, part);
    }
    let mut versioned = vec![0x04];
    versioned.extend(signature);
    base64::engine::general_purpose::STANDARD.encode(versioned)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    #[test]
    fn ses_passwords_match_aws_s_known_answers() {
        for (region, password) in [
            ("us-east-1", "BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL9"),
            ("us-west-2", "BF2PynzbSCAjX08zhZZnP/kW+T9P5zs/1Er0pi5vTEmd"),
            ("eu-west-1", "BMW5RDrXmmVs0lV7GpI4oLkHXpZ4stDsk6q91z1g38Pk"),
        ] {
            assert_eq!(
                ses_smtp_password(EXAMPLE_SECRET, region),
                password,
                "{region}"
            );
        }
    }

    #[test]
    fn smtp_urls() {
        let s = MailServer::from_url("smtp://mail.example.com").unwrap();
        assert_eq!(
            (s.host.as_str(), s.port, s.tls),
            ("mail.example.com", 587, TlsMode::StartTls)
        );
        let s = MailServer::from_url("smtps://u%40x:p%3Aw%25d@mail.example.com:2465").unwrap();
        assert_eq!((s.port, s.tls), (2465, TlsMode::Implicit));
        assert_eq!(s.user.as_deref(), Some("u@x"));
        assert_eq!(s.password.as_deref(), Some("p:w%d"));
        assert!(!s.shown.contains("p:w") && !s.shown.contains("u@x"));
        let s = MailServer::from_url("smtp://127.0.0.1:2525?tls=none").unwrap();
        assert_eq!((s.port, s.tls), (2525, TlsMode::None));
        let s = MailServer::from_url("smtp://[::1]:25").unwrap();
        assert_eq!((s.host.as_str(), s.port), ("::1", 25));
        for bad in [
            "http://x",
            "smtps://x?tls=none",
            "smtp://x?tls=maybe",
            "smtp://:25",
            "smtp://x:port",
        ] {
            let err = MailServer::from_url(bad).unwrap_err().to_string();
            assert!(err.contains("smtp-url"), "{bad}: {err}");
        }
        let err = MailServer::from_url("smtp://user:hunter22@x:port")
            .unwrap_err()
            .to_string();
        assert!(!err.contains("hunter22"), "{err}");
    }
}
