//! E-mail: `mailto:` destinations sent through an SMTP server (`smtp-url`) or Amazon SES
//! (`ses-region`), with lettre. The message has a subject, a plain-text part and an HTML part,
//! each from a template; `Date` and `Message-ID` headers are set.
//!
//! TLS is never optional unless asked for: `smtp://` requires STARTTLS (port 587), `smtps://`
//! is implicit TLS (port 465), and only `?tls=none` allows plaintext. Certificates are verified
//! against Mozilla's roots plus `SSL_CERT_FILE`, as for HTTP.

use std::time::Duration;

use base64::Engine;
use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, CertificateStore, Tls, TlsParameters};
use lettre::{Message, SmtpTransport, Transport};

use crate::deliver::Attempt;
use crate::destination::percent_decode;
use crate::env::Env;
use crate::error::UsageError;
use crate::formats::Verdict;
use crate::settings::Settings;

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
    /// `smtp://[user[:password]@]host[:port][?tls=none]` or `smtps://…`; credentials are
    /// percent-decoded.
    pub fn from_url(url: &str) -> Result<MailServer, UsageError> {
        let bad = |why: &str| {
            UsageError::setting_value("smtp-url", &crate::redact::display_url(url), why)
        };
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| bad("expected smtp://host[:port] or smtps://host[:port]"))?;
        let (mut tls, default_port) = match scheme.to_ascii_lowercase().as_str() {
            "smtp" => (TlsMode::StartTls, 587),
            "smtps" => (TlsMode::Implicit, 465),
            _ => return Err(bad("the scheme must be smtp:// or smtps://")),
        };
        let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            match pair {
                "tls=none" if tls == TlsMode::StartTls => tls = TlsMode::None,
                "tls=none" => {
                    return Err(bad(
                        "smtps:// is TLS by definition; use smtp:// with ?tls=none",
                    ))
                }
                "tls=starttls" | "tls=required" => {}
                _ => return Err(bad("the only option is ?tls=none")),
            }
        }
        let authority = rest.trim_end_matches('/');
        let (userinfo, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, authority),
        };
        let (user, password) = match userinfo {
            Some(info) => {
                let (u, p) = info
                    .split_once(':')
                    .map_or((info, None), |(u, p)| (u, Some(p)));
                (Some(percent_decode(u)), p.map(percent_decode))
            }
            None => (None, None),
        };
        let (host, port) = split_host_port(hostport, default_port).map_err(|w| bad(&w))?;
        let shown = format!("{scheme}://{host}:{port}");
        Ok(MailServer {
            host,
            port,
            tls,
            user,
            password,
            shown,
            derived: false,
        })
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
            Some(e) => split_host_port(e, 587)
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
    /// From `email-from`, and `smtp-url` or `ses-region` (exactly one of them).
    pub fn from_settings(settings: &Settings, env: &Env) -> Result<Outbox, UsageError> {
        let from = settings
            .email_from
            .as_deref()
            .ok_or_else(|| {
                UsageError::setting("email-from", "is required for mailto: destinations")
            })
            .and_then(parse_sender)?;
        let server = match (&settings.smtp_url, &settings.ses_region) {
            (Some(_), Some(_)) => {
                return Err(UsageError::new(
                    "settings `smtp-url` and `ses-region` both name a mail server; set one",
                ))
            }
            (Some(url), None) => MailServer::from_url(url)?,
            (None, Some(region)) => MailServer::ses(region, settings.ses_endpoint.as_deref(), env)?,
            (None, None) => {
                return Err(UsageError::new(
                    "mailto: destinations need a mail server: set `smtp-url`, or `ses-region` for Amazon SES",
                ))
            }
        };
        Ok(Outbox { from, server })
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

fn split_host_port(text: &str, default_port: u16) -> Result<(String, u16), String> {
    let (host, port) = if let Some(rest) = text.strip_prefix('[') {
        // [IPv6]:port
        let (host, after) = rest.split_once(']').ok_or("an unclosed [ in the host")?;
        (host, after.strip_prefix(':'))
    } else {
        match text.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (text, None),
        }
    };
    if host.is_empty() {
        return Err("the host is missing".into());
    }
    let port = match port {
        Some(p) => p
            .parse::<u16>()
            .map_err(|_| format!("the port {p:?} is not a number"))?,
        None => default_port,
    };
    Ok((host.to_owned(), port))
}

/// The addresses of a `mailto:` URL: `mailto:a@example.com,b@example.com`.
pub fn parse_recipients(url: &str) -> Result<Vec<Mailbox>, String> {
    let list = url.split_once(':').map_or("", |(_, rest)| rest);
    let list = list.split('?').next().unwrap_or("");
    let mut recipients = Vec::new();
    for address in list.split(',').map(|a| percent_decode(a.trim())) {
        if address.is_empty() {
            continue;
        }
        recipients.push(
            address
                .parse::<Mailbox>()
                .map_err(|_| format!("{address:?} is not an e-mail address"))?,
        );
    }
    if recipients.is_empty() {
        return Err("no address after mailto:".into());
    }
    Ok(recipients)
}

pub fn parse_sender(text: &str) -> Result<Mailbox, UsageError> {
    text.trim().parse::<Mailbox>().map_err(|_| {
        UsageError::setting_value(
            "email-from",
            text,
            "expected an e-mail address, e.g. CI <ci@example.com>",
        )
    })
}

