//! E-mail, with lettre: `mailto:` destinations sent through an SMTP server (`smtp-url`) or
//! Amazon SES (`ses-region`), and `smtp://…?to=…` destinations that carry their own server.
//! Certificates are verified against Mozilla's roots plus `SSL_CERT_FILE`, as for HTTP.

mod letter;
mod server;

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, CertificateStore, Tls, TlsParameters};
use lettre::{SmtpTransport, Transport};

use super::{Destination, Draft, Message, Notes, Prepared, Secret, Service, Setup, Spec};
use crate::net::Net;
use crate::verdict::Verdict;

pub use letter::{compose, parse_addresses, parse_recipients, Letter};
pub use server::{ses_smtp_password, MailServer, Outbox, TlsMode};

pub struct Email;

static SPEC: Spec = Spec {
    name: "email",
    about: "e-mail through smtp-url or Amazon SES (ses-region), from email-from; or through the server an smtp:// URL names",
    forms: &[
        "mailto:a@example.com,b@example.com",
        "smtp://USER:PASSWORD@HOST:PORT?to=a@example.com&from=ci@example.com",
    ],
    schemes: &["mailto", "smtp", "smtps"],
    hosts: &[],
    can_edit: false,
    template: None,
    max_bytes: None,
};

impl Service for Email {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn open(&'static self, url: &str, setup: &Setup) -> Result<Box<dyn Destination>, String> {
        if url.to_ascii_lowercase().starts_with("smtp") {
            return own_server(url, setup).map(|m| Box::new(m) as Box<dyn Destination>);
        }
        let to = parse_recipients(url)?;
        let outbox = Outbox::from_settings(setup.settings, setup.env).map_err(|e| e.to_string())?;
        Ok(Box::new(Mailto {
            to,
            outbox,
            subject: None,
        }))
    }
}

/// `smtp(s)://USER:PASSWORD@HOST:PORT?to=A,B&from=F&subject=S`: recipients, sender and
/// server in one URL (the form other tools write); the sender defaults to `email-from`.
fn own_server(url: &str, setup: &Setup) -> Result<Mailto, String> {
    const FORM: &str = "expected smtp://USER:PASSWORD@HOST:PORT?to=ADDRESS&from=ADDRESS";
    let (server, options) = MailServer::parse(url)?;
    let (mut to, mut from, mut subject) = (None, None, None);
    for (key, value) in options {
        match key.as_str() {
            "to" => to = Some(value),
            "from" => from = Some(value),
            "subject" => subject = Some(value),
            _ => {
                return Err(format!(
                    "unknown option `{key}`; the options are to, from, subject and tls=none"
                ))
            }
        }
    }
    let to = parse_addresses(&to.unwrap_or_default()).map_err(|e| format!("to=: {e}"))?;
    if to.is_empty() {
        return Err(format!("no recipients (?to=): {FORM}"));
    }
    let from = match from.or_else(|| setup.settings.email_from.clone()) {
        Some(from) => from
            .trim()
            .parse::<Mailbox>()
            .map_err(|_| "from= is not an e-mail address".to_owned())?,
        None => {
            return Err(format!(
                "no sender (?from=, or the email-from setting): {FORM}"
            ))
        }
    };
    Ok(Mailto {
        to,
        outbox: Ok(Outbox { from, server }),
        subject,
    })
}

struct Mailto {
    to: Vec<Mailbox>,
    /// The sender and server, or what is missing for them (needed only to send).
    outbox: Result<Outbox, String>,
    /// The subject template of this destination, over `email-subject`.
    subject: Option<String>,
}

impl Destination for Mailto {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn shown(&self) -> String {
        let to: Vec<String> = self.to.iter().map(|m| m.email.to_string()).collect();
        to.join(",")
    }

    fn relay(&self) -> Option<String> {
        self.outbox.as_ref().ok().map(|o| o.server.shown.clone())
    }

    fn ready(&self) -> Result<(), String> {
        self.outbox.as_ref().map(|_| ()).map_err(String::clone)
    }

    fn secrets(&self) -> Vec<Secret> {
        let Ok(outbox) = &self.outbox else {
            return Vec::new();
        };
        let server = &outbox.server;
        let mut secrets = Vec::new();
        if let (Some(user), Some(password)) = (&server.user, &server.password) {
            secrets.push(Secret::Login {
                user: user.clone(),
                password: password.clone(),
            });
        }
        if let Some(password) = server.derived_password() {
            secrets.push(Secret::Derived(password.to_owned()));
        }
        secrets
    }

