//! The transports of one run, set up once and only for what the run sends: the HTTP client,
//! and the TLS client configuration of the other protocols. Both trust Mozilla's roots plus a
//! private CA named by `SSL_CERT_FILE`, which is read (and checked) when the run starts sending.

use std::sync::{Arc, OnceLock};

use rustls::pki_types::CertificateDer;

use crate::env::Env;
use crate::error::UsageError;
use crate::http::Http;
use crate::tls;

pub struct Net {
    private_ca: Vec<CertificateDer<'static>>,
    http: OnceLock<Http>,
    tls: OnceLock<Option<Arc<rustls::ClientConfig>>>,
}

impl Net {
    pub fn new(env: &Env) -> Result<Net, UsageError> {
        let private_ca = tls::private_ca(env)?;
        tls::check(&private_ca)?;
        Ok(Net {
            private_ca,
            http: OnceLock::new(),
            tls: OnceLock::new(),
        })
    }

    pub fn private_ca(&self) -> &[CertificateDer<'static>] {
        &self.private_ca
    }

    pub fn http(&self) -> &Http {
        self.http.get_or_init(|| Http::new(&self.private_ca))
    }

    /// A rustls client configuration (IRC over TLS); `None` only if TLS cannot be set up.
    pub fn tls(&self) -> Option<Arc<rustls::ClientConfig>> {
        self.tls
            .get_or_init(|| tls::client_config(&self.private_ca).ok())
            .clone()
    }
}