/// The parts of one e-mail, rendered.
pub struct Letter {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Builds the message. CR and LF in the subject are folded into spaces, so user text cannot
/// add a header.
pub fn compose(from: &Mailbox, to: &[Mailbox], letter: Letter) -> Result<Message, String> {
    let subject: String = letter
        .subject
        .split(['\r', '\n'])
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let domain = from.email.domain().to_owned();
    let mut builder = Message::builder()
        .from(from.clone())
        .subject(subject)
        .message_id(Some(format!("<{}@{domain}>", unique_id())))
        .user_agent(concat!("town-crier/", env!("CARGO_PKG_VERSION")).to_owned());
    for mailbox in to {
        builder = builder.to(mailbox.clone());
    }
    builder
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(letter.text),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(letter.html),
                ),
        )
        .map_err(|e| e.to_string())
}

fn unique_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let random = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    format!("{}.{random:016x}.crier", now.as_millis())
}

/// TLS parameters for `host`: Mozilla's roots plus `SSL_CERT_FILE`.
pub fn tls_parameters(host: &str, env: &Env) -> Result<TlsParameters, UsageError> {
    let mut builder =
        TlsParameters::builder(host.to_owned()).certificate_store(CertificateStore::WebpkiRoots);
    for der in crate::tls::private_ca(env)? {
        let cert = Certificate::from_der(der.to_vec())
            .map_err(|e| UsageError::new(format!("SSL_CERT_FILE: not a certificate ({e})")))?;
        builder = builder.add_root_certificate(cert);
    }
    builder
        .build_rustls()
        .map_err(|e| UsageError::new(format!("cannot set up TLS for {host}: {e}")))
}

/// One destination's e-mail, sent through one server.
pub struct Mail {
    pub server: MailServer,
    pub tls: Option<TlsParameters>,
    pub message: Message,
}

impl Attempt for Mail {
    fn attempt(&self, timeout: Duration) -> Verdict {
        let tls = match (self.server.tls, &self.tls) {
            (TlsMode::StartTls, Some(p)) => Tls::Required(p.clone()),
            (TlsMode::Implicit, Some(p)) => Tls::Wrapper(p.clone()),
            _ => Tls::None,
        };
        let mut transport = SmtpTransport::builder_dangerous(self.server.host.as_str())
            .port(self.server.port)
            .tls(tls)
            .timeout(Some(timeout));
        if let Some(user) = &self.server.user {
            transport = transport.credentials(Credentials::new(
                user.clone(),
                self.server.password.clone().unwrap_or_default(),
            ));
        }
        match transport.build().send(&self.message) {
            Ok(response) => Verdict::Delivered {
                detail: format!("SMTP {}", response.code()),
                message_id: None,
            },
            Err(e) => judge_smtp_error(&e),
        }
    }
}

/// 4xx replies, timeouts and broken connections are worth another attempt; 5xx replies and
/// TLS failures are not.
fn judge_smtp_error(e: &lettre::transport::smtp::Error) -> Verdict {
    let text = e.to_string();
    if e.is_permanent() {
        Verdict::Failed {
            reason: format!("the server refused: {text}"),
        }
    } else if e.is_tls() || text.contains("certificate") || text.contains("Certificate") {
        Verdict::Failed {
            reason: format!("TLS: {text}"),
        }
    } else if e.is_transient() {
        Verdict::Retry {
            reason: format!("the server deferred: {text}"),
            after: None,
        }
    } else if e.is_timeout() || is_io_timeout(e) {
        Verdict::Retry {
            reason: "no answer within the timeout".into(),
            after: None,
        }
    } else {
        Verdict::Retry {
            reason: text,
            after: None,
        }
    }
}

/// Whether an I/O error under `e` is a socket timeout (which the OS reports as "would block").
fn is_io_timeout(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut source = e.source();
    while let Some(err) = source {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            return matches!(
                io.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            );
        }
        source = err.source();
    }
    false
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

    #[test]
    fn recipients_come_from_the_mailto_list() {
        let to = parse_recipients("mailto:a@example.com,%20b@example.com").unwrap();
        assert_eq!(to.len(), 2);
        assert_eq!(to[1].email.to_string(), "b@example.com");
        assert!(parse_recipients("mailto:").is_err());
        assert!(parse_recipients("mailto:not-an-address").is_err());
    }

    #[test]
    fn the_subject_cannot_carry_a_header() {
        let from: Mailbox = "CI <ci@example.com>".parse().unwrap();
        let to = vec!["dev@example.com".parse().unwrap()];
        let letter = Letter {
            subject: "Build failed\r\nBcc: victim@example.com".into(),
            text: "t".into(),
            html: "<p>h</p>".into(),
        };
        let message = compose(&from, &to, letter).unwrap();
        let formatted = String::from_utf8(message.formatted()).unwrap();
        assert!(!formatted.contains("\r\nBcc:"), "{formatted}");
        assert!(formatted.contains("Message-ID: <") && formatted.contains("@example.com>"));
        assert!(formatted.contains("Date: "));
        assert!(formatted.contains("multipart/alternative"));
    }
}
