//! HTTP with the rules a notifier needs: redirects are never followed (one could carry the
//! secret URL elsewhere), every status is an answer to judge rather than an error, each attempt
//! has its own timeout, certificates are verified against Mozilla's roots plus a private CA
//! named by `SSL_CERT_FILE`, and `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` are honoured.

use std::io::ErrorKind;
use std::time::{Duration, SystemTime};

use ureq::tls::{Certificate, RootCerts, TlsConfig};

use crate::deliver::Attempt;
use crate::env::Env;
use crate::error::UsageError;
use crate::formats::{Format, Reply, Request, Verdict};

/// The most of an answer's body we read: enough for any error message or message id.
const BODY_LIMIT: u64 = 64 * 1024;

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
    pub fn new(env: &Env) -> Result<Http, UsageError> {
        let roots: Vec<Certificate<'static>> = webpki_root_certs::TLS_SERVER_ROOT_CERTS
            .iter()
            .cloned()
            .chain(crate::tls::private_ca(env)?)
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
        Ok(Http {
            agent: config.new_agent(),
        })
    }

    /// One request with a JSON body (POST, or PATCH for an edit).
    pub fn send_json(&self, request: &Request, timeout: Duration) -> Result<Reply, NoAnswer> {
        let builder = match request.method {
            "PATCH" => self.agent.patch(&request.url),
            _ => self.agent.post(&request.url),
        };
        let mut builder = builder
            .config()
            .timeout_global(Some(timeout))
            .build()
            .header("Content-Type", "application/json; charset=utf-8");
        for (name, value) in &request.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        read_reply(builder.send(request.body.as_bytes()))
    }

    /// One POST of a form (`application/x-www-form-urlencoded`).
    pub fn post_form(
        &self,
        url: &str,
        fields: &[(String, String)],
        timeout: Duration,
    ) -> Result<Reply, NoAnswer> {
        let request = self
            .agent
            .post(url)
            .config()
            .timeout_global(Some(timeout))
            .build();
        read_reply(request.send_form(fields.iter().map(|(k, v)| (k.as_str(), v.as_str()))))
    }
}

/// The status, `Retry-After` and (the start of) the body of an answer.
fn read_reply(
    sent: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
) -> Result<Reply, NoAnswer> {
    let mut response = sent.map_err(|e| no_answer(&e))?;
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(parse_retry_after);
    // A body we cannot read is judged as empty: the status has been given.
    let body = response
        .body_mut()
        .with_config()
        .limit(BODY_LIMIT)
        .read_to_string()
        .unwrap_or_default();
    Ok(Reply {
        status,
        retry_after,
        body,
    })
}

/// One destination's request, judged by its format.
pub struct Post<'a> {
    pub http: &'a Http,
    pub format: &'static dyn Format,
    pub request: Request,
}

impl Attempt for Post<'_> {
    fn attempt(&self, timeout: Duration) -> Verdict {
        match self.http.send_json(&self.request, timeout) {
            Ok(reply) => self.format.judge(&self.request.url, &reply),
            Err(no_answer) => no_answer.into(),
        }
    }
}

impl From<NoAnswer> for Verdict {
    fn from(no_answer: NoAnswer) -> Verdict {
        match no_answer {
            NoAnswer {
                retryable: true,
                reason,
            } => Verdict::Retry {
                reason,
                after: None,
            },
            NoAnswer { reason, .. } => Verdict::Failed { reason },
        }
    }
}

/// `Retry-After`: whole seconds, or an HTTP date (RFC 9110 §10.2.3).
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// Describes a transport error in our own words. ureq's messages can hold the URL, so they
/// are never shown as they are (and every line we print is scrubbed besides).
fn no_answer(e: &ureq::Error) -> NoAnswer {
    let retry = |reason: &str| NoAnswer {
        retryable: true,
        reason: reason.to_owned(),
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
                return NoAnswer {
                    retryable: false,
                    reason: format!("TLS: the server's certificate was refused ({text})"),
                };
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
        ureq::Error::Tls(why) => NoAnswer {
            retryable: false,
            reason: format!("TLS: {why}"),
        },
        ureq::Error::Rustls(why) => NoAnswer {
            retryable: false,
            reason: format!("TLS: {why}"),
        },
        other => NoAnswer {
            retryable: false,
            reason: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after(" 0 "), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("Fri, 31 Dec 1999 23:59:59 GMT"),
            Some(Duration::ZERO),
            "a date in the past means now"
        );
        let future = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(30));
        let wait = parse_retry_after(&future).unwrap();
        assert!(
            wait > Duration::from_secs(25) && wait <= Duration::from_secs(30),
            "{wait:?}"
        );
        assert_eq!(parse_retry_after("soon"), None);
        assert_eq!(parse_retry_after("-1"), None);
    }
}
