//! The transports of one run, set up once and only for what the run sends: the HTTP client,
//! and the TLS client configuration of the other protocols. Both trust Mozilla's roots plus a
//! private CA named by `SSL_CERT_FILE`, which is read (and checked) when the run starts sending.
//! Secrets a service is handed while it sends (an access token from a log-in) are kept here
//! until the run's output masks them.

use std::sync::{Arc, Mutex, OnceLock};

use rustls::pki_types::CertificateDer;

use crate::env::Env;
use crate::error::UsageError;
use crate::http::Http;
use crate::tls;

pub struct Net {
    private_ca: Vec<CertificateDer<'static>>,
    http: OnceLock<Http>,
    tls: OnceLock<Option<Arc<rustls::ClientConfig>>>,
    learned: Mutex<Vec<String>>,
}

impl Net {
    pub fn new(env: &Env) -> Result<Net, UsageError> {
        let private_ca = tls::private_ca(env)?;
        tls::check(&private_ca)?;
        Ok(Net {
            private_ca,
            http: OnceLock::new(),
            tls: OnceLock::new(),
            learned: Mutex::new(Vec::new()),
        })
    }

    pub fn private_ca(&self) -> &[CertificateDer<'static>] {
        &self.private_ca
    }

    pub fn http(&self) -> &Http {
        self.http.get_or_init(|| Http::new(&self.private_ca))
    }

    /// A secret learned while sending, to be masked before anything more is printed.
    pub fn learn(&self, secret: &str) {
        if let Ok(mut learned) = self.learned.lock() {
            learned.push(secret.to_owned());
        }
    }

    /// The secrets learned since the last call.
    pub fn take_learned(&self) -> Vec<String> {
        self.learned
            .lock()
            .map(|mut l| std::mem::take(&mut *l))
            .unwrap_or_default()
    }

    /// A rustls client configuration (IRC over TLS); `None` only if TLS cannot be set up.
    pub fn tls(&self) -> Option<Arc<rustls::ClientConfig>> {
        self.tls
            .get_or_init(|| tls::client_config(&self.private_ca).ok())
            .clone()
    }
}