    fn prepare(&self, draft: &Draft) -> Result<Prepared, String> {
        let data = draft.data;
        let renderer = draft.renderer;
        let subject = match self
            .subject
            .as_ref()
            .or(draft.settings.email_subject.as_ref())
        {
            Some(source) => renderer
                .text("email-subject", source, data)
                .map_err(|e| e.message)?,
            None => data.value()["title"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        };
        let letter = Letter {
            subject,
            text: renderer
                .text(
                    "built-in e-mail text template",
                    include_str!("../../../templates/email.txt"),
                    data,
                )
                .map_err(|e| e.message)?,
            html: renderer
                .html(
                    "built-in e-mail HTML template",
                    include_str!("../../../templates/email.html"),
                    data,
                )
                .map_err(|e| e.message)?,
        };
        // Without a sender (a route that this run does not send to), the templates are still
        // checked, with a stand-in sender the message never goes out with.
        let stand_in: Mailbox = "crier@localhost".parse().map_err(|_| "no sender")?;
        let from = self.outbox.as_ref().map_or(&stand_in, |o| &o.from);
        let message = compose(from, &self.to, letter)
            .map_err(|e| format!("cannot compose the e-mail: {e}"))?;
        Ok(Prepared {
            message: Arc::new(Mail {
                server: self.outbox.as_ref().ok().map(|o| o.server.clone()),
                message,
            }),
            notes: Notes::default(),
        })
    }
}

/// One destination's e-mail, sent through one server.
struct Mail {
    /// `None` only for a destination that is not [`Destination::ready`]: never sent.
    server: Option<MailServer>,
    message: lettre::Message,
}

impl Message for Mail {
    fn printable(&self) -> Cow<'_, str> {
        let text = String::from_utf8_lossy(&self.message.formatted())
            .trim_end()
            .to_owned();
        Cow::Owned(text)
    }

    fn send(&self, net: &Net, timeout: Duration) -> Verdict {
        let Some(server) = &self.server else {
            return Verdict::failed("no mail server");
        };
        let parameters = || tls_parameters(&server.host, net);
        let tls = match server.tls {
            TlsMode::StartTls => parameters().map(Tls::Required),
            TlsMode::Implicit => parameters().map(Tls::Wrapper),
            TlsMode::None => Ok(Tls::None),
        };
        let tls = match tls {
            Ok(tls) => tls,
            Err(why) => return Verdict::failed(why),
        };
        let mut transport = SmtpTransport::builder_dangerous(server.host.as_str())
            .port(server.port)
            .tls(tls)
            .timeout(Some(timeout));
        if let Some(user) = &server.user {
            transport = transport.credentials(Credentials::new(
                user.clone(),
                server.password.clone().unwrap_or_default(),
            ));
        }
        match transport.build().send(&self.message) {
            Ok(response) => Verdict::delivered(format!("SMTP {}", response.code())),
            Err(e) => judge_smtp_error(&e),
        }
    }
}

/// TLS parameters for `host`: Mozilla's roots plus `SSL_CERT_FILE`.
fn tls_parameters(host: &str, net: &Net) -> Result<TlsParameters, String> {
    let mut builder =
        TlsParameters::builder(host.to_owned()).certificate_store(CertificateStore::WebpkiRoots);
    for der in net.private_ca() {
        let cert = Certificate::from_der(der.to_vec())
            .map_err(|e| format!("SSL_CERT_FILE: not a certificate ({e})"))?;
        builder = builder.add_root_certificate(cert);
    }
    builder
        .build_rustls()
        .map_err(|e| format!("cannot set up TLS for {host}: {e}"))
}

/// 4xx replies, timeouts and broken connections are worth another attempt; 5xx replies and
/// TLS failures are not.
fn judge_smtp_error(e: &lettre::transport::smtp::Error) -> Verdict {
    let text = e.to_string();
    if e.is_permanent() {
        Verdict::failed(format!("the server refused: {text}"))
    } else if e.is_tls() || text.contains("certificate") || text.contains("Certificate") {
        Verdict::failed(format!("TLS: {text}"))
    } else if e.is_transient() {
        Verdict::retry(format!("the server deferred: {text}"))
    } else if e.is_timeout() || is_io_timeout(e) {
        Verdict::retry("no answer within the timeout")
    } else {
        Verdict::retry(text)
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
