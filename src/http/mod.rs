//! HTTP with the rules a notifier needs: redirects are never followed (one could carry the
//! secret URL elsewhere), every status is an answer to judge rather than an error, each attempt
//! has its own timeout, certificates are verified against Mozilla's roots plus a private CA
//! named by `SSL_CERT_FILE`, and `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` are honoured.

mod exchange;

use std::io::ErrorKind;
use std::time::Duration;

use rustls::pki_types::CertificateDer;
use ureq::tls::{Certificate, RootCerts, TlsConfig};

use crate::verdict::Verdict;

pub use exchange::{
    describe, is_retryable_status, judge_http, judge_ok_body, parse_retry_after, seconds_wait,
    Reply, Request, FORM, JSON,
};

/// The most of an answer's body we read: enough for any error message or message id.
const BODY_LIMIT: u64 = 64 * 1024;
/// The most of an API answer's body we read (a page of a hundred jobs with their steps).
const API_BODY_LIMIT: u64 = 8 * 1024 * 1024;

pub struct Http {
    agent: ureq::Agent,
}

/// An attempt that got no answer. `retryable` is false where trying again cannot help (a
/// certificate that does not verify).
#[derive(Debug, Clone)]
pub struct NoAnswer {
    pub retryable: bool,
    pub reason: String,
}

impl Http {
    /// A client trusting Mozilla's roots and `private_ca`.
    pub fn new(private_ca: &[CertificateDer<'static>]) -> Http {
        let roots: Vec<Certificate<'static>> = webpki_root_certs::TLS_SERVER_ROOT_CERTS
            .iter()
            .chain(private_ca)
            .map(|der| Certificate::from_der(der.as_ref()).to_owned())
            .collect();
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent(concat!("town-crier/", env!("CARGO_PKG_VERSION")))
            .tls_config(
                TlsConfig::builder()
                    .root_certs(RootCerts::from(roots))
                    .build(),
            )
            .build();
        Http {
            agent: config.new_agent(),
        }
    }

    /// One request, answered within `timeout` (name lookup, connect, TLS and response).
    pub fn send(&self, request: &Request, timeout: Duration) -> Result<Reply, NoAnswer> {
        let builder = match request.method {
            "PATCH" => self.agent.patch(&request.url),
            "PUT" => self.agent.put(&request.url),
            _ => self.agent.post(&request.url),
        };
        let mut builder = builder
            .config()
            .timeout_global(Some(timeout))
            .build()
            .header("Content-Type", request.content_type);
        for (name, value) in &request.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        read_reply(builder.send(request.body.as_bytes()), BODY_LIMIT)
    }

    /// One GET of a JSON API, answered within `timeout`.
    pub fn get(
        &self,
        url: &str,
        headers: &[(String, String)],
        timeout: Duration,
    ) -> Result<Reply, NoAnswer> {
        let mut builder = self
            .agent
            .get(url)
            .config()
            .timeout_global(Some(timeout))
            .build()
            .header("Accept", "application/json");
        for (name, value) in headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        read_reply(builder.call(), API_BODY_LIMIT)
    }

    /// One request, judged by `judge`.
    pub fn attempt(
        &self,
        request: &Request,
        timeout: Duration,
        judge: impl FnOnce(&Reply) -> Verdict,
    ) -> Verdict {
        match self.send(request, timeout) {
            Ok(reply) => judge(&reply),
            Err(no_answer) => no_answer.into(),
        }
    }
}

/// The status, `Retry-After` and (the start of) the body of an answer.
fn read_reply(
    sent: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    limit: u64,
) -> Result<Reply, NoAnswer> {
    let mut response = sent.map_err(|e| no_answer(&e))?;
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(parse_retry_after);
    let headers = response
        .headers()
        .iter()
        .filter_map(|(n, v)| Some((n.as_str().to_owned(), v.to_str().ok()?.to_owned())))
        .collect();
    // A body we cannot read is judged as empty: the status has been given.
    let body = response
        .body_mut()
        .with_config()
        .limit(limit)
        .read_to_string()
        .unwrap_or_default();
    Ok(Reply {
        status,
        retry_after,
        body,
        headers,
    })
}

impl From<NoAnswer> for Verdict {
    fn from(no_answer: NoAnswer) -> Verdict {
        match no_answer {
            NoAnswer {
                retryable: true,
                reason,
            } => Verdict::retry(reason),
            NoAnswer { reason, .. } => Verdict::failed(reason),
        }
    }
}

/// Describes a transport error in our own words. ureq's messages can hold the URL, so they
/// are never shown as they are (and every line we print is scrubbed besides).
fn no_answer(e: &ureq::Error) -> NoAnswer {
    let retry = |reason: &str| NoAnswer {
        retryable: true,
        reason: reason.to_owned(),
    };
    let fail = |reason: String| NoAnswer {
        retryable: false,
        reason,
    };
    match e {
        ureq::Error::Timeout(_) => retry("no answer within the timeout"),
        ureq::Error::HostNotFound => retry("host not found"),
        ureq::Error::ConnectionFailed => retry("connection failed"),
        ureq::Error::ConnectProxyFailed(_) => retry("the proxy refused the connection"),
        ureq::Error::Protocol(_) => retry("the server's answer was not valid HTTP"),
        ureq::Error::Io(io) => {
            let text = io.to_string();
            if text.contains("certificate") || text.contains("Certificate") {
                return fail(format!(
                    "TLS: the server's certificate was refused ({text})"
                ));
            }
            retry(match io.kind() {
                ErrorKind::ConnectionRefused => "connection refused",
                ErrorKind::ConnectionReset => "connection reset",
                ErrorKind::ConnectionAborted => "connection aborted",
                ErrorKind::UnexpectedEof => "the connection closed before an answer",
                ErrorKind::TimedOut | ErrorKind::WouldBlock => "no answer within the timeout",
                _ => "network error",
            })
        }
        ureq::Error::Tls(why) => fail(format!("TLS: {why}")),
        ureq::Error::Rustls(why) => fail(format!("TLS: {why}")),
        other => fail(other.to_string()),
    }
}
